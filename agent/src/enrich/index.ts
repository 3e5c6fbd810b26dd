// Kubernetes enrichment of flow records: which pod, node or service each endpoint is, and
// which pod owns the capturing interface itself (so a `net1` record says whose `net1` it is).
//
// Sources, both optional and combinable:
//  - the Kubernetes API when INTERFLOW_NODE_NAME is set (in-cluster credentials, else KUBECONFIG);
//  - the static mapping file INTERFLOW_STATIC_ENRICHMENT (see static-mapping.ts).
// With neither, enrich() leaves records as they are.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { FlowRecord } from '@interflow/contract';
import type { AgentConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { IdentityIndex, type InterfaceIdentity } from './identity-index.ts';
import { startKubeSources, type KubeSources } from './kube-sources.ts';
import { loadStaticMapping } from './static-mapping.ts';

export type { InterfaceIdentity };

export interface Enricher {
  /** Fills Src*, Dst* and IfK8S_* fields in place; synchronous, a few map lookups. */
  enrich(record: FlowRecord, iface: InterfaceIdentity): void;
  /** The pod that owns an interface, when known (the inventory). */
  ownerOf(iface: InterfaceIdentity): { namespace: string; name: string; network?: string } | undefined;
  close(): Promise<void>;
}

export interface EnricherOptions {
  /** Use this cluster connection instead of in-cluster credentials (tests, out-of-cluster runs). */
  kubeConfig?: KubeConfig;
  /** Wait at most this long for the first lists (default 15 s); lists keep retrying afterwards. */
  initialSyncTimeoutMs?: number;
  /** Retry backoff for failed list/watch calls (defaults 1 s … 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The cluster connection to use, or a reason there is none. */
function clusterConnection(log: Logger): KubeConfig | undefined {
  const kc = new KubeConfig();
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    return kc;
  }
  if (process.env.KUBECONFIG) {
    kc.loadFromDefault();
    return kc;
  }
  log.warn(
    'INTERFLOW_NODE_NAME is set but there are no in-cluster credentials (KUBERNETES_SERVICE_HOST, service account token) and no KUBECONFIG: Kubernetes enrichment is off',
  );
  return undefined;
}

export async function createEnricher(
  cfg: AgentConfig,
  log: Logger,
  options: EnricherOptions = {},
): Promise<Enricher> {
  const index = new IdentityIndex();
  let sources = false;

  if (cfg.staticEnrichmentFile) {
    // Throws ConfigError (naming INTERFLOW_STATIC_ENRICHMENT and the bad entry): the agent must not start.
    const mapping = loadStaticMapping(cfg.staticEnrichmentFile);
    for (const n of mapping.nodes) index.upsertNode(n);
    for (const s of mapping.services) index.upsertService(s);
    for (const p of mapping.pods) index.upsertPod(p);
    log.info(
      {
        file: cfg.staticEnrichmentFile,
        pods: mapping.pods.length,
        nodes: mapping.nodes.length,
        services: mapping.services.length,
      },
      'static enrichment mapping loaded',
    );
    sources = true;
  }

  let kube: KubeSources | undefined;
  const kc = options.kubeConfig ?? (cfg.kubeNodeName ? clusterConnection(log) : undefined);
  if (kc) {
    const nodeName = cfg.kubeNodeName ?? cfg.nodeName;
    kube = await startKubeSources(kc, nodeName, index, log, {
      initialSyncTimeoutMs: options.initialSyncTimeoutMs ?? 15_000,
      retryMinMs: options.retryMinMs ?? 1000,
      retryMaxMs: options.retryMaxMs ?? 30_000,
    });
    sources = true;
  }

  if (!sources) {
    log.info('no Kubernetes API and no INTERFLOW_STATIC_ENRICHMENT: records are not enriched');
    return { enrich() {}, ownerOf: () => undefined, async close() {} };
  }
  return {
    enrich: (record, iface) => index.enrich(record, iface),
    ownerOf: (iface) => index.ownerOf(iface),
    async close() {
      await kube?.close();
    },
  };
}

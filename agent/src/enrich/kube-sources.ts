// Feeds the identity index from the Kubernetes API: list+watch (client-node ListWatch
// informers) of this node's pods, all nodes, all services, and the ReplicaSets and Jobs that
// name pods' Deployments and CronJobs. ListWatch re-watches by itself when a watch ends and
// re-lists on 410 Gone, but gives up on other errors: those are retried here with backoff.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  ListWatch,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Job,
  type V1Node,
  type V1Pod,
  type V1ReplicaSet,
  type V1Service,
} from '@kubernetes/client-node';
import { backoffDelay } from '../retry/backoff.ts';
import type { Logger } from '../log.ts';
import type { IdentityIndex } from './identity-index.ts';
import { controllerOwnerFromKube, nodeFromKube, podFromKube, serviceFromKube } from './kube-models.ts';
import {
  TrimmingWatch,
  trimController,
  trimmedList,
  trimNode,
  trimPod,
  trimService,
  type Trimmer,
} from './trim.ts';

export interface KubeSourcesOptions {
  /** How long createEnricher waits for the first lists before going on (then they keep retrying). */
  initialSyncTimeoutMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface KubeSources {
  close(): Promise<void>;
}

interface Source<T extends KubernetesObject> {
  name: string;
  /** Resources the enricher cannot work without (pods, nodes, services) vs. owner details. */
  essential: boolean;
  path: string;
  fieldSelector?: string;
  list: () => Promise<KubernetesListObject<T>>;
  /** Cuts objects down to the fields the enricher reads before the informer caches them. */
  trim: Trimmer;
  upsert: (obj: T) => void;
  remove: (obj: T) => void;
}

export async function startKubeSources(
  kc: KubeConfig,
  nodeName: string,
  index: IdentityIndex,
  log: Logger,
  opts: KubeSourcesOptions,
): Promise<KubeSources> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const podSelector = `spec.nodeName=${nodeName}`;
  const warnedPods = new Set<string>();

  const upsertPod = (pod: V1Pod): void => {
    const conv = podFromKube(pod);
    if (!conv) return;
    if (conv.annotationProblem && !warnedPods.has(conv.model.uid)) {
      warnedPods.add(conv.model.uid);
      log.warn(
        { namespace: conv.model.namespace, pod: conv.model.name, problem: conv.annotationProblem },
        'ignoring unusable network-status annotation',
      );
    }
    index.upsertPod(conv.model);
  };
  const removePod = (pod: V1Pod): void => {
    if (!pod.metadata?.uid) return;
    warnedPods.delete(pod.metadata.uid);
    index.deletePod(pod.metadata.uid);
  };

  const sources: Source<KubernetesObject>[] = [
    {
      name: 'pods',
      trim: trimPod,
      essential: true,
      path: '/api/v1/pods',
      fieldSelector: podSelector,
      list: () => core.listPodForAllNamespaces({ fieldSelector: podSelector }),
      upsert: upsertPod,
      remove: removePod,
    } satisfies Source<V1Pod>,
    {
      name: 'nodes',
      trim: trimNode,
      essential: true,
      path: '/api/v1/nodes',
      list: () => core.listNode(),
      upsert: (n: V1Node) => {
        const m = nodeFromKube(n);
        if (m) index.upsertNode(m);
      },
      remove: (n: V1Node) => {
        const m = nodeFromKube(n);
        if (m) index.deleteNode(m.uid);
      },
    } satisfies Source<V1Node>,
    {
      name: 'services',
      trim: trimService,
      essential: true,
      path: '/api/v1/services',
      list: () => core.listServiceForAllNamespaces(),
      upsert: (s: V1Service) => {
        const m = serviceFromKube(s);
        if (m) index.upsertService(m);
      },
      remove: (s: V1Service) => {
        const m = serviceFromKube(s);
        if (m) index.deleteService(m.uid);
      },
    } satisfies Source<V1Service>,
    {
      name: 'replicasets',
      trim: trimController,
      essential: false,
      path: '/apis/apps/v1/replicasets',
      list: () => apps.listReplicaSetForAllNamespaces(),
      upsert: (rs: V1ReplicaSet) => {
        const c = controllerOwnerFromKube(rs, 'Deployment');
        if (c) index.setControllerOwner('ReplicaSet', c.namespace, c.name, c.owner);
      },
      remove: (rs: V1ReplicaSet) => {
        if (rs.metadata?.name)
          index.deleteControllerOwner('ReplicaSet', rs.metadata.namespace ?? '', rs.metadata.name);
      },
    } satisfies Source<V1ReplicaSet>,
    {
      name: 'jobs',
      trim: trimController,
      essential: false,
      path: '/apis/batch/v1/jobs',
      list: () => batch.listJobForAllNamespaces(),
      upsert: (job: V1Job) => {
        const c = controllerOwnerFromKube(job, 'CronJob');
        if (c) index.setControllerOwner('Job', c.namespace, c.name, c.owner);
      },
      remove: (job: V1Job) => {
        if (job.metadata?.name)
          index.deleteControllerOwner('Job', job.metadata.namespace ?? '', job.metadata.name);
      },
    } satisfies Source<V1Job>,
  ] as Source<KubernetesObject>[];

  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const synced = new Set<string>();
  const informers: ListWatch<KubernetesObject>[] = [];

  const run = (src: Source<KubernetesObject>): Promise<void> => {
    const informer = new ListWatch<KubernetesObject>(
      src.path,
      new TrimmingWatch(kc, src.trim),
      trimmedList(src.list, src.trim),
      false,
      undefined,
      src.fieldSelector,
    );
    informers.push(informer);
    /** Failures since the last successful start; the retry delay grows with it (jittered). */
    let failures = 0;
    let failedAttempt = false;
    let resolveFirst!: () => void;
    const first = new Promise<void>((r) => (resolveFirst = r));
    informer.on('add', src.upsert);
    informer.on('update', src.upsert);
    informer.on('delete', src.remove);
    const onFailure = (err: unknown): void => {
      failedAttempt = true;
      if (closed) return;
      const status =
        (err as { statusCode?: number; code?: number })?.statusCode ?? (err as { code?: number })?.code;
      failures++;
      // Every agent of the cluster loses the API server at once: jitter spreads their retries.
      const delay = backoffDelay(failures, opts.retryMinMs, opts.retryMaxMs);
      log[src.essential || failures === 1 ? 'warn' : 'debug'](
        { resource: src.name, status, err: (err as Error)?.message ?? String(err), retryInMs: delay },
        status === 403
          ? `not allowed to list/watch ${src.name} (check the agent's RBAC); retrying`
          : `list/watch of ${src.name} failed; retrying`,
      );
      const t = setTimeout(() => {
        timers.delete(t);
        void attempt();
      }, delay);
      timers.add(t);
    };
    informer.on('error', onFailure);
    const attempt = async (): Promise<void> => {
      if (closed) return;
      failedAttempt = false;
      try {
        await informer.start();
      } catch (e) {
        // ListWatch reports most failures through 'error'; anything thrown is retried the same way.
        onFailure(e);
        return;
      }
      if (!failedAttempt && !closed) {
        failures = 0;
        if (!synced.has(src.name)) {
          synced.add(src.name);
          log.debug({ resource: src.name }, 'kubernetes list/watch running');
        }
        resolveFirst();
      }
    };
    void attempt();
    return first;
  };

  const firsts = sources.map((s) => run(s));
  // Owner details (ReplicaSets, Jobs) may be forbidden by RBAC: names fall back to conventions
  // meanwhile, so only pods, nodes and services are waited for.
  const essential = firsts.filter((_, i) => sources[i]!.essential);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => (timer = setTimeout(r, opts.initialSyncTimeoutMs)));
  await Promise.race([Promise.all(essential), timeout]);
  clearTimeout(timer);
  const missing = sources.filter((s) => s.essential && !synced.has(s.name)).map((s) => s.name);
  if (missing.length) {
    log.warn({ resources: missing }, 'kubernetes enrichment starts without these resources; still trying');
  } else {
    log.info({ node: nodeName, pods: index.podCount }, 'kubernetes enrichment ready');
  }

  return {
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}

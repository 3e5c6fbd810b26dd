// The informers' caches keep every object they receive. Nodes carry image lists, ReplicaSets
// whole pod templates: kept as is, a large cluster would cost the agent hundreds of MB for
// fields the enricher never reads. Objects are cut down to what kube-models.ts reads (plus
// what the informer itself needs: name, namespace, uid, resourceVersion) before they are cached.
import { Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { NETWORK_STATUS_ANNOTATION } from './network-status.ts';

type Json = Record<string, unknown>;
export type Trimmer = (obj: Json) => Json;

function meta(md: Json | undefined, extra: (md: Json) => Json = () => ({})): Json {
  if (!md) return {};
  const out: Json = {
    name: md.name,
    namespace: md.namespace,
    uid: md.uid,
    resourceVersion: md.resourceVersion,
  };
  return { ...out, ...extra(md) };
}

function pick(o: unknown, keys: string[]): Json | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const out: Json = {};
  for (const k of keys) if ((o as Json)[k] !== undefined) out[k] = (o as Json)[k];
  return out;
}

const withOwners = (md: Json): Json => ({ ownerReferences: md.ownerReferences });

export const trimPod: Trimmer = (o) => {
  const md = o.metadata as Json | undefined;
  const annotations = md?.annotations as Json | undefined;
  const labels = md?.labels as Json | undefined;
  return {
    metadata: meta(md, (m) => ({
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
      ownerReferences: m.ownerReferences,
      labels:
        labels?.['pod-template-hash'] !== undefined
          ? { 'pod-template-hash': labels['pod-template-hash'] }
          : undefined,
      annotations:
        annotations?.[NETWORK_STATUS_ANNOTATION] !== undefined
          ? { [NETWORK_STATUS_ANNOTATION]: annotations[NETWORK_STATUS_ANNOTATION] }
          : undefined,
    })),
    spec: pick(o.spec, ['nodeName', 'hostNetwork']),
    status: pick(o.status, ['phase', 'podIP', 'podIPs']),
  };
};

export const trimNode: Trimmer = (o) => ({
  metadata: meta(o.metadata as Json | undefined),
  status: pick(o.status, ['addresses']),
});

export const trimService: Trimmer = (o) => ({
  metadata: meta(o.metadata as Json | undefined),
  spec: pick(o.spec, ['clusterIP', 'clusterIPs']),
});

/** ReplicaSets and Jobs: only who owns them. */
export const trimController: Trimmer = (o) => ({
  metadata: meta(o.metadata as Json | undefined, withOwners),
});

/** A list call whose items are trimmed before the informer caches them. */
export function trimmedList<T extends KubernetesObject>(
  list: () => Promise<KubernetesListObject<T>>,
  trim: Trimmer,
): () => Promise<KubernetesListObject<T>> {
  return async () => {
    const result = await list();
    result.items = result.items.map((item) => trim(item as unknown as Json) as unknown as T);
    return result;
  };
}

/** A Watch whose object events are trimmed before the informer sees them (ERROR/BOOKMARK pass through). */
export class TrimmingWatch extends Watch {
  constructor(
    config: ConstructorParameters<typeof Watch>[0],
    private readonly trim: Trimmer,
  ) {
    super(config);
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, obj, watchObj) => {
        const isObjectEvent = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
        callback(
          phase,
          isObjectEvent && obj && typeof obj === 'object' ? this.trim(obj as Json) : obj,
          watchObj,
        );
      },
      done,
    );
  }
}

// Turns Kubernetes objects into the enricher's models. Objects arrive either deserialised by
// the generated client (lists: Date timestamps) or as raw JSON (watch events: strings), so
// only plain fields are read and both timestamp forms are accepted.
import type {
  V1Job,
  V1Node,
  V1OwnerReference,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import { canonicalIp, canonicalIps } from './addresses.ts';
import type { InterfaceModel, NodeModel, OwnerRef, PodModel, ServiceModel } from './model.ts';
import { NETWORK_STATUS_ANNOTATION, parseNetworkStatus } from './network-status.ts';

export interface PodConversion {
  model: PodModel;
  /** Why the network-status annotation was (partly) ignored, for a log line. */
  annotationProblem?: string;
}

function timeMs(t: Date | string | undefined): number {
  if (t === undefined) return 0;
  const ms = new Date(t).getTime();
  return Number.isFinite(ms) ? ms : 0;
}

function controllerOf(refs: V1OwnerReference[] | undefined): OwnerRef | undefined {
  if (!refs || refs.length === 0) return undefined;
  const ref = refs.find((r) => r.controller === true) ?? refs[0]!;
  return ref.kind && ref.name ? { kind: ref.kind, name: ref.name } : undefined;
}

export function podFromKube(pod: V1Pod): PodConversion | undefined {
  const md = pod.metadata;
  if (!md?.uid || !md.name) return undefined;
  const model: PodModel = {
    uid: md.uid,
    namespace: md.namespace ?? '',
    name: md.name,
    live: md.deletionTimestamp === undefined || md.deletionTimestamp === null,
    createdMs: timeMs(md.creationTimestamp),
    primaryIps: [],
    interfaces: [],
  };
  if (pod.spec?.nodeName) model.hostName = pod.spec.nodeName;
  const controller = controllerOf(md.ownerReferences);
  if (controller) model.controller = controller;
  const hash = md.labels?.['pod-template-hash'];
  if (hash) model.podTemplateHash = hash;

  // Host-network pods use the node's addresses: those name the node, not the pod. Finished
  // pods keep status.podIPs, but their addresses are free for reuse.
  const phase = pod.status?.phase;
  if (pod.spec?.hostNetwork === true || phase === 'Succeeded' || phase === 'Failed') return { model };

  const podIps = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : [pod.status?.podIP];
  model.primaryIps = canonicalIps(podIps);

  const parsed = parseNetworkStatus(md.annotations?.[NETWORK_STATUS_ANNOTATION]);
  const primarySet = new Set(model.primaryIps);
  // The default network is the entry marked default, else the one holding a primary address.
  const defaultEntry =
    parsed.entries.find((e) => e.default) ??
    parsed.entries.find((e) => e.ips.some((ip) => primarySet.has(ip)));
  if (defaultEntry) model.defaultNetwork = defaultEntry.name;
  for (const e of parsed.entries) {
    const iface: InterfaceModel = { ips: e.ips, network: e.name, isDefault: e === defaultEntry };
    if (e.interface) iface.ifname = e.interface;
    if (e.mac) iface.mac = e.mac;
    model.interfaces.push(iface);
  }
  if (model.primaryIps.length === 0 && defaultEntry) model.primaryIps = defaultEntry.ips;
  return parsed.problem ? { model, annotationProblem: parsed.problem } : { model };
}

export function nodeFromKube(node: V1Node): NodeModel | undefined {
  const md = node.metadata;
  if (!md?.name) return undefined;
  const ips = (node.status?.addresses ?? [])
    .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
    .map((a) => canonicalIp(a.address))
    .filter((ip): ip is string => ip !== undefined);
  return { uid: md.uid ?? `node/${md.name}`, name: md.name, ips: [...new Set(ips)] };
}

export function serviceFromKube(svc: V1Service): ServiceModel | undefined {
  const md = svc.metadata;
  if (!md?.name) return undefined;
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP];
  return {
    uid: md.uid ?? `service/${md.namespace}/${md.name}`,
    namespace: md.namespace ?? '',
    name: md.name,
    ips: canonicalIps(ips), // "None" (headless) is not an address and is dropped
  };
}

/** A ReplicaSet's Deployment or a Job's CronJob; null when it has no such owner. */
export function controllerOwnerFromKube(
  obj: V1ReplicaSet | V1Job,
  ownerKind: 'Deployment' | 'CronJob',
): { namespace: string; name: string; owner: OwnerRef | null } | undefined {
  const md = obj.metadata;
  if (!md?.name) return undefined;
  const c = controllerOf(md.ownerReferences);
  return { namespace: md.namespace ?? '', name: md.name, owner: c && c.kind === ownerKind ? c : null };
}

// Harness of the enricher tests and benchmark: flow records seen on an interface, enriched as
// the agent does it, and the Kubernetes objects the stand-in API server serves.
import type { FlowRecord } from '@interflow/contract';
import type { InterfaceIdentity } from '../src/enrich/identity-index.ts';
import type { Enricher } from '../src/enrich/index.ts';
import type { KubeObject } from '../../test/support/stand-in-kube-api.ts';

export function flowRecord(
  fields: Partial<FlowRecord> & {
    SrcAddr: string;
    DstAddr: string;
    direction: 0 | 1;
    ifname: string;
    netns: string;
  },
): FlowRecord {
  const { direction, ifname, netns, ...rest } = fields;
  return {
    TimeFlowStartMs: 1_700_000_000_000,
    TimeFlowEndMs: 1_700_000_001_000,
    TimeReceived: 1_700_000_002,
    SrcPort: 40000,
    DstPort: 5201,
    Proto: 6,
    SrcMac: '00:00:00:00:00:01',
    DstMac: '00:00:00:00:00:02',
    Etype: 0x0800,
    Dscp: 0,
    Flags: 0,
    Bytes: 1500,
    Packets: 1,
    Interfaces: [ifname],
    IfDirections: [direction],
    IfNetns: [netns],
    FlowDirection: direction,
    AgentIP: '127.0.0.1',
    K8S_HostName: 'worker-0',
    ...rest,
  };
}

export function iface(netnsName: string, netnsInode: number, ifname: string, mac: string): InterfaceIdentity {
  return { netnsName, netnsInode, ifname, mac };
}

/** A flow seen on interface `on` (its netns and name go into the record), enriched as the agent does it. */
export function enrichedFlow(
  enricher: Pick<Enricher, 'enrich'>,
  on: InterfaceIdentity,
  fields: Partial<FlowRecord> & { SrcAddr: string; DstAddr: string; direction: 0 | 1 },
): FlowRecord {
  const record = flowRecord({ ...fields, ifname: on.ifname, netns: on.netnsName });
  enricher.enrich(record, on);
  return record;
}

/** `{ Name: 'x', … }` as the record fields of one endpoint: `{ SrcK8S_Name: 'x', … }`. */
export function endpointFields(side: 'Src' | 'Dst', fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${side}K8S_${k}`, v]));
}

/** The Kubernetes fields of a record, for compact assertions. */
export function k8sFields(r: FlowRecord): Record<string, string> {
  return Object.fromEntries(
    Object.entries(r).filter(([k]) => /^(Src|Dst|If)K8S_/.test(k)) as [string, string][],
  );
}

export interface PodSpec {
  namespace: string;
  name: string;
  node?: string;
  ips?: string[];
  networkStatus?: unknown;
  /** Raw annotation text (overrides networkStatus). */
  networkStatusText?: string;
  owner?: { kind: string; name: string; apiVersion?: string };
  labels?: Record<string, string>;
  created?: string;
  deleting?: boolean;
  phase?: string;
  hostNetwork?: boolean;
  uid?: string;
}

export function pod(p: PodSpec): KubeObject {
  const annotations: Record<string, string> = {};
  if (p.networkStatusText !== undefined)
    annotations['k8s.v1.cni.cncf.io/network-status'] = p.networkStatusText;
  else if (p.networkStatus !== undefined)
    annotations['k8s.v1.cni.cncf.io/network-status'] = JSON.stringify(p.networkStatus);
  const ips = p.ips ?? [];
  return {
    metadata: {
      namespace: p.namespace,
      name: p.name,
      ...(p.uid ? { uid: p.uid } : {}),
      creationTimestamp: p.created ?? '2026-01-01T00:00:00Z',
      ...(p.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
      annotations,
      labels: p.labels ?? {},
      ownerReferences: p.owner
        ? [
            {
              apiVersion: p.owner.apiVersion ?? 'apps/v1',
              kind: p.owner.kind,
              name: p.owner.name,
              uid: `uid-${p.owner.name}`,
              controller: true,
            },
          ]
        : [],
    },
    spec: {
      nodeName: p.node ?? 'worker-0',
      hostNetwork: p.hostNetwork ?? false,
      containers: [{ name: 'c', image: 'x' }],
    },
    status: {
      phase: p.phase ?? 'Running',
      ...(ips[0] ? { podIP: ips[0] } : {}),
      podIPs: ips.map((ip) => ({ ip })),
    },
  };
}

export function node(name: string, internalIp: string): KubeObject {
  return {
    metadata: { name },
    status: {
      addresses: [
        { type: 'InternalIP', address: internalIp },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

export function service(namespace: string, name: string, clusterIPs: string[]): KubeObject {
  return {
    metadata: { namespace, name },
    spec: { clusterIP: clusterIPs[0], clusterIPs, ports: [{ port: 443 }] },
  };
}

export function replicaSet(
  namespace: string,
  name: string,
  owner?: { kind: string; name: string },
): KubeObject {
  return {
    metadata: {
      namespace,
      name,
      ownerReferences: owner
        ? [
            {
              apiVersion: 'apps/v1',
              kind: owner.kind,
              name: owner.name,
              uid: `uid-${owner.name}`,
              controller: true,
            },
          ]
        : [],
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [] } },
    },
  };
}

export function job(namespace: string, name: string, cronJob?: string): KubeObject {
  return {
    metadata: {
      namespace,
      name,
      ownerReferences: cronJob
        ? [
            {
              apiVersion: 'batch/v1',
              kind: 'CronJob',
              name: cronJob,
              uid: `uid-${cronJob}`,
              controller: true,
            },
          ]
        : [],
    },
    spec: { template: { spec: { containers: [] } } },
  };
}

// One flow (5-tuple) seen on one interface of one network namespace, in one direction,
// during one eviction interval. Field names follow NetObserv's (see ../shared/DESIGN.md) so
// both tools read each other's data.
export interface FlowRecord {
  TimeFlowStartMs: number;
  TimeFlowEndMs: number;
  TimeReceived: number;
  SrcAddr: string;
  DstAddr: string;
  SrcPort: number;
  DstPort: number;
  Proto: number;
  SrcMac: string;
  DstMac: string;
  Etype: number;
  Dscp: number;
  Flags: number;
  Bytes: number;
  Packets: number;
  Interfaces: string[];
  IfDirections: number[];
  IfNetns: string[];
  FlowDirection: number;
  AgentIP: string;
  K8S_HostName: string;
  SrcK8S_Namespace?: string;
  SrcK8S_Name?: string;
  SrcK8S_Type?: string;
  SrcK8S_OwnerName?: string;
  SrcK8S_OwnerType?: string;
  SrcK8S_HostName?: string;
  SrcK8S_NetworkName?: string;
  DstK8S_Namespace?: string;
  DstK8S_Name?: string;
  DstK8S_Type?: string;
  DstK8S_OwnerName?: string;
  DstK8S_OwnerType?: string;
  DstK8S_HostName?: string;
  DstK8S_NetworkName?: string;
  /** Which pod owns the interface itself (set by enrichment; Interflow extension). */
  IfK8S_Namespace?: string;
  IfK8S_Name?: string;
  IfK8S_NetworkName?: string;
}

/** Loki labels: low cardinality only. Everything else stays in the JSON line. */
export const LOKI_LABEL_FIELDS = [
  'SrcK8S_Namespace',
  'DstK8S_Namespace',
  'FlowDirection',
  'K8S_HostName',
] as const;

export const IF_DIRECTION = { ingress: 0, egress: 1 } as const;
export const FLOW_DIRECTION = { ingress: 0, egress: 1, inner: 2 } as const;

// The flow record: one flow (5-tuple) seen on one interface of one network namespace, in one
// direction, during one eviction interval (docs/design.md, "Flow record"). Field names follow
// NetObserv's so both tools read each other's data. This is the one definition: the agent
// builds records of this type, the backend describes its responses with the schema, the page
// reads the same type.
import { Type, type Static } from 'typebox';

const Str = Type.String();
const Num = Type.Number();

/** Fields every record Interflow's agent writes carries. */
const WRITTEN_ALWAYS = {
  TimeFlowStartMs: Num,
  TimeFlowEndMs: Num,
  /** Epoch seconds when the agent exported the record. */
  TimeReceived: Num,
  SrcAddr: Str,
  DstAddr: Str,
  SrcPort: Num,
  DstPort: Num,
  Proto: Num,
  SrcMac: Str,
  DstMac: Str,
  Etype: Num,
  Dscp: Num,
  Flags: Num,
  Bytes: Num,
  Packets: Num,
  Interfaces: Type.Array(Str),
  /** Per interface: 0 ingress, 1 egress. */
  IfDirections: Type.Array(Num),
  /** Per interface: network namespace name ("" = the host's). */
  IfNetns: Type.Array(Str),
  /** As seen by the node: 0 ingress, 1 egress, 2 inner. */
  FlowDirection: Num,
  AgentIP: Str,
  K8S_HostName: Str,
};

/** Kubernetes enrichment, present when known. */
const ENRICHMENT = {
  SrcK8S_Namespace: Str,
  SrcK8S_Name: Str,
  SrcK8S_Type: Str,
  SrcK8S_OwnerName: Str,
  SrcK8S_OwnerType: Str,
  SrcK8S_HostName: Str,
  SrcK8S_NetworkName: Str,
  DstK8S_Namespace: Str,
  DstK8S_Name: Str,
  DstK8S_Type: Str,
  DstK8S_OwnerName: Str,
  DstK8S_OwnerType: Str,
  DstK8S_HostName: Str,
  DstK8S_NetworkName: Str,
  /** Which pod owns the interface itself (Interflow's extension: whose net1 this is). */
  IfK8S_Namespace: Str,
  IfK8S_Name: Str,
  IfK8S_NetworkName: Str,
};

type Optionalized<T extends Record<string, Parameters<typeof Type.Optional>[0]>> = {
  [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
};
function optional<T extends Record<string, Parameters<typeof Type.Optional>[0]>>(fields: T): Optionalized<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = Type.Optional(v);
  return out as Optionalized<T>;
}

/** A record as Interflow's agent writes it. */
export const FlowRecordSchema = Type.Object({ ...WRITTEN_ALWAYS, ...optional(ENRICHMENT) });
export type FlowRecord = Static<typeof FlowRecordSchema>;

/**
 * A record as read back from Loki: written by Interflow or by another producer (NetObserv), so
 * every field is optional and extra fields pass through. The backend shows every line that is a
 * JSON object (docs/design.md, "Reading other producers' records"): it normalises the known
 * fields whose meaning is clear (string `IfDirections`, singular `Interface`/`IfDirection`,
 * `Flags` as names, numbers written as text, fields NetObserv keeps as stream labels) and keeps
 * every other field as it came, so a known field may still hold a value of another shape.
 */
export const StoredFlowRecordSchema = Type.Object(optional({ ...WRITTEN_ALWAYS, ...ENRICHMENT }), {
  additionalProperties: true,
});
export type StoredFlowRecord = Static<typeof StoredFlowRecordSchema>;

/** Every field name the contract knows, in the order above. */
export const FLOW_RECORD_FIELDS = [
  ...Object.keys(WRITTEN_ALWAYS),
  ...Object.keys(ENRICHMENT),
] as (keyof FlowRecord)[];

/**
 * Loki stream labels: low cardinality only. Everything else stays in the JSON line. The three
 * namespaces are labels so a caller restricted to some namespaces is restricted in the stream
 * selector (bounded by the number of namespaces).
 */
export const LOKI_LABEL_FIELDS = [
  'SrcK8S_Namespace',
  'DstK8S_Namespace',
  'FlowDirection',
  'K8S_HostName',
  'IfK8S_Namespace',
] as const;

/** The stream label every Interflow record carries (`app="interflow"`). */
export const APP_LABEL = { name: 'app', value: 'interflow' } as const;

export const IF_DIRECTION = { ingress: 0, egress: 1 } as const;

/**
 * TCP flag names NetObserv writes when flowlogs-pipeline decodes `Flags` into a list
 * (flowlogs-pipeline pkg/utils/tcp_flags.go: 256, 512 and 1024 are its own SYN_ACK, FIN_ACK and
 * RST_ACK bits). The OR of the named bits is the number Interflow writes.
 */
export const TCP_FLAG_BITS: Readonly<Record<string, number>> = {
  FIN: 1,
  SYN: 2,
  RST: 4,
  PSH: 8,
  ACK: 16,
  URG: 32,
  ECE: 64,
  CWR: 128,
  SYN_ACK: 256,
  FIN_ACK: 512,
  RST_ACK: 1024,
};
export const FLOW_DIRECTION = { ingress: 0, egress: 1, inner: 2 } as const;

// The interface inventory record (docs/design.md, "Interface record"): one interface of one
// network namespace of one node, whether Interflow hooks it and, if not, why, with the traffic
// it saw since the agent's previous report. The agent writes one per interface when something
// changes and every report interval, in its own Loki stream (`_RecordType="interface"`), so the
// inventory survives restarts and is read by the same queries in every store mode.
import { Type, type Static } from 'typebox';

const Str = Type.String();
const Num = Type.Number();

/**
 * The `_RecordType` stream label value of inventory records. NetObserv writes the same label
 * with `flowLog`, `allConnections`, `newConnection`, `heartbeat` and `endConnection`; flow
 * queries exclude only this value, so they keep reading every NetObserv record.
 */
export const RECORD_TYPE_LABEL = '_RecordType';
export const INTERFACE_RECORD_TYPE = 'interface';

/** hooked: filters on ingress and egress; attaching/detaching: asked, not confirmed; unhooked: see HookReason; gone: deleted, moved away, or its namespace went away. */
export const HOOK_STATES = ['hooked', 'attaching', 'detaching', 'unhooked', 'gone'] as const;
export type HookState = (typeof HOOK_STATES)[number];

/**
 * Why an interface is not hooked (HookState `unhooked` or `gone`):
 *  - excluded: its name matches INTERFLOW_EXCLUDE_INTERFACES;
 *  - not_selected: INTERFLOW_INTERFACES is set and its name matches none of it;
 *  - attach_failed: the kernel refused the hook (HookError says why; retried at every resync);
 *  - namespace_not_ready: the namespace's links are still being listed;
 *  - link_removed: deleted or moved to another namespace;
 *  - namespace_removed: its namespace went away (or the agent stopped watching it).
 */
export const HOOK_REASONS = [
  'excluded',
  'not_selected',
  'attach_failed',
  'namespace_not_ready',
  'link_removed',
  'namespace_removed',
] as const;
export type HookReason = (typeof HOOK_REASONS)[number];

/** Fields every inventory record carries. */
const WRITTEN_ALWAYS = {
  /** Epoch ms of the report (also the Loki entry time). */
  TimeReportMs: Num,
  /** Epoch ms of the previous report of this interface (Bytes/Packets cover the time since); equal to TimeReportMs on the first. */
  TimeSinceMs: Num,
  K8S_HostName: Str,
  AgentIP: Str,
  /** The interface name, as one element: the `interfaces` filter matches it as it matches flow records. */
  Interfaces: Type.Array(Str),
  /** Network namespace file name, as one element ("" = the host's): the `netns` filter matches it. */
  IfNetns: Type.Array(Str),
  NetnsInode: Num,
  IfIndex: Num,
  IfMac: Str,
  /** rtnetlink kind (IFLA_INFO_KIND): `veth`, `bond`, `vlan`, `tun`, …; "" for hardware. */
  IfKind: Str,
  /** What the page shows: `vf` (an SR-IOV VF: device/physfn exists), `loopback`, `physical`, or the kind. */
  IfType: Str,
  IsVF: Type.Boolean(),
  Up: Type.Boolean(),
  HookState: Type.Union([
    Type.Literal('hooked'),
    Type.Literal('attaching'),
    Type.Literal('detaching'),
    Type.Literal('unhooked'),
    Type.Literal('gone'),
  ]),
  /** Bytes and packets counted on this interface (both directions) since TimeSinceMs. */
  Bytes: Num,
  Packets: Num,
};

/** Present when known. */
const OPTIONAL = {
  HookReason: Type.Union([
    Type.Literal('excluded'),
    Type.Literal('not_selected'),
    Type.Literal('attach_failed'),
    Type.Literal('namespace_not_ready'),
    Type.Literal('link_removed'),
    Type.Literal('namespace_removed'),
  ]),
  /** The kernel's refusal when HookReason is attach_failed. */
  HookError: Str,
  /** Driver name (sysfs device/driver), when the interface has a device. */
  Driver: Str,
  /** The pod that owns the interface, as in flow records. */
  IfK8S_Namespace: Str,
  IfK8S_Name: Str,
  IfK8S_NetworkName: Str,
};

// The lists above and the unions of the schema must agree (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const statesAgree: Same<HookState, Static<typeof WRITTEN_ALWAYS.HookState>> = true;
const reasonsAgree: Same<HookReason, Static<typeof OPTIONAL.HookReason>> = true;
void statesAgree;
void reasonsAgree;

export const InterfaceRecordSchema = Type.Object({
  ...WRITTEN_ALWAYS,
  HookReason: Type.Optional(OPTIONAL.HookReason),
  HookError: Type.Optional(OPTIONAL.HookError),
  Driver: Type.Optional(OPTIONAL.Driver),
  IfK8S_Namespace: Type.Optional(OPTIONAL.IfK8S_Namespace),
  IfK8S_Name: Type.Optional(OPTIONAL.IfK8S_Name),
  IfK8S_NetworkName: Type.Optional(OPTIONAL.IfK8S_NetworkName),
});
export type InterfaceRecord = Static<typeof InterfaceRecordSchema>;

/** Every field of an inventory record, in the order above. */
export const INTERFACE_RECORD_FIELDS = [
  ...Object.keys(WRITTEN_ALWAYS),
  ...Object.keys(OPTIONAL),
] as (keyof InterfaceRecord)[];

/**
 * Stream labels of inventory records besides `app`: the record type, the node and (when the
 * interface belongs to a pod) the owner's namespace, so a caller restricted to some namespaces
 * is restricted in the stream selector, as for flows (bounded by the number of namespaces).
 */
export const INTERFACE_LABEL_FIELDS = [RECORD_TYPE_LABEL, 'K8S_HostName', 'IfK8S_Namespace'] as const;

/** Record fields the flow filters can be applied to on inventory records. */
export const INTERFACE_FILTER_FIELDS: ReadonlySet<string> = new Set([
  'Interfaces',
  'IfNetns',
  'K8S_HostName',
  'IfK8S_Namespace',
  'IfK8S_Name',
]);

// Wire types of the native helper (agent/native/README.md documents the protocol): commands
// are TAB-separated lines on its stdin; on its stdout, events are JSON lines and flows come in
// binary frames (helper-output.ts, flow-frames.ts).

/** The protocol this agent speaks; the helper says its own in "ready" (version 3: binary flows). */
export const HELPER_PROTOCOL_VERSION = 3;

/** One flow entry drained from the eBPF map or received through the ring-buffer fallback. */
export interface RawFlow {
  netnsIno: number;
  ifindex: number;
  /** 0 ingress, 1 egress (from the interface's point of view). */
  dir: number;
  etype: number;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  bytes: number;
  packets: number;
  /** CLOCK_MONOTONIC nanoseconds, as numbers (exact to well under a microsecond). */
  firstNs: number;
  lastNs: number;
  tcpFlags: number;
  srcMac: string;
  dstMac: string;
  dscp: number;
  fromRingbuf: boolean;
  /** Outermost VLAN id and the one inside it (802.1ad + 802.1Q); 0 when untagged. */
  vlan: number;
  vlanInner: number;
  /** The namespace's cookie: never reused, unlike the inode (netnsIno). */
  netnsCookie: number;
}

export interface LinkEvent {
  ev: 'link';
  id: number;
  op: 'new' | 'del';
  ifindex: number;
  name: string;
  mac: string;
  up: boolean;
  kind: string;
  initial: boolean;
  movedToNsid?: number;
}

export type HelperEvent =
  | { ev: 'ready'; version: number; maxFlows: number; ncpus: number; pid: number; attachMode: string }
  | { ev: 'watched'; id: number; ino: number }
  | LinkEvent
  | { ev: 'links_done'; id: number }
  | { ev: 'attached'; id: number; ifindex: number; createdQdisc: boolean; mode: 'tcx' | 'tc' }
  | { ev: 'detached'; id: number; ifindex: number }
  | { ev: 'unwatched'; id: number }
  | {
      ev: 'stale_removed';
      id: number;
      ifindex: number;
      /** Interflow filters a crashed earlier run left on the interface, now removed. */
      count: number;
      /** A clsact qdisc such a run created: removed, or kept (without its owner mark) for the other filters on it. */
      qdisc: 'none' | 'removed' | 'kept';
      /** Interflow filters of another agent (another lock: it may be alive), left alone. */
      kept: number;
    }
  | { ev: 'resync'; id: number }
  | HookLostEvent
  | { ev: 'error'; id: number; op: string; ifindex: number; errno: number; msg: string }
  | DrainedEvent
  | { ev: 'fatal'; msg: string; errno: number; locked?: boolean }
  /** Another agent holds the node lock; the helper waits up to waitMs for it. */
  | { ev: 'lock_wait'; path: string; holder: string; waitMs: number }
  | { ev: 'exit' };

/** A hook the helper attached is no longer in place (checked on tc events and on `verify`); the helper forgot it. */
export interface HookLostEvent {
  ev: 'hook_lost';
  id: number;
  ifindex: number;
  /** What the check found: no clsact, no filter at Interflow's spot, another program there, a detached tcx link. */
  reason: HookLostReason;
  dir: 'ingress' | 'egress' | 'both';
  /** The program now at Interflow's spot (reason "replaced"; 0 for classic BPF). */
  foreignProgId: number;
  /** CLOCK_MONOTONIC ns: when it was lost (exact, from a tc event) or last seen in place (not exact). */
  lostMonoNs: number;
  exact: boolean;
}

export const HOOK_LOST_REASONS = ['qdisc_removed', 'filter_removed', 'replaced', 'link_detached'] as const;
export type HookLostReason = (typeof HOOK_LOST_REASONS)[number];

export interface DrainedEvent {
  ev: 'drained';
  req: number;
  count: number;
  /** Clock pair read together right after the drain: maps monotonic to wall time. */
  monoNs: number;
  realNs: number;
  /** Cumulative since the helper started. */
  mapFull: number;
  /** Of mapFull, the packets the overflow table took (cumulative). */
  spilled: number;
  ringbufDrops: number;
  batch: boolean;
  /** Time the helper spent draining and writing the entries, in µs. */
  drainUs: number;
}

/** The entries of one drain, in drain order; decoded when asked for (flow-frames.ts). */
export interface FlowList {
  readonly length: number;
  /** How many came through the ring-buffer fallback (fromRingbuf), known without decoding. */
  readonly ringbufEntries: number;
  at(index: number): RawFlow;
}

/** A FlowList of entries already decoded (merged entries, tests). */
export function flowListOf(flows: readonly RawFlow[]): FlowList {
  let ringbufEntries = 0;
  for (const f of flows) if (f.fromRingbuf) ringbufEntries++;
  return {
    length: flows.length,
    ringbufEntries,
    at(index) {
      const f = flows[index];
      if (!f) throw new RangeError(`no flow entry ${index} of ${flows.length}`);
      return f;
    },
  };
}

/** Every entry of a FlowList, decoded. */
export function allFlows(list: FlowList): RawFlow[] {
  const out = new Array<RawFlow>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list.at(i);
  return out;
}

/** A command line for the helper; rejects fields that would break the framing. */
export function commandLine(...fields: (string | number)[]): string {
  for (const f of fields) {
    if (typeof f === 'string' && /[\t\n\r\0]/.test(f)) {
      throw new Error(`helper command field contains a tab, newline or NUL: ${JSON.stringify(f)}`);
    }
  }
  return fields.join('\t') + '\n';
}

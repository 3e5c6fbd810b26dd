// Wire types of the native helper (agent/native/main.c documents the protocol):
// commands are TAB-separated lines on its stdin, events are JSON lines on its stdout.

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
    }
  | { ev: 'resync'; id: number }
  | { ev: 'error'; id: number; op: string; ifindex: number; errno: number; msg: string }
  | DrainedEvent
  | { ev: 'fatal'; msg: string; errno: number }
  | { ev: 'exit' };

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

/** Parses a flow array line `["F", …]`. */
export function parseFlowLine(a: unknown[]): RawFlow {
  return {
    netnsIno: a[1] as number,
    ifindex: a[2] as number,
    dir: a[3] as number,
    etype: a[4] as number,
    proto: a[5] as number,
    src: a[6] as string,
    dst: a[7] as string,
    sport: a[8] as number,
    dport: a[9] as number,
    bytes: a[10] as number,
    packets: a[11] as number,
    firstNs: a[12] as number,
    lastNs: a[13] as number,
    tcpFlags: a[14] as number,
    srcMac: a[15] as string,
    dstMac: a[16] as string,
    dscp: a[17] as number,
    fromRingbuf: a[18] === 1,
    vlan: (a[19] as number | undefined) ?? 0,
    vlanInner: (a[20] as number | undefined) ?? 0,
    netnsCookie: (a[21] as number | undefined) ?? 0,
  };
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

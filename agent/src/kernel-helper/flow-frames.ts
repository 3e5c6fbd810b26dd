// The helper's binary flow records (agent/native/flowout.h, README "Flow frames"): 112 bytes
// each, little-endian, in frames of up to 4 096. A drain's frames are kept as they arrived and
// each entry is decoded only when the evictor reaches it, so the 100 000 entries of a large
// drain never live as objects at the same time (they did as parsed JSON lines, and the garbage
// collector copied and promoted every one of them).
import { flowAddressText, macText } from './address-text.ts';
import type { FlowList, RawFlow } from './helper-protocol.ts';

/** Bytes of one record; a frame announcing another size is from a helper of another version. */
export const FLOW_RECORD_BYTES = 112;

const ORIGIN_RINGBUF = 1;
const ORIGIN_OFFSET = 109;

function u16(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

/** A u64 as a number: exact below 2^53, correctly rounded above (as JSON numbers were). */
function u64(b: Uint8Array, o: number): number {
  return u32(b, o) + u32(b, o + 4) * 0x100000000;
}

/** The record at byte offset `o` (field offsets: struct iflow_wire). */
export function decodeFlow(b: Uint8Array, o: number): RawFlow {
  const etype = u16(b, o + 52);
  return {
    netnsIno: u32(b, o + 40),
    ifindex: u32(b, o + 44),
    dir: b[o + 63]!,
    etype,
    proto: b[o + 62]!,
    src: flowAddressText(b, o + 64, etype),
    dst: flowAddressText(b, o + 80, etype),
    sport: u16(b, o + 54),
    dport: u16(b, o + 56),
    bytes: u64(b, o + 8),
    packets: u64(b, o + 16),
    firstNs: u64(b, o + 24),
    lastNs: u64(b, o + 32),
    tcpFlags: u32(b, o + 48),
    srcMac: macText(b, o + 96),
    dstMac: macText(b, o + 102),
    dscp: b[o + 108]!,
    fromRingbuf: b[o + ORIGIN_OFFSET] === ORIGIN_RINGBUF,
    vlan: u16(b, o + 58),
    vlanInner: u16(b, o + 60),
    netnsCookie: u64(b, o),
  };
}

/** The flow frames received for one drain (and ring-buffer frames received meanwhile). */
export class FlowFrames implements FlowList {
  private readonly frames: Uint8Array[] = [];
  /** Index of the first entry of each frame. */
  private readonly starts: number[] = [];
  private total = 0;
  private ringbuf = 0;
  /** The frame of the last lookup: the evictor reads entries in order. */
  private cursor = 0;

  get length(): number {
    return this.total;
  }

  get ringbufEntries(): number {
    return this.ringbuf;
  }

  /** Keeps one frame's records (`count` × FLOW_RECORD_BYTES bytes; not copied). */
  add(records: Uint8Array, count: number): void {
    if (count === 0) return;
    this.frames.push(records);
    this.starts.push(this.total);
    this.total += count;
    for (let o = ORIGIN_OFFSET; o < records.length; o += FLOW_RECORD_BYTES) {
      if (records[o] === ORIGIN_RINGBUF) this.ringbuf++;
    }
  }

  at(index: number): RawFlow {
    if (!(index >= 0 && index < this.total)) throw new RangeError(`no flow entry ${index} of ${this.total}`);
    let f = this.cursor;
    if (index < this.starts[f]!) f = 0;
    while (f + 1 < this.starts.length && index >= this.starts[f + 1]!) f++;
    this.cursor = f;
    return decodeFlow(this.frames[f]!, (index - this.starts[f]!) * FLOW_RECORD_BYTES);
  }
}

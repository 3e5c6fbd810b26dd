// Loki JSON push format (docs/design.md "Flow record"): records grouped into streams by their
// label set, each value `[<TimeFlowEndMs in ns as a decimal string>, <record JSON>]`.
import {
  INTERFACE_RECORD_TYPE,
  LOKI_LABEL_FIELDS,
  RECORD_TYPE_LABEL,
  type FlowRecord,
  type InterfaceRecord,
} from '@interflow/contract';
import type { EntryQueue, HeldEntry, QueuedEntry } from './entry-queue.ts';
import { fastRecordValue } from './record-value.ts';

/** `app="interflow"` plus every non-empty low-cardinality label field, as strings. */
export function streamLabels(record: FlowRecord): Record<string, string> {
  const labels: Record<string, string> = { app: 'interflow' };
  for (const field of LOKI_LABEL_FIELDS) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    const text = String(value);
    if (text !== '') labels[field] = text;
  }
  return labels;
}

type LabelValue = FlowRecord[(typeof LOKI_LABEL_FIELDS)[number]];
type KeyCache = Map<LabelValue, KeyCache> | Map<LabelValue, string>;

/** Stream keys by label values, one Map level per label field; bounded (cleared when full). */
let streamKeyCache = new Map<LabelValue, KeyCache>();
let streamKeyCacheSize = 0;
const STREAM_KEY_CACHE_MAX = 4096;

/**
 * JSON.stringify(streamLabels(record)), cached by the label fields' values: every record of a
 * stream shares one key string, and a record costs a few Map lookups instead of an object and
 * a JSON text (labels are low-cardinality by design).
 */
export function streamKey(record: FlowRecord): string {
  let level = streamKeyCache as Map<LabelValue, unknown>;
  const last = LOKI_LABEL_FIELDS.length - 1;
  for (let i = 0; i <= last; i++) {
    const value = record[LOKI_LABEL_FIELDS[i]!];
    if (value !== undefined && typeof value !== 'string' && typeof value !== 'number') {
      return JSON.stringify(streamLabels(record)); // not a label value the cache can key on
    }
    let next = level.get(value);
    if (next === undefined) {
      if (i === last) {
        if (++streamKeyCacheSize > STREAM_KEY_CACHE_MAX) {
          streamKeyCache = new Map();
          streamKeyCacheSize = 1;
          return streamKey(record);
        }
        next = JSON.stringify(streamLabels(record));
      } else {
        next = new Map();
      }
      level.set(value, next);
    }
    level = next as Map<LabelValue, unknown>;
  }
  return level as unknown as string;
}

/**
 * Epoch milliseconds → nanoseconds as a decimal string, exact: ms × 1e6 is beyond 2^53, so
 * it is done in BigInt. A record without a usable time gets the current time rather than
 * being lost.
 */
export function timestampNs(ms: number, now: () => number = Date.now): string {
  const t = Number.isFinite(ms) && ms >= 0 ? ms : now();
  // Whole milliseconds (every record the agent builds): the digits and six zeros, no BigInt.
  if (Number.isSafeInteger(t) && t > 0) return `${t}000000`;
  const whole = Math.floor(t);
  const fractionNs = Math.round((t - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fractionNs)).toString();
}

export function encodeEntry(record: FlowRecord, seq: number, enqueuedAt: number): QueuedEntry {
  const ts = timestampNs(record.TimeFlowEndMs);
  // The one-pass writer gives the same bytes; it declines records it cannot write exactly.
  const value = fastRecordValue(ts, record) ?? JSON.stringify([ts, JSON.stringify(record)]);
  return { seq, enqueuedAt, streamKey: streamKey(record), value, bytes: Buffer.byteLength(value) };
}

/**
 * Inventory records: their own stream per node (and owner namespace: access per namespace is
 * in the stream selector), `_RecordType="interface"`, at the report time.
 */
export function encodeInterfaceEntry(record: InterfaceRecord, seq: number, enqueuedAt: number): QueuedEntry {
  const labels: Record<string, string> = { app: 'interflow', [RECORD_TYPE_LABEL]: INTERFACE_RECORD_TYPE };
  if (record.K8S_HostName !== '') labels.K8S_HostName = record.K8S_HostName;
  if (record.IfK8S_Namespace) labels.IfK8S_Namespace = record.IfK8S_Namespace;
  const streamKey = JSON.stringify(labels);
  const value = JSON.stringify([timestampNs(record.TimeReportMs), JSON.stringify(record)]);
  return { seq, enqueuedAt, streamKey, value, bytes: Buffer.byteLength(value) };
}

// Bytes the envelope adds: `{"streams":[` `]}` and, per stream, `{"stream":` `,"values":[` `]},`.
const BODY_OVERHEAD = 14;
const STREAM_OVERHEAD = 24;

/**
 * How many entries from the head of the queue make the next push: at most `maxRecords`, and
 * a body of at most `maxBytes` — but always at least one, so an oversized record is sent
 * alone (and rejected by the store, if it must be) rather than blocking the queue.
 */
export function nextBatchSize(queue: EntryQueue, maxRecords: number, maxBytes: number): number {
  const streams = new Set<string>();
  let size = BODY_OVERHEAD;
  let n = 0;
  const limit = Math.min(maxRecords, queue.length);
  while (n < limit) {
    const e = queue.at(n)!;
    let add = e.bytes + 1;
    if (!streams.has(e.streamKey)) add += e.streamKey.length + STREAM_OVERHEAD;
    if (n > 0 && size + add > maxBytes) break;
    streams.add(e.streamKey);
    size += add;
    n++;
  }
  return n;
}

/** An entry of a push body: as text, or as bytes held by the queue. */
export type BodyEntry = QueuedEntry | HeldEntry;

/**
 * The push body as UTF-8 bytes, written straight into one buffer: joining the entries into one
 * string first and then encoding it took three times the CPU (two more copies of a body of
 * several MB, one of them in a string the garbage collector then had to free).
 */
export function buildPushBodyBytes(entries: readonly BodyEntry[]): Buffer {
  const streams = new Map<string, BodyEntry[]>();
  let size = BODY_OVERHEAD;
  for (const e of entries) {
    let list = streams.get(e.streamKey);
    if (!list) {
      streams.set(e.streamKey, (list = []));
      size += Buffer.byteLength(e.streamKey) + STREAM_OVERHEAD;
    }
    list.push(e);
    size += e.bytes + 1;
  }
  const buf = Buffer.allocUnsafe(size);
  let at = buf.write('{"streams":[', 0);
  let firstStream = true;
  for (const [key, list] of streams) {
    at += buf.write(firstStream ? '{"stream":' : ',{"stream":', at);
    firstStream = false;
    at += buf.write(key, at);
    at += buf.write(',"values":[', at);
    for (let i = 0; i < list.length; i++) {
      if (i > 0) buf[at++] = 0x2c; // ,
      const e = list[i]!;
      if ('slab' in e) at += e.slab.copy(buf, at, e.offset, e.offset + e.bytes);
      else at += buf.write(e.value, at);
    }
    at += buf.write(']}', at);
  }
  at += buf.write(']}', at);
  return buf.subarray(0, at);
}

/** The push body as a string (tests and fixtures); within a stream, entries keep their queue order. */
export function buildPushBody(entries: readonly BodyEntry[]): string {
  const streams = new Map<string, string[]>();
  for (const e of entries) {
    let values = streams.get(e.streamKey);
    if (!values) streams.set(e.streamKey, (values = []));
    values.push('slab' in e ? e.slab.toString('utf8', e.offset, e.offset + e.bytes) : e.value);
  }
  const parts: string[] = [];
  for (const [key, values] of streams) parts.push(`{"stream":${key},"values":[${values.join(',')}]}`);
  return `{"streams":[${parts.join(',')}]}`;
}

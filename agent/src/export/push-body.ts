// Loki JSON push format (docs/design.md "Flow record"): records grouped into streams by their
// label set, each value `[<TimeFlowEndMs in ns as a decimal string>, <record JSON>]`.
import {
  INTERFACE_RECORD_TYPE,
  LOKI_LABEL_FIELDS,
  RECORD_TYPE_LABEL,
  type FlowRecord,
  type InterfaceRecord,
} from '@interflow/contract';
import type { EntryQueue, QueuedEntry } from './entry-queue.ts';

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

/**
 * Epoch milliseconds → nanoseconds as a decimal string, exact: ms × 1e6 is beyond 2^53, so
 * it is done in BigInt. A record without a usable time gets the current time rather than
 * being lost.
 */
export function timestampNs(ms: number, now: () => number = Date.now): string {
  const t = Number.isFinite(ms) && ms >= 0 ? ms : now();
  const whole = Math.floor(t);
  const fractionNs = Math.round((t - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fractionNs)).toString();
}

export function encodeEntry(record: FlowRecord, seq: number, enqueuedAt: number): QueuedEntry {
  const streamKey = JSON.stringify(streamLabels(record));
  const value = JSON.stringify([timestampNs(record.TimeFlowEndMs), JSON.stringify(record)]);
  return { seq, enqueuedAt, streamKey, value, bytes: Buffer.byteLength(value) };
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

/** The push body; within a stream, entries keep their queue order. */
export function buildPushBody(entries: readonly QueuedEntry[]): string {
  const streams = new Map<string, string[]>();
  for (const e of entries) {
    let values = streams.get(e.streamKey);
    if (!values) streams.set(e.streamKey, (values = []));
    values.push(e.value);
  }
  const parts: string[] = [];
  for (const [key, values] of streams) parts.push(`{"stream":${key},"values":[${values.join(',')}]}`);
  return `{"streams":[${parts.join(',')}]}`;
}

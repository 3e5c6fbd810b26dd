// The worker thread of CSV exports (csv-worker-thread.ts starts it): turns pages of Loki entries
// into CSV chunks with the same code the main thread uses (record-reader.ts, pair-check.ts,
// csv-row-writer.ts, csv-chunk-writer.ts), so the bytes are the same. Reading each line's JSON
// and writing its row were most of an export's CPU time on the backend's one JavaScript thread
// (docs/benchmarks.md, "Export and scale"); here they run beside the store's reads, the
// paging and the socket writes, on the machine's other core. Chunks are handed back without a
// copy (their ArrayBuffers are transferred).
import { parentPort } from 'node:worker_threads';
import type { ExportValues, StoredFlowRecord } from '@interflow/contract';
import type { ElementPairing } from '../logql/element-pairs.ts';
import { ChunkWriter } from './csv-chunk-writer.ts';
import { rowWriter } from './csv-row-writer.ts';
import { pairCheck } from './pair-check.ts';
import { readRecord } from './record-reader.ts';

export interface ExportSpec {
  columns: string[];
  values: ExportValues;
  /** The check the query leaves to the backend (FlowService.recordCheck), as data. */
  pairing: ElementPairing | undefined;
}

export type ToWorker =
  | { kind: 'start'; exportId: number; spec: ExportSpec }
  | {
      kind: 'page';
      exportId: number;
      seq: number;
      lines: string[];
      /** Each entry's stream labels (entries of one stream share one object). */
      labels: Record<string, string>[];
    }
  | { kind: 'end'; exportId: number };

export type FromWorker =
  | {
      seq: number;
      /** Each chunk's ArrayBuffer (transferred) and the bytes of it that hold CSV. */
      chunks: { buffer: ArrayBuffer; length: number }[];
      rows: number;
      /** Lines that are not JSON objects (the backend's bad-lines metric). */
      unreadable: number;
    }
  | { seq: number; error: string };

interface ExportState {
  row: (r: Readonly<Record<string, unknown>>) => string;
  keep: (r: StoredFlowRecord) => boolean;
}

const exports = new Map<number, ExportState>();

function convert(
  state: ExportState,
  lines: string[],
  labels: Record<string, string>[],
  seq: number,
): FromWorker {
  const out = new ChunkWriter();
  let rows = 0;
  let unreadable = 0;
  for (let i = 0; i < lines.length; i++) {
    const r = readRecord(lines[i]!, labels[i]);
    if (!r) unreadable++;
    else if (state.keep(r)) {
      out.add(state.row(r as Readonly<Record<string, unknown>>));
      rows++;
    }
  }
  out.flush();
  const chunks = out.take().map((c) => {
    // A chunk of its own ArrayBuffer goes as it is; anything else (never expected) is copied.
    const own = c.byteOffset === 0 ? c : Buffer.from(c);
    return { buffer: own.buffer as ArrayBuffer, length: own.length };
  });
  return { seq, chunks, rows, unreadable };
}

parentPort!.on('message', (m: ToWorker) => {
  if (m.kind === 'start') {
    exports.set(m.exportId, {
      row: rowWriter(m.spec.columns, m.spec.values),
      keep: pairCheck(m.spec.pairing),
    });
    return;
  }
  if (m.kind === 'end') {
    exports.delete(m.exportId);
    return;
  }
  let answer: FromWorker;
  try {
    const state = exports.get(m.exportId);
    if (!state) throw new Error(`no export ${m.exportId} was started`);
    answer = convert(state, m.lines, m.labels, m.seq);
  } catch (e) {
    answer = { seq: m.seq, error: (e as Error).stack ?? String(e) };
  }
  parentPort!.postMessage(answer, 'chunks' in answer ? answer.chunks.map((c) => c.buffer) : []);
});

// CSV rows from a stream of flow records: RFC 4180 quoting (csv-stringify), arrays joined
// with "," in one cell, header from the chosen columns. Yields one chunk per batch so the
// HTTP layer can apply backpressure and memory stays flat however many rows there are.
import { stringify } from 'csv-stringify/sync';
import type { StoredFlowRecord } from '@interflow/contract';

const BATCH_ROWS = 1000;

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v))
    return v
      .map((x) => (x === null || typeof x !== 'object' ? String(x ?? '') : JSON.stringify(x)))
      .join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export async function* csvChunks(
  records: AsyncIterable<StoredFlowRecord>,
  columns: string[],
  onRows?: (n: number) => void,
): AsyncGenerator<string> {
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield stringify([columns], { record_delimiter: '\r\n' });
  let batch: string[][] = [];
  for await (const r of records) {
    const row = columns.map((c) => cell((r as Record<string, unknown>)[c]));
    batch.push(row);
    if (batch.length >= BATCH_ROWS) {
      yield stringify(batch, { record_delimiter: '\r\n' });
      onRows?.(batch.length);
      batch = [];
    }
  }
  if (batch.length > 0) {
    yield stringify(batch, { record_delimiter: '\r\n' });
    onRows?.(batch.length);
  }
}

// CSV rows from a stream of flow records: RFC 4180 quoting (csv-stringify), arrays joined
// with "," in one cell, header from the chosen columns. Yields one chunk per batch so the
// HTTP layer can apply backpressure and memory stays flat however many rows there are.
import { stringify } from 'csv-stringify/sync';
import type { StoredFlowRecord } from '@interflow/contract';

const BATCH_ROWS = 1000;

/**
 * Text a spreadsheet would read as a formula (or DDE command) when it starts a cell: `=`, `+`,
 * `-`, `@`, tab, carriage return (OWASP "CSV injection"). Interface and pod names are chosen by
 * pod owners, so such cells get a leading `'`, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function guard(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One cell. Numbers stay numbers (a negative number is not a formula); text is guarded. */
export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) {
    const joined = v
      .map((x) => (x === null || typeof x !== 'object' ? String(x ?? '') : JSON.stringify(x)))
      .join(',');
    return v.every((x) => typeof x === 'number' || typeof x === 'bigint') ? joined : guard(joined);
  }
  if (typeof v === 'object') return guard(JSON.stringify(v));
  if (typeof v === 'string') return guard(v);
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

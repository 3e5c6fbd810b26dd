// CSV rows from a stream of flow records: RFC 4180 quoting (csv-stringify), arrays joined
// with "," in one cell. Readable (the default): the columns' names as the header and values as
// the table shows them (the contract's readableValue); raw: field names and stored values.
// Yields one chunk per batch so the HTTP layer can apply backpressure and memory stays flat
// however many rows there are.
import { stringify } from 'csv-stringify/sync';
import { COLUMNS, readableValue, type ExportValues, type StoredFlowRecord } from '@interflow/contract';

const BATCH_ROWS = 1000;

const COLUMN_NAMES = new Map(COLUMNS.map((c) => [c.id, c.name]));

function readableCell(field: string, v: unknown, record: Readonly<Record<string, unknown>>): string {
  if (Array.isArray(v)) return v.map((x) => readableValue(field, x, record)).join(',');
  return readableValue(field, v, record);
}

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
  values: ExportValues = 'raw',
): AsyncGenerator<string> {
  const readable = values === 'readable';
  const header = readable ? columns.map((c) => COLUMN_NAMES.get(c) ?? c) : columns;
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield stringify([header], { record_delimiter: '\r\n' });
  let batch: string[][] = [];
  for await (const r of records) {
    const fields = r as Readonly<Record<string, unknown>>;
    const row = columns.map((c) => (readable ? readableCell(c, fields[c], fields) : cell(fields[c])));
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

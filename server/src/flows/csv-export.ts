// CSV rows from a stream of flow records (RFC 4180, csv-line.ts). Readable (the default): the
// columns' names as the header and values as the table shows them (the contract's
// readableValue; csv-cells.ts); raw: field names and stored values. Takes records a page at a
// time (one turn per page, not per record) and yields one chunk per page so the HTTP layer can
// apply backpressure and memory stays flat however many rows there are. Each row is written by
// csv-row-writer.ts.
import { COLUMNS, type ExportValues, type StoredFlowRecord } from '@interflow/contract';
import { csvRows } from './csv-line.ts';
import { rowWriter } from './csv-row-writer.ts';

const COLUMN_NAMES = new Map(COLUMNS.map((c) => [c.id, c.name]));

export async function* csvChunks(
  pages: AsyncIterable<readonly StoredFlowRecord[]>,
  columns: string[],
  onRows?: (n: number) => void,
  values: ExportValues = 'raw',
): AsyncGenerator<string> {
  const readable = values === 'readable';
  const header = readable ? columns.map((c) => COLUMN_NAMES.get(c) ?? c) : columns;
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield csvRows([header]);
  const row = rowWriter(columns, values);
  for await (const records of pages) {
    if (records.length === 0) continue;
    let chunk = '';
    for (const r of records) chunk += row(r as Readonly<Record<string, unknown>>);
    yield chunk;
    onRows?.(records.length);
  }
}

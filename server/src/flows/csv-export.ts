// CSV rows from a stream of flow records (RFC 4180, csv-line.ts). Readable (the default): the
// columns' names as the header and values as the table shows them (the contract's
// readableValue; csv-cells.ts); raw: field names and stored values. Takes records a page at a
// time (one turn per page, not per record) and yields chunks of at most CHUNK_BYTES
// (csv-chunk-writer.ts), so the HTTP layer can apply backpressure and memory stays flat however
// many rows there are. Each row is written by csv-row-writer.ts. csv-worker.ts does the same
// for pages of entries on a worker thread.
import { COLUMNS, type ExportValues, type StoredFlowRecord } from '@interflow/contract';
import { ChunkWriter } from './csv-chunk-writer.ts';
import { csvRows } from './csv-line.ts';
import { rowWriter } from './csv-row-writer.ts';

const COLUMN_NAMES = new Map(COLUMNS.map((c) => [c.id, c.name]));

/** The header row: the columns' names (readable) or field names (raw). */
export function csvHeader(columns: readonly string[], values: ExportValues): Buffer {
  const header = values === 'readable' ? columns.map((c) => COLUMN_NAMES.get(c) ?? c) : columns;
  return Buffer.from(csvRows([header]));
}

export async function* csvChunks(
  pages: AsyncIterable<Iterable<StoredFlowRecord>>,
  columns: string[],
  onRows?: (n: number) => void,
  values: ExportValues = 'raw',
): AsyncGenerator<Buffer> {
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield csvHeader(columns, values);
  const row = rowWriter(columns, values);
  const out = new ChunkWriter();
  for await (const records of pages) {
    let rows = 0;
    for (const r of records) {
      out.add(row(r as Readonly<Record<string, unknown>>));
      rows++;
      if (out.ready) yield* out.take();
    }
    out.flush();
    yield* out.take();
    if (rows > 0) onRows?.(rows);
  }
}

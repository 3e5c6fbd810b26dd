// CSV rows from a stream of flow records (RFC 4180, csv-line.ts). Readable (the default): the
// columns' names as the header and values as the table shows them (the contract's
// readableValue; csv-cells.ts); raw: field names and stored values. Takes records a page at a
// time (one turn per page, not per record) and yields chunks of at most CHUNK_BYTES so the
// HTTP layer can apply backpressure and memory stays flat however many rows there are. Each
// row is written by csv-row-writer.ts and encoded into the chunk's buffer at once: a page's
// CSV as one string made of row strings cost more to flatten and encode when it was written
// to the socket (Buffer.from of such a string: about 3 µs per row) than writing its rows, and
// it outlived young-generation collections.
import { COLUMNS, type ExportValues, type StoredFlowRecord } from '@interflow/contract';
import { csvRows } from './csv-line.ts';
import { rowWriter } from './csv-row-writer.ts';

const COLUMN_NAMES = new Map(COLUMNS.map((c) => [c.id, c.name]));

/** Bytes of CSV per chunk: about 800 rows of every column. */
const CHUNK_BYTES = 256 * 1024;
/** The most bytes UTF-8 takes for one UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

export async function* csvChunks(
  pages: AsyncIterable<Iterable<StoredFlowRecord>>,
  columns: string[],
  onRows?: (n: number) => void,
  values: ExportValues = 'raw',
): AsyncGenerator<Buffer> {
  const readable = values === 'readable';
  const header = readable ? columns.map((c) => COLUMN_NAMES.get(c) ?? c) : columns;
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield Buffer.from(csvRows([header]));
  const row = rowWriter(columns, values);
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  for await (const records of pages) {
    let rows = 0;
    for (const r of records) {
      const text = row(r as Readonly<Record<string, unknown>>);
      rows++;
      if (used + text.length * MAX_BYTES_PER_UNIT > chunk.length) {
        if (used > 0) {
          // The chunk is handed on as it is; the next rows go to a new buffer.
          yield chunk.subarray(0, used);
          chunk = Buffer.allocUnsafe(CHUNK_BYTES);
          used = 0;
        }
        if (text.length * MAX_BYTES_PER_UNIT > chunk.length) {
          yield Buffer.from(text); // a row larger than a chunk
          continue;
        }
      }
      used += chunk.write(text, used);
    }
    if (used > 0) {
      yield chunk.subarray(0, used);
      chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      used = 0;
    }
    if (rows > 0) onRows?.(rows);
  }
}

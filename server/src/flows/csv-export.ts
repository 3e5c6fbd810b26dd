// CSV rows from a stream of flow records: RFC 4180 quoting (csv-stringify), arrays joined
// with "," in one cell, header from the chosen columns. The Interfaces cell names each
// interface with its direction, `net1 (egress),eth0 (ingress)`, as the table does: the two
// arrays are parallel and an interface alone does not say which way the flow crossed it. Yields one chunk per batch so the
// HTTP layer can apply backpressure and memory stays flat however many rows there are.
import { stringify } from 'csv-stringify/sync';
import { IF_DIRECTION, type StoredFlowRecord } from '@interflow/contract';

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

const DIRECTION_WORD = new Map<unknown, string>(Object.entries(IF_DIRECTION).map(([w, n]) => [n, w]));

/** `net1 (egress)` for each interface whose direction is known; the name alone otherwise. */
export function interfacePairs(r: StoredFlowRecord): unknown {
  const ifs: unknown = r.Interfaces;
  const dirs: unknown = r.IfDirections;
  if (!Array.isArray(ifs) || !Array.isArray(dirs)) return ifs;
  return ifs.map((name, i) => {
    const word = DIRECTION_WORD.get(dirs[i]);
    return word === undefined ? name : `${cell(name)} (${word})`;
  });
}

const cellOf = (r: StoredFlowRecord, column: string): string =>
  cell(column === 'Interfaces' ? interfacePairs(r) : (r as Record<string, unknown>)[column]);

export async function* csvChunks(
  records: AsyncIterable<StoredFlowRecord>,
  columns: string[],
  onRows?: (n: number) => void,
): AsyncGenerator<string> {
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield stringify([columns], { record_delimiter: '\r\n' });
  let batch: string[][] = [];
  for await (const r of records) {
    const row = columns.map((c) => cellOf(r, c));
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

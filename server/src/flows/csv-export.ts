// CSV rows from a stream of flow records: RFC 4180 quoting (csv-stringify), arrays joined
// with "," in one cell. Readable (the default): the columns' names as the header and values as
// the table shows them (the contract's readableValue), the Interfaces cell naming each interface
// with its direction, `net1 (egress),eth0 (ingress)`, because the two arrays are parallel and an
// interface alone does not say which way the flow crossed it; raw: field names and stored values.
// Takes records a page at a time (one turn per page, not per record) and yields one chunk per
// page so the HTTP layer can apply backpressure and memory stays flat however many rows there
// are. Rows are quoted by csv-line.ts.
import {
  COLUMNS,
  IF_DIRECTION,
  readableValue,
  type ExportValues,
  type StoredFlowRecord,
} from '@interflow/contract';
import { csvRows } from './csv-line.ts';

/**
 * Text a spreadsheet would read as a formula (or DDE command) when it starts a cell: `=`, `+`,
 * `-`, `@`, tab, carriage return (OWASP "CSV injection"). Interface and pod names are chosen by
 * pod owners, so such cells get a leading `'`, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function guard(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Numbers (and arrays of them) stay as they are: a negative number is not a formula. */
function isNumeric(v: unknown): boolean {
  const num = (x: unknown) => typeof x === 'number' || typeof x === 'bigint';
  return num(v) || (Array.isArray(v) && v.every(num));
}

const COLUMN_NAMES = new Map(COLUMNS.map((c) => [c.id, c.name]));
const DIRECTION_WORD = new Map<unknown, string>(Object.entries(IF_DIRECTION).map(([w, n]) => [n, w]));

/** A readable cell, guarded like a raw one when the stored value is text. */
function readableCell(field: string, v: unknown, record: Readonly<Record<string, unknown>>): string {
  if (field === 'Interfaces') return cell(interfacePairs(record));
  const text = Array.isArray(v)
    ? v.map((x) => readableValue(field, x, record)).join(',')
    : readableValue(field, v, record);
  return isNumeric(v) ? text : guard(text);
}

/** `net1 (egress)` for each interface whose direction is known; the name alone otherwise. */
export function interfacePairs(r: Readonly<Record<string, unknown>>): unknown {
  const ifs = r.Interfaces;
  const dirs = r.IfDirections;
  if (!Array.isArray(ifs) || !Array.isArray(dirs)) return ifs;
  return ifs.map((name, i) => {
    const word = DIRECTION_WORD.get(dirs[i]);
    return word === undefined ? name : `${plain(name)} (${word})`;
  });
}

/** A value as text, arrays joined with ",", without the guard. */
function plain(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v))
    return v
      .map((x) => (x === null || typeof x !== 'object' ? String(x ?? '') : JSON.stringify(x)))
      .join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** One cell. Numbers stay numbers; text (any other value) is guarded. */
export function cell(v: unknown): string {
  const text = plain(v);
  return isNumeric(v) || text === '' ? text : guard(text);
}

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
  for await (const records of pages) {
    if (records.length === 0) continue;
    const batch = records.map((r) => {
      const fields = r as Readonly<Record<string, unknown>>;
      return columns.map((c) => (readable ? readableCell(c, fields[c], fields) : cell(fields[c])));
    });
    yield csvRows(batch);
    onRows?.(batch.length);
  }
}

// One CSV row per record, written by a function made once per export for its columns and
// value style. Each column's writer takes a short path for the type our agents write (a
// number, a string, the interface and direction arrays, a time in milliseconds) and gives
// every other value to the general rules of csv-cells.ts, so the bytes are the same as those
// rules write (csv-row-writer.test.ts compares both). Profiling the export of 1 000 000 rows
// put the per-cell work (an array of cells per row, a readable value looked up by field name,
// a regex for the formula guard, a Date per time) among its largest costs.
import { hasReadableForm, IF_DIRECTION, readableValue, type ExportValues } from '@interflow/contract';
import { cell, guard, readableCell } from './csv-cells.ts';
import { csvCell } from './csv-line.ts';
import { isoTimeWriter } from './iso-time-writer.ts';

type Rec = Readonly<Record<string, unknown>>;
/** A column's cell of a record, quoted for CSV. */
type CellWriter = (r: Rec) => string;

const DIRECTION_WORD = new Map<unknown, string>(Object.entries(IF_DIRECTION).map(([w, n]) => [n, w]));

/** Fields agents write as arrays whose elements have a readable form. */
const ARRAY_FIELDS: ReadonlySet<string> = new Set(['IfDirections', 'IfNetns']);

/** Time fields and the factor from their unit to milliseconds. */
const TIME_FIELDS: ReadonlyMap<string, number> = new Map([
  ['TimeFlowEndMs', 1],
  ['TimeFlowStartMs', 1],
  ['TimeReceived', 1000],
]);

/** The stored value: numbers as they are, text guarded; raw cells, and readable ones of plain fields. */
function storedValueWriter(field: string): CellWriter {
  return (r) => {
    const v = r[field];
    if (typeof v === 'number') return String(v); // never holds `"`, `,`, CR or LF
    if (typeof v === 'string') return v === '' ? '' : csvCell(guard(v));
    if (v === undefined) return ''; // a field the record lacks (a quarter of the columns of agents' records)
    return csvCell(cell(v));
  };
}

/**
 * Readable arrays of numbers or of text (IfDirections, IfNetns): each element's readable value
 * joined with ",", guarded unless every element is a number, as readableCell writes them.
 */
function readableArrayWriter(field: string): CellWriter {
  const general = generalReadable(field);
  return (r) => {
    const v = r[field];
    if (v === undefined) return '';
    if (!Array.isArray(v) || v.length === 0) return general(r);
    const numbers = typeof v[0] === 'number';
    let text = '';
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== (numbers ? 'number' : 'string')) return general(r);
      if (i > 0) text += ',';
      text += readableValue(field, x, r);
    }
    return csvCell(numbers ? text : guard(text));
  };
}

/** Any readable cell by the general rules. */
function generalReadable(field: string): CellWriter {
  return (r) => csvCell(readableCell(field, r[field], r));
}

function timeWriter(field: string, toMs: number): CellWriter {
  const iso = isoTimeWriter();
  const general = generalReadable(field);
  return (r) => {
    const v = r[field];
    // A time is a number, so it is not guarded, and its ISO text needs no quotes.
    if (typeof v === 'number') return iso(v * toMs) ?? general(r);
    return v === undefined ? '' : general(r);
  };
}

/** `net1 (egress),eth0 (ingress)` when both arrays hold what agents write. */
function interfacesWriter(): CellWriter {
  const general = generalReadable('Interfaces');
  return (r) => {
    const ifs = r.Interfaces;
    const dirs = r.IfDirections;
    if (ifs === undefined) return '';
    if (!Array.isArray(ifs) || !Array.isArray(dirs)) return general(r);
    let text = '';
    for (let i = 0; i < ifs.length; i++) {
      const name: unknown = ifs[i];
      if (typeof name !== 'string') return general(r);
      const word = DIRECTION_WORD.get(dirs[i]);
      if (i > 0) text += ',';
      text += word === undefined ? name : `${name} (${word})`;
    }
    return text === '' ? '' : csvCell(guard(text));
  };
}

function readableWriter(field: string): CellWriter {
  if (field === 'Interfaces') return interfacesWriter();
  const toMs = TIME_FIELDS.get(field);
  if (toMs !== undefined) return timeWriter(field, toMs);
  if (!hasReadableForm(field)) return storedValueWriter(field);
  if (ARRAY_FIELDS.has(field)) return readableArrayWriter(field);
  const general = generalReadable(field);
  // Protocol and direction codes: a number is never guarded.
  return (r) => {
    const v = r[field];
    if (typeof v === 'number') return csvCell(readableValue(field, v, r));
    return v === undefined ? '' : general(r);
  };
}

/** The CSV row (CRLF-ended) of a record for these columns. */
export function rowWriter(columns: readonly string[], values: ExportValues): (r: Rec) => string {
  const writers = columns.map((c) => (values === 'readable' ? readableWriter(c) : storedValueWriter(c)));
  if (writers.length === 0) return () => '\r\n';
  const first = writers[0]!;
  const rest = writers.slice(1);
  return (r) => {
    let row = first(r);
    for (const w of rest) row = row + ',' + w(r);
    return row + '\r\n';
  };
}

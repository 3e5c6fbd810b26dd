// What the export writes in one cell for any value, before CSV quoting (csv-line.ts): the
// general rules, for every type a producer may have written. csv-row-writer.ts takes shorter
// paths for the common types and comes here for everything else.
// Raw: the stored value, arrays joined with ",". Readable: the contract's readableValue for
// each value, the Interfaces cell naming each interface with its direction,
// `net1 (egress),eth0 (ingress)`, because the two arrays are parallel and an interface alone
// does not say which way the flow crossed it.
import { IF_DIRECTION, readableValue } from '@interflow/contract';

/**
 * Text a spreadsheet would read as a formula (or DDE command) when it starts a cell: `=`, `+`,
 * `-`, `@`, tab, carriage return (OWASP "CSV injection"). Interface and pod names are chosen by
 * pod owners, so such cells get a leading `'`, which spreadsheets show as text.
 */
export function guard(text: string): string {
  // = + - @ tab CR, compared as character codes: every text cell of an export passes here
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 ? `'${text}` : text;
}

const isNumber = (x: unknown): boolean => typeof x === 'number' || typeof x === 'bigint';

/** Numbers (and arrays of them) stay as they are: a negative number is not a formula. */
function isNumeric(v: unknown): boolean {
  return isNumber(v) || (Array.isArray(v) && v.every(isNumber));
}

const DIRECTION_WORD = new Map<unknown, string>(Object.entries(IF_DIRECTION).map(([w, n]) => [n, w]));

/** A readable cell, guarded like a raw one when the stored value is text. */
export function readableCell(field: string, v: unknown, record: Readonly<Record<string, unknown>>): string {
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

/** One raw cell. Numbers stay numbers; text (any other value) is guarded. */
export function cell(v: unknown): string {
  const text = plain(v);
  return isNumeric(v) || text === '' ? text : guard(text);
}

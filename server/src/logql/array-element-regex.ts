// The line filter regex of a filter on a JSON array of the flow record (Interfaces, IfNetns,
// IfDirections): it matches `"Field":[…]` with an element equal to (or containing) one of the
// values, so `net1` never matches `net10`, whatever other elements the array holds. One module
// for the two sides that must agree on its text: the backend writes it (build.ts) and the
// embedded store recognises it (store/query/array-line-filter.ts), to answer it from its column
// index instead of running it over every line. The query stays plain LogQL a real Loki answers.
import { escapeRegex } from './literals.ts';

/**
 * One character of a JSON string body as JSON.stringify writes it: plain, \uXXXX, or a short
 * escape. It never consumes an unescaped `"`, so a match stays inside one element.
 */
const JSON_STRING_UNIT = String.raw`(?:[^"\\]|\\u[0-9a-fA-F]{4}|\\[^u])`;
/** One character of a number in a JSON number array: never `,` or `]`. */
const JSON_NUMBER_UNIT = String.raw`[^,\]]`;
/**
 * Any preceding elements of the array, then the one the filter looks for. Unbounded: Loki (Go
 * regexp, RE2) and the embedded store (re2js) match in linear time, and RE2 refuses bounded
 * repetitions nested past 1000 copies (`{0,256}` inside `{0,32}` is 8192).
 */
const PRECEDING_STRINGS = `(?:"${JSON_STRING_UNIT}*",)*`;
const PRECEDING_NUMBERS = `(?:${JSON_NUMBER_UNIT}*,)*`;

/** The singular field older NetObserv releases write instead of the array (one element). */
export const SINGULAR_FIELD: Readonly<Record<string, string>> = {
  Interfaces: 'Interface',
  IfDirections: 'IfDirection',
};

/** `a`, or `(?:a|b|…)` for several alternatives (already regex text). */
export function alternation(escaped: string[]): string {
  return escaped.length === 1 ? escaped[0]! : `(?:${escaped.join('|')})`;
}

/** What an array filter regex says: the field, how its elements are compared, the values. */
export interface ArrayElementFilter {
  field: string;
  /** elements are numbers (possibly written as strings): compared as text, `"`-optional */
  numeric: boolean;
  /** an element contains a value (the page's `~`), else equals one */
  contains: boolean;
  values: string[];
}

/**
 * Unanchored regex that finds `"Field":[…]` with an element equal to (or containing) one of the
 * values, or the singular `"Field":value` where the producer writes one. Relies on compact JSON
 * (no spaces), as JSON.stringify and Go's encoding/json write it. Numbers may be written as
 * strings (`"IfDirections":["1","0"]`, as NetObserv does).
 */
export function arrayElementRegex(f: ArrayElementFilter): string {
  const { field, numeric, values, contains } = f;
  const key = `${escapeRegex(JSON.stringify(field))}:\\[`;
  const singularName = SINGULAR_FIELD[field];
  const singularKey =
    singularName === undefined ? undefined : `${escapeRegex(JSON.stringify(singularName))}:`;
  const either = (inArray: string, single: string): string =>
    singularKey === undefined ? inArray : `(?:${inArray}|${singularKey}${single})`;
  if (numeric) {
    const alt = alternation(values.map(escapeRegex));
    const inside = `${JSON_NUMBER_UNIT}*`;
    return contains
      ? either(`${key}${PRECEDING_NUMBERS}${inside}${alt}`, `[^,}]*${alt}`)
      : either(`${key}${PRECEDING_NUMBERS}"?${alt}"?[,\\]]`, `"?${alt}"?[,}]`);
  }
  // Match the value's JSON encoding, so quotes and backslashes in it compare as the line holds them.
  const alt = alternation(values.map((v) => escapeRegex(JSON.stringify(v).slice(1, -1))));
  const inside = `${JSON_STRING_UNIT}*`;
  return contains
    ? either(`${key}${PRECEDING_STRINGS}"${inside}${alt}`, `"${inside}${alt}`)
    : either(`${key}${PRECEDING_STRINGS}"${alt}"[,\\]]`, `"${alt}"`);
}

const FIELD_AT_START = /^(?:\(\?:)?"([A-Za-z_][A-Za-z0-9_]*)":\\\[/;
/** A value no regex of this module holds, to find where the values stand in the template. */
const MARK = 'QmarkQ';

/** The values of an alternation as arrayElementRegex writes it (regex text of each), or null. */
function splitAlternation(alt: string): string[] {
  if (!alt.startsWith('(?:') || !alt.endsWith(')')) return [alt];
  const out: string[] = [];
  let cur = '';
  for (let i = 3; i < alt.length - 1; i++) {
    const c = alt[i]!;
    if (c === '\\' && i + 1 < alt.length - 1) {
      cur += c + alt[++i]!;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A literal written by escapeRegex, read back; null when it holds regex syntax. */
function unescapeRegex(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined) return null;
      out += next;
    } else if ('^$.|?*+()[]{}'.includes(c)) return null;
    else out += c;
  }
  return out;
}

/**
 * The filter a regex is the arrayElementRegex of, or null. Exact: the regex is accepted only
 * when writing the filter found gives the same text, character for character.
 */
export function recogniseArrayElementRegex(regex: string): ArrayElementFilter | null {
  const field = FIELD_AT_START.exec(regex)?.[1];
  if (field === undefined) return null;
  for (const numeric of [false, true]) {
    for (const contains of [false, true]) {
      const parts = arrayElementRegex({ field, numeric, contains, values: [MARK] }).split(MARK);
      const fixed = parts.reduce((n, p) => n + p.length, 0);
      const k = parts.length - 1;
      const altLength = (regex.length - fixed) / k;
      if (!Number.isInteger(altLength) || altLength < 0) continue;
      if (!regex.startsWith(parts[0]!)) continue;
      const alt = regex.slice(parts[0]!.length, parts[0]!.length + altLength);
      const values: string[] = [];
      let readable = true;
      for (const piece of splitAlternation(alt)) {
        const text = unescapeRegex(piece);
        let value: string | null = text;
        if (text !== null && !numeric) {
          try {
            const v: unknown = JSON.parse(`"${text}"`);
            value = typeof v === 'string' ? v : null;
          } catch {
            value = null;
          }
        }
        if (value === null) {
          readable = false;
          break;
        }
        values.push(value);
      }
      if (!readable) continue;
      const f: ArrayElementFilter = { field, numeric, contains, values };
      if (arrayElementRegex(f) === regex) return f;
    }
  }
  return null;
}

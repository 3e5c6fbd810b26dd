// The line filters the backend writes for its array filters (interfaces=net1, netns=…,
// ifdirections=…: logql/array-element-regex.ts), answered from the column index without the line.
//
// Why the answer is exact. Such a regex only matches from the literal `"Field":[` (or the singular
// `"Interface":` / `"IfDirection":`) up to, at most, the `]` that closes that array:
//  - string arrays: after `[`, `"unit*",` takes one whole string element (a unit never takes an
//    unescaped `"`, and the escapes of JSON.stringify's strings start at unit boundaries), the
//    value's JSON encoding is compared unit by unit inside one element, and the match ends at the
//    `,` or `]` right after it, or inside it;
//  - number arrays: `[^,\]]` never passes a `]`, and the values hold none (else not recognised).
// So for a line holding `"Field":[` exactly once, its singular key never, and right after that
// key the array as JSON.stringify writes it (the canonical form, checked at push), the regex
// answers on the line what it answers on `"Field":` + that array's text. The index keeps that
// text per row (dictionary-coded: a few distinct arrays), and the regex runs once per distinct
// text. A line holding the key nowhere cannot match (the text is then ""). Any other line — the
// key twice (a nested object, a duplicated key, a key ending in `Interfaces`), written with
// spaces or escapes JSON.stringify does not use (Go's `\u003c`), the singular key — is flagged,
// and a query with such a line filter that meets it takes the pipeline.
import type { CompiledLineFilter } from './logql-ast.ts';
import type { Dictionary } from './entry-columns.ts';
import { recogniseArrayElementRegex, SINGULAR_FIELD } from '../../logql/array-element-regex.ts';

/** Arrays whose text per row the index keeps for line filters. */
export const LINE_ARRAY_FIELDS = ['Interfaces', 'IfNetns', 'IfDirections'] as const;

const KEYS: ReadonlyMap<
  string,
  { key: string; singularKey: string | undefined; singular: string | undefined }
> = new Map(
  LINE_ARRAY_FIELDS.map((f) => {
    const singular = SINGULAR_FIELD[f];
    return [
      f,
      { key: `${JSON.stringify(f)}:`, singularKey: singular && `${JSON.stringify(singular)}:`, singular },
    ];
  }),
);

/**
 * The text of array `field` as the line writes it (JSON.stringify form), "" when the line holds
 * `"field":[` nowhere, or null when the line is not in the form the proof above needs.
 */
export function arrayTextInLine(line: string, doc: unknown, field: string): string | null {
  const { key, singularKey, singular } = KEYS.get(field)!;
  if (singularKey !== undefined && line.includes(singularKey)) return null;
  const record =
    doc !== null && typeof doc === 'object' && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : undefined;
  // the singular key spelt otherwise (`"Interf\u0061ce":`): the index reads it as absent
  // (line-array-elements.ts), so such a line is not one it vouches for
  if (singular !== undefined && record !== undefined && Object.hasOwn(record, singular)) return null;
  const at = line.indexOf(`${key}[`);
  if (at < 0) return '';
  if (line.indexOf(`${key}[`, at + 1) >= 0) return null;
  const value = record?.[field];
  if (!Array.isArray(value)) return null; // the key belongs to something else (a nested object…)
  const text = JSON.stringify(value);
  return line.startsWith(text, at + key.length) ? text : null;
}

/** A recognised line filter, checked per row through its array's text id (memo per id). */
export interface LineArrayCheck {
  field: string;
  filter: CompiledLineFilter;
  key: string;
  dict: Dictionary;
  /** 0 not yet, 1 passes, 2 does not */
  memo: Uint8Array;
}

/** The check of a line filter, or null when it is not one the index answers. */
export function lineArrayCheck(
  filter: CompiledLineFilter,
  dictOf: (field: string) => Dictionary | undefined,
): LineArrayCheck | null {
  if (filter.op !== '|~' && filter.op !== '!~') return null;
  const f = recogniseArrayElementRegex(filter.value);
  if (!f || !KEYS.has(f.field)) return null;
  if (f.numeric && f.values.some((v) => v.includes(']'))) return null; // a match could pass the array's end
  const dict = dictOf(f.field);
  if (!dict) return null;
  return { field: f.field, filter, key: KEYS.get(f.field)!.key, dict, memo: new Uint8Array(dict.size) };
}

/** Whether the row whose array text has id `id` passes the line filter. */
export function linePasses(c: LineArrayCheck, id: number): boolean {
  let v = c.memo[id]!;
  if (v === 0) {
    const text = c.dict.texts[id]!;
    v = c.filter.matches(text === '' ? '' : c.key + text) ? 1 : 2;
    c.memo[id] = v;
  }
  return v === 1;
}

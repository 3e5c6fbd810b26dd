// Label extraction from a JSON log line with Loki's `| json` semantics:
// - no parameters: every scalar becomes a label; nested objects are flattened with `_`
//   (`{"a":{"b":1}}` → `a_b="1"`); arrays are skipped; key characters outside [a-zA-Z0-9_]
//   become `_`; null → ""; booleans → "true"/"false".
// - with parameters (`a="F.g[0]"`): the value at that path; objects and arrays as JSON text.
// A label that already exists in the stream labels gets the `_extracted` suffix, as in Loki.
// Difference from Loki: numbers are rendered by JavaScript (1.50 → "1.5"), not as raw text.
import type { JsonExtraction } from './logql-ast.ts';

export const DUPLICATE_SUFFIX = '_extracted';

// Records repeat the same few keys: remember their sanitized form (bounded).
const sanitizedCache = new Map<string, string>();
const SANITIZED_CACHE_MAX = 10_000;

function sanitizeCached(key: string, isPrefix: boolean): string {
  const ck = isPrefix ? key : '\0' + key;
  let v = sanitizedCache.get(ck);
  if (v === undefined) {
    v = sanitizeLabelKey(key, isPrefix);
    if (sanitizedCache.size >= SANITIZED_CACHE_MAX) sanitizedCache.clear();
    sanitizedCache.set(ck, v);
  }
  return v;
}

export function sanitizeLabelKey(key: string, isPrefix: boolean): string {
  let k = key.trim();
  if (k === '') return k;
  if (isPrefix && k[0]! >= '0' && k[0]! <= '9') k = '_' + k;
  return k.replace(/[^a-zA-Z0-9_]/g, '_');
}

function scalarText(v: unknown): string | undefined {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function setParsed(out: Map<string, string>, base: Record<string, string>, key: string, value: string): void {
  const name = Object.hasOwn(base, key) ? key + DUPLICATE_SUFFIX : key;
  out.set(name, value);
}

function flatten(
  obj: Record<string, unknown>,
  prefix: string,
  out: Map<string, string>,
  base: Record<string, string>,
): void {
  for (const rawKey in obj) {
    const v = obj[rawKey];
    const key = prefix === '' ? sanitizeCached(rawKey, true) : `${prefix}_${sanitizeCached(rawKey, false)}`;
    if (key === '') continue;
    if (Array.isArray(v)) continue;
    if (v !== null && typeof v === 'object') {
      flatten(v as Record<string, unknown>, key, out, base);
      continue;
    }
    setParsed(out, base, key, scalarText(v)!);
  }
}

/** Returns an error message when the line is not a JSON object, else fills `out`. */
export function extractJsonLabels(
  line: string,
  extractions: JsonExtraction[] | null,
  base: Record<string, string>,
  out: Map<string, string>,
): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    return (err as Error).message;
  }
  if (extractions === null) {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'line is not a JSON object';
    flatten(doc as Record<string, unknown>, '', out, base);
    return null;
  }
  for (const { label, path } of extractions) setParsed(out, base, label, textAtPath(doc, path));
  return null;
}

/**
 * The text `| json label="path"` extracts from a parsed line: "" when the path leads nowhere,
 * scalars as text, objects and arrays as JSON text. The store's column index (entry-columns.ts)
 * stores exactly this, so its answers cannot drift from the pipeline's.
 */
export function textAtPath(doc: unknown, path: readonly (string | number)[]): string {
  let cur: unknown = doc;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return '';
    if (typeof step === 'number') cur = Array.isArray(cur) ? cur[step] : undefined;
    else cur = Array.isArray(cur) ? undefined : (cur as Record<string, unknown>)[step];
  }
  if (cur === undefined) return '';
  return elementText(cur);
}

/** The text of a value found at a path (not undefined). */
export function elementText(v: unknown): string {
  return scalarText(v) ?? JSON.stringify(v);
}

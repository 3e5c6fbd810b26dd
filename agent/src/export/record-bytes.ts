// A flow record's Loki value, `["<ns>","<record JSON as a JSON string>"]`, written as UTF-8
// straight into a buffer: the same bytes as record-value.ts's text (and so as
// JSON.stringify([ns, JSON.stringify(record)])), without building a string first. The text
// was about 500 characters in some 40 pieces per record, then flattened, measured, held until
// its push (long enough for the garbage collector to copy and promote it) and encoded again;
// bytes in a buffer cost one pass and nothing to collect. Anything the text writer would
// decline (a string needing an escape, an unexpected type, an unknown key) or a record that
// does not fit in the space given makes this return -1, and the caller takes the text way.
import type { FlowRecord } from '@interflow/contract';
import { FIELD_KIND, FieldKind } from './record-value.ts';

// Local copies: an imported binding read in the hot loop can cost a getter call per read
// under the TypeScript loader.
const NUMBER: number = FieldKind.Number;
const STRING: number = FieldKind.String;
const NUMBERS: number = FieldKind.Numbers;
const STRINGS: number = FieldKind.Strings;

/** Each field: `\"<key>\":` as bytes, and how its value is written. */
interface Field {
  keyBytes: Uint8Array;
  kind: number;
}
const FIELDS = new Map<string, Field>();
for (const key of Object.keys(FIELD_KIND)) {
  FIELDS.set(key, { keyBytes: Buffer.from(`\\"${key}\\":`, 'latin1'), kind: FIELD_KIND[key]! });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const ZERO = 0x30;
const NULL_BYTES = Buffer.from('null', 'latin1');

/** Writes ASCII text (a number's String()); returns the new end or -1 when out of room. */
function ascii(buf: Uint8Array, at: number, limit: number, text: string): number {
  if (at + text.length > limit) return -1;
  for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
  return at;
}

/** The digits of a non-negative safe integer. */
function digits(buf: Uint8Array, at: number, limit: number, n: number): number {
  let len = 1;
  for (let p = 10; p <= n; p *= 10) len++;
  if (at + len > limit) return -1;
  let i = at + len;
  do {
    const q = Math.floor(n / 10);
    buf[--i] = ZERO + (n - q * 10);
    n = q;
  } while (n > 0);
  return at + len;
}

/** What JSON.stringify writes for a number: integers digit by digit, anything else via String(). */
function num(buf: Uint8Array, at: number, limit: number, v: unknown): number {
  if (typeof v !== 'number') return -1;
  if (Number.isSafeInteger(v)) {
    if (v >= 0) return digits(buf, at, limit, v); // -0 included: "0", as JSON.stringify
    if (at >= limit) return -1;
    buf[at] = 0x2d; // -
    return digits(buf, at + 1, limit, -v);
  }
  if (!Number.isFinite(v)) {
    if (at + 4 > limit) return -1;
    buf.set(NULL_BYTES, at);
    return at + 4;
  }
  return ascii(buf, at, limit, String(v));
}

/** `\"<s>\"` in UTF-8, or -1 when s needs an escape at either level (or is not a string). */
function str(buf: Uint8Array, at: number, limit: number, v: unknown): number {
  if (typeof v !== 'string') return -1;
  // Worst case 3 bytes per UTF-16 unit, plus the escaped quotes.
  if (at + v.length * 3 + 4 > limit) return -1;
  buf[at++] = BACKSLASH;
  buf[at++] = QUOTE;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) return -1;
      buf[at++] = c;
    } else if (c < 0x800) {
      buf[at++] = 0xc0 | (c >> 6);
      buf[at++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) return -1; // surrogates: the text way handles pairs and lone ones
      buf[at++] = 0xe0 | (c >> 12);
      buf[at++] = 0x80 | ((c >> 6) & 0x3f);
      buf[at++] = 0x80 | (c & 0x3f);
    }
  }
  buf[at++] = BACKSLASH;
  buf[at++] = QUOTE;
  return at;
}

function list(
  buf: Uint8Array,
  at: number,
  limit: number,
  a: unknown,
  item: (buf: Uint8Array, at: number, limit: number, v: unknown) => number,
): number {
  if (!Array.isArray(a)) return -1;
  if (at >= limit) return -1;
  buf[at++] = 0x5b; // [
  for (let i = 0; i < a.length; i++) {
    if (i > 0) {
      if (at >= limit) return -1;
      buf[at++] = COMMA;
    }
    at = item(buf, at, limit, a[i]);
    if (at < 0) return -1;
  }
  if (at >= limit) return -1;
  buf[at++] = 0x5d; // ]
  return at;
}

/**
 * Writes the value of `record` at `at` (not past `limit`), its Loki timestamp being
 * TimeFlowEndMs in ns; returns the end, or -1 when the caller must take the text way
 * (record-value.ts, push-body.ts encodeEntry) — nothing before `limit` is meaningful then.
 */
export function writeRecordValue(buf: Uint8Array, at: number, limit: number, record: FlowRecord): number {
  const ms = record.TimeFlowEndMs;
  if (!(Number.isSafeInteger(ms) && ms > 0)) return -1; // timestampNs's other cases: the text way
  if (at + 2 > limit) return -1;
  buf[at++] = 0x5b; // [
  buf[at++] = QUOTE;
  at = digits(buf, at, limit, ms);
  if (at < 0 || at + 10 > limit) return -1;
  for (let i = 0; i < 6; i++) buf[at++] = ZERO; // ms → ns
  buf[at++] = QUOTE;
  buf[at++] = COMMA;
  buf[at++] = QUOTE;
  buf[at++] = 0x7b; // {
  const r = record as unknown as Record<string, unknown>;
  // A plain object enumerates only its own keys (Object.prototype has no enumerable ones), so
  // the per-key own-property check is needed only for other prototypes.
  const plain = Object.getPrototypeOf(r) === Object.prototype;
  let first = true;
  for (const key in r) {
    if (!plain && !Object.hasOwn(r, key)) return -1;
    const v = r[key];
    if (v === undefined) continue; // JSON.stringify leaves the key out
    const field = FIELDS.get(key);
    if (field === undefined) return -1;
    const keyBytes = field.keyBytes;
    if (at + keyBytes.length + 1 > limit) return -1;
    if (!first) buf[at++] = COMMA;
    first = false;
    buf.set(keyBytes, at);
    at += keyBytes.length;
    switch (field.kind) {
      case NUMBER:
        at = num(buf, at, limit, v);
        break;
      case STRING:
        at = str(buf, at, limit, v);
        break;
      case NUMBERS:
        at = list(buf, at, limit, v, num);
        break;
      case STRINGS:
        at = list(buf, at, limit, v, str);
        break;
      default:
        return -1;
    }
    if (at < 0) return -1;
  }
  if (at + 4 > limit) return -1;
  buf[at++] = 0x7d; // }
  buf[at++] = QUOTE;
  buf[at++] = 0x5d; // ]
  return at;
}

// Reads one Loki entry as a flow record, tolerantly (docs/design.md, "Reading other producers'
// records"). Any JSON object is a record. Fields whose meaning is clear are normalised to the
// contract's types, as NetObserv writes them differently:
//  - `IfDirections` as strings (`["1","0"]`, the Loki data NetObserv's console plugin is tested
//    with: network-observability-console-plugin mocks/loki/flow_records.json) or numbers;
//  - older NetObserv's singular `Interface` / `IfDirection` (same file) → one-element arrays;
//  - `Flags` as a list of names (flowlogs-pipeline's decode_tcp_flags, pkg/utils/tcp_flags.go);
//  - numbers written as decimal text (stream label values are always text);
//  - fields NetObserv keeps only as stream labels (`SrcK8S_Namespace`, `SrcK8S_Type`…, not in
//    the JSON line in that same file) are taken from the entry's labels.
// Every other field is kept as it came. A line that is not a JSON object is not a record.
import { FlowRecordSchema, TCP_FLAG_BITS, type StoredFlowRecord } from '@interflow/contract';

type Json = Record<string, unknown>;

function schemaFieldsOfType(type: 'number' | 'numberArray'): ReadonlySet<string> {
  const out = new Set<string>();
  for (const [name, schema] of Object.entries(FlowRecordSchema.properties) as unknown as [string, Json][]) {
    const isArray = schema.type === 'array';
    const t = isArray ? (schema.items as Json).type : schema.type;
    if (t === 'number' && isArray === (type === 'numberArray')) out.add(name);
  }
  return out;
}

/** Contract fields that are numbers (FlowDirection, Proto, Bytes…), and arrays of numbers (IfDirections). */
const NUMBER_FIELDS = [...schemaFieldsOfType('number')];
const NUMBER_ARRAY_FIELDS = [...schemaFieldsOfType('numberArray')];

/** Singular fields of older NetObserv releases and the array each one is an element of. */
const SINGULAR: ReadonlyArray<readonly [singular: string, plural: string]> = [
  ['Interface', 'Interfaces'],
  ['IfDirection', 'IfDirections'],
];

/**
 * Labels of a query result that are not the producer's stream labels: the selector's `app`,
 * Loki's `__error__`…, and what `| json` took from the line itself — a field the line has under
 * another name (`X_extracted`, nested `a_b`) and the pairing's `interflow_pair_*`
 * (logql/element-pairs.ts). A stream label is only added when it is none of these.
 */
function isNotAStreamField(name: string, r: Json): boolean {
  if (name === 'app' || name.startsWith('__') || name.endsWith('_extracted')) return true;
  if (name.startsWith('interflow_pair_')) return true;
  const cut = name.indexOf('_');
  for (let i = cut; i > 0; i = name.indexOf('_', i + 1)) {
    const v = r[name.slice(0, i)];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return true;
  }
  return false;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A number, or a decimal number written as text; anything else stays as it came. */
function asNumber(v: unknown): unknown {
  return typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v;
}

/** `["ACK","FIN_ACK"]` → 528; undefined when a name is unknown (then the list stays as it came). */
function flagNamesToNumber(names: unknown[]): number | undefined {
  let bits = 0;
  for (const n of names) {
    if (typeof n !== 'string' || !Object.hasOwn(TCP_FLAG_BITS, n)) return undefined;
    bits |= TCP_FLAG_BITS[n]!;
  }
  return bits;
}

/**
 * The [name, value] pairs of a stream's labels. Every entry of a stream shares its labels
 * object (loki/client.ts), so the pairs are made once per stream and page, not per record.
 */
const labelPairs = new WeakMap<Record<string, string>, [string, string][]>();
function pairsOf(labels: Record<string, string>): [string, string][] {
  let pairs = labelPairs.get(labels);
  if (!pairs) labelPairs.set(labels, (pairs = Object.entries(labels)));
  return pairs;
}

/** The record of a JSON object, normalised in place (the object is freshly parsed). */
export function normaliseRecord(r: Json, labels: Record<string, string> = {}): StoredFlowRecord {
  for (const [name, value] of pairsOf(labels)) {
    if (!Object.hasOwn(r, name) && !isNotAStreamField(name, r)) r[name] = value;
  }
  for (const [singular, plural] of SINGULAR) {
    if (Object.hasOwn(r, singular) && !Object.hasOwn(r, plural)) {
      r[plural] = [r[singular]];
      delete r[singular];
    }
  }
  // Only text is changed: our agents write numbers, and their records are left as parsed.
  for (const f of NUMBER_FIELDS) {
    const v = r[f];
    if (typeof v === 'string') r[f] = asNumber(v);
  }
  for (const f of NUMBER_ARRAY_FIELDS) {
    const v = r[f];
    if (Array.isArray(v) && v.some((x) => typeof x === 'string')) r[f] = v.map(asNumber);
  }
  if (Array.isArray(r.Flags)) {
    const bits = flagNamesToNumber(r.Flags);
    if (bits !== undefined) r.Flags = bits;
  }
  return r as StoredFlowRecord;
}

/** The record of a Loki line, or undefined when the line is not a JSON object. */
export function readRecord(line: string, labels: Record<string, string> = {}): StoredFlowRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return normaliseRecord(v as Json, labels);
}

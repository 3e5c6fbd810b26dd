// The Loki value of a flow record, `["<ns>","<record JSON as a JSON string>"]`, written in one
// pass. The generic way, JSON.stringify([ns, JSON.stringify(record)]), serialises the record
// and then escapes the whole text again; at 100 000 records per eviction that, the temporary
// strings and their garbage were the largest part of the agent's CPU (docs/benchmarks.md,
// "Agent CPU"). This writes the doubly escaped text directly, field by field in the record's
// own key order, and gives exactly the bytes of the generic way: a string needing any escape,
// a value of an unexpected type or a key the contract does not know makes it return undefined,
// and the caller falls back to the generic way for that record.
import type { FlowRecord } from '@interflow/contract';

/** How a field's value is written. */
export const FieldKind = { Number: 1, String: 2, Numbers: 3, Strings: 4 } as const;
const NUMBER = FieldKind.Number;
const STRING = FieldKind.String;
const NUMBERS = FieldKind.Numbers;
const STRINGS = FieldKind.Strings;

/** How each FlowRecord field is written (contract/src/flow-record.ts). */
export const FIELD_KIND: Record<string, number> = Object.assign(
  Object.create(null) as Record<string, number>,
  {
    TimeFlowStartMs: NUMBER,
    TimeFlowEndMs: NUMBER,
    TimeReceived: NUMBER,
    SrcAddr: STRING,
    DstAddr: STRING,
    SrcPort: NUMBER,
    DstPort: NUMBER,
    Proto: NUMBER,
    SrcMac: STRING,
    DstMac: STRING,
    Etype: NUMBER,
    Dscp: NUMBER,
    Flags: NUMBER,
    Bytes: NUMBER,
    Packets: NUMBER,
    Interfaces: STRINGS,
    IfDirections: NUMBERS,
    IfNetns: STRINGS,
    FlowDirection: NUMBER,
    AgentIP: STRING,
    K8S_HostName: STRING,
    SrcK8S_Namespace: STRING,
    SrcK8S_Name: STRING,
    SrcK8S_Type: STRING,
    SrcK8S_OwnerName: STRING,
    SrcK8S_OwnerType: STRING,
    SrcK8S_HostName: STRING,
    SrcK8S_NetworkName: STRING,
    DstK8S_Namespace: STRING,
    DstK8S_Name: STRING,
    DstK8S_Type: STRING,
    DstK8S_OwnerName: STRING,
    DstK8S_OwnerType: STRING,
    DstK8S_HostName: STRING,
    DstK8S_NetworkName: STRING,
    IfK8S_Namespace: STRING,
    IfK8S_Name: STRING,
    IfK8S_NetworkName: STRING,
  },
);

/** Characters JSON escapes (quote, backslash, controls) and every surrogate (lone ones are escaped). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `\"<s>\"` when s needs no escape at either level; undefined otherwise. */
function str(s: unknown): string | undefined {
  if (typeof s !== 'string' || NEEDS_ESCAPE.test(s)) return undefined;
  return `\\"${s}\\"`;
}

function num(n: unknown): string | undefined {
  if (typeof n !== 'number') return undefined;
  return Number.isFinite(n) ? String(n) : 'null'; // what JSON.stringify writes for NaN/±Infinity
}

function list(a: unknown, item: (v: unknown) => string | undefined): string | undefined {
  if (!Array.isArray(a)) return undefined;
  let out = '[';
  for (let i = 0; i < a.length; i++) {
    const v = item(a[i]);
    if (v === undefined) return undefined;
    out += i === 0 ? v : `,${v}`;
  }
  return `${out}]`;
}

/**
 * `["<timestampNs>","<escaped record JSON>"]`, byte for byte what
 * JSON.stringify([timestampNs, JSON.stringify(record)]) gives, or undefined when the record
 * holds anything this writer does not handle (then use the generic way).
 */
export function fastRecordValue(timestampNs: string, record: FlowRecord): string | undefined {
  const r = record as unknown as Record<string, unknown>;
  let out = `["${timestampNs}","{`;
  let first = true;
  for (const key in r) {
    if (!Object.hasOwn(r, key)) return undefined;
    const v = r[key];
    if (v === undefined) continue; // JSON.stringify leaves the key out
    let text: string | undefined;
    switch (FIELD_KIND[key]) {
      case NUMBER:
        text = num(v);
        break;
      case STRING:
        text = str(v);
        break;
      case NUMBERS:
        text = list(v, num);
        break;
      case STRINGS:
        text = list(v, str);
        break;
      default:
        return undefined;
    }
    if (text === undefined) return undefined;
    out += first ? `\\"${key}\\":${text}` : `,\\"${key}\\":${text}`;
    first = false;
  }
  return `${out}}"]`;
}

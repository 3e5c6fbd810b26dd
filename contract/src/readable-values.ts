// Values as people read them, shared by the page's table and the backend's CSV export
// (docs/design.md, "Backend HTTP API": `values=readable`): protocol names instead of numbers,
// direction words instead of codes, times instead of epoch numbers. The page words directions
// in the user's language; the export, which has no language, uses these English words.
import { filterSpec } from './filters/filter-definitions.ts';

/** `ICMPv6` for `icmpv6`: the protocol filter's names, written as people write them. */
const protocolLabel = (name: string) => name.toUpperCase().replace(/V(\d)$/, 'v$1');

const PROTOCOLS: ReadonlyMap<number, string> = new Map(
  Object.entries(filterSpec('protocol')?.names ?? {}).map(([name, n]) => [n, protocolLabel(name)]),
);

/** EtherType of ARP: such frames carry no IP protocol, and the agent writes Proto 0. */
export const ETYPE_ARP = 0x0806;

/**
 * The protocol of a record as people name it: `TCP` for 6, `ARP` for an ARP frame, other
 * numbers as they are, and "" when a non-IP frame has no protocol (Proto 0).
 */
export function protocolName(proto: number, etype?: number): string {
  if (proto === 0) return etype === ETYPE_ARP ? 'ARP' : '';
  return PROTOCOLS.get(proto) ?? String(proto);
}

const DIRECTIONS = ['ingress', 'egress', 'inner'] as const;

/** `ingress`, `egress` (and, for the node's direction, `inner`); unknown codes as numbers. */
export function directionWord(code: number, node = false): string {
  return (code === 0 || code === 1 || (node && code === 2) ? DIRECTIONS[code] : undefined) ?? String(code);
}

/** ISO 8601 in UTC, to the millisecond (`2026-12-02T06:45:33.123Z`): unambiguous in any time zone. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

type Readable = (v: unknown, record: Readonly<Record<string, unknown>>) => string;

const READABLE: Readonly<Record<string, Readable>> = {
  TimeFlowEndMs: (v) => isoTime(Number(v)),
  TimeFlowStartMs: (v) => isoTime(Number(v)),
  TimeReceived: (v) => isoTime(Number(v) * 1000),
  Proto: (v, r) => protocolName(Number(v), typeof r.Etype === 'number' ? r.Etype : undefined),
  IfDirections: (v) => directionWord(Number(v)),
  FlowDirection: (v) => directionWord(Number(v), true),
  IfNetns: (v) => (v === '' ? 'host' : String(v)),
};

/** Whether readableValue writes the field other than as its stored value (times, codes, names). */
export function hasReadableForm(field: string): boolean {
  return Object.hasOwn(READABLE, field);
}

/**
 * One value of a field (one element of an array field) as the export writes it with
 * `values=readable`. Numbers without a meaning beyond their size (bytes, ports) stay numbers,
 * so a spreadsheet can still add them up.
 */
export function readableValue(field: string, v: unknown, record: Readonly<Record<string, unknown>>): string {
  if (v === undefined || v === null) return '';
  const format = Object.hasOwn(READABLE, field) ? READABLE[field] : undefined;
  if (format) return format(v, record);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

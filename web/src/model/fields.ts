// What the page knows about record fields: which filter a field's value feeds, how to compare
// it for sorting and how to show it. Column ids are record field names (contract).
import type { FlowRecord } from '../api/types.ts';

/** Record field → filter id used when a value is clicked ("add as filter"). */
export const FIELD_FILTER: Readonly<Record<string, string>> = {
  Interfaces: 'interfaces',
  IfDirections: 'ifdirections',
  IfNetns: 'netns',
  SrcK8S_Namespace: 'src_namespace',
  DstK8S_Namespace: 'dst_namespace',
  SrcK8S_Name: 'src_name',
  DstK8S_Name: 'dst_name',
  SrcK8S_Type: 'src_kind',
  DstK8S_Type: 'dst_kind',
  SrcAddr: 'src_address',
  DstAddr: 'dst_address',
  SrcPort: 'src_port',
  DstPort: 'dst_port',
  SrcMac: 'src_mac',
  DstMac: 'dst_mac',
  Proto: 'protocol',
  FlowDirection: 'node_direction',
  K8S_HostName: 'host_name',
};

/**
 * Columns the table can show even before /api/config answers, in display order, each with
 * whether it is visible by default (used only when /api/config gives no defaults; the same
 * default set as the backend's server/src/flows/columns.ts).
 */
const KNOWN: ReadonlyArray<readonly [id: string, defaultVisible: boolean]> = [
  ['TimeFlowEndMs', true],
  ['SrcK8S_Name', true],
  ['SrcK8S_Namespace', true],
  ['SrcAddr', true],
  ['SrcPort', true],
  ['DstK8S_Name', true],
  ['DstK8S_Namespace', true],
  ['DstAddr', true],
  ['DstPort', true],
  ['Proto', true],
  ['Interfaces', true],
  ['IfNetns', true],
  ['IfDirections', true],
  ['IfK8S_Name', true], // whose net1 this is
  ['IfK8S_Namespace', false],
  ['IfK8S_NetworkName', false],
  ['FlowDirection', false],
  ['Bytes', true],
  ['Packets', true],
  ['TimeFlowStartMs', false],
  ['SrcMac', false],
  ['DstMac', false],
  ['K8S_HostName', true],
  ['AgentIP', false],
  ['Dscp', false],
  ['Flags', false],
];

export const KNOWN_COLUMNS: readonly string[] = KNOWN.map(([id]) => id);

export const FALLBACK_DEFAULT_COLUMNS: readonly string[] = KNOWN.filter(([, visible]) => visible).map(
  ([id]) => id,
);

const PROTOCOLS: Readonly<Record<number, string>> = {
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  58: 'ICMPv6',
  132: 'SCTP',
};

export function protocolName(proto: number): string {
  return PROTOCOLS[proto] ?? String(proto);
}

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

/**
 * Sorted copy: numbers numerically, everything else as text (arrays joined); records without
 * the field stay last whatever the direction. Array.prototype.sort is stable, so equal keys
 * keep the backend's newest-first order.
 */
export function sortRecords(
  records: readonly FlowRecord[],
  field: string,
  direction: 'asc' | 'desc',
): FlowRecord[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...records].sort((a, b) => {
    const va = a[field];
    const vb = b[field];
    const missingA = isMissing(va);
    const missingB = isMissing(vb);
    if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sign;
    const sa = Array.isArray(va) ? va.join(',') : String(va);
    const sb = Array.isArray(vb) ? vb.join(',') : String(vb);
    return sa.localeCompare(sb, undefined, { numeric: true }) * sign;
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

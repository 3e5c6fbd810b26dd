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

/** Columns the table can show even before /api/config answered, in display order. */
export const KNOWN_COLUMNS = [
  'TimeFlowEndMs',
  'SrcK8S_Name',
  'SrcK8S_Namespace',
  'SrcAddr',
  'SrcPort',
  'DstK8S_Name',
  'DstK8S_Namespace',
  'DstAddr',
  'DstPort',
  'Proto',
  'Interfaces',
  'IfNetns',
  'IfDirections',
  'FlowDirection',
  'Bytes',
  'Packets',
  'TimeFlowStartMs',
  'SrcMac',
  'DstMac',
  'K8S_HostName',
  'AgentIP',
  'Dscp',
  'Flags',
] as const;

export const FALLBACK_DEFAULT_COLUMNS = [
  'TimeFlowEndMs',
  'SrcK8S_Name',
  'SrcK8S_Namespace',
  'SrcAddr',
  'SrcPort',
  'DstK8S_Name',
  'DstK8S_Namespace',
  'DstAddr',
  'DstPort',
  'Proto',
  'Interfaces',
  'IfNetns',
  'IfDirections',
  'Bytes',
  'Packets',
];

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

/** The values of a field as a list of plain strings (array fields give one per element). */
export function fieldValues(record: FlowRecord, field: string): string[] {
  const v = record[field];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x));
  return [String(v)];
}

/** Comparison for sorting: numbers numerically, everything else as text; missing values last. */
export function compareField(a: FlowRecord, b: FlowRecord, field: string): number {
  const va = a[field];
  const vb = b[field];
  const missingA = va === undefined || va === null || va === '';
  const missingB = vb === undefined || vb === null || vb === '';
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof va === 'number' && typeof vb === 'number') return va - vb;
  const sa = Array.isArray(va) ? va.join(',') : String(va);
  const sb = Array.isArray(vb) ? vb.join(',') : String(vb);
  return sa.localeCompare(sb, undefined, { numeric: true });
}

export function sortRecords(
  records: readonly FlowRecord[],
  field: string,
  direction: 'asc' | 'desc',
): FlowRecord[] {
  const sign = direction === 'asc' ? 1 : -1;
  // Array.prototype.sort is stable, so equal keys keep the backend's newest-first order.
  return [...records].sort((a, b) => {
    const c = compareField(a, b, field);
    // missing values stay last whatever the direction
    const va = a[field];
    const vb = b[field];
    if (va === undefined || va === null || va === '' || vb === undefined || vb === null || vb === '')
      return c;
    return c * sign;
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

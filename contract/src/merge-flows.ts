// One row per flow (the page's `dedup` view, docs/design.md "Page URL"): the records of one
// flow seen on several interfaces — or in both directions of one — during one interval become
// one merged record that lists every interface with its own bytes, so nobody adds the same
// bytes up twice. The default view stays one row per record (per interface and direction).
import type { StoredFlowRecord } from './flow-record.ts';

/** One interface (and direction) a merged flow was seen on, with what that interface counted. */
export interface FlowObservation {
  Interface: string;
  /** 0 ingress, 1 egress; undefined when the record did not say */
  IfDirection?: number;
  /** network namespace ("" = the host's) */
  IfNetns?: string;
  IfK8S_Namespace?: string;
  IfK8S_Name?: string;
  K8S_HostName?: string;
  Bytes?: number;
  Packets?: number;
}

/**
 * A merged row: the newest record's fields, with Interfaces / IfDirections / IfNetns listing every
 * observation, the earliest start and latest end, Bytes and Packets the largest count of one
 * record (never a sum of the same packets), and the per-interface fields (owner, node, agent)
 * only when every record agrees. `Observations` says what each interface counted; `MergedRecords`
 * how many records were merged.
 */
export type MergedFlowRecord = StoredFlowRecord & { Observations: FlowObservation[]; MergedRecords: number };

/**
 * Records whose windows are this close still belong to one interval: the same packet crosses two
 * interfaces (on two nodes, with their own clocks) a little apart, and the windows are whole ms.
 */
export const MERGE_SLACK_MS = 1000;

/** Fields that describe where a record was seen, not the flow: kept only when all records agree. */
const PER_INTERFACE_FIELDS = [
  'IfK8S_Namespace',
  'IfK8S_Name',
  'IfK8S_NetworkName',
  'K8S_HostName',
  'AgentIP',
  'FlowDirection',
  'TimeReceived',
] as const;

const field = (r: StoredFlowRecord, name: string): unknown => (r as Record<string, unknown>)[name];
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The flow's identity: the 5-tuple (MAC addresses and EtherType when there is no IP). */
function flowKey(r: StoredFlowRecord): string {
  const parts = [field(r, 'Etype'), field(r, 'Proto'), field(r, 'SrcAddr'), field(r, 'DstAddr')];
  parts.push(field(r, 'SrcPort'), field(r, 'DstPort'));
  if (!field(r, 'SrcAddr') && !field(r, 'DstAddr')) parts.push(field(r, 'SrcMac'), field(r, 'DstMac'));
  return JSON.stringify(parts);
}

function observationsOf(r: StoredFlowRecord): FlowObservation[] {
  const names = Array.isArray(r.Interfaces) ? r.Interfaces : [];
  const dirs: unknown[] = Array.isArray(r.IfDirections) ? r.IfDirections : [];
  const netns: unknown[] = Array.isArray(r.IfNetns) ? r.IfNetns : [];
  const common = {
    IfK8S_Namespace: str(field(r, 'IfK8S_Namespace')),
    IfK8S_Name: str(field(r, 'IfK8S_Name')),
    K8S_HostName: str(field(r, 'K8S_HostName')),
    Bytes: num(field(r, 'Bytes')),
    Packets: num(field(r, 'Packets')),
  };
  return names.map((name, i) => {
    const o: FlowObservation = { Interface: String(name) };
    const dir = num(dirs[i]);
    if (dir !== undefined) o.IfDirection = dir;
    const ns = str(netns[i]);
    if (ns !== undefined) o.IfNetns = ns;
    for (const [k, v] of Object.entries(common))
      if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
    return o;
  });
}

/** Where an observation was made: two records of one group never share one. */
const placeOf = (o: FlowObservation): string =>
  JSON.stringify([o.K8S_HostName ?? '', o.IfNetns ?? '', o.Interface, o.IfDirection ?? null]);

interface Group {
  records: StoredFlowRecord[];
  places: Set<string>;
  startMs: number;
  endMs: number;
}

function window(r: StoredFlowRecord): { start: number; end: number } {
  const end = num(field(r, 'TimeFlowEndMs')) ?? 0;
  return { start: num(field(r, 'TimeFlowStartMs')) ?? end, end };
}

/**
 * Merges the records of each flow seen in one interval: same flow key, windows that overlap
 * (within MERGE_SLACK_MS), and no interface (node, netns, name, direction) seen twice — a later
 * interval of a long flow on the same interface is the next row. Records without interfaces are
 * rows of their own. Rows keep the input's order (the first record of each).
 */
export function mergeFlowRecords(records: readonly StoredFlowRecord[]): MergedFlowRecord[] {
  const groups: Group[] = [];
  const byKey = new Map<string, Group[]>();
  for (const r of records) {
    const obs = observationsOf(r);
    const places = obs.map(placeOf);
    const { start, end } = window(r);
    const key = flowKey(r);
    const candidates = obs.length ? (byKey.get(key) ?? []) : [];
    let group = candidates.find(
      (g) =>
        start <= g.endMs + MERGE_SLACK_MS &&
        end + MERGE_SLACK_MS >= g.startMs &&
        places.every((p) => !g.places.has(p)),
    );
    if (!group) {
      group = { records: [], places: new Set(), startMs: start, endMs: end };
      groups.push(group);
      if (obs.length) byKey.set(key, [...candidates, group]);
    }
    group.records.push(r);
    for (const p of places) group.places.add(p);
    group.startMs = Math.min(group.startMs, start);
    group.endMs = Math.max(group.endMs, end);
  }
  return groups.map(mergeGroup);
}

function mergeGroup(g: Group): MergedFlowRecord {
  const first = g.records[0]!;
  const merged: Record<string, unknown> = { ...first, MergedRecords: g.records.length };
  if (g.records.length === 1) {
    merged.Observations = observationsOf(first);
    return merged as MergedFlowRecord;
  }
  // The sending side first (egress before ingress), then in time order.
  const byStart = [...g.records].sort((a, b) => window(a).start - window(b).start);
  const order = byStart.flatMap(observationsOf).sort((a, b) => (b.IfDirection ?? 0) - (a.IfDirection ?? 0));
  merged.Observations = order;
  merged.Interfaces = order.map((o) => o.Interface);
  merged.IfDirections = order.map((o) => o.IfDirection);
  merged.IfNetns = order.map((o) => o.IfNetns ?? '');
  merged.TimeFlowStartMs = g.startMs;
  merged.TimeFlowEndMs = g.endMs;
  for (const f of ['Bytes', 'Packets']) {
    const counts = g.records.map((r) => num(field(r, f))).filter((v) => v !== undefined);
    if (counts.length) merged[f] = Math.max(...counts);
  }
  for (const f of PER_INTERFACE_FIELDS) {
    const values = new Set(g.records.map((r) => JSON.stringify(field(r, f) ?? null)));
    if (values.size > 1) delete merged[f];
  }
  return merged as MergedFlowRecord;
}

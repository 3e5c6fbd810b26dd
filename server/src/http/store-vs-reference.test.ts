// The same query cases through the whole path (API → LogQL → embedded store over HTTP) and
// through a plain in-test reference evaluation of the filter semantics over the same
// records. Results must match exactly (same records; newest first).
//
// The reference is written from docs/design.md alone: its own table of the record fields each filter
// reads, its own value rules and its own encoder of the `filters` text. Nothing of
// server/src/logql is used for the expected results, so a bug there cannot hide in both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  HOSTILE_VALUES,
  INTERFACES,
  NAMESPACES,
  NETNS,
  NODES,
  generateFlows,
  pushRecords,
  type FlowRecord,
} from '../../../test/fixtures/flow-generator.ts';
import { FILTER_SPECS } from '@interflow/contract';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

type Op = '=' | '!=' | '~' | '!~';
interface CaseFilter {
  id: string;
  op: Op;
  values: string[];
}

interface ReferenceField {
  /** record fields; a value matches when it matches any of them */
  fields: string[];
  /** the field is an array, matched element by element */
  array?: boolean;
  /** numeric field: words it accepts (any case) besides decimal numbers */
  names?: Record<string, number>;
  numeric?: boolean;
  /** numeric field: the largest value the field can hold (for generating valid values) */
  max?: number;
}

const PROTOCOL_NAMES = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, icmpv6: 58, sctp: 132 };
const PAIR_FIELDS: Record<string, { field: string; numeric?: boolean; max?: number }> = {
  namespace: { field: 'K8S_Namespace' },
  name: { field: 'K8S_Name' },
  kind: { field: 'K8S_Type' },
  owner_name: { field: 'K8S_OwnerName' },
  address: { field: 'Addr' },
  port: { field: 'Port', numeric: true, max: 65535 },
  mac: { field: 'Mac' },
  network: { field: 'K8S_NetworkName' },
};

/** docs/design.md, "Filters": unprefixed ids mean source or destination. */
function referenceField(id: string): ReferenceField {
  switch (id) {
    case 'interfaces':
      return { fields: ['Interfaces'], array: true };
    case 'ifdirections':
      return {
        fields: ['IfDirections'],
        array: true,
        numeric: true,
        max: 1,
        names: { ingress: 0, egress: 1 },
      };
    case 'netns':
      return { fields: ['IfNetns'], array: true };
    case 'protocol':
      return { fields: ['Proto'], numeric: true, max: 255, names: PROTOCOL_NAMES };
    case 'node_direction':
      return { fields: ['FlowDirection'], numeric: true, max: 2, names: { ingress: 0, egress: 1, inner: 2 } };
    case 'host_name':
      return { fields: ['K8S_HostName'] };
    case 'if_owner_namespace':
      return { fields: ['IfK8S_Namespace'] };
    case 'if_owner':
      return { fields: ['IfK8S_Name'] };
    case 'if_network':
      return { fields: ['IfK8S_NetworkName'] };
    case 'pod_namespace':
      return { fields: ['SrcK8S_Namespace', 'DstK8S_Namespace', 'IfK8S_Namespace'] };
    case 'pod':
      return { fields: ['SrcK8S_Name', 'DstK8S_Name', 'IfK8S_Name'] };
  }
  const [, side, base] = /^(?:(src|dst)_)?(.+)$/.exec(id)!;
  const pair = PAIR_FIELDS[base!];
  if (!pair) throw new Error(`the reference does not know filter "${id}" (add it from docs/design.md)`);
  const fields = side === 'src' ? ['Src'] : side === 'dst' ? ['Dst'] : ['Src', 'Dst'];
  return { fields: fields.map((p) => p + pair.field), numeric: pair.numeric, max: pair.max };
}

/** The value a numeric filter compares: a name's number; an exact number without leading zeros. */
function referenceValue(spec: ReferenceField, op: Op, value: string): string {
  if (!spec.numeric) return value;
  const named = spec.names?.[value.toLowerCase()];
  if (named !== undefined) return String(named);
  return op === '=' || op === '!=' ? String(Number(value)) : value;
}

/** docs/design.md, "Filters", written plainly: values ORed; `=` exact, `~` contains; negated = none matches. */
function referenceMatches(r: FlowRecord, f: CaseFilter): boolean {
  const spec = referenceField(f.id);
  const contains = f.op === '~' || f.op === '!~';
  const negated = f.op === '!=' || f.op === '!~';
  const values = f.values.map((v) => referenceValue(spec, f.op, v));
  const hit = (x: string): boolean => values.some((v) => (contains ? x.includes(v) : x === v));
  const rec = r as unknown as Record<string, unknown>;
  const texts: string[] = spec.array
    ? ((rec[spec.fields[0]!] as unknown[] | undefined) ?? []).map(String)
    : spec.fields.map((field) => (rec[field] === undefined || rec[field] === null ? '' : String(rec[field])));
  const any = texts.some(hit);
  return negated ? !any : any;
}

function reference(records: FlowRecord[], filters: CaseFilter[], match: 'all' | 'any'): FlowRecord[] {
  return records.filter((r) =>
    filters.length === 0
      ? true
      : match === 'all'
        ? filters.every((f) => referenceMatches(r, f))
        : filters.some((f) => referenceMatches(r, f)),
  );
}

/** docs/design.md, "Filters" syntax: `;` between filters, `,` between values; `\\`, `\,` and `\;` escape. */
function encodeCase(filters: CaseFilter[]): string {
  const escape = (v: string): string => v.replace(/[\\,;]/g, (c) => `\\${c}`);
  return filters.map((f) => `${f.id}${f.op}${f.values.map(escape).join(',')}`).join(';');
}

const f = (id: string, op: Op, ...values: string[]): CaseFilter => ({ id, op, values });

/**
 * Workload owners for the generated pods (`pod-17` belongs to `app-2`), as the agent's enricher
 * sets them, and an owning pod for every net1 interface.
 */
function withOwners(r: FlowRecord): FlowRecord {
  const owner = (name: string | undefined): string | undefined => {
    const n = /^pod-(\d+)$/.exec(name ?? '')?.[1];
    return n === undefined ? undefined : `app-${Number(n) % 5}`;
  };
  const src = owner(r.SrcK8S_Name);
  const dst = owner(r.DstK8S_Name);
  // A pod's secondary interface: net1 records name their owner (pod-7 in sriov-test).
  const ownsInterface = Array.isArray(r.Interfaces) && r.Interfaces[0] === 'net1';
  return {
    ...r,
    ...(ownsInterface ? { IfK8S_Namespace: 'sriov-test', IfK8S_Name: 'pod-7' } : {}),
    ...(src ? { SrcK8S_OwnerName: src, SrcK8S_OwnerType: 'Deployment' } : {}),
    ...(dst ? { DstK8S_OwnerName: dst, DstK8S_OwnerType: 'Deployment' } : {}),
  };
}

/** Field order differs after serialization; compare records by content. */
const key = (r: FlowRecord): string =>
  JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))));

describe('embedded store vs reference evaluation', () => {
  let t: TestApp;
  const now = Date.now();
  const records = [
    ...generateFlows({ count: 2500, seed: 42, startMs: now - 240_000, endMs: now - 1000 }),
    ...generateFlows({ count: 1500, seed: 43, startMs: now - 240_000, endMs: now - 1000, hostile: true }),
  ].map(withOwners);
  const window = `startTime=${Math.floor(now / 1000) - 300}&endTime=${Math.ceil(now / 1000) + 1}`;

  before(async () => {
    t = await startTestApp();
    await pushRecords(t.storeUrl, records);
  });
  after(() => t.close());

  async function compare(filters: CaseFilter[], match: 'all' | 'any'): Promise<number> {
    const filtersText = encodeCase(filters);
    const url = `/api/flows?${window}&limit=10000&match=${match}&filters=${encodeURIComponent(filtersText)}`;
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, `${filtersText}: ${res.body}`);
    const got = res.json().records as FlowRecord[];
    const expected = reference(records, filters, match);
    for (let i = 1; i < got.length; i++)
      assert.ok(got[i - 1]!.TimeFlowEndMs >= got[i]!.TimeFlowEndMs, 'newest first');
    const gotKeys = got.map(key).sort();
    const expKeys = expected.map(key).sort();
    if (gotKeys.length !== expKeys.length || gotKeys.some((k, i) => k !== expKeys[i])) {
      const g = new Set(gotKeys);
      const e = new Set(expKeys);
      const extra = gotKeys.filter((k) => !e.has(k)).slice(0, 2);
      const missing = expKeys.filter((k) => !g.has(k)).slice(0, 2);
      assert.fail(
        `${match} ${filtersText}: got ${got.length}, expected ${expected.length}\nextra: ${extra}\nmissing: ${missing}`,
      );
    }
    return got.length;
  }

  const cases: Array<[CaseFilter[], 'all' | 'any']> = [
    [[], 'all'],
    [[f('interfaces', '=', 'net1')], 'all'],
    [[f('interfaces', '=', 'net10')], 'all'],
    [[f('interfaces', '!=', 'net1')], 'all'],
    [[f('interfaces', '~', 'net1')], 'all'],
    [[f('interfaces', '!~', 'net')], 'all'],
    [[f('interfaces', '=', 'net1', 'eth0')], 'all'],
    [[f('interfaces', '=', 'a"b')], 'all'],
    [[f('interfaces', '=', 'back\\slash')], 'all'],
    [[f('interfaces', '=', ',')], 'all'],
    [[f('namespace', '=', '\\"}')], 'all'],
    [[f('namespace', '=', '"} |= "x')], 'all'],
    [[f('namespace', '~', '\\')], 'all'],
    [[f('interfaces', '=', 'new\nline')], 'all'],
    [[f('interfaces', '=', 'dot.star*')], 'all'],
    [[f('interfaces', '=', 'tick`tock')], 'all'],
    [[f('interfaces', '~', '.')], 'all'],
    [[f('netns', '=', '')], 'all'],
    [[f('netns', '!=', '')], 'all'],
    [[f('netns', '=', 'ns with space')], 'all'],
    [[f('src_namespace', '=', 'team-a')], 'all'],
    [[f('src_namespace', '=', 'team.b')], 'all'],
    [[f('dst_namespace', '!=', 'default')], 'all'],
    [[f('namespace', '=', 'sriov-test')], 'all'],
    [[f('namespace', '!=', 'sriov-test')], 'all'],
    [[f('namespace', '~', 'team')], 'all'],
    [[f('namespace', '!~', 'team')], 'all'],
    [[f('namespace', '=', '(group)|alt')], 'all'],
    [[f('namespace', '=', '{1,2}?+')], 'all'],
    [[f('namespace', '=', '[class]^$')], 'all'],
    [[f('namespace', '=', 'ünïcödé-名前-🙂')], 'all'],
    [[f('src_name', '~', 'pod-1')], 'all'],
    [[f('dst_kind', '=', 'Service')], 'all'],
    [[f('kind', '!=', 'Pod')], 'all'],
    [[f('owner_name', '=', 'app-1')], 'all'],
    [[f('src_owner_name', '=', 'app-2', 'app-3')], 'all'],
    [[f('dst_owner_name', '!=', 'app-4')], 'all'],
    [[f('owner_name', '~', 'app')], 'all'],
    [[f('namespace', '=', 'team-a'), f('owner_name', '=', 'app-0')], 'all'],
    [[f('pod', '=', 'pod-7')], 'all'],
    [[f('pod_namespace', '=', 'sriov-test'), f('pod', '=', 'pod-7')], 'all'],
    [[f('pod', '!=', 'pod-7', 'pod-1')], 'all'],
    [[f('pod_namespace', '~', 'sriov')], 'all'],
    [[f('address', '~', '10.129.')], 'all'],
    [[f('dst_address', '~', 'fd00::')], 'all'],
    [[f('dst_port', '=', '443', '53')], 'all'],
    [[f('dst_port', '=', '0443')], 'all'],
    [[f('port', '=', '443')], 'all'],
    [[f('port', '!=', '443')], 'all'],
    [[f('src_port', '~', '99')], 'all'],
    [[f('protocol', '=', 'udp')], 'all'],
    [[f('protocol', '=', 'SCTP', '58')], 'all'],
    [[f('protocol', '!=', 'tcp')], 'all'],
    [[f('ifdirections', '=', 'egress')], 'all'],
    [[f('ifdirections', '!=', 'ingress')], 'all'],
    [[f('node_direction', '=', 'inner')], 'all'],
    [[f('node_direction', '!=', '0')], 'all'],
    [[f('host_name', '=', 'worker-1')], 'all'],
    [[f('host_name', '~', 'worker')], 'all'],
    [[f('src_mac', '~', '0a:58:0a:80:00:1')], 'all'],
    [[f('interfaces', '=', 'net1'), f('src_namespace', '=', 'team-a')], 'all'],
    [[f('interfaces', '=', 'net1'), f('protocol', '=', 'udp'), f('host_name', '=', 'worker-0')], 'all'],
    [[f('interfaces', '=', 'net1'), f('src_namespace', '=', 'team-a')], 'any'],
    [[f('interfaces', '=', 'net10'), f('namespace', '=', 'default'), f('protocol', '=', 'icmp')], 'any'],
    [[f('netns', '=', ''), f('dst_port', '=', '443')], 'any'],
    [[f('interfaces', '!=', 'net1'), f('namespace', '!~', 'team')], 'any'],
  ];
  for (const [filters, match] of cases) {
    test(`${match}: ${JSON.stringify(encodeCase(filters))}`, async () => {
      await compare(filters, match);
    });
  }

  test('the reference knows every filter the backend offers', () => {
    for (const spec of FILTER_SPECS) assert.doesNotThrow(() => referenceField(spec.id), spec.id);
  });

  test('random filter combinations (property, seeded)', async () => {
    const valueFor = (id: string): fc.Arbitrary<string> => {
      const spec = referenceField(id);
      if (spec.numeric) {
        const names = Object.keys(spec.names ?? {});
        return fc.oneof(
          fc.nat({ max: Math.min(spec.max ?? 500, 500) }).map(String),
          ...(names.length ? [fc.constantFrom(...names)] : []),
        );
      }
      const field = spec.fields[0]!;
      const pool: string[] = spec.array
        ? [...INTERFACES, ...NETNS, ...HOSTILE_VALUES]
        : field.endsWith('Namespace')
          ? [...NAMESPACES, ...HOSTILE_VALUES]
          : field === 'K8S_HostName'
            ? [...NODES]
            : [
                'pod-1',
                'svc-3',
                'app-3',
                'Pod',
                'Service',
                '10.128.',
                '172.30.1',
                '0a:58',
                'fd00',
                ...HOSTILE_VALUES,
              ];
      return fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 3 }));
    };
    // Every id the backend offers, so a new filter is checked as soon as it exists.
    // docs/design.md, "Filters": an exact (`=`, `!=`) address must be an IPv4 or IPv6 address.
    const exactAddress = fc.constantFrom('10.128.0.12', '172.30.1.2', 'fd00::1', '192.0.2.1');
    const arbFilter = fc.constantFrom(...FILTER_SPECS.map((spec) => spec.id)).chain((id) =>
      fc.constantFrom<Op>('=', '!=', '~', '!~').chain((op) =>
        fc
          .uniqueArray(/address$/.test(id) && (op === '=' || op === '!=') ? exactAddress : valueFor(id), {
            minLength: 1,
            maxLength: 3,
          })
          .map((values) => f(id, op, ...values)),
      ),
    );
    const samples = fc.sample(
      fc.tuple(
        fc.array(arbFilter, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<'all' | 'any'>('all', 'any'),
      ),
      {
        numRuns: 40,
        seed: 20261126,
      },
    );
    let nonEmpty = 0;
    for (const [filters, match] of samples) {
      if ((await compare(filters, match)) > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 10, `only ${nonEmpty} random cases matched anything; the cases test too little`);
  });
});

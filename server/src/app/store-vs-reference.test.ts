// The same query cases through the whole path (API → LogQL → embedded store over HTTP) and
// through a plain in-test reference evaluation of the filter semantics over the same
// records. Results must match exactly (same records; newest first).
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
import { filterSpec, FILTER_SPECS } from '../logql/filter-defs.ts';
import { escapeFilterValue, parseFilters, type FlowFilter } from '../logql/filter-syntax.ts';
import { startTestApp, type TestApp } from './test-app.ts';

/** DESIGN.md semantics, written plainly: values ORed; unprefixed = source or destination; negated = none. */
function referenceMatches(r: FlowRecord, f: FlowFilter): boolean {
  const spec = filterSpec(f.id)!;
  const contains = f.op === '~' || f.op === '!~';
  const negated = f.op === '!=' || f.op === '!~';
  const hit = (x: string): boolean => f.values.some((v) => (contains ? x.includes(v) : x === v));
  const rec = r as unknown as Record<string, unknown>;
  let any: boolean;
  if (spec.kind === 'stringArray' || spec.kind === 'numberArray') {
    const arr = (rec[spec.fields[0]!] as unknown[] | undefined) ?? [];
    any = arr.some((x) => hit(String(x)));
  } else {
    any = spec.fields.some((field) =>
      hit(rec[field] === undefined || rec[field] === null ? '' : String(rec[field])),
    );
  }
  return negated ? !any : any;
}

function reference(records: FlowRecord[], filters: FlowFilter[], match: 'all' | 'any'): FlowRecord[] {
  return records.filter((r) =>
    filters.length === 0
      ? true
      : match === 'all'
        ? filters.every((f) => referenceMatches(r, f))
        : filters.some((f) => referenceMatches(r, f)),
  );
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
  ];
  const window = `startTime=${Math.floor(now / 1000) - 300}&endTime=${Math.ceil(now / 1000) + 1}`;

  before(async () => {
    t = await startTestApp();
    await pushRecords(t.url, records);
  });
  after(() => t.close());

  async function compare(filtersText: string, match: 'all' | 'any'): Promise<number> {
    const url = `/api/flows?${window}&limit=10000&match=${match}&filters=${encodeURIComponent(filtersText)}`;
    const res = await t.app.inject(url);
    assert.equal(res.statusCode, 200, `${filtersText}: ${res.body}`);
    const got = res.json().records as FlowRecord[];
    const expected = reference(records, parseFilters(filtersText), match);
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

  const cases: Array<[string, 'all' | 'any']> = [
    ['', 'all'],
    ['interfaces=net1', 'all'],
    ['interfaces=net10', 'all'],
    ['interfaces!=net1', 'all'],
    ['interfaces~net1', 'all'],
    ['interfaces!~net', 'all'],
    ['interfaces=net1,eth0', 'all'],
    ['interfaces=a"b', 'all'],
    ['interfaces=back\\\\slash', 'all'],
    ['interfaces=\\,', 'all'],
    ['namespace=\\"}', 'all'],
    ['namespace~\\\\', 'all'],
    ['interfaces=new\nline', 'all'],
    ['interfaces=dot.star*', 'all'],
    ['interfaces~.', 'all'],
    ['netns=', 'all'],
    ['netns!=', 'all'],
    ['netns=ns with space', 'all'],
    ['src_namespace=team-a', 'all'],
    ['src_namespace=team.b', 'all'],
    ['dst_namespace!=default', 'all'],
    ['namespace=sriov-test', 'all'],
    ['namespace!=sriov-test', 'all'],
    ['namespace~team', 'all'],
    ['namespace!~team', 'all'],
    ['namespace=(group)|alt', 'all'],
    ['namespace={1,2}?+', 'all'],
    ['namespace=ünïcödé-名前-🙂', 'all'],
    ['src_name~pod-1', 'all'],
    ['dst_kind=Service', 'all'],
    ['kind!=Pod', 'all'],
    ['address~10.129.', 'all'],
    ['dst_address~fd00::', 'all'],
    ['dst_port=443,53', 'all'],
    ['port=443', 'all'],
    ['port!=443', 'all'],
    ['src_port~99', 'all'],
    ['protocol=udp', 'all'],
    ['protocol!=tcp', 'all'],
    ['ifdirections=egress', 'all'],
    ['ifdirections!=ingress', 'all'],
    ['node_direction=inner', 'all'],
    ['node_direction!=0', 'all'],
    ['host_name=worker-1', 'all'],
    ['host_name~worker', 'all'],
    ['src_mac~0a:58:0a:80:00:1', 'all'],
    ['interfaces=net1;src_namespace=team-a', 'all'],
    ['interfaces=net1;protocol=udp;host_name=worker-0', 'all'],
    ['interfaces=net1;src_namespace=team-a', 'any'],
    ['interfaces=net10;namespace=default;protocol=icmp', 'any'],
    ['netns=;dst_port=443', 'any'],
    ['interfaces!=net1;namespace!~team', 'any'],
  ];
  for (const [filters, match] of cases) {
    test(`${match}: ${JSON.stringify(filters)}`, async () => {
      await compare(filters, match);
    });
  }

  test('random filter combinations (property, seeded)', async () => {
    const valueFor = (id: string): fc.Arbitrary<string> => {
      const spec = filterSpec(id)!;
      if (spec.max !== undefined) {
        const names = Object.keys(spec.names ?? {});
        return fc.oneof(
          fc.nat({ max: Math.min(spec.max, 500) }).map(String),
          ...(names.length ? [fc.constantFrom(...names)] : []),
        );
      }
      const pool: string[] =
        spec.kind === 'stringArray'
          ? [...INTERFACES, ...NETNS, ...HOSTILE_VALUES]
          : spec.fields[0]!.endsWith('Namespace')
            ? [...NAMESPACES, ...HOSTILE_VALUES]
            : spec.fields[0] === 'K8S_HostName'
              ? [...NODES]
              : [
                  'pod-1',
                  'svc-3',
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
    const arbFilter = fc
      .constantFrom(...FILTER_SPECS.map((s) => s.id))
      .chain((id) =>
        fc
          .tuple(
            fc.constantFrom('=', '!=', '~', '!~'),
            fc.uniqueArray(valueFor(id), { minLength: 1, maxLength: 3 }),
          )
          .map(([op, values]) => `${id}${op}${values.map(escapeFilterValue).join(',')}`),
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
      if ((await compare(filters.join(';'), match)) > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > 10, `only ${nonEmpty} random cases matched anything; the cases test too little`);
  });
});

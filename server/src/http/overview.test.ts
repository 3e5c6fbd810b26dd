// The overview routes end to end (backend → LogQL metric queries → embedded store), checked
// against figures computed here from the pushed records: histogram buckets, top interfaces
// (a record counted once per interface, NetObserv-style arrays included), top pairs, filters,
// and bad input as 400s. Also: every query the routes build parses with the LogQL grammar.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parser } from '@grafana/lezer-logql';
import { generateFlows, pushRecords, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import {
  type HistogramResponse,
  type TopInterfacesResponse,
  type TopPairsResponse,
} from '@interflow/contract';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';
import { OverviewService, MAX_IF_SLOTS } from '../flows/overview-service.ts';
import { parseFlowRequest } from '../flows/query-params.ts';
import { buildLogQueries } from '../logql/build.ts';
import { quoteString } from '../logql/literals.ts';

const END_S = Math.floor(Date.now() / 1000) - 10;
const START_S = END_S - 3600;
// records strictly inside the window, so (start, end] and [start, end) agree
const records: FlowRecord[] = [
  ...generateFlows({ count: 3000, seed: 11, startMs: START_S * 1000 + 5, endMs: END_S * 1000 - 5 }),
];
// a NetObserv-like record with more interfaces than the slots the server counts
const wide: FlowRecord = {
  ...records[0]!,
  TimeFlowEndMs: END_S * 1000 - 1234,
  Interfaces: ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'],
  IfNetns: ['', '', '', '', '', ''],
  IfDirections: [0, 0, 0, 0, 0, 0],
  Bytes: 10 ** 12,
};
records.push(wide);
const window = `startTime=${START_S}&endTime=${END_S}`;

describe('overview API', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    await pushRecords(t.storeUrl, records);
  });
  after(() => t.close());

  test('histogram: every bucket, values equal to the records’ sums per bucket', async () => {
    for (const metric of ['bytes', 'packets', 'records'] as const) {
      const res = await t.app.inject(`/api/flows/histogram?${window}&metric=${metric}`);
      assert.equal(res.statusCode, 200, res.body);
      const h = res.json() as HistogramResponse;
      assert.equal(h.stepMs, 30_000); // 3600 s / 30 s = 120 buckets
      assert.equal(h.buckets.length, 120);
      const want = new Array<number>(120).fill(0);
      for (const r of records) {
        const i = Math.ceil((r.TimeFlowEndMs - START_S * 1000) / h.stepMs) - 1;
        want[i]! += metric === 'bytes' ? r.Bytes : metric === 'packets' ? r.Packets : 1;
      }
      assert.deepEqual(
        h.buckets.map((b) => b.value),
        want,
      );
      assert.equal(
        h.total,
        want.reduce((a, b) => a + b, 0),
      );
    }
  });

  test('histogram with a filter sums only the matching records (net1 never matches net10)', async () => {
    const res = await t.app.inject(
      `/api/flows/histogram?${window}&filters=${encodeURIComponent('interfaces=net1')}`,
    );
    const h = res.json() as HistogramResponse;
    const want = records.filter((r) => r.Interfaces.includes('net1')).reduce((a, r) => a + r.Bytes, 0);
    assert.ok(want > 0);
    assert.equal(h.total, want);
  });

  test('interfaces with ifdirections (match=all) count only records where one element is net1 in egress, as the table does', async () => {
    const filters = encodeURIComponent('interfaces=net1;ifdirections=egress');
    const paired = (r: FlowRecord) =>
      r.Interfaces.some((n, i) => n === 'net1' && Number(r.IfDirections[i]) === 1);
    const loose = (r: FlowRecord) =>
      r.Interfaces.includes('net1') && r.IfDirections.some((d) => Number(d) === 1);
    const want = records.filter(paired);
    assert.ok(want.length > 0);
    assert.ok(records.filter(loose).length > want.length, 'the fixture tells pairing from "somewhere"');
    const hist = await t.app.inject(`/api/flows/histogram?${window}&metric=records&filters=${filters}`);
    assert.equal(hist.statusCode, 200, hist.body);
    assert.equal((hist.json() as HistogramResponse).total, want.length);
    const bytes = await t.app.inject(`/api/flows/top-interfaces?${window}&filters=${filters}`);
    assert.equal(bytes.statusCode, 200, bytes.body);
    const top = bytes.json() as TopInterfacesResponse;
    assert.equal(
      top.total,
      want.reduce((a, r) => a + r.Bytes, 0),
    );
    const sums = new Map<string, number>();
    for (const r of want) {
      r.Interfaces.slice(0, MAX_IF_SLOTS).forEach((name, i) => {
        const k = JSON.stringify([name, r.IfNetns[i] ?? '', r.IfK8S_Namespace ?? '', r.IfK8S_Name ?? '']);
        sums.set(k, (sums.get(k) ?? 0) + r.Bytes);
      });
    }
    assert.deepEqual(
      top.rows.map((r) => [JSON.stringify([r.interface, r.netns, r.namespace, r.pod]), r.value]),
      [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10),
    );
    const pairs = await t.app.inject(`/api/flows/top-pairs?${window}&metric=records&filters=${filters}`);
    assert.equal(pairs.statusCode, 200, pairs.body);
    assert.equal((pairs.json() as TopPairsResponse).total, want.length);
  });

  test('top interfaces: bytes per (interface, netns, pod), a record counted once per interface', async () => {
    const res = await t.app.inject(`/api/flows/top-interfaces?${window}`);
    assert.equal(res.statusCode, 200, res.body);
    const top = res.json() as TopInterfacesResponse;
    const sums = new Map<string, number>();
    for (const r of records) {
      r.Interfaces.slice(0, MAX_IF_SLOTS).forEach((name, i) => {
        const k = JSON.stringify([name, r.IfNetns[i] ?? '', r.IfK8S_Namespace ?? '', r.IfK8S_Name ?? '']);
        sums.set(k, (sums.get(k) ?? 0) + r.Bytes);
      });
    }
    const want = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    assert.deepEqual(
      top.rows.map((r) => [JSON.stringify([r.interface, r.netns, r.namespace, r.pod]), r.value]),
      want,
    );
    assert.equal(
      top.total,
      records.reduce((a, r) => a + r.Bytes, 0),
    );
    assert.equal(top.uncountedRecords, records.filter((r) => r.Interfaces.length > MAX_IF_SLOTS).length);
    assert.ok(
      top.rows.some((r) => r.interface === 'w3'),
      'the 4th interface of the wide record is counted',
    );
    assert.ok(!top.rows.some((r) => r.interface === 'w4'));
  });

  test('top pairs: namespace/name when known, else the address', async () => {
    const res = await t.app.inject(`/api/flows/top-pairs?${window}&metric=records`);
    assert.equal(res.statusCode, 200, res.body);
    const top = res.json() as TopPairsResponse;
    const side = (ns: string | undefined, name: string | undefined, addr: string) =>
      name ? [ns ?? '', name, ''] : ['', '', addr];
    const sums = new Map<string, number>();
    for (const r of records) {
      const k = JSON.stringify([
        side(r.SrcK8S_Namespace, r.SrcK8S_Name, r.SrcAddr),
        side(r.DstK8S_Namespace, r.DstK8S_Name, r.DstAddr),
      ]);
      sums.set(k, (sums.get(k) ?? 0) + 1);
    }
    const values = [...sums.values()].sort((a, b) => b - a).slice(0, 10);
    assert.deepEqual(
      top.rows.map((r) => r.value),
      values,
    );
    for (const r of top.rows) {
      const k = JSON.stringify([
        [r.source.namespace, r.source.name, r.source.address],
        [r.destination.namespace, r.destination.name, r.destination.address],
      ]);
      assert.equal(sums.get(k), r.value, k);
    }
    assert.equal(top.total, records.length);
  });

  test('bad input is a 400 naming the parameter', async () => {
    for (const [qs, param] of [
      [`${window}&metric=watts`, 'metric'],
      [`${window}&filters=bogus%3Dx`, 'filters'],
      [`${window}&match=any&filters=${encodeURIComponent('interfaces=net1;protocol=tcp')}`, 'match'],
      ['startTime=10&endTime=5', 'endTime'],
    ] as const) {
      for (const path of ['histogram', 'top-interfaces', 'top-pairs']) {
        const res = await t.app.inject(`/api/flows/${path}?${qs}`);
        assert.equal(res.statusCode, 400, `${path}?${qs}: ${res.body}`);
        assert.equal(res.json().param, param);
      }
    }
  });
});

describe('overview queries', () => {
  const hostile = 'a"b\\c`d\n{x=~".*"} |= "';
  const service = new OverviewService(null as never, [{ label: 'app', op: '=', value: 'interflow' }]);
  const req = {
    filters: [
      { id: 'name', operator: '=' as const, values: [hostile] },
      { id: 'interfaces', operator: '=' as const, values: ['net1'] },
      { id: 'src_namespace', operator: '=' as const, values: ['a'] },
      { id: 'protocol', operator: '=' as const, values: ['6'] },
    ],
    match: 'all' as const,
    window: parseFlowRequest({ timeRange: '3600' }).window,
  };
  const queries = [
    service.histogramQuery(req, 'bytes', 30_000),
    service.histogramQuery(req, 'records', 30_000),
    service.interfaceQuery(req, 'packets', 0, 3_600_000),
    service.interfaceQuery(req, 'bytes', 2, 3_600_000),
    service.overflowQuery(req, 3_600_000),
    ...service.pairsQueries(req, 'bytes', 3_600_000),
    service.totalQuery(req, 'records', 3_600_000),
  ];
  // the embedded store's form: no line filter for interface slots and the overflow
  const embedded = new OverviewService(null as never, [{ label: 'app', op: '=', value: 'interflow' }], {
    slotLineFilters: false,
  });
  const embeddedQueries = [
    embedded.interfaceQuery(req, 'bytes', 2, 3_600_000),
    embedded.overflowQuery(req, 3_600_000),
  ];
  test('parse with @grafana/lezer-logql without errors, as metric expressions', () => {
    for (const q of [...queries, ...embeddedQueries]) {
      const tree = parser.parse(q);
      let bad = false;
      tree.iterate({ enter: (n) => void (n.type.isError && (bad = true)) });
      assert.equal(bad, false, q);
      assert.equal(tree.topNode.firstChild?.firstChild?.name, 'MetricExpr', q);
    }
  });
  test('carry the log query’s filters with values escaped (same selector and line filters as /api/flows)', () => {
    const log = buildLogQueries(req, [{ label: 'app', op: '=', value: 'interflow' }])[0]!;
    const head = log.slice(0, log.indexOf(' | '));
    for (const q of queries) {
      assert.ok(q.includes(head), q);
      assert.ok(q.includes(`SrcK8S_Name=${quoteString(hostile)}`), q);
    }
    assert.match(queries[0]!, /^sum \(sum_over_time\(\{.*\| unwrap Bytes \| __error__="" \[30000ms\]\)\)$/s);
    assert.match(queries[1]!, /^sum \(count_over_time\(/);
    assert.match(queries[2]!, /^topk\(100, sum by \(if_name, if_netns, IfK8S_Namespace, IfK8S_Name\) /);
  });
  test('slot line filters only for Loki: the embedded form selects slots with a label filter', () => {
    const slotFilter = ',){2}'; // hasInterfaceSlot(2)'s repetition, whatever the quoting
    assert.ok(queries[3]!.includes(slotFilter), queries[3]);
    assert.ok(!embeddedQueries[0]!.includes(slotFilter), embeddedQueries[0]);
    assert.match(embeddedQueries[0]!, /if_name="Interfaces\[2\]".*\| if_name!=""/s);
    assert.match(embeddedQueries[1]!, /if_overflow="Interfaces\[4\]".*\| if_overflow!=""/s);
  });

  test('with interfaces and ifdirections paired (match=all): the table’s element pairing, and it parses', () => {
    const pairedReq = {
      ...req,
      filters: [...req.filters, { id: 'ifdirections', operator: '=' as const, values: ['1'] }],
    };
    for (const q of [
      service.histogramQuery(pairedReq, 'bytes', 30_000),
      service.interfaceQuery(pairedReq, 'packets', 1, 3_600_000),
      ...service.pairsQueries(pairedReq, 'records', 3_600_000),
    ]) {
      const tree = parser.parse(q);
      let bad = false;
      tree.iterate({ enter: (n) => void (n.type.isError && (bad = true)) });
      assert.equal(bad, false, q);
      assert.match(q, /interflow_pair_if_0="Interfaces\[0\]"/, q);
      assert.match(q, /\| \(interflow_pair_if_0="net1" and interflow_pair_dir_0="1"\) or /, q);
    }
  });

  test('of a restricted caller: one query each, the namespaces as one ORed label filter before any aggregation', () => {
    const ns = ['team.b', 'team-a'];
    const scope =
      '| SrcK8S_Namespace=~"(?:team-a|team\\\\.b)" or DstK8S_Namespace=~"(?:team-a|team\\\\.b)" or IfK8S_Namespace=~"(?:team-a|team\\\\.b)"';
    const scoped = [
      service.histogramQuery(req, 'bytes', 30_000, ns),
      service.interfaceQuery(req, 'packets', 1, 3_600_000, ns),
      service.overflowQuery(req, 3_600_000, ns),
      ...service.pairsQueries(req, 'bytes', 3_600_000, ns),
      service.totalQuery(req, 'records', 3_600_000, ns),
    ];
    for (const q of scoped) {
      const tree = parser.parse(q);
      let bad = false;
      tree.iterate({ enter: (n) => void (n.type.isError && (bad = true)) });
      assert.equal(bad, false, q);
      assert.equal(q.split(scope).length, 2, `the scope once, before | json: ${q}`);
      assert.ok(q.indexOf(scope) < q.indexOf('| json'), q);
    }
    assert.equal(service.histogramQuery(req, 'bytes', 30_000, ns).replace(` ${scope}`, ''), queries[0]);
  });
});

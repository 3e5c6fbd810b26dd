// The column index (query/entry-columns.ts, query/metric-fast-path.ts) against the pipeline:
// every query runs twice on the same store, once as the index answers it and once with
// `pipelineOnly` (every line read and parsed), and the two answers (or errors) must be
// identical, byte for byte once serialised. Fixtures are randomised (seeded): NetObserv-style
// records with arrays of interfaces (and odd elements), records missing fields or carrying
// numbers as text, values that are not numbers, lines that are not JSON, structured metadata,
// pushes out of time order. Queries the index cannot answer exactly must take the pipeline.
// Retention (by age and by size), a reopen and SQLite's reuse of a deleted largest rowid must
// leave the index equal to the table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LabelMatcher } from '../logql/ast.ts';
import { NETOBSERV_APP, netobservEntries } from '../../../test/fixtures/netobserv-records.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { parseQuery } from './query/query-parse.ts';
import type { MetricQuery } from './query/logql-ast.ts';
import { openStore, type EmbeddedStore, type PushStream } from './sqlite/sqlite-store.ts';
import { prng } from '../../../test/fixtures/flow-generator.ts';
import { both, openLoaded, serviceCases, type Case } from '../../test/metric-compare.ts';

const S = 1_000_000_000n;
// whole seconds, a day ahead: background retention (real clock) never reaches the fixtures,
// retention passes given a clock inside the fixtures' span do
const T0 = (BigInt(Date.now()) / 1000n + 86_400n) * S;
const SPAN_S = 900;

const IFACES = ['net1', 'net10', 'eth0', 'br-ex', 'ens1f0v3', ''];
const NAMESPACES = ['default', 'team-a', 'sriov-test', 'team.b'];

/** A flow record as Interflow or NetObserv write it, with the oddities either may carry. */
function record(rnd: () => number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const r: Record<string, unknown> = { Proto: pick([6, 17, 1, '6']) };
  const u = rnd();
  if (u < 0.85) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 6 : 2));
    const ifs: unknown[] = Array.from({ length: n }, () => pick(IFACES));
    if (rnd() < 0.05) ifs.push(pick([7, null, { a: 1 }, ['x']]));
    r.Interfaces = ifs;
    r.IfNetns = ifs.slice(0, rnd() < 0.9 ? ifs.length : 1).map(() => pick(['', 'cni-1', 'cni-2']));
    r.IfDirections = ifs.map(() => pick(['0', '1', 0, 1])); // NetObserv writes strings
  } else if (u < 0.92)
    r.Interface = pick(IFACES); // older NetObserv: one interface
  else if (u < 0.96) r.Interfaces = pick(['eth0', 3, null]); // not an array
  const b = rnd();
  if (b < 0.9) r.Bytes = Math.floor(rnd() * 100_000);
  else if (b < 0.94) r.Bytes = String(Math.floor(rnd() * 1000));
  else if (b < 0.97) r.Bytes = null;
  // else: no Bytes field
  if (rnd() < 0.95) r.Packets = 1 + Math.floor(rnd() * 50);
  if (rnd() < 0.7) r.SrcK8S_Name = `pod-${Math.floor(rnd() * 6)}`;
  if (rnd() < 0.7) r.DstK8S_Name = pick(['svc-1', 'svc-2', 'pod-3', '']);
  r.SrcAddr = `10.0.${Math.floor(rnd() * 3)}.${Math.floor(rnd() * 20)}`;
  r.DstAddr =
    rnd() < 0.2 ? `fd00::${Math.floor(rnd() * 30).toString(16)}` : `172.30.0.${Math.floor(rnd() * 20)}`;
  if (rnd() < 0.5) {
    r.IfK8S_Namespace = pick(NAMESPACES);
    r.IfK8S_Name = `pod-${Math.floor(rnd() * 4)}`;
  }
  return r;
}

/** Streams of flows (several label sets), a stream with values that are not numbers, junk lines and metadata. */
function fixtures(seed: number, count: number): PushStream[][] {
  const rnd = prng(seed);
  const byLabels = new Map<string, PushStream>();
  const streamOf = (labels: Record<string, string>): PushStream => {
    const k = JSON.stringify(labels);
    let s = byLabels.get(k);
    if (!s) byLabels.set(k, (s = { labels, entries: [] }));
    return s;
  };
  const tsAt = (): bigint => {
    // ties on purpose: some entries share a timestamp (also across streams)
    const ns =
      rnd() < 0.1 ? BigInt(Math.floor(rnd() * 50)) * S : BigInt(Math.floor(rnd() * SPAN_S * 1e6)) * 1000n;
    return T0 + ns + BigInt(Math.floor(rnd() * 1000));
  };
  for (let i = 0; i < count; i++) {
    const labels: Record<string, string> = {
      app: 'interflow',
      kind: 'flow',
      SrcK8S_Namespace: NAMESPACES[Math.floor(rnd() * NAMESPACES.length)]!,
      DstK8S_Namespace: NAMESPACES[Math.floor(rnd() * NAMESPACES.length)]!,
      FlowDirection: String(Math.floor(rnd() * 3)),
    };
    const r = record(rnd);
    // half the records as the agent labels them: IfK8S_Namespace also a stream label when known
    // (queries extracting it then see IfK8S_Namespace_extracted in those streams, as in Loki)
    if (typeof r.IfK8S_Namespace === 'string' && rnd() < 0.5) labels.IfK8S_Namespace = r.IfK8S_Namespace;
    streamOf(labels).entries.push({ ts: tsAt(), line: JSON.stringify(r) });
  }
  for (let i = 0; i < count / 50; i++) {
    const r = record(rnd);
    r.Bytes = rnd() < 0.5 ? 'lots' : true;
    streamOf({ app: 'interflow', kind: 'odd' }).entries.push({ ts: tsAt(), line: JSON.stringify(r) });
    streamOf({ app: 'interflow', kind: 'junk' }).entries.push({ ts: tsAt(), line: `not json ${i}` });
    streamOf({ app: 'interflow', kind: 'meta' }).entries.push({
      ts: tsAt(),
      line: JSON.stringify(record(rnd)),
      metadata: { trace_id: `t${i % 3}` },
    });
  }
  // pushes of random slices, so that ids do not follow time
  const batches: PushStream[][] = [];
  for (const s of byLabels.values()) {
    for (let i = 0; i < s.entries.length; i += 97)
      batches.push([{ labels: s.labels, entries: s.entries.slice(i, i + 97) }]);
  }
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [batches[i], batches[j]] = [batches[j]!, batches[i]!];
  }
  return batches;
}

/** Random queries of the shapes the overview sends and around them. */
function randomCase(rnd: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sel = pick([
    '{app="interflow", kind="flow"}',
    '{kind="flow", SrcK8S_Namespace="team-a"}',
    '{kind="flow", SrcK8S_Namespace=~"team.*"}',
    '{kind="flow", FlowDirection!="2"}',
    '{app="interflow"}',
    '{app="interflow", kind=~"flow|odd"}',
  ]);
  const op = pick([
    'sum_over_time',
    'sum_over_time',
    'count_over_time',
    'bytes_over_time',
    'rate',
    'bytes_rate',
  ]);
  const extract = new Map<string, string>();
  const k = Math.floor(rnd() * 5);
  const candidates: [string, string][] = [
    ['if_name', `Interfaces[${k}]`],
    ['if_netns', `IfNetns[${k}]`],
    ['IfK8S_Namespace', 'IfK8S_Namespace'],
    ['IfK8S_Name', 'IfK8S_Name'],
    ['SrcK8S_Name', 'SrcK8S_Name'],
    ['SrcAddr', 'SrcAddr'],
    ['DstK8S_Name', 'DstK8S_Name'],
    ['DstAddr', 'DstAddr'],
    ['proto', 'Proto'],
  ];
  for (const [l, p] of candidates) if (rnd() < 0.35) extract.set(l, p);
  const unwrap = op === 'sum_over_time' ? pick(['Bytes', 'Packets']) : null;
  if (unwrap) extract.set(unwrap, unwrap);
  const labels = [...extract.keys()].filter((l) => l !== unwrap);
  const filters: string[] = [];
  for (const l of labels) {
    if (rnd() < 0.4)
      filters.push(pick([`${l} != ""`, `${l} = ""`, `${l} =~ "net1.*|pod-1|team.*"`, `${l} !~ ".*0.*"`]));
  }
  if (rnd() < 0.3)
    filters.push(pick(['FlowDirection="1" or SrcK8S_Namespace="default"', 'SrcK8S_Namespace!="team.b"']));
  let log = sel;
  if (extract.size > 0) log += ` | json ${[...extract].map(([l, p]) => `${l}="${p}"`).join(', ')}`;
  for (const f of filters) log += ` | ${f}`;
  if (unwrap) log += ` | unwrap ${unwrap}${rnd() < 0.8 ? ' | __error__=""' : ''}`;
  const rangeS = pick([1, 7, 30, 60, 300, SPAN_S + 100]);
  let range = `${op}(${log} [${rangeS}s])`;
  const groupLabels = [...labels, 'SrcK8S_Namespace', 'FlowDirection', 'kind', 'nothere'];
  const some = (): string => groupLabels.filter(() => rnd() < 0.4).join(', ');
  if (rnd() < 0.15) range = `${op}(${log} [${rangeS}s]) by (${some()})`;
  const v = rnd();
  const query =
    v < 0.35
      ? `sum by (${some()}) (${range})`
      : v < 0.55
        ? `topk(${1 + Math.floor(rnd() * 4)}, sum by (${some()}) (${range}))`
        : v < 0.65
          ? `sum without (${some()}) (${range})`
          : v < 0.75
            ? `${pick(['avg', 'max', 'count'])} by (${some()}) (${range})`
            : v < 0.85
              ? `sum(${range})`
              : range;
  const stepS = BigInt(pick([1, 10, 30, 60, 120, 900]));
  const startS = BigInt(Math.floor(rnd() * SPAN_S));
  const endS = startS + BigInt(Math.floor(rnd() * 400));
  const frac = rnd() < 0.3 ? BigInt(Math.floor(rnd() * 1e9)) : 0n; // times off the second too
  return { query, start: T0 + startS * S + frac, end: T0 + endS * S + frac, stepNs: stepS * S };
}

/** The overview's query shapes (server/src/flows/overview-service.ts, embedded form). */
function overviewCases(startNs: bigint, endNs: bigint): Case[] {
  const whole = (q: string): Case => ({ query: q, start: endNs, end: endNs, stepNs: endNs - startNs });
  const r = `${Number((endNs - startNs) / 1_000_000n)}ms`;
  const bytes = (pre: string, extra = ''): string =>
    `{app="interflow", kind="flow"}${pre} | json ${extra}Bytes="Bytes" | unwrap Bytes | __error__="" [${r}]`;
  const cases: Case[] = [
    {
      query: `sum(sum_over_time({app="interflow", kind="flow"} | json Bytes="Bytes" | unwrap Bytes | __error__="" [30s]))`,
      start: startNs + 30n * S,
      end: startNs + 30n * S * ((endNs - startNs) / (30n * S)),
      stepNs: 30n * S,
    },
    whole(`sum(sum_over_time(${bytes('')}))`),
    whole(
      `sum(count_over_time({app="interflow", kind="flow"} | json if_overflow="Interfaces[4]" | if_overflow!="" [${r}]))`,
    ),
  ];
  for (const slot of [0, 1, 2, 3]) {
    cases.push(
      whole(
        `topk(100, sum by (if_name, if_netns, IfK8S_Namespace, IfK8S_Name) (sum_over_time({app="interflow", kind="flow"} | json if_name="Interfaces[${slot}]", if_netns="IfNetns[${slot}]", IfK8S_Namespace="IfK8S_Namespace", IfK8S_Name="IfK8S_Name", Bytes="Bytes" | if_name!="" | unwrap Bytes | __error__="" [${r}])))`,
      ),
    );
  }
  for (const [srcNamed, dstNamed] of [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ]) {
    const ex = [`SrcK8S_Name="SrcK8S_Name"`, `DstK8S_Name="DstK8S_Name"`];
    const f = [`SrcK8S_Name${srcNamed ? '!=' : '='}""`, `DstK8S_Name${dstNamed ? '!=' : '='}""`];
    const by = [
      ...(srcNamed ? ['SrcK8S_Namespace', 'SrcK8S_Name'] : ['SrcAddr']),
      ...(dstNamed ? ['DstK8S_Namespace', 'DstK8S_Name'] : ['DstAddr']),
    ];
    if (!srcNamed) ex.push('SrcAddr="SrcAddr"');
    if (!dstNamed) ex.push('DstAddr="DstAddr"');
    cases.push(
      whole(
        `topk(10, sum by (${by.join(', ')}) (sum_over_time({app="interflow", kind="flow"} | json ${ex.join(', ')}, Bytes="Bytes" | ${f.join(' | ')} | unwrap Bytes | __error__="" [${r}])))`,
      ),
    );
  }
  return cases;
}

describe('metric queries from the column index equal the pipeline’s answers', () => {
  test('the overview’s queries (histogram, interface slots, overflow, pairs, total)', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    for (const b of fixtures(1, 3000)) store.push(b);
    for (const c of overviewCases(T0, T0 + BigInt(SPAN_S) * S)) {
      const r = await both(store, c);
      assert.equal(r.answeredBy, 'columns', c.query);
      assert.equal(r.fast, r.slow, c.query);
      assert.ok(r.fast.length > 20, `empty answer: ${c.query}`);
    }
  });

  test('the overview’s queries as the server renders them: filters and a restricted caller’s namespaces', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    for (const b of fixtures(2, 3000)) store.push(b);
    const windows: [bigint, bigint][] = [
      [T0, T0 + BigInt(SPAN_S) * S],
      [T0 + 120n * S, T0 + 420n * S],
    ];
    let answered = 0;
    for (const filters of [
      '',
      'protocol=tcp',
      'name~pod-1',
      'src_namespace=team-a',
      'namespace!=default',
      'dst_name=svc-1;protocol=udp',
      'interfaces=net1',
    ]) {
      for (const namespaces of [undefined, ['team-a'], ['team.b', 'sriov-test']]) {
        for (const [startNs, endNs] of windows) {
          for (const c of serviceCases(filters, namespaces, startNs, endNs)) {
            const r = await both(store, c);
            assert.equal(r.fast, r.slow, c.query);
            // the interface filter is a line filter, answered by the index from the arrays' texts
            // (array-line-filter.ts, tested there) but for lines it cannot vouch for: these
            // fixtures hold records of older NetObserv releases (the singular `Interface`)
            if (!filters.includes('interfaces')) assert.equal(r.answeredBy, 'columns', c.query);
            if (r.fast.length > 20) answered++;
          }
        }
      }
    }
    assert.ok(answered > 300, `${answered} non-empty answers`);
  });

  test('many series with tied values, rows in time order over several zone-map blocks, ranges inside them', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const rnd = prng(31);
    const n = 20_000;
    const streams = [
      { app: 'interflow', kind: 'flow', SrcK8S_Namespace: 'team-a', DstK8S_Namespace: 'default' },
      { app: 'interflow', kind: 'flow', SrcK8S_Namespace: 'team.b', DstK8S_Namespace: 'team-a' },
    ];
    for (let i = 0; i < n; i += 500) {
      const entries = Array.from({ length: 500 }, (_, k) => {
        const r = record(rnd);
        // unenriched pairs: thousands of address pairs, sums that tie (topk keeps the first by time)
        r.SrcAddr = `10.1.${Math.floor(rnd() * 40)}.${Math.floor(rnd() * 40)}`;
        r.DstAddr = `172.30.0.${Math.floor(rnd() * 60)}`;
        r.Bytes = [100, 200, 300][Math.floor(rnd() * 3)];
        // in time order, but one entry in fifty late (pushed minutes after its time)
        const late = rnd() < 0.02 ? BigInt(Math.floor(rnd() * 300)) * S : 0n;
        const ts = T0 + (BigInt(i + k) * BigInt(SPAN_S) * S) / BigInt(n) - late;
        return { ts: ts < T0 ? T0 : ts, line: JSON.stringify(r) };
      });
      store.push([{ labels: streams[(i / 500) % 2]!, entries }]);
    }
    assert.ok(store.columnIndex.columns.count >= 4 << 12, 'several blocks');
    const cases: Case[] = [];
    for (const [a, b] of [
      [0, SPAN_S],
      [100, 160],
      [300, 301],
      [600, 890],
    ] as const)
      cases.push(...serviceCases('', undefined, T0 + BigInt(a) * S, T0 + BigInt(b) * S));
    const sel = '{kind="flow"} | json SrcAddr="SrcAddr", DstAddr="DstAddr", Bytes="Bytes"';
    for (const q of [
      `topk(5, sum by (SrcAddr, DstAddr) (count_over_time({kind="flow"} | json SrcAddr="SrcAddr", DstAddr="DstAddr" [60s])))`,
      `bottomk(5, sum by (SrcAddr) (sum_over_time(${sel} | unwrap Bytes [60s])))`,
      `topk(3, sum by (DstAddr) (sum_over_time(${sel} | unwrap Bytes [60s])))`,
    ])
      cases.push({ query: q, start: T0 + 200n * S, end: T0 + 500n * S, stepNs: 60n * S });
    for (const c of cases) {
      const r = await both(store, c);
      assert.equal(r.answeredBy, 'columns', c.query);
      assert.equal(r.fast, r.slow, `${c.query} ${c.start}..${c.end}`);
    }
  });

  test('whole chunks added up from their totals (histogram, totals) equal the rows read one by one', async (t) => {
    const store = openLoaded(tempDir(t), { retentionMs: 600_000 });
    t.after(() => store.close());
    const rnd = prng(41);
    const n = 12_000;
    const flow = (ns: string): Record<string, string> => ({
      app: 'interflow',
      kind: 'flow',
      SrcK8S_Namespace: ns,
    });
    // rows in time order (chunks of 512 rows cover about 38 s each), pushed 500 at a time; some
    // regions hold entries a chunk's totals cannot stand for: values that are not numbers (a
    // stream of their own), fractions, lines that are not JSON, structured metadata
    for (let i = 0; i < n; i += 500) {
      const byLabels = new Map<string, PushStream>();
      for (let k = i; k < i + 500; k++) {
        const ts = T0 + (BigInt(k) * BigInt(SPAN_S) * S) / BigInt(n) + BigInt(Math.floor(rnd() * 1000));
        const r = record(rnd);
        let labels = flow(rnd() < 0.5 ? 'team-a' : 'default');
        let line = JSON.stringify(r);
        let metadata: Record<string, string> | undefined;
        if (k >= 3000 && k < 3600 && rnd() < 0.3) {
          labels = { app: 'interflow', kind: 'odd' };
          line = JSON.stringify({ ...r, Bytes: rnd() < 0.5 ? 'lots' : String(Math.floor(rnd() * 100)) });
        } else if (k >= 4000 && k < 4100 && rnd() < 0.1) {
          labels = { app: 'interflow', kind: 'frac' };
          line = JSON.stringify({ ...r, Bytes: 2.5 });
        } else if (k >= 6000 && k < 6100 && rnd() < 0.2) {
          labels = { app: 'interflow', kind: 'junk' };
          line = `not json ${k}`;
        } else if (k >= 8000 && k < 8050 && rnd() < 0.2) {
          labels = { app: 'interflow', kind: 'meta' };
          metadata = { trace_id: `t${k % 3}` };
        }
        const key = JSON.stringify(labels);
        if (!byLabels.has(key)) byLabels.set(key, { labels, entries: [] });
        byLabels.get(key)!.entries.push({ ts, line, ...(metadata ? { metadata } : {}) });
      }
      store.push([...byLabels.values()]);
    }
    const end = T0 + BigInt(SPAN_S) * S;
    const cases: Case[] = [];
    for (const sel of [
      '{kind="flow"}',
      '{kind=~"flow|odd"}',
      '{kind=~"flow|frac"}',
      '{app="interflow"}',
      '{kind="flow"} | SrcK8S_Namespace!="default"',
    ]) {
      const ranges = [
        `sum_over_time(${sel} | json Bytes="Bytes" | unwrap Bytes | __error__="" [R])`,
        `sum_over_time(${sel} | json Bytes="Bytes" | unwrap Bytes [R])`,
        `sum_over_time(${sel} | json Bytes="Bytes" | unwrap Bytes | __error__!="" [R])`,
        `count_over_time(${sel} [R])`,
        `count_over_time(${sel} | json Bytes="Bytes" [R])`,
        `bytes_over_time(${sel} [R])`,
        `bytes_rate(${sel} [R])`,
      ];
      for (const range of ranges) {
        // one series (chunks may be added up) and a series per stream (read row by row)
        for (const agg of ['sum(X)', 'X']) {
          const q = (r: string): string => agg.replace('X', range.replace('R', r));
          // the overview's totals: once at the end, over the whole window or a part of it
          cases.push({ query: q(`${SPAN_S}s`), start: end, end, stepNs: S });
          if (agg === 'sum(X)') cases.push({ query: q('700s'), start: end, end, stepNs: S });
          // histograms: buckets of a step, and windows shorter than the step
          for (const [step, r] of [
            [60, 60],
            [300, 100],
          ] as const)
            cases.push({ query: q(`${r}s`), start: T0 + BigInt(step) * S, end, stepNs: BigInt(step) * S });
        }
      }
    }
    let summed = 0;
    const check = async (label: string, only = cases): Promise<void> => {
      for (const c of only) {
        const r = await both(store, c);
        assert.equal(r.fast, r.slow, `${label}: ${c.query} step ${c.stepNs}`);
        summed += r.chunksSummed;
      }
    };
    await check('all rows');
    assert.ok(summed > 300, `${summed} chunks added up from their totals`);
    const whole = cases.find((c) => c.query.startsWith('sum(sum_over_time({kind="flow"} |'))!;
    const first = await both(store, whole);
    assert.equal(first.answeredBy, 'columns');
    // 23 whole chunks, of which those holding other streams' entries are read row by row
    assert.ok(first.chunksSummed >= 15, `${first.chunksSummed} chunks summed`);
    // deleted rows: their chunks are read row by row; past half the rows, compaction rebuilds the totals
    const single = cases.filter((c) => c.query.startsWith('sum('));
    store.enforceRetention(T0 + 900n * S);
    assert.ok(store.columnIndex.columns.dead > 0, 'rows deleted, not compacted yet');
    await check('after deleting the oldest rows', single);
    store.enforceRetention(T0 + 1300n * S);
    assert.ok(store.columnIndex.columns.count < n - 4096, 'compacted');
    summed = 0;
    await check('after compaction', single);
    assert.ok(summed > 30, `${summed} chunks added up after compaction`);
  });

  test('records as NetObserv writes them (interface arrays, fields as stream labels only)', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const nowMs = Number(T0 / 1_000_000n) + 600_000;
    const byLabels = new Map<string, PushStream>();
    for (const e of netobservEntries(nowMs)) {
      const k = JSON.stringify(e.labels);
      if (!byLabels.has(k)) byLabels.set(k, { labels: e.labels, entries: [] });
      byLabels.get(k)!.entries.push({ ts: BigInt(e.ts), line: e.line });
    }
    store.push([...byLabels.values()]);
    const selector: LabelMatcher[] = [{ label: 'app', op: '=', value: NETOBSERV_APP }];
    const endNs = BigInt(nowMs) * 1_000_000n;
    let answered = 0;
    for (const filters of ['', 'protocol=tcp', 'namespace=sriov-test'])
      for (const namespaces of [undefined, ['sriov-test']])
        for (const c of serviceCases(filters, namespaces, endNs - 300n * S, endNs, selector)) {
          const r = await both(store, c);
          assert.equal(r.fast, r.slow, c.query);
          assert.equal(r.answeredBy, 'columns', c.query);
          if (r.fast.length > 20) answered++;
        }
    assert.ok(answered > 20, `${answered} non-empty answers`);
  });

  test('each interface of a record counted once, in its slot (NetObserv arrays)', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    const line = (ifs: unknown[], bytes: number): string => JSON.stringify({ Interfaces: ifs, Bytes: bytes });
    store.push([
      {
        labels: { app: 'interflow', kind: 'flow' },
        entries: [
          { ts: T0 + 1n, line: line(['eth0', 'net1', 'br-ex'], 100) },
          { ts: T0 + 2n, line: line(['net1'], 10) },
          { ts: T0 + 3n, line: line(['net1', '', 5], 1) },
        ],
      },
    ]);
    const got = new Map<string, number>();
    for (const slot of [0, 1, 2, 3]) {
      const query = (
        parseQuery(
          `sum by (i) (sum_over_time({kind="flow"} | json i="Interfaces[${slot}]", Bytes="Bytes" | i!="" | unwrap Bytes [10s]))`,
        ) as { query: MetricQuery }
      ).query;
      const r = await store.metricQuery({ query, start: T0 + S, end: T0 + S, stepNs: S });
      assert.equal(r.answeredBy, 'columns');
      for (const s of r.result) got.set(s.metric.i!, (got.get(s.metric.i!) ?? 0) + Number(s.values[0]![1]));
    }
    assert.deepEqual(Object.fromEntries(got), { eth0: 100, net1: 111, 'br-ex': 100, '5': 1 });
  });

  test('randomised queries over randomised records (3 seeds × 120 queries)', async (t) => {
    let byColumns = 0;
    let byPipeline = 0;
    for (const seed of [11, 12, 13]) {
      const store = openLoaded(tempDir(t));
      try {
        for (const b of fixtures(seed, 1200)) store.push(b);
        const rnd = prng(seed * 7);
        for (let i = 0; i < 120; i++) {
          const c = randomCase(rnd);
          const r = await both(store, c);
          assert.equal(r.fast, r.slow, `${c.query} start=${c.start} end=${c.end} step=${c.stepNs}`);
          if (r.answeredBy === 'columns') byColumns++;
          else byPipeline++;
          // selectors of flow streams only, without error samples: always the index
          if (
            c.query.includes('kind="flow"') &&
            c.query.includes('__error__=""') &&
            !c.query.includes('kind=~')
          )
            assert.equal(r.answeredBy, 'columns', c.query);
        }
      } finally {
        store.close();
      }
    }
    // most queries took the index (the others met junk lines, metadata or values that are not numbers)
    assert.ok(byColumns > 200, `index ${byColumns}, pipeline ${byPipeline}`);
    assert.ok(byPipeline > 10, `index ${byColumns}, pipeline ${byPipeline}`);
  });

  test('queries the index cannot answer exactly take the pipeline, with the same answer', async (t) => {
    const store = openLoaded(tempDir(t));
    t.after(() => store.close());
    for (const b of fixtures(5, 800)) store.push(b);
    store.push([
      {
        labels: { app: 'interflow', kind: 'clash', if_name: 'stream-value' },
        entries: [
          { ts: T0 + 5n * S, line: JSON.stringify({ Interfaces: ['net1'], Bytes: 5 }) },
          {
            ts: T0 + 6n * S,
            line: JSON.stringify({ Interfaces: ['eth0'], Bytes: 6, IfK8S_Namespace: 'team-a' }),
          },
        ],
      },
      {
        labels: { app: 'interflow', kind: 'clash2', if_name: 'a', if_name_extracted: 'b' },
        entries: [{ ts: T0 + 7n * S, line: JSON.stringify({ Interfaces: ['net10'], Bytes: 7 }) }],
      },
    ]);
    const at = (q: string): Case => ({ query: q, start: T0 + 600n * S, end: T0 + 600n * S, stepNs: S });
    const fallback = [
      // a line filter other than the backend's array filters (the index has no lines)
      'sum(sum_over_time({kind="flow"} |= "net1" | json Bytes="Bytes" | unwrap Bytes | __error__="" [600s]))',
      // a numeric label filter (LabelFilterErr semantics)
      'sum(count_over_time({kind="flow"} | json proto="Proto" | proto > 6 [600s]))',
      // `| json` without parameters extracts every field
      'sum(count_over_time({kind="flow"} | json [600s]))',
      // a field the index does not hold
      'sum by (x) (count_over_time({kind="flow"} | json x="IfDirections[0]" [600s]))',
      // a nested path
      'sum by (x) (count_over_time({kind="flow"} | json x="Interfaces[0].a" [600s]))',
      // the unwrapped number field used as a label as well
      'sum by (Bytes) (count_over_time({kind="flow"} | json Bytes="Bytes" [600s]))',
      // two json stages
      'sum(count_over_time({kind="flow"} | json a="SrcAddr" | json b="DstAddr" [600s]))',
      // an extracted label renamed `_extracted` (it clashes with a stream label) that clashes again
      'sum by (if_name, if_name_extracted) (count_over_time({kind="clash2"} | json if_name="Interfaces[0]" [600s]))',
      // junk lines (not JSON) in range of a query that parses JSON
      'sum(count_over_time({kind="junk"} | json a="SrcAddr" [600s]))',
      // structured metadata (labels per entry)
      'sum by (trace_id) (sum_over_time({kind="meta"} | json Bytes="Bytes" | unwrap Bytes | __error__="" [600s]))',
      // values that are not numbers and no filter drops them: Loki's error
      'sum(sum_over_time({kind="odd"} | json Bytes="Bytes" | unwrap Bytes [600s]))',
      // a filter on __error_details__ after unwrap
      'sum(sum_over_time({kind="odd"} | json Bytes="Bytes" | unwrap Bytes | __error_details__="" [600s]))',
    ];
    for (const q of fallback) {
      const r = await both(store, at(q));
      assert.equal(r.fast, r.slow, q);
      assert.notEqual(r.answeredBy, 'columns', q);
    }
    const stillIndexed = [
      // junk lines do not matter to a query that does not parse JSON
      'sum(count_over_time({kind="junk"} [600s]))',
      'sum(bytes_over_time({kind="junk"} [600s]))',
      // values that are not numbers, dropped by the filter after unwrap
      'sum(sum_over_time({kind="odd"} | json Bytes="Bytes" | unwrap Bytes | __error__="" [600s]))',
      'sum by (__error__) (sum_over_time({kind="odd"} | json Bytes="Bytes" | unwrap Bytes | __error__!="SampleExtractionErr" [600s]))',
      // extracted labels clashing with stream labels in some streams: named `_extracted` there
      'sum by (if_name, if_name_extracted) (count_over_time({kind=~"flow|clash"} | json if_name="Interfaces[0]" [600s]))',
      'sum without (kind, FlowDirection, SrcK8S_Namespace, DstK8S_Namespace) (sum_over_time({kind=~"flow|clash"} | json if_name="Interfaces[0]", IfK8S_Namespace="IfK8S_Namespace", Bytes="Bytes" | if_name_extracted!="" or IfK8S_Namespace_extracted=~"team.*" | unwrap Bytes [600s]))',
      'topk(4, sum by (if_name, IfK8S_Namespace) (sum_over_time({kind=~"flow|clash"} | json if_name="Interfaces[0]", IfK8S_Namespace="IfK8S_Namespace", Bytes="Bytes" | if_name!="" | unwrap Bytes | __error__="" [600s])))',
    ];
    for (const q of stillIndexed) {
      const r = await both(store, at(q));
      assert.equal(r.fast, r.slow, q);
      assert.equal(r.answeredBy, 'columns', q);
    }
  });
});

describe('the column index follows the table', () => {
  const overview = (): Case[] => overviewCases(T0, T0 + BigInt(SPAN_S) * S);
  async function assertSame(store: EmbeddedStore, label: string): Promise<void> {
    assert.equal(store.columnIndex.columns.live, store.entryCount(), `${label}: rows in the index`);
    for (const c of overview()) {
      const r = await both(store, c);
      assert.equal(r.answeredBy, 'columns', `${label}: ${c.query}`);
      assert.equal(r.fast, r.slow, `${label}: ${c.query}`);
    }
  }

  test('retention by age deletes the same rows from the index', async (t) => {
    const dir = tempDir(t);
    // entries of the fixture day are "old" against a clock placed inside it
    const store = openLoaded(dir, { retentionMs: 600_000 });
    t.after(() => store.close());
    for (const b of fixtures(21, 2000)) store.push(b);
    const before = store.entryCount();
    const { deleted } = store.enforceRetention(T0 + 900n * S);
    assert.ok(deleted > before / 10 && deleted < before, `deleted ${deleted} of ${before}`);
    await assertSame(store, 'after age retention');
  });

  test('retention by size (oldest first, in batches, compacting the index) and a reopen', async (t) => {
    const dir = tempDir(t);
    let store = openLoaded(dir);
    for (const b of fixtures(22, 12_000)) store.push(b);
    const used = store.usedBytes();
    store.close();
    store = openLoaded(dir, { maxBytes: Math.floor(used * 0.5) }); // retention runs at open
    t.after(() => store.close());
    assert.ok(store.entryCount() < 8000, `${store.entryCount()} entries left`);
    await assertSame(store, 'after size retention and reopen');
    // compaction happened: the index holds no dead rows beyond its threshold
    assert.ok(store.columnIndex.columns.count < 12_000);
  });

  test('compaction in slices: answers stay exact while it runs, with pushes and deletes in between', async (t) => {
    const store = openLoaded(tempDir(t), { retentionMs: 600_000 });
    t.after(() => store.close());
    for (const b of fixtures(26, 6000)) store.push(b);
    // a retention pass deleting under half the rows: no compaction due yet
    store.enforceRetention(T0 + 1000n * S);
    const columns = store.columnIndex.columns;
    assert.ok(columns.dead > 0 && !columns.compactionDue, 'rows dead, not compacted');
    const cases = overview().filter((_, i) => i % 3 === 0);
    const more = fixtures(27, 1500);
    let steps = 0;
    while (!columns.compactStep(0)) {
      steps++;
      assert.ok(columns.compacting);
      // pushes land past the copy's cursor (copied later) or before it: either way in the copy
      store.push(more[steps % more.length]!);
      if (steps % 2 === 1)
        for (const c of cases) {
          const r = await both(store, c);
          assert.equal(r.answeredBy, 'columns', `step ${steps}: ${c.query}`);
          assert.equal(r.fast, r.slow, `step ${steps}: ${c.query}`);
        }
      // deletes while the copy is half done reach the rows already copied too (the pass then
      // finishes the compaction in one go, as retention passes in one go do)
      if (steps === 3) store.enforceRetention(T0 + 1200n * S);
    }
    assert.ok(steps >= 3, `${steps} slices`);
    assert.ok(!columns.compacting);
    await assertSame(store, 'after a compaction in slices');
  });

  test('background loading at open: the pipeline answers until the index has caught up', async (t) => {
    const dir = tempDir(t);
    let store = openLoaded(dir);
    for (const b of fixtures(23, 6000)) store.push(b);
    store.close();
    store = openStore({ dataDir: dir, retentionMs: 0, maxBytes: 0 });
    t.after(() => store.close());
    const [c] = overview();
    const q = (parseQuery(c!.query) as { query: MetricQuery }).query;
    const run = () => store.metricQuery({ query: q, start: c!.start, end: c!.end, stepNs: c!.stepNs });
    const readyAtFirst = store.columnIndex.ready;
    const first = await run();
    assert.equal(first.answeredBy, readyAtFirst ? 'columns' : 'pipeline');
    // pushes while loading reach the index through the loader
    for (const b of fixtures(24, 300)) store.push(b);
    await waitFor('the column index to load', () => store.columnIndex.ready);
    const later = await run();
    assert.equal(later.answeredBy, 'columns');
    await assertSame(store, 'after background load');
  });

  test('a reused largest rowid (its row deleted by retention) rebuilds the index', async (t) => {
    const dir = tempDir(t);
    const store = openLoaded(dir, { retentionMs: 600_000 });
    t.after(() => store.close());
    for (const b of fixtures(25, 500)) store.push(b);
    // the newest row (largest id) holds the oldest time: retention deletes it, SQLite reuses its id
    const line = JSON.stringify({ Interfaces: ['net1'], Bytes: 7, SrcAddr: '10.9.9.9' });
    store.push([{ labels: { app: 'interflow', kind: 'flow' }, entries: [{ ts: T0 - 3600n * S, line }] }]);
    const lastId = store.columnIndex.columns.lastId;
    store.enforceRetention(T0 + 300n * S);
    store.push([
      {
        labels: { app: 'interflow', kind: 'flow' },
        entries: [{ ts: T0 + 700n * S, line: JSON.stringify({ Interfaces: ['net10'], Bytes: 9 }) }],
      },
    ]);
    assert.ok(store.columnIndex.columns.lastId <= lastId, 'SQLite reused the id');
    store.columnIndex.loadNow();
    await assertSame(store, 'after a reused rowid');
  });
});

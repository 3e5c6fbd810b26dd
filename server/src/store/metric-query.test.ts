// Metric queries through the store's Loki API, checked against figures computed here directly
// from the pushed records (not by the store): count_over_time, bytes_over_time, sum_over_time
// with unwrap, sum by, topk, steps and range alignment ((t - range, t] at t = start + k·step),
// Loki's treatment of missing and non-numeric unwrapped values, and the refusals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { embeddedStorePlugin } from './http/plugin.ts';
import { generateFlows, pushBody, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import { push, queryRange } from '../../test/store-harness.ts';

const T0_MS = Date.UTC(2026, 0, 5, 10, 0, 0);
const SPAN_MS = 600_000;
const records: FlowRecord[] = [
  ...generateFlows({ count: 1500, seed: 7, startMs: T0_MS, endMs: T0_MS + SPAN_MS }),
];
const tsNs = (r: FlowRecord): bigint => BigInt(r.TimeFlowEndMs) * 1_000_000n;

interface Matrix {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

let app: FastifyInstance;
async function matrix(query: string, params: Record<string, string>): Promise<Matrix> {
  const res = await queryRange(app, query, params);
  assert.equal(res.status, 200, res.body);
  const body = JSON.parse(res.body) as Matrix;
  assert.equal(body.data.resultType, 'matrix');
  return body;
}

/** series label key → (seconds → value) */
function asMap(m: Matrix, label: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of m.data.result) {
    out.set(s.metric[label] ?? '', new Map(s.values.map(([t, v]) => [t, Number(v)])));
  }
  return out;
}

/** Expected figures: for each t, records with t - range < ts <= t, grouped and summed. */
function expected(
  startS: number,
  endS: number,
  stepS: number,
  rangeS: number,
  keyOf: (r: FlowRecord) => string[],
  valueOf: (r: FlowRecord) => number,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (let t = startS; t <= endS; t += stepS) {
    const hi = BigInt(t) * 1_000_000_000n;
    const lo = hi - BigInt(rangeS) * 1_000_000_000n;
    for (const r of records) {
      const ts = tsNs(r);
      if (ts <= lo || ts > hi) continue;
      for (const k of keyOf(r)) {
        let series = out.get(k);
        if (!series) out.set(k, (series = new Map()));
        series.set(t, (series.get(t) ?? 0) + valueOf(r));
      }
    }
  }
  return out;
}

const startS = T0_MS / 1000 + 60;
const endS = T0_MS / 1000 + SPAN_MS / 1000;

const dir = mkdtempSync(join(tmpdir(), 'interflow-store-metric-'));
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});
before(async () => {
  app = Fastify();
  await app.register(embeddedStorePlugin, { dataDir: dir, retentionMs: 0, maxBytes: 0, allowRemote: false });
  await app.ready();
  // distinct stream labels come from the records; one push, as the agent sends them
  const res = await app.inject({
    method: 'POST',
    url: '/loki/api/v1/push',
    headers: { 'content-type': 'application/json' },
    payload: pushBody(records),
  });
  assert.equal(res.statusCode, 204, res.body);
});

describe('metric queries against figures computed from the pushed records', () => {
  test('sum by (iface) (sum_over_time(… | json iface="Interfaces[0]", Bytes | unwrap Bytes [60s]))', async () => {
    const m = await matrix(
      'sum by (iface) (sum_over_time({app="interflow"} | json iface="Interfaces[0]", Bytes="Bytes" | unwrap Bytes [60s]))',
      { start: String(startS), end: String(endS), step: '60s' },
    );
    const want = expected(
      startS,
      endS,
      60,
      60,
      (r) => [r.Interfaces[0] ?? ''],
      (r) => r.Bytes,
    );
    assert.deepEqual(asMap(m, 'iface'), want);
    assert.ok(want.size > 3);
  });

  test('each element of Interfaces counted once, index by index', async () => {
    const got = new Map<string, number>();
    for (const i of [0, 1, 2, 3]) {
      const m = await matrix(
        `sum by (iface) (sum_over_time({app="interflow"} | json iface="Interfaces[${i}]", Bytes="Bytes" | iface != "" | unwrap Bytes [600s]))`,
        { start: String(endS), end: String(endS) },
      );
      for (const s of m.data.result) {
        assert.equal(s.values.length, 1);
        got.set(s.metric.iface!, (got.get(s.metric.iface!) ?? 0) + Number(s.values[0]![1]));
      }
    }
    const want = new Map<string, number>();
    for (const r of records) {
      if (tsNs(r) <= BigInt(endS - 600) * 1_000_000_000n) continue;
      for (const i of r.Interfaces) want.set(i, (want.get(i) ?? 0) + r.Bytes);
    }
    assert.ok(
      records.some((r) => r.Interfaces.length > 1),
      'the fixture has records with several interfaces',
    );
    assert.deepEqual(got, want);
  });

  test('count_over_time by a stream label, 30 s step over a 90 s range (overlapping windows)', async () => {
    const m = await matrix('sum by (K8S_HostName) (count_over_time({app="interflow"} [90s]))', {
      start: String(startS),
      end: String(endS),
      step: '30',
    });
    assert.deepEqual(
      asMap(m, 'K8S_HostName'),
      expected(
        startS,
        endS,
        30,
        90,
        (r) => [r.K8S_HostName],
        () => 1,
      ),
    );
  });

  test('bytes_over_time sums the lines’ UTF-8 bytes; sum without grouping has no labels', async () => {
    const m = await matrix('sum(bytes_over_time({app="interflow"} [2m]))', {
      start: String(startS),
      end: String(endS),
      step: '120s',
    });
    assert.equal(m.data.result.length, 1);
    assert.deepEqual(m.data.result[0]!.metric, {});
    const want = expected(
      startS,
      endS,
      120,
      120,
      () => [''],
      (r) => Buffer.byteLength(JSON.stringify(r)),
    );
    assert.deepEqual(asMap(m, 'none'), want);
  });

  test('topk keeps the k largest series at the evaluation time, with their labels', async () => {
    const m = await matrix(
      'topk(2, sum by (K8S_HostName, FlowDirection) (sum_over_time({app="interflow"} | json Packets="Packets" | unwrap Packets [10m])))',
      { start: String(endS), end: String(endS), step: '1' },
    );
    const totals = new Map<string, number>();
    for (const r of records) {
      const k = `${r.K8S_HostName}/${r.FlowDirection}`;
      totals.set(k, (totals.get(k) ?? 0) + r.Packets);
    }
    const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2);
    assert.deepEqual(
      m.data.result
        .map((s) => [`${s.metric.K8S_HostName}/${s.metric.FlowDirection}`, Number(s.values[0]![1])])
        .sort((a, b) => (b[1] as number) - (a[1] as number)),
      top,
    );
  });

  test('points only where the range holds samples; times are start + k·step', async () => {
    const m = await matrix('sum(count_over_time({app="interflow"} [1s]))', {
      start: String(startS - 3600),
      end: String(startS - 3000),
      step: '60',
    });
    assert.deepEqual(m.data.result, []);
  });
});

describe('unwrap as Loki treats values', () => {
  const T = BigInt(T0_MS - 86_400_000) * 1_000_000n;
  const at = (s: number): string => (T + BigInt(s) * 1_000_000_000n).toString();
  before(async () => {
    await push(app, [
      {
        stream: { app: 'unwrap-test' },
        values: [
          [at(1), JSON.stringify({ v: 5, k: 'a' })],
          [at(2), JSON.stringify({ v: '7.5', k: 'a' })],
          [at(3), JSON.stringify({ k: 'a' })], // no label: no sample
          [at(4), JSON.stringify({ v: 'lots', k: 'b' })], // not a number: SampleExtractionErr
        ],
      },
    ]);
  });
  const params = { start: at(10), end: at(10), step: '10s' };
  test('a non-numeric value fails the query unless a filter after unwrap drops it', async () => {
    const res = await queryRange(
      app,
      'sum by (k) (sum_over_time({app="unwrap-test"} | json | unwrap v [1m]))',
      params,
    );
    assert.equal(res.status, 400);
    assert.match(res.body, /SampleExtractionErr/);
    const m = await matrix(
      'sum by (k) (sum_over_time({app="unwrap-test"} | json | unwrap v | __error__="" [1m]))',
      params,
    );
    assert.deepEqual(m.data.result, [{ metric: { k: 'a' }, values: [[Number(at(10)) / 1e9, '12.5']] }]);
  });
  test('the unwrapped label is not part of the series', async () => {
    const m = await matrix('sum_over_time({app="unwrap-test"} | json | k="a" | unwrap v [1m])', params);
    assert.deepEqual(
      m.data.result.map((s) => s.metric),
      [{ app: 'unwrap-test', k: 'a' }],
    );
  });
});

describe('refusals', () => {
  const p = { start: String(startS), end: String(endS) };
  for (const [query, pattern] of [
    [
      'sum(count_over_time({app="interflow"}[1m])) + sum(count_over_time({app="interflow"}[1m]))',
      /unsupported|not supported/i,
    ],
    ['quantile_over_time(0.9, {app="interflow"} | json | unwrap Bytes [1m])', /quantile_over_time/],
    ['sum_over_time({app="interflow"} [1m])', /without unwrap/],
    ['count_over_time({app="interflow"} | json | unwrap Bytes [1m])', /with unwrap/],
    ['sum_over_time({app="interflow"} | json | unwrap duration(Bytes) [1m])', /conversion/],
    ['count_over_time({app="interflow"} [1m] offset 5m)', /offset/i],
  ] as const) {
    test(query, async () => {
      const res = await queryRange(app, query, p);
      assert.equal(res.status, 400, res.body);
      assert.match(res.body, pattern);
    });
  }
  test('step: zero, garbage and more than 11 000 points are 400s; default step is range/250', async () => {
    const q = 'sum(count_over_time({app="interflow"}[1m]))';
    assert.equal((await queryRange(app, q, { ...p, step: '0' })).status, 400);
    assert.equal((await queryRange(app, q, { ...p, step: 'soon' })).status, 400);
    const many = await queryRange(app, q, { start: String(startS - 20_000), end: String(endS), step: '1' });
    assert.equal(many.status, 400);
    assert.match(many.body, /11,000 points/);
    const m = await matrix(q, p);
    const times = m.data.result[0]!.values.map((v) => v[0]);
    assert.equal(times[1]! - times[0]!, Math.max(Math.floor((endS - startS) / 250), 1));
  });
});

// The backend against a stand-in Loki that answers like Loki under load and at its limits
// (server/test/stand-in-loki-limits.ts): busy answers (429 "too many outstanding requests",
// 502/503) are retried and the answer is complete; a Loki that stays busy gives the page a 503
// with Retry-After and Loki's words; an export over a range longer than Loki's
// max_query_length is read in intervals and loses nothing; a query that cannot be split gets a
// 400 quoting Loki's limit and saying what to change.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { generateFlows } from '../../../test/fixtures/flow-generator.ts';
import { startStandInLimitedLoki, type StandInLimitedLoki } from '../../test/stand-in-loki-limits.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

const DAY_MS = 86_400_000;

async function metric(t: TestApp, name: string): Promise<number> {
  const body = await (await fetch(t.metricsUrl)).text();
  let sum = 0;
  for (const m of body.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

describe('against a stand-in Loki that answers like Loki', () => {
  let loki: StandInLimitedLoki;
  let t: TestApp;
  const now = Date.now();
  // 3 000 records over the last 3 days, newest first in Loki's answers.
  const records = [
    ...generateFlows({ count: 3000, seed: 18, startMs: now - 3 * DAY_MS + 60_000, endMs: now - 1000 }),
  ];

  before(async () => {
    loki = await startStandInLimitedLoki();
    loki.entries = records.map((r) => [BigInt(r.TimeFlowEndMs) * 1_000_000n, JSON.stringify(r)]);
    t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_MAX_ENTRIES: '500' });
  });
  after(async () => {
    await t?.close();
    await loki?.close();
  });
  beforeEach(() => {
    loki.failures = [];
    loki.maxQueryLengthMs = 0;
    loki.refusedForLength = 0;
    loki.answeredRanges = [];
  });

  test('429 "too many outstanding requests" and 502/503 are retried: the table is complete', async () => {
    loki.failures = [
      { status: 429, body: 'too many outstanding requests' },
      { status: 502, body: 'Bad Gateway' },
      { status: 503, body: 'upstream connect error', retryAfter: '1' },
    ];
    const retriesBefore = await metric(t, 'interflow_server_loki_retries_total');
    const res = await t.app.inject('/api/flows?timeRange=86400&limit=50');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().records.length, 50);
    assert.equal(loki.failures.length, 0, 'every scripted failure was met');
    assert.equal((await metric(t, 'interflow_server_loki_retries_total')) - retriesBefore, 3);
  });

  test("a Loki that stays busy: 503 with Retry-After and Loki's words, after the retries", async () => {
    loki.failures = Array.from({ length: 10 }, () => ({
      status: 429,
      body: 'too many outstanding requests',
    }));
    const res = await t.app.inject('/api/flows?timeRange=86400&limit=50');
    assert.equal(res.statusCode, 503);
    assert.match(res.headers['retry-after'] as string, /^\d+$/);
    const { error } = res.json() as { error: string };
    assert.match(error, /overloaded/);
    assert.match(error, /too many outstanding requests/);
    assert.match(error, /4 attempts/);
    assert.equal(loki.failures.length, 6, 'one try and 3 retries (INTERFLOW_LOKI_RETRIES default)');
  });

  test('a Retry-After longer than the backend waits is not waited for', async () => {
    loki.failures = [{ status: 429, body: 'too many outstanding requests', retryAfter: '120' }];
    const res = await t.app.inject('/api/flows?timeRange=86400&limit=50');
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '120');
    assert.match((res.json() as { error: string }).error, /Try again in 120 s/);
  });

  test('a 4xx other than 429 is not retried', async () => {
    loki.failures = [
      { status: 400, body: 'parse error at line 1, col 5: syntax error' },
      { status: 429, body: 'x' },
    ];
    const res = await t.app.inject('/api/flows?timeRange=86400&limit=50');
    assert.equal(res.statusCode, 503);
    assert.equal(loki.failures.length, 1, 'no second query after the 400');
  });

  test('an export over 3 days against max_query_length 1d: read in intervals, every row once', async () => {
    loki.maxQueryLengthMs = DAY_MS;
    const start = Math.floor((now - 3 * DAY_MS) / 1000);
    const res = await fetch(
      `${t.url}/api/flows/export?startTime=${start}&endTime=${Math.ceil(now / 1000)}&values=raw&columns=TimeFlowEndMs,SrcAddr,SrcPort,Bytes`,
    );
    assert.equal(res.status, 200);
    const lines = (await res.text()).trimEnd().split('\r\n').slice(1);
    const expected = records.map((r) => [r.TimeFlowEndMs, r.SrcAddr, r.SrcPort, r.Bytes].join(','));
    assert.deepEqual([...lines].sort(), [...expected].sort(), 'every record exactly once');
    assert.ok(loki.refusedForLength >= 1, 'Loki refused the configured 721h range first');
    for (const [s, e] of loki.answeredRanges)
      assert.ok(Number((e - s) / 1_000_000n) <= DAY_MS, `a query over ${(e - s) / 1_000_000n} ms`);
    const newestFirst = lines.map((l) => Number(l.split(',')[0]));
    assert.deepEqual(
      newestFirst,
      [...newestFirst].sort((a, b) => b - a),
      'newest first across intervals',
    );
  });

  test('INTERFLOW_LOKI_MAX_QUERY_LENGTH splits before Loki has to refuse', async () => {
    const t2 = await startTestApp({
      INTERFLOW_LOKI_URL: loki.url,
      INTERFLOW_LOKI_MAX_ENTRIES: '500',
      INTERFLOW_LOKI_MAX_QUERY_LENGTH: '12h',
    });
    try {
      loki.maxQueryLengthMs = DAY_MS;
      const start = Math.floor((now - 3 * DAY_MS) / 1000);
      const res = await fetch(
        `${t2.url}/api/flows/export?startTime=${start}&endTime=${Math.ceil(now / 1000)}&values=raw`,
      );
      assert.equal(res.status, 200);
      assert.equal((await res.text()).trimEnd().split('\r\n').length - 1, records.length);
      assert.equal(loki.refusedForLength, 0);
    } finally {
      await t2.close();
    }
  });

  test("a metric query over a range Loki refuses: 400 quoting Loki's limit, with what to change", async () => {
    loki.maxQueryLengthMs = DAY_MS;
    const start = Math.floor((now - 3 * DAY_MS) / 1000);
    const res = await t.app.inject(
      `/api/flows/histogram?startTime=${start}&endTime=${Math.ceil(now / 1000)}`,
    );
    assert.equal(res.statusCode, 400, res.body);
    const { error } = res.json() as { error: string };
    assert.match(
      error,
      /^Loki refused the query: the query time range exceeds the limit \(query length: \d+h\d+m[\d.]+s, limit: 1d\)/,
    );
    assert.match(error, /shorter time range/);
  });

  test("Loki's max_entries_limit_per_query below INTERFLOW_LOKI_MAX_ENTRIES: 400 naming the variable", async () => {
    loki.failures = [
      {
        status: 400,
        body: 'max entries limit per query exceeded, limit > max_entries_limit_per_query (500 > 100)',
      },
    ];
    const res = await t.app.inject('/api/flows?timeRange=86400&limit=50');
    assert.equal(res.statusCode, 400);
    assert.match((res.json() as { error: string }).error, /INTERFLOW_LOKI_MAX_ENTRIES/);
  });
});

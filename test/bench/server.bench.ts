// Backend benchmark (`npm run bench:server`). Prints figures, asserts nothing:
//  - push rate into the embedded store over HTTP (records/s), against a baseline of just
//    building and parsing the same push bodies in this process;
//  - /api/flows p50/p95 for limit 100 with an interface filter over N stored records,
//    against the same query without a filter;
//  - export rows/s and peak RSS for N rows, against paging the raw query_range API;
//  - the overview (histogram, top interfaces, top pairs) over the 1-hour range holding all N
//    records, against /api/flows over the same range (BENCH_OVERVIEW_RUNS runs, default 5).
// N defaults to 1 000 000 (BENCH_RECORDS to change it). Everything runs in one process on
// 127.0.0.1 with a throw-away data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { buildApp } from '../../server/src/http/app.ts';
import { loadServerConfig } from '../../server/src/config/config.ts';
import { generateFlows, pushBody, type FlowRecord } from '../fixtures/flow-generator.ts';

const N = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BATCH = 5000;
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 40);

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

/** Figures for `npm run bench` (test/bench/run-all.ts), printed as one `BENCH_RESULT {json}` line. */
const result: Record<string, number | string> = { part: 'server' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-bench-server-'));
  const config = loadServerConfig({
    INTERFLOW_DATA_DIR: dataDir,
    INTERFLOW_LOG_LEVEL: 'warn',
    INTERFLOW_STORE_MAX_BYTES: '64GiB',
    INTERFLOW_STORE_RETENTION: '7d',
    INTERFLOW_STORE_PORT: '0',
    // a free port, not the default 9101 another server on this machine may hold
    INTERFLOW_METRICS_PORT: '0',
  });
  const app = await buildApp(config, { logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const storeUrl = app.embeddedStoreUrl()!;
  const now = Date.now();
  const startMs = now - 3_000_000;
  const window = `startTime=${Math.floor(startMs / 1000) - 1}&endTime=${Math.ceil(now / 1000) + 1}`;
  console.log(
    `interflow server bench: ${fmt(N)} records, batches of ${BATCH}, node ${process.version}, heap limit ${mb(getHeapStatistics().heap_size_limit)} (npm run server uses 512 MB)`,
  );
  result.records = N;

  try {
    // Baseline: the cost of producing and parsing the push bodies alone.
    {
      const sample = Math.min(N, 100_000);
      const t0 = performance.now();
      let batch: FlowRecord[] = [];
      for (const r of generateFlows({ count: sample, seed: 1, startMs, endMs: now })) {
        batch.push(r);
        if (batch.length === BATCH) {
          JSON.parse(pushBody(batch));
          batch = [];
        }
      }
      const rate = sample / ((performance.now() - t0) / 1000);
      console.log(`baseline  build+parse push bodies        ${fmt(rate)} records/s`);
      result.baselineBuildParseRecordsPerSecond = rate;
    }

    // Push rate into the embedded store over HTTP.
    let pushMs = 0;
    {
      let batch: FlowRecord[] = [];
      const send = async (): Promise<void> => {
        const body = pushBody(batch);
        const t0 = performance.now();
        const res = await fetch(`${storeUrl}/loki/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (res.status >= 300) throw new Error(`push failed: ${res.status} ${await res.text()}`);
        pushMs += performance.now() - t0;
        batch = [];
      };
      const wall0 = performance.now();
      for (const r of generateFlows({ count: N, seed: 1, startMs, endMs: now })) {
        batch.push(r);
        if (batch.length === BATCH) await send();
      }
      if (batch.length) await send();
      const wall = (performance.now() - wall0) / 1000;
      result.pushRecordsPerSecond = N / (pushMs / 1000);
      console.log(
        `push      embedded store over HTTP       ${fmt(N / (pushMs / 1000))} records/s (time in push requests; ${wall.toFixed(1)} s wall incl. generating)`,
      );
    }

    // /api/flows latency.
    const timeQuery = async (filters: string): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < QUERY_RUNS; i++) {
        const t0 = performance.now();
        const res = await app.inject(
          `/api/flows?${window}&limit=100${filters ? `&filters=${encodeURIComponent(filters)}` : ''}`,
        );
        times.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`query failed: ${res.body}`);
        if (i === 0 && res.json().records.length !== 100)
          throw new Error(`expected 100 records for ${filters}`);
      }
      return times.sort((a, b) => a - b);
    };
    for (const [label, filters] of [
      ['baseline  no filter', ''],
      ['flows     interfaces=net1', 'interfaces=net1'],
      ['flows     interfaces=net1;protocol=sctp', 'interfaces=net1;protocol=sctp'],
      ['flows     namespace=team-a (match=all)', 'namespace=team-a'],
    ] as const) {
      const t = await timeQuery(filters);
      result[`flows[${filters}].p50Ms`] = percentile(t, 50);
      result[`flows[${filters}].p95Ms`] = percentile(t, 95);
      console.log(
        `${label.padEnd(40)} p50 ${percentile(t, 50).toFixed(1)} ms  p95 ${percentile(t, 95).toFixed(1)} ms  (limit 100, ${QUERY_RUNS} runs)`,
      );
    }

    // The page's overview over the whole 1-hour range: histogram, top interfaces, top pairs,
    // requested together as the page does; against the table query over the same range.
    {
      const runs = Number(process.env.BENCH_OVERVIEW_RUNS ?? 5);
      const hour = `startTime=${Math.floor(now / 1000) - 3600}&endTime=${Math.ceil(now / 1000) + 1}`;
      const timed = async (paths: string[]): Promise<number[]> => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          const answers = await Promise.all(paths.map((p) => app.inject(`${p}?${hour}`)));
          times.push(performance.now() - t0);
          for (const a of answers) if (a.statusCode !== 200) throw new Error(`overview failed: ${a.body}`);
        }
        return times.sort((a, b) => a - b);
      };
      const table = await timed(['/api/flows']);
      const parts: Record<string, string[]> = {
        histogram: ['/api/flows/histogram'],
        'top-interfaces': ['/api/flows/top-interfaces'],
        'top-pairs': ['/api/flows/top-pairs'],
        overview: ['/api/flows/histogram', '/api/flows/top-interfaces', '/api/flows/top-pairs'],
      };
      console.log(
        `baseline  /api/flows over the hour            p50 ${percentile(table, 50).toFixed(1)} ms  p95 ${percentile(table, 95).toFixed(1)} ms  (${runs} runs)`,
      );
      for (const [name, paths] of Object.entries(parts)) {
        const t = await timed(paths);
        result[`${name}.p50Ms`] = percentile(t, 50);
        result[`${name}.p95Ms`] = percentile(t, 95);
        console.log(
          `overview  ${name.padEnd(32)} p50 ${percentile(t, 50).toFixed(0)} ms  p95 ${percentile(t, 95).toFixed(0)} ms  (1 h, ${fmt(N)} records, ${runs} runs)`,
        );
      }
    }

    // Baseline for the export: page through query_range directly, no CSV.
    {
      const t0 = performance.now();
      let end = BigInt(now + 1000) * 1_000_000n;
      const start = BigInt(startMs - 1000) * 1_000_000n;
      let rows = 0;
      for (;;) {
        const q = new URLSearchParams({
          query: '{app="interflow"}',
          start: start.toString(),
          end: end.toString(),
          limit: '5000',
          direction: 'backward',
        });
        const body = (await (await fetch(`${storeUrl}/loki/api/v1/query_range?${q}`)).json()) as {
          data: { result: Array<{ values: Array<[string, string]> }> };
        };
        let oldest: bigint | undefined;
        let n = 0;
        for (const s of body.data.result)
          for (const [ts] of s.values) {
            n++;
            const b = BigInt(ts);
            if (oldest === undefined || b < oldest) oldest = b;
          }
        rows += n;
        if (n < 5000 || oldest === undefined) break;
        end = oldest; // exclusive: a baseline, may skip ties
      }
      const s = (performance.now() - t0) / 1000;
      console.log(`baseline  raw query_range paging         ${fmt(rows / s)} rows/s (${fmt(rows)} rows)`);
      result.baselineQueryRangeRowsPerSecond = rows / s;
    }

    // Export through the API.
    {
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      let peak = rss0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const t0 = performance.now();
      const res = await fetch(`${url}/api/flows/export?${window}`);
      let bytes = 0;
      let lines = 0;
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      }
      clearInterval(sampler);
      const s = (performance.now() - t0) / 1000;
      const rows = lines - 1;
      console.log(
        `export    CSV over HTTP                  ${fmt(rows / s)} rows/s (${fmt(rows)} rows, ${mb(bytes)}, ${s.toFixed(1)} s)`,
      );
      console.log(
        `export    peak RSS                       ${mb(peak)} (before ${mb(rss0)}, +${mb(peak - rss0)}; server and client in one process)`,
      );
      if (rows !== N) console.log(`WARNING   export wrote ${rows} rows, expected ${N}`);
      Object.assign(result, {
        exportRows: rows,
        exportRowsPerSecond: rows / s,
        exportPeakRssBytes: peak,
        exportRssBeforeBytes: rss0,
      });
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// Cost curves as the store grows (`npm run bench:scale`; a part of `npm run bench`). Prints
// figures, asserts nothing. The backend runs as `npm run server` runs it (its own process,
// --max-old-space-size=512, embedded store in a throw-away directory); this process pushes,
// queries and reads the export over HTTP on 127.0.0.1, so the backend's RSS is its own.
// At each size of BENCH_SCALE_SIZES (default 250000,1000000,4000000,16000000 records, the issue's
// sizes: about 11 GB of store and an hour here at 16 M; records are
// added oldest first until the store holds that many), it measures:
//  - push rate of the records added in that step: records over the wall-clock time of the step's
//    pushes, through the store's real push API, BENCH_SCALE_PUSHERS pushers at once (default 2:
//    one body is built here while the backend stores the other, as several agents would push),
//    batches of BENCH_SCALE_BATCH records (default 5 000);
//  - /api/flows p50/p95, limit 100, over the whole range, without and with interfaces=net1;
//  - the CSV export of every record: rows/s, the backend's RSS before and its peak (sampled
//    from /proc every 50 ms), against paging query_range of the same store without CSV
//    (the same-run baseline);
//  - the same export through a second backend whose INTERFLOW_LOKI_URL is the first one's
//    store: a Loki-API server answering in pages of at most 5 000, as Loki does;
//  - the store's size on disk (database + WAL);
//  - the backend's memory once filled: RSS, the V8 heap in use and the column index's arrays
//    (outside the heap), the last two from its /metrics.
// Then, for each figure, how it grows from one size to the next: the exponent k of
// cost ∝ size^k (0 flat, 1 linear), with a word.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlows, pushBody, type FlowRecord } from '../fixtures/flow-generator.ts';
import { dirBytes, percentile, rssOf, scrapeMetric, startBackend } from './backend-process.ts';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '250000,1000000,4000000,16000000').split(',').map(Number);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);
const REMOTE = process.env.BENCH_SCALE_REMOTE !== '0';
const BATCH = Number(process.env.BENCH_SCALE_BATCH ?? 5000);
const PUSHERS = Number(process.env.BENCH_SCALE_PUSHERS ?? 2);
const SPAN_MS = 6 * 3_600_000;

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (b: number): string => `${fmt(b / 2 ** 20)} MiB`;
const load = (): string => loadavg()[0]!.toFixed(1);

/** Reads an export to the end; rows/s and the backend's RSS before and at its peak. */
async function timeExport(
  url: string,
  pid: number,
): Promise<{ rows: number; rowsPerSecond: number; rssBefore: number; rssPeak: number }> {
  const rssBefore = rssOf(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 50);
  const t0 = performance.now();
  let lines = 0;
  try {
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const s = (performance.now() - t0) / 1000;
  return { rows: lines - 1, rowsPerSecond: (lines - 1) / s, rssBefore, rssPeak };
}

/** Pages query_range directly (no CSV): the rate the export is measured against. */
async function rawPaging(url: string, startNs: bigint, endNs: bigint): Promise<number> {
  const t0 = performance.now();
  let end = endNs;
  let rows = 0;
  for (;;) {
    const q = new URLSearchParams({
      query: '{app="interflow"}',
      start: String(startNs),
      end: String(end),
      limit: '5000',
      direction: 'backward',
    });
    const body = (await (await fetch(`${url}/loki/api/v1/query_range?${q}`)).json()) as {
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
  return rows / ((performance.now() - t0) / 1000);
}

function growth(k: number): string {
  if (k < 0.2) return 'flat';
  if (k < 0.8) return 'sub-linear';
  if (k <= 1.2) return 'linear';
  return 'faster than linear';
}

/** The cost curves as a Markdown table, one row per size (for docs/benchmarks.md). */
function costTable(steps: Record<string, number>[]): string {
  const head = [
    'records',
    '/api/flows p50 / p95',
    'interfaces=net1 p50 / p95',
    'push records/s',
    'export rows/s',
    'raw paging rows/s',
    'export RSS growth',
    'store on disk',
    'backend RSS / V8 heap used / column index, filled',
    'load',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const s of steps)
    lines.push(
      `| ${[
        fmt(s.records!),
        `${fmt(s.flowsP50Ms!, 1)} / ${fmt(s.flowsP95Ms!, 1)} ms`,
        `${fmt(s.flowsNet1P50Ms!, 1)} / ${fmt(s.flowsNet1P95Ms!, 1)} ms`,
        fmt(s.pushRecordsPerSecond!),
        fmt(s.exportRowsPerSecond!),
        fmt(s.rawPagingRowsPerSecond!),
        `+${mib(s.exportRssPeak! - s.exportRssBefore!)}`,
        `${mib(s.storeBytes!)} (${fmt(s.storeBytes! / s.records!)} B/record)`,
        `${mib(s.rssAfterPush!)} / ${mib(s.heapUsedAfterPush!)} / ${mib(s.columnIndexBytes!)}`,
        `${fmt(s.loadBefore!, 1)}→${fmt(s.loadAfter!, 1)}`,
      ].join(' | ')} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-bench-scale-'));
  const a = await startBackend({
    INTERFLOW_DATA_DIR: dataDir,
    INTERFLOW_STORE_MAX_BYTES: '64GiB',
    INTERFLOW_STORE_RETENTION: '7d',
    INTERFLOW_LOKI_URL: '',
  });
  const dataDirB = mkdtempSync(join(tmpdir(), 'interflow-bench-scale-b-'));
  const b = REMOTE
    ? await startBackend({ INTERFLOW_LOKI_URL: a.storeUrl, INTERFLOW_DATA_DIR: dataDirB })
    : undefined;
  const now = Date.now();
  const startMs = now - SPAN_MS;
  const window = `startTime=${Math.floor(startMs / 1000) - 1}&endTime=${Math.ceil(now / 1000) + 1}`;
  const startNs = BigInt(startMs - 1000) * 1_000_000n;
  const endNs = BigInt(now + 1000) * 1_000_000n;
  const maxN = Math.max(...SIZES);
  const gen = generateFlows({ count: maxN, seed: 1, startMs, endMs: now });
  const steps: Record<string, number>[] = [];
  let stored = 0;
  console.log(
    `scale bench: sizes ${SIZES.join(', ')}; ${PUSHERS} pushers, batches of ${BATCH}; node ${process.version}; load average ${load()}`,
  );
  try {
    for (const size of SIZES) {
      const step: Record<string, number> = { records: size, loadBefore: loadavg()[0]! };
      // push: PUSHERS loops, each taking the next batch of the (shared, oldest first) generator
      let added = 0;
      const target = size - stored;
      let taken = 0;
      const nextBatch = (): FlowRecord[] => {
        const batch: FlowRecord[] = [];
        while (taken < target && batch.length < BATCH) {
          const r = gen.next();
          if (r.done) break;
          batch.push(r.value);
          taken++;
        }
        return batch;
      };
      const pusher = async (): Promise<void> => {
        for (let batch = nextBatch(); batch.length; batch = nextBatch()) {
          const res = await fetch(`${a.storeUrl}/loki/api/v1/push`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: pushBody(batch),
          });
          if (res.status >= 300) throw new Error(`push failed: ${res.status} ${await res.text()}`);
          added += batch.length;
        }
      };
      const tPush = performance.now();
      await Promise.all(Array.from({ length: PUSHERS }, pusher));
      const pushSeconds = (performance.now() - tPush) / 1000;
      stored += added;
      step.pushRecordsPerSecond = added / pushSeconds;
      step.rssAfterPush = rssOf(a.child.pid!);
      step.heapUsedAfterPush = await scrapeMetric(
        a.metricsUrl,
        'interflow_server_nodejs_heap_size_used_bytes',
      );
      step.columnIndexBytes = await scrapeMetric(a.metricsUrl, 'interflow_server_store_column_index_bytes');
      step.storeBytes = dirBytes(dataDir);
      // queries
      for (const [key, filters] of [
        ['flows', ''],
        ['flowsNet1', 'interfaces=net1'],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < QUERY_RUNS; i++) {
          const t0 = performance.now();
          const res = await fetch(
            `${a.url}/api/flows?${window}&limit=100${filters ? `&filters=${encodeURIComponent(filters)}` : ''}`,
          );
          await res.text();
          times.push(performance.now() - t0);
          if (res.status !== 200) throw new Error(`query failed: ${res.status}`);
        }
        times.sort((x, y) => x - y);
        step[`${key}P50Ms`] = percentile(times, 50);
        step[`${key}P95Ms`] = percentile(times, 95);
      }
      // export against raw paging
      step.rawPagingRowsPerSecond = await rawPaging(a.storeUrl, startNs, endNs);
      const e = await timeExport(`${a.url}/api/flows/export?${window}`, a.child.pid!);
      Object.assign(step, {
        exportRows: e.rows,
        exportRowsPerSecond: e.rowsPerSecond,
        exportRssBefore: e.rssBefore,
        exportRssPeak: e.rssPeak,
      });
      if (b) {
        const r = await timeExport(`${b.url}/api/flows/export?${window}`, b.child.pid!);
        Object.assign(step, {
          remoteExportRows: r.rows,
          remoteExportRowsPerSecond: r.rowsPerSecond,
          remoteRssBefore: r.rssBefore,
          remoteRssPeak: r.rssPeak,
        });
      }
      step.loadAfter = loadavg()[0]!;
      steps.push(step);
      console.log(
        `${fmt(size)} records: push ${fmt(step.pushRecordsPerSecond!)} rec/s (backend RSS after ${mib(step.rssAfterPush!)}); /api/flows p50/p95 ${fmt(step.flowsP50Ms!, 1)}/${fmt(step.flowsP95Ms!, 1)} ms, net1 ${fmt(step.flowsNet1P50Ms!, 1)}/${fmt(step.flowsNet1P95Ms!, 1)} ms; ` +
          `export ${fmt(e.rowsPerSecond)} rows/s (${fmt(e.rows)} rows; raw paging ${fmt(step.rawPagingRowsPerSecond!)} rows/s; ratio ${fmt(e.rowsPerSecond / step.rawPagingRowsPerSecond!, 2)}), backend RSS ${mib(e.rssBefore)} → ${mib(e.rssPeak)} (+${mib(e.rssPeak - e.rssBefore)})` +
          (b
            ? `; through a paging Loki-API server ${fmt(step.remoteExportRowsPerSecond!)} rows/s, RSS +${mib(step.remoteRssPeak! - step.remoteRssBefore!)}`
            : '') +
          `; store ${mib(step.storeBytes)}; load ${fmt(step.loadBefore!, 1)}→${fmt(step.loadAfter, 1)}`,
      );
    }
  } finally {
    await b?.stop();
    await a.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dataDirB, { recursive: true, force: true });
  }
  // growth between consecutive sizes: cost ∝ size^k
  const curves: Record<string, string> = {};
  const costs: Record<string, (s: Record<string, number>) => number> = {
    'push time for N records': (s) => 1 / s.pushRecordsPerSecond!,
    '/api/flows p50': (s) => s.flowsP50Ms! / s.records!,
    '/api/flows p50 interfaces=net1': (s) => s.flowsNet1P50Ms! / s.records!,
    'export time': (s) => 1 / s.exportRowsPerSecond!,
    'export RSS growth': (s) => (s.exportRssPeak! - s.exportRssBefore!) / s.records!,
    'store size': (s) => s.storeBytes! / s.records!,
    'backend RSS, filled': (s) => s.rssAfterPush! / s.records!,
    'column index bytes': (s) => s.columnIndexBytes! / s.records!,
  };
  // k between consecutive sizes, and from the first size to the last: over a 64× range the
  // machine's load, which moves rates by tens of percent from one step to the next, weighs less
  const exponent = (
    perRecord: (s: Record<string, number>) => number,
    p: Record<string, number>,
    q: Record<string, number>,
  ): number =>
    // totals: per-record cost × records (so a fixed time per query shows as k = 0)
    Math.log((perRecord(q) * q.records!) / (perRecord(p) * p.records!)) / Math.log(q.records! / p.records!);
  const pairs: [Record<string, number>, Record<string, number>][] = steps
    .slice(1)
    .map((q, i) => [steps[i]!, q]);
  if (steps.length > 2) pairs.push([steps[0]!, steps.at(-1)!]);
  const growthRows: string[][] = [];
  for (const [name, perRecord] of Object.entries(costs)) {
    const row = [name];
    for (const [p, q] of pairs) {
      const k = exponent(perRecord, p, q);
      curves[`${name} ${fmt(p.records!)}→${fmt(q.records!)}`] = `${fmt(k, 2)} (${growth(k)})`;
      row.push(`${fmt(k, 2)} (${growth(k)})`);
    }
    growthRows.push(row);
  }
  const head = ['cost', ...pairs.map(([p, q]) => `k, ${fmt(p.records!)}→${fmt(q.records!)}`)];
  const growthTable = [head, head.map(() => '---'), ...growthRows]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');
  const table = costTable(steps);
  console.log(table);
  console.log(growthTable);
  console.log(`BENCH_RESULT ${JSON.stringify({ part: 'scale', steps, curves, table, growthTable })}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

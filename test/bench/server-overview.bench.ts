// The page's overview over 1 M records with the embedded store (`npm run bench:overview`),
// this tree against another checkout in the same run. Prints figures, asserts nothing. Each
// backend runs as its own process (backend-process.ts), as `npm run server` runs it, on the
// same data directory; this process asks over 127.0.0.1.
//   BENCH_OVERVIEW_RECORDS  records in the store (default 1 000 000), pushed once over 50 minutes
//                           ending at the push into
//   BENCH_OVERVIEW_DATA     a data directory kept for later runs (default: a throw-away one)
//   BENCH_BASELINE_ROOT     another checkout (e.g. main's tree): its backend and this one take
//                           BENCH_ROUNDS alternating rounds (default 3) on the same store
//   BENCH_OVERVIEW_RUNS     requests per route per round (default 7)
//   BENCH_OVERVIEW_CPU_PROF a directory: each backend writes a V8 CPU profile there (node --cpu-prof)
// Routes, each over the 1-hour range holding every record, no filter: /api/flows/histogram,
// /api/flows/top-interfaces, /api/flows/top-pairs, then the three together as the page asks,
// the three with the filter interfaces=net1 (a line filter regex over the records' JSON
// arrays, which the store answers from its column index: store/query/array-line-filter.ts),
// and the three with interfaces=net1;ifdirections=egress (net1 in egress on one element: the
// pairing's `| json` of IfDirections[k], also from the index: store/query/line-array-elements.ts);
// the same-round baseline is /api/flows (limit 100) over the same hour. Requests alternate
// between routes (one of each, RUNS times). Per arm: p50, p95 and min–max of every request of
// every round, with the 1-minute load average. The answers (without their `stats`) of every
// request of both arms must be identical; the bench says when not.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlows, pushBody, type FlowRecord } from '../fixtures/flow-generator.ts';
import { percentile, REPO, spread, startBackend, untilIdle } from './backend-process.ts';

const N = Number(process.env.BENCH_OVERVIEW_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUNS = Number(process.env.BENCH_OVERVIEW_RUNS ?? 7);
const BASELINE = process.env.BENCH_BASELINE_ROOT;
const CPU_PROF = process.env.BENCH_OVERVIEW_CPU_PROF;
const SPAN_MS = 3_000_000;
const PUSH_BATCH = 5000;
const STORE_ENV = {
  INTERFLOW_STORE_MAX_BYTES: '64GiB',
  INTERFLOW_STORE_RETENTION: '30d',
  INTERFLOW_LOKI_URL: '',
};
const ROUTES: Record<string, string[]> = {
  table: ['/api/flows'],
  histogram: ['/api/flows/histogram'],
  'top-interfaces': ['/api/flows/top-interfaces'],
  'top-pairs': ['/api/flows/top-pairs'],
  'all three': ['/api/flows/histogram', '/api/flows/top-interfaces', '/api/flows/top-pairs'],
  'all three net1': [
    '/api/flows/histogram?filters=interfaces%3Dnet1',
    '/api/flows/top-interfaces?filters=interfaces%3Dnet1',
    '/api/flows/top-pairs?filters=interfaces%3Dnet1',
  ],
  'all three net1 egress': [
    '/api/flows/histogram?filters=interfaces%3Dnet1%3Bifdirections%3Degress',
    '/api/flows/top-interfaces?filters=interfaces%3Dnet1%3Bifdirections%3Degress',
    '/api/flows/top-pairs?filters=interfaces%3Dnet1%3Bifdirections%3Degress',
  ],
};

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

interface StoreData {
  records: number;
  startMs: number;
  endMs: number;
}

/** The data directory holding N records (pushed now unless an earlier run left them). */
async function prepare(dir: string): Promise<StoreData> {
  const metaFile = join(dir, 'bench-overview.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as StoreData;
    if (meta.records === N) return meta;
    throw new Error(`${dir} holds ${meta.records} records, not ${N}: use another BENCH_OVERVIEW_DATA`);
  }
  const endMs = Date.now();
  const meta: StoreData = { records: N, startMs: endMs - SPAN_MS, endMs };
  const b = await startBackend({ ...STORE_ENV, INTERFLOW_DATA_DIR: dir });
  const t0 = performance.now();
  try {
    let batch: FlowRecord[] = [];
    const send = async (): Promise<void> => {
      const res = await fetch(`${b.storeUrl}/loki/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: pushBody(batch),
      });
      if (res.status >= 300) throw new Error(`push failed: ${res.status} ${await res.text()}`);
      batch = [];
    };
    for (const r of generateFlows({ count: N, seed: 1, startMs: meta.startMs, endMs })) {
      batch.push(r);
      if (batch.length === PUSH_BATCH) await send();
    }
    if (batch.length) await send();
  } finally {
    await b.stop();
  }
  writeFileSync(metaFile, JSON.stringify(meta));
  console.log(`pushed ${fmt(N)} records in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return meta;
}

/** An answer without what varies from one request to the next (its `stats`), hashed. */
function answerHash(body: string): string {
  const { stats: _stats, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
}

interface RoundFigures {
  /** per route, the time of each request (ms) */
  times: Record<string, number[]>;
  /** per route path, the hash of every answer */
  answers: Record<string, Set<string>>;
  load: number;
}

/** One backend of `root` on the data directory: RUNS requests of each route. */
async function round(root: string, dir: string, data: StoreData): Promise<RoundFigures> {
  const b = await startBackend(
    { ...STORE_ENV, INTERFLOW_DATA_DIR: dir },
    root,
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
  );
  try {
    await untilIdle(b.child.pid!, CPU_PROF ? 0.3 : 0.02); // the column index loads in the background at open
    const endS = Math.ceil(data.endMs / 1000) + 1;
    const hour = `startTime=${endS - 3600}&endTime=${endS}`;
    const figures: RoundFigures = { times: {}, answers: {}, load: 0 };
    const ask = async (path: string): Promise<void> => {
      const res = await fetch(`${b.url}${path}${path.includes('?') ? '&' : '?'}${hour}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 300)}`);
      (figures.answers[path] ??= new Set()).add(answerHash(body));
    };
    for (const paths of Object.values(ROUTES)) await Promise.all(paths.map(ask)); // warm-up
    // one request of each route in turn: routes compared under the same load
    for (let i = 0; i < RUNS; i++) {
      for (const [name, paths] of Object.entries(ROUTES)) {
        const t0 = performance.now();
        await Promise.all(paths.map(ask));
        (figures.times[name] ??= []).push(performance.now() - t0);
      }
    }
    figures.load = loadavg()[0]!;
    return figures;
  } finally {
    await b.stop();
  }
}

function describe(times: readonly number[]): string {
  const s = [...times].sort((a, b) => a - b);
  const { min, max } = spread(s);
  return `p50 ${fmt(percentile(s, 50))} ms  p95 ${fmt(percentile(s, 95))} ms  (${fmt(min)}–${fmt(max)})`;
}

async function main(): Promise<void> {
  const given = process.env.BENCH_OVERVIEW_DATA;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'interflow-bench-overview-'));
  mkdirSync(dir, { recursive: true });
  console.log(
    `overview bench: ${fmt(N)} records over 50 minutes, the 1-hour range holding all of them, ` +
      `${BASELINE ? `baseline ${BASELINE} vs this tree, ${ROUNDS} alternating rounds` : `this tree, ${ROUNDS} rounds`} ` +
      `of ${RUNS} requests per route; node ${process.version}; load average ${load()}`,
  );
  try {
    const data = await prepare(dir);
    if (ROUNDS === 0) return; // BENCH_ROUNDS=0: only fill BENCH_OVERVIEW_DATA
    const arms: Record<string, string> = BASELINE ? { baseline: BASELINE, current: REPO } : { current: REPO };
    const rounds: Record<string, RoundFigures[]> = Object.fromEntries(Object.keys(arms).map((a) => [a, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? Object.keys(arms).reverse() : Object.keys(arms);
      for (const arm of order) {
        const f = await round(arms[arm]!, dir, data);
        rounds[arm]!.push(f);
        const line = Object.entries(f.times)
          .map(([name, t]) => `${name} ${fmt(spread(t).median)}`)
          .join(', ');
        console.log(`round ${r + 1} ${arm.padEnd(8)} medians (ms): ${line}; load ${f.load.toFixed(1)}`);
      }
    }
    const summary: Record<string, unknown> = { part: 'overview', records: N };
    for (const [arm, fs] of Object.entries(rounds)) {
      const loads = spread(fs.map((f) => f.load));
      console.log(
        `${arm} (${fs.length} rounds × ${RUNS} requests, load ${loads.min.toFixed(1)}–${loads.max.toFixed(1)}):`,
      );
      for (const name of Object.keys(ROUTES)) {
        const all = fs.flatMap((f) => f.times[name]!);
        console.log(`  ${name.padEnd(16)} ${describe(all)}`);
        const s = [...all].sort((a, b) => a - b);
        summary[`${arm}.${name}`] = { p50: percentile(s, 50), p95: percentile(s, 95), ...spread(all) };
      }
    }
    if (BASELINE) {
      for (const name of Object.keys(ROUTES)) {
        const sorted = (arm: string): number[] =>
          rounds[arm]!.flatMap((f) => f.times[name]!).sort((a, b) => a - b);
        const [b, c] = [sorted('baseline'), sorted('current')];
        console.log(
          `current / baseline ${name.padEnd(16)} p50 ${fmt(percentile(c, 50) / percentile(b, 50), 2)}  p95 ${fmt(percentile(c, 95) / percentile(b, 95), 2)}`,
        );
      }
    }
    const paths = new Set(Object.values(ROUTES).flat());
    for (const path of paths) {
      const hashes = new Set(Object.values(rounds).flatMap((fs) => fs.flatMap((f) => [...f.answers[path]!])));
      console.log(
        `answers of ${path}: ${hashes.size === 1 ? 'identical in every request' : `DIFFER (${[...hashes].join(', ')})`}`,
      );
    }
    console.log(`load average at the end: ${load()}`);
    console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
  } finally {
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

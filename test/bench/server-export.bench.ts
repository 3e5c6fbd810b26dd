// CSV export through the HTTP API with the embedded store (`npm run bench:export`). Prints
// figures, asserts nothing. The backend runs as its own process (backend-process.ts); this
// process reads the export over 127.0.0.1, so the backend's CPU time and RSS are its own.
//   BENCH_EXPORT_RECORDS   rows in the store (default 1 000 000), pushed once into
//   BENCH_EXPORT_DATA      a data directory kept for later runs (default: a throw-away one)
//   BENCH_BASELINE_ROOT    another checkout (e.g. main's tree): its backend and this one export
//                          the same store in BENCH_ROUNDS alternating rounds (default 3)
//   BENCH_EXPORT_VALUES    readable (the default of the API) or raw
//   BENCH_EXPORT_CPU_PROF  a directory: each backend writes a V8 CPU profile there (node
//                          --cpu-prof; it covers the start too, not the raw paging, left out)
// Each export: rows/s, the backend's CPU time per row, its RSS before and at its peak (sampled
// every 50 ms), the SHA-256 of the CSV (both versions must write the same bytes); and, as the
// same-round baseline, paging query_range of the same store without CSV.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFlows, pushBody, type FlowRecord } from '../fixtures/flow-generator.ts';
import { cpuSecondsOf, REPO, rssOf, spread, startBackend, untilIdle } from './backend-process.ts';

const N = Number(process.env.BENCH_EXPORT_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VALUES = process.env.BENCH_EXPORT_VALUES ?? 'readable';
const BASELINE = process.env.BENCH_BASELINE_ROOT;
const CPU_PROF = process.env.BENCH_EXPORT_CPU_PROF;
const SPAN_MS = 6 * 3_600_000;
const PUSH_BATCH = 5000;
const STORE_ENV = {
  INTERFLOW_STORE_MAX_BYTES: '64GiB',
  INTERFLOW_STORE_RETENTION: '30d',
  INTERFLOW_LOKI_URL: '',
};

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (b: number): string => `${fmt(b / 2 ** 20)} MiB`;
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
  const metaFile = join(dir, 'bench-export.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as StoreData;
    if (meta.records === N) return meta;
    throw new Error(`${dir} holds ${meta.records} records, not ${N}: use another BENCH_EXPORT_DATA`);
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

interface ExportFigures {
  rows: number;
  rowsPerSecond: number;
  cpuMicrosPerRow: number;
  rssBefore: number;
  rssPeak: number;
  sha256: string;
  rawPagingRowsPerSecond: number;
  load: number;
}

/** Pages query_range of the store without CSV (5 000 per page, as the export does). */
async function rawPaging(storeUrl: string, data: StoreData): Promise<number> {
  const t0 = performance.now();
  let end = BigInt(data.endMs + 1000) * 1_000_000n;
  const start = BigInt(data.startMs - 1000) * 1_000_000n;
  let rows = 0;
  for (;;) {
    const q = new URLSearchParams({
      query: '{app="interflow"}',
      start: String(start),
      end: String(end),
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
  return rows / ((performance.now() - t0) / 1000);
}

/** One backend of `root` on the data directory: raw paging, then the export. */
async function exportOnce(root: string, dir: string, data: StoreData): Promise<ExportFigures> {
  const b = await startBackend(
    { ...STORE_ENV, INTERFLOW_DATA_DIR: dir },
    root,
    CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [],
  );
  try {
    const pid = b.child.pid!;
    await untilIdle(pid, CPU_PROF ? 0.3 : 0.02); // the column index loads in the background at open
    // A profile is of the export: the raw paging is left out then.
    const rawPagingRowsPerSecond = CPU_PROF ? NaN : await rawPaging(b.storeUrl, data);
    const window = `startTime=${Math.floor(data.startMs / 1000) - 1}&endTime=${Math.ceil(data.endMs / 1000) + 1}`;
    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 50);
    const cpu0 = cpuSecondsOf(pid);
    const t0 = performance.now();
    const hash = createHash('sha256');
    let lines = 0;
    try {
      const res = await fetch(`${b.url}/api/flows/export?${window}&values=${VALUES}`);
      if (res.status !== 200) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      }
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSecondsOf(pid) - cpu0;
    const rows = lines - 1;
    return {
      rows,
      rowsPerSecond: rows / seconds,
      cpuMicrosPerRow: (cpu / rows) * 1e6,
      rssBefore,
      rssPeak,
      sha256: hash.digest('hex'),
      rawPagingRowsPerSecond,
      load: loadavg()[0]!,
    };
  } finally {
    await b.stop();
  }
}

function describe(f: ExportFigures): string {
  return (
    `${fmt(f.rows)} rows, ${fmt(f.rowsPerSecond)} rows/s, backend ${fmt(f.cpuMicrosPerRow, 1)} CPU µs/row, ` +
    `RSS ${mib(f.rssBefore)} → ${mib(f.rssPeak)} (+${mib(f.rssPeak - f.rssBefore)}); ` +
    `raw paging ${fmt(f.rawPagingRowsPerSecond)} rows/s; sha256 ${f.sha256.slice(0, 12)}; load ${f.load.toFixed(1)}`
  );
}

async function main(): Promise<void> {
  const given = process.env.BENCH_EXPORT_DATA;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'interflow-bench-export-'));
  mkdirSync(dir, { recursive: true });
  console.log(
    `export bench: ${fmt(N)} records, values=${VALUES}, ${BASELINE ? `baseline ${BASELINE} vs this tree, ${ROUNDS} alternating rounds` : 'this tree'}; node ${process.version}; load average ${load()}`,
  );
  try {
    const data = await prepare(dir);
    if (ROUNDS === 0) return; // BENCH_ROUNDS=0: only fill BENCH_EXPORT_DATA
    const arms: Record<string, string> = BASELINE ? { baseline: BASELINE, current: REPO } : { current: REPO };
    const figures: Record<string, ExportFigures[]> = Object.fromEntries(
      Object.keys(arms).map((a) => [a, []]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? Object.keys(arms).reverse() : Object.keys(arms);
      for (const arm of order) {
        const f = await exportOnce(arms[arm]!, dir, data);
        figures[arm]!.push(f);
        console.log(`round ${round + 1} ${arm.padEnd(8)} ${describe(f)}`);
      }
    }
    const summary: Record<string, unknown> = { part: 'export', records: N, values: VALUES };
    for (const [arm, fs] of Object.entries(figures)) {
      const rate = spread(fs.map((f) => f.rowsPerSecond));
      const cpu = spread(fs.map((f) => f.cpuMicrosPerRow));
      const growth = spread(fs.map((f) => f.rssPeak - f.rssBefore));
      const raw = spread(fs.map((f) => f.rawPagingRowsPerSecond));
      console.log(
        `${arm.padEnd(8)} median (min–max): ${fmt(rate.median)} (${fmt(rate.min)}–${fmt(rate.max)}) rows/s; ` +
          `${fmt(cpu.median, 1)} (${fmt(cpu.min, 1)}–${fmt(cpu.max, 1)}) CPU µs/row; ` +
          `RSS growth ${mib(growth.median)} (${mib(growth.min)}–${mib(growth.max)}); ` +
          `raw paging ${fmt(raw.median)} (${fmt(raw.min)}–${fmt(raw.max)}) rows/s; export/raw ${fmt(rate.median / raw.median, 2)}`,
      );
      summary[arm] = { rate, cpu, growth, raw };
    }
    if (BASELINE) {
      const b = spread(figures.baseline!.map((f) => f.cpuMicrosPerRow)).median;
      const c = spread(figures.current!.map((f) => f.cpuMicrosPerRow)).median;
      const same = new Set(Object.values(figures).flatMap((fs) => fs.map((f) => f.sha256))).size === 1;
      console.log(
        `current / baseline CPU per row: ${fmt(c / b, 2)}; CSV bytes ${same ? 'identical in every export' : 'DIFFER between exports'}`,
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

// Many agents at once (`npm run bench:load`). Prints figures, asserts nothing. The backend runs
// as `npm run server` runs it (backend-process.ts: its own process, embedded store with a size
// cap); this process plays, on 127.0.0.1 only and for a bounded time:
//  - BENCH_LOAD_AGENTS agents (default 50), each evicting BENCH_LOAD_RECORDS records (default
//    500) every 5 s (the agent's INTERFLOW_EVICT_INTERVAL) and pushing them as the agent does:
//    Loki JSON bodies of at most 1 000 records (INTERFLOW_BATCH_MAX_RECORDS), one push at a
//    time, 10 s timeout, retried with back-off from 500 ms to 30 s until acknowledged;
//  - the page: /api/flows (limit 100, cycling through no filter, interfaces=net1 and
//    namespace=team-a) with the overview's histogram, top interfaces and top pairs, requested
//    together over the last 15 minutes, again 1 s after each answer;
//  - CSV exports of the last 15 minutes, one after another, from 10 % of the run on;
// for BENCH_LOAD_SECONDS (default 300). Every second it samples the backend's RSS and CPU and
// the store's used bytes (page_count − freelist_count, what the cap applies to, read through a
// read-only SQLite connection) against the cap, BENCH_LOAD_STORE_CAP (default 256MiB).
// Afterwards it reads every entry back through query_range and counts, per agent and record
// number (written into SrcMac), the acknowledged records that are missing. A missing record at
// or before the store's retention horizon (/metrics: the newest time retention ever deleted)
// was deleted by retention; one after it was lost. (For a baseline without that gauge: the
// oldest entry left, also sampled every second, since one stored late with an old timestamp
// lowers it at the end, after retention had deleted newer ones.)
// BENCH_LOAD_ROOT runs the backend of another checkout (a same-run baseline such as main's tree).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateFlows, pushBody, type FlowRecord } from '../fixtures/flow-generator.ts';
import {
  cpuSecondsOf,
  dirBytes,
  percentile,
  REPO,
  rssOf,
  scrapeMetric,
  startBackend,
} from './backend-process.ts';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 300);
const AGENTS = Number(process.env.BENCH_LOAD_AGENTS ?? 50);
const RECORDS_PER_EVICTION = Number(process.env.BENCH_LOAD_RECORDS ?? 500);
const CAP = process.env.BENCH_LOAD_STORE_CAP ?? '256MiB';
const ROOT = process.env.BENCH_LOAD_ROOT ?? REPO;
const EVICT_INTERVAL_MS = 5000;
const BATCH_MAX_RECORDS = 1000;
const PUSH_TIMEOUT_MS = 10_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const PAGE_PAUSE_MS = 1000;
const WINDOW_S = 900;
const FILTERS = ['', 'interfaces=net1', 'namespace=team-a'];
const OVERVIEW = ['/api/flows/histogram', '/api/flows/top-interfaces', '/api/flows/top-pairs'];

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (b: number): string => `${fmt(b / 2 ** 20)} MiB`;
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

function parseCap(text: string): number {
  const m = /^(\d+)(MiB|GiB)$/.exec(text);
  if (!m) throw new Error(`BENCH_LOAD_STORE_CAP: write it as <n>MiB or <n>GiB, got ${text}`);
  return Number(m[1]) * (m[2] === 'GiB' ? 2 ** 30 : 2 ** 20);
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** The MAC that carries an agent's number and a record's number: 0a:58:<agent>:<record, 3 bytes>. */
function identityMac(agent: number, seq: number): string {
  return `0a:58:${hex(agent)}:${hex((seq >> 16) & 255)}:${hex((seq >> 8) & 255)}:${hex(seq & 255)}`;
}

function identityOf(mac: unknown): [agent: number, seq: number] | undefined {
  if (typeof mac !== 'string' || !mac.startsWith('0a:58:')) return undefined;
  const b = mac
    .slice(6)
    .split(':')
    .map((h) => parseInt(h, 16));
  if (b.length !== 4 || b.some((x) => !Number.isInteger(x))) return undefined;
  return [b[0]!, (b[1]! << 16) | (b[2]! << 8) | b[3]!];
}

interface AgentState {
  sent: number; // records generated (given a number)
  acked: Uint8Array;
  endMs: Float64Array; // TimeFlowEndMs of each record (its Loki timestamp)
  backlog: FlowRecord[];
}

async function main(): Promise<void> {
  if (AGENTS > 255) throw new Error('BENCH_LOAD_AGENTS: at most 255 (one byte of the MAC)');
  const cap = parseCap(CAP);
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-bench-load-'));
  const backend = await startBackend(
    {
      INTERFLOW_DATA_DIR: dataDir,
      INTERFLOW_STORE_MAX_BYTES: CAP,
      INTERFLOW_STORE_RETENTION: '24h',
      INTERFLOW_LOKI_URL: '',
    },
    ROOT,
  );
  const pid = backend.child.pid!;
  const loads: number[] = [loadavg()[0]!];
  console.log(
    `load bench: ${AGENTS} agents × ${RECORDS_PER_EVICTION} records every ${EVICT_INTERVAL_MS / 1000} s ` +
      `(${fmt((AGENTS * RECORDS_PER_EVICTION * 1000) / EVICT_INTERVAL_MS)} records/s offered), ` +
      `the page and exports, ${SECONDS} s; store cap ${CAP}; backend of ${ROOT}; node ${process.version}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const t0 = Date.now();
  const deadline = t0 + SECONDS * 1000;
  const running = (): boolean => Date.now() < deadline;
  const capacity = (Math.ceil((SECONDS * 1000) / EVICT_INTERVAL_MS) + 2) * RECORDS_PER_EVICTION;
  const agents: AgentState[] = Array.from({ length: AGENTS }, () => ({
    sent: 0,
    acked: new Uint8Array(capacity),
    endMs: new Float64Array(capacity),
    backlog: [],
  }));
  const pushMs: number[] = [];
  const pushFailures = new Map<string, number>();
  const fail = (why: string): void => void pushFailures.set(why, (pushFailures.get(why) ?? 0) + 1);

  /** One push, retried as the agent retries, until acknowledged or the run is over. */
  async function push(a: number, batch: FlowRecord[]): Promise<void> {
    const body = pushBody(batch);
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const res = await fetch(`${backend.storeUrl}/loki/api/v1/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        if (res.status >= 200 && res.status < 300) {
          pushMs.push(performance.now() - started);
          for (const r of batch) agents[a]!.acked[identityOf(r.SrcMac)![1]] = 1;
          return;
        }
        fail(`HTTP ${res.status}`);
      } catch (e) {
        fail((e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message);
      }
      if (!running()) return;
      await sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt));
    }
  }

  async function agent(a: number): Promise<void> {
    const state = agents[a]!;
    let tick = t0 + Math.floor((a / AGENTS) * EVICT_INTERVAL_MS); // agents do not evict in step
    while (running()) {
      const wait = tick - Date.now();
      if (wait > 0) await sleep(wait);
      if (!running()) return;
      const evictedAt = Date.now();
      const records = generateFlows({
        count: RECORDS_PER_EVICTION,
        seed: a * 1_000_003 + state.sent + 1,
        startMs: evictedAt - EVICT_INTERVAL_MS,
        endMs: evictedAt,
      });
      for (const r of records) {
        const seq = state.sent++;
        r.K8S_HostName = `load-node-${a}`;
        r.AgentIP = `198.18.0.${a + 1}`;
        r.SrcMac = identityMac(a, seq);
        state.endMs[seq] = r.TimeFlowEndMs;
        state.backlog.push(r);
      }
      tick += EVICT_INTERVAL_MS;
      while (state.backlog.length > 0 && running()) await push(a, state.backlog.splice(0, BATCH_MAX_RECORDS));
    }
  }

  const pageMs = new Map<string, number[]>();
  const pageErrors = new Map<string, number>();
  async function page(): Promise<void> {
    for (let i = 0; running(); i++) {
      const now = Date.now();
      const window = `startTime=${Math.floor(now / 1000) - WINDOW_S}&endTime=${Math.ceil(now / 1000) + 1}`;
      const filter = FILTERS[i % FILTERS.length]!;
      const q = `${window}${filter ? `&filters=${encodeURIComponent(filter)}` : ''}`;
      const timed = async (name: string, path: string): Promise<void> => {
        const started = performance.now();
        let why = '';
        try {
          const res = await fetch(`${backend.url}${path}?${q}`);
          await res.arrayBuffer();
          if (res.status !== 200) why = `HTTP ${res.status}`;
        } catch (e) {
          why = (e as Error).message;
        }
        // errors by filter: the overview's interface filter was the one timing out (issue 18)
        const key = `${name} ${why} (${filter || 'no filter'})`;
        if (why) pageErrors.set(key, (pageErrors.get(key) ?? 0) + 1);
        const list = pageMs.get(name) ?? [];
        list.push(performance.now() - started);
        pageMs.set(name, list);
      };
      const started = performance.now();
      await Promise.all([
        timed('/api/flows', '/api/flows'),
        ...OVERVIEW.map((p) => timed(p.replace('/api/flows/', ''), p)),
      ]);
      for (const name of ['whole page', `whole page, ${filter || 'no filter'}`]) {
        const list = pageMs.get(name) ?? [];
        list.push(performance.now() - started);
        pageMs.set(name, list);
      }
      await sleep(PAGE_PAUSE_MS);
    }
  }

  const exports: { rows: number; rowsPerSecond: number }[] = [];
  let exportAborted = 0;
  const exportFailures: string[] = [];
  async function exporter(): Promise<void> {
    await sleep(SECONDS * 100);
    while (running()) {
      const now = Date.now();
      const window = `startTime=${Math.floor(now / 1000) - WINDOW_S}&endTime=${Math.ceil(now / 1000) + 1}`;
      const started = performance.now();
      let lines = 0;
      try {
        const res = await fetch(`${backend.url}/api/flows/export?${window}`, {
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        if (res.status !== 200) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        const s = (performance.now() - started) / 1000;
        exports.push({ rows: lines - 1, rowsPerSecond: (lines - 1) / s });
      } catch (e) {
        if ((e as Error).name === 'TimeoutError')
          exportAborted++; // still running when the run ended
        else {
          exportFailures.push((e as Error).message);
          await sleep(1000);
        }
      }
    }
  }

  const db = new Database(join(dataDir, 'interflow-store.sqlite'), { readonly: true, fileMustExist: true });
  const usedBytes = (): number =>
    ((db.pragma('page_count', { simple: true }) as number) -
      (db.pragma('freelist_count', { simple: true }) as number)) *
    (db.pragma('page_size', { simple: true }) as number);
  let maxUsed = 0;
  let overCapSamples = 0;
  let samples = 0;
  let maxFiles = 0;
  let maxWal = 0;
  let maxFree = 0;
  const walBytes = (): number => {
    try {
      return statSync(join(dataDir, 'interflow-store.sqlite-wal')).size;
    } catch {
      return 0;
    }
  };
  let maxRss = 0;
  const cpu0 = cpuSecondsOf(pid);
  // The oldest entry left, sampled every second: retention deletes the oldest first, so a record
  // at or before the highest of these was deletable when it was sampled (a record stored late
  // with an old timestamp lowers the oldest entry again, which the end alone would miss).
  const oldestTs = db.prepare('SELECT min(ts) FROM entries').pluck().safeIntegers(true);
  let highestOldestNs = 0n;
  const sampler = setInterval(() => {
    const oldest = oldestTs.get() as bigint | null;
    if (oldest !== null && oldest > highestOldestNs) highestOldestNs = oldest;
    const used = usedBytes();
    samples++;
    if (used > cap) overCapSamples++;
    maxUsed = Math.max(maxUsed, used);
    maxFiles = Math.max(maxFiles, dirBytes(dataDir));
    maxWal = Math.max(maxWal, walBytes());
    maxFree = Math.max(
      maxFree,
      (db.pragma('freelist_count', { simple: true }) as number) *
        (db.pragma('page_size', { simple: true }) as number),
    );
    maxRss = Math.max(maxRss, rssOf(pid));
    if (samples % 30 === 0) loads.push(loadavg()[0]!);
  }, 1000);

  try {
    await Promise.all([...agents.map((_, a) => agent(a)), page(), exporter()]);
    clearInterval(sampler);
    const seconds = (Date.now() - t0) / 1000;
    const backendCpu = cpuSecondsOf(pid) - cpu0;
    loads.push(loadavg()[0]!);

    // Read every entry back, newest first; entries at a page's oldest timestamp are read again
    // (marking found is idempotent), so none is skipped at a page boundary.
    const readStarted = performance.now();
    const found = agents.map((s) => new Uint8Array(s.sent));
    let end = BigInt(Date.now() + 1000) * 1_000_000n;
    const start = BigInt(t0 - EVICT_INTERVAL_MS - 1000) * 1_000_000n;
    let oldestNs: bigint | undefined;
    let entries = 0;
    let tiesSkipped = 0;
    for (;;) {
      const q = new URLSearchParams({
        query: '{app="interflow"}',
        start: String(start),
        end: String(end),
        limit: '5000',
        direction: 'backward',
      });
      const res = await fetch(`${backend.storeUrl}/loki/api/v1/query_range?${q}`);
      if (res.status !== 200) throw new Error(`read-back: HTTP ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { data: { result: Array<{ values: Array<[string, string]> }> } };
      let n = 0;
      let pageOldest: bigint | undefined;
      for (const s of body.data.result)
        for (const [ts, line] of s.values) {
          n++;
          const t = BigInt(ts);
          if (pageOldest === undefined || t < pageOldest) pageOldest = t;
          const id = identityOf((JSON.parse(line) as FlowRecord).SrcMac);
          if (id && id[0] < AGENTS && id[1] < found[id[0]]!.length) found[id[0]]![id[1]] = 1;
        }
      entries += n;
      if (pageOldest !== undefined && (oldestNs === undefined || pageOldest < oldestNs))
        oldestNs = pageOldest;
      if (n < 5000 || pageOldest === undefined) break;
      if (pageOldest + 1n === end) {
        tiesSkipped++; // a whole page in one timestamp: step past it
        end = pageOldest;
      } else end = pageOldest + 1n;
    }
    const readSeconds = (performance.now() - readStarted) / 1000;

    const oldestMs = oldestNs === undefined ? Infinity : Number(oldestNs / 1_000_000n);
    // The store's retention horizon, read after the read-back: no entry newer than it was ever
    // deleted, so an acknowledged record newer than it that is missing was lost, exactly. A
    // baseline backend without that gauge falls back on the oldest entries sampled every second
    // (which a starved bench can sample too seldom: records pushed late lower the oldest again).
    const horizonSeconds = await scrapeMetric(
      backend.metricsUrl,
      'interflow_server_store_retention_horizon_seconds',
    );
    const horizonKnown = Number.isFinite(horizonSeconds);
    const retentionReachedMs = horizonKnown
      ? horizonSeconds * 1000
      : Math.max(oldestMs === Infinity ? 0 : oldestMs, Number(highestOldestNs / 1_000_000n));
    let acked = 0;
    let present = 0;
    let retained = 0;
    let lost = 0;
    let newestLostMs = -Infinity;
    let unacknowledgedPresent = 0;
    agents.forEach((s, a) => {
      for (let seq = 0; seq < s.sent; seq++) {
        const isFound = found[a]![seq] === 1;
        if (s.acked[seq]) {
          acked++;
          if (isFound) present++;
          else if (s.endMs[seq]! <= retentionReachedMs) retained++;
          else {
            lost++;
            newestLostMs = Math.max(newestLostMs, s.endMs[seq]!);
          }
        } else if (isFound) unacknowledgedPresent++;
      }
    });
    // A lost record older than entries that are left but newer than a few stragglers (entries
    // stored late with old timestamps, e.g. a retry re-storing records retention had deleted)
    // points at the "oldest entry left" criterion, not at a lost push: count those stragglers.
    let keptOlderThanNewestLost = 0;
    let keptNewerThanNewestLost = 0;
    if (lost > 0)
      agents.forEach((s, a) => {
        for (let seq = 0; seq < s.sent; seq++)
          if (found[a]![seq] === 1) {
            if (s.endMs[seq]! < newestLostMs) keptOlderThanNewestLost++;
            else keptNewerThanNewestLost++;
          }
      });
    const offered = agents.reduce((n, s) => n + s.sent, 0);

    const push = sorted(pushMs);
    console.log(
      `push      ${fmt(pushMs.length)} pushes acknowledged, ${fmt(acked)} of ${fmt(offered)} records (${fmt(acked / seconds)} records/s); ` +
        `latency p50 ${fmt(percentile(push, 50))} ms, p95 ${fmt(percentile(push, 95))} ms, p99 ${fmt(percentile(push, 99))} ms, max ${fmt(push.at(-1) ?? 0)} ms; ` +
        `failed attempts: ${pushFailures.size ? [...pushFailures].map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}`,
    );
    for (const [name, times] of pageMs) {
      const t = sorted(times);
      console.log(
        `page      ${name.padEnd(33)} p50 ${fmt(percentile(t, 50))} ms, p95 ${fmt(percentile(t, 95))} ms, max ${fmt(t.at(-1)!)} ms (${t.length} requests)`,
      );
    }
    if (pageErrors.size)
      console.log(`page      errors: ${[...pageErrors].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    const rates = sorted(exports.map((e) => e.rowsPerSecond));
    console.log(
      `export    ${exports.length} finished (${exportAborted} cut off by the end of the run, ${exportFailures.length} failed${exportFailures.length ? `: ${exportFailures[0]}` : ''}), ` +
        (exports.length
          ? `rows/s median ${fmt(percentile(rates, 50))} (${fmt(rates[0]!)}–${fmt(rates.at(-1)!)}), rows ${exports.map((e) => fmt(e.rows)).join(', ')}`
          : 'none'),
    );
    console.log(
      `store     used at most ${mib(maxUsed)} of the ${CAP} cap (${overCapSamples} of ${samples} one-second samples over it); ` +
        `files (database + WAL) at most ${mib(maxFiles)} (free pages in the database at most ${mib(maxFree)}, WAL at most ${mib(maxWal)}); ${fmt(entries)} entries left, the oldest from ${oldestMs === Infinity ? '—' : `${fmt((Date.now() - oldestMs) / 1000)} s ago`}`,
    );
    console.log(
      `records   acknowledged ${fmt(acked)}: read back ${fmt(present)}, deleted by retention (at or before ${horizonKnown ? "the store's retention horizon" : 'the oldest entry left, now or at a one-second sample'}: ${fmt((Date.now() - retentionReachedMs) / 1000)} s ago) ${fmt(retained)}, ` +
        `LOST ${fmt(lost)}${lost > 0 ? ` (the newest of them ${fmt((Date.now() - newestLostMs) / 1000)} s old; entries left older than it ${fmt(keptOlderThanNewestLost)}, newer ${fmt(keptNewerThanNewestLost)})` : ''}; unacknowledged but stored ${fmt(unacknowledgedPresent)}; read back in ${readSeconds.toFixed(1)} s` +
        (tiesSkipped ? ` (${tiesSkipped} timestamps with more than a page of entries stepped over)` : ''),
    );
    console.log(
      `backend   RSS at most ${mib(maxRss)}, ${fmt(backendCpu / seconds, 2)} CPU cores on average; ` +
        `load average ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)} (samples every 30 s)`,
    );
    console.log(
      `BENCH_RESULT ${JSON.stringify({
        part: 'load',
        root: ROOT,
        seconds,
        agents: AGENTS,
        recordsPerEviction: RECORDS_PER_EVICTION,
        offered,
        acked,
        present,
        retained,
        lost,
        keptOlderThanNewestLost,
        pushP50Ms: percentile(push, 50),
        pushP99Ms: percentile(push, 99),
        page: Object.fromEntries(
          [...pageMs].map(([k, v]) => [
            k,
            { p50: percentile(sorted(v), 50), p95: percentile(sorted(v), 95) },
          ]),
        ),
        exports,
        maxUsedBytes: maxUsed,
        maxFileBytes: maxFiles,
        maxWalBytes: maxWal,
        maxFreeBytes: maxFree,
        capBytes: cap,
        maxRss,
        loads,
      })}`,
    );
  } finally {
    clearInterval(sampler);
    db.close();
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

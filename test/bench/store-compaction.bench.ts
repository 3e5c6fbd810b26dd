// Compaction of the store's column index (`npx tsx test/bench/store-compaction.bench.ts`). Prints
// figures, asserts nothing. Each round fills an index (query/entry-columns.ts) with
// BENCH_COMPACTION_ROWS flow records of the generator (default 1 200 000), deletes the oldest
// half and one more row (compaction is then due), and compacts it:
//  - one pass: `compact()` in one go, as the index did before: the event loop waits for all of it;
//  - in slices: `compactStep(10)` once per turn of the event loop, as sqlite/column-index.ts
//    schedules it now;
//  - idle: no compaction, the same measure for 2 s: the delays the machine itself causes (a
//    busy shared machine preempts the process), the floor of the other two.
// Figures per arm: the wall-clock time of the compaction and the event loop's longest delay
// while it ran (perf_hooks.monitorEventLoopDelay, 1 ms resolution, plus a 5 ms interval timer
// whose lateness is recorded too), medians and min–max over BENCH_ROUNDS rounds (default 3),
// the arms alternating, with the 1-minute load average.
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { EntryColumns } from '../../server/src/store/query/entry-columns.ts';
import { generateFlows } from '../fixtures/flow-generator.ts';
import { spread } from './backend-process.ts';

const ROWS = Number(process.env.BENCH_COMPACTION_ROWS ?? 1_200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SLICE_MS = 10;

function filled(): EntryColumns {
  const columns = new EntryColumns();
  const endMs = Date.now();
  let id = 0;
  for (const r of generateFlows({ count: ROWS, seed: 3, startMs: endMs - 3_600_000, endMs })) {
    id++;
    columns.append(id, 1 + (id % 40), BigInt(r.TimeFlowEndMs) * 1_000_000n, JSON.stringify(r), false);
  }
  columns.remove(Array.from({ length: ROWS / 2 + 1 }, (_, i) => i + 1));
  return columns;
}

interface Figures {
  ms: number;
  maxDelayMs: number;
  turns: number;
}

async function measure(columns: EntryColumns, sliced: boolean | null): Promise<Figures> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let late = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    late = Math.max(late, now - last - 5);
    last = now;
  }, 5);
  await nextTurn();
  h.enable();
  const t0 = performance.now();
  let turns = 0;
  if (sliced === null) {
    await new Promise((r) => setTimeout(r, 2000));
  } else if (sliced) {
    for (;;) {
      turns++;
      if (columns.compactStep(SLICE_MS)) break;
      await nextTurn();
    }
  } else {
    turns = 1;
    columns.compact();
  }
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 20)); // let the timer see the last turn
  h.disable();
  clearInterval(timer);
  return { ms, maxDelayMs: Math.max(h.max / 1e6, late), turns };
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const describe = (xs: number[]): string => {
  const s = spread(xs);
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
};

async function main(): Promise<void> {
  console.log(
    `compaction bench: ${fmt(ROWS)} rows, the oldest half + 1 deleted, ${ROUNDS} alternating rounds; ` +
      `node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const arms: Record<string, Figures[]> = { 'one pass': [], 'in slices': [], idle: [] };
  const loads: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? ['in slices', 'one pass', 'idle'] : ['idle', 'one pass', 'in slices'];
    for (const arm of order) {
      const columns = arm === 'idle' ? new EntryColumns() : filled();
      const live = columns.live;
      const f = await measure(columns, arm === 'idle' ? null : arm === 'in slices');
      if (columns.count !== live)
        throw new Error(`${arm}: ${columns.count} rows after compaction, ${live} live`);
      arms[arm]!.push(f);
      loads.push(loadavg()[0]!);
      console.log(
        `round ${r + 1} ${arm.padEnd(9)}: ${fmt(f.ms)} ms, longest event-loop delay ${fmt(f.maxDelayMs)} ms, ` +
          `${fmt(f.turns)} turns, ${fmt(live)} live rows; load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  for (const [arm, fs] of Object.entries(arms))
    console.log(
      `${arm.padEnd(9)}: compaction ms ${describe(fs.map((f) => f.ms))}, longest event-loop delay ms ` +
        `${describe(fs.map((f) => f.maxDelayMs))}, turns ${describe(fs.map((f) => f.turns))}`,
    );
  const l = spread(loads);
  console.log(`load average ${l.min.toFixed(1)}–${l.max.toFixed(1)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

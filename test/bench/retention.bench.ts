// Retention benchmark (`npm run bench:retention`, also part of `npm run bench`). Prints figures,
// asserts nothing. Two identical stores of N rows (~550 bytes each) get a size cap a fifth below
// what they hold; then one pass frees the difference:
//  - baseline: the pass run in one go (`enforceRetention`), which blocks the event loop for its
//    whole length — how a push that made retention due used to wait;
//  - background: the pass as pushes now start it (`scheduleRetention`), one batch per turn of the
//    event loop; the figure that matters is the longest single turn.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openStore, type EmbeddedStore } from '../../server/src/store/sqlite/sqlite-store.ts';
import { nowNs } from '../../server/src/store/sqlite/timestamps.ts';

const PUSH_ROWS = 1000;

export interface RetentionFigures {
  rows: number;
  storeMiB: number;
  deletedRows: number;
  syncPassMs: number;
  backgroundPassMs: number;
  backgroundTurns: number;
  longestTurnMs: number;
}

function filledStore(rows: number): { store: EmbeddedStore; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-bench-retention-'));
  const store = openStore({ dataDir: dir, retentionMs: 0, maxBytes: 0 });
  const base = nowNs() - 3_600_000_000_000n;
  const pad = 'p'.repeat(520);
  for (let n = 0; n < rows;) {
    const entries = [];
    for (let i = 0; i < PUSH_ROWS && n < rows; i++, n++) {
      entries.push({ ts: base + BigInt(n) * 1000n, line: `entry ${n} ${pad}` });
    }
    store.push([{ labels: { app: 'interflow' }, entries }]);
  }
  return { store, dir };
}

/** Lowers the cap of a filled store to 80 % of what it holds (the pass then deletes down to 90 % of that). */
function capBelowContent(store: EmbeddedStore): void {
  (store.opts as { maxBytes: number }).maxBytes = Math.floor(store.usedBytes() * 0.8);
}

export async function benchRetention(rows = 300_000): Promise<RetentionFigures> {
  const a = filledStore(rows);
  const b = filledStore(rows);
  try {
    const storeMiB = a.store.usedBytes() / 2 ** 20;

    capBelowContent(a.store);
    let t0 = performance.now();
    const { deleted } = a.store.enforceRetention();
    const syncPassMs = performance.now() - t0;

    capBelowContent(b.store);
    let longestTurnMs = 0;
    let turns = 0;
    t0 = performance.now();
    let turnStart = t0;
    b.store.scheduleRetention();
    while (b.store.retentionPending) {
      await nextTurn();
      const now = performance.now();
      longestTurnMs = Math.max(longestTurnMs, now - turnStart);
      turnStart = now;
      turns++;
    }
    const backgroundPassMs = performance.now() - t0;
    return {
      rows,
      storeMiB,
      deletedRows: deleted,
      syncPassMs,
      backgroundPassMs,
      backgroundTurns: turns,
      longestTurnMs,
    };
  } finally {
    for (const s of [a, b]) {
      s.store.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = Number(process.env.BENCH_RETENTION_ROWS ?? 300_000);
  const f = await benchRetention(rows);
  const ms = (n: number): string => `${n.toFixed(0)} ms`;
  console.log(
    `retention  ${rows.toLocaleString('en-US')} rows, ${f.storeMiB.toFixed(0)} MiB, pass deletes ${f.deletedRows.toLocaleString('en-US')} rows`,
  );
  console.log(`baseline   one synchronous pass blocks      ${ms(f.syncPassMs)}`);
  console.log(
    `background longest turn                   ${ms(f.longestTurnMs)} (pass ${ms(f.backgroundPassMs)} over ${f.backgroundTurns} turns; ${(f.syncPassMs / f.longestTurnMs).toFixed(1)}× shorter block)`,
  );
  console.log(`BENCH_RESULT ${JSON.stringify({ part: 'retention', ...f })}`);
}

// Retention by age and by size, on a real database file.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseLogQuery } from '../query/logql-parse.ts';
import { openStore, type EmbeddedStore } from './sqlite-store.ts';
import { tempDir } from '../../../../test/support/temp-dir.ts';
import { waitFor } from '../../../../test/support/wait.ts';
import { nowNs } from './timestamps.ts';

const MIN_NS = 60_000_000_000n;
const all = parseLogQuery('{app="interflow"}');

async function lines(store: EmbeddedStore, limit = 5000): Promise<string[]> {
  const r = await store.queryRange({
    query: all,
    start: 0n,
    end: nowNs() + MIN_NS,
    limit,
    direction: 'backward',
  });
  return r.result.flatMap((s) => s.values.map((v) => v[1]));
}

describe('long scans', () => {
  test('a scan stops early once its signal is aborted (the client went away)', async (t) => {
    const store = openStore({ dataDir: tempDir(t), retentionMs: 0, maxBytes: 0 });
    t.after(() => store.close());
    const base = nowNs() - MIN_NS;
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ ts: base + BigInt(i), line: `line ${i}` }));
    store.push([{ labels: { app: 'interflow' }, entries }]);
    const query = parseLogQuery('{app="interflow"} |= "no such line"');
    const range = { query, start: 0n, end: nowNs(), limit: 100, direction: 'backward' as const };
    const full = await store.queryRange(range);
    assert.equal(full.stats.entriesScanned, 10_000);
    const aborted = await store.queryRange({ ...range, signal: AbortSignal.abort() });
    assert.ok(aborted.stats.entriesScanned <= 1024, `scanned ${aborted.stats.entriesScanned}`);
  });

  test('a scan that selects few of the rows it reads still stops when aborted', async (t) => {
    // 17 selected streams (more than the per-stream merge takes) scan the whole time index, and
    // almost every row read belongs to the one stream the selector leaves out
    const store = openStore({ dataDir: tempDir(t), retentionMs: 0, maxBytes: 0 });
    t.after(() => store.close());
    const base = nowNs() - MIN_NS;
    const selected = Array.from({ length: 17 }, (_, i) => ({
      labels: { app: 'interflow', sel: `s${i}` },
      entries: [{ ts: base + BigInt(i), line: `selected ${i}` }],
    }));
    const other = Array.from({ length: 20_000 }, (_, i) => ({
      ts: base + 100n + BigInt(i),
      line: `other ${i}`,
    }));
    store.push([...selected, { labels: { app: 'interflow', sel: 'no' }, entries: other }]);
    const query = parseLogQuery('{app="interflow", sel=~"s.*"}');
    const range = { query, start: 0n, end: nowNs(), limit: 100, direction: 'backward' as const };
    const full = await store.queryRange(range);
    assert.equal(full.stats.entriesReturned, 17);
    assert.ok(full.stats.chunks > 5, `read ${full.stats.chunks} chunks`);
    const aborted = await store.queryRange({ ...range, signal: AbortSignal.abort() });
    assert.equal(aborted.stats.chunks, 1);
    assert.equal(aborted.stats.entriesReturned, 0);
  });
});

describe('retention', () => {
  test('by age: entries older than retentionMs are deleted, their streams and label values go too', async (t) => {
    const store = openStore({ dataDir: tempDir(t), retentionMs: 60 * 60_000, maxBytes: 0 });
    t.after(() => store.close());
    const now = nowNs();
    store.push([
      {
        labels: { app: 'interflow', ns: 'old' },
        entries: [{ ts: now - 120n * MIN_NS, line: 'two hours ago' }],
      },
      {
        labels: { app: 'interflow', ns: 'new' },
        entries: [
          { ts: now - 61n * MIN_NS, line: 'just too old' },
          { ts: now - 10n * MIN_NS, line: 'ten minutes ago' },
        ],
      },
    ]);
    assert.deepEqual((await lines(store)).sort(), ['just too old', 'ten minutes ago', 'two hours ago']);
    assert.deepEqual(store.enforceRetention(now), { deleted: 2 });
    assert.deepEqual(await lines(store), ['ten minutes ago']);
    assert.deepEqual(store.labelValues('ns', 0n, now + MIN_NS), ['new']);
  });

  test('by age, in the background: the periodic run deletes without any call', async (t) => {
    const store = openStore({ dataDir: tempDir(t), retentionMs: 1000, maxBytes: 0, retentionIntervalMs: 50 });
    t.after(() => store.close());
    store.push([
      { labels: { app: 'interflow' }, entries: [{ ts: nowNs() - 500_000_000n, line: 'half a second old' }] },
    ]);
    assert.equal(store.entryCount(), 1);
    await waitFor('the periodic retention run to delete the old entry', () => store.entryCount() === 0);
  });

  test('by size: the oldest entries go first and the database stays near maxBytes', async (t) => {
    const dataDir = tempDir(t);
    const maxBytes = 2 * 1024 * 1024;
    const store = openStore({ dataDir, retentionMs: 0, maxBytes });
    t.after(() => store.close());
    const base = nowNs() - 60n * MIN_NS;
    const pad = 'p'.repeat(400);
    let maxSeen = 0;
    const total = 25_000; // ~11 MB of lines, over 5 times the cap
    for (let b = 0; b < total / 500; b++) {
      const entries = Array.from({ length: 500 }, (_, i) => {
        const n = b * 500 + i;
        return { ts: base + BigInt(n) * 1000n, line: `entry ${n} ${pad}` };
      });
      store.push([{ labels: { app: 'interflow' }, entries }]);
      maxSeen = Math.max(maxSeen, store.usedBytes());
      await nextTurn(); // pushes arrive as separate requests; retention steps run between them
    }
    while (store.retentionPending) await nextTurn();
    store.enforceRetention();
    const used = store.usedBytes();
    assert.ok(used <= maxBytes, `used ${used} > cap ${maxBytes}`);
    // checks after pushes keep it bounded all along (at most ~one check interval over)
    assert.ok(maxSeen < maxBytes * 1.5, `peak ${maxSeen} while cap is ${maxBytes}`);
    const kept = await lines(store);
    assert.ok(kept.length > 1000 && kept.length < total / 2, `kept ${kept.length}`);
    // what remains is exactly the newest entries, in order, with no gap
    const nums = kept.map((l) => Number(l.split(' ')[1]));
    assert.equal(nums[0], total - 1);
    for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1]! - 1);
    // incremental vacuum gives the space back to the file system
    const fileSize = statSync(join(dataDir, 'interflow-store.sqlite')).size;
    assert.ok(fileSize < maxBytes * 1.5, `file is ${fileSize} bytes`);
  });

  test('by size, in the background: the push that makes retention due returns before anything is deleted', async (t) => {
    const maxBytes = 1024 * 1024;
    const store = openStore({ dataDir: tempDir(t), retentionMs: 0, maxBytes });
    t.after(() => store.close());
    const base = nowNs() - 60n * MIN_NS;
    const pad = 'p'.repeat(400);
    const entries = Array.from({ length: 8000 }, (_, n) => ({
      ts: base + BigInt(n) * 1000n,
      line: `entry ${n} ${pad}`,
    }));
    store.push([{ labels: { app: 'interflow' }, entries }]); // ~3.5 MB in one push
    assert.equal(store.entryCount(), 8000, 'the push itself deletes nothing');
    assert.ok(store.retentionPending, 'a background pass was started');
    let turns = 0;
    while (store.retentionPending) {
      await nextTurn();
      turns++;
    }
    assert.ok(turns > 1, `the pass yielded between batches (${turns} turns)`);
    assert.ok(store.usedBytes() <= maxBytes, `used ${store.usedBytes()} > cap ${maxBytes}`);
    const kept = await lines(store, 8000);
    assert.ok(kept.length > 0 && kept.length < 8000, `kept ${kept.length}`);
    assert.equal(kept[0], entries[7999]!.line, 'the newest entry is kept');
  });
});

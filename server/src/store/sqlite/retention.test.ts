// Retention by age and by size, on a real database file.
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseLogQuery } from '../query/logql-parse.ts';
import { openStore, type EmbeddedStore } from './sqlite-store.ts';
import { tempDir } from '../../../../test/support/temp-dir.ts';
import { waitFor } from '../../../../test/support/wait.ts';
import { WAL_LIMIT_BYTES } from './store-size.ts';
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
    // every push keeps the cap itself
    assert.ok(maxSeen <= maxBytes, `peak ${maxSeen} while cap is ${maxBytes}`);
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

  test('by size, past the cap with no turn of the event loop: every push keeps it, the oldest go first', (t) => {
    // Pushes back to back, as fast as they can be made: no background pass can run in between,
    // so only the pushes themselves can keep the cap. Half the entries arrive late (a stream
    // whose timestamps trail the others by two pushes, like an agent retrying), so deleting in
    // insertion order would delete the wrong ones.
    const dataDir = tempDir(t);
    const maxBytes = 2 * 1024 * 1024;
    const store = openStore({ dataDir, retentionMs: 0, maxBytes });
    // an outside reader sees what is committed, as an operator's `du` or the load bench does
    const observer = new Database(join(dataDir, 'interflow-store.sqlite'), { readonly: true });
    t.after(() => {
      observer.close();
      store.close();
    });
    const pragma = (name: string): number => observer.pragma(name, { simple: true }) as number;
    const pad = 'p'.repeat(400);
    const perPush = 300;
    const pushes = 60; // ~8 MB of lines, 4 times the cap
    const base = nowNs() - 60n * MIN_NS;
    const tsOf = (n: number): bigint => base + BigInt(n) * 1_000_000n;
    // stated bounds: the database file holds the cap plus free pages of about one push's worth
    // of deletes (reused by the next push), here < 512 KiB; the WAL holds its 4 MiB limit plus
    // about one push's transaction, < 1 MiB here
    const fileBound = maxBytes + 512 * 1024;
    const walBound = WAL_LIMIT_BYTES + 1024 * 1024;
    let reachedCap = false;
    const pushedTs: bigint[] = [];
    for (let b = 0; b < pushes; b++) {
      const onTime = Array.from({ length: perPush / 2 }, (_, i) => {
        const n = b * perPush + i;
        return { ts: tsOf(n), line: `entry ${n} ${pad}` };
      });
      const late = Array.from({ length: b >= 2 ? perPush / 2 : 0 }, (_, i) => {
        const n = (b - 2) * perPush + perPush / 2 + i;
        return { ts: tsOf(n), line: `late ${n} ${pad}` };
      });
      for (const e of [...onTime, ...late]) pushedTs.push(e.ts);
      const before = store.entryCount();
      const { accepted } = store.push([
        { labels: { app: 'interflow', agent: 'a' }, entries: onTime },
        { labels: { app: 'interflow', agent: 'b' }, entries: late },
      ]);
      const deleted = before + accepted - store.entryCount();
      const used = (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
      assert.ok(used <= maxBytes, `push ${b}: ${used} bytes used, over the cap of ${maxBytes}`);
      const file = statSync(join(dataDir, 'interflow-store.sqlite')).size;
      assert.ok(file <= fileBound, `push ${b}: database file ${file} bytes, over ${fileBound}`);
      const { walBytes } = store.sizeOnDisk();
      assert.ok(walBytes <= walBound, `push ${b}: WAL ${walBytes} bytes, over ${walBound}`);
      // once at the cap, a push deletes about what it brought: work in proportion to the push
      if (reachedCap)
        assert.ok(deleted <= 2 * accepted, `push ${b} added ${accepted} and deleted ${deleted}`);
      if (deleted > 0) reachedCap = true;
    }
    assert.ok(reachedCap, 'the pushes went past the cap');
    // what is left: the newest entries by time, whatever order they were pushed in
    const kept = observer
      .prepare('SELECT ts FROM entries ORDER BY ts')
      .pluck()
      .safeIntegers(true)
      .all() as bigint[];
    const keptSet = new Set(kept);
    const oldestKept = kept[0]!;
    const gone = pushedTs.filter((ts) => ts >= oldestKept && !keptSet.has(ts));
    assert.deepEqual(gone, [], 'nothing newer than the oldest entry left was deleted');
    assert.ok(
      kept.length > 1000 && kept.length < pushedTs.length / 2,
      `kept ${kept.length} of ${pushedTs.length}`,
    );
    // and not much more than needed went: the store is still near its cap
    assert.ok(store.usedBytes() > maxBytes * 0.75, `used ${store.usedBytes()} after the last push`);
  });

  test('the retention horizon: every missing entry is at or before it, it never moves back, age retention moves it too', async (t) => {
    // What makes "nothing lost" checkable from outside (the load bench reads it from /metrics):
    // a pushed entry that is not stored must be at or before the newest time retention deleted.
    const dataDir = tempDir(t);
    const store = openStore({ dataDir, retentionMs: 0, maxBytes: 1024 * 1024 });
    t.after(() => store.close());
    const pad = 'h'.repeat(400);
    const base = nowNs() - 60n * MIN_NS;
    const pushed: bigint[] = [];
    assert.equal(store.retentionHorizonNs, undefined, 'nothing deleted yet: no horizon');
    let last: bigint | undefined;
    for (let b = 0; b < 30; b++) {
      // on-time entries, and stragglers from far back (older than anything deleted so far)
      const entries = Array.from({ length: 200 }, (_, i) => ({
        ts: base + BigInt(b * 200 + i) * 1_000_000n,
        line: `entry ${b} ${i} ${pad}`,
      }));
      const stragglers = Array.from({ length: b % 3 === 0 ? 20 : 0 }, (_, i) => ({
        ts: base + BigInt(b * 7 + i) * 1_000_000n - 1n,
        line: `straggler ${b} ${i} ${pad}`,
      }));
      for (const e of [...entries, ...stragglers]) pushed.push(e.ts);
      store.push([
        { labels: { app: 'interflow', agent: 'a' }, entries },
        { labels: { app: 'interflow', agent: 'late' }, entries: stragglers },
      ]);
      const horizon: bigint | undefined = store.retentionHorizonNs;
      if (last !== undefined)
        assert.ok(horizon !== undefined && horizon >= last, `push ${b}: the horizon moved back`);
      last = horizon;
      const stored = new Set<bigint>(
        (
          await store.queryRange({
            query: all,
            start: 0n,
            end: nowNs() + MIN_NS,
            limit: 100_000,
            direction: 'forward',
          })
        ).result.flatMap((r) => r.values.map((v) => BigInt(v[0]))),
      );
      const missing = pushed.filter((ts) => !stored.has(ts));
      if (missing.length > 0) assert.ok(horizon !== undefined, `push ${b}: entries gone with no horizon`);
      const past: bigint[] = missing.filter((ts) => ts > horizon!);
      assert.deepEqual(past, [], `push ${b}: entries missing after the horizon`);
    }
    assert.ok(last !== undefined, 'the pushes went past the cap');
    // age retention: everything older than now − retention goes, and the horizon follows it
    const aged = openStore({ dataDir: tempDir(t), retentionMs: 60_000, maxBytes: 0 });
    t.after(() => aged.close());
    const old = nowNs() - 10n * MIN_NS;
    aged.push([
      {
        labels: { app: 'interflow' },
        entries: [
          { ts: old, line: 'old' },
          { ts: nowNs(), line: 'new' },
        ],
      },
    ]);
    aged.enforceRetention();
    assert.equal(aged.retentionHorizonNs, old);
  });

  test('by size, at open: a store over a lowered cap is brought under it before it serves', async (t) => {
    const dataDir = tempDir(t);
    const first = openStore({ dataDir, retentionMs: 0, maxBytes: 0 });
    const base = nowNs() - 60n * MIN_NS;
    const pad = 'p'.repeat(400);
    const entries = Array.from({ length: 8000 }, (_, n) => ({
      ts: base + BigInt(n) * 1000n,
      line: `entry ${n} ${pad}`,
    }));
    first.push([{ labels: { app: 'interflow' }, entries }]); // ~3.5 MB
    first.close();
    const maxBytes = 1024 * 1024;
    const store = openStore({ dataDir, retentionMs: 0, maxBytes });
    t.after(() => store.close());
    assert.ok(store.usedBytes() <= maxBytes, `used ${store.usedBytes()} > cap ${maxBytes}`);
    const size = store.sizeOnDisk();
    // the free pages past the reserve (a sixteenth of the cap) went back to the file system
    assert.ok(size.freeBytes <= maxBytes / 16, `${size.freeBytes} bytes free in the file`);
    const kept = await lines(store, 8000);
    assert.ok(kept.length > 0 && kept.length < 8000, `kept ${kept.length}`);
    assert.equal(kept[0], entries[7999]!.line, 'the newest entry is kept');
    const nums = kept.map((l) => Number(l.split(' ')[1]));
    for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1]! - 1);
  });
});

// What the column index holds in memory (entry-columns.ts): its arrays grow by a bounded
// factor past GROW_DOUBLING_BELOW rows (so the room held ahead of the rows stays a quarter of
// them), memoryBytes() counts every array, and compaction gives the dead rows' room back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateFlows } from '../../../../test/fixtures/flow-generator.ts';
import { EntryColumns, GROW_DOUBLING_BELOW, nextCapacity } from './entry-columns.ts';

test('capacity doubles while small, then grows by a quarter, never below what is needed', () => {
  assert.equal(nextCapacity(1024, 1025), 2048);
  assert.equal(nextCapacity(GROW_DOUBLING_BELOW / 2, GROW_DOUBLING_BELOW / 2 + 1), GROW_DOUBLING_BELOW);
  assert.equal(nextCapacity(GROW_DOUBLING_BELOW, GROW_DOUBLING_BELOW + 1), GROW_DOUBLING_BELOW * 1.25);
  assert.equal(nextCapacity(16_000_000, 30_000_000), 30_000_000);
  // appended one row at a time up to 16 M rows: the room ahead of the rows never passes a
  // quarter of them once past the doubling range, and the rows copied stay linear in the rows
  let capacity = 1024;
  let copied = 0;
  for (let rows = 1; rows <= 16_000_000; rows++) {
    if (rows <= capacity) continue;
    copied += capacity;
    capacity = nextCapacity(capacity, rows);
    if (rows > GROW_DOUBLING_BELOW) assert.ok(capacity <= Math.ceil(rows * 1.25), `${capacity} for ${rows}`);
  }
  assert.ok(copied < 5 * 16_000_000, `copied ${copied}`);
});

function lines(count: number): string[] {
  const now = Date.UTC(2026, 0, 1);
  return [...generateFlows({ count, seed: 7, startMs: now - 60_000, endMs: now })].map((r) =>
    JSON.stringify(r),
  );
}

test('memoryBytes counts the arrays per row, and compaction gives the dead rows back', () => {
  const columns = new EntryColumns();
  const empty = columns.memoryBytes();
  assert.ok(empty > 0);
  const rows = lines(20_000);
  let id = 0;
  for (const line of rows)
    assert.ok(columns.append(++id, 1 + (id % 5), BigInt(id) * 1_000_000n, line, false));
  const full = columns.memoryBytes();
  // about 110 bytes per row of flow records, plus the room for rows not yet appended
  const perRow = (full - empty) / columns.capacity;
  assert.ok(perRow > 80 && perRow < 200, `${perRow} bytes per row`);
  // retention deletes the oldest 15 000: compaction (more than half dead) keeps only the live rows
  columns.remove(Array.from({ length: 15_000 }, (_, i) => i + 1));
  assert.ok(columns.compactionDue);
  columns.compact();
  assert.equal(columns.live, 5_000);
  assert.equal(columns.count, 5_000, 'compacted');
  assert.ok(columns.memoryBytes() < full / 2, `${columns.memoryBytes()} of ${full}`);
});

// The queue keeps values as bytes in reused slabs: whatever the interleaving of pushes and
// shifts, every entry reads back as what was queued, in order, and byte accounting holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EntryQueue, type HeldEntry } from './entry-queue.ts';

const valueOf = (i: number) => `["${i}000000","${'x'.repeat(i % 3000)}é${i}"]`;
const text = (e: HeldEntry) => e.slab.toString('utf8', e.offset, e.offset + e.bytes);

function writeAscii(buf: Buffer, at: number, limit: number, value: string): number {
  const n = Buffer.byteLength(value);
  if (at + n > limit) return -1;
  return at + buf.write(value, at);
}

test('entries read back as queued across many slabs, reused after their entries are taken', () => {
  const q = new EntryQueue();
  let next = 0;
  let expected = 0;
  // About 6 MB through the queue in uneven pushes and takes, both ways of queuing.
  for (let round = 0; round < 60; round++) {
    const add = 20 + ((round * 37) % 90);
    for (let k = 0; k < add; k++, next++) {
      const value = valueOf(next);
      const bytes = Buffer.byteLength(value);
      if (next % 2) q.push({ seq: next, enqueuedAt: 0, streamKey: 's', value, bytes });
      else assert.ok(q.pushWritten(next, 0, 's', value, writeAscii));
    }
    const taken = q.shift(Math.min(q.length, 10 + ((round * 53) % 120)));
    for (const e of taken) {
      assert.equal(e.seq, expected);
      assert.equal(text(e), valueOf(expected), `entry ${expected}`);
      expected++;
    }
  }
  const rest = q.clear();
  for (const e of rest) assert.equal(text(e), valueOf(expected++));
  assert.equal(expected, next);
  assert.equal(q.bytes, 0);
  assert.equal(q.length, 0);
});

test('a writer that declines queues nothing', () => {
  const q = new EntryQueue();
  assert.equal(
    q.pushWritten(1, 0, 's', 'x', () => -1),
    false,
  );
  assert.equal(q.length, 0);
  assert.equal(q.bytes, 0);
});

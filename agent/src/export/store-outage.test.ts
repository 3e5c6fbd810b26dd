// Store unreachable for a while (issue 3), short version: the outage length is a parameter of
// the shared scenario; store-outage-30s.test.ts runs the 30 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStoreOutage } from '../../test/outage-scenario.ts';

test('store (stand-in Loki receiver) unreachable for 3 s: every record is kept and delivered in order after it returns', async (t) => {
  const r = await runStoreOutage(t, {
    outageMs: 3000,
    bufferMaxRecords: 100_000,
    recordsPerTick: 20,
    tickMs: 100,
  });
  assert.equal(r.dropped, 0);
  assert.ok(r.sentDuringOutage >= 200, `sent ${r.sentDuringOutage} during the outage`);
});

test('store (stand-in Loki receiver) unreachable for 3 s with a small buffer: the overflow is dropped, counted and reported; the rest is delivered', async (t) => {
  const r = await runStoreOutage(t, {
    outageMs: 3000,
    bufferMaxRecords: 200,
    recordsPerTick: 50,
    tickMs: 100,
  });
  assert.ok(r.dropped > 0, 'the buffer overflowed');
  assert.equal(r.dropped, r.sentDuringOutage - 200);
  assert.equal(r.delivered + r.dropped, r.total);
});

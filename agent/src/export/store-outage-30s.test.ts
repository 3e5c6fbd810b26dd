// Issue 3: "Store unreachable for 30 s: records are kept and delivered after it returns;
// beyond the buffer, drops are counted and reported." Real time, about 32 s for this file
// (it runs in parallel with the other unit test files).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runStoreOutage } from '../../test/outage-scenario.ts';

test('store (stand-in Loki receiver) unreachable for 30 s: records are kept and delivered after it returns; beyond the buffer, drops are counted and reported', async (t) => {
  // 20 records every 250 ms ≈ 2400 during the outage into a 1000-record buffer: the first
  // ~12 s fit, the rest overflows.
  const r = await runStoreOutage(t, {
    outageMs: 30_000,
    bufferMaxRecords: 1000,
    recordsPerTick: 20,
    tickMs: 250,
    backoffMax: '2s',
  });
  assert.equal(
    r.delivered - 100,
    1000,
    'a full buffer of outage records was delivered (plus 50 before and 50 after)',
  );
  assert.equal(r.dropped, r.sentDuringOutage - 1000);
  assert.equal(r.delivered + r.dropped, r.total);
});

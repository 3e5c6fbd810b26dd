// The cached ISO writer gives Date#toISOString's text for every time it takes, in any order
// (the cache is per second), and declines the times it leaves to toISOString.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isoTimeWriter } from './iso-time-writer.ts';

test('whole milliseconds from 1970 to year 9999 are written as toISOString writes them', () => {
  const iso = isoTimeWriter();
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
      assert.equal(iso(ms), new Date(ms).toISOString());
    }),
    { numRuns: 20_000 },
  );
});

test('neighbouring times in one second and across seconds, minutes and years', () => {
  const iso = isoTimeWriter();
  const times = [
    0, 1, 9, 10, 99, 100, 999, 1000, 1001, 59_999, 60_000, 1_764_657_933_123, 1_764_657_933_000,
    1_764_657_932_999, 1_764_657_933_999, 1_764_657_933_123, 946_684_799_999, 946_684_800_000,
    253_402_300_799_999,
  ];
  for (const ms of times) assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
});

test('fractions, times before 1970, past year 9999 and non-numbers are declined', () => {
  const iso = isoTimeWriter();
  for (const ms of [1.5, -1, -1_000_000, 253_402_300_800_000, 8.64e15, NaN, Infinity, -Infinity])
    assert.equal(iso(ms), undefined, String(ms));
});

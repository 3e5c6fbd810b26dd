import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monoToEpochMs, monotonicNowNs } from './clock.ts';

test('monotonic stamps become epoch ms relative to the clock pair read after the drain', () => {
  const ref = { monoNs: 5_000_000_000_000, realNs: 1_795_000_000_000_000_000 };
  assert.equal(monoToEpochMs(ref.monoNs, ref), 1_795_000_000_000);
  assert.equal(monoToEpochMs(ref.monoNs - 1_500_000_000, ref), 1_794_999_998_500, '1.5 s earlier');
  assert.equal(monoToEpochMs(ref.monoNs - 400_000, ref), 1_795_000_000_000, 'rounds to the nearest ms');
  assert.equal(monoToEpochMs(ref.monoNs - 600_000, ref), 1_794_999_999_999);
});

test("Node's monotonic clock is the kernel's CLOCK_MONOTONIC (what bpf_ktime_get_ns uses)", () => {
  // /proc/uptime is CLOCK_BOOTTIME; without suspend it equals CLOCK_MONOTONIC to well within a second.
  const a = monotonicNowNs();
  const b = monotonicNowNs();
  assert.ok(b >= a);
  assert.ok(Number.isSafeInteger(Math.round(a)));
});

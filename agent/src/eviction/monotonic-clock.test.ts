import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { monoToEpochMs, monotonicNowNs } from './monotonic-clock.ts';

test('monotonic stamps become epoch ms relative to the clock pair read after the drain', () => {
  const ref = { monoNs: 5_000_000_000_000, realNs: 1_795_000_000_000_000_000 };
  assert.equal(monoToEpochMs(ref.monoNs, ref), 1_795_000_000_000);
  assert.equal(monoToEpochMs(ref.monoNs - 1_500_000_000, ref), 1_794_999_998_500, '1.5 s earlier');
  assert.equal(monoToEpochMs(ref.monoNs - 400_000, ref), 1_795_000_000_000, 'rounds to the nearest ms');
  assert.equal(monoToEpochMs(ref.monoNs - 600_000, ref), 1_794_999_999_999);
});

// /proc/timer_list opens with the kernel's ktime_get() (CLOCK_MONOTONIC, the clock of
// bpf_ktime_get_ns) in "now at N nsecs"; only root may read it (under CI=true, never skipped).
function timerListProblem(): string | false {
  if (process.env.CI === 'true') return false;
  try {
    accessSync('/proc/timer_list', constants.R_OK);
    return false;
  } catch {
    return 'needs root to read /proc/timer_list (the kernel monotonic clock)';
  }
}

test(
  "Node's monotonic clock is the kernel's CLOCK_MONOTONIC (what bpf_ktime_get_ns uses)",
  { skip: timerListProblem() },
  () => {
    const before = monotonicNowNs();
    const text = readFileSync('/proc/timer_list', 'utf8');
    const after = monotonicNowNs();
    const m = /^now at (\d+) nsecs$/m.exec(text);
    assert.ok(m, 'timer_list has its "now at" line');
    const kernelNs = Number(m[1]);
    assert.ok(
      before <= kernelNs && kernelNs <= after,
      `kernel monotonic ${kernelNs} ns read between ${before} and ${after}`,
    );
  },
);

// The eBPF program stamps packets with CLOCK_MONOTONIC (bpf_ktime_get_ns). The helper reads
// the monotonic and the wall clock together right after each drain; that pair turns any
// monotonic stamp into wall time (a wall-clock step between drains only shifts by the step).
export interface ClockPair {
  monoNs: number;
  realNs: number;
}

/** Epoch milliseconds of a monotonic nanosecond stamp. */
export function monoToEpochMs(stampNs: number, ref: ClockPair): number {
  return Math.round((ref.realNs - (ref.monoNs - stampNs)) / 1e6);
}

/** CLOCK_MONOTONIC now, in ns (Node's hrtime uses the same clock on Linux). */
export function monotonicNowNs(): number {
  return Number(process.hrtime.bigint());
}

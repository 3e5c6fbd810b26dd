// Splits a long time range into intervals Loki accepts, newest first. Loki refuses a query whose
// end − start exceeds the tenant's max_query_length (default 721h = 30d1h) with a 400
// "the query time range exceeds the limit (query length: …, limit: …)"; the page allows 90
// days. Entries are read newest first, so the newest interval comes first; intervals are
// [start, end) like Loki's query_range and do not overlap, so no entry is read twice.

/** Loki's default max_query_length (limits_config, 721h). */
export const LOKI_DEFAULT_MAX_QUERY_LENGTH_MS = 721 * 3_600_000;

/**
 * The interval length used for a limit Loki stated: one second under it, as Loki compares
 * millisecond times, and never under a minute.
 */
export function intervalForLimitMs(limitMs: number): bigint {
  return BigInt(Math.max(60_000, Math.floor(limitMs) - 1000)) * 1_000_000n;
}

export interface Interval {
  startNs: bigint;
  endNs: bigint;
}

/** [startNs, endNs) in consecutive intervals of at most lengthNs, newest first. */
export function* newestFirstIntervals(startNs: bigint, endNs: bigint, lengthNs: bigint): Generator<Interval> {
  if (lengthNs <= 0n) throw new RangeError('interval length must be positive');
  for (let end = endNs; end > startNs; end -= lengthNs) {
    const start = end - lengthNs > startNs ? end - lengthNs : startNs;
    yield { startNs: start, endNs: end };
  }
}

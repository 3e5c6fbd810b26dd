// Parameters of query_range / labels, validated with Loki's rules and messages.
import { badParam } from '../errors.ts';
import { nowNs, parseQueryTime } from '../sqlite/timestamps.ts';
import { parseDurationNs } from '../query/metric-parse.ts';

export const DEFAULT_LIMIT = 100;
/** Loki's default max_entries_limit_per_query. */
export const MAX_ENTRIES_LIMIT = 5000;
const HOUR_NS = 3_600_000_000_000n;

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  if (!/^[+-]?\d+$/.test(raw)) throw badParam(`invalid limit: ${JSON.stringify(raw)} is not an integer`);
  const n = Number(raw);
  if (n <= 0) throw badParam('limit must be a positive value');
  if (n > MAX_ENTRIES_LIMIT) {
    throw badParam(
      `max entries limit per query exceeded, limit > max_entries_limit (${raw} > ${MAX_ENTRIES_LIMIT})`,
    );
  }
  return n;
}

export function parseDirection(raw: string | undefined): 'backward' | 'forward' {
  const d = (raw ?? 'backward').toLowerCase();
  if (d === 'backward' || d === 'forward') return d;
  throw badParam(`invalid direction: ${JSON.stringify(raw)} (use backward or forward)`);
}

/** start/end with Loki's defaults: end = now, start = end - `defaultSpan`. */
export function parseRange(
  startRaw: string | undefined,
  endRaw: string | undefined,
  defaultSpanNs: bigint = HOUR_NS,
): { start: bigint; end: bigint } {
  const end = parseQueryTime(endRaw, nowNs(), 'end');
  const start = parseQueryTime(startRaw, end - defaultSpanNs, 'start');
  if (end < start) throw badParam('end timestamp must not be before start time');
  return { start, end };
}

export const LABELS_DEFAULT_SPAN_NS = 6n * HOUR_NS;

/**
 * Loki's `step`: a duration (`30s`, `1m`) or (decimal) seconds; by default
 * max(floor((end - start) / 250 s), 1 s), as Loki chooses it.
 */
export function parseStep(raw: string | undefined, start: bigint, end: bigint): bigint {
  if (raw === undefined || raw === '') {
    const s = (end - start) / 250n / 1_000_000_000n;
    return (s > 1n ? s : 1n) * 1_000_000_000n;
  }
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw)) {
    const ns = BigInt(Math.round(Number(raw) * 1e9));
    if (ns <= 0n)
      throw badParam(
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    return ns;
  }
  const ns = parseDurationNs(raw);
  if (ns === null) throw badParam(`invalid step: cannot parse ${JSON.stringify(raw)} to a valid duration`);
  if (ns <= 0n)
    throw badParam('zero or negative query resolution step widths are not accepted. Try a positive integer');
  return ns;
}

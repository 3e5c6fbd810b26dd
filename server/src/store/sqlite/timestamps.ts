// Timestamps are nanoseconds since the epoch as BigInt (a JS number cannot hold them exactly).
import { badParam } from '../errors.ts';

export const NS_PER_MS = 1_000_000n;
export const MAX_NS = 9_223_372_036_854_775_807n;

export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

/**
 * Parses a query time the way Loki does: a decimal number with a dot is seconds (rounded to
 * ms), an integer of up to 10 digits is seconds, a longer integer is nanoseconds, otherwise
 * RFC3339 (with optional fractional seconds, kept to the nanosecond).
 */
export function parseQueryTime(value: string | undefined, def: bigint, param: string): bigint {
  if (value === undefined || value === '') return def;
  if (value.includes('.') && /^[+-]?\d*\.\d*(e[+-]?\d+)?$/i.test(value)) {
    const f = Number(value);
    if (Number.isFinite(f)) {
      const s = Math.trunc(f);
      const frac = Math.round((f - s) * 1000) / 1000;
      return BigInt(s) * 1_000_000_000n + BigInt(Math.round(frac * 1e9));
    }
  }
  if (/^[+-]?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n > MAX_NS || n < -MAX_NS)
      throw badParam(`invalid ${param}: ${JSON.stringify(value)} is out of range`);
    return value.replace(/^[+-]/, '').length <= 10 ? n * 1_000_000_000n : n;
  }
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value);
  if (m) {
    const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
    if (!Number.isNaN(ms)) return BigInt(ms) * NS_PER_MS + BigInt((m[2] ?? '').padEnd(9, '0'));
  }
  throw badParam(
    `invalid ${param}: cannot parse ${JSON.stringify(value)} as a timestamp (use ns, seconds or RFC3339)`,
  );
}

/** Push timestamps: a decimal string of nanoseconds, as Loki's JSON push API expects. */
export function parsePushTime(value: unknown): bigint | null {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value)) return null;
  const n = BigInt(value);
  return n > MAX_NS ? null : n;
}

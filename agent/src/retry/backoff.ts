// Exponential backoff with jitter. The ceiling doubles per failed attempt from `minMs` up to
// `maxMs`, and the delay is drawn uniformly between `minMs` and that ceiling: agents on every
// node that lost the store at the same moment then spread their retries instead of
// returning in lock-step.
export function backoffDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1), 30); // 2^30 × anything already exceeds maxMs
  const ceiling = Math.min(maxMs, minMs * 2 ** exponent);
  return Math.round(minMs + random() * (ceiling - minMs));
}

/** `Retry-After` as seconds or an HTTP date → milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

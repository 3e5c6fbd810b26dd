// When and how long to wait before asking Loki again. Reading is idempotent, so a query Loki
// could not answer because it was busy is safe to repeat: HTTP 429 (Loki's query frontend and
// scheduler answer "too many outstanding requests" when a tenant's queue is full), 500, 502, 503
// and 504 (a querier restarting or out of memory, a gateway with no ready backend, a query
// frontend timing out), and a connection the server reset. Nothing else is retried: a 4xx
// other than 429 is an answer (the query is wrong or over a limit), and a query that got no
// answer within INTERFLOW_LOKI_TIMEOUT would only wait that long again.
//
// Pauses grow exponentially with full jitter (AWS Architecture Blog, "Exponential Backoff And
// Jitter"), so many backends retrying at once spread out; a Retry-After header (seconds or an
// HTTP date, RFC 9110 §10.2.3), which gateways and proxies in front of Loki may send (Loki's
// own 429 carries none), is honoured when it is not longer than maxRetryAfterMs — beyond that
// the query fails at once with the server's own estimate in the message.

export interface RetryPolicy {
  /** Attempts after the first (INTERFLOW_LOKI_RETRIES); 0 disables retrying. */
  retries: number;
  /** First pause's upper bound; doubles with each attempt. */
  baseDelayMs: number;
  /** Upper bound of any computed pause. */
  maxDelayMs: number;
  /** The longest Retry-After that is waited for. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxRetryAfterMs: 30_000,
};

/** HTTP statuses that mean "busy, ask again" for a read. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Connection errors where the request may be repeated (the server closed a kept-alive socket). */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** The wait a Retry-After header asks for, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const v = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Full-jitter exponential backoff: uniform in [0, min(maxDelay, base × 2^attempt)]. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * cap);
}

/** Resolves after ms, or rejects with the signal's reason when it fires first. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

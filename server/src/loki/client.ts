// HTTP client for Loki's query API (a real Loki/LokiStack, or the embedded store, which
// speaks the same API — one code path). With the embedded store in this process the log
// queries of query_range skip HTTP (http/in-process-store.ts: the store's entries as objects,
// the same checks, paging, retries and errors); everything else still goes over HTTP. Every
// failure becomes a StoreUnavailableError that names the URL and what failed; a caller that
// goes away aborts the request. Queries Loki answers "busy" are asked again after a pause
// (retry.ts): still busy after every retry, a 429 becomes StoreOverloadedError; a 400 for one
// of Loki's limits becomes StoreLimitError (loki-limits.ts), which callers that can split the
// query catch.
import { Agent, request, type Dispatcher } from 'undici';
import {
  ClientGoneError,
  StoreLimitError,
  StoreOverloadedError,
  StoreUnavailableError,
  UnauthorizedError,
} from '../errors.ts';
import type { LokiAuthMode } from '../config/config.ts';
import { lokiLimitOf, type LokiLimit } from './loki-limits.ts';
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_CODES,
  RETRYABLE_STATUSES,
  backoffMs,
  pause,
  retryAfterMs,
  type RetryPolicy,
} from './retry.ts';
import { TokenFile } from './token.ts';

export interface LokiEntry {
  /** Nanoseconds since the epoch, as Loki sent it (may exceed 2^53). */
  ts: bigint;
  line: string;
  labels: Record<string, string>;
}

export interface CallOptions {
  /** The caller's Authorization header (INTERFLOW_LOKI_AUTH=forward). */
  authorization?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface QueryRangeParams extends CallOptions {
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction?: 'backward' | 'forward';
}

export interface LokiClientOptions {
  /** Base URL, or a function giving it (the embedded store's address is known only after listen). */
  baseUrl: string | (() => string);
  tenant?: string | undefined;
  auth: LokiAuthMode;
  tokenFile?: string | undefined;
  ca?: string | undefined;
  timeoutMs: number;
  /** Talking to ourselves over TLS on loopback: our serving certificate is not issued for 127.0.0.1. */
  trustSelfOnLoopback?: boolean;
  /** Told about every query_range call (metrics). */
  onQueryRange?: (seconds: number, ok: boolean) => void;
  /** Retries of busy answers (default DEFAULT_RETRY_POLICY). */
  retry?: RetryPolicy;
  /** Told about every retry: the HTTP status or error code that caused it (metrics). */
  onRetry?: (cause: string) => void;
  /** The embedded store of this process: log queries of query_range are read from it directly. */
  inProcess?: InProcessLogQueries | undefined;
}

/** A log query for a store in this process (http/in-process-store.ts). */
export interface InProcessQuery {
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: 'backward' | 'forward';
  signal: AbortSignal;
}

/** A store in this process answering log queries of query_range without HTTP. */
export interface InProcessLogQueries {
  /** The entries, stream after stream as Loki's answer lists them; throws InProcessRefusal or NotStreamsAnswer. */
  queryRange(p: InProcessQuery): Promise<LokiEntry[]>;
}

/** What a store in this process answers instead of entries: the status and text of its HTTP answer. */
export class InProcessRefusal extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** A query_range answer that is not a streams result (a metric query sent as a log query). */
export class NotStreamsAnswer extends Error {}

/** Loki refused a query for a limit; `limit` says which (callers split a too long range). */
export class LokiLimitRefusal extends StoreLimitError {
  constructor(
    readonly limit: LokiLimit,
    advice: string,
  ) {
    super(limit.text, advice);
  }
}

const LIMIT_ADVICE: Record<LokiLimit['kind'], string> = {
  max_query_length:
    "Choose a shorter time range (Loki's max_query_length), or ask its operator to raise the limit",
  max_entries:
    "INTERFLOW_LOKI_MAX_ENTRIES is above Loki's max_entries_limit_per_query: set it to Loki's value",
  max_series: 'Narrow the time range or add filters so fewer series match',
  max_bytes: 'Narrow the time range or add filters so the query reads less',
};

/** A busy answer, retried by send() and turned into the caller's error when retries run out. */
class BusyAnswer extends Error {
  constructor(
    readonly reason: string,
    readonly status: number | undefined,
    readonly detail: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(detail);
  }
}

interface LokiStreamsBody {
  status?: string;
  data?: {
    resultType?: string;
    result?: Array<{ stream?: Record<string, string>; values?: Array<[string, string]> }>;
  };
}

/** One series of a metric query: its labels and [seconds, value] points. */
export interface LokiSeries {
  metric: Record<string, string>;
  values: { tSeconds: number; value: number }[];
}

export interface MetricQueryParams extends CallOptions {
  query: string;
  startNs: bigint;
  endNs: bigint;
  stepMs: number;
}

const MAX_ERROR_BODY = 300;

export class LokiClient {
  private readonly dispatcher: Dispatcher;
  private readonly tokenFile: TokenFile | undefined;

  constructor(private readonly opts: LokiClientOptions) {
    this.dispatcher = new Agent({
      connect: {
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.trustSelfOnLoopback ? { rejectUnauthorized: false } : {}),
      },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 10_000,
    });
    this.tokenFile = opts.tokenFile ? new TokenFile(opts.tokenFile) : undefined;
  }

  get url(): string {
    return typeof this.opts.baseUrl === 'string' ? this.opts.baseUrl : this.opts.baseUrl();
  }

  /** Entries of every stream, newest first (or oldest first for direction=forward). */
  async queryRange(p: QueryRangeParams): Promise<LokiEntry[]> {
    const started = performance.now();
    let ok = false;
    try {
      const entries = await this.queryRangeOnce(p);
      ok = true;
      return entries;
    } finally {
      this.opts.onQueryRange?.((performance.now() - started) / 1000, ok);
    }
  }

  private async queryRangeOnce(p: QueryRangeParams): Promise<LokiEntry[]> {
    const direction = p.direction ?? 'backward';
    if (this.opts.inProcess) return inAnswerOrder(await this.queryRangeInProcess(p, direction), direction);
    const body = (await this.getJson(
      '/loki/api/v1/query_range',
      {
        query: p.query,
        start: p.startNs.toString(),
        end: p.endNs.toString(),
        limit: String(p.limit),
        direction,
      },
      p,
    )) as LokiStreamsBody;
    const result = body?.data?.result;
    if (body?.status !== 'success' || !Array.isArray(result)) {
      throw new StoreUnavailableError(this.url, 'query_range answered without a streams result');
    }
    const entries: LokiEntry[] = [];
    for (const s of result) {
      const labels = s.stream ?? {};
      for (const v of s.values ?? []) {
        if (
          !Array.isArray(v) ||
          typeof v[0] !== 'string' ||
          typeof v[1] !== 'string' ||
          !/^\d+$/.test(v[0])
        ) {
          throw new StoreUnavailableError(this.url, 'query_range answered with a malformed entry');
        }
        entries.push({ ts: BigInt(v[0]), line: v[1], labels });
      }
    }
    return inAnswerOrder(entries, direction);
  }

  /** query_range of the store in this process: the HTTP path's retries and errors, no HTTP. */
  private queryRangeInProcess(p: QueryRangeParams, direction: 'backward' | 'forward'): Promise<LokiEntry[]> {
    const store = this.opts.inProcess!;
    return this.withRetries(p, true, async () => {
      // As over HTTP: forward mode without the caller's credentials is refused, and an
      // unreadable token file is an error, though the store in this process reads neither.
      await this.headers(p);
      const timeout = AbortSignal.timeout(this.opts.timeoutMs);
      const signal = p.signal ? AbortSignal.any([p.signal, timeout]) : timeout;
      let entries: LokiEntry[];
      try {
        entries = await store.queryRange({ ...p, direction, signal });
      } catch (e) {
        if (p.signal?.aborted) throw new ClientGoneError();
        if (e instanceof NotStreamsAnswer)
          throw new StoreUnavailableError(this.where(), 'query_range answered without a streams result');
        // What the store's HTTP API answers for this refusal, read as its answer would be.
        if (e instanceof InProcessRefusal) throw this.answerError('query_range', e.status, e.text, undefined);
        throw new BusyAnswer(
          '500',
          500,
          `query_range failed in the embedded store: ${(e as Error).message}`,
          undefined,
        );
      }
      // The store stops a scan whose signal fired and returns what it read so far.
      if (p.signal?.aborted) throw new ClientGoneError();
      if (timeout.aborted)
        throw new StoreUnavailableError(
          this.where(),
          `query_range got no answer within ${this.opts.timeoutMs} ms`,
        );
      return entries;
    });
  }

  /** A metric query's matrix (Loki's `resultType: "matrix"`). */
  async metricQuery(p: MetricQueryParams): Promise<LokiSeries[]> {
    const started = performance.now();
    let ok = false;
    try {
      const body = (await this.getJson(
        '/loki/api/v1/query_range',
        {
          query: p.query,
          start: p.startNs.toString(),
          end: p.endNs.toString(),
          step: `${p.stepMs}ms`,
        },
        p,
      )) as { status?: string; data?: { resultType?: string; result?: unknown } };
      const result = body?.data?.result;
      if (body?.status !== 'success' || body.data?.resultType !== 'matrix' || !Array.isArray(result)) {
        throw new StoreUnavailableError(this.url, 'query_range answered a metric query without a matrix');
      }
      const series: LokiSeries[] = [];
      for (const s of result as { metric?: Record<string, string>; values?: unknown[] }[]) {
        const values: LokiSeries['values'] = [];
        for (const v of s.values ?? []) {
          if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'string')
            throw new StoreUnavailableError(this.url, 'query_range answered with a malformed sample');
          values.push({ tSeconds: v[0], value: Number(v[1]) });
        }
        series.push({ metric: s.metric ?? {}, values });
      }
      ok = true;
      return series;
    } finally {
      this.opts.onQueryRange?.((performance.now() - started) / 1000, ok);
    }
  }

  async labelValues(
    name: string,
    p: CallOptions & { startNs: bigint; endNs: bigint; query?: string },
  ): Promise<string[]> {
    const params: Record<string, string> = { start: p.startNs.toString(), end: p.endNs.toString() };
    if (p.query) params.query = p.query;
    const body = (await this.getJson(`/loki/api/v1/label/${encodeURIComponent(name)}/values`, params, p)) as {
      status?: string;
      data?: unknown;
    };
    if (body?.status !== 'success')
      throw new StoreUnavailableError(this.url, 'label values answered without success');
    const data = body.data ?? [];
    if (!Array.isArray(data) || !data.every((v) => typeof v === 'string')) {
      throw new StoreUnavailableError(
        this.url,
        'label values answered with something other than a list of strings',
      );
    }
    return data as string[];
  }

  /**
   * Resolves when the store answers. The embedded store has /ready; a Loki behind a gateway
   * may not expose it, so there the labels API is asked. In forward mode there is no caller's
   * token to send: the request goes out without credentials, and only the gateway's own HTTP
   * 401/403 answer counts as "up" (a connection error or a timeout does not).
   */
  async ready(embedded: boolean, signal?: AbortSignal): Promise<void> {
    if (embedded) {
      await this.send('/ready', {}, { signal }, false, false);
      return;
    }
    const now = BigInt(Date.now()) * 1_000_000n;
    try {
      await this.send(
        '/loki/api/v1/labels',
        { start: (now - 300_000_000_000n).toString(), end: now.toString() },
        { signal },
        this.opts.auth !== 'forward',
        false,
      );
    } catch (e) {
      // Thrown by send() only for an HTTP 401/403 that Loki really sent.
      if (e instanceof UnauthorizedError && this.opts.auth === 'forward') return;
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async headers(call: CallOptions): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (this.opts.tenant) h['x-scope-orgid'] = this.opts.tenant;
    if (this.opts.auth === 'host' && this.tokenFile) {
      try {
        h.authorization = `Bearer ${await this.tokenFile.token()}`;
      } catch (e) {
        throw new StoreUnavailableError(this.where(), `cannot read the token file: ${(e as Error).message}`);
      }
    } else if (this.opts.auth === 'forward') {
      if (!call.authorization) throw new UnauthorizedError();
      h.authorization = call.authorization;
    }
    return h;
  }

  private async getJson(path: string, params: Record<string, string>, call: CallOptions): Promise<unknown> {
    const text = await this.send(path, params, call, true);
    try {
      return JSON.parse(text);
    } catch {
      throw new StoreUnavailableError(this.url, `${path} answered with something that is not JSON`);
    }
  }

  private send(
    path: string,
    params: Record<string, string>,
    call: CallOptions,
    withAuth: boolean,
    retry = true,
  ): Promise<string> {
    return this.withRetries(call, retry, () => this.sendOnce(path, params, call, withAuth));
  }

  /** Runs attempt until it gives anything but a busy answer, or the retries run out. */
  private async withRetries<T>(call: CallOptions, retry: boolean, attempt: () => Promise<T>): Promise<T> {
    const policy = retry
      ? (this.opts.retry ?? DEFAULT_RETRY_POLICY)
      : { ...DEFAULT_RETRY_POLICY, retries: 0 };
    const started = performance.now();
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof BusyAnswer)) throw e;
        const wanted = e.retryAfterMs;
        const tooLong = wanted !== undefined && wanted > policy.maxRetryAfterMs;
        if (n >= policy.retries || tooLong) throw this.exhausted(e, n + 1, started);
        this.opts.onRetry?.(e.reason);
        try {
          await pause(wanted ?? backoffMs(n, policy), call.signal);
        } catch {
          throw new ClientGoneError();
        }
      }
    }
  }

  /** The error of a busy answer after the last attempt. */
  private exhausted(e: BusyAnswer, attempts: number, started: number): Error {
    const over = `${attempts} attempt${attempts === 1 ? '' : 's'} over ${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (e.status === 429) {
      const seconds = Math.max(1, Math.ceil((e.retryAfterMs ?? 30_000) / 1000));
      return new StoreOverloadedError(this.where(), `${e.detail} (${over})`, seconds);
    }
    return new StoreUnavailableError(this.where(), `${e.detail} (${over})`);
  }

  private async sendOnce(
    path: string,
    params: Record<string, string>,
    call: CallOptions,
    withAuth: boolean,
  ): Promise<string> {
    const base = this.url;
    const url = `${base}${path}${Object.keys(params).length ? `?${new URLSearchParams(params)}` : ''}`;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const what = path.replace(/^\/loki\/api\/v1\//, '').replace(/\/values$/, ' values');
    let res: Dispatcher.ResponseData;
    try {
      const headers = withAuth ? await this.headers(call) : { accept: 'application/json' };
      res = await request(url, { method: 'GET', headers, dispatcher: this.dispatcher, signal });
    } catch (e) {
      throw this.failure(e, what, call.signal, timeout);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (e) {
      throw this.failure(e, what, call.signal, timeout);
    }
    if (res.statusCode < 200 || res.statusCode >= 300)
      throw this.answerError(what, res.statusCode, text, res.headers['retry-after']);
    return text;
  }

  /** The error of an answer with a status that is not 2xx (text: the answer's body). */
  private answerError(
    what: string,
    status: number,
    text: string,
    retryAfter: string | string[] | undefined,
  ): Error {
    const base = this.where();
    if (status === 401 || status === 403) {
      if (this.opts.auth === 'forward')
        return new UnauthorizedError(`Loki at ${base} refused the forwarded credentials (HTTP ${status})`);
      return new StoreUnavailableError(
        base,
        `${what} was refused (HTTP ${status}): check INTERFLOW_LOKI_AUTH / INTERFLOW_LOKI_TOKEN_FILE`,
      );
    }
    const detail = text.trim().slice(0, MAX_ERROR_BODY);
    const answered = `${what} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (RETRYABLE_STATUSES.has(status))
      return new BusyAnswer(String(status), status, answered, retryAfterMs(retryAfter));
    if (status === 400) {
      const limit = lokiLimitOf(text.slice(0, MAX_ERROR_BODY));
      if (limit) return new LokiLimitRefusal(limit, LIMIT_ADVICE[limit.kind]);
    }
    return new StoreUnavailableError(base, answered);
  }

  /** The store's URL for messages; the embedded store has one only once it listens. */
  private where(): string {
    try {
      return this.url;
    } catch {
      return 'the embedded store';
    }
  }

  private failure(
    e: unknown,
    what: string,
    callerSignal: AbortSignal | undefined,
    timeout: AbortSignal,
  ): Error {
    if (e instanceof StoreUnavailableError || e instanceof UnauthorizedError || e instanceof BusyAnswer)
      return e;
    if (callerSignal?.aborted) return new ClientGoneError();
    if (timeout.aborted)
      return new StoreUnavailableError(this.url, `${what} got no answer within ${this.opts.timeoutMs} ms`);
    const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = err.code ?? err.cause?.code;
    const msg = err.cause?.message ?? err.message;
    const detail = `${what} failed: ${code ? `${code} ` : ''}${msg}`;
    if (code && RETRYABLE_CODES.has(code)) return new BusyAnswer(code, undefined, detail, undefined);
    return new StoreUnavailableError(this.url, detail);
  }
}

/**
 * The entries of a page newest first (backward) or oldest first (forward) across streams.
 * Loki orders the entries of each stream, not the streams: the page is sorted unless its
 * entries already come in order (one stream, say). The sort is stable: ties keep the answer's
 * order.
 */
function inAnswerOrder(entries: LokiEntry[], direction: 'backward' | 'forward'): LokiEntry[] {
  const backward = direction === 'backward';
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1]!.ts;
    const b = entries[i]!.ts;
    if (backward ? b > a : b < a) {
      const sign = backward ? -1 : 1;
      return entries.sort((x, y) => (x.ts === y.ts ? 0 : x.ts < y.ts ? -sign : sign));
    }
  }
  return entries;
}

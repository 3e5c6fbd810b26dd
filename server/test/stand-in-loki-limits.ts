// Test support: a stand-in Loki that answers like a real Loki under load and at its limits, on
// top of stand-in-loki.ts (a real HTTP server answering query_range from an in-memory list).
// What it says and how, from Loki's source (grafana/loki, checked 2026-12):
//  - max_query_length: a log or metric query whose end − start (compared in ms) exceeds the
//    limit gets 400, text/plain, `the query time range exceeds the limit (query length: <Go
//    time.Duration>, limit: <model.Duration>)` (pkg/util/validation/validate.go ErrQueryTooLong,
//    pkg/querier/queryrange/limits.go; written by pkg/util/server/error.go WriteError);
//  - a full query queue: 429 `too many outstanding requests` (pkg/queue/queue.go
//    ErrTooManyRequests, pkg/lokifrontend/frontend/v1/frontend.go); Loki sends no Retry-After,
//    a gateway in front of it may (`retryAfter` below);
//  - 5xx: whatever a failing querier or gateway answers (`failures` below).
import type { ServerResponse } from 'node:http';
import { startStandInLoki, type StandInLoki } from './stand-in-loki.ts';

export interface ScriptedFailure {
  status: number;
  body: string;
  retryAfter?: string;
}

export interface StandInLimitedLoki extends StandInLoki {
  /** Loki's max_query_length in ms (0 = none). */
  maxQueryLengthMs: number;
  /** Answers for the next query_range calls, in order, before any real answer. */
  failures: ScriptedFailure[];
  /** query_range calls refused for max_query_length. */
  refusedForLength: number;
  /** [start, end) in ns of every query_range call answered with entries. */
  answeredRanges: Array<[bigint, bigint]>;
}

/** Go's time.Duration.String() for whole milliseconds: `72h0m0s`, `1h0m0.5s`, `1.5s`, `0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${s}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return ms < 1000 ? `${ms}ms` : sec;
}

/** Prometheus model.Duration.String(): `30d1h`, `1d`, `2w` (years and weeks only when exact). */
export function modelDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  const unit = (name: string, mult: number, exact: boolean): void => {
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${name}`;
      rest -= v * mult;
    }
  };
  unit('y', 365 * 86_400_000, true);
  unit('w', 7 * 86_400_000, true);
  unit('d', 86_400_000, false);
  unit('h', 3_600_000, false);
  unit('m', 60_000, false);
  unit('s', 1000, false);
  unit('ms', 1, false);
  return out;
}

const text = (
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): true => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
  return true;
};

export async function startStandInLimitedLoki(): Promise<StandInLimitedLoki> {
  const base = await startStandInLoki();
  const s = Object.assign(base, {
    maxQueryLengthMs: 0,
    failures: [] as ScriptedFailure[],
    refusedForLength: 0,
    answeredRanges: [] as Array<[bigint, bigint]>,
  });
  s.handler = (_req, res, rec) => {
    if (rec.path !== '/loki/api/v1/query_range') return false;
    const failure = s.failures.shift();
    if (failure)
      return text(
        res,
        failure.status,
        failure.body,
        failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
      );
    const start = BigInt(rec.params.get('start') ?? '0');
    const end = BigInt(rec.params.get('end') ?? '0');
    // Loki compares the range in milliseconds (limits.go: timestamp.Time(UnixMilli)).
    const lengthMs = Number(end / 1_000_000n - start / 1_000_000n);
    if (s.maxQueryLengthMs > 0 && lengthMs > s.maxQueryLengthMs) {
      s.refusedForLength++;
      return text(
        res,
        400,
        `the query time range exceeds the limit (query length: ${goDuration(lengthMs)}, limit: ${modelDuration(s.maxQueryLengthMs)})`,
      );
    }
    s.answeredRanges.push([start, end]);
    return false; // the stand-in's own answer from its entries
  };
  return s;
}

// Loki's limit refusals are recognised from Loki's own message templates; durations read as
// Prometheus model.Duration and Go time.Duration write them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lokiLimitOf, parseLokiDuration } from './loki-limits.ts';
import { backoffMs, DEFAULT_RETRY_POLICY, retryAfterMs } from './retry.ts';
import { newestFirstIntervals } from '../flows/export-intervals.ts';

test('durations as Loki writes them', () => {
  assert.equal(parseLokiDuration('30d1h'), 721 * 3_600_000);
  assert.equal(parseLokiDuration('721h0m0s'), 721 * 3_600_000);
  assert.equal(parseLokiDuration('1h0m0.5s'), 3_600_500);
  assert.equal(parseLokiDuration('2w'), 14 * 86_400_000);
  assert.equal(parseLokiDuration('250ms'), 250);
  assert.equal(parseLokiDuration('soon'), undefined);
  assert.equal(parseLokiDuration(''), undefined);
});

test("Loki's limit messages", () => {
  assert.deepEqual(
    lokiLimitOf('the query time range exceeds the limit (query length: 2160h0m0s, limit: 30d1h)\n'),
    {
      kind: 'max_query_length',
      limitMs: 721 * 3_600_000,
      text: 'the query time range exceeds the limit (query length: 2160h0m0s, limit: 30d1h)',
    },
  );
  assert.equal(
    lokiLimitOf('max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)')
      ?.kind,
    'max_entries',
  );
  assert.equal(
    lokiLimitOf('maximum number of series (500) reached for a single query; consider …')?.kind,
    'max_series',
  );
  assert.equal(lokiLimitOf('parse error at line 1, col 2: syntax error'), undefined);
});

test('Retry-After in seconds or as an HTTP date; backoff within its cap', () => {
  assert.equal(retryAfterMs('3'), 3000);
  assert.equal(
    retryAfterMs(new Date(Date.UTC(2026, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2026, 0, 1)),
    10_000,
  );
  assert.equal(retryAfterMs('later'), undefined);
  assert.equal(retryAfterMs(undefined), undefined);
  for (let a = 0; a < 8; a++) {
    const cap = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** a);
    assert.equal(
      backoffMs(a, DEFAULT_RETRY_POLICY, () => 1),
      cap,
    );
    assert.equal(
      backoffMs(a, DEFAULT_RETRY_POLICY, () => 0),
      0,
    );
  }
});

test('intervals cover the range newest first, without overlap', () => {
  assert.deepEqual(
    [...newestFirstIntervals(0n, 25n, 10n)].map((i) => [i.startNs, i.endNs]),
    [
      [15n, 25n],
      [5n, 15n],
      [0n, 5n],
    ],
  );
  assert.deepEqual([...newestFirstIntervals(5n, 5n, 10n)], []);
});

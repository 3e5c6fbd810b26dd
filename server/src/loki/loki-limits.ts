// Reads Loki's refusals of a query for a limit, from the text Loki answers with (a 400, plain
// text). The messages are Loki's own templates (grafana/loki pkg/util/validation/validate.go and
// pkg/querier/queryrange/limits.go), matched on their fixed text before the first value, as
// Loki's own pkg/util/server/error.go classifies them:
//   the query time range exceeds the limit (query length: 2160h0m0s, limit: 30d1h)
//   max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)
//   maximum number of series (500) reached for a single query; …
//   the query would read too many bytes (query: 1.2 TB, limit: 500 GB); …
// `query length` is a Go time.Duration (`2160h0m0s`), `limit` a Prometheus model.Duration
// (`30d1h`, `721h`, `1w`).

export type LokiLimit =
  | { kind: 'max_query_length'; limitMs: number | undefined; text: string }
  | { kind: 'max_entries'; text: string }
  | { kind: 'max_series'; text: string }
  | { kind: 'max_bytes'; text: string };

const UNIT_MS: Record<string, number> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};

/** A Prometheus model.Duration or Go time.Duration (`30d1h`, `721h0m0s`, `1.5h`) in ms. */
export function parseLokiDuration(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|us|µs|ns|y|w|d|h|m|s))+$/.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|y|w|d|h|m|s)/g))
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** The limit a Loki 400 answer is about, or undefined when it is about something else. */
export function lokiLimitOf(body: string): LokiLimit | undefined {
  const text = body.trim();
  const length = /the query time range exceeds the limit \(query length: [^,]*, limit: ([^)]*)\)/.exec(text);
  if (length) return { kind: 'max_query_length', limitMs: parseLokiDuration(length[1]!), text };
  if (text.includes('the query time range exceeds the limit'))
    return { kind: 'max_query_length', limitMs: undefined, text };
  if (text.includes('max entries limit per query exceeded')) return { kind: 'max_entries', text };
  if (text.includes('maximum number of series')) return { kind: 'max_series', text };
  if (
    text.includes('the query would read too many bytes') ||
    text.includes('too large to execute on a single querier')
  )
    return { kind: 'max_bytes', text };
  return undefined;
}

// Helpers of the tests comparing the store's two ways of answering a metric query: from the
// column index (query/metric-fast-path.ts) and by reading every line (the pipeline). Each query
// runs both ways on the same store; the answers (or errors) must be identical once serialised.
import { parseFilters, type Filter, type MatchMode } from '@interflow/contract';
import { histogramStepMs, OverviewService } from '../src/flows/overview-service.ts';
import type { LabelMatcher } from '../src/logql/ast.ts';
import { parseQuery } from '../src/store/query/query-parse.ts';
import type { MetricQuery } from '../src/store/query/logql-ast.ts';
import { openStore, type EmbeddedStore } from '../src/store/sqlite/sqlite-store.ts';

export interface Case {
  query: string;
  start: bigint;
  end: bigint;
  stepNs: bigint;
}

/** What the index answered and how (the plan fields of MetricResult), and what the pipeline answered. */
export interface Compared {
  fast: string;
  slow: string;
  answeredBy: string | null;
  chunksSummed: number;
  chunksSkipped: number;
  seriesTables: string[];
}

export async function both(store: EmbeddedStore, c: Case): Promise<Compared> {
  const query = (parseQuery(c.query) as { query: MetricQuery }).query;
  const run = async (pipelineOnly: boolean): Promise<Omit<Compared, 'slow'>> => {
    try {
      const r = await store.metricQuery({
        query,
        start: c.start,
        end: c.end,
        stepNs: c.stepNs,
        pipelineOnly,
      });
      return {
        fast: JSON.stringify(r.result),
        answeredBy: r.answeredBy,
        chunksSummed: r.chunksSummed ?? 0,
        chunksSkipped: r.chunksSkipped ?? 0,
        seriesTables: r.seriesTables ?? [],
      };
    } catch (err) {
      const error = `error: ${(err as Error).message}`;
      return { fast: error, answeredBy: null, chunksSummed: 0, chunksSkipped: 0, seriesTables: [] };
    }
  };
  const fast = await run(false);
  const slow = await run(true);
  return { ...fast, slow: slow.fast };
}

export function openLoaded(
  dir: string,
  opts: { retentionMs?: number; maxBytes?: number } = {},
): EmbeddedStore {
  const store = openStore({ dataDir: dir, retentionMs: opts.retentionMs ?? 0, maxBytes: opts.maxBytes ?? 0 });
  store.columnIndex.loadNow();
  return store;
}

const MS = 1_000_000n;

/**
 * The overview's own queries as OverviewService renders them for the embedded store (no slot
 * line filters), at the times it asks them: the histogram over the window in buckets, the rest
 * once at its end over the whole window. `namespaces`: a caller restricted to those; `filters`
 * as the page's URL writes them, or as parsed (values parseFilters would refuse).
 */
export function serviceCases(
  filters: string | Filter[],
  namespaces: string[] | undefined,
  startNs: bigint,
  endNs: bigint,
  selector: LabelMatcher[] = [
    { label: 'app', op: '=', value: 'interflow' },
    { label: 'kind', op: '=', value: 'flow' },
  ],
  match: MatchMode = 'all',
): Case[] {
  const service = new OverviewService(
    null as never, // only renders queries: no Loki client needed
    selector,
    { slotLineFilters: false },
  );
  const req = {
    filters: typeof filters === 'string' ? parseFilters(filters) : filters,
    match,
    window: { startNs, endNs },
  };
  const rangeMs = Number((endNs - startNs) / MS);
  const whole = (query: string): Case => ({ query, start: endNs, end: endNs, stepNs: BigInt(rangeMs) * MS });
  const stepMs = histogramStepMs(rangeMs);
  const n = Math.max(1, Math.ceil(rangeMs / stepMs));
  const histogram = (metric: 'bytes' | 'records'): Case => ({
    query: service.histogramQuery(req, metric, stepMs, namespaces),
    start: startNs + BigInt(stepMs) * MS,
    end: startNs + BigInt(n * stepMs) * MS,
    stepNs: BigInt(stepMs) * MS,
  });
  const cases = [
    histogram('bytes'),
    histogram('records'),
    whole(service.totalQuery(req, 'packets', rangeMs, namespaces)),
    whole(service.overflowQuery(req, rangeMs, namespaces)),
  ];
  for (const slot of [0, 1, 2, 3])
    cases.push(whole(service.interfaceQuery(req, 'bytes', slot, rangeMs, namespaces)));
  for (const metric of ['records', 'bytes'] as const)
    for (const q of service.pairsQueries(req, metric, rangeMs, namespaces)) cases.push(whole(q));
  return cases;
}

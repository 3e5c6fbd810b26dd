// Streams every entry of LogQL queries over a time range, newest first, paging past Loki's
// per-query limit by moving the end time backwards. Entries at the boundary timestamp of a
// page are asked for again (the end moves to that timestamp + 1 ns) and de-duplicated, so a
// page cut in the middle of one timestamp loses nothing. Several queries (match=any) are
// merged newest first and de-duplicated. A range longer than Loki's max_query_length is read
// in intervals (export-intervals.ts), newest first; when Loki states a shorter limit than
// configured, the rest of the range is split by Loki's limit. Entries come page by page
// (streamEntryPages) so consumers handle a page per turn, not an entry.
import { LokiLimitRefusal, type LokiClient, type LokiEntry } from '../loki/client.ts';
import {
  intervalForLimitMs,
  LOKI_DEFAULT_MAX_QUERY_LENGTH_MS,
  newestFirstIntervals,
} from './export-intervals.ts';

export interface StreamOptions {
  startNs: bigint;
  endNs: bigint;
  pageSize: number;
  authorization?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Ask for the next page while the current one is consumed (exports). */
  prefetch?: boolean;
  /** Longest range of one query (Loki's max_query_length); default Loki's 721h. */
  maxQueryLengthMs?: number | undefined;
  /** Counts query_range calls, for the stats of /api/flows and metrics. */
  onQuery?: () => void;
  /** Called with the entries of every page Loki answered (exports count what they hold). */
  onPage?: (entries: number) => void;
  /** Called when more than pageSize entries share one timestamp and some had to be skipped. */
  onTimestampOverflow?: (ts: bigint) => void;
}

const entryKey = (e: LokiEntry): string => `${e.ts}\u0000${e.line}`;

/** Pages of one query over every interval of the range, newest first. */
async function* queryPages(client: LokiClient, query: string, o: StreamOptions): AsyncGenerator<LokiEntry[]> {
  let lengthNs = BigInt(o.maxQueryLengthMs ?? LOKI_DEFAULT_MAX_QUERY_LENGTH_MS) * 1_000_000n;
  let rest = o.endNs; // everything in [startNs, rest) is still to read
  for (;;) {
    let split = false;
    for (const interval of newestFirstIntervals(o.startNs, rest, lengthNs)) {
      let given = false;
      try {
        for await (const page of pageQuery(client, query, { ...o, ...interval })) {
          given = true;
          yield page;
        }
      } catch (e) {
        // Loki's own limit is shorter than ours: split what is left by it (once per limit).
        // Loki checks the range of each query, so only an interval's first page is refused.
        const limitMs =
          e instanceof LokiLimitRefusal && e.limit.kind === 'max_query_length' ? e.limit.limitMs : undefined;
        if (given || limitMs === undefined || intervalForLimitMs(limitMs) >= lengthNs) throw e;
        lengthNs = intervalForLimitMs(limitMs);
        rest = interval.endNs;
        split = true;
        break;
      }
      rest = interval.startNs;
    }
    if (!split) return;
  }
}

/**
 * Pages of one query over one interval. A page that fails before any entry of the interval was
 * given out is thrown as is, so queryPages can split the interval and start over.
 */
async function* pageQuery(client: LokiClient, query: string, o: StreamOptions): AsyncGenerator<LokiEntry[]> {
  let end = o.endNs;
  let boundaryTs: bigint | undefined;
  let boundaryKeys = new Set<string>();
  const fetchPage = async (endNs: bigint): Promise<LokiEntry[]> => {
    o.onQuery?.();
    const page = await client.queryRange({
      query,
      startNs: o.startNs,
      endNs,
      limit: o.pageSize,
      direction: 'backward',
      authorization: o.authorization,
      signal: o.signal,
    });
    o.onPage?.(page.length);
    return page;
  };
  // A prefetched page nobody awaits must not become an unhandled rejection.
  const settle = (p: Promise<LokiEntry[]> | undefined): void => void p?.catch(() => {});
  let next: Promise<LokiEntry[]> | undefined;
  try {
    let page = await fetchPage(end);
    for (;;) {
      const fresh = page.filter(
        (e) =>
          boundaryTs === undefined ||
          e.ts < boundaryTs ||
          (e.ts === boundaryTs && !boundaryKeys.has(entryKey(e))),
      );
      let more = false;
      if (page.length >= o.pageSize) {
        const oldest = page[page.length - 1]!.ts;
        if (fresh.length === 0) {
          // More entries share `oldest` than fit in one page: Loki cannot page inside a
          // timestamp, so skip past it rather than loop forever.
          o.onTimestampOverflow?.(oldest);
          end = oldest;
          boundaryTs = undefined;
          boundaryKeys = new Set();
        } else {
          const keys = oldest === boundaryTs ? boundaryKeys : new Set<string>();
          for (const e of page) if (e.ts === oldest) keys.add(entryKey(e));
          boundaryTs = oldest;
          boundaryKeys = keys;
          end = oldest + 1n;
        }
        more = end > o.startNs;
      }
      if (more && o.prefetch) settle((next = fetchPage(end)));
      if (fresh.length > 0) yield fresh;
      if (!more) return;
      page = await (next ?? fetchPage(end));
      next = undefined;
    }
  } finally {
    settle(next);
  }
}

/** Every entry of every query, newest first, each (timestamp, line) once. */
export async function* streamEntries(
  client: LokiClient,
  queries: string[],
  o: StreamOptions,
): AsyncGenerator<LokiEntry> {
  for await (const page of streamEntryPages(client, queries, o)) yield* page;
}

/**
 * The same entries in pages: Loki's pages for one query; for several, the merge in pages of at
 * most pageSize entries.
 */
export async function* streamEntryPages(
  client: LokiClient,
  queries: string[],
  o: StreamOptions,
): AsyncGenerator<LokiEntry[]> {
  if (queries.length === 1) {
    yield* queryPages(client, queries[0]!, o);
    return;
  }
  let page: LokiEntry[] = [];
  for await (const e of mergeQueries(client, queries, o)) {
    page.push(e);
    if (page.length >= o.pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

async function* flatten(pages: AsyncGenerator<LokiEntry[]>): AsyncGenerator<LokiEntry> {
  for await (const page of pages) yield* page;
}

/** Several queries merged newest first, each (timestamp, line) once. */
async function* mergeQueries(
  client: LokiClient,
  queries: string[],
  o: StreamOptions,
): AsyncGenerator<LokiEntry> {
  const sources = queries.map((q) => flatten(queryPages(client, q, o)));
  try {
    const heads = await Promise.all(sources.map((s) => s.next()));
    let currentTs: bigint | undefined;
    const seenAtTs = new Set<string>();
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (!h.done && (best < 0 || h.value.ts > (heads[best]!.value as LokiEntry).ts)) best = i;
      }
      if (best < 0) return;
      const entry = heads[best]!.value as LokiEntry;
      heads[best] = await sources[best]!.next();
      if (entry.ts !== currentTs) {
        currentTs = entry.ts;
        seenAtTs.clear();
      }
      const key = entryKey(entry);
      if (seenAtTs.has(key)) continue;
      seenAtTs.add(key);
      yield entry;
    }
  } finally {
    await Promise.allSettled(sources.map((s) => s.return(undefined)));
  }
}

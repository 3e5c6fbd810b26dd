// Streams every entry of LogQL queries over a time range, newest first, paging past Loki's
// per-query limit by moving the end time backwards. Entries at the boundary timestamp of a
// page are asked for again (the end moves to that timestamp + 1 ns) and de-duplicated, so a
// page cut in the middle of one timestamp loses nothing. Several queries (match=any) are
// merged newest first and de-duplicated.
import type { LokiClient, LokiEntry } from '../loki/client.ts';

export interface StreamOptions {
  startNs: bigint;
  endNs: bigint;
  pageSize: number;
  authorization?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Ask for the next page while the current one is consumed (exports). */
  prefetch?: boolean;
  /** Counts query_range calls, for the stats of /api/flows and metrics. */
  onQuery?: () => void;
  /** Called when more than pageSize entries share one timestamp and some had to be skipped. */
  onTimestampOverflow?: (ts: bigint) => void;
}

const entryKey = (e: LokiEntry): string => `${e.ts}\u0000${e.line}`;

async function* pageQuery(client: LokiClient, query: string, o: StreamOptions): AsyncGenerator<LokiEntry> {
  let end = o.endNs;
  let boundaryTs: bigint | undefined;
  let boundaryKeys = new Set<string>();
  const fetchPage = (endNs: bigint): Promise<LokiEntry[]> => {
    o.onQuery?.();
    return client.queryRange({
      query,
      startNs: o.startNs,
      endNs,
      limit: o.pageSize,
      direction: 'backward',
      authorization: o.authorization,
      signal: o.signal,
    });
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
      yield* fresh;
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
  if (queries.length === 1) {
    yield* pageQuery(client, queries[0]!, o);
    return;
  }
  const sources = queries.map((q) => pageQuery(client, q, o));
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

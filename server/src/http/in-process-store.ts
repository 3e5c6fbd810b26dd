// Log queries of query_range answered by the embedded store of this process without HTTP
// (INTERFLOW_LOKI_URL unset). Over HTTP the store wrote every entry of a page into a JSON
// answer and the client parsed it back, on the same thread: profiling the CSV export
// (docs/benchmarks.md, "Export and scale") put that round trip (the store's JSON, undici's
// body decoding, JSON.parse, a BigInt per timestamp) among its largest costs. Here the client
// gets the store's entries as objects, the timestamps as the bigints the store read.
//
// What stays the same as over HTTP: the parameters are checked by the store's own HTTP
// parameter rules (http-params.ts: the same limit, range and direction checks with the same
// messages), and the query is the LogQL text, parsed by the store's parser, so every
// restriction written into it (the namespaces of INTERFLOW_AUTH_CHECK=namespaced,
// logql/build.ts) applies exactly as over HTTP. The store's loopback check has nothing to
// check here: the caller is this process. Paging, retries and the mapping of the store's
// refusals to the backend's errors are the Loki client's (loki/client.ts), shared with HTTP:
// a StoreError becomes the status and text the store's HTTP API answers it with. This lives in
// http/, which mounts the store and makes the client: loki/ knows no store, the store no backend.
// Metric queries and label values still go over HTTP: their answers are a few series or
// values, not one object per entry.
import {
  InProcessRefusal,
  NotStreamsAnswer,
  type InProcessLogQueries,
  type InProcessQuery,
  type LokiEntry,
} from '../loki/client.ts';
import {
  parseDirection,
  parseLimit,
  parseQuery,
  parseRange,
  StoreError,
  type EmbeddedStore,
} from '../store/index.ts';

export class InProcessStore implements InProcessLogQueries {
  constructor(private readonly store: EmbeddedStore) {}

  /**
   * The entries of a log query, stream after stream, each stream's in the store's order, as
   * the HTTP answer lists them. Throws what the HTTP route would answer (InProcessRefusal); an
   * aborted signal ends the scan early (the caller checks it).
   */
  async queryRange(p: InProcessQuery): Promise<LokiEntry[]> {
    try {
      return await this.read(p);
    } catch (e) {
      // As store/http/plugin.ts answers a StoreError: its status, its message as plain text.
      if (e instanceof StoreError) throw new InProcessRefusal(e.statusCode, `${e.message}\n`);
      throw e;
    }
  }

  private async read(p: InProcessQuery): Promise<LokiEntry[]> {
    // As the HTTP route (store/http/plugin.ts) reads its query string.
    const { start, end } = parseRange(p.startNs.toString(), p.endNs.toString());
    const parsed = parseQuery(p.query);
    if (parsed.kind !== 'log') throw new NotStreamsAnswer();
    const limit = parseLimit(String(p.limit));
    const direction = parseDirection(p.direction);
    const answer = await this.store.queryEntries(
      { query: parsed.query, start, end, limit, direction, signal: p.signal },
      (ts, line, labels): LokiEntry => ({ ts, line, labels }),
    );
    if (answer.result.length === 1) return answer.result[0]!.values;
    const entries: LokiEntry[] = [];
    for (const s of answer.result) for (const e of s.values) entries.push(e);
    return entries;
  }
}

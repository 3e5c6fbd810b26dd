// The Loki client reading the embedded store in this process (in-process-store.ts) against the
// same client reading the same store over its HTTP API: the same entries, pages and errors.
// One store on a temp directory, served by the store's real Fastify plugin on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { generateFlows } from '../../../test/fixtures/flow-generator.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { ClientGoneError, StoreUnavailableError, UnauthorizedError } from '../errors.ts';
import { streamEntryPages } from '../flows/entry-stream.ts';
import { FlowService } from '../flows/flow-service.ts';
import { parseFlowRequest } from '../flows/query-params.ts';
import { parseStreamSelector } from '../logql/selector.ts';
import { createServerMetrics } from '../observability/metrics.ts';
import { embeddedStorePlugin, openStore, type EmbeddedStore, type PushStream } from '../store/index.ts';
import { LokiClient, LokiLimitRefusal, type LokiEntry, type QueryRangeParams } from '../loki/client.ts';
import { InProcessStore } from './in-process-store.ts';

const NS = 1_000_000n;
const now = Date.now();
const startNs = BigInt(now - 600_000) * NS;
const endNs = BigInt(now + 1000) * NS;
const NAMESPACES = ['team-a', 'team-b', 'default'];

let store: EmbeddedStore;
let server: FastifyInstance;
let overHttp: LokiClient;
let inProcess: LokiClient;

function clients(opts: Partial<ConstructorParameters<typeof LokiClient>[0]> = {}): [LokiClient, LokiClient] {
  const base = {
    baseUrl: `http://${addressOf(server)}`,
    auth: 'disabled' as const,
    timeoutMs: 10_000,
    ...opts,
  };
  return [new LokiClient(base), new LokiClient({ ...base, inProcess: new InProcessStore(store) })];
}

function addressOf(s: FastifyInstance): string {
  const a = s.server.address();
  if (!a || typeof a === 'string') throw new Error('not listening');
  return `127.0.0.1:${a.port}`;
}

/** Streams per namespace and node, entries sharing timestamps within and across streams, some with metadata. */
function testStreams(): PushStream[] {
  const streams = new Map<string, PushStream>();
  let i = 0;
  for (const r of generateFlows({
    count: 3000,
    seed: 7,
    startMs: now - 300_000,
    endMs: now,
    hostile: true,
  })) {
    const ns = NAMESPACES[i % NAMESPACES.length]!;
    const labels = { app: 'interflow', SrcK8S_Namespace: ns, K8S_HostName: String(r.K8S_HostName) };
    const key = JSON.stringify(labels);
    let s = streams.get(key);
    if (!s) streams.set(key, (s = { labels, entries: [] }));
    // Every third entry shares its timestamp with the one before: paging must not lose any.
    const ts = BigInt(r.TimeFlowEndMs) * NS - BigInt(i % 3 === 2 ? 1 : 0);
    s.entries.push({
      ts,
      line: JSON.stringify({ ...r, SrcK8S_Namespace: ns }),
      ...(i % 50 === 0 ? { metadata: { trace_id: `t${i}` } } : {}),
    });
    i++;
  }
  const all = [...streams.values()];
  // Lines that are not records, and one timestamp shared by many entries of one stream.
  all.push({
    labels: { app: 'interflow', SrcK8S_Namespace: 'team-a', K8S_HostName: 'odd' },
    entries: [
      { ts: BigInt(now - 1000) * NS, line: 'not json, ünïcödé 🙂' },
      ...Array.from({ length: 30 }, (_, k) => ({ ts: BigInt(now - 2000) * NS, line: `{"k":${k}}` })),
    ],
  });
  return all;
}

before(async () => {
  const dir = tempDir({ after }, 'interflow-in-process-');
  store = openStore({ dataDir: dir, retentionMs: 0, maxBytes: 0 });
  store.push(testStreams());
  server = Fastify();
  await server.register(embeddedStorePlugin, {
    dataDir: dir,
    retentionMs: 0,
    maxBytes: 0,
    allowRemote: false,
    store,
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  [overHttp, inProcess] = clients();
});
after(async () => {
  await Promise.all([overHttp?.close(), inProcess?.close()]);
  await server?.close();
  store?.close();
});

const QUERIES = [
  '{app="interflow"}',
  '{app="interflow", SrcK8S_Namespace="team-a"}',
  '{app="interflow", SrcK8S_Namespace=~"team-.*", K8S_HostName!="worker-0"}',
  '{app="interflow"} |= "net1"',
  '{app="interflow"} | json | Bytes > 50000',
  '{app="interflow"} | json | SrcK8S_Namespace="team-b" or DstK8S_Namespace="default"',
  '{app="nothing"}',
];

describe('query_range: in process and over HTTP give the same entries', () => {
  for (const query of QUERIES) {
    test(query, async () => {
      for (const direction of ['backward', 'forward'] as const) {
        for (const limit of [1, 7, 100, 5000]) {
          for (const [s, e] of [
            [startNs, endNs],
            [BigInt(now - 120_000) * NS, BigInt(now - 60_000) * NS],
          ] as const) {
            const p: QueryRangeParams = { query, startNs: s, endNs: e, limit, direction };
            const want = await overHttp.queryRange(p);
            const got = await inProcess.queryRange(p);
            assert.deepEqual(got, want, `${direction} limit ${limit} [${s}, ${e})`);
          }
        }
      }
    });
  }

  test('the answers hold entries (the comparison is not of empty pages)', async () => {
    const all = await inProcess.queryRange({ query: QUERIES[0]!, startNs, endNs, limit: 5000 });
    assert.equal(all.length, 3031);
    assert.ok(
      all.some((e) => e.labels.trace_id !== undefined),
      'structured metadata reaches the labels',
    );
  });

  test("a reader changing an answer's labels does not change the store's", async () => {
    const first = await inProcess.queryRange({ query: QUERIES[1]!, startNs, endNs, limit: 10 });
    first[0]!.labels.SrcK8S_Namespace = 'changed';
    const again = await inProcess.queryRange({ query: QUERIES[1]!, startNs, endNs, limit: 10 });
    assert.equal(again[0]!.labels.SrcK8S_Namespace, 'team-a');
  });
});

async function allPages(client: LokiClient, queries: string[], pageSize: number): Promise<LokiEntry[][]> {
  const pages: LokiEntry[][] = [];
  for await (const page of streamEntryPages(client, queries, { startNs, endNs, pageSize, prefetch: true }))
    pages.push(page);
  return pages;
}

describe('paging: in process and over HTTP give the same pages', () => {
  test('one query and several merged, pages smaller than one timestamp holds', async () => {
    for (const pageSize of [5, 29, 500]) {
      for (const queries of [[QUERIES[0]!], [QUERIES[1]!, QUERIES[3]!]]) {
        const want = await allPages(overHttp, queries, pageSize);
        const got = await allPages(inProcess, queries, pageSize);
        assert.deepEqual(got, want, `page ${pageSize}, ${queries.join(' + ')}`);
        assert.ok(want.length > 1);
      }
    }
  });

  test("a namespaced caller's queries (INTERFLOW_AUTH_CHECK=namespaced) read only their namespace either way", async () => {
    const metrics = createServerMetrics();
    const log = { warn: () => {} } as never;
    const opts = { selector: parseStreamSelector('{app="interflow"}'), maxEntries: 200 };
    const request = parseFlowRequest({
      startTime: String(now / 1000 - 600),
      endTime: String(now / 1000 + 1),
    });
    const read = async (client: LokiClient): Promise<LokiEntry[]> => {
      const entries: LokiEntry[] = [];
      const flows = new FlowService(client, opts, metrics, log);
      for await (const page of flows.entryPages(request, { namespaces: ['team-b'] })) entries.push(...page);
      return entries;
    };
    const want = await read(overHttp);
    const got = await read(inProcess);
    assert.deepEqual(got, want);
    assert.ok(got.length > 500);
    // The restriction is in the stream selector, and these streams name the source namespace.
    for (const e of got) assert.equal(e.labels.SrcK8S_Namespace, 'team-b');
  });
});

/** What a call throws, to compare between the two clients. */
async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (e) {
    return e as Error;
  }
  assert.fail('the call did not fail');
}

function sameFailure(got: Error, want: Error): void {
  assert.equal(got.constructor, want.constructor, `${got.message} / ${want.message}`);
  assert.equal(got.message, want.message);
}

describe('errors: in process as over HTTP', () => {
  const p: QueryRangeParams = { query: QUERIES[0]!, startNs, endNs, limit: 100 };

  test("a limit over the store's max_entries_limit_per_query is Loki's limit refusal", async () => {
    const want = await failure(overHttp.queryRange({ ...p, limit: 5001 }));
    assert.ok(want instanceof LokiLimitRefusal);
    sameFailure(await failure(inProcess.queryRange({ ...p, limit: 5001 })), want);
  });

  test('LogQL the store does not parse, a range ending before it starts, a bad limit', async () => {
    for (const bad of [
      { ...p, query: 'nope' },
      { ...p, query: '{app="interflow"} |~ "("' },
      { ...p, startNs: endNs, endNs: startNs },
      { ...p, limit: 0 },
    ]) {
      const want = await failure(overHttp.queryRange(bad));
      assert.ok(want instanceof StoreUnavailableError, want.message);
      assert.match(want.message, /query_range answered HTTP 400: /);
      sameFailure(await failure(inProcess.queryRange(bad)), want);
    }
  });

  test('a caller that went away', async () => {
    const signal = AbortSignal.abort();
    sameFailure(await failure(inProcess.queryRange({ ...p, signal })), new ClientGoneError());
    sameFailure(await failure(overHttp.queryRange({ ...p, signal })), new ClientGoneError());
  });

  test("forward mode without the caller's credentials is refused before the store is read", async () => {
    const [http, local] = clients({ auth: 'forward' });
    try {
      sameFailure(await failure(local.queryRange(p)), await failure(http.queryRange(p)));
      assert.ok((await failure(local.queryRange(p))) instanceof UnauthorizedError);
      assert.equal((await local.queryRange({ ...p, authorization: 'Bearer x' })).length, 100);
    } finally {
      await Promise.all([http.close(), local.close()]);
    }
  });

  test('a metric query is not a log answer', async () => {
    const e = await failure(inProcess.queryRange({ ...p, query: 'count_over_time({app="interflow"}[1m])' }));
    assert.ok(e instanceof StoreUnavailableError);
    assert.match(e.message, /without a streams result/);
  });

  test('a closed store is unavailable, retried like a 500 of the HTTP API', async () => {
    const dir = tempDir({ after }, 'interflow-in-process-closed-');
    const closed = openStore({ dataDir: dir, retentionMs: 0, maxBytes: 0 });
    closed.push([{ labels: { app: 'interflow' }, entries: [{ ts: BigInt(now) * NS, line: '{}' }] }]);
    closed.close();
    const retried: string[] = [];
    const client = new LokiClient({
      baseUrl: 'http://127.0.0.1:1',
      auth: 'disabled',
      timeoutMs: 1000,
      inProcess: new InProcessStore(closed),
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      onRetry: (cause) => retried.push(cause),
    });
    try {
      const e = await failure(client.queryRange(p));
      assert.ok(e instanceof StoreUnavailableError);
      assert.match(e.message, /query_range failed in the embedded store: .*\(2 attempts/);
      assert.deepEqual(retried, ['500']);
    } finally {
      await client.close();
    }
  });
});

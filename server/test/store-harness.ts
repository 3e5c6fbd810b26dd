// Harness of the store's tests: a real Fastify app with the embedded store's plugin on a temp
// directory, and helpers to push and query it through its Loki HTTP API.
import Fastify, { type FastifyInstance } from 'fastify';
import type { TestContext } from 'node:test';
import { tempDir } from '../../test/support/temp-dir.ts';
import { embeddedStorePlugin, type EmbeddedStorePluginOptions } from '../src/store/http/plugin.ts';

export async function storeApp(
  t: TestContext,
  opts: Partial<EmbeddedStorePluginOptions> = {},
): Promise<{ app: FastifyInstance; dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir(t, 'interflow-store-');
  const app = Fastify();
  await app.register(embeddedStorePlugin, {
    dataDir,
    retentionMs: 0,
    maxBytes: 0,
    allowRemote: false,
    ...opts,
  });
  await app.ready();
  t.after(() => app.close());
  return { app, dataDir };
}

/** The same app listening on a loopback port, for clients that need a real socket. */
export async function listeningStoreApp(
  t: TestContext,
  opts: Partial<EmbeddedStorePluginOptions> = {},
): Promise<{ app: FastifyInstance; address: string }> {
  const { app } = await storeApp(t, opts);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, address };
}

export type Values = ([string, string] | [string, string, Record<string, string>])[];
export interface TestStream {
  stream: Record<string, string>;
  values: Values;
}

export async function push(app: FastifyInstance, streams: TestStream[]): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: { streams } });
  if (res.statusCode !== 204) throw new Error(`push failed: ${res.statusCode} ${res.body}`);
}

export interface LokiStreamsResponse {
  status: string;
  data: {
    resultType: string;
    result: { stream: Record<string, string>; values: [string, string][] }[];
    stats: { summary: Record<string, number> };
  };
}

export async function queryRange(
  app: FastifyInstance,
  query: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: string; json: () => LokiStreamsResponse }> {
  const qs = new URLSearchParams({ query, ...params });
  const res = await app.inject({ method: 'GET', url: `/loki/api/v1/query_range?${qs}` });
  return { status: res.statusCode, body: res.body, json: () => JSON.parse(res.body) as LokiStreamsResponse };
}

/** Every [ts, line] of a response, newest first (or as the response ordered them per stream merge). */
export function allValues(r: LokiStreamsResponse): [string, string][] {
  return r.data.result.flatMap((s) => s.values);
}

/** Lines of a response ordered by timestamp descending (ties by line), for set comparisons. */
export function linesOf(r: LokiStreamsResponse): string[] {
  return allValues(r)
    .sort((a, b) =>
      BigInt(b[0]) > BigInt(a[0]) ? 1 : BigInt(b[0]) < BigInt(a[0]) ? -1 : a[1] < b[1] ? -1 : 1,
    )
    .map((v) => v[1]);
}

export const NOW_NS = BigInt(Date.now()) * 1_000_000n;
/** A timestamp `secondsAgo` before the test started, as a decimal ns string. */
export const ago = (secondsAgo: number, extraNs = 0): string =>
  (NOW_NS - BigInt(Math.round(secondsAgo * 1e9)) + BigInt(extraNs)).toString();

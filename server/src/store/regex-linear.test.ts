// Regexes that take seconds to years on a backtracking engine (`.*.*.*x` cubic, `(.|.)*x`
// exponential) run in linear time in the store, so they come back with the right answer on
// lines near the 256 KiB line limit. Real HTTP on a loopback port. No timings are asserted here:
// on V8's RegExp these queries would not finish; the figures are in test/bench/store-regex.bench.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedStorePlugin } from './http/plugin.ts';
import { ago, type LokiStreamsResponse } from '../../test/store-harness.ts';

const N = 200_000; // characters; under MAX_LINE_BYTES (256 KiB)
const LINES = {
  plain: 'a'.repeat(N),
  endsX: 'a'.repeat(N) + 'x',
  jsonNoX: JSON.stringify({ v: 'a'.repeat(N) }),
  jsonX: JSON.stringify({ v: 'a'.repeat(N) + 'c' }),
};
type Id = keyof typeof LINES;
const idOf = new Map(Object.entries(LINES).map(([k, v]) => [v, k as Id]));

let app: FastifyInstance;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'interflow-store-regex-'));

before(async () => {
  app = Fastify({ bodyLimit: 16 * 1024 * 1024 });
  await app.register(embeddedStorePlugin, { dataDir: dir, retentionMs: 0, maxBytes: 0, allowRemote: false });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${base}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      streams: [
        {
          stream: { app: 'regex', tag: 'a'.repeat(2000) + 'z' },
          values: Object.values(LINES).map((line, i) => [ago(50 - i), line]),
        },
      ],
    }),
  });
  assert.equal(res.status, 204, await res.text());
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ids(query: string): Promise<Id[]> {
  const res = await fetch(`${base}/loki/api/v1/query_range?${new URLSearchParams({ query, limit: '100' })}`);
  const body = await res.text();
  assert.equal(res.status, 200, `${query}: ${body}`);
  const json = JSON.parse(body) as LokiStreamsResponse;
  return json.data.result.flatMap((s) => s.values.map((v) => idOf.get(v[1])!)).sort();
}

const S = '{app="regex"}';
const CASES: [string, Id[]][] = [
  [`${S} |~ ".*.*.*x"`, ['endsX']],
  [`${S} !~ ".*.*.*x"`, ['jsonNoX', 'jsonX', 'plain']],
  [`${S} |~ "(.|.)*x"`, ['endsX']],
  [`${S} !~ "(.|.)*x"`, ['jsonNoX', 'jsonX', 'plain']],
  [`${S} |~ "(a+)+x"`, ['endsX']],
  [`${S} |~ "^(a|aa)*$"`, ['plain']],
  // label filter on an extracted 200 000-character value (anchored, `.` matches anything)
  [`${S} | json | v =~ "(.|.)*c"`, ['jsonX']],
  [`${S} | json | v =~ ".*.*.*c"`, ['jsonX']],
  [`${S} | json | v !~ "(a|aa)*c"`, ['endsX', 'jsonNoX', 'plain']],
  // stream selector on a long label value
  ['{tag=~"(.|.)*z"}', ['endsX', 'jsonNoX', 'jsonX', 'plain']],
  ['{tag=~".*.*.*y"}', []],
];

describe('pathological regexes over HTTP: linear time, right answer', () => {
  for (const [query, expected] of CASES) {
    test(query, async () => {
      assert.deepEqual(await ids(query), expected);
    });
  }
});

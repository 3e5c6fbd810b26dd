// Loki's IP label filter (`label = ip("…")`, `label != ip("…")`) evaluated by the store over HTTP,
// as Loki evaluates it (pkg/logql/log/ip.go): addresses, CIDR prefixes and ranges of both
// families, a missing label matching neither operator, a bad pattern refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ago, push, queryRange, storeApp, type LokiStreamsResponse } from '../../test/store-harness.ts';

const LINES = {
  A: JSON.stringify({ SrcAddr: '192.168.122.10', DstAddr: '10.0.0.5' }),
  B: JSON.stringify({ SrcAddr: '192.168.123.10', DstAddr: '10.0.0.9' }),
  C: JSON.stringify({ SrcAddr: 'fd00::10', DstAddr: '2001:db8::3' }),
  D: JSON.stringify({ DstAddr: '10.0.0.7' }), // no SrcAddr
  E: JSON.stringify({ SrcAddr: '', DstAddr: '10.0.0.10' }),
};
type Id = keyof typeof LINES;
const idOf = new Map(Object.entries(LINES).map(([k, v]) => [v, k as Id]));
const I = '{app="interflow"} | json';

const CASES: [string, Id[]][] = [
  [`${I} | SrcAddr = ip("192.168.122.0/24")`, ['A']],
  [`${I} | SrcAddr = ip("192.168.0.0/16")`, ['A', 'B']],
  [`${I} | SrcAddr = ip("192.168.122.10")`, ['A']],
  [`${I} | DstAddr = ip("10.0.0.5-10.0.0.9")`, ['A', 'B', 'D']],
  [`${I} | DstAddr = ip("10.0.0.6-10.0.0.10")`, ['B', 'D', 'E']],
  [`${I} | SrcAddr = ip("fd00::/64")`, ['C']],
  [`${I} | DstAddr = ip("2001:db8::1-2001:db8::8")`, ['C']],
  [`${I} | SrcAddr = ip("0.0.0.0/0")`, ['A', 'B']],
  // != : a present label outside the pattern (an empty one too); a missing label never matches
  [`${I} | SrcAddr != ip("192.168.122.0/24")`, ['B', 'C', 'E']],
  // inside and / or, as the backend renders bidirectional filters
  [
    `${I} | (SrcAddr = ip("192.168.122.0/24") and DstAddr = ip("10.0.0.0/29")) or DstAddr = ip("2001:db8::/32")`,
    ['A', 'C'],
  ],
];

describe('ip() label filter in the store', () => {
  for (const [query, expected] of CASES) {
    test(query, async (t) => {
      const { app } = await storeApp(t);
      await push(app, [
        { stream: { app: 'interflow' }, values: Object.values(LINES).map((l, i) => [ago(50 - i), l]) },
      ]);
      const r = await queryRange(app, query);
      assert.equal(r.status, 200, r.body);
      const got = (r.json() as LokiStreamsResponse).data.result
        .flatMap((s) => s.values.map((v) => idOf.get(v[1])!))
        .sort();
      assert.deepEqual(got, expected);
    });
  }

  test('a pattern Loki cannot read is a 400 naming it', async (t) => {
    const { app } = await storeApp(t);
    for (const bad of ['10.0.0.0/33', '10.0.0.9-10.0.0.1', 'not-an-ip']) {
      const r = await queryRange(app, `${I} | SrcAddr = ip("${bad}")`);
      assert.equal(r.status, 400, r.body);
      assert.match(r.body, /ip: invalid pattern/);
    }
  });
});

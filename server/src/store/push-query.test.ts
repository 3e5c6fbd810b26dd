// Push / query_range round trips through a real Fastify instance with the store plugin.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ago,
  allValues,
  linesOf,
  listeningStoreApp,
  push,
  queryRange,
  storeApp,
} from '../../test/store-harness.ts';
import { StoreError } from './errors.ts';

const APP = { app: 'interflow' };

describe('push and query_range', () => {
  test('a pushed entry comes back in exactly Loki’s response shape', async (t) => {
    const { app } = await storeApp(t);
    await push(app, [{ stream: { ...APP, FlowDirection: '0' }, values: [[ago(10), 'line one']] }]);
    const r = await queryRange(app, '{app="interflow"}');
    assert.equal(r.status, 200);
    const body = r.json();
    assert.deepEqual(Object.keys(body), ['status', 'data']);
    assert.equal(body.status, 'success');
    assert.deepEqual(Object.keys(body.data), ['resultType', 'result', 'stats']);
    assert.equal(body.data.resultType, 'streams');
    assert.deepEqual(body.data.result, [
      { stream: { app: 'interflow', FlowDirection: '0' }, values: [[ago(10), 'line one']] },
    ]);
    const s = body.data.stats.summary;
    assert.equal(s.totalLinesProcessed, 1);
    assert.equal(s.totalEntriesReturned, 1);
    assert.equal(s.totalBytesProcessed, 'line one'.length);
    assert.ok(s.execTime! >= 0);
  });

  test('push answers 204 with an empty body; timestamps keep full nanosecond precision', async (t) => {
    const { app } = await storeApp(t);
    const ts = '1764115200123456789';
    const res = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: { streams: [{ stream: APP, values: [[ts, 'x']] }] },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    const r = await queryRange(app, '{app="interflow"}', {
      start: '1764115200123456789',
      end: '1764115200123456790',
    });
    assert.deepEqual(allValues(r.json()), [[ts, 'x']]);
  });

  test('over a real listening port (loopback), with a gzip-encoded push', async (t) => {
    const { address } = await listeningStoreApp(t);
    const body = gzipSync(JSON.stringify({ streams: [{ stream: APP, values: [[ago(5), 'zipped ✓']] }] }));
    const pushRes = await fetch(`${address}/loki/api/v1/push`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(pushRes.status, 204);
    const q = await fetch(
      `${address}/loki/api/v1/query_range?query=${encodeURIComponent('{app="interflow"}')}`,
    );
    assert.equal(q.status, 200);
    const json = (await q.json()) as { data: { result: { values: string[][] }[] } };
    assert.deepEqual(json.data.result[0]!.values, [[ago(5), 'zipped ✓']]);
    const ready = await fetch(`${address}/ready`);
    assert.equal(ready.status, 200);
    assert.equal((await ready.text()).trim(), 'ready');
  });

  test('out-of-order entries are accepted and come back in time order', async (t) => {
    const { app } = await storeApp(t);
    await push(app, [
      {
        stream: APP,
        values: [
          [ago(1), 'c'],
          [ago(3), 'a'],
        ],
      },
    ]);
    await push(app, [
      {
        stream: APP,
        values: [
          [ago(2), 'b'],
          [ago(4), 'z'],
        ],
      },
    ]);
    const back = await queryRange(app, '{app="interflow"}');
    assert.deepEqual(
      allValues(back.json()).map((v) => v[1]),
      ['c', 'b', 'a', 'z'],
    );
    const fwd = await queryRange(app, '{app="interflow"}', { direction: 'forward' });
    assert.deepEqual(
      allValues(fwd.json()).map((v) => v[1]),
      ['z', 'a', 'b', 'c'],
    );
  });

  test('duplicates (same stream, timestamp and line) are stored once, like Loki', async (t) => {
    const { app } = await storeApp(t);
    const ts = ago(7);
    await push(app, [
      {
        stream: APP,
        values: [
          [ts, 'dup'],
          [ts, 'dup'],
          [ts, 'other line'],
        ],
      },
    ]);
    await push(app, [{ stream: APP, values: [[ts, 'dup']] }]);
    await push(app, [{ stream: { ...APP, FlowDirection: '1' }, values: [[ts, 'dup']] }]); // other stream: kept
    const r = await queryRange(app, '{app="interflow"}');
    assert.deepEqual(linesOf(r.json()).sort(), ['dup', 'dup', 'other line']);
    assert.equal(r.json().data.result.length, 2);
  });

  test('entries of several streams are merged newest first; limit and direction apply across streams', async (t) => {
    const { app } = await storeApp(t);
    const streams = ['0', '1', '2'].map((d) => ({
      stream: { ...APP, FlowDirection: d },
      values: [] as [string, string][],
    }));
    for (let i = 0; i < 30; i++) streams[i % 3]!.values.push([ago(100 - i), `e${i}`]);
    await push(app, streams);
    const newest = await queryRange(app, '{app="interflow"}', { limit: '5' });
    assert.deepEqual(linesOf(newest.json()), ['e29', 'e28', 'e27', 'e26', 'e25']);
    assert.equal(newest.json().data.result.length, 3);
    const oldest = await queryRange(app, '{app="interflow"}', { limit: '4', direction: 'FORWARD' });
    assert.deepEqual(linesOf(oldest.json()).reverse(), ['e0', 'e1', 'e2', 'e3']);
    // a selective selector (per-stream merge path) gives the same order
    const sel = await queryRange(app, '{app="interflow", FlowDirection=~"1|2"}', { limit: '4' });
    assert.deepEqual(linesOf(sel.json()), ['e29', 'e28', 'e26', 'e25']);
    const selFwd = await queryRange(app, '{app="interflow", FlowDirection!="0"}', {
      limit: '3',
      direction: 'forward',
    });
    assert.deepEqual(linesOf(selFwd.json()).reverse(), ['e1', 'e2', 'e4']);
    const all = await queryRange(app, '{app="interflow"}');
    assert.equal(allValues(all.json()).length, 30); // default limit 100
  });

  test('limit paging: many entries with the same timestamp are neither lost nor repeated', async (t) => {
    const { app } = await storeApp(t);
    const ts = ago(20);
    const values: [string, string][] = [];
    for (let i = 0; i < 700; i++) values.push([ts, `same-ts-${i}`]);
    await push(app, [{ stream: APP, values }]);
    const r = await queryRange(app, '{app="interflow"}', { limit: '5000' });
    const lines = linesOf(r.json());
    assert.equal(lines.length, 700);
    assert.equal(new Set(lines).size, 700);
  });

  test('start is inclusive, end exclusive; ns, seconds, decimal seconds and RFC3339 are accepted', async (t) => {
    const { app } = await storeApp(t);
    const base = 1764115200n * 1_000_000_000n; // 2025-11-26T00:00:00Z
    await push(app, [
      {
        stream: APP,
        values: [
          [String(base), 'at'],
          [String(base + 1_000_000_000n), 'plus1s'],
          [String(base - 1n), 'before'],
        ],
      },
    ]);
    const lines = async (params: Record<string, string>) =>
      linesOf((await queryRange(app, '{app="interflow"}', params)).json());
    assert.deepEqual(await lines({ start: String(base), end: String(base + 1_000_000_000n) }), ['at']);
    assert.deepEqual(await lines({ start: '1764115200', end: '1764115201' }), ['at']);
    assert.deepEqual(await lines({ start: '1764115200.0', end: '1764115201.001' }), ['plus1s', 'at']);
    assert.deepEqual(await lines({ start: '2025-11-26T00:00:00Z', end: '2025-11-26T00:00:01.000000001Z' }), [
      'plus1s',
      'at',
    ]);
    assert.deepEqual(await lines({ start: '2025-11-25T23:59:59.999999999Z', end: '2025-11-26T00:00:00Z' }), [
      'before',
    ]);
    assert.deepEqual(await lines({ start: String(base), end: String(base) }), []);
  });

  test('bad parameters get a 400 with a plain-text message like Loki', async (t) => {
    const { app } = await storeApp(t);
    const cases: [Record<string, string>, RegExp][] = [
      [{ limit: '5001' }, /max entries limit per query exceeded, limit > max_entries_limit \(5001 > 5000\)/],
      [{ limit: '0' }, /limit must be a positive value/],
      [{ limit: 'ten' }, /invalid limit/],
      [{ direction: 'sideways' }, /invalid direction/],
      [{ start: 'yesterday' }, /invalid start/],
      [{ end: '2025-13-45T00:00:00Z' }, /invalid end/],
      [{ start: '1764115201', end: '1764115200' }, /end timestamp must not be before start time/],
    ];
    for (const [params, message] of cases) {
      const r = await queryRange(app, '{app="interflow"}', params);
      assert.equal(r.status, 400, JSON.stringify(params));
      assert.match(r.body, message);
    }
    const noQuery = await app.inject({ url: '/loki/api/v1/query_range' });
    assert.equal(noQuery.statusCode, 400);
    assert.match(noQuery.body, /query/);
    assert.match(String(noQuery.headers['content-type']), /^text\/plain/);
  });

  test('query_range also takes a form-encoded POST body', async (t) => {
    const { app } = await storeApp(t);
    await push(app, [{ stream: APP, values: [[ago(3), 'posted']] }]);
    const res = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/query_range',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ query: '{app="interflow"} |= "post"', limit: '10' }).toString(),
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.body).data.result[0].values, [[ago(3), 'posted']]);
  });

  test('structured metadata is returned among the stream labels and can be filtered on', async (t) => {
    const { app } = await storeApp(t);
    await push(app, [
      {
        stream: APP,
        values: [
          [ago(2), 'with meta', { trace_id: 'abc' }],
          [ago(1), 'without'],
        ],
      },
    ]);
    const r = await queryRange(app, '{app="interflow"} | trace_id="abc"');
    assert.deepEqual(r.json().data.result, [
      { stream: { app: 'interflow', trace_id: 'abc' }, values: [[ago(2), 'with meta']] },
    ]);
  });

  test('labels and label values, optionally restricted by a selector and a time range', async (t) => {
    const { app } = await storeApp(t);
    await push(app, [
      { stream: { ...APP, SrcK8S_Namespace: 'ns-a', FlowDirection: '0' }, values: [[ago(10), 'x']] },
      { stream: { ...APP, SrcK8S_Namespace: 'ns-b' }, values: [[ago(10), 'y']] },
      { stream: { app: 'other', SrcK8S_Namespace: 'ns-c' }, values: [[ago(10), 'z']] },
      { stream: { ...APP, SrcK8S_Namespace: 'ns-old' }, values: [[ago(3 * 86400), 'old']] },
    ]);
    const get = async (url: string) => {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, res.body);
      return JSON.parse(res.body) as { status: string; data: string[] };
    };
    assert.deepEqual(await get('/loki/api/v1/labels'), {
      status: 'success',
      data: ['FlowDirection', 'SrcK8S_Namespace', 'app'],
    });
    assert.deepEqual((await get('/loki/api/v1/label/SrcK8S_Namespace/values')).data, [
      'ns-a',
      'ns-b',
      'ns-c',
    ]);
    const sel = encodeURIComponent('{app="interflow"}');
    assert.deepEqual((await get(`/loki/api/v1/label/SrcK8S_Namespace/values?query=${sel}`)).data, [
      'ns-a',
      'ns-b',
    ]);
    const start = String(BigInt(ago(4 * 86400)));
    assert.deepEqual(
      (await get(`/loki/api/v1/label/SrcK8S_Namespace/values?query=${sel}&start=${start}`)).data,
      ['ns-a', 'ns-b', 'ns-old'],
    );
    assert.deepEqual((await get('/loki/api/v1/label/nope/values')).data, []);
    const bad = await app.inject({
      url: `/loki/api/v1/labels?query=${encodeURIComponent('{app="interflow"} |= "x"')}`,
    });
    assert.equal(bad.statusCode, 400);
  });
});

describe('push validation', () => {
  test('malformed push bodies get a 400 naming the problem and store nothing', async (t) => {
    const { app } = await storeApp(t);
    const bodies: [string, RegExp, string?][] = [
      ['not json', /JSON/],
      ['{"streams":[{"stream":{},"values":[]}]}', /at least one label pair/],
      ['{"streams":[{"stream":{"bad-name":"x"},"values":[]}]}', /invalid label name "bad-name"/],
      ['{"streams":[{"stream":{"a":"b"},"values":[["12abc","x"]]}]}', /timestamp/],
      ['{"streams":[{"stream":{"a":"b"},"values":[["99999999999999999999","x"]]}]}', /timestamp/],
      ['{"streams":[{"stream":{"a":"b"},"values":[["1"]]}]}', /invalid request/],
      ['{"streams":[{"stream":{"a":"b"},"values":[["1","x",{"bad key":"v"}]]}]}', /structured metadata name/],
      ['{"streams":[{"stream":{"a":"b"},"values":[["1",{"x":"y"}]]}]}', /line must be a string/],
      ['{"nope":1}', /invalid request/],
      ['xxxx', /invalid gzip body/, 'gzip'],
      ['xxxx', /Content-Encoding "br"/, 'br'],
    ];
    for (const [payload, message, encoding] of bodies) {
      const res = await app.inject({
        method: 'POST',
        url: '/loki/api/v1/push',
        payload,
        headers: {
          'content-type': 'application/json',
          ...(encoding ? { 'content-encoding': encoding } : {}),
        },
      });
      assert.ok(res.statusCode === 400 || res.statusCode === 415, `${payload}: ${res.statusCode}`);
      assert.match(res.body, message, payload);
    }
    // protobuf pushes are read (push-protobuf.test.ts); one that is not snappy is a 400
    const proto = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: Buffer.from([1, 2, 3]),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    assert.equal(proto.statusCode, 400);
    assert.match(proto.body, /invalid snappy body/);
    const otherType = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: 'x',
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(otherType.statusCode, 415);
    // a batch with one bad entry is refused as a whole
    const partial = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: {
        streams: [
          {
            stream: APP,
            values: [
              [ago(1), 'good'],
              ['bad', 'bad'],
            ],
          },
        ],
      },
    });
    assert.equal(partial.statusCode, 400);
    assert.deepEqual((await queryRange(app, '{app="interflow"}')).json().data.result, []);
  });

  test('bodies over the limit, also once decompressed (gzip bomb), get a 413', async (t) => {
    const { app } = await storeApp(t, { maxPushBytes: 64 * 1024 });
    const big = JSON.stringify({ streams: [{ stream: APP, values: [[ago(1), 'x'.repeat(200_000)]] }] });
    const plain = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: big,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(plain.statusCode, 413);
    const zipped = gzipSync(big);
    assert.ok(zipped.length < 64 * 1024);
    const bomb = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: zipped,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(bomb.statusCode, 413);
    assert.deepEqual((await queryRange(app, '{app="interflow"}')).json().data.result, []);
  });

  test('random push bodies never produce a 500', async (t) => {
    const { app } = await storeApp(t);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const res = await app.inject({
          method: 'POST',
          url: '/loki/api/v1/push',
          payload: JSON.stringify({ streams: [{ stream: { app: 'x' }, values: [value] }] }),
          headers: { 'content-type': 'application/json' },
        });
        assert.ok([204, 400].includes(res.statusCode), `${res.statusCode} ${res.body}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('loopback restriction', () => {
  test('non-loopback clients get 403 unless allowRemote', async (t) => {
    const { app } = await storeApp(t);
    for (const remoteAddress of ['10.1.2.3', '192.168.0.9', '::ffff:10.0.0.1', 'fe80::1']) {
      const res = await app.inject({ url: '/ready', remoteAddress });
      assert.equal(res.statusCode, 403, remoteAddress);
      assert.match(res.body, /loopback/);
      const p = await app.inject({
        method: 'POST',
        url: '/loki/api/v1/push',
        remoteAddress,
        payload: { streams: [] },
      });
      assert.equal(p.statusCode, 403);
    }
    for (const remoteAddress of ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1']) {
      const res = await app.inject({ url: '/ready', remoteAddress });
      assert.equal(res.statusCode, 200, remoteAddress);
    }
    // a forged X-Forwarded-For does not help
    const forged = await app.inject({
      url: '/ready',
      remoteAddress: '10.1.2.3',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    assert.equal(forged.statusCode, 403);

    // Open to other hosts, a remote client still needs what authorizeRemote accepts.
    const { app: open } = await storeApp(t, {
      allowRemote: true,
      authorizeRemote: async (authorization) => {
        if (authorization !== 'Bearer right')
          throw new StoreError('unauthorized', 'a bearer token is required');
      },
    });
    assert.equal((await open.inject({ url: '/ready', remoteAddress: '10.1.2.3' })).statusCode, 401);
    const res = await open.inject({
      url: '/ready',
      remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer right' },
    });
    assert.equal(res.statusCode, 200);
    await assert.rejects(storeApp(t, { allowRemote: true }), /check their tokens/);
  });
});

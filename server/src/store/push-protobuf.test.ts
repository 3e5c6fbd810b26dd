// Loki protobuf push (snappy block-compressed logproto.PushRequest) through the real store over
// HTTP. Bodies are built by the small protobuf and snappy writers below, written from the wire
// format specs, so the tests do not only round-trip through the libraries the store uses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { MAX_LINE_BYTES } from './push/push-decode.ts';
import {
  ago,
  listeningStoreApp,
  push,
  queryRange,
  storeApp,
  type TestStream,
} from '../../test/store-harness.ts';

// ---- protobuf writer (wire format: varint keys, length-delimited messages and strings) ----
type Bytes = number[];
function varint(value: number | bigint): Bytes {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // int64 negatives are 10-byte two's complement varints
  const out: Bytes = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}
const key = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);
const lenField = (field: number, payload: Uint8Array | Bytes): Bytes => [
  ...key(field, 2),
  ...varint(payload.length),
  ...payload,
];
const strField = (field: number, s: string): Bytes => lenField(field, Buffer.from(s, 'utf8'));
const intField = (field: number, n: number | bigint): Bytes => [...key(field, 0), ...varint(n)];

interface PbEntry {
  /** decimal ns, or explicit seconds/nanos, or null for no timestamp field */
  ts: string | { seconds: bigint; nanos: number } | null;
  line: string | Uint8Array;
  meta?: [string, string][];
}
interface PbStream {
  labels: string;
  entries: PbEntry[];
  hash?: bigint;
}
function timestampMsg(ts: Exclude<PbEntry['ts'], null>): Bytes {
  const { seconds, nanos } =
    typeof ts === 'string'
      ? { seconds: BigInt(ts) / 1_000_000_000n, nanos: Number(BigInt(ts) % 1_000_000_000n) }
      : ts;
  return [...(seconds !== 0n ? intField(1, seconds) : []), ...(nanos !== 0 ? intField(2, nanos) : [])];
}
function entryMsg(e: PbEntry): Bytes {
  return [
    ...(e.ts === null ? [] : lenField(1, timestampMsg(e.ts))),
    ...(typeof e.line === 'string' ? strField(2, e.line) : lenField(2, e.line)),
    ...(e.meta ?? []).flatMap(([n, v]) => lenField(3, [...strField(1, n), ...strField(2, v)])),
  ];
}
function pushRequest(streams: PbStream[]): Uint8Array {
  return Uint8Array.from(
    streams.flatMap((s) =>
      lenField(1, [
        ...strField(1, s.labels),
        ...s.entries.flatMap((e) => lenField(2, entryMsg(e))),
        ...(s.hash !== undefined ? intField(3, s.hash) : []),
      ]),
    ),
  );
}

// ---- snappy block writer: literals only, and a variant with overlapping copies ----
function literal(data: Uint8Array): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536);
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else out.push(61 << 2, n & 0xff, n >> 8); // length-1 in the next 2 bytes
    out.push(...chunk);
  }
  return out;
}
function snappy(data: Uint8Array): Buffer {
  return Buffer.from([...varint(data.length), ...literal(data)]);
}
/** `data` where bytes [at, at+run) repeat the `period` bytes before them, as copy ops (RLE). */
function snappyWithRun(data: Uint8Array, at: number, run: number, period: number): Buffer {
  const out: Bytes = [...varint(data.length), ...literal(data.subarray(0, at))];
  for (let left = run; left > 0;) {
    const n = Math.min(left, 64); // copy with 2-byte offset: tag (len-1)<<2 | 2
    out.push(((n - 1) << 2) | 2, period & 0xff, period >> 8);
    left -= n;
  }
  out.push(...literal(data.subarray(at + run)));
  return Buffer.from(out);
}

// ---- helpers ----
const PB = { 'content-type': 'application/x-protobuf' };
async function pushPb(app: FastifyInstance, body: Buffer, headers: Record<string, string> = PB) {
  return app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: body, headers });
}
/** Go-quoted label value; JSON string syntax is a subset of Go's for the text used here. */
const goQuote = (s: string): string => JSON.stringify(s);
const labelString = (labels: Record<string, string>): string =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${goQuote(v)}`)
    .join(', ')}}`;
function toPb(streams: TestStream[]): PbStream[] {
  return streams.map((s) => ({
    labels: labelString(s.stream),
    entries: s.values.map(([ts, line, meta]) => ({ ts, line, meta: meta ? Object.entries(meta) : [] })),
  }));
}
async function everything(app: FastifyInstance) {
  const r = await queryRange(app, '{app=~".+"}', { start: '0', limit: '5000', direction: 'forward' });
  assert.equal(r.status, 200, r.body);
  const labels = await app.inject({ url: '/loki/api/v1/labels?start=0' });
  return { result: r.json().data.result, labels: (JSON.parse(labels.body) as { data: string[] }).data };
}
async function assertEmpty(app: FastifyInstance) {
  const all = await everything(app);
  assert.deepEqual(all, { result: [], labels: [] });
}

describe('protobuf push', () => {
  test('a snappy protobuf push is queryable with its labels, lines, ns timestamps and metadata', async (t) => {
    const { app } = await storeApp(t);
    const t1 = '1764115200123456789';
    const t2 = '1764115200123456790';
    const body = snappy(
      pushRequest([
        {
          labels: '{app="interflow", node="w0", empty=""}',
          hash: 12345678901234567890n,
          entries: [
            { ts: t1, line: 'first ✓ "quoted"', meta: [['trace_id', 'abc']] },
            { ts: t2, line: '' },
          ],
        },
      ]),
    );
    const res = await pushPb(app, body);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    const r = await queryRange(app, '{app="interflow"}', { start: t1, end: '1764115200123456791' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json().data.result, [
      { stream: { app: 'interflow', node: 'w0' }, values: [[t2, '']] },
      { stream: { app: 'interflow', node: 'w0', trace_id: 'abc' }, values: [[t1, 'first ✓ "quoted"']] },
    ]);
    // the first entry only, by its exact nanosecond
    const one = await queryRange(app, '{node="w0"} | trace_id="abc"', { start: t1, end: t2 });
    assert.deepEqual(
      one.json().data.result.flatMap((s) => s.values),
      [[t1, 'first ✓ "quoted"']],
    );
  });

  test('the same content pushed as JSON and as protobuf gives identical query results', async (t) => {
    const streams: TestStream[] = [
      {
        stream: { app: 'interflow', node: 'w0', SrcK8S_Namespace: 'ns "a" \\ b\n✓' },
        values: [
          [ago(30, 1), 'line one'],
          [ago(20, 999_999_999), '{"Bytes":120,"Proto":6}', { trace_id: 'x1', span: 'é "q"' }],
          [ago(10), 'tab\there'],
        ],
      },
      {
        stream: { app: 'interflow', node: 'w1', dropped: '' },
        values: [[ago(5), 'other node', { k: '' }]],
      },
      // the same stream again, labels in another order: one stream in the store
      {
        stream: { node: 'w0', SrcK8S_Namespace: 'ns "a" \\ b\n✓', app: 'interflow' },
        values: [[ago(1), 'later']],
      },
      { stream: { app: 'other' }, values: [] },
    ];
    const { app: viaJson } = await storeApp(t);
    const { app: viaPb } = await storeApp(t);
    await push(viaJson, streams);
    const res = await pushPb(viaPb, snappy(pushRequest(toPb(streams))));
    assert.equal(res.statusCode, 204, res.body);
    const a = await everything(viaJson);
    const b = await everything(viaPb);
    // What Loki answers for these pushes, written out: structured metadata joins the entry's
    // labels as sent (an empty value too: Loki shows it, loki4j/loki-logback-appender#282),
    // empty stream-label values are dropped, a stream without entries leaves nothing, the
    // labels API lists stream labels only. Stream order is not part of the API.
    const labelKey = (st: Record<string, string>): string => JSON.stringify(Object.entries(st).sort());
    const byLabels = (r: typeof a.result) =>
      [...r].sort((x, y) => (labelKey(x.stream) < labelKey(y.stream) ? -1 : 1));
    const ns = 'ns "a" \\ b\n✓';
    const expected: { stream: Record<string, string>; values: [string, string][] }[] = [
      {
        stream: { SrcK8S_Namespace: ns, app: 'interflow', node: 'w0' },
        values: [
          [ago(30, 1), 'line one'],
          [ago(10), 'tab\there'],
          [ago(1), 'later'],
        ],
      },
      {
        stream: { SrcK8S_Namespace: ns, app: 'interflow', node: 'w0', span: 'é "q"', trace_id: 'x1' },
        values: [[ago(20, 999_999_999), '{"Bytes":120,"Proto":6}']],
      },
      { stream: { app: 'interflow', k: '', node: 'w1' }, values: [[ago(5), 'other node']] },
    ];
    assert.deepEqual(byLabels(a.result), byLabels(expected), 'the JSON push');
    assert.deepEqual(byLabels(b.result), byLabels(expected), 'the protobuf push');
    assert.deepEqual(a.labels, ['SrcK8S_Namespace', 'app', 'node']);
    assert.deepEqual(b, a);
    for (const name of ['SrcK8S_Namespace', 'node']) {
      const va = await viaJson.inject({ url: `/loki/api/v1/label/${name}/values?start=0` });
      const vb = await viaPb.inject({ url: `/loki/api/v1/label/${name}/values?start=0` });
      assert.equal(vb.body, va.body);
    }
    // pushing the protobuf body again adds nothing (same (stream, ts, line) de-duplication as JSON)
    await pushPb(viaPb, snappy(pushRequest(toPb(streams))));
    assert.deepEqual(await everything(viaPb), a);
  });

  test('label strings are read as Loki reads them (Go literals, any order, trailing comma)', async (t) => {
    const { app } = await storeApp(t);
    const body = snappy(
      pushRequest([
        {
          labels: '{app="interflow", path=`C:\\x`, esc="\\x41\\u00e9\\t\\"",}',
          entries: [{ ts: ago(3), line: 'a' }],
        },
        {
          labels: '  { esc = "A\u00e9\\t\\"" ,app="interflow",path="C:\\\\x" }  ',
          entries: [{ ts: ago(2), line: 'b' }],
        },
      ]),
    );
    const res = await pushPb(app, body);
    assert.equal(res.statusCode, 204, res.body);
    assert.deepEqual((await everything(app)).result, [
      {
        stream: { app: 'interflow', esc: 'Aé\t"', path: 'C:\\x' },
        values: [
          [ago(3), 'a'],
          [ago(2), 'b'],
        ],
      },
    ]);
  });

  test('snappy copies (overlapping runs) and gzip Content-Encoding are read', async (t) => {
    const { app } = await storeApp(t);
    const line = 'ab'.repeat(500);
    const raw = pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(3), line }] }]);
    const at = Buffer.from(raw).indexOf(Buffer.from(line)) + 2;
    const body = snappyWithRun(raw, at, line.length - 2, 2);
    assert.ok(body.length < 100, `compressed to ${body.length} bytes`);
    assert.equal((await pushPb(app, body)).statusCode, 204);
    const gz = snappy(pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(2), line: 'gz' }] }]));
    const r2 = await pushPb(app, gzipSync(gz), { ...PB, 'content-encoding': 'gzip' });
    assert.equal(r2.statusCode, 204, r2.body);
    const r3 = await pushPb(
      app,
      snappy(pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(1), line: 'named' }] }])),
      { 'content-type': 'application/x-protobuf; charset=binary', 'content-encoding': 'snappy' },
    );
    assert.equal(r3.statusCode, 204, r3.body);
    const values = (await queryRange(app, '{app="interflow"}')).json().data.result[0]!.values;
    assert.deepEqual(values, [
      [ago(1), 'named'],
      [ago(2), 'gz'],
      [ago(3), line],
    ]);
  });

  test('over a real listening port (loopback), as Promtail sends it', async (t) => {
    const { address } = await listeningStoreApp(t);
    const body = snappy(
      pushRequest([
        { labels: '{app="interflow", job="promtail"}', entries: [{ ts: ago(4, 42), line: 'over tcp' }] },
      ]),
    );
    const res = await fetch(`${address}/loki/api/v1/push`, {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': 'application/x-protobuf', 'user-agent': 'promtail/3.0.0' },
    });
    assert.equal(res.status, 204, await res.text());
    const q = await fetch(
      `${address}/loki/api/v1/query_range?query=${encodeURIComponent('{job="promtail"}')}`,
    );
    const json = (await q.json()) as { data: { result: { stream: object; values: string[][] }[] } };
    assert.deepEqual(json.data.result, [
      { stream: { app: 'interflow', job: 'promtail' }, values: [[ago(4, 42), 'over tcp']] },
    ]);
  });
});

describe('protobuf push validation', () => {
  const good = pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(1), line: 'ok' }] }]);
  const goodBody = snappy(good);
  const stream = (labels: string, entries: PbEntry[] = [{ ts: ago(1), line: 'x' }]): Buffer =>
    snappy(pushRequest([{ labels, entries }]));
  const entry = (e: Partial<PbEntry>): Buffer =>
    snappy(pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(1), line: 'x', ...e }] }]));

  test('hostile and malformed bodies get a 400 naming the problem and store nothing', async (t) => {
    const { app } = await storeApp(t);
    const cases: [string, Buffer, RegExp][] = [
      ['empty body', Buffer.alloc(0), /invalid snappy body: it ends inside the length header/],
      ['length header never ends', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /not a 32-bit varint/],
      ['truncated snappy', goodBody.subarray(0, goodBody.length - 3), /invalid snappy body.*corrupt/],
      // loops forever in snappyjs: declared length 0, then a literal whose length wraps to -5
      ['negative literal length', Buffer.from([0x00, 0xfc, 0xfa, 0xff, 0xff, 0xff]), /invalid snappy body/],
      [
        'declares more than it holds',
        Buffer.from([...varint(good.length + 5), ...literal(good)]),
        /invalid snappy body/,
      ],
      [
        'declares less than it holds',
        Buffer.from([...varint(good.length - 1), ...literal(good)]),
        /invalid snappy body/,
      ],
      [
        'copy from before the start',
        Buffer.from([10, 0x00, 0x61, (5 << 2) | 2, 9, 0]),
        /invalid snappy body/,
      ],
      ['plain protobuf, not snappy', Buffer.from(good), /invalid (snappy|protobuf) body/],
      ['truncated protobuf', snappy(good.subarray(0, good.length - 2)), /invalid protobuf body/],
      ['wrong wire type', snappy(Uint8Array.from(intField(1, 7))), /invalid protobuf body/],
      [
        'unterminated selector',
        stream('{app="interflow"'),
        /streams\[0\]: invalid labels "\{app=\\"interflow\\"": expected "," or "\}" at col 17/,
      ],
      ['not a selector', stream('app=interflow'), /streams\[0\]: invalid labels/],
      ['empty label string', stream(''), /streams\[0\]: invalid labels/],
      ['regex matcher', stream('{app=~"inter.*"}'), /streams\[0\]: .*= only, not app=~/],
      ['pipeline', stream('{app="x"} |= "y"'), /streams\[0\]: invalid labels.*unexpected text after "\}"/],
      ['invalid label name', stream('{app="x", a:b="c"}'), /streams\[0\]: invalid label name "a:b"/],
      ['label name with a digit first', stream('{1a="x"}'), /streams\[0\]: invalid label name "1a"/],
      ['unquoted value', stream('{a=x}'), /streams\[0\]: invalid labels.*expected a quoted value for "a"/],
      ['unterminated value', stream('{a="x}'), /streams\[0\]: invalid labels.*unterminated value of "a"/],
      ['missing comma', stream('{a="x" b="y"}'), /streams\[0\]: invalid labels.*expected "," or "\}"/],
      ['no labels', stream('{}'), /streams\[0\]: error at least one label pair is required/],
      ['only empty labels', stream('{a=""}'), /streams\[0\]: error at least one label pair is required/],
      ['duplicate label name', stream('{a="1", a="2"}'), /streams\[0\]: duplicate label name "a"/],
      ['bad escape in value', stream('{a="\\q"}'), /streams\[0\]: invalid labels/],
      ['missing timestamp', entry({ ts: null }), /streams\[0\]\.entries\[0\]: timestamp is missing/],
      ['nanos over a second', entry({ ts: { seconds: 1n, nanos: 1_000_000_000 } }), /nanos 1000000000/],
      ['negative nanos', entry({ ts: { seconds: 1n, nanos: -1 } }), /nanos -1/],
      [
        'before 1970',
        entry({ ts: { seconds: -1n, nanos: 0 } }),
        /entries\[0\]: timestamp -1s 0ns is outside/,
      ],
      ['after 2262', entry({ ts: { seconds: 9_223_372_037n, nanos: 0 } }), /timestamp 9223372037s/],
      ['line too long', entry({ line: 'x'.repeat(MAX_LINE_BYTES + 1) }), /entries\[0\]: line too long/],
      [
        'bad metadata name',
        entry({ meta: [['bad key', 'v']] }),
        /entries\[0\]: invalid structured metadata name "bad key"/,
      ],
    ];
    for (const [name, body, message] of cases) {
      const res = await pushPb(app, body);
      assert.equal(res.statusCode, 400, `${name}: ${res.statusCode} ${res.body}`);
      assert.match(res.body, message, name);
    }
    // a batch whose second stream is bad is refused as a whole
    const partial = snappy(
      pushRequest([
        { labels: '{app="interflow"}', entries: [{ ts: ago(1), line: 'good' }] },
        { labels: '{app="interflow", bad-name="x"}', entries: [{ ts: ago(1), line: 'bad' }] },
      ]),
    );
    const res = await pushPb(app, partial);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /streams\[1\]: invalid label name "bad-name"/);
    await assertEmpty(app);
  });

  test('wrong content type or route gets a 415, a line of invalid UTF-8 is kept with U+FFFD', async (t) => {
    const { app } = await storeApp(t);
    const other = await pushPb(app, goodBody, { 'content-type': 'application/octet-stream' });
    assert.equal(other.statusCode, 415);
    const asJson = await pushPb(app, goodBody, { 'content-type': 'application/json' });
    assert.equal(asJson.statusCode, 400);
    const toQuery = await app.inject({
      method: 'POST',
      url: '/loki/api/v1/query_range',
      payload: goodBody,
      headers: PB,
    });
    assert.equal(toQuery.statusCode, 415);
    assert.match(toQuery.body, /only read by POST \/loki\/api\/v1\/push/);
    await assertEmpty(app);
    // Loki does not require valid UTF-8 in a protobuf line; neither do we
    const res = await pushPb(app, entry({ line: Uint8Array.from([0x6f, 0x6b, 0xff]) }));
    assert.equal(res.statusCode, 204, res.body);
    assert.deepEqual((await everything(app)).result[0]!.values, [[ago(1), 'ok\ufffd']]);
  });

  test('the size limit holds after decompression: declared lengths are checked before allocating', async (t) => {
    const limit = 64 * 1024;
    const { app } = await storeApp(t, { maxPushBytes: limit });
    const line = 'ab'.repeat(100_000);
    const raw = pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(1), line }] }]);
    const at = Buffer.from(raw).indexOf(Buffer.from(line)) + 2;
    // a snappy bomb: 200 kB that compresses to a few kB
    const bomb = snappyWithRun(raw, at, line.length - 2, 2);
    assert.ok(bomb.length < limit);
    const r1 = await pushPb(app, bomb);
    assert.equal(r1.statusCode, 413, r1.body);
    assert.match(r1.body, /declares 200\d+ bytes uncompressed, over the limit of 65536/);
    // a 6-byte body claiming 4 GiB is refused at once, nothing allocated
    const huge = await pushPb(app, Buffer.from([...varint(0xffff_ffff), 0x00]));
    assert.equal(huge.statusCode, 413);
    // an uncompressed body over the limit is cut off by the body limit
    const big = await pushPb(app, snappy(raw));
    assert.equal(big.statusCode, 413);
    // gzip around a snappy bomb: both layers are limited
    const gz = await pushPb(app, gzipSync(snappy(raw)), { ...PB, 'content-encoding': 'gzip' });
    assert.equal(gz.statusCode, 413);
    await assertEmpty(app);
    // just under the limit passes
    const fits = 'y'.repeat(limit - 200);
    const ok = await pushPb(
      app,
      snappy(pushRequest([{ labels: '{app="interflow"}', entries: [{ ts: ago(1), line: fits }] }])),
    );
    assert.equal(ok.statusCode, 204, ok.body);
  });

  test('random and mutated bodies never produce a 500', async (t) => {
    const { app } = await storeApp(t);
    const sample = pushRequest([
      { labels: '{app="interflow", node="w0"}', entries: [{ ts: ago(1), line: 'x', meta: [['k', 'v']] }] },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
          // valid snappy around a mutated message: exercises the protobuf decoder and the checks
          fc
            .tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 }))
            .map(([i, v]) => snappy(sample.map((b, j) => (j === i ? v : b)))),
          // a mutated snappy block
          fc
            .tuple(fc.nat(goodBody.length - 1), fc.integer({ min: 0, max: 255 }))
            .map(([i, v]) => Buffer.from(goodBody.map((b, j) => (j === i ? v : b)))),
        ),
        async (body) => {
          const res = await pushPb(app, body);
          assert.ok([204, 400, 413].includes(res.statusCode), `${res.statusCode} ${res.body}`);
        },
      ),
      { numRuns: 400 },
    );
  });
});

// The one-pass writer of a record's Loki value must give exactly the bytes of the generic
// JSON.stringify([ns, JSON.stringify(record)]) — for hostile strings, any Unicode (lone
// surrogates included), odd numbers and records the contract does not describe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FlowRecord } from '@interflow/contract';
import { makeRecord } from '../../test/numbered-records.ts';
import {
  buildPushBody,
  buildPushBodyBytes,
  encodeEntry,
  streamKey,
  streamLabels,
  timestampNs,
} from './push-body.ts';
import { fastRecordValue } from './record-value.ts';

const generic = (r: FlowRecord) => JSON.stringify([timestampNs(r.TimeFlowEndMs), JSON.stringify(r)]);
/** The generic bytes with the value's own timestamp (an unusable time becomes "now", which moves). */
const genericLike = (value: string, r: FlowRecord) =>
  JSON.stringify([(JSON.parse(value) as [string])[0], JSON.stringify(r)]);

const HOSTILE = [
  '',
  'plain',
  'quote " inside',
  'back\\slash',
  '\\"',
  'new\nline\r\ttab',
  'nul \u0000 and \u001f',
  '\u007f delete, \u0080 and \u00ff latin-1',
  'line sep \u2028 para sep \u2029',
  'emoji 🙂 and 𝄞',
  'lone high \ud800 here',
  'lone low \udc00 here',
  'reversed pair \udc00\ud800',
  '日本語のインターフェース',
  '</script><script>alert(1)</script>',
  '{"IfNetns":["x"]}',
];

/** A record with every string field set to `s` (enrichment fields included). */
function hostileRecord(s: string, i: number): FlowRecord {
  return makeRecord(i, {
    SrcAddr: s,
    DstAddr: s,
    SrcMac: s,
    DstMac: s,
    Interfaces: [s, 'net1'],
    IfNetns: ['', s],
    AgentIP: s,
    K8S_HostName: s,
    SrcK8S_Namespace: s,
    SrcK8S_Name: s,
    DstK8S_Namespace: s,
    DstK8S_OwnerName: s,
    IfK8S_Name: s,
    IfK8S_NetworkName: s,
  });
}

test('record value: the one-pass writer is used for ordinary records and gives the generic bytes', () => {
  const plain = makeRecord(7, { SrcK8S_Namespace: 'ns-a', IfK8S_Name: 'pod-1' });
  const fast = fastRecordValue(timestampNs(plain.TimeFlowEndMs), plain);
  assert.ok(fast !== undefined, 'an ordinary record takes the fast way');
  assert.equal(fast, generic(plain));
  assert.equal(encodeEntry(plain, 1, 0).value, generic(plain));
});

test('record value: hostile strings and Unicode give the generic bytes and parse back to the record', () => {
  HOSTILE.forEach((s, i) => {
    const r = hostileRecord(s, i);
    const value = encodeEntry(r, 1, 0).value;
    assert.equal(value, generic(r), JSON.stringify(s));
    const [ns, line] = JSON.parse(value) as [string, string];
    assert.equal(ns, timestampNs(r.TimeFlowEndMs));
    // Lone surrogates come back as U+FFFD-free escapes, so compare with what JSON gives back.
    assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(r)));
    // eslint-disable-next-line no-control-regex -- the characters JSON escapes
    if (!/["\\\u0000-\u001f\ud800-\udfff]/.test(s)) {
      assert.ok(fastRecordValue(timestampNs(r.TimeFlowEndMs), r) !== undefined, `fast way for ${s}`);
    }
  });
});

test('record value: any strings, numbers and optional fields (property)', () => {
  const codeUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  });
  const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), codeUnits);
  const anyNumber = fc.oneof(
    fc.integer(),
    fc.double(), // NaN, ±Infinity, -0 and fractions included
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 64, 1e21, 5e-324),
  );
  fc.assert(
    fc.property(
      fc.record({
        TimeFlowEndMs: anyNumber,
        SrcAddr: anyString,
        DstMac: anyString,
        Bytes: anyNumber,
        Interfaces: fc.array(anyString, { maxLength: 3 }),
        IfDirections: fc.array(anyNumber, { maxLength: 3 }),
        IfNetns: fc.array(anyString, { maxLength: 3 }),
        SrcK8S_Namespace: fc.option(anyString, { nil: undefined }),
        DstK8S_Name: fc.option(anyString, { nil: undefined }),
      }),
      (fields) => {
        const r = makeRecord(1, fields as Partial<FlowRecord>);
        const value = encodeEntry(r, 1, 0).value;
        assert.equal(value, genericLike(value, r));
        assert.deepEqual(
          JSON.parse((JSON.parse(value) as [string, string])[1]),
          JSON.parse(JSON.stringify(r)),
        );
      },
    ),
    { numRuns: 2000 },
  );
});

test('record value: keys in the record own order; unknown keys, odd types and toJSON fall back to the generic way', () => {
  const reordered = Object.assign({ Bytes: 5 }, makeRecord(3)) as FlowRecord;
  assert.equal(encodeEntry(reordered, 1, 0).value, generic(reordered));
  const odd: Record<string, unknown>[] = [
    { ...makeRecord(1), Extra: { nested: ['x"'] } },
    { ...makeRecord(1), SrcPort: '80' },
    { ...makeRecord(1), SrcAddr: 12 },
    { ...makeRecord(1), Interfaces: 'net1' },
    { ...makeRecord(1), IfDirections: [1, '0'] },
    { ...makeRecord(1), SrcK8S_Name: null },
    { ...makeRecord(1), SrcK8S_Name: undefined },
    { ...makeRecord(1), 0: 'integer key first' },
    { ...makeRecord(1), toJSON: () => ({ replaced: true }) },
  ];
  for (const r of odd) {
    const rec = r as unknown as FlowRecord;
    assert.equal(encodeEntry(rec, 1, 0).value, generic(rec), JSON.stringify(Object.keys(r)));
  }
  const inherited = Object.create({ Inherited: 1 }) as Record<string, unknown>;
  Object.assign(inherited, makeRecord(2));
  assert.equal(
    encodeEntry(inherited as unknown as FlowRecord, 1, 0).value,
    generic(inherited as unknown as FlowRecord),
  );
  const big = { ...makeRecord(1), Bytes: 10n } as unknown as FlowRecord;
  assert.throws(
    () => encodeEntry(big, 1, 0),
    /BigInt/,
    'unserialisable records still throw (counted as invalid)',
  );
});

test('stream keys: the cached key is the JSON of the labels, for every combination and past the cache bound', () => {
  const values = [undefined, '', 'ns-a', 'ns"b', 'ünïcode'];
  for (let i = 0; i < 6000; i++) {
    const r = makeRecord(i, {
      SrcK8S_Namespace: values[i % 5],
      DstK8S_Namespace: i < 5000 ? values[Math.floor(i / 5) % 5] : `ns-${i}`,
      FlowDirection: i % 3,
      K8S_HostName: i % 7 === 0 ? '' : 'node-1',
    });
    assert.equal(streamKey(r), JSON.stringify(streamLabels(r)));
  }
  const weird = makeRecord(1, { SrcK8S_Namespace: { a: 1 } as unknown as string });
  assert.equal(streamKey(weird), JSON.stringify(streamLabels(weird)));
});

test('push body bytes: the UTF-8 of the string body, several streams, Unicode kept', () => {
  const entries = HOSTILE.map((s, i) =>
    encodeEntry(makeRecord(i, { SrcK8S_Namespace: i % 3 ? s : 'ns', FlowDirection: i % 2 }), i + 1, 0),
  );
  const bytes = buildPushBodyBytes(entries);
  assert.ok(bytes.equals(Buffer.from(buildPushBody(entries), 'utf8')));
  const parsed = JSON.parse(bytes.toString('utf8')) as { streams: { values: unknown[] }[] };
  assert.ok(parsed.streams.length > 3);
  assert.equal(
    parsed.streams.reduce((n, s) => n + s.values.length, 0),
    entries.length,
  );
  assert.equal(buildPushBodyBytes([]).toString(), '{"streams":[]}');
});

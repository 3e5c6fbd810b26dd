// The in-place writer of a record's Loki value must give exactly the UTF-8 of the generic
// JSON.stringify([ns, JSON.stringify(record)]) whenever it does not decline, never write past
// its limit, and decline what the text writer declines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FlowRecord } from '@interflow/contract';
import { makeRecord } from '../../test/numbered-records.ts';
import { timestampNs } from './push-body.ts';
import { writeRecordValue } from './record-bytes.ts';
import { fastRecordValue } from './record-value.ts';

const generic = (r: FlowRecord) =>
  Buffer.from(JSON.stringify([timestampNs(r.TimeFlowEndMs), JSON.stringify(r)]), 'utf8');

/** What the writer puts in a 64 KiB buffer at offset 5, or undefined when it declines. */
function written(r: FlowRecord, room = 65_536): Buffer | undefined {
  const buf = Buffer.alloc(5 + room + 16, 0xee);
  const end = writeRecordValue(buf, 5, 5 + room, r);
  assert.ok(
    buf.subarray(5 + room).every((b) => b === 0xee),
    'nothing written past the limit',
  );
  return end < 0 ? undefined : buf.subarray(5, end);
}

test('record bytes: ordinary and enriched records, Unicode names, every number kind', () => {
  const records = [
    makeRecord(7),
    makeRecord(8, { SrcK8S_Namespace: 'ns-a', IfK8S_Name: 'pod-1', DstK8S_OwnerName: 'ünïcode-日本' }),
    makeRecord(9, { Bytes: 0, Packets: -0, SrcPort: -3, Dscp: 1.5, Flags: NaN, Proto: Infinity }),
    makeRecord(10, { Bytes: Number.MAX_SAFE_INTEGER, Packets: 2 ** 64, Dscp: 1e21, Flags: 5e-324 }),
    makeRecord(11, { Interfaces: [], IfDirections: [], IfNetns: [] }),
    makeRecord(12, { SrcAddr: 'line sep \u2028, delete \u007f, latin-1 \u00ff, 3 bytes \uffff' }),
  ];
  for (const r of records) {
    const bytes = written(r);
    assert.ok(bytes, JSON.stringify(r));
    assert.ok(bytes.equals(generic(r)), bytes.toString());
  }
});

test('record bytes: declines what needs an escape, odd types, unknown keys and unusable times', () => {
  const declined: Record<string, unknown>[] = [
    { ...makeRecord(1), SrcAddr: 'quote " inside' },
    { ...makeRecord(1), SrcAddr: 'back\\slash' },
    { ...makeRecord(1), SrcAddr: 'new\nline' },
    { ...makeRecord(1), SrcAddr: 'emoji 🙂' },
    { ...makeRecord(1), SrcAddr: 'lone \ud800' },
    { ...makeRecord(1), Extra: 1 },
    { ...makeRecord(1), SrcPort: '80' },
    { ...makeRecord(1), Interfaces: 'net1' },
    { ...makeRecord(1), SrcK8S_Name: null },
    { ...makeRecord(1), 0: 'integer key first' },
    { ...makeRecord(1), toJSON: () => ({}) },
    { ...makeRecord(1), Bytes: 10n },
    { ...makeRecord(1), TimeFlowEndMs: NaN },
    { ...makeRecord(1), TimeFlowEndMs: 1.5 },
  ];
  for (const r of declined)
    assert.equal(written(r as unknown as FlowRecord), undefined, String(Object.keys(r)));
  const inherited = Object.assign(Object.create({ Inherited: 1 }) as object, makeRecord(2)) as FlowRecord;
  assert.equal(written(inherited), undefined);
  // An undefined field is left out, as JSON.stringify does.
  const r = { ...makeRecord(3), SrcK8S_Name: undefined } as FlowRecord;
  assert.ok(written(r)!.equals(generic(r)));
});

test('record bytes: any room, from none to enough: declines or writes the whole value, never past the limit', () => {
  const r = makeRecord(4, { SrcK8S_Namespace: 'ns-é' });
  const full = generic(r);
  for (let room = 0; room <= full.length + 40; room++) {
    const bytes = written(r, room);
    if (bytes) assert.ok(bytes.equals(full), `room ${room}`);
  }
  assert.ok(written(r, full.length + 40), 'a little slack is enough');
});

test('record bytes: any strings, numbers and optional fields, same as the text writer (property)', () => {
  const codeUnits = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  });
  const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), codeUnits);
  const anyNumber = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 2 ** 64, 1e21, 5e-324),
  );
  fc.assert(
    fc.property(
      fc.record({
        TimeFlowEndMs: fc.oneof(anyNumber, fc.integer({ min: 1, max: 2 ** 45 })),
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
        const bytes = written(r);
        if (bytes) assert.ok(bytes.equals(generic(r)));
        // It declines exactly what the text writer declines, for a usable time.
        const ms = r.TimeFlowEndMs;
        if (Number.isSafeInteger(ms) && ms > 0) {
          assert.equal(bytes !== undefined, fastRecordValue(timestampNs(ms), r) !== undefined);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

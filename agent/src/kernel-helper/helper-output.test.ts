import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HelperOutputReader } from './helper-output.ts';

type Message = string | { type: number; recordBytes: number; hex: string; count: number };

function frame(type: number, recordBytes: number, records: Buffer, count: number): Buffer {
  const h = Buffer.alloc(8);
  h[1] = type;
  h.writeUInt16LE(recordBytes, 2);
  h.writeUInt32LE(count, 4);
  return Buffer.concat([h, records]);
}

function read(chunks: Buffer[]): Message[] {
  const got: Message[] = [];
  const reader = new HelperOutputReader({
    line: (line) => got.push(line),
    frame: (type, recordBytes, records, count) =>
      got.push({ type, recordBytes, hex: records.toString('hex'), count }),
  });
  for (const c of chunks) reader.push(c);
  return got;
}

// Event lines (one with non-ASCII text), frames of two records and of one, an empty frame.
const stream = Buffer.concat([
  Buffer.from('{"ev":"ready","version":3}\n'),
  frame(1, 4, Buffer.from('0a0b0c0d0e0f1011', 'hex'), 2),
  frame(1, 4, Buffer.from('00000000', 'hex'), 1),
  Buffer.from('{"ev":"link","name":"pod-é"}\n\n'),
  frame(1, 4, Buffer.alloc(0), 0),
  Buffer.from('{"ev":"drained","req":1}\n'),
]);
const expected: Message[] = [
  '{"ev":"ready","version":3}',
  { type: 1, recordBytes: 4, hex: '0a0b0c0d0e0f1011', count: 2 },
  { type: 1, recordBytes: 4, hex: '00000000', count: 1 },
  '{"ev":"link","name":"pod-é"}',
  '',
  { type: 1, recordBytes: 4, hex: '', count: 0 },
  '{"ev":"drained","req":1}',
];

test('lines and frames come out whole and in order, whatever the chunks', () => {
  assert.deepEqual(read([stream]), expected);
  // Every split into two chunks, and every byte on its own (frame headers, records and
  // multi-byte characters cut anywhere).
  for (let at = 1; at < stream.length; at++) {
    assert.deepEqual(read([stream.subarray(0, at), stream.subarray(at)]), expected, `split at ${at}`);
  }
  const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
  assert.deepEqual(read(bytes), expected);
});

test('a frame of another type or record size is passed on as it is, and the stream stays in step', () => {
  const odd = Buffer.concat([frame(7, 3, Buffer.from('010203', 'hex'), 1), Buffer.from('{"ev":"exit"}\n')]);
  assert.deepEqual(read([odd]), [{ type: 7, recordBytes: 3, hex: '010203', count: 1 }, '{"ev":"exit"}']);
});

test('a line without its newline yet is held until the newline comes', () => {
  assert.deepEqual(read([Buffer.from('{"ev":"ex')]), []);
  assert.deepEqual(read([Buffer.from('{"ev":"ex'), Buffer.from('it"}'), Buffer.from('\n')]), [
    '{"ev":"exit"}',
  ]);
});

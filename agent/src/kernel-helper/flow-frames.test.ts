import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFlow, FLOW_RECORD_BYTES, FlowFrames } from './flow-frames.ts';

interface WireFields {
  cookie: bigint;
  bytes: bigint;
  packets: bigint;
  firstNs: bigint;
  lastNs: bigint;
  ino: number;
  ifindex: number;
  tcpFlags: number;
  etype: number;
  sport: number;
  dport: number;
  vlan: number;
  vlanInner: number;
  proto: number;
  dir: number;
  src: string; // 16 bytes, hex
  dst: string;
  srcMac: string; // 6 bytes, hex
  dstMac: string;
  dscp: number;
  origin: number;
}

/** One record written at the offsets of struct iflow_wire (agent/native/flowout.h). */
function wire(f: WireFields): Buffer {
  const b = Buffer.alloc(112);
  b.writeBigUInt64LE(f.cookie, 0);
  b.writeBigUInt64LE(f.bytes, 8);
  b.writeBigUInt64LE(f.packets, 16);
  b.writeBigUInt64LE(f.firstNs, 24);
  b.writeBigUInt64LE(f.lastNs, 32);
  b.writeUInt32LE(f.ino, 40);
  b.writeUInt32LE(f.ifindex, 44);
  b.writeUInt32LE(f.tcpFlags, 48);
  b.writeUInt16LE(f.etype, 52);
  b.writeUInt16LE(f.sport, 54);
  b.writeUInt16LE(f.dport, 56);
  b.writeUInt16LE(f.vlan, 58);
  b.writeUInt16LE(f.vlanInner, 60);
  b[62] = f.proto;
  b[63] = f.dir;
  Buffer.from(f.src, 'hex').copy(b, 64);
  Buffer.from(f.dst, 'hex').copy(b, 80);
  Buffer.from(f.srcMac, 'hex').copy(b, 96);
  Buffer.from(f.dstMac, 'hex').copy(b, 102);
  b[108] = f.dscp;
  b[109] = f.origin;
  return b;
}

const v4: WireFields = {
  cookie: 9n,
  bytes: 5_000_000_000n, // above 2^32
  packets: 3n,
  firstNs: 8_000_000_000_123_456n, // below 2^53, above 2^52: exact
  lastNs: 8_000_000_001_123_457n,
  ino: 4026532177,
  ifindex: 2,
  tcpFlags: 0x12,
  etype: 0x0800,
  sport: 40000,
  dport: 65535,
  vlan: 10,
  vlanInner: 4094,
  proto: 17,
  dir: 1,
  src: '00000000000000000000ffff0a000001',
  dst: '00000000000000000000ffff0a000002',
  srcMac: 'aaaaaaaaaaaa',
  dstMac: 'bbbbbbbbbbbb',
  dscp: 46,
  origin: 0,
};

test('a binary record maps field by field', () => {
  assert.equal(FLOW_RECORD_BYTES, 112);
  assert.deepEqual(decodeFlow(Buffer.concat([Buffer.alloc(112), wire(v4)]), 112), {
    netnsIno: 4026532177,
    ifindex: 2,
    dir: 1,
    etype: 2048,
    proto: 17,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: 40000,
    dport: 65535,
    bytes: 5_000_000_000,
    packets: 3,
    firstNs: 8_000_000_000_123_456,
    lastNs: 8_000_000_001_123_457,
    tcpFlags: 0x12,
    srcMac: 'aa:aa:aa:aa:aa:aa',
    dstMac: 'bb:bb:bb:bb:bb:bb',
    dscp: 46,
    fromRingbuf: false,
    vlan: 10,
    vlanInner: 4094,
    netnsCookie: 9,
  });
  const ring = decodeFlow(
    wire({
      ...v4,
      etype: 0x86dd,
      src: 'fe8000000000000001fffe234567890a',
      dst: '20010db8000000000000000000000001',
      origin: 1,
      ino: 0xffffffff,
      tcpFlags: 0x80000001,
    }),
    0,
  );
  assert.equal(ring.src, 'fe80::1ff:fe23:4567:890a');
  assert.equal(ring.dst, '2001:db8::1');
  assert.equal(ring.fromRingbuf, true);
  assert.equal(ring.netnsIno, 4294967295);
  assert.equal(ring.tcpFlags, 2147483649);
  // The overflow table (origin 2) is not the ring buffer.
  assert.equal(decodeFlow(wire({ ...v4, origin: 2 }), 0).fromRingbuf, false);
});

test("a drain's frames read as one list in arrival order; ring-buffer entries counted without decoding", () => {
  const frames = new FlowFrames();
  frames.add(
    Buffer.concat([wire({ ...v4, dport: 1 }), wire({ ...v4, dport: 2 }), wire({ ...v4, dport: 3 })]),
    3,
  );
  frames.add(wire({ ...v4, dport: 4, origin: 1 }), 1);
  frames.add(Buffer.alloc(0), 0);
  frames.add(Buffer.concat([wire({ ...v4, dport: 5, origin: 2 }), wire({ ...v4, dport: 6, origin: 1 })]), 2);
  assert.equal(frames.length, 6);
  assert.equal(frames.ringbufEntries, 2);
  const inOrder = Array.from({ length: 6 }, (_, i) => frames.at(i).dport);
  assert.deepEqual(inOrder, [1, 2, 3, 4, 5, 6]);
  // Out of order as well.
  assert.deepEqual([frames.at(5).dport, frames.at(0).dport, frames.at(3).dport], [6, 1, 4]);
  assert.throws(() => frames.at(6), RangeError);
  assert.throws(() => frames.at(-1), RangeError);
  assert.equal(new FlowFrames().length, 0);
});

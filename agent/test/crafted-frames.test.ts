// The hand-built packets of the parsing tests are what they claim to be: known CRC32c vector,
// IPv4 header and UDP checksums that verify, lengths and tag layout where the parser looks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ETH_P_8021AD,
  ETH_P_8021Q,
  ETH_P_IP,
  crc32c,
  ethernetFrame,
  ipv4Udp,
  ipv6Udp,
  sctpPacket,
} from './crafted-frames.ts';

/** One's-complement sum over the data; 0xffff when a checksum inside it is right. */
function onesSum(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) | (data[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

test('crc32c gives the Castagnoli check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('IPv4/UDP: header checksum, UDP checksum with pseudo-header, lengths, DSCP', () => {
  const p = ipv4Udp({
    src: '192.168.100.1',
    dst: '192.168.100.2',
    sport: 40001,
    dport: 5201,
    payloadLen: 11,
    dscp: 10,
  });
  assert.equal(p.length, 20 + 8 + 11);
  assert.equal(p.readUInt16BE(2), p.length);
  assert.equal(p[1]! >> 2, 10);
  assert.equal(onesSum(p.subarray(0, 20)), 0xffff);
  const pseudo = Buffer.concat([p.subarray(12, 20), Buffer.from([0, 17, 0, 19])]);
  assert.equal(onesSum(Buffer.concat([pseudo, p.subarray(20)])), 0xffff);
  assert.deepEqual([p.readUInt16BE(20), p.readUInt16BE(22), p.readUInt16BE(24)], [40001, 5201, 19]);
});

test('IPv6/UDP: addresses expanded, payload length, UDP checksum', () => {
  const p = ipv6Udp({ src: 'fd00:7:100::1', dst: 'fd00:7:100::2', sport: 1, dport: 2, payloadLen: 4 });
  assert.equal(p.length, 40 + 12);
  assert.equal(p.readUInt16BE(4), 12);
  assert.equal(p.subarray(8, 24).toString('hex'), 'fd000007010000000000000000000001');
  const pseudo = Buffer.concat([p.subarray(8, 40), Buffer.from([0, 0, 0, 12, 0, 0, 0, 17])]);
  assert.equal(onesSum(Buffer.concat([pseudo, p.subarray(40)])), 0xffff);
});

test('QinQ frame: MACs, outer 0x88a8 and inner 0x8100 tags, then the ethertype', () => {
  const f = ethernetFrame(
    '02:00:00:00:00:02',
    '02:00:00:00:00:01',
    [
      { tpid: ETH_P_8021AD, vid: 300 },
      { tpid: ETH_P_8021Q, vid: 100 },
    ],
    ETH_P_IP,
    Buffer.from([1, 2]),
  );
  assert.equal(f.toString('hex'), '020000000002020000000001' + '88a8012c' + '81000064' + '0800' + '0102');
});

test('SCTP packet: ports, padded DATA chunk, checksum over the packet with the field zeroed', () => {
  const p = sctpPacket(40100, 9899, 7, 5);
  assert.equal(p.length, 12 + 16 + 8);
  assert.deepEqual([p.readUInt16BE(0), p.readUInt16BE(2)], [40100, 9899]);
  assert.equal(p.readUInt16BE(14), 16 + 5);
  const zeroed = Buffer.from(p);
  zeroed.writeUInt32LE(0, 8);
  assert.equal(p.readUInt32LE(8), crc32c(zeroed));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowAddressText, ipv6Text, macText } from './address-text.ts';

// Expected texts are glibc's inet_ntop (the helper's formatting when it sent text), taken with
// Python's socket.inet_ntop on glibc: hex bytes → text.
const INET_NTOP6: [string, string][] = [
  ['00000000000000000000000000000000', '::'],
  ['00000000000000000000000000000001', '::1'],
  ['00000000000000000000ffff01020304', '::ffff:1.2.3.4'],
  ['00000000000000000000000001020304', '::1.2.3.4'],
  ['00000000000000000000000000000005', '::5'],
  ['20010db8000000000000000000000001', '2001:db8::1'],
  ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
  ['20010000000000010000000000000001', '2001:0:0:1::1'],
  ['fe8000000000000001fffe234567890a', 'fe80::1ff:fe23:4567:890a'],
  ['00010000000000000001000000000000', '1::1:0:0:0'],
  ['00000000000100000000000000000000', '0:0:1::'],
  ['0000000000000000ffff000001020304', '::ffff:0:102:304'],
  ['ffff0000000000000000000000000000', 'ffff::'],
  ['00010000000000000000000000000000', '1::'],
  ['0064ff9b0000000000000000c0000221', '64:ff9b::c000:221'],
  ['00000000000000000000000100000000', '::1:0:0'],
  ['00000000000000000000fffe01020304', '::fffe:102:304'],
  ['abcdef0123456789abcdef0123456789', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789'],
  ['00000001000000000000000000000000', '0:1::'],
  ['00000000000000000000ffff00000000', '::ffff:0.0.0.0'],
];

test('IPv6 addresses read as inet_ntop writes them', () => {
  for (const [hex, text] of INET_NTOP6) {
    // At an offset, as inside a record.
    const b = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(hex, 'hex')]);
    assert.equal(ipv6Text(b, 3), text, hex);
  }
});

test('flow addresses: dotted IPv4 from the mapped form, IPv6 text, nothing for other protocols', () => {
  const mapped = Buffer.from('00000000000000000000ffffc0a87a47', 'hex');
  assert.equal(flowAddressText(mapped, 0, 0x0800), '192.168.122.71');
  assert.equal(flowAddressText(mapped, 0, 0x86dd), '::ffff:192.168.122.71');
  assert.equal(flowAddressText(mapped, 0, 0x0806), '');
  const notMapped = Buffer.from('20010db8000000000000000000000001', 'hex');
  assert.equal(flowAddressText(notMapped, 0, 0x0800), '');
  assert.equal(flowAddressText(Buffer.from('00000000000000000000ffff00000000', 'hex'), 0, 0x0800), '0.0.0.0');
  assert.equal(
    flowAddressText(Buffer.from('00000000000000000000ffffffffffff', 'hex'), 0, 0x0800),
    '255.255.255.255',
  );
});

test('MACs: lower-case hex pairs; the cache never mixes up two addresses', () => {
  assert.equal(macText(Buffer.from('0aFF0012abcd', 'hex'), 0), '0a:ff:00:12:ab:cd');
  assert.equal(macText(Buffer.from('000000000000', 'hex'), 0), '00:00:00:00:00:00');
  assert.equal(macText(Buffer.from('ffffffffffff', 'hex'), 0), 'ff:ff:ff:ff:ff:ff');
  // Addresses differing in the first and the last byte (the two ends of the cache key).
  assert.equal(macText(Buffer.from('8000000000ff', 'hex'), 0), '80:00:00:00:00:ff');
  assert.equal(macText(Buffer.from('0000000000ff', 'hex'), 0), '00:00:00:00:00:ff');
  assert.equal(macText(Buffer.from('800000000000', 'hex'), 0), '80:00:00:00:00:00');
});

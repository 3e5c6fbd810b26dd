import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ipPatternContains, isIPRangePattern, parseIP, parseIPPattern } from './ip-pattern.ts';

const contains = (pattern: string, ip: string): boolean => {
  const p = parseIPPattern(pattern);
  const a = parseIP(ip);
  assert.ok(p, `pattern ${pattern}`);
  assert.ok(a, `address ${ip}`);
  return ipPatternContains(p, a);
};

describe('IP patterns (Loki ip(): address, CIDR, range)', () => {
  test('addresses of both families become numbers of their own width', () => {
    assert.deepEqual(parseIP('10.0.0.1'), { bits: 32, value: 0x0a000001n });
    assert.deepEqual(parseIP('::1'), { bits: 128, value: 1n });
    assert.deepEqual(parseIP('fd00::1:2'), { bits: 128, value: (0xfd00n << 112n) | 0x10002n });
    assert.deepEqual(parseIP('::ffff:1.2.3.4'), { bits: 128, value: 0xffff01020304n });
    assert.equal(parseIP('10.0.0.256'), null);
    assert.equal(parseIP('fe80::1%eth0'), null);
  });

  test('CIDR prefixes hold the addresses of their network, of their family only', () => {
    assert.equal(contains('192.168.122.0/24', '192.168.122.7'), true);
    assert.equal(contains('192.168.122.0/24', '192.168.123.7'), false);
    assert.equal(contains('192.168.122.9/24', '192.168.122.200'), true, 'host bits are ignored');
    assert.equal(contains('0.0.0.0/0', '8.8.8.8'), true);
    assert.equal(contains('0.0.0.0/0', '::1'), false);
    assert.equal(contains('fd00::/64', 'fd00::5'), true);
    assert.equal(contains('fd00::/64', 'fd00:0:0:1::5'), false);
    assert.equal(contains('1.2.3.0/24', '::ffff:1.2.3.4'), false, 'IPv4-mapped IPv6 is IPv6, as in Go');
  });

  test('ranges are inclusive and of one family', () => {
    assert.equal(contains('10.0.0.1-10.0.0.9', '10.0.0.1'), true);
    assert.equal(contains('10.0.0.1-10.0.0.9', '10.0.0.9'), true);
    assert.equal(contains('10.0.0.1-10.0.0.9', '10.0.0.10'), false);
    assert.equal(contains('2001:db8::1-2001:db8::8', '2001:db8::3'), true);
    assert.equal(parseIPPattern('10.0.0.9-10.0.0.1'), null, 'first after last');
    assert.equal(parseIPPattern('10.0.0.1-::9'), null, 'two families');
  });

  test('what is not a pattern is refused', () => {
    for (const bad of [
      '',
      '10.0.0.0/33',
      '10.0.0.0/08',
      'fd00::/129',
      '10.0.0.0/',
      '/24',
      '10.0.0.1-',
      'x',
      '10.0.0.0/24/1',
    ])
      assert.equal(parseIPPattern(bad), null, bad);
    assert.equal(isIPRangePattern('10.0.0.1'), false);
    assert.equal(isIPRangePattern('10.0.0.0/8'), true);
    assert.equal(isIPRangePattern('10.0.0.1-10.0.0.2'), true);
  });
});

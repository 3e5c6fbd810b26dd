import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPAddress } from './ip-address.ts';

test('IPv4 and IPv6 addresses in their textual forms are addresses', () => {
  for (const ok of [
    '10.128.0.12',
    '0.0.0.0',
    '255.255.255.255',
    'fd00::1',
    '::',
    '::1',
    'fe80::a:b',
    '1:2:3:4:5:6:7:8',
    '::ffff:10.0.0.1',
    '1::',
    'FD00::A',
  ])
    assert.ok(isIPAddress(ok), ok);
});

test('anything else is not: words, partial, out of range, leading zeros, too many groups, spaces', () => {
  for (const bad of [
    '',
    'abc',
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1',
    '1.2.3.4.5',
    ' 10.0.0.1',
    'fd00:::1',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8:9',
    '12345::',
    'fd00::g',
    '10.0.0.1/24',
    '::ffff:10.0.0',
  ])
    assert.ok(!isIPAddress(bad), bad);
});

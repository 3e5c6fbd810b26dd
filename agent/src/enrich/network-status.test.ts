// Parsing of the Multus network-status annotation and address normalisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, canonicalMac } from './addresses.ts';
import { parseNetworkStatus } from './network-status.ts';

test('network-status: entries with and without MAC, several IPs, default flag', () => {
  const parsed = parseNetworkStatus(
    JSON.stringify([
      {
        name: 'ovn-kubernetes',
        interface: 'eth0',
        ips: ['10.128.0.5', 'FD00::5'],
        mac: '0A:58:0A:80:00:05',
        default: true,
        dns: {},
      },
      {
        name: 'test/sriov-test',
        interface: 'net1',
        ips: ['192.168.122.71'],
        dns: {},
        'device-info': { type: 'pci', pci: { 'pci-address': '0000:3b:02.1' } },
      },
      { name: 'test/no-ips', interface: 'net2', mac: 'not-a-mac', ips: 'oops' },
    ]),
  );
  assert.equal(parsed.problem, undefined);
  assert.deepEqual(parsed.entries, [
    {
      name: 'ovn-kubernetes',
      interface: 'eth0',
      ips: ['10.128.0.5', 'fd00::5'],
      mac: '0a:58:0a:80:00:05',
      default: true,
    },
    { name: 'test/sriov-test', interface: 'net1', ips: ['192.168.122.71'], default: false },
    { name: 'test/no-ips', interface: 'net2', ips: [], default: false },
  ]);
});

test('network-status: malformed annotations give no entries and say why', () => {
  assert.deepEqual(parseNetworkStatus(undefined), { entries: [] });
  assert.deepEqual(parseNetworkStatus('  '), { entries: [] });
  assert.match(parseNetworkStatus('[{"name":').problem ?? '', /not JSON/);
  assert.deepEqual(parseNetworkStatus('[{"name":').entries, []);
  assert.match(parseNetworkStatus('{"name":"x"}').problem ?? '', /not a JSON array/);
  const partial = parseNetworkStatus(
    JSON.stringify([null, 7, { interface: 'net1' }, { name: 'ok', ips: ['10.0.0.1'] }]),
  );
  assert.deepEqual(partial.entries, [{ name: 'ok', ips: ['10.0.0.1'], default: false }]);
  assert.match(partial.problem ?? '', /entries 0, 1, 2/);
});

test('addresses are normalised to the forms records carry', () => {
  assert.equal(canonicalIp('192.168.122.71'), '192.168.122.71');
  assert.equal(canonicalIp('FD00:0:0:0:0:0:0:1'), 'fd00::1');
  assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(canonicalIp('10.0.0.256'), undefined);
  assert.equal(canonicalIp('None'), undefined);
  assert.equal(canonicalIp(42), undefined);
  assert.equal(canonicalMac('0A-58-0A-80-00-05'), '0a:58:0a:80:00:05');
  assert.equal(canonicalMac('0a:58:0a:80:00'), undefined);
  assert.equal(canonicalMac('0a:58-0a:80:00:05'), undefined);
});

// VF, driver and type facts read by the agent's sysfs script from a FAKE sysfs tree laid out
// like the kernel's (class/net links into devices/, device/physfn and device/driver links):
// no SR-IOV NIC exists on this machine, so the tree stands in for one.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { interfaceType, parseSysfsFacts, sysfsReader } from './sysfs-facts.ts';

function fakeSysfs(root: string): void {
  const pci = join(root, 'devices/pci0000:00/0000:00:02.0');
  const pf = join(pci, '0000:3b:00.0');
  const vf = join(pci, '0000:3b:02.3');
  const drivers = join(root, 'bus/pci/drivers');
  mkdirSync(join(drivers, 'ice'), { recursive: true });
  mkdirSync(join(drivers, 'iavf'), { recursive: true });
  // The PF: a device with a driver, no physfn.
  mkdirSync(join(pf, 'net/ens7f0'), { recursive: true });
  symlinkSync(join(drivers, 'ice'), join(pf, 'driver'));
  writeFileSync(join(pf, 'net/ens7f0/type'), '1\n');
  symlinkSync(pf, join(pf, 'net/ens7f0/device'));
  // The VF: physfn points at its PF, driver iavf.
  mkdirSync(join(vf, 'net/ens7f0v3'), { recursive: true });
  symlinkSync(pf, join(vf, 'physfn'));
  symlinkSync(join(drivers, 'iavf'), join(vf, 'driver'));
  writeFileSync(join(vf, 'net/ens7f0v3/type'), '1\n');
  symlinkSync(vf, join(vf, 'net/ens7f0v3/device'));
  // Virtual interfaces: no device link.
  for (const [name, type] of [
    ['lo', '772'],
    ['veth1a2b', '1'],
    ['tun0', '65534'],
  ] as const) {
    mkdirSync(join(root, 'devices/virtual/net', name), { recursive: true });
    writeFileSync(join(root, 'devices/virtual/net', name, 'type'), `${type}\n`);
  }
  mkdirSync(join(root, 'class/net'), { recursive: true });
  symlinkSync(join(pf, 'net/ens7f0'), join(root, 'class/net/ens7f0'));
  symlinkSync(join(vf, 'net/ens7f0v3'), join(root, 'class/net/ens7f0v3'));
  for (const name of ['lo', 'veth1a2b', 'tun0'])
    symlinkSync(join(root, 'devices/virtual/net', name), join(root, 'class/net', name));
}

test('stand-in sysfs (fake tree, no SR-IOV NIC here): a VF is recognised from device/physfn, with its driver', async (t) => {
  const root = tempDir(t, 'interflow-fake-sysfs-');
  fakeSysfs(root);
  const facts = await sysfsReader(root).read('/proc/self/ns/net', true);
  assert.deepEqual([...facts.keys()].sort(), ['ens7f0', 'ens7f0v3', 'lo', 'tun0', 'veth1a2b']);
  assert.deepEqual(facts.get('ens7f0v3'), { arpType: 1, hasDevice: true, isVF: true, driver: 'iavf' });
  assert.deepEqual(facts.get('ens7f0'), { arpType: 1, hasDevice: true, isVF: false, driver: 'ice' });
  assert.deepEqual(facts.get('veth1a2b'), { arpType: 1, hasDevice: false, isVF: false, driver: undefined });
  assert.equal(interfaceType('net1', '', facts.get('ens7f0v3')), 'vf', 'a VF renamed net1 in a pod is a vf');
  assert.equal(interfaceType('ens7f0', '', facts.get('ens7f0')), 'physical');
  assert.equal(interfaceType('lo', '', facts.get('lo')), 'loopback');
  assert.equal(interfaceType('veth1a2b', 'veth', facts.get('veth1a2b')), 'veth');
  assert.equal(interfaceType('tun0', 'tun', facts.get('tun0')), 'tun');
  assert.equal(interfaceType('x', '', undefined), 'unknown', 'nothing known is said plainly');
});

test('a missing sysfs root yields no facts rather than an error', async (t) => {
  const root = tempDir(t, 'interflow-empty-sysfs-');
  assert.equal((await sysfsReader(join(root, 'nope')).read('/proc/self/ns/net', true)).size, 0);
});

test('the script output parser keeps empty drivers and odd types honest', () => {
  const m = parseSysfsFacts('a\t1\t1\t0\t\nb\t\t0\t0\t\n\n');
  assert.deepEqual(m.get('a'), { arpType: 1, hasDevice: true, isVF: false, driver: undefined });
  assert.equal(m.get('b')!.arpType, undefined);
});

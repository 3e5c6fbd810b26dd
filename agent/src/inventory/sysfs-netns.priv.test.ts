// sysfs of another network namespace, for real: the reader mounts a sysfs inside the
// namespace (private mount namespace) and sees that namespace's interfaces, not the host's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNetnsScenario } from '../../../test/support/netns-scenario.ts';
import { privileged } from '../../../test/support/privileged.ts';
import { sysfsReader } from './sysfs-facts.ts';

test("a namespace's sysfs shows its own interfaces (veths: no device, no VF)", privileged(), async (t) => {
  const s = await createNetnsScenario();
  t.after(() => s.teardown());
  const facts = await sysfsReader('/sys').read(s.a.path, false);
  assert.deepEqual([...facts.keys()].sort(), ['eth0', 'lo', 'net1']);
  assert.deepEqual(facts.get('net1'), { arpType: 1, hasDevice: false, isVF: false, driver: undefined });
  assert.equal(facts.get('lo')!.arpType, 772);
  const host = await sysfsReader('/sys').read('/proc/self/ns/net', true);
  assert.ok(host.has(s.bridge), 'the host sees its own bridge');
  assert.equal(host.get(s.bridge)!.arpType, 1);
});

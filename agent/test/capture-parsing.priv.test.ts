// Packet parsing on a real hook: IPv6 (TCP and ICMPv6 neighbour discovery), and 802.1Q-tagged
// IPv4 seen on net1 underneath a VLAN sub-interface (when the kernel has 802.1Q support).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario, type NetnsScenario } from '../../test/support/netns-scenario.ts';
import { hookedNames, startCapture, waitFor } from './capture-rig.ts';

async function iperfServer(s: NetnsScenario): Promise<void> {
  const srv = s.spawn(s.b, 'iperf3', ['-s', '--forceflush']);
  let out = '';
  srv.stdout!.on('data', (d) => (out += d));
  await waitFor('iperf3 server', () => out.includes('Server listening'), 5000);
}

async function scenario(t: TestContext) {
  const s = await createNetnsScenario();
  t.after(() => s.teardown());
  return s;
}

test('IPv6 TCP and ICMPv6 on net1 are parsed into the right records', privileged(), async (t) => {
  const s = await scenario(t);
  const v6 = { a: 'fd00:7:1::1', b: 'fd00:7:1::2' };
  await s.exec(s.a, 'ip', ['-6', 'addr', 'add', `${v6.a}/64`, 'dev', 'net1', 'nodad']);
  await s.exec(s.b, 'ip', ['-6', 'addr', 'add', `${v6.b}/64`, 'dev', 'net1', 'nodad']);
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
  await iperfServer(s);
  await s.exec(s.a, 'iperf3', ['-6', '-c', v6.b, '-t', '1', '-b', '10M']);
  await capture.evictNow();
  await capture.evictNow();

  const onA = records.filter((r) => r.IfNetns[0] === s.a.name && r.Interfaces[0] === 'net1');
  const tcp6 = onA.filter(
    (r) =>
      r.Etype === 0x86dd &&
      r.Proto === 6 &&
      r.SrcAddr === v6.a &&
      r.DstAddr === v6.b &&
      r.DstPort === 5201 &&
      r.IfDirections[0] === 1,
  );
  assert.ok(tcp6.length > 0, 'IPv6 TCP flow recorded with its addresses and ports');
  assert.ok(tcp6.reduce((n, r) => n + r.Bytes, 0) > 1_000_000, 'IPv6 bytes counted');
  const nd = onA.filter((r) => r.Etype === 0x86dd && r.Proto === 58);
  assert.ok(
    nd.length > 0 && nd.every((r) => r.SrcPort === 0 && r.DstPort === 0),
    'ICMPv6 recorded with ports 0',
  );
  const back = records.filter(
    (r) => r.IfNetns[0] === s.b.name && r.Interfaces[0] === 'net1' && r.IfDirections[0] === 0,
  );
  assert.ok(
    back.some((r) => r.SrcAddr === v6.a && r.DstAddr === v6.b && r.Proto === 6),
    'seen entering B/net1',
  );
});

test('VLAN-tagged IPv4 on net1 is parsed through the 802.1Q tag', privileged(), async (t) => {
  const s = await scenario(t);
  const vlan = { a: '192.168.100.1', b: '192.168.100.2' };
  try {
    for (const [ns, ip] of [
      [s.a, vlan.a],
      [s.b, vlan.b],
    ] as const) {
      await s.exec(ns, 'ip', [
        'link',
        'add',
        'link',
        'net1',
        'name',
        'net1.100',
        'type',
        'vlan',
        'id',
        '100',
      ]);
      await s.exec(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'net1.100']);
      await s.exec(ns, 'ip', ['link', 'set', 'net1.100', 'up']);
    }
  } catch (e) {
    if (/Unknown device type/.test((e as Error).message)) {
      t.skip('this kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q)');
      return;
    }
    throw e;
  }
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends (not net1.100)', () => hookedNames(capture).length === 2);
  await iperfServer(s);
  await s.exec(s.a, 'iperf3', ['-c', vlan.b, '-u', '-t', '1', '-b', '5M']);
  await capture.evictNow();
  await capture.evictNow();
  const tagged = records.filter(
    (r) =>
      r.Interfaces[0] === 'net1' &&
      r.Etype === 0x0800 &&
      r.Proto === 17 &&
      r.SrcAddr === vlan.a &&
      r.DstAddr === vlan.b &&
      r.DstPort === 5201,
  );
  assert.ok(
    tagged.some((r) => r.IfNetns[0] === s.a.name && r.IfDirections[0] === 1),
    'leaving A/net1',
  );
  assert.ok(
    tagged.some((r) => r.IfNetns[0] === s.b.name && r.IfDirections[0] === 0),
    'entering B/net1',
  );
  assert.ok(
    records.every((r) => r.Interfaces[0] === 'net1'),
    'net1.100 itself is not hooked',
  );
});

// net1 accuracy on the reference topology: iperf3 TCP and UDP over net1 (the stand-in for an
// SR-IOV VF inside a pod namespace) and other traffic over eth0 at the same time. The net1
// records name the right namespace and direction, their bytes match what iperf3 moved within
// 2 % once per-packet headers are taken off, and no eth0 traffic is attributed to net1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '@interflow/contract';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario } from '../../test/support/netns-scenario.ts';
import { TCP_HEADERS, UDP_HEADERS, iperfClient, iperfServer, payload } from '../../test/support/iperf.ts';
import { waitFor } from '../../test/support/wait.ts';
import { hookedNames, startCapture } from './capture-harness.ts';

function select(
  records: FlowRecord[],
  where: Partial<
    Record<'netns' | 'ifname' | 'dir' | 'src' | 'dst' | 'sport' | 'dport' | 'proto', string | number>
  >,
) {
  return records.filter(
    (r) =>
      (where.netns === undefined || r.IfNetns[0] === where.netns) &&
      (where.ifname === undefined || r.Interfaces[0] === where.ifname) &&
      (where.dir === undefined || r.IfDirections[0] === where.dir) &&
      (where.src === undefined || r.SrcAddr === where.src) &&
      (where.dst === undefined || r.DstAddr === where.dst) &&
      (where.sport === undefined || r.SrcPort === where.sport) &&
      (where.dport === undefined || r.DstPort === where.dport) &&
      (where.proto === undefined || r.Proto === where.proto),
  );
}

function assertWithin2Percent(measured: number, expected: number, what: string): void {
  const ratio = measured / expected;
  assert.ok(
    Math.abs(ratio - 1) <= 0.02,
    `${what}: records say ${measured} payload bytes, iperf3 moved ${expected} (ratio ${ratio.toFixed(4)})`,
  );
}

test(
  'net1 records: right namespace and direction, bytes within 2 % of iperf3, no eth0 traffic on net1',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const { capture, records, metrics } = await startCapture(t, s.dir);
    const want = [`${s.a.name}/eth0`, `${s.a.name}/net1`, `${s.b.name}/eth0`, `${s.b.name}/net1`];
    await waitFor(
      'hooks on net1 and eth0 in both namespaces',
      () => JSON.stringify(hookedNames(capture)) === JSON.stringify(want.sort()),
    );

    await iperfServer(s, s.b, s.net1.b, 5201);
    await iperfServer(s, s.b, s.eth0.b, 5202);
    await iperfServer(s, s.b, s.eth0.b, 5203);

    // TCP, then UDP, over net1 while eth0 carries its own TCP and UDP streams.
    const [tcp, eth0Tcp] = await Promise.all([
      iperfClient(s, s.a, ['-c', s.net1.b, '-p', '5201', '-t', '2']),
      iperfClient(s, s.a, ['-c', s.eth0.b, '-p', '5202', '-t', '2', '-b', '200M']),
    ]);
    const [udp] = await Promise.all([
      iperfClient(s, s.a, ['-c', s.net1.b, '-p', '5201', '-u', '-b', '200M', '-l', '1400', '-t', '2']),
      iperfClient(s, s.a, ['-c', s.eth0.b, '-p', '5203', '-u', '-b', '20M', '-t', '2']),
    ]);
    // Two evictions: everything counted so far is drained and recorded.
    await capture.evictNow();
    await capture.evictNow();

    const A = s.a.name;
    const B = s.b.name;
    const tcpFwd = { src: s.net1.a, dst: s.net1.b, sport: tcp.localPort, dport: 5201, proto: 6 };
    const aEgress = select(records, { netns: A, ifname: 'net1', dir: 1, ...tcpFwd });
    const bIngress = select(records, { netns: B, ifname: 'net1', dir: 0, ...tcpFwd });
    assert.ok(aEgress.length > 0 && bIngress.length > 0, 'TCP data flow recorded on both net1 ends');
    assertWithin2Percent(payload(aEgress, TCP_HEADERS), tcp.sentBytes, `TCP on ${A}/net1 egress`);
    assertWithin2Percent(payload(bIngress, TCP_HEADERS), tcp.sentBytes, `TCP on ${B}/net1 ingress`);
    // The ACK stream goes the other way: egress at B, ingress at A.
    const acks = { src: s.net1.b, dst: s.net1.a, sport: 5201, dport: tcp.localPort, proto: 6 };
    assert.ok(
      select(records, { netns: B, ifname: 'net1', dir: 1, ...acks }).length > 0,
      'ACKs egress on B/net1',
    );
    assert.ok(
      select(records, { netns: A, ifname: 'net1', dir: 0, ...acks }).length > 0,
      'ACKs ingress on A/net1',
    );
    // Nothing of this flow is reported in the wrong direction.
    assert.equal(select(records, { netns: A, ifname: 'net1', dir: 0, ...tcpFwd }).length, 0);
    assert.equal(select(records, { netns: B, ifname: 'net1', dir: 1, ...tcpFwd }).length, 0);

    const udpFwd = { src: s.net1.a, dst: s.net1.b, sport: udp.localPort, dport: 5201, proto: 17 };
    assertWithin2Percent(
      payload(select(records, { netns: A, ifname: 'net1', dir: 1, ...udpFwd }), UDP_HEADERS),
      udp.sentBytes,
      `UDP on ${A}/net1 egress`,
    );
    assertWithin2Percent(
      payload(select(records, { netns: B, ifname: 'net1', dir: 0, ...udpFwd }), UDP_HEADERS),
      udp.sentBytes,
      `UDP on ${B}/net1 ingress`,
    );

    // eth0's traffic is on eth0 and only there.
    const eth0Addrs = new Set([s.eth0.a, s.eth0.b]);
    const onNet1 = records.filter((r) => r.Interfaces[0] === 'net1');
    assert.deepEqual(
      onNet1.filter((r) => eth0Addrs.has(r.SrcAddr) || eth0Addrs.has(r.DstAddr)),
      [],
      'no eth0 address on a net1 record',
    );
    // IPv4 on net1 is only net1's subnet (IPv6 link-local chatter and ARP are net1's own too).
    const strayV4 = onNet1.filter(
      (r) =>
        r.Etype === 0x0800 && !(r.SrcAddr.startsWith('192.168.122.') && r.DstAddr.startsWith('192.168.122.')),
    );
    assert.deepEqual(strayV4, [], 'net1 IPv4 records carry only net1 addresses');
    const eth0Data = select(records, {
      netns: A,
      ifname: 'eth0',
      dir: 1,
      src: s.eth0.a,
      dst: s.eth0.b,
      sport: eth0Tcp.localPort,
      dport: 5202,
    });
    assertWithin2Percent(payload(eth0Data, TCP_HEADERS), eth0Tcp.sentBytes, `TCP on ${A}/eth0 egress`);
    const onEth0 = records.filter((r) => r.Interfaces[0] === 'eth0');
    assert.deepEqual(
      onEth0.filter((r) => r.SrcAddr.startsWith('192.168.122.') || r.DstAddr.startsWith('192.168.122.')),
      [],
      'no net1 address on an eth0 record',
    );

    // Record fields the rest of the product relies on.
    const r = aEgress[0]!;
    assert.equal(r.FlowDirection, 1);
    assert.deepEqual(r.IfDirections, [1]);
    assert.equal(r.Etype, 0x0800);
    assert.match(r.SrcMac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.ok(
      r.TimeFlowStartMs <= r.TimeFlowEndMs && Math.abs(r.TimeFlowEndMs - Date.now()) < 60_000,
      'wall-clock times',
    );
    assert.ok((r.Flags & 0x10) !== 0, 'ACK flag seen');
    assert.equal(await metrics.mapFullEvents.get().then((m) => m.values[0]?.value ?? 0), 0);
  },
);

// What the datapath must get right on every device and packet, on a real hook: both attach
// modes (tcx links and the clsact qdisc), a device without Ethernet header (tun: L3 at offset
// 0), GSO packets (one skb, many segments on the wire), and two VLANs on one trunk carrying
// the same 5-tuple.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario, type NetnsScenario } from '../../test/support/netns-scenario.ts';
import type { Capture } from '../src/capture.ts';
import { IF_DIRECTION, type FlowRecord } from '@interflow/contract';
import { waitFor } from '../../test/support/wait.ts';
import { hookedNames, startCapture } from './capture-harness.ts';
import { ETH_P_8021Q, ETH_P_IP, ethernetFrame, ipv4Udp, linkMac, sendFrames } from './crafted-frames.ts';

async function scenario(t: TestContext, opts: { bare?: boolean } = {}): Promise<NetnsScenario> {
  const s = await createNetnsScenario(opts);
  t.after(() => s.teardown());
  return s;
}

const sum = (rs: FlowRecord[], field: 'Bytes' | 'Packets') => rs.reduce((n, r) => n + r[field], 0);

function pick(
  records: FlowRecord[],
  ns: string,
  ifname: string,
  dir: number,
  match: Partial<Pick<FlowRecord, 'Proto' | 'SrcAddr' | 'DstAddr' | 'SrcPort' | 'DstPort'>>,
): FlowRecord[] {
  return records.filter(
    (r) =>
      r.IfNetns[0] === ns &&
      r.Interfaces[0] === ifname &&
      r.IfDirections[0] === dir &&
      Object.entries(match).every(([k, v]) => r[k as keyof FlowRecord] === v),
  );
}

/** Evicts until `done` holds (the ring of eviction intervals may split a flow in two records). */
async function evictUntil(capture: Capture, what: string, done: () => boolean): Promise<void> {
  await waitFor(
    what,
    async () => {
      await capture.evictNow();
      return done();
    },
    10_000,
  );
}

for (const mode of ['tcx', 'tc'] as const) {
  test(
    `attach mode ${mode}: every datagram on net1 counted on both ends, and only tc mode adds a clsact qdisc`,
    privileged(),
    async (t) => {
      const s = await scenario(t);
      const { capture, records } = await startCapture(t, s.dir, {
        INTERFLOW_INTERFACES: 'net1',
        INTERFLOW_TC_ATTACH_MODE: mode,
      });
      await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
      const qdiscs = await s.exec(s.a, 'tc', ['qdisc', 'show', 'dev', 'net1']);
      assert.equal(/clsact/.test(qdiscs), mode === 'tc', `clsact on A/net1 in ${mode} mode: ${qdiscs}`);
      const code = `const d=require('node:dgram');const s=d.createSocket('udp4');let i=0;
    function n(){if(i++>=5)return s.close();s.send(Buffer.alloc(100),7201,'${s.net1.b}',n);}n();`;
      await s.exec(s.a, process.execPath, ['-e', code]);
      const match = { Proto: 17, DstAddr: s.net1.b, DstPort: 7201 };
      const out = () => pick(records, s.a.name, 'net1', IF_DIRECTION.egress, match);
      const inB = () => pick(records, s.b.name, 'net1', IF_DIRECTION.ingress, match);
      await evictUntil(
        capture,
        'the datagrams on both ends',
        () => sum(out(), 'Packets') >= 5 && sum(inB(), 'Packets') >= 5,
      );
      for (const [label, rs] of [
        ['A/net1 egress', out()],
        ['B/net1 ingress', inB()],
      ] as const) {
        assert.equal(sum(rs, 'Packets'), 5, `${label}: packets`);
        assert.equal(sum(rs, 'Bytes'), 5 * (14 + 20 + 8 + 100), `${label}: bytes`);
      }
    },
  );
}

// tun has no link-layer header: tc sees the IP header at offset 0, skb->protocol names it.
// A python process in A holds the tun queue: what it writes enters tun1 (tc ingress), what
// A's stack routes to 10.98.0.2 leaves through tun1 (tc egress) and is read back.
const TUN_PY = `
import fcntl, os, socket, struct, sys, time
name, n_in, n_out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', name.encode(), 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN|IFF_NO_PI
os.system('ip link set %s up' % name)
time.sleep(0.3)
for pkt in sys.argv[4:]:
    os.write(fd, bytes.fromhex(pkt))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n_out):
    s.sendto(b'x' * 300, ('10.98.0.2', 7001))
time.sleep(0.3)
print('ok')
`;

test(
  'a tun device (no Ethernet header): both directions parsed from the IP header at offset 0',
  privileged(),
  async (t) => {
    const s = await scenario(t, { bare: true });
    await s.exec(s.a, 'ip', ['tuntap', 'add', 'dev', 'tun1', 'mode', 'tun']);
    await s.exec(s.a, 'ip', ['addr', 'add', '10.98.0.1/24', 'dev', 'tun1']);
    const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'tun1' });
    await waitFor('tun1 hooked', () => hookedNames(capture).length === 1);
    const N_IN = 4;
    const N_OUT = 6;
    const inbound = Array.from({ length: N_IN }, () =>
      ipv4Udp({ src: '10.98.0.2', dst: '10.98.0.1', sport: 7002, dport: 7003, payloadLen: 200, dscp: 10 }),
    );
    await s.exec(s.a, 'python3', [
      '-c',
      TUN_PY,
      'tun1',
      String(N_IN),
      String(N_OUT),
      ...inbound.map((b) => b.toString('hex')),
    ]);
    const ins = () =>
      pick(records, s.a.name, 'tun1', IF_DIRECTION.ingress, {
        Proto: 17,
        SrcAddr: '10.98.0.2',
        DstPort: 7003,
      });
    const outs = () =>
      pick(records, s.a.name, 'tun1', IF_DIRECTION.egress, {
        Proto: 17,
        DstAddr: '10.98.0.2',
        DstPort: 7001,
      });
    await evictUntil(
      capture,
      'tun1 flows in both directions',
      () => sum(ins(), 'Packets') >= N_IN && sum(outs(), 'Packets') >= N_OUT,
    ).catch((err: Error) => {
      const seen = records.map(
        (r) =>
          `dir=${r.IfDirections[0]} etype=${r.Etype} proto=${r.Proto} ${r.SrcAddr}:${r.SrcPort}>${r.DstAddr}:${r.DstPort} ${r.Packets}p`,
      );
      throw new Error(`${err.message}; records:\n${seen.join('\n')}`);
    });
    assert.equal(sum(ins(), 'Packets'), N_IN, 'ingress packets');
    assert.equal(sum(ins(), 'Bytes'), N_IN * (20 + 8 + 200), 'ingress bytes: the IP packets, no link header');
    assert.equal(ins()[0]!.Etype, ETH_P_IP);
    assert.equal(ins()[0]!.SrcPort, 7002);
    assert.equal(ins()[0]!.Dscp, 10);
    assert.equal(sum(outs(), 'Packets'), N_OUT, 'egress packets');
    assert.equal(sum(outs(), 'Bytes'), N_OUT * (20 + 8 + 300), 'egress bytes');
    for (const r of [...ins(), ...outs()]) {
      assert.equal(r.SrcMac, '00:00:00:00:00:00', 'no MAC on a device without Ethernet header');
      assert.equal(r.DstMac, '00:00:00:00:00:00');
    }
    assert.ok(
      !records.some((r) => r.Etype !== ETH_P_IP && r.Etype !== 0x86dd),
      'no record made of IP bytes read as Ethernet',
    );
  },
);

function nstatValue(text: string, name: string): number {
  const m = new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

// veth carries TSO/GSO skbs up to 64 KiB as one packet; on the wire each is gso_segs frames
// with their own headers. A's TCP stack counts the segments it sent (TcpOutSegs, plus
// TcpRetransSegs: tail-loss probes and other retransmissions are not in OutSegs): the records
// must count the same, on both ends.
test('a GSO burst on net1 is counted as its segments, each with its headers', privileged(), async (t) => {
  const s = await scenario(t);
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
  await capture.evictNow();
  const PORT = 7101;
  const BYTES = 4 * 1024 * 1024;
  const server = s.spawn(s.b, process.execPath, [
    '-e',
    `const n=require('node:net');const srv=n.createServer((c)=>{c.on('data',()=>{});c.on('end',()=>{c.end();srv.close();});});srv.listen(${PORT},'${s.net1.b}',()=>console.log('up'));`,
  ]);
  await new Promise<void>((resolve, reject) => {
    server.stdout!.once('data', () => resolve());
    server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  await s.exec(s.a, 'nstat', ['-n']);
  await s.exec(s.a, process.execPath, [
    '-e',
    `const n=require('node:net');const c=n.connect(${PORT},'${s.net1.b}',()=>{c.end(Buffer.alloc(${BYTES}));});c.on('data',()=>{});c.on('close',()=>{});`,
  ]);
  const mib = await s.exec(s.a, 'nstat', ['-az', 'TcpOutSegs', 'TcpRetransSegs']);
  const retrans = nstatValue(mib, 'TcpRetransSegs');
  const segs = nstatValue(mib, 'TcpOutSegs') + retrans;
  const out = () => pick(records, s.a.name, 'net1', IF_DIRECTION.egress, { Proto: 6, DstPort: PORT });
  const inB = () => pick(records, s.b.name, 'net1', IF_DIRECTION.ingress, { Proto: 6, DstPort: PORT });
  await evictUntil(
    capture,
    'the transfer on both ends',
    () => sum(out(), 'Packets') >= segs && sum(inB(), 'Packets') >= segs,
  );
  assert.ok(segs > BYTES / 65536, `enough segments for a real test (${segs})`);
  assert.equal(sum(out(), 'Packets'), segs, 'A/net1 egress: packets = the segments TCP sent');
  assert.equal(sum(inB(), 'Packets'), segs, 'B/net1 ingress: the same');
  // Every segment: Ethernet 14 + IPv4 20 + TCP 32 (timestamps); the SYN's TCP header is 40;
  // a retransmission repeats at most one MSS (1448) of payload.
  const overhead = sum(out(), 'Bytes') - BYTES - segs * (14 + 20 + 32);
  assert.ok(
    overhead >= 0 && overhead <= 16 + retrans * 1448,
    `A/net1 egress bytes = payload + each segment's headers (off by ${overhead}, ${retrans} retransmissions)`,
  );
  assert.equal(sum(inB(), 'Bytes'), sum(out(), 'Bytes'), 'both ends agree on bytes');
});

// The same 5-tuple on VLAN 10 and VLAN 20 of one trunk is two flows.
test('two VLANs on a trunk carrying the same 5-tuple never merge', privileged(), async (t) => {
  const s = await scenario(t);
  const macs = { a: await linkMac(s, s.a, 'net1'), b: await linkMac(s, s.b, 'net1') };
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
  const d = { src: '192.168.110.1', dst: '192.168.110.2', sport: 40110, dport: 5210, payloadLen: 100 };
  const frame = (vid: number) =>
    ethernetFrame(macs.b, macs.a, [{ tpid: ETH_P_8021Q, vid }], ETH_P_IP, ipv4Udp(d));
  const frames = [
    ...Array.from({ length: 3 }, () => frame(10)),
    ...Array.from({ length: 5 }, () => frame(20)),
  ];
  await sendFrames(s, s.a, 'net1', frames);
  const match = { Proto: 17, SrcAddr: d.src, DstAddr: d.dst, SrcPort: d.sport, DstPort: d.dport };
  for (const [ns, dir, label] of [
    [s.a.name, IF_DIRECTION.egress, 'A/net1 egress (tags in the data)'],
    [s.b.name, IF_DIRECTION.ingress, 'B/net1 ingress (outer tag in skb metadata)'],
  ] as const) {
    await evictUntil(
      capture,
      `${label}: 8 frames`,
      () => sum(pick(records, ns, 'net1', dir, match), 'Packets') >= 8,
    );
    const counts = pick(records, ns, 'net1', dir, match)
      .map((r) => r.Packets)
      .sort((x, y) => x - y);
    assert.deepEqual(counts, [3, 5], `${label}: one record per VLAN`);
  }
});

async function linkNet1(s: NetnsScenario): Promise<void> {
  await s.exec(s.a, 'ip', ['link', 'add', 'net1', 'type', 'veth', 'peer', 'name', 'net1', 'netns', s.b.path]);
  await s.exec(s.a, 'ip', ['addr', 'add', `${s.net1.a}/24`, 'dev', 'net1']);
  await s.exec(s.b, 'ip', ['addr', 'add', `${s.net1.b}/24`, 'dev', 'net1']);
  await s.exec(s.a, 'ip', ['link', 'set', 'net1', 'up']);
  await s.exec(s.b, 'ip', ['link', 'set', 'net1', 'up']);
}

// A pod's namespace dies and a new one is made at once (same file name, and often the same
// inode: the kernel reuses nsfs inode numbers). Within one eviction interval, the same 5-tuple
// on the same ifindex in the old and the new namespace are two flows: the map key holds the
// namespace cookie, which the kernel never reuses.
test(
  'a namespace deleted and re-created within one interval: its flows and its successor’s never merge',
  privileged(),
  async (t) => {
    const s = await scenario(t, { bare: true });
    await linkNet1(s);
    const { capture, records } = await startCapture(t, s.dir, {
      INTERFLOW_INTERFACES: 'net1',
      INTERFLOW_EVICT_INTERVAL: '1h', // one interval for the whole test: drained by hand at the end
    });
    await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
    const send = (n: number) =>
      s.exec(s.a, process.execPath, [
        '-e',
        `const d=require('node:dgram');const s=d.createSocket('udp4');s.bind(40600,'${s.net1.a}',()=>{let i=0;
      function n(){if(i++>=${n})return s.close();s.send(Buffer.alloc(50),7300,'${s.net1.b}',n);}n();});`,
      ]);
    const inoBefore = (await s.exec(s.b, 'stat', ['-L', '-c', '%i', '/proc/self/ns/net'])).trim();
    await send(3);
    await s.deleteNamespace(s.b);
    await waitFor('the old namespace unwatched (its net1 gone)', () => hookedNames(capture).length === 0);
    s.b = await s.addNamespace('b');
    await linkNet1(s);
    await waitFor('net1 hooked again on both ends', () => hookedNames(capture).length === 2);
    const inoAfter = (await s.exec(s.b, 'stat', ['-L', '-c', '%i', '/proc/self/ns/net'])).trim();
    await send(5);
    const match = { Proto: 17, SrcPort: 40600, DstPort: 7300 };
    await evictUntil(
      capture,
      'both namespaces’ datagrams',
      () => sum(pick(records, s.b.name, 'net1', IF_DIRECTION.ingress, match), 'Packets') >= 8,
    );
    const counts = pick(records, s.b.name, 'net1', IF_DIRECTION.ingress, match)
      .map((r) => r.Packets)
      .sort((x, y) => x - y);
    assert.deepEqual(counts, [3, 5], `one record per namespace (inode ${inoBefore} then ${inoAfter})`);
  },
);

// Packet parsing on a real hook: IPv6 (TCP and ICMPv6 neighbour discovery), 802.1Q and QinQ
// tagged IPv4/IPv6 (tags in the packet data on egress, outer tag offloaded into the skb on
// ingress) and SCTP. Tagged frames and SCTP packets are crafted by hand (crafted-frames.ts)
// because the kernels we run on have neither the 8021q nor the sctp module.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { IF_DIRECTION, type FlowRecord } from '@interflow/contract';
import { iperfServer } from '../../test/support/iperf.ts';
import { privileged } from '../../test/support/privileged.ts';
import {
  createNetnsScenario,
  type NetnsScenario,
  type ScenarioNamespace,
} from '../../test/support/netns-scenario.ts';
import type { Capture } from '../src/capture.ts';
import { waitFor } from '../../test/support/wait.ts';
import { hookedNames, startCapture } from './capture-harness.ts';
import {
  ETH_P_8021AD,
  ETH_P_8021Q,
  ETH_P_IP,
  ETH_P_IPV6,
  IPPROTO_SCTP,
  IPPROTO_UDP,
  ethernetFrame,
  ipv4Udp,
  ipv6Udp,
  linkMac,
  sctpPacket,
  ipv6Packet,
  sendFrames,
  sendIpPayloads,
  type UdpDatagram,
  type VlanTag,
} from './crafted-frames.ts';

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
  await iperfServer(s, s.b, v6.b, 5201);
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

interface Sent {
  what: string;
  etype: number;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  dscp: number;
  /** Frame lengths as put on the wire (Ethernet header and every tag included). */
  frameLens: number[];
}

function recordsOf(records: FlowRecord[], ns: ScenarioNamespace, dir: number, f: Sent): FlowRecord[] {
  return records.filter(
    (r) =>
      r.IfNetns[0] === ns.name &&
      r.Interfaces[0] === 'net1' &&
      r.IfDirections[0] === dir &&
      r.Etype === f.etype &&
      r.Proto === f.proto &&
      r.SrcAddr === f.src &&
      r.DstAddr === f.dst &&
      r.SrcPort === f.sport &&
      r.DstPort === f.dport,
  );
}

const sum = (rs: FlowRecord[], field: 'Bytes' | 'Packets') => rs.reduce((n, r) => n + r[field], 0);

/** Drains until every sent frame shows up on both ends (or times out), then checks the counts exactly. */
async function assertSeenOnBothEnds(
  s: NetnsScenario,
  capture: Capture,
  records: FlowRecord[],
  sent: Sent[],
  macs: { a: string; b: string },
): Promise<void> {
  const ends = [
    { ns: s.a, dir: IF_DIRECTION.egress, label: 'leaving A/net1 (tc egress)' },
    { ns: s.b, dir: IF_DIRECTION.ingress, label: 'entering B/net1 (tc ingress)' },
  ];
  const complete = () =>
    sent.every((f) =>
      ends.every((e) => sum(recordsOf(records, e.ns, e.dir, f), 'Packets') >= f.frameLens.length),
    );
  await waitFor(
    'a record of every crafted frame on both ends',
    async () => {
      await capture.evictNow();
      return complete();
    },
    10_000,
  ).catch((err: Error) => {
    const seen = records
      .filter((r) => r.Interfaces[0] === 'net1')
      .map(
        (r) =>
          `${r.IfNetns[0]} dir=${r.IfDirections[0]} etype=0x${r.Etype.toString(16)} ` +
          `proto=${r.Proto} ${r.SrcAddr}:${r.SrcPort} > ${r.DstAddr}:${r.DstPort} ` +
          `${r.Packets}p ${r.Bytes}B`,
      );
    throw new Error(`${err.message}; net1 records:\n${seen.join('\n')}`);
  });
  for (const f of sent) {
    for (const e of ends) {
      const rs = recordsOf(records, e.ns, e.dir, f);
      assert.equal(sum(rs, 'Packets'), f.frameLens.length, `${f.what} ${e.label}: packets`);
      assert.equal(
        sum(rs, 'Bytes'),
        f.frameLens.reduce((n, l) => n + l, 0),
        `${f.what} ${e.label}: bytes are the frames' lengths on the wire`,
      );
      for (const r of rs) {
        assert.equal(r.SrcMac.toLowerCase(), macs.a, `${f.what} ${e.label}: source MAC`);
        assert.equal(r.DstMac.toLowerCase(), macs.b, `${f.what} ${e.label}: destination MAC`);
        assert.equal(r.Dscp, f.dscp, `${f.what} ${e.label}: DSCP`);
      }
    }
  }
}

// No VLAN sub-interface is needed (nor possible: CI kernels have no CONFIG_VLAN_8021Q): the
// tagged frames are built by hand and sent from A/net1 through an AF_PACKET socket. A's tc
// egress sees every tag in the packet data; on B the kernel core moves the outer tag into the
// skb's metadata (skb_vlan_untag runs without the 8021q module) before tc ingress, so that end
// sees an offloaded outer tag and any inner tag in the data. Both must give the inner
// ethertype and the same 5-tuple, bytes and packets. (B drops the frames after tc: no VLAN
// device claims them.)
test('802.1Q and QinQ tagged frames on net1 are parsed through their tags', privileged(), async (t) => {
  const s = await scenario(t);
  const macs = { a: await linkMac(s, s.a, 'net1'), b: await linkMac(s, s.b, 'net1') };
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);

  const cases: { what: string; tags: VlanTag[]; v6: boolean; udp: UdpDatagram; sizes: number[] }[] = [
    {
      what: '802.1Q IPv4/UDP',
      tags: [{ tpid: ETH_P_8021Q, vid: 100 }],
      v6: false,
      udp: { src: '192.168.100.1', dst: '192.168.100.2', sport: 40001, dport: 5201, dscp: 10, payloadLen: 0 },
      sizes: [32, 200, 1000],
    },
    {
      what: 'QinQ (802.1ad + 802.1Q) IPv4/UDP',
      tags: [
        { tpid: ETH_P_8021AD, vid: 300 },
        { tpid: ETH_P_8021Q, vid: 100 },
      ],
      v6: false,
      udp: { src: '192.168.100.1', dst: '192.168.100.2', sport: 40002, dport: 5202, dscp: 46, payloadLen: 0 },
      sizes: [64, 500],
    },
    {
      what: '802.1Q IPv6/UDP',
      tags: [{ tpid: ETH_P_8021Q, vid: 100 }],
      v6: true,
      udp: { src: 'fd00:7:100::1', dst: 'fd00:7:100::2', sport: 40003, dport: 5203, dscp: 26, payloadLen: 0 },
      sizes: [40, 300, 700, 1200],
    },
  ];
  const frames: Buffer[] = [];
  const sent: Sent[] = cases.map((c) => {
    const built = c.sizes.map((payloadLen) => {
      const d = { ...c.udp, payloadLen };
      const l3 = c.v6 ? ipv6Udp(d) : ipv4Udp(d);
      return ethernetFrame(macs.b, macs.a, c.tags, c.v6 ? ETH_P_IPV6 : ETH_P_IP, l3);
    });
    frames.push(...built);
    return {
      what: c.what,
      etype: c.v6 ? ETH_P_IPV6 : ETH_P_IP,
      proto: IPPROTO_UDP,
      src: c.udp.src,
      dst: c.udp.dst,
      sport: c.udp.sport,
      dport: c.udp.dport,
      dscp: c.udp.dscp ?? 0,
      frameLens: built.map((f) => f.length),
    };
  });
  await sendFrames(s, s.a, 'net1', frames);
  await assertSeenOnBothEnds(s, capture, records, sent, macs);
  assert.ok(
    !records.some((r) => r.Etype === ETH_P_8021Q || r.Etype === ETH_P_8021AD),
    'no record stops at a tag (Etype is always the ethertype inside the tags)',
  );
});

// This kernel has no SCTP module either: a raw IP socket sends protocol 132 packets (a valid
// common header and DATA chunk, CRC32c included) and the kernel routes them over net1 like any
// other IPv4 packet. B answers with ICMP protocol-unreachable, which is another flow.
test('SCTP over IPv4 on net1 is recorded with protocol 132 and its ports', privileged(), async (t) => {
  const s = await scenario(t);
  const macs = { a: await linkMac(s, s.a, 'net1'), b: await linkMac(s, s.b, 'net1') };
  const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
  await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
  const packets = [20, 100, 333, 1200].map((len, i) => sctpPacket(40100, 9899, i + 1, len));
  await sendIpPayloads(s, s.a, IPPROTO_SCTP, s.net1.b, packets);
  const sent: Sent = {
    what: 'SCTP',
    etype: ETH_P_IP,
    proto: IPPROTO_SCTP,
    src: s.net1.a,
    dst: s.net1.b,
    sport: 40100,
    dport: 9899,
    dscp: 0,
    frameLens: packets.map((p) => 14 + 20 + p.length),
  };
  await assertSeenOnBothEnds(s, capture, records, [sent], macs);
});

// SCTP over IPv6 cannot go through a raw IPv4 socket: the packets are whole frames sent from
// A/net1 (B's tc ingress sees them, then the kernel drops them: no SCTP module). Half of them
// carry a Destination Options header between IPv6 and SCTP, which the parser must skip.
test(
  'SCTP over IPv6 on net1, with and without an extension header, is recorded with its ports',
  privileged(),
  async (t) => {
    const s = await scenario(t);
    const macs = { a: await linkMac(s, s.a, 'net1'), b: await linkMac(s, s.b, 'net1') };
    const { capture, records } = await startCapture(t, s.dir, { INTERFLOW_INTERFACES: 'net1' });
    await waitFor('net1 hooked on both ends', () => hookedNames(capture).length === 2);
    const src = 'fd00:7:132::1';
    const dst = 'fd00:7:132::2';
    const cases = [
      { what: 'SCTP/IPv6', sport: 40200, dport: 9900, destinationOptions: false, dscp: 0 },
      {
        what: 'SCTP/IPv6 behind Destination Options',
        sport: 40201,
        dport: 9901,
        destinationOptions: true,
        dscp: 18,
      },
    ];
    const frames: Buffer[] = [];
    const sent: Sent[] = cases.map((c) => {
      const built = [24, 180, 900].map((len, i) => {
        const l3 = ipv6Packet(src, dst, IPPROTO_SCTP, sctpPacket(c.sport, c.dport, i + 1, len), c);
        return ethernetFrame(macs.b, macs.a, [], ETH_P_IPV6, l3);
      });
      frames.push(...built);
      return {
        what: c.what,
        etype: ETH_P_IPV6,
        proto: IPPROTO_SCTP,
        src,
        dst,
        sport: c.sport,
        dport: c.dport,
        dscp: c.dscp,
        frameLens: built.map((f) => f.length),
      };
    });
    await sendFrames(s, s.a, 'net1', frames);
    await assertSeenOnBothEnds(s, capture, records, sent, macs);
  },
);

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawFlow } from '../kernel-helper/helper-protocol.ts';
import { buildRecord, mergeFlows } from './record-builder.ts';

const base: RawFlow = {
  netnsIno: 4026532177,
  ifindex: 2,
  dir: 1,
  etype: 0x0800,
  proto: 6,
  src: '192.168.122.71',
  dst: '192.168.122.72',
  sport: 40000,
  dport: 5201,
  bytes: 1000,
  packets: 10,
  firstNs: 1_000_000_000,
  lastNs: 2_000_000_000,
  tcpFlags: 0x02,
  srcMac: 'aa:aa:aa:aa:aa:aa',
  dstMac: 'bb:bb:bb:bb:bb:bb',
  dscp: 0,
  fromRingbuf: false,
  vlan: 0,
  vlanInner: 0,
  netnsCookie: 7,
};
const ctx = {
  clock: { monoNs: 3_000_000_000, realNs: 1_700_000_003_000_000_000 },
  agentIp: '10.0.0.5',
  nodeName: 'node-1',
  receivedS: 1_700_000_003,
};

test('a record names the interface, namespace and direction of the flow entry', () => {
  const r = buildRecord(base, { netnsName: 'pod-ns', ifname: 'net1', mac: 'aa:aa:aa:aa:aa:aa' }, ctx);
  assert.deepEqual(r, {
    TimeFlowStartMs: 1_700_000_001_000,
    TimeFlowEndMs: 1_700_000_002_000,
    TimeReceived: 1_700_000_003,
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    SrcPort: 40000,
    DstPort: 5201,
    Proto: 6,
    SrcMac: 'aa:aa:aa:aa:aa:aa',
    DstMac: 'bb:bb:bb:bb:bb:bb',
    Etype: 2048,
    Dscp: 0,
    Flags: 2,
    Bytes: 1000,
    Packets: 10,
    Interfaces: ['net1'],
    IfDirections: [1],
    IfNetns: ['pod-ns'],
    FlowDirection: 1,
    AgentIP: '10.0.0.5',
    K8S_HostName: 'node-1',
  });
});

test('ingress on the host namespace: IfNetns "" and direction 0', () => {
  const r = buildRecord({ ...base, dir: 0 }, { netnsName: '', ifname: 'eth0', mac: '' }, ctx);
  assert.deepEqual([r.IfNetns, r.IfDirections, r.FlowDirection, r.Interfaces], [[''], [0], 0, ['eth0']]);
});

test('ring-buffer entries merge with each other and with the map entry of the same key', () => {
  const rb1: RawFlow = {
    ...base,
    bytes: 60,
    packets: 1,
    firstNs: 500_000_000,
    lastNs: 500_000_000,
    tcpFlags: 0x10,
    srcMac: 'cc:cc:cc:cc:cc:cc',
    fromRingbuf: true,
  };
  const rb2: RawFlow = {
    ...base,
    bytes: 70,
    packets: 1,
    firstNs: 2_500_000_000,
    lastNs: 2_500_000_000,
    tcpFlags: 0x01,
    dscp: 46,
    fromRingbuf: true,
  };
  const other: RawFlow = { ...base, netnsIno: 4026532999 };
  const merged = mergeFlows([base, rb1, rb2, other]);
  assert.equal(merged.length, 2, 'the same 5-tuple in another namespace stays apart');
  const m = merged.find((f) => f.netnsIno === base.netnsIno)!;
  assert.deepEqual(
    [m.bytes, m.packets, m.firstNs, m.lastNs, m.tcpFlags, m.srcMac, m.dscp, m.fromRingbuf],
    [1130, 12, 500_000_000, 2_500_000_000, 0x13, 'cc:cc:cc:cc:cc:cc', 46, false],
  );
  assert.equal(base.bytes, 1000, 'inputs are not modified');
});

test('different direction or ifindex never merge', () => {
  const rb = { ...base, fromRingbuf: true };
  assert.equal(mergeFlows([base, { ...rb, dir: 0 }, { ...rb, ifindex: 3 }]).length, 3);
});

test('another VLAN, or a namespace re-created with the same inode (new cookie), never merge', () => {
  const rb = { ...base, fromRingbuf: true };
  assert.equal(
    mergeFlows([
      base,
      { ...rb, vlan: 10 },
      { ...rb, vlan: 20 },
      { ...rb, vlanInner: 5 },
      { ...rb, netnsCookie: 8 },
    ]).length,
    5,
  );
});

test('without ring-buffer entries the drained entries pass through untouched', () => {
  const flows = [base, { ...base, sport: 1 }];
  assert.equal(mergeFlows(flows), flows);
});

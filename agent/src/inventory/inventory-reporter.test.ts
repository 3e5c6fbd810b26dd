// The inventory's decisions over real link and hook tables (the kernel side is covered by
// test/inventory.priv.test.ts): hook states and reasons, reports on change only, every
// interface on the periodic report, gone interfaces reported once, bytes since the last report,
// and the interflow_agent_interfaces gauge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { InterfaceRecord } from '@interflow/contract';
import { loadAgentConfig } from '../config/config.ts';
import type { RawFlow } from '../kernel-helper/helper-protocol.ts';
import { LinkTable } from '../links/link-table.ts';
import { createAgentMetrics } from '../metrics.ts';
import type { NamespaceState } from '../netns/namespace-state.ts';
import { InventoryReporter } from './inventory-reporter.ts';
import type { SysfsFacts } from './sysfs-facts.ts';

function namespace(ino: number, name: string): NamespaceState {
  return {
    id: ino,
    ino,
    name,
    path: `/run/netns/${name}`,
    links: new LinkTable(1e9),
    hooks: new Map(),
    status: 'watching',
    linksReady: true,
  };
}

function flow(netnsIno: number, ifindex: number, bytes: number): RawFlow {
  return {
    netnsIno,
    ifindex,
    dir: 0,
    etype: 0x800,
    proto: 6,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    sport: 1,
    dport: 2,
    bytes,
    packets: 1,
    firstNs: 0,
    lastNs: 0,
    tcpFlags: 0,
    srcMac: '',
    dstMac: '',
    dscp: 0,
    fromRingbuf: false,
    vlan: 0,
    vlanInner: 0,
    netnsCookie: netnsIno,
  };
}

function rig() {
  const cfg = loadAgentConfig({
    INTERFLOW_EXCLUDE_INTERFACES: 'lo,/^skip/',
    INTERFLOW_NODE_NAME: 'worker-7',
    INTERFLOW_AGENT_IP: '10.0.0.7',
  });
  const metrics = createAgentMetrics();
  const pod = namespace(4026532001, 'cni-pod');
  const namespaces = new Map<number, NamespaceState>([[pod.ino, pod]]);
  const sent: InterfaceRecord[][] = [];
  const vfFacts: SysfsFacts = { arpType: 1, hasDevice: true, isVF: true, driver: 'iavf' };
  let sysfsReads = 0;
  const inv = new InventoryReporter({
    cfg,
    agentIp: '10.0.0.7',
    namespaces: () => namespaces.values(),
    sysfs: {
      read: async () => {
        sysfsReads++;
        return new Map([['net1', vfFacts]]);
      },
    },
    owner: (i) =>
      i.netnsName === 'cni-pod'
        ? { namespace: 'sriov-test', name: 'pod-x', network: 'sriov-net' }
        : undefined,
    sink: (r) => sent.push(r),
    metrics,
    log: pino({ level: 'silent' }),
  });
  return { inv, pod, namespaces, sent, metrics, sysfsReads: () => sysfsReads };
}

const byName = (records: InterfaceRecord[]) => new Map(records.map((r) => [r.Interfaces[0]!, r]));

test('every interface with its hook state and reason; the VF marked; the owning pod named', async () => {
  const { inv, pod } = rig();
  pod.links.upsert({ ifindex: 1, name: 'lo', mac: '00:00:00:00:00:00', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 2, name: 'net1', mac: '02:00:00:00:00:01', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 3, name: 'skip0', mac: '02:00:00:00:00:02', up: true, kind: 'veth' }, 1);
  pod.links.upsert({ ifindex: 4, name: 'eth9', mac: '02:00:00:00:00:03', up: false, kind: 'veth' }, 1);
  pod.links.upsert({ ifindex: 5, name: 'l3dev', mac: '', up: true, kind: 'wireguard' }, 1);
  pod.hooks.set(2, { phase: 'attached', ifname: 'net1' });
  pod.hooks.set(4, { phase: 'attached', ifname: 'eth9' });
  pod.hookErrors = new Map([[5, 'tc attach: Operation not supported']]);
  const r = byName(await inv.report(true));
  assert.deepEqual(
    [...r.values()].map((x) => [x.Interfaces[0], x.HookState, x.HookReason ?? '']),
    [
      ['lo', 'unhooked', 'excluded'],
      ['net1', 'hooked', ''],
      ['skip0', 'unhooked', 'excluded'],
      ['eth9', 'hooked', ''],
      ['l3dev', 'unhooked', 'attach_failed'],
    ],
  );
  assert.equal(r.get('l3dev')!.HookError, 'tc attach: Operation not supported');
  assert.equal(r.get('eth9')!.Up, false, 'down and still hooked: Interflow hooks whatever the state');
  const net1 = r.get('net1')!;
  assert.equal(net1.IsVF, true);
  assert.equal(net1.IfType, 'vf');
  assert.equal(net1.Driver, 'iavf');
  assert.deepEqual(
    [net1.K8S_HostName, net1.AgentIP, net1.IfNetns, net1.NetnsInode, net1.IfIndex],
    ['worker-7', '10.0.0.7', ['cni-pod'], 4026532001, 2],
  );
  assert.deepEqual(
    [net1.IfK8S_Namespace, net1.IfK8S_Name, net1.IfK8S_NetworkName],
    ['sriov-test', 'pod-x', 'sriov-net'],
  );
  assert.equal(r.get('lo')!.IfType, 'loopback');
  assert.equal(r.get('l3dev')!.IfType, 'wireguard');
});

test('changes only are reported between periodic reports, with bytes since the last report; gone once', async () => {
  const { inv, pod, namespaces, metrics, sysfsReads } = rig();
  pod.links.upsert({ ifindex: 2, name: 'net1', mac: 'm', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 3, name: 'eth0', mac: 'n', up: true, kind: 'veth' }, 1);
  pod.hooks.set(2, { phase: 'attached', ifname: 'net1' });
  pod.hooks.set(3, { phase: 'attached', ifname: 'eth0' });
  const first = await inv.report(false);
  assert.equal(first.length, 2, 'new interfaces are changes');
  assert.equal(first[0]!.TimeSinceMs, first[0]!.TimeReportMs);
  assert.deepEqual(await inv.report(false), [], 'nothing changed, nothing sent');

  inv.count([flow(pod.ino, 2, 1000), flow(pod.ino, 2, 500), flow(pod.ino, 3, 7), flow(999, 1, 5)]);
  pod.links.upsert({ ifindex: 3, name: 'eth0', mac: 'n', up: false, kind: 'veth' }, 2);
  const down = await inv.report(false);
  assert.deepEqual(
    down.map((r) => [r.Interfaces[0], r.Up, r.Bytes, r.Packets]),
    [['eth0', false, 7, 1]],
  );
  assert.ok(down[0]!.TimeSinceMs >= first[1]!.TimeReportMs);

  const periodic = byName(await inv.report(true));
  assert.equal(periodic.size, 2, 'the periodic report has every interface');
  assert.equal(periodic.get('net1')!.Bytes, 1500);
  assert.equal(periodic.get('net1')!.Packets, 2);
  assert.equal(periodic.get('eth0')!.Bytes, 0, 'counted bytes go out once');

  // Moved away: gone (link_removed) once, then forgotten.
  pod.links.remove(3, 3);
  pod.hooks.delete(3);
  inv.count([flow(pod.ino, 3, 40)]);
  const gone = await inv.report(false);
  assert.deepEqual(
    gone.map((r) => [r.Interfaces[0], r.HookState, r.HookReason, r.Bytes]),
    [['eth0', 'gone', 'link_removed', 40]],
  );
  assert.deepEqual(await inv.report(true).then((r) => r.map((x) => x.Interfaces[0])), ['net1']);

  // Renamed: the same interface (ifindex) with its new name; sysfs read again.
  const reads = sysfsReads();
  pod.links.upsert({ ifindex: 2, name: 'net2', mac: 'm', up: true, kind: '' }, 4);
  const renamed = await inv.report(false);
  assert.deepEqual(
    renamed.map((r) => [r.Interfaces[0], r.IfIndex, r.IsVF]),
    [['net2', 2, false]],
  );
  assert.equal(sysfsReads(), reads + 1);

  // The namespace goes away: its interfaces are gone with namespace_removed.
  namespaces.clear();
  const nsGone = await inv.report(false);
  assert.deepEqual(
    nsGone.map((r) => [r.Interfaces[0], r.HookState, r.HookReason]),
    [['net2', 'gone', 'namespace_removed']],
  );
  assert.deepEqual(await inv.report(true), []);
  assert.deepEqual((await metrics.interfaces.get()).values, []);
});

test('a namespace still listed but emptied of every link is a namespace going, not links removed', async () => {
  // Deleting a namespace removes its links (loopback too) before the watcher drops the namespace.
  const { inv, pod } = rig();
  pod.links.upsert({ ifindex: 1, name: 'lo', mac: '', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 2, name: 'net1', mac: '', up: true, kind: '' }, 1);
  await inv.report(true);
  pod.links.remove(2, 2);
  pod.links.remove(1, 3);
  const gone = await inv.report(false);
  assert.deepEqual(gone.map((r) => [r.Interfaces[0], r.HookState, r.HookReason]).sort(), [
    ['lo', 'gone', 'namespace_removed'],
    ['net1', 'gone', 'namespace_removed'],
  ]);
});

test('the interfaces gauge counts by state and reason', async () => {
  const { inv, pod, metrics } = rig();
  pod.links.upsert({ ifindex: 1, name: 'lo', mac: '', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 2, name: 'net1', mac: '', up: true, kind: '' }, 1);
  pod.links.upsert({ ifindex: 3, name: 'skip1', mac: '', up: true, kind: '' }, 1);
  pod.hooks.set(2, { phase: 'attached', ifname: 'net1' });
  await inv.report(true);
  const values = (await metrics.interfaces.get()).values.map((v) => [
    v.labels.state,
    v.labels.reason,
    v.value,
  ]);
  assert.deepEqual(values.sort(), [
    ['hooked', '', 1],
    ['unhooked', 'excluded', 2],
  ]);
  const text = await metrics.registry.metrics();
  assert.match(text, /interflow_agent_interfaces\{state="unhooked",reason="excluded"\} 2/);
});

test('a failing sysfs read leaves the facts unknown and the report whole', async () => {
  const metrics = createAgentMetrics();
  const ns = namespace(7, 'x');
  ns.links.upsert({ ifindex: 2, name: 'net1', mac: '', up: true, kind: '' }, 1);
  const inv = new InventoryReporter({
    cfg: loadAgentConfig({}),
    agentIp: '',
    namespaces: () => [ns],
    sysfs: { read: () => Promise.reject(new Error('unshare: Operation not permitted')) },
    sink: () => {},
    metrics,
    log: pino({ level: 'silent' }),
  });
  const [r] = await inv.report(true);
  assert.equal(r!.IfType, 'unknown');
  assert.equal(r!.IsVF, false);
  assert.equal(r!.HookState, 'attaching');
});

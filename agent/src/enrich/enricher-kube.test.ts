// createEnricher against a stand-in Kubernetes API server (no cluster can run here): real
// informers over real HTTP list/watch, checked through the records they enrich.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../../../test/support/wait.ts';
import {
  endpointFields,
  enrichedFlow,
  iface,
  job,
  k8sFields,
  node,
  pod,
  replicaSet,
  service,
} from '../../test/enrich-harness.ts';
import { StandInKubeApiServer } from '../../../test/support/stand-in-kube-api.ts';
import { loadAgentConfig } from '../config/config.ts';
import { createLogger } from '../log.ts';
import { createEnricher, type Enricher } from './index.ts';

const log = createLogger('silent');
const EGRESS = 1;
const INGRESS = 0;

const OVN = 'ovn-kubernetes';
const SRIOV = 'test/sriov-test';

// Pod A: Deployment "client" (through ReplicaSet client-7d9f8b), eth0 + SR-IOV net1.
const podA = pod({
  namespace: 'test',
  name: 'client-7d9f8b-x2x4z',
  ips: ['10.128.0.5'],
  owner: { kind: 'ReplicaSet', name: 'client-7d9f8b' },
  labels: { 'pod-template-hash': '7d9f8b' },
  networkStatus: [
    { name: OVN, interface: 'eth0', ips: ['10.128.0.5'], mac: '0a:58:0a:80:00:05', default: true, dns: {} },
    {
      name: SRIOV,
      interface: 'net1',
      ips: ['192.168.122.71'],
      mac: '02:11:22:33:44:71',
      dns: {},
      'device-info': { type: 'pci' },
    },
  ],
});
// Pod B: StatefulSet "server", eth0 + net1 on the same SR-IOV network.
const podB = pod({
  namespace: 'test',
  name: 'server-0',
  ips: ['10.128.0.6'],
  owner: { kind: 'StatefulSet', name: 'server' },
  networkStatus: [
    { name: OVN, interface: 'eth0', ips: ['10.128.0.6'], mac: '0a:58:0a:80:00:06', default: true },
    { name: SRIOV, interface: 'net1', ips: ['192.168.122.72'], mac: '02:11:22:33:44:72' },
  ],
});
// A pod of another node: not watched by this node's agent.
const remotePod = pod({ namespace: 'test', name: 'elsewhere', node: 'worker-1', ips: ['10.129.0.9'] });

/** Pod list requests (not watches) served so far. */
function podLists(server: StandInKubeApiServer): number {
  return server.requests.filter((r) => r.path === '/api/v1/pods' && r.query.watch !== 'true').length;
}

async function startEnricher(
  server: StandInKubeApiServer,
  t: { after(fn: () => Promise<void>): void },
  timing: { initialSyncTimeoutMs?: number; retryMaxMs?: number } = {},
): Promise<Enricher> {
  const cfg = loadAgentConfig({ INTERFLOW_NODE_NAME: 'worker-0' });
  const enricher = await createEnricher(cfg, log, {
    kubeConfig: server.kubeConfig(),
    initialSyncTimeoutMs: 5000,
    retryMinMs: 50,
    retryMaxMs: 200,
    ...timing,
  });
  t.after(() => enricher.close());
  return enricher;
}

describe('enricher with a stand-in Kubernetes API server', () => {
  let server: StandInKubeApiServer;
  before(async () => {
    server = await StandInKubeApiServer.start();
  });
  after(() => server.close());

  test('eth0 and net1 flows get the right pod, node, service and interface identities (stand-in Kubernetes API server)', async (t) => {
    server.apply('nodes', node('worker-0', '192.0.2.10'));
    server.apply('nodes', node('worker-1', '192.0.2.11'));
    server.apply('services', service('default', 'kubernetes', ['172.30.0.1']));
    server.apply('replicasets', replicaSet('test', 'client-7d9f8b', { kind: 'Deployment', name: 'client' }));
    server.apply('pods', podA);
    server.apply('pods', podB);
    server.apply('pods', remotePod);
    const enricher = await startEnricher(server, t);

    // The informers list only this node's pods, with the agent's token.
    const podLists = server.requests.filter((r) => r.path === '/api/v1/pods');
    assert.ok(podLists.length >= 2, 'pods listed and watched');
    for (const r of podLists) assert.equal(r.query.fieldSelector, 'spec.nodeName=worker-0');
    assert.ok(server.requests.every((r) => r.authorization === `Bearer ${server.token}`));

    // The interfaces of the two pods and of the host, and how the endpoints are named.
    const aEth0 = iface('cni-aaaa', 4026532001, 'eth0', '0a:58:0a:80:00:05');
    const aNet1 = iface('cni-aaaa', 4026532001, 'net1', '02:11:22:33:44:71');
    const bNet1 = iface('cni-bbbb', 4026532002, 'net1', '02:11:22:33:44:72');
    const hostEth0 = iface('', 4026531840, 'eth0', '52:54:00:00:00:10');
    const client = (network: string) => ({
      Namespace: 'test',
      Name: 'client-7d9f8b-x2x4z',
      Type: 'Pod',
      OwnerName: 'client',
      OwnerType: 'Deployment',
      HostName: 'worker-0',
      NetworkName: network,
    });
    const nodeNamed = (name: string) => ({
      Name: name,
      Type: 'Node',
      OwnerName: name,
      OwnerType: 'Node',
      HostName: name,
    });

    // eth0 of pod A, egress to the API service.
    const eth0 = enrichedFlow(enricher, aEth0, {
      SrcAddr: '10.128.0.5',
      DstAddr: '172.30.0.1',
      direction: EGRESS,
    });
    assert.deepEqual(k8sFields(eth0), {
      ...endpointFields('Src', client(OVN)),
      ...endpointFields('Dst', {
        Namespace: 'default',
        Name: 'kubernetes',
        Type: 'Service',
        OwnerName: 'kubernetes',
        OwnerType: 'Service',
      }),
      IfK8S_Namespace: 'test',
      IfK8S_Name: 'client-7d9f8b-x2x4z',
      IfK8S_NetworkName: OVN,
    });

    // net1 of pod A, egress to pod B's net1.
    const net1 = enrichedFlow(enricher, aNet1, {
      SrcAddr: '192.168.122.71',
      DstAddr: '192.168.122.72',
      direction: EGRESS,
    });
    assert.deepEqual(k8sFields(net1), {
      ...endpointFields('Src', client(SRIOV)),
      ...endpointFields('Dst', {
        Namespace: 'test',
        Name: 'server-0',
        Type: 'Pod',
        OwnerName: 'server',
        OwnerType: 'StatefulSet',
        HostName: 'worker-0',
        NetworkName: SRIOV,
      }),
      IfK8S_Namespace: 'test',
      IfK8S_Name: 'client-7d9f8b-x2x4z',
      IfK8S_NetworkName: SRIOV,
    });

    // net1 of pod B with both endpoints outside the cluster: the interface is still pod B's.
    const outside = enrichedFlow(enricher, bNet1, {
      SrcAddr: '192.168.122.200',
      DstAddr: '192.168.122.201',
      direction: INGRESS,
    });
    assert.deepEqual(k8sFields(outside), {
      IfK8S_Namespace: 'test',
      IfK8S_Name: 'server-0',
      IfK8S_NetworkName: SRIOV,
    });

    // The same name in two pods: each net1 is told apart by its MAC.
    const inB = enrichedFlow(enricher, bNet1, {
      SrcAddr: '192.168.122.200',
      DstAddr: '192.168.122.72',
      direction: INGRESS,
    });
    assert.equal(inB.IfK8S_Name, 'server-0');
    assert.equal(inB.DstK8S_Name, 'server-0');
    assert.equal(inB.SrcK8S_Name, undefined);

    // Host interface: node addresses name the node; host interfaces belong to no pod.
    const host = enrichedFlow(enricher, hostEth0, {
      SrcAddr: '192.0.2.10',
      DstAddr: '192.0.2.11',
      direction: EGRESS,
    });
    assert.deepEqual(k8sFields(host), {
      ...endpointFields('Src', nodeNamed('worker-0')),
      ...endpointFields('Dst', nodeNamed('worker-1')),
    });

    // A pod of another node is not watched here, so its address stays unnamed.
    const remote = enrichedFlow(enricher, aEth0, {
      SrcAddr: '10.128.0.5',
      DstAddr: '10.129.0.9',
      direction: EGRESS,
    });
    assert.equal(remote.DstK8S_Name, undefined);

    // Services and nodes that go away are forgotten.
    server.remove('services', 'default', 'kubernetes');
    server.remove('nodes', undefined, 'worker-1');
    await eventually('the removed service and node forgotten', () => {
      const r = enrichedFlow(enricher, hostEth0, {
        SrcAddr: '172.30.0.1',
        DstAddr: '192.0.2.11',
        direction: EGRESS,
      });
      assert.deepEqual(k8sFields(r), {});
    });
  });

  test('network-status variants neither crash nor mislabel (stand-in Kubernetes API server)', async (t) => {
    // No MAC for net1: found through the pod's eth0 in the same netns, or by its own address.
    server.apply(
      'pods',
      pod({
        namespace: 'variants',
        name: 'no-mac',
        ips: ['10.128.1.1'],
        networkStatus: [
          { name: OVN, interface: 'eth0', ips: ['10.128.1.1'], mac: '0a:58:0a:80:01:01', default: true },
          { name: 'variants/macvlan', interface: 'net1', ips: ['192.168.50.1'] },
        ],
      }),
    );
    // Several IPs (v4 + v6, written non-canonically) on one entry, and a non-OVN default network.
    server.apply(
      'pods',
      pod({
        namespace: 'variants',
        name: 'multi-ip',
        ips: ['10.128.1.2', 'fd00:10:128::1:2'],
        networkStatus: [
          {
            name: 'custom-default',
            interface: 'eth0',
            ips: ['10.128.1.2', 'FD00:10:128:0:0:0:1:2'],
            mac: '0A:58:0A:80:01:02',
            default: true,
          },
          {
            name: 'variants/dual',
            interface: 'net1',
            ips: ['192.168.51.2', 'FD00:51:0::2'],
            mac: '02:00:00:51:00:02',
          },
          'not an entry',
          { interface: 'net9', ips: ['192.168.59.9'] },
        ],
      }),
    );
    // Malformed annotation: primary IP still names the pod, nothing else is guessed.
    server.apply(
      'pods',
      pod({
        namespace: 'variants',
        name: 'broken',
        ips: ['10.128.1.3'],
        networkStatusText: '[{"name": "x", "ips": [',
      }),
    );
    server.apply(
      'pods',
      pod({
        namespace: 'variants',
        name: 'object',
        ips: ['10.128.1.4'],
        networkStatusText: '{"name":"x","interface":"net1","mac":"02:00:00:00:01:04"}',
      }),
    );
    // Two pods whose net1 share one MAC (ipvlan): the MAC does not tell them apart.
    for (const [name, ip] of [
      ['ipvlan-1', '192.168.60.1'],
      ['ipvlan-2', '192.168.60.2'],
    ] as const) {
      server.apply(
        'pods',
        pod({
          namespace: 'variants',
          name,
          ips: [],
          networkStatus: [
            { name: 'variants/ipvlan', interface: 'net1', ips: [ip], mac: '52:54:00:aa:bb:cc' },
          ],
        }),
      );
    }
    // Host-network pod: its address is the node's, never the pod's.
    server.apply(
      'pods',
      pod({ namespace: 'variants', name: 'host-net', ips: ['192.0.2.10'], hostNetwork: true }),
    );
    server.apply('nodes', node('worker-0', '192.0.2.10'));
    const enricher = await startEnricher(server, t);

    // eth0 first (MAC known), then net1 of the same netns (no MAC) is the same pod on its network.
    const eth0 = enrichedFlow(enricher, iface('ns-nomac', 11, 'eth0', '0a:58:0a:80:01:01'), {
      SrcAddr: '10.128.1.1',
      DstAddr: '10.128.1.2',
      direction: EGRESS,
    });
    assert.equal(eth0.IfK8S_Name, 'no-mac');
    assert.equal(eth0.DstK8S_Name, 'multi-ip');
    assert.equal(eth0.DstK8S_NetworkName, 'custom-default');
    const net1 = enrichedFlow(enricher, iface('ns-nomac', 11, 'net1', '02:aa:aa:aa:aa:aa'), {
      SrcAddr: '192.168.50.99',
      DstAddr: '192.168.50.1',
      direction: INGRESS,
    });
    assert.deepEqual(
      [net1.IfK8S_Name, net1.IfK8S_NetworkName, net1.DstK8S_Name, net1.DstK8S_NetworkName, net1.SrcK8S_Name],
      ['no-mac', 'variants/macvlan', 'no-mac', 'variants/macvlan', undefined],
    );
    // Without the eth0 hint (another netns, same pod not learned): the interface's own address tells.
    const byAddr = enrichedFlow(enricher, iface('ns-fresh', 12, 'net1', '02:bb:bb:bb:bb:bb'), {
      SrcAddr: '192.168.50.1',
      DstAddr: '192.168.50.77',
      direction: EGRESS,
    });
    assert.equal(byAddr.IfK8S_Name, 'no-mac');

    // Several IPs: both families resolve, on the entry's network.
    for (const ip of ['192.168.51.2', 'fd00:51::2']) {
      const r = enrichedFlow(enricher, iface('ns-multi', 13, 'net1', '02:00:00:51:00:02'), {
        SrcAddr: ip.includes(':') ? 'fd00:51::99' : '192.168.51.99',
        DstAddr: ip,
        direction: INGRESS,
      });
      assert.deepEqual(
        [r.IfK8S_Name, r.DstK8S_Name, r.DstK8S_NetworkName],
        ['multi-ip', 'multi-ip', 'variants/dual'],
        ip,
      );
    }
    const v6 = enrichedFlow(enricher, iface('ns-multi', 13, 'eth0', '0a:58:0a:80:01:02'), {
      SrcAddr: 'fd00:10:128::1:2',
      DstAddr: 'fd00:10:128::1:1',
      direction: EGRESS,
    });
    assert.deepEqual(
      [v6.SrcK8S_Name, v6.SrcK8S_NetworkName, v6.IfK8S_NetworkName],
      ['multi-ip', 'custom-default', 'custom-default'],
    );
    // The nameless entry's address names nobody.
    const nameless = enrichedFlow(enricher, iface('ns-multi', 13, 'net9', '02:00:00:59:00:09'), {
      SrcAddr: '192.168.59.1',
      DstAddr: '192.168.59.9',
      direction: INGRESS,
    });
    assert.equal(nameless.DstK8S_Name, undefined);

    // Malformed JSON and a non-array annotation: the primary IP still names the pod; no interface guessed.
    for (const [name, ip, mac] of [
      ['broken', '10.128.1.3', '0a:58:0a:80:01:03'],
      ['object', '10.128.1.4', '02:00:00:00:01:04'],
    ] as const) {
      const r = enrichedFlow(enricher, iface(`ns-${name}`, 14, 'net1', mac), {
        SrcAddr: ip,
        DstAddr: '10.128.1.2',
        direction: EGRESS,
      });
      assert.equal(r.SrcK8S_Name, name);
      assert.equal(r.SrcK8S_NetworkName, undefined);
      assert.equal(r.IfK8S_Name, undefined, `${name}: no interface owner from a broken annotation`);
    }

    // Shared MAC: neither ipvlan pod is named from the MAC; the address still names the endpoint.
    const ipv = enrichedFlow(enricher, iface('ns-ipvlan', 15, 'net1', '52:54:00:aa:bb:cc'), {
      SrcAddr: '192.168.60.9',
      DstAddr: '192.168.60.200',
      direction: INGRESS,
    });
    assert.deepEqual(k8sFields(ipv), {});
    const ipv2 = enrichedFlow(enricher, iface('ns-ipvlan2', 16, 'net1', '52:54:00:aa:bb:cc'), {
      SrcAddr: '192.168.60.9',
      DstAddr: '192.168.60.2',
      direction: INGRESS,
    });
    assert.deepEqual([ipv2.IfK8S_Name, ipv2.DstK8S_Name], ['ipvlan-2', 'ipvlan-2']);

    // An ipvlan child shares the host parent's MAC: the host interface is still nobody's pod.
    server.apply(
      'pods',
      pod({
        namespace: 'variants',
        name: 'ipvlan-solo',
        ips: [],
        networkStatus: [
          { name: 'variants/ipvlan2', interface: 'net1', ips: ['192.168.61.1'], mac: '52:54:00:dd:dd:dd' },
        ],
      }),
    );
    await eventually('the ipvlan-solo pod indexed', () => {
      const r = enrichedFlow(enricher, iface('ns-solo', 17, 'net1', '52:54:00:dd:dd:dd'), {
        SrcAddr: '192.168.61.1',
        DstAddr: '192.168.61.9',
        direction: EGRESS,
      });
      assert.equal(r.IfK8S_Name, 'ipvlan-solo');
    });
    const parent = enrichedFlow(enricher, iface('', 1, 'ens3', '52:54:00:dd:dd:dd'), {
      SrcAddr: '192.168.61.9',
      DstAddr: '192.168.61.1',
      direction: EGRESS,
    });
    assert.equal(parent.IfK8S_Name, undefined);
    assert.equal(parent.DstK8S_Name, 'ipvlan-solo');

    // Host-network pod: the address names the node.
    const h = enrichedFlow(enricher, iface('', 1, 'eth0', '52:54:00:00:00:10'), {
      SrcAddr: '192.0.2.10',
      DstAddr: '10.128.1.1',
      direction: EGRESS,
    });
    assert.deepEqual([h.SrcK8S_Type, h.SrcK8S_Name], ['Node', 'worker-0']);
  });

  test('a pod replaced with the same IP is renamed through watch events (stand-in Kubernetes API server)', async (t) => {
    // Listed in name order (a-new first), the newer pod still wins the shared address.
    server.apply(
      'pods',
      pod({ namespace: 'reuse', name: 'b-old', ips: ['10.128.9.9'], created: '2026-01-01T00:00:00Z' }),
    );
    server.apply(
      'pods',
      pod({ namespace: 'reuse', name: 'a-new', ips: ['10.128.9.9'], created: '2026-01-01T00:10:00Z' }),
    );
    const enricher = await startEnricher(server, t);
    const nameOf = (ip: string): string | undefined => {
      const r = enrichedFlow(enricher, iface('ns-x', 99, 'eth0', '02:99:99:99:99:99'), {
        SrcAddr: '192.168.122.1',
        DstAddr: ip,
        direction: INGRESS,
      });
      return r.DstK8S_Name;
    };
    assert.equal(nameOf('10.128.9.9'), 'a-new');
    const status = (ip: string, mac: string) => [
      { name: OVN, interface: 'eth0', ips: [ip], mac, default: true },
    ];

    // ADDED, then the old pod terminates (MODIFIED), its successor gets the IP (ADDED),
    // and the old pod's DELETED arrives last: the successor keeps the name.
    server.apply(
      'pods',
      pod({
        namespace: 'reuse',
        name: 'old',
        ips: ['10.128.9.1'],
        created: '2026-01-01T00:00:00Z',
        networkStatus: status('10.128.9.1', '0a:58:0a:80:09:01'),
      }),
    );
    await eventually(`nameOf('10.128.9.1') is 'old'`, () => assert.equal(nameOf('10.128.9.1'), 'old'));
    server.apply(
      'pods',
      pod({
        namespace: 'reuse',
        name: 'old',
        ips: ['10.128.9.1'],
        created: '2026-01-01T00:00:00Z',
        deleting: true,
      }),
    );
    server.apply(
      'pods',
      pod({
        namespace: 'reuse',
        name: 'new',
        ips: ['10.128.9.1'],
        created: '2026-01-01T00:05:00Z',
        networkStatus: status('10.128.9.1', '0a:58:0a:80:09:01'),
      }),
    );
    await eventually(`nameOf('10.128.9.1') is 'new'`, () => assert.equal(nameOf('10.128.9.1'), 'new'));
    // A late update of the old pod does not take the address back.
    server.apply(
      'pods',
      pod({
        namespace: 'reuse',
        name: 'old',
        ips: ['10.128.9.1'],
        created: '2026-01-01T00:00:00Z',
        deleting: true,
        labels: { touched: 'yes' },
      }),
    );
    server.remove('pods', 'reuse', 'old');
    server.apply('pods', pod({ namespace: 'reuse', name: 'marker', ips: ['10.128.9.250'] }));
    await eventually(`nameOf('10.128.9.250') is 'marker'`, () =>
      assert.equal(nameOf('10.128.9.250'), 'marker'),
    );
    assert.equal(nameOf('10.128.9.1'), 'new');
    // The interface MAC (derived from the IP) follows the new pod too.
    const r = enrichedFlow(enricher, iface('ns-new', 98, 'eth0', '0a:58:0a:80:09:01'), {
      SrcAddr: '10.128.9.1',
      DstAddr: '10.0.0.1',
      direction: EGRESS,
    });
    assert.equal(r.IfK8S_Name, 'new');

    // Successor added while the old pod is still there and not terminating; old deleted after.
    server.apply(
      'pods',
      pod({ namespace: 'reuse', name: 'first', ips: ['10.128.9.2'], created: '2026-01-01T00:00:00Z' }),
    );
    server.apply(
      'pods',
      pod({ namespace: 'reuse', name: 'second', ips: ['10.128.9.2'], created: '2026-01-01T00:01:00Z' }),
    );
    await eventually(`nameOf('10.128.9.2') is 'second'`, () => assert.equal(nameOf('10.128.9.2'), 'second'));
    server.remove('pods', 'reuse', 'first');
    server.apply('pods', pod({ namespace: 'reuse', name: 'marker', ips: ['10.128.9.251'] }));
    await eventually(`nameOf('10.128.9.251') is 'marker'`, () =>
      assert.equal(nameOf('10.128.9.251'), 'marker'),
    );
    assert.equal(nameOf('10.128.9.2'), 'second');

    // Deletion leaves no stale name.
    server.remove('pods', 'reuse', 'second');
    await eventually(`nameOf('10.128.9.2') is undefined`, () =>
      assert.equal(nameOf('10.128.9.2'), undefined),
    );

    // A finished pod releases its address.
    server.apply('pods', pod({ namespace: 'reuse', name: 'job-pod', ips: ['10.128.9.3'] }));
    await eventually(`nameOf('10.128.9.3') is 'job-pod'`, () =>
      assert.equal(nameOf('10.128.9.3'), 'job-pod'),
    );
    server.apply(
      'pods',
      pod({ namespace: 'reuse', name: 'job-pod', ips: ['10.128.9.3'], phase: 'Succeeded' }),
    );
    await eventually(`nameOf('10.128.9.3') is undefined`, () =>
      assert.equal(nameOf('10.128.9.3'), undefined),
    );

    // Same name, new UID (StatefulSet pod recreated) and a new address: the old address is released
    // even though no DELETED was seen for the old object.
    server.apply('pods', pod({ namespace: 'reuse', name: 'db-0', ips: ['10.128.9.4'], uid: 'uid-db-0-a' }));
    await eventually(`nameOf('10.128.9.4') is 'db-0'`, () => assert.equal(nameOf('10.128.9.4'), 'db-0'));
    server.apply('pods', pod({ namespace: 'reuse', name: 'db-0', ips: ['10.128.9.5'], uid: 'uid-db-0-b' }));
    await eventually(`nameOf('10.128.9.5') is 'db-0'`, () => assert.equal(nameOf('10.128.9.5'), 'db-0'));
    assert.equal(nameOf('10.128.9.4'), undefined);

    // A deleted pod no longer owns its interfaces, including those found through its netns.
    server.apply(
      'pods',
      pod({
        namespace: 'reuse',
        name: 'gone',
        ips: ['10.128.9.6'],
        networkStatus: [
          { name: OVN, interface: 'eth0', ips: ['10.128.9.6'], mac: '0a:58:0a:80:09:06', default: true },
          { name: 'reuse/net', interface: 'net1', ips: [] },
        ],
      }),
    );
    const ifOwner = (ifname: string, mac: string) => {
      const r = enrichedFlow(enricher, iface('ns-gone', 97, ifname, mac), {
        SrcAddr: '0.0.0.0',
        DstAddr: '0.0.0.0',
        direction: INGRESS,
      });
      return r.IfK8S_Name;
    };
    await eventually(`ifOwner('eth0', '0a:58:0a:80:09:06') is 'gone'`, () =>
      assert.equal(ifOwner('eth0', '0a:58:0a:80:09:06'), 'gone'),
    );
    assert.equal(ifOwner('net1', '02:97:97:97:97:97'), 'gone', 'net1 found through the netns of eth0');
    server.remove('pods', 'reuse', 'gone');
    await eventually(`ifOwner('eth0', '0a:58:0a:80:09:06') is undefined`, () =>
      assert.equal(ifOwner('eth0', '0a:58:0a:80:09:06'), undefined),
    );
    assert.equal(ifOwner('net1', '02:97:97:97:97:97'), undefined);
  });

  test('ReplicaSet resolves to its Deployment and Job to its CronJob (stand-in Kubernetes API server)', async (t) => {
    server.apply('replicasets', replicaSet('owners', 'web-5c6d7', { kind: 'Deployment', name: 'web' }));
    server.apply('replicasets', replicaSet('owners', 'bare-rs', undefined));
    server.apply('jobs', job('owners', 'backup-29000000', 'backup'));
    server.apply(
      'pods',
      pod({
        namespace: 'owners',
        name: 'web-5c6d7-aaaaa',
        ips: ['10.128.7.1'],
        owner: { kind: 'ReplicaSet', name: 'web-5c6d7' },
        labels: { 'pod-template-hash': '5c6d7' },
      }),
    );
    server.apply(
      'pods',
      pod({
        namespace: 'owners',
        name: 'bare-rs-bbbbb',
        ips: ['10.128.7.2'],
        owner: { kind: 'ReplicaSet', name: 'bare-rs' },
      }),
    );
    server.apply(
      'pods',
      pod({
        namespace: 'owners',
        name: 'backup-29000000-ccccc',
        ips: ['10.128.7.3'],
        owner: { kind: 'Job', name: 'backup-29000000', apiVersion: 'batch/v1' },
      }),
    );
    server.apply('pods', pod({ namespace: 'owners', name: 'lonely', ips: ['10.128.7.4'] }));
    server.apply(
      'pods',
      pod({
        namespace: 'owners',
        name: 'agent-x',
        ips: ['10.128.7.5'],
        owner: { kind: 'DaemonSet', name: 'agent' },
      }),
    );
    // Pod whose ReplicaSet is not known yet and whose name does not follow the hash convention.
    server.apply(
      'pods',
      pod({
        namespace: 'owners',
        name: 'late-1',
        ips: ['10.128.7.6'],
        owner: { kind: 'ReplicaSet', name: 'late-rs' },
      }),
    );
    const enricher = await startEnricher(server, t);
    const ownerOf = (ip: string): string => {
      const r = enrichedFlow(enricher, iface('ns-o', 50, 'eth0', '02:50:50:50:50:50'), {
        SrcAddr: ip,
        DstAddr: '10.0.0.1',
        direction: EGRESS,
      });
      return `${r.SrcK8S_OwnerType}/${r.SrcK8S_OwnerName}`;
    };
    assert.equal(ownerOf('10.128.7.1'), 'Deployment/web');
    assert.equal(ownerOf('10.128.7.2'), 'ReplicaSet/bare-rs');
    assert.equal(ownerOf('10.128.7.3'), 'CronJob/backup');
    assert.equal(ownerOf('10.128.7.4'), 'Pod/lonely');
    assert.equal(ownerOf('10.128.7.5'), 'DaemonSet/agent');
    assert.equal(ownerOf('10.128.7.6'), 'ReplicaSet/late-rs');
    // The ReplicaSet shows up later: the pod is renamed to its Deployment.
    server.apply('replicasets', replicaSet('owners', 'late-rs', { kind: 'Deployment', name: 'late' }));
    await eventually(`ownerOf('10.128.7.6') is 'Deployment/late'`, () =>
      assert.equal(ownerOf('10.128.7.6'), 'Deployment/late'),
    );
  });

  test('Deployment named from the pod-template-hash when ReplicaSets cannot be read (stand-in Kubernetes API server)', async (t) => {
    server.failRequests('replicasets', 403);
    t.after(() => server.failRequests('replicasets', undefined));
    server.apply(
      'pods',
      pod({
        namespace: 'rbac',
        name: 'api-6f7c9-zzzzz',
        ips: ['10.128.6.1'],
        owner: { kind: 'ReplicaSet', name: 'api-6f7c9' },
        labels: { 'pod-template-hash': '6f7c9' },
      }),
    );
    const enricher = await startEnricher(server, t);
    const r = enrichedFlow(enricher, iface('ns-r', 60, 'eth0', '02:60:60:60:60:60'), {
      SrcAddr: '10.128.6.1',
      DstAddr: '10.0.0.1',
      direction: EGRESS,
    });
    assert.deepEqual(
      [r.SrcK8S_Name, r.SrcK8S_OwnerType, r.SrcK8S_OwnerName],
      ['api-6f7c9-zzzzz', 'Deployment', 'api'],
    );
  });

  test('watches resume after the server closes them, and re-list after 410 Gone (stand-in Kubernetes API server)', async (t) => {
    server.apply('pods', pod({ namespace: 'resume', name: 'keep', ips: ['10.128.5.1'] }));
    server.apply('pods', pod({ namespace: 'resume', name: 'drop', ips: ['10.128.5.2'] }));
    const enricher = await startEnricher(server, t);
    const nameOf = (ip: string): string | undefined => {
      const r = enrichedFlow(enricher, iface('ns-w', 70, 'eth0', '02:70:70:70:70:70'), {
        SrcAddr: ip,
        DstAddr: '10.0.0.1',
        direction: EGRESS,
      });
      return r.SrcK8S_Name;
    };
    assert.equal(nameOf('10.128.5.2'), 'drop');
    await eventually('a pod watch open', () => assert.ok(server.watcherCount('pods') >= 1));

    // Watch timeout: the informer watches again from its resourceVersion.
    server.closeWatches();
    server.apply('pods', pod({ namespace: 'resume', name: 'after-close', ips: ['10.128.5.3'] }));
    await eventually(`nameOf('10.128.5.3') is 'after-close'`, () =>
      assert.equal(nameOf('10.128.5.3'), 'after-close'),
    );

    // Changes while disconnected, history compacted: the watch gets 410, the informer re-lists,
    // and what was deleted meanwhile is forgotten.
    server.failRequests('pods', 503);
    server.closeWatches();
    server.remove('pods', 'resume', 'drop');
    server.apply('pods', pod({ namespace: 'resume', name: 'while-away', ips: ['10.128.5.4'] }));
    server.compactHistory();
    const listsBefore = podLists(server);
    server.failRequests('pods', undefined);
    await eventually('the pods re-listed after 410 Gone', () => {
      assert.equal(nameOf('10.128.5.4'), 'while-away');
      assert.equal(nameOf('10.128.5.2'), undefined);
    });
    assert.equal(nameOf('10.128.5.1'), 'keep');
    assert.ok(podLists(server) > listsBefore, 'the informer listed pods again after 410 Gone');
  });

  test('pods listed after the API refused at start (stand-in Kubernetes API server)', async (t) => {
    server.failRequests('pods', 500);
    server.apply('pods', pod({ namespace: 'retry', name: 'eventually-seen', ips: ['10.128.4.1'] }));
    // A short first sync: the enricher starts (empty) while the API still refuses.
    const enricher = await startEnricher(server, t, { initialSyncTimeoutMs: 200, retryMaxMs: 100 });
    const nameOf = (): string | undefined => {
      const r = enrichedFlow(enricher, iface('ns-f', 80, 'eth0', '02:80:80:80:80:80'), {
        SrcAddr: '10.128.4.1',
        DstAddr: '10.0.0.1',
        direction: EGRESS,
      });
      return r.SrcK8S_Name;
    };
    assert.equal(nameOf(), undefined);
    server.failRequests('pods', undefined);
    await eventually(`nameOf() is 'eventually-seen'`, () => assert.equal(nameOf(), 'eventually-seen'));
  });
});

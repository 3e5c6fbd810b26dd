// The static mapping file (INTERFLOW_STATIC_ENRICHMENT): names pods without a Kubernetes API,
// and a bad file stops the start with a message naming the variable and the entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { ConfigError } from '@interflow/contract';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { endpointFields, enrichedFlow, flowRecord, iface, k8sFields } from '../../test/enrich-harness.ts';
import { loadAgentConfig } from '../config/config.ts';
import { createLogger } from '../log.ts';
import { createEnricher } from './index.ts';

const log = createLogger('silent');
const EGRESS = 1;
const INGRESS = 0;
const FIXTURE = resolve(import.meta.dirname, '../../../test/fixtures/static-enrichment.json');

async function enricherFor(file: string) {
  return createEnricher(loadAgentConfig({ INTERFLOW_STATIC_ENRICHMENT: file }), log);
}

/** The reference scenario: podns-a/net1 192.168.122.71 talks to podns-b/net1 192.168.122.72. */
const referenceMapping = (netnsA: string, netnsB: string) => ({
  pods: [
    {
      namespace: 'sriov-test',
      name: 'sriov-client',
      netns: netnsA,
      interfaces: [{ name: 'net1', ips: ['192.168.122.71'], network: 'sriov-test/sriov-net' }],
    },
    {
      namespace: 'sriov-test',
      name: 'sriov-server',
      netns: netnsB,
      interfaces: [{ name: 'net1', ips: ['192.168.122.72'], network: 'sriov-test/sriov-net' }],
    },
  ],
});

test('static mapping names both pods of the net1 reference scenario', async (t) => {
  const file = join(tempDir(t, 'interflow-static-'), 'mapping.json');
  writeFileSync(file, JSON.stringify(referenceMapping('podns-a', 'podns-b')));
  const enricher = await enricherFor(file);
  t.after(() => enricher.close());

  const pod = (name: string) => ({
    Namespace: 'sriov-test',
    Name: name,
    Type: 'Pod',
    OwnerName: name,
    OwnerType: 'Pod',
    NetworkName: 'sriov-test/sriov-net',
  });

  // Egress on podns-a/net1 and the same flow arriving on podns-b/net1.
  const out = enrichedFlow(enricher, iface('podns-a', 4026532100, 'net1', '02:00:00:00:00:0a'), {
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    direction: EGRESS,
  });
  assert.deepEqual(k8sFields(out), {
    ...endpointFields('Src', pod('sriov-client')),
    ...endpointFields('Dst', pod('sriov-server')),
    IfK8S_Namespace: 'sriov-test',
    IfK8S_Name: 'sriov-client',
    IfK8S_NetworkName: 'sriov-test/sriov-net',
  });
  const arrived = enrichedFlow(enricher, iface('podns-b', 4026532101, 'net1', '02:00:00:00:00:0b'), {
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    direction: INGRESS,
  });
  assert.deepEqual(
    [arrived.IfK8S_Name, arrived.SrcK8S_Name, arrived.DstK8S_Name],
    ['sriov-server', 'sriov-client', 'sriov-server'],
  );

  // Another interface of the same netns is still the pod's; other namespaces are nobody's.
  const lo = enrichedFlow(enricher, iface('podns-a', 4026532100, 'lo', '00:00:00:00:00:00'), {
    SrcAddr: '127.0.0.1',
    DstAddr: '127.0.0.1',
    direction: EGRESS,
  });
  assert.deepEqual(k8sFields(lo), { IfK8S_Namespace: 'sriov-test', IfK8S_Name: 'sriov-client' });
  const other = enrichedFlow(enricher, iface('podns-c', 4026532102, 'net1', '02:00:00:00:00:0c'), {
    SrcAddr: '10.1.1.1',
    DstAddr: '10.1.1.2',
    direction: EGRESS,
  });
  assert.deepEqual(k8sFields(other), {});
});

test('the demo mapping file test/fixtures/static-enrichment.json is valid and names both pods', async (t) => {
  const enricher = await enricherFor(FIXTURE);
  t.after(() => enricher.close());
  // Names as the netns scenario makes them (`iflow-a-*`, `iflow-b-*` with a unique suffix).
  const netnsA = 'iflow-a-7k2x9';
  const netnsB = 'iflow-b-7k2x9';
  const r = enrichedFlow(enricher, iface(netnsA, 1, 'net1', '02:00:00:00:00:01'), {
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    direction: EGRESS,
  });
  assert.deepEqual(
    [r.IfK8S_Name, r.SrcK8S_Name, r.DstK8S_Name, r.DstK8S_Namespace],
    ['sriov-client', 'sriov-client', 'sriov-server', 'sriov-test'],
  );
  const r2 = enrichedFlow(enricher, iface(netnsB, 2, 'net1', '02:00:00:00:00:02'), {
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    direction: INGRESS,
  });
  assert.equal(r2.IfK8S_Name, 'sriov-server');
  // eth0 of the same namespace is the pod's too (no network named); other namespaces are not.
  const eth0 = enrichedFlow(enricher, iface(netnsA, 1, 'eth0', '02:00:00:00:00:03'), {
    SrcAddr: '10.200.1.1',
    DstAddr: '10.200.1.2',
    direction: EGRESS,
  });
  assert.deepEqual(k8sFields(eth0), { IfK8S_Namespace: 'sriov-test', IfK8S_Name: 'sriov-client' });
  for (const other of ['iflow-a', 'xiflow-a-1', 'iflow-c-7k2x9']) {
    const o = enrichedFlow(enricher, iface(other, 3, 'net1', '02:00:00:00:00:04'), {
      SrcAddr: '10.1.1.1',
      DstAddr: '10.1.1.2',
      direction: EGRESS,
    });
    assert.equal(o.IfK8S_Name, undefined, other);
  }
});

test('static netns patterns: exact names first, then patterns in file order; regex characters are literal', async (t) => {
  const file = join(tempDir(t, 'interflow-static-'), 'patterns.json');
  writeFileSync(
    file,
    JSON.stringify({
      pods: [
        { namespace: 'p', name: 'wide', netns: 'ns-*' },
        { namespace: 'p', name: 'exact', netns: 'ns-special' },
        { namespace: 'p', name: 'narrow', netns: 'ns-a*' },
        { namespace: 'p', name: 'dots', netns: 'x.y(*)' },
      ],
    }),
  );
  const enricher = await enricherFor(file);
  t.after(() => enricher.close());
  const ownerOf = (netns: string) => {
    const r = enrichedFlow(enricher, iface(netns, 1, 'eth0', '02:00:00:00:00:05'), {
      SrcAddr: '10.9.9.1',
      DstAddr: '10.9.9.2',
      direction: EGRESS,
    });
    return r.IfK8S_Name;
  };
  assert.equal(ownerOf('ns-special'), 'exact');
  assert.equal(ownerOf('ns-abc'), 'wide', 'first matching pattern in file order');
  assert.equal(ownerOf('x.y(1)'), 'dots');
  assert.equal(ownerOf('xzy(1)'), undefined, '"." is not a wildcard');
});

test('static mapping: MAC, owner, nodes, services, YAML, and the interface own address by MAC', async (t) => {
  const dir = tempDir(t, 'interflow-static-');
  const file = join(dir, 'mapping.yaml');
  writeFileSync(
    file,
    [
      'pods:',
      '  - namespace: demo',
      '    name: web-0',
      '    ips: ["10.0.0.5"]',
      '    network: demo-default',
      '    hostName: demo-node',
      '    owner: { kind: StatefulSet, name: web }',
      '    interfaces:',
      '      - { mac: "02:AA:BB:CC:DD:01", network: demo/vlan100 }',
      'nodes:',
      '  - { name: demo-node, ips: ["192.0.2.1"] }',
      'services:',
      '  - { namespace: demo, name: web, ips: ["172.30.5.5", "FD00::5:5"] }',
      '',
    ].join('\n'),
  );
  const enricher = await enricherFor(file);
  t.after(() => enricher.close());
  // Matched by MAC in an unnamed netns; the interface has no address listed, so an egress
  // packet carrying the interface's MAC is the pod's own.
  const r = enrichedFlow(enricher, iface('cni-1234', 7, 'vlan100', '02:aa:bb:cc:dd:01'), {
    SrcAddr: '198.51.100.7',
    DstAddr: 'fd00::5:5',
    SrcMac: '02:aa:bb:cc:dd:01',
    direction: EGRESS,
  });
  assert.deepEqual(k8sFields(r), {
    SrcK8S_Namespace: 'demo',
    SrcK8S_Name: 'web-0',
    SrcK8S_Type: 'Pod',
    SrcK8S_OwnerName: 'web',
    SrcK8S_OwnerType: 'StatefulSet',
    SrcK8S_HostName: 'demo-node',
    SrcK8S_NetworkName: 'demo/vlan100',
    DstK8S_Namespace: 'demo',
    DstK8S_Name: 'web',
    DstK8S_Type: 'Service',
    DstK8S_OwnerName: 'web',
    DstK8S_OwnerType: 'Service',
    IfK8S_Namespace: 'demo',
    IfK8S_Name: 'web-0',
    IfK8S_NetworkName: 'demo/vlan100',
  });
  // A forwarded packet (another MAC) is not claimed for the pod.
  const fwd = enrichedFlow(enricher, iface('cni-1234', 7, 'vlan100', '02:aa:bb:cc:dd:01'), {
    SrcAddr: '198.51.100.8',
    DstAddr: '192.0.2.1',
    SrcMac: '02:00:00:00:00:99',
    direction: EGRESS,
  });
  assert.deepEqual(
    [fwd.SrcK8S_Name, fwd.DstK8S_Type, fwd.DstK8S_Name, fwd.DstK8S_Namespace],
    [undefined, 'Node', 'demo-node', undefined],
  );
  // The primary address carries the pod's default network name.
  const p = enrichedFlow(enricher, iface('x', 8, 'eth0', '02:00:00:00:00:08'), {
    SrcAddr: '10.0.0.5',
    DstAddr: '10.0.0.6',
    direction: EGRESS,
  });
  assert.deepEqual([p.SrcK8S_Name, p.SrcK8S_NetworkName], ['web-0', 'demo-default']);
});

test('no cluster and no mapping file: records pass through unchanged', async () => {
  const enricher = await createEnricher(loadAgentConfig({}), log);
  const r = flowRecord({
    SrcAddr: '10.0.0.1',
    DstAddr: '10.0.0.2',
    direction: EGRESS,
    ifname: 'eth0',
    netns: 'a',
  });
  const before = structuredClone(r);
  enricher.enrich(r, iface('a', 1, 'eth0', '02:00:00:00:00:01'));
  assert.deepEqual(r, before);
  await enricher.close();
});

test('INTERFLOW_NODE_NAME without cluster credentials: one warning, and the mapping file still names pods', async (t) => {
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, kubeconfig: process.env.KUBECONFIG };
  delete process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBECONFIG;
  t.after(() => {
    if (saved.host !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved.host;
    if (saved.kubeconfig !== undefined) process.env.KUBECONFIG = saved.kubeconfig;
  });
  const file = join(tempDir(t, 'interflow-static-'), 'mapping.json');
  writeFileSync(file, JSON.stringify(referenceMapping('podns-a', 'podns-b')));
  const lines: { level: number; msg: string }[] = [];
  const capturing = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) },
  );
  const enricher = await createEnricher(
    loadAgentConfig({ INTERFLOW_NODE_NAME: 'worker-0', INTERFLOW_STATIC_ENRICHMENT: file }),
    capturing,
  );
  t.after(() => enricher.close());
  const warnings = lines.filter((l) => l.level === 40);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!.msg,
    /INTERFLOW_NODE_NAME is set but there are no in-cluster credentials .* Kubernetes enrichment is off/,
  );
  const r = enrichedFlow(enricher, iface('podns-a', 1, 'net1', '02:00:00:00:00:0a'), {
    SrcAddr: '192.168.122.71',
    DstAddr: '192.168.122.72',
    direction: EGRESS,
  });
  assert.deepEqual([r.IfK8S_Name, r.DstK8S_Name], ['sriov-client', 'sriov-server']);
});

test('bad mapping files fail with a message naming the variable, the file and the entry', async (t) => {
  const dir = tempDir(t, 'interflow-static-');
  const pod = { namespace: 'ns', name: 'p', netns: 'n1' };
  const cases: Array<[string, string, RegExp]> = [
    ['missing file', '', /cannot read .*missing\.json/],
    ['not JSON', '{"pods": [', /is not valid JSON/],
    ['top level not an object', '[]', /\(top level\): must be an object/],
    ['unknown top-level field', JSON.stringify({ pod: [] }), /\(top level\)\.pod: unknown field/],
    ['pods not an array', JSON.stringify({ pods: {} }), /pods: must be an array/],
    [
      'missing namespace',
      JSON.stringify({ pods: [pod, { name: 'q', netns: 'n2' }] }),
      /pods\[1\]\.namespace: must be a non-empty string/,
    ],
    [
      'bad IP',
      JSON.stringify({ pods: [{ ...pod, ips: ['10.0.0.300'] }] }),
      /pods\[0\]\.ips\[0\]: "10\.0\.0\.300" is not an IPv4 or IPv6 address/,
    ],
    [
      'bad MAC',
      JSON.stringify({
        pods: [
          pod,
          { ...pod, name: 'q', netns: 'n2', interfaces: [{ name: 'net1' }, { name: 'net2', mac: 'zz:zz' }] },
        ],
      }),
      /pods\[1\]\.interfaces\[1\]\.mac: "zz:zz" is not a MAC address/,
    ],
    [
      'interface without name or mac',
      JSON.stringify({ pods: [{ ...pod, interfaces: [{ ips: ['10.0.0.1'] }] }] }),
      /pods\[0\]\.interfaces\[0\]: needs a "name" or a "mac"/,
    ],
    [
      'typo in a pod field',
      JSON.stringify({ pods: [{ ...pod, namepsace: 'x' }] }),
      /pods\[0\]\.namepsace: unknown field/,
    ],
    [
      'nothing to match',
      JSON.stringify({ pods: [{ namespace: 'ns', name: 'p' }] }),
      /pods\[0\]: says nothing to recognise the pod by/,
    ],
    [
      'duplicate netns',
      JSON.stringify({ pods: [pod, { ...pod, name: 'q' }] }),
      /pods\[1\]: netns "n1" is already described by pods\[0\]/,
    ],
    [
      'duplicate pod',
      JSON.stringify({ pods: [pod, { ...pod, netns: 'n2' }] }),
      /pods\[1\]: pod ns\/p is already described by pods\[0\]/,
    ],
    [
      'node without addresses',
      JSON.stringify({ nodes: [{ name: 'n' }] }),
      /nodes\[0\]\.ips: needs at least one address/,
    ],
    [
      'bad owner',
      JSON.stringify({ pods: [{ ...pod, owner: { kind: 'Deployment' } }] }),
      /pods\[0\]\.owner\.name: must be a non-empty string/,
    ],
    ['bad YAML', 'pods: [\n  - x: [', /is not valid YAML/],
  ];
  for (const [what, content, message] of cases) {
    const file = join(
      dir,
      what === 'missing file'
        ? 'missing.json'
        : what === 'bad YAML'
          ? 'bad.yaml'
          : `${what.replaceAll(' ', '-')}.json`,
    );
    if (what !== 'missing file') writeFileSync(file, content);
    await assert.rejects(enricherFor(file), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `${what}: ConfigError`);
      assert.equal(e.variable, 'INTERFLOW_STATIC_ENRICHMENT');
      assert.match(e.message, /^INTERFLOW_STATIC_ENRICHMENT: /, what);
      assert.ok(e.message.includes(file), `${what}: names the file`);
      assert.match(e.message, message, what);
      return true;
    });
  }
});

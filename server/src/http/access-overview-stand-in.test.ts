// The overview routes (/api/flows/histogram, top-interfaces, top-pairs) and the interface
// inventory (/api/interfaces) under INTERFLOW_AUTH_CHECK, against a stand-in Kubernetes API
// server (a real HTTP server answering TokenReview and SubjectAccessReview for fixed tokens; no
// cluster runs here): 401/403 like /api/flows, and a restricted user's figures count exactly
// the flows of their namespaces — a flow whose source and destination are both theirs once —
// and list only the interfaces their pods own. Expected figures are computed here from the
// pushed records.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  HistogramResponse,
  InterfaceRecord,
  InterfacesResponse,
  TopInterfacesResponse,
  TopPairsResponse,
} from '@interflow/contract';
import { buildPushBody, encodeInterfaceEntry } from '../../../agent/src/export/push-body.ts';
import { generateFlows, pushRecords, type FlowRecord } from '../../../test/fixtures/flow-generator.ts';
import { StandInKubeApiServer } from '../../../test/support/stand-in-kube-api.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

const ADMIN = 'token-admin-alice';
const TEAM_A = 'token-team-a-bob';
const NOBODY = 'token-nobody-carol';
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const END_S = Math.floor(Date.now() / 1000) - 10;
const START_S = END_S - 600;
const window = `startTime=${START_S}&endTime=${END_S}`;

/**
 * Other teams' flows (on interface `secret0`) and team-a's: as source only, destination only,
 * interface owner only, and source and destination both (counted once, not twice).
 */
function flows(): FlowRecord[] {
  const gen = (count: number, seed: number) =>
    generateFlows({ count, seed, startMs: START_S * 1000 + 1000, endMs: END_S * 1000 - 1000 });
  const others = [...gen(200, 21)].map((r) => ({
    ...r,
    SrcK8S_Namespace: 'secret-ns',
    SrcK8S_Name: 'vault-0',
    DstK8S_Namespace: 'default',
    DstK8S_Name: 'api-0',
    IfK8S_Namespace: 'openshift-dns',
    IfK8S_Name: 'dns-0',
    Interfaces: ['secret0'],
    IfNetns: ['cni-secret'],
    IfDirections: [0],
  }));
  const roles = [
    { SrcK8S_Namespace: 'team-a', DstK8S_Namespace: 'default', IfK8S_Namespace: 'openshift-dns' },
    { SrcK8S_Namespace: 'secret-ns', DstK8S_Namespace: 'team-a', IfK8S_Namespace: 'openshift-dns' },
    { SrcK8S_Namespace: 'secret-ns', DstK8S_Namespace: 'default', IfK8S_Namespace: 'team-a' },
    { SrcK8S_Namespace: 'team-a', DstK8S_Namespace: 'team-a', IfK8S_Namespace: 'team-a' },
  ];
  const mine = [...gen(60, 22)].map((r, i) => ({
    ...r,
    ...roles[i % roles.length]!,
    SrcK8S_Name: `src-${i % 3}`,
    DstK8S_Name: `dst-${i % 2}`,
    IfK8S_Name: 'pod-a',
    Interfaces: [i % 2 ? 'net1' : 'eth0'],
    IfNetns: ['cni-a'],
    IfDirections: [1],
  }));
  return [...others, ...mine];
}

const touches = (r: FlowRecord, ns: string): boolean =>
  r.SrcK8S_Namespace === ns || r.DstK8S_Namespace === ns || r.IfK8S_Namespace === ns;

function inventory(over: Partial<InterfaceRecord>): InterfaceRecord {
  return {
    TimeReportMs: END_S * 1000 - 5000,
    TimeSinceMs: END_S * 1000 - 65_000,
    K8S_HostName: 'worker-0',
    AgentIP: '10.0.0.10',
    Interfaces: ['net1'],
    IfNetns: ['cni-a'],
    NetnsInode: 4026532100,
    IfIndex: 3,
    IfMac: '02:00:00:00:00:03',
    IfKind: '',
    IfType: 'vf',
    IsVF: true,
    Up: true,
    HookState: 'hooked',
    // Inventory records carry bytes too: the overview must not count them as flows.
    Bytes: 7_000_000,
    Packets: 7000,
    ...over,
  };
}

const INVENTORY: InterfaceRecord[] = [
  inventory({ IfK8S_Namespace: 'team-a', IfK8S_Name: 'pod-a' }),
  inventory({ Interfaces: ['secret0'], IfNetns: ['cni-secret'], NetnsInode: 4026532200, IfIndex: 2 }),
  inventory({
    Interfaces: ['secret0'],
    IfNetns: ['cni-secret'],
    NetnsInode: 4026532200,
    IfIndex: 2,
    IfK8S_Namespace: 'secret-ns',
    IfK8S_Name: 'vault-0',
    TimeReportMs: END_S * 1000 - 4000,
  }),
  // The node's own interface: nobody's namespace.
  inventory({ Interfaces: ['ens3'], IfNetns: [''], NetnsInode: 4026531840, IfIndex: 2, IfType: 'physical' }),
];

describe('overview and inventory access against a stand-in Kubernetes API server', () => {
  let kube: StandInKubeApiServer;
  let t: TestApp;
  let dir: string;
  const records = flows();
  const teamA = records.filter((r) => touches(r, 'team-a'));

  before(async () => {
    kube = await StandInKubeApiServer.start();
    kube.addUser(ADMIN, { username: 'alice', groups: ['system:authenticated'] });
    kube.addUser(TEAM_A, { username: 'bob', groups: ['system:authenticated', 'team-a-devs'] });
    kube.addUser(NOBODY, { username: 'carol', groups: ['system:authenticated'] });
    kube.grant('alice', { verb: 'get', group: 'loki.grafana.com', resource: 'network', name: 'logs' });
    kube.grant('group:team-a-devs', { verb: 'get', group: '', resource: 'pods', namespace: 'team-a' });
    dir = mkdtempSync(join(tmpdir(), 'interflow-access-overview-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeConfigYaml());
    t = await startTestApp({ KUBECONFIG: kubeconfig, INTERFLOW_LOG_LEVEL: 'silent' });
    await pushRecords(t.storeUrl, records);
    const res = await fetch(`${t.storeUrl}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: buildPushBody(INVENTORY.map((r, i) => encodeInterfaceEntry(r, i, 0))),
    });
    assert.equal(res.status, 204, await res.text());
  });
  after(async () => {
    await t?.close();
    await kube?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ROUTES = [
    `/api/flows/histogram?${window}`,
    `/api/flows/top-interfaces?${window}`,
    `/api/flows/top-pairs?${window}`,
    `/api/interfaces?${window}`,
  ];

  test('no token or an unknown one: 401; a user with no namespace: 403 naming them', async () => {
    for (const url of ROUTES) {
      for (const headers of [{}, bearer('token-nobody-knows')]) {
        const res = await t.app.inject({ url, headers });
        assert.equal(res.statusCode, 401, `${url} ${JSON.stringify(headers)}`);
      }
      const denied = await t.app.inject({ url, headers: bearer(NOBODY) });
      assert.equal(denied.statusCode, 403, url);
      assert.match(denied.json().error, /carol may read flows only of namespaces where they may get pods/);
    }
  });

  const sum = (rs: FlowRecord[], metric: 'bytes' | 'records'): number =>
    rs.reduce((a, r) => a + (metric === 'bytes' ? r.Bytes : 1), 0);

  test('histogram: a restricted user counts their flows once each; an admin every flow, no inventory', async () => {
    for (const metric of ['bytes', 'records'] as const) {
      const mine = await t.app.inject({
        url: `/api/flows/histogram?${window}&metric=${metric}`,
        headers: bearer(TEAM_A),
      });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal((mine.json() as HistogramResponse).total, sum(teamA, metric), metric);
      const all = await t.app.inject({
        url: `/api/flows/histogram?${window}&metric=${metric}`,
        headers: bearer(ADMIN),
      });
      assert.equal((all.json() as HistogramResponse).total, sum(records, metric), metric);
    }
  });

  test('top interfaces: only the interfaces of their flows, with their flows’ sums', async () => {
    const res = await t.app.inject({ url: `/api/flows/top-interfaces?${window}`, headers: bearer(TEAM_A) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as TopInterfacesResponse;
    assert.equal(body.total, sum(teamA, 'bytes'));
    const want = new Map<string, number>();
    for (const r of teamA) {
      const key = `${r.Interfaces[0]}|${r.IfNetns[0]}|${r.IfK8S_Namespace}|${r.IfK8S_Name}`;
      want.set(key, (want.get(key) ?? 0) + r.Bytes);
    }
    const got = new Map(body.rows.map((x) => [`${x.interface}|${x.netns}|${x.namespace}|${x.pod}`, x.value]));
    assert.deepEqual(got, want);
    assert.ok(!body.rows.some((x) => x.interface === 'secret0'));
    const admin = await t.app.inject({ url: `/api/flows/top-interfaces?${window}`, headers: bearer(ADMIN) });
    assert.ok((admin.json() as TopInterfacesResponse).rows.some((x) => x.interface === 'secret0'));
  });

  test('top pairs: only pairs of their flows, with their flows’ sums', async () => {
    const res = await t.app.inject({ url: `/api/flows/top-pairs?${window}`, headers: bearer(TEAM_A) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as TopPairsResponse;
    assert.equal(body.total, sum(teamA, 'bytes'));
    const want = new Map<string, number>();
    for (const r of teamA) {
      const key = `${r.SrcK8S_Namespace}/${r.SrcK8S_Name}>${r.DstK8S_Namespace}/${r.DstK8S_Name}`;
      want.set(key, (want.get(key) ?? 0) + r.Bytes);
    }
    const top = [...want.values()].sort((a, b) => b - a).slice(0, 10);
    const got = body.rows.map((x) => {
      const key = `${x.source.namespace}/${x.source.name}>${x.destination.namespace}/${x.destination.name}`;
      assert.equal(want.get(key), x.value, key);
      return x.value;
    });
    assert.deepEqual(got, top);
    assert.ok(!body.rows.some((x) => x.source.name === 'vault-0'), 'no pair of other teams only');
  });

  test('interfaces: a restricted user sees the interfaces their pods own; an admin every one', async () => {
    const res = await t.app.inject({ url: `/api/interfaces?${window}`, headers: bearer(TEAM_A) });
    assert.equal(res.statusCode, 200, res.body);
    const names = (body: InterfacesResponse) =>
      body.interfaces.map((x) => `${x.Interfaces[0]}@${x.IfK8S_Namespace ?? ''}`).sort();
    assert.deepEqual(names(res.json()), ['net1@team-a']);
    const admin = await t.app.inject({ url: `/api/interfaces?${window}`, headers: bearer(ADMIN) });
    // secret0's latest report names its owner; the node's ens3 has none.
    assert.deepEqual(names(admin.json()), ['ens3@', 'net1@team-a', 'secret0@secret-ns']);
  });
});

// GET /api/interfaces over the real app and its embedded store, fed with inventory records
// encoded by the agent's own exporter code: latest state per node/netns/interface in the
// range, sums over the range, the flows' filters (applicable ones) and time range, and flow
// queries never returning inventory records (nor the inventory flow records).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InterfaceRecord, InterfaceRow } from '@interflow/contract';
import { buildPushBody, encodeInterfaceEntry } from '../../../agent/src/export/push-body.ts';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

function inventory(over: Partial<InterfaceRecord>): InterfaceRecord {
  return {
    TimeReportMs: 0,
    TimeSinceMs: 0,
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
    Bytes: 0,
    Packets: 0,
    ...over,
  };
}

async function pushInventory(url: string, records: InterfaceRecord[]): Promise<void> {
  const res = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: buildPushBody(records.map((r, i) => encodeInterfaceEntry(r, i, 0))),
  });
  assert.equal(res.status, 204, await res.text());
}

describe('/api/interfaces', () => {
  let t: TestApp;
  const now = Date.now();
  const s = (ms: number) => Math.floor(ms / 1000);
  const window = `startTime=${s(now) - 3600}&endTime=${s(now) + 1}`;
  before(async () => {
    t = await startTestApp();
    await pushRecords(t.storeUrl, generateFlows({ count: 200, seed: 3, startMs: now - 300_000, endMs: now }));
    await pushInventory(t.storeUrl, [
      // net1 on worker-0: hooked, three reports; the latest says it lost its hook.
      inventory({ TimeReportMs: now - 180_000, Bytes: 100, Packets: 1 }),
      inventory({ TimeReportMs: now - 120_000, Bytes: 200, Packets: 2 }),
      inventory({
        TimeReportMs: now - 60_000,
        Bytes: 300,
        Packets: 3,
        HookState: 'unhooked',
        HookReason: 'attach_failed',
        HookError: 'tc attach: Operation not supported',
        IfK8S_Namespace: 'sriov-test',
        IfK8S_Name: 'pod-x',
      }),
      inventory({
        TimeReportMs: now - 60_000,
        Interfaces: ['lo'],
        IfIndex: 1,
        IfType: 'loopback',
        IsVF: false,
        HookState: 'unhooked',
        HookReason: 'excluded',
      }),
      // The same names on another node and another namespace are other interfaces.
      inventory({ TimeReportMs: now - 30_000, K8S_HostName: 'worker-1', Bytes: 5 }),
      inventory({
        TimeReportMs: now - 30_000,
        IfNetns: ['cni-b'],
        NetnsInode: 4026532200,
        Interfaces: ['net10'],
        Bytes: 9,
      }),
      // Outside the time range of the queries below.
      inventory({ TimeReportMs: now - 7200_000, Interfaces: ['old0'], IfIndex: 9 }),
    ]);
  });
  after(() => t.close());

  const get = async (
    query: string,
  ): Promise<{ interfaces: InterfaceRow[]; stats: Record<string, unknown> }> => {
    const res = await t.app.inject(`/api/interfaces?${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const names = (rows: InterfaceRow[]) =>
    rows.map((r) => `${r.K8S_HostName}/${r.IfNetns[0]}/${r.Interfaces[0]}`);

  test('latest state per node, namespace and interface, with sums over the range', async () => {
    const body = await get(window);
    assert.deepEqual(names(body.interfaces), [
      'worker-0/cni-a/net1',
      'worker-0/cni-a/lo',
      'worker-0/cni-b/net10',
      'worker-1/cni-a/net1',
    ]);
    const net1 = body.interfaces[0]!;
    assert.equal(net1.HookState, 'unhooked');
    assert.equal(net1.HookReason, 'attach_failed');
    assert.equal(net1.HookError, 'tc attach: Operation not supported');
    assert.equal(net1.IfK8S_Name, 'pod-x');
    assert.equal(net1.Bytes, 300, 'the latest report');
    assert.equal(net1.BytesInRange, 600);
    assert.equal(net1.PacketsInRange, 6);
    assert.equal(net1.Reports, 3);
    assert.equal(body.stats.entries, 6);
    assert.equal(body.stats.truncated, false);
    assert.deepEqual(body.stats.ignoredFilters, []);
  });

  test('the time range picks the latest state inside it', async () => {
    const body = await get(`startTime=${s(now - 200_000)}&endTime=${s(now - 90_000)}`);
    assert.deepEqual(names(body.interfaces), ['worker-0/cni-a/net1']);
    assert.equal(body.interfaces[0]!.HookState, 'hooked');
    assert.equal(body.interfaces[0]!.BytesInRange, 300);
  });

  test('interfaces, netns and host_name filters apply as to flows (net1 never matches net10); others are named as ignored', async () => {
    const q = (f: string) => get(`${window}&filters=${encodeURIComponent(f)}`);
    assert.deepEqual(names((await q('interfaces=net1')).interfaces), [
      'worker-0/cni-a/net1',
      'worker-1/cni-a/net1',
    ]);
    assert.deepEqual(names((await q('interfaces=net1;host_name=worker-1')).interfaces), [
      'worker-1/cni-a/net1',
    ]);
    assert.deepEqual(names((await q('netns=cni-b')).interfaces), ['worker-0/cni-b/net10']);
    const mixed = await q('interfaces~net1;src_address=10.0.0.1');
    assert.deepEqual(names(mixed.interfaces), [
      'worker-0/cni-a/net1',
      'worker-0/cni-b/net10',
      'worker-1/cni-a/net1',
    ]);
    assert.deepEqual(mixed.stats.ignoredFilters, ['src_address']);
    const any = await get(`${window}&match=any&filters=${encodeURIComponent('interfaces=lo;netns=cni-b')}`);
    assert.deepEqual(names(any.interfaces), ['worker-0/cni-a/lo', 'worker-0/cni-b/net10']);
  });

  test('bad input is a 400 naming the parameter', async () => {
    for (const [q, param] of [
      ['filters=color%3Dred', 'filters'],
      ['match=some', 'match'],
      ['timeRange=abc', 'timeRange'],
      ['startTime=10&endTime=5', 'endTime'],
    ]) {
      const res = await t.app.inject(`/api/interfaces?${q}`);
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().param, param, q);
    }
  });

  test('flow queries, autocomplete and the export never see inventory records', async () => {
    const flows = (await t.app.inject(`/api/flows?${window}&limit=10000`)).json();
    assert.equal(flows.records.length, 200);
    assert.ok(flows.records.every((r: Record<string, unknown>) => r.HookState === undefined));
    const res = await t.app.inject(`/api/resources/netns?${window}`);
    assert.ok(!res.json().values.includes('cni-a'), 'inventory namespaces are not flow values');
    const csv = (await t.app.inject(`/api/flows/export?${window}`)).body.trim().split('\n');
    assert.equal(csv.length, 201);
  });
});

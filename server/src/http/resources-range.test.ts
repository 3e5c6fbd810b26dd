// Autocomplete draws from the whole time range: a value seen once, long before the newest page
// of records (more than Loki's max entries of them), is offered, with what it is (an interface's
// owning pod, a pod's namespace); a value outside the range is not. Embedded store, real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowRecord } from '@interflow/contract';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

describe('/api/resources over the time range (embedded store)', () => {
  let t: TestApp;
  const now = Date.now();
  const startS = Math.floor(now / 1000) - 3600;
  const window = `startTime=${startS}&endTime=${Math.ceil(now / 1000) + 1}`;
  const base = [...generateFlows({ count: 1, seed: 3, startMs: now - 1000, endMs: now })][0]!;
  const at = (ms: number, fields: Partial<FlowRecord>): FlowRecord => ({
    ...base,
    TimeFlowStartMs: ms - 10,
    TimeFlowEndMs: ms,
    ...fields,
  });

  before(async () => {
    // Page size 100: the old way (the newest page of records) never reached the rare ones.
    t = await startTestApp({ INTERFLOW_LOKI_MAX_ENTRIES: '100' });
    const early = startS * 1000 + 60_000;
    await pushRecords(t.storeUrl, [
      // Once each, early in the range.
      at(early, {
        Interfaces: ['vf-rare'],
        IfDirections: [0],
        IfNetns: ['cni-rare'],
        IfK8S_Namespace: 'sriov-test',
        IfK8S_Name: 'server',
        IfK8S_NetworkName: 'sriov-test/sriov-net',
        SrcK8S_Namespace: 'team-r',
        SrcK8S_Name: 'rare-pod',
        SrcK8S_Type: 'Pod',
        DstK8S_Namespace: 'team-r',
        DstK8S_Name: 'rare-svc',
        DstK8S_Type: 'Service',
        DstK8S_NetworkName: 'team-r/macvlan',
      }),
      // NetObserv's way: one record, several interfaces.
      at(early + 1000, {
        Interfaces: ['eth0', 'vf-second'],
        IfDirections: [0, 1],
        IfNetns: ['', 'cni-second'],
      }),
      // Before the range: never offered.
      at(startS * 1000 - 120_000, {
        Interfaces: ['vf-outside'],
        IfNetns: ['cni-outside'],
        SrcK8S_Name: 'old-pod',
        SrcK8S_Type: 'Pod',
      }),
    ]);
    // Then many newer records (more than a page), with the common values only.
    await pushRecords(
      t.storeUrl,
      [...generateFlows({ count: 400, seed: 11, startMs: now - 600_000, endMs: now })].map((r) => ({
        ...r,
        Interfaces: ['net1'],
        IfDirections: [1],
        IfNetns: ['cni-common'],
      })),
    );
  });
  after(() => t.close());

  const get = async (kind: string) => {
    const res = await t.app.inject(`/api/resources/${kind}?${window}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { values: string[]; details?: Record<string, string[]> };
  };

  test('interfaces: every one in the range, rare and second-slot ones too, each with its owning pod', async () => {
    const r = await get('interfaces');
    assert.deepEqual(r.values, ['eth0', 'net1', 'vf-rare', 'vf-second']);
    assert.deepEqual(r.details, { 'vf-rare': ['sriov-test/server'] });
  });

  test('netns: the host ("") and every namespace in the range', async () => {
    const r = await get('netns');
    assert.deepEqual(r.values, ['', 'cni-common', 'cni-rare', 'cni-second']);
  });

  test('pods: sources, destinations and interface owners that are pods, with their namespaces', async () => {
    const r = await get('pods');
    assert.ok(r.values.includes('rare-pod'), JSON.stringify(r.values));
    assert.ok(r.values.includes('server'), 'the interface owner');
    assert.ok(!r.values.includes('rare-svc'), 'a service is not a pod');
    assert.ok(!r.values.includes('old-pod'), 'outside the range');
    assert.deepEqual(r.details?.['rare-pod'], ['team-r']);
    assert.deepEqual(r.details?.server, ['sriov-test']);
  });

  test('networks: Multus networks of sources, destinations and interfaces', async () => {
    const r = await get('networks');
    assert.deepEqual(r.values, ['sriov-test/sriov-net', 'team-r/macvlan']);
  });
});

// Quick filters: /api/config serves the built-in ones or those of INTERFLOW_QUICK_FILTERS_FILE,
// and each built-in one selects, through the real /api/flows and the embedded store, the records
// its name promises (expectations from the test's own records, not from the filter code).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_QUICK_FILTERS, type FlowRecord, type QuickFilter } from '@interflow/contract';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

type Rec = Record<string, unknown>;
const key = (r: Rec) => `${String(r.TimeFlowEndMs)}|${String(r.SrcAddr)}|${String(r.SrcPort)}`;

describe('quick filters, built-in', () => {
  let t: TestApp;
  const now = Date.now();
  const window = `startTime=${Math.floor(now / 1000) - 600}&endTime=${Math.ceil(now / 1000) + 1}`;
  const records: FlowRecord[] = [];
  before(async () => {
    t = await startTestApp();
    let i = 0;
    for (const r of generateFlows({ count: 120, seed: 16, startMs: now - 300_000, endMs: now })) {
      // every third record's interface belongs to a pod; every other one of those has a network name
      if (i % 3 === 0) {
        r.IfK8S_Namespace = 'sriov-test';
        r.IfK8S_Name = `sriov-client-${i}`;
        if (i % 2 === 0) r.IfK8S_NetworkName = 'sriov-test/sriov-net';
      }
      records.push(r);
      i++;
    }
    await pushRecords(t.storeUrl, records);
  });
  after(() => t.close());

  const selected = async (filters: string): Promise<string[]> => {
    const res = await t.app.inject(`/api/flows?${window}&limit=10000&filters=${encodeURIComponent(filters)}`);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { records: Rec[] }).records.map(key).sort();
  };
  const expected = (keep: (r: FlowRecord) => boolean) =>
    records
      .filter(keep)
      .map((r) => key(r as unknown as Rec))
      .sort();
  const preset = (id: string): QuickFilter => DEFAULT_QUICK_FILTERS.find((q) => q.id === id)!;

  test('/api/config lists them', async () => {
    const body = (await t.app.inject('/api/config')).json() as { quickFilters: QuickFilter[] };
    assert.deepEqual(body.quickFilters, DEFAULT_QUICK_FILTERS);
    assert.ok(body.quickFilters.some((q) => q.name === 'Pod secondary interfaces'));
  });

  test('"Pod secondary interfaces": interfaces whose owner gives them a network name', async () => {
    const want = expected((r) => !!r.IfK8S_NetworkName);
    assert.equal(want.length, 20);
    assert.deepEqual(await selected(preset('pod-secondary-interfaces').filters), want);
  });

  test('"Pod interfaces": interfaces a pod owns', async () => {
    const want = expected((r) => !!r.IfK8S_Name);
    assert.equal(want.length, 40);
    assert.deepEqual(await selected(preset('pod-interfaces').filters), want);
  });

  test('"Host network namespace": interfaces of the host namespace', async () => {
    const want = expected((r) => r.IfNetns.includes(''));
    assert.ok(want.length > 0 && want.length < records.length);
    assert.deepEqual(await selected(preset('host-interfaces').filters), want);
  });
});

describe('quick filters from INTERFLOW_QUICK_FILTERS_FILE', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'interflow-quick-filters-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("/api/config serves the file's quick filters, `default` filled in", async () => {
    const file = join(dir, 'quick-filters.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'sriov-net',
          name: 'SR-IOV network',
          filters: 'if_network=sriov-test/sriov-net',
          default: true,
        },
        { id: 'tcp', name: 'TCP', filters: 'protocol=tcp' },
      ]),
    );
    const t = await startTestApp({ INTERFLOW_QUICK_FILTERS_FILE: file });
    try {
      const body = (await t.app.inject('/api/config')).json() as { quickFilters: QuickFilter[] };
      assert.deepEqual(body.quickFilters, [
        {
          id: 'sriov-net',
          name: 'SR-IOV network',
          filters: 'if_network=sriov-test/sriov-net',
          default: true,
        },
        { id: 'tcp', name: 'TCP', filters: 'protocol=tcp', default: false },
      ]);
    } finally {
      await t.close();
    }
  });
});

// The embedded store's gauges (store-metrics.ts): what it holds, against its cap, and the
// column index's memory, the retention horizon, read when the registry is scraped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { generateFlows } from '../../../test/fixtures/flow-generator.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { openStore } from '../store/index.ts';
import { registerStoreMetrics } from './store-metrics.ts';

async function gauges(registry: Registry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of await registry.getMetricsAsJSON())
    for (const v of m.values as Array<{ value: number }>) out[m.name] = v.value;
  return out;
}

test('store gauges: entries, used bytes against the cap, column index bytes', async (t) => {
  const store = openStore({ dataDir: tempDir(t), retentionMs: 0, maxBytes: 64 * 2 ** 20 });
  t.after(() => store.close());
  store.columnIndex.loadNow();
  const registry = new Registry();
  registerStoreMetrics(registry, store);
  const empty = await gauges(registry);
  assert.equal(empty.interflow_server_store_entries, 0);
  assert.equal(empty.interflow_server_store_max_bytes, 64 * 2 ** 20);
  const now = Date.UTC(2026, 0, 1);
  const lines = [...generateFlows({ count: 3000, seed: 3, startMs: now - 60_000, endMs: now })].map((r) => ({
    ts: BigInt(r.TimeFlowEndMs) * 1_000_000n,
    line: JSON.stringify(r),
  }));
  store.push([{ labels: { app: 'interflow', kind: 'flow' }, entries: lines }]);
  const full = await gauges(registry);
  assert.equal(full.interflow_server_store_entries, store.entryCount());
  assert.ok(full.interflow_server_store_entries! > 2900, 'identical entries are stored once');
  assert.equal(full.interflow_server_store_used_bytes, store.usedBytes());
  assert.ok(full.interflow_server_store_used_bytes! > empty.interflow_server_store_used_bytes!);
  assert.equal(full.interflow_server_store_column_index_bytes, store.columnIndex.columns.memoryBytes());
  assert.ok(
    full.interflow_server_store_column_index_bytes! > empty.interflow_server_store_column_index_bytes!,
  );
});

test('retention horizon gauge: 0 until retention deletes, then the newest deleted time in seconds', async (t) => {
  const store = openStore({ dataDir: tempDir(t), retentionMs: 60_000, maxBytes: 0 });
  t.after(() => store.close());
  const registry = new Registry();
  registerStoreMetrics(registry, store);
  const nowMs = Date.now();
  // written down from the design: an entry 10 minutes old goes with 1 minute of retention
  const oldMs = nowMs - 600_000;
  store.push([
    {
      labels: { app: 'interflow' },
      entries: [
        { ts: BigInt(oldMs) * 1_000_000n + 123_456n, line: 'old' },
        { ts: BigInt(nowMs) * 1_000_000n, line: 'new' },
      ],
    },
  ]);
  assert.equal((await gauges(registry)).interflow_server_store_retention_horizon_seconds, 0);
  store.enforceRetention();
  assert.equal((await gauges(registry)).interflow_server_store_retention_horizon_seconds, oldMs / 1000);
});

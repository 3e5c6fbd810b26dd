// Scenario: the store (the stand-in Loki receiver) becomes unreachable (its listener is
// closed, so pushes get ECONNREFUSED) for `outageMs` while records keep coming at a steady
// rate, then returns.
// Shared by the short unit test and the 30 s one of issue 3 so both check the same thing:
// what fits in the buffer is delivered once, in order; the overflow is dropped, counted in
// stats() and the metrics, and logged; delivered + dropped = sent.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { waitFor } from '../../test/support/wait.ts';
import { startExporterHarness, metricValue } from './exporter-harness.ts';
import { ids, makeRecord, range } from './numbered-records.ts';

export interface OutageOptions {
  outageMs: number;
  bufferMaxRecords: number;
  /** Records enqueued every `tickMs` during the outage. */
  recordsPerTick: number;
  tickMs: number;
  backoffMax?: string;
}

export interface OutageResult {
  sentDuringOutage: number;
  keptDuringOutage: number;
  dropped: number;
  delivered: number;
  total: number;
}

export async function runStoreOutage(t: TestContext, o: OutageOptions): Promise<OutageResult> {
  const { receiver, exporter, metrics, logs } = await startExporterHarness(t, {
    INTERFLOW_BUFFER_MAX_RECORDS: String(o.bufferMaxRecords),
    INTERFLOW_BATCH_MAX_RECORDS: '100',
    INTERFLOW_BATCH_MAX_WAIT: '100ms',
    INTERFLOW_BACKOFF_MIN: '50ms',
    INTERFLOW_BACKOFF_MAX: o.backoffMax ?? '1s',
    INTERFLOW_PUSH_TIMEOUT: '2s',
  });
  let nextId = 0;
  const send = (n: number) => {
    exporter.enqueue(range(nextId, nextId + n).map((i) => makeRecord(i)));
    nextId += n;
  };

  // Before: the store takes everything.
  send(50);
  await waitFor('the first 50 records exported', () => exporter.stats().exported === 50, 15_000);

  // Outage.
  await receiver.stop();
  const outageStart = nextId;
  const started = Date.now();
  while (Date.now() - started < o.outageMs) {
    send(o.recordsPerTick);
    await new Promise((r) => setTimeout(r, o.tickMs));
  }
  const sentDuringOutage = nextId - outageStart;
  const keptDuringOutage = Math.min(sentDuringOutage, o.bufferMaxRecords);
  const expectedDropped = sentDuringOutage - keptDuringOutage;
  const during = exporter.stats();
  assert.equal(during.exported, 50, 'nothing is exported while the store is down');
  assert.equal(during.buffered, keptDuringOutage, 'records are kept up to the buffer size');
  assert.equal(during.dropped, expectedDropped, 'every record beyond the buffer is counted as dropped');
  assert.ok(
    during.failedPushes >= 1 && (await metricValue(metrics.pushErrors, { kind: 'network' })) >= 1,
    'failed pushes are counted',
  );
  assert.equal(receiver.requests.length, 1, 'nothing reached the store during the outage');

  // The store returns: the buffer drains without any flush() call.
  await receiver.start();
  await waitFor(
    'the buffered records delivered',
    () => exporter.stats().exported === 50 + keptDuringOutage,
    60_000,
  );

  // After: new records flow again.
  const afterStart = nextId;
  send(50);
  await exporter.flush();

  const delivered = receiver.acceptedRecords();
  assert.deepEqual(
    ids(delivered),
    [
      ...range(0, 50),
      ...range(outageStart, outageStart + keptDuringOutage),
      ...range(afterStart, afterStart + 50),
    ],
    'delivered in order, each once, and only the overflow is missing',
  );
  const total = nextId;
  const stats = exporter.stats();
  assert.equal(stats.dropped, expectedDropped);
  assert.equal(delivered.length + stats.dropped, total, 'delivered + dropped = sent');
  assert.equal(stats.exported, delivered.length);
  assert.equal(stats.buffered, 0);
  assert.equal(await metricValue(metrics.recordsDropped, { reason: 'buffer_full' }), expectedDropped);
  assert.equal(await metricValue(metrics.recordsExported), delivered.length);
  if (expectedDropped > 0) {
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      new RegExp(`^interflow_agent_records_dropped_total\\{reason="buffer_full"\\} ${expectedDropped}$`, 'm'),
    );
    assert.ok(
      logs.some((l) => l.msg.includes('buffer full')),
      'the overflow is logged when it starts',
    );
    assert.ok(
      logs.some((l) => l.dropped === expectedDropped),
      'and its size when it ends',
    );
  }
  return { sentDuringOutage, keptDuringOutage, dropped: stats.dropped, delivered: delivered.length, total };
}

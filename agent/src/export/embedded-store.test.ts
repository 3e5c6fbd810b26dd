// Integration across parts: the exporter pushes to the real embedded Loki-API store
// (server/src/store) over HTTP on loopback, and the records are read back with query_range —
// plain and gzip bodies, labels as the backend's selectors expect them.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import Fastify from 'fastify';
import { request } from 'undici';
import type { FlowRecord } from '@interflow/contract';
import { embeddedStorePlugin } from '../../../server/src/store/index.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { captureLogger } from '../../test/exporter-harness.ts';
import { ids, makeRecord, range } from '../../test/numbered-records.ts';
import { loadAgentConfig } from '../config/config.ts';
import { createAgentMetrics } from '../metrics.ts';
import { createLokiExporter } from './loki-exporter.ts';

async function startStore(t: TestContext): Promise<string> {
  const app = Fastify();
  t.after(() => app.close()); // registered before tempDir's removal: after hooks run in order
  const dataDir = tempDir(t, 'interflow-export-store-');
  await app.register(embeddedStorePlugin, { dataDir, retentionMs: 0, maxBytes: 0, allowRemote: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

async function queryAll(
  url: string,
  query: string,
): Promise<{ stream: Record<string, string>; records: FlowRecord[] }[]> {
  const params = new URLSearchParams({
    query,
    start: '1764115000000000000',
    end: '1764116000000000000',
    limit: '5000',
    direction: 'forward',
  });
  const res = await request(`${url}/loki/api/v1/query_range?${params}`);
  const text = await res.body.text();
  assert.equal(res.statusCode, 200, text);
  const body = JSON.parse(text) as {
    data: { result: { stream: Record<string, string>; values: [string, string][] }[] };
  };
  return body.data.result.map((s) => ({
    stream: s.stream,
    records: s.values.map(([, line]) => JSON.parse(line) as FlowRecord),
  }));
}

// Both body encodings: the store accepts Content-Encoding: gzip as Loki does
// (INTERFLOW_PUSH_GZIP stays off by default all the same).
for (const gzip of [false, true]) {
  test(`exporter → embedded store${gzip ? ' (gzip body)' : ''}: every record stored once, labelled, readable with LogQL`, async (t) => {
    const url = await startStore(t);
    const cfg = loadAgentConfig({
      INTERFLOW_LOKI_URL: url,
      INTERFLOW_BATCH_MAX_RECORDS: '100',
      INTERFLOW_BATCH_MAX_WAIT: '50ms',
      INTERFLOW_PUSH_GZIP: String(gzip),
    });
    const exporter = createLokiExporter(cfg, createAgentMetrics(), captureLogger([]));
    t.after(() => exporter.close(500));

    const sent = range(0, 450).map((i) =>
      makeRecord(
        i,
        i % 3 === 0
          ? { SrcK8S_Namespace: 'sriov-test', DstK8S_Namespace: 'sriov-test', FlowDirection: 0 }
          : {},
      ),
    );
    for (let i = 0; i < sent.length; i += 50) exporter.enqueue(sent.slice(i, i + 50));
    await exporter.flush();
    const { pushes, ...counts } = exporter.stats();
    assert.deepEqual(counts, { buffered: 0, exported: 450, dropped: 0, failedPushes: 0 });
    assert.ok(pushes >= 5, `450 records in batches of at most 100 need 5 pushes or more, got ${pushes}`);

    const all = (await queryAll(url, '{app="interflow"}')).flatMap((s) => s.records);
    assert.deepEqual(
      ids(all).sort((a, b) => a - b),
      range(0, 450),
    );
    assert.deepEqual(
      all.find((r) => r.Bytes === 7),
      sent[7],
    );

    const ns = await queryAll(url, '{app="interflow", SrcK8S_Namespace="sriov-test", FlowDirection="0"}');
    assert.equal(ns.length, 1);
    assert.deepEqual(ns[0]!.stream, {
      app: 'interflow',
      SrcK8S_Namespace: 'sriov-test',
      DstK8S_Namespace: 'sriov-test',
      FlowDirection: '0',
      K8S_HostName: 'node-1',
    });
    assert.deepEqual(
      ids(ns[0]!.records),
      range(0, 450).filter((i) => i % 3 === 0),
      'in order within the stream',
    );
  });
}

// The backend reading its embedded store in process (the default) and over the store's HTTP API
// (as for a real Loki), writing exports on its export worker (the default) and on the main
// thread, answers the API with the same bytes: three apps on one store, the same requests, CSV
// exports (readable and raw, filters, match=any, sorted, small pages) and the table compared
// byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { generateFlows, pushRecords } from '../../../test/fixtures/flow-generator.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { loadServerConfig } from '../config/config.ts';
import { openStore, type EmbeddedStore } from '../store/index.ts';
import { buildApp } from './app.ts';

const PAGE = 200;
const now = Date.now();
/** A fixed window: timeRange would move between the two apps' answers. */
const WINDOW = `startTime=${Math.floor(now / 1000) - 300}&endTime=${Math.ceil(now / 1000)}`;

describe('in process and over HTTP: the same answers', () => {
  let store: EmbeddedStore;
  let inProcess: FastifyInstance;
  let overHttp: FastifyInstance;
  let mainThread: FastifyInstance;
  before(async () => {
    const dataDir = tempDir({ after }, 'interflow-export-in-process-');
    store = openStore({ dataDir, retentionMs: 0, maxBytes: 0 });
    const config = loadServerConfig({
      INTERFLOW_DATA_DIR: dataDir,
      INTERFLOW_LOG_LEVEL: 'warn',
      INTERFLOW_STORE_PORT: '0',
      INTERFLOW_METRICS_PORT: '0',
      INTERFLOW_LOKI_MAX_ENTRIES: String(PAGE),
    });
    inProcess = await buildApp(config, { logger: false, store });
    overHttp = await buildApp(config, { logger: false, store, embeddedStoreOverHttp: true });
    mainThread = await buildApp(config, { logger: false, store, exportOnMainThread: true });
    for (const app of [inProcess, overHttp, mainThread]) await app.listen({ host: '127.0.0.1', port: 0 });
    await pushRecords(inProcess.embeddedStoreUrl()!, [
      ...generateFlows({ count: 3000, seed: 31, startMs: now - 240_000, endMs: now - 1000 }),
      ...generateFlows({ count: 1000, seed: 32, startMs: now - 240_000, endMs: now - 1000, hostile: true }),
    ]);
  });
  after(async () => {
    await inProcess?.close();
    await overHttp?.close();
    await mainThread?.close();
    store?.close();
  });

  const filters = (f: string): string => `filters=${encodeURIComponent(f)}`;
  const EXPORTS = [
    `${WINDOW}`,
    `${WINDOW}&values=raw`,
    `${WINDOW}&${filters('interfaces=net1;netns~aa')}&match=any&values=raw`,
    `${WINDOW}&${filters('src_namespace=team-a;protocol=TCP')}`,
    `${WINDOW}&columns=TimeFlowEndMs,Interfaces,SrcAddr,Bytes&sort=Bytes:asc`,
    `${WINDOW}&${filters('interfaces=nothing-like-this')}`,
  ];

  for (const query of EXPORTS) {
    test(`export ${query}`, async () => {
      const a = await inProcess.inject(`/api/flows/export?${query}`);
      const b = await overHttp.inject(`/api/flows/export?${query}`);
      const c = await mainThread.inject(`/api/flows/export?${query}`);
      for (const r of [a, b, c]) assert.equal(r.statusCode, 200, r.body);
      assert.ok(a.rawPayload.equals(b.rawPayload), `${a.rawPayload.length} and ${b.rawPayload.length} bytes`);
      assert.ok(a.rawPayload.equals(c.rawPayload), `${a.rawPayload.length} and ${c.rawPayload.length} bytes`);
    });
  }

  test('the exports compared are not empty', async () => {
    const a = await inProcess.inject(`/api/flows/export?${WINDOW}&values=raw`);
    assert.equal(a.body.split('\r\n').length - 2, 4000);
  });

  test('the table, and a sorted export with one column', async () => {
    for (const query of [`${WINDOW}&limit=1000`, `${WINDOW}&limit=50&${filters('dst_port=443')}`]) {
      const a = (await inProcess.inject(`/api/flows?${query}`)).json();
      const b = (await overHttp.inject(`/api/flows?${query}`)).json();
      delete a.stats.durationMs;
      delete b.stats.durationMs;
      assert.deepEqual(a, b);
      assert.ok(a.records.length > 0);
    }
    // Sorted: collected before answering, in the backend's order.
    const q = `/api/flows/export?${WINDOW}&sort=Bytes:asc&columns=Bytes`;
    const [a, b] = [await inProcess.inject(q), await overHttp.inject(q)];
    assert.equal(a.statusCode, b.statusCode);
    assert.equal(a.body, b.body);
  });
});

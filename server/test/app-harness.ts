// Harness of the server tests: the real app (embedded store included) listening on 127.0.0.1:0 with a
// throw-away data directory, removed again by close().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadServerConfig, type ServerConfig } from '../src/config/config.ts';
import { buildApp } from '../src/http/app.ts';

export interface TestApp {
  app: FastifyInstance;
  url: string;
  /** The embedded store's own address (its Loki API: push, query_range…). */
  storeUrl: string;
  /** Prometheus /metrics, on its own port. */
  metricsUrl: string;
  config: ServerConfig;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-server-test-'));
  const config = loadServerConfig({
    INTERFLOW_DATA_DIR: dataDir,
    INTERFLOW_LOG_LEVEL: 'warn',
    INTERFLOW_STORE_PORT: '0',
    INTERFLOW_METRICS_PORT: '0',
    ...env,
  });
  const app = await buildApp(config, { logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    storeUrl: app.embeddedStoreUrl() ?? '',
    metricsUrl: app.metricsUrl() ?? '',
    config,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Starts the REAL backend (server/src/app buildApp) with the embedded store in a temporary data
// directory on 127.0.0.1:0, serving the built web bundle from dist/; pushes real records into
// the store through its Loki push API.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/src/app/app.ts';
import { loadServerConfig } from '../../server/src/config/config.ts';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const DIST = resolve(REPO, process.env.INTERFLOW_WEB_DIST ?? 'dist');

/** Options for `test()`: the web build must exist (npm test builds it through scripts/setup.mjs). */
export function webBuildProblem(): string | null {
  return existsSync(join(DIST, 'standalone', 'index.html')) && existsSync(join(DIST, 'plugin-manifest.json'))
    ? null
    : `needs the web build in ${DIST} (npm run build:web)`;
}

export interface RunningBackend {
  url: string;
  close: () => Promise<void>;
}

export async function startBackend(env: Record<string, string> = {}): Promise<RunningBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-browser-'));
  const config = loadServerConfig({
    INTERFLOW_DATA_DIR: dataDir,
    INTERFLOW_PORT: '0',
    INTERFLOW_WEB_DIST: DIST,
    INTERFLOW_LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

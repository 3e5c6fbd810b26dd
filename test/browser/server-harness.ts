// Starts the REAL backend process (server/src/main.ts → buildApp, as `npm start` does) with the
// embedded store in a temporary data directory on a loopback port the kernel picks, serving the
// built web bundle from dist/. Tests push real records into the store through its Loki push API.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, startBackend as startBackendProcess } from '../support/processes.ts';

export const REPO = REPO_ROOT;
export const DIST = resolve(REPO, process.env.INTERFLOW_WEB_DIST ?? 'dist');

/** Why the browser tests cannot run, or null: the web build must exist (npm test builds it). */
export function webBuildProblem(): string | null {
  return existsSync(join(DIST, 'standalone', 'index.html')) && existsSync(join(DIST, 'plugin-manifest.json'))
    ? null
    : `needs the web build in ${DIST} (npm run build:web)`;
}

export interface RunningBackend {
  url: string;
  /** The embedded store's own address (push goes here). */
  storeUrl: string;
  close: () => Promise<void>;
}

export async function startBackend(env: Record<string, string> = {}): Promise<RunningBackend> {
  const backend = await startBackendProcess({
    // info: the backend's "listening" line tells the port the kernel picked
    env: { INTERFLOW_WEB_DIST: DIST, INTERFLOW_LOG_LEVEL: 'info', ...env },
  });
  return {
    url: backend.url,
    storeUrl: backend.storeUrl,
    close: async () => {
      await backend.stop();
      backend.cleanup();
    },
  };
}

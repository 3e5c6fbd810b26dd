// Helpers for tests of the built plugin in dist/ (produced by `npm run build:web`, which
// `npm test` runs through scripts/setup.mjs when the bundle is out of date).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const DIST = resolve(ROOT, process.env.INTERFLOW_WEB_DIST ?? 'dist');

/** vitest `skipIf` reason: the bundle is missing (never skipped under CI=true: it fails instead). */
export function distMissing(): boolean {
  const missing = !existsSync(join(DIST, 'plugin-manifest.json'));
  if (missing && process.env.CI === 'true')
    throw new Error(`${DIST}/plugin-manifest.json is missing: run npm run build:web`);
  return missing;
}

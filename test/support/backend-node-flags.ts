// The node flags the backend runs with, read from package.json's `server` script (`npm run
// server`), so tests and benchmarks start it exactly as users do and a change of flags is made
// in one place. scripts/start.mjs reads the same script; a deploy test holds the image's
// NODE_OPTIONS to it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..', '..');

export function backendNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { server: string } };
  const flags = pkg.scripts.server.split(/\s+/).filter((a) => /^--max-[\w-]+=\d+$/.test(a));
  if (!flags.some((f) => f.startsWith('--max-old-space-size=')))
    throw new Error(`npm run server sets no heap limit: ${pkg.scripts.server}`);
  return flags;
}

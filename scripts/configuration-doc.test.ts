// docs/configuration.md lists every configuration variable. This test keeps it true: any
// INTERFLOW_* variable read by the agent or the backend must appear there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (/\.ts$/.test(name) && !/\.(test|bench)\.ts$|\.d\.ts$|^test-/.test(name)) out.push(full);
  }
  return out;
}

test('every INTERFLOW_* variable the agent and backend read is documented', () => {
  const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
  const used = new Set<string>();
  for (const file of [...sources(join(root, 'agent/src')), ...sources(join(root, 'server/src'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(/INTERFLOW_[A-Z0-9_]+/g)) used.add(m[0]);
  }
  assert.ok(used.size > 20, `found only ${used.size} variables: the scan is broken`);
  const missing = [...used].filter((v) => !doc.includes(`\`${v}\``)).sort();
  assert.deepEqual(missing, [], `document these in docs/configuration.md: ${missing.join(', ')}`);
});

// `npm test` and `npm start` run scripts/setup.mjs first. By the time this test runs, setup has
// already run once, so a second run must find everything in place: no apt-get, no npm ci, no
// rebuild.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

test('a second setup run installs and rebuilds nothing', { timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, ['scripts/setup.mjs'], { cwd: root, encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.doesNotMatch(out, /\$ (apt-get|npm ci|npm run|make)/, `setup did work on its second run:\n${out}`);
  assert.match(out, /npm packages: up to date/);
  assert.match(out, /\[setup\] ready in/);
});

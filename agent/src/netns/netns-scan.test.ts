import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanNetnsDirs } from './netns-scan.ts';

test('plain files are pending (not yet mounted), missing directories are reported, nothing is a namespace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-scan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'not-mounted-yet'), '');
  const r = await scanNetnsDirs([dir, join(dir, 'missing')]);
  assert.deepEqual(r.found, []);
  assert.deepEqual(r.pending, [join(dir, 'not-mounted-yet')]);
  assert.deepEqual(r.missingDirs, [join(dir, 'missing')]);
});

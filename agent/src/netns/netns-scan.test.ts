import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { scanNetnsDirs } from './netns-scan.ts';

test('plain files are pending (not yet mounted), missing directories are reported, nothing is a namespace', async (t) => {
  const dir = tempDir(t, 'interflow-scan-');
  writeFileSync(join(dir, 'not-mounted-yet'), '');
  const r = await scanNetnsDirs([dir, join(dir, 'missing')]);
  assert.deepEqual(r.found, []);
  assert.deepEqual(r.pending, [join(dir, 'not-mounted-yet')]);
  assert.deepEqual(r.missingDirs, [join(dir, 'missing')]);
});

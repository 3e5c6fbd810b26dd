import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readyFile } from './ready-file.ts';

test('the ready file says standby (with why), then capturing, and is gone after remove; nothing else left', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-ready-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'agent.ready');
  const f = readyFile(path);
  f.set('standby', 'waiting for agent pid 1 on n');
  assert.equal(readFileSync(path, 'utf8'), 'standby waiting for agent pid 1 on n\n');
  f.set('capturing');
  assert.equal(readFileSync(path, 'utf8'), 'capturing\n');
  f.remove();
  assert.equal(existsSync(path), false);
  f.remove(); // twice (shutdown, then exit) is fine
  assert.deepEqual(readdirSync(dir), []);
});

// Setup runs `npm ci` again when a workspace's own node_modules is gone, not only the root's.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script, no types
import { lockedWorkspaceNodeModules, missingWorkspaceNodeModules } from './locked-node-modules.mjs';

const lock = {
  packages: {
    '': {},
    'node_modules/react': {},
    'node_modules/glob/node_modules/minimatch': {},
    'web-console-4.19': {},
    'web-console-4.19/node_modules/react': {},
    'web-console-4.19/node_modules/@openshift-console/dynamic-plugin-sdk-webpack': {},
    'tools/x/node_modules/y': {},
  },
};

test('the workspace directories the lockfile fills, not the root one or its nesting', () => {
  assert.deepEqual(lockedWorkspaceNodeModules(lock), [
    'tools/x/node_modules',
    'web-console-4.19/node_modules',
  ]);
  assert.deepEqual(lockedWorkspaceNodeModules({}), []);
});

test('a missing one is reported; present ones are not', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'interflow-locked-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'web-console-4.19', 'node_modules'), { recursive: true });
  assert.deepEqual(missingWorkspaceNodeModules(root, lock), ['tools/x/node_modules']);
  mkdirSync(join(root, 'tools', 'x', 'node_modules'), { recursive: true });
  assert.deepEqual(missingWorkspaceNodeModules(root, lock), []);
});

test("this repository's lockfile: web-console-4.19 has its own, and setup found it in place", () => {
  const repo = resolve(import.meta.dirname, '..');
  const ours = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
  assert.ok(lockedWorkspaceNodeModules(ours).includes('web-console-4.19/node_modules'));
  assert.deepEqual(missingWorkspaceNodeModules(repo, ours), []);
});

// The agent process refuses to start with one clear line when it cannot run here (exit 3) or
// is misconfigured (exit 2, naming the variable).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..');

function runAgent(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'agent/src/main.ts'], {
    cwd: root,
    env: { ...process.env, INTERFLOW_AGENT_METRICS_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 120_000, // only against a hang: tsx starts slowly on a loaded machine
  });
}

test('cannot run (eBPF objects not built, or not root): one line saying why, exit code 3', () => {
  const r = runAgent({ INTERFLOW_AGENT_BUILD_DIR: '/nonexistent/interflow-build' });
  assert.equal(r.status, 3, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^interflow-agent: cannot run: .*(needs root|make -C agent)/);
});

test('bad configuration: exit code 2 naming the variable', () => {
  const r = runAgent({ INTERFLOW_HOST_NETNS: 'maybe' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /INTERFLOW_HOST_NETNS: "maybe" is not a boolean/);
});

// `npm start` (scripts/start.mjs) when a port it was given is already held by another process:
// it stops at once, names the variable to change, and does not start the backend again and
// again. The page's port is checked before anything starts (a stranger's /healthz there would
// pass for the backend's); the backend's other ports are reported by the backend as it fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { REPO_ROOT, freePort } from '../support/processes.ts';

/** A listener on a port the kernel picks, held until the test ends. */
async function holdPort(t: TestContext): Promise<number> {
  const holder: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
  t.after(() => holder.close());
  return (holder.address() as AddressInfo).port;
}

async function npmStart(
  t: TestContext,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-e2e-data-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const start = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      INTERFLOW_HOST: '127.0.0.1',
      INTERFLOW_DATA_DIR: dataDir,
      INTERFLOW_STORE_PORT: '0',
      INTERFLOW_METRICS_PORT: '0',
      INTERFLOW_AGENT_METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => start.once('exit', (c) => done(c)));
  t.after(async () => {
    if (start.exitCode !== null || start.signalCode !== null) return;
    // Ctrl-C, so start.mjs stops the children it started (each in its own process group, which
    // a SIGKILL of start.mjs alone would leave running); SIGKILL only if that does not end it.
    start.kill('SIGINT');
    const timer = setTimeout(() => start.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  });
  let out = '';
  start.stdout.on('data', (d) => (out += d));
  start.stderr.on('data', (d) => (out += d));
  return { code: await exited, out };
}

test(
  'npm start: the page port held by another process stops it before anything starts, naming INTERFLOW_PORT',
  { timeout: 120_000 },
  async (t) => {
    const held = await holdPort(t);
    const { code, out } = await npmStart(t, { INTERFLOW_PORT: String(held) });
    assert.equal(code, 1, out);
    assert.match(
      out,
      new RegExp(
        `^\\[start\\] INTERFLOW_PORT: 127\\.0\\.0\\.1:${held} is already in use by another process \\(another npm start\\?\\); set INTERFLOW_PORT to a free port$`,
        'm',
      ),
    );
    assert.doesNotMatch(out, /interflow-server|backend healthy|Traffic Flows:/, 'nothing was started');
  },
);

test(
  'npm start: the backend metrics port held by another process stops it once, naming INTERFLOW_METRICS_PORT',
  { timeout: 180_000 },
  async (t) => {
    const held = await holdPort(t);
    const { code, out } = await npmStart(t, {
      INTERFLOW_PORT: String(await freePort()),
      INTERFLOW_METRICS_PORT: String(held),
    });
    assert.equal(code, 1, out);
    assert.ok(
      out.includes(
        `interflow-server: cannot start: INTERFLOW_METRICS_PORT: 127.0.0.1:${held} is already in use by another process; set INTERFLOW_METRICS_PORT to a free port, or to 0 to let the system choose one\n`,
      ),
      out,
    );
    assert.match(out, /^\[start\] backend exited during start-up \(its reason is above\)$/m);
    assert.doesNotMatch(
      out,
      /starting it again|did not answer|Traffic Flows:/,
      'not started again, not waited on',
    );
    assert.equal(out.match(/interflow-server: cannot start/g)?.length, 1, 'the backend ran once');
  },
);

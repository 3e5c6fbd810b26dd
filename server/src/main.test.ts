// The listening process: fails fast naming a bad variable; serves; exits cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const MAIN = resolve(import.meta.dirname, 'main.ts');

function run(env: Record<string, string>): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, INTERFLOW_LOKI_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('a bad variable stops start-up with exit code 2 and its name', async () => {
  const child = run({ INTERFLOW_PORT: 'ninety' });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 2);
  assert.match(stderr, /invalid configuration: INTERFLOW_PORT: "ninety" is not a whole number/);
});

test('flows or the store exposed beyond loopback without a credential: exit 2 naming the variable', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { INTERFLOW_HOST: '0.0.0.0' },
      /invalid configuration: INTERFLOW_AUTH_CHECK: auto: INTERFLOW_HOST=0\.0\.0\.0 listens beyond loopback/,
    ],
    [
      { INTERFLOW_STORE_ALLOW_REMOTE: 'true' },
      /invalid configuration: INTERFLOW_STORE_ALLOW_REMOTE: remote clients of the embedded store need a credential/,
    ],
  ];
  for (const [env, message] of cases) {
    const child = run({ KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', ...env });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
  }
});

test('a TLS file that holds no certificate stops start-up with exit code 2 and its name', async () => {
  const child = run({ INTERFLOW_TLS_CERT_FILE: '/etc/hostname', INTERFLOW_TLS_KEY_FILE: '/etc/hostname' });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 2);
  assert.match(
    stderr,
    /invalid configuration: INTERFLOW_TLS_CERT_FILE: \/etc\/hostname holds no PEM certificate/,
  );
});

test('serves on the configured address and exits 0 on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-main-test-'));
  const child = run({
    INTERFLOW_PORT: '0',
    INTERFLOW_HOST: '127.0.0.1',
    INTERFLOW_STORE_PORT: '0',
    INTERFLOW_METRICS_PORT: '0',
    INTERFLOW_DATA_DIR: dataDir,
    INTERFLOW_LOG_LEVEL: 'info',
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) done(m[1]!);
      });
      child.once('exit', (c) => fail(new Error(`exited with ${c}: ${out}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, 'the embedded store answers');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a port another process holds stops start-up with exit code 2, naming its variable', async (t) => {
  // One held port, offered in turn as each of the three ports the backend listens on; the other
  // two get port 0. The embedded store and the metrics listen before the page's port.
  const holder = createServer();
  await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
  t.after(() => holder.close());
  const held = String((holder.address() as AddressInfo).port);
  const dataDir = mkdtempSync(join(tmpdir(), 'interflow-main-test-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  for (const variable of ['INTERFLOW_PORT', 'INTERFLOW_STORE_PORT', 'INTERFLOW_METRICS_PORT']) {
    const child = run({
      INTERFLOW_HOST: '127.0.0.1',
      INTERFLOW_PORT: '0',
      INTERFLOW_STORE_PORT: '0',
      INTERFLOW_METRICS_PORT: '0',
      INTERFLOW_DATA_DIR: dataDir,
      [variable]: held,
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 2, `${variable}: ${stderr}`);
    assert.equal(
      stderr,
      `interflow-server: cannot start: ${variable}: 127.0.0.1:${held} is already in use by another process; set ${variable} to a free port, or to 0 to let the system choose one\n`,
    );
  }
});

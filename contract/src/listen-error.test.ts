// Real listen() failures (a port another socket holds, an address this machine does not have)
// become errors that name the variable to change; anything else passes through as it came.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { ListenError, listenError } from './listen-error.ts';

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

const metrics = (host: string, port: number) => ({
  portVariable: 'INTERFLOW_METRICS_PORT',
  hostVariable: 'INTERFLOW_METRICS_HOST',
  host,
  port,
});

test('a port another process holds: names the port variable and says how to choose another', async (t) => {
  const holder = createServer();
  await listen(holder, 0, '127.0.0.1');
  t.after(() => holder.close());
  const port = (holder.address() as { port: number }).port;
  const second = createServer();
  const err = await listen(second, port, '127.0.0.1').then(
    () => assert.fail('the port was free twice'),
    (e: unknown) => e,
  );
  const e = listenError(metrics('127.0.0.1', port), err);
  assert.ok(e instanceof ListenError, String(e));
  assert.equal(e.variable, 'INTERFLOW_METRICS_PORT');
  assert.equal(e.code, 'LISTEN_FAILED');
  assert.equal(
    e.message,
    `INTERFLOW_METRICS_PORT: 127.0.0.1:${port} is already in use by another process; set INTERFLOW_METRICS_PORT to a free port, or to 0 to let the system choose one`,
  );
});

test('an address this machine does not have: names the host variable', async () => {
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737), never assigned to a real interface.
  const err = await listen(createServer(), 0, '192.0.2.1').then(
    () => assert.fail('listened on a documentation-only address'),
    (e: unknown) => e,
  );
  const e = listenError(metrics('192.0.2.1', 0), err);
  assert.ok(e instanceof ListenError, String(e));
  assert.equal(e.variable, 'INTERFLOW_METRICS_HOST');
  assert.match(e.message, /^INTERFLOW_METRICS_HOST: 192\.0\.2\.1 is not an address of this machine/);
});

test('a port that needs privileges, and an IPv6 address written with brackets', () => {
  // Not provoked for real: these tests run as root, which may listen below 1024.
  const denied = Object.assign(new Error('listen EACCES: permission denied ::1:80'), { code: 'EACCES' });
  const e = listenError({ ...metrics('::1', 80), portVariable: 'INTERFLOW_PORT' }, denied);
  assert.ok(e instanceof ListenError);
  assert.equal(e.address, '[::1]:80');
  assert.match(e.message, /^INTERFLOW_PORT: listening on \[::1\]:80 is not permitted .* above 1023$/);
});

test('any other failure is returned as it came', () => {
  const other = Object.assign(new Error('boom'), { code: 'EMFILE' });
  assert.equal(listenError(metrics('127.0.0.1', 1), other), other);
  assert.equal(listenError(metrics('127.0.0.1', 1), 'text'), 'text');
  assert.equal(listenError(metrics('127.0.0.1', 1), null), null);
});

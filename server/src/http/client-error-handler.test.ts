// Requests the HTTP parser rejects, sent to the real listening app: the client always reads the
// answer, and the answer says Connection: close so a keep-alive client does not reuse the
// connection the server is closing (the many-client race is in test/e2e/hostile-requests).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

let srv: TestApp;
let port: number;

before(async () => {
  srv = await startTestApp();
  port = Number(new URL(srv.url).port);
});

after(async () => {
  await srv?.close();
});

/** Writes raw bytes, keeps writing `trailer` chunks for a while, and returns all it read. */
function rawExchange(first: string, trailer?: string): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let pumps = 0;
    socket.on('connect', () => {
      socket.write(first);
      if (trailer === undefined) return;
      const pump = (): void => {
        if (socket.destroyed || socket.writableEnded || ++pumps > 20) return;
        socket.write(trailer, () => setTimeout(pump, 5));
      };
      pump();
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after the answer is read is fine here
    socket.on('close', () =>
      resolve({ text: Buffer.concat(chunks).toString('utf8'), closedAfterMs: Date.now() - started }),
    );
    setTimeout(() => reject(new Error('the server never closed the connection')), 10_000).unref();
  });
}

test('a URL over the header limit gets a readable 431 that says Connection: close', async () => {
  const { text } = await rawExchange(
    `GET /api/flows?filters=${'x'.repeat(40_000)} HTTP/1.1\r\nHost: t\r\n\r\n`,
  );
  const [head, body] = text.split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 431 /);
  assert.match(head!, /\r\nconnection: close\r\n/i);
  assert.match(JSON.parse(body!).error, /larger than the server accepts/);
});

test('malformed HTTP gets a readable 400 even while the client keeps sending', async () => {
  const { text, closedAfterMs } = await rawExchange(
    'GET / HTTP/1.1\r\nBad Header\r\n',
    'more junk\r\n'.repeat(500),
  );
  assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(text, /\r\nconnection: close\r\n/i);
  assert.ok(closedAfterMs < 5_000, `the server closes the connection in the end (${closedAfterMs} ms)`);
});

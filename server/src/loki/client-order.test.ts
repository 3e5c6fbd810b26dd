// query_range answers are grouped by stream; the client hands their entries on in one order,
// newest first (backward) or oldest first (forward), across streams, ties in Loki's order.
// Against a real HTTP server in the test answering fixed bodies.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { LokiClient } from './client.ts';

let server: Server;
let answer: unknown;
let client: LokiClient;

before(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new LokiClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth: 'disabled',
    timeoutMs: 5000,
  });
});
after(async () => {
  await client.close();
  server.close();
});

const streams = (...result: { stream: Record<string, string>; values: [string, string][] }[]) => ({
  status: 'success',
  data: { resultType: 'streams', result },
});

const query = (direction: 'backward' | 'forward') =>
  client.queryRange({ query: '{app="x"}', startNs: 0n, endNs: 10n ** 19n, limit: 100, direction });

// Timestamps past 2^53 that differ in the last digits only, so a comparison through
// floating-point numbers would tie them.
const T = 1_764_657_933_123_000_000n;
const at = (d: number): string => String(T + BigInt(d));

test('entries of several streams, newest first across them; ties keep the answer order', async () => {
  answer = streams(
    {
      stream: { n: 'a' },
      values: [
        [at(9), 'a9'],
        [at(5), 'a5'],
        [at(1), 'a1'],
      ],
    },
    {
      stream: { n: 'b' },
      values: [
        [at(8), 'b8'],
        [at(5), 'b5'],
        [at(2), 'b2'],
      ],
    },
  );
  const entries = await query('backward');
  assert.deepEqual(
    entries.map((e) => e.line),
    ['a9', 'b8', 'a5', 'b5', 'b2', 'a1'],
  );
  assert.deepEqual(entries[0]!.labels, { n: 'a' });
  assert.deepEqual(entries[1]!.labels, { n: 'b' });
  assert.equal(entries[0]!.ts, T + 9n);
});

test('oldest first for direction=forward', async () => {
  answer = streams(
    {
      stream: { n: 'a' },
      values: [
        [at(1), 'a1'],
        [at(5), 'a5'],
      ],
    },
    {
      stream: { n: 'b' },
      values: [
        [at(2), 'b2'],
        [at(3), 'b3'],
      ],
    },
  );
  assert.deepEqual(
    (await query('forward')).map((e) => e.line),
    ['a1', 'b2', 'b3', 'a5'],
  );
});

test('an answer already in order (one stream, or streams one after the other) is kept as it is', async () => {
  answer = streams(
    {
      stream: { n: 'a' },
      values: [
        [at(9), 'a9'],
        [at(7), 'a7'],
      ],
    },
    {
      stream: { n: 'b' },
      values: [
        [at(7), 'b7'],
        [at(3), 'b3'],
      ],
    },
  );
  assert.deepEqual(
    (await query('backward')).map((e) => e.line),
    ['a9', 'a7', 'b7', 'b3'],
  );
});

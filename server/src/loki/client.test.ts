// The Loki client against a stand-in Loki (a real HTTP server in the test that records what
// it receives): tenant header, auth modes, CA file, failures → 503 naming the URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selfSignedCert } from '../../../test/support/self-signed-cert.ts';
import { startTestApp } from '../../test/app-harness.ts';
import { startStandInLoki, type StandInLoki } from '../../test/stand-in-loki.ts';

const dir = mkdtempSync(join(tmpdir(), 'interflow-loki-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function line(ms: number): string {
  return JSON.stringify({
    TimeFlowStartMs: ms - 10,
    TimeFlowEndMs: ms,
    SrcAddr: '10.0.0.1',
    DstAddr: '10.0.0.2',
    Interfaces: ['net1'],
  });
}

describe('stand-in Loki: tenant and auth', () => {
  let loki: StandInLoki;
  before(async () => {
    loki = await startStandInLoki();
    const now = Date.now();
    for (let i = 0; i < 5; i++)
      loki.entries.push([BigInt(now - i * 1000) * 1_000_000n, line(now - i * 1000)]);
  });
  after(() => loki.close());

  test('sends X-Scope-OrgID and no Authorization with auth disabled; query_range newest first', async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_TENANT: 'network' });
    try {
      loki.requests.length = 0;
      const res = await t.app.inject({
        url: '/api/flows?limit=3',
        headers: { authorization: 'Bearer user' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().records.length, 3);
      const r = loki.requests.find((x) => x.path === '/loki/api/v1/query_range')!;
      assert.equal(r.headers['x-scope-orgid'], 'network');
      assert.equal(r.headers.authorization, undefined);
      assert.equal(r.params.get('direction'), 'backward');
      assert.equal(r.params.get('limit'), '3');
      // Flow queries leave out the agent's interface inventory stream.
      assert.equal(r.params.get('query'), '{app="interflow", _RecordType!="interface"}');
    } finally {
      await t.close();
    }
  });

  test('host mode sends the token file, re-read when it changes', async () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'first-token\n');
    const t = await startTestApp({
      INTERFLOW_LOKI_URL: loki.url,
      INTERFLOW_LOKI_AUTH: 'host',
      INTERFLOW_LOKI_TOKEN_FILE: token,
    });
    try {
      loki.requests.length = 0;
      assert.equal((await t.app.inject('/api/flows')).statusCode, 200);
      assert.equal(loki.requests.at(-1)!.headers.authorization, 'Bearer first-token');
      writeFileSync(token, 'second-token-longer\n');
      assert.equal((await t.app.inject('/api/resources/namespaces')).statusCode, 200);
      assert.equal(loki.requests.at(-1)!.headers.authorization, 'Bearer second-token-longer');
    } finally {
      await t.close();
    }
  });

  test("forward mode passes the caller's Authorization on; without one the API answers 401", async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_AUTH: 'forward' });
    try {
      loki.requests.length = 0;
      const ok = await t.app.inject({ url: '/api/flows', headers: { authorization: 'Bearer user-token' } });
      assert.equal(ok.statusCode, 200);
      assert.equal(loki.requests.at(-1)!.headers.authorization, 'Bearer user-token');
      const before = loki.requests.length;
      for (const url of ['/api/flows', '/api/flows/export', '/api/resources/nodes']) {
        const res = await t.app.inject(url);
        assert.equal(res.statusCode, 401, url);
        assert.match(res.json().error, /Authorization/);
      }
      assert.equal(loki.requests.length, before, 'nothing was sent to Loki without credentials');
    } finally {
      await t.close();
    }
  });

  test('readyz in forward mode really reaches Loki: ready when it answers, 503 when it does not', async () => {
    const up = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_AUTH: 'forward' });
    try {
      loki.requests.length = 0;
      assert.equal((await up.app.inject('/readyz')).statusCode, 200);
      assert.equal(loki.requests.length, 1, 'the readiness probe asked Loki');
      assert.equal(loki.requests[0]!.headers.authorization, undefined, "without anybody's credentials");
    } finally {
      await up.close();
    }
    const down = await startTestApp({
      INTERFLOW_LOKI_URL: 'http://127.0.0.1:1',
      INTERFLOW_LOKI_AUTH: 'forward',
      INTERFLOW_LOKI_TIMEOUT: '2s',
    });
    try {
      const res = await down.app.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.match(res.json().error, /ECONNREFUSED/);
    } finally {
      await down.close();
    }
  });

  test('Loki refusing forwarded credentials is a 401; an error status is a 503 with what failed', async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_AUTH: 'forward' });
    try {
      loki.handler = (_req, res) => {
        res.writeHead(403).end('forbidden');
        return true;
      };
      const denied = await t.app.inject({ url: '/api/flows', headers: { authorization: 'Bearer bad' } });
      assert.equal(denied.statusCode, 401);
      loki.handler = (_req, res) => {
        res.writeHead(500).end('too many outstanding requests');
        return true;
      };
      const res = await t.app.inject({ url: '/api/flows', headers: { authorization: 'Bearer x' } });
      assert.equal(res.statusCode, 503);
      // A 500 is retried (loki/retry.ts): the message says how often, and for how long.
      assert.ok(
        (res.json().error as string).startsWith(
          `Loki is unreachable at ${loki.url}: query_range answered HTTP 500: too many outstanding requests (4 attempts over `,
        ),
        res.json().error,
      );
      loki.handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"error"}');
        return true;
      };
      const odd = await t.app.inject({ url: '/api/flows', headers: { authorization: 'Bearer x' } });
      assert.equal(odd.statusCode, 503);
      assert.match(odd.json().error, /without a streams result/);
    } finally {
      loki.handler = undefined;
      await t.close();
    }
  });

  test('a Loki that does not answer in time is a 503 saying so', async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_TIMEOUT: '300ms' });
    try {
      loki.delayMs = 2000;
      const res = await t.app.inject('/api/flows');
      assert.equal(res.statusCode, 503);
      assert.match(res.json().error, /query_range got no answer within 300 ms/);
    } finally {
      loki.delayMs = 0;
      await t.close();
    }
  });
});

describe('stand-in Loki over TLS: CA file', () => {
  let loki: StandInLoki;
  let caFile: string;
  let keyFile: string;
  before(async () => {
    const tls = selfSignedCert(dir);
    caFile = tls.certFile;
    keyFile = tls.keyFile;
    loki = await startStandInLoki(tls);
  });
  after(() => loki.close());

  test('with INTERFLOW_LOKI_CA_FILE the certificate is trusted', async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url, INTERFLOW_LOKI_CA_FILE: caFile });
    try {
      const res = await t.app.inject('/api/flows');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await t.app.inject('/readyz')).statusCode, 200);
    } finally {
      await t.close();
    }
  });

  test('without it the certificate is refused: 503 naming the URL', async () => {
    const t = await startTestApp({ INTERFLOW_LOKI_URL: loki.url });
    try {
      const res = await t.app.inject('/api/flows');
      assert.equal(res.statusCode, 503);
      assert.match(
        res.json().error,
        new RegExp(
          `^Loki is unreachable at ${loki.url}: query_range failed: .*(SELF_SIGNED|self.signed|certificate)`,
          'i',
        ),
      );
    } finally {
      await t.close();
    }
  });

  test('the backend serving TLS itself reaches its embedded store over TLS on loopback', async () => {
    const t = await startTestApp({ INTERFLOW_TLS_CERT_FILE: caFile, INTERFLOW_TLS_KEY_FILE: keyFile });
    try {
      assert.match(t.url, /^https:/);
      const res = await t.app.inject('/api/flows');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().stats.queries, 1);
    } finally {
      await t.close();
    }
  });
});

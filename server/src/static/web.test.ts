// Serving the web build: content types, cache headers for hashed files, security headers,
// the standalone page under /traffic-flows, and a 503 telling how to build when dist is missing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../../test/app-harness.ts';

describe('web build', () => {
  let dist: string;
  let t: TestApp;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'interflow-dist-'));
    mkdirSync(join(dist, 'standalone', 'assets'), { recursive: true });
    writeFileSync(join(dist, 'plugin-manifest.json'), '{"name":"interflow-plugin"}');
    writeFileSync(join(dist, 'plugin-entry.js'), 'window.x=1;');
    writeFileSync(join(dist, 'exposed-TrafficFlows.0123456789abcdef0123.js'), 'export {};');
    writeFileSync(
      join(dist, 'standalone', 'index.html'),
      '<!doctype html><title>Traffic Flows</title><script src="/standalone/main.89abcdef01234567.js"></script>',
    );
    writeFileSync(join(dist, 'standalone', 'main.89abcdef01234567.js'), 'console.log(1);');
    writeFileSync(
      join(dist, 'standalone', 'assets', 'logo.fedcba9876543210.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"/>',
    );
    writeFileSync(join(dist, '.secret'), 'x');
    t = await startTestApp({
      INTERFLOW_WEB_DIST: dist,
      INTERFLOW_FRAME_ANCESTORS: "'self' https://console.example",
    });
  });
  after(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('GET / redirects to /traffic-flows', async () => {
    const res = await t.app.inject('/');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/traffic-flows');
  });

  test('the standalone page, also for deeper paths and with a query, no-cache with CSP', async () => {
    for (const url of [
      '/traffic-flows',
      '/traffic-flows/',
      '/traffic-flows/details/1',
      '/traffic-flows?filters=interfaces%3Dnet1',
    ]) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /Traffic Flows/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /object-src 'none'/);
      assert.match(csp, /frame-ancestors 'self' https:\/\/console\.example/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
    }
  });

  test('plugin files for the console: content types and cache headers', async () => {
    const cases: Array<[string, RegExp, string]> = [
      ['/plugin-manifest.json', /^application\/json/, 'no-cache'],
      ['/plugin-entry.js', /^(text|application)\/javascript/, 'no-cache'],
      [
        '/exposed-TrafficFlows.0123456789abcdef0123.js',
        /^(text|application)\/javascript/,
        'public, max-age=31536000, immutable',
      ],
      [
        '/standalone/main.89abcdef01234567.js',
        /^(text|application)\/javascript/,
        'public, max-age=31536000, immutable',
      ],
      [
        '/standalone/assets/logo.fedcba9876543210.svg',
        /^image\/svg\+xml/,
        'public, max-age=31536000, immutable',
      ],
    ];
    for (const [url, type, cache] of cases) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), type, url);
      assert.equal(res.headers['cache-control'], cache, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('no dotfiles, no path traversal, unknown files are a 404', async () => {
    for (const url of ['/.secret', '/../package.json', '/%2e%2e/package.json', '/standalone/nope.js']) {
      const res = await t.app.inject(url);
      assert.ok([403, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
      assert.doesNotMatch(res.body, /"name": "interflow"/);
    }
  });

  test('the API still answers next to the static files', async () => {
    assert.equal((await t.app.inject('/api/config')).statusCode, 200);
    assert.equal((await t.app.inject('/healthz')).statusCode, 200);
  });
});

test('without a web build /traffic-flows answers 503 saying to run npm run build:web', async () => {
  const emptyDist = mkdtempSync(join(tmpdir(), 'interflow-empty-dist-'));
  const t = await startTestApp({ INTERFLOW_WEB_DIST: emptyDist });
  try {
    const res = await t.app.inject('/traffic-flows');
    assert.equal(res.statusCode, 503);
    assert.match(res.json().error, /npm run build:web/);
  } finally {
    await t.close();
    rmSync(emptyDist, { recursive: true, force: true });
  }
});

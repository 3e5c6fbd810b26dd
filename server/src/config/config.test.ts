import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { selfSignedCert } from '../../../test/support/self-signed-cert.ts';
import { ConfigError } from '../errors.ts';
import { loadServerConfig } from './config.ts';
import { loadTlsFiles } from './tls-files.ts';

const fails = (env: Record<string, string>, variable: string, message?: RegExp): void => {
  assert.throws(
    () => loadServerConfig(env),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.variable === variable &&
      e.message.startsWith(variable) &&
      (!message || message.test(e.message)),
  );
};

test('defaults', () => {
  const c = loadServerConfig({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 9001);
  assert.equal(c.lokiUrl, undefined);
  assert.equal(c.lokiAuth, 'disabled');
  assert.equal(c.lokiSelectorText, '{app="interflow"}');
  assert.deepEqual(c.lokiSelector, [{ label: 'app', op: '=', value: 'interflow' }]);
  assert.equal(c.lokiTimeoutMs, 30_000);
  assert.equal(c.lokiMaxEntries, 5000);
  assert.equal(c.dataDir, resolve('./data'));
  assert.equal(c.storeRetentionMs, 24 * 3_600_000);
  assert.equal(c.storeMaxBytes, 2 ** 30);
  assert.equal(c.storeAllowRemote, false);
  assert.equal(c.storePort, 3100);
  assert.equal(c.storeHost, '127.0.0.1');
  assert.equal(c.metricsPort, 9101);
  assert.equal(c.tlsMinVersion, 'TLSv1.3');
  assert.equal(c.authCheck, 'none', 'auto without a Kubernetes API, on loopback');
  assert.equal(c.kubeApi, undefined);
  assert.equal(c.logLevel, 'info');
  assert.ok(c.webDist.endsWith('/dist'));
});

test('values are parsed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-config-'));
  try {
    const token = join(dir, 'token');
    writeFileSync(token, 'abc\n');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const c = loadServerConfig({
      KUBECONFIG: kubeconfig,
      INTERFLOW_PORT: '0',
      INTERFLOW_HOST: '0.0.0.0',
      INTERFLOW_LOKI_URL: 'https://loki.example:8080/api/logs/v1/network/',
      INTERFLOW_LOKI_TENANT: 'network',
      INTERFLOW_LOKI_AUTH: 'host',
      INTERFLOW_LOKI_TOKEN_FILE: token,
      INTERFLOW_LOKI_TIMEOUT: '500ms',
      INTERFLOW_STORE_RETENTION: '7d',
      INTERFLOW_STORE_MAX_BYTES: '512MiB',
      INTERFLOW_STORE_ALLOW_REMOTE: 'true',
      INTERFLOW_LOKI_SELECTOR: '{app="netobserv-flowcollector"}',
      INTERFLOW_LOG_LEVEL: 'debug',
    });
    assert.equal(c.port, 0);
    assert.equal(c.lokiUrl, 'https://loki.example:8080/api/logs/v1/network');
    assert.equal(c.lokiTokenFile, token);
    assert.equal(c.lokiTimeoutMs, 500);
    assert.equal(c.storeRetentionMs, 7 * 86_400_000);
    assert.equal(c.storeMaxBytes, 512 * 2 ** 20);
    assert.equal(c.storeAllowRemote, true);
    assert.equal(c.lokiSelector[0]!.value, 'netobserv-flowcollector');
    assert.equal(c.authCheck, 'namespaced');
    assert.deepEqual(c.kubeApi, { kind: 'kubeconfig', path: kubeconfig });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad values fail naming the variable', () => {
  fails({ INTERFLOW_PORT: '70000' }, 'INTERFLOW_PORT');
  fails({ INTERFLOW_PORT: 'http' }, 'INTERFLOW_PORT');
  fails({ INTERFLOW_LOKI_URL: 'loki:3100' }, 'INTERFLOW_LOKI_URL');
  fails({ INTERFLOW_LOKI_URL: 'ftp://loki' }, 'INTERFLOW_LOKI_URL');
  fails({ INTERFLOW_LOKI_AUTH: 'bearer' }, 'INTERFLOW_LOKI_AUTH');
  fails({ INTERFLOW_LOKI_AUTH: 'host' }, 'INTERFLOW_LOKI_TOKEN_FILE', /required/);
  fails({ INTERFLOW_LOKI_TOKEN_FILE: '/nonexistent/token' }, 'INTERFLOW_LOKI_TOKEN_FILE', /cannot read/);
  fails({ INTERFLOW_LOKI_CA_FILE: '/nonexistent/ca.crt' }, 'INTERFLOW_LOKI_CA_FILE');
  fails({ INTERFLOW_LOKI_SELECTOR: 'app=interflow' }, 'INTERFLOW_LOKI_SELECTOR');
  fails({ INTERFLOW_LOKI_TIMEOUT: 'soon' }, 'INTERFLOW_LOKI_TIMEOUT');
  fails({ INTERFLOW_STORE_RETENTION: '0s' }, 'INTERFLOW_STORE_RETENTION');
  fails({ INTERFLOW_STORE_MAX_BYTES: '10 parsecs' }, 'INTERFLOW_STORE_MAX_BYTES');
  fails({ INTERFLOW_STORE_ALLOW_REMOTE: 'maybe' }, 'INTERFLOW_STORE_ALLOW_REMOTE');
  fails({ INTERFLOW_TLS_CERT_FILE: '/etc/hostname' }, 'INTERFLOW_TLS_KEY_FILE', /together/);
  fails({ INTERFLOW_WEB_DIST: '/nonexistent/dist' }, 'INTERFLOW_WEB_DIST');
  fails({ INTERFLOW_DATA_DIR: '/etc/hostname' }, 'INTERFLOW_DATA_DIR', /not a directory/);
  fails({ INTERFLOW_LOG_LEVEL: 'loud' }, 'INTERFLOW_LOG_LEVEL');
  fails({ INTERFLOW_STORE_HOST: '192.0.2.7' }, 'INTERFLOW_STORE_HOST', /INTERFLOW_STORE_ALLOW_REMOTE/);
  fails({ INTERFLOW_STORE_PORT: '9001' }, 'INTERFLOW_STORE_PORT', /INTERFLOW_PORT/);
  fails({ INTERFLOW_METRICS_PORT: 'x' }, 'INTERFLOW_METRICS_PORT');
  fails({ INTERFLOW_TLS_MIN_VERSION: 'TLSv1.1' }, 'INTERFLOW_TLS_MIN_VERSION');
  fails({ INTERFLOW_AUTH_CHECK: 'everyone' }, 'INTERFLOW_AUTH_CHECK');
  fails({ KUBECONFIG: '/nonexistent/kubeconfig' }, 'KUBECONFIG', /cannot read/);
  assert.equal(loadServerConfig({ INTERFLOW_TLS_MIN_VERSION: 'TLSv1.2' }).tlsMinVersion, 'TLSv1.2');
});

test('secure by default: flows or the store beyond loopback need a credential, or start-up stops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-config-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const storeToken = join(dir, 'store-token');
    writeFileSync(storeToken, 'secret\n');
    // Beyond loopback without a Kubernetes API nobody could be checked.
    for (const host of ['0.0.0.0', '::', '192.0.2.7']) {
      fails({ INTERFLOW_HOST: host }, 'INTERFLOW_AUTH_CHECK', /INTERFLOW_HOST=.*beyond loopback/);
      fails({ INTERFLOW_HOST: host, INTERFLOW_AUTH_CHECK: 'none' }, 'INTERFLOW_AUTH_CHECK', /anyone/);
    }
    assert.equal(
      loadServerConfig({ INTERFLOW_HOST: '0.0.0.0', KUBECONFIG: kubeconfig }).authCheck,
      'namespaced',
    );
    assert.equal(
      loadServerConfig({
        INTERFLOW_HOST: '0.0.0.0',
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      }).authCheck,
      'namespaced',
      'in-cluster',
    );
    // forward: the LokiStack gateway checks every token; with a Kubernetes API it is reviewed here too.
    const forward = {
      INTERFLOW_HOST: '0.0.0.0',
      INTERFLOW_LOKI_URL: 'https://gw',
      INTERFLOW_LOKI_AUTH: 'forward',
    };
    assert.equal(loadServerConfig(forward).authCheck, 'none');
    assert.equal(loadServerConfig({ ...forward, KUBECONFIG: kubeconfig }).authCheck, 'authenticated');
    fails(
      { INTERFLOW_AUTH_CHECK: 'authenticated', KUBECONFIG: kubeconfig },
      'INTERFLOW_AUTH_CHECK',
      /forward/,
    );
    for (const mode of ['authenticated', 'admin', 'namespaced'])
      fails(
        { INTERFLOW_AUTH_CHECK: mode, INTERFLOW_LOKI_URL: 'https://gw', INTERFLOW_LOKI_AUTH: 'forward' },
        'INTERFLOW_AUTH_CHECK',
        /needs a Kubernetes API/,
      );
    assert.equal(
      loadServerConfig({ INTERFLOW_AUTH_CHECK: 'admin', KUBECONFIG: kubeconfig }).authCheck,
      'admin',
    );
    // The store open to other hosts needs a token file or a Kubernetes API to review tokens.
    fails(
      { INTERFLOW_STORE_ALLOW_REMOTE: 'true' },
      'INTERFLOW_STORE_ALLOW_REMOTE',
      /INTERFLOW_STORE_TOKEN_FILE/,
    );
    const remote = loadServerConfig({
      INTERFLOW_STORE_ALLOW_REMOTE: 'true',
      INTERFLOW_STORE_TOKEN_FILE: storeToken,
    });
    assert.equal(remote.storeHost, '0.0.0.0');
    assert.equal(remote.storeTokenFile, storeToken);
    assert.equal(
      loadServerConfig({ INTERFLOW_STORE_ALLOW_REMOTE: 'true', KUBECONFIG: kubeconfig }).storeHost,
      '0.0.0.0',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  fails({ INTERFLOW_FRAME_ANCESTORS: "'self'; script-src *" }, 'INTERFLOW_FRAME_ANCESTORS');
});

test('a CA file without a certificate is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-config-'));
  try {
    writeFileSync(join(dir, 'ca'), 'not a cert');
    fails({ INTERFLOW_LOKI_CA_FILE: join(dir, 'ca') }, 'INTERFLOW_LOKI_CA_FILE', /no PEM/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS files that are no certificate or key, or do not fit, are refused naming the variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-config-'));
  const throwsNaming = (certFile: string, keyFile: string, variable: string, message: RegExp): void => {
    assert.throws(
      () => loadTlsFiles(certFile, keyFile),
      (e: unknown) => e instanceof ConfigError && e.variable === variable && message.test(e.message),
    );
  };
  try {
    const a = selfSignedCert(dir);
    const other = join(dir, 'other');
    mkdirSync(other);
    const b = selfSignedCert(other);
    assert.ok(loadTlsFiles(a.certFile, a.keyFile).cert.length > 0);
    throwsNaming('/etc/hostname', a.keyFile, 'INTERFLOW_TLS_CERT_FILE', /no PEM certificate/);
    throwsNaming(a.certFile, '/etc/hostname', 'INTERFLOW_TLS_KEY_FILE', /no private key/);
    throwsNaming(a.certFile, b.keyFile, 'INTERFLOW_TLS_KEY_FILE', /does not fit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quick filters: built-in by default, INTERFLOW_QUICK_FILTERS_FILE when set, a bad file named with its entry', () => {
  assert.ok(loadServerConfig({}).quickFilters.some((q) => q.name === 'Pod secondary interfaces'));
  const dir = mkdtempSync(join(tmpdir(), 'interflow-config-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  try {
    const good = write(
      'good.json',
      JSON.stringify([{ id: 'net1', name: 'net1', filters: 'interfaces=net1' }]),
    );
    assert.deepEqual(loadServerConfig({ INTERFLOW_QUICK_FILTERS_FILE: good }).quickFilters, [
      { id: 'net1', name: 'net1', filters: 'interfaces=net1', default: false },
    ]);
    const bad = (name: string, content: unknown, message: RegExp): void =>
      fails(
        {
          INTERFLOW_QUICK_FILTERS_FILE: write(
            name,
            typeof content === 'string' ? content : JSON.stringify(content),
          ),
        },
        'INTERFLOW_QUICK_FILTERS_FILE',
        message,
      );
    fails(
      { INTERFLOW_QUICK_FILTERS_FILE: join(dir, 'missing.json') },
      'INTERFLOW_QUICK_FILTERS_FILE',
      /cannot read/,
    );
    bad('not-json.json', 'id: net1', /is not JSON/);
    bad('object.json', { id: 'net1' }, /JSON array/);
    bad(
      'unknown-id.json',
      [{ id: 'x', name: 'X', filters: 'interface=net1' }],
      /entry 1 \("x"\): "filters": unknown filter id "interface"/,
    );
    bad(
      'bad-value.json',
      [{ id: 'x', name: 'X', filters: 'port=http' }],
      /entry 1 \("x"\): "filters": .*not a number/,
    );
    bad('no-filters.json', [{ id: 'x', name: 'X', filters: '' }], /entry 1 \("x"\): "filters" must be/);
    bad(
      'twice.json',
      [
        { id: 'x', name: 'X', filters: 'interfaces=net1' },
        { id: 'x', name: 'Y', filters: 'interfaces=net2' },
      ],
      /entry 2 \("x"\): the id is used twice/,
    );
    bad(
      'same-name.json',
      [
        { id: 'x', name: 'X', filters: 'interfaces=net1' },
        { id: 'y', name: 'X', filters: 'interfaces=net2' },
      ],
      /entry 2 \("y"\): the name "X" is used twice/,
    );
    bad(
      'typo.json',
      [{ id: 'x', name: 'X', filters: 'interfaces=net1', defaults: true }],
      /entry 1: unknown key "defaults"/,
    );
    bad(
      'default-text.json',
      [{ id: 'x', name: 'X', filters: 'interfaces=net1', default: 'yes' }],
      /"default" must be true or false/,
    );
    bad(
      'bad-id.json',
      [{ id: 'Pod Interfaces', name: 'X', filters: 'interfaces=net1' }],
      /entry 1: "id" must be/,
    );
    bad(
      'no-name.json',
      [{ id: 'x', name: ' ', filters: 'interfaces=net1' }],
      /entry 1 \("x"\): "name" must be/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

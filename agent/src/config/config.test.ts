// Agent configuration: every variable keeps the spellings it accepted, durations take `d` like
// the backend's (one parser, from the contract), and a bad value names its variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@interflow/contract';
import { loadAgentConfig } from './config.ts';

/** Asserts loading `env` fails with a ConfigError naming `variable`, whose message matches `message`. */
function assertRejected(env: Record<string, string>, variable: string, message: RegExp): void {
  assert.throws(
    () => loadAgentConfig(env),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.variable === variable &&
      e.message.startsWith(`${variable}: `) &&
      message.test(e.message),
    `${JSON.stringify(env)} is refused naming ${variable}`,
  );
}

test('boolean variables: defaults, every accepted spelling, and a bad value naming the variable', () => {
  const defaults = loadAgentConfig({});
  assert.equal(defaults.pushGzip, false);
  assert.equal(defaults.hostNetns, true);

  for (const [text, want] of [
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    [' ON ', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['False', false],
  ] as const) {
    const cfg = loadAgentConfig({ INTERFLOW_PUSH_GZIP: text, INTERFLOW_HOST_NETNS: text });
    assert.equal(cfg.pushGzip, want, `INTERFLOW_PUSH_GZIP=${JSON.stringify(text)}`);
    assert.equal(cfg.hostNetns, want, `INTERFLOW_HOST_NETNS=${JSON.stringify(text)}`);
  }

  for (const variable of ['INTERFLOW_PUSH_GZIP', 'INTERFLOW_HOST_NETNS']) {
    assert.throws(
      () => loadAgentConfig({ [variable]: 'maybe' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.variable === variable &&
        e.message === `${variable}: "maybe" is not a boolean (true or false)`,
    );
  }
});

test('durations: ms, s, m, h, d and bare seconds; the defaults; bad values name the variable', () => {
  const defaults = loadAgentConfig({});
  assert.equal(defaults.evictIntervalMs, 5000);
  assert.equal(defaults.resyncIntervalMs, 30_000);
  assert.equal(defaults.batchMaxWaitMs, 1000);
  assert.equal(defaults.pushTimeoutMs, 10_000);
  assert.equal(defaults.backoffMinMs, 500);
  assert.equal(defaults.backoffMaxMs, 30_000);

  for (const [text, ms] of [
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    [' 2m ', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['7', 7000],
  ] as const) {
    const cfg = loadAgentConfig({ INTERFLOW_EVICT_INTERVAL: text, INTERFLOW_PUSH_TIMEOUT: text });
    assert.equal(cfg.evictIntervalMs, ms, `INTERFLOW_EVICT_INTERVAL=${JSON.stringify(text)}`);
    assert.equal(cfg.pushTimeoutMs, ms, `INTERFLOW_PUSH_TIMEOUT=${JSON.stringify(text)}`);
  }
  // The backoff bounds are a pair: the ceiling may be days, the floor not above it.
  assert.equal(loadAgentConfig({ INTERFLOW_BACKOFF_MAX: '1d' }).backoffMaxMs, 86_400_000);
  assertRejected(
    { INTERFLOW_BACKOFF_MIN: '1m', INTERFLOW_BACKOFF_MAX: '30s' },
    'INTERFLOW_BACKOFF_MIN',
    /must not exceed/,
  );

  for (const variable of [
    'INTERFLOW_EVICT_INTERVAL',
    'INTERFLOW_RESYNC_INTERVAL',
    'INTERFLOW_BATCH_MAX_WAIT',
    'INTERFLOW_PUSH_TIMEOUT',
    'INTERFLOW_BACKOFF_MIN',
    'INTERFLOW_BACKOFF_MAX',
  ]) {
    assertRejected({ [variable]: '5 minutes' }, variable, /"5 minutes" is not a duration/);
    assertRejected({ [variable]: '0s' }, variable, /must be greater than zero/);
    assertRejected({ [variable]: '30d' }, variable, /must be at most 24d/);
  }
  assert.equal(loadAgentConfig({ INTERFLOW_RESYNC_INTERVAL: '24d' }).resyncIntervalMs, 24 * 86_400_000);
});

test('whole numbers within their range; out of range or not a number names the variable', () => {
  const defaults = loadAgentConfig({});
  assert.equal(defaults.metricsPort, 9437);
  assert.equal(defaults.bufferMaxRecords, 100_000);
  assert.equal(defaults.batchMaxRecords, 1000);
  assert.equal(defaults.batchMaxBytes, 1024 * 1024);
  assert.equal(defaults.cacheMaxFlows, 100_000);
  const cfg = loadAgentConfig({ INTERFLOW_AGENT_METRICS_PORT: ' 0 ', INTERFLOW_BATCH_MAX_BYTES: '65536' });
  assert.equal(cfg.metricsPort, 0);
  assert.equal(cfg.batchMaxBytes, 65_536);
  assertRejected(
    { INTERFLOW_AGENT_METRICS_PORT: '65536' },
    'INTERFLOW_AGENT_METRICS_PORT',
    /outside 0\.\.65535/,
  );
  assertRejected(
    { INTERFLOW_BUFFER_MAX_RECORDS: '1e5' },
    'INTERFLOW_BUFFER_MAX_RECORDS',
    /not a whole number/,
  );
  assertRejected({ INTERFLOW_CACHE_MAX_FLOWS: '8' }, 'INTERFLOW_CACHE_MAX_FLOWS', /outside 16\.\./);
});

test('INTERFLOW_LOKI_URL: http(s) only, trailing slashes dropped; INTERFLOW_LOG_LEVEL: pino levels only', () => {
  assert.equal(loadAgentConfig({}).lokiUrl, 'http://127.0.0.1:3100');
  assert.equal(
    loadAgentConfig({ INTERFLOW_LOKI_URL: 'https://loki.example:3100/' }).lokiUrl,
    'https://loki.example:3100',
  );
  assert.equal(
    loadAgentConfig({ INTERFLOW_LOKI_URL: 'https://gateway.example/api/logs/v1/network/' }).lokiUrl,
    'https://gateway.example/api/logs/v1/network',
  );
  assertRejected({ INTERFLOW_LOKI_URL: 'loki:3100' }, 'INTERFLOW_LOKI_URL', /http:\/\/ or https:\/\//);
  assertRejected({ INTERFLOW_LOKI_URL: 'not a url' }, 'INTERFLOW_LOKI_URL', /is not a URL/);

  assert.equal(loadAgentConfig({}).logLevel, 'info');
  assert.equal(loadAgentConfig({ INTERFLOW_LOG_LEVEL: 'debug' }).logLevel, 'debug');
  assertRejected({ INTERFLOW_LOG_LEVEL: 'verbose' }, 'INTERFLOW_LOG_LEVEL', /must be one of fatal, error/);
});

test('INTERFLOW_TC_ATTACH_MODE: auto by default, tcx or tc in any case, anything else names the variable', () => {
  assert.equal(loadAgentConfig({}).tcAttachMode, 'auto');
  assert.equal(loadAgentConfig({ INTERFLOW_TC_ATTACH_MODE: 'tcx' }).tcAttachMode, 'tcx');
  assert.equal(loadAgentConfig({ INTERFLOW_TC_ATTACH_MODE: ' TC ' }).tcAttachMode, 'tc');
  assert.throws(
    () => loadAgentConfig({ INTERFLOW_TC_ATTACH_MODE: 'clsact' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.variable === 'INTERFLOW_TC_ATTACH_MODE' &&
      e.message === 'INTERFLOW_TC_ATTACH_MODE: "clsact" is not one of auto, tcx, tc',
  );
});

test('INTERFLOW_RUN_DIR and INTERFLOW_LOCK_WAIT: /run/interflow and 0 (refuse at once) by default', () => {
  const d = loadAgentConfig({});
  assert.equal(d.runDir, '/run/interflow');
  assert.equal(d.lockWaitMs, 0);
  const c = loadAgentConfig({ INTERFLOW_RUN_DIR: '/var/run/x', INTERFLOW_LOCK_WAIT: '90s' });
  assert.equal(c.runDir, '/var/run/x');
  assert.equal(c.lockWaitMs, 90_000);
  assert.equal(loadAgentConfig({ INTERFLOW_LOCK_WAIT: '0s' }).lockWaitMs, 0);
  assert.throws(() => loadAgentConfig({ INTERFLOW_LOCK_WAIT: 'soon' }), /INTERFLOW_LOCK_WAIT/);
});

test('INTERFLOW_READY_FILE: none by default (no file written), a path when set', () => {
  assert.equal(loadAgentConfig({}).readyFile, undefined);
  assert.equal(loadAgentConfig({ INTERFLOW_READY_FILE: '' }).readyFile, undefined);
  assert.equal(loadAgentConfig({ INTERFLOW_READY_FILE: '/tmp/a.ready' }).readyFile, '/tmp/a.ready');
});

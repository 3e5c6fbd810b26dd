// Agent configuration: the boolean variables read one set of words, and a bad value names
// its variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadAgentConfig } from './config.ts';

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

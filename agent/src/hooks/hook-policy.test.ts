import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadAgentConfig } from '../config/config.ts';
import { hookPolicy } from './hook-policy.ts';

test('default policy hooks everything except lo', () => {
  const p = hookPolicy(loadAgentConfig({}));
  assert.equal(p('lo'), false);
  for (const n of ['eth0', 'net1', 'ens7f0v3', 'lo0', 'veth12ab']) assert.equal(p(n), true, n);
});

test('INTERFLOW_INTERFACES selects by exact name or /regex/, exclusions win', () => {
  const p = hookPolicy(
    loadAgentConfig({
      INTERFLOW_INTERFACES: 'net1,/^ens\\d+f\\d+v\\d+$/',
      INTERFLOW_EXCLUDE_INTERFACES: 'lo,ens7f0v9',
    }),
  );
  assert.equal(p('net1'), true);
  assert.equal(p('net10'), false, 'exact names never match as prefixes');
  assert.equal(p('ens7f0v3'), true);
  assert.equal(p('ens7f0v9'), false, 'excluded even though the regex matches');
  assert.equal(p('eth0'), false);
});

test('an empty exclusion list hooks lo too; a nameless link is never hooked', () => {
  const p = hookPolicy({ interfaces: undefined, excludeInterfaces: { source: [], matches: () => false } });
  assert.equal(p('lo'), true);
  assert.equal(p(''), false);
});

// Decision logic of the hook manager with a stand-in kernel helper: a recording command sink
// in place of the native helper, so every decision is seen without root (the real attach and
// detach are covered by the privileged capture tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadAgentConfig } from '../config/config.ts';
import { LinkTable } from '../links/link-table.ts';
import { createAgentMetrics } from '../metrics.ts';
import type { NamespaceState } from '../netns/namespace-state.ts';
import { HookManager } from './hook-manager.ts';
import { hookPolicy } from './hook-policy.ts';

function rig() {
  const sent: string[] = [];
  const metrics = createAgentMetrics();
  const ns: NamespaceState = {
    id: 1,
    ino: 42,
    name: 'pod',
    path: '/x',
    links: new LinkTable(1e9),
    hooks: new Map(),
    status: 'watching',
    linksReady: true,
  };
  const standInHelper = {
    attach: (id: number, i: number) => sent.push(`attach ${id} ${i}`),
    detach: (id: number, i: number) => sent.push(`detach ${id} ${i}`),
  };
  const m = new HookManager(
    standInHelper,
    hookPolicy(loadAgentConfig({ INTERFLOW_INTERFACES: 'net1' })),
    metrics,
    pino({ level: 'silent' }),
    () => [ns],
  );
  return { sent, ns, m, metrics };
}

test('a VF renamed to a selected name is attached; renamed away it is detached (stand-in kernel helper)', () => {
  const { sent, ns, m } = rig();
  const link = { ifindex: 5, name: 'ens7f0v3', mac: '', up: true, kind: '' };
  m.linkChanged(ns, ns.links.upsert(link, 1));
  assert.deepEqual(sent, []);
  m.linkChanged(ns, ns.links.upsert({ ...link, name: 'net1' }, 2));
  assert.deepEqual(sent, ['attach 1 5']);
  m.linkChanged(ns, ns.links.upsert({ ...link, name: 'net1', up: false }, 3));
  assert.deepEqual(sent, ['attach 1 5'], 'no second attach while one is in flight');
  m.attached(ns, 5, true);
  assert.equal(m.hookedCount(), 1);
  m.linkChanged(ns, ns.links.upsert({ ...link, name: 'other' }, 4));
  assert.deepEqual(sent, ['attach 1 5', 'detach 1 5']);
  m.detached(ns, 5);
  assert.equal(m.hookedCount(), 0);
});

test('a deleted link forgets its hook; a failed attach is counted and retried at reconcile (stand-in kernel helper)', async () => {
  const { sent, ns, m, metrics } = rig();
  m.linkChanged(ns, ns.links.upsert({ ifindex: 6, name: 'net1', mac: '', up: true, kind: '' }, 1));
  m.failed(ns, 'attach', 6, 'tc attach: Operation not permitted', 1);
  assert.equal((await metrics.attachErrors.get()).values[0]?.value, 1);
  m.reconcile(ns);
  assert.deepEqual(sent, ['attach 1 6', 'attach 1 6']);
  m.attached(ns, 6, false);
  m.linkChanged(ns, ns.links.remove(6, 2)!);
  assert.equal(ns.hooks.size, 0);
  assert.equal((await metrics.interfacesHooked.get()).values[0]?.value, 0);
});

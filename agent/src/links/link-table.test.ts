import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkTable } from './link-table.ts';

const vf = { ifindex: 7, name: 'ens7f0v3', mac: '02:00:00:00:00:07', up: false, kind: '' };

test('rename, up/down and deletion are reported as such', () => {
  const t = new LinkTable(60e9);
  assert.equal(t.upsert(vf, 100).kind, 'added');
  assert.equal(t.upsert(vf, 110).kind, 'unchanged');
  const r = t.upsert({ ...vf, name: 'net1' }, 200);
  assert.deepEqual(r, { kind: 'renamed', link: { ...vf, name: 'net1' }, oldName: 'ens7f0v3' });
  assert.equal(t.upsert({ ...vf, name: 'net1', up: true }, 300).kind, 'updated');
  assert.equal(t.get(7)?.up, true);
  assert.equal(t.remove(7, 400)?.kind, 'removed');
  assert.equal(t.remove(7, 401), undefined);
  assert.equal(t.size, 0);
});

test('flows are named by the name the link had when they were counted (tombstones)', () => {
  const t = new LinkTable(1000);
  t.upsert(vf, 100);
  t.upsert({ ...vf, name: 'net1' }, 200);
  t.remove(7, 300);
  assert.equal(t.nameAt(7, 150)?.name, 'ens7f0v3');
  assert.equal(t.nameAt(7, 250)?.name, 'net1');
  assert.equal(t.nameAt(7, 350)?.name, 'net1', 'after deletion the last name is kept');
  // ifindex reused by a newcomer: older flows keep the old name.
  t.upsert({ ...vf, name: 'eth9' }, 500);
  assert.equal(t.nameAt(7, 290)?.name, 'net1');
  assert.equal(t.nameAt(7, 600)?.name, 'eth9');
  t.prune(300 + 1000 + 1);
  assert.equal(t.nameAt(7, 290)?.name, 'eth9', 'expired tombstones are forgotten');
  assert.equal(t.historySize, 1);
  assert.equal(t.nameAt(99, 1), undefined);
});

test('clear() removes every link of a namespace that went away but keeps their names for late flows', () => {
  const t = new LinkTable(60e9);
  t.upsert(vf, 1);
  t.upsert({ ...vf, ifindex: 8, name: 'eth0' }, 1);
  assert.equal(t.clear(10).length, 2);
  assert.equal(t.size, 0);
  assert.equal(t.nameAt(8, 5)?.name, 'eth0');
});

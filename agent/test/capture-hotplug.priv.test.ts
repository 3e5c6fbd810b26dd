// Hotplug: namespaces created after the agent started, a link moved into one and renamed
// net1 (how an SR-IOV VF reaches a pod), records from the eviction timer; deleting the
// namespaces removes their state with no errors and no leaked descriptors or threads.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { iperfServer } from '../../test/support/iperf.ts';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario } from '../../test/support/netns-scenario.ts';
import { waitFor } from '../../test/support/wait.ts';
import { hookedNames, startCapture } from './capture-harness.ts';

const EVICT_MS = 500;
/**
 * How long a wait may take before it fails. Latencies (inotify, attach, eviction) are
 * reported with t.diagnostic, not bounded here: under a parallel suite a second-scale bound
 * fails for the machine's load, not for a bug (speed belongs to benchmarks).
 */
const WAIT_MS = 15_000;

function countFds(pid: number | undefined): number {
  return readdirSync(`/proc/${pid ?? 'self'}/fd`).length;
}
function countThreads(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

test(
  'hotplugged namespace and a link moved in and renamed net1 produce records; deleting the namespace leaves nothing behind',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario({ bare: true });
    t.after(() => s.teardown());
    // Only net1 is hooked: the VF's original name must not be, so the rename is what attaches.
    const { capture, records, logs } = await startCapture(
      t,
      s.dir,
      {
        INTERFLOW_INTERFACES: 'net1',
        INTERFLOW_EVICT_INTERVAL: `${EVICT_MS}ms`,
        INTERFLOW_RESYNC_INTERVAL: '500ms',
      },
      { tombstoneTtlMs: 1500 },
    );
    await waitFor(
      'the two initial namespaces watched',
      () => capture.namespaces().filter((n) => n.status === 'watching').length === 2,
    );
    const helperPid = capture.helper.pid!;
    // Baselines once the helper and the agent are steady: two readings in a row agree.
    let previous = '';
    await waitFor(
      'helper and agent descriptors and threads steady',
      () => {
        const now = JSON.stringify([countFds(helperPid), countThreads(helperPid), countFds(undefined)]);
        const steady = now === previous;
        previous = now;
        return steady;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const baseHelperFds = countFds(helperPid);
    const baseHelperThreads = countThreads(helperPid);
    const baseOwnFds = countFds(undefined);
    const baseState = capture.stateSize();

    // New namespaces appear after the agent started: picked up by inotify (how fast is
    // reported, not asserted: the machine may be loaded).
    const addedAt = Date.now();
    const c = await s.addNamespace('c');
    const d = await s.addNamespace('d');
    await waitFor(
      'hotplugged namespaces watched',
      () => {
        const names = capture
          .namespaces()
          .filter((n) => n.status === 'watching')
          .map((n) => n.name);
        return names.includes(c.name) && names.includes(d.name);
      },
      WAIT_MS,
    );
    t.diagnostic(`hotplugged namespaces watched ${Date.now() - addedAt} ms after they appeared`);

    // A "VF" is born in the host namespace under its PF-style name, moved into c and renamed.
    const vf = `v3a${s.suffix}`;
    const peer = `v3b${s.suffix}`;
    await s.host('ip', ['link', 'add', vf, 'type', 'veth', 'peer', 'name', peer]);
    t.after(() => s.host('ip', ['link', 'del', vf]).catch(() => undefined));
    await s.host('ip', ['link', 'set', vf, 'netns', c.path]);
    await s.host('ip', ['link', 'set', peer, 'netns', d.path]);
    await waitFor('moved links seen', () => capture.namespaces().find((n) => n.name === c.name)?.links === 2);
    assert.deepEqual(hookedNames(capture), [], 'nothing hooked before the rename (policy: net1 only)');
    for (const [ns, ifname, ip] of [
      [c, vf, '192.168.123.1'],
      [d, peer, '192.168.123.2'],
    ] as const) {
      await s.exec(ns, 'ip', ['link', 'set', ifname, 'name', 'net1']);
      await s.exec(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'net1']);
      await s.exec(ns, 'ip', ['link', 'set', 'net1', 'up']);
    }
    const renamedAt = Date.now();
    await waitFor(
      'net1 hooked in both hotplugged namespaces',
      () => hookedNames(capture).length === 2,
      WAIT_MS,
    );
    t.diagnostic(`net1 hooked ${Date.now() - renamedAt} ms after the rename`);
    assert.deepEqual(hookedNames(capture), [`${c.name}/net1`, `${d.name}/net1`].sort());

    const server = await iperfServer(s, d, '192.168.123.2', 5201);
    const client = s.spawn(c, 'iperf3', ['-c', '192.168.123.2', '-u', '-b', '2M', '-t', '3']);
    // Records come from the regular eviction timer (no manual drain).
    const trafficStart = Date.now();
    await waitFor(
      'records from the hotplugged net1 by the eviction timer',
      () =>
        records.some(
          (r) =>
            r.IfNetns[0] === c.name &&
            r.Interfaces[0] === 'net1' &&
            r.DstAddr === '192.168.123.2' &&
            r.IfDirections[0] === 1,
        ),
      WAIT_MS,
    );
    assert.ok(
      records.some(
        (r) =>
          r.IfNetns[0] === d.name &&
          r.Interfaces[0] === 'net1' &&
          r.SrcAddr === '192.168.123.1' &&
          r.IfDirections[0] === 0,
      ),
      'ingress on the peer net1',
    );
    t.diagnostic(
      `records ${Date.now() - trafficStart} ms after traffic started, ${trafficStart - renamedAt} ms after the rename`,
    );
    assert.ok(
      records.every((r) => r.Interfaces[0] === 'net1'),
      'every record says net1, never the pre-rename name',
    );

    // Delete both namespaces while traffic flows; what was counted before still gets the right names.
    const beforeDelete = records.length;
    await s.deleteNamespace(c);
    await s.deleteNamespace(d);
    client.kill('SIGKILL');
    server.kill('SIGKILL');
    await waitFor(
      'deleted namespaces forgotten',
      () => capture.namespaces().every((n) => n.name !== c.name && n.name !== d.name),
      WAIT_MS,
    );
    await capture.evictNow();
    await capture.evictNow();
    const late = records.slice(beforeDelete);
    assert.ok(late.length > 0, 'flows counted just before the deletion are still exported');
    assert.ok(
      late.every((r) => (r.IfNetns[0] === c.name || r.IfNetns[0] === d.name) && r.Interfaces[0] === 'net1'),
      'flows drained after deletion keep their namespace and interface names',
    );
    assert.equal(hookedNames(capture).length, 0);

    // Once the tombstones expire nothing of the two namespaces is left in the agent.
    await waitFor(
      'tombstones of the deleted namespaces expire',
      () => JSON.stringify(capture.stateSize()) === JSON.stringify(baseState),
      WAIT_MS,
    );

    // A namespace created now is watched again (the helper's worker slots are reused).
    const e = await s.addNamespace('e');
    await waitFor(
      'a later namespace watched',
      () => capture.namespaces().some((n) => n.name === e.name && n.status === 'watching'),
      WAIT_MS,
    );
    await s.deleteNamespace(e);
    await waitFor('and forgotten', () => capture.namespaces().every((n) => n.name !== e.name), WAIT_MS);

    // No errors, and the helper is back to its baseline of descriptors and threads.
    await waitFor(
      'helper threads back to baseline',
      () => countThreads(helperPid) === baseHelperThreads,
      WAIT_MS,
    );
    assert.equal(countFds(helperPid), baseHelperFds, 'helper file descriptors back to baseline');
    await waitFor(
      'agent file descriptors back to baseline',
      () => countFds(undefined) <= baseOwnFds,
      WAIT_MS,
    );
    const errors = logs.filter((l) => l.level >= 50);
    assert.deepEqual(errors, [], 'no error logged');
    const attachLogs = logs.filter((l) => l.msg.startsWith('hooks attached'));
    assert.ok(attachLogs.length > 0, 'attaching was logged');
    assert.ok(
      attachLogs.every((l) => typeof l.netns === 'string' && l.ifname === 'net1'),
      'attach logs name netns and interface',
    );
  },
);

test(
  'a netns directory that does not exist at start-up is watched once it appears',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario({ bare: true });
    t.after(() => s.teardown());
    // Outside the scenario's directory, so its teardown and ours are independent.
    const later = `${s.dir}-later`;
    const { capture } = await startCapture(t, `${s.dir},${later}`);
    await waitFor('initial namespaces watched', () => capture.namespaces().length === 2);
    mkdirSync(later);
    const path = join(later, `iflow-late-${s.suffix}`);
    writeFileSync(path, '');
    t.after(async () => {
      await s.host('umount', ['-l', path]).catch(() => undefined);
      rmSync(later, { recursive: true, force: true });
    });
    await s.host('unshare', [`--net=${path}`, 'true']);
    await waitFor(
      'namespace in the late directory watched',
      () => capture.namespaces().some((n) => n.name === `iflow-late-${s.suffix}` && n.status === 'watching'),
      WAIT_MS,
    );
  },
);

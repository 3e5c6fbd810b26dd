// Hooks removed behind the agent's back: the clsact qdisc deleted (`tc qdisc del`), replaced by
// another clsact, another program put at Interflow's filter spot, a tcx link detached
// (`bpftool link detach`). Each time the agent notices (tc events at once, the resync check
// otherwise), counts it in interflow_agent_hooks_lost_total{reason}, warns naming the
// interface and namespace, attaches again, and reports how long the interface went without
// hooks; a UDP transfer across the deletion is recorded except that gap.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import type { FlowRecord } from '@interflow/contract';
import { iperfServer } from '../../test/support/iperf.ts';
import { privileged } from '../../test/support/privileged.ts';
import {
  createNetnsScenario,
  type NetnsScenario,
  type ScenarioNamespace,
} from '../../test/support/netns-scenario.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { AgentMetrics } from '../src/metrics.ts';
import { hookedNames, startCapture, type LogLine } from './capture-harness.ts';

const RESYNC_MS = 2000;
/** Generous bound for waits on a loaded machine; how long recovery took is reported, not asserted. */
const WAIT_MS = 20_000;
const EGRESS = 1;

async function lostCount(metrics: AgentMetrics, reason?: string): Promise<number> {
  const m = await metrics.hooksLost.get();
  return m.values.filter((v) => !reason || v.labels.reason === reason).reduce((n, v) => n + v.value, 0);
}

async function gapSeconds(metrics: AgentMetrics): Promise<number> {
  return (await metrics.hooksLostSeconds.get()).values[0]?.value ?? 0;
}

/** The filters at Interflow's spot on one hook, as `tc filter show` prints them (no clsact prints
 * nothing and exits 0, so any error is a real failure and fails the test). */
async function spot(s: NetnsScenario, ns: ScenarioNamespace, dev: string, dir: string): Promise<string> {
  const out = await s.exec(ns, 'tc', ['filter', 'show', 'dev', dev, dir]);
  return out
    .split('\n')
    .filter((l) => l.includes('handle 0x49464c57') && / chain 0 /.test(l))
    .join('\n');
}

async function startTc(t: TestContext, s: NetnsScenario) {
  const rig = await startCapture(t, s.dir, {
    INTERFLOW_TC_ATTACH_MODE: 'tc',
    INTERFLOW_INTERFACES: 'net1,eth0',
    INTERFLOW_RESYNC_INTERVAL: `${RESYNC_MS}ms`,
  });
  await waitFor('4 interfaces hooked', () => hookedNames(rig.capture).length === 4, WAIT_MS);
  return rig;
}

function lostWarnings(logs: LogLine[]): LogLine[] {
  return logs.filter((l) => l.level === 40 && l.msg.startsWith('Interflow hooks gone'));
}

test(
  'tc qdisc del under a UDP transfer: noticed, counted, hooks back; the transfer is recorded except the reported gap',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const { capture, records, metrics, logs } = await startTc(t, s);
    await iperfServer(s, s.b, s.net1.b, 5301);
    const seconds = 6;
    const client = s.exec(s.a, 'iperf3', [
      '-J',
      '-c',
      s.net1.b,
      '-p',
      '5301',
      '-u',
      '-b',
      '4M',
      '-l',
      '1000',
      '-t',
      String(seconds),
    ]);
    const flow = (r: FlowRecord) =>
      r.Proto === 17 &&
      r.DstPort === 5301 &&
      r.Interfaces[0] === 'net1' &&
      r.IfNetns[0] === s.a.name &&
      r.IfDirections[0] === EGRESS;
    await waitFor('records of the transfer', () => records.some(flow), WAIT_MS);

    const deletedAt = Date.now();
    await s.exec(s.a, 'tc', ['qdisc', 'del', 'dev', 'net1', 'clsact']);
    await waitFor('the loss counted', async () => (await lostCount(metrics, 'qdisc_removed')) === 1, WAIT_MS);
    await waitFor(
      'net1 of A hooked again',
      async () => (await spot(s, s.a, 'net1', 'egress')).includes('interflow_eg'),
      WAIT_MS,
    );
    await waitFor('4 interfaces hooked', () => hookedNames(capture).length === 4, WAIT_MS);
    t.diagnostic(
      `hooks back ${Date.now() - deletedAt} ms after the qdisc was deleted (resync every ${RESYNC_MS} ms)`,
    );

    const warn = lostWarnings(logs);
    assert.equal(warn.length, 1, JSON.stringify(warn));
    assert.equal(warn[0]!.netns, s.a.name);
    assert.equal(warn[0]!.ifname, 'net1');
    assert.equal(warn[0]!.reason, 'qdisc_removed');
    const back = logs.find((l) => l.msg.startsWith('hooks back on the interface'));
    assert.ok(back, 'the gap is reported when the hooks are back');
    assert.equal(back.exact, true, 'found by the tc event, so the start of the gap is known');

    const report = JSON.parse(await client) as {
      end: { sum: { packets: number; seconds: number } };
    };
    await capture.evictNow();
    const sent = report.end.sum.packets;
    const recorded = records.filter(flow).reduce((n, r) => n + r.Packets, 0);
    const gap = await gapSeconds(metrics);
    const pps = sent / report.end.sum.seconds;
    const missing = sent - recorded;
    t.diagnostic(
      `sent ${sent} packets (${pps.toFixed(0)}/s), recorded ${recorded}, missing ${missing}; reported gap ${(gap * 1000).toFixed(1)} ms (≈ ${(pps * gap).toFixed(1)} packets)`,
    );
    assert.ok(gap > 0, 'the time without hooks is counted');
    // iperf3 adds a handful of UDP set-up datagrams of its own to the flow.
    assert.ok(missing >= -5, `no more recorded than sent (missing ${missing})`);
    // Every packet outside the reported gap is recorded: at most the gap's worth (plus the
    // packets in flight while the event travelled to the helper) is missing.
    assert.ok(
      missing <= Math.ceil(pps * (gap + 0.05)) + 10,
      `missing ${missing} packets; the reported gap of ${(gap * 1000).toFixed(1)} ms explains ${(pps * gap).toFixed(1)}`,
    );
  },
);

test(
  'clsact replaced by another one, and a foreign program at our filter spot: both noticed and repaired; the new clsact is not ours to remove',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const { capture, metrics, logs } = await startTc(t, s);

    // Another product "replaces" the clsact of B's eth0: deleted and created again at once.
    // One `tc -batch`, so it is not the agent's own re-attach that creates the new clsact.
    await s.exec(s.b, 'sh', [
      '-c',
      'printf "qdisc del dev eth0 clsact\\nqdisc add dev eth0 clsact\\n" | tc -batch -',
    ]);
    await waitFor('the replaced clsact noticed', async () => (await lostCount(metrics)) === 1, WAIT_MS);
    await waitFor(
      'eth0 of B hooked again',
      async () => (await spot(s, s.b, 'eth0', 'ingress')).includes('interflow_in'),
      WAIT_MS,
    );
    assert.equal(await lostCount(metrics, 'qdisc_removed'), 1);

    // A classic BPF program put at Interflow's handle and priority on A's eth0 egress.
    await s.exec(s.a, 'tc', [
      'filter',
      'replace',
      'dev',
      'eth0',
      'egress',
      'pref',
      '1',
      'handle',
      '0x49464c57',
      'bpf',
      'bytecode',
      '1,6 0 0 4294967295,',
    ]);
    await waitFor(
      'the foreign program noticed',
      async () => (await lostCount(metrics, 'replaced')) === 1,
      WAIT_MS,
    );
    await waitFor(
      'our program back at the spot',
      async () => (await spot(s, s.a, 'eth0', 'egress')).includes('interflow_eg'),
      WAIT_MS,
    );
    await waitFor('4 interfaces hooked', () => hookedNames(capture).length === 4, WAIT_MS);
    const warn = lostWarnings(logs).map((l) => `${l.netns}/${l.ifname} ${l.reason} ${l.direction}`);
    assert.deepEqual(warn, [`${s.b.name}/eth0 qdisc_removed both`, `${s.a.name}/eth0 replaced egress`]);
    assert.equal(await lostCount(metrics), 2, 'nothing else counted');

    // Stopping removes our filters but not the clsact the other product made.
    await capture.stop();
    assert.match(await s.exec(s.b, 'tc', ['qdisc', 'show', 'dev', 'eth0']), /clsact/);
    assert.equal(await spot(s, s.b, 'eth0', 'ingress'), '');
    assert.equal(await spot(s, s.a, 'eth0', 'egress'), '');
  },
);

test('an interface deleted or moved to another namespace is not a lost hook', privileged(), async (t) => {
  const s = await createNetnsScenario();
  t.after(() => s.teardown());
  const { capture, metrics, logs } = await startTc(t, s);
  const c = await s.addNamespace('c');
  // A's eth0 deleted, B's eth0 moved into a namespace the agent watches but does not hook it in (renamed).
  await s.exec(s.a, 'ip', ['link', 'del', 'eth0']);
  await s.exec(s.b, 'ip', ['link', 'set', 'eth0', 'netns', c.path, 'name', 'moved0']);
  await waitFor('2 interfaces hooked', () => hookedNames(capture).length === 2, WAIT_MS);
  // Then a real loss: the worker handles events in order, so when this one is counted, the
  // tc events of the deletion and the move have been handled too.
  await s.exec(s.a, 'tc', ['qdisc', 'del', 'dev', 'net1', 'clsact']);
  await waitFor('the real loss counted', async () => (await lostCount(metrics)) >= 1, WAIT_MS);
  await waitFor('net1 of A hooked again', () => hookedNames(capture).length === 2, WAIT_MS);
  assert.deepEqual(
    lostWarnings(logs).map((l) => `${l.netns}/${l.ifname} ${l.reason}`),
    [`${s.a.name}/net1 qdisc_removed`],
  );
});

/** The helper's tcx links: link id and ifindex from its fdinfo. */
function tcxLinks(pid: number): { id: number; ifindex: number }[] {
  const out: { id: number; ifindex: number }[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let info = '';
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue;
    }
    if (!/link_type:\s+tcx/.test(info)) continue;
    out.push({
      id: Number(/link_id:\s+(\d+)/.exec(info)?.[1]),
      ifindex: Number(/ifindex:\s+(\d+)/.exec(info)?.[1]),
    });
  }
  return out;
}

test(
  'a tcx link detached behind the agent: found by the resync check, counted, attached again',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const { capture, metrics, logs } = await startCapture(t, s.dir, {
      INTERFLOW_TC_ATTACH_MODE: 'tcx',
      INTERFLOW_INTERFACES: 'net1',
      INTERFLOW_RESYNC_INTERVAL: `${RESYNC_MS}ms`,
    });
    await waitFor('2 interfaces hooked', () => hookedNames(capture).length === 2, WAIT_MS);
    const links = await waitFor('4 tcx links held by the helper', () => {
      const l = tcxLinks(capture.helper.pid!);
      return l.length === 4 && l;
    });
    const victim = links[0]!;
    const detachedAt = Date.now();
    const { execFileSync } = await import('node:child_process');
    execFileSync('bpftool', ['link', 'detach', 'id', String(victim.id)]);
    await waitFor(
      'the detached link counted',
      async () => (await lostCount(metrics, 'link_detached')) === 1,
      WAIT_MS,
    );
    await waitFor(
      '4 attached tcx links again',
      () => {
        const l = tcxLinks(capture.helper.pid!);
        return l.length === 4 && l.every((x) => x.ifindex > 0) && !l.some((x) => x.id === victim.id);
      },
      WAIT_MS,
    );
    await waitFor('2 interfaces hooked', () => hookedNames(capture).length === 2, WAIT_MS);
    t.diagnostic(`hooks back ${Date.now() - detachedAt} ms after the detach (resync every ${RESYNC_MS} ms)`);
    const warn = lostWarnings(logs);
    assert.equal(warn.length, 1);
    assert.equal(warn[0]!.ifname, 'net1');
    assert.ok([s.a.name, s.b.name].includes(warn[0]!.netns as string));
    const back = logs.find((l) => l.msg.startsWith('hooks back on the interface'));
    assert.equal(back?.exact, false, 'found by the periodic check: the gap is an upper bound');
    assert.ok((await gapSeconds(metrics)) > 0);
  },
);

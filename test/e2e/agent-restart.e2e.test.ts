// Fault: the agent restarts while traffic flows — with SIGTERM (a rolling update), with
// kill -9 (a crash) and with kill -9 of the agent and its helper together (an OOM kill). After each start there is exactly one Interflow filter per
// direction on every interface (no duplicate hooks), a crashed agent's helper does not
// linger, and the store never holds two records for the same flow, interface, direction and
// interval (5-tuple + interface + netns + direction + TimeFlowStartMs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { privileged } from '../support/privileged.ts';
import type { NetnsScenario } from '../support/netns-scenario.ts';
import { waitFor } from '../support/processes.ts';
import { iperfServer } from '../support/iperf.ts';
import {
  helperPids,
  duplicates,
  interflowFilters,
  readStore,
  scenarioHookPoints,
  sleep,
  startProduct,
} from './e2e-rig.ts';

const RUN_MS = 4_000; // traffic seen by each agent instance (several 1 s evictions)

async function assertOneFilterPerDirection(s: NetnsScenario, when: string): Promise<void> {
  for (const { ns, dev, dir } of scenarioHookPoints(s)) {
    const filters = await interflowFilters(s, ns, dev, dir);
    assert.equal(
      filters.length,
      1,
      `${when}: ${ns.name}/${dev} ${dir} has ${filters.length} Interflow filters:\n${filters.join('\n')}`,
    );
  }
}

test(
  'agent restarts (SIGTERM, kill -9, kill -9 with its helper) under traffic: no duplicate hooks, no duplicate records',
  { ...privileged(), timeout: 240_000 },
  async (t) => {
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    const rig = await startProduct();
    t.after(() => rig.teardown());
    const { s, backend } = rig;
    const start = async (when: string) => {
      const a = await rig.startAgent(when);
      await assertOneFilterPerDirection(s, when);
      return a;
    };

    let agent = rig.agent;
    await assertOneFilterPerDirection(s, 'first start');
    await iperfServer(s, s.b, s.net1.b, 5201);
    await iperfServer(s, s.b, s.eth0.b, 5202);
    // Long-lived flows that cross both restarts, over net1 and eth0.
    s.spawn(s.a, 'iperf3', ['-c', s.net1.b, '-p', '5201', '-b', '20M', '-t', '600']);
    s.spawn(s.a, 'iperf3', ['-c', s.eth0.b, '-p', '5202', '-u', '-b', '1M', '-P', '4', '-t', '600']);
    const windows: [number, number][] = [];
    let since = Date.now();
    await sleep(RUN_MS);
    windows.push([since, Date.now()]);

    // Rolling update: SIGTERM exports what is left and removes the hooks; the next one attaches.
    assert.equal(await agent.stop(), 0);
    agent = await start('after SIGTERM restart');
    since = Date.now();
    await sleep(RUN_MS);
    windows.push([since, Date.now()]);

    // Crash: the helper sees its stdin close, removes every hook and exits; the next agent also
    // sweeps any Interflow filter an earlier run left behind.
    const helper = helperPids(agent.proc.pid!);
    assert.equal(helper.length, 1, `the agent has one native helper child (${helper.join(',')})`);
    await agent.kill9();
    await waitFor(
      'the crashed agent’s helper to exit',
      async () => helper.every((pid) => !existsSync(`/proc/${pid}`)),
      10_000,
    );
    agent = await start('after kill -9 restart');
    since = Date.now();
    await sleep(RUN_MS);
    windows.push([since, Date.now()]);

    // The whole container killed at once (OOM kill): agent and helper die together, so the
    // filters stay in the kernel; the next agent must remove them and attach exactly once.
    const helper2 = helperPids(agent.proc.pid!);
    assert.equal(helper2.length, 1, `the agent has one native helper child (${helper2.join(',')})`);
    for (const pid of helper2) process.kill(pid, 'SIGKILL');
    await agent.kill9();
    let left = 0;
    for (const { ns, dev, dir } of scenarioHookPoints(s))
      left += (await interflowFilters(s, ns, dev, dir)).length;
    agent = await start('after kill -9 of agent and helper');
    const swept = await agent.metric('interflow_agent_stale_hooks_removed_total');
    assert.equal(left, 8, 'the killed helper left its 8 filters behind (the case the sweep exists for)');
    assert.equal(swept, 8, 'the leftover filters (4 interfaces × 2 directions) were removed at start-up');
    since = Date.now();
    await sleep(RUN_MS);
    windows.push([since, Date.now()]);
    await assertOneFilterPerDirection(s, 'under traffic after the restarts');

    // Stop cleanly so everything counted is in the store, then look for duplicates.
    assert.equal(await agent.stop(), 0);
    const stored = await readStore(backend.storeUrl, { startNs });
    const net1 = stored.filter((r) => r.Interfaces[0] === 'net1' && r.Proto === 6 && r.DstPort === 5201);
    const eth0 = stored.filter((r) => r.Interfaces[0] === 'eth0' && r.Proto === 17 && r.DstPort === 5202);
    console.log(
      `${stored.length} records stored (${net1.length} net1 TCP, ${eth0.length} eth0 UDP); stale filters swept at the fourth start: ${swept}`,
    );
    // Each agent instance recorded the long flows while it ran.
    windows.forEach(([from, to], i) => {
      const inWindow = (r: { TimeFlowEndMs: number }) => r.TimeFlowEndMs >= from && r.TimeFlowEndMs <= to;
      assert.ok(net1.filter(inWindow).length >= 2, `net1 TCP records from agent instance ${i + 1}`);
      assert.ok(eth0.filter(inWindow).length >= 2, `eth0 UDP records from agent instance ${i + 1}`);
    });
    assert.deepEqual(duplicates(stored).slice(0, 20), [], 'no record twice for the same interval');
    for (const { ns, dev, dir } of scenarioHookPoints(s))
      assert.deepEqual(
        await interflowFilters(s, ns, dev, dir),
        [],
        `${ns.name}/${dev} ${dir} after the last stop`,
      );
  },
);

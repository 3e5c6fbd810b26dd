// Fault: 200 network namespaces created and deleted in a loop while traffic flows. Every
// namespace got hooks on both its links (checked in the kernel, with `tc filter show`, before it
// is deleted), none are left afterwards (no state in the agent, no fd or thread of
// the agent or its helper still in a deleted namespace, only the scenario's own hooks remain),
// and the agent's fds, threads and memory return to their baseline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { privileged } from '../support/privileged.ts';
import type { ScenarioNamespace } from '../support/netns-scenario.ts';
import { scrape, waitFor } from '../support/processes.ts';
import { iperfServer } from '../support/iperf.ts';
import {
  childPids,
  helperPids,
  fdTargets,
  interflowFilters,
  logLines,
  processFootprint,
  scenarioHookPoints,
  sleep,
  startProduct,
} from './e2e-rig.ts';

const CYCLES = 2; // cycle 1 warms the agent up; cycle 2 is compared with it
const PER_CYCLE = 100; // 200 namespaces in all
const WAVE = 20; // namespaces alive at the same time
const LIFETIME_MS = 1_500; // each lives at least this long after its links are up
// How long the agent may take to hook a new namespace's links. A bound on its speed is not what
// this test is about (at load 20, finding the hooks of 20 new namespaces took 11–14 s, the `tc`
// calls included): it waits for the hooks, up to this, and prints how long they took.
const HOOK_DEADLINE_MS = 60_000;

interface Footprint {
  agentFds: number;
  agentRssKb: number;
  heapUsed: number;
  helperFds: number;
  helperThreads: number;
  helperRssKb: number;
}

function threadsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Network namespace inodes any thread of these processes is in, or holds an fd to. */
function netnsReferences(pids: number[]): Set<number> {
  const out = new Set<number>();
  for (const pid of pids) {
    for (const target of fdTargets(pid)) {
      const m = /^net:\[(\d+)\]$/.exec(target);
      if (m) out.add(Number(m[1]));
    }
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/task/${task}/ns/net`));
        if (m) out.add(Number(m[1]));
      } catch {
        /* thread ended */
      }
    }
  }
  return out;
}

test(
  '200 namespaces created and deleted under traffic: each got hooks, none are left, fds and memory return to baseline',
  // With three whole-suite runs at once (load 13–18) it took 214–266 s when it passed and once ran
  // past 300 s: a bound that fails the test rather than hangs the suite, not a speed target.
  { ...privileged(), timeout: 900_000 },
  async (t) => {
    // Every interface, so the churned namespaces' links are hooked too; pushes at the default pace.
    const rig = await startProduct({
      agentEnv: { INTERFLOW_INTERFACES: undefined, INTERFLOW_BATCH_MAX_WAIT: undefined },
    });
    t.after(() => rig.teardown());
    const { s, agent: a } = rig;
    const helper = helperPids(a.proc.pid!);
    assert.equal(
      helper.length,
      1,
      `the agent has one native helper child (${helper.join(',')}; all children: ${childPids(a.proc.pid!).join(',')})`,
    );
    const helperPid = helper[0]!;

    await iperfServer(s, s.b, s.net1.b, 5201);
    s.spawn(s.a, 'iperf3', ['-c', s.net1.b, '-p', '5201', '-u', '-b', '2M', '-P', '4', '-t', '600']);

    const footprint = async (): Promise<Footprint> => {
      const ag = processFootprint(a.proc.pid!);
      const hp = processFootprint(helperPid);
      const m = await scrape(a.metricsUrl);
      return {
        agentFds: ag.fds,
        agentRssKb: ag.rssKb,
        heapUsed: m.get('interflow_agent_nodejs_heap_size_used_bytes') ?? NaN,
        helperFds: hp.fds,
        helperThreads: threadsOf(helperPid),
        helperRssKb: hp.rssKb,
      };
    };
    // Settled: only the scenario's two namespaces and four interfaces are known, and a few
    // evictions have run since, so per-interval work is done.
    const settle = async (what: string) => {
      await waitFor(
        `${what}: agent back to 2 namespaces / 4 hooks`,
        async () => {
          const m = await scrape(a.metricsUrl);
          return (
            m.get('interflow_agent_namespaces_watched') === 2 &&
            m.get('interflow_agent_interfaces_hooked') === 4
          );
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      await sleep(5_000);
    };

    await settle('baseline');
    const baseline = await footprint();
    const created: { ns: ScenarioNamespace; ino: number }[] = [];
    const unhooked: string[] = [];
    const hookedAfterMs: number[] = [];
    const footprints: Footprint[] = [];

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      for (let wave = 0; wave < PER_CYCLE / WAVE; wave++) {
        await Promise.all(
          Array.from({ length: WAVE }, async (_, i) => {
            const ns = await s.addNamespace(`c${cycle}w${wave}n${i}`);
            const ino = statSync(ns.path).ino;
            created.push({ ns, ino });
            await s.exec(ns, 'sh', [
              '-c',
              'ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up',
            ]);
            const linksUp = Date.now();
            await sleep(LIFETIME_MS);
            // The kernel must show Interflow's filter on both hooks of both links.
            for (const dev of ['v0', 'v1']) {
              for (const dir of ['ingress', 'egress'] as const) {
                let n = 0;
                for (;;) {
                  n = (await interflowFilters(s, ns, dev, dir)).length;
                  if (n === 1 || Date.now() - linksUp > HOOK_DEADLINE_MS) break;
                  await sleep(100);
                }
                if (n !== 1)
                  unhooked.push(
                    `${ns.name}/${dev} ${dir}: ${n} Interflow filters after ${HOOK_DEADLINE_MS} ms`,
                  );
              }
            }
            hookedAfterMs.push(Date.now() - linksUp);
            await s.deleteNamespace(ns);
          }),
        );
      }
      await settle(`after cycle ${cycle + 1}`);
      footprints.push(await footprint());
    }

    const sorted = [...hookedAfterMs].sort((x, y) => x - y);
    console.log(
      `hooks found on all four points (tc included) ${sorted[Math.floor(sorted.length / 2)]} ms (median) and at most ` +
        `${sorted.at(-1)} ms after the links were up (checked from ${LIFETIME_MS} ms on)`,
    );
    assert.deepEqual(unhooked.slice(0, 20), [], `${unhooked.length} hooks missing`);
    assert.equal(created.length, CYCLES * PER_CYCLE);

    // The agent saw each namespace come and go (its structured logs), and attached to each.
    const logs = logLines(a.output());
    const watched = new Set(
      logs.filter((l) => l.msg.startsWith('watching network namespace')).map((l) => l.netns),
    );
    const gone = new Set(
      // The wording has changed before ("gone: state removed", "no longer watched … removed"): match its gist.
      logs
        .filter((l) => /^network namespace (gone|no longer watched)\b.*removed/.test(l.msg))
        .map((l) => l.netns),
    );
    const attached = new Set(
      logs.filter((l) => l.msg.startsWith('hooks attached')).map((l) => `${l.netns}/${l.ifname}`),
    );
    const missing = created.filter(
      ({ ns }) =>
        !watched.has(ns.name) ||
        !gone.has(ns.name) ||
        !attached.has(`${ns.name}/v0`) ||
        !attached.has(`${ns.name}/v1`),
    );
    assert.deepEqual(
      missing.map(({ ns }) => ns.name).slice(0, 20),
      [],
      'every namespace watched, hooked and forgotten (logs)',
    );

    // Nothing of a deleted namespace is still held by the agent or its helper (an fd or a
    // thread inside it would keep the namespace, and its links, alive).
    const held = netnsReferences([a.proc.pid!, helperPid]);
    const leaked = created.filter(({ ino }) => held.has(ino)).map(({ ns }) => ns.name);
    assert.deepEqual(leaked.slice(0, 20), [], `${leaked.length} deleted namespaces still referenced`);
    // Only the scenario's hooks remain: one Interflow filter per direction on its four links.
    for (const { ns, dev, dir } of scenarioHookPoints(s))
      assert.equal((await interflowFilters(s, ns, dev, dir)).length, 1, `${ns.name}/${dev} ${dir}`);
    const m = await scrape(a.metricsUrl);
    console.log(
      `baseline ${JSON.stringify(baseline)}\n` +
        footprints.map((f, i) => `after cycle ${i + 1} ${JSON.stringify(f)}`).join('\n') +
        `\nattach errors ${m.get('interflow_agent_attach_errors_total')}, detach errors ${m.get('interflow_agent_detach_errors_total')}, ` +
        `unknown-interface flows ${m.get('interflow_agent_unknown_interface_flows_total')}`,
    );

    // fds and threads are exact resources: back to the baseline. The agent may hold one more or
    // fewer keep-alive socket (metrics scrapes, pushes to the store), hence ±2 there.
    const [first, second] = footprints as [Footprint, Footprint];
    for (const f of footprints) {
      assert.ok(
        Math.abs(f.agentFds - baseline.agentFds) <= 2,
        `agent fds ${f.agentFds} vs baseline ${baseline.agentFds}: ${fdTargets(a.proc.pid!).join(' ')}`,
      );
      assert.equal(f.helperFds, baseline.helperFds, `helper fds: ${fdTargets(helperPid).join(' ')}`);
      assert.equal(f.helperThreads, baseline.helperThreads, 'helper threads (one per watched namespace)');
    }
    // Memory is noisy (V8 grows its heap in steps, malloc keeps freed arenas), so compare the
    // second cycle with the first, both measured in the same settled state: a per-namespace leak
    // of as little as 100 kB (100 namespaces → 10 MB) in the agent, or 20 kB in the helper,
    // would exceed these bounds, while allocator and GC noise stays well within them.
    assert.ok(
      second.agentRssKb - first.agentRssKb <= 10 * 1024,
      `agent RSS grew from ${first.agentRssKb} kB to ${second.agentRssKb} kB over 100 namespaces`,
    );
    assert.ok(
      second.heapUsed - first.heapUsed <= 10 * 1024 * 1024,
      `agent heap grew from ${first.heapUsed} to ${second.heapUsed} bytes over 100 namespaces`,
    );
    assert.ok(
      second.helperRssKb - first.helperRssKb <= 2 * 1024,
      `helper RSS grew from ${first.helperRssKb} kB to ${second.helperRssKb} kB over 100 namespaces`,
    );
  },
);

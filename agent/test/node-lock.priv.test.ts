// One agent per node: a second agent on the same node (same INTERFLOW_RUN_DIR) refuses to start
// naming the one that runs, and touches none of its hooks; with INTERFLOW_LOCK_WAIT it waits
// and takes over once the first is gone. The start-up sweep removes only filters whose owner
// is provably gone: those of an agent that held the same lock; an agent with another lock
// leaves them (and the interface) alone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Capture } from '../src/capture.ts';
import { loadAgentConfig } from '../src/config/config.ts';
import { createAgentMetrics, type AgentMetrics } from '../src/metrics.ts';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario, type NetnsScenario } from '../../test/support/netns-scenario.ts';
import { startAgent } from '../../test/support/processes.ts';
import { waitFor } from '../../test/support/wait.ts';
import { startStandInLokiReceiver } from './stand-in-loki-receiver.ts';
import { hookedNames, type LogLine } from './capture-harness.ts';

const WAIT_MS = 30_000;

function runDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'interflow-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every filter line at Interflow's spot on the scenario's eight hook points (with program ids); a
 * failing `tc filter show` fails the test rather than reading as "no filters". */
async function spots(s: NetnsScenario): Promise<string[]> {
  const out: string[] = [];
  for (const ns of [s.a, s.b])
    for (const dev of ['net1', 'eth0'])
      for (const dir of ['ingress', 'egress']) {
        const text = await s.exec(ns, 'tc', ['filter', 'show', 'dev', dev, dir]);
        for (const l of text.split('\n'))
          if (l.includes('handle 0x49464c57') && / chain 0 /.test(l))
            out.push(`${ns.name}/${dev}/${dir}: ${l}`);
      }
  return out;
}

interface Rig {
  capture: Capture;
  metrics: AgentMetrics;
  logs: LogLine[];
  started: Promise<void>;
}

/** An in-process agent on the scenario with the given node lock directory (start not awaited). */
function agentOn(t: TestContext, s: NetnsScenario, dir: string, env: Record<string, string> = {}): Rig {
  const cfg = loadAgentConfig({
    INTERFLOW_RUN_DIR: dir,
    INTERFLOW_NETNS_DIRS: s.dir,
    INTERFLOW_HOST_NETNS: 'false',
    INTERFLOW_INTERFACES: 'net1,eth0',
    INTERFLOW_TC_ATTACH_MODE: 'tc',
    INTERFLOW_EVICT_INTERVAL: '500ms',
    INTERFLOW_RESYNC_INTERVAL: '2s',
    INTERFLOW_LOKI_URL: 'http://127.0.0.1:9',
    ...env,
  });
  const metrics = createAgentMetrics();
  const logs: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) });
  const capture = new Capture({ cfg, metrics, log, sink: () => undefined });
  const started = capture.start();
  t.after(() => capture.stop());
  return { capture, metrics, logs, started };
}

async function value(m: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await m.get()).values.reduce((n, v) => n + v.value, 0);
}

test(
  'a second agent on the node refuses to start naming the running one, and the first keeps capturing untouched',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const rx = await startStandInLokiReceiver();
    t.after(() => rx.close());
    const env = {
      INTERFLOW_RUN_DIR: runDir(t),
      INTERFLOW_LOKI_URL: rx.url,
      INTERFLOW_NETNS_DIRS: s.dir,
      INTERFLOW_HOST_NETNS: 'false',
      INTERFLOW_INTERFACES: 'net1,eth0',
      INTERFLOW_EVICT_INTERVAL: '500ms',
      INTERFLOW_BATCH_MAX_WAIT: '100ms',
    };
    const first = await startAgent(env);
    t.after(() => first.stop());
    await waitFor(
      '4 hooked',
      async () => (await first.metric('interflow_agent_interfaces_hooked')) === 4,
      WAIT_MS,
    );
    const before = await spots(s);
    assert.equal(before.length, 8, before.join('\n'));

    const refused = await startAgent(env).then(
      async (second) => {
        await second.stop();
        return 'started';
      },
      (e: Error) => e.message,
    );
    assert.match(refused, /agent exited with 3/);
    assert.match(
      refused,
      new RegExp(`another Interflow agent is running on this node: agent pid ${first.proc.pid} `),
      refused,
    );

    // The first one's filters are the same (same program ids), nothing was lost, and it records.
    assert.deepEqual(await spots(s), before);
    assert.equal(await first.metric('interflow_agent_hooks_lost_total'), 0);
    const count = rx.acceptedRecords().length;
    await s.exec(s.a, 'bash', ['-c', `echo after-refusal > /dev/udp/${s.net1.b}/5399`]);
    await waitFor(
      'records of a datagram sent after the refusal',
      () =>
        rx
          .acceptedRecords()
          .slice(count)
          .some((r) => r.Proto === 17 && r.DstPort === 5399 && r.Interfaces[0] === 'net1'),
      WAIT_MS,
    );
    assert.equal(await first.stop(), 0);
  },
);

test(
  'with INTERFLOW_LOCK_WAIT a second agent waits, and takes over as soon as the first has removed its hooks',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const dir = runDir(t);
    const first = agentOn(t, s, dir);
    await first.started;
    await waitFor('first: 4 hooked', () => hookedNames(first.capture).length === 4, WAIT_MS);
    const second = agentOn(t, s, dir, { INTERFLOW_LOCK_WAIT: '60s' });
    let secondStarted = false;
    void second.started.then(() => (secondStarted = true));
    const waiting = await waitFor(
      'the second agent saying it waits',
      () => second.logs.find((l) => l.msg.startsWith('another Interflow agent holds the node lock')),
      WAIT_MS,
    );
    assert.match(String(waiting.holder), new RegExp(`^agent pid ${process.pid} `));
    assert.equal(secondStarted, false, 'not started while the first holds the lock');
    assert.equal((await spots(s)).length, 8);

    const stoppingAt = Date.now();
    await first.capture.stop();
    await second.started;
    await waitFor('second: 4 hooked', () => hookedNames(second.capture).length === 4, WAIT_MS);
    t.diagnostic(
      `takeover: the second agent hooked everything ${Date.now() - stoppingAt} ms after the first began to stop`,
    );
    const now = await spots(s);
    assert.equal(now.length, 8, now.join('\n'));
    assert.equal(await value(second.metrics.staleHooksRemoved), 0, 'the first removed its own hooks');
  },
);

test(
  'the start-up sweep removes only filters of an agent that held the same lock; another lock’s are left, and so is the interface',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const lockA = runDir(t);
    const lockB = runDir(t);
    // Agent A crashes with its helper (an OOM kill): its 8 filters stay in the kernel.
    const a = agentOn(t, s, lockA);
    await a.started;
    await waitFor('A: 4 hooked', () => hookedNames(a.capture).length === 4, WAIT_MS);
    process.kill(a.capture.helper.pid!, 'SIGKILL');
    await waitFor(
      'A’s helper gone',
      () => a.capture.helper.pid !== undefined && !pidAlive(a.capture.helper.pid),
      WAIT_MS,
    );
    const left = await spots(s);
    assert.equal(left.length, 8);

    // Agent B holds another lock: it cannot prove A gone, so it removes nothing and attaches nothing.
    const b = agentOn(t, s, lockB);
    await b.started;
    await waitFor('B: 4 attach refusals', async () => (await value(b.metrics.attachErrors)) >= 4, WAIT_MS);
    assert.deepEqual(await spots(s), left, 'A’s filters untouched');
    assert.equal(await value(b.metrics.staleHooksRemoved), 0);
    const kept = b.logs.filter((l) => l.msg.startsWith('left Interflow filters of another agent'));
    assert.equal(
      kept.reduce((n, l) => n + Number(l.count), 0),
      8,
      JSON.stringify(kept),
    );
    assert.ok(
      b.logs.some((l) =>
        String(l.err).includes('another Interflow agent (another INTERFLOW_RUN_DIR) holds the tc hook'),
      ),
    );
    await b.capture.stop();
    assert.deepEqual(await spots(s), left, 'B’s stop removes nothing of A’s');

    // Agent C holds A's lock: A is provably gone, so C sweeps its filters and hooks everything.
    const c = agentOn(t, s, lockA);
    await c.started;
    await waitFor('C: 4 hooked', () => hookedNames(c.capture).length === 4, WAIT_MS);
    assert.equal(await value(c.metrics.staleHooksRemoved), 8);
    const mine = await spots(s);
    assert.equal(mine.length, 8);
    assert.notDeepEqual(mine, left, 'C’s own programs now');
  },
);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

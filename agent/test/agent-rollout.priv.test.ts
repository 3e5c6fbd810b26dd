// A DaemonSet rollout with surge, as the kubelet would run it on one node, with real agent
// processes: the new agent starts beside the old one and waits for the node lock, its ready file
// saying "standby" (what the readiness probe reads, so the controller deletes the old pod);
// then the old agent gets SIGTERM. Datagrams flow across net1 the whole time, one flow per
// datagram: every one is recorded by one agent or the other except a single run during the
// handover, and that gap is shorter than one eviction interval (the bound), and no
// datagram is recorded by both.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { privileged } from '../../test/support/privileged.ts';
import { createNetnsScenario } from '../../test/support/netns-scenario.ts';
import { startAgent, waitFor } from '../../test/support/processes.ts';
import { startStandInLokiReceiver } from './stand-in-loki-receiver.ts';

const EVICT_MS = 5000; // the agent's default INTERFLOW_EVICT_INTERVAL, which the DaemonSet keeps
const FIRST_PORT = 20000;
const WAIT_MS = 60_000;

interface Sent {
  seq: number;
  atMs: number;
}

test(
  'rollout with surge: the waiting agent takes over when the old one gets SIGTERM; every datagram is recorded once except a gap shorter than one eviction interval',
  privileged(),
  async (t) => {
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const rx = await startStandInLokiReceiver();
    t.after(() => rx.close());
    const scratch = mkdtempSync(join(tmpdir(), 'interflow-rollout-'));
    t.after(() => rmSync(scratch, { recursive: true, force: true }));
    const env = (pod: string) => ({
      INTERFLOW_RUN_DIR: join(scratch, 'run'), // the node's /run/interflow, shared by both pods
      INTERFLOW_READY_FILE: join(scratch, `${pod}.ready`), // each pod's own /tmp
      INTERFLOW_LOCK_WAIT: '60s',
      INTERFLOW_LOKI_URL: rx.url,
      INTERFLOW_NETNS_DIRS: s.dir,
      INTERFLOW_HOST_NETNS: 'false',
      INTERFLOW_INTERFACES: 'net1',
      INTERFLOW_EVICT_INTERVAL: `${EVICT_MS}ms`,
      INTERFLOW_BATCH_MAX_WAIT: '100ms',
      INTERFLOW_INVENTORY_INTERVAL: '1d',
    });
    const readyOf = (pod: string): string | null => {
      const f = join(scratch, `${pod}.ready`);
      return existsSync(f) ? readFileSync(f, 'utf8').trim() : null;
    };

    const old = await startAgent(env('old'));
    t.after(() => old.stop());
    await waitFor(
      'old: 2 hooked',
      async () => (await old.metric('interflow_agent_interfaces_hooked')) === 2,
      WAIT_MS,
    );
    assert.equal(readyOf('old'), 'capturing');

    // One datagram every ~20 ms to its own port, each send's time printed (EPOCHREALTIME is a
    // bash builtin: no fork between the send and the stamp).
    const sender = s.spawn(s.a, 'bash', [
      '-c',
      `i=0; while :; do echo x > /dev/udp/${s.net1.b}/$((${FIRST_PORT} + i % 30000)); echo "$i $EPOCHREALTIME"; i=$((i + 1)); sleep 0.02; done`,
    ]);
    t.after(() => sender.kill('SIGKILL'));
    const sent: Sent[] = [];
    createInterface({ input: sender.stdout! }).on('line', (line) => {
      const [seq, at] = line.split(' ');
      sent.push({ seq: Number(seq), atMs: Number(at!.replace(',', '.')) * 1000 });
    });
    await waitFor('100 datagrams sent before the rollout', () => sent.length >= 100, WAIT_MS);

    // The surge pod: it waits for the lock and says so in its ready file.
    const starting = startAgent(env('new'));
    t.after(async () => (await starting.catch(() => undefined))?.stop());
    const standby = await waitFor(
      'the new agent in standby',
      () => readyOf('new')?.startsWith('standby') && readyOf('new'),
      WAIT_MS,
    );
    assert.match(standby, new RegExp(`^standby waiting for agent pid ${old.proc.pid} `));

    // The controller deletes the old pod once the new one is ready: SIGTERM.
    const termAt = Date.now();
    const stopped = old.stop();
    const fresh = await starting;
    await waitFor(
      'new: 2 hooked',
      async () => (await fresh.metric('interflow_agent_interfaces_hooked')) === 2,
      WAIT_MS,
    );
    assert.equal(await stopped, 0);
    assert.equal(readyOf('old'), null, 'the old agent removed its ready file');
    assert.equal(readyOf('new'), 'capturing');
    const afterTakeover = sent.length;
    await waitFor('100 datagrams sent after the takeover', () => sent.length >= afterTakeover + 100, WAIT_MS);
    sender.kill('SIGKILL');
    assert.equal(await fresh.stop(), 0); // flushes what it holds

    // Which datagrams were recorded on net1, and how often (egress in a, ingress in b: 2 each).
    const times = new Map<number, number>();
    for (const r of rx.acceptedRecords()) {
      if (r.Proto !== 17 || r.DstAddr !== s.net1.b || r.DstPort < FIRST_PORT) continue;
      times.set(r.DstPort, (times.get(r.DstPort) ?? 0) + 1);
    }
    const last = sent.at(-1)!.seq;
    const seen = sent.filter((x) => x.seq < last && x.seq < 30000); // the last may be half sent
    const twice = seen.filter((x) => (times.get(FIRST_PORT + x.seq) ?? 0) > 2);
    assert.deepEqual(twice, [], 'a datagram recorded by both agents');
    const missing = seen.filter((x) => !times.has(FIRST_PORT + x.seq));
    const partial = seen.filter((x) => times.get(FIRST_PORT + x.seq) === 1);
    // A datagram caught between the two hooks of one agent (egress in a recorded, b's ingress not yet).
    const lost = [...missing, ...partial].sort((x, y) => x.seq - y.seq);
    t.diagnostic(
      `${seen.length} datagrams; not recorded: ${missing.length}, on one hook only: ${partial.length}; takeover took ${Date.now() - termAt} ms from SIGTERM (incl. the old agent's flush)`,
    );
    assert.ok(seen.length >= 200, `only ${seen.length} datagrams sent`);
    if (lost.length === 0) return;
    // One contiguous run around the handover, nothing lost before or after it.
    const first = lost[0]!.seq;
    const end = lost.at(-1)!.seq;
    assert.equal(
      lost.length,
      end - first + 1,
      `lost datagrams not one run: ${lost.map((x) => x.seq).join(',')}`,
    );
    const before = sent.find((x) => x.seq === first - 1);
    const after = sent.find((x) => x.seq === end + 1);
    assert.ok(before && after, 'the gap is inside the transfer');
    const gapMs = after.atMs - before.atMs;
    t.diagnostic(
      `capture gap: ${gapMs.toFixed(0)} ms (${lost.length} datagrams) against one eviction interval of ${EVICT_MS} ms`,
    );
    assert.ok(
      gapMs < EVICT_MS,
      `gap ${gapMs.toFixed(0)} ms is not below one eviction interval (${EVICT_MS} ms)`,
    );
  },
);

// Fault: under `npm start` (scripts/start.mjs), the backend is killed (kill -9) while traffic
// flows. start.mjs starts it again by itself, the agent keeps running (same process) and holds
// its records meanwhile, and when it is all over no record is lost: every flow record the agent
// made is in the store (read back), none was dropped. Ctrl-C then stops everything, and the
// agent says what became of the records it held.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privileged } from '../support/privileged.ts';
import { createNetnsScenario } from '../support/netns-scenario.ts';
import { REPO_ROOT, freePort, scrape, waitFor } from '../support/processes.ts';
import { iperfServer } from '../support/iperf.ts';
import { childPids, logLines, readStore } from './e2e-rig.ts';

const STREAMS = 4;

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

test(
  'npm start: the backend killed under traffic is started again, the agent keeps running, no record is lost',
  { ...privileged(), timeout: 400_000 },
  async (t) => {
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    const s = await createNetnsScenario();
    t.after(() => s.teardown());
    const dataDir = mkdtempSync(join(tmpdir(), 'interflow-e2e-data-'));
    const runDir = mkdtempSync(join(tmpdir(), 'interflow-run-'));
    t.after(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The embedded store's own port (not the default 3100, which a developer's npm start may hold).
    const storePort = await freePort();
    const storeUrl = `http://127.0.0.1:${storePort}`;
    const start = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        INTERFLOW_PORT: String(port),
        INTERFLOW_STORE_PORT: String(storePort),
        INTERFLOW_HOST: '127.0.0.1',
        INTERFLOW_DATA_DIR: dataDir,
        INTERFLOW_RUN_DIR: runDir,
        INTERFLOW_NETNS_DIRS: s.dir,
        INTERFLOW_HOST_NETNS: 'false',
        INTERFLOW_INTERFACES: 'net1,eth0',
        INTERFLOW_TC_ATTACH_MODE: 'tc',
        // Metrics on port 0 as well: the defaults (9101, 9437) are taken by any other npm start
        // on this machine, such as this same test in a parallel run of the suite.
        INTERFLOW_METRICS_PORT: '0',
        INTERFLOW_AGENT_METRICS_PORT: '0',
        INTERFLOW_EVICT_INTERVAL: '1s',
        INTERFLOW_BATCH_MAX_WAIT: '200ms',
        INTERFLOW_BACKOFF_MIN: '200ms',
        INTERFLOW_BACKOFF_MAX: '1s',
        // Reported once at start; its records are counted apart from the flow records.
        INTERFLOW_INVENTORY_INTERVAL: '1d',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    start.stdout.on('data', (d) => (out += d));
    start.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((done) => start.once('exit', (code) => done(code)));
    t.after(async () => {
      if (start.exitCode === null && start.signalCode === null) {
        start.kill('SIGINT');
        await exited;
      }
    });

    // Fails as soon as npm start exits, and either way says what it printed: a soak run once
    // waited the whole 180 s here without a word of why.
    const metricsUrl = await Promise.race([
      waitFor(
        'the agent running under npm start',
        () => {
          const m = /"metricsPort":(\d+).*"msg":"interflow agent running"/.exec(out);
          return m && `http://127.0.0.1:${m[1]}/metrics`;
        },
        180_000,
      ),
      exited.then((code) => {
        throw new Error(`npm start exited (code ${code}) before its agent ran`);
      }),
    ]).catch((e: Error) => {
      throw new Error(`${e.message}\nnpm start's output (last 4000 characters):\n${out.slice(-4000)}`);
    });
    await waitFor(
      '4 hooked interfaces',
      async () => (await scrape(metricsUrl)).get('interflow_agent_interfaces_hooked') === 4,
      60_000,
    );
    const pids = () => childPids(start.pid!);
    const backendPid = () => pids().find((p) => cmdline(p).includes('server/src/main.ts'));
    const agentPid = pids().find((p) => cmdline(p).includes('agent/src/main.ts'));
    assert.ok(agentPid, `the agent is a child of start.mjs: ${pids().map(cmdline).join('; ')}`);

    await iperfServer(s, s.b, s.net1.b, 5201);
    const traffic = s.spawn(s.a, 'iperf3', [
      '-c',
      s.net1.b,
      '-p',
      '5201',
      '-u',
      '-b',
      '200K',
      '-l',
      '500',
      '-P',
      String(STREAMS),
      '-t',
      '300',
    ]);
    const exportedBefore = await waitFor(
      'records delivered before the kill',
      async () => {
        const n = (await scrape(metricsUrl)).get('interflow_agent_records_exported_total') ?? 0;
        return n > 20 && n;
      },
      60_000,
    );

    const killed = backendPid();
    assert.ok(killed, 'the backend is a child of start.mjs');
    const errorsBefore = (await scrape(metricsUrl)).get('interflow_agent_push_errors_total') ?? 0;
    process.kill(killed, 'SIGKILL');
    await waitFor(
      'start.mjs saying it starts the backend again',
      () => out.includes('[start] backend exited'),
      30_000,
    );
    // The agent felt the outage (its pushes failed) and held its records meanwhile.
    await waitFor(
      'the agent’s pushes failing while the backend is away',
      async () => ((await scrape(metricsUrl)).get('interflow_agent_push_errors_total') ?? 0) > errorsBefore,
      60_000,
    );
    const restarted = await waitFor(
      'a new backend answering',
      async () => {
        const pid = backendPid();
        return pid !== undefined && pid !== killed && (await fetch(`${url}/healthz`)).ok && pid;
      },
      180_000,
    );
    assert.equal(
      pids().find((p) => cmdline(p).includes('agent/src/main.ts')),
      agentPid,
      'the same agent process kept running',
    );
    await waitFor(
      'records delivered to the new backend',
      async () =>
        ((await scrape(metricsUrl)).get('interflow_agent_records_exported_total') ?? 0) > exportedBefore + 20,
      60_000,
    );
    traffic.kill('SIGINT');

    // Settled: buffer empty and no new record for a few evictions.
    let last = '';
    let stableSince = Date.now();
    const settled = await waitFor(
      'agent settled (buffer empty, no new records)',
      async () => {
        const m = await scrape(metricsUrl);
        const sig = ['interflow_agent_flows_evicted_total', 'interflow_agent_records_exported_total']
          .map((n) => m.get(n))
          .join('/');
        if (sig !== last) {
          last = sig;
          stableSince = Date.now();
        }
        return m.get('interflow_agent_records_buffered') === 0 && Date.now() - stableSince > 3_000 && m;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const evicted = settled.get('interflow_agent_flows_evicted_total')!;
    const delivered = settled.get('interflow_agent_records_exported_total')!;
    const dropped = settled.get('interflow_agent_records_dropped_total') ?? 0;
    const unknown = settled.get('interflow_agent_unknown_interface_flows_total') ?? 0;
    assert.equal(
      settled.get('interflow_agent_ringbuf_flows_total'),
      0,
      'no ring-buffer fallback (it would merge entries)',
    );
    const stored = await readStore(storeUrl, { startNs });
    // A push the old backend stored but could not acknowledge before the kill is sent again:
    // count each record once.
    const distinct = new Set(stored.map((r) => JSON.stringify(r))).size;
    console.log(
      `backend pid ${killed} killed, ${restarted} started by npm start; agent pid ${agentPid} throughout; ` +
        `evicted ${evicted} flow entries, delivered ${delivered}, dropped ${dropped}; store holds ${stored.length} flow records (${distinct} distinct)`,
    );
    assert.equal(dropped, 0, 'no record dropped');
    assert.equal(distinct, evicted - unknown, 'every flow record the agent made is in the store');

    // Ctrl-C: everything stops; the agent says it delivered what it held.
    start.kill('SIGINT');
    assert.equal(await exited, 0);
    const stoppedLine = logLines(out).find((l) => l.msg.startsWith('stopped: every record it held'));
    assert.ok(stoppedLine, `the agent reports what became of its records:\n${out.slice(-3000)}`);
  },
);

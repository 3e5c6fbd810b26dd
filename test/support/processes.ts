// Starts the real Interflow processes the way `npm start` does (tsx on the TypeScript entry
// points), each on its own port with its own data directory, for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { backendNodeFlags } from './backend-node-flags.ts';
import { waitFor } from './wait.ts';

export { waitFor };

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => done(port));
    });
  });
}

export interface RunningProcess {
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
}

function launch(
  script: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
  root = REPO_ROOT,
): RunningProcess {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((done) => proc.once('exit', (code) => done(code)));
  return {
    proc,
    output: () => out,
    stop: async (graceMs = 15_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill9: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

export interface Backend extends RunningProcess {
  url: string;
  port: number;
  /** The embedded store's own address (INTERFLOW_STORE_PORT): push and Loki queries go here. */
  storeUrl: string;
  storePort: number;
  dataDir: string;
  /** Start again on the same port and data directory (after stop or kill9). */
  restart(): Promise<Backend>;
  cleanup(): void;
}

/** Whether a process started with `env` logs its info lines (where it reports its ports). */
function logsAtInfo(env: Record<string, string | undefined> = {}): boolean {
  const level = env.INTERFLOW_LOG_LEVEL ?? process.env.INTERFLOW_LOG_LEVEL ?? 'info';
  return ['info', 'debug', 'trace'].includes(level);
}

/** The address the backend logs once it listens (Fastify's "Server listening at …" line). */
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
/** The embedded store's own listening line (its port, INTERFLOW_STORE_PORT). */
const STORE_LISTENING = /Embedded store listening at (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * A restart binds the ports its clients already know, which were free only while the old process
 * held them: in between, an outgoing connection of any process on the machine can get one as its
 * ephemeral source port. Such a connection is short-lived, so a bind refused with EADDRINUSE is
 * tried again for a while (any other failure is the test's to see at once).
 */
async function restartOnSamePorts(start: () => Promise<Backend>): Promise<Backend> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await start();
    } catch (e) {
      if (!/EADDRINUSE/.test((e as Error).message) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function startBackend(
  opts: { port?: number; storePort?: number; dataDir?: string; env?: Record<string, string> } = {},
): Promise<Backend> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'interflow-e2e-data-'));
  // Without a given port the kernel picks one (port 0) and the backend reports it in its
  // "listening" log line, so no other process can take the port between choosing and binding.
  // A restart re-binds the port the clients already know.
  // (A caller that quiets the log below info gets a port chosen here, with that race.)
  const port = opts.port ?? (logsAtInfo(opts.env) ? 0 : await freePort());
  const storePort = opts.storePort ?? (logsAtInfo(opts.env) ? 0 : await freePort());
  const p = launch(
    'server/src/main.ts',
    {
      INTERFLOW_PORT: String(port),
      INTERFLOW_HOST: '127.0.0.1',
      INTERFLOW_STORE_PORT: String(storePort),
      INTERFLOW_METRICS_PORT: '0',
      INTERFLOW_DATA_DIR: dataDir,
      ...opts.env,
    },
    backendNodeFlags(),
  ); // as `npm run server` runs it
  let url = '';
  let storeUrl = '';
  await waitFor(
    'the backend to listen and answer /healthz',
    async () => {
      if (p.proc.exitCode !== null) throw new Error(`backend exited: ${p.output()}`);
      if (!storeUrl) {
        // Logged (and listening) before the backend's own port; absent with INTERFLOW_LOKI_URL.
        if (storePort !== 0) storeUrl = `http://127.0.0.1:${storePort}`;
        else storeUrl = STORE_LISTENING.exec(p.output())?.[1] ?? '';
      }
      if (!url) {
        if (port !== 0) url = `http://127.0.0.1:${port}`;
        else {
          const listening = LISTENING.exec(p.output());
          if (!listening) return false;
          url = listening[1]!;
        }
      }
      return (await fetch(`${url}/healthz`)).ok;
    },
    120_000, // tsx compiling on a loaded machine; a hang still fails
  ).catch(async (e: unknown) => {
    // Never ready: the caller gets no handle to clean up with, so stop it and drop its data here.
    await p.stop();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  const bound = Number(new URL(url).port);
  return {
    ...p,
    url,
    port: bound,
    storeUrl,
    storePort: storeUrl ? Number(new URL(storeUrl).port) : 0,
    dataDir,
    restart: () =>
      restartOnSamePorts(() =>
        startBackend({
          ...opts,
          port: bound,
          storePort: storeUrl ? Number(new URL(storeUrl).port) : undefined,
          dataDir,
        }),
      ),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export interface Agent extends RunningProcess {
  metricsUrl: string;
  /** Reads one metric's value (sum over its label sets) from /metrics. */
  metric(name: string): Promise<number>;
}

/** The agent's start-up line, which reports the metrics port it bound. */
const AGENT_RUNNING = /"metricsPort":(\d+).*"msg":"interflow agent running"/;

let testRunDir: string | undefined;
/**
 * The agents' node lock directory for this test process (INTERFLOW_RUN_DIR): the agents one
 * test file starts one after another share it like the agents of one node do, while test files
 * running in parallel (and a developer's `npm start`) never refuse each other.
 */
export function testAgentRunDir(): string {
  if (!testRunDir) {
    const dir = mkdtempSync(join(tmpdir(), 'interflow-run-'));
    testRunDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return testRunDir;
}

/**
 * Starts `agent/src/main.ts`; `options.root` runs another checkout's agent (benchmarks compare
 * against a baseline tree), `options.nodeFlags` go to node (e.g. --cpu-prof).
 */
export async function startAgent(
  env: Record<string, string>,
  options: { root?: string; nodeFlags?: string[] } = {},
): Promise<Agent> {
  // Metrics on port 0 (the kernel picks; the agent logs the port it got) unless the test sets
  // a port, or quiets the log so the line would not show (then a port chosen here, racily).
  const given = env.INTERFLOW_AGENT_METRICS_PORT;
  const port = given !== undefined ? Number(given) : logsAtInfo(env) ? 0 : await freePort();
  // The end-to-end tests count the agent's clsact filters with `tc`, so they run the tc attach
  // path unless a test asks for another; tcx links are covered by the capture tests.
  const p = launch(
    'agent/src/main.ts',
    {
      INTERFLOW_TC_ATTACH_MODE: 'tc',
      INTERFLOW_RUN_DIR: testAgentRunDir(),
      ...env,
      INTERFLOW_AGENT_METRICS_PORT: String(port),
    },
    options.nodeFlags,
    options.root,
  );
  let metricsUrl = '';
  // An agent that exits (it cannot run here, or another agent holds the node lock) fails the
  // start at once rather than after the probe's deadline (a throwing probe only means "not yet").
  let onExit: () => void = () => undefined;
  const exitedEarly = new Promise<never>((_, fail) => {
    onExit = () => fail(new Error(`agent exited with ${p.proc.exitCode}: ${p.output()}`));
    p.proc.once('exit', onExit);
  });
  exitedEarly.catch(() => undefined);
  const ready = waitFor(
    'agent metrics endpoint',
    async () => {
      if (p.proc.exitCode !== null) throw new Error(`agent exited with ${p.proc.exitCode}: ${p.output()}`);
      if (!metricsUrl) {
        const bound = port !== 0 ? port : AGENT_RUNNING.exec(p.output())?.[1];
        if (!bound) return false;
        metricsUrl = `http://127.0.0.1:${bound}/metrics`;
      }
      return (await fetch(metricsUrl)).ok;
    },
    120_000, // tsx compiling on a loaded machine; a hang still fails
  );
  await Promise.race([ready, exitedEarly])
    .catch(async (e: unknown) => {
      await p.stop(); // never ready: the caller has no handle to stop it with
      throw e;
    })
    .finally(() => p.proc.off('exit', onExit));
  return {
    ...p,
    metricsUrl,
    metric: async (name) => (await scrape(metricsUrl)).get(name) ?? 0,
  };
}

/** One scrape of a Prometheus endpoint: metric name → value summed over its label sets. */
export async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([0-9.eE+-]+|NaN)$/.exec(line);
    if (m) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[3]));
  }
  return out;
}

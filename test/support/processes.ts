// Starts the real Interflow processes the way `npm start` does (tsx on the TypeScript entry
// points), each on its own free port with its own data directory, for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

function launch(script: string, env: Record<string, string>, nodeFlags: string[] = []): RunningProcess {
  const proc = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    cwd: REPO_ROOT,
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

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
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

export async function startBackend(
  opts: { port?: number; storePort?: number; dataDir?: string; env?: Record<string, string> } = {},
): Promise<Backend> {
  const port = opts.port ?? (await freePort());
  const storePort = opts.storePort ?? (await freePort());
  const storeUrl = `http://127.0.0.1:${storePort}`;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'interflow-e2e-data-'));
  const url = `http://127.0.0.1:${port}`;
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
    ['--max-old-space-size=512'],
  ); // as `npm run server` runs it
  await waitFor(
    `backend /healthz on ${url}`,
    async () => {
      if (p.proc.exitCode !== null) throw new Error(`backend exited: ${p.output()}`);
      return (await fetch(`${url}/healthz`)).ok;
    },
    60_000,
  ).catch(async (e: unknown) => {
    // Never ready: the caller gets no handle to clean up with, so stop it and drop its data here.
    await p.stop();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  });
  return {
    ...p,
    url,
    port,
    storeUrl,
    storePort,
    dataDir,
    restart: () => startBackend({ ...opts, port, storePort, dataDir }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export interface Agent extends RunningProcess {
  metricsUrl: string;
  /** Reads one metric's value (sum over its label sets) from /metrics. */
  metric(name: string): Promise<number>;
}

export async function startAgent(env: Record<string, string>): Promise<Agent> {
  const metricsPort = await freePort();
  const p = launch('agent/src/main.ts', { INTERFLOW_AGENT_METRICS_PORT: String(metricsPort), ...env });
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitFor(
    'agent metrics endpoint',
    async () => {
      if (p.proc.exitCode !== null) throw new Error(`agent exited with ${p.proc.exitCode}: ${p.output()}`);
      return (await fetch(metricsUrl)).ok;
    },
    60_000,
  ).catch(async (e: unknown) => {
    await p.stop(); // never ready: the caller has no handle to stop it with
    throw e;
  });
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

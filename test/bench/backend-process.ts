// The backend as its own process, as `npm run server` runs it (its node flags,
// embedded store on a port of its own), for benchmarks that measure it from outside: its RSS
// and CPU time read from /proc, so the benchmark's own work is not counted. `root` runs the
// backend of another checkout (a same-run baseline such as main's tree).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { backendNodeFlags } from '../support/backend-node-flags.ts';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Backend {
  child: ChildProcess;
  url: string;
  /** The embedded store's Loki API ('' when the backend reads another Loki). */
  storeUrl: string;
  /** Its Prometheus /metrics. */
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startBackend(
  env: Record<string, string>,
  root = REPO,
  nodeOptions: readonly string[] = [],
): Promise<Backend> {
  // the metrics server logs nothing, so its port is chosen here (a free one, just released)
  const metricsPort = env.INTERFLOW_METRICS_PORT ?? String(await freePort());
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const child = spawn(
    process.execPath,
    [...backendNodeFlags(), ...nodeOptions, '--import', 'tsx', join(root, 'server/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        INTERFLOW_PORT: '0',
        INTERFLOW_HOST: '127.0.0.1',
        INTERFLOW_LOG_LEVEL: 'info',
        INTERFLOW_STORE_PORT: '0', // the embedded store's Loki API, on a port of its own
        INTERFLOW_METRICS_HOST: '127.0.0.1',
        ...env,
        INTERFLOW_METRICS_PORT: metricsPort, // other backends on this machine may hold the default
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const embedded = !env.INTERFLOW_LOKI_URL;
  const [url, storeUrl] = await new Promise<[string, string]>((done, fail) => {
    let buf = '';
    let api = '';
    let store = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      api ||= /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buf)?.[1] ?? '';
      store ||= /Embedded store listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buf)?.[1] ?? '';
      if (api && (store || !embedded)) done([api, store]);
      if (buf.length > 100_000) buf = buf.slice(-10_000);
    });
    child.once('exit', (code) => fail(new Error(`backend exited with ${code}: ${buf.slice(-500)}`)));
  });
  child.stdout!.resume();
  return {
    child,
    url,
    storeUrl,
    metricsUrl,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** The value of one unlabelled metric of a Prometheus text exposition (NaN when absent). */
export async function scrapeMetric(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** User + system CPU seconds the process has used (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) in parentheses
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) n += statSync(join(dir, f)).size;
  return n;
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Median and min–max of a list of figures. */
export function spread(xs: readonly number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)! };
}

/**
 * Resolves once the process has used less than `busyBelow` of a core (default 2 %) over a
 * whole second: a backend that opened a large store first loads its column index in the
 * background, which would otherwise be measured with whatever comes next. (A process run with
 * --cpu-prof uses about 10 % of a core while idle: its profiler's sampling.)
 */
export async function untilIdle(pid: number, busyBelow = 0.02, timeoutMs = 900_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let before = cpuSecondsOf(pid);
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuSecondsOf(pid);
    if (now - before < busyBelow) return;
    before = now;
  }
  throw new Error(`process ${pid} was still busy after ${timeoutMs / 1000} s`);
}

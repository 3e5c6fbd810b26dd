// Shared pieces of the end-to-end tests: iperf3 in the scenario's namespaces, reading every
// record the store holds, counting Interflow's tc filters, and a static enrichment file for
// the scenario's (per-run) namespace names. Not a test file itself (no `.e2e.test.ts`).
import { readFileSync, writeFileSync, mkdtempSync, rmSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsScenario, ScenarioNamespace } from '../support/netns-scenario.ts';
import { REPO_ROOT, waitFor } from '../support/processes.ts';
import type { FlowRecord } from '../fixtures/flow-generator.ts';

// Ethernet + IPv4 + TCP with timestamps (Linux default) / + UDP. A GSO packet carries one set
// of headers for all its payload and the hook counts it as one packet, so payload = Bytes -
// Packets × headers stays exact (the agent's own net1 test uses the same accounting).
export const TCP_HEADERS = 14 + 20 + 32;
export const UDP_HEADERS = 14 + 20 + 8;

export interface IperfResult {
  localPort: number;
  sentBytes: number;
}

export async function iperfServer(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  bind: string,
  port: number,
): Promise<void> {
  const srv = s.spawn(ns, 'iperf3', ['-s', '--forceflush', '-B', bind, '-p', String(port)]);
  let out = '';
  srv.stdout!.on('data', (d) => (out += d));
  srv.stderr!.on('data', (d) => (out += d));
  await waitFor(`iperf3 server on ${bind}:${port}`, async () => out.includes('Server listening'), 10_000, 50);
}

/** Runs an iperf3 client in `ns` and returns the data connection's local port and the bytes sent. */
export async function iperfClient(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  args: string[],
): Promise<IperfResult> {
  const json = JSON.parse(await s.exec(ns, 'iperf3', ['-J', ...args])) as {
    start: { connected: { local_port: number }[] };
    end: { sum_sent?: { bytes: number }; sum?: { bytes: number } };
    error?: string;
  };
  if (json.error) throw new Error(`iperf3: ${json.error}`);
  return {
    localPort: json.start.connected[0]!.local_port,
    sentBytes: json.end.sum_sent?.bytes ?? json.end.sum!.bytes,
  };
}

/**
 * The checked-in enrichment fixture pinned to the scenario's per-run namespace names (the
 * fixture may name them with a `*` pattern; the exact names keep a concurrent run's
 * namespaces from matching). Returns the file path and a remover.
 */
export function writeScenarioEnrichment(s: NetnsScenario): { file: string; remove: () => void } {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/static-enrichment.json'), 'utf8');
  const mapping = JSON.parse(text) as { pods: { netns?: string }[] };
  const glob = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const legacy: Record<string, string> = { 'interflow-pod-a': s.a.name, 'interflow-pod-b': s.b.name };
  for (const pod of mapping.pods) {
    const pattern = pod.netns ?? '';
    const name = legacy[pattern] ?? [s.a.name, s.b.name].find((n) => glob(pattern).test(n));
    if (!name)
      throw new Error(
        `fixture pod netns ${JSON.stringify(pattern)} matches neither ${s.a.name} nor ${s.b.name}`,
      );
    pod.netns = name;
  }
  const dir = mkdtempSync(join(tmpdir(), 'interflow-e2e-enrich-'));
  const file = join(dir, 'static-enrichment.json');
  writeFileSync(file, JSON.stringify(mapping, null, 2));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface QueryRangeAnswer {
  data: { result: { stream: Record<string, string>; values: [string, string][] }[] };
}

const STORE_PAGE = 5000; // the embedded store's (and Loki's) per-query maximum

/**
 * Every record the store holds for `selector` between start and end (ns), read straight from
 * the Loki API. Windows that hit the per-query limit are split in two, so entries that share
 * a timestamp are never skipped (paging by "last timestamp + 1" would lose them).
 */
export async function readStore(
  storeUrl: string,
  opts: { selector?: string; startNs?: bigint; endNs?: bigint } = {},
): Promise<FlowRecord[]> {
  const selector = opts.selector ?? '{app="interflow"}';
  const startNs = opts.startNs ?? BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const endNs = opts.endNs ?? BigInt(Date.now() + 60_000) * 1_000_000n;
  const out: FlowRecord[] = [];
  const window = async (from: bigint, to: bigint): Promise<void> => {
    const qs = new URLSearchParams({
      query: selector,
      start: from.toString(),
      end: to.toString(), // exclusive, as in Loki
      limit: String(STORE_PAGE),
      direction: 'forward',
    });
    const res = await fetch(`${storeUrl}/loki/api/v1/query_range?${qs}`);
    if (res.status !== 200) throw new Error(`query_range ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as QueryRangeAnswer;
    const values = body.data.result.flatMap((st) => st.values);
    if (values.length >= STORE_PAGE) {
      if (to - from <= 1n) throw new Error(`more than ${STORE_PAGE} entries share timestamp ${from}`);
      const mid = from + (to - from) / 2n;
      await window(from, mid);
      await window(mid, to);
      return;
    }
    for (const [, line] of values) out.push(JSON.parse(line) as FlowRecord);
  };
  await window(startNs, endNs);
  return out;
}

/** The Interflow filters (program names start with "interflow_") on one clsact hook of a link. */
export async function interflowFilters(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  dev: string,
  dir: 'ingress' | 'egress',
): Promise<string[]> {
  const out = await s.exec(ns, 'tc', ['filter', 'show', 'dev', dev, dir]).catch((e: Error) => {
    // No clsact qdisc (never hooked, or removed with our last filter) means no filter.
    if (/Cannot find specified qdisc|No such file|Invalid handle/i.test(e.message)) return '';
    throw e;
  });
  return out.split('\n').filter((l) => /\binterflow_(in|eg)\b/.test(l));
}

/** Links of a namespace (names, loopback excluded). */
export async function linksOf(s: NetnsScenario, ns: ScenarioNamespace): Promise<string[]> {
  const out = await s.exec(ns, 'ip', ['-o', 'link', 'show']);
  return out
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n !== 'lo');
}

/** Open file descriptors and resident memory (kB) of a process. */
export function processFootprint(pid: number): { fds: number; rssKb: number } {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { fds, rssKb };
}

/** The PIDs of a process's children (the agent's native helper lives there). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    } catch {
      /* thread ended */
    }
  }
  return out;
}

/** What an fd points at (for a readable leak report). */
export function fdTargets(pid: number): string[] {
  return readdirSync(`/proc/${pid}/fd`).map((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      return '?';
    }
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sum of the IPv4 payload bytes of records once per-packet headers are taken off. */
export function payload(records: FlowRecord[], headers: number): number {
  return records.reduce((n, r) => n + r.Bytes - r.Packets * headers, 0);
}

export function within(measured: number, expected: number, tolerance: number): boolean {
  return expected > 0 && Math.abs(measured / expected - 1) <= tolerance;
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

export interface LogLine {
  level: number;
  msg: string;
  netns?: string;
  ifname?: string;
  [key: string]: unknown;
}

/** The agent's structured (pino JSON) log lines so far. */
export function logLines(output: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogLine);
    } catch {
      /* a line cut by the pipe */
    }
  }
  return out;
}

/** A flow record's identity for one eviction interval (duplicates share it). */
export function intervalKey(r: FlowRecord): string {
  return [
    r.SrcAddr,
    r.SrcPort,
    r.DstAddr,
    r.DstPort,
    r.Proto,
    r.Interfaces.join(','),
    r.IfNetns.join(','),
    r.IfDirections.join(','),
    r.TimeFlowStartMs,
  ].join('|');
}

export function duplicates(records: FlowRecord[]): string[] {
  const seen = new Map<string, number>();
  for (const r of records) seen.set(intervalKey(r), (seen.get(intervalKey(r)) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${n}× ${k}`);
}

// Shared pieces of the end-to-end tests: the product started on the reference scenario
// (namespaces, backend with its embedded store, agent), reading every record the store
// holds, counting Interflow's tc filters, and a static enrichment file for the scenario's
// (per-run) namespace names. Not a test file itself (no `.e2e.test.ts`). iperf3 helpers are
// in test/support/iperf.ts (the agent's own tests use them too).
import { readFileSync, writeFileSync, mkdtempSync, rmSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNetnsScenario,
  type NetnsScenario,
  type ScenarioNamespace,
} from '../support/netns-scenario.ts';
import {
  REPO_ROOT,
  startAgent,
  startBackend,
  waitFor,
  type Agent,
  type Backend,
} from '../support/processes.ts';
import type { FlowRecord } from '../fixtures/flow-generator.ts';
import { MAX_ENTRIES_LIMIT } from '../../server/src/store/http/http-params.ts';

export interface ProductRigOptions {
  /**
   * Merged over the agent's default environment (the scenario's namespaces only, its `net1`
   * and `eth0` only, 1 s evictions, pushes within 200 ms); `undefined` removes a variable.
   */
  agentEnv?: Record<string, string | undefined>;
  /** Point the agent at the checked-in static enrichment, pinned to this run's namespaces. */
  staticEnrichment?: boolean;
}

/** The whole product on the reference scenario, as the end-to-end tests start it. */
export interface ProductRig {
  s: NetnsScenario;
  /** The backend running now (see restartBackend). */
  readonly backend: Backend;
  /** The agent started last (see startAgent). */
  readonly agent: Agent;
  /**
   * Starts an agent with the rig's environment and waits until it has hooked the scenario's
   * four interfaces; it becomes `agent`. The one before must have stopped.
   */
  startAgent(what: string): Promise<Agent>;
  /** Starts the backend again on its port and data directory (after stop or kill9). */
  restartBackend(): Promise<Backend>;
  /** Agent first (it removes its hooks), then the backend and its data, then the namespaces. */
  teardown(): Promise<void>;
}

/**
 * Creates the scenario and starts the backend and an agent that sees only the scenario's
 * namespaces (its own netns directory, the host namespace off), so no real interface of this
 * machine is ever hooked. Whatever was started is removed again if a step fails.
 */
export async function startProduct(opts: ProductRigOptions = {}): Promise<ProductRig> {
  const s = await createNetnsScenario();
  let backend: Backend | undefined;
  let agent: Agent | undefined;
  let enrichment: { file: string; remove: () => void } | undefined;
  const teardown = async (): Promise<void> => {
    await agent?.stop();
    await backend?.stop();
    backend?.cleanup();
    await s.teardown();
    enrichment?.remove();
  };
  try {
    if (opts.staticEnrichment) enrichment = writeScenarioEnrichment(s);
    backend = await startBackend();
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries({
      INTERFLOW_LOKI_URL: backend.storeUrl,
      INTERFLOW_NETNS_DIRS: s.dir,
      INTERFLOW_HOST_NETNS: 'false',
      INTERFLOW_INTERFACES: 'net1,eth0',
      INTERFLOW_EVICT_INTERVAL: '1s',
      INTERFLOW_BATCH_MAX_WAIT: '200ms',
      ...(enrichment && { INTERFLOW_STATIC_ENRICHMENT: enrichment.file }),
      ...opts.agentEnv,
    }))
      if (value !== undefined) env[name] = value;
    const start = async (what: string): Promise<Agent> => {
      const started = await startAgent(env);
      agent = started;
      await waitFor(
        `${what}: 4 hooked interfaces`,
        async () => (await started.metric('interflow_agent_interfaces_hooked')) === 4,
        30_000,
      );
      return started;
    };
    await start('agent start');
    return {
      s,
      get backend() {
        return backend!;
      },
      get agent() {
        return agent!;
      },
      startAgent: start,
      restartBackend: async () => (backend = await backend!.restart()),
      teardown,
    };
  } catch (e) {
    await teardown();
    throw e;
  }
}

/**
 * The checked-in enrichment fixture pinned to the scenario's per-run namespace names (the
 * fixture names them with `*` patterns such as `iflow-a-*`; the exact names keep a concurrent run's
 * namespaces from matching). Returns the file path and a remover.
 */
function writeScenarioEnrichment(s: NetnsScenario): { file: string; remove: () => void } {
  const text = readFileSync(join(REPO_ROOT, 'test/fixtures/static-enrichment.json'), 'utf8');
  const mapping = JSON.parse(text) as { pods: { netns?: string }[] };
  const glob = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  for (const pod of mapping.pods) {
    const pattern = pod.netns ?? '';
    const name = [s.a.name, s.b.name].find((n) => glob(pattern).test(n));
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

const STORE_PAGE = MAX_ENTRIES_LIMIT; // the embedded store's (and Loki's default) per-query maximum

/**
 * Every record the store holds for `selector` between start and end (ns), read straight from
 * the Loki API. Windows that hit the per-query limit are split in two, so entries that share
 * a timestamp are never skipped (paging by "last timestamp + 1" would lose them).
 */
export async function readStore(
  storeUrl: string,
  opts: { selector?: string; startNs?: bigint; endNs?: bigint } = {},
): Promise<FlowRecord[]> {
  // Flow records only: the agent's interface inventory is a stream of its own (_RecordType="interface").
  const selector = opts.selector ?? '{app="interflow", _RecordType!="interface"}';
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

/** The eight hook points of the scenario: both directions of net1 and eth0 in both pods. */
export function scenarioHookPoints(
  s: NetnsScenario,
): { ns: ScenarioNamespace; dev: string; dir: 'ingress' | 'egress' }[] {
  return [s.a, s.b].flatMap((ns) =>
    ['net1', 'eth0'].flatMap((dev) => (['ingress', 'egress'] as const).map((dir) => ({ ns, dev, dir }))),
  );
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

/**
 * The agent's native helper(s), told by their executable: the agent has other, short-lived
 * children too (the inventory reads sysfs inside other namespaces through `unshare` and `nsenter`).
 */
export function helperPids(agentPid: number): number[] {
  return childPids(agentPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.endsWith('/interflow-agent-helper');
    } catch {
      return false; // exited meanwhile: a short-lived child, not the helper
    }
  });
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

export function within(measured: number, expected: number, tolerance: number): boolean {
  return expected > 0 && Math.abs(measured / expected - 1) <= tolerance;
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
function intervalKey(r: FlowRecord): string {
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

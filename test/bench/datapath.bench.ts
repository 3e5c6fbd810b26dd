// Datapath benchmark (`npm run bench:datapath`, part of `npm run bench`): what the TC hooks
// cost the traffic they watch. Prints figures, asserts nothing.
//
// Reference topology (test/support/netns-scenario.ts); iperf3 client in A pinned to CPU 0,
// server in B pinned to CPU 1 (-A), over net1. Arms, each on net1 ingress + egress of both
// ends (4 hooks):
//   bare            nothing attached
//   noop tc         a do-nothing program (agent/bench/noop.bpf.c) on a clsact qdisc (cls_bpf)
//   noop tcx        the same program on tcx links: the attach path's own cost
//   interflow prog tc / tcx   Interflow's flows.bpf.o loaded and attached by bench-attach like
//                   NetObserv's below (no agent process, maps at their built-in sizes)
//   agent no hooks  the agent process running with an interface filter that matches nothing
//   agent tc / tcx  the agent hooking net1, INTERFLOW_TC_ATTACH_MODE=tc / tcx
//   netobserv tc / tcx   only when NETOBSERV_BPF_OBJ names a prebuilt NetObserv bpf/flows.c
//                   object: its tc_*_flow_parse / tcx_*_flow_parse programs, every packet, no
//                   sampling, loaded by agent/bench/bench-attach.c (hash maps capped at
//                   100 000 entries, no pinning). Nothing of NetObserv is in this repository.
// Every round runs every arm once, in an order that alternates (forward, then backward), so
// drift and warm-up hit all arms alike. Per arm: median and spread (min–max) of the 64-byte UDP
// packet rate received and of TCP throughput; ratios of medians against bare and against the
// do-nothing program on legacy tc, same run.
// Second part, in-kernel cost per packet: each program run 1 000 000 times on one 64-byte UDP
// frame through BPF_PROG_TEST_RUN (agent/bench/bench-attach.c "run"), the kernel's average ns
// per run; its timer stops while the task is preempted, so this figure holds on a busy shared
// machine where packet rates swing. Programs: the do-nothing one, Interflow's flows.bpf.o,
// NetObserv's tc and tcx programs, and BENCH_PREVIOUS_BPF_OBJ (an earlier Interflow
// flows.bpf.o, for before/after) when given. Alternating order, BENCH_DATAPATH_RUNS rounds.
// Environment: BENCH_DATAPATH_ARMS (comma-separated arm names; bare and noop tc always run),
// BENCH_DATAPATH_ROUNDS (default 7), BENCH_DATAPATH_SECONDS (per measurement,
// default 3), BENCH_DATAPATH_IPERF=0 (skip the packet-rate part), BENCH_DATAPATH_RUNS
// (default 9), NETOBSERV_BPF_OBJ, BENCH_PREVIOUS_BPF_OBJ.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createNetnsScenario,
  type NetnsScenario,
  type ScenarioNamespace,
} from '../support/netns-scenario.ts';
import { privilegeProblem } from '../support/privileged.ts';
import { REPO_ROOT, startAgent, type Agent } from '../support/processes.ts';

const ROUNDS = Math.max(1, Number(process.env.BENCH_DATAPATH_ROUNDS ?? 7));
const SECONDS = Number(process.env.BENCH_DATAPATH_SECONDS ?? 3);
const NETOBSERV = process.env.NETOBSERV_BPF_OBJ;
const PREVIOUS = process.env.BENCH_PREVIOUS_BPF_OBJ;
const IPERF = process.env.BENCH_DATAPATH_IPERF !== '0';
const RUNS = Math.max(1, Number(process.env.BENCH_DATAPATH_RUNS ?? 9));
/**
 * More Interflow objects to compare (variants of flows.bpf.c built elsewhere), as
 * `name=path.o@tc` or `@tcx`, separated by `;`: each becomes an arm and an in-kernel target.
 */
const EXTRA_OBJS = (process.env.BENCH_DATAPATH_OBJS ?? '')
  .split(';')
  .filter(Boolean)
  .map((spec) => {
    const m = /^([^=]+)=(.+)@(tcx?)$/.exec(spec.trim());
    if (!m) throw new Error(`BENCH_DATAPATH_OBJS: "${spec}" is not name=path.o@tc|tcx`);
    return { name: m[1]!, obj: m[2]!, mode: m[3] as 'tc' | 'tcx' };
  });
const PORT = 5301;
/**
 * iperf3 client and server under SCHED_FIFO (chrt -f 10), so other work on this shared machine
 * cannot take their CPUs during a measurement; the packets' kernel path (veth, the hooks, the
 * receiving softirq) runs in their context. The agent's own processes keep their normal
 * priority: its user-space cost is item 5's figure (agent CPU per 100 000 records), not this
 * one. BENCH_DATAPATH_RT=0 measures at normal priority.
 */
const RT = process.env.BENCH_DATAPATH_RT !== '0';
const rt = (cmd: string[]): [string, string[]] =>
  RT ? ['chrt', ['-f', '10', ...cmd]] : [cmd[0]!, cmd.slice(1)];
/** Comma-separated arm names to run (bare and noop tc always run: they are the baselines). */
const ONLY = process.env.BENCH_DATAPATH_ARMS?.split(',')
  .map((a) => a.trim())
  .filter(Boolean);
const BUILD = join(REPO_ROOT, 'agent', 'build');

interface Arm {
  name: string;
  /** Attaches; returns what detaches. */
  setup: (s: NetnsScenario, loki: string) => Promise<() => Promise<void>>;
}

/** The iperf3 server in B: restarted when a client run hangs (see `measured`). */
let server: ChildProcess | undefined;
async function startServer(s: NetnsScenario): Promise<void> {
  server?.kill('SIGKILL');
  server = s.spawn(s.b, ...rt(['iperf3', '-s', '-A', '1', '-B', s.net1.b, '-p', String(PORT)]));
  await new Promise((r) => setTimeout(r, 500));
}

/**
 * One measurement; a run that hangs or fails is retried once against a fresh server. A 64-byte
 * UDP flood can leave iperf3's client waiting forever for the server's end-of-test exchange
 * (seen here after 7 rounds): `timeout` ends it, and the figure of that run is not used.
 */
async function measured<T>(s: NetnsScenario, what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    console.log(
      `  iperf3 run failed (${(e as Error).message.split('\n')[0]}): server restarted, run repeated`,
    );
    await startServer(s);
    return what();
  }
}

async function iperf(s: NetnsScenario, args: string[]) {
  const out = JSON.parse(
    await s.exec(s.a, 'timeout', [
      '-k',
      '2',
      String(SECONDS + 20),
      ...(RT ? ['chrt', '-f', '10'] : []),
      'iperf3',
      '-J',
      '-A',
      '0',
      '-c',
      s.net1.b,
      '-p',
      String(PORT),
      '-t',
      String(SECONDS),
      ...args,
    ]),
  ) as {
    end: {
      sum_received?: { bits_per_second: number };
      sum?: { packets: number; lost_packets: number; seconds: number };
    };
    error?: string;
  };
  if (out.error) throw new Error(`iperf3: ${out.error}`);
  return out.end;
}

async function udpKpps(s: NetnsScenario): Promise<number> {
  const sum = (await iperf(s, ['-u', '-b', '0', '-l', '64'])).sum!;
  return (sum.packets - sum.lost_packets) / sum.seconds / 1000;
}

async function tcpGbps(s: NetnsScenario): Promise<number> {
  return (await iperf(s, [])).sum_received!.bits_per_second / 1e9;
}

/** bench-attach on net1 of one namespace; resolves once it printed "ready". */
function benchAttach(
  obj: string,
  mode: string,
  ns: ScenarioNamespace,
  progs: [string, string],
): Promise<ChildProcess> {
  const child = spawn(join(BUILD, 'bench', 'bench-attach'), [obj, mode, ns.path, 'net1', ...progs], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`bench-attach ${mode} ${obj} exited ${code}: ${err}`)));
  });
}

function programArm(name: string, obj: string, mode: 'tc' | 'tcx', progs: [string, string]): Arm {
  return {
    name,
    setup: async (s) => {
      const children = [await benchAttach(obj, mode, s.a, progs), await benchAttach(obj, mode, s.b, progs)];
      return async () => {
        for (const c of children) {
          const exited = new Promise((r) => c.once('exit', r));
          c.stdin!.end();
          await exited;
        }
      };
    },
  };
}

async function waitHooked(agent: Agent, n: number): Promise<void> {
  const until = Date.now() + 20_000;
  while ((await agent.metric('interflow_agent_interfaces_hooked')) !== n) {
    if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.output()}`);
    if (Date.now() > until) throw new Error(`agent hooks: not ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function agentArm(name: string, env: Record<string, string>, hooks: number): Arm {
  return {
    name,
    setup: async (s, loki) => {
      const agent = await startAgent({
        INTERFLOW_LOKI_URL: loki,
        INTERFLOW_NETNS_DIRS: s.dir,
        INTERFLOW_HOST_NETNS: 'false',
        INTERFLOW_EVICT_INTERVAL: '5s',
        INTERFLOW_LOG_LEVEL: 'warn',
        ...env,
      });
      await waitHooked(agent, hooks);
      await new Promise((r) => setTimeout(r, 500)); // start-up work out of the way
      return async () => void (await agent.stop());
    },
  };
}

/** A Loki push endpoint that accepts everything. */
async function nullLoki(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

interface RunTarget {
  name: string;
  key: string;
  obj: string;
  progs: [string, string];
}

/** Average ns per run of both programs (BPF_PROG_TEST_RUN, 1 000 000 runs each). */
function testRun(t: RunTarget): { ingressNs: number; egressNs: number } {
  const out = execFileSync(
    join(BUILD, 'bench', 'bench-attach'),
    [t.obj, 'run', '1000000', '64', ...t.progs],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as { ingressNs: number; egressNs: number };
}

function programCost(result: Record<string, number | string>): void {
  const targets: RunTarget[] = [
    {
      name: 'do-nothing program',
      key: 'noop',
      obj: join(BUILD, 'bench', 'noop.bpf.o'),
      progs: ['noop_in', 'noop_eg'],
    },
    {
      name: 'Interflow flows.bpf.o',
      key: 'interflow',
      obj: join(BUILD, 'flows.bpf.o'),
      progs: ['interflow_in', 'interflow_eg'],
    },
  ];
  if (PREVIOUS && existsSync(PREVIOUS)) {
    targets.push({
      name: 'Interflow, previous object',
      key: 'previous',
      obj: PREVIOUS,
      progs: ['interflow_in', 'interflow_eg'],
    });
  }
  if (NETOBSERV && existsSync(NETOBSERV)) {
    targets.push({
      name: 'NetObserv tc programs',
      key: 'netobservTc',
      obj: NETOBSERV,
      progs: ['tc_ingress_flow_parse', 'tc_egress_flow_parse'],
    });
    targets.push({
      name: 'NetObserv tcx programs',
      key: 'netobservTcx',
      obj: NETOBSERV,
      progs: ['tcx_ingress_flow_parse', 'tcx_egress_flow_parse'],
    });
  }
  for (const x of EXTRA_OBJS)
    targets.push({ name: x.name, key: x.name, obj: x.obj, progs: ['interflow_in', 'interflow_eg'] });
  const ns = new Map<string, number[]>(targets.map((t) => [t.key, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      const r = testRun(t);
      ns.get(t.key)!.push((r.ingressNs + r.egressNs) / 2);
    }
  }
  const noop = median(ns.get('noop')!);
  console.log(
    `\nin-kernel cost per packet (BPF_PROG_TEST_RUN, 64-byte UDP frame, one flow, 1 000 000 runs, ${RUNS} alternating rounds)`,
  );
  console.log('| program | ns per packet, median (min–max) | above the do-nothing program |\n|---|---|---|');
  for (const t of targets) {
    const v = ns.get(t.key)!;
    console.log(
      `| ${t.name} | ${median(v).toFixed(1)} (${Math.min(...v)}–${Math.max(...v)}) | ${(median(v) - noop).toFixed(1)} |`,
    );
    result[`${t.key}RunNs`] = median(v);
    result[`${t.key}RunSpread`] = `${Math.min(...v)}–${Math.max(...v)}`;
  }
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

async function main(): Promise<void> {
  const problem = privilegeProblem();
  if (problem) {
    console.log(`datapath bench skipped: ${problem}`);
    return;
  }
  execFileSync('make', ['-s', '-C', join(REPO_ROOT, 'agent'), 'all', 'bench'], { stdio: 'inherit' });
  const noop = join(BUILD, 'bench', 'noop.bpf.o');
  const flowsObj = join(BUILD, 'flows.bpf.o');
  let arms: Arm[] = [
    { name: 'bare', setup: async () => async () => undefined },
    programArm('noop tc', noop, 'tc', ['noop_in', 'noop_eg']),
    programArm('noop tcx', noop, 'tcx', ['noop_in', 'noop_eg']),
    // Interflow's own program loaded and attached by the bench's loader, as NetObserv's is: what
    // separates these arms from the agent's is the agent (its maps' sizes, drain and processes).
    programArm('interflow prog tc', flowsObj, 'tc', ['interflow_in', 'interflow_eg']),
    programArm('interflow prog tcx', flowsObj, 'tcx', ['interflow_in', 'interflow_eg']),
    agentArm('agent no hooks', { INTERFLOW_INTERFACES: 'no-such-interface' }, 0),
    agentArm('agent tc', { INTERFLOW_INTERFACES: 'net1', INTERFLOW_TC_ATTACH_MODE: 'tc' }, 2),
    agentArm('agent tcx', { INTERFLOW_INTERFACES: 'net1', INTERFLOW_TC_ATTACH_MODE: 'tcx' }, 2),
  ];
  for (const x of EXTRA_OBJS) arms.push(programArm(x.name, x.obj, x.mode, ['interflow_in', 'interflow_eg']));
  if (NETOBSERV && existsSync(NETOBSERV)) {
    arms.push(programArm('netobserv tc', NETOBSERV, 'tc', ['tc_ingress_flow_parse', 'tc_egress_flow_parse']));
    arms.push(
      programArm('netobserv tcx', NETOBSERV, 'tcx', ['tcx_ingress_flow_parse', 'tcx_egress_flow_parse']),
    );
  } else {
    console.log('datapath bench: NETOBSERV_BPF_OBJ not set (or missing): no NetObserv arms');
  }
  if (ONLY) {
    const unknown = ONLY.filter((n) => !arms.some((a) => a.name === n));
    if (unknown.length) throw new Error(`BENCH_DATAPATH_ARMS: no arm named ${unknown.join(', ')}`);
    const always = new Set(['bare', 'noop tc', ...EXTRA_OBJS.map((x) => x.name)]);
    arms = arms.filter((a) => always.has(a.name) || ONLY.includes(a.name));
  }
  const result: Record<string, number | string> = {
    part: 'datapath',
    source: 'test/bench/datapath.bench.ts',
    rounds: ROUNDS,
    realtime: RT ? 'iperf3 SCHED_FIFO 10' : 'normal priority',
  };
  programCost(result);
  if (!IPERF) {
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
    return;
  }
  const s = await createNetnsScenario();
  const loki = await nullLoki();
  const udp = new Map<string, number[]>(arms.map((a) => [a.name, []]));
  const tcp = new Map<string, number[]>(arms.map((a) => [a.name, []]));
  const t0 = Date.now();
  try {
    await startServer(s);
    // Discarded warm-up: the first runs in a fresh topology are consistently slower.
    await measured(s, () => udpKpps(s));
    await measured(s, () => tcpGbps(s));
    console.log(
      `datapath bench: ${ROUNDS} rounds x ${arms.length} arms, ${SECONDS}s per measurement, iperf3 -A 0 / -A 1${RT ? ', SCHED_FIFO' : ''}`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? arms : [...arms].reverse();
      for (const arm of order) {
        const teardown = await arm.setup(s, loki.url);
        try {
          udp.get(arm.name)!.push(await measured(s, () => udpKpps(s)));
          tcp.get(arm.name)!.push(await measured(s, () => tcpGbps(s)));
        } finally {
          await teardown();
        }
      }
      console.log(`  round ${round + 1}/${ROUNDS} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  } finally {
    await loki.close();
    await s.teardown();
  }

  const udpBare = median(udp.get('bare')!);
  const udpNoop = median(udp.get('noop tc')!);
  const tcpBare = median(tcp.get('bare')!);
  const tcpNoop = median(tcp.get('noop tc')!);
  console.log(
    '\n| arm | UDP 64 B kpps median (min–max) | / bare | / noop tc | TCP Gbit/s median (min–max) | / bare | / noop tc |\n|---|---|---|---|---|---|---|',
  );
  for (const arm of arms) {
    const u = udp.get(arm.name)!;
    const t = tcp.get(arm.name)!;
    const key = arm.name.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());
    Object.assign(result, {
      [`${key}UdpKpps`]: median(u),
      [`${key}UdpRatioBare`]: median(u) / udpBare,
      [`${key}UdpRatioNoopTc`]: median(u) / udpNoop,
      [`${key}UdpSpread`]: `${Math.min(...u).toFixed(0)}–${Math.max(...u).toFixed(0)}`,
      [`${key}TcpGbps`]: median(t),
      [`${key}TcpRatioBare`]: median(t) / tcpBare,
      [`${key}TcpRatioNoopTc`]: median(t) / tcpNoop,
      [`${key}TcpSpread`]: `${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)}`,
    });
    console.log(
      `| ${arm.name} | ${median(u).toFixed(0)} (${Math.min(...u).toFixed(0)}–${Math.max(...u).toFixed(0)}) | ` +
        `${(median(u) / udpBare).toFixed(3)} | ${(median(u) / udpNoop).toFixed(3)} | ` +
        `${median(t).toFixed(2)} (${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)}) | ` +
        `${(median(t) / tcpBare).toFixed(3)} | ${(median(t) / tcpNoop).toFixed(3)} |`,
    );
  }
  // Ratios within each round (the arm against the do-nothing program measured in the same round,
  // a minute or so apart): slow drift in the machine's speed cancels out of these.
  console.log('\nUDP 64 B, per-round ratio to noop tc (paired), median (min–max):');
  const noopRounds = udp.get('noop tc')!;
  for (const arm of arms) {
    const ratios = udp.get(arm.name)!.map((x, i) => x / noopRounds[i]!);
    const key = arm.name.replace(/ (\w)/g, (_, c: string) => c.toUpperCase());
    result[`${key}UdpPairedRatioNoopTc`] = median(ratios);
    console.log(
      `  ${arm.name}: ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
    );
  }
  console.log('\nper-round UDP kpps:');
  for (const arm of arms)
    console.log(
      `  ${arm.name}: ${udp
        .get(arm.name)!
        .map((x) => x.toFixed(0))
        .join(' ')}`,
    );
  console.log('per-round TCP Gbit/s:');
  for (const arm of arms)
    console.log(
      `  ${arm.name}: ${tcp
        .get(arm.name)!
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});

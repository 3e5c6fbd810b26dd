// Agent benchmark (`npm run bench:agent`): prints figures, asserts nothing.
//  - iperf3 TCP throughput over net1 with and without Interflow's hooks, same run (ratio);
//  - small-UDP packet rate with and without hooks (ratio);
//  - time to drain 100 000 map entries (raw, through the native helper's protocol) and the
//    agent's eviction time (drain + record building) for them;
//  - agent CPU seconds (node + native helper) per 100 000 records evicted and exported to a
//    Loki receiver, measured on the agent process (`agent/src/main.ts`), the idle agent's own
//    CPU measured before and subtracted (both printed); rounds with medians and min–max.
// Environment: BENCH_AGENT_PARTS=hooks,drain,cpu (default all); BENCH_CPU_ROUNDS; BENCH_BASELINE_ROOT
// = another checkout (e.g. main's, with `make -C agent` and node_modules) whose agent runs in
// alternating CPU rounds of the same run; BENCH_AGENT_FLAGS_ARM="--flag ..." runs this tree's agent
// with those node flags as one more alternating arm; BENCH_AGENT_CPU_PROF=<dir> writes --cpu-prof profiles.
// Runs on the reference topology (test/support/netns-scenario.ts); needs root and `make -C agent`.
// The agent runs as its own process and the raw drain speaks the helper's own protocol:
// no agent code runs inside the bench process, so the figures are the agent's own.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createNetnsScenario,
  type NetnsScenario,
  type ScenarioNamespace,
} from '../support/netns-scenario.ts';
import { iperfServer } from '../support/iperf.ts';
import { privilegeProblem } from '../support/privileged.ts';
import { REPO_ROOT, startAgent, type Agent } from '../support/processes.ts';

const SECONDS = Number(process.env.BENCH_IPERF_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const FLOWS = 100_000;
const CLK_TCK = 100; // USER_HZ on Linux
/** Which parts run: hooks (iperf3 with/without), drain (raw helper drain), cpu (agent CPU). */
const PARTS = new Set((process.env.BENCH_AGENT_PARTS ?? 'hooks,drain,cpu').split(','));
/** Agent CPU rounds (per arm; arms alternate when BENCH_BASELINE_ROOT names a baseline tree). */
const CPU_ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? (process.env.BENCH_BASELINE_ROOT ? 5 : 3));
const WARMUP_FLOWS = 20_000;
const IDLE_MS = 5000;

const rows: [string, string][] = [];
/** Figures for `npm run bench` (test/bench/run-all.ts), printed as one `BENCH_RESULT {json}` line. */
const result: Record<string, number | string> = {
  part: 'agent',
  source: 'test/bench/agent.bench.ts',
  udpPayloadBytes: 64,
};
function report(name: string, value: string): void {
  rows.push([name, value]);
  console.log(`  ${name}: ${value}`);
}

async function iperf(s: NetnsScenario, ns: ScenarioNamespace, args: string[]) {
  const out = JSON.parse(await s.exec(ns, 'iperf3', ['-J', ...args])) as {
    end: {
      sum_received?: { bits_per_second: number };
      sum?: { packets: number; lost_packets: number; seconds: number };
    };
    error?: string;
  };
  if (out.error) throw new Error(`iperf3: ${out.error}`);
  return out.end;
}

async function tcpGbps(s: NetnsScenario): Promise<number> {
  const end = await iperf(s, s.a, ['-c', s.net1.b, '-t', String(SECONDS)]);
  return end.sum_received!.bits_per_second / 1e9;
}

async function udpKpps(s: NetnsScenario): Promise<number> {
  // Unlimited rate, 64-byte payloads: the per-packet cost of the hooks shows here.
  const end = await iperf(s, s.a, ['-c', s.net1.b, '-u', '-b', '0', '-l', '64', '-t', String(SECONDS)]);
  const sum = end.sum!;
  return (sum.packets - sum.lost_packets) / sum.seconds / 1000;
}

/** Sends one UDP datagram to each of `count` ports from inside a namespace (node, no extra tools). */
async function sprayFlows(
  s: NetnsScenario,
  from: ScenarioNamespace,
  to: string,
  count: number,
  firstPort = 10_000,
): Promise<void> {
  const code = `
    const dgram = require('node:dgram');
    const sock = dgram.createSocket('udp4');
    const buf = Buffer.alloc(16);
    let port = ${firstPort}; const last = ${firstPort + count};
    function next() {
      if (port >= last) return sock.close();
      let n = 0;
      while (port < last && n++ < 256) sock.send(buf, port++, '${to}', n === 256 || port === last ? next : undefined);
    }
    next();`;
  await s.exec(from, process.execPath, ['-e', code]);
}

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
}

interface CpuRun {
  perRecords: number;
  busyCpu: number;
  idleRate: number;
  idleSubtracted: number;
  wallS: number;
  exported: number;
  evictSeconds: number;
}

const cpuOfTree = (pids: number[]) => pids.reduce((n, p) => n + cpuSecondsOf(p), 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitExported(agent: Agent, from: number, count: number): Promise<number> {
  const deadline = Date.now() + 180_000;
  let exported = 0;
  // A scrape can fail on a loaded machine; the next one counts.
  const scrape = () => agent.metric('interflow_agent_records_exported_total').catch(() => from);
  while ((exported = (await scrape()) - from) < count) {
    if (Date.now() > deadline) throw new Error(`only ${exported} of ${count} records exported`);
    await sleep(100);
  }
  return exported;
}

/**
 * One agent process (the tree at `root`): a warm-up wave (a long-running agent has its code
 * compiled), then its idle CPU over IDLE_MS, then one wave of FLOWS records until all are
 * exported; the idle rate times the wave's wall time is subtracted.
 */
async function measureAgentCpu(
  s: NetnsScenario,
  root: string,
  env: Record<string, string>,
  arm: string,
  extraFlags: string[] = [],
): Promise<CpuRun> {
  const profDir = process.env.BENCH_AGENT_CPU_PROF;
  const agent = await startAgent(env, {
    root,
    nodeFlags: [...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, arm)}`] : []), ...extraFlags],
  });
  try {
    await waitHooked(agent, 4);
    // The agent and its native helper (not short-lived children such as the sysfs script).
    const helpers = childrenOf(agent.proc.pid!).filter((p) =>
      readFileSync(`/proc/${p}/comm`, 'utf8').startsWith('interflow-agent'),
    );
    if (helpers.length !== 1) throw new Error(`expected one native helper, found ${helpers.length}`);
    const pids = [agent.proc.pid!, ...helpers];
    const warm0 = await agent.metric('interflow_agent_records_exported_total');
    await sprayFlows(s, s.a, s.net1.b, WARMUP_FLOWS / 2);
    await waitExported(agent, warm0, WARMUP_FLOWS);
    await sleep(1500); // the eviction after the wave, and its garbage
    const idle0 = cpuOfTree(pids);
    const idleT0 = performance.now();
    await sleep(IDLE_MS);
    const idleRate = (cpuOfTree(pids) - idle0) / ((performance.now() - idleT0) / 1000);

    const cpu0 = cpuOfTree(pids);
    const exported0 = await agent.metric('interflow_agent_records_exported_total');
    const evictSum0 = await agent.metric('interflow_agent_eviction_duration_seconds_sum');
    const t0 = performance.now();
    await sprayFlows(s, s.a, s.net1.b, FLOWS / 2);
    const exported = await waitExported(agent, exported0, FLOWS);
    const wallS = (performance.now() - t0) / 1000;
    const busyCpu = cpuOfTree(pids) - cpu0;
    const evictSeconds = (await agent.metric('interflow_agent_eviction_duration_seconds_sum')) - evictSum0;
    const idleSubtracted = idleRate * wallS;
    return {
      perRecords: ((busyCpu - idleSubtracted) * FLOWS) / exported,
      busyCpu,
      idleRate,
      idleSubtracted,
      wallS,
      exported,
      evictSeconds,
    };
  } finally {
    await agent.stop();
  }
}

function spread(xs: number[], digits = 2): { median: number; text: string } {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return {
    median,
    text: `${median.toFixed(digits)} (${s[0]!.toFixed(digits)}–${s.at(-1)!.toFixed(digits)})`,
  };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** A Loki push endpoint that accepts everything (the agent's exporter needs somewhere to push). */
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

async function waitHooked(agent: Agent, n: number): Promise<void> {
  const until = Date.now() + 20_000;
  while ((await agent.metric('interflow_agent_interfaces_hooked')) < n) {
    if (agent.proc.exitCode !== null) throw new Error(`agent exited: ${agent.output()}`);
    if (Date.now() > until) throw new Error('agent hooks not attached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Raw drain time through the native helper's own protocol: watch both namespaces, hook net1,
 * spray FLOWS/2 datagrams (one flow each on A/net1 egress and B/net1 ingress), then time one
 * drain until its "drained" line (flow frames received and counted, not decoded: the agent
 * decodes entries while building records, which its eviction time includes).
 */
async function measureRawDrain(s: NetnsScenario): Promise<{ entries: number; ms: number }> {
  const build = join(REPO_ROOT, 'agent', 'build');
  const helper = spawn(
    join(build, 'interflow-agent-helper'),
    ['--bpf-obj', join(build, 'flows.bpf.o'), '--max-flows', '250000'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let rest: Buffer = Buffer.alloc(0);
  let flows = 0;
  const waiters: { test: (ev: Record<string, unknown>) => boolean; done: () => void }[] = [];
  // Event lines, and flow frames: a 0x00 byte, type, record size (u16 LE), count (u32 LE), records.
  const messages = function* (buf: Buffer): Generator<Record<string, unknown>> {
    let at = 0;
    for (;;) {
      if (buf[at] === 0 && buf.length - at >= 8) {
        const end = at + 8 + buf.readUInt16LE(at + 2) * buf.readUInt32LE(at + 4);
        if (end > buf.length) break;
        flows += buf.readUInt32LE(at + 4);
        at = end;
        continue;
      }
      const nl = buf[at] === 0 ? -1 : buf.indexOf(10, at);
      if (nl < 0) break;
      yield JSON.parse(buf.toString('utf8', at, nl)) as Record<string, unknown>;
      at = nl + 1;
    }
    rest = buf.subarray(at);
  };
  helper.stdout.on('data', (chunk: Buffer) => {
    for (const v of messages(rest.length ? Buffer.concat([rest, chunk]) : chunk)) {
      for (const w of [...waiters]) {
        if (w.test(v)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done();
        }
      }
    }
  });
  const waitEvent = (test: (ev: Record<string, unknown>) => boolean) =>
    new Promise<void>((done) => waiters.push({ test, done }));
  const send = (...fields: (string | number)[]) => helper.stdin.write(fields.join('\t') + '\n');
  try {
    await waitEvent((e) => e.ev === 'ready');
    for (const [id, ns] of [
      [1, s.a],
      [2, s.b],
    ] as const) {
      const ifindex = (
        JSON.parse(await s.exec(ns, 'ip', ['-j', 'link', 'show', 'net1'])) as { ifindex: number }[]
      )[0]!.ifindex;
      const watched = waitEvent((e) => e.ev === 'links_done' && e.id === id);
      send('watch', id, ns.path);
      await watched;
      const attached = waitEvent((e) => e.ev === 'attached' && e.id === id);
      send('attach', id, ifindex);
      await attached;
    }
    await sprayFlows(s, s.a, s.net1.b, FLOWS / 2);
    flows = 0;
    const t0 = process.hrtime.bigint();
    const drained = waitEvent((e) => e.ev === 'drained');
    send('drain', 1);
    await drained;
    return { entries: flows, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  } finally {
    const exited = new Promise((r) => helper.once('exit', r));
    helper.stdin.end();
    await exited;
  }
}

async function main(): Promise<void> {
  const problem = privilegeProblem();
  if (problem) {
    console.log(`agent bench skipped: ${problem}`);
    return;
  }
  const s = await createNetnsScenario();
  const loki = await nullLoki();
  const agentEnv = {
    INTERFLOW_LOKI_URL: loki.url,
    INTERFLOW_NETNS_DIRS: s.dir,
    INTERFLOW_HOST_NETNS: 'false',
    INTERFLOW_EVICT_INTERVAL: '1s',
    INTERFLOW_CACHE_MAX_FLOWS: '250000',
    INTERFLOW_LOG_LEVEL: 'warn',
    INTERFLOW_BATCH_MAX_RECORDS: '5000',
  };
  try {
    if (PARTS.has('hooks')) await iperfServer(s, s.b, s.net1.b, 5201);
    console.log(
      `agent bench (${[...PARTS].join(', ')}): iperf3 ${SECONDS}s x ${ROUNDS} rounds per mode, reference topology ${s.a.name} <-> ${s.b.name}`,
    );

    if (PARTS.has('hooks')) {
      // 1-2. Throughput and packet rate with the agent process hooking net1 and eth0 on both
      // sides, and without it. Order alternates between rounds (off-on, on-off, …) so drift and
      // warm-up hit both modes.
      // A discarded warm-up: the first runs in a fresh topology are consistently slower.
      await iperf(s, s.a, ['-c', s.net1.b, '-t', '1']);
      await iperf(s, s.a, ['-c', s.net1.b, '-u', '-b', '0', '-l', '64', '-t', '1']);
      const tcp = { off: [] as number[], on: [] as number[] };
      const udp = { off: [] as number[], on: [] as number[] };
      for (let i = 0; i < ROUNDS; i++) {
        const measureOff = async () => {
          tcp.off.push(await tcpGbps(s));
          udp.off.push(await udpKpps(s));
        };
        const measureOn = async () => {
          const agent = await startAgent(agentEnv);
          try {
            await waitHooked(agent, 4);
            tcp.on.push(await tcpGbps(s));
            udp.on.push(await udpKpps(s));
          } finally {
            await agent.stop();
          }
        };
        if (i % 2 === 0) {
          await measureOff();
          await measureOn();
        } else {
          await measureOn();
          await measureOff();
        }
      }
      report('TCP over net1 without hooks (Gbit/s)', mean(tcp.off).toFixed(2));
      report('TCP over net1 with hooks (Gbit/s)', mean(tcp.on).toFixed(2));
      report('TCP throughput ratio with/without (goal >= 0.95)', (mean(tcp.on) / mean(tcp.off)).toFixed(3));
      report('UDP 64 B without hooks (kpps received)', mean(udp.off).toFixed(1));
      report('UDP 64 B with hooks (kpps received)', mean(udp.on).toFixed(1));
      report('UDP packet-rate ratio with/without', (mean(udp.on) / mean(udp.off)).toFixed(3));
      Object.assign(result, {
        tcpGbpsWithout: mean(tcp.off),
        tcpGbpsWith: mean(tcp.on),
        tcpRatio: mean(tcp.on) / mean(tcp.off),
        udpSmallPpsWithout: mean(udp.off) * 1000,
        udpSmallPpsWith: mean(udp.on) * 1000,
        udpSmallRatio: mean(udp.on) / mean(udp.off),
      });
    }

    // 3. Raw drain of ~100 000 map entries (helper batch drain + transfer + parse).
    if (PARTS.has('drain')) {
      const raw = await measureRawDrain(s);
      report(`raw drain of ${raw.entries} map entries (ms)`, raw.ms.toFixed(0));
      result.drainMsPer100k = (raw.ms * FLOWS) / raw.entries;
      report('raw drain per 100 000 entries (ms)', result.drainMsPer100k.toFixed(0));
    }

    // 4. CPU of the agent process (node + native helper) per 100 000 records evicted and
    // exported, the idle agent's own CPU measured first and subtracted; its eviction time
    // (drain + build). With BENCH_BASELINE_ROOT, another checkout's agent (e.g. main) in
    // alternating rounds of the same run.
    if (PARTS.has('cpu')) {
      const arms: [string, string][] = [['current', REPO_ROOT]];
      if (process.env.BENCH_BASELINE_ROOT) arms.push(['baseline', process.env.BENCH_BASELINE_ROOT]);
      // BENCH_AGENT_FLAGS_ARM: this tree's agent once more, with these node flags (space-separated).
      const flagArm = process.env.BENCH_AGENT_FLAGS_ARM?.split(' ').filter(Boolean);
      if (flagArm?.length) arms.push(['flags', REPO_ROOT]);
      const runs: Record<string, CpuRun[]> = {};
      for (let i = 0; i < CPU_ROUNDS; i++) {
        const order = i % 2 ? [...arms].reverse() : arms;
        for (const [arm, root] of order) {
          const r = await measureAgentCpu(s, root, agentEnv, arm, arm === 'flags' ? flagArm : []);
          (runs[arm] ??= []).push(r);
          console.log(
            `  round ${i + 1} ${arm}: ${r.perRecords.toFixed(2)} CPU s / 100k (busy ${r.busyCpu.toFixed(2)} s over ${r.wallS.toFixed(1)} s, idle ${r.idleRate.toFixed(3)} CPU s/s → ${r.idleSubtracted.toFixed(2)} s subtracted; ${r.exported} records; eviction ${r.evictSeconds.toFixed(2)} s)`,
          );
        }
      }
      for (const [arm] of arms) {
        const list = runs[arm]!;
        const per = spread(list.map((r) => r.perRecords));
        const idle = spread(list.map((r) => r.idleRate));
        const sub = spread(list.map((r) => r.idleSubtracted));
        const ev = spread(list.map((r) => r.evictSeconds));
        const label =
          arm === 'current'
            ? ''
            : arm === 'flags'
              ? ` [node ${flagArm!.join(' ')}]`
              : ` [${arm}: ${process.env.BENCH_BASELINE_ROOT}]`;
        report(
          `agent CPU seconds per 100 000 records evicted+exported (node + helper, idle subtracted), median (min–max) of ${list.length}${label}`,
          per.text,
        );
        report(`idle agent CPU (CPU s per s of wall time)${label}`, idle.text);
        report(`idle CPU subtracted per run (s)${label}`, sub.text);
        report(`agent eviction time (drain + build) per run (s)${label}`, ev.text);
        if (arm === 'current') {
          Object.assign(result, {
            cpuSecondsPer100k: per.median,
            cpuSpread: per.text,
            idleCpuSecondsPerSecond: idle.median,
            idleCpuSecondsSameTime: sub.median,
            records: list[0]!.exported,
            evictionSeconds: ev.median,
            cpuRounds: list.length,
          });
        } else if (arm === 'flags') {
          Object.assign(result, { flagsCpuSecondsPer100k: per.median, flagsCpuSpread: per.text });
        } else {
          Object.assign(result, { baselineCpuSecondsPer100k: per.median, baselineCpuSpread: per.text });
        }
      }
      if (runs.flags) {
        const ratio = Number(result.flagsCpuSecondsPer100k) / Number(result.cpuSecondsPer100k);
        report(
          `agent CPU per record, with node ${flagArm!.join(' ')} / without (ratio of medians)`,
          ratio.toFixed(2),
        );
        result.flagsCpuRatio = ratio;
      }
      if (runs.baseline) {
        const ratio = Number(result.cpuSecondsPer100k) / Number(result.baselineCpuSecondsPer100k);
        report('agent CPU per record, current / baseline (ratio of medians)', ratio.toFixed(2));
        result.cpuRatioToBaseline = ratio;
      }
    }
  } finally {
    await loki.close();
    await s.teardown();
  }
  console.log('\n| figure | value |\n|---|---|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});

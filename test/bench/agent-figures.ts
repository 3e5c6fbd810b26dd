// Agent figures for `npm run bench` when test/bench/agent.bench.ts does not provide them
// (run-all.ts prefers that file's BENCH_RESULT). Everything runs on the reference topology
// (test/support/netns-scenario.ts) with the real agent process, and every figure is a ratio
// or a difference against a baseline measured in the same run:
//  - hook overhead: iperf3 TCP throughput and small-UDP-packet rate over net1 with the agent's
//    hooks attached and without them, alternating (off, on, off, on) so drift affects both;
//  - agent CPU per 100 000 records: CPU seconds (agent + native helper, from /proc) spent
//    turning 100 000+ distinct flows into records and exporting them to a null HTTP sink, minus
//    the idle agent's CPU over the same time; plus the drain/build time of that eviction.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createNetnsScenario, type NetnsScenario } from '../support/netns-scenario.ts';
import { startAgent, waitFor, type Agent } from '../support/processes.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface HookOverhead {
  tcpGbpsWithout: number;
  tcpGbpsWith: number;
  tcpRatio: number;
  udpSmallPpsWithout: number;
  udpSmallPpsWith: number;
  udpSmallRatio: number;
  udpPayloadBytes: number;
  secondsPerRun: number;
}

export interface AgentCpu {
  records: number;
  cpuSecondsPer100k: number;
  idleCpuSecondsSameTime: number;
  evictionSeconds: number;
}

/** A loopback HTTP sink that answers every push with 204 (its CPU is not the agent's). */
async function nullSink(): Promise<{ url: string; proc: ChildProcess }> {
  const code = `const s=require('node:http').createServer((q,r)=>{q.resume();q.on('end',()=>{r.statusCode=204;r.end()})});s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'))`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(proc.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${line.toString().trim()}`, proc };
}

/** utime + stime of a process and its waited-for children, in seconds. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the name: state(0) … utime(11) stime(12) cutime(13) cstime(14)
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

function helperPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function agentCpu(agent: Agent): number {
  const pid = agent.proc.pid!;
  return cpuOf(pid) + helperPids(pid).reduce((n, p) => n + cpuOf(p), 0);
}

async function iperfJson(s: NetnsScenario, args: string[]): Promise<Record<string, any>> {
  const out = JSON.parse(await s.exec(s.a, 'iperf3', ['-J', ...args])) as Record<string, any>;
  if (out.error) throw new Error(`iperf3: ${out.error}`);
  return out;
}

async function tcpGbps(s: NetnsScenario, seconds: number): Promise<number> {
  const j = await iperfJson(s, ['-c', s.net1.b, '-p', '5301', '-t', String(seconds)]);
  return j.end.sum_received.bits_per_second / 1e9;
}

async function udpSmallPps(s: NetnsScenario, seconds: number, len: number): Promise<number> {
  const j = await iperfJson(s, ['-c', s.net1.b, '-p', '5301', '-u', '-b', '0', '-l', String(len), '-t', String(seconds)]);
  const sum = j.end.sum;
  return (sum.packets - sum.lost_packets) / sum.seconds;
}

async function withScenario<T>(fn: (s: NetnsScenario, sinkUrl: string) => Promise<T>): Promise<T> {
  const s = await createNetnsScenario();
  const sink = await nullSink();
  try {
    const srv = s.spawn(s.b, 'iperf3', ['-s', '--forceflush', '-B', s.net1.b, '-p', '5301']);
    let out = '';
    srv.stdout!.on('data', (d) => (out += d));
    await waitFor('iperf3 server', async () => out.includes('Server listening'), 10_000, 50);
    return await fn(s, sink.url);
  } finally {
    sink.proc.kill();
    await s.teardown();
  }
}

const agentEnv = (s: NetnsScenario, sinkUrl: string, extra: Record<string, string> = {}) => ({
  INTERFLOW_LOKI_URL: sinkUrl,
  INTERFLOW_NETNS_DIRS: s.dir,
  INTERFLOW_HOST_NETNS: 'false',
  INTERFLOW_INTERFACES: 'net1',
  INTERFLOW_LOG_LEVEL: 'warn',
  ...extra,
});

async function hooked(agent: Agent, n: number): Promise<void> {
  await waitFor(`${n} hooked interfaces`, async () => (await agent.metric('interflow_agent_interfaces_hooked')) === n, 30_000);
}

export async function measureHookOverhead(secondsPerRun = 4, udpLen = 64): Promise<HookOverhead> {
  return withScenario(async (s, sinkUrl) => {
    const tcp = { off: [] as number[], on: [] as number[] };
    const udp = { off: [] as number[], on: [] as number[] };
    await tcpGbps(s, 1); // warm-up (ARP, caches)
    for (let round = 0; round < 2; round++) {
      tcp.off.push(await tcpGbps(s, secondsPerRun));
      udp.off.push(await udpSmallPps(s, secondsPerRun, udpLen));
      const agent = await startAgent(agentEnv(s, sinkUrl));
      try {
        await hooked(agent, 2);
        tcp.on.push(await tcpGbps(s, secondsPerRun));
        udp.on.push(await udpSmallPps(s, secondsPerRun, udpLen));
      } finally {
        await agent.stop();
      }
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    return {
      tcpGbpsWithout: mean(tcp.off),
      tcpGbpsWith: mean(tcp.on),
      tcpRatio: mean(tcp.on) / mean(tcp.off),
      udpSmallPpsWithout: mean(udp.off),
      udpSmallPpsWith: mean(udp.on),
      udpSmallRatio: mean(udp.on) / mean(udp.off),
      udpPayloadBytes: udpLen,
      secondsPerRun,
    };
  });
}

/** One UDP datagram from A to each of `ports` ports of B: that many distinct flows on both net1 ends. */
const FLOOD = `
const d = require('node:dgram').createSocket('udp4');
const [dst, n] = [process.argv[1], Number(process.argv[2])];
const buf = Buffer.alloc(16);
let port = 1;
(function next() {
  for (let k = 0; k < 500 && port <= n; k++, port++) d.send(buf, port, dst);
  if (port <= n) setImmediate(next); else setTimeout(() => d.close(), 200);
})();
`;

export async function measureAgentCpu(flows = 50_000): Promise<AgentCpu> {
  return withScenario(async (s, sinkUrl) => {
    const evictMs = 5_000;
    const agent = await startAgent(
      agentEnv(s, sinkUrl, {
        INTERFLOW_EVICT_INTERVAL: `${evictMs}ms`,
        INTERFLOW_CACHE_MAX_FLOWS: String(Math.max(262_144, flows * 4)),
        INTERFLOW_BUFFER_MAX_RECORDS: String(flows * 4),
      }),
    );
    try {
      await hooked(agent, 2);
      await sleep(2 * evictMs);
      // Idle baseline over two eviction intervals.
      let c0 = agentCpu(agent);
      let t0 = performance.now();
      await sleep(2 * evictMs);
      const idlePerSecond = (agentCpu(agent) - c0) / ((performance.now() - t0) / 1000);

      const exported0 = await agent.metric('interflow_agent_records_exported_total');
      const evictSum0 = await agent.metric('interflow_agent_eviction_duration_seconds_sum');
      c0 = agentCpu(agent);
      t0 = performance.now();
      await s.exec(s.a, process.execPath, ['-e', FLOOD, s.net1.b, String(flows)]);
      // Every datagram is one flow at A's egress and one at B's ingress.
      const want = exported0 + 2 * flows;
      await waitFor(
        `${2 * flows} records exported`,
        async () => (await agent.metric('interflow_agent_records_exported_total')) >= want && (await agent.metric('interflow_agent_records_buffered')) === 0,
        120_000,
        100,
      );
      const seconds = (performance.now() - t0) / 1000;
      const cpu = agentCpu(agent) - c0;
      const records = (await agent.metric('interflow_agent_records_exported_total')) - exported0;
      const idle = idlePerSecond * seconds;
      return {
        records,
        cpuSecondsPer100k: ((cpu - idle) * 100_000) / records,
        idleCpuSecondsSameTime: idle,
        evictionSeconds: (await agent.metric('interflow_agent_eviction_duration_seconds_sum')) - evictSum0,
      };
    } finally {
      await agent.stop();
    }
  });
}

// Benchmark of the export path: CPU seconds and wall time per 100 000 records enqueued and
// pushed to a loopback HTTP sink (a child process, so its CPU is not counted here), against
// a baseline measured in the same run: JSON.stringify of the same records, the least work any
// exporter must do. Prints figures; asserts nothing.
//   npx tsx test/bench/agent-export.bench.ts [records]
//   BENCH_BASELINE_ROOT=<other checkout> npx tsx test/bench/agent-export.bench.ts  (this tree vs that one,
//   BENCH_ROUNDS alternating rounds of fresh processes, medians with min–max)
// benchExport() is exported so `npm run bench` (test/bench/run-all.ts) can include these figures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadAgentConfig } from '../../agent/src/config/config.ts';
import { createLokiExporter } from '../../agent/src/export/loki-exporter.ts';
import { createLogger } from '../../agent/src/log.ts';
import { createAgentMetrics } from '../../agent/src/metrics.ts';
import { makeRecord } from '../../agent/test/numbered-records.ts';

const SINK = `
const http = require('node:http');
const s = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 204; res.end(); }); });
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;

export interface ExportFigures {
  records: number;
  gzip: boolean;
  cpuSecondsPer100k: number;
  wallSecondsPer100k: number;
  recordsPerSecond: number;
  baselineCpuSecondsPer100k: number;
  ratioToBaseline: number;
  pushes: number;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export async function benchExport(records = 100_000, gzip = false): Promise<ExportFigures> {
  const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(sink.stdout, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${line.toString().trim()}`;
    const batch = Array.from({ length: 1000 }, (_, i) => makeRecord(i, { SrcK8S_Namespace: `ns-${i % 7}` }));

    // Baseline: serialising the records once.
    let c0 = cpuSeconds();
    let sink0 = 0;
    for (let done = 0; done < records; done += batch.length)
      for (const r of batch) sink0 += JSON.stringify(r).length;
    const baseline = cpuSeconds() - c0;
    if (sink0 === 0) throw new Error('unreachable');

    const cfg = loadAgentConfig({
      INTERFLOW_LOKI_URL: url,
      INTERFLOW_BUFFER_MAX_RECORDS: String(records),
      INTERFLOW_PUSH_GZIP: String(gzip),
    });
    const exporter = createLokiExporter(cfg, createAgentMetrics(), createLogger('warn'));
    c0 = cpuSeconds();
    const t0 = performance.now();
    for (let done = 0; done < records; done += batch.length) {
      exporter.enqueue(batch);
      // Let the pump run between eviction-sized chunks, as it does in the agent.
      await new Promise((r) => setImmediate(r));
    }
    await exporter.flush(120_000);
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - c0;
    const stats = exporter.stats();
    await exporter.close(1000);
    if (stats.exported !== records) throw new Error(`exported ${stats.exported} of ${records}`);
    const per100k = 100_000 / records;
    return {
      records,
      gzip,
      cpuSecondsPer100k: cpu * per100k,
      wallSecondsPer100k: wall * per100k,
      recordsPerSecond: records / wall,
      baselineCpuSecondsPer100k: baseline * per100k,
      ratioToBaseline: cpu / baseline,
      pushes: stats.pushes,
    };
  } finally {
    sink.kill();
  }
}

/** Median and min–max of a list of figures. */
export function spread(xs: number[], digits = 3): { median: number; text: string } {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return {
    median,
    text: `${median.toFixed(digits)} (${s[0]!.toFixed(digits)}–${s.at(-1)!.toFixed(digits)})`,
  };
}

/** One benchExport() in a fresh process of the tree at `root` (this one or a baseline checkout). */
async function exportInProcess(root: string, records: number, gzip: boolean): Promise<ExportFigures> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/bench/agent-export.bench.ts', '--once', String(records), String(gzip)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = out.split('\n').find((l) => l.startsWith('EXPORT_FIGURES '));
  if (code !== 0 || !line) throw new Error(`export bench in ${root} failed (${code}): ${out}`);
  return JSON.parse(line.slice('EXPORT_FIGURES '.length)) as ExportFigures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--once') {
    const f = await benchExport(Number(process.argv[3]), process.argv[4] === 'true');
    console.log(`EXPORT_FIGURES ${JSON.stringify(f)}`);
  } else if (process.env.BENCH_BASELINE_ROOT) {
    // This tree against another checkout (e.g. main), alternating fresh processes, same run.
    const n = Number(process.argv[2] ?? 100_000);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
    const arms = { baseline: process.env.BENCH_BASELINE_ROOT, current: process.cwd() };
    const cpu: Record<string, number[]> = { baseline: [], current: [] };
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 ? (['current', 'baseline'] as const) : (['baseline', 'current'] as const);
      for (const arm of order) cpu[arm]!.push((await exportInProcess(arms[arm], n, false)).cpuSecondsPer100k);
      console.log(
        `round ${i + 1}: baseline ${cpu.baseline!.at(-1)!.toFixed(3)}, current ${cpu.current!.at(-1)!.toFixed(3)} CPU s / 100k`,
      );
    }
    const b = spread(cpu.baseline!);
    const c = spread(cpu.current!);
    console.log(
      `export CPU s / 100k, median (min–max) of ${rounds} alternating rounds: baseline ${b.text}, current ${c.text}; ratio of medians ${(c.median / b.median).toFixed(2)}`,
    );
  } else {
    const n = Number(process.argv[2] ?? 100_000);
    for (const gzip of [false, true]) {
      const f = await benchExport(n, gzip);
      console.log(
        `export ${f.records} records${gzip ? ' (gzip)' : ''}: ${f.cpuSecondsPer100k.toFixed(3)} CPU s / 100k, ` +
          `${f.wallSecondsPer100k.toFixed(3)} wall s / 100k (${Math.round(f.recordsPerSecond)} records/s, ${f.pushes} pushes); ` +
          `baseline JSON.stringify ${f.baselineCpuSecondsPer100k.toFixed(3)} CPU s / 100k → ratio ${f.ratioToBaseline.toFixed(1)}×`,
      );
    }
  }
}

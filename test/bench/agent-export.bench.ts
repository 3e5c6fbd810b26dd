// Benchmark of the export path: CPU seconds and wall time per 100 000 records enqueued and
// pushed to a loopback HTTP sink (a child process, so its CPU is not counted here), against
// a baseline measured in the same run: JSON.stringify of the same records, the least work any
// exporter must do. Prints figures; asserts nothing.
//   npx tsx test/bench/agent-export.bench.ts [records]
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

if (import.meta.url === `file://${process.argv[1]}`) {
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

// Harness: a real Loki exporter wired to the stand-in Loki receiver, with its metrics and
// captured logs.
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import { loadAgentConfig, type AgentConfig } from '../src/config/config.ts';
import { createAgentMetrics, type AgentMetrics } from '../src/metrics.ts';
import { createLokiExporter, type RecordExporter } from '../src/export/loki-exporter.ts';
import { startStandInLokiReceiver, type StandInLokiReceiver } from './stand-in-loki-receiver.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ExporterHarness {
  receiver: StandInLokiReceiver;
  exporter: RecordExporter;
  metrics: AgentMetrics;
  cfg: AgentConfig;
  logs: LogLine[];
}

/** Short waits and backoffs so tests spend little real time; any INTERFLOW_* can be overridden. */
const FAST_ENV: Record<string, string> = {
  INTERFLOW_BATCH_MAX_WAIT: '50ms',
  INTERFLOW_BACKOFF_MIN: '20ms',
  INTERFLOW_BACKOFF_MAX: '200ms',
  INTERFLOW_PUSH_TIMEOUT: '5s',
};

export function captureLogger(logs: LogLine[]) {
  return pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
}

export async function startExporterHarness(
  t: TestContext,
  env: Record<string, string> = {},
  receiver?: StandInLokiReceiver,
): Promise<ExporterHarness> {
  const rx = receiver ?? (await startStandInLokiReceiver());
  const cfg = loadAgentConfig({ INTERFLOW_LOKI_URL: rx.url, ...FAST_ENV, ...env });
  const metrics = createAgentMetrics();
  const logs: LogLine[] = [];
  const exporter = createLokiExporter(cfg, metrics, captureLogger(logs));
  t.after(async () => {
    await exporter.close(500);
    await rx.close();
  });
  return { receiver: rx, exporter, metrics, cfg, logs };
}

/** Current value of a counter or gauge for the given labels (0 when never set). */
export async function metricValue(
  metric: {
    get(): Promise<{ values: { value: number; labels: Partial<Record<string, string | number>> }[] }>;
  },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return hit?.value ?? 0;
}

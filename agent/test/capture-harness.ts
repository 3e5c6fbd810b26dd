// Harness of the capture tests: a real in-process Capture pointed at a scenario's netns
// directory (host namespace off, so nothing outside the test is ever hooked), collecting the
// records it evicts.
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { FlowRecord } from '@interflow/contract';
import { Capture } from '../src/capture.ts';
import { loadAgentConfig, type AgentConfig } from '../src/config/config.ts';
import { createAgentMetrics, type AgentMetrics } from '../src/metrics.ts';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface CaptureRig {
  capture: Capture;
  records: FlowRecord[];
  metrics: AgentMetrics;
  cfg: AgentConfig;
  logs: LogLine[];
}

export async function startCapture(
  t: TestContext,
  netnsDir: string,
  env: Record<string, string> = {},
  opts: { tombstoneTtlMs?: number } = {},
): Promise<CaptureRig> {
  const cfg = loadAgentConfig({
    INTERFLOW_NETNS_DIRS: netnsDir,
    INTERFLOW_HOST_NETNS: 'false',
    INTERFLOW_EVICT_INTERVAL: '500ms',
    INTERFLOW_RESYNC_INTERVAL: '2s',
    INTERFLOW_LOKI_URL: 'http://127.0.0.1:9',
    // `INTERFLOW_TC_ATTACH_MODE=tc node scripts/run-tests.mjs agent/test/...` runs every capture
    // test on the clsact path; a test that names a mode keeps it.
    INTERFLOW_TC_ATTACH_MODE: process.env.INTERFLOW_TC_ATTACH_MODE ?? 'auto',
    ...env,
  });
  const metrics = createAgentMetrics();
  const logs: LogLine[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const records: FlowRecord[] = [];
  const capture = new Capture({ cfg, metrics, log, sink: (r) => records.push(...r), ...opts });
  await capture.start();
  t.after(() => capture.stop());
  return { capture, records, metrics, cfg, logs };
}

export function hookedNames(capture: Capture): string[] {
  return capture
    .hookedInterfaces()
    .filter((h) => h.phase === 'attached')
    .map((h) => `${h.netns}/${h.ifname}`)
    .sort();
}

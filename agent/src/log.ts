// Structured JSON logs (pino). Every attach/detach log line carries `netns` and `ifname`.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.INTERFLOW_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'interflow-agent', level, base: { pid: process.pid } });
}

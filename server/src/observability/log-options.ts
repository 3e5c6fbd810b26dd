// How the backend logs: JSON lines (what log collectors read) unless stdout is a terminal, where
// a person reads them — then pino-pretty prints one readable line per entry, as pino users expect.
// INTERFLOW_LOG_FORMAT=json|pretty overrides the guess.
import type { FastifyServerOptions } from 'fastify';

export type LogFormat = 'json' | 'pretty';

export function logFormat(env: NodeJS.ProcessEnv, isTty: boolean): LogFormat {
  const v = env.INTERFLOW_LOG_FORMAT;
  if (v === 'json' || v === 'pretty') return v;
  return isTty ? 'pretty' : 'json';
}

export function loggerOptions(
  level: string,
  name: string,
  format: LogFormat,
): FastifyServerOptions['logger'] {
  if (format === 'json') return { level, name };
  return {
    level,
    name,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
    },
  };
}

// One HTTP push to Loki's /loki/api/v1/push, classified into what the exporter should do
// next. HTTP goes through undici (Node's own HTTP client library) with a dedicated Agent so a
// CA bundle can be given (`connect: { ca }`) and swapped when the file rotates.
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Agent, request } from 'undici';
import { ConfigError } from '@interflow/contract';
import type { AgentConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { parseRetryAfter } from '../retry/backoff.ts';
import { WatchedFile } from './watched-file.ts';

const gzip = promisify(gzipCallback);

/** Label values of interflow_agent_push_errors_total{kind}. */
export type PushErrorKind =
  | 'network' // connection refused/reset, DNS, TLS
  | 'timeout' // no complete answer within INTERFLOW_PUSH_TIMEOUT
  | 'rate_limited' // 429
  | 'server_error' // 5xx
  | 'auth' // 401/403, or the token file cannot be read
  | 'too_large' // 413: the batch is split and sent again
  | 'rejected'; // any other 4xx: the store will never take this batch

export type PushOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; error: PushErrorKind; status?: number; message: string; retryAfterMs?: number }
  | { kind: 'too_large'; status: number; body: string }
  | { kind: 'rejected'; status: number; body: string };

export interface PushClient {
  /** Never throws: every failure is an outcome. `stop` aborts the request (shutdown). */
  push(body: string | Buffer, stop: AbortSignal): Promise<PushOutcome>;
  close(): Promise<void>;
}

/** Reads the CA bundle now so a wrong INTERFLOW_LOKI_CA_FILE fails at start-up, naming the variable. */
function readCaOrFail(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('INTERFLOW_LOKI_CA_FILE', `cannot read ${path}: ${(e as Error).message}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('INTERFLOW_LOKI_CA_FILE', `${path} holds no PEM certificate`);
  }
  return text;
}

export function createPushClient(cfg: AgentConfig, log: Logger): PushClient {
  const url = `${cfg.lokiUrl}/loki/api/v1/push`;
  const agentFor = (ca: string | undefined) =>
    new Agent({ connect: { ...(ca ? { ca } : {}), timeout: cfg.pushTimeoutMs } });

  let ca = cfg.lokiCaFile ? readCaOrFail(cfg.lokiCaFile) : undefined;
  let agent = agentFor(ca);
  const caFile = cfg.lokiCaFile
    ? new WatchedFile(cfg.lokiCaFile, (e) =>
        log.warn(
          { err: e.message, file: cfg.lokiCaFile },
          'cannot re-read Loki CA file; keeping the previous one',
        ),
      )
    : undefined;
  const tokenFile = cfg.lokiTokenFile
    ? new WatchedFile(cfg.lokiTokenFile, (e) =>
        log.warn(
          { err: e.message, file: cfg.lokiTokenFile },
          'cannot re-read Loki token file; keeping the previous token',
        ),
      )
    : undefined;

  /** Swaps the undici Agent when the CA bundle changed on disk (service CA rotation). */
  async function refreshCa(): Promise<void> {
    if (!caFile) return;
    const current = await caFile.read().catch(() => ca);
    if (current === ca) return;
    log.info({ file: cfg.lokiCaFile }, 'Loki CA file changed; using the new bundle');
    const old = agent;
    ca = current;
    agent = agentFor(ca);
    old.close().catch(() => {});
  }

  async function push(body: string | Buffer, stop: AbortSignal): Promise<PushOutcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (cfg.lokiTenant) headers['x-scope-orgid'] = cfg.lokiTenant;
    if (tokenFile) {
      let token: string;
      try {
        token = (await tokenFile.read()).trim();
      } catch (e) {
        return {
          kind: 'retry',
          error: 'auth',
          message: `cannot read token file ${cfg.lokiTokenFile}: ${(e as Error).message}`,
        };
      }
      if (!token)
        return { kind: 'retry', error: 'auth', message: `token file ${cfg.lokiTokenFile} is empty` };
      headers.authorization = `Bearer ${token}`;
    }
    await refreshCa();
    let payload: string | Buffer = body;
    if (cfg.pushGzip) {
      payload = await gzip(body);
      headers['content-encoding'] = 'gzip';
    }

    const timeout = AbortSignal.timeout(cfg.pushTimeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body: payload,
        dispatcher: agent,
        signal: AbortSignal.any([stop, timeout]),
      });
      const text = await res.body.text();
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { kind: 'ok', status };
      const message = `HTTP ${status}: ${text.slice(0, 500)}`;
      if (status === 429) {
        return {
          kind: 'retry',
          error: 'rate_limited',
          status,
          message,
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        };
      }
      if (status >= 500) {
        return {
          kind: 'retry',
          error: 'server_error',
          status,
          message,
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
        };
      }
      // Credentials, not the batch, are wrong: keep the records (bounded by the buffer) and
      // retry, so a token that rotates or a fixed RBAC rule lets them through.
      if (status === 401 || status === 403) {
        tokenFile?.invalidate();
        return { kind: 'retry', error: 'auth', status, message };
      }
      if (status === 408) return { kind: 'retry', error: 'timeout', status, message };
      if (status === 413) return { kind: 'too_large', status, body: text };
      return { kind: 'rejected', status, body: text };
    } catch (e) {
      if (timeout.aborted && !stop.aborted) {
        return { kind: 'retry', error: 'timeout', message: `no answer within ${cfg.pushTimeoutMs} ms` };
      }
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      const code = err.code ?? err.cause?.code;
      return { kind: 'retry', error: 'network', message: `${code ? `${code}: ` : ''}${err.message}` };
    }
  }

  return {
    push,
    close: () => agent.close(),
  };
}

// Backend configuration from INTERFLOW_* variables, validated once at start-up. A bad value
// stops the process with a message naming the variable.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelMatcher } from '../logql/ast.ts';
import { parseStreamSelector } from '../logql/selector.ts';
import { ConfigError } from '../errors.ts';
import {
  parseBoolean,
  parseBytes,
  parseDuration,
  parseEnum,
  parseHttpUrl,
  parseInteger,
} from '@interflow/contract';

export const LOKI_AUTH_MODES = ['disabled', 'host', 'forward'] as const;
export type LokiAuthMode = (typeof LOKI_AUTH_MODES)[number];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ServerConfig {
  host: string;
  port: number;
  /** undefined → the embedded Loki-API store is served by this process and queried over HTTP. */
  lokiUrl: string | undefined;
  lokiTenant: string | undefined;
  lokiAuth: LokiAuthMode;
  lokiTokenFile: string | undefined;
  /** PEM text of INTERFLOW_LOKI_CA_FILE, read at start-up. */
  lokiCa: string | undefined;
  lokiSelectorText: string;
  lokiSelector: LabelMatcher[];
  lokiTimeoutMs: number;
  /** Loki's max_entries_limit_per_query: the page size of exports and large queries. */
  lokiMaxEntries: number;
  /** Loki's max_query_length: longer ranges are read in intervals of this length. */
  lokiMaxQueryLengthMs: number;
  /** Retries of a query Loki answered busy (429, 5xx); 0 = none. */
  lokiRetries: number;
  dataDir: string;
  storeRetentionMs: number;
  storeMaxBytes: number;
  storeAllowRemote: boolean;
  webDist: string;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** CSP frame-ancestors sources for the standalone page. */
  frameAncestors: string;
  logLevel: (typeof LOG_LEVELS)[number];
}

type Env = Record<string, string | undefined>;

function isLoopbackOrWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === '::1' || ip.startsWith('127.');
}

function readableFile(variable: string, path: string): string {
  try {
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    readFileSync(path);
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${path}: ${(e as Error).message}`);
  }
  return path;
}

export function loadServerConfig(env: Env = process.env): ServerConfig {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const file = (name: string): string | undefined => {
    const v = get(name);
    return v === undefined ? undefined : readableFile(name, v);
  };

  const lokiAuth = parseEnum(
    'INTERFLOW_LOKI_AUTH',
    get('INTERFLOW_LOKI_AUTH') ?? 'disabled',
    LOKI_AUTH_MODES,
  );
  const lokiTokenFile = file('INTERFLOW_LOKI_TOKEN_FILE');
  if (lokiAuth === 'host' && !lokiTokenFile) {
    throw new ConfigError('INTERFLOW_LOKI_TOKEN_FILE', 'is required when INTERFLOW_LOKI_AUTH=host');
  }
  const lokiCaFile = file('INTERFLOW_LOKI_CA_FILE');
  const lokiCa = lokiCaFile ? readFileSync(lokiCaFile, 'utf8') : undefined;
  if (lokiCa !== undefined && !lokiCa.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('INTERFLOW_LOKI_CA_FILE', `${lokiCaFile} holds no PEM certificate`);
  }

  const lokiSelectorText = get('INTERFLOW_LOKI_SELECTOR') ?? '{app="interflow"}';
  let lokiSelector: LabelMatcher[];
  try {
    lokiSelector = parseStreamSelector(lokiSelectorText);
  } catch (e) {
    throw new ConfigError('INTERFLOW_LOKI_SELECTOR', `${lokiSelectorText}: ${(e as Error).message}`);
  }

  const tlsCertFile = file('INTERFLOW_TLS_CERT_FILE');
  const tlsKeyFile = file('INTERFLOW_TLS_KEY_FILE');
  if (!!tlsCertFile !== !!tlsKeyFile) {
    throw new ConfigError(
      tlsCertFile ? 'INTERFLOW_TLS_KEY_FILE' : 'INTERFLOW_TLS_CERT_FILE',
      'INTERFLOW_TLS_CERT_FILE and INTERFLOW_TLS_KEY_FILE must be set together',
    );
  }

  const frameAncestors = get('INTERFLOW_FRAME_ANCESTORS') ?? "'self'";
  if (/[;,\r\n]/.test(frameAncestors)) {
    throw new ConfigError('INTERFLOW_FRAME_ANCESTORS', 'must be CSP sources separated by spaces');
  }

  const webDist = resolve(get('INTERFLOW_WEB_DIST') ?? resolve(REPO_ROOT, 'dist'));
  if (get('INTERFLOW_WEB_DIST') && !existsSync(webDist)) {
    throw new ConfigError('INTERFLOW_WEB_DIST', `${webDist} does not exist (run \`npm run build:web\`)`);
  }

  const host = get('INTERFLOW_HOST') ?? '127.0.0.1';
  const lokiUrlText = get('INTERFLOW_LOKI_URL');
  const lokiUrl = lokiUrlText ? parseHttpUrl('INTERFLOW_LOKI_URL', lokiUrlText) : undefined;
  const storeAllowRemote = parseBoolean(
    'INTERFLOW_STORE_ALLOW_REMOTE',
    get('INTERFLOW_STORE_ALLOW_REMOTE') ?? 'false',
  );
  // The backend queries its embedded store over HTTP at its own address; bound to one
  // non-loopback address, that request would come from that address and be refused.
  if (!lokiUrl && isIP(host) && !isLoopbackOrWildcard(host) && !storeAllowRemote) {
    throw new ConfigError(
      'INTERFLOW_HOST',
      `${host}: with the embedded store listen on 0.0.0.0, :: or loopback, or set INTERFLOW_STORE_ALLOW_REMOTE=true`,
    );
  }

  const dataDir = resolve(get('INTERFLOW_DATA_DIR') ?? './data');
  if (!lokiUrl && existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new ConfigError('INTERFLOW_DATA_DIR', `${dataDir} is not a directory`);
  }

  return {
    host,
    port: get('INTERFLOW_PORT') ? parseInteger('INTERFLOW_PORT', get('INTERFLOW_PORT')!, 0, 65535) : 9001,
    lokiUrl,
    lokiTenant: get('INTERFLOW_LOKI_TENANT'),
    lokiAuth,
    lokiTokenFile,
    lokiCa,
    lokiSelectorText,
    lokiSelector,
    lokiTimeoutMs: parseDuration('INTERFLOW_LOKI_TIMEOUT', get('INTERFLOW_LOKI_TIMEOUT') ?? '30s'),
    lokiMaxEntries: get('INTERFLOW_LOKI_MAX_ENTRIES')
      ? parseInteger('INTERFLOW_LOKI_MAX_ENTRIES', get('INTERFLOW_LOKI_MAX_ENTRIES')!, 100, 1_000_000)
      : 5000,
    lokiMaxQueryLengthMs: parseDuration(
      'INTERFLOW_LOKI_MAX_QUERY_LENGTH',
      get('INTERFLOW_LOKI_MAX_QUERY_LENGTH') ?? '721h',
    ),
    lokiRetries: get('INTERFLOW_LOKI_RETRIES')
      ? parseInteger('INTERFLOW_LOKI_RETRIES', get('INTERFLOW_LOKI_RETRIES')!, 0, 10)
      : 3,
    dataDir,
    storeRetentionMs: parseDuration('INTERFLOW_STORE_RETENTION', get('INTERFLOW_STORE_RETENTION') ?? '24h'),
    storeMaxBytes: parseBytes('INTERFLOW_STORE_MAX_BYTES', get('INTERFLOW_STORE_MAX_BYTES') ?? '1GiB'),
    storeAllowRemote,
    webDist,
    tlsCertFile,
    tlsKeyFile,
    frameAncestors,
    logLevel: parseEnum('INTERFLOW_LOG_LEVEL', get('INTERFLOW_LOG_LEVEL') ?? 'info', LOG_LEVELS),
  };
}

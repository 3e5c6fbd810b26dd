// Backend configuration from INTERFLOW_* variables, validated once at start-up. A bad value
// stops the process with a message naming the variable.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelMatcher } from '../logql/ast.ts';
import { parseStreamSelector } from '../logql/selector.ts';
import { ConfigError } from '../errors.ts';
import { loadQuickFilters } from './quick-filters-file.ts';
import {
  type QuickFilter,
  parseBoolean,
  parseBytes,
  parseDuration,
  parseEnum,
  parseHttpUrl,
  parseInteger,
} from '@interflow/contract';

export const LOKI_AUTH_MODES = ['disabled', 'host', 'forward'] as const;
export type LokiAuthMode = (typeof LOKI_AUTH_MODES)[number];
export const AUTH_CHECK_MODES = ['auto', 'none', 'authenticated', 'admin', 'namespaced'] as const;
/** The check the backend applies to every /api/* call once `auto` is resolved. */
export type AuthCheck = Exclude<(typeof AUTH_CHECK_MODES)[number], 'auto'>;

/** Where the Kubernetes API is found: KUBECONFIG when set, else the pod's service account. */
export type KubeApiSource = { kind: 'kubeconfig'; path: string } | { kind: 'in-cluster' } | undefined;
export const TLS_MIN_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

export interface ServerConfig {
  host: string;
  port: number;
  /** undefined → the embedded Loki-API store is served by this process and queried over HTTP. */
  lokiUrl: string | undefined;
  lokiTenant: string | undefined;
  lokiAuth: LokiAuthMode;
  /** INTERFLOW_AUTH_CHECK with `auto` resolved. */
  authCheck: AuthCheck;
  kubeApi: KubeApiSource;
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
  /** The embedded store's own port (INTERFLOW_STORE_PORT, default 3100, Loki's) and address. */
  storePort: number;
  storeHost: string;
  /** Remote store clients may send this file's content as their bearer token. */
  storeTokenFile: string | undefined;
  webDist: string;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** Prometheus /metrics: its own port and address. */
  metricsPort: number;
  metricsHost: string;
  /** Oldest TLS version served (INTERFLOW_TLS_MIN_VERSION). */
  tlsMinVersion: (typeof TLS_MIN_VERSIONS)[number];
  /** CSP frame-ancestors sources for the standalone page. */
  frameAncestors: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** The page's quick filters: INTERFLOW_QUICK_FILTERS_FILE, else the built-in ones. */
  quickFilters: QuickFilter[];
}

type Env = Record<string, string | undefined>;

function isLoopbackOrWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === '::1' || ip.startsWith('127.');
}

/** A listen address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function kubeApiSource(env: Env, get: (name: string) => string | undefined): KubeApiSource {
  const kubeconfig = get('KUBECONFIG');
  if (kubeconfig) return { kind: 'kubeconfig', path: readableFile('KUBECONFIG', kubeconfig.split(':')[0]!) };
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return { kind: 'in-cluster' };
  return undefined;
}

/**
 * Resolves INTERFLOW_AUTH_CHECK. Secure by default: no setting lets flows leave loopback without
 * a credential being checked (by the Kubernetes API here, or by the LokiStack gateway in
 * `forward` mode); such a configuration stops the start naming the variables.
 */
function resolveAuthCheck(
  requested: (typeof AUTH_CHECK_MODES)[number],
  lokiAuth: LokiAuthMode,
  kubeApi: KubeApiSource,
  host: string,
): AuthCheck {
  const needsKube = (mode: string): void => {
    if (!kubeApi)
      throw new ConfigError(
        'INTERFLOW_AUTH_CHECK',
        `${mode} needs a Kubernetes API: set KUBECONFIG, or run in a pod (KUBERNETES_SERVICE_HOST)`,
      );
  };
  switch (requested) {
    case 'auto':
      // With forward the LokiStack gateway checks every token anyway; without a Kubernetes API
      // there is nothing to review it against here.
      if (lokiAuth === 'forward') return kubeApi ? 'authenticated' : 'none';
      if (kubeApi) return 'namespaced';
      if (isLoopbackHost(host)) return 'none';
      throw new ConfigError(
        'INTERFLOW_AUTH_CHECK',
        `auto: INTERFLOW_HOST=${host} listens beyond loopback but there is no Kubernetes API to check callers (set KUBECONFIG or run in a pod), and INTERFLOW_LOKI_AUTH is not forward; listen on 127.0.0.1 or give the backend a Kubernetes API`,
      );
    case 'none':
      if (!isLoopbackHost(host) && lokiAuth !== 'forward')
        throw new ConfigError(
          'INTERFLOW_AUTH_CHECK',
          `none: INTERFLOW_HOST=${host} would serve every flow beyond loopback to anyone; use namespaced, admin, INTERFLOW_LOKI_AUTH=forward, or INTERFLOW_HOST=127.0.0.1`,
        );
      return 'none';
    case 'authenticated':
      if (lokiAuth !== 'forward')
        throw new ConfigError(
          'INTERFLOW_AUTH_CHECK',
          'authenticated is only allowed with INTERFLOW_LOKI_AUTH=forward (the LokiStack gateway then enforces tenancy)',
        );
      needsKube('authenticated');
      return 'authenticated';
    case 'admin':
    case 'namespaced':
      needsKube(requested);
      return requested;
  }
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
  // The store listens on all addresses only when remote clients are allowed; with one specific
  // non-loopback address and no remote clients nobody but this host could reach it anyway.
  const storeHost = get('INTERFLOW_STORE_HOST') ?? (storeAllowRemote ? '0.0.0.0' : '127.0.0.1');
  if (!lokiUrl && isIP(storeHost) && !isLoopbackOrWildcard(storeHost) && !storeAllowRemote) {
    throw new ConfigError(
      'INTERFLOW_STORE_HOST',
      `${storeHost}: without INTERFLOW_STORE_ALLOW_REMOTE=true the embedded store serves loopback clients only; listen on loopback`,
    );
  }
  const storeTokenFile = file('INTERFLOW_STORE_TOKEN_FILE');
  const storePort = get('INTERFLOW_STORE_PORT')
    ? parseInteger('INTERFLOW_STORE_PORT', get('INTERFLOW_STORE_PORT')!, 0, 65535)
    : 3100;

  const kubeApi = kubeApiSource(env, get);
  if (!lokiUrl && storeAllowRemote && !storeTokenFile && !kubeApi) {
    throw new ConfigError(
      'INTERFLOW_STORE_ALLOW_REMOTE',
      'remote clients of the embedded store need a credential: set INTERFLOW_STORE_TOKEN_FILE, or give the backend a Kubernetes API (KUBECONFIG or in-cluster) to review their tokens',
    );
  }
  const authCheck = resolveAuthCheck(
    parseEnum('INTERFLOW_AUTH_CHECK', get('INTERFLOW_AUTH_CHECK') ?? 'auto', AUTH_CHECK_MODES),
    lokiAuth,
    kubeApi,
    host,
  );

  const dataDir = resolve(get('INTERFLOW_DATA_DIR') ?? './data');
  if (!lokiUrl && existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new ConfigError('INTERFLOW_DATA_DIR', `${dataDir} is not a directory`);
  }

  const port = get('INTERFLOW_PORT')
    ? parseInteger('INTERFLOW_PORT', get('INTERFLOW_PORT')!, 0, 65535)
    : 9001;
  if (!lokiUrl && port !== 0 && port === storePort) {
    throw new ConfigError(
      'INTERFLOW_STORE_PORT',
      `${storePort} is also INTERFLOW_PORT: the store has its own port`,
    );
  }

  return {
    host,
    port,
    lokiUrl,
    lokiTenant: get('INTERFLOW_LOKI_TENANT'),
    lokiAuth,
    authCheck,
    kubeApi,
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
    storePort,
    storeHost,
    storeTokenFile,
    metricsPort: get('INTERFLOW_METRICS_PORT')
      ? parseInteger('INTERFLOW_METRICS_PORT', get('INTERFLOW_METRICS_PORT')!, 0, 65535)
      : 9101,
    metricsHost: get('INTERFLOW_METRICS_HOST') ?? host,
    webDist,
    tlsCertFile,
    tlsKeyFile,
    // The console's proxy (Go's crypto/tls, TLS 1.3 by default since Go 1.13) speaks 1.3.
    tlsMinVersion: parseEnum(
      'INTERFLOW_TLS_MIN_VERSION',
      get('INTERFLOW_TLS_MIN_VERSION') ?? 'TLSv1.3',
      TLS_MIN_VERSIONS,
    ),
    frameAncestors,
    logLevel: parseEnum('INTERFLOW_LOG_LEVEL', get('INTERFLOW_LOG_LEVEL') ?? 'info', LOG_LEVELS),
    quickFilters: loadQuickFilters(file('INTERFLOW_QUICK_FILTERS_FILE')),
  };
}

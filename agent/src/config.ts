// Agent configuration from the environment, validated once at start-up. A bad value fails
// fast with a message that names the variable, so a DaemonSet never runs half-configured.
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface InterfaceMatcher {
  /** Exact names and /regex/ patterns as written, for logs. */
  readonly source: string[];
  matches(name: string): boolean;
}

export interface AgentConfig {
  lokiUrl: string;
  lokiTenant: string | undefined;
  lokiTokenFile: string | undefined;
  lokiCaFile: string | undefined;
  netnsDirs: string[];
  interfaces: InterfaceMatcher | undefined;
  excludeInterfaces: InterfaceMatcher;
  evictIntervalMs: number;
  resyncIntervalMs: number;
  metricsPort: number;
  /** Bounded export buffer, in records. */
  bufferMaxRecords: number;
  /** A push is sent when this many records are waiting, or after batchMaxWaitMs. */
  batchMaxRecords: number;
  batchMaxWaitMs: number;
  /** Upper bound of one push body in bytes (before compression); a single larger record is still sent alone. */
  batchMaxBytes: number;
  /** Gzip push bodies (Content-Encoding: gzip). Loki accepts it; off by default for stores that may not. */
  pushGzip: boolean;
  pushTimeoutMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Flow map capacity (entries) given to the eBPF program. */
  cacheMaxFlows: number;
  nodeName: string;
  /** INTERFLOW_NODE_NAME as given: set in a cluster (downward API), which turns on Kubernetes enrichment. */
  kubeNodeName: string | undefined;
  agentIp: string | undefined;
  staticEnrichmentFile: string | undefined;
  logLevel: string;
  /** Watch (and hook) the host's own network namespace too (IfNetns ""). */
  hostNetns: boolean;
  /** Where `make -C agent` put flows.bpf.o and interflow-agent-helper. */
  agentBuildDir: string;
  /** How the eBPF programs go on an interface: tcx links, the clsact qdisc (tc), or auto (tcx when the kernel has it). */
  tcAttachMode: TcAttachMode;
}

export const TC_ATTACH_MODES = ['auto', 'tcx', 'tc'] as const;
export type TcAttachMode = (typeof TC_ATTACH_MODES)[number];

function parseAttachMode(variable: string, text: string): TcAttachMode {
  const word = text.trim().toLowerCase();
  const mode = TC_ATTACH_MODES.find((m) => m === word);
  if (!mode) throw new ConfigError(variable, `"${text}" is not one of ${TC_ATTACH_MODES.join(', ')}`);
  return mode;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses durations such as `5s`, `500ms`, `2m`, `1h` or a bare number of seconds. */
export function parseDuration(variable: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new ConfigError(variable, `"${text}" is not a duration (examples: 500ms, 5s, 2m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  if (ms <= 0) throw new ConfigError(variable, 'must be greater than zero');
  return Math.round(ms);
}

function parseInteger(variable: string, text: string, min: number, max: number): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ConfigError(variable, `"${text}" is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(variable, `${n} is outside ${min}..${max}`);
  return n;
}

/** `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`, any case (the server's INTERFLOW_* flags read the same words). */
function parseBoolean(variable: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  throw new ConfigError(variable, `"${text}" is not a boolean (true or false)`);
}

function parseUrl(variable: string, text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new ConfigError(variable, `"${text}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError(variable, `"${text}" must be an http:// or https:// URL`);
  }
  return text.replace(/\/+$/, '');
}

/** `eth0,net1,/^ens\d+f\d+v\d+$/` → a matcher of exact names and regular expressions. */
export function parseInterfaceList(variable: string, text: string): InterfaceMatcher {
  const source = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const item of source) {
    if (item.length >= 2 && item.startsWith('/') && item.endsWith('/')) {
      try {
        patterns.push(new RegExp(item.slice(1, -1)));
      } catch (e) {
        throw new ConfigError(variable, `bad regular expression ${item}: ${(e as Error).message}`);
      }
    } else {
      exact.add(item);
    }
  }
  return { source, matches: (name) => exact.has(name) || patterns.some((p) => p.test(name)) };
}

export function loadAgentConfig(env: Env = process.env): AgentConfig {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = get(name);
    return v === undefined ? def : parseInteger(name, v, min, max);
  };
  const duration = (name: string, def: string): number => parseDuration(name, get(name) ?? def);
  const flag = (name: string, def: boolean): boolean => {
    const v = get(name);
    return v === undefined ? def : parseBoolean(name, v);
  };

  const interfacesText = get('INTERFLOW_INTERFACES');
  const cfg: AgentConfig = {
    lokiUrl: parseUrl('INTERFLOW_LOKI_URL', get('INTERFLOW_LOKI_URL') ?? 'http://127.0.0.1:9001'),
    lokiTenant: get('INTERFLOW_LOKI_TENANT'),
    lokiTokenFile: get('INTERFLOW_LOKI_TOKEN_FILE'),
    lokiCaFile: get('INTERFLOW_LOKI_CA_FILE'),
    netnsDirs: (get('INTERFLOW_NETNS_DIRS') ?? '/var/run/netns,/run/netns')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    interfaces: interfacesText ? parseInterfaceList('INTERFLOW_INTERFACES', interfacesText) : undefined,
    excludeInterfaces: parseInterfaceList(
      'INTERFLOW_EXCLUDE_INTERFACES',
      get('INTERFLOW_EXCLUDE_INTERFACES') ?? 'lo',
    ),
    evictIntervalMs: duration('INTERFLOW_EVICT_INTERVAL', '5s'),
    resyncIntervalMs: duration('INTERFLOW_RESYNC_INTERVAL', '30s'),
    metricsPort: int('INTERFLOW_AGENT_METRICS_PORT', 9102, 0, 65535),
    bufferMaxRecords: int('INTERFLOW_BUFFER_MAX_RECORDS', 100_000, 1, 10_000_000),
    batchMaxRecords: int('INTERFLOW_BATCH_MAX_RECORDS', 1000, 1, 100_000),
    batchMaxWaitMs: duration('INTERFLOW_BATCH_MAX_WAIT', '1s'),
    batchMaxBytes: int('INTERFLOW_BATCH_MAX_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    pushGzip: flag('INTERFLOW_PUSH_GZIP', false),
    pushTimeoutMs: duration('INTERFLOW_PUSH_TIMEOUT', '10s'),
    backoffMinMs: duration('INTERFLOW_BACKOFF_MIN', '500ms'),
    backoffMaxMs: duration('INTERFLOW_BACKOFF_MAX', '30s'),
    cacheMaxFlows: int('INTERFLOW_CACHE_MAX_FLOWS', 100_000, 16, 10_000_000),
    nodeName: get('INTERFLOW_NODE_NAME') ?? hostname(),
    kubeNodeName: get('INTERFLOW_NODE_NAME'),
    agentIp: get('INTERFLOW_AGENT_IP'),
    staticEnrichmentFile: get('INTERFLOW_STATIC_ENRICHMENT'),
    logLevel: get('INTERFLOW_LOG_LEVEL') ?? 'info',
    hostNetns: flag('INTERFLOW_HOST_NETNS', true),
    agentBuildDir: get('INTERFLOW_AGENT_BUILD_DIR') ?? fileURLToPath(new URL('../build', import.meta.url)),
    tcAttachMode: parseAttachMode('INTERFLOW_TC_ATTACH_MODE', get('INTERFLOW_TC_ATTACH_MODE') ?? 'auto'),
  };
  if (cfg.backoffMinMs > cfg.backoffMaxMs) {
    throw new ConfigError('INTERFLOW_BACKOFF_MIN', 'must not exceed INTERFLOW_BACKOFF_MAX');
  }
  return cfg;
}

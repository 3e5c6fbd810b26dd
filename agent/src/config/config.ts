// Agent configuration from the environment, validated once at start-up. A bad value fails
// fast with a message that names the variable, so a DaemonSet never runs half-configured.
// Values are read by the contract's parsers, so agent and backend accept the same spellings.
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseHttpUrl,
  parseInteger,
} from '@interflow/contract';

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
  logLevel: (typeof LOG_LEVELS)[number];
  /** Watch (and hook) the host's own network namespace too (IfNetns ""). */
  hostNetns: boolean;
  /** Every interface is reported in the inventory at least this often (and on every change). */
  inventoryIntervalMs: number;
  /** sysfs of the host's namespace (VF, driver); other namespaces get a sysfs mounted inside them. */
  sysfsRoot: string;
  /** Where `make -C agent` put flows.bpf.o and interflow-agent-helper. */
  agentBuildDir: string;
  /** How the eBPF programs go on an interface: tcx links, the clsact qdisc (tc), or auto (tcx when the kernel has it). */
  tcAttachMode: TcAttachMode;
  /** Holds the node lock (agent.lock): one agent per node; it must be the same host directory for every agent of a node. */
  runDir: string;
  /** How long a second agent waits for the node lock before it gives up (0: refuses at once). */
  lockWaitMs: number;
  /**
   * Written "standby" while waiting for the node lock, "capturing" once hooked and serving
   * metrics, removed on shutdown: the DaemonSet's readiness probe, so a surge pod counts as ready
   * while it waits to take over (INTERFLOW_READY_FILE; none by default).
   */
  readyFile: string | undefined;
}

export const TC_ATTACH_MODES = ['auto', 'tcx', 'tc'] as const;
export type TcAttachMode = (typeof TC_ATTACH_MODES)[number];

function parseAttachMode(variable: string, text: string): TcAttachMode {
  const word = text.trim().toLowerCase();
  const mode = TC_ATTACH_MODES.find((m) => m === word);
  if (!mode) throw new ConfigError(variable, `"${text}" is not one of ${TC_ATTACH_MODES.join(', ')}`);
  return mode;
}

type Env = Record<string, string | undefined>;

/** pino's levels; anything else fails at start-up naming INTERFLOW_LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every agent duration drives a timer, and Node.js runs a longer timer after 1 ms instead
 * (TimeoutOverflowWarning): an eviction interval of 30d would drain the map continuously.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  const duration = (name: string, def: string): number => {
    const ms = parseDuration(name, get(name) ?? def);
    if (ms > MAX_TIMER_MS)
      throw new ConfigError(name, 'must be at most 24d (the longest timer Node.js runs)');
    return ms;
  };
  const flag = (name: string, def: boolean): boolean => {
    const v = get(name);
    return v === undefined ? def : parseBoolean(name, v);
  };

  const interfacesText = get('INTERFLOW_INTERFACES');
  const cfg: AgentConfig = {
    lokiUrl: parseHttpUrl('INTERFLOW_LOKI_URL', get('INTERFLOW_LOKI_URL') ?? 'http://127.0.0.1:3100'),
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
    metricsPort: int('INTERFLOW_AGENT_METRICS_PORT', 9437, 0, 65535),
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
    logLevel: parseEnum('INTERFLOW_LOG_LEVEL', get('INTERFLOW_LOG_LEVEL') ?? 'info', LOG_LEVELS),
    hostNetns: flag('INTERFLOW_HOST_NETNS', true),
    inventoryIntervalMs: duration('INTERFLOW_INVENTORY_INTERVAL', '60s'),
    sysfsRoot: get('INTERFLOW_SYSFS_ROOT') ?? '/sys',
    agentBuildDir: get('INTERFLOW_AGENT_BUILD_DIR') ?? fileURLToPath(new URL('../../build', import.meta.url)),
    tcAttachMode: parseAttachMode('INTERFLOW_TC_ATTACH_MODE', get('INTERFLOW_TC_ATTACH_MODE') ?? 'auto'),
    runDir: get('INTERFLOW_RUN_DIR') ?? '/run/interflow',
    // Durations are positive elsewhere; here 0 (refuse at once) is the default.
    lockWaitMs: /^\s*0+(ms|s|m|h|d)?\s*$/.test(get('INTERFLOW_LOCK_WAIT') ?? '0')
      ? 0
      : duration('INTERFLOW_LOCK_WAIT', '0s'),
    readyFile: get('INTERFLOW_READY_FILE') || undefined,
  };
  if (/[\t\n\r\0]/.test(cfg.runDir)) {
    throw new ConfigError('INTERFLOW_RUN_DIR', 'must not contain a tab, newline or NUL');
  }
  if (cfg.backoffMinMs > cfg.backoffMaxMs) {
    throw new ConfigError('INTERFLOW_BACKOFF_MIN', 'must not exceed INTERFLOW_BACKOFF_MAX');
  }
  return cfg;
}

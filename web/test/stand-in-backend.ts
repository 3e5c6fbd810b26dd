// A stand-in for the backend's HTTP API in jsdom component tests: it replaces fetch and answers
// /api/config, /api/flows and /api/resources with what the test gives (the real backend is
// exercised by test/browser/*.browser.test.ts). Records every request so tests can assert what
// was asked. Tests using it say "stand-in" in their names.
import { vi } from 'vitest';
import type { ConfigResponse, InterfaceRow, StoredFlowRecord } from '../src/api/types.ts';

export interface StandInBackend {
  requests: URL[];
  flowRequests: () => URL[];
  restore: () => void;
}

export interface StandInBackendOptions {
  records?: StoredFlowRecord[] | ((url: URL) => StoredFlowRecord[]);
  flowsStatus?: number;
  flowsError?: string;
  resources?: Record<string, string[]>;
  config?: Partial<ConfigResponse>;
  /** Rows of /api/interfaces. */
  interfaces?: InterfaceRow[];
}

export const STAND_IN_CONFIG: ConfigResponse = {
  columns: [
    { id: 'TimeFlowEndMs', name: 'Time', defaultVisible: true },
    { id: 'SrcAddr', name: 'Source IP', defaultVisible: true },
    { id: 'DstAddr', name: 'Destination IP', defaultVisible: true },
    { id: 'Interfaces', name: 'Interface', defaultVisible: true },
    { id: 'IfNetns', name: 'Interface netns', defaultVisible: true },
    { id: 'Bytes', name: 'Bytes', defaultVisible: true },
    { id: 'SrcMac', name: 'Source MAC', defaultVisible: false },
  ],
  filters: [
    {
      id: 'interfaces',
      name: 'Network interface name',
      description: '',
      autocomplete: 'interfaces',
      examples: ['net1'],
    },
    {
      id: 'src_namespace',
      name: 'Source namespace',
      description: '',
      autocomplete: 'namespaces',
      examples: [],
    },
    { id: 'netns', name: 'Network namespace', description: '', autocomplete: 'netns', examples: [] },
  ],
  defaults: {
    timeRange: 300,
    limit: 100,
    match: 'all',
    columns: ['TimeFlowEndMs', 'SrcAddr', 'DstAddr', 'Interfaces', 'IfNetns', 'Bytes'],
    sort: 'TimeFlowEndMs:desc',
  },
  store: { kind: 'embedded', url: 'http://127.0.0.1:9001' },
};

export function flow(i: number, patch: Partial<StoredFlowRecord> = {}): StoredFlowRecord {
  return {
    TimeFlowStartMs: 1_700_000_000_000 + i * 1000,
    TimeFlowEndMs: 1_700_000_000_500 + i * 1000,
    SrcAddr: `10.0.0.${i % 250}`,
    DstAddr: '10.0.1.1',
    SrcPort: 40000 + i,
    DstPort: 5201,
    Proto: 6,
    Bytes: 1000 * (i + 1),
    Packets: i + 1,
    Interfaces: [i % 2 ? 'eth0' : 'net1'],
    IfDirections: [i % 2],
    IfNetns: ['pod-ns'],
    FlowDirection: 0,
    K8S_HostName: 'node-a',
    ...patch,
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export function installStandInBackend(opts: StandInBackendOptions = {}): StandInBackend {
  const requests: URL[] = [];
  const original = globalThis.fetch;
  const fake = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    requests.push(url);
    if (url.pathname.endsWith('/api/config')) return json({ ...STAND_IN_CONFIG, ...opts.config });
    if (url.pathname.endsWith('/api/flows')) {
      if (opts.flowsStatus) return json({ error: opts.flowsError ?? 'failed' }, opts.flowsStatus);
      const records = typeof opts.records === 'function' ? opts.records(url) : (opts.records ?? []);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return json({
        records: records.slice(0, limit),
        stats: { queries: 1, durationMs: 7, limit, limitReached: records.length > limit },
      });
    }
    if (url.pathname.endsWith('/api/interfaces')) {
      return json({
        interfaces: opts.interfaces ?? [],
        stats: {
          queries: 1,
          durationMs: 3,
          entries: opts.interfaces?.length ?? 0,
          truncated: false,
          ignoredFilters: [],
        },
      });
    }
    const m = /\/api\/resources\/(\w+)$/.exec(url.pathname);
    if (m) return json({ values: opts.resources?.[m[1]!] ?? [] });
    return json({ error: `no route ${url.pathname}` }, 404);
  });
  globalThis.fetch = fake as unknown as typeof fetch;
  return {
    requests,
    flowRequests: () => requests.filter((u) => u.pathname.endsWith('/api/flows')),
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

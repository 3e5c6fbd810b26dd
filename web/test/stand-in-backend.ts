// A stand-in for the backend's HTTP API in jsdom component tests: it replaces fetch and answers
// /api/config (built from the contract), /api/flows (the test's records, selected by the
// request's filters as docs/design.md says: stand-in-filter.ts) and /api/resources with what
// the test gives (the real backend is exercised by test/browser/*.browser.test.ts). Records
// every request so tests can assert what was asked. Tests using it say "stand-in" in their names.
import { vi } from 'vitest';
import {
  COLUMNS,
  DEFAULT_COLUMNS,
  DEFAULT_QUICK_FILTERS,
  FILTER_SPECS,
  FilterProblemError,
} from '@interflow/contract';
import type { ConfigResponse, FlowsResponse, InterfaceRow, StoredFlowRecord } from '../src/api/types.ts';
import { selectRecords } from './stand-in-filter.ts';

export interface StandInBackend {
  requests: URL[];
  flowRequests: () => URL[];
  /** The bodies /api/flows answered, in order. */
  flowAnswers: FlowsResponse[];
  restore: () => void;
}

export interface StandInBackendOptions {
  records?: StoredFlowRecord[] | ((url: URL) => StoredFlowRecord[]);
  flowsStatus?: number;
  flowsError?: string;
  /** /api/resources/:kind answers: values, or values with details. */
  resources?: Record<string, string[] | { values: string[]; details: Record<string, string[]> }>;
  config?: Partial<ConfigResponse>;
  /** stats.unreadable of /api/flows: lines the store returned that are not JSON objects. */
  unreadable?: number;
  /** Rows of /api/interfaces. */
  interfaces?: InterfaceRow[];
}

/**
 * /api/config as the backend builds it (server/src/http/routes/config-route.ts): columns,
 * filter definitions and the built-in quick filters from the contract, so this cannot drift from them; the defaults of
 * docs/design.md (limit 100, the last 5 minutes, match=all, newest first).
 */
export const STAND_IN_CONFIG: ConfigResponse = {
  columns: COLUMNS.map((c) => ({ ...c })),
  filters: FILTER_SPECS.map(({ id, name, description, autocomplete, examples }) => ({
    id,
    name,
    description,
    autocomplete,
    examples: [...examples],
  })),
  quickFilters: DEFAULT_QUICK_FILTERS.map((q) => ({ ...q })),
  defaults: {
    timeRange: 300,
    limit: 100,
    match: 'all',
    columns: [...DEFAULT_COLUMNS],
    sort: 'TimeFlowEndMs:desc',
  },
  store: { kind: 'embedded', url: 'http://127.0.0.1:3100' },
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
  const flowAnswers: FlowsResponse[] = [];
  const original = globalThis.fetch;
  const fake = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    requests.push(url);
    if (url.pathname.endsWith('/api/config')) return json({ ...STAND_IN_CONFIG, ...opts.config });
    if (url.pathname.endsWith('/api/flows')) {
      if (opts.flowsStatus) return json({ error: opts.flowsError ?? 'failed' }, opts.flowsStatus);
      let records: StoredFlowRecord[];
      try {
        records =
          typeof opts.records === 'function'
            ? opts.records(url)
            : selectRecords(opts.records ?? [], url.searchParams);
      } catch (e) {
        if (e instanceof FilterProblemError) return json({ error: e.message, param: 'filters' }, 400);
        throw e;
      }
      const limit = Number(url.searchParams.get('limit') ?? 100);
      // the window as the backend resolves it (a relative range against its own clock)
      const endMs = url.searchParams.has('endTime')
        ? Number(url.searchParams.get('endTime')) * 1000
        : Date.now();
      const startMs = url.searchParams.has('startTime')
        ? Number(url.searchParams.get('startTime')) * 1000
        : endMs - Number(url.searchParams.get('timeRange') ?? 300) * 1000;
      const answer: FlowsResponse = {
        records: records.slice(0, limit),
        stats: {
          queries: 1,
          durationMs: 7,
          limit,
          limitReached: records.length > limit,
          unreadable: opts.unreadable ?? 0,
          startMs,
          endMs,
        },
      };
      flowAnswers.push(answer);
      return json(answer);
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
    if (m) {
      const answer = opts.resources?.[m[1]!] ?? [];
      return json(Array.isArray(answer) ? { values: answer } : answer);
    }
    return json({ error: `no route ${url.pathname}` }, 404);
  });
  globalThis.fetch = fake as unknown as typeof fetch;
  return {
    requests,
    flowRequests: () => requests.filter((u) => u.pathname.endsWith('/api/flows')),
    flowAnswers,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

// Answers flow questions from Loki: the table's newest records, every record for an export,
// and autocomplete values. Builds LogQL from the typed query, never from raw text.
import type { FastifyBaseLogger } from 'fastify';
import {
  INTERFACE_RECORD_TYPE,
  RECORD_TYPE_LABEL,
  type StoredFlowRecord,
  type FlowsResponse,
  type ResourceKind,
} from '@interflow/contract';
import type { ServerMetrics } from '../observability/metrics.ts';
import { type LabelMatcher, renderLogQuery } from '../logql/ast.ts';
import { buildLogQueries, SCOPE_LABELS, scopeSelectors, type NamespaceScope } from '../logql/build.ts';
import { elementPairing } from '../logql/element-pairs.ts';
import type { CallOptions, LokiClient, LokiEntry } from '../loki/client.ts';
import { streamEntries, streamEntryPages, type StreamOptions } from './entry-stream.ts';
import { pairCheck } from './pair-check.ts';
import { readRecord } from './record-reader.ts';
import type { FlowRequest, TimeWindow } from './query-params.ts';

/** A call on behalf of a caller who may be restricted to some namespaces (see auth/access.ts). */
export interface ScopedCall extends CallOptions {
  namespaces?: NamespaceScope;
}

export interface FlowServiceOptions {
  selector: LabelMatcher[];
  /** Loki's max entries per query: the page size. */
  maxEntries: number;
  /** Loki's max_query_length: longer ranges are read in intervals (export-intervals.ts). */
  maxQueryLengthMs?: number;
}

type EntryCall = ScopedCall & {
  pageSize?: number;
  prefetch?: boolean;
  onQuery?: () => void;
  onPage?: (entries: number) => void;
};

/**
 * The configured selector without the interface inventory's stream (`_RecordType="interface"`):
 * a stream without the label, or NetObserv's flowLog/conversation records, still match. Every
 * flow query (table, export, overview, autocomplete) reads through it.
 */
export function flowSelector(base: LabelMatcher[]): LabelMatcher[] {
  return [...base, { label: RECORD_TYPE_LABEL, op: '!=', value: INTERFACE_RECORD_TYPE }];
}

/** The end time the table sorts on; 0 when the producer wrote none (or not as a number). */
const endMs = (r: StoredFlowRecord): number => (typeof r.TimeFlowEndMs === 'number' ? r.TimeFlowEndMs : 0);

export class FlowService {
  constructor(
    private readonly client: LokiClient,
    private readonly opts: FlowServiceOptions,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  private get flowSelector(): LabelMatcher[] {
    return flowSelector(this.opts.selector);
  }

  queriesFor(req: FlowRequest, namespaces?: NamespaceScope): string[] {
    return buildLogQueries(req, this.flowSelector, namespaces);
  }

  /**
   * Every namespace some flow (or inventory record) in the window names as source, destination
   * or interface owner: the candidates a restricted caller is checked against (stream labels,
   * so the set is bounded).
   */
  async namespacesIn(window: TimeWindow, call: CallOptions): Promise<string[]> {
    const query = renderLogQuery({
      selector: this.opts.selector,
      lineFilters: [],
      streamLabelFilters: [],
      jsonLabelFilters: [],
    });
    const lists = await Promise.all(
      SCOPE_LABELS.map((label) => this.client.labelValues(label, { ...window, ...call, query })),
    );
    return [...new Set(lists.flat())].filter((n) => n !== '').sort();
  }

  /** Every matching entry, newest first; stops (and aborts upstream) when the caller stops or the signal fires. */
  entries(req: FlowRequest, call: EntryCall): AsyncGenerator<LokiEntry> {
    return streamEntries(this.client, this.queriesFor(req, call.namespaces), this.streamOptions(req, call));
  }

  /** The same entries a page at a time (exports: one turn per page). */
  entryPages(req: FlowRequest, call: EntryCall): AsyncGenerator<LokiEntry[]> {
    return streamEntryPages(
      this.client,
      this.queriesFor(req, call.namespaces),
      this.streamOptions(req, call),
    );
  }

  private streamOptions(req: FlowRequest, call: EntryCall): StreamOptions {
    return {
      startNs: req.window.startNs,
      endNs: req.window.endNs,
      pageSize: Math.min(call.pageSize ?? this.opts.maxEntries, this.opts.maxEntries),
      authorization: call.authorization,
      signal: call.signal,
      prefetch: call.prefetch,
      maxQueryLengthMs: this.opts.maxQueryLengthMs,
      onQuery: call.onQuery,
      onPage: call.onPage,
      onTimestampOverflow: (ts) => {
        this.metrics.timestampOverflows.inc();
        this.log.warn(
          { ts: ts.toString() },
          'more entries share one timestamp than one query returns; some were skipped',
        );
      },
    };
  }

  /**
   * The record of a Loki entry (record-reader.ts: any JSON object, normalised, with the stream
   * labels it lacks), or undefined when the line is not a JSON object — counted in the metric
   * here and in the response by the caller, never dropped silently.
   */
  parse(entry: LokiEntry): StoredFlowRecord | undefined {
    const r = readRecord(entry.line, entry.labels);
    if (!r) this.metrics.badLines.inc();
    return r;
  }

  /** The check the query leaves to the backend (paired elements past what LogQL compares). */
  recordCheck(req: FlowRequest): (r: StoredFlowRecord) => boolean {
    return pairCheck(elementPairing(req.filters, req.match));
  }

  async list(req: FlowRequest, limit: number, call: ScopedCall): Promise<FlowsResponse> {
    const started = performance.now();
    let queries = 0;
    let unreadable = 0;
    const records: StoredFlowRecord[] = [];
    const keep = this.recordCheck(req);
    const ac = new AbortController();
    const signal = call.signal ? AbortSignal.any([call.signal, ac.signal]) : ac.signal;
    const it = this.entries(req, { ...call, signal, pageSize: limit, onQuery: () => queries++ });
    try {
      for await (const entry of it) {
        const r = this.parse(entry);
        if (!r) unreadable++;
        else if (keep(r)) records.push(r);
        if (records.length >= limit) break;
      }
    } finally {
      ac.abort(); // stops any query still running for another branch of match=any
    }
    // Loki orders by entry timestamp; the page promises TimeFlowEndMs, which is the same for
    // our records and nearly so for others. A stable sort keeps Loki's order on ties.
    records.sort((a, b) => endMs(b) - endMs(a));
    return {
      records,
      stats: {
        queries,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        limit,
        limitReached: records.length >= limit,
        unreadable,
        startMs: Number(req.window.startNs / 1_000_000n),
        endMs: Number(req.window.endNs / 1_000_000n),
      },
    };
  }

  async resourceValues(kind: ResourceKind, window: TimeWindow, call: ScopedCall): Promise<string[]> {
    const values = new Set<string>();
    const labelValues = async (label: string): Promise<void> => {
      // A restricted caller learns only the values of streams they may read.
      for (const selector of scopeSelectors(this.flowSelector, call.namespaces)) {
        const query = renderLogQuery({
          selector,
          lineFilters: [],
          streamLabelFilters: [],
          jsonLabelFilters: [],
        });
        for (const v of await this.client.labelValues(label, { ...window, ...call, query })) values.add(v);
      }
    };
    switch (kind) {
      case 'namespaces':
        await Promise.all([labelValues('SrcK8S_Namespace'), labelValues('DstK8S_Namespace')]);
        break;
      case 'nodes':
        await labelValues('K8S_HostName');
        break;
      case 'interfaces':
      case 'netns': {
        // Not labels (cardinality): collected from the newest page of records in the window.
        const field = kind === 'interfaces' ? 'Interfaces' : 'IfNetns';
        const it = this.entries(
          { filters: [], match: 'all', window },
          { ...call, pageSize: this.opts.maxEntries },
        );
        let n = 0;
        for await (const e of it) {
          const r = this.parse(e) as Record<string, unknown> | undefined;
          const arr = r?.[field];
          if (Array.isArray(arr)) for (const v of arr) if (typeof v === 'string') values.add(v);
          if (++n >= this.opts.maxEntries) break;
        }
        break;
      }
    }
    // "" is the host namespace for netns and a real choice there; elsewhere it means "unknown".
    if (kind !== 'netns') values.delete('');
    return [...values].sort();
  }
}

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
import { elementPairing, type ElementPairing } from '../logql/element-pairs.ts';
import type { CallOptions, LokiClient, LokiEntry } from '../loki/client.ts';
import { streamEntries, streamEntryPages, type StreamOptions } from './entry-stream.ts';
import { pairCheck } from './pair-check.ts';
import { readRecord } from './record-reader.ts';
import type { FlowRequest, TimeWindow } from './query-params.ts';
import { collectValues, rangeValuesQuery, type ValueSource } from './range-values.ts';
import { MAX_IF_SLOTS } from './overview-service.ts';

const slots = (f: (slot: number) => ValueSource): ValueSource[] =>
  Array.from({ length: MAX_IF_SLOTS }, (_, slot) => f(slot));

/** Where the record-field kinds of autocomplete take their values (docs/design.md, API). */
const VALUE_SOURCES: Record<Exclude<ResourceKind, 'namespaces' | 'nodes'>, ValueSource[]> = {
  // Each interface with the pod that owns it (`net1 — sriov-test/server`).
  interfaces: slots((slot) => ({
    path: `Interfaces[${slot}]`,
    detailPaths: ['IfK8S_Namespace', 'IfK8S_Name'],
  })),
  // "" is the host namespace, a real choice.
  netns: slots((slot) => ({ path: `IfNetns[${slot}]`, present: `Interfaces[${slot}]`, keepEmpty: true })),
  // Pods as source, destination or interface owner, with their namespaces.
  pods: [
    { path: 'SrcK8S_Name', detailPaths: ['SrcK8S_Namespace'], where: { path: 'SrcK8S_Type', equals: 'Pod' } },
    { path: 'DstK8S_Name', detailPaths: ['DstK8S_Namespace'], where: { path: 'DstK8S_Type', equals: 'Pod' } },
    { path: 'IfK8S_Name', detailPaths: ['IfK8S_Namespace'] },
  ],
  networks: [{ path: 'SrcK8S_NetworkName' }, { path: 'DstK8S_NetworkName' }, { path: 'IfK8S_NetworkName' }],
};

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
    return pairCheck(this.pairing(req));
  }

  /** The same check as data (for the export worker, csv-worker.ts). */
  pairing(req: FlowRequest): ElementPairing | undefined {
    return elementPairing(req.filters, req.match);
  }

  /** Lines read elsewhere (the export worker) that were not JSON objects: counted as parse() counts them. */
  countUnreadable(lines: number): void {
    this.metrics.badLines.inc(lines);
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

  async resourceValues(
    kind: ResourceKind,
    window: TimeWindow,
    call: ScopedCall,
  ): Promise<{ values: string[]; details?: Record<string, string[]> }> {
    if (kind === 'namespaces' || kind === 'nodes') {
      // Stream labels: Loki lists them for the range without reading a line.
      const values = new Set<string>();
      const labels = kind === 'namespaces' ? ['SrcK8S_Namespace', 'DstK8S_Namespace'] : ['K8S_HostName'];
      await Promise.all(
        labels.map(async (label) => {
          // A restricted caller learns only the values of streams they may read.
          for (const selector of scopeSelectors(this.flowSelector, call.namespaces)) {
            const query = renderLogQuery({
              selector,
              lineFilters: [],
              streamLabelFilters: [],
              jsonLabelFilters: [],
            });
            for (const v of await this.client.labelValues(label, { ...window, ...call, query }))
              values.add(v);
          }
        }),
      );
      values.delete(''); // "unknown", not a choice
      return { values: [...values].sort() };
    }
    // Fields of the records: every value in the range (a metric query per field), rare ones too.
    const sources = VALUE_SOURCES[kind];
    const rangeMs = Math.max(1, Number((window.endNs - window.startNs) / 1_000_000n));
    const series = await Promise.all(
      sources.map((source) =>
        this.client.metricQuery({
          ...call,
          query: rangeValuesQuery(this.flowSelector, source, rangeMs, call.namespaces),
          startNs: window.endNs,
          endNs: window.endNs,
          stepMs: rangeMs,
        }),
      ),
    );
    const { values, details } = collectValues(sources, series);
    return Object.keys(details).length ? { values, details } : { values };
  }
}

// The page's overview: a histogram of the range and the top interfaces and source/destination
// pairs, aggregated by Loki (LogQL metric queries), so the figures cover every record of the
// range and not only the newest page. Queries are typed (logql/metric.ts), values escaped.
import type { FlowRequest } from './query-params.ts';
import { BadParamError } from '../errors.ts';
import type { LabelExpr, LabelMatcher } from '../logql/ast.ts';
import { logQueryFor, scopeLabelFilter, type NamespaceScope } from '../logql/build.ts';
import { renderMetricQuery, type Extraction, type RangeAggregation } from '../logql/metric.ts';
import { escapeRegex } from '../logql/literals.ts';
import type { CallOptions, LokiClient, LokiSeries } from '../loki/client.ts';
import type { ScopedCall } from './flow-service.ts';
import {
  OVERVIEW_METRICS,
  type Endpoint,
  type HistogramResponse,
  type OverviewMetric,
  type TopInterface,
  type TopInterfacesResponse,
  type TopPairsResponse,
} from '@interflow/contract';

/** Round bucket widths, smallest first; the histogram takes the first giving at most MAX_BUCKETS. */
const STEPS_MS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
].map((s) => s * 1000);
export const MAX_BUCKETS = 120;
export const TOP_ROWS = 10;
/** Candidates each query keeps before the server merges them (topk per interface slot). */
const TOP_CANDIDATES = 100;
/** Interfaces of one record the server counts (Interfaces[0] … [MAX_IF_SLOTS-1]). */
export const MAX_IF_SLOTS = 4;

export function parseMetric(text: string | undefined): OverviewMetric {
  if (text === undefined || text === '') return 'bytes';
  if ((OVERVIEW_METRICS as readonly string[]).includes(text)) return text as OverviewMetric;
  throw new BadParamError(
    'metric',
    `metric must be one of ${OVERVIEW_METRICS.join(', ')}, got "${text.slice(0, 40)}"`,
  );
}

export function histogramStepMs(spanMs: number): number {
  return (
    STEPS_MS.find((s) => spanMs / s <= MAX_BUCKETS) ??
    Math.ceil(spanMs / MAX_BUCKETS / 86_400_000) * 86_400_000
  );
}

const ne = (label: string, value: string): LabelExpr => ({
  kind: 'match',
  matcher: { label, op: '!=', value },
});
const eq = (label: string, value: string): LabelExpr => ({
  kind: 'match',
  matcher: { label, op: '=', value },
});

/** A record has at least n+1 interfaces: a cheap line filter, so slot n's query parses only those lines. */
function hasInterfaceSlot(n: number): string {
  return `${escapeRegex('"Interfaces":[')}(?:"(?:[^"\\\\]|\\\\.)*",){${n}}"`;
}

export interface OverviewOptions {
  /**
   * Add a line filter to the queries of interface slots 1… and of the overflow, so that Loki
   * parses only the lines of records with that many interfaces (default true). The embedded
   * store answers these queries from its column index only without line filters; the label
   * filter `if_name != ""` selects the same records either way.
   */
  slotLineFilters?: boolean;
}

export class OverviewService {
  private readonly slotLineFilters: boolean;
  constructor(
    private readonly client: LokiClient,
    private readonly selector: LabelMatcher[],
    options: OverviewOptions = {},
  ) {
    this.slotLineFilters = options.slotLineFilters ?? true;
  }

  private sampleRange(
    req: FlowRequest,
    metric: OverviewMetric,
    rangeMs: number,
    extract: Extraction[] = [],
    extractedFilters: LabelExpr[] = [],
    extraLineFilter?: string,
    namespaces?: NamespaceScope,
  ): RangeAggregation {
    if (req.match === 'any' && req.filters.length > 1) {
      // One query per filter would count a record matching two filters twice.
      throw new BadParamError(
        'match',
        'the overview needs match=all (records matching any of several filters cannot be summed exactly in LogQL)',
      );
    }
    const log = logQueryFor(this.selector, req.filters, req.match);
    if (extraLineFilter) log.lineFilters.push({ op: '|~', value: extraLineFilter });
    // A caller restricted to some namespaces: inside the query, before any aggregation.
    if (namespaces) log.streamLabelFilters.push(scopeLabelFilter(namespaces));
    if (metric === 'records')
      return { kind: 'range', op: 'count_over_time', log, extract, extractedFilters, rangeMs };
    const field = metric === 'bytes' ? 'Bytes' : 'Packets';
    return {
      kind: 'range',
      op: 'sum_over_time',
      log,
      extract: [...extract, { label: field, path: field }],
      extractedFilters,
      unwrap: field,
      rangeMs,
    };
  }

  /** Queries, rendered (tests parse them with the LogQL grammar). */
  histogramQuery(
    req: FlowRequest,
    metric: OverviewMetric,
    stepMs: number,
    namespaces?: NamespaceScope,
  ): string {
    return renderMetricQuery({
      kind: 'vector',
      op: 'sum',
      by: [],
      inner: this.sampleRange(req, metric, stepMs, [], [], undefined, namespaces),
    });
  }

  interfaceQuery(
    req: FlowRequest,
    metric: OverviewMetric,
    slot: number,
    rangeMs: number,
    namespaces?: NamespaceScope,
  ): string {
    const range = this.sampleRange(
      req,
      metric,
      rangeMs,
      [
        { label: 'if_name', path: `Interfaces[${slot}]` },
        { label: 'if_netns', path: `IfNetns[${slot}]` },
        { label: 'IfK8S_Namespace', path: 'IfK8S_Namespace' },
        { label: 'IfK8S_Name', path: 'IfK8S_Name' },
      ],
      [ne('if_name', '')],
      slot > 0 && this.slotLineFilters ? hasInterfaceSlot(slot) : undefined,
      namespaces,
    );
    return renderMetricQuery({
      kind: 'vector',
      op: 'topk',
      k: TOP_CANDIDATES,
      by: [],
      inner: {
        kind: 'vector',
        op: 'sum',
        by: ['if_name', 'if_netns', 'IfK8S_Namespace', 'IfK8S_Name'],
        inner: range,
      },
    });
  }

  overflowQuery(req: FlowRequest, rangeMs: number, namespaces?: NamespaceScope): string {
    const range = this.slotLineFilters
      ? this.sampleRange(req, 'records', rangeMs, [], [], hasInterfaceSlot(MAX_IF_SLOTS), namespaces)
      : this.sampleRange(
          req,
          'records',
          rangeMs,
          [{ label: 'if_overflow', path: `Interfaces[${MAX_IF_SLOTS}]` }],
          [ne('if_overflow', '')],
          undefined,
          namespaces,
        );
    return renderMetricQuery({ kind: 'vector', op: 'sum', by: [], inner: range });
  }

  /**
   * One query per kind of pair: each side is namespace/name when the record names it, else its
   * address. The four kinds hold disjoint keys, so the top 10 of each, merged, is the exact top 10.
   */
  pairsQueries(
    req: FlowRequest,
    metric: OverviewMetric,
    rangeMs: number,
    namespaces?: NamespaceScope,
  ): string[] {
    const out: string[] = [];
    for (const srcNamed of [true, false]) {
      for (const dstNamed of [true, false]) {
        const by: string[] = [];
        const extract: Extraction[] = [];
        const filters: LabelExpr[] = [];
        for (const [side, named] of [
          ['Src', srcNamed],
          ['Dst', dstNamed],
        ] as const) {
          extract.push({ label: `${side}K8S_Name`, path: `${side}K8S_Name` });
          filters.push(named ? ne(`${side}K8S_Name`, '') : eq(`${side}K8S_Name`, ''));
          if (named) by.push(`${side}K8S_Namespace`, `${side}K8S_Name`);
          else {
            extract.push({ label: `${side}Addr`, path: `${side}Addr` });
            by.push(`${side}Addr`);
          }
        }
        const range = this.sampleRange(req, metric, rangeMs, extract, filters, undefined, namespaces);
        out.push(
          renderMetricQuery({
            kind: 'vector',
            op: 'topk',
            k: TOP_ROWS,
            by: [],
            inner: { kind: 'vector', op: 'sum', by, inner: range },
          }),
        );
      }
    }
    return out;
  }

  totalQuery(req: FlowRequest, metric: OverviewMetric, rangeMs: number, namespaces?: NamespaceScope): string {
    return renderMetricQuery({
      kind: 'vector',
      op: 'sum',
      by: [],
      inner: this.sampleRange(req, metric, rangeMs, [], [], undefined, namespaces),
    });
  }

  /** One evaluation at the end of the window over the whole window. */
  private async whole(query: string, req: FlowRequest, call: CallOptions): Promise<LokiSeries[]> {
    const rangeMs = windowMs(req);
    return this.client.metricQuery({
      ...call,
      query,
      startNs: req.window.endNs,
      endNs: req.window.endNs,
      stepMs: rangeMs,
    });
  }

  async histogram(req: FlowRequest, metric: OverviewMetric, call: ScopedCall): Promise<HistogramResponse> {
    const started = performance.now();
    const startMs = Number(req.window.startNs / 1_000_000n);
    const endMs = Number(req.window.endNs / 1_000_000n);
    const stepMs = histogramStepMs(endMs - startMs);
    const n = Math.max(1, Math.ceil((endMs - startMs) / stepMs));
    const series = await this.client.metricQuery({
      ...call,
      query: this.histogramQuery(req, metric, stepMs, call.namespaces),
      startNs: req.window.startNs + BigInt(stepMs) * 1_000_000n,
      endNs: req.window.startNs + BigInt(n * stepMs) * 1_000_000n,
      stepMs,
    });
    const buckets = Array.from({ length: n }, (_, i) => ({ startMs: startMs + i * stepMs, value: 0 }));
    let total = 0;
    for (const s of series) {
      for (const v of s.values) {
        // the point at t sums (t - step, t]: the bucket that starts at t - step
        const i = Math.round((v.tSeconds * 1000 - startMs) / stepMs) - 1;
        if (i >= 0 && i < n) {
          buckets[i]!.value += v.value;
          total += v.value;
        }
      }
    }
    return { metric, startMs, endMs, stepMs, buckets, total, stats: { queries: 1, durationMs: ms(started) } };
  }

  async topInterfaces(
    req: FlowRequest,
    metric: OverviewMetric,
    call: ScopedCall,
  ): Promise<TopInterfacesResponse> {
    const started = performance.now();
    const rangeMs = windowMs(req);
    const slots = Array.from({ length: MAX_IF_SLOTS }, (_, i) =>
      this.whole(this.interfaceQuery(req, metric, i, rangeMs, call.namespaces), req, call),
    );
    const [total, overflow, ...perSlot] = await Promise.all([
      this.whole(this.totalQuery(req, metric, rangeMs, call.namespaces), req, call),
      this.whole(this.overflowQuery(req, rangeMs, call.namespaces), req, call),
      ...slots,
    ]);
    const merged = new Map<string, TopInterface>();
    for (const series of perSlot) {
      for (const s of series) {
        const row: TopInterface = {
          interface: s.metric.if_name ?? '',
          netns: s.metric.if_netns ?? '',
          namespace: s.metric.IfK8S_Namespace ?? '',
          pod: s.metric.IfK8S_Name ?? '',
          value: 0,
        };
        const key = JSON.stringify([row.interface, row.netns, row.namespace, row.pod]);
        const r = merged.get(key) ?? row;
        r.value += lastValue(s);
        merged.set(key, r);
      }
    }
    const rows = [...merged.values()].sort((a, b) => b.value - a.value).slice(0, TOP_ROWS);
    return {
      metric,
      total: sumOf(total),
      rows,
      uncountedRecords: sumOf(overflow),
      stats: { queries: 2 + MAX_IF_SLOTS, durationMs: ms(started) },
    };
  }

  async topPairs(req: FlowRequest, metric: OverviewMetric, call: ScopedCall): Promise<TopPairsResponse> {
    const started = performance.now();
    const rangeMs = windowMs(req);
    const [total, ...kinds] = await Promise.all([
      this.whole(this.totalQuery(req, metric, rangeMs, call.namespaces), req, call),
      ...this.pairsQueries(req, metric, rangeMs, call.namespaces).map((q) => this.whole(q, req, call)),
    ]);
    const merged = new Map<string, TopPairsResponse['rows'][number]>();
    for (const s of kinds.flat()) {
      const source = endpoint(s.metric.SrcK8S_Namespace, s.metric.SrcK8S_Name, s.metric.SrcAddr);
      const destination = endpoint(s.metric.DstK8S_Namespace, s.metric.DstK8S_Name, s.metric.DstAddr);
      const key = JSON.stringify([source, destination]);
      const r = merged.get(key) ?? { source, destination, value: 0 };
      r.value += lastValue(s);
      merged.set(key, r);
    }
    const rows = [...merged.values()].sort((a, b) => b.value - a.value).slice(0, TOP_ROWS);
    return {
      metric,
      total: sumOf(total),
      rows,
      stats: { queries: 1 + kinds.length, durationMs: ms(started) },
    };
  }
}

/** namespace/name when the name is known (the address then varies with the pod's IPs), else the address. */
function endpoint(namespace = '', name = '', address = ''): Endpoint {
  return name ? { namespace, name, address: '' } : { namespace: '', name: '', address };
}

function windowMs(req: FlowRequest): number {
  return Math.max(1, Number((req.window.endNs - req.window.startNs) / 1_000_000n));
}
const lastValue = (s: LokiSeries): number => s.values[s.values.length - 1]?.value ?? 0;
const sumOf = (series: LokiSeries[]): number => series.reduce((a, s) => a + lastValue(s), 0);
const ms = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

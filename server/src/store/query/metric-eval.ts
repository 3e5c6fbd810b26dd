// Evaluates a metric query (metric-parse.ts) over the entries of its range, as Loki's engine
// does for /loki/api/v1/query_range:
//  - evaluation times t = start, start+step, … up to end (inclusive);
//  - at each t a range aggregation reads the samples with t - range < ts <= t;
//  - a sample is 1 per entry (count_over_time, rate), its line's bytes (bytes_over_time,
//    bytes_rate) or an unwrapped label parsed as Go's strconv.ParseFloat does (sum_over_time):
//    an entry without the label gives no sample, an unparsable value gives a sample marked
//    __error__="SampleExtractionErr" (a filter after unwrap such as `| __error__=""` can drop it;
//    otherwise the query fails, as in Loki); the unwrapped label is not part of the series;
//  - a series has a point at t only when its range holds at least one sample;
//  - vector aggregations group per t (`by` keeps the named labels, `without` drops them);
//    topk/bottomk keep the k largest/smallest series of each group at each t, with their labels.
import { badQuery } from '../errors.ts';
import type { Grouping, LabelFilterExpr, MetricQuery, RangeAggregation } from './logql-ast.ts';
import {
  compilePipeline,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  evalLabelFilter,
  parseGoFloat,
  type Labels,
} from './pipeline.ts';

/** Loki's max_query_series default. */
export const MAX_SERIES = 500;
/** Loki's limit of points per series in one query_range. */
export const MAX_POINTS = 11_000;

export interface MatrixSeries {
  metric: Labels;
  values: [number, string][];
}

function key(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function group(labels: Labels, g: Grouping | null): Labels {
  if (!g) return {};
  const out: Labels = {};
  if (g.without) {
    for (const [k, v] of Object.entries(labels)) if (!g.labels.includes(k)) out[k] = v;
  } else {
    for (const k of g.labels) if (labels[k] !== undefined && labels[k] !== '') out[k] = labels[k];
  }
  return out;
}

/** The range aggregation at the bottom of a metric query (the subset has exactly one). */
export function rangeOf(q: MetricQuery): RangeAggregation {
  return q.kind === 'range' ? q : rangeOf(q.inner);
}

/**
 * The grouping of a `sum` directly above a range aggregation whose values add up
 * (count_over_time, bytes_over_time, sum_over_time): samples may be grouped as they are read.
 */
export function preGroupingOf(q: MetricQuery): Grouping | null {
  if (q.kind === 'range') return null;
  if (q.inner.kind === 'range') {
    const addable = ['count_over_time', 'bytes_over_time', 'sum_over_time'].includes(q.inner.op);
    return q.op === 'sum' && addable ? (q.grouping ?? { without: false, labels: [] }) : null;
  }
  return preGroupingOf(q.inner);
}

interface RawSeries {
  labels: Labels;
  ts: bigint[];
  values: number[];
}

/** Collects the samples of a range aggregation from entries given in time order. */
export class SampleCollector {
  private readonly series = new Map<string, RawSeries>();
  private readonly run: (line: string, base: Labels) => Labels | null;
  /**
   * `preGroup`: the grouping of a `sum` right above the range aggregation. Summing samples by
   * those labels before the range aggregation gives the same figures (a sum of sums) with far
   * fewer series; series with an error are still refused before they are grouped away.
   */
  constructor(
    private readonly agg: RangeAggregation,
    private readonly preGroup: Grouping | null = null,
  ) {
    this.run = compilePipeline(agg.log.pipeline).run;
  }

  add(ts: bigint, line: string, base: Labels): void {
    let labels = this.run(line, base);
    if (labels === null) return;
    let value = 1;
    const { op, unwrap } = this.agg;
    if (op === 'bytes_over_time' || op === 'bytes_rate') {
      value = Buffer.byteLength(line, 'utf8'); // Loki counts the line's bytes, not its characters
    } else if (unwrap) {
      const raw = labels[unwrap.label];
      if (raw === undefined || raw === '') return; // Loki: no label, no sample
      const map = new Map(Object.entries(labels));
      map.delete(unwrap.label);
      const n = parseGoFloat(raw);
      if (n === null) {
        map.set(ERROR_LABEL, 'SampleExtractionErr');
        map.set(ERROR_DETAILS_LABEL, `strconv.ParseFloat: parsing ${JSON.stringify(raw)}: invalid syntax`);
        value = 0;
      } else value = n;
      if (!unwrap.postFilters.every((f: LabelFilterExpr) => evalLabelFilter(f, map))) return;
      labels = {};
      for (const [k, v] of map) if (v !== '') labels[k] = v;
    }
    if (this.agg.grouping) labels = group(labels, this.agg.grouping);
    if (this.preGroup) {
      if (labels[ERROR_LABEL] !== undefined) this.refuse(labels);
      labels = group(labels, this.preGroup);
    }
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, ts: [], values: [] };
      this.series.set(k, s);
    }
    s.ts.push(ts);
    s.values.push(value);
  }

  /** Loki fails a metric query whose samples carry an error no filter dropped. */
  private refuse(labels: Labels): never {
    throw badQuery(
      `pipeline error: '${labels[ERROR_LABEL]}' for series: '${seriesText(labels)}'. Use a label filter to intercept this error. (Hint: | __error__="")`,
    );
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** The range aggregation's value of every series at each evaluation time. */
  evaluate(times: bigint[]): Evaluated[] {
    const { op, rangeNs } = this.agg;
    const rangeS = Number(rangeNs) / 1e9;
    const out: Evaluated[] = [];
    for (const s of this.series.values()) {
      if (s.labels[ERROR_LABEL] !== undefined) this.refuse(s.labels);
      const prefix = new Float64Array(s.values.length + 1);
      for (let i = 0; i < s.values.length; i++) prefix[i + 1] = prefix[i]! + s.values[i]!;
      const points: (number | undefined)[] = new Array(times.length);
      let any = false;
      for (let i = 0; i < times.length; i++) {
        const t = times[i]!;
        const hi = upperBound(s.ts, t);
        const lo = upperBound(s.ts, t - rangeNs);
        if (hi === lo) continue;
        const sum = prefix[hi]! - prefix[lo]!;
        const count = hi - lo;
        points[i] =
          op === 'count_over_time'
            ? count
            : op === 'rate'
              ? count / rangeS
              : op === 'bytes_rate'
                ? sum / rangeS
                : sum;
        any = true;
      }
      if (any) out.push({ labels: s.labels, points });
    }
    return out;
  }
}

export interface Evaluated {
  labels: Labels;
  points: (number | undefined)[];
}

/** Number of sorted timestamps <= t. */
function upperBound(ts: bigint[], t: bigint): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function seriesText(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;
}

function aggregate(q: MetricQuery, collector: SampleCollector, times: bigint[]): Evaluated[] {
  if (q.kind === 'range') return collector.evaluate(times);
  const inner = aggregate(q.inner, collector, times);
  const groups = new Map<string, { labels: Labels; members: Evaluated[] }>();
  for (const s of inner) {
    const labels = group(s.labels, q.grouping);
    const k = key(labels);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { labels, members: [] }));
    g.members.push(s);
  }
  if (q.op === 'topk' || q.op === 'bottomk') {
    const kept = new Map<Evaluated, Evaluated>();
    const sign = q.op === 'topk' ? -1 : 1;
    for (const g of groups.values()) {
      for (let i = 0; i < times.length; i++) {
        const present = g.members.filter((m) => m.points[i] !== undefined);
        present.sort((a, b) => sign * (a.points[i]! - b.points[i]!));
        for (const m of present.slice(0, q.param!)) {
          let o = kept.get(m);
          if (!o) kept.set(m, (o = { labels: m.labels, points: new Array(times.length) }));
          o.points[i] = m.points[i];
        }
      }
    }
    return [...kept.values()];
  }
  const out: Evaluated[] = [];
  for (const g of groups.values()) {
    const points: (number | undefined)[] = new Array(times.length);
    for (let i = 0; i < times.length; i++) {
      const vals: number[] = [];
      for (const m of g.members) if (m.points[i] !== undefined) vals.push(m.points[i]!);
      if (vals.length === 0) continue;
      switch (q.op) {
        case 'sum':
          points[i] = vals.reduce((a, b) => a + b, 0);
          break;
        case 'avg':
          points[i] = vals.reduce((a, b) => a + b, 0) / vals.length;
          break;
        case 'min':
          points[i] = Math.min(...vals);
          break;
        case 'max':
          points[i] = Math.max(...vals);
          break;
        case 'count':
          points[i] = vals.length;
          break;
      }
    }
    out.push({ labels: g.labels, points });
  }
  return out;
}

/** Prometheus' number text (strconv.FormatFloat(v, 'f', -1, 64) for usual values). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return v.toFixed(0);
  return String(v);
}

/** Evaluation times start, start+step, … <= end; refused beyond Loki's 11 000 points. */
export function evaluationTimes(start: bigint, end: bigint, stepNs: bigint): bigint[] {
  if (stepNs <= 0n)
    throw badQuery('zero or negative query resolution step widths are not accepted. Try a positive integer');
  const n = (end - start) / stepNs + 1n;
  if (n > BigInt(MAX_POINTS)) {
    throw badQuery(
      `exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)`,
    );
  }
  const out: bigint[] = [];
  for (let t = start; t <= end; t += stepNs) out.push(t);
  return out;
}

export function evaluateMetric(q: MetricQuery, collector: SampleCollector, times: bigint[]): MatrixSeries[] {
  const result = aggregate(q, collector, times);
  if (result.length > MAX_SERIES) {
    throw badQuery(
      `maximum number of series (${MAX_SERIES}) reached for a single query; consider reducing query cardinality by adding more filters to the query or by using a grouping`,
    );
  }
  const series = result.map((s) => ({
    metric: s.labels,
    values: s.points.flatMap((v, i): [number, string][] =>
      v === undefined ? [] : [[Number(times[i]! / 1_000_000n) / 1000, formatValue(v)]],
    ),
  }));
  return series.sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : key(a.metric) > key(b.metric) ? 1 : 0));
}

// The LogQL subset the embedded store evaluates, as a typed tree (built by logql-parse.ts). Its
// matchers and line filters are those of logql/ast.ts (the one LabelMatcher type and operator
// table of the backend), compiled: each carries the test that evaluates it.
import type { LabelMatcher, LineFilter, NumberOp } from '../../logql/ast.ts';

/** A label matcher (stream selector matcher or string label filter) with its test. Missing label = "". */
export interface CompiledMatcher extends LabelMatcher {
  matches(labelValue: string): boolean;
}

/** A line filter with its test. */
export interface CompiledLineFilter extends LineFilter {
  matches(line: string): boolean;
}

export interface JsonExtraction {
  label: string;
  /** path steps: object keys (string) and array indexes (number) */
  path: (string | number)[];
}

export type LabelFilterExpr =
  | { kind: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr }
  | { kind: 'string'; matcher: CompiledMatcher }
  /** `label = ip("…")` / `label != ip("…")`; `contains` tests a present label's value */
  | { kind: 'ip'; label: string; op: '=' | '!='; pattern: string; contains: (value: string) => boolean }
  | { kind: 'number'; label: string; op: NumberOp; value: number };

export type PipelineStage =
  | { kind: 'line'; filter: CompiledLineFilter }
  | { kind: 'json'; extractions: JsonExtraction[] | null }
  | { kind: 'labelFilter'; expr: LabelFilterExpr };

export interface LogQuery {
  matchers: CompiledMatcher[];
  pipeline: PipelineStage[];
}

/** Range aggregations the store evaluates (Loki's log range and unwrapped range aggregations). */
export type RangeOp = 'count_over_time' | 'bytes_over_time' | 'sum_over_time' | 'rate' | 'bytes_rate';
/** Vector aggregations the store evaluates. */
export type VectorOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'topk' | 'bottomk';

export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface RangeAggregation {
  kind: 'range';
  op: RangeOp;
  log: LogQuery;
  /** `| unwrap label` and the label filters after it (`| __error__=""`), sum_over_time only */
  unwrap: { label: string; postFilters: LabelFilterExpr[] } | null;
  rangeNs: bigint;
  /** `sum_over_time(…) by (…)`: grouping on the range aggregation itself */
  grouping: Grouping | null;
}

export interface VectorAggregation {
  kind: 'vector';
  op: VectorOp;
  /** k of topk / bottomk */
  param: number | null;
  grouping: Grouping | null;
  inner: MetricQuery;
}

export type MetricQuery = RangeAggregation | VectorAggregation;

/** A parsed query: log lines or samples. */
export type ParsedQuery = { kind: 'log'; query: LogQuery } | { kind: 'metric'; query: MetricQuery };

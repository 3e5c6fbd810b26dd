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
  | { kind: 'number'; label: string; op: NumberOp; value: number };

export type PipelineStage =
  | { kind: 'line'; filter: CompiledLineFilter }
  | { kind: 'json'; extractions: JsonExtraction[] | null }
  | { kind: 'labelFilter'; expr: LabelFilterExpr };

export interface LogQuery {
  matchers: CompiledMatcher[];
  pipeline: PipelineStage[];
}

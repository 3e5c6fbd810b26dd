// The LogQL subset the embedded store evaluates, as a typed tree (built by logql-parse.ts).

export type MatchOp = '=' | '!=' | '=~' | '!~';
export type NumberOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export type LineFilterOp = '|=' | '!=' | '|~' | '!~';

/** A label matcher: stream selector matcher or string label filter. Missing label = "". */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
  matches(labelValue: string): boolean;
}

export interface LineFilter {
  op: LineFilterOp;
  value: string;
  matches(line: string): boolean;
}

export interface JsonExtraction {
  label: string;
  /** path steps: object keys (string) and array indexes (number) */
  path: (string | number)[];
}

export type LabelFilterExpr =
  | { kind: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr }
  | { kind: 'string'; matcher: LabelMatcher }
  | { kind: 'number'; name: string; op: NumberOp; value: number };

export type PipelineStage =
  | { kind: 'line'; filter: LineFilter }
  | { kind: 'json'; extractions: JsonExtraction[] | null }
  | { kind: 'labelFilter'; expr: LabelFilterExpr };

export interface LogQuery {
  matchers: LabelMatcher[];
  pipeline: PipelineStage[];
}

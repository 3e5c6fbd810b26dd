// Evaluates a parsed LogQL pipeline on one entry, with Loki's semantics: a missing label reads
// as "", a numeric filter on a missing label fails, a numeric filter on a value that is not a
// number passes and marks the entry with __error__="LabelFilterErr" (as Loki does), a line that
// `| json` cannot parse gets __error__="JSONParserErr". Label sets are only copied when a stage
// needs them, so selector + line filters cost nothing per entry beyond the filters themselves.
import { extractJsonLabels } from './json-labels.ts';
import type { LabelFilterExpr, PipelineStage } from './logql-ast.ts';

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';

export type Labels = Record<string, string>;

/** Go's strconv.ParseFloat syntax (decimal, exponent, Inf/NaN), as Loki parses label values. */
const GO_FLOAT = /^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
export function parseGoFloat(s: string): number | null {
  if (GO_FLOAT.test(s)) return Number(s.replace(/_/g, ''));
  const l = s.toLowerCase();
  if (/^[+]?(inf|infinity)$/.test(l)) return Infinity;
  if (/^-(inf|infinity)$/.test(l)) return -Infinity;
  if (l === 'nan') return NaN;
  return null;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}

export function evalLabelFilter(expr: LabelFilterExpr, labels: Map<string, string>): boolean {
  switch (expr.kind) {
    case 'and': {
      // Loki evaluates both sides of `and` (errors set by the right side stay visible)
      const l = evalLabelFilter(expr.left, labels);
      const r = evalLabelFilter(expr.right, labels);
      return l && r;
    }
    case 'or':
      return evalLabelFilter(expr.left, labels) || evalLabelFilter(expr.right, labels);
    case 'string':
      return expr.matcher.matches(labels.get(expr.matcher.label) ?? '');
    case 'ip': {
      if (labels.has(ERROR_LABEL)) return true; // only string matchers filter entries with errors
      const v = labels.get(expr.label);
      if (v === undefined) return false; // a missing label matches neither = nor !=
      return expr.op === '=' ? expr.contains(v) : !expr.contains(v);
    }
    case 'number': {
      if (labels.has(ERROR_LABEL)) return true; // only string matchers filter entries with errors
      const v = labels.get(expr.label);
      if (v === undefined || v === '') return false;
      const n = parseGoFloat(v);
      if (n === null) {
        labels.set(ERROR_LABEL, 'LabelFilterErr');
        labels.set(ERROR_DETAILS_LABEL, `strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
        return true;
      }
      return compare(n, expr.op, expr.value);
    }
  }
}

export interface CompiledPipeline {
  /**
   * Returns the entry's output labels, or null when the pipeline drops the entry. Without a stage
   * that can add labels the output is `base` itself (callers reuse its stream key).
   */
  run(line: string, base: Labels): Labels | null;
}

export function compilePipeline(stages: PipelineStage[]): CompiledPipeline {
  if (stages.every((s) => s.kind === 'line')) {
    const filters = stages.map((s) => (s.kind === 'line' ? s.filter.matches : () => true));
    return {
      run(line, base) {
        for (const f of filters) if (!f(line)) return null;
        return base;
      },
    };
  }
  return {
    run(line, base) {
      const labels = new Map(Object.entries(base));
      for (const stage of stages) {
        if (stage.kind === 'line') {
          if (!stage.filter.matches(line)) return null;
        } else if (stage.kind === 'json') {
          const err = extractJsonLabels(line, stage.extractions, base, labels);
          if (err !== null) {
            labels.set(ERROR_LABEL, 'JSONParserErr');
            labels.set(ERROR_DETAILS_LABEL, err);
          }
        } else if (!evalLabelFilter(stage.expr, labels)) {
          return null;
        }
      }
      const out: Labels = {};
      for (const [k, v] of labels) if (v !== '') out[k] = v; // empty value = no label
      return out;
    },
  };
}

// Either kind of LogQL query the store answers: a log query (logql-parse.ts) or a metric query
// (metric-parse.ts), from one parse of the text.
import { parseLogExpr, parseTree } from './logql-parse.ts';
import { parseMetricExpr } from './metric-parse.ts';
import type { ParsedQuery } from './logql-ast.ts';

export function parseQuery(query: string): ParsedQuery {
  const { ctx, expr } = parseTree(query);
  const logExpr = expr.getChild('LogExpr');
  if (logExpr) return { kind: 'log', query: parseLogExpr(ctx, logExpr) };
  const metricExpr = expr.getChild('MetricExpr');
  if (metricExpr) return { kind: 'metric', query: parseMetricExpr(ctx, metricExpr) };
  return ctx.refuse('this kind of expression', expr);
}

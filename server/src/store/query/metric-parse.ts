// Metric queries (Loki's range and vector aggregations) in the subset the store evaluates:
//   count_over_time, bytes_over_time, rate, bytes_rate (log range aggregations),
//   sum_over_time(… | unwrap label [| label filters] [range]) (unwrapped range aggregation),
//   sum, avg, min, max, count, topk, bottomk with optional `by (…)` / `without (…)`.
// Anything else (binary operators, offsets, unwrap conversions, other functions) is refused,
// naming the construct, as logql-parse.ts does for log queries.
import type { SyntaxNode } from '@lezer/common';
import { badQuery } from '../errors.ts';
import { children, parseLabelFilter, type Ctx } from './logql-parse.ts';
import { parseLogExpr } from './logql-parse.ts';
import type {
  Grouping,
  LabelFilterExpr,
  MetricQuery,
  RangeAggregation,
  RangeOp,
  VectorOp,
} from './logql-ast.ts';

const RANGE_OPS: Record<string, RangeOp> = {
  CountOverTime: 'count_over_time',
  BytesOverTime: 'bytes_over_time',
  SumOverTime: 'sum_over_time',
  Rate: 'rate',
  BytesRate: 'bytes_rate',
};
const VECTOR_OPS: Record<string, VectorOp> = {
  Sum: 'sum',
  Avg: 'avg',
  Min: 'min',
  Max: 'max',
  Count: 'count',
  Topk: 'topk',
  Bottomk: 'bottomk',
};
const UNWRAPPED: ReadonlySet<RangeOp> = new Set(['sum_over_time']);

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
};

/** A Prometheus/Loki duration (`90s`, `1h30m`, `1500ms`) in ns, or null. */
export function parseDurationNs(text: string): bigint | null {
  const re = /(\d+)(ns|us|µs|ms|s|m|h|d|w|y)/gy;
  let total = 0n;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += BigInt(m[1]!) * UNIT_NS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === text.length && pos > 0 ? total : null;
}

function parseGrouping(ctx: Ctx, n: SyntaxNode | null): Grouping | null {
  if (!n) return null;
  const labels: string[] = [];
  const walk = (m: SyntaxNode): void => {
    for (const c of children(m)) {
      if (c.name === 'Labels') walk(c);
      else if (c.name === 'Identifier') labels.push(ctx.src(c));
    }
  };
  const list = n.getChild('Labels');
  if (list) walk(list);
  return { without: n.getChild('Without') !== null, labels };
}

function parseUnwrap(
  ctx: Ctx,
  n: SyntaxNode,
  post: LabelFilterExpr[],
): { label: string; postFilters: LabelFilterExpr[] } {
  const inner = n.getChild('UnwrapExpr');
  if (inner) {
    // UnwrapExpr(UnwrapExpr(…), Pipe, LabelFilter): filters after the unwrap, innermost first
    const filter = n.getChild('LabelFilter');
    const result = parseUnwrap(ctx, inner, post);
    if (filter) post.push(parseLabelFilter(ctx, filter));
    return result;
  }
  if (n.getChild('ConvOp')) ctx.refuse('unwrap conversion function', n);
  const id = n.getChild('Identifier');
  if (!id) ctx.refuse('unwrap expression', n);
  return { label: ctx.src(id), postFilters: post };
}

function parseRangeAggregation(ctx: Ctx, n: SyntaxNode): RangeAggregation {
  const opNode = n.getChild('RangeOp')?.firstChild;
  const op = opNode ? RANGE_OPS[opNode.name] : undefined;
  if (!op) return ctx.refuse(`range aggregation ${opNode ? ctx.src(opNode) : ''}`.trim(), n);
  if (n.getChild('Number')) ctx.refuse('range aggregation parameter', n);
  const logRange = n.getChild('LogRangeExpr');
  if (!logRange) return ctx.refuse('range aggregation without a log range', n);
  if (logRange.getChild('OffsetExpr')) ctx.refuse('offset', logRange);
  const rangeNode = logRange.getChild('Range')?.getChild('Duration');
  if (!rangeNode) return ctx.refuse('range aggregation without a [range]', logRange);
  const rangeNs = parseDurationNs(ctx.src(rangeNode));
  if (rangeNs === null || rangeNs <= 0n)
    throw badQuery(`invalid range ${JSON.stringify(ctx.src(rangeNode))} at col ${ctx.col(rangeNode)}`);
  const unwrapNode = logRange.getChild('UnwrapExpr');
  const unwrap = unwrapNode ? parseUnwrap(ctx, unwrapNode, []) : null;
  // Loki: sum_over_time needs an unwrapped range; the log range aggregations refuse one
  if (UNWRAPPED.has(op) && !unwrap) throw badQuery(`invalid aggregation ${op} without unwrap`);
  if (!UNWRAPPED.has(op) && unwrap) throw badQuery(`invalid aggregation ${op} with unwrap`);
  return {
    kind: 'range',
    op,
    log: parseLogExpr(ctx, logRange),
    unwrap,
    rangeNs,
    grouping: parseGrouping(ctx, n.getChild('Grouping')),
  };
}

export function parseMetricExpr(ctx: Ctx, n: SyntaxNode): MetricQuery {
  const kids = children(n);
  if (kids.length === 1 && kids[0]!.name === 'MetricExpr') return parseMetricExpr(ctx, kids[0]!); // ( … )
  const range = n.getChild('RangeAggregationExpr');
  if (range) return parseRangeAggregation(ctx, range);
  const vec = n.getChild('VectorAggregationExpr');
  if (!vec) return ctx.refuse(kids[0] ? `metric expression ${kids[0].name}` : 'metric expression', n);
  const opNode = vec.getChild('VectorOp')?.firstChild;
  const op = opNode ? VECTOR_OPS[opNode.name] : undefined;
  if (!op) return ctx.refuse(`vector aggregation ${opNode ? ctx.src(opNode) : ''}`.trim(), vec);
  const numNode = vec.getChild('Number');
  let param: number | null = null;
  if (op === 'topk' || op === 'bottomk') {
    const k = numNode ? Number(ctx.src(numNode)) : NaN;
    if (!Number.isInteger(k) || k < 1)
      throw badQuery(`${op} needs a whole number parameter above 0 at col ${ctx.col(vec)}`);
    param = k;
  } else if (numNode) {
    throw badQuery(`unsupported parameter for operation ${op}(${ctx.src(numNode)},`);
  }
  const inner = vec.getChild('MetricExpr');
  if (!inner) return ctx.refuse('vector aggregation without a metric expression', vec);
  return {
    kind: 'vector',
    op,
    param,
    grouping: parseGrouping(ctx, vec.getChild('Grouping')),
    inner: parseMetricExpr(ctx, inner),
  };
}

// Typed LogQL metric queries (range and vector aggregations over a flow query) and their text.
// Like ast.ts, values reach the text only through quoteString / renderExpr, and label names only
// through the identifier check, so no value can change the query's structure.
//
// The log part is the flow query of ast.ts with one difference: fields of the JSON line are
// extracted by name (`| json Bytes="Bytes", iface="Interfaces[0]"`), never all at once, so each
// sample carries only the labels the aggregation groups by (Loki keeps every extracted label on
// the series; `| json` alone would make one series per record).
import { type LabelExpr, type LogQuery, renderExpr, renderMatcher } from './ast.ts';
import { quoteString } from './literals.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Loki JSON expression: field(.field | [index])* — only our own paths get here. */
const JSON_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a LogQL label name: ${JSON.stringify(name)}`);
  return name;
}

export interface Extraction {
  label: string;
  /** JSON expression, e.g. `Bytes` or `Interfaces[0]` */
  path: string;
}

export type SampleOp = 'count_over_time' | 'bytes_over_time' | 'sum_over_time';

export interface RangeAggregation {
  kind: 'range';
  op: SampleOp;
  log: LogQuery;
  /** extra fields of the JSON line to extract (the unwrapped one, the grouping ones) */
  extract: Extraction[];
  /** label filters on extracted labels, after the extraction */
  extractedFilters: LabelExpr[];
  /** sum_over_time: the label whose number is summed; samples that are not numbers are dropped */
  unwrap?: string;
  rangeMs: number;
}

export interface VectorAggregation {
  kind: 'vector';
  op: 'sum' | 'topk';
  k?: number;
  by: string[];
  inner: MetricQuery;
}

export type MetricQuery = RangeAggregation | VectorAggregation;

/** JSON fields a label filter expression reads. */
function fieldsOf(e: LabelExpr, out: Set<string>): Set<string> {
  if (e.kind === 'match') out.add(e.matcher.label);
  else if (e.kind === 'ip') out.add(e.filter.label);
  else for (const i of e.items) fieldsOf(i, out);
  return out;
}

function renderLogRange(q: RangeAggregation): string {
  const { log } = q;
  if (log.selector.length === 0) throw new TypeError('a stream selector needs at least one matcher');
  let out = `{${log.selector.map(renderMatcher).join(', ')}}`;
  for (const f of log.lineFilters) out += ` ${f.op} ${quoteString(f.value)}`;
  for (const e of log.streamLabelFilters) out += ` | ${renderExpr(e)}`;
  const extract = new Map<string, string>();
  for (const e of log.jsonLabelFilters) for (const f of fieldsOf(e, new Set())) extract.set(f, f);
  // The interface/direction pairing of match=all (element-pairs.ts): the same extractions and
  // label filter as the table's query, so the overview counts exactly the records the table
  // shows. Its labels are dropped by the vector aggregation every metric query ends in.
  const pairing = log.extracted?.extractions ?? [];
  for (const x of [...pairing, ...q.extract]) {
    if (!JSON_PATH.test(x.path)) throw new TypeError(`not a JSON expression: ${JSON.stringify(x.path)}`);
    extract.set(x.label, x.path);
  }
  if (extract.size > 0) {
    out += ` | json ${[...extract].map(([label, path]) => `${identifier(label)}=${quoteString(path)}`).join(', ')}`;
  }
  for (const e of log.jsonLabelFilters) out += ` | ${renderExpr(e)}`;
  for (const e of log.extracted?.filters ?? []) out += ` | ${renderExpr(e)}`;
  for (const e of q.extractedFilters) out += ` | ${renderExpr(e)}`;
  if (q.unwrap !== undefined) {
    if (q.op !== 'sum_over_time') throw new TypeError(`${q.op} takes no unwrap`);
    // Loki fails the whole query on a value that is not a number unless a filter drops it
    out += ` | unwrap ${identifier(q.unwrap)} | __error__=""`;
  } else if (q.op === 'sum_over_time') throw new TypeError('sum_over_time needs an unwrapped label');
  if (!Number.isInteger(q.rangeMs) || q.rangeMs < 1) throw new TypeError(`bad range ${q.rangeMs} ms`);
  return `${out} [${q.rangeMs}ms]`;
}

export function renderMetricQuery(q: MetricQuery): string {
  if (q.kind === 'range') return `${q.op}(${renderLogRange(q)})`;
  const by = q.by.length > 0 ? ` by (${q.by.map(identifier).join(', ')})` : '';
  if (q.op === 'topk') {
    if (!Number.isInteger(q.k) || q.k! < 1) throw new TypeError(`topk needs k >= 1, got ${q.k}`);
    return `topk(${q.k}, ${renderMetricQuery(q.inner)})`;
  }
  return `sum${by} (${renderMetricQuery(q.inner)})`;
}

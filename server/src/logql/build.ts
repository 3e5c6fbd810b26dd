// Typed flow query → LogQL. Values only ever reach the query through escapeRegex/quoteString
// (via the AST in ast.ts), so no value can change the query's structure.
//
// Where each filter goes (docs/design.md, "Flow record": the Loki stream labels):
//  - a stream-label field with one field (src_namespace, host_name, node_direction…) → the
//    stream selector, which is exact and lets Loki skip whole streams;
//  - a stream-label pair (namespace = source or destination) → a label filter `a or b`;
//  - a scalar of the JSON line → `| json` + label filter;
//  - an array (Interfaces, IfNetns, IfDirections) → a line filter regex over the array's JSON
//    text that matches one whole element, so `net1` never matches `net10`, whatever other
//    elements the array holds; it also reads NetObserv's ways of writing them: directions as
//    strings (`["1","0"]`) and the singular `Interface` / `IfDirection` of older releases
//    (array-element-regex.ts, whose exact text the embedded store recognises and answers from
//    its column index);
//  - interfaces and directions together (match=all) → also compared element by element, as the
//    same index of the parallel arrays (element-pairs.ts);
//  - an exact address that is a CIDR prefix or a range → Loki's `ip("…")` label filter;
//  - match=bidirectional → the src_/dst_ filters become one label filter after `| json`: all of
//    them as written, or all of them with source and destination swapped.
import { type LabelExpr, type LabelMatcher, type LogQuery, type LineFilter, renderLogQuery } from './ast.ts';
import {
  filterSpec,
  isDirectionalFilter,
  isIPRangePattern,
  swapFilterSide,
  type Filter,
  type FilterOperator,
  type FilterSpec,
  type MatchMode,
} from '@interflow/contract';
import { escapeRegex } from './literals.ts';
import { alternation, arrayElementRegex } from './array-element-regex.ts';
import { elementPairing, pairingStage } from './element-pairs.ts';

export type { MatchMode } from '@interflow/contract';

/**
 * The stream labels that say whose a flow is: a caller restricted to some namespaces reads the
 * flows whose source, destination or interface owner is in one of them.
 */
export const SCOPE_LABELS = ['SrcK8S_Namespace', 'DstK8S_Namespace', 'IfK8S_Namespace'] as const;

/** Namespaces a caller is restricted to, or undefined for every flow. */
export type NamespaceScope = readonly string[] | undefined;

export interface FlowQuery {
  filters: Filter[];
  match: MatchMode;
}

const isNegated = (op: FilterOperator): boolean => op === '!=' || op === '!~';
const isContains = (op: FilterOperator): boolean => op === '~' || op === '!~';

/**
 * Any character. Label matchers and label filters compile as `^(?s:re)$` in Loki (Prometheus
 * matchers), so `.` matches newlines there too.
 */
const ANY = '.';

/** Regex for a whole label value: equal to one of the values, or containing one. */
function scalarRegex(values: string[], contains: boolean): string {
  const alt = alternation(values.map(escapeRegex));
  return contains ? `${ANY}*${alt}${ANY}*` : alt;
}

function scalarMatcher(field: string, op: FilterOperator, values: string[]): LabelMatcher {
  const negated = isNegated(op);
  if (!isContains(op) && values.length === 1)
    return { label: field, op: negated ? '!=' : '=', value: values[0]! };
  return { label: field, op: negated ? '!~' : '=~', value: scalarRegex(values, isContains(op)) };
}

/**
 * One field against the values. Exact address values that are CIDR prefixes or ranges are
 * Loki's `ip()` filters, ORed with the plain addresses (`=`) or all refused (`!=`).
 */
function fieldExpr(spec: FilterSpec, field: string, filter: Filter): LabelExpr {
  const negated = isNegated(filter.operator);
  const patterns = spec.address && !isContains(filter.operator) ? filter.values.filter(isIPRangePattern) : [];
  if (patterns.length === 0)
    return { kind: 'match', matcher: scalarMatcher(field, filter.operator, filter.values) };
  const plain = filter.values.filter((v) => !patterns.includes(v));
  const items: LabelExpr[] = patterns.map((pattern) => ({
    kind: 'ip',
    filter: { label: field, op: negated ? '!=' : '=', pattern },
  }));
  if (plain.length) items.unshift({ kind: 'match', matcher: scalarMatcher(field, filter.operator, plain) });
  return { kind: negated ? 'and' : 'or', items };
}

/** "the field is / contains one of the values" for one field, or for either of a src/dst pair. */
function scalarExpr(spec: FilterSpec, filter: Filter): LabelExpr {
  const items: LabelExpr[] = spec.fields.map((f) => fieldExpr(spec, f, filter));
  // Negated: neither field matches (the negation of "source or destination matches").
  return { kind: isNegated(filter.operator) ? 'and' : 'or', items };
}

function arrayLineFilter(spec: FilterSpec, filter: Filter): LineFilter {
  const re = arrayElementRegex({
    field: spec.fields[0]!,
    numeric: spec.kind === 'numberArray',
    values: filter.values,
    contains: isContains(filter.operator),
  });
  return { op: isNegated(filter.operator) ? '!~' : '|~', value: re };
}

function specOf(filter: Filter): FilterSpec {
  const spec = filterSpec(filter.id);
  if (!spec) throw new TypeError(`unknown filter id ${filter.id}`); // parseFilters rejects these first
  if (filter.values.length === 0) throw new TypeError(`filter ${filter.id} has no values`);
  return spec;
}

function addFilter(q: LogQuery, filter: Filter): void {
  const spec = specOf(filter);
  const hasPattern = spec.address && !isContains(filter.operator) && filter.values.some(isIPRangePattern);
  switch (hasPattern ? 'string' : spec.kind) {
    case 'label':
      if (spec.fields.length === 1)
        q.selector.push(scalarMatcher(spec.fields[0]!, filter.operator, filter.values));
      else q.streamLabelFilters.push(scalarExpr(spec, filter));
      return;
    case 'string':
    case 'number':
      q.jsonLabelFilters.push(scalarExpr(spec, filter));
      return;
    case 'stringArray':
    case 'numberArray':
      q.lineFilters.push(arrayLineFilter(spec, filter));
      return;
  }
}

/**
 * match=bidirectional: the filters about one side hold as written or all swapped. Every such
 * field is a scalar (a stream label or a field of the line), so both alternatives are one label
 * filter expression after `| json`, where stream labels read as themselves.
 */
function bothWays(directional: Filter[]): LabelExpr {
  const side = (fs: Filter[]): LabelExpr => ({
    kind: 'and',
    items: fs.map((f) => scalarExpr(specOf(f), f)),
  });
  return { kind: 'or', items: [side(directional), side(directional.map(swapFilterSide))] };
}

export function logQueryFor(base: LabelMatcher[], filters: Filter[], match: MatchMode): LogQuery {
  const q: LogQuery = { selector: [...base], lineFilters: [], streamLabelFilters: [], jsonLabelFilters: [] };
  const directional = match === 'bidirectional' ? filters.filter((f) => isDirectionalFilter(f.id)) : [];
  for (const f of filters) if (!directional.includes(f)) addFilter(q, f);
  if (directional.length) q.jsonLabelFilters.push(bothWays(directional));
  // The line filters above find each value somewhere in its array; this keeps the records
  // where one element carries them all.
  const pairing = elementPairing(filters, match);
  if (pairing) q.extracted = pairingStage(pairing, (label, f) => scalarMatcher(label, f.operator, f.values));
  return q;
}

/**
 * The LogQL queries for a flow query. `match=all` is one query; `match=any` is one query per
 * filter (a line filter cannot be ORed with a label filter in LogQL), whose results the caller
 * merges and de-duplicates.
 */
export function buildLogQueries(
  query: FlowQuery,
  baseSelector: LabelMatcher[],
  namespaces?: NamespaceScope,
): string[] {
  const queries =
    query.match === 'any' && query.filters.length > 1
      ? query.filters.map((f) => logQueryFor(baseSelector, [f], 'any'))
      : [logQueryFor(baseSelector, query.filters, query.match)];
  return scoped(queries, namespaces).map(renderLogQuery);
}

/** The stream selectors of a restricted caller: one query per scope label (ORed by the caller's merge). */
export function scopeSelectors(baseSelector: LabelMatcher[], namespaces: NamespaceScope): LabelMatcher[][] {
  if (namespaces === undefined) return [baseSelector];
  return scoped(
    [{ selector: baseSelector, lineFilters: [], streamLabelFilters: [], jsonLabelFilters: [] }],
    namespaces,
  ).map((q) => q.selector);
}

/**
 * A restriction to namespaces goes into the stream selector, so Loki applies it before its
 * limit and never reads another tenant's streams. "Source, destination or interface in these
 * namespaces" is an OR across labels, which a selector cannot say: each query becomes one
 * query per label, and their results are merged and de-duplicated like match=any.
 */
function scoped(queries: LogQuery[], namespaces: NamespaceScope): LogQuery[] {
  if (namespaces === undefined) return queries;
  return queries.flatMap((q) =>
    SCOPE_LABELS.map((label) => ({ ...q, selector: [...q.selector, namespaceMatcher(label, namespaces)] })),
  );
}

/** `Label=~"ns1|ns2"`: the label names one of the namespaces (values escaped, sorted). */
export function namespaceMatcher(label: string, namespaces: readonly string[]): LabelMatcher {
  if (namespaces.length === 0) throw new TypeError('a namespace scope needs at least one namespace');
  return { label, op: '=~', value: alternation([...namespaces].sort().map(escapeRegex)) };
}

/**
 * The same restriction for a metric query, which cannot be split into one query per label and
 * merged (a flow whose source and destination are both allowed would be counted twice): one
 * label filter on the stream labels, `SrcK8S_Namespace=~"…" or DstK8S_Namespace=~"…" or
 * IfK8S_Namespace=~"…"`, evaluated by Loki on every line before anything is aggregated.
 */
export function scopeLabelFilter(namespaces: readonly string[]): LabelExpr {
  return {
    kind: 'or',
    items: SCOPE_LABELS.map((label) => ({ kind: 'match', matcher: namespaceMatcher(label, namespaces) })),
  };
}

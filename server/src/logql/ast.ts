// A small typed model of the LogQL subset the backend generates (stream selector, line
// filters, `| json`, label filter expressions). Queries are built as these objects and turned
// into text only by `renderLogQuery`, which quotes every value.
//
// It is also the one vocabulary of everything here that reads LogQL text back (selector.ts,
// inspect.ts, the embedded store's parser in store/query/): one LabelMatcher type and one
// operator table, keyed by the token names of the @grafana/lezer-logql grammar they all use.
import { quoteString } from './literals.ts';

export type MatchOp = '=' | '!=' | '=~' | '!~';
export type LineOp = '|=' | '!=' | '|~' | '!~';
export type NumberOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Operators by grammar token, for each place an operator can stand. */
interface OperatorTable {
  /** label matcher, in a stream selector or a label filter: `name op "value"` */
  matcher: Readonly<Record<string, MatchOp>>;
  /** line filter: `op "text"` */
  lineFilter: Readonly<Record<string, LineOp>>;
  /** numeric label filter: `name op number` */
  numberFilter: Readonly<Record<string, NumberOp>>;
}

/**
 * LogQL's operators by the @grafana/lezer-logql token that spells them (`!=` is the token Neq
 * in all three places, `!~` the token Nre in two).
 */
export const OPERATORS: Readonly<OperatorTable> = {
  matcher: { Eq: '=', Neq: '!=', Re: '=~', Nre: '!~' },
  lineFilter: { PipeExact: '|=', Neq: '!=', PipeMatch: '|~', Nre: '!~' },
  numberFilter: { Gtr: '>', Gte: '>=', Lss: '<', Lte: '<=', Eql: '==', Neq: '!=' },
};

/** The operator a grammar token stands for in that place, or undefined when it is none. */
export function operatorOf(place: 'matcher', token: string | undefined): MatchOp | undefined;
export function operatorOf(place: 'lineFilter', token: string | undefined): LineOp | undefined;
export function operatorOf(place: 'numberFilter', token: string | undefined): NumberOp | undefined;
export function operatorOf(place: keyof OperatorTable, token: string | undefined): string | undefined {
  const table: Readonly<Record<string, string>> = OPERATORS[place];
  return token !== undefined && Object.hasOwn(table, token) ? table[token] : undefined;
}

/** A label name as LogQL writes it unquoted. Only our own field names get here. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface LabelMatcher {
  label: string;
  op: MatchOp;
  /** The value, or the regular expression for =~ and !~ (fully anchored, as in Loki). */
  value: string;
}

export interface LineFilter {
  op: LineOp;
  /** The text, or the regular expression for |~ and !~ (unanchored). */
  value: string;
}

/**
 * `label = ip("pattern")` / `label != ip("pattern")`: Loki's IP label filter (an address, a CIDR
 * prefix or a range; docs "Matching IP addresses"). A missing label never matches, either way.
 */
export interface IpLabelFilter {
  label: string;
  op: '=' | '!=';
  pattern: string;
}

export type LabelExpr =
  | { kind: 'match'; matcher: LabelMatcher }
  | { kind: 'ip'; filter: IpLabelFilter }
  | { kind: 'and' | 'or'; items: LabelExpr[] };

export interface LogQuery {
  selector: LabelMatcher[];
  lineFilters: LineFilter[];
  /** Label filters on stream labels: need no parser. */
  streamLabelFilters: LabelExpr[];
  /** Label filters on fields of the JSON line: rendered after `| json`. */
  jsonLabelFilters: LabelExpr[];
  /**
   * Values taken from the JSON line by path (`| json label="Field[0]"`), then the label filters
   * on them: how elements of parallel arrays are compared index by index.
   */
  extracted?: { extractions: JsonExtractionParam[]; filters: LabelExpr[] };
}

/** `label="path"` of `| json`: a JSON path of keys and `[index]`es, as Loki's json parser reads it. */
export interface JsonExtractionParam {
  label: string;
  path: string;
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a LogQL label name: ${JSON.stringify(name)}`);
  return name;
}

export function renderMatcher(m: LabelMatcher): string {
  return `${identifier(m.label)}${m.op}${quoteString(m.value)}`;
}

export function renderIpFilter(f: IpLabelFilter): string {
  return `${identifier(f.label)}${f.op}ip(${quoteString(f.pattern)})`;
}

export function renderExpr(e: LabelExpr, parentKind?: 'and' | 'or'): string {
  if (e.kind === 'match') return renderMatcher(e.matcher);
  if (e.kind === 'ip') return renderIpFilter(e.filter);
  if (e.items.length === 0) throw new TypeError('empty label filter expression');
  if (e.items.length === 1) return renderExpr(e.items[0]!, parentKind);
  const text = e.items.map((i) => renderExpr(i, e.kind)).join(` ${e.kind} `);
  // Always parenthesise a nested group: `and` binds tighter than `or` in LogQL, and
  // explicit parentheses keep the meaning obvious to a reader of the query too.
  return parentKind === undefined ? text : `(${text})`;
}

export function renderLogQuery(q: LogQuery): string {
  if (q.selector.length === 0) throw new TypeError('a stream selector needs at least one matcher');
  let out = `{${q.selector.map(renderMatcher).join(', ')}}`;
  for (const f of q.lineFilters) out += ` ${f.op} ${quoteString(f.value)}`;
  for (const e of q.streamLabelFilters) out += ` | ${renderExpr(e)}`;
  if (q.jsonLabelFilters.length > 0) {
    out += ' | json';
    for (const e of q.jsonLabelFilters) out += ` | ${renderExpr(e)}`;
  }
  if (q.extracted) {
    const params = q.extracted.extractions.map((x) => `${identifier(x.label)}=${quoteString(x.path)}`);
    out += ` | json ${params.join(', ')}`;
    for (const e of q.extracted.filters) out += ` | ${renderExpr(e)}`;
  }
  return out;
}

// Parses LogQL with the @grafana/lezer-logql grammar into the LogQuery subset. Anything outside
// the subset is refused with a StoreError naming the construct and quoting the query text.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import { badQuery, unsupported } from '../errors.ts';
import { operatorOf, type MatchOp } from '../../logql/ast.ts';
import { goUnquote, UnquoteError } from '../../logql/go-unquote.ts';
import { compileRe2, RegexError, type Re2Test } from './re2.ts';
import { compileIPPattern } from './ip-filter.ts';
import type {
  CompiledLineFilter,
  CompiledMatcher,
  JsonExtraction,
  LabelFilterExpr,
  LogQuery,
  PipelineStage,
} from './logql-ast.ts';

export const MAX_QUERY_LENGTH = 64 * 1024;

// Names of grammar nodes we refuse, in LogQL words.
const UNSUPPORTED: Record<string, string> = {
  LogfmtParser: 'logfmt parser',
  LogfmtExpressionParser: 'logfmt parser',
  LineFormatExpr: 'line_format stage',
  LabelFormatExpr: 'label_format stage',
  DecolorizeExpr: 'decolorize stage',
  DropLabelsExpr: 'drop stage',
  KeepLabelsExpr: 'keep stage',
  UnitFilter: 'duration/bytes label filter',
  DurationFilter: 'duration label filter',
  BytesFilter: 'bytes label filter',
  OrFilter: 'line filter with "or"',
  FilterOp: 'ip() line filter',
  PipePattern: 'pattern line filter |>',
  Npa: 'pattern line filter !>',
  LineComment: 'comment',
};
const LABEL_PARSER_NAMES: Record<string, string> = {
  Regexp: 'regexp parser',
  Pattern: 'pattern parser',
  Unpack: 'unpack parser',
  Logfmt: 'logfmt parser',
};

export class Ctx {
  constructor(readonly text: string) {}
  src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }
  col(n: SyntaxNode): number {
    return n.from + 1;
  }
  refuse(what: string, n: SyntaxNode): never {
    const snippet = this.src(n);
    throw unsupported(
      `${what} (${JSON.stringify(snippet.length > 80 ? snippet.slice(0, 80) + '…' : snippet)} at col ${this.col(n)})`,
    );
  }
  string(n: SyntaxNode | null): string {
    if (!n || n.name !== 'String')
      throw badQuery(`expected a string literal${n ? ` at col ${this.col(n)}` : ''}`);
    try {
      return goUnquote(this.src(n));
    } catch (err) {
      if (err instanceof UnquoteError)
        throw badQuery(`invalid string literal at col ${this.col(n)}: ${err.message}`);
      throw err;
    }
  }
  regex(source: string, anchored: boolean, n: SyntaxNode): Re2Test {
    try {
      // Label matchers compile as ^(?s:re)$ in Prometheus/Loki; line filters as plain re.
      return compileRe2(source, { anchored });
    } catch (err) {
      if (err instanceof RegexError)
        throw badQuery(`invalid regular expression at col ${this.col(n)}: ${err.message}`);
      throw err;
    }
  }
}

export function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function firstError(n: SyntaxNode): SyntaxNode | null {
  if (n.type.isError) return n;
  for (let c = n.firstChild; c; c = c.nextSibling) {
    const e = firstError(c);
    if (e) return e;
  }
  return null;
}

function refuseUnsupportedInside(ctx: Ctx, n: SyntaxNode): void {
  const what = UNSUPPORTED[n.name];
  if (what) ctx.refuse(what, n);
  if (n.name === 'LabelParser') {
    const kind = n.firstChild?.name ?? '';
    if (kind !== 'Json') ctx.refuse(LABEL_PARSER_NAMES[kind] ?? `${kind} parser`, n);
  }
  for (let c = n.firstChild; c; c = c.nextSibling) refuseUnsupportedInside(ctx, c);
}

function parseMatcher(ctx: Ctx, n: SyntaxNode): CompiledMatcher {
  const [id, opNode, str] = children(n);
  const op = operatorOf('matcher', opNode?.name);
  if (!id || id.name !== 'Identifier' || !op) {
    throw badQuery(`malformed matcher ${JSON.stringify(ctx.src(n))} at col ${ctx.col(n)}`);
  }
  const label = ctx.src(id);
  const value = ctx.string(str ?? null);
  return makeMatcher(ctx, label, op, value, str!);
}

function makeMatcher(ctx: Ctx, label: string, op: MatchOp, value: string, at: SyntaxNode): CompiledMatcher {
  let matches: (v: string) => boolean;
  if (op === '=') matches = (v) => v === value;
  else if (op === '!=') matches = (v) => v !== value;
  else {
    const test = ctx.regex(value, true, at);
    matches = op === '=~' ? test : (v) => !test(v);
  }
  return { label, op, value, matches };
}

function parseSelector(ctx: Ctx, n: SyntaxNode): CompiledMatcher[] {
  const out: CompiledMatcher[] = [];
  const walk = (m: SyntaxNode): void => {
    for (const c of children(m)) {
      if (c.name === 'Matchers') walk(c);
      else if (c.name === 'Matcher') out.push(parseMatcher(ctx, c));
    }
  };
  walk(n);
  if (out.length === 0) throw badQuery('stream selector {} needs at least one matcher');
  // Loki refuses selectors that would match every stream.
  if (out.every((m) => m.matches(''))) {
    throw badQuery(
      'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  return out;
}

function parseLineFilter(ctx: Ctx, n: SyntaxNode): CompiledLineFilter {
  const filterNode = n.getChild('Filter');
  const op = operatorOf('lineFilter', filterNode?.firstChild?.name);
  if (!op) ctx.refuse(`line filter ${JSON.stringify(filterNode ? ctx.src(filterNode) : '')}`, n);
  const strNode = n.getChild('String');
  const value = ctx.string(strNode);
  let matches: (line: string) => boolean;
  if (op === '|=') matches = (l) => l.includes(value);
  else if (op === '!=') matches = (l) => !l.includes(value);
  else {
    const test = ctx.regex(value, false, strNode!);
    matches = op === '|~' ? test : (l) => !test(l);
  }
  return { op, value, matches };
}

function parseLineFilters(ctx: Ctx, n: SyntaxNode, out: PipelineStage[]): void {
  for (const c of children(n)) {
    if (c.name === 'LineFilters') parseLineFilters(ctx, c, out);
    else if (c.name === 'LineFilter') out.push({ kind: 'line', filter: parseLineFilter(ctx, c) });
  }
}

/**
 * Loki JSON expression: field(.field | [index] | ["key"])*. A bracketed key is verbatim: Loki's
 * lexer reads it up to the next `"` or `]` without decoding escapes.
 */
export function parseJsonPath(expr: string): (string | number)[] | null {
  const steps: (string | number)[] = [];
  let i = 0;
  const ident = /^[A-Za-z_][A-Za-z0-9_]*/;
  const first = ident.exec(expr);
  if (first) {
    steps.push(first[0]);
    i = first[0].length;
  } else if (!expr.startsWith('[')) return null;
  while (i < expr.length) {
    const rest = expr.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest))) steps.push(m[1]!);
    else if ((m = /^\[(\d+)\]/.exec(rest))) steps.push(Number(m[1]));
    else if ((m = /^\["([^"\]]*)"\]/.exec(rest))) steps.push(m[1]!);
    else return null;
    i += m[0].length;
  }
  return steps;
}

function parseJsonExtractions(ctx: Ctx, n: SyntaxNode): JsonExtraction[] {
  const out: JsonExtraction[] = [];
  const walk = (m: SyntaxNode): void => {
    for (const c of children(m)) {
      if (c.name === 'LabelExtractionExpressionList') walk(c);
      else if (c.name === 'LabelExtractionExpression') {
        const id = c.getChild('Identifier');
        const str = c.getChild('String');
        if (!id) throw badQuery(`malformed json parameter at col ${ctx.col(c)}`);
        // `| json a` (no expression) means `a="a"`
        const expr = str ? ctx.string(str) : ctx.src(id);
        const path = parseJsonPath(expr);
        if (!path) throw badQuery(`invalid JSON expression ${JSON.stringify(expr)} at col ${ctx.col(c)}`);
        out.push({ label: ctx.src(id), path });
      }
    }
  };
  walk(n);
  return out;
}

export function parseLabelFilter(ctx: Ctx, n: SyntaxNode): LabelFilterExpr {
  const kids = children(n);
  if (kids.length === 1 && kids[0]!.name === 'LabelFilter') return parseLabelFilter(ctx, kids[0]!); // ( … )
  if (kids.length === 1 && kids[0]!.name === 'Matcher') {
    const m = kids[0]!;
    const [id, opNode, str] = children(m);
    const label = ctx.src(id!);
    const op = operatorOf('matcher', opNode!.name)!;
    return { kind: 'string', matcher: makeMatcher(ctx, label, op, ctx.string(str ?? null), str!) };
  }
  if (kids.length === 1 && kids[0]!.name === 'IpLabelFilter') {
    const f = kids[0]!;
    const [id, opNode] = children(f);
    const op = operatorOf('matcher', opNode?.name);
    if (!id || (op !== '=' && op !== '!='))
      throw badQuery(`malformed ip() label filter at col ${ctx.col(f)}`);
    const strNode = f.getChild('String');
    const pattern = ctx.string(strNode);
    const contains = compileIPPattern(pattern);
    if (!contains)
      throw badQuery(`ip: invalid pattern: ${JSON.stringify(pattern)} at col ${ctx.col(strNode!)}`);
    return { kind: 'ip', label: ctx.src(id), op, pattern, contains };
  }
  if (kids.length === 1 && kids[0]!.name === 'NumberFilter') {
    const nf = kids[0]!;
    const [id, opNode, lit] = children(nf);
    const op = operatorOf('numberFilter', opNode?.name);
    if (!id || !op || !lit) throw badQuery(`malformed number filter at col ${ctx.col(nf)}`);
    const value = Number(ctx.src(lit).replace(/\s+/g, ''));
    if (!Number.isFinite(value))
      throw badQuery(`invalid number ${JSON.stringify(ctx.src(lit))} at col ${ctx.col(lit)}`);
    return { kind: 'number', label: ctx.src(id), op, value };
  }
  const filters = kids.filter((k) => k.name === 'LabelFilter');
  if (filters.length === 2) {
    // `a, b` and `a b` are "and" like `a and b`
    const kind = kids.some((k) => k.name === 'Or') ? 'or' : 'and';
    return { kind, left: parseLabelFilter(ctx, filters[0]!), right: parseLabelFilter(ctx, filters[1]!) };
  }
  return ctx.refuse('label filter', n);
}

function parsePipeline(ctx: Ctx, n: SyntaxNode, out: PipelineStage[]): void {
  for (const c of children(n)) {
    if (c.name === 'PipelineExpr') parsePipeline(ctx, c, out);
    else if (c.name === 'PipelineStage') {
      for (const s of children(c)) {
        if (s.name === 'Pipe') continue;
        if (s.name === 'LineFilters') parseLineFilters(ctx, s, out);
        else if (s.name === 'LabelParser') out.push({ kind: 'json', extractions: null });
        else if (s.name === 'JsonExpressionParser')
          out.push({ kind: 'json', extractions: parseJsonExtractions(ctx, s) });
        else if (s.name === 'LabelFilter') out.push({ kind: 'labelFilter', expr: parseLabelFilter(ctx, s) });
        else ctx.refuse(`pipeline stage ${s.name}`, s);
      }
    }
  }
}

export function parseLogExpr(ctx: Ctx, n: SyntaxNode): LogQuery {
  const inner = n.getChild('LogExpr');
  if (inner) return parseLogExpr(ctx, inner); // ( … )
  const sel = n.getChild('Selector');
  if (!sel) throw badQuery(`expected a stream selector at col ${ctx.col(n)}`);
  const matchers = parseSelector(ctx, sel);
  const pipeline: PipelineStage[] = [];
  const pipe = n.getChild('PipelineExpr');
  if (pipe) parsePipeline(ctx, pipe, pipeline);
  return { matchers, pipeline };
}

/** The checked syntax tree of a query: no syntax error, nothing outside the subset. */
export function parseTree(query: string): { ctx: Ctx; expr: SyntaxNode } {
  if (query.trim() === '') throw badQuery('query is empty');
  if (query.length > MAX_QUERY_LENGTH) throw badQuery(`query longer than ${MAX_QUERY_LENGTH} characters`);
  const ctx = new Ctx(query);
  const tree = parser.parse(query);
  const top = tree.topNode;
  const err = firstError(top);
  if (err) {
    const near = query.slice(err.from, err.from + 20);
    throw badQuery(
      `syntax error at col ${err.from + 1}${near ? ` near ${JSON.stringify(near)}` : ' (unexpected end of query)'}`,
    );
  }
  refuseUnsupportedInside(ctx, top);
  const expr = top.getChild('Expr');
  if (!expr) return ctx.refuse('this kind of expression', top);
  return { ctx, expr };
}

/** A log query (a metric query is refused: see query-parse.ts for both). */
export function parseLogQuery(query: string): LogQuery {
  const { ctx, expr } = parseTree(query);
  const logExpr = expr.getChild('LogExpr');
  if (!logExpr)
    return ctx.refuse(expr.getChild('MetricExpr') ? 'metric query' : 'this kind of expression', expr);
  return parseLogExpr(ctx, logExpr);
}

/** A stream selector alone (labels / label values `query` parameter). */
export function parseSelectorOnly(query: string): CompiledMatcher[] {
  const q = parseLogQuery(query);
  if (q.pipeline.length > 0)
    throw badQuery('only a stream selector is allowed here, without pipeline stages');
  return q.matchers;
}

// Reads a rendered LogQL query back with the @grafana/lezer-logql grammar: syntax errors and
// the matchers / line filters it holds, with their string literals unquoted. Used by tests
// to check what a query means, independently of how it was built.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import { unquoteString } from './literals.ts';

export interface InspectedMatcher {
  /** 'selector' for the stream selector, 'filter' for a label filter expression. */
  where: 'selector' | 'filter';
  label: string;
  op: string;
  value: string;
}

export interface InspectedQuery {
  errors: string[];
  matchers: InspectedMatcher[];
  lineFilters: Array<{ op: string; value: string }>;
  /** Every string literal, unquoted, in order. */
  strings: string[];
  parsers: string[];
  /** Label filter expressions combine with these keywords. */
  keywords: string[];
}

const OPS: Record<string, string> = {
  Eq: '=',
  Neq: '!=',
  Re: '=~',
  Nre: '!~',
  PipeExact: '|=',
  PipeMatch: '|~',
};

function opOf(node: SyntaxNode, text: string): string {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name in OPS) return OPS[c.name]!;
    if (c.name === 'Filter') return opOf(c, text);
  }
  return '?';
}

function hasAncestor(node: SyntaxNode, name: string): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.name === name) return true;
  return false;
}

export function inspectLogQL(query: string): InspectedQuery {
  const out: InspectedQuery = {
    errors: [],
    matchers: [],
    lineFilters: [],
    strings: [],
    parsers: [],
    keywords: [],
  };
  const tree = parser.parse(query);
  tree.iterate({
    enter(ref) {
      const n = ref.node;
      const text = query.slice(n.from, n.to);
      if (n.type.isError) out.errors.push(`syntax error at ${n.from}: ${JSON.stringify(text.slice(0, 30))}`);
      switch (n.name) {
        case 'String':
          out.strings.push(unquoteString(text));
          break;
        case 'Matcher': {
          const id = n.getChild('Identifier');
          const str = n.getChild('String');
          if (id && str) {
            out.matchers.push({
              where: hasAncestor(n, 'Selector') ? 'selector' : 'filter',
              label: query.slice(id.from, id.to),
              op: opOf(n, query),
              value: unquoteString(query.slice(str.from, str.to)),
            });
          }
          break;
        }
        case 'LineFilter': {
          const str = n.getChild('String');
          const filter = n.getChild('Filter');
          if (str && filter) {
            const fop = filter.firstChild?.name;
            const op = fop === 'Neq' ? '!=' : fop === 'Nre' ? '!~' : (OPS[fop ?? ''] ?? '?');
            out.lineFilters.push({ op, value: unquoteString(query.slice(str.from, str.to)) });
          }
          break;
        }
        case 'LabelParser':
        case 'JsonExpressionParser':
          out.parsers.push(text);
          break;
        case 'And':
        case 'Or':
          out.keywords.push(text);
          break;
      }
    },
  });
  return out;
}

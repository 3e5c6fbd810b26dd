// Reads a rendered LogQL query back with the @grafana/lezer-logql grammar: syntax errors and
// the matchers / line filters it holds, with their string literals unquoted. Used by tests
// to check what a query means, independently of how it was built.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import { operatorOf, type LabelMatcher, type LineFilter } from './ast.ts';
import { matcherOperator } from './grammar-nodes.ts';
import { unquoteString } from './literals.ts';

export interface InspectedMatcher extends LabelMatcher {
  /** 'selector' for the stream selector, 'filter' for a label filter expression. */
  where: 'selector' | 'filter';
}

export interface InspectedQuery {
  errors: string[];
  matchers: InspectedMatcher[];
  lineFilters: LineFilter[];
  /** Every string literal, unquoted, in order. */
  strings: string[];
  parsers: string[];
  /** Label filter expressions combine with these keywords. */
  keywords: string[];
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
          const op = matcherOperator(n);
          if (id && str && op) {
            out.matchers.push({
              where: hasAncestor(n, 'Selector') ? 'selector' : 'filter',
              label: query.slice(id.from, id.to),
              op,
              value: unquoteString(query.slice(str.from, str.to)),
            });
          } else if (id && str) out.errors.push(`matcher without an operator at ${n.from}`);
          break;
        }
        case 'LineFilter': {
          const str = n.getChild('String');
          const filter = n.getChild('Filter');
          const op = operatorOf('lineFilter', filter?.firstChild?.name);
          if (str && op) out.lineFilters.push({ op, value: unquoteString(query.slice(str.from, str.to)) });
          else if (str && filter) out.errors.push(`line filter without an operator at ${n.from}`);
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

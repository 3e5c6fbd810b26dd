// Reading nodes of the @grafana/lezer-logql syntax tree, shared by the readers of LogQL text
// (selector.ts, inspect.ts); operators come from the one table in ast.ts.
import type { SyntaxNode } from '@lezer/common';
import { operatorOf, type MatchOp } from './ast.ts';

/** The operator among a Matcher node's children (`name op "value"`), or undefined. */
export function matcherOperator(matcher: SyntaxNode): MatchOp | undefined {
  for (let c = matcher.firstChild; c; c = c.nextSibling) {
    const op = operatorOf('matcher', c.name);
    if (op) return op;
  }
  return undefined;
}

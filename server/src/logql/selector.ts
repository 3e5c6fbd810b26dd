// Reads the configured stream selector (INTERFLOW_LOKI_SELECTOR, `{app="interflow"}` by
// default) into matchers, so generated queries add to it through the same typed model.
import { parser } from '@grafana/lezer-logql';
import type { SyntaxNode } from '@lezer/common';
import type { LabelMatcher } from './ast.ts';
import { matcherOperator } from './grammar-nodes.ts';
import { unquoteString } from './literals.ts';

/** Throws an Error saying what is wrong when `text` is not a plain stream selector. */
export function parseStreamSelector(text: string): LabelMatcher[] {
  const tree = parser.parse(text);
  let error: string | undefined;
  let selector: SyntaxNode | undefined;
  let pipeline = false;
  tree.iterate({
    enter(n) {
      if (n.type.isError) error ??= `syntax error at offset ${n.from}`;
      if (n.name === 'Selector') selector ??= n.node;
      if (n.name === 'PipelineExpr' || n.name === 'MetricExpr' || n.name === 'RangeAggregationExpr')
        pipeline = true;
    },
  });
  if (error) throw new Error(error);
  if (!selector || pipeline || text.slice(selector.from, selector.to).trim() !== text.trim()) {
    throw new Error('must be a stream selector only, like {app="interflow"}');
  }
  const matchers: LabelMatcher[] = [];
  const walk = (node: SyntaxNode): void => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.name === 'Matcher') {
        const label = c.getChild('Identifier');
        const str = c.getChild('String');
        const op = matcherOperator(c);
        if (!label || !str || !op) throw new Error('incomplete label matcher');
        matchers.push({
          label: text.slice(label.from, label.to),
          op,
          value: unquoteString(text.slice(str.from, str.to)),
        });
      } else walk(c);
    }
  };
  walk(selector);
  if (matchers.length === 0) throw new Error('needs at least one label matcher');
  if (!matchers.some((m) => (m.op === '=' && m.value !== '') || m.op === '=~')) {
    throw new Error('needs a matcher that selects streams, like app="interflow"');
  }
  return matchers;
}

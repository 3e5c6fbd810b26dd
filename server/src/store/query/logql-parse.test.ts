// The embedded store's parser, the backend's selector reader and the tests' inspector read
// LogQL with one operator table and one LabelMatcher type (logql/ast.ts): every operator the
// builder renders comes back as the same operator from each of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATORS, renderLogQuery, type LabelMatcher } from '../../logql/ast.ts';
import { inspectLogQL } from '../../logql/inspect.ts';
import { parseStreamSelector } from '../../logql/selector.ts';
import { parseLogQuery } from './logql-parse.ts';

const APP: LabelMatcher = { label: 'app', op: '=', value: 'interflow' };

test('every matcher operator reads back the same from the store parser, the selector reader and inspect', () => {
  for (const op of Object.values(OPERATORS.matcher)) {
    const matcher: LabelMatcher = { label: 'ns', op, value: 'a.b' };
    const text = renderLogQuery({
      selector: [APP, matcher],
      lineFilters: [],
      streamLabelFilters: [{ kind: 'match', matcher }],
      jsonLabelFilters: [],
    });
    const parsed = parseLogQuery(text);
    assert.deepEqual(
      parsed.matchers.map(({ label, op, value }) => ({ label, op, value })),
      [APP, matcher],
      text,
    );
    const stage = parsed.pipeline[0];
    assert.ok(stage?.kind === 'labelFilter' && stage.expr.kind === 'string', text);
    const { label, op: filterOp, value } = stage.expr.matcher;
    assert.deepEqual({ label, op: filterOp, value }, matcher, text);
    assert.deepEqual(parseStreamSelector(`{${text.slice(1, text.indexOf('}'))}}`), [APP, matcher], text);
    const inspected = inspectLogQL(text);
    assert.deepEqual(inspected.errors, [], text);
    assert.deepEqual(
      inspected.matchers.map(({ where, label, op, value }) => ({ where, label, op, value })),
      [
        { where: 'selector', ...APP },
        { where: 'selector', ...matcher },
        { where: 'filter', ...matcher },
      ],
      text,
    );
  }
});

test('every line filter operator reads back the same from the store parser and inspect', () => {
  for (const op of Object.values(OPERATORS.lineFilter)) {
    const text = renderLogQuery({
      selector: [APP],
      lineFilters: [{ op, value: 'net1' }],
      streamLabelFilters: [],
      jsonLabelFilters: [],
    });
    const stage = parseLogQuery(text).pipeline[0];
    assert.ok(stage?.kind === 'line', text);
    assert.deepEqual({ op: stage.filter.op, value: stage.filter.value }, { op, value: 'net1' }, text);
    assert.deepEqual(inspectLogQL(text).lineFilters, [{ op, value: 'net1' }], text);
  }
});

test('every number filter operator is read by the store parser', () => {
  for (const op of Object.values(OPERATORS.numberFilter)) {
    const stage = parseLogQuery(`{app="interflow"} | json | Bytes ${op} 100`).pipeline[1];
    assert.deepEqual(stage, {
      kind: 'labelFilter',
      expr: { kind: 'number', label: 'Bytes', op, value: 100 },
    });
  }
});

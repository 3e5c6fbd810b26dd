import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parser } from '@grafana/lezer-logql';
import { collectValues, rangeValuesQuery, type ValueSource } from './range-values.ts';

const selector = [{ label: 'app', op: '=' as const, value: 'interflow' }];

test('the queries parse with @grafana/lezer-logql as metric expressions, scoped ones too', () => {
  const sources: ValueSource[] = [
    { path: 'Interfaces[2]', detailPaths: ['IfK8S_Namespace', 'IfK8S_Name'] },
    { path: 'IfNetns[1]', present: 'Interfaces[1]', keepEmpty: true },
    { path: 'SrcK8S_Name', detailPaths: ['SrcK8S_Namespace'], where: { path: 'SrcK8S_Type', equals: 'Pod' } },
  ];
  for (const source of sources)
    for (const namespaces of [undefined, ['team-a', 'a"} |= "b']]) {
      const q = rangeValuesQuery(selector, source, 3_600_000, namespaces);
      const tree = parser.parse(q);
      let bad = false;
      tree.iterate({ enter: (n) => void (n.type.isError && (bad = true)) });
      assert.equal(bad, false, q);
      assert.equal(tree.topNode.firstChild?.firstChild?.name, 'MetricExpr', q);
    }
});

test('the query, written out: values under their own labels, empty ones dropped, a where filter', () => {
  assert.equal(
    rangeValuesQuery(
      selector,
      {
        path: 'SrcK8S_Name',
        detailPaths: ['SrcK8S_Namespace'],
        where: { path: 'SrcK8S_Type', equals: 'Pod' },
      },
      60_000,
    ),
    'sum by (v, d0) (count_over_time({app="interflow"} | json v="SrcK8S_Name", d0="SrcK8S_Namespace", w="SrcK8S_Type" | v!="" | w="Pod" [60000ms]))',
  );
});

test('values merge across sources, sorted; details only where every part is named', () => {
  const sources: ValueSource[] = [
    { path: 'Interfaces[0]', detailPaths: ['IfK8S_Namespace', 'IfK8S_Name'] },
    { path: 'IfNetns[0]', keepEmpty: true },
  ];
  const got = collectValues(sources, [
    [
      { metric: { v: 'net1', d0: 'b', d1: 'y' } },
      { metric: { v: 'net1', d0: 'a', d1: 'x' } },
      { metric: { v: 'eth0', d0: '', d1: '' } },
      { metric: { v: '', d0: 'a', d1: 'x' } },
    ],
    [{ metric: { v: '' } }, { metric: { v: 'cni-1' } }],
  ]);
  assert.deepEqual(got, { values: ['', 'cni-1', 'eth0', 'net1'], details: { net1: ['a/x', 'b/y'] } });
});

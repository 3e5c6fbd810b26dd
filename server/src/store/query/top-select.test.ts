// selectTop against what metric-eval.ts does: a stable sort by value of the series in their input
// order, then the first k. Random values with many ties (and -0 against 0), every k.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectTop } from './top-select.ts';
import { prng } from '../../../../test/fixtures/flow-generator.ts';

test('the same series as a stable sort of the input order, for topk and bottomk', () => {
  const rnd = prng(7);
  for (let round = 0; round < 300; round++) {
    const n = Math.floor(rnd() * 60);
    const values = Array.from({ length: n }, () =>
      rnd() < 0.2 ? undefined : [0, -0, 1, 2, 2.5, -3, 1e300, -1e300][Math.floor(rnd() * 8)],
    );
    // input order: a permutation of the series numbers
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const position = new Map(order.map((si, p) => [si, p]));
    const before = (a: number, b: number): boolean => position.get(a)! < position.get(b)!;
    for (const sign of [-1, 1] as const) {
      const k = 1 + Math.floor(rnd() * 12);
      const present = order.filter((si) => values[si] !== undefined);
      const expected = present.sort((a, b) => sign * (values[a]! - values[b]!)).slice(0, k);
      const got = selectTop(n, (si) => values[si], k, sign, before);
      assert.deepEqual(new Set(got), new Set(expected), `round ${round} sign ${sign} k ${k}`);
    }
  }
});

test('declines values that are not finite (the sort is then not a consistent order)', () => {
  for (const odd of [NaN, Infinity, -Infinity]) {
    const values = [1, odd, 2];
    assert.equal(
      selectTop(
        3,
        (si) => values[si],
        2,
        -1,
        (a, b) => a < b,
      ),
      null,
    );
  }
});

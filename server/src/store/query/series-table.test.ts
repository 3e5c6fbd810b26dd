// SeriesTable against a Map of the keys' text: the same series number for the same key, numbered
// in the order first met, with a dense table (few possible keys), with hashing (many) and led by
// component 0 (a pair id: an array indexed by it, chains over the rest).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesTable } from './series-table.ts';
import { prng } from '../../../../test/fixtures/flow-generator.ts';

for (const [name, radices, leadMax] of [
  ['dense', [3, 20, 50], 0],
  ['dense, a lead not needed', [3, 20, 50], 100],
  ['hashed', [40, 300_000, 70_000], 0],
  ['hashed, one component', [5_000_000], 0],
  ['hashed, the lead above its bound', [300_000, 40, 70_000], 299_999],
  ['led by component 0', [300_000, 40, 70_000], 300_000],
  ['led, one component', [5_000_000], 5_000_000],
] as const) {
  test(`keys map to series in first-met order (${name})`, () => {
    const rnd = prng(radices.length);
    const table = new SeriesTable([...radices], leadMax);
    const reference = new Map<string, number>();
    const key = new Uint32Array(radices.length);
    for (let i = 0; i < 50_000; i++) {
      // a small range of each component, so that keys repeat (a wider one for component 0, so
      // that a lead has many values, each with a chain of a few series)
      for (let k = 0; k < radices.length; k++)
        key[k] = Math.floor(rnd() * Math.min(radices[k]!, k === 0 ? 500 : 20));
      const text = key.join(',');
      const expected = reference.get(text) ?? reference.size;
      if (!reference.has(text)) reference.set(text, expected);
      assert.equal(table.find(key), expected, text);
    }
    assert.equal(table.size, reference.size);
    for (const [text, si] of reference)
      assert.equal([...table.keys.subarray(si * radices.length, (si + 1) * radices.length)].join(','), text);
  });
}

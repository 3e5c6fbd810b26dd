// SeriesTable against a Map of the keys' text: the same series number for the same key, numbered
// in the order first met, with a dense table (few possible keys) and with hashing (many).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesTable } from './series-table.ts';
import { prng } from '../../../../test/fixtures/flow-generator.ts';

for (const [name, radices] of [
  ['dense', [3, 20, 50]],
  ['hashed', [40, 300_000, 70_000]],
  ['hashed, one component', [5_000_000]],
] as const) {
  test(`keys map to series in first-met order (${name})`, () => {
    const rnd = prng(radices.length);
    const table = new SeriesTable([...radices]);
    const reference = new Map<string, number>();
    const key = new Uint32Array(radices.length);
    for (let i = 0; i < 50_000; i++) {
      // a small range of each component, so that keys repeat
      for (let k = 0; k < radices.length; k++) key[k] = Math.floor(rnd() * Math.min(radices[k]!, 30));
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

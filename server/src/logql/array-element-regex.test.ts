// The array filter regex read back: what the backend writes is recognised as exactly that
// filter, and anything else (another regex, one character changed) is not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arrayElementRegex,
  recogniseArrayElementRegex,
  type ArrayElementFilter,
} from './array-element-regex.ts';
import { buildLogQueries } from './build.ts';
import { parseFilters } from '@interflow/contract';

const HOSTILE = [
  'net1',
  'net10',
  '',
  'ne.t1',
  'net[1]',
  '(?:a|b)',
  'a|b',
  'a"b',
  'a\\b',
  '\\u0041',
  'nét1',
  '网卡1',
  '😀',
  'a,b',
  'a]b',
  '"Interfaces":["net1"]',
  'QmarkQ',
  '\u2028\n\t',
];

describe('recogniseArrayElementRegex', () => {
  test('reads back every filter it writes, hostile values included', () => {
    for (const field of ['Interfaces', 'IfNetns', 'IfDirections'])
      for (const numeric of [false, true])
        for (const contains of [false, true])
          for (const values of [...HOSTILE.map((v) => [v]), ['net1', 'net10'], HOSTILE, ['', 'a']]) {
            const f: ArrayElementFilter = { field, numeric, contains, values };
            assert.deepEqual(recogniseArrayElementRegex(arrayElementRegex(f)), f, JSON.stringify(f));
          }
  });

  test('the line filters the backend renders for the page’s array filters', () => {
    for (const text of [
      'interfaces=net1',
      'interfaces!~net',
      'netns=',
      'ifdirections=egress',
      'interfaces=net1,eth0',
    ]) {
      const [query] = buildLogQueries({ filters: parseFilters(text), match: 'all' }, [
        { label: 'app', op: '=', value: 'interflow' },
      ]);
      const re = / [|!]~ ("(?:[^"\\]|\\.)*")/.exec(query!)?.[1];
      assert.ok(re, query);
      assert.ok(recogniseArrayElementRegex(JSON.parse(re) as string), text);
    }
  });

  test('refuses other regexes', () => {
    const good = arrayElementRegex({
      field: 'Interfaces',
      numeric: false,
      contains: false,
      values: ['net1'],
    });
    for (const re of [
      'net1',
      '"Interfaces":\\[.*net1',
      good.replace('net1', 'net.'),
      good.replace('net1', 'net1|.*'),
      good.slice(0, -1),
      `${good}x`,
      `x${good}`,
      good.replace('"Interface"', '"Interfaces"'),
      arrayElementRegex({ field: 'Interfaces', numeric: false, contains: false, values: ['a', 'b'] }).replace(
        '(?:a|b)',
        '(?:a|b*)',
      ),
    ])
      assert.equal(recogniseArrayElementRegex(re), null, re);
  });
});

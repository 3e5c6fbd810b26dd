import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeFilters,
  escapeFilterValue,
  splitFilters as parseFilters,
  FILTER_OPERATORS,
  type Filter,
} from '@interflow/contract';
import { addFilterValue, filtersEqual, removeFilterValue } from './filters.ts';

// The page reads and writes the URL's `filters` with the contract's grammar (splitFilters: the
// grammar alone, no check of ids or values); the contract's own tests cover the problems.

const HOSTILE = [
  'net1',
  'a,b',
  'a;b',
  'a\\b',
  '\\',
  '\\,',
  '\\;',
  ',',
  ';',
  '',
  ' ',
  '"',
  "'",
  '`',
  '=',
  '!=',
  '~',
  '!~',
  '%',
  '%25',
  '+',
  ' + ',
  'a=b;c=d',
  '€ ünï ☃ 😀',
  'line\nbreak',
  '\r\n\t',
  '.*',
  '(?i)x',
  '${x}',
  '|= "x"',
  '} or {',
];

describe('filters in the page URL (contract grammar)', () => {
  it('keeps the example of docs/design.md as is', () => {
    expect(parseFilters('interfaces=net1;src_namespace=test')).toEqual([
      { id: 'interfaces', operator: '=', values: ['net1'] },
      { id: 'src_namespace', operator: '=', values: ['test'] },
    ]);
    expect(encodeFilters(parseFilters('interfaces=net1;src_namespace=test'))).toBe(
      'interfaces=net1;src_namespace=test',
    );
  });

  it('reads every operator, the longest first', () => {
    expect(parseFilters('a=x;b!=y;c~z;d!~w').map((f) => f.operator)).toEqual(['=', '!=', '~', '!~']);
    // "=" and "~" inside a value are part of the value
    expect(parseFilters('a!==~x')).toEqual([{ id: 'a', operator: '!=', values: ['=~x'] }]);
    expect(parseFilters('a~!~')).toEqual([{ id: 'a', operator: '~', values: ['!~'] }]);
  });

  it('splits values on unescaped commas and keeps empty values (host netns)', () => {
    expect(parseFilters('netns=')).toEqual([{ id: 'netns', operator: '=', values: [''] }]);
    expect(parseFilters('interfaces=net1,net2,')).toEqual([
      { id: 'interfaces', operator: '=', values: ['net1', 'net2', ''] },
    ]);
  });

  it('escapes only backslash, comma and semicolon', () => {
    expect(escapeFilterValue('a\\b,c;d=e~f!g')).toBe('a\\\\b\\,c\\;d=e~f!g');
    expect(parseFilters('name=a\\,b\\;c\\\\d')).toEqual([
      { id: 'name', operator: '=', values: ['a,b;c\\d'] },
    ]);
  });

  it('round-trips hostile values exactly', () => {
    for (const v of HOSTILE) {
      for (const operator of FILTER_OPERATORS) {
        const filters: Filter[] = [
          { id: 'interfaces', operator, values: [v, `${v}${v}`] },
          { id: 'src_namespace', operator: '=', values: [v] },
        ];
        expect(parseFilters(encodeFilters(filters))).toEqual(filters);
      }
    }
  });

  it('round-trips any filters (property)', () => {
    const filter = fc.record({
      id: fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
      operator: fc.constantFrom(...FILTER_OPERATORS),
      values: fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(filter, { maxLength: 5 }), (filters) => {
        expect(parseFilters(encodeFilters(filters))).toEqual(filters);
      }),
      { numRuns: 500 },
    );
  });

  it('adds a value to an existing filter and removes values', () => {
    let f = addFilterValue([], 'interfaces', '=', 'net1');
    f = addFilterValue(f, 'interfaces', '=', 'net2');
    f = addFilterValue(f, 'interfaces', '=', 'net2');
    f = addFilterValue(f, 'interfaces', '!=', 'eth0');
    expect(f).toEqual([
      { id: 'interfaces', operator: '=', values: ['net1', 'net2'] },
      { id: 'interfaces', operator: '!=', values: ['eth0'] },
    ]);
    expect(removeFilterValue(f, 0, 'net1')[0]!.values).toEqual(['net2']);
    expect(removeFilterValue(f, 1, 'eth0')).toHaveLength(1);
  });

  it('compares filters by id, operator and values in order', () => {
    const f: Filter = { id: 'interfaces', operator: '=', values: ['net1', 'net2'] };
    expect(filtersEqual(f, { ...f, values: ['net1', 'net2'] })).toBe(true);
    expect(filtersEqual(f, { ...f, values: ['net2', 'net1'] })).toBe(false);
    expect(filtersEqual(f, { ...f, operator: '!=' })).toBe(false);
    expect(filtersEqual(f, { ...f, id: 'netns' })).toBe(false);
  });
});

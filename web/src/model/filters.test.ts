import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addFilterValue,
  encodeFilters,
  escapeFilterValue,
  parseFilters,
  removeFilterValue,
  FilterSyntaxError,
  FILTER_OPERATORS,
  type Filter,
} from './filters.ts';

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

describe('filter syntax', () => {
  it('keeps the DESIGN example as is', () => {
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

  it('rejects malformed text with the reason, position and filter id as data', () => {
    const problemOf = (text: string) => {
      try {
        parseFilters(text);
      } catch (e) {
        expect(e).toBeInstanceOf(FilterSyntaxError);
        return (e as FilterSyntaxError).problem;
      }
      throw new Error(`"${text}" was accepted`);
    };
    expect(problemOf('=net1')).toEqual({ reason: 'missing-id', position: 0 });
    // ids are lowercase: "I" is no id character
    expect(problemOf('Interfaces=net1')).toEqual({ reason: 'missing-id', position: 0 });
    expect(problemOf('a=x;;=y')).toEqual({ reason: 'missing-id', position: 5 });
    expect(problemOf('interfaces')).toEqual({
      reason: 'missing-operator',
      position: 10,
      filterId: 'interfaces',
    });
    expect(problemOf('a=x;b?y')).toEqual({ reason: 'missing-operator', position: 5, filterId: 'b' });
    expect(problemOf('interfaces=net1\\')).toEqual({
      reason: 'lone-backslash',
      position: 15,
      filterId: 'interfaces',
    });
    // an escaped backslash at the end is fine; an odd one is not
    expect(parseFilters('a=x\\\\')).toEqual([{ id: 'a', operator: '=', values: ['x\\'] }]);
    expect(problemOf('a=x\\\\\\')).toEqual({ reason: 'lone-backslash', position: 5, filterId: 'a' });
  });

  it('keeps a readable English message on the error (logs, tests)', () => {
    expect(() => parseFilters('=net1')).toThrow('filter at position 0 has no id');
    expect(() => parseFilters('interfaces')).toThrow(
      'filter "interfaces" needs an operator (=, !=, ~ or !~) at position 10',
    );
    expect(() => parseFilters('interfaces=net1\\')).toThrow(
      'filter "interfaces" ends with a lone "\\" (write "\\\\" for a backslash)',
    );
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
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BadParamError } from '../errors.ts';
import { FILTER_LIMITS, formatFilters, parseFilters } from './filter-syntax.ts';
import { escapeRegex, quoteString, unquoteString } from './literals.ts';
import { parseStreamSelector } from './selector.ts';

const bad = (text: string, message: RegExp): void => {
  assert.throws(
    () => parseFilters(text),
    (e: unknown) => e instanceof BadParamError && e.param === 'filters' && message.test(e.message),
  );
};

test('filters parse into id, operator and ORed values', () => {
  assert.deepEqual(parseFilters('interfaces=net1;src_namespace!=a,b;name~x;dst_mac!~0a:'), [
    { id: 'interfaces', op: '=', values: ['net1'] },
    { id: 'src_namespace', op: '!=', values: ['a', 'b'] },
    { id: 'name', op: '~', values: ['x'] },
    { id: 'dst_mac', op: '!~', values: ['0a:'] },
  ]);
  assert.deepEqual(parseFilters(''), []);
  assert.deepEqual(parseFilters(undefined), []);
  assert.deepEqual(parseFilters('netns='), [{ id: 'netns', op: '=', values: [''] }]);
  // Everything after the operator is the value, whatever it holds.
  assert.deepEqual(parseFilters('name=a=b~"c\\\\`'), [{ id: 'name', op: '=', values: ['a=b~"c\\`'] }]);
});

test('numeric filters take numbers and names', () => {
  assert.deepEqual(parseFilters('protocol=tcp,17;node_direction=egress;ifdirections!=ingress;port=0080'), [
    { id: 'protocol', op: '=', values: ['6', '17'] },
    { id: 'node_direction', op: '=', values: ['1'] },
    { id: 'ifdirections', op: '!=', values: ['0'] },
    { id: 'port', op: '=', values: ['80'] },
  ]);
  bad('port=http', /not a number/);
  bad('port=70000', /larger than 65535/);
  bad('protocol=-1', /not a number/);
});

test('unknown ids, missing operators and oversized filters are rejected naming the parameter', () => {
  bad('color=red', /unknown filter id "color"/);
  bad('interfaces', /needs an operator/);
  bad('interfaces>net1', /needs an operator/);
  bad('=net1', /has no id/);
  bad('name=a\\', /lone/);
  bad(Array.from({ length: FILTER_LIMITS.maxFilters + 1 }, () => 'name=a').join(';'), /at most 20 filters/);
  bad(
    `name=${Array.from({ length: FILTER_LIMITS.maxValuesPerFilter + 1 }, (_, i) => i).join(',')}`,
    /at most 50 values/,
  );
  bad(`name=${'x'.repeat(FILTER_LIMITS.maxValueLength + 1)}`, /longer than 256/);
  bad('x'.repeat(FILTER_LIMITS.maxTextLength + 1), /longer than 8192/);
  bad('name=\uD800', /surrogate/);
});

test('formatFilters is the inverse of parseFilters, whatever the values hold (property)', () => {
  const text = 'interfaces=net1,net2;namespace!~a b';
  assert.equal(formatFilters(parseFilters(text)), text);
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 1, maxLength: 5 }),
      (values) => {
        const filters = [{ id: 'name', op: '!~' as const, values }];
        assert.deepEqual(parseFilters(formatFilters(filters)), filters);
      },
    ),
    { numRuns: 1000 },
  );
});

test('quoteString/unquoteString round-trip any text (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const q = quoteString(s);
      assert.ok(!q.slice(1, -1).includes('\n'));
      assert.equal(unquoteString(q), s);
    }),
    { numRuns: 2000 },
  );
});

test('escapeRegex makes any text match only itself, in JavaScript with and without the u flag (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
      for (const flags of ['', 'u', 's', 'su']) {
        const re = new RegExp(`^(?:${escapeRegex(s)})$`, flags);
        assert.ok(re.test(s));
        assert.ok(!re.test(`${s}x`));
      }
    }),
    { numRuns: 2000 },
  );
});

test('the configured stream selector is read into matchers or rejected', () => {
  assert.deepEqual(parseStreamSelector('{app="interflow"}'), [{ label: 'app', op: '=', value: 'interflow' }]);
  assert.deepEqual(parseStreamSelector('{app="netobserv-flowcollector", FlowDirection!~`2`}'), [
    { label: 'app', op: '=', value: 'netobserv-flowcollector' },
    { label: 'FlowDirection', op: '!~', value: '2' },
  ]);
  assert.throws(() => parseStreamSelector('{app="x"} |= "y"'), /stream selector only/);
  assert.throws(() => parseStreamSelector('{app="x"'), /syntax error/);
  assert.throws(() => parseStreamSelector('{app!="x"}'), /selects streams/);
});

test('backslash escapes keep commas, semicolons and backslashes inside values (same rule as the page)', () => {
  const values = ['a,b', 'c;d', 'e\\f', '\\', ',;', 'plain', ''];
  const text = formatFilters([{ id: 'name', op: '=', values }]);
  assert.equal(text, 'name=a\\,b,c\\;d,e\\\\f,\\\\,\\,\\;,plain,');
  assert.deepEqual(parseFilters(`${text};interfaces=net1`), [
    { id: 'name', op: '=', values },
    { id: 'interfaces', op: '=', values: ['net1'] },
  ]);
  assert.throws(() => parseFilters('name=abc\\'), /lone "\\"/);
});

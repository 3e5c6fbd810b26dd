import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  FILTER_LIMITS,
  checkFilterValue,
  FilterProblemError,
  encodeFilters as formatFilters,
  parseFilters,
  splitFilters,
  type FilterProblemReason,
} from './filter-syntax.ts';

const bad = (text: string, message: RegExp, reason?: FilterProblemReason): void => {
  assert.throws(
    () => parseFilters(text),
    (e: unknown) =>
      e instanceof FilterProblemError && message.test(e.message) && (!reason || e.problem.reason === reason),
  );
};

test('filters parse into id, operator and ORed values', () => {
  assert.deepEqual(parseFilters('interfaces=net1;src_namespace!=a,b;name~x;dst_mac!~0a:'), [
    { id: 'interfaces', operator: '=', values: ['net1'] },
    { id: 'src_namespace', operator: '!=', values: ['a', 'b'] },
    { id: 'name', operator: '~', values: ['x'] },
    { id: 'dst_mac', operator: '!~', values: ['0a:'] },
  ]);
  assert.deepEqual(parseFilters(''), []);
  assert.deepEqual(parseFilters(undefined), []);
  assert.deepEqual(parseFilters('netns='), [{ id: 'netns', operator: '=', values: [''] }]);
  // Everything after the operator is the value, whatever it holds.
  assert.deepEqual(parseFilters('name=a=b~"c\\\\`'), [{ id: 'name', operator: '=', values: ['a=b~"c\\`'] }]);
});

test('numeric filters take numbers and names', () => {
  assert.deepEqual(parseFilters('protocol=tcp,17;node_direction=egress;ifdirections!=ingress;port=0080'), [
    { id: 'protocol', operator: '=', values: ['6', '17'] },
    { id: 'node_direction', operator: '=', values: ['1'] },
    { id: 'ifdirections', operator: '!=', values: ['0'] },
    { id: 'port', operator: '=', values: ['80'] },
  ]);
  bad('port=http', /not a number/);
  bad('port=70000', /larger than 65535/);
  bad('protocol=-1', /not a number/);
});

test('unknown ids, missing operators and oversized filters are rejected naming the parameter', () => {
  bad('color=red', /unknown filter id "color"/, 'unknown-id');
  bad('interfaces', /needs an operator/);
  bad('interfaces>net1', /needs an operator/);
  bad('=net1', /has no id/, 'missing-id');
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
        const filters = [{ id: 'name', operator: '!~' as const, values }];
        assert.deepEqual(parseFilters(formatFilters(filters)), filters);
      },
    ),
    { numRuns: 1000 },
  );
});

test('backslash escapes keep commas, semicolons and backslashes inside values (same rule as the page)', () => {
  const values = ['a,b', 'c;d', 'e\\f', '\\', ',;', 'plain', ''];
  const text = formatFilters([{ id: 'name', operator: '=', values }]);
  assert.equal(text, 'name=a\\,b,c\\;d,e\\\\f,\\\\,\\,\\;,plain,');
  assert.deepEqual(parseFilters(`${text};interfaces=net1`), [
    { id: 'name', operator: '=', values },
    { id: 'interfaces', operator: '=', values: ['net1'] },
  ]);
  assert.throws(() => parseFilters('name=abc\\'), /lone "\\"/);
});

test('the grammar alone keeps unknown ids and any value; problems carry the reason and position', () => {
  assert.deepEqual(splitFilters('bogus=x;port=abc'), [
    { id: 'bogus', operator: '=', values: ['x'] },
    { id: 'port', operator: '=', values: ['abc'] },
  ]);
  const problem = (text: string) => {
    try {
      splitFilters(text);
    } catch (e) {
      return (e as FilterProblemError).problem;
    }
    return undefined;
  };
  assert.deepEqual(problem('a=1;=x'), { reason: 'missing-id', position: 4 });
  assert.deepEqual(problem('a=1;bc>x'), { reason: 'missing-operator', position: 6, filterId: 'bc' });
  assert.deepEqual(problem('a=1\\'), { reason: 'lone-backslash', position: 3, filterId: 'a' });
  // A surrogate pair after a backslash stays whole.
  assert.deepEqual(splitFilters('name=\\😀x'), [{ id: 'name', operator: '=', values: ['😀x'] }]);
});

test('exact addresses must be addresses', () => {
  assert.deepEqual(parseFilters('src_address=10.0.0.1,fd00::1;address~10.12'), [
    { id: 'src_address', operator: '=', values: ['10.0.0.1', 'fd00::1'] },
    { id: 'address', operator: '~', values: ['10.12'] },
  ]);
  bad('dst_address=10.0.0.300', /not an IPv4 or IPv6 address/, 'not-an-address');
  bad('address!=abc', /not an IPv4 or IPv6 address/, 'not-an-address');
});

test('exact addresses may be CIDR prefixes or ranges (Loki ip() patterns)', () => {
  assert.deepEqual(parseFilters('src_address=192.168.122.0/24,10.0.0.1-10.0.0.9;dst_address!=fd00::/64'), [
    { id: 'src_address', operator: '=', values: ['192.168.122.0/24', '10.0.0.1-10.0.0.9'] },
    { id: 'dst_address', operator: '!=', values: ['fd00::/64'] },
  ]);
  bad('src_address=10.0.0.0/33', /CIDR prefix/, 'not-an-address');
  bad('src_address=10.0.0.9-10.0.0.1', /CIDR prefix/, 'not-an-address');
  bad('src_address=10.0.0.1-fd00::1', /CIDR prefix/, 'not-an-address');
  bad('port=', /not a number/, 'not-a-number');
  assert.deepEqual(parseFilters('netns=,cni-1'), [{ id: 'netns', operator: '=', values: ['', 'cni-1'] }]);
});

test('a typed value is trimmed (except netns) and held to the API rules before it becomes a filter', () => {
  assert.deepEqual(checkFilterValue('interfaces', '=', ' net1 '), { ok: true, value: 'net1' });
  assert.deepEqual(checkFilterValue('port', '=', ' 80'), { ok: true, value: '80' });
  assert.deepEqual(checkFilterValue('protocol', '=', 'TCP'), { ok: true, value: 'TCP' });
  assert.deepEqual(checkFilterValue('netns', '=', 'ns with space '), { ok: true, value: 'ns with space ' });
  assert.deepEqual(checkFilterValue('netns', '=', ''), { ok: true, value: '' });
  const reason = (id: string, op: '=' | '~', v: string) => {
    const r = checkFilterValue(id, op, v);
    return r.ok ? 'ok' : r.problem.reason;
  };
  assert.equal(reason('port', '=', 'abc'), 'not-a-number');
  assert.equal(reason('port', '=', '-1'), 'not-a-number');
  assert.equal(reason('port', '=', '0x50'), 'not-a-number');
  assert.equal(reason('port', '=', '99999'), 'number-too-large');
  assert.equal(reason('interfaces', '=', '   '), 'empty-value');
  assert.equal(reason('name', '=', ''), 'empty-value');
  assert.equal(reason('src_address', '=', '10.0.0'), 'not-an-address');
  assert.equal(reason('src_address', '~', '10.0.0'), 'ok');
  assert.equal(reason('bogus', '=', 'x'), 'unknown-id');
  assert.equal(reason('name', '=', 'x'.repeat(FILTER_LIMITS.maxValueLength + 1)), 'value-too-long');
});

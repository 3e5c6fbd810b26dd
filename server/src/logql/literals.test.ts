// LogQL literals and the configured stream selector: any text survives quoting and regex
// escaping, and the selector is read or refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeRegex, quoteString, unquoteString } from './literals.ts';
import { parseStreamSelector } from './selector.ts';

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

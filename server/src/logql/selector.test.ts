// The configured stream selector's values are decoded exactly as Loki decodes them, so the
// backend asks for the same streams Loki would select with that text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStreamSelector } from './selector.ts';

const value = (selector: string): string => parseStreamSelector(selector)[0]!.value;

test('Go escapes in the selector decode as Loki reads them', () => {
  assert.equal(value('{app="a\\x41\\u00e9\\101"}'), 'aAéA');
  assert.equal(value('{app="tab\\there"}'), 'tab\there');
  // \xc3\xa9 are the UTF-8 bytes of é: Loki joins byte escapes into one character.
  assert.equal(value('{app="caf\\xc3\\xa9"}'), 'café');
  assert.equal(value('{app=`raw\\x41`}'), 'raw\\x41');
});

test("escapes Loki refuses in a double-quoted string are refused (\\' and unknown ones)", () => {
  assert.throws(() => parseStreamSelector('{app="it\\\'s"}'));
  assert.throws(() => parseStreamSelector('{app="\\q"}'));
});

test('a selector needs a matcher that selects streams', () => {
  assert.throws(() => parseStreamSelector('{app=""}'), /selects streams/);
  assert.deepEqual(parseStreamSelector('{app=~"inter.*", env!="dev"}'), [
    { label: 'app', op: '=~', value: 'inter.*' },
    { label: 'env', op: '!=', value: 'dev' },
  ]);
});

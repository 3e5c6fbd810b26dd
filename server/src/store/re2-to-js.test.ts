// RE2 → JavaScript translation: same meaning where the dialects differ, refusal where we cannot map.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { escapeRegex } from '../logql/literals.ts';
import { re2ToJs } from './re2-to-js.ts';

const line = (re: string) => re2ToJs(re, { anchored: false, dotAll: false });
const label = (re: string) => re2ToJs(re, { anchored: true, dotAll: true });

describe('re2ToJs', () => {
  test('dot does not match newline in line filters, does in label matchers (Prometheus ^(?s:re)$)', () => {
    assert.equal(line('a.b').test('a\nb'), false);
    assert.equal(line('a.b').test('a\rb'), true); // RE2 `.` only excludes \n (JS also excludes \r)
    assert.equal(line('a.b').test('a\u2028b'), true);
    assert.equal(label('a.b').test('a\nb'), true);
    assert.equal(line('(?s)a.b').test('a\nb'), true);
  });

  test('label matchers are fully anchored, line filters are not', () => {
    assert.equal(label('net1').test('net10'), false);
    assert.equal(label('net1|eth0').test('eth0'), true);
    assert.equal(label('net1|eth0').test('xeth0'), false);
    assert.equal(line('net1').test('xnet10'), true);
  });

  test('\\s is ASCII whitespace only, as in RE2', () => {
    assert.equal(line('a\\sb').test('a\u00a0b'), false);
    assert.equal(line('a\\sb').test('a\tb'), true);
    assert.equal(line('a\\Sb').test('a\u00a0b'), true);
    assert.equal(line('[\\sx]').test('\u2003'), false);
  });

  test('anchors: ^ $ \\A \\z, and (?m) line anchors on \\n only', () => {
    assert.equal(line('^b').test('a\nb'), false);
    assert.equal(line('a$').test('a\n'), false); // RE2 $ without m is end of text
    assert.equal(line('(?m)^b$').test('a\nb\nc'), true);
    assert.equal(line('(?m)^b$').test('a\rb\rc'), false);
    assert.equal(line('\\Aab\\z').test('ab'), true);
  });

  test('RE2 syntax mapped to JS: named groups, \\Q…\\E, POSIX classes, \\x{…}, \\p, escaped punctuation, literal braces', () => {
    assert.equal(line('(?P<n>x)y').test('xy'), true);
    assert.equal(line('\\Qa.b*c\\E').test('a.b*c'), true);
    assert.equal(line('\\Qa.b*c\\E').test('aXbbbc'), false);
    assert.equal(label('[[:digit:]]+').test('123'), true);
    assert.equal(label('[[:alpha:][:digit:]]+').test('a1'), true);
    assert.equal(line('\\x{1F680}').test('🚀'), true);
    assert.equal(label('\\pL+').test('ünï'), true);
    assert.equal(label('\\p{Greek}+').test('αβ'), true);
    assert.equal(label('a\\-b\\#c\\:d').test('a-b#c:d'), true);
    assert.equal(label('a{,2}').test('a{,2}'), true);
    assert.equal(label('a}').test('a}'), true);
    assert.equal(label('[]a]+').test(']a'), true);
    assert.equal(label('[^]a]').test('b'), true);
    assert.equal(label('(?i)NeT1').test('net1'), true);
    assert.equal(label('.').test('🚀'), true); // one code point, thanks to the u flag
  });

  test('constructs RE2 rejects or we cannot map are refused with their name', () => {
    const cases: [string, RegExp][] = [
      ['(?=a)', /lookahead/],
      ['(?<!a)', /lookbehind/],
      ['(a)\\1', /backreference/],
      ['(a*)*', /nested repetition/],
      ['(a+){2,}', /nested repetition/],
      ['((ab)+c)+', /nested repetition/],
      ['a{1001}', /1000/],
      ['(?U)a+', /ungreedy/],
      ['a(?i)b', /flags inside the pattern/],
      ['(?i:a)', /flags inside the pattern/],
      ['[[:^alpha:]]', /negated POSIX/],
      ['[[:nope:]]', /unknown POSIX class/],
      ['\\C', /\\C/],
      ['\\p{Nope}', /unknown Unicode class/],
      ['a**', /nested repetition operator/],
      ['*a', /missing argument/],
      ['a\\', /trailing backslash/],
      ['[a', /missing closing \]/],
      ['a)', /unexpected \)/],
    ];
    for (const [re, msg] of cases) assert.throws(() => line(re), msg, re);
  });

  test('property: a value escaped by the query builder (escapeRegex) matches exactly itself', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 5 }),
        (s, extra) => {
          const re = label(escapeRegex(s));
          assert.equal(re.test(s), true);
          if (extra !== '') assert.equal(re.test(s + extra), false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

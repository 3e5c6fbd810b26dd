// LogQL regexes on re2js: RE2/Go meaning where it differs from JavaScript's RegExp, RE2's
// refusals with their reason, and linear time on the patterns that backtrack in V8.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { escapeRegex } from '../../logql/literals.ts';
import { compileRe2 } from './re2.ts';

const line = (re: string) => compileRe2(re, { anchored: false });
const label = (re: string) => compileRe2(re, { anchored: true });

describe('compileRe2', () => {
  test('dot does not match newline in line filters, does in label matchers (Prometheus ^(?s:re)$)', () => {
    assert.equal(line('a.b')('a\nb'), false);
    assert.equal(line('a.b')('a\rb'), true); // RE2 `.` only excludes \n (JS also excludes \r)
    assert.equal(line('a.b')('a\u2028b'), true);
    assert.equal(label('a.b')('a\nb'), true);
    assert.equal(line('(?s)a.b')('a\nb'), true);
  });

  test('label matchers are fully anchored, line filters are not', () => {
    assert.equal(label('net1')('net10'), false);
    assert.equal(label('net1|eth0')('eth0'), true);
    assert.equal(label('net1|eth0')('xeth0'), false);
    assert.equal(line('net1')('xnet10'), true);
  });

  test('\\s is ASCII whitespace only, \\w \\d \\b are ASCII, as in RE2', () => {
    assert.equal(line('a\\sb')('a\u00a0b'), false);
    assert.equal(line('a\\sb')('a\tb'), true);
    assert.equal(line('a\\sb')('a\vb'), false); // Go's \s is [\t\n\f\r ]
    assert.equal(line('a\\Sb')('a\u00a0b'), true);
    assert.equal(line('[\\sx]')('\u2003'), false);
    assert.equal(line('\\w')('é'), false);
    assert.equal(line('\\d')('٣'), false);
  });

  test('anchors: ^ $ \\A \\z, and (?m) line anchors on \\n only', () => {
    assert.equal(line('^b')('a\nb'), false);
    assert.equal(line('a$')('a\n'), false); // RE2 $ without m is end of text
    assert.equal(line('(?m)^b$')('a\nb\nc'), true);
    assert.equal(line('(?m)^b$')('a\rb\rc'), false);
    assert.equal(line('\\Aab\\z')('ab'), true);
  });

  test('RE2 syntax: named groups, \\Q…\\E, POSIX classes, \\x{…}, \\p, escaped punctuation, literal braces', () => {
    assert.equal(line('(?P<n>x)y')('xy'), true);
    assert.equal(line('(?<n>x)y')('xy'), true);
    assert.equal(line('\\Qa.b*c\\E')('a.b*c'), true);
    assert.equal(line('\\Qa.b*c\\E')('aXbbbc'), false);
    assert.equal(label('[[:digit:]]+')('123'), true);
    assert.equal(label('[[:alpha:][:digit:]]+')('a1'), true);
    assert.equal(label('[[:^alpha:]]')('1'), true);
    assert.equal(line('\\x{1F680}')('🚀'), true);
    assert.equal(label('\\pL+')('ünï'), true);
    assert.equal(label('\\p{Greek}+')('αβ'), true);
    assert.equal(label('a\\-b\\#c\\:d')('a-b#c:d'), true);
    assert.equal(label('a{,2}')('a{,2}'), true);
    assert.equal(label('a}')('a}'), true);
    assert.equal(label('[]a]+')(']a'), true);
    assert.equal(label('[^]a]')('b'), true);
    assert.equal(label('.')('🚀'), true); // one code point
    assert.equal(label('..')('🚀'), false);
  });

  test('flags: leading, inline and scoped, as Go accepts them', () => {
    assert.equal(label('(?i)NeT1')('net1'), true);
    assert.equal(label('(?i)k')('\u212a'), true); // Kelvin sign folds to k (Unicode simple folding)
    assert.equal(label('a(?i)b')('aB'), true);
    assert.equal(label('(?i:a)b')('Ab'), true);
    assert.equal(label('(?i:a)b')('AB'), false);
    assert.equal(line('(?U)a+')('a'), true);
  });

  test('nested repetition is accepted (RE2 runs it in linear time), as Loki does', () => {
    assert.equal(label('(a+)+')('aaaa'), true);
    assert.equal(label('(a*)*b')('aaab'), true);
    assert.equal(label('((ab)+c)+')('ababcabc'), true);
    assert.equal(label('(a+){2,}')('aaa'), true);
  });

  test('patterns that backtrack for seconds in V8 finish at once, with the right answer', () => {
    const long = 'a'.repeat(100_000);
    assert.equal(line('.*.*.*x')(long), false);
    assert.equal(line('.*.*.*x')(long + 'x'), true);
    assert.equal(line('(.|.)*x')(long), false);
    assert.equal(line('(.|.)*x')(long + 'x'), true);
    assert.equal(line('(a+)+$b')(long), false);
    assert.equal(label('(a|aa)*c')(long), false);
    assert.equal(label('(a|aa)*c')(long + 'c'), true);
  });

  test('constructs RE2 refuses are refused, naming the construct', () => {
    const cases: [string, RegExp][] = [
      ['(?=a)', /lookahead/],
      ['a(?!b)', /lookahead/],
      ['(?<=a)b', /lookbehind/],
      ['(?<!a)', /lookbehind/],
      ['(a)\\1', /backreference/],
      ['a{1001}', /invalid repeat count.*at most 1000/],
      ['(a{100}){11}', /invalid repeat count.*nested repetitions multiplied/],
      ['[[:nope:]]', /\[:nope:\]/],
      ['\\C', /invalid escape sequence: `\\C`/],
      ['\\Z', /invalid escape sequence: `\\Z`/],
      ['\\p{Nope}', /\\p\{Nope\}/],
      ['a**', /invalid nested repetition operator/],
      ['a{2}{3}', /invalid nested repetition operator/],
      ['*a', /missing argument to repetition operator/],
      ['a\\', /trailing backslash/],
      ['[a', /missing closing \]/],
      ['a)', /unexpected \)/],
      ['(a', /missing closing \)/],
      ['[z-a]', /invalid character class range/],
      ['x'.repeat(4097), /longer than 4096/],
    ];
    for (const [re, msg] of cases) {
      assert.throws(() => line(re), msg, re);
      assert.throws(() => label(re), msg, re);
    }
  });

  test('nested bounded repetitions multiplying past 1000 copies are refused, as Go refuses them', () => {
    const unit = String.raw`(?:[^"\\]|\\u[0-9a-fA-F]{4}|\\[^u])`;
    // the form the backend's array regexes had before (256 × 32 = 8192 copies)
    assert.throws(
      () => line(`"Interfaces":\\[(?:"${unit}{0,256}",){0,32}"net1"[,\\]]`),
      /invalid repeat count/,
    );
    // the form they have now: unbounded, accepted, and the same meaning
    const re = line(`"Interfaces":\\[(?:"${unit}*",)*"net1"[,\\]]`);
    assert.equal(re('{"Interfaces":["eth0","net1"]}'), true);
    assert.equal(re('{"Interfaces":["eth0","net10"]}'), false);
    assert.equal(re('{"Interfaces":["a\\"b","x\\u00e9","net1"]}'), true);
    assert.equal(re('{"Interfaces":["eth0"],"X":"net1"}'), false);
  });

  test('property: a value escaped by the query builder (escapeRegex) matches exactly itself', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 30 }),
        fc.string({ unit: 'binary', maxLength: 5 }),
        (s, extra) => {
          const re = label(escapeRegex(s));
          assert.equal(re(s), true);
          if (extra !== '') assert.equal(re(s + extra), false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

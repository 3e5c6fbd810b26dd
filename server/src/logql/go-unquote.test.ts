// LogQL string literals decode exactly as Loki decodes them (Go escapes; raw strings verbatim).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { hasLoneSurrogate, quoteString } from './literals.ts';
import { goUnquote } from './go-unquote.ts';

const NAMED: Record<string, string> = {
  '\x07': 'a',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
  '\v': 'v',
  '\\': '\\',
  '"': '"',
};
const utf8 = new TextEncoder();

/** Go-quotes `s`, choosing for every code point one of the encodings Go accepts (by `choice`). */
function goQuote(s: string, choices: number[]): string {
  let out = '"';
  let k = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const c = choices[k++ % choices.length]!;
    if (NAMED[ch] !== undefined && (c % 2 === 0 || ch === '"' || ch === '\\' || ch === '\n'))
      out += '\\' + NAMED[ch];
    else if (c % 5 === 1 && cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else if (c % 5 === 2) out += '\\U' + cp.toString(16).padStart(8, '0');
    else if (c % 5 === 3) for (const b of utf8.encode(ch)) out += '\\x' + b.toString(16).padStart(2, '0');
    else if (c % 5 === 4) for (const b of utf8.encode(ch)) out += '\\' + b.toString(8).padStart(3, '0');
    else if (ch === '"' || ch === '\\' || ch === '\n') out += '\\' + NAMED[ch];
    else out += ch;
  }
  return out + '"';
}

describe('goUnquote', () => {
  test('named, hex, octal and Unicode escapes', () => {
    assert.equal(goUnquote('"a\\tb\\nc\\\\d\\"e"'), 'a\tb\nc\\d"e');
    assert.equal(goUnquote('"\\a\\b\\f\\r\\v"'), '\x07\b\f\r\v');
    assert.equal(goUnquote('"\\x41\\101\\u00e9\\U0001F680"'), 'AAé🚀');
    assert.equal(goUnquote('"\\xc3\\xa9"'), 'é'); // bytes forming UTF-8
    assert.equal(goUnquote('"ünï 🚀 `tick` \'single\'"'), "ünï 🚀 `tick` 'single'");
    assert.equal(goUnquote('""'), '');
  });

  test('raw strings are verbatim (backslashes, quotes, newlines)', () => {
    assert.equal(goUnquote('`a\\nb"c\\`'), 'a\\nb"c\\');
    assert.equal(goUnquote('`line1\nline2`'), 'line1\nline2');
    assert.equal(goUnquote('``'), '');
  });

  test('invalid literals are refused', () => {
    for (const bad of [
      '"\\q"',
      '"\\\'"',
      '"a\nb"',
      '"\\x4"',
      '"\\xzz"',
      '"\\400"',
      '"\\12"',
      '"\\ud800"',
      '"\\U00110000"',
      '"a"b"',
      '"abc',
      '`a`b`',
      '"\\"',
    ]) {
      assert.throws(() => goUnquote(bad), Error, bad);
    }
  });

  test('property: any string, quoted with any mix of Go escapes, decodes to itself', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.array(fc.nat(9), { minLength: 1, maxLength: 8 }),
        (s, choices) => {
          assert.equal(goUnquote(goQuote(s, choices)), s);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: JSON.stringify output of a string is a valid Go literal of the same value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        assert.equal(goUnquote(JSON.stringify(s)), s);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: what the query builder quotes (quoteString) decodes to the value it quoted', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !hasLoneSurrogate(s)),
        (s) => {
          assert.equal(goUnquote(quoteString(s)), s);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('property: raw strings without a backquote decode to themselves', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('`')),
        (s) => {
          assert.equal(goUnquote('`' + s + '`'), s);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

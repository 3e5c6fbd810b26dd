// LogQL literals. Every value a client sends ends up inside one of these, so this module is
// where "a value can never change the structure of the query" is enforced:
//  - quoteString: a double-quoted LogQL string with Go-style escapes (what Loki's
//    strconv.Unquote reads back);
//  - escapeRegex: a regular expression that matches the text literally, escaping only the
//    syntax characters, which is valid in both RE2 (Loki) and JavaScript (also with the `u` flag).

import { hasLoneSurrogate } from '@interflow/contract';
import { goUnquote, UnquoteError } from './go-unquote.ts';

/** Regex syntax characters. Escaping anything else (e.g. `\-`, `\"`) is an error in JavaScript's `u` mode. */
const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}]/g;

export { hasLoneSurrogate };

export function escapeRegex(text: string): string {
  return text.replace(REGEX_SYNTAX, '\\$&');
}

/** `text` as a double-quoted LogQL string. Control characters other than \n \r \t become \u00XX. */
export function quoteString(text: string): string {
  if (hasLoneSurrogate(text)) throw new TypeError('a LogQL string cannot hold a lone UTF-16 surrogate');
  let out = '"';
  for (const ch of text) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return out + '"';
}

/**
 * Reads a LogQL string literal back (double-quoted with Go escapes, or a backtick raw string)
 * exactly as Loki does: the embedded store's decoder (Go strconv.Unquote rules, `\x` and octal
 * escapes as raw bytes). Used for the configured stream selector and by tests that check a value
 * survived quoting.
 */
export function unquoteString(literal: string): string {
  try {
    return goUnquote(literal);
  } catch (e) {
    if (e instanceof UnquoteError) throw new SyntaxError(e.message);
    throw e;
  }
}

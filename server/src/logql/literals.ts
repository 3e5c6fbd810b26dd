// LogQL literals. Every value a client sends ends up inside one of these, so this module is
// where "a value can never change the structure of the query" is enforced:
//  - quoteString: a double-quoted LogQL string with Go-style escapes (what Loki's
//    strconv.Unquote reads back);
//  - escapeRegex: a regular expression that matches the text literally, escaping only the
//    syntax characters, which is valid in both RE2 (Loki) and JavaScript (also with the `u` flag).

/** Regex syntax characters. Escaping anything else (e.g. `\-`, `\"`) is an error in JavaScript's `u` mode. */
const REGEX_SYNTAX = /[\\^$.|?*+()[\]{}]/g;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that cannot be sent as UTF-8 (and so cannot be part of a query Loki receives). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

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

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Reads a LogQL string literal back (double-quoted with Go escapes, or a backtick raw string).
 * Used for the configured stream selector and by tests that check a value survived quoting.
 */
export function unquoteString(literal: string): string {
  if (literal.length >= 2 && literal.startsWith('`') && literal.endsWith('`')) {
    const body = literal.slice(1, -1);
    if (body.includes('`')) throw new SyntaxError('backtick inside a raw string');
    return body;
  }
  if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) {
    throw new SyntaxError(`not a string literal: ${literal}`);
  }
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"' || c === '\n') throw new SyntaxError(`unescaped ${JSON.stringify(c)} in string literal`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new SyntaxError('string literal ends with a backslash');
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new SyntaxError(`bad \\${e} escape`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError('bad octal escape');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else {
      throw new SyntaxError(`unknown escape \\${e}`);
    }
  }
  return out;
}

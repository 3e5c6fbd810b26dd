// Translates an RE2 regular expression (the dialect Loki uses) into an equivalent JavaScript
// RegExp with the `u` flag. Constructs whose meaning differs are rewritten (`.`, `\s`, `(?m)`
// anchors, `\A`, `\z`, `\Q…\E`, POSIX classes); constructs RE2 rejects or that we cannot map
// exactly are refused with an error naming them. Nested unbounded repetition such as `(a+)+`
// is refused too: RE2 runs it in linear time, a backtracking engine can take exponential time.
// This does not make every pattern linear (`.*.*.*x`, `(.|.)*x` still backtrack; see README.md).

export class RegexError extends Error {}

export const MAX_REGEX_LENGTH = 4096;
const MAX_REPEAT = 1000; // RE2's limit for {n,m}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const SPACE_CLASS = '\\t\\n\\f\\r '; // RE2 \s is ASCII only; JS \s is Unicode
const CONTROL_ESCAPES: Record<string, string> = {
  a: '\\x07',
  f: '\\f',
  t: '\\t',
  n: '\\n',
  r: '\\r',
  v: '\\v',
};
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/-']);

interface Options {
  /** `.` also matches `\n` (Prometheus/Loki label matchers compile as `^(?s:re)$`). */
  dotAll: boolean;
  /** Whole value must match (label matchers), otherwise unanchored (line filters). */
  anchored: boolean;
}

interface Frame {
  hasUnbounded: boolean;
}

export function re2ToJs(source: string, opts: Options): RegExp {
  if (source.length > MAX_REGEX_LENGTH) {
    throw new RegexError(`regular expression longer than ${MAX_REGEX_LENGTH} characters`);
  }
  const cps = Array.from(source);
  let i = 0;
  let ignoreCase = false;
  let dotAll = opts.dotAll;
  let multiLine = false;

  // Flags are only accepted as a leading (?flags) group, which applies to the whole pattern.
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'i') ignoreCase = true;
      else if (f === 's') dotAll = true;
      else if (f === 'm') multiLine = true;
      else throw new RegexError('ungreedy flag (?U) is not supported');
    }
    i = Array.from(lead[0]).length;
  }

  let out = '';
  const stack: Frame[] = [{ hasUnbounded: false }];
  // what the last emitted atom was: a group (with or without unbounded repetition inside) or other
  let lastAtom: 'none' | 'plain' | 'group' = 'none';
  let lastGroupUnbounded = false;

  const peek = (k = 0): string | undefined => cps[i + k];

  // In `u` mode only syntax characters may be escaped, and `\-` only inside a class.
  const escapeLiteral = (c: string, inClass: boolean): string => {
    if (c === '-') return inClass ? '\\-' : '-';
    return JS_SYNTAX.has(c) ? '\\' + c : c;
  };

  // Parses an escape starting at cps[i] === '\\'; returns JS text. inClass changes a few mappings.
  const translateEscape = (inClass: boolean): string => {
    const e = cps[i + 1];
    if (e === undefined) throw new RegexError('trailing backslash at end of regular expression');
    i += 2;
    if (e === 'd' || e === 'D' || e === 'w' || e === 'W') return '\\' + e;
    if (e === 's') return inClass ? SPACE_CLASS : `[${SPACE_CLASS}]`;
    if (e === 'S') {
      if (inClass) throw new RegexError('\\S inside a character class is not supported');
      return `[^${SPACE_CLASS}]`;
    }
    if (e === 'b' || e === 'B') {
      if (inClass) throw new RegexError(`\\${e} inside a character class is not valid`);
      return '\\' + e;
    }
    if (e === 'A') {
      if (inClass) throw new RegexError('\\A inside a character class is not valid');
      return '^'; // the JS RegExp never gets the m flag, so ^ is the start of the text
    }
    if (e === 'z') {
      if (inClass) throw new RegexError('\\z inside a character class is not valid');
      return '$';
    }
    if (e in CONTROL_ESCAPES) return CONTROL_ESCAPES[e]!;
    if (e === 'x') {
      if (cps[i] === '{') {
        const end = cps.indexOf('}', i);
        const hex = end < 0 ? '' : cps.slice(i + 1, end).join('');
        if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
          throw new RegexError('invalid escape \\x{…}');
        }
        i = end + 1;
        return `\\u{${hex}}`;
      }
      const hex = cps.slice(i, i + 2).join('');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new RegexError('invalid escape \\x');
      i += 2;
      return '\\x' + hex;
    }
    if (e === 'p' || e === 'P') {
      let name: string;
      if (cps[i] === '{') {
        const end = cps.indexOf('}', i);
        if (end < 0) throw new RegexError(`unterminated \\${e}{…}`);
        name = cps.slice(i + 1, end).join('');
        i = end + 1;
      } else {
        name = cps[i] ?? '';
        i += 1;
      }
      let negate = e === 'P';
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
      if (!/^[A-Za-z_]+$/.test(name)) throw new RegexError(`invalid Unicode class \\${e}{${name}}`);
      if (name === 'Any') {
        if (inClass) throw new RegexError('\\p{Any} inside a character class is not supported');
        return negate ? '[^\\s\\S]' : '[\\s\\S]';
      }
      const prop = name.length <= 2 ? name : `Script=${name}`;
      const text = `\\${negate ? 'P' : 'p'}{${prop}}`;
      try {
        new RegExp(text, 'u');
      } catch {
        throw new RegexError(`unknown Unicode class \\${e}{${name}}`);
      }
      return text;
    }
    if (e === 'Q') {
      let lit = '';
      while (i < cps.length && !(cps[i] === '\\' && cps[i + 1] === 'E')) {
        lit += escapeLiteral(cps[i]!, inClass);
        i++;
      }
      if (i < cps.length) i += 2;
      return inClass ? lit : lit === '' ? '' : `(?:${lit})`;
    }
    if (e >= '0' && e <= '9') throw new RegexError(`backreference or octal escape \\${e} is not supported`);
    if (/[A-Za-z]/.test(e)) throw new RegexError(`escape sequence \\${e} is not supported`);
    // any escaped punctuation is that character literally
    return escapeLiteral(e, inClass);
  };

  const translateClass = (): string => {
    i++; // '['
    let text = '[';
    if (peek() === '^') {
      text += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new RegexError('missing closing ] in character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && peek(1) === ':') {
        const rest = cps.slice(i).join('');
        const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (m) {
          if (m[1]) throw new RegexError(`negated POSIX class [:^${m[2]}:] is not supported`);
          const range = POSIX[m[2]!];
          if (!range) throw new RegexError(`unknown POSIX class [:${m[2]}:]`);
          text += range;
          i += m[0].length;
          continue;
        }
      }
      if (c === '\\') {
        text += translateEscape(true);
        continue;
      }
      text += c === '-' ? '-' : escapeLiteral(c, true); // a bare '-' keeps forming ranges
      i++;
    }
    return text + ']';
  };

  // Reads a {n}, {n,}, {n,m} repeat at cps[i]; returns null when it is a literal '{' in RE2.
  const readRepeat = (): { text: string; unbounded: boolean } | null => {
    const rest = cps.slice(i, i + 24).join('');
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[3] ? Number(m[3]) : m[2] ? Infinity : min;
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
      throw new RegexError(`repetition count above ${MAX_REPEAT} in ${m[0]}`);
    }
    if (max < min) throw new RegexError(`invalid repeat count ${m[0]}`);
    i += m[0].length;
    return { text: m[0], unbounded: max === Infinity };
  };

  while (i < cps.length) {
    const c = cps[i]!;
    const frame = stack[stack.length - 1]!;
    if (c === '*' || c === '+' || c === '?' || (c === '{' && readRepeatPeek())) {
      let text: string;
      let unbounded: boolean;
      let repeats = true;
      if (c === '{') {
        const r = readRepeat()!;
        text = r.text;
        unbounded = r.unbounded;
      } else {
        i++;
        text = c;
        unbounded = c !== '?';
        repeats = c !== '?';
      }
      if (lastAtom === 'none') throw new RegexError(`missing argument to repetition operator ${text}`);
      if (peek() === '?') {
        text += '?';
        i++;
      }
      if (peek() === '*' || peek() === '+' || (peek() === '?' && text.length === 1)) {
        throw new RegexError(`invalid nested repetition operator ${text}${peek()}`);
      }
      if (repeats && lastAtom === 'group' && lastGroupUnbounded) {
        throw new RegexError(
          `nested repetition such as (a+)${text} is not supported (catastrophic backtracking risk)`,
        );
      }
      if (unbounded) frame.hasUnbounded = true;
      out += text;
      lastAtom = 'plain';
      continue;
    }
    if (c === '(') {
      if (peek(1) === '?') {
        const rest = cps.slice(i, i + 4).join('');
        if (rest.startsWith('(?:')) {
          out += '(?:';
          i += 3;
        } else if (
          rest.startsWith('(?P<') ||
          (rest.startsWith('(?<') && rest[3] !== '=' && rest[3] !== '!')
        ) {
          const start = i + (rest.startsWith('(?P<') ? 4 : 3);
          const end = cps.indexOf('>', start);
          const name = end < 0 ? '' : cps.slice(start, end).join('');
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
            throw new RegexError(`invalid capture group name "${name}"`);
          out += `(?<${name}>`;
          i = end + 1;
        } else if (/^\(\?(=|!|<=|<!)/.test(rest)) {
          throw new RegexError('lookahead/lookbehind assertions (?=…) (?!…) (?<=…) (?<!…) are not supported');
        } else {
          throw new RegexError(
            `group ${rest}… (flags inside the pattern) is not supported; only a leading (?flags)`,
          );
        }
      } else {
        out += '(';
        i++;
      }
      stack.push({ hasUnbounded: false });
      lastAtom = 'none';
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) throw new RegexError('unexpected ) in regular expression');
      const closed = stack.pop()!;
      out += ')';
      i++;
      if (closed.hasUnbounded) stack[stack.length - 1]!.hasUnbounded = true;
      lastAtom = 'group';
      lastGroupUnbounded = closed.hasUnbounded;
      continue;
    }
    if (c === '|') {
      out += '|';
      i++;
      lastAtom = 'none';
      continue;
    }
    lastAtom = 'plain';
    if (c === '[') {
      out += translateClass();
    } else if (c === '\\') {
      out += translateEscape(false);
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '^') {
      out += multiLine ? '(?<=^|\\n)' : '^';
      i++;
    } else if (c === '$') {
      out += multiLine ? '(?=\\n|$)' : '$';
      i++;
    } else {
      out += escapeLiteral(c, false);
      i++;
    }
  }
  if (stack.length !== 1) throw new RegexError('missing closing ) in regular expression');

  function readRepeatPeek(): boolean {
    return /^\{\d+(,\d*)?\}/.test(cps.slice(i, i + 24).join(''));
  }

  const body = opts.anchored ? `^(?:${out})$` : out;
  try {
    return new RegExp(body, ignoreCase ? 'iu' : 'u');
  } catch (err) {
    throw new RegexError(`invalid regular expression: ${(err as Error).message}`);
  }
}

// LogQL regexes (label matchers =~ !~, line filters |~ !~, label filters) run on re2js, a
// JavaScript port of RE2 / Go's regexp: the dialect Loki uses, parsed and matched by the same
// algorithm, so a pattern means here what it means in Loki and what Loki refuses is refused.
// Matching takes time linear in the input (DFA, NFA fallback): no pattern a client sends can
// backtrack, unlike V8's RegExp where `.*.*.*x` is cubic and `(.|.)*x` exponential.
import { RE2JS, RE2JSException } from 're2js';

export class RegexError extends Error {}

/** Bounds the compile cost (RE2 programs grow with the pattern; Go has no such limit). */
export const MAX_REGEX_LENGTH = 4096;

export interface Re2Options {
  /**
   * Label matchers: the whole value must match and `.` also matches `\n` (Prometheus/Loki
   * compile them as `^(?s:re)$`). Otherwise (line filters) the pattern is unanchored, as written.
   */
  anchored: boolean;
}

/** A compiled pattern: true when the text matches. */
export type Re2Test = (text: string) => boolean;

function describe(err: unknown, source: string): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/^error parsing regexp: /, '');
  if (/\(\?<?[=!]/.test(source) && /Perl syntax|named capture/.test(text)) {
    return `${text} (lookahead/lookbehind assertions (?=…) (?!…) (?<=…) (?<!…) are not supported by RE2)`;
  }
  if (/invalid escape sequence: `\\[1-9]/.test(text)) {
    return `${text} (backreferences are not supported by RE2)`;
  }
  if (text.startsWith('invalid repeat count')) {
    return `${text} (RE2 allows a repetition count of at most 1000, nested repetitions multiplied)`;
  }
  return text;
}

function compile(source: string, flags: number): RE2JS {
  try {
    return RE2JS.compile(source, flags);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new RegexError(describe(err, source));
  }
}

export function compileRe2(source: string, opts: Re2Options): Re2Test {
  if (source.length > MAX_REGEX_LENGTH) {
    throw new RegexError(`regular expression longer than ${MAX_REGEX_LENGTH} characters`);
  }
  if (opts.anchored) {
    const re = compile(source, RE2JS.DOTALL);
    return (text) => re.testExact(text);
  }
  const re = compile(source, 0);
  return (text) => re.test(text);
}

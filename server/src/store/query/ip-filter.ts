// Loki's IP label filter, `label = ip("pattern")` / `label != ip("pattern")`, as Loki evaluates it
// (pkg/logql/log/ip.go, IPLabelFilter): the pattern is an address, a CIDR prefix or a range (the
// contract's parseIPPattern, Go netip's rules); the label value is scanned for address-looking
// runs, each parsed and tested, and it matches when one is in the pattern. A missing label never
// matches, with `=` or `!=`; an empty value does not match `=` (so it matches `!=`).
import { ipPatternContains, parseIP, parseIPPattern, type IPPattern } from '@interflow/contract';

const IPV4_CHARS = /[0-9.]/;
const IPV6_CHARS = /[0-9a-fA-F:.]/;
const DIGIT = /[0-9]/;
const HEX = /[0-9a-fA-F]/;

function ipv4Hint(s: string, i: number): boolean {
  return DIGIT.test(s[i]!) && (s[i + 1] === '.' || s[i + 2] === '.' || s[i + 3] === '.');
}

function ipv6Hint(s: string, i: number): boolean {
  const hex = (k: number) => HEX.test(s[i + k]!);
  return (
    (s[i] === ':' && s[i + 1] === ':' && hex(2)) ||
    (hex(0) && s[i + 1] === ':') ||
    (hex(0) && hex(1) && s[i + 2] === ':') ||
    (hex(0) && hex(1) && hex(2) && s[i + 3] === ':') ||
    (hex(0) && hex(1) && hex(2) && hex(3) && s[i + 4] === ':')
  );
}

function span(s: string, from: number, chars: RegExp): number {
  let i = from;
  while (i < s.length && chars.test(s[i]!)) i++;
  return i - from;
}

/** Whether the text holds an address in the pattern, found as Loki's scan finds it. */
export function textHasIPIn(pattern: IPPattern, text: string): boolean {
  const n = text.length;
  const tryAt = (i: number, chars: RegExp): { hit: boolean; length: number } => {
    const length = span(text, i, chars);
    const ip = parseIP(text.slice(i, i + length));
    return { hit: ip !== null && ipPatternContains(pattern, ip), length };
  };
  for (let i = 0; i < n; i++) {
    let chars: RegExp | null = null;
    if (i + 3 < n && ipv4Hint(text, i)) chars = IPV4_CHARS;
    else if (i + 4 < n && ipv6Hint(text, i)) chars = IPV6_CHARS;
    if (!chars) continue;
    const { hit, length } = tryAt(i, chars);
    if (hit) return true;
    i += length;
  }
  return false;
}

/** The pattern compiled, or null when Loki would refuse it ("ip: invalid pattern"). */
export function compileIPPattern(text: string): ((value: string) => boolean) | null {
  const pattern = parseIPPattern(text);
  return pattern ? (value) => textHasIPIn(pattern, value) : null;
}

// Decodes a LogQL string literal exactly as Loki does (Prometheus strutil.Unquote, the Go
// strconv.Unquote rules): "…" with Go escapes, `…` raw (content verbatim, no escapes).
// \x and octal escapes produce raw bytes, so the result is assembled as UTF-8 bytes.

const SIMPLE: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
};

const utf8 = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export class UnquoteError extends Error {}

function hexValue(s: string): number {
  if (!/^[0-9a-fA-F]+$/.test(s)) throw new UnquoteError(`invalid hex escape "${s}"`);
  return parseInt(s, 16);
}

export function goUnquote(literal: string): string {
  if (literal.length < 2) throw new UnquoteError('string literal too short');
  const quote = literal[0];
  if (literal[literal.length - 1] !== quote) throw new UnquoteError('unterminated string literal');
  const body = literal.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new UnquoteError('backquote inside raw string');
    return body;
  }
  if (quote !== '"') throw new UnquoteError(`unexpected quote ${quote}`);
  if (body.includes('\n')) throw new UnquoteError('newline inside double-quoted string');
  if (!body.includes('\\') && !body.includes('"')) return body;

  const bytes: number[] = [];
  const pushText = (text: string): void => {
    for (const b of utf8.encode(text)) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"') throw new UnquoteError('unescaped double quote inside string');
    if (c !== '\\') {
      // copy a run of ordinary characters at once (surrogate pairs stay together)
      let j = i;
      while (j < body.length && body[j] !== '\\' && body[j] !== '"') j++;
      pushText(body.slice(i, j));
      i = j;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new UnquoteError('string ends with a lone backslash');
    if (e in SIMPLE) {
      bytes.push(SIMPLE[e]!);
      i += 2;
    } else if (e === 'x') {
      bytes.push(hexValue(body.slice(i + 2, i + 4).padEnd(2, 'g')));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const cp = hexValue(body.slice(i + 2, i + 2 + n).padEnd(n, 'g'));
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new UnquoteError(`escape \\${e} names an invalid Unicode code point`);
      }
      pushText(String.fromCodePoint(cp));
      i += 2 + n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new UnquoteError('octal escape needs three digits');
      const v = parseInt(oct, 8);
      if (v > 255) throw new UnquoteError('octal escape value above 255');
      bytes.push(v);
      i += 4;
    } else {
      throw new UnquoteError(`unknown escape sequence \\${e}`);
    }
  }
  return decoder.decode(Uint8Array.from(bytes));
}

// Reads the `labels` string of a Loki protobuf push stream, e.g. `{app="interflow", node="w0"}`:
// the Prometheus text form that Promtail, Alloy and loki-client-go send, which Loki reads with
// Prometheus' ParseMetric: `=` pairs only, values in Go string syntax ("…" with escapes, or `…`
// raw), an optional trailing comma. The LogQL parser is not used: a query selector has rules a
// label set has not (`{a=""}` is a bad query but an empty label set, which is refused later with
// Loki's own message). Values are decoded with the store's Go unquote, as in queries.
import { badPush } from '../errors.ts';
import { goUnquote, UnquoteError } from '../../logql/go-unquote.ts';

function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

/**
 * Label pairs of one pushed stream, in the order written. `where` names the stream in errors
 * (e.g. `streams[3]`). Name syntax and empty values are left to the checks shared with JSON
 * pushes (decodePush), so both formats refuse the same names with the same words.
 */
export function parsePushLabels(text: string, where: string): [string, string][] {
  let i = 0;
  const fail = (what: string): never => {
    throw badPush(`${where}: invalid labels ${quoted(text)}: ${what} at col ${i + 1}`);
  };
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };

  skipSpace();
  if (text[i] !== '{') fail('expected "{"');
  i++;
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (;;) {
    skipSpace();
    if (text[i] === '}') break; // "{}" or a trailing comma
    const nameStart = i;
    while (i < text.length && !/[\s=!~,{}"`']/.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    if (name === '') fail('expected a label name');
    skipSpace();
    if (text.startsWith('=~', i) || text.startsWith('!=', i) || text.startsWith('!~', i)) {
      fail(`a stream is named with = only, not ${name}${text.slice(i, i + 2)}`);
    }
    if (text[i] !== '=') fail(`expected "=" after ${JSON.stringify(name)}`);
    i++;
    skipSpace();
    const valueStart = i;
    const quote = text[i];
    if (quote !== '"' && quote !== '`') fail(`expected a quoted value for ${JSON.stringify(name)}`);
    i++;
    while (i < text.length && text[i] !== quote) i += quote === '"' && text[i] === '\\' ? 2 : 1;
    if (i >= text.length) {
      i = valueStart;
      fail(`unterminated value of ${JSON.stringify(name)}`);
    }
    i++;
    let value = '';
    try {
      value = goUnquote(text.slice(valueStart, i));
    } catch (err) {
      if (!(err instanceof UnquoteError)) throw err;
      i = valueStart;
      fail(`value of ${JSON.stringify(name)}: ${err.message}`);
    }
    if (seen.has(name))
      throw badPush(`${where}: duplicate label name ${JSON.stringify(name)} in ${quoted(text)}`);
    seen.add(name);
    pairs.push([name, value]);
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '}') fail('expected "," or "}"');
    break;
  }
  i++;
  skipSpace();
  if (i < text.length) fail('unexpected text after "}"');
  return pairs;
}

// Turns a validated Loki JSON push body into store streams, with Loki's checks. Protobuf pushes
// are first put in this shape (push-protobuf.ts), so both formats pass the same checks.
import { badPush } from '../errors.ts';
import type { PushBody } from './push-body.ts';
import type { PushStream } from '../sqlite/sqlite-store.ts';
import { parsePushTime } from '../sqlite/timestamps.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const MAX_LINE_BYTES = 256 * 1024; // Loki's default max_line_size

/** `entryField` names the entries in error messages: `values` (JSON) or `entries` (protobuf). */
export function decodePush(body: PushBody, entryField: 'values' | 'entries' = 'values'): PushStream[] {
  const out: PushStream[] = [];
  body.streams.forEach((s, si) => {
    const names = Object.keys(s.stream);
    if (names.length === 0)
      throw badPush(`streams[${si}]: error at least one label pair is required per stream`);
    for (const name of names) {
      if (!LABEL_NAME.test(name)) throw badPush(`streams[${si}]: invalid label name ${JSON.stringify(name)}`);
    }
    // "" = no label; fromEntries keeps a name like "__proto__" an ordinary own key
    const labels: Record<string, string> = Object.fromEntries(
      names.filter((name) => s.stream[name] !== '').map((name) => [name, s.stream[name]!]),
    );
    if (Object.keys(labels).length === 0) {
      throw badPush(`streams[${si}]: error at least one label pair is required per stream`);
    }
    const entries = s.values.map((v, vi) => {
      const [tsRaw, line, meta] = v;
      const ts = parsePushTime(tsRaw);
      if (ts === null) {
        throw badPush(
          `streams[${si}].${entryField}[${vi}]: timestamp must be a string of nanoseconds since the epoch, got ${JSON.stringify(tsRaw)}`,
        );
      }
      if (typeof line !== 'string')
        throw badPush(`streams[${si}].${entryField}[${vi}]: the log line must be a string`);
      if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
        throw badPush(`streams[${si}].${entryField}[${vi}]: line too long (over ${MAX_LINE_BYTES} bytes)`);
      }
      if (meta !== undefined && (typeof meta !== 'object' || meta === null)) {
        throw badPush(
          `streams[${si}].${entryField}[${vi}]: structured metadata must be an object of strings`,
        );
      }
      if (meta) {
        for (const k of Object.keys(meta)) {
          if (!LABEL_NAME.test(k))
            throw badPush(
              `streams[${si}].${entryField}[${vi}]: invalid structured metadata name ${JSON.stringify(k)}`,
            );
        }
      }
      return meta ? { ts, line, metadata: meta } : { ts, line };
    });
    out.push({ labels, entries });
  });
  return out;
}

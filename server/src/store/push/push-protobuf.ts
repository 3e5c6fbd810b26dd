// Loki's protobuf push (Promtail, Grafana Alloy, loki-client-go): a snappy block-compressed
// `logproto.PushRequest`. It is turned into the JSON push shape (PushBody), so both formats go
// through the route's schema and the same checks in decodePush and store identical entries.
//
// Libraries:
// - @bufbuild/protobuf decodes the message. It is TypeScript-native, has no dependencies, passes
//   the protobuf conformance suite and reads int64 as bigint (exact nanoseconds); the schema is
//   built at run time from a descriptor below, so no code generator is needed.
// - @stablelib/snappy decompresses. It is a pure-TypeScript port of the golang/snappy block
//   decoder that Loki itself uses, with its bounds checks (a copy never reads before the start
//   or writes past the declared length, and the output must have exactly the declared length).
//   snappyjs, the common choice, was rejected: a 6-byte body (length 0, literal of length -5)
//   loops forever in it, and it ignores a declared length that the data does not fill. Native
//   bindings (snappy) were avoided to keep installs free of platform binaries.
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
} from '@bufbuild/protobuf/wkt';
import { decompress } from '@stablelib/snappy';
import { badPush, tooLarge } from '../errors.ts';
import { parsePushLabels } from './push-labels.ts';
import type { PushBody } from './push-body.ts';
import { MAX_NS } from '../sqlite/timestamps.ts';

// Loki's pkg/push/push.proto. Declared as proto2 (same wire format) so that strings are not
// required to be valid UTF-8: Loki's gogo-generated decoder accepts any bytes in a line, and we
// keep such a line with U+FFFD in place of the bad bytes instead of refusing the whole push.
const PUSH_PROTO = create(FileDescriptorProtoSchema, {
  name: 'interflow/loki-push.proto',
  package: 'logproto',
  syntax: 'proto2',
  dependency: ['google/protobuf/timestamp.proto'],
  messageType: [
    {
      name: 'PushRequest',
      field: [
        {
          name: 'streams',
          number: 1,
          type: Type.MESSAGE,
          label: Label.REPEATED,
          typeName: '.logproto.StreamAdapter',
        },
      ],
    },
    {
      name: 'StreamAdapter',
      field: [
        { name: 'labels', number: 1, type: Type.STRING, label: Label.OPTIONAL },
        {
          name: 'entries',
          number: 2,
          type: Type.MESSAGE,
          label: Label.REPEATED,
          typeName: '.logproto.EntryAdapter',
        },
        { name: 'hash', number: 3, type: Type.UINT64, label: Label.OPTIONAL },
      ],
    },
    {
      name: 'EntryAdapter',
      field: [
        {
          name: 'timestamp',
          number: 1,
          type: Type.MESSAGE,
          label: Label.OPTIONAL,
          typeName: '.google.protobuf.Timestamp',
        },
        { name: 'line', number: 2, type: Type.STRING, label: Label.OPTIONAL },
        {
          name: 'structuredMetadata',
          number: 3,
          type: Type.MESSAGE,
          label: Label.REPEATED,
          typeName: '.logproto.LabelPairAdapter',
        },
      ],
    },
    {
      name: 'LabelPairAdapter',
      field: [
        { name: 'name', number: 1, type: Type.STRING, label: Label.OPTIONAL },
        { name: 'value', number: 2, type: Type.STRING, label: Label.OPTIONAL },
      ],
    },
  ],
});

const PushRequestSchema = createFileRegistry(PUSH_PROTO, (file) =>
  file === 'google/protobuf/timestamp.proto' ? file_google_protobuf_timestamp : undefined,
).getMessage('logproto.PushRequest')!;

/** What fromBinary gives for PushRequestSchema (unset strings read as ""). */
interface PushRequestMessage {
  streams: {
    labels: string;
    entries: {
      timestamp?: { seconds: bigint; nanos: number };
      line: string;
      structuredMetadata: { name: string; value: string }[];
    }[];
  }[];
}

const NS_PER_S = 1_000_000_000n;

/**
 * The uncompressed length a snappy block declares (a uvarint of at most 32 bits), read before
 * anything is allocated so that a small body cannot make us reserve a huge buffer.
 */
export function snappyDeclaredLength(block: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = block[i];
    if (b === undefined) throw badPush('invalid snappy body: it ends inside the length header');
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (value > 0xffff_ffff) break;
      return value;
    }
  }
  throw badPush('invalid snappy body: the length header is not a 32-bit varint');
}

function unsnappy(block: Uint8Array, maxBytes: number): Uint8Array {
  const declared = snappyDeclaredLength(block);
  if (declared > maxBytes) {
    throw tooLarge(
      `push body too large: the snappy block declares ${declared} bytes uncompressed, over the limit of ${maxBytes}`,
    );
  }
  try {
    return decompress(block);
  } catch (err) {
    throw badPush(
      `invalid snappy body (expected a snappy block-compressed logproto.PushRequest): ${(err as Error).message}`,
    );
  }
}

function nsOf(ts: { seconds: bigint; nanos: number }, where: string): string {
  if (ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw badPush(`${where}: timestamp nanos ${ts.nanos} is outside 0..999999999`);
  }
  const ns = ts.seconds * NS_PER_S + BigInt(ts.nanos);
  if (ns < 0n || ns > MAX_NS) {
    throw badPush(
      `${where}: timestamp ${ts.seconds}s ${ts.nanos}ns is outside what a nanosecond count since 1970 can hold (1970-01-01 to 2262-04-11)`,
    );
  }
  return ns.toString();
}

/**
 * Decodes a protobuf push body into the JSON push shape; `maxBytes` caps the uncompressed size.
 * Errors name the stream and entry (`streams[i].entries[j]`) and are 400 (413 for the size).
 */
export function protobufPushToBody(body: Uint8Array, maxBytes: number): PushBody {
  const raw = unsnappy(body, maxBytes);
  let req: PushRequestMessage;
  try {
    req = fromBinary(PushRequestSchema, raw, { readUnknownFields: false }) as unknown as PushRequestMessage;
  } catch (err) {
    throw badPush(`invalid protobuf body (expected logproto.PushRequest): ${(err as Error).message}`);
  }
  return {
    streams: req.streams.map((s, si) => ({
      // fromEntries defines own properties, so a name like "__proto__" stays an ordinary key
      stream: Object.fromEntries(parsePushLabels(s.labels, `streams[${si}]`)),
      values: s.entries.map((e, ei): PushBody['streams'][number]['values'][number] => {
        const where = `streams[${si}].entries[${ei}]`;
        if (!e.timestamp) throw badPush(`${where}: timestamp is missing`);
        const ts = nsOf(e.timestamp, where);
        if (e.structuredMetadata.length === 0) return [ts, e.line];
        // a repeated name keeps its last value, as a repeated key does in a JSON push
        return [ts, e.line, Object.fromEntries(e.structuredMetadata.map((p) => [p.name, p.value]))];
      }),
    })),
  };
}

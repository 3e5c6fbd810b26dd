// TypeBox schemas of the embedded store's routes (Loki's HTTP API), types from Static<>. The push
// body is push/push-body.ts (the push decoders read it too).
import { Type, type Static } from 'typebox';
import { LabelSet, PushBody } from '../push/push-body.ts';

export { PushBody };

export const QueryRangeParams = Type.Object({
  query: Type.String(),
  start: Type.Optional(Type.String()),
  end: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String()),
  direction: Type.Optional(Type.String()),
  step: Type.Optional(Type.String()), // metric queries; ignored for log queries, as in Loki
  interval: Type.Optional(Type.String()),
});
export type QueryRangeParams = Static<typeof QueryRangeParams>;

export const LabelsQuery = Type.Object({
  start: Type.Optional(Type.String()),
  end: Type.Optional(Type.String()),
  query: Type.Optional(Type.String()),
});
export type LabelsQuery = Static<typeof LabelsQuery>;

export const LabelNameParams = Type.Object({ name: Type.String() });
export type LabelNameParams = Static<typeof LabelNameParams>;

const Summary = Type.Object({
  bytesProcessedPerSecond: Type.Number(),
  linesProcessedPerSecond: Type.Number(),
  totalBytesProcessed: Type.Number(),
  totalLinesProcessed: Type.Number(),
  totalEntriesReturned: Type.Number(),
  totalPostFilterLines: Type.Number(),
  execTime: Type.Number(), // seconds, as in Loki
  queueTime: Type.Number(),
  subqueries: Type.Number(),
});

const Stats = Type.Object({
  summary: Summary,
  embeddedStore: Type.Object({ streamsMatched: Type.Number(), chunksRead: Type.Number() }),
});

const StreamsData = Type.Object({
  resultType: Type.Literal('streams'),
  result: Type.Array(Type.Object({ stream: LabelSet, values: Type.Array(Type.Array(Type.String())) })),
  stats: Stats,
});

/** A metric query's answer: series with [seconds, "value"] points, as Loki (and Prometheus) send it. */
const MatrixData = Type.Object({
  resultType: Type.Literal('matrix'),
  result: Type.Array(
    Type.Object({
      metric: LabelSet,
      values: Type.Array(Type.Tuple([Type.Number(), Type.String()])),
    }),
  ),
  stats: Stats,
});

export const QueryRangeResponse = Type.Object({
  status: Type.Literal('success'),
  data: Type.Union([StreamsData, MatrixData]),
});
export type QueryRangeResponse = Static<typeof QueryRangeResponse>;

export const StringListResponse = Type.Object({
  status: Type.Literal('success'),
  data: Type.Array(Type.String()),
});
export type StringListResponse = Static<typeof StringListResponse>;

export const PlainText = Type.String();
export const NoContent = Type.Null();

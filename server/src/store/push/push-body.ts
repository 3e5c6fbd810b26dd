// The Loki JSON push body (TypeBox schema, type from Static<>): what the push route validates,
// and the shape protobuf pushes are turned into so both formats pass the same checks.
import { Type, type Static } from 'typebox';

export const LabelSet = Type.Record(Type.String(), Type.String());

/** Loki JSON push: values are [ts ns string, line] or [ts, line, structured metadata]. */
export const PushBody = Type.Object({
  streams: Type.Array(
    Type.Object({
      stream: LabelSet,
      values: Type.Array(Type.Array(Type.Union([Type.String(), LabelSet]), { minItems: 2, maxItems: 3 })),
    }),
  ),
});
export type PushBody = Static<typeof PushBody>;

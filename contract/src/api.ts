// The backend's HTTP API (docs/design.md, "Backend HTTP API"): TypeBox schemas of every
// route's input and output. The backend validates and serialises with them; the page reads
// the same types (Static<>), so a field changed here is a compile error in both.
import { Type, type Static } from 'typebox';
import { StoredFlowRecordSchema } from './flow-record.ts';

const Str = Type.String();
const Num = Type.Number();
const OptStr = Type.Optional(Type.String());

/**
 * Query parameters shared by /api/flows and the export. They stay strings here and are
 * checked by the backend's query-parameter parser, so every mistake gets a 400 naming the parameter with a
 * message written for people rather than a schema path.
 */
const FlowQueryFields = {
  filters: OptStr,
  match: OptStr,
  timeRange: OptStr,
  startTime: OptStr,
  endTime: OptStr,
};

export const FlowsQuerySchema = Type.Object(
  { ...FlowQueryFields, limit: OptStr },
  { additionalProperties: true },
);

export const ExportQuerySchema = Type.Object(
  { ...FlowQueryFields, format: OptStr, columns: OptStr },
  { additionalProperties: true },
);

export const CsvResponseSchema = Type.String({ description: 'text/csv; charset=utf-8, RFC 4180' });

export const FlowsStatsSchema = Type.Object({
  queries: Num,
  durationMs: Num,
  limit: Num,
  limitReached: Type.Boolean(),
});

export const FlowsResponseSchema = Type.Object({
  records: Type.Array(StoredFlowRecordSchema),
  stats: FlowsStatsSchema,
});
export type FlowsResponse = Static<typeof FlowsResponseSchema>;

export const RESOURCE_KINDS = ['namespaces', 'interfaces', 'netns', 'nodes'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const ResourceParamsSchema = Type.Object({ kind: Str });
export const ResourceQuerySchema = Type.Object(
  { timeRange: OptStr, startTime: OptStr, endTime: OptStr },
  { additionalProperties: true },
);
export const ResourceResponseSchema = Type.Object({ values: Type.Array(Str) });

export const ColumnSchema = Type.Object({ id: Str, name: Str, defaultVisible: Type.Boolean() });
export const FilterDefSchema = Type.Object({
  id: Str,
  name: Str,
  description: Str,
  autocomplete: Type.Union([
    Type.Literal('namespaces'),
    Type.Literal('interfaces'),
    Type.Literal('netns'),
    Type.Literal('nodes'),
    Type.Null(),
  ]),
  examples: Type.Array(Str),
});
export const ConfigResponseSchema = Type.Object({
  columns: Type.Array(ColumnSchema),
  filters: Type.Array(FilterDefSchema),
  defaults: Type.Object({
    timeRange: Num,
    limit: Num,
    match: Type.Union([Type.Literal('all'), Type.Literal('any')]),
    columns: Type.Array(Str),
    sort: Str,
  }),
  store: Type.Object({ kind: Type.Union([Type.Literal('embedded'), Type.Literal('loki')]), url: Str }),
});
export type ConfigResponse = Static<typeof ConfigResponseSchema>;

export const ErrorResponseSchema = Type.Object({ error: Str, param: OptStr });

/** The errors of every route that queries the store: bad input, no Authorization to forward, store down. */
export const STORE_QUERY_ERRORS = {
  400: ErrorResponseSchema,
  401: ErrorResponseSchema,
  403: ErrorResponseSchema,
  503: ErrorResponseSchema,
} as const;

export const HealthResponseSchema = Type.Object({ status: Str, store: OptStr, error: OptStr });

export type FlowsStats = Static<typeof FlowsStatsSchema>;
export type FilterDef = Static<typeof FilterDefSchema>;
export type AutocompleteKind = ResourceKind;
export type ResourcesResponse = Static<typeof ResourceResponseSchema>;
/** Error bodies: 400 `{ error, param }`, 401, 403 and 503 `{ error }`. */
export type ErrorBody = Static<typeof ErrorResponseSchema>;
export type HealthResponse = Static<typeof HealthResponseSchema>;

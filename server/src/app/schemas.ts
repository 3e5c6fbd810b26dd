// TypeBox schemas of every route's input and output; handler types come from Static<>.
import { Type, type Static } from 'typebox';

const Str = Type.String();
const Num = Type.Number();
const OptStr = Type.Optional(Type.String());

/** One flow record (DESIGN.md). Extra fields (e.g. from NetObserv) pass through. */
export const FlowRecordSchema = Type.Object(
  {
    TimeFlowStartMs: Num,
    TimeFlowEndMs: Num,
    TimeReceived: Type.Optional(Num),
    SrcAddr: Str,
    DstAddr: Str,
    SrcPort: Type.Optional(Num),
    DstPort: Type.Optional(Num),
    Proto: Type.Optional(Num),
    SrcMac: OptStr,
    DstMac: OptStr,
    Etype: Type.Optional(Num),
    Dscp: Type.Optional(Num),
    Flags: Type.Optional(Num),
    Bytes: Type.Optional(Num),
    Packets: Type.Optional(Num),
    Interfaces: Type.Optional(Type.Array(Str)),
    IfDirections: Type.Optional(Type.Array(Num)),
    IfNetns: Type.Optional(Type.Array(Str)),
    FlowDirection: Type.Optional(Num),
    AgentIP: OptStr,
    K8S_HostName: OptStr,
    SrcK8S_Namespace: OptStr,
    SrcK8S_Name: OptStr,
    SrcK8S_Type: OptStr,
    SrcK8S_OwnerName: OptStr,
    SrcK8S_OwnerType: OptStr,
    SrcK8S_HostName: OptStr,
    SrcK8S_NetworkName: OptStr,
    DstK8S_Namespace: OptStr,
    DstK8S_Name: OptStr,
    DstK8S_Type: OptStr,
    DstK8S_OwnerName: OptStr,
    DstK8S_OwnerType: OptStr,
    DstK8S_HostName: OptStr,
    DstK8S_NetworkName: OptStr,
    IfK8S_Namespace: OptStr,
    IfK8S_Name: OptStr,
    IfK8S_NetworkName: OptStr,
  },
  { additionalProperties: true },
);
export type FlowRecord = Static<typeof FlowRecordSchema>;

/**
 * Query parameters shared by /api/flows and the export. They stay strings here and are
 * checked by flows/query-params.ts, so every mistake gets a 400 naming the parameter with a
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
  records: Type.Array(FlowRecordSchema),
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
  503: ErrorResponseSchema,
} as const;

export const HealthResponseSchema = Type.Object({ status: Str, store: OptStr, error: OptStr });

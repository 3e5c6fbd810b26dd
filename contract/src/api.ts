// The backend's HTTP API (docs/design.md, "Backend HTTP API"): TypeBox schemas of every
// route's input and output. The backend validates and serialises with them; the page reads
// the same types (Static<>), so a field changed here is a compile error in both.
import { Type, type Static } from 'typebox';
import type { StoredFlowRecord } from './flow-record.ts';
import { InterfaceRecordSchema } from './interface-record.ts';

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

/** How the export writes values: `readable` (the default) as the table shows them, `raw` as stored. */
export const EXPORT_VALUES = ['readable', 'raw'] as const;
export type ExportValues = (typeof EXPORT_VALUES)[number];

export const ExportQuerySchema = Type.Object(
  {
    ...FlowQueryFields,
    format: OptStr,
    columns: OptStr,
    /** `readable` (default) or `raw`: see EXPORT_VALUES. */
    values: OptStr,
    /** `field:asc|desc`, the table's sort; default newest first. */
    sort: OptStr,
  },
  { additionalProperties: true },
);

export const CsvResponseSchema = Type.String({ description: 'text/csv; charset=utf-8, RFC 4180' });

export const FlowsStatsSchema = Type.Object({
  queries: Num,
  durationMs: Num,
  limit: Num,
  limitReached: Type.Boolean(),
  /** Lines the store returned that are not a JSON object: not shown, counted (never dropped silently). */
  unreadable: Num,
  /**
   * The window queried (epoch ms, end included): a relative `timeRange` resolved against the
   * backend's clock, so the page can export exactly the window its table showed.
   */
  startMs: Num,
  endMs: Num,
});

/**
 * On the wire a record is any JSON object: the backend keeps fields of other producers as they
 * came, so the serializer must not coerce (or fail on) a known field holding another shape.
 */
const WireRecordSchema = Type.Unsafe<StoredFlowRecord>(Type.Object({}, { additionalProperties: true }));

export const FlowsResponseSchema = Type.Object({
  records: Type.Array(WireRecordSchema),
  stats: FlowsStatsSchema,
});
export type FlowsResponse = Static<typeof FlowsResponseSchema>;

/**
 * /api/interfaces: the same filters, match and time range as /api/flows. Filters on fields an
 * inventory record does not carry (addresses, ports…) cannot select interfaces: they are left
 * out and named in `stats.ignoredFilters`.
 */
export const InterfacesQuerySchema = Type.Object(FlowQueryFields, { additionalProperties: true });

/** The latest state of one interface (per node, namespace inode and ifindex) in the time range. */
export const InterfaceRowSchema = Type.Object({
  ...InterfaceRecordSchema.properties,
  /** Sums of Bytes and Packets over every report of this interface in the time range. */
  BytesInRange: Num,
  PacketsInRange: Num,
  /** Reports of this interface in the time range. */
  Reports: Num,
});
export type InterfaceRow = Static<typeof InterfaceRowSchema>;

export const InterfacesStatsSchema = Type.Object({
  queries: Num,
  durationMs: Num,
  /** Inventory records read. */
  entries: Num,
  /** More records than INTERFACES_MAX_ENTRIES matched: the oldest were not read (sums are partial). */
  truncated: Type.Boolean(),
  /** Filter ids given but not applicable to interfaces. */
  ignoredFilters: Type.Array(Str),
});

export const InterfacesResponseSchema = Type.Object({
  /** Sorted by node, pod namespace and name, namespace file name, interface name. */
  interfaces: Type.Array(InterfaceRowSchema),
  stats: InterfacesStatsSchema,
});
export type InterfacesResponse = Static<typeof InterfacesResponseSchema>;

/** At most this many inventory records are read per /api/interfaces request (newest first). */
export const INTERFACES_MAX_ENTRIES = 50_000;

export const RESOURCE_KINDS = ['namespaces', 'interfaces', 'netns', 'nodes', 'pods', 'networks'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const ResourceParamsSchema = Type.Object({ kind: Str });
export const ResourceQuerySchema = Type.Object(
  { timeRange: OptStr, startTime: OptStr, endTime: OptStr },
  { additionalProperties: true },
);
export const ResourceResponseSchema = Type.Object({
  values: Type.Array(Str),
  /**
   * What a value is, where the records say: an interface's owning pods (`namespace/pod`), a
   * pod's namespaces. Values without details are absent.
   */
  details: Type.Optional(Type.Record(Str, Type.Array(Str))),
});

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
    Type.Literal('pods'),
    Type.Literal('networks'),
    Type.Null(),
  ]),
  examples: Type.Array(Str),
});
/**
 * A quick filter: a named set of filters the page offers as a toggle (contract/src/quick-filters.ts).
 * `filters` is in the `filters` grammar; `default` ones are on when the page opens without a
 * view in its URL and after "Reset to defaults".
 */
export const QuickFilterSchema = Type.Object({
  id: Str,
  name: Str,
  filters: Str,
  default: Type.Boolean(),
});
export type QuickFilter = Static<typeof QuickFilterSchema>;

export const ConfigResponseSchema = Type.Object({
  columns: Type.Array(ColumnSchema),
  filters: Type.Array(FilterDefSchema),
  quickFilters: Type.Array(QuickFilterSchema),
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

/** What the overview measures: the records' Bytes, their Packets, or the records themselves. */
export const OVERVIEW_METRICS = ['bytes', 'packets', 'records'] as const;
export type OverviewMetric = (typeof OVERVIEW_METRICS)[number];

/** /api/flows/histogram and /api/flows/top-*: the table's filters and time range, plus the measure. */
export const OverviewQuerySchema = Type.Object(
  { ...FlowQueryFields, metric: OptStr },
  { additionalProperties: true },
);

const OverviewStatsSchema = Type.Object({ queries: Num, durationMs: Num });

export const HistogramResponseSchema = Type.Object({
  metric: Str,
  startMs: Num,
  endMs: Num,
  /** bucket width, chosen by the server (a round duration, at most ~120 buckets) */
  stepMs: Num,
  /** every bucket from startMs, zeros included; bucket i holds records with end time in (startMs + i·stepMs, startMs + (i+1)·stepMs] */
  buckets: Type.Array(Type.Object({ startMs: Num, value: Num })),
  total: Num,
  stats: OverviewStatsSchema,
});
export type HistogramResponse = Static<typeof HistogramResponseSchema>;

export const TopInterfaceSchema = Type.Object({
  interface: Str,
  /** network namespace of the interface ("" = the host's) */
  netns: Str,
  /** the pod owning the interface, when known ("" otherwise) */
  namespace: Str,
  pod: Str,
  value: Num,
});
export type TopInterface = Static<typeof TopInterfaceSchema>;

export const TopInterfacesResponseSchema = Type.Object({
  metric: Str,
  /** the measure over every record in the range, each record once (the share bars' whole) */
  total: Num,
  /** top 10 (interface, netns, pod) by the measure; a record counts once for each of its interfaces */
  rows: Type.Array(TopInterfaceSchema),
  /** records in the range with more interfaces than the server counts (their extra ones are left out) */
  uncountedRecords: Num,
  stats: OverviewStatsSchema,
});
export type TopInterfacesResponse = Static<typeof TopInterfacesResponseSchema>;

export const EndpointSchema = Type.Object({ namespace: Str, name: Str, address: Str });
export type Endpoint = Static<typeof EndpointSchema>;

export const TopPairsResponseSchema = Type.Object({
  metric: Str,
  total: Num,
  /** top 10 (source, destination) by the measure: namespace/name when known, else the address */
  rows: Type.Array(Type.Object({ source: EndpointSchema, destination: EndpointSchema, value: Num })),
  stats: OverviewStatsSchema,
});
export type TopPairsResponse = Static<typeof TopPairsResponseSchema>;

// Wire types of the backend API, taken from the contract (docs/design.md "Flow record" and
// "Backend HTTP API"), so a field renamed there is a compile error here. Types only: the page
// never needs the TypeBox schemas, so the bundle does not carry TypeBox.
export type {
  AutocompleteKind,
  ColumnDef,
  ConfigResponse,
  ErrorBody,
  FilterDef,
  FlowsResponse,
  FlowsStats,
  HookReason,
  HookState,
  InterfaceRow,
  InterfacesResponse,
  HistogramResponse,
  OverviewMetric,
  TopInterface,
  TopInterfacesResponse,
  TopPairsResponse,
  Endpoint,
  ResourcesResponse,
  StoredFlowRecord,
} from '@interflow/contract';

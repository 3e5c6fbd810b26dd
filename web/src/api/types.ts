// Wire types of the backend API (contract: DESIGN.md "Flow record" and "Backend HTTP API").

/** One flow record as stored (NetObserv field names). Unknown extra fields are kept. */
export interface FlowRecord {
  TimeFlowStartMs?: number;
  TimeFlowEndMs?: number;
  TimeReceived?: number;
  SrcAddr?: string;
  DstAddr?: string;
  SrcPort?: number;
  DstPort?: number;
  Proto?: number;
  SrcMac?: string;
  DstMac?: string;
  Etype?: number;
  Dscp?: number;
  Flags?: number;
  Bytes?: number;
  Packets?: number;
  Interfaces?: string[];
  IfDirections?: number[];
  IfNetns?: string[];
  FlowDirection?: number;
  AgentIP?: string;
  K8S_HostName?: string;
  SrcK8S_Namespace?: string;
  SrcK8S_Name?: string;
  SrcK8S_Type?: string;
  SrcK8S_OwnerName?: string;
  SrcK8S_OwnerType?: string;
  SrcK8S_NetworkName?: string;
  DstK8S_Namespace?: string;
  DstK8S_Name?: string;
  DstK8S_Type?: string;
  DstK8S_OwnerName?: string;
  DstK8S_OwnerType?: string;
  DstK8S_NetworkName?: string;
  [field: string]: unknown;
}

export interface FlowsStats {
  queries: number;
  durationMs: number;
  limit: number;
  limitReached: boolean;
}

export interface FlowsResponse {
  records: FlowRecord[];
  stats: FlowsStats;
}

export interface ColumnDef {
  /** Record field name. */
  id: string;
  name: string;
  defaultVisible: boolean;
}

export type AutocompleteKind = 'namespaces' | 'interfaces' | 'netns' | 'nodes';

export interface FilterDef {
  id: string;
  name: string;
  description: string;
  autocomplete: AutocompleteKind | null;
  examples: string[];
}

export interface ConfigResponse {
  columns: ColumnDef[];
  filters: FilterDef[];
  defaults: { timeRange: number; limit: number; match: 'all' | 'any'; columns: string[]; sort: string };
  store: { kind: 'embedded' | 'loki'; url: string };
}

export interface ResourcesResponse {
  values: string[];
}

/** Error bodies: 400 `{ error, param }`, 503 `{ error }`. */
export interface ErrorBody {
  error: string;
  param?: string;
}

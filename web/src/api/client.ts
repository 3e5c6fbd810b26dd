// Calls to the Interflow backend. The base URL differs between the console (the console's
// proxy to the backend service) and the standalone page (same origin), so every call takes it.
import type {
  ConfigResponse,
  ErrorBody,
  FlowsResponse,
  InterfacesResponse,
  HistogramResponse,
  ResourcesResponse,
  AutocompleteKind,
  TopInterfacesResponse,
  TopPairsResponse,
} from './types.ts';
import type { ExportValues } from '@interflow/contract';

/**
 * Where the text of an ApiError comes from, so the page can word what the client itself noticed:
 * - `backend`: the backend (or a proxy in front of it) said why; `message` is that text, shown as is.
 * - `no-message`: an error status with an empty, non-JSON body; there is only the status.
 * - `not-json`: a success status whose body is not JSON (e.g. an HTML login page of a proxy).
 */
export type ApiErrorKind = 'backend' | 'no-message' | 'not-json';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  status: number;
  /** The backend's text for `backend`; a readable English summary (for logs) otherwise. */
  message: string;
  statusText?: string;
  /** The URL asked for. */
  url: string;
  /** The query parameter the backend blamed, if any. */
  param?: string;
}

/** An HTTP answer from the backend that is not the data asked for. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly param: string | undefined;
  constructor(init: ApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.url = init.url;
    this.param = init.param;
  }
}

/** The request never got an answer (network down, backend not running). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export function apiUrl(base: string, path: string, params?: URLSearchParams): string {
  const query = params && [...params.keys()].length ? `?${params.toString()}` : '';
  return `${base.replace(/\/$/, '')}${path}${query}`;
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await send(url, 'application/json', signal);
  const text = await res.text();
  if (!res.ok) throw errorOf(res, text, url);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({
      kind: 'not-json',
      status: res.status,
      statusText: res.statusText,
      message: `the backend answered ${url} with something that is not JSON`,
      url,
    });
  }
}

async function send(url: string, accept: string, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { signal, headers: { Accept: accept } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new NetworkError((e as Error).message || String(e));
  }
}

/** The ApiError of an answer that is not a success: the backend's `{ error, param }` when it gave one. */
function errorOf(res: Response, text: string, url: string): ApiError {
  let body: ErrorBody | undefined;
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    /* not JSON: the text itself (e.g. from a proxy), or only the status */
  }
  const own = body?.error ?? text.trim().slice(0, 300);
  return new ApiError({
    kind: own ? 'backend' : 'no-message',
    status: res.status,
    statusText: res.statusText,
    message: own || `HTTP ${res.status} ${res.statusText}`.trim(),
    url,
    param: body?.param,
  });
}

export function fetchFlows(
  base: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<FlowsResponse> {
  return getJson<FlowsResponse>(apiUrl(base, '/api/flows', params), signal);
}

/** The interface inventory for the same filters and time range (`limit` is the flows' own). */
export function fetchInterfaces(
  base: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<InterfacesResponse> {
  const p = new URLSearchParams(params);
  p.delete('limit');
  return getJson<InterfacesResponse>(apiUrl(base, '/api/interfaces', p), signal);
}

/** The overview routes: aggregated by the backend over every record of the range. */
export const OVERVIEW_PATHS = {
  histogram: '/api/flows/histogram',
  topInterfaces: '/api/flows/top-interfaces',
  topPairs: '/api/flows/top-pairs',
} as const;
export interface OverviewResponses {
  histogram: HistogramResponse;
  topInterfaces: TopInterfacesResponse;
  topPairs: TopPairsResponse;
}

export function fetchOverview<K extends keyof OverviewResponses>(
  base: string,
  kind: K,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<OverviewResponses[K]> {
  const p = new URLSearchParams(params);
  p.delete('limit');
  return getJson<OverviewResponses[K]>(apiUrl(base, OVERVIEW_PATHS[kind], p), signal);
}

export function fetchConfig(base: string, signal?: AbortSignal): Promise<ConfigResponse> {
  return getJson<ConfigResponse>(apiUrl(base, '/api/config'), signal);
}

/** Autocomplete values over a time range (`window`: timeRange, or startTime and endTime). */
export function fetchResources(
  base: string,
  kind: AutocompleteKind,
  window: URLSearchParams,
  signal?: AbortSignal,
): Promise<ResourcesResponse> {
  return getJson<ResourcesResponse>(
    apiUrl(base, `/api/resources/${encodeURIComponent(kind)}`, window),
    signal,
  );
}

export interface ExportChoice {
  columns: readonly string[];
  /** `readable` (the backend's default) or `raw`. */
  values: ExportValues;
  /** The table's sort, `field:asc|desc`; absent = newest first. */
  sort?: string;
}

/** URL of the CSV export of every record matching the query (not capped by the table's limit). */
export function exportUrl(base: string, params: URLSearchParams, choice: ExportChoice): string {
  const p = new URLSearchParams(params);
  p.delete('limit');
  p.set('format', 'csv');
  if (choice.columns.length) p.set('columns', choice.columns.join(','));
  if (choice.values !== 'readable') p.set('values', choice.values);
  if (choice.sort) p.set('sort', choice.sort);
  return apiUrl(base, '/api/flows/export', p);
}

/**
 * Asks for an export and stops reading once the answer's status is known: resolves when the
 * backend would send the file (the browser's own download then streams it to disk), throws
 * ApiError or NetworkError with the reason otherwise, so the dialog can say why.
 */
export async function checkExport(url: string): Promise<void> {
  const ac = new AbortController();
  const res = await send(url, 'text/csv', ac.signal);
  if (res.ok) {
    ac.abort(); // the body is not needed: the backend stops its queries when the client goes
    return;
  }
  throw errorOf(res, await res.text(), url);
}

// Calls to the Interflow backend. The base URL differs between the console (the console's
// proxy to the backend service) and the standalone page (same origin), so every call takes it.
import type {
  ConfigResponse,
  ErrorBody,
  FlowsResponse,
  ResourcesResponse,
  AutocompleteKind,
} from './types.ts';

/** An HTTP error from the backend, with the message the backend gave (shown to the user). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
  ) {
    super(message);
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
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new NetworkError((e as Error).message || String(e));
  }
  const text = await res.text();
  if (!res.ok) {
    let body: ErrorBody | undefined;
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      /* not JSON: use the status line below */
    }
    throw new ApiError(
      res.status,
      body?.error ?? (text.trim().slice(0, 300) || `HTTP ${res.status} ${res.statusText}`),
      body?.param,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, `the backend answered ${url} with something that is not JSON`);
  }
}

export function fetchFlows(
  base: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<FlowsResponse> {
  return getJson<FlowsResponse>(apiUrl(base, '/api/flows', params), signal);
}

export function fetchConfig(base: string, signal?: AbortSignal): Promise<ConfigResponse> {
  return getJson<ConfigResponse>(apiUrl(base, '/api/config'), signal);
}

export function fetchResources(
  base: string,
  kind: AutocompleteKind,
  signal?: AbortSignal,
): Promise<ResourcesResponse> {
  return getJson<ResourcesResponse>(apiUrl(base, `/api/resources/${encodeURIComponent(kind)}`), signal);
}

/** URL of the CSV export of every record matching the query (not capped by the table's limit). */
export function exportUrl(base: string, params: URLSearchParams, columns: readonly string[]): string {
  const p = new URLSearchParams(params);
  p.delete('limit');
  p.set('format', 'csv');
  if (columns.length) p.set('columns', columns.join(','));
  return apiUrl(base, '/api/flows/export', p);
}

// The state of the Traffic Flows view: everything the shareable URL carries.
import { encodeFilters, type Filter, type MatchMode, type SortSpec } from '@interflow/contract';
import type { FlowField } from './fields.ts';

export type { MatchMode } from '@interflow/contract';

export type TimeSelection =
  { kind: 'relative'; rangeS: number } | { kind: 'absolute'; startS: number; endS: number };

export type { SortSpec } from '@interflow/contract';

export interface ViewState {
  filters: Filter[];
  match: MatchMode;
  time: TimeSelection;
  limit: number;
  /** Visible column ids (record field names); null = the backend's default columns. */
  cols: string[] | null;
  /** null = the default, newest first. */
  sort: SortSpec | null;
  /** One row per flow (records of one flow on several interfaces merged), not per record. */
  dedup: boolean;
  /** Filters switched off without deleting them: kept in the URL, not sent to the backend. */
  disabledFilters: Filter[];
  /** Auto-refresh interval in seconds (0 = off): the page's, never sent to the backend. */
  refreshS: number;
}

/** Newest first (the field is the contract's, checked by the compiler). */
export const DEFAULT_SORT: SortSpec = { field: 'TimeFlowEndMs' satisfies FlowField, direction: 'desc' };

export const DEFAULT_VIEW: ViewState = {
  filters: [],
  match: 'all',
  time: { kind: 'relative', rangeS: 300 },
  limit: 100,
  cols: null,
  sort: null,
  dedup: false,
  disabledFilters: [],
  refreshS: 0,
};

/** The shortest auto-refresh a link may ask for (a shared link must not hammer the backend). */
export const MIN_REFRESH_S = 5;

export const MAX_LIMIT = 10000;

/** Parameters of GET /api/flows (and, with format/columns added, of the export). */
export function toApiParams(view: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (view.filters.length) p.set('filters', encodeFilters(view.filters));
  p.set('match', view.match);
  if (view.time.kind === 'relative') p.set('timeRange', String(view.time.rangeS));
  else {
    p.set('startTime', String(view.time.startS));
    p.set('endTime', String(view.time.endS));
  }
  p.set('limit', String(view.limit));
  return p;
}

/**
 * The query of the export: the table's, with a relative range replaced by the window the table's
 * answer covered (`stats.startMs`/`endMs`, resolved by the backend), so the file holds the rows
 * the table was showing rather than a window resolved again, later. Without an answer for this
 * query yet, the range stays relative.
 */
export function exportQueryParams(
  view: ViewState,
  answered: { startMs: number; endMs: number } | undefined,
): URLSearchParams {
  const p = toApiParams(view);
  if (view.time.kind !== 'relative' || !answered) return p;
  p.delete('timeRange');
  p.set('startTime', String(answered.startMs / 1000));
  p.set('endTime', String(answered.endMs / 1000));
  return p;
}

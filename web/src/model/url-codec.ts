// Page URL <-> ViewState. Opening a URL restores the view; every change writes it back.
// Parameters (docs/design.md "Page URL"): filters, match, timeRange | startTime+endTime (epoch s),
// limit, cols (comma-separated column ids), sort (`field:asc|desc`), dedup (`true`: one row per
// flow), disabledFilters (filters switched off, in the `filters` grammar), refresh (auto-refresh
// interval in seconds, absent = off).
import {
  COLUMN_IDS,
  FilterProblemError,
  checkFilters,
  encodeFilters,
  isMatchMode,
  parseSort,
  splitFilters,
  type Filter,
  type FilterProblem,
} from '@interflow/contract';
import {
  DEFAULT_VIEW,
  MAX_LIMIT,
  MIN_REFRESH_S,
  toApiParams,
  type TimeSelection,
  type ViewState,
} from './view.ts';

const VIEW_PARAMS = [
  'filters',
  'match',
  'timeRange',
  'startTime',
  'endTime',
  'limit',
  'cols',
  'sort',
  'dedup',
  'disabledFilters',
] as const;

/**
 * Parameters of how the page behaves rather than what it shows: a link with only these still
 * opens a tab's own initial view (the Pod tab pre-filtered to its pod).
 */
const BEHAVIOUR_PARAMS = ['refresh'] as const;

/**
 * A parameter of the URL that could not be used; the view falls back to the default for it
 * (for `filters`, the filters that cannot be used are left out) and the page rewrites the URL
 * to what it shows. Data only (which parameter, what it held, what limits it broke): the page
 * words it through t(). `startTime` stands for the startTime/endTime pair; either may be
 * missing from the URL (null).
 */
export type UrlProblem =
  | { param: 'filters' | 'disabledFilters'; value: string; problem: FilterProblem }
  | { param: 'dedup'; value: string }
  | { param: 'cols'; value: string; unknown: string[] }
  | { param: 'match'; value: string }
  | { param: 'startTime'; startTime: string | null; endTime: string | null }
  | { param: 'timeRange'; value: string }
  | { param: 'limit'; value: string; max: number }
  | { param: 'refresh'; value: string; min: number }
  | { param: 'sort'; value: string };

/** Whether the URL carries any part of a view (else a tab may start from its own initial view). */
export function hasViewParams(params: URLSearchParams): boolean {
  return VIEW_PARAMS.some((name) => params.has(name));
}

export interface DecodedView {
  view: ViewState;
  problems: UrlProblem[];
}

/** Writes the view into `base` (other parameters are kept), returning a new URLSearchParams. */
export function encodeView(view: ViewState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const p = new URLSearchParams(base);
  for (const name of [...VIEW_PARAMS, ...BEHAVIOUR_PARAMS]) p.delete(name);
  // The query part is written as the API takes it; the page adds what only the table uses.
  for (const [name, value] of toApiParams(view)) p.set(name, value);
  if (view.cols) p.set('cols', view.cols.join(','));
  if (view.sort) p.set('sort', `${view.sort.field}:${view.sort.direction}`);
  if (view.dedup) p.set('dedup', 'true');
  if (view.disabledFilters.length) p.set('disabledFilters', encodeFilters(view.disabledFilters));
  if (view.refreshS) p.set('refresh', String(view.refreshS));
  return p;
}

const INTEGER = /^\d+$/;

export function decodeView(params: URLSearchParams): DecodedView {
  const problems: UrlProblem[] = [];
  const view: ViewState = { ...DEFAULT_VIEW };

  const filters = params.get('filters');
  if (filters !== null) view.filters = decodeFilters(filters, problems);
  const disabled = params.get('disabledFilters');
  if (disabled !== null) view.disabledFilters = decodeFilters(disabled, problems, 'disabledFilters');

  const dedup = params.get('dedup');
  if (dedup !== null) {
    if (dedup === 'true' || dedup === 'false') view.dedup = dedup === 'true';
    else problems.push({ param: 'dedup', value: dedup });
  }

  const match = params.get('match');
  if (match !== null) {
    if (isMatchMode(match)) view.match = match;
    else problems.push({ param: 'match', value: match });
  }

  view.time = decodeTime(params, problems);

  const limit = params.get('limit');
  if (limit !== null) {
    const n = INTEGER.test(limit) ? Number(limit) : NaN;
    if (n >= 1 && n <= MAX_LIMIT) view.limit = n;
    else problems.push({ param: 'limit', value: limit, max: MAX_LIMIT });
  }

  const cols = params.get('cols');
  if (cols !== null) {
    const ids = cols === '' ? [] : cols.split(',');
    const unknown = ids.filter((id) => !COLUMN_IDS.has(id));
    // no column at all is refused too (empty rows): `unknown` is then empty
    if (unknown.length || ids.length === 0) problems.push({ param: 'cols', value: cols, unknown });
    else view.cols = ids;
  }

  const sort = params.get('sort');
  if (sort !== null) {
    const parsed = parseSort(sort);
    if (parsed) view.sort = parsed;
    else problems.push({ param: 'sort', value: sort });
  }

  view.refreshS = decodeRefresh(params, problems);
  return { view, problems };
}

/** `refresh`: whole seconds, 0 (off) or at least MIN_REFRESH_S. */
export function decodeRefresh(params: URLSearchParams, problems: UrlProblem[]): number {
  const refresh = params.get('refresh');
  if (refresh === null) return DEFAULT_VIEW.refreshS;
  const n = INTEGER.test(refresh) ? Number(refresh) : NaN;
  if (n === 0 || n >= MIN_REFRESH_S) return n;
  problems.push({ param: 'refresh', value: refresh, min: MIN_REFRESH_S });
  return DEFAULT_VIEW.refreshS;
}

/**
 * The filters of a link held to the API's rules (the contract's checkFilters), one filter at a
 * time so a bad one is left out with a warning instead of the backend refusing the whole query.
 * Values are kept as written (`tcp` stays `tcp`).
 */
function decodeFilters(
  text: string,
  problems: UrlProblem[],
  param: 'filters' | 'disabledFilters' = 'filters',
): Filter[] {
  const fromProblem = (e: unknown) => {
    if (!(e instanceof FilterProblemError)) throw e;
    problems.push({ param, value: text, problem: e.problem });
  };
  let split: Filter[];
  try {
    split = splitFilters(text);
  } catch (e) {
    fromProblem(e);
    return [];
  }
  const usable = split.filter((f) => {
    try {
      checkFilters([f]);
      return true;
    } catch (e) {
      fromProblem(e);
      return false;
    }
  });
  try {
    checkFilters(usable); // the limits over all filters
    return usable;
  } catch (e) {
    fromProblem(e);
    return [];
  }
}

function decodeTime(params: URLSearchParams, problems: UrlProblem[]): TimeSelection {
  const start = params.get('startTime');
  const end = params.get('endTime');
  if (start !== null || end !== null) {
    if (
      start !== null &&
      end !== null &&
      INTEGER.test(start) &&
      INTEGER.test(end) &&
      Number(start) < Number(end)
    ) {
      return { kind: 'absolute', startS: Number(start), endS: Number(end) };
    }
    // both must be epoch seconds, start before end
    problems.push({ param: 'startTime', startTime: start, endTime: end });
  }
  const range = params.get('timeRange');
  if (range !== null) {
    if (INTEGER.test(range) && Number(range) > 0) return { kind: 'relative', rangeS: Number(range) };
    problems.push({ param: 'timeRange', value: range });
  }
  return DEFAULT_VIEW.time;
}

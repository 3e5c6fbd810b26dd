// Turns the query parameters of /api/flows, the export and /api/resources into a typed flow
// query. Each mistake is a BadParamError naming the parameter (→ 400 {error, param}).
import { BadParamError } from '../errors.ts';
import type { FlowQuery, MatchMode } from '../logql/build.ts';
import {
  COLUMN_IDS,
  EXPORT_VALUES,
  FilterProblemError,
  MATCH_MODES,
  isMatchMode,
  parseFilters,
  parseSort,
  type ExportValues,
  type Filter,
  type SortSpec,
} from '@interflow/contract';

export const DEFAULT_TIME_RANGE_S = 300;

/** The `filters` parameter read with the shared grammar; a problem becomes a 400 naming it. */
export function parseFilterParam(text: string | undefined, param = 'filters'): Filter[] {
  try {
    return parseFilters(text);
  } catch (e) {
    if (e instanceof FilterProblemError) throw new BadParamError(param, e.message);
    throw e;
  }
}
const MAX_TIME_SPAN_S = 90 * 86_400;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

export interface TimeWindow {
  startNs: bigint;
  endNs: bigint;
}

export interface FlowRequest extends FlowQuery {
  window: TimeWindow;
}

const NUMBER = /^\s*\d+(\.\d+)?\s*$/;
/** Loki keeps times as int64 nanoseconds (up to 2262-04-11); a later time would be refused upstream. */
const MAX_EPOCH_S = 9_223_372_036;

function epochSeconds(param: string, text: string): number {
  if (!NUMBER.test(text))
    throw new BadParamError(param, `${param} must be epoch seconds (a number), got "${clip(text)}"`);
  const s = Number(text);
  if (s > MAX_EPOCH_S) throw new BadParamError(param, `${param} must be at most ${MAX_EPOCH_S}`);
  return s;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const secondsToNs = (s: number): bigint => BigInt(Math.round(s * 1000)) * 1_000_000n;

export function parseTimeWindow(
  q: { timeRange?: string | undefined; startTime?: string | undefined; endTime?: string | undefined },
  nowMs = Date.now(),
  defaultRangeS = DEFAULT_TIME_RANGE_S,
): TimeWindow {
  const nowS = nowMs / 1000;
  if (q.startTime !== undefined || q.endTime !== undefined) {
    if (q.startTime === undefined) throw new BadParamError('startTime', 'endTime needs startTime');
    const start = epochSeconds('startTime', q.startTime);
    const end = q.endTime === undefined ? nowS : epochSeconds('endTime', q.endTime);
    if (end <= start) throw new BadParamError('endTime', 'endTime must be after startTime');
    if (end - start > MAX_TIME_SPAN_S) {
      throw new BadParamError(
        'startTime',
        `the time range may span at most ${MAX_TIME_SPAN_S / 86_400} days`,
      );
    }
    return { startNs: secondsToNs(start), endNs: secondsToNs(end) };
  }
  let range = defaultRangeS;
  if (q.timeRange !== undefined) {
    if (!/^\s*\d+\s*$/.test(q.timeRange)) {
      throw new BadParamError(
        'timeRange',
        `timeRange must be a whole number of seconds, got "${clip(q.timeRange)}"`,
      );
    }
    range = Number(q.timeRange);
    if (range < 1 || range > MAX_TIME_SPAN_S) {
      throw new BadParamError('timeRange', `timeRange must be between 1 and ${MAX_TIME_SPAN_S} seconds`);
    }
  }
  const endNs = secondsToNs(nowS);
  return { startNs: endNs - BigInt(range) * 1_000_000_000n, endNs };
}

function parseMatch(text: string | undefined): MatchMode {
  if (text === undefined || text === '') return 'all';
  if (isMatchMode(text)) return text;
  throw new BadParamError(
    'match',
    `match must be ${MATCH_MODES.map((m) => `"${m}"`).join(', ')}, got "${clip(text)}"`,
  );
}

export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_LIMIT;
  if (!/^\s*\d+\s*$/.test(text))
    throw new BadParamError('limit', `limit must be a whole number, got "${clip(text)}"`);
  const n = Number(text);
  if (n < 1 || n > MAX_LIMIT)
    throw new BadParamError('limit', `limit must be between 1 and ${MAX_LIMIT}, got ${n}`);
  return n;
}

export function parseFlowRequest(
  q: {
    filters?: string | undefined;
    match?: string | undefined;
    timeRange?: string | undefined;
    startTime?: string | undefined;
    endTime?: string | undefined;
  },
  nowMs = Date.now(),
): FlowRequest {
  return {
    filters: parseFilterParam(q.filters),
    match: parseMatch(q.match),
    window: parseTimeWindow(q, nowMs),
  };
}

const MAX_EXPORT_COLUMNS = 200;

export function parseColumns(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const ids = text.split(',').map((s) => s.trim());
  if (ids.length > MAX_EXPORT_COLUMNS)
    throw new BadParamError('columns', `at most ${MAX_EXPORT_COLUMNS} columns`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (!COLUMN_IDS.has(id))
      throw new BadParamError('columns', `unknown column "${clip(id)}" (columns are record field names)`);
    if (seen.has(id)) throw new BadParamError('columns', `column "${id}" is listed twice`);
    seen.add(id);
  }
  return ids;
}

export function parseExportValues(text: string | undefined): ExportValues {
  if (text === undefined || text === '') return 'readable';
  const known: readonly string[] = EXPORT_VALUES;
  if (known.includes(text)) return text as ExportValues;
  throw new BadParamError('values', `values must be "readable" or "raw", got "${clip(text)}"`);
}

/** The export's `sort` (the table's): undefined for none. */
export function parseExportSort(text: string | undefined): SortSpec | undefined {
  if (text === undefined || text === '') return undefined;
  const sort = parseSort(text);
  if (!sort)
    throw new BadParamError(
      'sort',
      `sort must be "field:asc" or "field:desc" with a column id, got "${clip(text)}"`,
    );
  return sort;
}

export function parseFormat(text: string | undefined): 'csv' {
  if (text === undefined || text === '' || text === 'csv') return 'csv';
  throw new BadParamError('format', `format must be "csv", got "${clip(text)}"`);
}

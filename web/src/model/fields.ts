// What the page knows about record fields: which filter a field's value feeds, how to compare
// it for sorting and how to show it. Column ids are record field names; the columns, the
// filters and the protocol names are the contract's (@interflow/contract), never a copy.
import { COLUMNS, DEFAULT_COLUMNS, FILTER_SPECS } from '@interflow/contract';
import type { StoredFlowRecord } from '../api/types.ts';

/** A record field name the contract knows. */
export type FlowField = keyof StoredFlowRecord;

/**
 * The value of a field named at run time (a column id, the sort field, a key of the record in
 * the drawer). Known fields keep their type; any other name reads what the JSON line held
 * (records from other producers carry extra fields, which the drawer and raw JSON still show).
 */
export function fieldValue<F extends FlowField>(record: StoredFlowRecord, field: F): StoredFlowRecord[F];
export function fieldValue(record: StoredFlowRecord, field: string): unknown;
export function fieldValue(record: StoredFlowRecord, field: string): unknown {
  return (record as Readonly<Record<string, unknown>>)[field];
}

/**
 * Record field → filter id used when a value is clicked ("add as filter"): the filters of one
 * field (`src_namespace`, not `namespace`, which means source or destination). Where two
 * filters read the same single field, the first definition wins.
 */
export const FIELD_FILTER: Readonly<Record<string, string>> = Object.fromEntries(
  FILTER_SPECS.filter((spec) => spec.fields.length === 1)
    .map((spec) => [spec.fields[0]!, spec.id] as const)
    .reverse(),
);

/** Columns the table can show even before /api/config answers, in display order. */
export const KNOWN_COLUMNS: readonly string[] = COLUMNS.map((c) => c.id);

/** Visible columns when /api/config gives no defaults. */
export const FALLBACK_DEFAULT_COLUMNS: readonly string[] = DEFAULT_COLUMNS;

/** The table's order, the contract's so the export sorts the same way. */
export { sortRecords } from '@interflow/contract';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (x: number, w = 2) => String(x).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

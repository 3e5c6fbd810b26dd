// The table's order of records, shared with the CSV export (`sort=field:asc|desc`), so a file
// lists its rows as the table showed them.

import { COLUMN_IDS } from './columns.ts';

const fieldValue = (record: object, field: string): unknown =>
  (record as Readonly<Record<string, unknown>>)[field];

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

/**
 * Sorted copy: numbers numerically, everything else as text (arrays joined); records without
 * the field stay last whatever the direction. Array.prototype.sort is stable, so equal keys
 * keep the backend's newest-first order.
 */
export function sortRecords<T extends object>(
  records: readonly T[],
  field: string,
  direction: 'asc' | 'desc',
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...records].sort((a, b) => {
    const va = fieldValue(a, field);
    const vb = fieldValue(b, field);
    const missingA = isMissing(va);
    const missingB = isMissing(vb);
    if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sign;
    const sa = Array.isArray(va) ? va.join(',') : String(va);
    const sb = Array.isArray(vb) ? vb.join(',') : String(vb);
    return sa.localeCompare(sb, undefined, { numeric: true }) * sign;
  });
}

export interface SortSpec {
  field: string;
  direction: 'asc' | 'desc';
}

/** `field:asc` or `field:desc` with a column id (the page URL's and the export's `sort`), or null. */
export function parseSort(text: string): SortSpec | null {
  const at = text.lastIndexOf(':');
  if (at <= 0) return null;
  const direction = text.slice(at + 1);
  if (direction !== 'asc' && direction !== 'desc') return null;
  const field = text.slice(0, at);
  return COLUMN_IDS.has(field) ? { field, direction } : null;
}

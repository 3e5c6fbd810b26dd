// What the page does with filters beyond reading and writing them: adding a value from the
// picker or the drawer, removing one from a chip. The text form (grammar, escapes, problems as
// data) is the contract's (@interflow/contract: splitFilters, encodeFilters, docs/design.md
// "Filters"), the same the backend reads.
import type { Filter, FilterOperator } from '@interflow/contract';

export function filtersEqual(a: Filter, b: Filter): boolean {
  return (
    a.id === b.id &&
    a.operator === b.operator &&
    a.values.length === b.values.length &&
    a.values.every((v, k) => v === b.values[k])
  );
}

/** Adds `value` to a filter with the same id and operator, or appends a new filter. */
export function addFilterValue(
  filters: readonly Filter[],
  id: string,
  operator: FilterOperator,
  value: string,
): Filter[] {
  const at = filters.findIndex((f) => f.id === id && f.operator === operator);
  if (at < 0) return [...filters, { id, operator, values: [value] }];
  const existing = filters[at]!;
  if (existing.values.includes(value)) return [...filters];
  const next = [...filters];
  next[at] = { ...existing, values: [...existing.values, value] };
  return next;
}

export function removeFilterValue(filters: readonly Filter[], index: number, value: string): Filter[] {
  const f = filters[index];
  if (!f) return [...filters];
  const values = f.values.filter((v) => v !== value);
  if (!values.length) return filters.filter((_, k) => k !== index);
  const next = [...filters];
  next[index] = { ...f, values };
  return next;
}

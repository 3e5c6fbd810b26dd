// Quick filters on the page: a configured named set of filters (/api/config `quickFilters`) is
// "on" when the view holds every one of its filters; switching it on adds them, off removes
// them; "Reset to defaults" puts every quick filter back to its configured `default`. Filters
// added by hand are never touched.
import { splitFilters, type Filter, type QuickFilter } from '@interflow/contract';

export interface QuickFilterFilters {
  filters: Filter[];
  disabledFilters: Filter[];
}

/** Same id, operator and values (in any order). */
function sameFilter(a: Filter, b: Filter): boolean {
  return (
    a.id === b.id &&
    a.operator === b.operator &&
    a.values.length === b.values.length &&
    a.values.every((v) => b.values.includes(v))
  );
}

/** The filters of a quick filter; none when the text cannot be read (the backend checked it at start-up). */
export function quickFilterFilters(quick: QuickFilter): Filter[] {
  try {
    return splitFilters(quick.filters);
  } catch {
    return [];
  }
}

export function isQuickFilterOn(filters: readonly Filter[], quick: QuickFilter): boolean {
  const own = quickFilterFilters(quick);
  return own.length > 0 && own.every((f) => filters.some((g) => sameFilter(f, g)));
}

const without = (filters: readonly Filter[], own: readonly Filter[]) =>
  filters.filter((f) => !own.some((o) => sameFilter(f, o)));

/** Adds the quick filter's filters that are missing (a switched-off copy of one is dropped). */
export function switchQuickFilterOn(view: QuickFilterFilters, quick: QuickFilter): QuickFilterFilters {
  const own = quickFilterFilters(quick);
  const missing = own.filter((f) => !view.filters.some((g) => sameFilter(f, g)));
  return { filters: [...view.filters, ...missing], disabledFilters: without(view.disabledFilters, own) };
}

/** Removes the quick filter's filters, whether on or switched off. */
export function switchQuickFilterOff(view: QuickFilterFilters, quick: QuickFilter): QuickFilterFilters {
  const own = quickFilterFilters(quick);
  return { filters: without(view.filters, own), disabledFilters: without(view.disabledFilters, own) };
}

/** Every quick filter back to its `default`: the others off first, so a shared filter stays on. */
export function resetQuickFilters(
  view: QuickFilterFilters,
  quickFilters: readonly QuickFilter[],
): QuickFilterFilters {
  let next = view;
  for (const q of quickFilters) if (!q.default) next = switchQuickFilterOff(next, q);
  for (const q of quickFilters) if (q.default) next = switchQuickFilterOn(next, q);
  return next;
}

/** Whether every quick filter is at its default already (then there is nothing to reset). */
export function quickFiltersAtDefaults(
  filters: readonly Filter[],
  quickFilters: readonly QuickFilter[],
): boolean {
  return quickFilters.every((q) => isQuickFilterOn(filters, q) === q.default);
}

// Quick filters (docs/configuration.md, "Quick filters"): named sets of filters the page offers
// as toggles. The backend reads them from INTERFLOW_QUICK_FILTERS_FILE (a JSON file; a ConfigMap
// in the cluster) or uses the built-in ones below, checks them once at start-up with
// checkQuickFilters and serves them in /api/config.
import type { QuickFilter } from './api.ts';
import { FilterProblemError, parseFilters } from './filters/filter-syntax.ts';

/**
 * The built-in quick filters. An empty value is "no value": `if_network!=` keeps the records of
 * interfaces whose owning pod gives them a network name (Multus or SR-IOV attachments, net1…).
 */
export const DEFAULT_QUICK_FILTERS: readonly QuickFilter[] = [
  {
    id: 'pod-secondary-interfaces',
    name: 'Pod secondary interfaces',
    filters: 'if_network!=',
    default: false,
  },
  { id: 'pod-interfaces', name: 'Pod interfaces', filters: 'if_owner!=', default: false },
  { id: 'host-interfaces', name: 'Host network namespace', filters: 'netns=', default: false },
];

/** At most this many quick filters (each is a toggle on the page). */
export const MAX_QUICK_FILTERS = 20;
const MAX_NAME_LENGTH = 64;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KEYS = new Set(['id', 'name', 'filters', 'default']);

/**
 * Checks quick filters as read from their file (any JSON value) and returns them with `default`
 * filled in. Throws an Error whose message names the entry and what is wrong with it.
 */
export function checkQuickFilters(value: unknown): QuickFilter[] {
  if (!Array.isArray(value)) throw new Error('must be a JSON array of quick filters');
  if (value.length > MAX_QUICK_FILTERS) throw new Error(`at most ${MAX_QUICK_FILTERS} quick filters`);
  const ids = new Set<string>();
  const names = new Set<string>();
  return value.map((entry: unknown, i): QuickFilter => {
    const where = `entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new Error(`${where}: must be an object with id, name, filters and optionally default`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => !KEYS.has(k));
    if (unknown.length)
      throw new Error(`${where}: unknown key "${unknown[0]}" (known: ${[...KEYS].join(', ')})`);
    if (typeof e.id !== 'string' || !ID.test(e.id))
      throw new Error(`${where}: "id" must be lowercase letters, digits and "-" (at most 63)`);
    const named = `${where} ("${e.id}")`;
    if (ids.has(e.id)) throw new Error(`${named}: the id is used twice`);
    ids.add(e.id);
    if (typeof e.name !== 'string' || e.name.trim() === '' || e.name.length > MAX_NAME_LENGTH)
      throw new Error(`${named}: "name" must be text of 1 to ${MAX_NAME_LENGTH} characters`);
    if (names.has(e.name)) throw new Error(`${named}: the name "${e.name}" is used twice`);
    names.add(e.name);
    if (typeof e.filters !== 'string' || e.filters.trim() === '')
      throw new Error(
        `${named}: "filters" must be filters in the page URL's grammar, e.g. "interfaces=net1"`,
      );
    try {
      parseFilters(e.filters);
    } catch (err) {
      if (err instanceof FilterProblemError) throw new Error(`${named}: "filters": ${err.message}`);
      throw err;
    }
    if (e.default !== undefined && typeof e.default !== 'boolean')
      throw new Error(`${named}: "default" must be true or false`);
    return { id: e.id, name: e.name, filters: e.filters, default: e.default === true };
  });
}

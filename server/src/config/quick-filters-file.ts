// INTERFLOW_QUICK_FILTERS_FILE: the page's quick filters as a JSON array (docs/configuration.md,
// "Quick filters"), locally a file, in the cluster a ConfigMap mounted as one. Read and checked
// once at start-up: a bad file stops the start naming the variable, the entry and the problem.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.ts';
import { DEFAULT_QUICK_FILTERS, checkQuickFilters, type QuickFilter } from '@interflow/contract';

const VARIABLE = 'INTERFLOW_QUICK_FILTERS_FILE';

/** The quick filters of `path` (already known to be a readable file), or the built-in ones. */
export function loadQuickFilters(path: string | undefined): QuickFilter[] {
  if (path === undefined) return DEFAULT_QUICK_FILTERS.map((q) => ({ ...q }));
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(VARIABLE, `${path} is not JSON: ${(e as Error).message}`);
  }
  try {
    return checkQuickFilters(value);
  } catch (e) {
    throw new ConfigError(VARIABLE, `${path}: ${(e as Error).message}`);
  }
}

// How the stand-in backend selects records for a request: the `filters` text parsed with the
// contract's grammar (contract/src/filters/filter-syntax.ts) and each filter matched against
// the record fields the contract names for its id, with the semantics of docs/design.md
// ("Filters"): values ORed; `=` exact (an element of an array field), `~` contains, the
// negations "no value matches"; `match=all|any`. So `interfaces=net1` never matches net10.
import { filterSpec, parseFilters, type Filter } from '@interflow/contract';
import type { StoredFlowRecord } from '../src/api/types.ts';

function filterMatches(record: StoredFlowRecord, f: Filter): boolean {
  const spec = filterSpec(f.id);
  if (!spec) throw new Error(`stand-in backend: unknown filter id "${f.id}"`);
  const contains = f.operator === '~' || f.operator === '!~';
  const negated = f.operator === '!=' || f.operator === '!~';
  // parseFilters has already turned numeric names into numbers (`tcp` → 6)
  const values = f.values;
  const rec = record as unknown as Record<string, unknown>;
  const texts = spec.fields.flatMap((field) => {
    const v = rec[field];
    if (Array.isArray(v)) return v.map(String);
    return v === undefined || v === null ? [''] : [String(v)];
  });
  const hit = texts.some((x) => values.some((v) => (contains ? x.includes(v) : x === v)));
  return negated ? !hit : hit;
}

/** The records a request's `filters` and `match` select (throws on a text the grammar rejects). */
export function selectRecords(
  records: readonly StoredFlowRecord[],
  params: URLSearchParams,
): StoredFlowRecord[] {
  const filters = parseFilters(params.get('filters') ?? '');
  if (filters.length === 0) return [...records];
  const any = params.get('match') === 'any';
  return records.filter((r) =>
    any ? filters.some((f) => filterMatches(r, f)) : filters.every((f) => filterMatches(r, f)),
  );
}

// Autocomplete values of JSON fields over a whole time range: one LogQL metric query per field
// group (`sum by (…) (count_over_time({…} | json a="A", b="B" | a != "" [range]))`), so every
// value in the range comes back, however rare, and not only those of the newest page of records.
// A value's details (an interface's owning pods, a pod's namespaces) come from the same series.
import type { LabelExpr, LabelMatcher } from '../logql/ast.ts';
import { logQueryFor, scopeLabelFilter, type NamespaceScope } from '../logql/build.ts';
import { renderMetricQuery, type Extraction } from '../logql/metric.ts';

/**
 * One query: the JSON field whose values are wanted, the fields that describe a value, a filter
 * on the record. Extracted under labels of their own (v, d0, d1…), never a field's name: Loki
 * renames an extracted label that collides with a stream label (`SrcK8S_Namespace_extracted`).
 */
export interface ValueSource {
  /** JSON path of the value, e.g. `Interfaces[0]`. */
  path: string;
  /** Paths whose values, joined by "/", describe the value (e.g. namespace and pod). */
  detailPaths?: string[];
  /** Only records where this path has this value (e.g. SrcK8S_Type = Pod). */
  where?: { path: string; equals: string };
  /** Only records where this path is not empty (e.g. the interface slot exists). */
  present?: string;
  /** Keep the empty value ("" is the host namespace for netns; elsewhere it means "unknown"). */
  keepEmpty?: boolean;
}

const VALUE = 'v';
const detailLabel = (i: number): string => `d${i}`;

const match = (label: string, op: '=' | '!=', value: string): LabelExpr => ({
  kind: 'match',
  matcher: { label, op, value },
});

/** The query of one source over `rangeMs` (evaluated once, at the range's end). */
export function rangeValuesQuery(
  selector: LabelMatcher[],
  source: ValueSource,
  rangeMs: number,
  namespaces?: NamespaceScope,
): string {
  const log = logQueryFor(selector, [], 'all');
  if (namespaces) log.streamLabelFilters.push(scopeLabelFilter(namespaces));
  const details: Extraction[] = (source.detailPaths ?? []).map((path, i) => ({
    label: detailLabel(i),
    path,
  }));
  const extract: Extraction[] = [{ label: VALUE, path: source.path }, ...details];
  const filters: LabelExpr[] = [];
  if (!source.keepEmpty) filters.push(match(VALUE, '!=', ''));
  if (source.present) {
    extract.push({ label: 'p', path: source.present });
    filters.push(match('p', '!=', ''));
  }
  if (source.where) {
    extract.push({ label: 'w', path: source.where.path });
    filters.push(match('w', '=', source.where.equals));
  }
  return renderMetricQuery({
    kind: 'vector',
    op: 'sum',
    by: [VALUE, ...details.map((d) => d.label)],
    inner: { kind: 'range', op: 'count_over_time', log, extract, extractedFilters: filters, rangeMs },
  });
}

/** Sorted unique values and, per value, its sorted details (none when no detail names it). */
export function collectValues(
  sources: readonly ValueSource[],
  seriesPerSource: readonly { metric: Record<string, string> }[][],
): { values: string[]; details: Record<string, string[]> } {
  const values = new Set<string>();
  const details = new Map<string, Set<string>>();
  sources.forEach((source, i) => {
    for (const s of seriesPerSource[i] ?? []) {
      const value = s.metric[VALUE] ?? '';
      if (value === '' && !source.keepEmpty) continue;
      values.add(value);
      const parts = (source.detailPaths ?? []).map((_, d) => s.metric[detailLabel(d)] ?? '');
      if (parts.length && parts.every((p) => p !== '')) {
        let set = details.get(value);
        if (!set) details.set(value, (set = new Set()));
        set.add(parts.join('/'));
      }
    }
  });
  return {
    values: [...values].sort(),
    details: Object.fromEntries(
      [...details].sort(([a], [b]) => (a < b ? -1 : 1)).map(([v, d]) => [v, [...d].sort()]),
    ),
  };
}

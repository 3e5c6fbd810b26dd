// How the filters of one query combine (docs/design.md "Filters"):
//  - all: every filter holds;
//  - any: at least one filter holds;
//  - bidirectional: every filter holds for the flow as written or with source and destination
//    swapped (A↔B: `src_address=A;dst_address=B` finds A→B and B→A). Filters that are not about
//    one side (interfaces, netns, protocol, the unprefixed "source or destination" ids…) hold as
//    with `all`.
import type { Filter } from './filter-syntax.ts';

export const MATCH_MODES = ['all', 'any', 'bidirectional'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

export function isMatchMode(text: string): text is MatchMode {
  return (MATCH_MODES as readonly string[]).includes(text);
}

/** Whether a filter is about one side of the flow (`src_…` or `dst_…`). */
export function isDirectionalFilter(id: string): boolean {
  return id.startsWith('src_') || id.startsWith('dst_');
}

/** The same filter about the other side: `src_port=80` ↔ `dst_port=80`; others are unchanged. */
export function swapFilterSide(filter: Filter): Filter {
  if (filter.id.startsWith('src_')) return { ...filter, id: `dst_${filter.id.slice(4)}` };
  if (filter.id.startsWith('dst_')) return { ...filter, id: `src_${filter.id.slice(4)}` };
  return filter;
}

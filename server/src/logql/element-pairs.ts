// Interface and direction belong together (docs/design.md, "Filters"): NetObserv's records list
// every interface a flow crossed in `Interfaces`, with the direction on each at the same index of
// `IfDirections`. So with match=all, `interfaces=net1;ifdirections=egress` means one element that
// is net1 in egress — not net1 at one index and egress at another.
//
// Which filters pair:
//  - only with match=all; with match=any the filters are alternatives, each matched on its own;
//  - only positive operators (`=`, `~`): every positive `interfaces` and `ifdirections` filter
//    must hold for the same element;
//  - negated operators (`!=`, `!~`) keep their record-wide meaning — no element matches — and are
//    not paired: `interfaces!=net1;ifdirections=egress` is "has an egress element, and net1
//    appears nowhere".
//
// In LogQL the elements are compared index by index: `| json` takes `Interfaces[i]` and
// `IfDirections[i]` for i < PAIRED_ELEMENTS (and the singular `Interface`/`IfDirection` of older
// NetObserv), and a label filter ORs "element i matches every paired filter". A record with more
// elements than that is let through by the query (its element PAIRED_ELEMENTS exists) and decided
// exactly by the backend (flows/pair-check.ts), so no record is lost and none is shown wrongly.
// `| json` renders a number (`1`) and a string (`"1"`) as the same text, so string directions
// compare as numbers do.
import type { Filter, MatchMode } from '@interflow/contract';
import type { JsonExtractionParam, LabelExpr, LabelMatcher } from './ast.ts';

/** Elements compared in the query; records with more are decided by the backend. */
export const PAIRED_ELEMENTS = 16;

export interface ElementPairing {
  interfaces: Filter[];
  directions: Filter[];
}

const isPositive = (f: Filter): boolean => f.operator === '=' || f.operator === '~';

/** The filters that must hold for one same element, or undefined when nothing pairs. */
export function elementPairing(filters: readonly Filter[], match: MatchMode): ElementPairing | undefined {
  // bidirectional: interfaces and directions are not about one side, so they pair as with all
  if (match === 'any') return undefined;
  const interfaces = filters.filter((f) => f.id === 'interfaces' && isPositive(f));
  const directions = filters.filter((f) => f.id === 'ifdirections' && isPositive(f));
  return interfaces.length > 0 && directions.length > 0 ? { interfaces, directions } : undefined;
}

const IF_LABEL = 'interflow_pair_if';
const DIR_LABEL = 'interflow_pair_dir';

/** What `| json` takes from the line for the pairing, and the label filter over it. */
export function pairingStage(
  p: ElementPairing,
  matcher: (label: string, f: Filter) => LabelMatcher,
): { extractions: JsonExtractionParam[]; filters: LabelExpr[] } {
  const extractions: JsonExtractionParam[] = [];
  const alternatives: LabelExpr[] = [];
  const element = (ifLabel: string, dirLabel: string): LabelExpr => ({
    kind: 'and',
    items: [
      ...p.interfaces.map((f): LabelExpr => ({ kind: 'match', matcher: matcher(ifLabel, f) })),
      ...p.directions.map((f): LabelExpr => ({ kind: 'match', matcher: matcher(dirLabel, f) })),
    ],
  });
  for (let i = 0; i < PAIRED_ELEMENTS; i++) {
    const ifLabel = `${IF_LABEL}_${i}`;
    const dirLabel = `${DIR_LABEL}_${i}`;
    extractions.push(
      { label: ifLabel, path: `Interfaces[${i}]` },
      { label: dirLabel, path: `IfDirections[${i}]` },
    );
    alternatives.push(element(ifLabel, dirLabel));
  }
  // Older NetObserv: one interface and one direction per record.
  extractions.push({ label: IF_LABEL, path: 'Interface' }, { label: DIR_LABEL, path: 'IfDirection' });
  alternatives.push(element(IF_LABEL, DIR_LABEL));
  // More elements than compared here: let the backend decide.
  const overflow = `${IF_LABEL}_${PAIRED_ELEMENTS}`;
  extractions.push({ label: overflow, path: `Interfaces[${PAIRED_ELEMENTS}]` });
  alternatives.push({ kind: 'match', matcher: { label: overflow, op: '!=', value: '' } });
  return { extractions, filters: [{ kind: 'or', items: alternatives }] };
}

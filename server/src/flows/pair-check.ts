// The exact element-wise check of paired interface + direction filters on a (normalised) record
// (logql/element-pairs.ts says which filters pair and why). The LogQL query compares the first
// PAIRED_ELEMENTS elements itself and lets longer records through; this decides those, so the
// table and the export show exactly the records with one element that carries every paired filter.
import type { Filter, StoredFlowRecord } from '@interflow/contract';
import type { ElementPairing } from '../logql/element-pairs.ts';

function elementMatches(f: Filter, element: unknown): boolean {
  if (element === undefined || element === null || typeof element === 'object') return false;
  const text = String(element);
  return f.operator === '=' ? f.values.includes(text) : f.values.some((v) => text.includes(v));
}

/** A predicate over records; every record passes when nothing pairs. */
export function pairCheck(pairing: ElementPairing | undefined): (r: StoredFlowRecord) => boolean {
  if (!pairing) return () => true;
  return (r) => {
    const ifs: unknown = r.Interfaces;
    const dirs: unknown = r.IfDirections;
    if (!Array.isArray(ifs) || !Array.isArray(dirs)) return false;
    for (let i = 0; i < ifs.length; i++) {
      if (
        pairing.interfaces.every((f) => elementMatches(f, ifs[i])) &&
        pairing.directions.every((f) => elementMatches(f, dirs[i]))
      )
        return true;
    }
    return false;
  };
}

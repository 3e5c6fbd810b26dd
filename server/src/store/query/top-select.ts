// topk / bottomk at one evaluation time without sorting every series. metric-eval.ts keeps the
// first k of the series present at t after a stable sort by value (`sign * (a - b)`, sign -1 for
// topk) of the series in their input order; `before(a, b)` is that input order. The same k are
// the k smallest under the total order (sign · value, input position), which a bounded heap
// finds in O(n log k): the overview's address pairs are ~300 000 series of which 10 are kept.
// Only for finite values: with NaN or ±Inf the comparator is not a consistent order and the
// outcome depends on the sort's own steps, so the caller sorts as metric-eval.ts does.

/**
 * Series kept at one time: `valueAt(si)` is undefined when si has no point there. Returns null
 * when a present value is not finite.
 */
export function selectTop(
  count: number,
  valueAt: (si: number) => number | undefined,
  k: number,
  sign: 1 | -1,
  before: (a: number, b: number) => boolean,
): number[] | null {
  // heap[0] is the worst of the kept: the one a better candidate replaces
  const heap: number[] = [];
  const vals: number[] = [];
  // a ranks after b (is worse)
  const worse = (va: number, a: number, vb: number, b: number): boolean => {
    const d = sign * (va - vb);
    return d > 0 || (d === 0 && before(b, a));
  };
  const siftDown = (i: number): void => {
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < n && worse(vals[l]!, heap[l]!, vals[w]!, heap[w]!)) w = l;
      if (r < n && worse(vals[r]!, heap[r]!, vals[w]!, heap[w]!)) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      [vals[i], vals[w]] = [vals[w]!, vals[i]!];
      i = w;
    }
  };
  for (let si = 0; si < count; si++) {
    const v = valueAt(si);
    if (v === undefined) continue;
    if (!Number.isFinite(v)) return null;
    if (heap.length < k) {
      heap.push(si);
      vals.push(v);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(vals[i]!, heap[i]!, vals[p]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        [vals[i], vals[p]] = [vals[p]!, vals[i]!];
        i = p;
      }
    } else if (k > 0 && worse(vals[0]!, heap[0]!, v, si)) {
      heap[0] = si;
      vals[0] = v;
      siftDown(0);
    }
  }
  return heap;
}

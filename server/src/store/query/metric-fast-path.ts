// The range aggregation of a metric query answered from the column index (entry-columns.ts)
// instead of reading and parsing every line of the range — when the query has a shape the index
// can answer exactly, else null and the store runs the pipeline (metric-eval.ts):
//  - no line filters; at most one `| json` stage, with parameters, whose paths are indexed fields
//    (`Field` of STRING_FIELDS, `Field[k]` of ARRAY_FIELDS, and NUMBER_FIELDS only as the
//    unwrapped label); no extracted label that clashes with a stream label;
//  - label filters of string matchers (`= != =~ !~`, and/or) on stream labels, extracted labels
//    and `__error__`; numeric comparisons fall back;
//  - `sum_over_time` only over `| unwrap` of an indexed number field, filters after it as above.
// The scan meets an entry the index cannot describe (a line that is not JSON when the query
// parses JSON, structured metadata, a sample with an error that no filter drops) → null as well,
// so the pipeline gives Loki's answer (or its error). Matchers run once per distinct text (memo),
// series are keyed by integer ids, and each entry adds to the evaluation times whose
// (t - range, t] holds it, as SampleCollector does; series come out in the order of their first
// sample by (ts, id), the pipeline's scan order, so topk ties break the same way.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  ARRAY_FIELDS,
  FLAG_DEAD,
  FLAG_METADATA,
  FLAG_NOT_JSON,
  NUMBER_ERROR,
  NUMBER_FIELDS,
  NUMBER_NONE,
  STRING_FIELDS,
  type ArrayColumn,
  type Dictionary,
  type EntryColumns,
  type NumberColumn,
} from './entry-columns.ts';
import type {
  CompiledMatcher,
  Grouping,
  LabelFilterExpr,
  MetricQuery,
  RangeAggregation,
} from './logql-ast.ts';
import { preGroupingOf, type Evaluated } from './metric-eval.ts';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, type Labels } from './pipeline.ts';

export interface FastStream {
  id: number;
  labels: Labels;
}

export interface FastRangeInput {
  agg: RangeAggregation;
  /** the grouping of a `sum` right above an additive range aggregation (preGroupingOf) */
  preGroup: Grouping | null;
  /** streams whose labels match the selector */
  streams: FastStream[];
  columns: EntryColumns;
  times: bigint[];
  /** last time the pipeline would read (inclusive): entries up to it count for errors and order */
  scanEnd: bigint;
  signal?: AbortSignal;
  /** topk/bottomk right above (fastPlan): only the kept series are built */
  top?: { op: 'topk' | 'bottomk'; k: number } | null;
}

/**
 * How much of a metric query the column index evaluates: the range aggregation, the `sum` right
 * above it when samples are pre-grouped by its labels (each series is then its own group, so
 * that sum changes nothing), and a topk/bottomk without grouping right above those. `rest` is
 * what metric-eval.ts still applies to the series the index gives.
 */
export function fastPlan(q: MetricQuery): {
  preGroup: Grouping | null;
  top: { op: 'topk' | 'bottomk'; k: number } | null;
  rest: MetricQuery;
} {
  const preGroup = preGroupingOf(q);
  const absorb = (n: MetricQuery): MetricQuery =>
    n.kind === 'range' ? n : n.inner.kind === 'range' ? n.inner : { ...n, inner: absorb(n.inner) };
  const rest = preGroup ? absorb(q) : q;
  if (
    rest.kind === 'vector' &&
    (rest.op === 'topk' || rest.op === 'bottomk') &&
    rest.inner.kind === 'range' &&
    (rest.grouping === null || (!rest.grouping.without && rest.grouping.labels.length === 0))
  ) {
    return { preGroup, top: { op: rest.op, k: rest.param! }, rest: rest.inner };
  }
  return { preGroup, top: null, rest };
}

export interface FastRangeResult {
  evaluated: Evaluated[];
  entriesScanned: number;
}

/** A label value read per entry from an indexed field: its text id in `dict`. */
interface Extracted {
  dict: Dictionary;
  idAt: (row: number) => number;
  /** `Field[k]`: the array column and k */
  element?: { column: ArrayColumn; index: number };
}

type Source =
  | { kind: 'absent' }
  | { kind: 'stream'; label: string }
  | { kind: 'extracted'; x: Extracted }
  | { kind: 'error' };

type Pred = (row: number, streamId: number, error: boolean) => boolean;

const SCAN_CHUNK = 65_536;
const YIELD_EVERY_MS = 20;
/** Time offsets are computed in doubles: exact below 2^53 ns; keep a margin. */
const MAX_SPAN_NS = 2 ** 52;

const STRING_SET: ReadonlySet<string> = new Set(STRING_FIELDS);
const ARRAY_SET: ReadonlySet<string> = new Set(ARRAY_FIELDS);
const NUMBER_SET: ReadonlySet<string> = new Set(NUMBER_FIELDS);

function extractedOf(
  columns: EntryColumns,
  path: (string | number)[],
): Extracted | { number: NumberColumn } | null {
  const [field, index] = path;
  if (typeof field !== 'string') return null;
  if (path.length === 1 && STRING_SET.has(field)) {
    const c = columns.strings.get(field)!;
    const ids = c.ids;
    return { dict: c.dict, idAt: (r) => ids[r]! };
  }
  if (path.length === 1 && NUMBER_SET.has(field)) return { number: columns.numbers.get(field)! };
  if (path.length === 2 && typeof index === 'number' && ARRAY_SET.has(field)) {
    const c = columns.arrays.get(field)!;
    const { offset, length, data } = c;
    return {
      dict: c.dict,
      idAt: (r) => (index < length[r]! ? data[offset[r]! + index]! : 0),
      element: { column: c, index },
    };
  }
  return null;
}

function compileFilter(
  e: LabelFilterExpr,
  resolve: (label: string) => Source | null,
  streamIds: readonly FastStream[],
): Pred | null {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const l = compileFilter(e.left, resolve, streamIds);
      const r = compileFilter(e.right, resolve, streamIds);
      if (!l || !r) return null;
      return e.kind === 'and'
        ? (row, s, err) => l(row, s, err) && r(row, s, err)
        : (row, s, err) => l(row, s, err) || r(row, s, err);
    }
    case 'number':
      return null; // LabelFilterErr semantics: left to the pipeline
    case 'ip':
      return null; // ip("…") filters: left to the pipeline
    case 'string':
      return compileMatcher(e.matcher, resolve, streamIds);
  }
}

function compileMatcher(
  m: CompiledMatcher,
  resolve: (label: string) => Source | null,
  streams: readonly FastStream[],
): Pred | null {
  const src = resolve(m.label);
  if (!src) return null;
  switch (src.kind) {
    case 'absent': {
      const v = m.matches('');
      return () => v;
    }
    case 'error': {
      const ok = m.matches('');
      const bad = m.matches('SampleExtractionErr');
      return (_r, _s, err) => (err ? bad : ok);
    }
    case 'stream': {
      const byStream = new Map<number, boolean>();
      for (const s of streams) byStream.set(s.id, m.matches(s.labels[src.label] ?? ''));
      return (_r, s) => byStream.get(s) === true;
    }
    case 'extracted': {
      const { dict, idAt } = src.x;
      const memo = new Uint8Array(dict.size); // 0 not yet, 1 matches, 2 does not
      return (r) => {
        const id = idAt(r);
        let v = memo[id];
        if (!v) {
          v = m.matches(dict.texts[id]!) ? 1 : 2;
          memo[id] = v;
        }
        return v === 1;
      };
    }
  }
}

/** Labels of the series after the range aggregation's and the pre-grouping's `by`/`without`. */
function seriesLabels(
  groupings: Grouping[],
  dropped: Set<string>,
): { by: string[] | null; without: Set<string> } {
  let by: string[] | null = null;
  const without = new Set(dropped);
  for (const g of groupings) {
    if (!g.without) {
      const prev = by as string[] | null;
      by = [...new Set(g.labels)].filter((l) => (prev === null ? !without.has(l) : prev.includes(l)));
    } else if (by === null) for (const l of g.labels) without.add(l);
    else by = by.filter((l) => !g.labels.includes(l));
  }
  return { by, without };
}

/**
 * Evaluates the range aggregation from the columns; null when the query or an entry of its range
 * is outside what the index describes exactly (the caller then runs the pipeline).
 */
export async function evaluateFromColumns(input: FastRangeInput): Promise<FastRangeResult | null> {
  const { agg, columns, times, streams } = input;
  const stages = agg.log.pipeline;
  if (stages.some((s) => s.kind === 'line')) return null;
  const jsonStages = stages.filter((s) => s.kind === 'json');
  if (jsonStages.length > 1) return null;
  const json = jsonStages[0];
  if (json && json.extractions === null) return null;

  // extracted labels (the last extraction of a label wins, at the place of its first, as in a Map)
  const extracted = new Map<string, Extracted | { number: NumberColumn }>();
  for (const x of json?.extractions ?? []) {
    if (x.label.startsWith('__')) return null;
    const e = extractedOf(columns, x.path);
    if (!e) return null;
    extracted.set(x.label, e);
  }
  for (const s of streams) for (const l of extracted.keys()) if (Object.hasOwn(s.labels, l)) return null;

  let unwrapped: NumberColumn | null = null;
  if (agg.unwrap) {
    const e = extracted.get(agg.unwrap.label);
    if (!e || !('number' in e)) return null;
    unwrapped = e.number;
  }
  for (const [l, e] of extracted) if ('number' in e && l !== agg.unwrap?.label) return null;

  const resolver =
    (afterJson: boolean, afterUnwrap: boolean) =>
    (label: string): Source | null => {
      if (label === ERROR_LABEL) return afterUnwrap ? { kind: 'error' } : { kind: 'absent' };
      if (label === ERROR_DETAILS_LABEL) return afterUnwrap ? null : { kind: 'absent' };
      if (afterUnwrap && label === agg.unwrap?.label) return { kind: 'absent' };
      const e = afterJson ? extracted.get(label) : undefined;
      if (e) return 'number' in e ? null : { kind: 'extracted', x: e };
      return { kind: 'stream', label };
    };

  const preds: Pred[] = [];
  // a filter every entry must pass that refuses "" for `Field[k]`, k >= 1: only entries with two
  // elements or more can pass, so the scan reads the column's list of those rows
  let multiOnly: ArrayColumn | null = null;
  let afterJson = false;
  for (const s of stages) {
    if (s.kind === 'json') afterJson = true;
    else if (s.kind === 'labelFilter') {
      const p = compileFilter(s.expr, resolver(afterJson, false), streams);
      if (!p) return null;
      preds.push(p);
      if (afterJson && s.expr.kind === 'string' && !s.expr.matcher.matches('')) {
        const e = extracted.get(s.expr.matcher.label);
        if (e && !('number' in e) && e.element && e.element.index >= 1) multiOnly = e.element.column;
      }
    }
  }
  const postPreds: Pred[] = [];
  for (const f of agg.unwrap?.postFilters ?? []) {
    const p = compileFilter(f, resolver(true, true), streams);
    if (!p) return null;
    postPreds.push(p);
  }

  // series key: a class of the stream's kept labels, then the kept extracted labels' text ids
  const groupings = [agg.grouping, input.preGroup].filter((g): g is Grouping => g !== null);
  const { by, without } = seriesLabels(groupings, new Set(agg.unwrap ? [agg.unwrap.label] : []));
  const keptExtracted: [string, Extracted][] = [];
  const streamKept = (l: string): boolean => !extracted.has(l);
  if (by) {
    for (const l of by) {
      const e = extracted.get(l);
      if (e && !('number' in e)) keptExtracted.push([l, e]);
    }
  } else {
    for (const [l, e] of extracted) if (!without.has(l) && !('number' in e)) keptExtracted.push([l, e]);
  }
  const classOf = new Int32Array(streams.reduce((a, s) => Math.max(a, s.id), 0) + 1);
  const classLabels: Labels[] = [];
  const classByKey = new Map<string, number>();
  for (const s of streams) {
    const kept: Labels = {};
    if (by) {
      for (const l of by)
        if (streamKept(l) && s.labels[l] !== undefined && s.labels[l] !== '') kept[l] = s.labels[l];
    } else {
      for (const [l, v] of Object.entries(s.labels)) if (!without.has(l) && v !== '') kept[l] = v;
    }
    const k = JSON.stringify(Object.entries(kept));
    let c = classByKey.get(k);
    if (c === undefined) {
      c = classLabels.length;
      classLabels.push(kept);
      classByKey.set(k, c);
    }
    classOf[s.id] = c;
  }
  const radices = [classLabels.length, ...keptExtracted.map(([, e]) => e.dict.size)];
  const numericKeys = radices.reduce((a, b) => a * Math.max(1, b), 1) <= Number.MAX_SAFE_INTEGER;

  // time: offsets from the first evaluation time, in ns, as doubles
  const m = times.length;
  const t0 = times[0]!;
  const stepNs = m > 1 ? Number(times[1]! - t0) : 1;
  const rangeNs = Number(agg.rangeNs);
  const endD = Number(input.scanEnd - t0);
  if (m === 0 || rangeNs + endD >= MAX_SPAN_NS || endD < 0) return null;
  let t0Sec = t0 / 1_000_000_000n;
  let t0Ns = t0 % 1_000_000_000n;
  if (t0Ns < 0n) {
    t0Ns += 1_000_000_000n;
    t0Sec -= 1n;
  }
  const t0s = Number(t0Sec);
  const t0n = Number(t0Ns);

  const { op } = agg;
  const maxStream = streams.reduce((a, s) => Math.max(a, s.id), 0);
  const inStream = new Uint8Array(maxStream + 1);
  for (const s of streams) inStream[s.id] = 1;
  const checkFlags = FLAG_METADATA | (json ? FLAG_NOT_JSON : 0);

  const seriesOf = new Map<number | string, number>();
  const width = radices.length;
  let nSeries = 0;
  let cap = 64;
  let comps = new Uint32Array(cap * width);
  let sums = new Float64Array(cap * m);
  let counts = new Float64Array(cap * m);
  const first: number[] = []; // row of the first sample (rows are in id order)
  const firstD: number[] = [];
  const comp: number[] = new Array(radices.length).fill(0);

  const rowCount = multiOnly ? multiOnly.multiCount : columns.count;
  const generation = columns.generation;
  let scanned = 0;
  let sliceStart = performance.now();
  for (let base = 0; base < rowCount; base += SCAN_CHUNK) {
    if (base > 0 && performance.now() - sliceStart > YIELD_EVERY_MS) {
      await yieldToLoop();
      // compaction renumbers rows: start over through the pipeline
      if (columns.generation !== generation || input.signal?.aborted) return null;
      sliceStart = performance.now();
    }
    const { sec, nsec, stream, flags, lineBytes } = columns;
    const stop = Math.min(rowCount, base + SCAN_CHUNK);
    const list = multiOnly ? multiOnly.multi : null;
    for (let q = base; q < stop; q++) {
      const r = list ? list[q]! : q;
      const f = flags[r]!;
      if (f & FLAG_DEAD) continue;
      const sid = stream[r]!;
      if (inStream[sid] !== 1) continue;
      const d = (sec[r]! - t0s) * 1e9 + (nsec[r]! - t0n);
      if (d <= -rangeNs || d > endD) continue;
      scanned++;
      if (f & checkFlags) return null;
      let pass = true;
      for (const p of preds)
        if (!p(r, sid, false)) {
          pass = false;
          break;
        }
      if (!pass) continue;
      let value = 1;
      if (unwrapped) {
        const st = unwrapped.state[r]!;
        if (st === NUMBER_NONE) continue; // Loki: no label, no sample
        const err = st === NUMBER_ERROR;
        for (const p of postPreds)
          if (!p(r, sid, err)) {
            pass = false;
            break;
          }
        if (!pass) continue;
        if (err) return null; // the pipeline refuses the query, with Loki's message
        value = unwrapped.value[r]!;
      } else if (op === 'bytes_over_time' || op === 'bytes_rate') value = lineBytes[r]!;

      comp[0] = classOf[sid]!;
      for (let k = 0; k < keptExtracted.length; k++) comp[k + 1] = keptExtracted[k]![1].idAt(r);
      let key: number | string;
      if (numericKeys) {
        key = 0;
        for (let k = 0; k < radices.length; k++) key = key * radices[k]! + comp[k]!;
      } else key = comp.join(',');
      let si = seriesOf.get(key);
      if (si === undefined) {
        si = nSeries++;
        seriesOf.set(key, si);
        if (si === cap) {
          cap *= 2;
          const grow = <T extends Float64Array | Uint32Array>(a: T, n: number): T => {
            const b = new (a.constructor as new (n: number) => T)(n);
            b.set(a);
            return b;
          };
          comps = grow(comps, cap * width);
          sums = grow(sums, cap * m);
          counts = grow(counts, cap * m);
        }
        for (let k = 0; k < width; k++) comps[si * width + k] = comp[k]!;
        first.push(r);
        firstD.push(d);
      } else if (d < firstD[si]!) {
        // rows are in id order, the pipeline reads in (ts, id) order: an older sample comes first
        first[si] = r;
        firstD[si] = d;
      }
      // evaluation times t_j = t0 + j·step with t_j - range < ts <= t_j: j·step in [d, d + range)
      let jLo = d <= 0 ? 0 : Math.ceil(d / stepNs);
      while (jLo > 0 && (jLo - 1) * stepNs >= d) jLo--;
      while (jLo * stepNs < d) jLo++;
      const limit = d + rangeNs - 1;
      let jHi = Math.floor(limit / stepNs);
      while (jHi * stepNs > limit) jHi--;
      while ((jHi + 1) * stepNs <= limit) jHi++;
      if (jHi > m - 1) jHi = m - 1;
      for (let j = jLo, o = si * m + jLo; j <= jHi; j++, o++) {
        sums[o] = sums[o]! + value;
        counts[o] = counts[o]! + 1;
      }
    }
  }

  const rangeS = rangeNs / 1e9;
  const order = Array.from({ length: nSeries }, (_, i) => i).sort(
    (a, b) => firstD[a]! - firstD[b]! || first[a]! - first[b]!,
  );
  const pointAt = (si: number, j: number): number | undefined => {
    const o = si * m + j;
    const c = counts[o]!;
    if (c === 0) return undefined;
    return op === 'count_over_time'
      ? c
      : op === 'rate'
        ? c / rangeS
        : op === 'bytes_rate'
          ? sums[o]! / rangeS
          : sums[o];
  };
  // topk/bottomk as metric-eval.ts does it (same order in, same stable sort), on numbers only
  let keptAt: Map<number, Set<number>> | null = null;
  if (input.top) {
    keptAt = new Map();
    const sign = input.top.op === 'topk' ? -1 : 1;
    for (let j = 0; j < m; j++) {
      const present: { si: number; v: number }[] = [];
      for (const si of order) {
        const v = pointAt(si, j);
        if (v !== undefined) present.push({ si, v });
      }
      present.sort((a, b) => sign * (a.v - b.v));
      for (const { si } of present.slice(0, input.top.k)) {
        let set = keptAt.get(si);
        if (!set) keptAt.set(si, (set = new Set()));
        set.add(j);
      }
    }
  }
  const evaluated: Evaluated[] = [];
  for (const si of order) {
    if (keptAt && !keptAt.has(si)) continue;
    const keptTimes = keptAt?.get(si);
    const points: (number | undefined)[] = new Array(m);
    let any = false;
    for (let j = 0; j < m; j++) {
      if (keptTimes && !keptTimes.has(j)) continue;
      const v = pointAt(si, j);
      if (v === undefined) continue;
      any = true;
      points[j] = v;
    }
    if (!any) continue;
    const ids = comps.subarray(si * width, (si + 1) * width);
    const labels: Labels = {};
    const cls = classLabels[ids[0]!]!;
    if (by) {
      for (const l of by) {
        const e = keptExtracted.findIndex(([name]) => name === l);
        const v = e >= 0 ? keptExtracted[e]![1].dict.texts[ids[e + 1]!]! : cls[l];
        if (v !== undefined && v !== '') labels[l] = v;
      }
    } else {
      Object.assign(labels, cls);
      keptExtracted.forEach(([l, e], k) => {
        const v = e.dict.texts[ids[k + 1]!]!;
        if (v !== '') labels[l] = v;
      });
    }
    evaluated.push({ labels, points });
  }
  return { evaluated, entriesScanned: scanned };
}

// The range aggregation of a metric query answered from the column index (entry-columns.ts)
// instead of reading and parsing every line of the range — when the query has a shape the index
// can answer exactly, else null and the store runs the pipeline (metric-eval.ts):
//  - no line filters but the backend's array filters (`interfaces=net1`…), answered from the
//    array's text per row (array-line-filter.ts); at most one `| json` stage, with parameters, whose paths are indexed fields
//    (`Field` of STRING_FIELDS, `Field[k]` of ARRAY_FIELDS, and NUMBER_FIELDS only as the
//    unwrapped label; the interface/direction pairing's `IfDirections[k]` and singular keys from
//    the arrays' texts, line-array-elements.ts); an extracted label a stream already has is `<label>_extracted` there;
//  - label filters of string matchers (`= != =~ !~`, and/or) on stream labels, extracted labels
//    and `__error__`; numeric comparisons fall back;
//  - `sum_over_time` only over `| unwrap` of an indexed number field, filters after it as above,
//    of integers whose sum stays exact (below 2^53): then no order of additions shows.
// The scan meets an entry the index cannot describe (a line that is not JSON when the query
// parses JSON, structured metadata, a sample with an error that no filter drops) → null as well,
// so the pipeline gives Loki's answer (or its error).
// Cost per entry read is what makes the overview fast or slow (1 M entries, up to 6 queries per
// request): filters that read no extracted label (stream labels, the namespace scope, `__error__`
// after unwrap) are decided once per stream; a matcher on an extracted label runs once per
// distinct text (memo) and is checked inline, or once per stream when its rows all hold "" there
// or all another text (streamTexts); series are keyed by integer tuples in a typed-array table
// (series-table.ts), the address pair by its id (pair-column.ts); blocks of rows whose times lie
// outside the range are skipped (the columns' zone map), and chunks holding no stream that may
// count (chunk-rollup.ts's stream masks). Each entry adds to the evaluation times whose
// (t - range, t] holds it, as SampleCollector does; series keep the order of their first sample
// by (ts, id), the pipeline's scan order, so topk ties break the same way (top-select.ts picks
// the k without a full sort).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  ARRAY_FIELDS,
  BLOCK_SHIFT,
  FLAG_ARRAYS_ODD,
  FLAG_DEAD,
  FLAG_METADATA,
  FLAG_NOT_JSON,
  NUMBER_ERROR,
  NUMBER_FIELDS,
  NUMBER_NONE,
  STRING_FIELDS,
  TEXT_EMPTY,
  TEXT_OTHER,
  type ArrayColumn,
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
import { DUPLICATE_SUFFIX } from './json-labels.ts';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, type Labels } from './pipeline.ts';
import {
  CHUNK_ROWS,
  CHUNK_SHIFT,
  MASK_BITS,
  MASK_WORDS,
  type ChunkRollup,
  type NumberTotals,
} from './chunk-rollup.ts';
import type { PairColumn } from './pair-column.ts';
import { lineArrayCheck, linePasses, LINE_ARRAY_FIELDS, type LineArrayCheck } from './array-line-filter.ts';
import { elementTexts, emptyTexts, type TextTable } from './line-array-elements.ts';
import { SINGULAR_FIELD } from '../../logql/array-element-regex.ts';
import { giveArray, growArray } from './scratch-arrays.ts';
import { SeriesTable } from './series-table.ts';
import { selectTop } from './top-select.ts';

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
  /** chunks added up from their totals instead of row by row (chunk-rollup.ts) */
  chunksSummed: number;
  /** chunks passed over: no stream of theirs could count */
  chunksSkipped: number;
  /** how each scan's series table found series (series-table.ts): 'dense', 'led' or 'hashed' */
  seriesTables: string[];
}

/**
 * Where a label's text id is read per entry: a string column, or element `index` of an array
 * column. Typed arrays captured when the query starts: appends may replace a column's arrays
 * with larger copies, but the old ones still hold every row the scan reads (rows below the
 * count at its start), and compaction, which renumbers rows, makes the scan give up.
 */
interface ColumnRef {
  /** the string column's field (pairs of fields have ids of their own: pair-column.ts); null for an array element */
  field: string | null;
  dict: TextTable;
  /** string column: the id per row; array column: its flat element data */
  ids: Uint32Array;
  /** array column: per row, the offset of its elements in `ids`, and their count; null for a string column */
  offset: Uint32Array | null;
  length: Uint32Array | null;
  index: number;
  /** `Field[k]`: the array column (its list of rows with two elements or more) */
  array: ArrayColumn | null;
  /** read from the array texts kept for line filters (line-array-elements.ts): rows marked FLAG_ARRAYS_ODD make the scan give up */
  fromLineText?: true;
}

function idAt(ref: ColumnRef, r: number): number {
  const offset = ref.offset;
  if (offset === null) return ref.ids[r]!;
  return ref.index < ref.length![r]! ? ref.ids[offset[r]! + ref.index]! : 0;
}

type Source =
  | { kind: 'absent' }
  | { kind: 'stream'; label: string }
  | { kind: 'extracted'; ref: ColumnRef }
  | { kind: 'error' };

type Pred = (row: number, streamId: number, error: boolean) => boolean;

/** A compiled label filter; `rowDependent` false when it reads only stream labels, `__error__` or absent labels. */
interface CompiledFilter {
  pred: Pred;
  rowDependent: boolean;
}

/** A string matcher on one extracted label, run once per distinct text (memo: 0 not yet, 1 matches, 2 does not). */
interface MemoCheck {
  ref: ColumnRef;
  matcher: CompiledMatcher;
  memo: Uint8Array;
  texts: readonly string[];
}

/** Rows per scan step (a block of the zone map); the scan yields to the event loop between steps. */
const STEP_ROWS = 1 << BLOCK_SHIFT;
const YIELD_EVERY_MS = 20;
/** Time offsets are computed in doubles: exact below 2^53 ns; keep a margin. */
const MAX_SPAN_NS = 2 ** 52;

const STRING_SET: ReadonlySet<string> = new Set(STRING_FIELDS);
const ARRAY_SET: ReadonlySet<string> = new Set(ARRAY_FIELDS);
const NUMBER_SET: ReadonlySet<string> = new Set(NUMBER_FIELDS);
const LINE_ARRAY_SET: ReadonlySet<string> = new Set(LINE_ARRAY_FIELDS);
/** `Interface` → `Interfaces`: the singular keys of older NetObserv records, by their arrays */
const PLURAL_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(SINGULAR_FIELD).map(([plural, singular]) => [singular, plural]),
);

function extractedOf(
  columns: EntryColumns,
  path: (string | number)[],
): ColumnRef | { number: NumberColumn } | null {
  const [field, index] = path;
  if (typeof field !== 'string') return null;
  if (path.length === 1 && STRING_SET.has(field)) {
    const c = columns.strings.get(field)!;
    return { field, dict: c.dict, ids: c.ids, offset: null, length: null, index: 0, array: null };
  }
  if (path.length === 1 && NUMBER_SET.has(field)) return { number: columns.numbers.get(field)! };
  if (path.length === 2 && typeof index === 'number' && ARRAY_SET.has(field)) {
    const c = columns.arrays.get(field)!;
    return { field: null, dict: c.dict, ids: c.data, offset: c.offset, length: c.length, index, array: c };
  }
  // the pairing's other extractions, from the arrays' texts (line-array-elements.ts)
  const lineText = (ids: Uint32Array, dict: TextTable): ColumnRef => ({
    field: null,
    dict,
    ids,
    offset: null,
    length: null,
    index: 0,
    array: null,
    fromLineText: true,
  });
  if (path.length === 2 && typeof index === 'number' && LINE_ARRAY_SET.has(field)) {
    const c = columns.lineArrays.get(field)!;
    return lineText(c.ids, elementTexts(c.dict, index));
  }
  const plural = path.length === 1 ? PLURAL_OF.get(field) : undefined;
  if (plural !== undefined) {
    const c = columns.lineArrays.get(plural)!;
    return lineText(c.ids, emptyTexts(c.dict));
  }
  return null;
}

function compileFilter(
  e: LabelFilterExpr,
  resolve: (label: string) => Source | null,
  streams: readonly FastStream[],
): CompiledFilter | null {
  switch (e.kind) {
    case 'and':
    case 'or': {
      const l = compileFilter(e.left, resolve, streams);
      const r = compileFilter(e.right, resolve, streams);
      if (!l || !r) return null;
      const [lp, rp] = [l.pred, r.pred];
      return {
        pred:
          e.kind === 'and'
            ? (row, s, err) => lp(row, s, err) && rp(row, s, err)
            : (row, s, err) => lp(row, s, err) || rp(row, s, err),
        rowDependent: l.rowDependent || r.rowDependent,
      };
    }
    case 'number':
      return null; // LabelFilterErr semantics: left to the pipeline
    case 'ip':
      return null; // ip("…") filters: left to the pipeline
    case 'string':
      return compileMatcher(e.matcher, resolve, streams);
  }
}

function compileMatcher(
  m: CompiledMatcher,
  resolve: (label: string) => Source | null,
  streams: readonly FastStream[],
): CompiledFilter | null {
  const src = resolve(m.label);
  if (!src) return null;
  switch (src.kind) {
    case 'absent': {
      const v = m.matches('');
      return { pred: () => v, rowDependent: false };
    }
    case 'error': {
      const ok = m.matches('');
      const bad = m.matches('SampleExtractionErr');
      return { pred: (_r, _s, err) => (err ? bad : ok), rowDependent: false };
    }
    case 'stream': {
      const byStream = new Map<number, boolean>();
      for (const s of streams) byStream.set(s.id, m.matches(s.labels[src.label] ?? ''));
      return { pred: (_r, s) => byStream.get(s) === true, rowDependent: false };
    }
    case 'extracted': {
      const check = memoCheck(src.ref, m);
      return { pred: (r) => passes(check, r), rowDependent: true };
    }
  }
}

function memoCheck(ref: ColumnRef, matcher: CompiledMatcher): MemoCheck {
  return { ref, matcher, memo: new Uint8Array(ref.dict.size), texts: ref.dict.texts };
}

const STRING_INDEX: ReadonlyMap<string, number> = new Map(STRING_FIELDS.map((f, i) => [f, i]));

/**
 * What a check answers for every row of stream `sid`, from the texts its rows hold (streamTexts
 * of the column index): true or false, or null when rows may differ.
 */
function streamOutcome(c: MemoCheck, sid: number, streamTexts: Uint8Array): boolean | null {
  const f = c.ref.field === null ? undefined : STRING_INDEX.get(c.ref.field);
  if (f === undefined) return null;
  const bits = streamTexts[sid * STRING_FIELDS.length + f] ?? 0;
  let answer: boolean | null = null;
  if (bits & TEXT_EMPTY) answer = c.matcher.matches('');
  if (bits & TEXT_OTHER) {
    // every other text: known for `= ""` and `!= ""` only
    const m = c.matcher;
    const other = m.value === '' && (m.op === '=' || m.op === '!=') ? m.op === '!=' : null;
    if (other === null || (answer !== null && answer !== other)) return null;
    answer = other;
  }
  return answer ?? true; // no row of the stream in the index: nothing to check
}

function passes(c: MemoCheck, r: number): boolean {
  const id = idAt(c.ref, r);
  let v = c.memo[id]!;
  if (v === 0) {
    v = c.matcher.matches(c.texts[id]!) ? 1 : 2;
    c.memo[id] = v;
  }
  return v === 1;
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
 *
 * An extracted label that a stream already has is named `<label>_extracted` in that stream's
 * entries, as Loki names it (the agent puts IfK8S_Namespace both in the line and, when known, in
 * the stream labels, and the overview's interface queries extract it): streams are split by which
 * extracted labels they clash with, each part is scanned with its own names, and the series of the
 * parts are merged by their labels (every range aggregation here adds up over entries).
 */
export async function evaluateFromColumns(input: FastRangeInput): Promise<FastRangeResult | null> {
  const { agg, columns, streams } = input;
  const stages = agg.log.pipeline;
  // line filters: only the backend's array filters, each checked through its array's text per row
  const lineChecks: LineArrayCheck[] = [];
  for (const s of stages) {
    if (s.kind !== 'line') continue;
    const c = lineArrayCheck(s.filter, (field) => columns.lineArrays.get(field)?.dict);
    if (!c) return null;
    lineChecks.push(c);
  }
  const jsonStages = stages.filter((s) => s.kind === 'json');
  if (jsonStages.length > 1) return null;
  const json = jsonStages[0];
  if (json && json.extractions === null) return null;
  const extractions = json?.extractions ?? [];
  for (const x of extractions) if (x.label.startsWith('__')) return null;

  const parts = new Map<string, { clashes: Set<string>; streams: FastStream[] }>();
  for (const s of streams) {
    const clashes = new Set(extractions.filter((x) => Object.hasOwn(s.labels, x.label)).map((x) => x.label));
    const k = [...clashes].sort().join('\n');
    let part = parts.get(k);
    if (!part) parts.set(k, (part = { clashes, streams: [] }));
    part.streams.push(s);
  }
  if (parts.size === 0) parts.set('', { clashes: new Set(), streams: [] });
  // rows of the parts' scans are compared (first samples): all of one numbering of rows
  const generation = columns.generation;
  const sets: SeriesSet[] = [];
  for (const part of parts.values()) {
    // extracted labels (the last extraction of a label wins, at the place of its first, as in a Map)
    const extracted = new Map<string, ColumnRef | { number: NumberColumn }>();
    for (const x of extractions) {
      const e = extractedOf(columns, x.path);
      if (!e) return null;
      extracted.set(part.clashes.has(x.label) ? x.label + DUPLICATE_SUFFIX : x.label, e);
    }
    // a renamed label clashing again, or an unwrapped number named as a stream label: the pipeline
    for (const s of part.streams)
      for (const l of extracted.keys()) if (Object.hasOwn(s.labels, l)) return null;
    const set = await scanPart(input, part.streams, extracted, json !== undefined, lineChecks);
    if (!set) return null;
    sets.push(set);
  }
  let absTotal = 0;
  for (const set of sets) absTotal += set.absTotal;
  // sums of integers below 2^53 are exact in any order; past it, or with fractions, the order of
  // additions shows (the pipeline adds in time order): the pipeline answers
  if (absTotal > Number.MAX_SAFE_INTEGER || columns.generation !== generation) return null;
  const all = sets.length === 1 ? sets[0]! : mergeSets(sets, input.times.length);
  let scanned = 0;
  let chunksSummed = 0;
  let chunksSkipped = 0;
  for (const set of sets) {
    scanned += set.scanned;
    chunksSummed += set.chunksSummed;
    chunksSkipped += set.chunksSkipped;
  }
  const seriesTables = sets.map((set) => set.seriesTable);
  const evaluated = finish(all, input);
  // the points are copied out: the series' arrays go back for the next query (scratch-arrays.ts)
  for (const set of sets) set.release();
  return {
    evaluated,
    entriesScanned: scanned,
    chunksSummed,
    chunksSkipped,
    seriesTables,
  };
}

/**
 * The series one scan found: per series and evaluation time the sum and count of its samples,
 * its first sample (offset from the first evaluation time, row), and its labels.
 */
interface SeriesSet {
  count: number;
  sums: Float64Array;
  counts: Float64Array;
  firstD: Float64Array;
  first: Float64Array;
  labelsOf(si: number): Labels;
  scanned: number;
  chunksSummed: number;
  chunksSkipped: number;
  seriesTable: string;
  /** gives its arrays back (scratch-arrays.ts): nothing of the set is read afterwards */
  release(): void;
  /** the sum of the samples' magnitudes (exactness of the sums) */
  absTotal: number;
}

/** Scans the rows of some streams, the extracted labels named as in their entries. */
async function scanPart(
  input: FastRangeInput,
  streams: FastStream[],
  extracted: Map<string, ColumnRef | { number: NumberColumn }>,
  json: boolean,
  lineChecks: LineArrayCheck[],
): Promise<SeriesSet | null> {
  const { agg, columns, times } = input;
  const stages = agg.log.pipeline;

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
      if (e) return 'number' in e ? null : { kind: 'extracted', ref: e };
      return { kind: 'stream', label };
    };

  const maxStream = streams.reduce((a, s) => Math.max(a, s.id), 0);
  const inStream = new Uint8Array(maxStream + 1);
  for (const s of streams) inStream[s.id] = 1;
  // streams whose entries pass the filters that read no extracted label (the namespace scope,
  // filters on stream labels): decided once per stream, not per entry
  const streamPasses = new Uint8Array(maxStream + 1);
  for (const s of streams) streamPasses[s.id] = 1;
  const checks: MemoCheck[] = [];
  const rowPreds: Pred[] = [];
  for (const c of lineChecks) {
    // the ids as the query starts: rows appended later are not read (see ColumnRef)
    const ids = columns.lineArrays.get(c.field)!.ids;
    rowPreds.push((r) => linePasses(c, ids[r]!));
  }
  // a filter every entry must pass that refuses "" for `Field[k]`, k >= 1: only entries with two
  // elements or more can pass, so the scan reads the column's list of those rows
  let multiOnly: ArrayColumn | null = null;
  let afterJson = false;
  for (const s of stages) {
    if (s.kind === 'json') afterJson = true;
    else if (s.kind === 'labelFilter') {
      const resolve = resolver(afterJson, false);
      const src = s.expr.kind === 'string' ? resolve(s.expr.matcher.label) : null;
      if (s.expr.kind === 'string' && src?.kind === 'extracted') {
        // one matcher on one extracted label (the overview's filters): checked inline in the scan
        checks.push(memoCheck(src.ref, s.expr.matcher));
        const { array, index } = src.ref;
        if (array && index >= 1 && !s.expr.matcher.matches('')) multiOnly = array;
        continue;
      }
      const c = compileFilter(s.expr, resolve, streams);
      if (!c) return null;
      if (!c.rowDependent) {
        for (const st of streams) if (!c.pred(-1, st.id, false)) streamPasses[st.id] = 0;
      } else rowPreds.push(c.pred);
    }
  }
  // filters after unwrap: those that read no extracted label as a table per stream and error state
  const postFixed: Pred[] = [];
  const postRow: Pred[] = [];
  for (const f of agg.unwrap?.postFilters ?? []) {
    const c = compileFilter(f, resolver(true, true), streams);
    if (!c) return null;
    (c.rowDependent ? postRow : postFixed).push(c.pred);
  }
  const postPasses = new Uint8Array((maxStream + 1) * 2);
  for (const st of streams)
    for (const err of [0, 1])
      postPasses[st.id * 2 + err] = postFixed.every((p) => p(-1, st.id, err === 1)) ? 1 : 0;
  // a check on a string column decided once for a stream whose rows all hold "" there, or all
  // another text, when the matcher answers the same for those (entry-columns.ts, streamTexts):
  // the overview's pair queries (`SrcK8S_Name != ""` …) on the agent's streams, which carry the
  // namespaces as labels. Rows of the other streams are checked one by one.
  const rowChecks = new Uint8Array(maxStream + 1);
  let anyRowChecks = false;
  for (const st of streams) {
    for (const c of checks) {
      const v = streamOutcome(c, st.id, columns.streamTexts);
      if (v === false) streamPasses[st.id] = 0;
      else if (v === null) rowChecks[st.id] = 1;
    }
    if (rowChecks[st.id] === 1 && streamPasses[st.id] === 1) anyRowChecks = true;
  }

  // series key: a class of the stream's kept labels, then the kept extracted labels' text ids
  const groupings = [agg.grouping, input.preGroup].filter((g): g is Grouping => g !== null);
  const { by, without } = seriesLabels(groupings, new Set(agg.unwrap ? [agg.unwrap.label] : []));
  const kept: [string, ColumnRef][] = [];
  const streamKept = (l: string): boolean => !extracted.has(l);
  if (by) {
    for (const l of by) {
      const e = extracted.get(l);
      if (e && !('number' in e)) kept.push([l, e]);
    }
  } else {
    for (const [l, e] of extracted) if (!without.has(l) && !('number' in e)) kept.push([l, e]);
  }
  // two kept labels that are a pair of columns with ids of their own (the address pair,
  // pair-column.ts): one key component, the pair id, first, leading the series table
  const pair = pairOf(columns, kept);
  const partOf = kept.map((_, e): number => (pair && (e === pair.leftAt || e === pair.rightAt) ? -1 : 0));
  const parts: ColumnRef[] = [];
  kept.forEach(([, ref], e) => {
    if (partOf[e] === -1) return;
    partOf[e] = parts.length;
    parts.push(ref);
  });
  const pairIds = pair ? pair.ids : null;
  // key: [pair id,] the class of the stream's kept labels, the other kept labels' text ids
  const classAt = pair ? 1 : 0;
  const classOf = new Int32Array(maxStream + 1);
  const classLabels: Labels[] = [];
  const classByKey = new Map<string, number>();
  for (const s of streams) {
    const labels: Labels = {};
    if (by) {
      for (const l of by)
        if (streamKept(l) && s.labels[l] !== undefined && s.labels[l] !== '') labels[l] = s.labels[l];
    } else {
      for (const [l, v] of Object.entries(s.labels)) if (!without.has(l) && v !== '') labels[l] = v;
    }
    const k = JSON.stringify(Object.entries(labels));
    let c = classByKey.get(k);
    if (c === undefined) {
      c = classLabels.length;
      classLabels.push(labels);
      classByKey.set(k, c);
    }
    classOf[s.id] = c;
  }
  const width = classAt + 1 + parts.length;
  const key = new Uint32Array(width);

  // time: offsets from the first evaluation time, in ns, as doubles
  const m = times.length;
  if (m === 0) return null;
  const t0 = times[0]!;
  const stepNs = m > 1 ? Number(times[1]! - t0) : 1;
  const rangeNs = Number(agg.rangeNs);
  const endD = Number(input.scanEnd - t0);
  if (rangeNs + endD >= MAX_SPAN_NS || endD < 0) return null;
  let t0Sec = t0 / 1_000_000_000n;
  let t0Ns = t0 % 1_000_000_000n;
  if (t0Ns < 0n) {
    t0Ns += 1_000_000_000n;
    t0Sec -= 1n;
  }
  const t0s = Number(t0Sec);
  const t0n = Number(t0Ns);

  const { op } = agg;
  const readsLineText = [...extracted.values()].some((e) => !('number' in e) && e.fromLineText === true);
  const checkFlags =
    FLAG_METADATA |
    (json ? FLAG_NOT_JSON : 0) |
    (lineChecks.length > 0 || readsLineText ? FLAG_ARRAYS_ODD : 0);
  let absTotal = 0;
  const addsLineBytes = !unwrapped && (op === 'bytes_over_time' || op === 'bytes_rate');

  let cap = 64;
  let sums = new Float64Array(cap * m);
  let counts = new Float64Array(cap * m);
  // per series, its first sample in the pipeline's scan order (ts, id): offset and row
  let firstD = new Float64Array(cap);
  let first = new Float64Array(cap);

  const rowCount = columns.count;
  const generation = columns.generation;
  // blocks of rows that may hold entries of (t0 - range, scanEnd] (zone map, whole seconds)
  const blockIn = new Uint8Array((rowCount >>> BLOCK_SHIFT) + 1);
  for (let b = 0; b < blockIn.length; b++) {
    const lo = columns.blockMinSec[b]!;
    const hi = columns.blockMaxSec[b]!;
    blockIn[b] = (hi - t0s + 1) * 1e9 <= -rangeNs || (lo - t0s - 1) * 1e9 >= endD ? 0 : 1;
  }
  const table = new SeriesTable(
    [...(pair ? [pair.size] : []), classLabels.length, ...parts.map((p) => p.dict.size)],
    pair ? pair.size : 0,
  );
  const steps = multiOnly ? multiOnly.multiCount : rowCount;
  const roll = rollupPlan({
    columns,
    unwrapped,
    time: { t0s, t0n, rangeNs, endD, stepNs, m },
    checkFlags,
    addsLineBytes,
    eligible:
      multiOnly === null &&
      kept.length === 0 &&
      !anyRowChecks &&
      rowPreds.length === 0 &&
      postRow.length === 0 &&
      classLabels.length === 1,
    inStream,
    streamPasses,
    postPasses,
  });
  const chunks: ChunkPlan = {
    roll,
    good: goodMask(streams, inStream, streamPasses),
    checkFlags,
    skipped: 0,
  };
  let scanned = 0;
  let chunksSummed = 0;
  let sliceStart = performance.now();
  for (let base = 0; base < steps; base += STEP_ROWS) {
    if (base > 0 && performance.now() - sliceStart > YIELD_EVERY_MS) {
      await yieldToLoop();
      // compaction renumbers rows: start over through the pipeline
      if (columns.generation !== generation || input.signal?.aborted) return null;
      sliceStart = performance.now();
    }
    const list = multiOnly ? multiOnly.multi : null;
    if (!list && blockIn[base >>> BLOCK_SHIFT] === 0) continue;
    const { sec, nsec, stream, flags, lineBytes } = columns;
    const numState = unwrapped?.state;
    const numValue = unwrapped?.value;
    const stop = Math.min(steps, base + STEP_ROWS);
    rows: for (let q = base; q < stop; q++) {
      if (
        list === null &&
        (q & (CHUNK_ROWS - 1)) === 0 &&
        passChunk(chunks, columns.rollup, q >>> CHUNK_SHIFT, q + CHUNK_ROWS <= rowCount)
      ) {
        q += CHUNK_ROWS - 1; // a whole chunk skipped or added up from its totals (chunk-rollup.ts)
        continue;
      }
      const r = list ? list[q]! : q;
      if (list && blockIn[r >>> BLOCK_SHIFT] === 0) continue;
      const f = flags[r]!;
      if (f & FLAG_DEAD) continue;
      const sid = stream[r]!;
      if (inStream[sid] !== 1) continue;
      const d = (sec[r]! - t0s) * 1e9 + (nsec[r]! - t0n);
      if (d <= -rangeNs || d > endD) continue;
      scanned++;
      if (f & checkFlags) return null;
      if (streamPasses[sid] !== 1) continue;
      if (rowChecks[sid] === 1)
        for (let c = 0; c < checks.length; c++) if (!passes(checks[c]!, r)) continue rows;
      for (let c = 0; c < rowPreds.length; c++) if (!rowPreds[c]!(r, sid, false)) continue rows;
      let value = 1;
      if (numState) {
        const st = numState[r]!;
        if (st === NUMBER_NONE) continue; // Loki: no label, no sample
        const err = st === NUMBER_ERROR;
        if (postPasses[sid * 2 + (err ? 1 : 0)] !== 1) continue;
        for (let c = 0; c < postRow.length; c++) if (!postRow[c]!(r, sid, err)) continue rows;
        if (err) return null; // the pipeline refuses the query, with Loki's message
        value = numValue![r]!;
        if (Math.floor(value) !== value) return null; // a fraction (or ±Inf, NaN): see absTotal
        absTotal += Math.abs(value);
      } else if (addsLineBytes) {
        value = lineBytes[r]!;
        absTotal += value;
      }

      if (pairIds !== null) key[0] = pairIds[r]!;
      key[classAt] = classOf[sid]!;
      for (let k = 0; k < parts.length; k++) key[classAt + 1 + k] = idAt(parts[k]!, r);
      const known = table.size;
      const si = table.find(key);
      if (si === known) {
        if (si === cap) {
          cap *= 2;
          sums = growArray(Float64Array, sums, cap * m);
          counts = growArray(Float64Array, counts, cap * m);
          firstD = growArray(Float64Array, firstD, cap);
          first = growArray(Float64Array, first, cap);
        }
        first[si] = r;
        firstD[si] = d;
      } else if (d < firstD[si]!) {
        // rows are in id order, the pipeline reads in (ts, id) order: an older sample comes first
        first[si] = r;
        firstD[si] = d;
      }
      if (m === 1) {
        // one evaluation time (the overview's whole-window queries): (t0 - range, t0] is d <= 0
        if (d <= 0) {
          sums[si] = sums[si]! + value;
          counts[si] = counts[si]! + 1;
        }
        continue;
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

  if (roll !== null && roll.samples > 0) {
    // the chunks' samples: the one series (class 0), its first sample the earliest by (time, row)
    key[0] = 0;
    const known = table.size;
    const si = table.find(key);
    if (si === known) {
      if (si === cap) {
        cap *= 2;
        sums = growArray(Float64Array, sums, cap * m);
        counts = growArray(Float64Array, counts, cap * m);
        firstD = growArray(Float64Array, firstD, cap);
        first = growArray(Float64Array, first, cap);
      }
      first[si] = roll.first;
      firstD[si] = roll.firstD;
    } else if (roll.firstD < firstD[si]! || (roll.firstD === firstD[si] && roll.first < first[si]!)) {
      first[si] = roll.first;
      firstD[si] = roll.firstD;
    }
    for (let j = 0, o = si * m; j < m; j++, o++) {
      sums[o] = sums[o]! + roll.sums[j]!;
      counts[o] = counts[o]! + roll.counts[j]!;
    }
  }
  if (roll !== null) {
    scanned += roll.scanned;
    chunksSummed += roll.chunks;
    absTotal += roll.absTotal;
  }

  const labelsOf = (si: number): Labels => {
    const ids = table.keys.subarray(si * width, (si + 1) * width);
    // kept label e's text id: its own key component, or a side of the pair
    const textOf = (e: number): string => {
      const p = partOf[e]!;
      const id =
        p >= 0
          ? ids[classAt + 1 + p]!
          : e === pair!.leftAt
            ? pair!.column.lefts[ids[0]!]!
            : pair!.column.rights[ids[0]!]!;
      return kept[e]![1].dict.texts[id]!;
    };
    const labels: Labels = {};
    const cls = classLabels[ids[classAt]!]!;
    if (by) {
      for (const l of by) {
        const e = kept.findIndex(([name]) => name === l);
        const v = e >= 0 ? textOf(e) : cls[l];
        if (v !== undefined && v !== '') labels[l] = v;
      }
    } else {
      Object.assign(labels, cls);
      kept.forEach(([l], e) => {
        const v = textOf(e);
        if (v !== '') labels[l] = v;
      });
    }
    return labels;
  };
  return {
    count: table.size,
    sums,
    counts,
    firstD,
    first,
    labelsOf,
    scanned,
    chunksSummed,
    chunksSkipped: chunks.skipped,
    seriesTable: table.mode,
    release: () => {
      table.release();
      for (const a of [sums, counts, firstD, first]) giveArray(a);
    },
    absTotal,
  };
}

/**
 * The pair of columns (pair-column.ts) two kept labels read, with their places in `kept`; its
 * ids as the query starts (pairs of later rows are not read; the lefts and rights of earlier
 * ones never change until a compaction, which replaces the PairColumn and makes the scan give up).
 */
function pairOf(
  columns: EntryColumns,
  kept: [string, ColumnRef][],
): { column: PairColumn; ids: Uint32Array; size: number; leftAt: number; rightAt: number } | null {
  for (const column of columns.pairs) {
    const leftAt = kept.findIndex(([, ref]) => ref.field === column.left);
    const rightAt = kept.findIndex(([, ref]) => ref.field === column.right);
    if (leftAt >= 0 && rightAt >= 0) return { column, ids: column.ids, size: column.size, leftAt, rightAt };
  }
  return null;
}

/** Series of several scans with the same labels added up; labels and first sample of the earliest. */
function mergeSets(sets: SeriesSet[], m: number): SeriesSet {
  const index = new Map<string, number>();
  const merged: {
    labels: Labels;
    firstD: number;
    first: number;
    sums: Float64Array;
    counts: Float64Array;
  }[] = [];
  for (const set of sets) {
    for (let si = 0; si < set.count; si++) {
      const labels = set.labelsOf(si);
      const k = labelsKey(labels);
      const sums = set.sums.subarray(si * m, (si + 1) * m);
      const counts = set.counts.subarray(si * m, (si + 1) * m);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, merged.length);
        merged.push({
          labels,
          firstD: set.firstD[si]!,
          first: set.first[si]!,
          sums: sums.slice(),
          counts: counts.slice(),
        });
        continue;
      }
      const s = merged[at]!;
      for (let j = 0; j < m; j++) {
        s.sums[j] = s.sums[j]! + sums[j]!;
        s.counts[j] = s.counts[j]! + counts[j]!;
      }
      const d = set.firstD[si]!;
      const r = set.first[si]!;
      if (d < s.firstD || (d === s.firstD && r < s.first)) Object.assign(s, { labels, firstD: d, first: r });
    }
  }
  const n = merged.length;
  const out: SeriesSet = {
    count: n,
    sums: new Float64Array(n * m),
    counts: new Float64Array(n * m),
    firstD: Float64Array.from(merged, (s) => s.firstD),
    first: Float64Array.from(merged, (s) => s.first),
    labelsOf: (si) => merged[si]!.labels,
    scanned: 0,
    chunksSummed: 0,
    chunksSkipped: 0,
    seriesTable: 'merged',
    release: () => {},
    absTotal: 0,
  };
  merged.forEach((s, si) => {
    out.sums.set(s.sums, si * m);
    out.counts.set(s.counts, si * m);
  });
  return out;
}

function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** The range aggregation's points of the series, with topk/bottomk right above when planned. */
function finish(set: SeriesSet, input: FastRangeInput): Evaluated[] {
  const { sums, counts, firstD, first } = set;
  const nSeries = set.count;
  const m = input.times.length;
  const { op } = input.agg;
  const rangeS = Number(input.agg.rangeNs) / 1e9;
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
  // the pipeline's order of series: by their first sample
  const before = (a: number, b: number): boolean =>
    firstD[a]! < firstD[b]! || (firstD[a] === firstD[b] && first[a]! < first[b]!);
  const inOrder = (list: number[]): number[] =>
    list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  let order: number[] | null = null;
  const allInOrder = (): number[] => (order ??= inOrder(Array.from({ length: nSeries }, (_, i) => i)));

  // topk/bottomk as metric-eval.ts does it, on numbers only (top-select.ts)
  let keptAt: Map<number, Set<number>> | null = null;
  if (input.top) {
    keptAt = new Map();
    const { k } = input.top;
    const sign = input.top.op === 'topk' ? -1 : 1;
    for (let j = 0; j < m; j++) {
      let chosen = selectTop(nSeries, (si) => pointAt(si, j), k, sign, before);
      if (chosen === null) {
        // a value that is not finite: the same sort as metric-eval.ts, over the same order
        const present: { si: number; v: number }[] = [];
        for (const si of allInOrder()) {
          const v = pointAt(si, j);
          if (v !== undefined) present.push({ si, v });
        }
        present.sort((a, b) => sign * (a.v - b.v));
        chosen = present.slice(0, k).map((p) => p.si);
      }
      for (const si of chosen) {
        let at = keptAt.get(si);
        if (!at) keptAt.set(si, (at = new Set()));
        at.add(j);
      }
    }
  }
  const emitted = keptAt ? inOrder([...keptAt.keys()]) : allInOrder();
  const evaluated: Evaluated[] = [];
  for (const si of emitted) {
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
    const labels = set.labelsOf(si);
    evaluated.push({ labels, points });
  }
  return evaluated;
}

/** Evaluation times whose (t - range, t] holds an entry at offset d: the first, as the scan computes it. */
function firstWindow(d: number, stepNs: number): number {
  let j = d <= 0 ? 0 : Math.ceil(d / stepNs);
  while (j > 0 && (j - 1) * stepNs >= d) j--;
  while (j * stepNs < d) j++;
  return j;
}

/** … and the last (may be below the first: none). */
function lastWindow(d: number, rangeNs: number, stepNs: number, m: number): number {
  const limit = d + rangeNs - 1;
  let j = Math.floor(limit / stepNs);
  while (j * stepNs > limit) j--;
  while ((j + 1) * stepNs <= limit) j++;
  return j > m - 1 ? m - 1 : j;
}

interface RollupPlan {
  /** stream-mask bits of the streams whose entries do not all count (chunk-rollup.ts) */
  bad: Uint32Array;
  /** the unwrapped field's chunk totals; null without unwrap */
  number: NumberTotals | null;
  /** a sample with an error is dropped in every stream that counts */
  errorsDropped: boolean;
  checkFlags: number;
  addsLineBytes: boolean;
  time: { t0s: number; t0n: number; rangeNs: number; endD: number; stepNs: number; m: number };
  /** what the chunks added up so far: per evaluation time the sum and count of samples */
  sums: Float64Array;
  counts: Float64Array;
  /** samples, rows (entries scanned), chunks, magnitude sum; the first sample (offset, row) */
  samples: number;
  scanned: number;
  chunks: number;
  absTotal: number;
  firstD: number;
  first: number;
}

/**
 * Whether the query may add up whole chunks (chunk-rollup.ts): when no entry's own labels
 * matter (no extracted label kept or filtered, one series class) — the histogram and the total.
 * A chunk then counts as a whole when every stream it holds is one whose entries all count.
 */
function rollupPlan(p: {
  columns: EntryColumns;
  unwrapped: NumberColumn | null;
  time: RollupPlan['time'];
  checkFlags: number;
  addsLineBytes: boolean;
  eligible: boolean;
  inStream: Uint8Array;
  streamPasses: Uint8Array;
  postPasses: Uint8Array;
}): RollupPlan | null {
  if (!p.eligible) return null;
  const { columns, unwrapped, inStream, streamPasses, postPasses } = p;
  let number: NumberTotals | null = null;
  if (unwrapped) {
    const f = [...columns.numbers.values()].indexOf(unwrapped);
    if (f < 0) return null;
    number = columns.rollup.numbers[f]!;
  }
  const bad = new Uint32Array(MASK_WORDS);
  let errorsDropped = true;
  const last = Math.max(columns.maxStream, inStream.length - 1);
  for (let sid = 0; sid <= last; sid++) {
    const counts =
      inStream[sid] === 1 && streamPasses[sid] === 1 && (!unwrapped || postPasses[sid * 2] === 1);
    if (!counts) {
      const bit = sid % MASK_BITS;
      bad[bit >>> 5] = bad[bit >>> 5]! | (1 << (bit & 31));
    } else if (unwrapped && postPasses[sid * 2 + 1] === 1) errorsDropped = false;
  }
  return {
    bad,
    number,
    errorsDropped,
    checkFlags: p.checkFlags,
    addsLineBytes: p.addsLineBytes,
    time: p.time,
    sums: new Float64Array(p.time.m),
    counts: new Float64Array(p.time.m),
    samples: 0,
    scanned: 0,
    chunks: 0,
    absTotal: 0,
    firstD: 0,
    first: -1,
  };
}

/**
 * Adds chunk `ch` up from its totals when every row of it counts, in the same evaluation
 * windows (as the row scan would add each: (t - range, t] holds the entry); false when the chunk
 * must be read row by row. Kept out of scanPart's loop so that loop stays small for the compiler.
 */
function sumChunk(plan: RollupPlan, ru: ChunkRollup, ch: number): boolean {
  const totals = plan.number;
  if (
    ru.dirty[ch] !== 0 ||
    (ru.flags[ch]! & plan.checkFlags) !== 0 ||
    !masksApart(ru.streamMask, ch, plan.bad) ||
    (totals !== null && (totals.nonInteger[ch] !== 0 || (!plan.errorsDropped && totals.errors[ch] !== 0)))
  )
    return false;
  const { t0s, t0n, rangeNs, endD, stepNs, m } = plan.time;
  const dMin = (ru.minSec[ch]! - t0s) * 1e9 + (ru.minNsec[ch]! - t0n);
  const dMax = (ru.maxSec[ch]! - t0s) * 1e9 + (ru.maxNsec[ch]! - t0n);
  if (dMin <= -rangeNs || dMax > endD) return false;
  let jLo = 0;
  let jHi = 0;
  if (m === 1) {
    if (dMax > 0) return false;
  } else {
    jLo = firstWindow(dMin, stepNs);
    jHi = lastWindow(dMin, rangeNs, stepNs, m);
    if (jLo !== firstWindow(dMax, stepNs) || jHi !== lastWindow(dMax, rangeNs, stepNs, m)) return false;
  }
  plan.scanned += ru.rows[ch]!;
  plan.chunks++;
  const n = totals ? totals.count[ch]! : ru.rows[ch]!;
  if (n === 0) return true;
  const sum = totals ? totals.sum[ch]! : plan.addsLineBytes ? ru.lineBytes[ch]! : n;
  plan.absTotal += totals ? totals.absSum[ch]! : plan.addsLineBytes ? sum : 0;
  const fr = totals ? totals.first[ch]! : ru.first[ch]!;
  const d = totals ? (totals.firstSec[ch]! - t0s) * 1e9 + (totals.firstNsec[ch]! - t0n) : dMin;
  if (plan.samples === 0 || d < plan.firstD || (d === plan.firstD && fr < plan.first)) {
    plan.firstD = d;
    plan.first = fr;
  }
  plan.samples += n;
  for (let j = jLo; j <= jHi; j++) {
    plan.sums[j] = plan.sums[j]! + sum;
    plan.counts[j] = plan.counts[j]! + n;
  }
  return true;
}

interface ChunkPlan {
  roll: RollupPlan | null;
  /** stream-mask bits of the streams whose entries may count */
  good: Uint32Array;
  checkFlags: number;
  /** chunks passed over */
  skipped: number;
}

/** The stream-mask bits (chunk-rollup.ts) of the selected streams that pass the filters decided per stream. */
function goodMask(
  streams: readonly FastStream[],
  inStream: Uint8Array,
  streamPasses: Uint8Array,
): Uint32Array {
  const good = new Uint32Array(MASK_WORDS);
  for (const s of streams) {
    if (inStream[s.id] !== 1 || streamPasses[s.id] !== 1) continue;
    const bit = s.id % MASK_BITS;
    good[bit >>> 5] = good[bit >>> 5]! | (1 << (bit & 31));
  }
  return good;
}

/**
 * Whether chunk `ch` needs no reading row by row: it holds no stream whose entries may count
 * and no entry that would make the query take the pipeline (its flags), so it is passed over;
 * or it is added up from its totals (sumChunk; `whole`: all its rows are below the scan's end).
 */
function passChunk(p: ChunkPlan, ru: ChunkRollup, ch: number, whole: boolean): boolean {
  if ((ru.flags[ch]! & p.checkFlags) === 0 && masksApart(ru.streamMask, ch, p.good)) {
    p.skipped++;
    return true;
  }
  return p.roll !== null && whole && sumChunk(p.roll, ru, ch);
}

/** Chunk `ch` holds no stream of `bad`. */
function masksApart(mask: Uint32Array, ch: number, bad: Uint32Array): boolean {
  const base = ch * MASK_WORDS;
  for (let w = 0; w < MASK_WORDS; w++) if ((mask[base + w]! & bad[w]!) !== 0) return false;
  return true;
}

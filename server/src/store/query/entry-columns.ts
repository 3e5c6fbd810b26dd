// A column index of the stored entries, held in memory beside SQLite, so that the overview's
// metric queries (metric-fast-path.ts) do not read and JSON-parse every line of their range.
// One row per entry, in id order: its id, time, stream, line size, and what `| json` extracts
// from a few fields of flow records — the fields the overview groups, filters and sums by:
//  - STRING_FIELDS: the text of a top-level field, dictionary-coded (id 0 = "" = absent);
//  - ARRAY_FIELDS: the text of every element of a top-level array (`Interfaces[k]`);
//  - NUMBER_FIELDS: the value `| unwrap` reads from a top-level field (parsed as Go does), or
//    "no sample" (absent / empty) or "not a number".
// Texts come from json-labels.ts's own extraction (textAtPath), so a query answered from here
// and one answered by the pipeline read the same values. Entries whose line is not JSON, or that
// carry structured metadata (which changes the labels per entry), are marked: a query that meets
// one falls back to the pipeline.
//  - LINE_ARRAY_FIELDS: the JSON text of the array as the line writes it, dictionary-coded, for
//    the backend's array line filters (array-line-filter.ts; lines not in the form it needs are
//    marked FLAG_ARRAYS_ODD).
// Memory: about 110 bytes per entry for flow records (typed arrays, outside the JS heap), and the
// address pairs' ids (pair-column.ts): 4 bytes per entry and 16–32 per distinct pair; measured
// with room and chunk totals, about 140 bytes per record of the flow generator (memoryBytes(),
// the gauge interflow_server_store_column_index_bytes), before LINE_ARRAY_FIELDS added 12 more. Deleted rows keep theirs until
// compaction (at half the rows dead), so a store at its size cap holds up to twice its live rows.
import { arrayTextInLine, LINE_ARRAY_FIELDS } from './array-line-filter.ts';
import { ChunkRollup } from './chunk-rollup.ts';
import { elementText, textAtPath } from './json-labels.ts';
import { PAIR_FIELDS, PairColumn } from './pair-column.ts';
import { parseGoFloat } from './pipeline.ts';

export const STRING_FIELDS = [
  'SrcK8S_Namespace',
  'SrcK8S_Name',
  'SrcAddr',
  'DstK8S_Namespace',
  'DstK8S_Name',
  'DstAddr',
  'IfK8S_Namespace',
  'IfK8S_Name',
  'Proto',
] as const;
export const ARRAY_FIELDS = ['Interfaces', 'IfNetns'] as const;
export const NUMBER_FIELDS = ['Bytes', 'Packets'] as const;

/** States of a number column's entry: a value, */
export const NUMBER_VALUE = 0;
/** absent, null or "": the entry gives no sample, */
export const NUMBER_NONE = 1;
/** a text strconv.ParseFloat refuses: a SampleExtractionErr sample. */
export const NUMBER_ERROR = 2;

/** Rows per block of the time zone map: 2^BLOCK_SHIFT. */
export const BLOCK_SHIFT = 12;

export const FLAG_DEAD = 1;
/** the line is not JSON: `| json` marks it with __error__ */
export const FLAG_NOT_JSON = 2;
/** the entry carries structured metadata (labels of its own) */
export const FLAG_METADATA = 4;
/** an array of LINE_ARRAY_FIELDS is not written as array-line-filter.ts needs (its key twice…) */
export const FLAG_ARRAYS_ODD = 8;

/** Bits of EntryColumns.streamTexts: a row of the stream has "" in the field, */
export const TEXT_EMPTY = 1;
/** a row of the stream has another text. */
export const TEXT_OTHER = 2;

/** Text ↔ small integer; id 0 is "". */
export class Dictionary {
  private readonly ids = new Map<string, number>([['', 0]]);
  readonly texts: string[] = [''];
  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
  get size(): number {
    return this.texts.length;
  }
}

/** An element column: per entry an offset and a length into one flat array of text ids. */
export interface ArrayColumn {
  dict: Dictionary;
  offset: Uint32Array;
  length: Uint32Array;
  data: Uint32Array;
  used: number;
  /** rows whose array has two elements or more, ascending (queries of `Field[1]`… read only these) */
  multi: Uint32Array;
  multiCount: number;
}

export interface NumberColumn {
  value: Float64Array;
  state: Uint8Array;
}

export interface StringColumn {
  dict: Dictionary;
  ids: Uint32Array;
}

const NS_PER_S = 1_000_000_000n;

/** Below this many rows the arrays double when full; above it they grow by a quarter. */
export const GROW_DOUBLING_BELOW = 1 << 20;

/** Rows a compaction slice copies between looks at the clock. */
const COMPACT_STEP_ROWS = 256;

/**
 * The length to give an array of `capacity` that must hold `min`. Doubling leaves up to as many
 * rows again allocated and unused: about 140 bytes each, 1.1 GiB at 8 M rows (measured: 2.4 GB
 * of arrays for 16 M records, docs/benchmarks.md "Fifth pass"). Growing by a quarter past
 * GROW_DOUBLING_BELOW bounds that room to a quarter of the rows, and the copying stays linear in
 * the rows appended (each row is copied about 4 times on average, against 1 when doubling).
 */
export function nextCapacity(capacity: number, min: number): number {
  const grown = capacity < GROW_DOUBLING_BELOW ? capacity * 2 : Math.ceil(capacity * 1.25);
  return Math.max(min, grown);
}

/** Bytes of a list of typed arrays (their buffers are outside the V8 heap). */
export function arrayBytes(arrays: Iterable<ArrayBufferView>): number {
  let n = 0;
  for (const a of arrays) n += a.byteLength;
  return n;
}

export class EntryColumns {
  /** rows in use (live and dead) */
  count = 0;
  dead = 0;
  /** changes when rows are renumbered (reset, compaction): a scan that yielded starts over */
  generation = 0;
  capacity = 0;
  id = new Float64Array(0);
  /** whole seconds of the entry's time (floor) and the nanoseconds past them: exact in doubles */
  sec = new Float64Array(0);
  nsec = new Uint32Array(0);
  stream = new Uint32Array(0);
  /** the line's size in bytes (UTF-8), as bytes_over_time counts it */
  lineBytes = new Uint32Array(0);
  flags = new Uint8Array(0);
  /**
   * A zone map: the smallest and largest `sec` of each block of 2^BLOCK_SHIFT rows (dead rows
   * included). Rows come in push order, which is roughly time order, so a query of a short range
   * skips the blocks that hold none of its rows.
   */
  blockMinSec = new Float64Array(0);
  blockMaxSec = new Float64Array(0);
  strings = new Map<string, StringColumn>();
  arrays = new Map<string, ArrayColumn>();
  numbers = new Map<string, NumberColumn>();
  /** per row, the id of the JSON text of each array of LINE_ARRAY_FIELDS ("" = not in the line) */
  lineArrays = new Map<string, StringColumn>();
  /**
   * Per stream and string field (streamId * STRING_FIELDS.length + field): TEXT_EMPTY | TEXT_OTHER
   * as its rows were appended. A filter such as `SrcK8S_Name != ""` is then decided once for a
   * stream whose rows all name a pod or none does (the agent's streams carry the namespaces as
   * labels, so they split that way). Deletes leave the bits set (they only say what may be
   * there); compaction recomputes them from the live rows.
   */
  streamTexts = new Uint8Array(0);
  /** per row, the id of its pair of texts of two string columns (pair-column.ts; PAIR_FIELDS) */
  pairs: PairColumn[] = [];
  /** totals per chunk of rows (chunk-rollup.ts); number fields in NUMBER_FIELDS order */
  rollup = new ChunkRollup(NUMBER_FIELDS.length);
  /** largest stream id of a row */
  maxStream = 0;
  /** a compaction under way (compactStep): the copy and the next row of this index to copy */
  private compaction: { target: EntryColumns; cursor: number } | null = null;
  private readonly rowState = new Uint8Array(NUMBER_FIELDS.length);
  private readonly rowValue = new Float64Array(NUMBER_FIELDS.length);

  constructor() {
    this.reset();
  }

  reset(): void {
    this.generation++;
    this.compaction = null;
    this.count = 0;
    this.dead = 0;
    this.capacity = 0;
    this.id = new Float64Array(0);
    this.sec = new Float64Array(0);
    this.nsec = new Uint32Array(0);
    this.stream = new Uint32Array(0);
    this.lineBytes = new Uint32Array(0);
    this.flags = new Uint8Array(0);
    this.blockMinSec = new Float64Array(0);
    this.blockMaxSec = new Float64Array(0);
    this.strings = new Map(
      STRING_FIELDS.map((f) => [f, { dict: new Dictionary(), ids: new Uint32Array(0) }]),
    );
    this.arrays = new Map(
      ARRAY_FIELDS.map((f) => [
        f,
        {
          dict: new Dictionary(),
          offset: new Uint32Array(0),
          length: new Uint32Array(0),
          data: new Uint32Array(0),
          used: 0,
          multi: new Uint32Array(0),
          multiCount: 0,
        },
      ]),
    );
    this.numbers = new Map(
      NUMBER_FIELDS.map((f) => [f, { value: new Float64Array(0), state: new Uint8Array(0) }]),
    );
    this.lineArrays = new Map(
      LINE_ARRAY_FIELDS.map((f) => [f, { dict: new Dictionary(), ids: new Uint32Array(0) }]),
    );
    // new objects, not cleared ones: a query that started before keeps reading the old ones
    this.pairs = PAIR_FIELDS.map(([l, r]) => new PairColumn(l, r));
    this.streamTexts = new Uint8Array(0);
    this.rollup = new ChunkRollup(NUMBER_FIELDS.length);
    this.maxStream = 0;
    this.grow(1024);
  }

  get live(): number {
    return this.count - this.dead;
  }

  /** Id of the last row (0 when empty). */
  get lastId(): number {
    return this.count === 0 ? 0 : this.id[this.count - 1]!;
  }

  /**
   * Bytes of the index's typed arrays (outside the V8 heap, so not bounded by
   * --max-old-space-size): what the store holds in memory per entry, room for rows not yet
   * appended and dead rows not yet compacted included. The dictionaries' texts (distinct values
   * of the string fields, on the heap) are not counted.
   */
  memoryBytes(): number {
    const arrays: ArrayBufferView[] = [
      this.id,
      this.sec,
      this.nsec,
      this.stream,
      this.lineBytes,
      this.flags,
      this.blockMinSec,
      this.blockMaxSec,
      this.streamTexts,
    ];
    for (const c of this.strings.values()) arrays.push(c.ids);
    for (const c of this.lineArrays.values()) arrays.push(c.ids);
    for (const c of this.arrays.values()) arrays.push(c.offset, c.length, c.data, c.multi);
    for (const c of this.numbers.values()) arrays.push(c.value, c.state);
    let n = arrayBytes(arrays) + this.rollup.memoryBytes();
    for (const p of this.pairs) n += p.memoryBytes();
    return n;
  }

  private grow(min: number): void {
    if (min <= this.capacity) return;
    const cap = nextCapacity(this.capacity, min);
    const re = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a.subarray(0, Math.min(a.length, n)));
      return b;
    };
    this.id = re(this.id, cap);
    this.sec = re(this.sec, cap);
    this.nsec = re(this.nsec, cap);
    this.stream = re(this.stream, cap);
    this.lineBytes = re(this.lineBytes, cap);
    this.flags = re(this.flags, cap);
    const blocks = (cap >>> BLOCK_SHIFT) + 1;
    this.blockMinSec = re(this.blockMinSec, blocks);
    this.blockMaxSec = re(this.blockMaxSec, blocks);
    this.rollup.grow(cap);
    for (const c of this.strings.values()) c.ids = re(c.ids, cap);
    for (const c of this.lineArrays.values()) c.ids = re(c.ids, cap);
    for (const c of this.arrays.values()) {
      c.offset = re(c.offset, cap);
      c.length = re(c.length, cap);
    }
    for (const c of this.numbers.values()) {
      c.value = re(c.value, cap);
      c.state = re(c.state, cap);
    }
    for (const p of this.pairs) p.grow(cap);
    this.capacity = cap;
  }

  /**
   * Adds an entry. Ids must grow (SQLite gives max(rowid) + 1); returns false when one does not,
   * and the caller rebuilds the index from the table.
   */
  append(id: number, streamId: number, ts: bigint, line: string, hasMetadata: boolean): boolean {
    if (this.count > 0 && id <= this.id[this.count - 1]!) return false;
    if (this.count === this.capacity) this.grow(this.count + 1);
    const i = this.count++;
    let sec = ts / NS_PER_S;
    let ns = ts % NS_PER_S;
    if (ns < 0n) {
      ns += NS_PER_S;
      sec -= 1n;
    }
    this.id[i] = id;
    this.sec[i] = Number(sec);
    this.nsec[i] = Number(ns);
    this.noteTime(i);
    this.stream[i] = streamId;
    this.lineBytes[i] = Buffer.byteLength(line, 'utf8');
    let flags = hasMetadata ? FLAG_METADATA : 0;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      flags |= FLAG_NOT_JSON;
      doc = undefined;
    }
    for (const [field, c] of this.lineArrays) {
      const text = arrayTextInLine(line, doc, field);
      if (text === null) flags |= FLAG_ARRAYS_ODD;
      c.ids[i] = c.dict.id(text ?? '');
    }
    this.flags[i] = flags;
    for (const [field, c] of this.strings) c.ids[i] = c.dict.id(textAtPath(doc, [field]));
    for (const [field, c] of this.numbers) {
      const text = textAtPath(doc, [field]);
      if (text === '') {
        c.state[i] = NUMBER_NONE;
        c.value[i] = 0;
        continue;
      }
      const n = parseGoFloat(text);
      c.state[i] = n === null ? NUMBER_ERROR : NUMBER_VALUE;
      c.value[i] = n ?? 0;
    }
    for (const [field, c] of this.arrays) {
      const arr =
        doc !== null && typeof doc === 'object' && !Array.isArray(doc)
          ? (doc as Record<string, unknown>)[field]
          : undefined;
      c.offset[i] = c.used;
      if (!Array.isArray(arr) || arr.length === 0) {
        c.length[i] = 0;
        continue;
      }
      if (c.used + arr.length > c.data.length) {
        const d = new Uint32Array(Math.max(nextCapacity(c.data.length, c.used + arr.length), 1024));
        d.set(c.data.subarray(0, c.used));
        c.data = d;
      }
      for (const e of arr) c.data[c.used++] = c.dict.id(e === undefined ? '' : elementText(e));
      c.length[i] = arr.length;
      if (arr.length >= 2) addMulti(c, i);
    }
    this.noteTexts(i);
    this.noteRollup(i);
    return true;
  }

  /** Sets the pair ids of row `row`, whose string columns are set, and its stream's text bits. */
  private noteTexts(row: number): void {
    for (const p of this.pairs)
      p.note(row, this.strings.get(p.left)!.ids[row]!, this.strings.get(p.right)!.ids[row]!);
    const base = this.stream[row]! * STRING_FIELDS.length;
    if (base + STRING_FIELDS.length > this.streamTexts.length) {
      const t = new Uint8Array(Math.max(base + STRING_FIELDS.length, this.streamTexts.length * 2));
      t.set(this.streamTexts);
      this.streamTexts = t;
    }
    let f = 0;
    for (const c of this.strings.values()) {
      this.streamTexts[base + f] = this.streamTexts[base + f]! | (c.ids[row] === 0 ? TEXT_EMPTY : TEXT_OTHER);
      f++;
    }
  }

  /** Adds row `row`, whose columns are set, to its chunk's totals. */
  private noteRollup(row: number): void {
    let f = 0;
    for (const c of this.numbers.values()) {
      this.rowState[f] = c.state[row]!;
      this.rowValue[f] = c.value[row]!;
      f++;
    }
    const stream = this.stream[row]!;
    if (stream > this.maxStream) this.maxStream = stream;
    this.rollup.note(
      row,
      stream,
      this.sec[row]!,
      this.nsec[row]!,
      this.flags[row]!,
      this.lineBytes[row]!,
      this.rowState,
      this.rowValue,
    );
  }

  /** Widens the zone map of the row's block to the row's time. */
  private noteTime(row: number): void {
    const b = row >>> BLOCK_SHIFT;
    const s = this.sec[row]!;
    if ((row & ((1 << BLOCK_SHIFT) - 1)) === 0) {
      this.blockMinSec[b] = s;
      this.blockMaxSec[b] = s;
    } else {
      if (s < this.blockMinSec[b]!) this.blockMinSec[b] = s;
      if (s > this.blockMaxSec[b]!) this.blockMaxSec[b] = s;
    }
  }

  /** Row of an id, or -1 (binary search: ids are in ascending order). */
  rowOf(id: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.id[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.count && this.id[lo] === id ? lo : -1;
  }

  /**
   * Marks deleted entries dead (in the compaction's copy too, for rows it has copied). Compaction
   * is the caller's to run, in slices (compactStep), once compactionDue says half the rows are dead.
   */
  remove(ids: Iterable<number>): void {
    const target = this.compaction?.target;
    for (const id of ids) {
      target?.markDead(id);
      this.markDead(id);
    }
  }

  private markDead(id: number): void {
    const r = this.rowOf(id);
    if (r < 0 || this.flags[r]! & FLAG_DEAD) return;
    this.flags[r] = this.flags[r]! | FLAG_DEAD;
    this.rollup.markDead(r);
    this.dead++;
  }

  /** More than half the rows are dead (and enough of them to be worth a copy). */
  get compactionDue(): boolean {
    return this.dead > 4096 && this.dead * 2 > this.count;
  }

  /** Whether a compaction has started and not yet been swapped in. */
  get compacting(): boolean {
    return this.compaction !== null;
  }

  /** Drops dead rows and the texts only they used, in one go (tests; see compactStep). */
  compact(): void {
    while (!this.compactStep(Infinity));
  }

  /**
   * Compaction in slices: copies the live rows, in id order, into a new index (dead rows and the
   * texts only they used left behind: dictionaries would otherwise only grow) for about
   * `budgetMs`, and returns true once the copy holds every row and has replaced this index's
   * arrays. Between slices this index serves queries, appends (copied when the cursor gets
   * there) and deletes (applied to both); the swap renumbers rows, so a query that yielded
   * across it starts over (generation). One pass over 600k rows took 2.1–2.6 s, which blocked
   * the event loop as long (docs/benchmarks.md, issue 18).
   */
  compactStep(budgetMs: number): boolean {
    let c = this.compaction;
    if (c === null) {
      const target = new EntryColumns();
      // room for the live rows only (sizing by every row held kept the room of the dead ones)
      target.grow(this.live);
      c = this.compaction = { target, cursor: 0 };
    }
    const t0 = performance.now();
    while (c.cursor < this.count) {
      const end = Math.min(this.count, c.cursor + COMPACT_STEP_ROWS);
      for (let i = c.cursor; i < end; i++) if ((this.flags[i]! & FLAG_DEAD) === 0) c.target.copyRow(this, i);
      c.cursor = end;
      if (c.cursor < this.count && performance.now() - t0 > budgetMs) return false;
    }
    const generation = this.generation + 1;
    Object.assign(this, c.target);
    this.generation = generation;
    this.compaction = null;
    return true;
  }

  /** Appends row `i` of `from` (a live row), its texts coded in this index's dictionaries. */
  private copyRow(from: EntryColumns, i: number): void {
    if (this.count === this.capacity) this.grow(this.count + 1);
    const j = this.count++;
    this.id[j] = from.id[i]!;
    this.sec[j] = from.sec[i]!;
    this.nsec[j] = from.nsec[i]!;
    this.noteTime(j);
    this.stream[j] = from.stream[i]!;
    this.lineBytes[j] = from.lineBytes[i]!;
    this.flags[j] = from.flags[i]!;
    for (const [f, c] of this.strings) {
      const o = from.strings.get(f)!;
      c.ids[j] = c.dict.id(o.dict.texts[o.ids[i]!]!);
    }
    for (const [f, c] of this.lineArrays) {
      const o = from.lineArrays.get(f)!;
      c.ids[j] = c.dict.id(o.dict.texts[o.ids[i]!]!);
    }
    for (const [f, c] of this.numbers) {
      const o = from.numbers.get(f)!;
      c.value[j] = o.value[i]!;
      c.state[j] = o.state[i]!;
    }
    for (const [f, c] of this.arrays) {
      const o = from.arrays.get(f)!;
      const n = o.length[i]!;
      c.offset[j] = c.used;
      c.length[j] = n;
      if (c.used + n > c.data.length) {
        const d = new Uint32Array(Math.max(nextCapacity(c.data.length, c.used + n), 1024));
        d.set(c.data.subarray(0, c.used));
        c.data = d;
      }
      for (let k = 0; k < n; k++) c.data[c.used++] = c.dict.id(o.dict.texts[o.data[o.offset[i]! + k]!]!);
      if (n >= 2) addMulti(c, j);
    }
    this.noteTexts(j);
    this.noteRollup(j);
  }
}

function addMulti(c: ArrayColumn, row: number): void {
  if (c.multiCount === c.multi.length) {
    const m = new Uint32Array(Math.max(1024, nextCapacity(c.multi.length, c.multiCount + 1)));
    m.set(c.multi);
    c.multi = m;
  }
  c.multi[c.multiCount++] = row;
}

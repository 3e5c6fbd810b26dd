// Totals per chunk of 2^CHUNK_SHIFT rows of the column index (entry-columns.ts), kept as rows are
// appended, so that a metric query whose samples need no per-entry label (the histogram and the
// total of the overview: `sum(sum_over_time(… | json Bytes="Bytes" | unwrap Bytes … [step]))`)
// adds up a chunk in one step instead of reading its 512 rows (metric-fast-path.ts decides when
// it may: every row of the chunk counts, in the same evaluation windows).
// Per chunk: its rows, the OR of their flags, its earliest and latest time, the sum of line sizes,
// per number field the count, sum and magnitude sum of its values, the count of errors and of
// values that are not integers, the first row (by time, then row) overall and per number field;
// and which streams it holds, as a 1024-bit mask of stream id mod 1024 (a query that leaves a
// stream out skips only the chunks whose mask has that stream's bit). A chunk where a row was
// deleted is marked and read row by row until the next compaction rebuilds it.

/** Rows per chunk: 2^CHUNK_SHIFT. */
export const CHUNK_SHIFT = 9;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
/** 32-bit words of a chunk's stream mask (1024 bits). */
export const MASK_WORDS = 32;
export const MASK_BITS = MASK_WORDS * 32;

/** A number field's state of a row, as entry-columns.ts stores it (NUMBER_VALUE, NUMBER_ERROR there). */
const VALUE = 0;
const ERROR = 2;

export interface NumberTotals {
  count: Uint32Array;
  errors: Uint32Array;
  nonInteger: Uint32Array;
  sum: Float64Array;
  absSum: Float64Array;
  /** row of the first value (by time, then row); -1 when none; and its time */
  first: Int32Array;
  firstSec: Float64Array;
  firstNsec: Uint32Array;
}

export class ChunkRollup {
  capacity = 0;
  rows = new Uint32Array(0);
  /** 1 when a row of the chunk was deleted */
  dirty = new Uint8Array(0);
  flags = new Uint8Array(0);
  minSec = new Float64Array(0);
  minNsec = new Uint32Array(0);
  maxSec = new Float64Array(0);
  maxNsec = new Uint32Array(0);
  /** row of the first entry (by time, then row) */
  first = new Int32Array(0);
  lineBytes = new Float64Array(0);
  streamMask = new Uint32Array(0);
  readonly numbers: NumberTotals[];

  constructor(numberFields: number) {
    this.numbers = Array.from({ length: numberFields }, () => ({
      count: new Uint32Array(0),
      errors: new Uint32Array(0),
      nonInteger: new Uint32Array(0),
      sum: new Float64Array(0),
      absSum: new Float64Array(0),
      first: new Int32Array(0),
      firstSec: new Float64Array(0),
      firstNsec: new Uint32Array(0),
    }));
  }

  /** Bytes of its arrays (outside the V8 heap). */
  memoryBytes(): number {
    let n = 0;
    for (const v of [...Object.values(this), ...this.numbers.flatMap((t) => Object.values(t))])
      if (ArrayBuffer.isView(v)) n += v.byteLength;
    return n;
  }

  /** Room for the chunks of `rowCapacity` rows (contents kept). */
  grow(rowCapacity: number): void {
    const chunks = (rowCapacity >>> CHUNK_SHIFT) + 1;
    if (chunks <= this.capacity) return;
    const re = <T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a.subarray(0, Math.min(a.length, n)));
      return b;
    };
    this.rows = re(this.rows, chunks);
    this.dirty = re(this.dirty, chunks);
    this.flags = re(this.flags, chunks);
    this.minSec = re(this.minSec, chunks);
    this.minNsec = re(this.minNsec, chunks);
    this.maxSec = re(this.maxSec, chunks);
    this.maxNsec = re(this.maxNsec, chunks);
    this.first = re(this.first, chunks);
    this.lineBytes = re(this.lineBytes, chunks);
    this.streamMask = re(this.streamMask, chunks * MASK_WORDS);
    for (const n of this.numbers) {
      n.count = re(n.count, chunks);
      n.errors = re(n.errors, chunks);
      n.nonInteger = re(n.nonInteger, chunks);
      n.sum = re(n.sum, chunks);
      n.absSum = re(n.absSum, chunks);
      n.first = re(n.first, chunks);
      n.firstSec = re(n.firstSec, chunks);
      n.firstNsec = re(n.firstNsec, chunks);
    }
    this.capacity = chunks;
  }

  /**
   * Adds row `row` (rows come in order: the chunk's first row starts it afresh). `numState` and
   * `numValue` per number field, in the order given to the constructor.
   */
  note(
    row: number,
    stream: number,
    sec: number,
    nsec: number,
    flags: number,
    lineBytes: number,
    numState: ArrayLike<number>,
    numValue: ArrayLike<number>,
  ): void {
    const c = row >>> CHUNK_SHIFT;
    if ((row & (CHUNK_ROWS - 1)) === 0) this.start(c);
    this.rows[c] = this.rows[c]! + 1;
    this.flags[c] = this.flags[c]! | flags;
    const earlier =
      this.rows[c] === 1 || sec < this.minSec[c]! || (sec === this.minSec[c] && nsec < this.minNsec[c]!);
    if (earlier) {
      this.minSec[c] = sec;
      this.minNsec[c] = nsec;
      this.first[c] = row;
    }
    if (this.rows[c] === 1 || sec > this.maxSec[c]! || (sec === this.maxSec[c] && nsec > this.maxNsec[c]!)) {
      this.maxSec[c] = sec;
      this.maxNsec[c] = nsec;
    }
    this.lineBytes[c] = this.lineBytes[c]! + lineBytes;
    const bit = stream % MASK_BITS;
    const w = c * MASK_WORDS + (bit >>> 5);
    this.streamMask[w] = this.streamMask[w]! | (1 << (bit & 31));
    for (let f = 0; f < this.numbers.length; f++) {
      const n = this.numbers[f]!;
      const st = numState[f]!;
      if (st === ERROR) n.errors[c] = n.errors[c]! + 1;
      if (st !== VALUE) continue;
      const v = numValue[f]!;
      if (Math.floor(v) !== v) n.nonInteger[c] = n.nonInteger[c]! + 1;
      n.sum[c] = n.sum[c]! + v;
      n.absSum[c] = n.absSum[c]! + Math.abs(v);
      if (n.first[c]! < 0 || sec < n.firstSec[c]! || (sec === n.firstSec[c] && nsec < n.firstNsec[c]!)) {
        n.first[c] = row;
        n.firstSec[c] = sec;
        n.firstNsec[c] = nsec;
      }
      n.count[c] = n.count[c]! + 1;
    }
  }

  /** `row` was deleted: its chunk is read row by row from now on. */
  markDead(row: number): void {
    this.dirty[row >>> CHUNK_SHIFT] = 1;
  }

  private start(c: number): void {
    this.rows[c] = 0;
    this.dirty[c] = 0;
    this.flags[c] = 0;
    this.lineBytes[c] = 0;
    this.first[c] = -1;
    this.streamMask.fill(0, c * MASK_WORDS, (c + 1) * MASK_WORDS);
    for (const n of this.numbers) {
      n.count[c] = 0;
      n.errors[c] = 0;
      n.nonInteger[c] = 0;
      n.sum[c] = 0;
      n.absSum[c] = 0;
      n.first[c] = -1;
    }
  }
}

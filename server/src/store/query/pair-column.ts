// Pairs of two string columns of the column index (entry-columns.ts), dictionary-coded as rows
// are appended: per row the id of its (left text id, right text id) pair, ids 0, 1, … in the
// order pairs are first met. The overview's unenriched pairs (`sum by (SrcAddr, DstAddr)`) are
// hundreds of thousands of series at 1 M records; keyed by the two address ids, every row read
// costs a hash probe at a random place of a table of a few MB (and its key comparison). Keyed by
// the pair id, a query finds its series through an array indexed by that id (series-table.ts,
// "lead" component): no hashing, and pairs first met in row order sit next to each other.
// Ids never change until the index is rebuilt (compaction, reset): a deleted row keeps its
// pair, and pairs only dead rows use go with the next compaction. Memory: 4 bytes per row, and
// per distinct pair 8–16 bytes of texts ids and 8–16 of hash table (at 1 M flow records of the
// benchmark, nearly every record has a pair of its own).

import { mix32 } from './mix32.ts';

/** The column pairs that get ids: the overview's address pairs. */
export const PAIR_FIELDS = [['SrcAddr', 'DstAddr']] as const;

export class PairColumn {
  /** per row: its pair id */
  ids = new Uint32Array(0);
  /** per pair id: the left and right text ids */
  lefts = new Uint32Array(1024);
  rights = new Uint32Array(1024);
  size = 0;
  /** pair id + 1 per slot, 0 = empty (open addressing on the two text ids) */
  private slots = new Int32Array(2048);
  private mask = 2047;

  constructor(
    readonly left: string,
    readonly right: string,
  ) {}

  /** Room for `rowCapacity` rows (contents kept). */
  grow(rowCapacity: number): void {
    if (rowCapacity <= this.ids.length) return;
    const ids = new Uint32Array(rowCapacity); // the rows' capacity (entry-columns.ts nextCapacity)
    ids.set(this.ids);
    this.ids = ids;
  }

  /** Bytes of its arrays (outside the V8 heap). */
  memoryBytes(): number {
    return this.ids.byteLength + this.lefts.byteLength + this.rights.byteLength + this.slots.byteLength;
  }

  /** Sets row `row`'s pair (row < the capacity given to grow). */
  note(row: number, left: number, right: number): void {
    this.ids[row] = this.idOf(left, right);
  }

  /** The id of a pair, added when new. */
  idOf(left: number, right: number): number {
    let slot = hashPair(left, right) & this.mask;
    for (;;) {
      const s = this.slots[slot]!;
      if (s === 0) break;
      if (this.lefts[s - 1] === left && this.rights[s - 1] === right) return s - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    if (id === this.lefts.length) {
      this.lefts = grown(this.lefts);
      this.rights = grown(this.rights);
    }
    this.lefts[id] = left;
    this.rights[id] = right;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    // doubling: rows are appended one at a time, so a rehash costs the push that meets it, and
    // the table stays at 2–4 slots per pair (8–16 bytes)
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = hashPair(this.lefts[id]!, this.rights[id]!) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }
}

function grown(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/** murmur3's finaliser over the two ids combined: low bits vary. */
function hashPair(a: number, b: number): number {
  return mix32(Math.imul(a, 0x9e3779b1) ^ b);
}

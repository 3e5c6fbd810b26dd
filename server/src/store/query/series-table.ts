// Series of a range aggregation answered from the column index (metric-fast-path.ts), keyed by a
// tuple of small integers: the class of the stream's kept labels, then the text id of each kept
// extracted label. A JavaScript Map keyed by strings or by large numbers costs an allocation or a
// hash of a heap number per entry read; the overview's address pairs make hundreds of thousands
// of series over 1 M entries, so the keys live in typed arrays instead:
//  - few possible keys (the product of the radices is small): a dense array indexed by the key
//    read as a mixed-radix number;
//  - else, when the caller names component 0 a "lead" whose radix is at most the rows of the index
//    (a pair id, pair-column.ts), an array indexed by it holds the last series of that value,
//    each series the one before it with the same value: the rest of the key (the stream labels'
//    class, other labels) is compared along that short chain. No hashing, and series of values
//    first met one after the other (pair ids follow row order) sit next to each other;
//  - else open addressing (linear probing) on the tuple's hash, the tuples kept in `keys`.
// Series are numbered 0, 1, … in the order they are first met.

import { giveArray, growArray, takeArray } from './scratch-arrays.ts';
import { mix32 } from './mix32.ts';

/** Largest number of possible keys given a dense table (4 bytes each). */
const DENSE_MAX = 1 << 16;
/** Factor by which the open-addressing table grows when half full. */
const GROWTH = 4;

export class SeriesTable {
  /** number of series */
  size = 0;
  /** the key of series i at keys[i * width … (i + 1) * width) */
  keys: Uint32Array;
  private readonly width: number;
  private readonly radices: number[];
  private readonly dense: Int32Array | null;
  /** lead mode: per value of component 0, the last series with it + 1 (0 = none) */
  private readonly head: Int32Array | null;
  /** lead mode: per series, the series before it with the same component 0, + 1 */
  private next: Int32Array;
  /** series + 1 per slot, 0 = empty (open addressing) */
  private slots: Int32Array;
  private mask: number;

  /**
   * `radices[k]`: key component k is below it. `leadMax`: component 0 is a lead (see above) when
   * its radix is at most this (0: no lead).
   */
  constructor(radices: number[], leadMax = 0) {
    this.width = radices.length;
    this.radices = radices.map((r) => Math.max(1, r));
    const possible = this.radices.reduce((a, b) => a * b, 1);
    // arrays of a few MB for the address pairs: lent (scratch-arrays.ts), given back by release()
    this.dense = possible <= DENSE_MAX ? takeArray(Int32Array, possible) : null;
    this.head = !this.dense && this.radices[0]! <= leadMax ? takeArray(Int32Array, this.radices[0]!) : null;
    this.next = new Int32Array(this.head ? 64 : 0);
    this.slots = new Int32Array(this.dense || this.head ? 0 : 1024);
    this.mask = this.slots.length - 1;
    this.keys = new Uint32Array(64 * Math.max(1, this.width));
  }

  /** Gives the lent arrays back: the table is no longer read (keys included). */
  release(): void {
    giveArray(this.dense);
    giveArray(this.head);
    giveArray(this.next);
    giveArray(this.slots);
    giveArray(this.keys);
  }

  /** How series are found: 'dense', 'led' (by component 0) or 'hashed'. */
  get mode(): 'dense' | 'led' | 'hashed' {
    return this.dense ? 'dense' : this.head ? 'led' : 'hashed';
  }

  /** The series of `key` (its first `width` values), added when new. */
  find(key: Uint32Array): number {
    const w = this.width;
    if (this.dense !== null) {
      let n = 0;
      for (let k = 0; k < w; k++) n = n * this.radices[k]! + key[k]!;
      const s = this.dense[n]!;
      if (s !== 0) return s - 1;
      this.dense[n] = this.add(key) + 1;
      return this.size - 1;
    }
    if (this.head !== null) return this.findLed(key, this.head);
    let slot = hashOf(key, 0, w) & this.mask;
    const keys = this.keys;
    for (;;) {
      const s = this.slots[slot]!;
      if (s === 0) break;
      const base = (s - 1) * w;
      let same = true;
      for (let k = 0; k < w; k++)
        if (keys[base + k] !== key[k]) {
          same = false;
          break;
        }
      if (same) return s - 1;
      slot = (slot + 1) & this.mask;
    }
    const si = this.add(key);
    this.slots[slot] = si + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return si;
  }

  private findLed(key: Uint32Array, head: Int32Array): number {
    const w = this.width;
    const keys = this.keys;
    const lead = key[0]!;
    let s = head[lead]!;
    chain: while (s !== 0) {
      const base = (s - 1) * w;
      for (let k = 1; k < w; k++)
        if (keys[base + k] !== key[k]) {
          s = this.next[s - 1]!;
          continue chain;
        }
      return s - 1;
    }
    const si = this.add(key);
    if (si === this.next.length) this.next = growArray(Int32Array, this.next, this.next.length * 2);
    this.next[si] = head[lead]!;
    head[lead] = si + 1;
    return si;
  }

  private add(key: Uint32Array): number {
    const w = this.width;
    const si = this.size++;
    if ((si + 1) * w > this.keys.length) this.keys = growArray(Uint32Array, this.keys, this.keys.length * 2);
    for (let k = 0; k < w; k++) this.keys[si * w + k] = key[k]!;
    return si;
  }

  private rehash(): void {
    const w = this.width;
    // four times larger: each rehash moves every series to a random slot (a cache miss each), and
    // the overview's address pairs grow to ~300 000 series; doubling moved each series about
    // twice on the way, quadrupling about a third of a time (load factor 1/8 … 1/2)
    const old = this.slots;
    this.slots = takeArray(Int32Array, this.slots.length * GROWTH);
    giveArray(old);
    this.mask = this.slots.length - 1;
    for (let si = 0; si < this.size; si++) {
      let slot = hashOf(this.keys, si * w, w) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = si + 1;
    }
  }
}

/** FNV-1a over the components, then a final mix (murmur3's) so that low bits vary. */
function hashOf(a: Uint32Array, base: number, width: number): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < width; k++) h = Math.imul(h ^ a[base + k]!, 0x01000193);
  return mix32(h);
}

// FIFO of encoded records waiting for (or in) a push. Array with a moving head so taking a
// batch off the front is O(batch), compacted now and then so memory follows the content.
// Values are kept as UTF-8 bytes in shared 1 MiB slabs, not as strings: 100 000 values of an
// eviction (some 50 MB) wait for their pushes, and as strings the garbage collector copied and
// promoted all of them; a slab is one object to it, and the push body is a copy of the bytes.
// Slabs whose entries have all been taken off are reused (a few kept), so a steady flow of
// records does not allocate and fault in fresh memory for every megabyte.

/** A record encoded as text (push-body.ts encodeEntry). */
export interface QueuedEntry {
  /** Increasing per exporter; flush() waits until every seq it saw is settled. */
  seq: number;
  /** performance.now() at enqueue, for the batch wait. */
  enqueuedAt: number;
  /** JSON of the stream's label set, also the key that groups entries into streams. */
  streamKey: string;
  /** `["<ns>","<record JSON>"]`, ready to be joined into the push body. */
  value: string;
  /** UTF-8 size of `value`. */
  bytes: number;
}

/** An entry as the queue holds it: the value's UTF-8 bytes at `offset` in `slab`. */
export interface HeldEntry {
  seq: number;
  enqueuedAt: number;
  streamKey: string;
  slab: Buffer;
  offset: number;
  /** UTF-8 size of the value. */
  bytes: number;
}

const SLAB_BYTES = 1 << 20;
/** Free space a writer is given at least (a larger record takes the text way). */
const WRITE_ROOM = 64 * 1024;
/** Emptied slabs kept for reuse. */
const SPARE_SLABS = 8;

export class EntryQueue {
  private items: HeldEntry[] = [];
  private head = 0;
  private slab: Buffer = Buffer.allocUnsafe(0);
  private slabUsed = 0;
  /** Slabs holding queued entries, oldest first; the current one last. */
  private slabs: Buffer[] = [];
  private spare: Buffer[] = [];
  /** Sum of `bytes` over the queue. */
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues a text-encoded entry (its value copied into a slab). */
  push(entry: QueuedEntry): HeldEntry {
    this.room(entry.bytes);
    const offset = this.slabUsed;
    const written = this.slab.write(entry.value, offset);
    return this.hold(entry.seq, entry.enqueuedAt, entry.streamKey, offset, written);
  }

  /**
   * Queues a value written in place by `write(buf, at, limit, item)`, which returns the end of
   * what it wrote, or -1 to decline (then nothing is queued and this returns false).
   */
  pushWritten<T>(
    seq: number,
    enqueuedAt: number,
    streamKey: string,
    item: T,
    write: (buf: Buffer, at: number, limit: number, item: T) => number,
  ): boolean {
    this.room(WRITE_ROOM);
    const offset = this.slabUsed;
    const end = write(this.slab, offset, this.slab.length, item);
    if (end < 0) return false;
    this.hold(seq, enqueuedAt, streamKey, offset, end - offset);
    return true;
  }

  peek(): HeldEntry | undefined {
    return this.items[this.head];
  }

  at(index: number): HeldEntry | undefined {
    return this.items[this.head + index];
  }

  /**
   * Removes and returns the first `n` entries. Their bytes stay readable until the next push
   * (their slab may be reused after that).
   */
  shift(n: number): HeldEntry[] {
    const taken = this.items.slice(this.head, this.head + n);
    this.head += taken.length;
    for (const e of taken) this.bytes -= e.bytes;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    // Slabs before the new head's are empty now.
    const keep = this.peek()?.slab ?? this.slab;
    while (this.slabs.length > 1 && this.slabs[0] !== keep) {
      const empty = this.slabs.shift()!;
      if (empty.length === SLAB_BYTES && this.spare.length < SPARE_SLABS) this.spare.push(empty);
    }
    return taken;
  }

  clear(): HeldEntry[] {
    return this.shift(this.length);
  }

  /** A slab with at least `min` free bytes (a new one when the current is short). */
  private room(min: number): void {
    if (this.slab.length - this.slabUsed >= min) return;
    this.slab = (min <= SLAB_BYTES && this.spare.pop()) || Buffer.allocUnsafe(Math.max(SLAB_BYTES, min));
    this.slabUsed = 0;
    this.slabs.push(this.slab);
  }

  private hold(seq: number, enqueuedAt: number, streamKey: string, offset: number, bytes: number): HeldEntry {
    const entry: HeldEntry = { seq, enqueuedAt, streamKey, slab: this.slab, offset, bytes };
    this.slabUsed = offset + bytes;
    this.items.push(entry);
    this.bytes += bytes;
    return entry;
  }
}

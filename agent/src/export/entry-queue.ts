// FIFO of encoded records waiting for (or in) a push. Array with a moving head so taking a
// batch off the front is O(batch), compacted now and then so memory follows the content.
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

export class EntryQueue {
  private items: QueuedEntry[] = [];
  private head = 0;
  /** Sum of `bytes` over the queue. */
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: QueuedEntry): void {
    this.items.push(entry);
    this.bytes += entry.bytes;
  }

  peek(): QueuedEntry | undefined {
    return this.items[this.head];
  }

  at(index: number): QueuedEntry | undefined {
    return this.items[this.head + index];
  }

  /** Removes and returns the first `n` entries. */
  shift(n: number): QueuedEntry[] {
    const taken = this.items.slice(this.head, this.head + n);
    this.head += taken.length;
    for (const e of taken) this.bytes -= e.bytes;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  clear(): QueuedEntry[] {
    return this.shift(this.length);
  }
}

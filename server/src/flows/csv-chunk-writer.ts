// CSV rows encoded into chunks of at most CHUNK_BYTES as they are written, so the export hands
// the socket bytes, not strings. A page's CSV as one string made of row strings cost more to
// flatten and encode when it was written to the socket (Buffer.from of such a string: about
// 3 µs per row, docs/benchmarks.md) than writing its rows, and it outlived young-generation
// collections. Each chunk has an ArrayBuffer of its own (never Node's shared pool), so a worker
// thread can hand it over without a copy (csv-worker.ts).

/** Bytes of CSV per chunk: about 800 rows of every column. */
export const CHUNK_BYTES = 256 * 1024;
/** The most bytes UTF-8 takes for one UTF-16 code unit. */
const MAX_BYTES_PER_UNIT = 3;

export class ChunkWriter {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  /** Chunks filled and not yet taken. */
  private done: Buffer[] = [];

  /** Adds a row (or any text); a row that does not fit ends the current chunk. */
  add(text: string): void {
    if (this.used + text.length * MAX_BYTES_PER_UNIT > this.chunk.length) {
      this.flush();
      if (text.length * MAX_BYTES_PER_UNIT > this.chunk.length) {
        this.done.push(Buffer.from(text)); // a row larger than a chunk: a chunk of its own
        return;
      }
    }
    this.used += this.chunk.write(text, this.used);
  }

  /** Ends the current chunk (if it holds anything). */
  flush(): void {
    if (this.used === 0) return;
    this.done.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.used = 0;
  }

  /** Whether full chunks wait to be taken. */
  get ready(): boolean {
    return this.done.length > 0;
  }

  /** The chunks ended so far, in order. */
  take(): Buffer[] {
    const out = this.done;
    this.done = [];
    return out;
  }
}

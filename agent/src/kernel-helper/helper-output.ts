// Splits the helper's stdout into its two kinds of message (agent/native/README.md): JSON
// event lines, and binary flow frames that start with a 0x00 byte (no JSON line does).
// Frame: 0x00, type (1: flows), record size (u16 LE), record count (u32 LE), the records.

export const FRAME_MAGIC = 0x00;
export const FRAME_FLOWS = 0x01;
export const FRAME_HEADER_BYTES = 8;
const NEWLINE = 0x0a;

export interface HelperOutputHandlers {
  line: (line: string) => void;
  /** The records of one flows frame (a view of the received bytes, not a copy). */
  frame: (type: number, recordBytes: number, records: Buffer, count: number) => void;
}

export class HelperOutputReader {
  /** The start of a message that has not fully arrived, in the chunks it came in. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the pending message needs at least before it is worth looking at again. */
  private need = 0;
  /** The pending message is a line: complete only once a newline arrives. */
  private needNewline = false;

  constructor(private readonly on: HelperOutputHandlers) {}

  push(input: Buffer): void {
    let chunk = input;
    if (this.pendingBytes > 0) {
      // Concatenated once the message can be complete, not on every chunk: a frame of
      // 4 096 flows spans several pipe reads.
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.need) return;
      if (this.needNewline && chunk.indexOf(NEWLINE) < 0) return;
      chunk = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let at = 0;
    while (at < chunk.length) {
      if (chunk[at] === FRAME_MAGIC) {
        if (chunk.length - at < FRAME_HEADER_BYTES) return this.keep(chunk, at, FRAME_HEADER_BYTES, false);
        const type = chunk[at + 1]!;
        const recordBytes = chunk.readUInt16LE(at + 2);
        const count = chunk.readUInt32LE(at + 4);
        const end = at + FRAME_HEADER_BYTES + recordBytes * count;
        if (end > chunk.length) return this.keep(chunk, at, end - at, false);
        this.on.frame(type, recordBytes, chunk.subarray(at + FRAME_HEADER_BYTES, end), count);
        at = end;
      } else {
        const nl = chunk.indexOf(NEWLINE, at);
        if (nl < 0) return this.keep(chunk, at, chunk.length - at + 1, true);
        this.on.line(chunk.toString('utf8', at, nl));
        at = nl + 1;
      }
    }
  }

  private keep(chunk: Buffer, at: number, need: number, needNewline: boolean): void {
    const rest = chunk.subarray(at);
    this.pending = [rest];
    this.pendingBytes = rest.length;
    this.need = need;
    this.needNewline = needNewline;
  }
}

// Large typed arrays a metric query uses for its series (metric-fast-path.ts, series-table.ts),
// lent from buffers earlier queries gave back. On this kind of VM, memory a process has not
// touched yet costs a page fault per 4 KiB at first write: growing four Float64Arrays by
// doubling to the overview's ~300 000 address pairs took 37–124 ms (5–60 ms when presized) in a
// loop that only fills them, and 42 ms of the 107 of the address-pair query in a profile, every
// time the page asks; filling reused buffers with zeros costs a fraction of a millisecond. Small
// arrays are not worth keeping (the allocator reuses their memory anyway). Buffers kept: at most
// MAX_KEPT_BYTES in all.

const MIN_POOLED_BYTES = 1 << 16;
const MAX_KEPT_BYTES = 48 << 20;

type Typed = Float64Array | Int32Array | Uint32Array;
type TypedCtor<T extends Typed> = {
  new (buffer: ArrayBuffer, offset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
};

const free: ArrayBuffer[] = [];
let keptBytes = 0;

/** A zero-filled array of `length` elements, on a buffer given back earlier when one is large enough. */
export function takeArray<T extends Typed>(ctor: TypedCtor<T>, length: number): T {
  const bytes = Math.max(1, length) * ctor.BYTES_PER_ELEMENT;
  if (bytes >= MIN_POOLED_BYTES) {
    // the smallest buffer that fits
    let at = -1;
    for (let i = 0; i < free.length; i++)
      if (free[i]!.byteLength >= bytes && (at < 0 || free[i]!.byteLength < free[at]!.byteLength)) at = i;
    if (at >= 0) {
      const buf = free.splice(at, 1)[0]!;
      keptBytes -= buf.byteLength;
      const a = new ctor(buf, 0, length);
      a.fill(0);
      return a;
    }
  }
  // sizes rounded up to a power of two, so that buffers fit later queries of other sizes
  const size = bytes >= MIN_POOLED_BYTES ? 2 ** Math.ceil(Math.log2(bytes)) : bytes;
  return new ctor(new ArrayBuffer(size), 0, length);
}

/** `a` grown to `length` elements (its contents kept); `a` is given back. */
export function growArray<T extends Typed>(ctor: TypedCtor<T>, a: T, length: number): T {
  if (a.buffer.byteLength >= length * ctor.BYTES_PER_ELEMENT) {
    // room in its own buffer: a longer view, the new part zeroed
    const b = new ctor(a.buffer as ArrayBuffer, a.byteOffset, length);
    b.fill(0, a.length);
    return b;
  }
  const b = takeArray(ctor, length);
  b.set(a);
  giveArray(a);
  return b;
}

/** Gives an array's buffer back (the caller no longer reads or writes the array). */
export function giveArray(a: Typed | null | undefined): void {
  if (!a) return;
  const buf = a.buffer as ArrayBuffer;
  if (buf.byteLength < MIN_POOLED_BYTES || free.includes(buf)) return;
  free.push(buf);
  keptBytes += buf.byteLength;
  // over the limit: drop the smallest first (the large ones are those worth keeping)
  while (keptBytes > MAX_KEPT_BYTES && free.length > 0) {
    let at = 0;
    for (let i = 1; i < free.length; i++) if (free[i]!.byteLength < free[at]!.byteLength) at = i;
    keptBytes -= free.splice(at, 1)[0]!.byteLength;
  }
}

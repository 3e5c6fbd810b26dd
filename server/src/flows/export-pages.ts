// What an export holds while it streams, counted rather than timed: entries Loki answered whose
// CSV rows have not yet been handed on (at most the page being written plus the one prefetched),
// and CSV bytes waiting in the process for the client (the response stream's and the socket's
// buffers). Both are read at every page Loki answers and every chunk the response asks for,
// and their peaks go to the metrics (interflow_server_export_held_entries_peak,
// interflow_server_export_queued_bytes_peak), so a test can check that a slow client makes the
// backend wait instead of reading ahead.
import type { StoredFlowRecord } from '@interflow/contract';
import type { LokiEntry } from '../loki/client.ts';

export interface ExportPeaks {
  heldEntries: number;
  queuedBytes: number;
}

export class ExportHolding {
  private answered = 0;
  private handedOn = 0;
  readonly peaks: ExportPeaks = { heldEntries: 0, queuedBytes: 0 };

  /** @param queuedBytes CSV bytes buffered for the client right now. */
  constructor(
    private readonly queuedBytes: () => number,
    private readonly onPeak: (peaks: ExportPeaks) => void,
  ) {}

  /** Loki answered a page of n entries. */
  pageAnswered(n: number): void {
    this.answered += n;
    this.sample();
  }

  /** The rows of n entries were handed to the response (or filtered out). */
  rowsHandedOn(n: number): void {
    this.handedOn += n;
    this.sample();
  }

  sample(): void {
    const held = this.answered - this.handedOn;
    const queued = this.queuedBytes();
    if (held > this.peaks.heldEntries || queued > this.peaks.queuedBytes) {
      this.peaks.heldEntries = Math.max(this.peaks.heldEntries, held);
      this.peaks.queuedBytes = Math.max(this.peaks.queuedBytes, queued);
      this.onPeak(this.peaks);
    }
  }
}

/**
 * Records of pages of entries: unreadable lines and records the backend check refuses are left
 * out; every entry of a page is counted as handed on once the consumer asks for the next page.
 * A page's records are read as the consumer iterates them, one at a time, so each record can
 * be garbage before the next is parsed: holding a page's 5 000 parsed records until its CSV
 * was written kept them alive through young-generation collections, and profiling the export
 * (docs/benchmarks.md) put the garbage collector at about half of its CPU time.
 */
export async function* recordPages(
  pages: AsyncIterable<LokiEntry[]>,
  parse: (e: LokiEntry) => StoredFlowRecord | undefined,
  keep: (r: StoredFlowRecord) => boolean,
  holding: ExportHolding,
): AsyncGenerator<Iterable<StoredFlowRecord>> {
  for await (const page of pages) {
    yield pageRecords(page, parse, keep);
    holding.rowsHandedOn(page.length);
  }
}

function* pageRecords(
  page: readonly LokiEntry[],
  parse: (e: LokiEntry) => StoredFlowRecord | undefined,
  keep: (r: StoredFlowRecord) => boolean,
): Generator<StoredFlowRecord> {
  for (const e of page) {
    const r = parse(e);
    if (r && keep(r)) yield r;
  }
}

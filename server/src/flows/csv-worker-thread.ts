// The main thread's side of the export worker (csv-worker.ts): one worker thread per app,
// started when the app is ready and shared by all exports, and the export's CSV chunks made
// there. Loaded, the worker adds 30–60 MB of RSS (its own V8 heap and the modules it loads).
// The main thread keeps what must stay on it: paging the store, the records' order, the
// metrics, and the response with its back-pressure. Pages are pipelined: page n + 1 goes to
// the worker before page n's chunks are handed to the response, so the worker converts one
// page while the main thread reads the next and writes the last; the export holds at most
// those pages (counted by ExportHolding as before).
import { Worker } from 'node:worker_threads';
import type { LokiEntry } from '../loki/client.ts';
import { csvHeader } from './csv-export.ts';
import type { ExportSpec, FromWorker, ToWorker } from './csv-worker.ts';

type Answer = Extract<FromWorker, { chunks: unknown }>;

/**
 * The worker's young generation, capped: a page's records and rows are garbage at once, so a
 * small one is enough, and V8's default let it grow as the export went faster. Exporting
 * 1 000 000 rows (docs/benchmarks.md), the backend's RSS peaked 83–91 MiB above its start with
 * this cap against 110–111 MiB without, for about 8 % fewer rows per second.
 */
const WORKER_YOUNG_GENERATION_MB = 16;

export class CsvWorkerThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { done: (a: Answer) => void; fail: (e: Error) => void }>();
  private seq = 0;
  private exportIds = 0;
  private closed = false;
  /** The worker failed (it could not load, or crashed): exports are then written on the main thread. */
  broken = false;

  /** @param onFailure told when the worker fails (the backend logs it). */
  constructor(private readonly onFailure: (e: Error) => void = () => {}) {}

  private get thread(): Worker {
    if (this.closed) throw new Error('the export worker is closed');
    if (this.worker) return this.worker;
    // The worker inherits this process's execArgv (--import tsx), so it loads TypeScript too.
    const w = new Worker(new URL('./csv-worker-boot.mjs', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    w.unref(); // an idle worker does not keep the process alive; one with work is ref'd below
    w.on('message', (m: FromWorker) => {
      const p = this.waiting.get(m.seq);
      if (!p) return;
      this.waiting.delete(m.seq);
      if (this.waiting.size === 0) w.unref();
      if ('error' in m) p.fail(new Error(`the export worker failed: ${m.error}`));
      else p.done(m);
    });
    const lost = (e: Error): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      if (!this.closed) {
        this.broken = true;
        this.onFailure(e);
      }
      const pending = [...this.waiting.values()];
      this.waiting.clear();
      for (const p of pending) p.fail(e);
    };
    w.on('error', (e) => lost(e));
    w.on('exit', (code) => lost(new Error(`the export worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  /** Starts the worker now (the app does when it is ready), so the first export does not wait for it to load. */
  start(): void {
    void this.thread;
  }

  private post(m: ToWorker): void {
    this.thread.postMessage(m);
  }

  begin(spec: ExportSpec): number {
    const exportId = ++this.exportIds;
    this.post({ kind: 'start', exportId, spec });
    return exportId;
  }

  /** The CSV chunks of one page's entries, its rows and unreadable lines. */
  convert(exportId: number, entries: readonly LokiEntry[]): Promise<Answer> {
    const seq = ++this.seq;
    const lines = new Array<string>(entries.length);
    const labels = new Array<Record<string, string>>(entries.length);
    for (let i = 0; i < entries.length; i++) {
      lines[i] = entries[i]!.line;
      labels[i] = entries[i]!.labels;
    }
    return new Promise<Answer>((done, fail) => {
      const w = this.thread;
      this.waiting.set(seq, { done, fail });
      w.ref();
      w.postMessage({ kind: 'page', exportId, seq, lines, labels } satisfies ToWorker);
    });
  }

  end(exportId: number): void {
    if (this.worker && !this.closed) this.worker.postMessage({ kind: 'end', exportId } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

export interface WorkerExportHooks {
  /** The rows of a page's n entries were handed to the response. */
  pageHandedOn: (entries: number) => void;
  onRows: (rows: number) => void;
  onUnreadable: (lines: number) => void;
}

/** The export's CSV (header first) from pages of entries, converted on the worker thread. */
export async function* csvChunksInWorker(
  thread: CsvWorkerThread,
  pages: AsyncIterable<LokiEntry[]>,
  spec: ExportSpec,
  hooks: WorkerExportHooks,
): AsyncGenerator<Buffer> {
  // The header is written before the first record so an empty export is still a valid CSV file.
  yield csvHeader(spec.columns, spec.values);
  const exportId = thread.begin(spec);
  let inFlight: { answer: Promise<Answer>; entries: number } | undefined;
  async function* handOn(sent: { answer: Promise<Answer>; entries: number }): AsyncGenerator<Buffer> {
    const a = await sent.answer;
    for (const c of a.chunks) yield Buffer.from(c.buffer, 0, c.length);
    if (a.unreadable > 0) hooks.onUnreadable(a.unreadable);
    if (a.rows > 0) hooks.onRows(a.rows);
    hooks.pageHandedOn(sent.entries);
  }
  try {
    for await (const page of pages) {
      const sent = { answer: thread.convert(exportId, page), entries: page.length };
      sent.answer.catch(() => {}); // awaited in turn; an export stopped early never awaits it
      if (inFlight) yield* handOn(inFlight);
      inFlight = sent;
    }
    if (inFlight) {
      const last = inFlight;
      inFlight = undefined;
      yield* handOn(last);
    }
  } finally {
    thread.end(exportId);
  }
}

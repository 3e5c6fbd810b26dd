// Keeps the in-memory column index (query/entry-columns.ts) equal to the `entries` table:
//  - at open, it is loaded from the table in the background (chunks of rows in id order, one
//    time slice per turn of the event loop); until it has caught up, metric queries take the
//    pipeline and pushes are left to the loader (their ids are above its cursor);
//  - once loaded, every committed push appends its accepted entries (ids grow);
//  - every retention delete hands over the ids it deleted (DELETE … RETURNING id); once half the
//    rows are dead, the index is compacted in slices of COMPACT_SLICE_MS, one per turn of the
//    event loop (EntryColumns.compactStep), queries and pushes served in between.
// An id that does not grow (SQLite reuses the largest rowid once that row is deleted) starts a
// reload rather than leave the index out of order.
import type Database from 'better-sqlite3';
import { EntryColumns } from '../query/entry-columns.ts';

export interface CommittedEntry {
  id: number;
  streamId: number;
  ts: bigint;
  line: string;
  hasMetadata: boolean;
}

const LOAD_CHUNK = 2000;
const LOAD_SLICE_MS = 20;
const COMPACT_SLICE_MS = 10;

export class ColumnIndex {
  readonly columns = new EntryColumns();
  private loadedUpTo = 0;
  private loading = false;
  private compacting = false;
  private isReady = false;
  private closed = false;
  private readonly readChunk: Database.Statement;

  constructor(db: Database.Database) {
    this.readChunk = db
      .prepare(
        'SELECT id, stream_id, ts, line, meta IS NOT NULL FROM entries WHERE id > ? ORDER BY id LIMIT ?',
      )
      .raw(true)
      .safeIntegers(true);
    this.rebuild();
  }

  /** Whether the index holds every entry of the table (metric queries may use it). */
  get ready(): boolean {
    return this.isReady && !this.closed;
  }

  /** Forgets everything and loads the table again: one slice now, the rest in the background. */
  rebuild(): void {
    this.columns.reset();
    this.loadedUpTo = 0;
    this.isReady = false;
    if (this.loadSlice(LOAD_SLICE_MS)) return;
    this.schedule();
  }

  /** Loads the rest of the table now (start-up of tests and benchmarks). */
  loadNow(): void {
    while (!this.isReady && !this.closed) this.loadSlice(Infinity);
  }

  private schedule(): void {
    if (this.loading) return;
    this.loading = true;
    const step = (): void => {
      this.loading = false;
      if (this.closed || this.isReady) return;
      if (!this.loadSlice(LOAD_SLICE_MS)) this.schedule();
    };
    setImmediate(step);
  }

  /** Reads chunks for about `budgetMs`; true once the whole table is in. */
  private loadSlice(budgetMs: number): boolean {
    const t0 = performance.now();
    for (;;) {
      const rows = this.readChunk.all(BigInt(this.loadedUpTo), LOAD_CHUNK) as [
        bigint,
        bigint,
        bigint,
        string,
        bigint,
      ][];
      for (const [id, streamId, ts, line, meta] of rows) {
        this.columns.append(Number(id), Number(streamId), ts, line, meta !== 0n);
        this.loadedUpTo = Number(id);
      }
      if (rows.length < LOAD_CHUNK) {
        this.isReady = true;
        return true;
      }
      if (performance.now() - t0 > budgetMs) return false;
    }
  }

  /** Entries a push committed (call after the transaction, never for one that rolled back). */
  appendCommitted(entries: CommittedEntry[]): void {
    if (!this.isReady) return; // the loader reads them from the table
    for (const e of entries) {
      if (!this.columns.append(e.id, e.streamId, e.ts, e.line, e.hasMetadata)) {
        this.rebuild();
        return;
      }
    }
  }

  /** Ids retention deleted. */
  deleted(ids: Iterable<number>): void {
    this.columns.remove(ids);
    if (this.columns.compactionDue) this.scheduleCompaction();
  }

  /** Compaction in slices, one per turn of the event loop, until it is swapped in. */
  private scheduleCompaction(): void {
    if (this.compacting) return;
    this.compacting = true;
    const step = (): void => {
      // a rebuild (reset) drops the compaction under way: start again only if still due
      if (this.closed || !(this.columns.compacting || this.columns.compactionDue)) {
        this.compacting = false;
        return;
      }
      if (this.columns.compactStep(COMPACT_SLICE_MS)) this.compacting = false;
      else setImmediate(step);
    };
    setImmediate(step);
  }

  /** Finishes a compaction that is due or under way now (one retention pass in one go: start-up, tests). */
  compactNow(): void {
    if (this.columns.compacting || this.columns.compactionDue) this.columns.compact();
  }

  close(): void {
    this.closed = true;
  }
}

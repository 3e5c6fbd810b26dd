// What the embedded store's size cap measures, and the deletes that bring a store back under it.
//
// The cap applies to the pages the database uses: (page_count − freelist_count) × page_size,
// read inside the current transaction, so a push can see what its own inserts added before it
// commits. The files on disk hold more than that, and each extra is bounded on its own:
//  - free pages (freelist): deletes free pages that the next pushes reuse; a retention pass gives
//    back to the file system whatever is free beyond a small reserve (incremental vacuum);
//  - the WAL: a checkpoint runs after every 1 000 pages written (SQLite's wal_autocheckpoint)
//    and, once the WAL restarts, journal_size_limit truncates the file back to WAL_LIMIT_BYTES;
//    so the WAL holds about 4 MiB plus the largest transaction (one push and what it deleted).
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';

/** Size of the WAL file kept after a checkpoint lets it restart (PRAGMA journal_size_limit). */
export const WAL_LIMIT_BYTES = 4 * 1024 * 1024;

// Rows one trimming round deletes at most: rounds re-read the size, so a wrong estimate of the
// bytes a row frees costs another round, never a large overshoot.
const TRIM_CHUNK = 2000;
// Deleting a few rows may free no whole page; below this a round would mostly re-read the size.
const MIN_TRIM = 32;
const MAX_ROUNDS = 100_000;
// The bytes-per-row estimate follows what deletes really freed, forgetting old rounds slowly.
const LEARN_AFTER_ROWS = 1000;
const FORGET_AFTER_ROWS = 200_000;

export interface StoreSize {
  /** pages in use × page size: what the cap applies to */
  usedBytes: number;
  /** pages on the freelist × page size: inside the database file, reused by the next inserts */
  freeBytes: number;
  /** the WAL file (0 when absent) */
  walBytes: number;
}

export class SizeAccount {
  private readonly pageCount: Database.Statement;
  private readonly freelistCount: Database.Statement;
  readonly pageSize: number;
  private bytesPerRow: number | undefined;
  private freedBytes = 0;
  private freedRows = 0;

  constructor(
    db: Database.Database,
    private readonly walPath: string,
  ) {
    this.pageCount = db.prepare('PRAGMA page_count').pluck();
    this.freelistCount = db.prepare('PRAGMA freelist_count').pluck();
    this.pageSize = db.pragma('page_size', { simple: true }) as number;
  }

  usedBytes(): number {
    return ((this.pageCount.get() as number) - (this.freelistCount.get() as number)) * this.pageSize;
  }

  freePages(): number {
    return this.freelistCount.get() as number;
  }

  size(): StoreSize {
    let walBytes = 0;
    try {
      walBytes = statSync(this.walPath).size;
    } catch {
      // no WAL file yet (or it was removed at close)
    }
    return { usedBytes: this.usedBytes(), freeBytes: this.freePages() * this.pageSize, walBytes };
  }

  /**
   * Deletes the oldest entries until the used bytes are at most `target` (or `maxRows` rows went,
   * or none is left); returns the ids deleted. Run it inside a transaction: each round re-reads
   * the size that transaction sees.
   */
  trim(
    target: number,
    deleteOldest: (n: number) => number[],
    countRows: () => number,
    maxRows = Infinity,
  ): number[] {
    const gone: number[] = [];
    let used = this.usedBytes();
    for (let round = 0; used > target && gone.length < maxRows && round < MAX_ROUNDS; round++) {
      // first estimate: the average row (one count, the first time the store is over its cap)
      this.bytesPerRow ??= used / Math.max(1, countRows());
      const wanted = Math.ceil((used - target) / Math.max(1, this.bytesPerRow));
      const n = Math.min(TRIM_CHUNK, maxRows - gone.length, Math.max(MIN_TRIM, wanted));
      const ids = deleteOldest(n);
      if (ids.length === 0) break;
      for (const id of ids) gone.push(id);
      const after = this.usedBytes();
      this.learn(ids.length, used - after);
      used = after;
    }
    return gone;
  }

  private learn(rows: number, freed: number): void {
    this.freedRows += rows;
    this.freedBytes += Math.max(0, freed);
    if (this.freedRows >= LEARN_AFTER_ROWS && this.freedBytes > 0)
      this.bytesPerRow = this.freedBytes / this.freedRows;
    if (this.freedRows > FORGET_AFTER_ROWS) {
      this.freedRows /= 2;
      this.freedBytes /= 2;
    }
  }
}

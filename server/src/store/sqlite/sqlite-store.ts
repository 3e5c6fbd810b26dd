// The embedded Loki-API store: SQLite (better-sqlite3) in WAL mode with synchronous=FULL, so a
// push is on disk (fsynced WAL) before its 2xx is sent and survives kill -9 and power loss.
//
// Schema: `streams` (one row per distinct label set, cached in memory) and `entries`
// (stream_id, ts in ns, line, structured metadata). Index `entries(ts)` serves newest-first
// scans over every stream; `entries(stream_id, ts)` serves selective stream selectors (a k-way
// merge of per-stream cursors) and de-duplication of (stream, ts, line) as Loki does.
// Queries read in keyset-paginated chunks, so memory stays bounded whatever the data size.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CompiledMatcher, LogQuery, MetricQuery } from '../query/logql-ast.ts';
import {
  evaluateMetric,
  evaluationTimes,
  preGroupingOf,
  rangeOf,
  SampleCollector,
  type MatrixSeries,
} from '../query/metric-eval.ts';
import { evaluateFromColumns, fastPlan } from '../query/metric-fast-path.ts';
import { compilePipeline, type Labels } from '../query/pipeline.ts';
import { ColumnIndex, type CommittedEntry } from './column-index.ts';
import { SizeAccount, WAL_LIMIT_BYTES, type StoreSize } from './store-size.ts';
import { MAX_NS, NS_PER_MS, nowNs } from './timestamps.ts';

export interface StoreOptions {
  /** directory of the database file (created if missing); ':memory:' is not supported */
  dataDir: string;
  /** entries older than this are deleted; 0 = keep forever */
  retentionMs: number;
  /**
   * cap on the pages the database uses, in bytes (store-size.ts); every push that brings the
   * store past it deletes the oldest entries in its own transaction; 0 = no cap
   */
  maxBytes: number;
  /** how often retention runs in the background (default 60 s) */
  retentionIntervalMs?: number;
  /** told when a background retention pass fails (the next pass tries again) */
  onRetentionError?: (err: unknown) => void;
}

export interface PushEntry {
  ts: bigint;
  line: string;
  metadata?: Labels;
}
export interface PushStream {
  labels: Labels;
  entries: PushEntry[];
}

export interface QueryRangeParams {
  query: LogQuery;
  start: bigint; // inclusive
  end: bigint; // exclusive
  limit: number;
  direction: 'backward' | 'forward';
  /** stops the scan early (the client went away); the partial result is returned */
  signal?: AbortSignal;
}

export interface QueryStats {
  entriesScanned: number;
  bytesScanned: number;
  entriesReturned: number;
  streamsMatched: number;
  chunks: number;
  execTimeMs: number;
}

export interface StreamResult {
  stream: Labels;
  values: [string, string][];
}

export interface QueryResult {
  result: StreamResult[];
  stats: QueryStats;
}

export interface MetricQueryParams {
  query: MetricQuery;
  start: bigint; // first evaluation time
  end: bigint; // last evaluation time at most (inclusive)
  stepNs: bigint;
  signal?: AbortSignal;
  /** read every entry through the pipeline even when the column index could answer (tests) */
  pipelineOnly?: boolean;
}

export interface MetricResult {
  result: MatrixSeries[];
  stats: QueryStats;
  /** 'columns': answered from the column index (query/metric-fast-path.ts); 'pipeline': every entry read */
  answeredBy: 'columns' | 'pipeline';
  /** chunks of rows the column index added up from their totals (query/chunk-rollup.ts) */
  chunksSummed?: number;
  /** chunks of rows it passed over (none of their streams could count) */
  chunksSkipped?: number;
  /** how each of its scans found series (query/series-table.ts) */
  seriesTables?: string[];
}

export interface PushResult {
  accepted: number;
  duplicates: number;
}

interface StreamInfo {
  id: number;
  labels: Labels;
  key: string;
  minTs: bigint | null;
  maxTs: bigint | null;
}

type Row = [bigint, bigint, bigint, string, string | null]; // id, stream_id, ts, line, meta

const FIRST_CHUNK = 256;
const MAX_CHUNK = 4096;
const MERGE_MAX_STREAMS = 16;
const MERGE_BATCH = 64; // small: rows merged past the limit are wasted work
const YIELD_EVERY_MS = 20;
// Rows one retention step deletes. Background passes yield to the event loop after every step,
// so this bounds how long a push or query can wait behind retention (a few ms per step).
const RETENTION_BATCH = 500;
// Pages one step of a pass's incremental vacuum gives back to the file system (4 MiB of 4 KiB pages).
const VACUUM_STEP_PAGES = 1024;
// Free pages a pass leaves in the file for the next pushes to reuse (with a cap: a sixteenth of
// it, at most this); the size trimming of pushes frees about one push of pages at a time.
const FREE_RESERVE_BYTES = 8 * 1024 * 1024;
// How far below the cap a push that went past it deletes: a 64th of the cap, within these bounds.
const TRIM_SLACK_MIN = 64 * 1024;
const TRIM_SLACK_MAX = 4 * 1024 * 1024;
// After a push deleted entries, the streams' time ranges are refreshed by a pass at most this often.
const STALE_RANGES_PASS_MS = 1000;

export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

export function matchesAll(matchers: CompiledMatcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels[m.label] ?? '')) return false;
  return true;
}

export class EmbeddedStore {
  readonly db: Database.Database;
  private readonly byKey = new Map<string, StreamInfo>();
  private readonly byId = new Map<number, StreamInfo>();
  private readonly timer: NodeJS.Timeout | null;
  private lastRetention = Date.now();
  private retentionRunning = false;
  /** see retentionHorizonNs */
  private horizonNs: bigint | undefined;
  private closed = false;
  /** a push deleted entries: the streams' min_ts (and empty streams) wait for the next pass */
  private rangesStale = false;
  private readonly size: SizeAccount;

  private readonly stmts: ReturnType<EmbeddedStore['prepare']>;
  /** what the overview's metric queries read instead of the lines (query/entry-columns.ts) */
  readonly columnIndex: ColumnIndex;

  constructor(readonly opts: StoreOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    const file = join(opts.dataDir, 'interflow-store.sqlite');
    this.db = new Database(file);
    // auto_vacuum must be chosen before the first table exists; it lets retention shrink the file
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    // FULL: every commit fsyncs the WAL, so an acknowledged push survives a crash of the machine
    // too (NORMAL would survive kill -9 but could lose the last commits on power loss).
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -65536'); // 64 MiB page cache
    // the WAL file shrinks back to this once a checkpoint lets it restart (store-size.ts)
    this.db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS streams (
        id INTEGER PRIMARY KEY,
        labels TEXT NOT NULL UNIQUE,
        min_ts INTEGER,
        max_ts INTEGER
      );
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        stream_id INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        line TEXT NOT NULL,
        meta TEXT
      );
      CREATE INDEX IF NOT EXISTS entries_ts ON entries (ts);
      CREATE INDEX IF NOT EXISTS entries_stream_ts ON entries (stream_id, ts);
    `);
    this.stmts = this.prepare();
    this.size = new SizeAccount(this.db, `${file}-wal`);
    this.columnIndex = new ColumnIndex(this.db);
    for (const row of this.stmts.allStreams.all() as [bigint, string, bigint | null, bigint | null][]) {
      const labels = Object.fromEntries(JSON.parse(row[1]) as [string, string][]);
      const info: StreamInfo = { id: Number(row[0]), labels, key: row[1], minTs: row[2], maxTs: row[3] };
      this.byKey.set(info.key, info);
      this.byId.set(info.id, info);
    }
    const interval = opts.retentionIntervalMs ?? 60_000;
    this.timer =
      opts.retentionMs > 0 || opts.maxBytes > 0
        ? setInterval(() => this.scheduleRetention(), interval)
        : null;
    this.timer?.unref();
    this.enforceRetention();
  }

  private prepare() {
    const db = this.db;
    const safe = <T extends Database.Statement>(s: T): T => s.safeIntegers(true) as T;
    return {
      allStreams: safe(db.prepare('SELECT id, labels, min_ts, max_ts FROM streams').raw(true)),
      insertStream: safe(db.prepare('INSERT INTO streams (labels, min_ts, max_ts) VALUES (?, ?, ?)')),
      updateStreamRange: safe(db.prepare('UPDATE streams SET min_ts = ?, max_ts = ? WHERE id = ?')),
      insertEntry: safe(
        db.prepare(
          `INSERT INTO entries (stream_id, ts, line, meta) SELECT ?, ?, ?, ?
           WHERE NOT EXISTS (SELECT 1 FROM entries WHERE stream_id = ? AND ts = ? AND line = ?)`,
        ),
      ),
      // keyset pagination in index order; (ts, id) row values keep the position exact on ts ties
      scanBackward: safe(
        db
          .prepare(
            `SELECT id, stream_id, ts, line, meta FROM entries INDEXED BY entries_ts
           WHERE ts >= ? AND (ts, id) < (?, ?) ORDER BY ts DESC, id DESC LIMIT ?`,
          )
          .raw(true),
      ),
      scanForward: safe(
        db
          .prepare(
            `SELECT id, stream_id, ts, line, meta FROM entries INDEXED BY entries_ts
           WHERE ts < ? AND (ts, id) > (?, ?) ORDER BY ts ASC, id ASC LIMIT ?`,
          )
          .raw(true),
      ),
      streamBackward: safe(
        db
          .prepare(
            `SELECT id, stream_id, ts, line, meta FROM entries INDEXED BY entries_stream_ts
           WHERE stream_id = ? AND ts >= ? AND (ts, id) < (?, ?) ORDER BY ts DESC, id DESC LIMIT ?`,
          )
          .raw(true),
      ),
      streamForward: safe(
        db
          .prepare(
            `SELECT id, stream_id, ts, line, meta FROM entries INDEXED BY entries_stream_ts
           WHERE stream_id = ? AND ts < ? AND (ts, id) > (?, ?) ORDER BY ts ASC, id ASC LIMIT ?`,
          )
          .raw(true),
      ),
      oldestIds: safe(
        db.prepare('SELECT id FROM entries INDEXED BY entries_ts ORDER BY ts ASC, id ASC LIMIT ?').pluck(),
      ),
      // RETURNING: the column index forgets exactly the rows that went, and their times move
      // the retention horizon
      deleteOlderThan: safe(
        db
          .prepare(
            `DELETE FROM entries WHERE id IN
           (SELECT id FROM entries INDEXED BY entries_ts WHERE ts < ? ORDER BY ts LIMIT ?) RETURNING id, ts`,
          )
          .raw(true),
      ),
      deleteOldest: safe(
        db
          .prepare(
            'DELETE FROM entries WHERE id IN (SELECT id FROM entries INDEXED BY entries_ts ORDER BY ts ASC, id ASC LIMIT ?) RETURNING id, ts',
          )
          .raw(true),
      ),
      countEntries: safe(db.prepare('SELECT count(*) FROM entries').pluck()),
      streamMinTs: safe(db.prepare('SELECT min(ts) FROM entries WHERE stream_id = ?').pluck()),
      deleteStream: safe(db.prepare('DELETE FROM streams WHERE id = ?')),
    };
  }

  /** Bytes the database uses (pages in use × page size), the measure maxBytes caps. */
  usedBytes(): number {
    return this.size.usedBytes();
  }

  /** Used bytes, free pages inside the file and the WAL file (store-size.ts says how each is bounded). */
  sizeOnDisk(): StoreSize {
    return this.size.size();
  }

  entryCount(): number {
    return Number(this.stmts.countEntries.get());
  }

  private createStream(labels: Labels, key: string): StreamInfo {
    const res = this.stmts.insertStream.run(key, null, null);
    const info: StreamInfo = {
      id: Number(res.lastInsertRowid),
      labels: { ...labels },
      key,
      minTs: null,
      maxTs: null,
    };
    this.byKey.set(key, info);
    this.byId.set(info.id, info);
    return info;
  }

  /** Stores every entry in one transaction; returns when it is durable on disk. */
  push(streams: PushStream[]): PushResult {
    if (this.closed) throw new Error('store is closed');
    let accepted = 0;
    let duplicates = 0;
    const created: StreamInfo[] = [];
    const committed: CommittedEntry[] = [];
    let trimmed: number[] = [];
    const tx = this.db.transaction(() => {
      for (const s of streams) {
        if (s.entries.length === 0) continue;
        const key = labelsKey(s.labels);
        let info = this.byKey.get(key);
        if (!info) {
          info = this.createStream(s.labels, key);
          created.push(info);
        }
        let lo = info.minTs;
        let hi = info.maxTs;
        for (const e of s.entries) {
          const meta = e.metadata && Object.keys(e.metadata).length > 0 ? JSON.stringify(e.metadata) : null;
          const res = this.stmts.insertEntry.run(info.id, e.ts, e.line, meta, info.id, e.ts, e.line);
          if (res.changes === 0) {
            duplicates++;
            continue;
          }
          accepted++;
          committed.push({
            id: Number(res.lastInsertRowid),
            streamId: info.id,
            ts: e.ts,
            line: e.line,
            hasMetadata: meta !== null,
          });
          if (lo === null || e.ts < lo) lo = e.ts;
          if (hi === null || e.ts > hi) hi = e.ts;
        }
        if (lo !== info.minTs || hi !== info.maxTs) {
          this.stmts.updateStreamRange.run(lo, hi, info.id);
          info.minTs = lo;
          info.maxTs = hi;
        }
      }
      // The size cap, kept by design: a push that brings the store past it deletes the oldest
      // entries in the same transaction (one fsync for both), so the committed store never
      // holds more than the cap however fast pushes come, and the work is about what it added.
      // It deletes a little below the cap: fewer, larger deletes write fewer pages per row (the
      // oldest rows of every stream share the pages of the (stream_id, ts) index).
      const cap = this.opts.maxBytes;
      if (cap > 0 && accepted > 0 && this.size.usedBytes() > cap)
        trimmed = this.trimToCap(cap - Math.min(TRIM_SLACK_MAX, Math.max(TRIM_SLACK_MIN, cap / 64)));
    });
    try {
      tx();
    } catch (err) {
      // the transaction rolled back: forget streams created inside it
      for (const info of created) {
        this.byKey.delete(info.key);
        this.byId.delete(info.id);
      }
      throw err;
    }
    this.columnIndex.appendCommitted(committed);
    if (trimmed.length > 0) {
      this.columnIndex.deleted(trimmed);
      this.rangesStale = true;
    }
    this.maybeEnforceRetention();
    return { accepted, duplicates };
  }

  /** Streams whose labels match and whose entries may overlap [start, end). */
  matchingStreams(matchers: CompiledMatcher[], start?: bigint, end?: bigint): StreamInfo[] {
    const out: StreamInfo[] = [];
    for (const s of this.byId.values()) {
      if (s.minTs === null || s.maxTs === null) continue;
      if (start !== undefined && s.maxTs < start) continue;
      if (end !== undefined && s.minTs >= end) continue;
      if (matchesAll(matchers, s.labels)) out.push(s);
    }
    return out;
  }

  labelNames(start: bigint, end: bigint, matchers: CompiledMatcher[] = []): string[] {
    const names = new Set<string>();
    for (const s of this.matchingStreams(matchers, start, end))
      for (const k of Object.keys(s.labels)) names.add(k);
    return [...names].sort();
  }

  labelValues(name: string, start: bigint, end: bigint, matchers: CompiledMatcher[] = []): string[] {
    const values = new Set<string>();
    for (const s of this.matchingStreams(matchers, start, end)) {
      const v = s.labels[name];
      if (v !== undefined && v !== '') values.add(v);
    }
    return [...values].sort();
  }

  /** A log query's answer as Loki's HTTP API gives it: streams with [ns as text, line] values. */
  async queryRange(p: QueryRangeParams): Promise<QueryResult> {
    return this.scanLogQuery(p, (ts, line): [string, string] => [ts.toString(), line]);
  }

  /**
   * The same answer with each entry as `value(ts, line, stream)` makes it, for a reader in this
   * process (the backend's Loki client, http/in-process-store.ts): no timestamp turned to text
   * and back, no JSON between the two. `stream` is the stream's labels object of this answer,
   * the same for every entry of the stream.
   */
  async queryEntries<V>(
    p: QueryRangeParams,
    value: (ts: bigint, line: string, stream: Labels) => V,
  ): Promise<{ result: { stream: Labels; values: V[] }[]; stats: QueryStats }> {
    return this.scanLogQuery(p, value);
  }

  private async scanLogQuery<V>(
    p: QueryRangeParams,
    value: (ts: bigint, line: string, stream: Labels) => V,
  ): Promise<{ result: { stream: Labels; values: V[] }[]; stats: QueryStats }> {
    const t0 = performance.now();
    const stats: QueryStats = {
      entriesScanned: 0,
      bytesScanned: 0,
      entriesReturned: 0,
      streamsMatched: 0,
      chunks: 0,
      execTimeMs: 0,
    };
    const streams = this.matchingStreams(p.query.matchers, p.start, p.end);
    stats.streamsMatched = streams.length;
    const pipeline = compilePipeline(p.query.pipeline);
    const groups = new Map<string, { stream: Labels; values: V[] }>();

    if (streams.length > 0 && p.limit > 0 && p.start < p.end) {
      const source =
        streams.length === this.byId.size
          ? this.globalScan(p, null, stats)
          : streams.length <= MERGE_MAX_STREAMS
            ? this.mergedScan(p, streams, stats)
            : this.globalScan(p, new Set(streams.map((s) => s.id)), stats);
      let sliceStart = performance.now();
      // the sources hand over one batch per database read (rows of unselected streams already
      // dropped), so this checkpoint runs however few rows of a batch are selected
      scan: for (const batch of source) {
        for (const [, streamId, ts, line, meta] of batch) {
          stats.entriesScanned++;
          stats.bytesScanned += line.length;
          const info = this.byId.get(Number(streamId));
          if (!info) continue;
          const base = meta === null ? info.labels : { ...info.labels, ...(JSON.parse(meta) as Labels) };
          const labels = pipeline.run(line, base);
          if (labels === null) continue;
          const key = labels === info.labels ? info.key : labelsKey(labels);
          let g = groups.get(key);
          if (!g) {
            // the answer's own copy: a reader in this process never holds the store's labels
            g = { stream: labels === info.labels ? { ...labels } : labels, values: [] };
            groups.set(key, g);
          }
          g.values.push(value(ts, line, g.stream));
          if (++stats.entriesReturned >= p.limit) break scan;
        }
        if (p.signal?.aborted) break;
        if (performance.now() - sliceStart > YIELD_EVERY_MS) {
          // let pushes and other requests run during long scans
          await yieldToLoop();
          if (p.signal?.aborted) break;
          sliceStart = performance.now();
        }
      }
    }
    stats.execTimeMs = performance.now() - t0;
    return { result: [...groups.values()], stats };
  }

  /**
   * A metric query: reads every entry of (start - range, end] oldest first, once, and evaluates
   * the aggregation at start, start + step, … (query/metric-eval.ts).
   */
  async metricQuery(p: MetricQueryParams): Promise<MetricResult> {
    const t0 = performance.now();
    const stats: QueryStats = {
      entriesScanned: 0,
      bytesScanned: 0,
      entriesReturned: 0,
      streamsMatched: 0,
      chunks: 0,
      execTimeMs: 0,
    };
    const times = evaluationTimes(p.start, p.end, p.stepNs);
    const range = rangeOf(p.query);
    const collector = new SampleCollector(range, preGroupingOf(p.query));
    const scan: QueryRangeParams = {
      query: range.log,
      start: p.start - range.rangeNs + 1n,
      end: p.end + 1n,
      limit: Number.MAX_SAFE_INTEGER,
      direction: 'forward',
    };
    const streams = this.matchingStreams(range.log.matchers, scan.start, scan.end);
    stats.streamsMatched = streams.length;
    if (!p.pipelineOnly && this.columnIndex.ready) {
      const plan = fastPlan(p.query);
      const fast = await evaluateFromColumns({
        agg: range,
        preGroup: plan.preGroup,
        top: plan.top,
        streams,
        columns: this.columnIndex.columns,
        times,
        scanEnd: p.end,
        signal: p.signal,
      });
      if (fast) {
        const result = evaluateMetric(plan.rest, { evaluate: () => fast.evaluated }, times);
        stats.entriesScanned = fast.entriesScanned;
        stats.entriesReturned = result.length;
        stats.execTimeMs = performance.now() - t0;
        return {
          result,
          stats,
          answeredBy: 'columns',
          chunksSummed: fast.chunksSummed,
          chunksSkipped: fast.chunksSkipped,
          seriesTables: fast.seriesTables,
        };
      }
    }
    if (streams.length > 0) {
      const source =
        streams.length === this.byId.size
          ? this.globalScan(scan, null, stats)
          : streams.length <= MERGE_MAX_STREAMS
            ? this.mergedScan(scan, streams, stats)
            : this.globalScan(scan, new Set(streams.map((s) => s.id)), stats);
      let sliceStart = performance.now();
      for (const batch of source) {
        for (const [, streamId, ts, line, meta] of batch) {
          stats.entriesScanned++;
          stats.bytesScanned += line.length;
          const info = this.byId.get(Number(streamId));
          if (!info) continue;
          const base = meta === null ? info.labels : { ...info.labels, ...(JSON.parse(meta) as Labels) };
          collector.add(ts, line, base);
        }
        if (p.signal?.aborted) break;
        if (performance.now() - sliceStart > YIELD_EVERY_MS) {
          await yieldToLoop();
          if (p.signal?.aborted) break;
          sliceStart = performance.now();
        }
      }
    }
    const result = evaluateMetric(p.query, collector, times);
    stats.entriesReturned = result.length;
    stats.execTimeMs = performance.now() - t0;
    return { result, stats, answeredBy: 'pipeline' };
  }

  /** Every entry in [start, end) in time order, optionally only from some streams; one batch per chunk read. */
  private *globalScan(p: QueryRangeParams, only: Set<number> | null, stats: QueryStats): Generator<Row[]> {
    const backward = p.direction === 'backward';
    let curTs = backward ? p.end : p.start - 1n;
    // backward: (ts, id) < (end, -1) excludes ts = end, as ids are positive
    let curId = backward ? -1n : MAX_NS;
    // Chunks grow from FIRST_CHUNK, or start at the limit when it is larger (a page of an
    // export asks for 5 000 entries: growing from 256 read 7 936 rows for it). While every row
    // read was returned, a chunk reads no more than the answer still needs.
    let chunk = Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, p.limit));
    let read = chunk;
    for (;;) {
      const rows = (
        backward
          ? this.stmts.scanBackward.all(p.start, curTs, curId, read)
          : this.stmts.scanForward.all(p.end, curTs, curId, read)
      ) as Row[];
      stats.chunks++;
      const returnedBefore = stats.entriesReturned;
      yield only === null ? rows : rows.filter((r) => only.has(Number(r[1])));
      if (rows.length < read) return;
      const last = rows[rows.length - 1]!;
      curTs = last[2];
      curId = last[0];
      chunk = Math.min(chunk * 2, MAX_CHUNK);
      const allReturned = stats.entriesReturned - returnedBefore === rows.length;
      read = allReturned ? Math.max(1, Math.min(chunk, p.limit - stats.entriesReturned)) : chunk;
    }
  }

  /** k-way merge of per-stream cursors (few streams selected out of many), in batches of MERGE_BATCH. */
  private *mergedScan(p: QueryRangeParams, streams: StreamInfo[], stats: QueryStats): Generator<Row[]> {
    const backward = p.direction === 'backward';
    interface Cursor {
      streamId: number;
      rows: Row[];
      pos: number;
      done: boolean;
      ts: bigint;
      id: bigint;
      chunk: number;
    }
    const cursors: Cursor[] = streams.map((s) => ({
      streamId: s.id,
      rows: [],
      pos: 0,
      done: false,
      ts: backward ? p.end : p.start - 1n,
      id: backward ? -1n : MAX_NS,
      chunk: FIRST_CHUNK / 4,
    }));
    const fill = (c: Cursor): void => {
      if (c.pos < c.rows.length || c.done) return;
      c.rows = (
        backward
          ? this.stmts.streamBackward.all(c.streamId, p.start, c.ts, c.id, c.chunk)
          : this.stmts.streamForward.all(c.streamId, p.end, c.ts, c.id, c.chunk)
      ) as Row[];
      stats.chunks++;
      c.pos = 0;
      if (c.rows.length < c.chunk) c.done = true;
      const last = c.rows[c.rows.length - 1];
      if (last) {
        c.ts = last[2];
        c.id = last[0];
      }
      c.chunk = Math.min(c.chunk * 2, MAX_CHUNK);
    };
    let batch: Row[] = [];
    for (;;) {
      let best: Cursor | null = null;
      let bestRow: Row | null = null;
      for (const c of cursors) {
        fill(c);
        const r = c.rows[c.pos];
        if (!r) continue;
        if (
          !bestRow ||
          (backward
            ? r[2] > bestRow[2] || (r[2] === bestRow[2] && r[0] > bestRow[0])
            : r[2] < bestRow[2] || (r[2] === bestRow[2] && r[0] < bestRow[0]))
        ) {
          best = c;
          bestRow = r;
        }
      }
      if (!best || !bestRow) break;
      best.pos++;
      batch.push(bestRow);
      if (batch.length === MERGE_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * The ids of rows retention deleted ([id, ts] as RETURNING gives them), the horizon moved to
   * the newest of their times. Set in the transaction that deletes: a push that rolls back can
   * leave the horizon ahead of what went, never behind it, so "at or before the horizon" always
   * covers every row retention removed.
   */
  private retentionDeleted(rows: readonly [bigint, bigint][]): number[] {
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const [id, ts] = rows[i]!;
      ids[i] = Number(id);
      if (this.horizonNs === undefined || ts > this.horizonNs) this.horizonNs = ts;
    }
    return ids;
  }

  /**
   * The newest timestamp (ns) of any row retention (age or size cap) deleted since the store
   * opened; undefined while it deleted none. Records pushed late with older times can still be
   * stored below it, but no row newer than it was ever deleted: an entry newer than the horizon
   * that is not stored was never stored.
   */
  get retentionHorizonNs(): bigint | undefined {
    return this.horizonNs;
  }

  /** Deletes the oldest entries until the used pages are at most `target` bytes; returns their ids. */
  private trimToCap(target: number, maxRows = Infinity): number[] {
    return this.size.trim(
      target,
      (n) => this.retentionDeleted(this.stmts.deleteOldest.all(n) as [bigint, bigint][]),
      // the index counts without a scan once loaded (it lacks this push's rows: an estimate)
      () => (this.columnIndex.ready ? this.columnIndex.columns.live : this.entryCount()),
      maxRows,
    );
  }

  private maybeEnforceRetention(): void {
    // cheap checks after pushes: age retention at most every 5 s; stream ranges left stale by a
    // push's size trimming at most every second (a pass also gives free pages back)
    const sinceLast = Date.now() - this.lastRetention;
    if (sinceLast > 5_000 || (this.rangesStale && sinceLast > STALE_RANGES_PASS_MS)) this.scheduleRetention();
  }

  /** Whether a background retention pass is under way. */
  get retentionPending(): boolean {
    return this.retentionRunning;
  }

  /**
   * Starts a retention pass in the background unless one is running: one batch per turn of the
   * event loop, so the push that made it due is answered at once and nothing waits long behind it.
   */
  scheduleRetention(): void {
    if (this.retentionRunning || this.closed) return;
    this.retentionRunning = true;
    this.lastRetention = Date.now();
    const steps = this.retentionSteps(nowNs());
    const step = (): void => {
      if (this.closed) {
        this.retentionRunning = false;
        return;
      }
      try {
        if (steps.next().done) {
          this.retentionRunning = false;
          return;
        }
      } catch (err) {
        this.retentionRunning = false;
        this.opts.onRetentionError?.(err);
        return;
      }
      setImmediate(step);
    };
    setImmediate(step);
  }

  /** Deletes entries past the age limit, then the oldest until under the size cap, all at once. */
  enforceRetention(now: bigint = nowNs()): { deleted: number } {
    if (this.closed) return { deleted: 0 };
    this.lastRetention = Date.now();
    const steps = this.retentionSteps(now);
    for (;;) {
      const r = steps.next();
      if (r.done) {
        this.columnIndex.compactNow();
        return { deleted: r.value };
      }
    }
  }

  /**
   * One retention pass; it yields after every step (a batch of deletes, the stream ranges, a
   * slice of vacuum) and returns how many rows went.
   */
  private *retentionSteps(now: bigint): Generator<void, number, void> {
    let deleted = 0;
    if (this.opts.retentionMs > 0) {
      const cutoff = now - BigInt(Math.floor(this.opts.retentionMs)) * NS_PER_MS;
      for (;;) {
        const ids = this.retentionDeleted(
          this.stmts.deleteOlderThan.all(cutoff, RETENTION_BATCH) as [bigint, bigint][],
        );
        this.columnIndex.deleted(ids);
        const n = ids.length;
        deleted += n;
        if (n < RETENTION_BATCH) break;
        yield;
      }
    }
    if (this.opts.maxBytes > 0) {
      // pushes keep the cap themselves; this is for a store opened over it (a lowered cap)
      const trimStep = this.db.transaction(() => this.trimToCap(this.opts.maxBytes, RETENTION_BATCH));
      for (;;) {
        const ids = trimStep();
        this.columnIndex.deleted(ids);
        deleted += ids.length;
        if (ids.length < RETENTION_BATCH) break;
        yield;
      }
    }
    if (deleted > 0 || this.rangesStale) {
      this.rangesStale = false;
      this.refreshStreamRanges();
    }
    // give free pages back to the file system, keeping a reserve the next pushes reuse
    const reserveBytes = this.opts.maxBytes > 0 ? Math.min(FREE_RESERVE_BYTES, this.opts.maxBytes / 16) : 0;
    const reservePages = Math.floor(reserveBytes / this.size.pageSize);
    for (let free = this.size.freePages(); free > reservePages;) {
      yield;
      this.db.pragma(`incremental_vacuum(${Math.min(free - reservePages, VACUUM_STEP_PAGES)})`);
      const after = this.size.freePages();
      if (after >= free) break; // a file made before auto_vacuum was set cannot shrink this way
      free = after;
    }
    return deleted;
  }

  private refreshStreamRanges(): void {
    const tx = this.db.transaction(() => {
      for (const s of [...this.byId.values()]) {
        const min = this.stmts.streamMinTs.get(s.id) as bigint | null;
        if (min === null) {
          this.stmts.deleteStream.run(s.id);
          this.byId.delete(s.id);
          this.byKey.delete(s.key);
        } else if (min !== s.minTs) {
          this.stmts.updateStreamRange.run(min, s.maxTs, s.id);
          s.minTs = min;
        }
      }
    });
    tx();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.columnIndex.close();
    if (this.timer) clearInterval(this.timer);
    this.db.close();
  }
}

export function openStore(opts: StoreOptions): EmbeddedStore {
  return new EmbeddedStore(opts);
}

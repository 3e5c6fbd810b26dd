import Database from 'better-sqlite3';
import type { LabelMatcher, LogQuery } from './logql-ast.ts';
import { type Labels } from './pipeline.ts';
export interface StoreOptions {
    /** directory of the database file (created if missing); ':memory:' is not supported */
    dataDir: string;
    /** entries older than this are deleted; 0 = keep forever */
    retentionMs: number;
    /** cap on the database's used size in bytes (oldest entries go first); 0 = no cap */
    maxBytes: number;
    /** how often retention runs in the background (default 60 s) */
    retentionIntervalMs?: number;
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
    start: bigint;
    end: bigint;
    limit: number;
    direction: 'backward' | 'forward';
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
export declare function labelsKey(labels: Labels): string;
export declare function matchesAll(matchers: LabelMatcher[], labels: Labels): boolean;
export declare class EmbeddedStore {
    readonly opts: StoreOptions;
    readonly db: Database.Database;
    private readonly byKey;
    private readonly byId;
    private readonly timer;
    private bytesSinceRetention;
    private lastRetention;
    private closed;
    private readonly stmts;
    constructor(opts: StoreOptions);
    private prepare;
    /** Bytes the database uses (pages in use × page size), the measure maxBytes caps. */
    usedBytes(): number;
    entryCount(): number;
    private streamFor;
    /** Stores every entry in one transaction; returns when it is durable on disk. */
    push(streams: PushStream[]): PushResult;
    /** Streams whose labels match and whose entries may overlap [start, end). */
    matchingStreams(matchers: LabelMatcher[], start?: bigint, end?: bigint): StreamInfo[];
    labelNames(start: bigint, end: bigint, matchers?: LabelMatcher[]): string[];
    labelValues(name: string, start: bigint, end: bigint, matchers?: LabelMatcher[]): string[];
    queryRange(p: QueryRangeParams): Promise<QueryResult>;
    /** Every entry in [start, end) in time order, optionally only from some streams. */
    private globalScan;
    /** k-way merge of per-stream cursors (few streams selected out of many). */
    private mergedScan;
    private maybeEnforceRetention;
    /** Deletes entries past the age limit, then the oldest until under the size cap. */
    enforceRetention(now?: bigint): {
        deleted: number;
    };
    private refreshStreamRanges;
    close(): void;
}
export declare function openStore(opts: StoreOptions): EmbeddedStore;
export {};

export declare const DEFAULT_LIMIT = 100;
/** Loki's default max_entries_limit_per_query. */
export declare const MAX_ENTRIES_LIMIT = 5000;
export declare function parseLimit(raw: string | undefined): number;
export declare function parseDirection(raw: string | undefined): 'backward' | 'forward';
/** start/end with Loki's defaults: end = now, start = end - `defaultSpan`. */
export declare function parseRange(startRaw: string | undefined, endRaw: string | undefined, defaultSpanNs?: bigint): {
    start: bigint;
    end: bigint;
};
export declare const LABELS_DEFAULT_SPAN_NS: bigint;

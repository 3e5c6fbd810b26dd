export declare const NS_PER_MS = 1000000n;
export declare const MAX_NS = 9223372036854775807n;
export declare function nowNs(): bigint;
/**
 * Parses a query time the way Loki does: a decimal number with a dot is seconds (rounded to
 * ms), an integer of up to 10 digits is seconds, a longer integer is nanoseconds, otherwise
 * RFC3339 (with optional fractional seconds, kept to the nanosecond).
 */
export declare function parseQueryTime(value: string | undefined, def: bigint, param: string): bigint;
/** Push timestamps: a decimal string of nanoseconds, as Loki's JSON push API expects. */
export declare function parsePushTime(value: unknown): bigint | null;

export declare class RegexError extends Error {
}
export declare const MAX_REGEX_LENGTH = 4096;
interface Options {
    /** `.` also matches `\n` (Prometheus/Loki label matchers compile as `^(?s:re)$`). */
    dotAll: boolean;
    /** Whole value must match (label matchers), otherwise unanchored (line filters). */
    anchored: boolean;
}
export declare function re2ToJs(source: string, opts: Options): RegExp;
export {};

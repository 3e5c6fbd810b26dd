import type { LabelMatcher, LogQuery } from './logql-ast.ts';
export declare const MAX_QUERY_LENGTH: number;
/** Loki JSON expression: field(.field | [index] | ["key"])* */
export declare function parseJsonPath(expr: string): (string | number)[] | null;
export declare function parseLogQuery(query: string): LogQuery;
/** A stream selector alone (labels / label values `query` parameter). */
export declare function parseSelectorOnly(query: string): LabelMatcher[];

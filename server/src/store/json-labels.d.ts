import type { JsonExtraction } from './logql-ast.ts';
export declare const DUPLICATE_SUFFIX = "_extracted";
export declare function sanitizeLabelKey(key: string, isPrefix: boolean): string;
/** Returns an error message when the line is not a JSON object, else fills `out`. */
export declare function extractJsonLabels(line: string, extractions: JsonExtraction[] | null, base: Record<string, string>, out: Map<string, string>): string | null;

import type { PipelineStage } from './logql-ast.ts';
export declare const ERROR_LABEL = "__error__";
export declare const ERROR_DETAILS_LABEL = "__error_details__";
export type Labels = Record<string, string>;
export declare function parseGoFloat(s: string): number | null;
export interface CompiledPipeline {
    /** true when no stage can add labels (the output labels are the input labels) */
    readonly keepsLabels: boolean;
    /** Returns the entry's output labels, or null when the pipeline drops the entry. */
    run(line: string, base: Labels): Labels | null;
}
export declare function compilePipeline(stages: PipelineStage[]): CompiledPipeline;

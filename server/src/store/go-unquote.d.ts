export declare class UnquoteError extends Error {
}
export declare function goUnquote(literal: string): string;

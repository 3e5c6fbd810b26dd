export type StoreErrorCode = 'bad_query' | 'unsupported_query' | 'bad_param' | 'bad_push' | 'unsupported_media' | 'forbidden';
export declare class StoreError extends Error {
    readonly code: StoreErrorCode;
    readonly name = "StoreError";
    readonly statusCode: number;
    constructor(code: StoreErrorCode, message: string);
}
export declare const badQuery: (msg: string) => StoreError;
export declare const unsupported: (what: string) => StoreError;
export declare const badParam: (msg: string) => StoreError;
export declare const badPush: (msg: string) => StoreError;

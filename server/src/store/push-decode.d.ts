import type { PushBody } from './schemas.ts';
import type { PushStream } from './sqlite-store.ts';
export declare const MAX_LINE_BYTES: number;
export declare function decodePush(body: PushBody): PushStream[];

import type { FastifyPluginAsync } from 'fastify';
import { type EmbeddedStore } from './sqlite-store.ts';
export interface EmbeddedStorePluginOptions {
    /** directory of the SQLite database (created when missing) */
    dataDir: string;
    /** age limit of entries in ms; 0 = keep forever */
    retentionMs: number;
    /** cap on the database's used bytes, oldest entries deleted first; 0 = no cap */
    maxBytes: number;
    /** accept clients that are not on loopback (otherwise 403) */
    allowRemote: boolean;
    /** largest accepted push body after decompression (default 64 MiB) */
    maxPushBytes?: number;
    /** use this store instead of opening one (it is then not closed with the app) */
    store?: EmbeddedStore;
}
export declare const embeddedStorePlugin: FastifyPluginAsync<EmbeddedStorePluginOptions>;

// Public surface of the embedded Loki-API store.
export { embeddedStorePlugin, type EmbeddedStorePluginOptions, type StoreAction } from './http/plugin.ts';
export {
  openStore,
  EmbeddedStore,
  type StoreOptions,
  type PushStream,
  type QueryRangeParams,
} from './sqlite/sqlite-store.ts';
export { parseLogQuery } from './query/logql-parse.ts';
export { StoreError } from './errors.ts';
export { parseQuery } from './query/query-parse.ts';
export { parseDirection, parseLimit, parseRange } from './http/http-params.ts';

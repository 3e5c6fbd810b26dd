// Public surface of the embedded Loki-API store.
export { embeddedStorePlugin, type EmbeddedStorePluginOptions } from './plugin.ts';
export {
  openStore,
  EmbeddedStore,
  type StoreOptions,
  type PushStream,
  type QueryRangeParams,
} from './sqlite-store.ts';
export { parseLogQuery } from './logql-parse.ts';
export { StoreError } from './errors.ts';

// @interflow/contract: what the agent, the backend and the page agree on (docs/design.md).
// No Node or DOM imports, so every part can take it; the page's bundle takes only what it uses.
export * from './flow-record.ts';
export * from './interface-record.ts';
export * from './filters/filter-definitions.ts';
export * from './filters/filter-syntax.ts';
export * from './filters/ip-pattern.ts';
export * from './filters/match-modes.ts';
export * from './columns.ts';
export * from './config-values.ts';
export * from './listen-error.ts';
export * from './api.ts';
export * from './text.ts';
export * from './readable-values.ts';
export * from './sort-records.ts';
export * from './merge-flows.ts';
export * from './quick-filters.ts';

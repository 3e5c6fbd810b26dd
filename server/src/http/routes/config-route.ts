// GET /api/config — columns, filter definitions, quick filters and defaults for the page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEFAULT_LIMIT, DEFAULT_TIME_RANGE_S } from '../../flows/query-params.ts';
import {
  COLUMNS,
  ConfigResponseSchema,
  DEFAULT_COLUMNS,
  FILTER_SPECS,
  type ConfigResponse,
  type QuickFilter,
} from '@interflow/contract';

export interface ConfigRouteOptions {
  store: () => ConfigResponse['store'];
  /** Checked at start-up (server/src/config/quick-filters-file.ts). */
  quickFilters: readonly QuickFilter[];
}

export const configRoutes: FastifyPluginAsyncTypebox<ConfigRouteOptions> = async (
  app,
  { store, quickFilters },
) => {
  const fixed: Omit<ConfigResponse, 'store'> = {
    columns: COLUMNS.map((c) => ({ ...c })),
    filters: FILTER_SPECS.map(({ id, name, description, autocomplete, examples }) => ({
      id,
      name,
      description,
      autocomplete,
      examples,
    })),
    quickFilters: quickFilters.map((q) => ({ ...q })),
    defaults: {
      timeRange: DEFAULT_TIME_RANGE_S,
      limit: DEFAULT_LIMIT,
      match: 'all',
      columns: DEFAULT_COLUMNS,
      sort: 'TimeFlowEndMs:desc',
    },
  };
  app.get('/api/config', { schema: { response: { 200: ConfigResponseSchema } } }, async (_req, reply) => {
    reply.header('cache-control', 'no-cache');
    return { ...fixed, store: store() };
  });
};

// GET /api/resources/:kind — autocomplete values (sorted, unique) over the time range, with what
// each is where the records say (an interface's owning pods).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BadParamError } from '../../errors.ts';
import type { FlowService } from '../../flows/flow-service.ts';
import { parseTimeWindow } from '../../flows/query-params.ts';
import { callerNamespaces } from '../access-hook.ts';
import {
  RESOURCE_KINDS,
  ResourceParamsSchema,
  ResourceQuerySchema,
  ResourceResponseSchema,
  STORE_QUERY_ERRORS,
  type ResourceKind,
} from '@interflow/contract';

/** Autocomplete looks further back than the table's default 5 minutes. */
const RESOURCE_DEFAULT_RANGE_S = 3600;

export const resourceRoutes: FastifyPluginAsyncTypebox<{ flows: FlowService }> = async (app, { flows }) => {
  app.get(
    '/api/resources/:kind',
    {
      schema: {
        params: ResourceParamsSchema,
        querystring: ResourceQuerySchema,
        response: {
          200: ResourceResponseSchema,
          ...STORE_QUERY_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const kind = req.params.kind;
      if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) {
        throw new BadParamError('kind', `kind must be one of ${RESOURCE_KINDS.join(', ')}`);
      }
      const window = parseTimeWindow(req.query, Date.now(), RESOURCE_DEFAULT_RANGE_S);
      const call = { authorization: req.headers.authorization };
      const namespaces = await callerNamespaces(req, () => flows.namespacesIn(window, call));
      const answer = await flows.resourceValues(kind as ResourceKind, window, { ...call, namespaces });
      reply.header('cache-control', 'no-store');
      return answer;
    },
  );
};

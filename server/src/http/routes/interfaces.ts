// GET /api/interfaces: the interface inventory, latest state per node/namespace/interface in
// the time range (docs/design.md, "Backend HTTP API").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { InterfaceService } from '../../flows/interface-service.ts';
import { parseFlowRequest } from '../../flows/query-params.ts';
import { InterfacesQuerySchema, InterfacesResponseSchema, STORE_QUERY_ERRORS } from '@interflow/contract';

export const interfaceRoutes: FastifyPluginAsyncTypebox<{ interfaces: InterfaceService }> = async (
  app,
  { interfaces },
) => {
  app.get(
    '/api/interfaces',
    {
      schema: {
        querystring: InterfacesQuerySchema,
        response: { 200: InterfacesResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      const ac = new AbortController();
      req.raw.once('close', () => {
        if (!reply.sent) ac.abort();
      });
      const body = await interfaces.list(request, {
        authorization: req.headers.authorization,
        signal: ac.signal,
      });
      reply.header('cache-control', 'no-store');
      return body;
    },
  );
};

// GET /api/interfaces: the interface inventory, latest state per node/namespace/interface in
// the time range (docs/design.md, "Backend HTTP API"). Checked like /api/flows: a caller
// restricted to some namespaces sees the interfaces their pods own.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FlowService } from '../../flows/flow-service.ts';
import type { InterfaceService } from '../../flows/interface-service.ts';
import { parseFlowRequest } from '../../flows/query-params.ts';
import { InterfacesQuerySchema, InterfacesResponseSchema, STORE_QUERY_ERRORS } from '@interflow/contract';
import { callerNamespaces } from '../access-hook.ts';

export interface InterfaceRoutesOptions {
  interfaces: InterfaceService;
  /** Lists the namespaces with flows or interfaces in a window: a restricted caller's candidates. */
  flows: FlowService;
}

export const interfaceRoutes: FastifyPluginAsyncTypebox<InterfaceRoutesOptions> = async (
  app,
  { interfaces, flows },
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
      const call = { authorization: req.headers.authorization, signal: ac.signal };
      const namespaces = await callerNamespaces(req, () => flows.namespacesIn(request.window, call));
      const body = await interfaces.list(request, { ...call, namespaces });
      reply.header('cache-control', 'no-store');
      return body;
    },
  );
};

// GET /api/flows/histogram, /api/flows/top-interfaces, /api/flows/top-pairs: the page's overview,
// aggregated by Loki over every record of the range. Same filters, time range and authorization
// as /api/flows: the access check (a restricted caller's namespaces go into every query), and
// the caller's Authorization forwarded when INTERFLOW_LOKI_AUTH=forward.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FlowService, ScopedCall } from '../../flows/flow-service.ts';
import { parseFlowRequest, type FlowRequest } from '../../flows/query-params.ts';
import { parseMetric, type OverviewService } from '../../flows/overview-service.ts';
import { callerNamespaces } from '../access-hook.ts';
import {
  HistogramResponseSchema,
  OverviewQuerySchema,
  STORE_QUERY_ERRORS,
  TopInterfacesResponseSchema,
  TopPairsResponseSchema,
} from '@interflow/contract';

export interface OverviewRoutesOptions {
  overview: OverviewService;
  /** Lists the namespaces with flows in a window: a restricted caller's candidates. */
  flows: FlowService;
}

export const overviewRoutes: FastifyPluginAsyncTypebox<OverviewRoutesOptions> = async (
  app,
  { overview, flows },
) => {
  /** The caller's credentials and namespaces, and an abort when the caller goes away. */
  async function callOf(req: FastifyRequest, reply: FastifyReply, request: FlowRequest): Promise<ScopedCall> {
    const ac = new AbortController();
    req.raw.once('close', () => {
      if (!reply.sent) ac.abort();
    });
    reply.header('cache-control', 'no-store');
    const call = { authorization: req.headers.authorization, signal: ac.signal };
    const namespaces = await callerNamespaces(req, () => flows.namespacesIn(request.window, call));
    return { ...call, namespaces };
  }

  app.get(
    '/api/flows/histogram',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: HistogramResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      const metric = parseMetric(req.query.metric);
      return overview.histogram(request, metric, await callOf(req, reply, request));
    },
  );
  app.get(
    '/api/flows/top-interfaces',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: TopInterfacesResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      const metric = parseMetric(req.query.metric);
      return overview.topInterfaces(request, metric, await callOf(req, reply, request));
    },
  );
  app.get(
    '/api/flows/top-pairs',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: TopPairsResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) => {
      const request = parseFlowRequest(req.query);
      const metric = parseMetric(req.query.metric);
      return overview.topPairs(request, metric, await callOf(req, reply, request));
    },
  );
};

// GET /api/flows/histogram, /api/flows/top-interfaces, /api/flows/top-pairs: the page's overview,
// aggregated by Loki over every record of the range. Same filters, time range and authorization
// (the caller's Authorization is forwarded when INTERFLOW_LOKI_AUTH=forward) as /api/flows.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseFlowRequest } from '../../flows/query-params.ts';
import { parseMetric, type OverviewService } from '../../flows/overview-service.ts';
import type { CallOptions } from '../../loki/client.ts';
import {
  HistogramResponseSchema,
  OverviewQuerySchema,
  STORE_QUERY_ERRORS,
  TopInterfacesResponseSchema,
  TopPairsResponseSchema,
} from '@interflow/contract';

export interface OverviewRoutesOptions {
  overview: OverviewService;
}

/** The caller's credentials, and an abort when the caller goes away. */
function callOf(req: FastifyRequest, reply: FastifyReply): CallOptions {
  const ac = new AbortController();
  req.raw.once('close', () => {
    if (!reply.sent) ac.abort();
  });
  reply.header('cache-control', 'no-store');
  return { authorization: req.headers.authorization, signal: ac.signal };
}

export const overviewRoutes: FastifyPluginAsyncTypebox<OverviewRoutesOptions> = async (app, { overview }) => {
  app.get(
    '/api/flows/histogram',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: HistogramResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) =>
      overview.histogram(parseFlowRequest(req.query), parseMetric(req.query.metric), callOf(req, reply)),
  );
  app.get(
    '/api/flows/top-interfaces',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: TopInterfacesResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) =>
      overview.topInterfaces(parseFlowRequest(req.query), parseMetric(req.query.metric), callOf(req, reply)),
  );
  app.get(
    '/api/flows/top-pairs',
    {
      schema: {
        querystring: OverviewQuerySchema,
        response: { 200: TopPairsResponseSchema, ...STORE_QUERY_ERRORS },
      },
    },
    async (req, reply) =>
      overview.topPairs(parseFlowRequest(req.query), parseMetric(req.query.metric), callOf(req, reply)),
  );
};

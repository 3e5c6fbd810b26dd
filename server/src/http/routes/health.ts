// /healthz (the process answers), /readyz (the store answers); /metrics (Prometheus) is served
// on its own port (metricsRoutes, INTERFLOW_METRICS_PORT), not the one the console proxies.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InterflowError } from '../../errors.ts';
import type { LokiClient } from '../../loki/client.ts';
import type { ServerMetrics } from '../../observability/metrics.ts';
import { HealthResponseSchema } from '@interflow/contract';

export interface HealthOptions {
  client: LokiClient;
  embedded: boolean;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { client, embedded }) => {
  app.get('/healthz', { schema: { response: { 200: HealthResponseSchema } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { response: { 200: HealthResponseSchema, 503: HealthResponseSchema } } },
    async (_req, reply) => {
      let url = '';
      try {
        url = client.url;
        await client.ready(embedded, AbortSignal.timeout(5000));
        return { status: 'ready', store: url };
      } catch (e) {
        const why =
          e instanceof InterflowError
            ? e.message
            : `store at ${url || 'unknown address'} is not ready: ${(e as Error).message}`;
        return reply.code(503).send({ status: 'not ready', store: url, error: why });
      }
    },
  );
};

export const metricsRoutes: FastifyPluginAsyncTypebox<{ metrics: ServerMetrics }> = async (
  app,
  { metrics },
) => {
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

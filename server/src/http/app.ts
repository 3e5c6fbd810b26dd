// The backend as a Fastify app, separate from the process that listens (main.ts), so tests
// drive it with app.inject or listen on port 0. Plugins: error handling, metrics, health,
// the flows API, the web build, and — when INTERFLOW_LOKI_URL is unset — the embedded
// Loki-API store, which the Loki client then reaches over HTTP at this server's own address
// (the same code path as a real Loki).
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ServerConfig } from '../config/config.ts';
import { loadTlsFiles } from '../config/tls-files.ts';
import { StoreUnavailableError } from '../errors.ts';
import { FlowService } from '../flows/flow-service.ts';
import { InterfaceService } from '../flows/interface-service.ts';
import { OverviewService } from '../flows/overview-service.ts';
import { LokiClient } from '../loki/client.ts';
import { DEFAULT_RETRY_POLICY } from '../loki/retry.ts';
import { COMMON_SECURITY_HEADERS } from '../static/headers.ts';
import { webPlugin } from '../static/web.ts';
import { embeddedStorePlugin, type EmbeddedStore } from '../store/index.ts';
import { lingeringClientErrorHandler } from './client-error-handler.ts';
import { installErrorHandlers } from './error-handler.ts';
import { createServerMetrics } from '../observability/metrics.ts';
import { configRoutes } from './routes/config-route.ts';
import { flowRoutes } from './routes/flows.ts';
import { overviewRoutes } from './routes/overview.ts';
import { healthRoutes } from './routes/health.ts';
import { interfaceRoutes } from './routes/interfaces.ts';
import { resourceRoutes } from './routes/resources.ts';

export interface BuildAppOptions {
  /** Fastify logger option; defaults to pino at INTERFLOW_LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'];
  /** An already open embedded store to serve (tests and benchmarks share one). */
  store?: EmbeddedStore;
}

/** Where this server can reach itself: loopback for wildcard binds, so the store's loopback check passes. */
function selfUrl(app: FastifyInstance, tls: boolean): string {
  const addr = app.server.address() as AddressInfo | string | null;
  if (!addr || typeof addr === 'string') {
    throw new StoreUnavailableError('the embedded store', 'the server is not listening yet');
  }
  let host = addr.address;
  if (addr.family === 'IPv6' || host.includes(':')) host = host === '::' ? '[::1]' : `[${host}]`;
  else if (host === '0.0.0.0') host = '127.0.0.1';
  return `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
}

export async function buildApp(
  config: ServerConfig,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const tls = !!(config.tlsCertFile && config.tlsKeyFile);
  const fastifyOptions: FastifyServerOptions = {
    logger: options.logger ?? { level: config.logLevel, name: 'interflow-server' },
    // Exports stream for a long time; only idle connections are closed.
    requestTimeout: 0,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Requests the HTTP parser rejects (URL over 16 KiB…) get an answer the client can read.
    clientErrorHandler: lingeringClientErrorHandler,
  };
  const app = (tls
    ? // Same port, TLS (OpenShift serving certificate); typed as the plain server like the rest of the app.
      Fastify({
        ...fastifyOptions,
        https: loadTlsFiles(config.tlsCertFile!, config.tlsKeyFile!),
      } as FastifyServerOptions)
    : Fastify(fastifyOptions)
  ).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  const embedded = config.lokiUrl === undefined;
  const metrics = createServerMetrics();
  const client = new LokiClient({
    baseUrl: embedded ? () => selfUrl(app, tls) : config.lokiUrl!,
    tenant: config.lokiTenant,
    auth: config.lokiAuth,
    tokenFile: config.lokiTokenFile,
    ca: config.lokiCa,
    timeoutMs: config.lokiTimeoutMs,
    trustSelfOnLoopback: embedded && tls,
    onQueryRange: (seconds, ok) => {
      metrics.lokiQueryDuration.observe(seconds);
      metrics.lokiQueries.inc({ result: ok ? 'ok' : 'error' });
    },
    retry: { ...DEFAULT_RETRY_POLICY, retries: config.lokiRetries },
    onRetry: (cause) => metrics.lokiRetries.inc({ cause }),
  });
  app.addHook('onClose', async () => client.close());
  const flows = new FlowService(
    client,
    {
      selector: config.lokiSelector,
      maxEntries: config.lokiMaxEntries,
      maxQueryLengthMs: config.lokiMaxQueryLengthMs,
    },
    metrics,
    app.log,
  );

  const interfaces = new InterfaceService(
    client,
    { selector: config.lokiSelector, maxEntries: config.lokiMaxEntries },
    metrics,
    app.log,
  );

  installErrorHandlers(app);
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(COMMON_SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpRequests.observe(
      { route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  if (embedded) {
    const storeOptions = {
      dataDir: config.dataDir,
      retentionMs: config.storeRetentionMs,
      maxBytes: config.storeMaxBytes,
      allowRemote: config.storeAllowRemote,
      ...(options.store ? { store: options.store } : {}),
    };
    // Encapsulated: the store's plain-text error handler covers its routes only; unknown
    // paths get the app's JSON 404.
    await app.register(embeddedStorePlugin, storeOptions);
  }
  await app.register(healthRoutes, { client, embedded, metrics });
  await app.register(flowRoutes, { flows, metrics });
  await app.register(interfaceRoutes, { interfaces });
  await app.register(overviewRoutes, {
    overview: new OverviewService(client, config.lokiSelector, { slotLineFilters: !embedded }),
  });
  await app.register(resourceRoutes, { flows });
  await app.register(configRoutes, {
    store: () => {
      if (!embedded) return { kind: 'loki', url: config.lokiUrl! };
      try {
        return { kind: 'embedded', url: client.url };
      } catch {
        return { kind: 'embedded', url: '' };
      }
    },
  });
  await app.register(webPlugin, { dist: config.webDist, frameAncestors: config.frameAncestors });
  return app;
}

// The backend as a Fastify app, separate from the process that listens (main.ts), so tests
// drive it with app.inject or listen on port 0. Plugins: error handling, the access check of
// every /api/* call, metrics, health, the flows API, the web build. When INTERFLOW_LOKI_URL is
// unset the embedded Loki-API store runs as a second server on its own port
// (INTERFLOW_STORE_PORT), never on the port the console proxies; it starts listening when the
// app is ready and the Loki client reaches it over HTTP (the same code path as a real Loki),
// except for the log queries of query_range, which it reads from the store in this process
// (in-process-store.ts: the same checks and answers without a JSON round trip per entry).
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ServerConfig } from '../config/config.ts';
import { loadTlsFiles } from '../config/tls-files.ts';
import { StoreUnavailableError, listenError } from '../errors.ts';
import { CsvWorkerThread } from '../flows/csv-worker-thread.ts';
import { FlowService, flowSelector } from '../flows/flow-service.ts';
import { InterfaceService } from '../flows/interface-service.ts';
import { OverviewService } from '../flows/overview-service.ts';
import { LokiClient } from '../loki/client.ts';
import { InProcessStore } from './in-process-store.ts';
import { DEFAULT_RETRY_POLICY } from '../loki/retry.ts';
import { COMMON_SECURITY_HEADERS } from '../static/headers.ts';
import { webPlugin } from '../static/web.ts';
import { embeddedStorePlugin, openStore, type EmbeddedStore } from '../store/index.ts';
import { AccessChecker } from '../auth/access.ts';
import { ClientNodeKubeReviews, loadKubeConfig, type KubeReviews } from '../auth/kube-reviews.ts';
import { installAccessHook } from './access-hook.ts';
import { storeAuthorizer } from './store-access.ts';
import { TokenFile } from '../loki/token.ts';
import { lingeringClientErrorHandler } from './client-error-handler.ts';
import { installErrorHandlers } from './error-handler.ts';
import { createServerMetrics } from '../observability/metrics.ts';
import { registerStoreMetrics } from './store-metrics.ts';
import { configRoutes } from './routes/config-route.ts';
import { flowRoutes } from './routes/flows.ts';
import { overviewRoutes } from './routes/overview.ts';
import { healthRoutes, metricsRoutes } from './routes/health.ts';
import { interfaceRoutes } from './routes/interfaces.ts';
import { resourceRoutes } from './routes/resources.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where the embedded store listens (undefined with INTERFLOW_LOKI_URL, or before listening). */
    embeddedStoreUrl(): string | undefined;
    /** Where /metrics is served (its own port), once listening. */
    metricsUrl(): string | undefined;
  }
}

/** Time a client has to send a whole request. */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface BuildAppOptions {
  /** Fastify logger option; defaults to pino at INTERFLOW_LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'];
  /** An already open embedded store to serve (tests and benchmarks share one). */
  store?: EmbeddedStore;
  /** The Kubernetes API's reviews; by default from config.kubeApi (KUBECONFIG or in-cluster). */
  kubeReviews?: KubeReviews;
  /**
   * Read the embedded store's log queries over its HTTP API too, as for a real Loki (tests that
   * compare both paths); by default they are read in this process.
   */
  embeddedStoreOverHttp?: boolean;
  /** Write exports' CSV on the main thread instead of the export worker (tests comparing both). */
  exportOnMainThread?: boolean;
}

/** Where this process reaches its store: loopback for wildcard binds, so the store's loopback check passes. */
function selfUrl(app: FastifyInstance, tls: boolean): string {
  const addr = app.server.address() as AddressInfo | string | null;
  if (!addr || typeof addr === 'string') {
    throw new StoreUnavailableError('the embedded store', 'the store is not listening yet');
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
    // A client has 60 s to send its whole request (headers and body: slow senders do not hold
    // sockets); answers are not limited by it, so long exports keep streaming. A connection
    // with no traffic either way for two Loki timeouts (at least 2 min) is closed.
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: Math.max(120_000, 2 * config.lokiTimeoutMs),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Requests the HTTP parser rejects (URL over 16 KiB…) get an answer the client can read.
    clientErrorHandler: lingeringClientErrorHandler,
  };
  const app = (tls
    ? // Same port, TLS (OpenShift serving certificate); typed as the plain server like the rest of the app.
      Fastify({
        ...fastifyOptions,
        https: loadTlsFiles(config.tlsCertFile!, config.tlsKeyFile!, config.tlsMinVersion),
      } as FastifyServerOptions)
    : Fastify(fastifyOptions)
  ).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  const embedded = config.lokiUrl === undefined;
  const metrics = createServerMetrics();
  const reviews =
    options.kubeReviews ??
    (config.kubeApi ? new ClientNodeKubeReviews(loadKubeConfig(config.kubeApi)) : undefined);
  const store = embedded ? (options.store ?? openEmbeddedStore(config, app)) : undefined;
  if (store) registerStoreMetrics(metrics.registry, store);
  const storeServer = store
    ? await buildStoreServer(config, fastifyOptions, tls, reviews, store).catch((e: unknown) => {
        if (!options.store) store.close();
        throw e;
      })
    : undefined;
  const client = new LokiClient({
    baseUrl: embedded ? () => selfUrl(storeServer!, tls) : config.lokiUrl!,
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
    inProcess: store && !options.embeddedStoreOverHttp ? new InProcessStore(store) : undefined,
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
  installAccessHook(app, new AccessChecker(config.authCheck, reviews));
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

  app.decorate('embeddedStoreUrl', () => {
    try {
      return storeServer ? selfUrl(storeServer, tls) : undefined;
    } catch {
      return undefined;
    }
  });
  // Prometheus metrics on their own port (INTERFLOW_METRICS_PORT), plain HTTP, no flow data.
  const metricsServer = Fastify({ logger: false }) as unknown as FastifyInstance;
  await metricsServer.register(metricsRoutes, { metrics });
  app.decorate('metricsUrl', () => {
    try {
      return `${selfUrl(metricsServer, false)}/metrics`;
    } catch {
      return undefined;
    }
  });
  app.addHook('onReady', async () => {
    await metricsServer
      .listen({
        host: config.metricsHost,
        port: config.metricsPort,
        listenTextResolver: (address) => `Metrics listening at ${address}/metrics`,
      })
      .catch((e: unknown) => {
        throw listenError(
          {
            portVariable: 'INTERFLOW_METRICS_PORT',
            hostVariable: 'INTERFLOW_METRICS_HOST',
            host: config.metricsHost,
            port: config.metricsPort,
          },
          e,
        );
      });
  });
  app.addHook('onClose', async () => metricsServer.close());

  if (storeServer) {
    // The store listens with the app and closes with it.
    app.addHook('onReady', async () => {
      await storeServer
        .listen({
          host: config.storeHost,
          port: config.storePort,
          listenTextResolver: (address) => `Embedded store listening at ${address}`,
        })
        .catch((e: unknown) => {
          throw listenError(
            {
              portVariable: 'INTERFLOW_STORE_PORT',
              hostVariable: 'INTERFLOW_STORE_HOST',
              host: config.storeHost,
              port: config.storePort,
            },
            e,
          );
        });
    });
    app.addHook('onClose', async () => {
      await storeServer.close();
      // A store this app opened closes after its server.
      if (!options.store) store!.close();
    });
  }
  await app.register(healthRoutes, { client, embedded });
  const csvThread = options.exportOnMainThread
    ? undefined
    : new CsvWorkerThread((err) =>
        app.log.error(
          { err },
          'the export worker failed; exports are written on the main thread from now on',
        ),
      );
  if (csvThread) {
    // Loaded with the app, so an export's memory is only what the export itself holds.
    app.addHook('onReady', async () => csvThread.start());
    app.addHook('onClose', async () => csvThread.close());
  }
  await app.register(flowRoutes, { flows, metrics, csvThread });
  await app.register(interfaceRoutes, { interfaces, flows });
  await app.register(overviewRoutes, {
    overview: new OverviewService(client, flowSelector(config.lokiSelector), { slotLineFilters: !embedded }),
    flows,
  });
  await app.register(resourceRoutes, { flows });
  await app.register(configRoutes, {
    quickFilters: config.quickFilters,
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

/** The embedded store, opened by the app: its HTTP server and the Loki client both read it. */
function openEmbeddedStore(config: ServerConfig, app: FastifyInstance): EmbeddedStore {
  return openStore({
    dataDir: config.dataDir,
    retentionMs: config.storeRetentionMs,
    maxBytes: config.storeMaxBytes,
    onRetentionError: (err) => app.log.error({ err }, 'embedded store: retention pass failed'),
  });
}

/** The embedded store's own server: Loki's HTTP API, remote clients only with a credential. */
async function buildStoreServer(
  config: ServerConfig,
  fastifyOptions: FastifyServerOptions,
  tls: boolean,
  reviews: KubeReviews | undefined,
  store: EmbeddedStore,
): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    ...fastifyOptions,
    logger: fastifyOptions.logger,
  };
  const server = (tls
    ? Fastify({
        ...options,
        https: loadTlsFiles(config.tlsCertFile!, config.tlsKeyFile!, config.tlsMinVersion),
      } as FastifyServerOptions)
    : Fastify(options)) as unknown as FastifyInstance;
  installErrorHandlers(server);
  await server.register(embeddedStorePlugin, {
    dataDir: config.dataDir,
    retentionMs: config.storeRetentionMs,
    maxBytes: config.storeMaxBytes,
    allowRemote: config.storeAllowRemote,
    ...(config.storeAllowRemote
      ? {
          authorizeRemote: storeAuthorizer({
            tokenFile: config.storeTokenFile ? new TokenFile(config.storeTokenFile) : undefined,
            reviews,
          }),
        }
      : {}),
    store,
  });
  return server;
}

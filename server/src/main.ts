// The listening backend process (`npm run server`). Configuration errors, and ports it cannot
// have, stop it at once with the variable's name (exit 2); SIGTERM/SIGINT close it gracefully
// (in-flight requests finish, the embedded store is closed by the app's onClose hooks).
import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import { loadServerConfig, type ServerConfig } from './config/config.ts';
import { ConfigError, ListenError, listenError } from './errors.ts';
import { loggerOptions, logFormat } from './observability/log-options.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config: ServerConfig;
  let app: FastifyInstance;
  try {
    config = loadServerConfig(process.env);
    const format = logFormat(process.env, process.stdout.isTTY === true);
    if (process.env.INTERFLOW_LOG_FORMAT && process.env.INTERFLOW_LOG_FORMAT !== format)
      throw new ConfigError('INTERFLOW_LOG_FORMAT', 'must be "json" or "pretty"');
    // loads the TLS files
    app = await buildApp(config, { logger: loggerOptions(config.logLevel, 'interflow-server', format) });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`interflow-server: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  try {
    // Also where the metrics and store ports are taken (the app's onReady hooks).
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    const err = listenError(
      {
        portVariable: 'INTERFLOW_PORT',
        hostVariable: 'INTERFLOW_HOST',
        host: config.host,
        port: config.port,
      },
      e,
    );
    if (err instanceof ListenError) {
      process.stderr.write(`interflow-server: cannot start: ${err.message}\n`);
      await app.close().catch(() => undefined);
      process.exit(2);
    }
    throw err;
  }
  const store = config.lokiUrl ? `Loki at ${config.lokiUrl}` : `embedded store (data in ${config.dataDir})`;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const pageUrl = `${config.tlsCertFile ? 'https' : 'http'}://${shownHost}:${config.port}/traffic-flows`;
  app.log.info(
    {
      store: config.lokiUrl ?? `embedded on ${app.embeddedStoreUrl()} (data in ${config.dataDir})`,
      access: config.authCheck,
      tls: !!config.tlsCertFile,
      web: config.webDist,
      page: pageUrl,
    },
    `interflow backend ready: ${store}; open ${pageUrl}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`interflow-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

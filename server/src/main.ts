// The listening backend process (`npm run server`). Configuration errors stop it at once
// with the variable's name; SIGTERM/SIGINT close it gracefully (in-flight requests finish,
// the embedded store is closed by the app's onClose hooks).
import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import { loadServerConfig, type ServerConfig } from './config/config.ts';
import { ConfigError } from './errors.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config: ServerConfig;
  let app: FastifyInstance;
  try {
    config = loadServerConfig(process.env);
    app = await buildApp(config); // loads the TLS files
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

  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    {
      store: config.lokiUrl ?? `embedded on ${app.embeddedStoreUrl()} (data in ${config.dataDir})`,
      access: config.authCheck,
      tls: !!config.tlsCertFile,
      web: config.webDist,
    },
    'interflow backend ready',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`interflow-server: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

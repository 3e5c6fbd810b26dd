// Interflow agent process (`npm run agent`): capture → enrich → export, metrics on
// INTERFLOW_AGENT_METRICS_PORT. On SIGTERM/SIGINT it removes every hook it added, exports what
// is left and exits. When it cannot run here it prints one line saying why and exits with 3; a
// bad variable, or a metrics port another process holds, exits with 2 and names the variable.
import { ConfigError, ListenError, listenError } from '@interflow/contract';
import { Capture, captureProblem } from './capture.ts';
import { loadAgentConfig, type AgentConfig } from './config/config.ts';
import { createEnricher } from './enrich/index.ts';
import { createLokiExporter } from './export/loki-exporter.ts';
import { createLogger } from './log.ts';
import { createAgentMetrics, startMetricsServer } from './metrics.ts';
import { HelperStartError } from './kernel-helper/helper-process.ts';
import { readyFile } from './ready-file.ts';

const EXIT_CANNOT_RUN = 3;
const SHUTDOWN_FLUSH_MS = 5000;
// Every address: Prometheus scrapes the node (the agent runs in the host's network namespace).
const METRICS_HOST = '0.0.0.0';

function cannotRun(why: string): never {
  process.stderr.write(`interflow-agent: cannot run: ${why}\n`);
  process.exit(EXIT_CANNOT_RUN);
}

async function main(): Promise<void> {
  let cfg: AgentConfig;
  try {
    cfg = loadAgentConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`interflow-agent: bad configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const problem = captureProblem(cfg);
  if (problem) cannotRun(problem);

  const log = createLogger(cfg.logLevel);
  const metrics = createAgentMetrics();
  const enricher = await createEnricher(cfg, log);
  const exporter = createLokiExporter(cfg, metrics, log);
  const capture = new Capture({
    cfg,
    metrics,
    log,
    enricher,
    sink: (records) => exporter.enqueue(records),
    inventorySink: (records) => exporter.enqueueInterfaces(records),
  });
  const ready = readyFile(cfg.readyFile);
  // Removed however the process ends: a stale "capturing" would make a dead pod look ready.
  process.on('exit', () => ready.remove());
  // A surge pod waiting for the node lock is ready to take over (ready-file.ts says why).
  capture.helper.on('event', (ev) => {
    if (ev.ev === 'lock_wait') ready.set('standby', `waiting for ${ev.holder}`);
  });
  try {
    await capture.start();
  } catch (e) {
    if (e instanceof HelperStartError) cannotRun(e.locked ? e.message : `eBPF set-up failed: ${e.message}`);
    throw e;
  }
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>>;
  try {
    metricsServer = await startMetricsServer(metrics, cfg.metricsPort, METRICS_HOST);
  } catch (e) {
    // Capture has started (the helper holds the node lock; hooks may be going on): stop it,
    // which takes off any hook and delivers what was caught, before going.
    await capture.stop();
    await exporter.close(SHUTDOWN_FLUSH_MS);
    await enricher.close();
    const err = listenError(
      { portVariable: 'INTERFLOW_AGENT_METRICS_PORT', host: METRICS_HOST, port: cfg.metricsPort },
      e,
    );
    if (err instanceof ListenError) {
      process.stderr.write(`interflow-agent: cannot start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  ready.set('capturing');
  log.info(
    { metricsPort: metricsServer.port, lokiUrl: cfg.lokiUrl, node: cfg.nodeName },
    'interflow agent running',
  );

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    ready.remove();
    try {
      // The port first: a successor waiting for the node lock starts as soon as the hooks are
      // gone (capture.stop), and must find the metrics port free.
      await metricsServer.close();
      await capture.stop();
      const held = exporter.stats().buffered;
      const droppedBefore = exporter.stats().dropped;
      await exporter.close(SHUTDOWN_FLUSH_MS);
      // Exactly what became of the records held at the stop: delivered, or dropped (counted).
      const droppedNow = exporter.stats().dropped - droppedBefore;
      if (droppedNow === 0)
        log.info({ records: held }, `stopped: every record it held (${held}) was delivered to the store`);
      else
        log.warn(
          { records: held, dropped: droppedNow },
          `stopped: ${droppedNow} of the ${held} records it held were dropped (the store did not take them within ${SHUTDOWN_FLUSH_MS / 1000} s)`,
        );
      await enricher.close();
    } catch (e) {
      log.error({ err: (e as Error).message }, 'error during shutdown');
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  capture.helper.on('exit', () => {
    if (!shuttingDown) {
      log.error('native helper died: exiting so the supervisor restarts the agent');
      void shutdown('helper-exit').finally(() => process.exit(1));
    }
  });
}

main().catch((e: Error) => {
  process.stderr.write(`interflow-agent: ${e.stack ?? e.message}\n`);
  process.exit(1);
});

// Prometheus metrics of the agent, one registry per agent instance (tests run several).
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface AgentMetrics {
  registry: Registry;
  namespacesWatched: Gauge;
  interfacesHooked: Gauge;
  /** Interfaces of every watched namespace by inventory state and reason ("" when hooked). */
  interfaces: Gauge<'state' | 'reason'>;
  attachErrors: Counter;
  detachErrors: Counter;
  flowsEvicted: Counter;
  mapFullEvents: Counter;
  overflowTablePackets: Counter;
  ringbufFlows: Counter;
  recordsExported: Counter;
  recordsDropped: Counter<'reason'>;
  recordsBuffered: Gauge;
  pushLatency: Histogram;
  pushErrors: Counter<'kind'>;
  /** Push attempts, by result (`ok`, `retry`, `rejected`). */
  pushes: Counter<'result'>;
  /** Capacity of the export buffer (INTERFLOW_BUFFER_MAX_RECORDS), to alert on its fill ratio. */
  recordsBufferCapacity: Gauge;
  evictionDuration: Histogram;
  ringbufDrops: Counter;
  unknownInterfaceFlows: Counter;
  staleHooksRemoved: Counter;
}

export function createAgentMetrics(): AgentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'interflow_agent_' });
  const r = [registry];
  return {
    registry,
    namespacesWatched: new Gauge({
      name: 'interflow_agent_namespaces_watched',
      help: 'Network namespaces watched',
      registers: r,
    }),
    interfacesHooked: new Gauge({
      name: 'interflow_agent_interfaces_hooked',
      help: 'Interfaces with Interflow TC hooks',
      registers: r,
    }),
    interfaces: new Gauge({
      name: 'interflow_agent_interfaces',
      help: 'Interfaces of the watched namespaces by hook state (hooked, attaching, detaching, unhooked) and, when not hooked, reason (excluded, not_selected, attach_failed, namespace_not_ready)',
      labelNames: ['state', 'reason'],
      registers: r,
    }),
    attachErrors: new Counter({
      name: 'interflow_agent_attach_errors_total',
      help: 'Failed hook attachments',
      registers: r,
    }),
    detachErrors: new Counter({
      name: 'interflow_agent_detach_errors_total',
      help: 'Failed hook removals',
      registers: r,
    }),
    flowsEvicted: new Counter({
      name: 'interflow_agent_flows_evicted_total',
      help: 'Flow entries drained from the eBPF maps',
      registers: r,
    }),
    mapFullEvents: new Counter({
      name: 'interflow_agent_map_full_events_total',
      help: 'Packets whose flow did not fit in the flow map (counted in the overflow table, sent through the ring buffer, or counted in ringbuf_drops when both were full)',
      registers: r,
    }),
    overflowTablePackets: new Counter({
      name: 'interflow_agent_overflow_table_packets_total',
      help: 'Packets whose flow did not fit in the flow map and went into the small overflow table (exported like map entries)',
      registers: r,
    }),
    ringbufFlows: new Counter({
      name: 'interflow_agent_ringbuf_flows_total',
      help: 'Flow entries received through the ring buffer fallback (one per packet)',
      registers: r,
    }),
    recordsExported: new Counter({
      name: 'interflow_agent_records_exported_total',
      help: 'Records acknowledged by Loki',
      registers: r,
    }),
    recordsDropped: new Counter({
      name: 'interflow_agent_records_dropped_total',
      help: 'Records dropped, by reason',
      labelNames: ['reason'],
      registers: r,
    }),
    recordsBuffered: new Gauge({
      name: 'interflow_agent_records_buffered',
      help: 'Records waiting to be pushed',
      registers: r,
    }),
    pushLatency: new Histogram({
      name: 'interflow_agent_push_latency_seconds',
      help: 'Latency of pushes to Loki',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    pushErrors: new Counter({
      name: 'interflow_agent_push_errors_total',
      help: 'Failed pushes to Loki, by kind',
      labelNames: ['kind'],
      registers: r,
    }),
    pushes: new Counter({
      name: 'interflow_agent_pushes_total',
      help: 'Push attempts to Loki, by result',
      labelNames: ['result'],
      registers: r,
    }),
    recordsBufferCapacity: new Gauge({
      name: 'interflow_agent_records_buffer_capacity',
      help: 'Capacity of the export buffer, in records',
      registers: r,
    }),
    evictionDuration: new Histogram({
      name: 'interflow_agent_eviction_duration_seconds',
      help: 'Time to drain the flow map and build records',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: r,
    }),
    ringbufDrops: new Counter({
      name: 'interflow_agent_ringbuf_drops_total',
      help: 'Packets not counted in any flow because the flow map and the ring buffer were both full',
      registers: r,
    }),
    unknownInterfaceFlows: new Counter({
      name: 'interflow_agent_unknown_interface_flows_total',
      help: 'Flow entries whose interface name was no longer known (exported with ifindex:/netns-inode: placeholders)',
      registers: r,
    }),
    staleHooksRemoved: new Counter({
      name: 'interflow_agent_stale_hooks_removed_total',
      help: 'Interflow TC filters left by an earlier run and removed at start-up',
      registers: r,
    }),
  };
}

/** Serves `/metrics` (and `/healthz`) on the given port; port 0 picks a free one. */
export async function startMetricsServer(
  metrics: AgentMetrics,
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        })
        .catch((e: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(e.message);
        });
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return {
    server,
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

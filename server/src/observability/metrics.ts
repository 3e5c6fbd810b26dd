// Prometheus metrics of the backend, one registry per app instance (tests build several).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  httpRequests: Histogram<'route' | 'method' | 'status'>;
  lokiQueries: Counter<'result'>;
  lokiQueryDuration: Histogram;
  exportRows: Counter;
  badLines: Counter;
  timestampOverflows: Counter;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'interflow_server_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Histogram({
      name: 'interflow_server_http_request_duration_seconds',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    lokiQueries: new Counter({
      name: 'interflow_server_loki_queries_total',
      help: 'query_range calls to Loki / the embedded store, by result (ok, error)',
      labelNames: ['result'],
      registers,
    }),
    lokiQueryDuration: new Histogram({
      name: 'interflow_server_loki_query_duration_seconds',
      help: 'Duration of query_range calls',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    exportRows: new Counter({
      name: 'interflow_server_export_rows_total',
      help: 'CSV rows exported',
      registers,
    }),
    badLines: new Counter({
      name: 'interflow_server_unparsable_lines_total',
      help: 'Loki lines that were not a JSON object, so not shown as a record (also counted in /api/flows stats.unreadable)',
      registers,
    }),
    timestampOverflows: new Counter({
      name: 'interflow_server_timestamp_overflows_total',
      help: 'Pages where more entries shared one timestamp than Loki returns per query (some skipped)',
      registers,
    }),
  };
}

// What the embedded store holds, as gauges read when /metrics is scraped: the entries, the bytes
// its size cap applies to and the cap, and the memory of its column index. The index's arrays
// live outside the V8 heap, so --max-old-space-size does not bound them: they grow with the
// entries (about 140 bytes each for flow records, docs/benchmarks.md "Fifth pass"), and the
// container's memory limit has to leave room for them (docs/install-openshift.md "Sizing").
import { Gauge, type Registry } from 'prom-client';
import type { EmbeddedStore } from '../store/index.ts';

export function registerStoreMetrics(registry: Registry, store: EmbeddedStore): void {
  const registers = [registry];
  new Gauge({
    name: 'interflow_server_store_entries',
    help: 'Entries the embedded store holds (those its column index holds live; 0 while the index loads at start)',
    registers,
    collect() {
      const index = store.columnIndex;
      if (index.ready) this.set(index.columns.live);
      else this.reset();
    },
  });
  new Gauge({
    name: 'interflow_server_store_used_bytes',
    help: 'Bytes the embedded store uses (pages in use × page size): what INTERFLOW_STORE_MAX_BYTES caps',
    registers,
    collect() {
      this.set(store.usedBytes());
    },
  });
  new Gauge({
    name: 'interflow_server_store_max_bytes',
    help: 'The embedded store size cap, INTERFLOW_STORE_MAX_BYTES (0: no cap)',
    registers,
    collect() {
      this.set(store.opts.maxBytes);
    },
  });
  new Gauge({
    name: 'interflow_server_store_retention_horizon_seconds',
    help: 'Time (Unix seconds) of the newest entry retention (age or size cap) deleted since start: no newer entry was ever deleted (0 until one is)',
    registers,
    collect() {
      const ns = store.retentionHorizonNs;
      this.set(ns === undefined ? 0 : Number(ns / 1_000_000n) / 1000);
    },
  });
  new Gauge({
    name: 'interflow_server_store_column_index_bytes',
    help: 'Bytes of the embedded store column index arrays, outside the V8 heap (room for rows to come and deleted rows not yet compacted included)',
    registers,
    collect() {
      this.set(store.columnIndex.columns.memoryBytes());
    },
  });
}

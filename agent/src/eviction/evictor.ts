// Every eviction interval: drain the flow map (and the ring-buffer fallback), name each entry's
// interface from the cached link tables, build records, enrich them and hand them on.
import type { FlowRecord } from '@interflow/contract';
import type { Enricher } from '../enrich/index.ts';
import type { AgentMetrics } from '../metrics.ts';
import type { Logger } from '../log.ts';
import type { DrainResult } from '../kernel-helper/helper-process.ts';
import { allFlows, flowListOf, type FlowList, type RawFlow } from '../kernel-helper/helper-protocol.ts';
import { buildRecord, mergeFlows, type InterfaceLabel } from './record-builder.ts';

export interface InterfaceResolver {
  /** Names the interface of a flow entry at the time its packets were counted. */
  resolve(
    netnsIno: number,
    ifindex: number,
    atNs: number,
  ): (InterfaceLabel & { netnsInode: number }) | undefined;
}

/** Records per sink call (an eviction of more calls the sink several times, in order). */
const SINK_CHUNK = 2048;

export interface EvictorOptions {
  drain: () => Promise<DrainResult>;
  resolver: InterfaceResolver;
  enricher: Pick<Enricher, 'enrich'> | undefined;
  /** Receives the records of an eviction in order, in one or more calls. */
  sink: (records: FlowRecord[]) => void;
  /** Sees every drained entry, in one or more calls (the inventory counts bytes per interface). */
  onDrained?: (flows: readonly RawFlow[]) => void;
  agentIp: string;
  nodeName: string;
  intervalMs: number;
  metrics: AgentMetrics;
  log: Logger;
}

export class Evictor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private lastMapFull = 0;
  private lastSpilled = 0;
  private lastRingbufDrops = 0;

  constructor(private readonly o: EvictorOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      void this.evict().catch((e: Error) => this.o.log.error({ err: e.message }, 'eviction failed'));
    }, this.o.intervalMs);
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One eviction (waits for one in progress first). Returns the number of records built. */
  async evict(): Promise<number> {
    while (this.running) await this.running;
    this.running = this.evictOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async evictOnce(): Promise<number> {
    const t0 = process.hrtime.bigint();
    const { flows, meta } = await this.o.drain();
    if (meta.req < 0) return 0; // helper gone
    const m = this.o.metrics;
    m.flowsEvicted.inc(flows.length);
    if (flows.ringbufEntries) m.ringbufFlows.inc(flows.ringbufEntries);
    if (meta.mapFull > this.lastMapFull) {
      m.mapFullEvents.inc(meta.mapFull - this.lastMapFull);
      this.o.log.warn(
        { packets: meta.mapFull - this.lastMapFull },
        'flow map full: packets went to the overflow table or the ring buffer (raise INTERFLOW_CACHE_MAX_FLOWS or shorten INTERFLOW_EVICT_INTERVAL)',
      );
    }
    const spilled = meta.spilled ?? 0; // absent from helpers older than the overflow table
    if (spilled > this.lastSpilled) m.overflowTablePackets.inc(spilled - this.lastSpilled);
    this.lastSpilled = spilled;
    if (meta.ringbufDrops > this.lastRingbufDrops) {
      m.ringbufDrops.inc(meta.ringbufDrops - this.lastRingbufDrops);
      this.o.log.error(
        { packets: meta.ringbufDrops - this.lastRingbufDrops },
        'flow map and ring buffer both full: packets not counted',
      );
    }
    this.lastMapFull = meta.mapFull;
    this.lastRingbufDrops = meta.ringbufDrops;

    const built = this.buildAndSink(flows, meta);
    m.evictionDuration.observe(Number(process.hrtime.bigint() - t0) / 1e9);
    return built;
  }

  /**
   * Decodes the entries, builds the records and hands them to the sink SINK_CHUNK at a time:
   * the exporter encodes each chunk at once, so an entry and its record live only until then
   * and die young; holding all 100 000 of an eviction first made the garbage collector copy
   * and promote every one of them.
   */
  private buildAndSink(drained: FlowList, clock: { monoNs: number; realNs: number }): number {
    const ctx = {
      clock,
      agentIp: this.o.agentIp,
      nodeName: this.o.nodeName,
      receivedS: Math.floor(Date.now() / 1000),
    };
    // Ring-buffer entries (one per packet) may share keys: then all are decoded and merged.
    const flows = drained.ringbufEntries > 0 ? flowListOf(mergeFlows(allFlows(drained))) : drained;
    const onDrained = this.o.onDrained;
    let out: FlowRecord[] = [];
    let seen: RawFlow[] = [];
    let built = 0;
    for (let i = 0; i < flows.length; i++) {
      const f = flows.at(i);
      if (onDrained) seen.push(f);
      let label = this.o.resolver.resolve(f.netnsIno, f.ifindex, f.lastNs);
      if (!label) {
        // Never guess a name: say plainly what is known.
        this.o.metrics.unknownInterfaceFlows.inc();
        label = {
          netnsName: `netns-inode:${f.netnsIno}`,
          netnsInode: f.netnsIno,
          ifname: `ifindex:${f.ifindex}`,
          mac: '',
        };
      }
      const rec = buildRecord(f, label, ctx);
      if (this.o.enricher) {
        try {
          this.o.enricher.enrich(rec, label);
        } catch (e) {
          this.o.log.warn({ err: (e as Error).message }, 'enrichment failed for a record');
        }
      }
      out.push(rec);
      if (out.length === SINK_CHUNK) {
        built += out.length;
        onDrained?.(seen);
        this.o.sink(out);
        out = [];
        seen = [];
      }
    }
    if (out.length) {
      built += out.length;
      onDrained?.(seen);
      this.o.sink(out);
    }
    return built;
  }
}

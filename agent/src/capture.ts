// The capture side of the agent: namespaces (inotify + resync) → per-namespace helper workers
// (rtnetlink links, tc hooks) → periodic eviction into records. main.ts wires it to the
// enricher and the exporter; tests use it in-process with their own sink.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowRecord, InterfaceRecord } from '@interflow/contract';
import type { AgentConfig } from './config/config.ts';
import type { Enricher } from './enrich/index.ts';
import { agentIp } from './node-identity/agent-ip.ts';
import { monotonicNowNs } from './eviction/monotonic-clock.ts';
import { Evictor } from './eviction/evictor.ts';
import { HookManager } from './hooks/hook-manager.ts';
import { hookPolicy } from './hooks/hook-policy.ts';
import { InventoryReporter } from './inventory/inventory-reporter.ts';
import { sysfsReader, type SysfsReader } from './inventory/sysfs-facts.ts';
import { LinkTable } from './links/link-table.ts';
import type { Logger } from './log.ts';
import type { AgentMetrics } from './metrics.ts';
import { NativeHelper } from './kernel-helper/helper-process.ts';
import type { HelperEvent, LinkEvent } from './kernel-helper/helper-protocol.ts';
import type { NamespaceState } from './netns/namespace-state.ts';
import { hostNetnsInode, type NetnsEntry } from './netns/netns-scan.ts';
import { NetnsWatcher } from './netns/netns-watcher.ts';

export const HELPER_NAME = 'interflow-agent-helper';
export const BPF_OBJECT_NAME = 'flows.bpf.o';
const HOST_NETNS_PATH = '/proc/self/ns/net';

export interface CaptureOptions {
  cfg: AgentConfig;
  metrics: AgentMetrics;
  log: Logger;
  sink: (records: FlowRecord[]) => void;
  /** Receives the interface inventory (on change and every INTERFLOW_INVENTORY_INTERVAL); none = not reported. */
  inventorySink?: (records: InterfaceRecord[]) => void;
  /** How sysfs is read (default: INTERFLOW_SYSFS_ROOT, with a sysfs mounted inside other namespaces). */
  sysfs?: SysfsReader;
  enricher?: Pick<Enricher, 'enrich'> & Partial<Pick<Enricher, 'ownerOf'>>;
  /** How long names of gone links/namespaces are kept for late flows (default: max(60 s, 10 evictions)). */
  tombstoneTtlMs?: number;
}

/** Why the capture cannot run on this machine, or null. */
export function captureProblem(cfg: AgentConfig): string | null {
  if (process.getuid?.() !== 0) return 'the agent needs root (network namespaces, tc, eBPF)';
  if (!existsSync('/sys/kernel/btf/vmlinux'))
    return 'the kernel has no BTF (/sys/kernel/btf/vmlinux missing): eBPF CO-RE cannot run';
  for (const f of [HELPER_NAME, BPF_OBJECT_NAME]) {
    if (!existsSync(join(cfg.agentBuildDir, f)))
      return `${join(cfg.agentBuildDir, f)} is missing: run "make -C agent"`;
  }
  return null;
}

export interface HookedInterface {
  netns: string;
  ifname: string;
  ifindex: number;
  phase: string;
}

export class Capture {
  readonly helper: NativeHelper;
  private readonly byId = new Map<number, NamespaceState>();
  private readonly byIno = new Map<number, NamespaceState>();
  /** Namespaces that went away, by inode, kept for the tombstone TTL to name their last flows. */
  private readonly retired = new Map<number, NamespaceState[]>();
  private readonly hooks: HookManager;
  private readonly evictor: Evictor;
  /** The interface inventory, when a sink for it was given. */
  readonly inventory: InventoryReporter | undefined;
  private watcher: NetnsWatcher | undefined;
  private readonly tombstoneTtlNs: number;
  private nextId = 1;
  /** Worker ids the helper no longer uses (after "unwatched"), reused so ids stay small. */
  private readonly freeIds = new Set<number>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly o: CaptureOptions) {
    const { cfg, metrics, log } = o;
    // Long enough for any entry counted before a link/namespace vanished to be drained.
    this.tombstoneTtlNs = (o.tombstoneTtlMs ?? Math.max(60_000, cfg.evictIntervalMs * 10)) * 1e6;
    this.helper = new NativeHelper({
      helperPath: join(cfg.agentBuildDir, HELPER_NAME),
      bpfObjectPath: join(cfg.agentBuildDir, BPF_OBJECT_NAME),
      maxFlows: cfg.cacheMaxFlows,
      attachMode: cfg.tcAttachMode,
      log,
    });
    this.hooks = new HookManager(this.helper, hookPolicy(cfg), metrics, log, () => this.byId.values());
    const inventorySink = o.inventorySink;
    const ownerOf = o.enricher?.ownerOf?.bind(o.enricher);
    this.inventory = inventorySink
      ? new InventoryReporter({
          cfg,
          agentIp: agentIp(cfg.agentIp),
          namespaces: () => this.byId.values(),
          sysfs: o.sysfs ?? sysfsReader(cfg.sysfsRoot),
          owner: ownerOf,
          sink: inventorySink,
          metrics,
          log,
        })
      : undefined;
    this.evictor = new Evictor({
      drain: () => this.helper.drain(),
      onDrained: this.inventory ? (flows) => this.inventory!.count(flows) : undefined,
      resolver: { resolve: (ino, ifindex, atNs) => this.resolve(ino, ifindex, atNs) },
      enricher: o.enricher,
      sink: o.sink,
      agentIp: agentIp(cfg.agentIp),
      nodeName: cfg.nodeName,
      intervalMs: cfg.evictIntervalMs,
      metrics,
      log,
    });
  }

  async start(): Promise<void> {
    const { cfg, log } = this.o;
    this.helper.on('event', (ev) => this.onEvent(ev));
    this.helper.on('exit', (code, signal) => {
      if (!this.stopping) log.error({ code, signal }, 'native helper exited unexpectedly');
    });
    await this.helper.start();
    const hostIno = await hostNetnsInode();
    if (cfg.hostNetns) this.addNamespace({ ino: hostIno, name: '', path: HOST_NETNS_PATH });
    // The host namespace is never taken from the dirs, even when mounted there too.
    this.watcher = new NetnsWatcher(
      { dirs: cfg.netnsDirs, resyncIntervalMs: cfg.resyncIntervalMs, log, hostIno },
      { added: (ns) => this.addNamespace(ns), removed: (ns) => this.removeNamespace(ns.ino) },
    );
    await this.watcher.start();
    this.evictor.start();
    this.inventory?.start();
    this.resyncTimer = setInterval(() => this.resync(), cfg.resyncIntervalMs);
    log.info(
      { netnsDirs: cfg.netnsDirs, hostNetns: cfg.hostNetns, evictIntervalMs: cfg.evictIntervalMs },
      'capture started',
    );
  }

  /** Stops watching, removes every hook, exports what is left in the map, stops the helper. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.watcher?.close();
    this.evictor.stopTimer();
    // Not reported as gone: the agent stopping is not the interfaces going away.
    this.inventory?.stop();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const ns of [...this.byId.values()]) this.removeNamespace(ns.ino);
    // Commands run in order: the unwatches (which detach) are done before this drain.
    await this.evictor.evict();
    await this.helper.stop();
    this.o.log.info('capture stopped: every Interflow hook removed');
  }

  /** Drains and exports now (tests, benchmarks). */
  evictNow(): Promise<number> {
    return this.evictor.evict();
  }

  hookedInterfaces(): HookedInterface[] {
    const out: HookedInterface[] = [];
    for (const ns of this.byId.values()) {
      for (const [ifindex, h] of ns.hooks) {
        out.push({
          netns: ns.name,
          ifname: ns.links.get(ifindex)?.name ?? h.ifname,
          ifindex,
          phase: h.phase,
        });
      }
    }
    return out;
  }

  namespaces(): { name: string; ino: number; status: string; links: number }[] {
    return [...this.byId.values()].map((ns) => ({
      name: ns.name,
      ino: ns.ino,
      status: ns.status,
      links: ns.links.size,
    }));
  }

  /** Total remembered state (namespaces incl. retired, link spans) for leak checks. */
  stateSize(): { namespaces: number; retired: number; linkSpans: number } {
    let linkSpans = 0;
    let retired = 0;
    for (const ns of this.byId.values()) linkSpans += ns.links.historySize;
    for (const list of this.retired.values()) {
      retired += list.length;
      for (const ns of list) linkSpans += ns.links.historySize;
    }
    return { namespaces: this.byId.size, retired, linkSpans };
  }

  private addNamespace(entry: NetnsEntry): void {
    if (this.stopping || this.byIno.has(entry.ino)) return;
    if (/[\t\n\r\0]/.test(entry.path)) {
      // The helper's line protocol cannot carry it; say so instead of failing the scan.
      this.o.log.warn(
        { path: JSON.stringify(entry.path) },
        'namespace file name contains a tab or newline: not watched',
      );
      return;
    }
    const ns: NamespaceState = {
      id: this.allocateId(),
      ino: entry.ino,
      name: entry.name,
      path: entry.path,
      links: new LinkTable(this.tombstoneTtlNs),
      hooks: new Map(),
      status: 'starting',
      linksReady: false,
    };
    this.byId.set(ns.id, ns);
    this.byIno.set(ns.ino, ns);
    this.o.log.info({ netns: ns.name, ino: ns.ino, path: ns.path }, 'watching network namespace');
    this.helper.watch(ns.id, ns.path);
    this.updateNamespaceGauge();
    this.inventory?.changed();
  }

  private allocateId(): number {
    for (const id of this.freeIds) {
      this.freeIds.delete(id);
      return id;
    }
    return this.nextId++;
  }

  private removeNamespace(ino: number): void {
    const ns = this.byIno.get(ino);
    if (!ns) return;
    this.byIno.delete(ino);
    this.byId.delete(ns.id);
    this.helper.unwatch(ns.id);
    this.hooks.namespaceGone(ns);
    ns.status = 'removed';
    ns.removedAtNs = monotonicNowNs();
    ns.links.clear(ns.removedAtNs);
    const list = this.retired.get(ns.ino) ?? [];
    list.push(ns);
    this.retired.set(ns.ino, list);
    this.o.log.info(
      { netns: ns.name, ino: ns.ino },
      'network namespace no longer watched (gone or agent stopping): hooks and state removed',
    );
    this.updateNamespaceGauge();
    this.inventory?.changed();
  }

  private updateNamespaceGauge(): void {
    this.o.metrics.namespacesWatched.set(this.byId.size);
  }

  private resolve(ino: number, ifindex: number, atNs: number) {
    const live = this.byIno.get(ino);
    const hit = live?.links.nameAt(ifindex, atNs);
    if (live && hit) return { netnsName: live.name, netnsInode: ino, ifname: hit.name, mac: hit.mac };
    // Gone namespaces, newest first (an inode can only be reused after the old one is freed).
    const gone = this.retired.get(ino);
    for (let i = (gone?.length ?? 0) - 1; i >= 0; i--) {
      const ns = gone![i]!;
      const n = ns.links.nameAt(ifindex, atNs);
      if (n) return { netnsName: ns.name, netnsInode: ino, ifname: n.name, mac: n.mac };
    }
    return undefined;
  }

  private resync(): void {
    const now = monotonicNowNs();
    for (const ns of this.byId.values()) {
      ns.links.prune(now);
      this.hooks.reconcile(ns);
    }
    this.inventory?.changed();
    for (const [ino, list] of this.retired) {
      const kept = list.filter((ns) => now - (ns.removedAtNs ?? now) <= this.tombstoneTtlNs);
      if (kept.length === 0) this.retired.delete(ino);
      else if (kept.length !== list.length) this.retired.set(ino, kept);
    }
  }

  private onEvent(ev: HelperEvent): void {
    const { log, metrics } = this.o;
    if (!('id' in ev)) return;
    // Links, hooks and attach errors are what the inventory shows.
    if (ev.ev !== 'stale_removed' && ev.ev !== 'unwatched') this.inventory?.changed();
    const ns = this.byId.get(ev.id);
    switch (ev.ev) {
      case 'watched':
        if (!ns) return;
        if (ev.ino !== ns.ino) {
          // The file was replaced between our stat and the helper's open: start over.
          log.warn(
            { netns: ns.name, expected: ns.ino, got: ev.ino },
            'namespace file changed while opening; rescanning',
          );
          this.removeNamespace(ns.ino);
          void this.watcher?.rescan();
          return;
        }
        ns.status = 'watching';
        return;
      case 'link':
        if (ns) this.onLink(ns, ev);
        return;
      case 'links_done':
        if (!ns) return;
        if (ns.redumpSeen) {
          // A re-dump after lost events: links missing from it were deleted meanwhile.
          const now = monotonicNowNs();
          for (const link of ns.links.all()) {
            if (ns.redumpSeen.has(link.ifindex)) continue;
            const change = ns.links.remove(link.ifindex, now);
            if (change) this.hooks.linkChanged(ns, change);
          }
          ns.redumpSeen = undefined;
        }
        ns.linksReady = true;
        this.hooks.reconcile(ns);
        return;
      case 'attached':
        if (ns) this.hooks.attached(ns, ev.ifindex, ev.createdQdisc);
        return;
      case 'detached':
        if (ns) this.hooks.detached(ns, ev.ifindex);
        return;
      case 'stale_removed': {
        metrics.staleHooksRemoved.inc(ev.count);
        const where = { netns: ns?.name, ifname: ns?.links.get(ev.ifindex)?.name, ifindex: ev.ifindex };
        if (ev.count > 0)
          log.warn({ ...where, count: ev.count }, 'removed Interflow filters left by an earlier run');
        if (ev.qdisc === 'removed') log.warn(where, 'removed the clsact qdisc an earlier run created');
        if (ev.qdisc === 'kept') {
          log.warn(where, 'kept the clsact qdisc an earlier run created: other filters are on it now');
        }
        return;
      }
      case 'unwatched':
        // Every event of that worker came before this one: the id can serve another namespace.
        if (!ns) this.freeIds.add(ev.id);
        return;
      case 'resync':
        log.warn({ netns: ns?.name }, 'link events were lost; links dumped again');
        if (ns) ns.redumpSeen = new Set();
        return;
      case 'error':
        if (ev.op === 'attach' || ev.op === 'detach') {
          if (ns) this.hooks.failed(ns, ev.op, ev.ifindex, ev.msg, ev.errno);
        } else if (ev.op === 'watch') {
          // Deleted before we could open it, or not a namespace after all.
          log.warn({ netns: ns?.name, err: ev.msg }, 'cannot watch namespace');
          if (ns) {
            this.byIno.delete(ns.ino);
            this.byId.delete(ns.id);
            this.freeIds.add(ns.id); // the helper kept no worker for it
            this.updateNamespaceGauge();
          }
        } else {
          log.error({ netns: ns?.name, op: ev.op, err: ev.msg }, 'native helper error');
        }
        return;
      default:
        return;
    }
  }

  private onLink(ns: NamespaceState, ev: LinkEvent): void {
    const now = monotonicNowNs();
    if (ev.initial && ev.op === 'new') ns.redumpSeen?.add(ev.ifindex);
    const change =
      ev.op === 'del'
        ? ns.links.remove(ev.ifindex, now)
        : ns.links.upsert({ ifindex: ev.ifindex, name: ev.name, mac: ev.mac, up: ev.up, kind: ev.kind }, now);
    if (!change || change.kind === 'unchanged') return;
    if (change.kind !== 'updated') {
      this.o.log.debug(
        {
          netns: ns.name,
          ifname: ev.name,
          ifindex: ev.ifindex,
          change: change.kind,
          movedToNsid: ev.movedToNsid,
        },
        'link event',
      );
    }
    this.hooks.linkChanged(ns, change);
  }
}

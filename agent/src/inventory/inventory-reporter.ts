// The interface inventory: every interface of every watched namespace, reported as its own
// record stream when anything about it changes (debounced) and every INTERFLOW_INVENTORY_INTERVAL,
// with the bytes and packets the eBPF hooks counted on it since its previous report. An
// interface that goes away (deleted, moved to another namespace, namespace gone) is reported
// once more as `gone`, then forgotten. Also keeps the interflow_agent_interfaces gauge.
import type { HookReason, InterfaceRecord } from '@interflow/contract';
import type { AgentConfig } from '../config/config.ts';
import type { RawFlow } from '../kernel-helper/helper-protocol.ts';
import type { Logger } from '../log.ts';
import type { AgentMetrics } from '../metrics.ts';
import type { NamespaceState } from '../netns/namespace-state.ts';
import { describeInterface, type InterfaceDescription, type InterfaceOwnerName } from './interface-state.ts';
import type { SysfsFacts, SysfsReader } from './sysfs-facts.ts';

export interface InventoryOptions {
  cfg: Pick<AgentConfig, 'interfaces' | 'excludeInterfaces' | 'inventoryIntervalMs' | 'nodeName'>;
  agentIp: string;
  /** The namespaces being watched now. */
  namespaces: () => Iterable<NamespaceState>;
  sysfs: SysfsReader;
  owner?: (iface: {
    netnsName: string;
    netnsInode: number;
    ifname: string;
    mac: string;
  }) => InterfaceOwnerName | undefined;
  sink: (records: InterfaceRecord[]) => void;
  metrics: AgentMetrics;
  log: Logger;
  /** Wait this long after a change before reporting, so a burst of events makes one report (default 200 ms). */
  debounceMs?: number;
}

interface Reported {
  signature: string;
  description: InterfaceDescription;
  atMs: number;
}

interface SysfsCache {
  /** The namespace's link names when read: a new or renamed link means reading again. */
  names: string;
  facts: Map<string, SysfsFacts>;
}

const keyOf = (ino: number, ifindex: number): string => `${ino}/${ifindex}`;

export class InventoryReporter {
  private readonly reported = new Map<string, Reported>();
  private readonly counters = new Map<string, { bytes: number; packets: number }>();
  private readonly sysfsCache = new Map<number, SysfsCache>();
  private readonly sysfsWarned = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<InterfaceRecord[]> | undefined;
  private stopped = false;

  constructor(private readonly o: InventoryOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.report(true), this.o.cfg.inventoryIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
  }

  /** Something may have changed (a link, a hook, a namespace): report the differences soon. */
  changed(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.report(false);
    }, this.o.debounceMs ?? 200);
  }

  /** Counts drained flow entries per interface (both directions) until the next report. */
  count(flows: readonly RawFlow[]): void {
    for (const f of flows) {
      const key = keyOf(f.netnsIno, f.ifindex);
      const c = this.counters.get(key);
      if (c) {
        c.bytes += f.bytes;
        c.packets += f.packets;
      } else this.counters.set(key, { bytes: f.bytes, packets: f.packets });
    }
  }

  /** One report: every interface when `all`, else the changed and gone ones. Reports run one at a time. */
  async report(all: boolean): Promise<InterfaceRecord[]> {
    while (this.running) await this.running;
    this.running = this.reportOnce(all)
      .catch((e: Error) => {
        this.o.log.error({ err: e.message }, 'interface inventory report failed');
        return [];
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async reportOnce(all: boolean): Promise<InterfaceRecord[]> {
    if (this.stopped) return [];
    const namespaces = [...this.o.namespaces()];
    await this.refreshSysfs(namespaces);
    const nowMs = Date.now();
    const out: InterfaceRecord[] = [];
    const current = new Set<string>();
    const liveInodes = new Set<number>();
    // Namespaces that still hold a link. A dying namespace loses its links (its loopback too,
    // which nothing else removes) before the namespace watcher sees it go, so a report in
    // between sees it live but empty: that is the namespace going, not its links.
    const inodesWithLinks = new Set<number>();
    const gauge = new Map<string, { state: string; reason: string; n: number }>();

    for (const ns of namespaces) {
      liveInodes.add(ns.ino);
      const facts = this.sysfsCache.get(ns.ino)?.facts;
      for (const link of ns.links.all()) {
        const key = keyOf(ns.ino, link.ifindex);
        current.add(key);
        inodesWithLinks.add(ns.ino);
        const description = describeInterface(ns, link, {
          policy: this.o.cfg,
          nodeName: this.o.cfg.nodeName,
          agentIp: this.o.agentIp,
          facts: facts?.get(link.name),
          owner: this.o.owner?.({
            netnsName: ns.name,
            netnsInode: ns.ino,
            ifname: link.name,
            mac: link.mac,
          }),
        });
        const g = `${description.HookState}|${description.HookReason ?? ''}`;
        const entry = gauge.get(g) ?? {
          state: description.HookState,
          reason: description.HookReason ?? '',
          n: 0,
        };
        entry.n++;
        gauge.set(g, entry);
        const signature = JSON.stringify(description);
        const last = this.reported.get(key);
        if (!all && last?.signature === signature) continue;
        out.push(this.record(key, description, last, nowMs));
        this.reported.set(key, { signature, description, atMs: nowMs });
      }
    }

    for (const [key, last] of this.reported) {
      if (current.has(key)) continue;
      const ino = last.description.NetnsInode;
      const reason: HookReason =
        liveInodes.has(ino) && inodesWithLinks.has(ino) ? 'link_removed' : 'namespace_removed';
      const gone: InterfaceDescription = {
        ...last.description,
        HookState: 'gone',
        HookReason: reason,
        Up: false,
      };
      delete gone.HookError;
      out.push(this.record(key, gone, last, nowMs));
      this.reported.delete(key);
    }
    // Counts of interfaces never reported (or already reported gone) have nobody to go to.
    for (const key of this.counters.keys()) if (!this.reported.has(key)) this.counters.delete(key);
    for (const ino of this.sysfsCache.keys()) if (!liveInodes.has(ino)) this.sysfsCache.delete(ino);

    this.o.metrics.interfaces.reset();
    for (const { state, reason, n } of gauge.values()) this.o.metrics.interfaces.set({ state, reason }, n);
    if (out.length > 0) this.o.sink(out);
    return out;
  }

  private record(
    key: string,
    description: InterfaceDescription,
    last: Reported | undefined,
    nowMs: number,
  ): InterfaceRecord {
    const c = this.counters.get(key);
    this.counters.delete(key);
    return {
      TimeReportMs: nowMs,
      TimeSinceMs: last?.atMs ?? nowMs,
      ...description,
      Bytes: c?.bytes ?? 0,
      Packets: c?.packets ?? 0,
    };
  }

  private async refreshSysfs(namespaces: NamespaceState[]): Promise<void> {
    await Promise.all(
      namespaces.map(async (ns) => {
        if (ns.status !== 'watching' || !ns.linksReady) return;
        const names = ns.links
          .all()
          .map((l) => l.name)
          .sort()
          .join('\n');
        if (this.sysfsCache.get(ns.ino)?.names === names) return;
        try {
          const facts = await this.o.sysfs.read(ns.path, ns.name === '');
          this.sysfsCache.set(ns.ino, { names, facts });
        } catch (e) {
          // Keep going without VF and driver facts; say so once per namespace.
          this.sysfsCache.set(ns.ino, { names, facts: new Map() });
          if (!this.sysfsWarned.has(ns.ino)) {
            this.sysfsWarned.add(ns.ino);
            this.o.log.warn({ netns: ns.name, err: (e as Error).message }, 'cannot read sysfs of namespace');
          }
        }
      }),
    );
  }
}

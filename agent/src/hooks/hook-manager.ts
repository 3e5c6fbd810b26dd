// Decides, from the link tables, which interfaces carry Interflow's hooks and asks the helper
// to attach or detach them. One attach/detach log line per change, with netns and ifname.
import type { AgentMetrics } from '../metrics.ts';
import type { Logger } from '../log.ts';
import type { LinkChange, LinkInfo } from '../links/link-table.ts';
import type { NamespaceState } from '../netns/namespace-state.ts';
import type { HookPolicy } from './hook-policy.ts';

export interface HookCommands {
  attach(nsId: number, ifindex: number): void;
  detach(nsId: number, ifindex: number): void;
}

export class HookManager {
  constructor(
    private readonly helper: HookCommands,
    private readonly policy: HookPolicy,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
    private readonly namespaces: () => Iterable<NamespaceState>,
  ) {}

  linkChanged(ns: NamespaceState, change: LinkChange): void {
    if (change.kind === 'removed') {
      ns.hookErrors?.delete(change.link.ifindex);
      const hook = ns.hooks.get(change.link.ifindex);
      if (hook) {
        ns.hooks.delete(change.link.ifindex);
        // The kernel drops the filters with the link (deleted, or moved to another namespace).
        this.log.info(
          { netns: ns.name, ifname: change.link.name, ifindex: change.link.ifindex },
          'interface gone: its hooks went with it',
        );
        this.updateGauge();
      }
      return;
    }
    if (change.kind === 'renamed') {
      this.log.info(
        { netns: ns.name, ifname: change.link.name, oldName: change.oldName, ifindex: change.link.ifindex },
        'interface renamed',
      );
    }
    if (ns.linksReady) this.reconcileLink(ns, change.link);
  }

  /** Brings every link of a namespace in line with the policy (after the dump, on resync). */
  reconcile(ns: NamespaceState): void {
    if (!ns.linksReady) return;
    for (const link of ns.links.all()) this.reconcileLink(ns, link);
  }

  reconcileLink(ns: NamespaceState, link: LinkInfo): void {
    if (ns.status !== 'watching') return;
    const want = this.policy(link.name);
    const hook = ns.hooks.get(link.ifindex);
    if (want && !hook) {
      ns.hooks.set(link.ifindex, { phase: 'attaching', ifname: link.name });
      this.helper.attach(ns.id, link.ifindex);
    } else if (!want && hook?.phase === 'attached') {
      hook.phase = 'detaching';
      hook.ifname = link.name;
      this.helper.detach(ns.id, link.ifindex);
    }
  }

  attached(ns: NamespaceState, ifindex: number, createdQdisc: boolean): void {
    const link = ns.links.get(ifindex);
    const hook = ns.hooks.get(ifindex);
    if (!hook) return;
    hook.phase = 'attached';
    ns.hookErrors?.delete(ifindex);
    this.log.info(
      { netns: ns.name, ifname: link?.name ?? hook.ifname, ifindex, createdQdisc },
      'hooks attached (tc ingress+egress)',
    );
    this.updateGauge();
    // The link may have been renamed out of the policy while the attach was in flight.
    if (link) this.reconcileLink(ns, link);
  }

  detached(ns: NamespaceState, ifindex: number): void {
    const hook = ns.hooks.get(ifindex);
    ns.hooks.delete(ifindex);
    this.log.info(
      { netns: ns.name, ifname: ns.links.get(ifindex)?.name ?? hook?.ifname ?? '', ifindex },
      'hooks detached',
    );
    this.updateGauge();
    const link = ns.links.get(ifindex);
    if (link) this.reconcileLink(ns, link);
  }

  failed(ns: NamespaceState, op: 'attach' | 'detach', ifindex: number, msg: string, errno: number): void {
    const hook = ns.hooks.get(ifindex);
    const link = ns.links.get(ifindex);
    const ifname = link?.name ?? hook?.ifname ?? '';
    if (op === 'attach') {
      ns.hooks.delete(ifindex);
      if (!link) {
        // The interface vanished before the attach: nothing to hook, nothing wrong.
        this.log.debug({ netns: ns.name, ifname, ifindex, err: msg }, 'attach skipped: interface gone');
        return;
      }
      this.metrics.attachErrors.inc();
      (ns.hookErrors ??= new Map()).set(ifindex, msg);
      this.log.error(
        { netns: ns.name, ifname, ifindex, err: msg, errno },
        'attach failed (retried at the next resync)',
      );
    } else {
      if (hook) hook.phase = 'attached';
      this.metrics.detachErrors.inc();
      this.log.error({ netns: ns.name, ifname, ifindex, err: msg, errno }, 'detach failed');
    }
    this.updateGauge();
  }

  /** The namespace is gone or unwatched: the helper detached its hooks. */
  namespaceGone(ns: NamespaceState): void {
    for (const [ifindex, hook] of ns.hooks) {
      this.log.info(
        { netns: ns.name, ifname: hook.ifname, ifindex },
        'hooks detached (namespace no longer watched)',
      );
    }
    ns.hooks.clear();
    this.updateGauge();
  }

  hookedCount(): number {
    let n = 0;
    for (const ns of this.namespaces()) for (const h of ns.hooks.values()) if (h.phase !== 'attaching') n++;
    return n;
  }

  private updateGauge(): void {
    this.metrics.interfacesHooked.set(this.hookedCount());
  }
}

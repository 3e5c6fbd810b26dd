// Interface names per namespace, kept from the helper's rtnetlink events (never looked up per
// flow). Each (namespace, ifindex) keeps a short history of the names it had, so a flow
// drained after its link was renamed, moved away or deleted is still labelled with the name
// the interface had when the packets were counted (a tombstone), never with a newcomer's.
export interface LinkInfo {
  ifindex: number;
  name: string;
  mac: string;
  up: boolean;
  kind: string;
}

interface NameSpan {
  name: string;
  mac: string;
  /** CLOCK_MONOTONIC ns when this name became valid / stopped being valid. */
  fromNs: number;
  toNs: number | undefined;
}

export type LinkChange =
  | { kind: 'added'; link: LinkInfo }
  | { kind: 'renamed'; link: LinkInfo; oldName: string }
  | { kind: 'updated'; link: LinkInfo; wasUp: boolean }
  | { kind: 'removed'; link: LinkInfo }
  | { kind: 'unchanged'; link: LinkInfo };

export class LinkTable {
  private readonly links = new Map<number, LinkInfo>();
  private readonly history = new Map<number, NameSpan[]>();

  constructor(private readonly tombstoneTtlNs: number) {}

  get size(): number {
    return this.links.size;
  }

  all(): LinkInfo[] {
    return [...this.links.values()];
  }

  get(ifindex: number): LinkInfo | undefined {
    return this.links.get(ifindex);
  }

  /** Applies RTM_NEWLINK; `nowNs` is the monotonic time the event was handled. */
  upsert(link: LinkInfo, nowNs: number): LinkChange {
    const old = this.links.get(link.ifindex);
    this.links.set(link.ifindex, { ...link });
    if (!old) {
      this.openSpan(link, nowNs);
      return { kind: 'added', link };
    }
    if (old.name !== link.name) {
      this.closeSpan(link.ifindex, nowNs);
      this.openSpan(link, nowNs);
      return { kind: 'renamed', link, oldName: old.name };
    }
    if (old.up !== link.up || old.mac !== link.mac) return { kind: 'updated', link, wasUp: old.up };
    return { kind: 'unchanged', link };
  }

  /** Applies RTM_DELLINK (deleted or moved to another namespace). */
  remove(ifindex: number, nowNs: number): LinkChange | undefined {
    const old = this.links.get(ifindex);
    if (!old) return undefined;
    this.links.delete(ifindex);
    this.closeSpan(ifindex, nowNs);
    return { kind: 'removed', link: old };
  }

  /** Removes every link (the namespace went away). */
  clear(nowNs: number): LinkInfo[] {
    const all = this.all();
    for (const l of all) this.remove(l.ifindex, nowNs);
    return all;
  }

  /**
   * The name the interface had when a packet counted at `atNs` went through it: the latest
   * span that started at or before `atNs` (or the earliest one if none did).
   */
  nameAt(ifindex: number, atNs: number): { name: string; mac: string } | undefined {
    const spans = this.history.get(ifindex);
    if (!spans || spans.length === 0) return undefined;
    let pick = spans[0]!;
    for (const s of spans) if (s.fromNs <= atNs) pick = s;
    return { name: pick.name, mac: pick.mac };
  }

  /** Forgets names whose spans ended more than the tombstone TTL ago. */
  prune(nowNs: number): void {
    for (const [ifindex, spans] of this.history) {
      const kept = spans.filter((s) => s.toNs === undefined || nowNs - s.toNs < this.tombstoneTtlNs);
      if (kept.length === 0) this.history.delete(ifindex);
      else if (kept.length !== spans.length) this.history.set(ifindex, kept);
    }
  }

  /** Number of (ifindex, name) spans remembered, for tests and metrics. */
  get historySize(): number {
    let n = 0;
    for (const s of this.history.values()) n += s.length;
    return n;
  }

  private openSpan(link: LinkInfo, nowNs: number): void {
    const spans = this.history.get(link.ifindex) ?? [];
    spans.push({ name: link.name, mac: link.mac, fromNs: nowNs, toNs: undefined });
    this.history.set(link.ifindex, spans);
  }

  private closeSpan(ifindex: number, nowNs: number): void {
    const spans = this.history.get(ifindex);
    const last = spans?.[spans.length - 1];
    if (last && last.toNs === undefined) last.toNs = nowNs;
  }
}

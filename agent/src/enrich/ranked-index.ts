// A map from a key (an IP, a MAC, a netns name…) to the objects that currently claim it.
// Several objects may claim one key for a while — a pod being deleted and its successor
// that got the same IP, or a static entry and a live pod — so every claim is kept and the
// best-ranked one answers. Ranking does not depend on the order events arrive in: a live
// object beats a terminating one, then the newer object wins, then the later claim. Removing
// a claim can never remove somebody else's: claims are owned by an id (the pod's UID).

export interface Rank {
  /** false once the object is terminating (deletionTimestamp set). */
  live: boolean;
  /** Creation time, epoch ms (0 when unknown). */
  createdMs: number;
  /** Order in which the owner was first seen; fixed for the owner's lifetime. */
  seq: number;
}

interface Claim<V> {
  owner: string;
  rank: Rank;
  value: V;
}

function better(a: Rank, b: Rank): number {
  if (a.live !== b.live) return a.live ? -1 : 1;
  if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
  return b.seq - a.seq;
}

export class RankedIndex<V> {
  // Claims per key, best first. Nearly always one element.
  private readonly claims = new Map<string, Claim<V>[]>();

  get size(): number {
    return this.claims.size;
  }

  /** The best claim's value. */
  get(key: string): V | undefined {
    return this.claims.get(key)?.[0]?.value;
  }

  /**
   * The best claim's value unless a second live claim competes with it (then the key does not
   * tell the owners apart — e.g. ipvlan interfaces sharing their parent's MAC).
   */
  getUnambiguous(key: string): V | undefined {
    const list = this.claims.get(key);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1 && list[1]!.rank.live && list[0]!.rank.live) return undefined;
    return list[0]!.value;
  }

  set(key: string, owner: string, rank: Rank, value: V): void {
    const list = this.claims.get(key);
    if (!list) {
      this.claims.set(key, [{ owner, rank, value }]);
      return;
    }
    const existing = list.find((c) => c.owner === owner);
    if (existing) {
      existing.value = value;
      existing.rank = rank;
    } else {
      list.push({ owner, rank, value });
    }
    if (list.length > 1) list.sort((a, b) => better(a.rank, b.rank));
  }

  delete(key: string, owner: string): void {
    const list = this.claims.get(key);
    if (!list) return;
    const i = list.findIndex((c) => c.owner === owner);
    if (i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.claims.delete(key);
  }
}

/**
 * The keys one owner holds in several indexes, so an update replaces exactly the owner's
 * previous claims (keys it no longer has are released, the others re-ranked in place).
 */
export class ClaimSet {
  private held = new Map<RankedIndex<unknown>, Set<string>>();

  constructor(readonly owner: string) {}

  /** Claims `entries` (index → key → value) and releases what the owner held before but not now. */
  replace(rank: Rank, entries: Map<RankedIndex<unknown>, Map<string, unknown>>): void {
    for (const [index, keys] of this.held) {
      const next = entries.get(index);
      for (const key of keys) if (!next?.has(key)) index.delete(key, this.owner);
    }
    const held = new Map<RankedIndex<unknown>, Set<string>>();
    for (const [index, keys] of entries) {
      for (const [key, value] of keys) index.set(key, this.owner, rank, value);
      held.set(index, new Set(keys.keys()));
    }
    this.held = held;
  }

  releaseAll(): void {
    for (const [index, keys] of this.held) for (const key of keys) index.delete(key, this.owner);
    this.held.clear();
  }
}

/** Collects (index, key, value) triples for ClaimSet.replace; the first value for a key wins. */
export class ClaimBuilder {
  readonly entries = new Map<RankedIndex<unknown>, Map<string, unknown>>();

  add<V>(index: RankedIndex<V>, key: string, value: V): void {
    let keys = this.entries.get(index as RankedIndex<unknown>);
    if (!keys) {
      keys = new Map();
      this.entries.set(index as RankedIndex<unknown>, keys);
    }
    if (!keys.has(key)) keys.set(key, value);
  }
}

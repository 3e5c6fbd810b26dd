// A map from a key (an IP, a MAC, a netns name…) to the objects that currently claim it.
// Several objects may claim one key for a while — a pod being deleted and its successor
// that got the same IP, or a pod address and a node address — so every claim is kept and
// the best one answers. The order does not depend on the order events arrive in: a higher
// tier first (a pod's primary address before a node's), then a live object before a
// terminating one, then the newer object, then the later claim. Removing a claim never
// removes somebody else's: claims are owned by an id (the pod's UID).

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
  tier: number;
  rank: Rank;
  value: V;
}

function better(a: Claim<unknown>, b: Claim<unknown>): number {
  if (a.tier !== b.tier) return b.tier - a.tier;
  if (a.rank.live !== b.rank.live) return a.rank.live ? -1 : 1;
  if (a.rank.createdMs !== b.rank.createdMs) return b.rank.createdMs - a.rank.createdMs;
  return b.rank.seq - a.rank.seq;
}

export class RankedIndex<V> {
  // Claims per key, best first. Nearly always one element.
  private readonly claims = new Map<string, Claim<V>[]>();

  /**
   * @param ambiguousTiers tiers in which two live claims on one key mean "cannot tell" (e.g.
   *   ipvlan interfaces sharing their parent's MAC): get() then answers undefined.
   */
  constructor(private readonly ambiguousTiers: ReadonlySet<number> = new Set()) {}

  get size(): number {
    return this.claims.size;
  }

  get(key: string): V | undefined {
    const list = this.claims.get(key);
    if (list === undefined) return undefined;
    const top = list[0]!;
    if (list.length > 1 && this.ambiguousTiers.has(top.tier)) {
      const next = list[1]!;
      if (next.tier === top.tier && next.rank.live && top.rank.live) return undefined;
    }
    return top.value;
  }

  set(key: string, owner: string, tier: number, rank: Rank, value: V): void {
    const list = this.claims.get(key);
    if (!list) {
      this.claims.set(key, [{ owner, tier, rank, value }]);
      return;
    }
    const existing = list.find((c) => c.owner === owner);
    if (existing) {
      existing.value = value;
      existing.tier = tier;
      existing.rank = rank;
    } else {
      list.push({ owner, tier, rank, value });
    }
    if (list.length > 1) list.sort(better);
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

interface Pending {
  tier: number;
  value: unknown;
}

/** Collects (index, key, tier, value) claims for ClaimSet.replace; the first claim of a key wins. */
export class ClaimBuilder {
  readonly entries = new Map<RankedIndex<unknown>, Map<string, Pending>>();

  add<V>(index: RankedIndex<V>, key: string, value: V, tier = 0): void {
    let keys = this.entries.get(index as RankedIndex<unknown>);
    if (!keys) {
      keys = new Map();
      this.entries.set(index as RankedIndex<unknown>, keys);
    }
    if (!keys.has(key)) keys.set(key, { tier, value });
  }
}

/**
 * The keys one owner holds in several indexes, so an update replaces exactly the owner's
 * previous claims (keys it no longer has are released, the others re-ranked in place).
 */
export class ClaimSet {
  private held = new Map<RankedIndex<unknown>, Set<string>>();

  constructor(readonly owner: string) {}

  replace(rank: Rank, claims: ClaimBuilder): void {
    for (const [index, keys] of this.held) {
      const next = claims.entries.get(index);
      for (const key of keys) if (!next?.has(key)) index.delete(key, this.owner);
    }
    const held = new Map<RankedIndex<unknown>, Set<string>>();
    for (const [index, keys] of claims.entries) {
      for (const [key, p] of keys) index.set(key, this.owner, p.tier, rank, p.value);
      held.set(index, new Set(keys.keys()));
    }
    this.held = held;
  }

  releaseAll(): void {
    for (const [index, keys] of this.held) for (const key of keys) index.delete(key, this.owner);
    this.held.clear();
  }
}

/**
 * Indexes grouped by a first key (a network name, an interface name): looking up the group
 * once and then the address avoids building `group|address` strings per record.
 */
export class GroupedIndex<V> {
  private readonly groups = new Map<string, RankedIndex<V>>();

  constructor(private readonly ambiguousTiers: ReadonlySet<number> = new Set()) {}

  group(name: string): RankedIndex<V> {
    let g = this.groups.get(name);
    if (!g) {
      g = new RankedIndex<V>(this.ambiguousTiers);
      this.groups.set(name, g);
    }
    return g;
  }

  get(group: string, key: string): V | undefined {
    return this.groups.get(group)?.get(key);
  }
}

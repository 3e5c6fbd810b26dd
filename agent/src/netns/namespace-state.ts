// What the agent knows about one watched network namespace.
import type { LinkTable } from '../links/link-table.ts';

export type HookPhase = 'attaching' | 'attached' | 'detaching';

export interface HookState {
  phase: HookPhase;
  /** Name when the hook was requested (for logs). */
  ifname: string;
}

export interface NamespaceState {
  /** Helper worker id (one dedicated thread in the helper). */
  id: number;
  ino: number;
  /** File name in the netns directory; "" for the host namespace. */
  name: string;
  path: string;
  links: LinkTable;
  hooks: Map<number, HookState>;
  /** starting: helper worker not confirmed yet; removed: kept only to name late flows. */
  status: 'starting' | 'watching' | 'removed';
  linksReady: boolean;
  removedAtNs?: number;
  /** The kernel's refusal of the last attach, by ifindex, until an attach succeeds or the link goes (inventory). */
  hookErrors?: Map<number, string>;
  /** Set while the helper re-dumps the links after lost events: ifindexes seen in that dump. */
  redumpSeen?: Set<number>;
}

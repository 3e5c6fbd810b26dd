// Watches the netns directories with inotify (fs.watch) and reports namespaces that appear
// or disappear within a fraction of a second. A full rescan every resync interval heals any
// missed event; directories that do not exist yet are checked every second and watched once
// they appear. Files not mounted yet (`ip netns add` creates, then mounts) are rescanned
// shortly after.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../log.ts';
import { scanNetnsDirs, type NetnsEntry } from './netns-scan.ts';

export interface NetnsListener {
  added(ns: NetnsEntry): void;
  removed(ns: NetnsEntry): void;
}

export interface NetnsWatcherOptions {
  dirs: string[];
  resyncIntervalMs: number;
  /** The host namespace inode: never reported from the dirs (the host is watched on its own). */
  hostIno?: number;
  log: Logger;
}

const DEBOUNCE_MS = 30;
const PENDING_RETRY_MS = 100;
const MISSING_DIR_CHECK_MS = 1000;
/** How long a file that is not a namespace keeps being rescanned quickly (a stray file must not spin). */
const PENDING_GIVE_UP_MS = 3000;

export class NetnsWatcher {
  private readonly known = new Map<number, NetnsEntry>();
  private readonly watchers = new Map<string, FSWatcher>();
  private timers: NodeJS.Timeout[] = [];
  private scanTimer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private rescanRequested = false;
  private readonly pendingSince = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly opts: NetnsWatcherOptions,
    private readonly listener: NetnsListener,
  ) {}

  async start(): Promise<void> {
    await this.scan();
    this.timers.push(setInterval(() => this.requestScan(0), this.opts.resyncIntervalMs));
    this.timers.push(setInterval(() => this.watchMissingDirs(), MISSING_DIR_CHECK_MS));
    for (const t of this.timers) t.unref();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.scanTimer) clearTimeout(this.scanTimer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Rescans now (or after the one in progress) and resolves when done. */
  async rescan(): Promise<void> {
    await this.scan();
  }

  private watchMissingDirs(): void {
    let appeared = false;
    for (const dir of this.opts.dirs) {
      if (!this.watchers.has(dir) && this.tryWatch(dir)) appeared = true;
    }
    if (appeared) this.requestScan(0);
  }

  private tryWatch(dir: string): boolean {
    try {
      const w = watch(dir, { persistent: false }, () => this.requestScan(DEBOUNCE_MS));
      w.on('error', () => {
        // The directory itself went away: forget the watch; the 1 s check re-adds it.
        w.close();
        this.watchers.delete(dir);
        this.requestScan(0);
      });
      this.watchers.set(dir, w);
      this.opts.log.debug({ dir }, 'watching netns directory');
      return true;
    } catch {
      return false;
    }
  }

  private requestScan(delayMs: number): void {
    if (this.closed) return;
    if (this.scanTimer) return;
    this.scanTimer = setTimeout(() => {
      this.scanTimer = undefined;
      void this.scan();
    }, delayMs);
  }

  private scan(): Promise<void> {
    if (this.scanning) {
      this.rescanRequested = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.rescanRequested = false;
        try {
          await this.scanOnce();
        } catch (e) {
          // A failing listener must not stop the watcher; the next event or resync retries.
          this.opts.log.error({ err: (e as Error).message }, 'netns scan failed');
        }
      } while (this.rescanRequested && !this.closed);
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    for (const dir of this.opts.dirs) if (!this.watchers.has(dir)) this.tryWatch(dir);
    const { found, pending } = await scanNetnsDirs(this.opts.dirs);
    if (this.closed) return;
    const seen = new Set<number>();
    for (const ns of found) {
      if (ns.ino === this.opts.hostIno) continue;
      seen.add(ns.ino);
      if (!this.known.has(ns.ino)) {
        this.known.set(ns.ino, ns);
        this.listener.added(ns);
      }
    }
    for (const [ino, ns] of this.known) {
      if (!seen.has(ino)) {
        this.known.delete(ino);
        this.listener.removed(ns);
      }
    }
    const now = Date.now();
    let retry = false;
    for (const path of pending) {
      const since = this.pendingSince.get(path) ?? now;
      this.pendingSince.set(path, since);
      if (now - since < PENDING_GIVE_UP_MS) retry = true;
    }
    for (const path of this.pendingSince.keys()) if (!pending.includes(path)) this.pendingSince.delete(path);
    if (retry) this.requestScan(PENDING_RETRY_MS);
  }
}

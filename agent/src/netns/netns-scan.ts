// Finds the network namespaces bind-mounted in a set of directories (`ip netns add`, CNI
// plugins). A namespace is identified by the inode of its nsfs file, never by its name:
// /var/run/netns and /run/netns are usually the same directory, and a namespace may be
// mounted under two names.
import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** statfs() type of nsfs (include/uapi/linux/magic.h NSFS_MAGIC). */
export const NSFS_MAGIC = 0x6e736673;

export interface NetnsEntry {
  ino: number;
  /** File name in its directory: what records show in IfNetns. "" = host namespace. */
  name: string;
  path: string;
}

export interface ScanResult {
  found: NetnsEntry[];
  /** Files that are not (yet) namespaces: `ip netns add` creates the file, then mounts. */
  pending: string[];
  /** Directories that do not exist (they are picked up when they appear). */
  missingDirs: string[];
}

export async function scanNetnsDirs(dirs: string[]): Promise<ScanResult> {
  const byIno = new Map<number, NetnsEntry>();
  const pending: string[] = [];
  const missingDirs: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      missingDirs.push(dir);
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const [fs, st] = await Promise.all([statfs(path), stat(path)]);
        if (fs.type !== NSFS_MAGIC) {
          if (st.isFile()) pending.push(path);
          continue;
        }
        // First name wins (dirs in configured order, names sorted) so names stay stable.
        if (!byIno.has(st.ino)) byIno.set(st.ino, { ino: st.ino, name, path });
      } catch {
        // Deleted between readdir and stat: the next event or resync settles it.
      }
    }
  }
  return { found: [...byIno.values()], pending, missingDirs };
}

/** Inode of the agent's own (host) network namespace. */
export async function hostNetnsInode(): Promise<number> {
  return (await stat('/proc/self/ns/net')).ino;
}

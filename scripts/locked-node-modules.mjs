// The node_modules directories `npm ci` fills outside the root one: a workspace that needs
// another version of a package than the root's gets its own (web-console-4.19 builds with the
// 4.19 console SDK). The root's stamp says nothing about them, and a build whose own directory
// is missing takes the root's version without a word, so setup checks they are all there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Workspace node_modules directories the lockfile places packages in, e.g. "web-console-4.19/node_modules". */
export function lockedWorkspaceNodeModules(lock) {
  const dirs = new Set();
  for (const key of Object.keys(lock.packages ?? {})) {
    if (key.startsWith('node_modules/')) continue; // the root's, nested or not
    const at = key.indexOf('/node_modules/');
    if (at > 0) dirs.add(`${key.slice(0, at)}/node_modules`);
  }
  return [...dirs].sort();
}

/** Those of them missing under `root`. */
export function missingWorkspaceNodeModules(root, lock) {
  return lockedWorkspaceNodeModules(lock).filter((dir) => !existsSync(join(root, dir)));
}

// The agent's state for the DaemonSet's readiness probe (INTERFLOW_READY_FILE): "standby" while
// it waits for the node lock, "capturing" once its hooks are on and its metrics are served,
// gone while it shuts down. A rolling update with surge starts the new pod beside the old one
// and deletes the old one only once the new one is ready; an HTTP probe cannot say "ready" for
// a waiting agent (on the host network the metrics port is still the old agent's), so the probe
// reads this file instead. The file lives in the pod's own /tmp, never in the shared run dir.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export type AgentState = 'standby' | 'capturing';

export interface ReadyFile {
  set(state: AgentState, detail?: string): void;
  remove(): void;
}

const NO_FILE: ReadyFile = { set: () => undefined, remove: () => undefined };

export function readyFile(path: string | undefined): ReadyFile {
  if (!path) return NO_FILE;
  return {
    set(state, detail) {
      // Written whole, then renamed: a probe never reads half a line.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, detail ? `${state} ${detail}\n` : `${state}\n`);
      renameSync(tmp, path);
    },
    remove() {
      rmSync(path, { force: true });
    },
  };
}

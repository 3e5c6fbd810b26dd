// Which interfaces get Interflow's TC hooks: INTERFLOW_INTERFACES (when set) must match and
// INTERFLOW_EXCLUDE_INTERFACES (default `lo`) must not. Both take exact names or /regex/.
import type { AgentConfig } from '../config/config.ts';

export type HookPolicy = (ifname: string) => boolean;

export function hookPolicy(cfg: Pick<AgentConfig, 'interfaces' | 'excludeInterfaces'>): HookPolicy {
  return (ifname) => {
    if (!ifname) return false;
    if (cfg.interfaces && !cfg.interfaces.matches(ifname)) return false;
    return !cfg.excludeInterfaces.matches(ifname);
  };
}

/** Why the policy refuses a name (for the inventory), or undefined when it accepts it. */
export function policyRefusal(
  cfg: Pick<AgentConfig, 'interfaces' | 'excludeInterfaces'>,
  ifname: string,
): 'excluded' | 'not_selected' | undefined {
  if (!ifname) return 'not_selected';
  if (cfg.interfaces && !cfg.interfaces.matches(ifname)) return 'not_selected';
  return cfg.excludeInterfaces.matches(ifname) ? 'excluded' : undefined;
}

// One interface's inventory record from what the agent knows: the link table, the hook
// table, the last attach error, the policy, sysfs and the enricher. Pure: no I/O.
import type { HookReason, HookState, InterfaceRecord } from '@interflow/contract';
import type { AgentConfig } from '../config/config.ts';
import { policyRefusal } from '../hooks/hook-policy.ts';
import type { LinkInfo } from '../links/link-table.ts';
import type { NamespaceState } from '../netns/namespace-state.ts';
import { interfaceType, type SysfsFacts } from './sysfs-facts.ts';

export interface InterfaceOwnerName {
  namespace: string;
  name: string;
  network?: string;
}

export interface StateContext {
  policy: Pick<AgentConfig, 'interfaces' | 'excludeInterfaces'>;
  nodeName: string;
  agentIp: string;
  facts: SysfsFacts | undefined;
  owner: InterfaceOwnerName | undefined;
}

/** Record fields that describe the interface (everything but times and counters). */
export type InterfaceDescription = Omit<
  InterfaceRecord,
  'TimeReportMs' | 'TimeSinceMs' | 'Bytes' | 'Packets'
>;

export function hookStateOf(
  ns: NamespaceState,
  link: LinkInfo,
  policy: StateContext['policy'],
): { state: HookState; reason?: HookReason; error?: string } {
  const hook = ns.hooks.get(link.ifindex);
  if (hook?.phase === 'attached') return { state: 'hooked' };
  if (hook) return { state: hook.phase };
  const refusal = policyRefusal(policy, link.name);
  if (refusal) return { state: 'unhooked', reason: refusal };
  const error = ns.hookErrors?.get(link.ifindex);
  if (error !== undefined) return { state: 'unhooked', reason: 'attach_failed', error };
  if (ns.status !== 'watching' || !ns.linksReady) return { state: 'unhooked', reason: 'namespace_not_ready' };
  // Wanted and not refused: the next reconcile attaches it.
  return { state: 'attaching' };
}

export function describeInterface(
  ns: NamespaceState,
  link: LinkInfo,
  ctx: StateContext,
): InterfaceDescription {
  const hook = hookStateOf(ns, link, ctx.policy);
  const d: InterfaceDescription = {
    K8S_HostName: ctx.nodeName,
    AgentIP: ctx.agentIp,
    Interfaces: [link.name],
    IfNetns: [ns.name],
    NetnsInode: ns.ino,
    IfIndex: link.ifindex,
    IfMac: link.mac,
    IfKind: link.kind,
    IfType: interfaceType(link.name, link.kind, ctx.facts),
    IsVF: ctx.facts?.isVF ?? false,
    Up: link.up,
    HookState: hook.state,
  };
  if (hook.reason) d.HookReason = hook.reason;
  if (hook.error !== undefined) d.HookError = hook.error;
  if (ctx.facts?.driver) d.Driver = ctx.facts.driver;
  if (ctx.owner) {
    d.IfK8S_Namespace = ctx.owner.namespace;
    d.IfK8S_Name = ctx.owner.name;
    if (ctx.owner.network !== undefined) d.IfK8S_NetworkName = ctx.owner.network;
  }
  return d;
}

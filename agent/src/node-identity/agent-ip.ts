// The address records give as AgentIP: INTERFLOW_AGENT_IP, else the host's first
// non-loopback IPv4 address.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export function firstNonLoopbackIPv4(
  ifaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string {
  for (const addrs of Object.values(ifaces)) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '';
}

export function agentIp(configured: string | undefined): string {
  return configured ?? firstNonLoopbackIPv4();
}

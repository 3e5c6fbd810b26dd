// Loopback check on the socket's peer address (never on X-Forwarded-For, which a client sets).
import { isIPv4 } from 'node:net';

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return addr === '::1' || addr === '0:0:0:0:0:0:0:1';
}

/**
 * A client on this host: a loopback peer, or one whose address is the socket's own local
 * address (only a process in this network namespace can connect from the address it
 * connects to, e.g. the backend querying its store bound to one pod IP).
 */
export function isLocalPeer(peer: string | undefined, local: string | undefined): boolean {
  const plain = (a: string | undefined): string | undefined => (a?.startsWith('::ffff:') ? a.slice(7) : a);
  return isLoopbackAddress(peer) || (!!peer && plain(peer) === plain(local));
}

// Loopback check on the socket's peer address (never on X-Forwarded-For, which a client sets).
import { isIPv4 } from 'node:net';

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const v4 = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return addr === '::1' || addr === '0:0:0:0:0:0:0:1';
}

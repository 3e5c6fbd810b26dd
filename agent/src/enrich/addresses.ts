// Canonical text forms for addresses used as index keys. Records carry addresses as the
// capture side prints them (dotted IPv4, RFC 5952 IPv6, lower-case MAC); the Kubernetes API
// and mapping files may spell them differently, so keys are normalised once, at index time,
// and enrich() can look records up with their raw strings.
import { isIP } from 'node:net';

/** `10.0.0.1` → itself; `2001:DB8:0:0::1` → `2001:db8::1`; anything else → undefined. */
export function canonicalIp(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  const zoneless = t.includes('%') ? t.slice(0, t.indexOf('%')) : t;
  const version = isIP(zoneless);
  if (version === 4) return zoneless;
  if (version === 6) {
    // The WHATWG URL parser prints IPv6 hosts in the RFC 5952 form, as inet_ntop does.
    return new URL(`http://[${zoneless}]/`).hostname.slice(1, -1);
  }
  return undefined;
}

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** `AA-BB-CC-DD-EE-FF` → `aa:bb:cc:dd:ee:ff`; anything else → undefined. */
export function canonicalMac(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const t = text.trim();
  if (!MAC_RE.test(t)) return undefined;
  return t.toLowerCase().replaceAll('-', ':');
}

/** The canonical addresses of a list, invalid ones dropped, duplicates removed. */
export function canonicalIps(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out = new Set<string>();
  for (const item of list) {
    const ip = canonicalIp(item);
    if (ip) out.add(ip);
  }
  return [...out];
}

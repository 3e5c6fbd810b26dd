// IP patterns as Loki's `ip("…")` reads them (docs/design.md "Filters"; Loki's "Matching IP
// addresses"): one address, a CIDR prefix (`192.168.122.0/24`, `fd00::/64`) or an inclusive range
// (`10.0.0.1-10.0.0.9`), IPv4 or IPv6. Addresses are compared as numbers of their own family, as
// Go's netip does: an IPv4 address never falls in an IPv6 prefix or range and back, and the range's
// ends must be of one family, the first not after the last. Zones (`fe80::1%eth0`) are not taken.
import { isIPv4, isIPv6 } from './ip-address.ts';

export interface IPValue {
  bits: 32 | 128;
  value: bigint;
}

export type IPPattern =
  | { kind: 'address'; address: IPValue }
  | { kind: 'prefix'; address: IPValue; prefixBits: number }
  | { kind: 'range'; from: IPValue; to: IPValue };

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv4 or IPv6 address (any RFC 4291 text form) as a number of its family, or null. */
export function parseIP(text: string): IPValue | null {
  if (isIPv4(text)) return { bits: 32, value: ipv4Value(text) };
  if (!isIPv6(text)) return null;
  const halves = text.split('::');
  const groups = (part: string): bigint[] => {
    if (part === '') return [];
    const out: bigint[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const v4 = ipv4Value(g);
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else out.push(BigInt(parseInt(g, 16)));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  return { bits: 128, value: all.reduce((acc, g) => (acc << 16n) | g, 0n) };
}

const PREFIX_BITS = /^(0|[1-9]\d{0,2})$/;

/** A pattern of Loki's ip(): an address, a CIDR prefix or a range; null when it is none. */
export function parseIPPattern(text: string): IPPattern | null {
  const address = parseIP(text);
  if (address) return { kind: 'address', address };
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const base = parseIP(text.slice(0, slash));
    const bitsText = text.slice(slash + 1);
    if (!base || !PREFIX_BITS.test(bitsText)) return null;
    const prefixBits = Number(bitsText);
    if (prefixBits > base.bits) return null;
    return { kind: 'prefix', address: base, prefixBits };
  }
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const from = parseIP(text.slice(0, dash));
    const to = parseIP(text.slice(dash + 1));
    if (!from || !to || from.bits !== to.bits || to.value < from.value) return null;
    return { kind: 'range', from, to };
  }
  return null;
}

/** A CIDR prefix or a range, not a single address: what `=` needs `ip()` for. */
export function isIPRangePattern(text: string): boolean {
  const p = parseIPPattern(text);
  return p !== null && p.kind !== 'address';
}

export function ipPatternContains(pattern: IPPattern, ip: IPValue): boolean {
  switch (pattern.kind) {
    case 'address':
      return ip.bits === pattern.address.bits && ip.value === pattern.address.value;
    case 'prefix': {
      if (ip.bits !== pattern.address.bits) return false;
      const shift = BigInt(ip.bits - pattern.prefixBits);
      return ip.value >> shift === pattern.address.value >> shift;
    }
    case 'range':
      return ip.bits === pattern.from.bits && ip.value >= pattern.from.value && ip.value <= pattern.to.value;
  }
}

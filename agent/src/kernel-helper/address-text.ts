// Text of the addresses in the helper's binary flow records, exactly as the helper wrote them
// when it sent text (its formatting was libc's inet_ntop): dotted IPv4, IPv6 as inet_ntop
// writes it, MACs as lower-case colon-separated hex. Texts of IPv4 addresses and MACs are
// cached by their bytes: a drain repeats a few thousand of them across 100 000 entries, and a
// shared string is one less string to build, keep and collect.

const DECIMAL = Array.from({ length: 256 }, (_, i) => String(i));
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const ETYPE_IPV4 = 0x0800;
const ETYPE_IPV6 = 0x86dd;

/** Entries per cache before it starts over (a bound, not a working-set guess). */
const CACHE_MAX = 65_536;
let ipv4Cache = new Map<number, string>();
let macCache = new Map<number, string>();

function u32be(b: Uint8Array, o: number): number {
  return b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
}

/** `a.b.c.d` of the 4 bytes at `o`. */
export function ipv4Text(b: Uint8Array, o: number): string {
  const key = u32be(b, o);
  let text = ipv4Cache.get(key);
  if (text === undefined) {
    text = `${DECIMAL[b[o]!]}.${DECIMAL[b[o + 1]!]}.${DECIMAL[b[o + 2]!]}.${DECIMAL[b[o + 3]!]}`;
    if (ipv4Cache.size >= CACHE_MAX) ipv4Cache = new Map();
    ipv4Cache.set(key, text);
  }
  return text;
}

/** `aa:bb:cc:dd:ee:ff` of the 6 bytes at `o`. */
export function macText(b: Uint8Array, o: number): string {
  const key = u32be(b, o) * 0x10000 + ((b[o + 4]! << 8) | b[o + 5]!); // 48 bits: exact in a double
  let text = macCache.get(key);
  if (text === undefined) {
    text = `${HEX2[b[o]!]}:${HEX2[b[o + 1]!]}:${HEX2[b[o + 2]!]}:${HEX2[b[o + 3]!]}:${HEX2[b[o + 4]!]}:${HEX2[b[o + 5]!]}`;
    if (macCache.size >= CACHE_MAX) macCache = new Map();
    macCache.set(key, text);
  }
  return text;
}

const words = new Uint16Array(8);

/**
 * The 16 bytes at `o` as glibc's inet_ntop writes them (RFC 5952 compression: the longest run
 * of at least two zero groups becomes `::`, the first of equal runs; lower-case hex without
 * leading zeros; `::a.b.c.d` and `::ffff:a.b.c.d` with the IPv4 address dotted).
 */
export function ipv6Text(b: Uint8Array, o: number): string {
  for (let i = 0; i < 8; i++) words[i] = (b[o + 2 * i]! << 8) | b[o + 2 * i + 1]!;
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) bestBase = -1;

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      return text + ipv4Text(b, o + 12);
    }
    text += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) text += ':';
  return text;
}

function isIpv4Mapped(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 12; i++) if (b[o + i] !== IPV4_MAPPED_PREFIX[i]) return false;
  return true;
}

/**
 * A flow address (16 bytes at `o`, IPv4 stored IPv4-mapped) as the record carries it: dotted
 * for IPv4, inet_ntop text for IPv6, "" for anything that is not IP.
 */
export function flowAddressText(b: Uint8Array, o: number, etype: number): string {
  if (etype === ETYPE_IPV4) return isIpv4Mapped(b, o) ? ipv4Text(b, o + 12) : '';
  if (etype === ETYPE_IPV6) return ipv6Text(b, o);
  return '';
}

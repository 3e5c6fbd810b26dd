// Hand-built packets for the parsing tests, for what this kernel cannot produce itself: frames
// with 802.1Q / 802.1ad (QinQ) tags (no CONFIG_VLAN_8021Q, so no VLAN sub-interface) and SCTP
// (no CONFIG_IP_SCTP). The bytes are built here, so a test knows every frame's exact length;
// python3 (on every machine we run on) only puts them on the wire inside a test namespace:
// whole frames through an AF_PACKET socket bound to one link, or an IP payload through a raw
// IP socket (the kernel adds the IPv4 header and routes it like any other packet).
import type { NetnsScenario, ScenarioNamespace } from '../../test/support/netns-scenario.ts';

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;
export const IPV6_DSTOPTS = 60;

export interface VlanTag {
  /** Tag protocol identifier: 0x8100 (802.1Q) or 0x88a8 (802.1ad outer tag). */
  tpid: number;
  vid: number;
}

export interface UdpDatagram {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payloadLen: number;
  /** DSCP in the IP header (the record carries it). */
  dscp?: number;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function macBytes(mac: string): Buffer {
  const b = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
  if (b.length !== 6 || mac.split(':').some((h) => !/^[0-9a-f]{2}$/i.test(h))) {
    throw new Error(`not a MAC address: ${mac}`);
  }
  return b;
}

function ipv4Bytes(addr: string): Buffer {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${addr}`);
  }
  return Buffer.from(parts);
}

/** Full (uncompressed or `::`-compressed) IPv6 text to its 16 bytes; no embedded IPv4 form. */
function ipv6Bytes(addr: string): Buffer {
  const [head, tail, extra] = addr.split('::');
  if (extra !== undefined) throw new Error(`not an IPv6 address: ${addr}`);
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
    throw new Error(`not an IPv6 address: ${addr}`);
  }
  return Buffer.concat(all.map((g) => u16(parseInt(g, 16))));
}

/** RFC 1071 one's-complement sum of 16-bit words, folded and inverted. */
function inetChecksum(...parts: Buffer[]): number {
  const data = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) {
    sum += (data[i]! << 8) | (i + 1 < data.length ? data[i + 1]! : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function payloadOf(len: number): Buffer {
  return Buffer.from(Array.from({ length: len }, (_, i) => i & 0xff));
}

function udpSegment(d: UdpDatagram, pseudo: (udpLen: number) => Buffer): Buffer {
  const udpLen = 8 + d.payloadLen;
  const seg = Buffer.concat([u16(d.sport), u16(d.dport), u16(udpLen), u16(0), payloadOf(d.payloadLen)]);
  // A computed checksum of 0 is sent as 0xffff (0 means "none" for UDP over IPv4).
  seg.writeUInt16BE(inetChecksum(pseudo(udpLen), seg) || 0xffff, 6);
  return seg;
}

/** IPv4 header (20 bytes, DF, TTL 64) followed by a UDP datagram. */
export function ipv4Udp(d: UdpDatagram): Buffer {
  const src = ipv4Bytes(d.src);
  const dst = ipv4Bytes(d.dst);
  const udp = udpSegment(d, (len) => Buffer.concat([src, dst, Buffer.from([0, IPPROTO_UDP]), u16(len)]));
  const ip = Buffer.concat([
    Buffer.from([0x45, (d.dscp ?? 0) << 2]),
    u16(20 + udp.length),
    u16(0x1234), // identification
    u16(0x4000), // DF, offset 0
    Buffer.from([64, IPPROTO_UDP, 0, 0]),
    src,
    dst,
  ]);
  ip.writeUInt16BE(inetChecksum(ip), 10);
  return Buffer.concat([ip, udp]);
}

/** IPv6 header (40 bytes, hop limit 64, no extension headers) followed by a UDP datagram. */
export function ipv6Udp(d: UdpDatagram): Buffer {
  const src = ipv6Bytes(d.src);
  const dst = ipv6Bytes(d.dst);
  const udp = udpSegment(d, (len) =>
    Buffer.concat([src, dst, Buffer.from([0, 0]), u16(len), Buffer.from([0, 0, 0, IPPROTO_UDP])]),
  );
  const first = Buffer.alloc(4);
  first.writeUInt32BE(((6 << 28) | ((d.dscp ?? 0) << 22)) >>> 0);
  return Buffer.concat([first, u16(udp.length), Buffer.from([IPPROTO_UDP, 64]), src, dst, udp]);
}

/**
 * IPv6 header (hop limit 64) carrying `payload` of protocol `proto`, optionally behind a
 * Destination Options extension header (8 bytes of PadN), which the parser must skip.
 */
export function ipv6Packet(
  src: string,
  dst: string,
  proto: number,
  payload: Buffer,
  opts: { dscp?: number; destinationOptions?: boolean } = {},
): Buffer {
  const ext = opts.destinationOptions
    ? Buffer.from([proto, 0, 1, 4, 0, 0, 0, 0]) // next header, length 0 (8 bytes), PadN of 4
    : Buffer.alloc(0);
  const first = Buffer.alloc(4);
  first.writeUInt32BE(((6 << 28) | ((opts.dscp ?? 0) << 22)) >>> 0);
  const nextHeader = opts.destinationOptions ? IPV6_DSTOPTS : proto;
  return Buffer.concat([
    first,
    u16(ext.length + payload.length),
    Buffer.from([nextHeader, 64]),
    ipv6Bytes(src),
    ipv6Bytes(dst),
    ext,
    payload,
  ]);
}

/** Ethernet header with the given tags (outermost first), then the payload. */
export function ethernetFrame(
  dstMac: string,
  srcMac: string,
  tags: VlanTag[],
  etype: number,
  payload: Buffer,
): Buffer {
  const tagBytes = tags.map((t) => Buffer.concat([u16(t.tpid), u16(t.vid & 0x0fff)]));
  return Buffer.concat([macBytes(dstMac), macBytes(srcMac), ...tagBytes, u16(etype), payload]);
}

// CRC32c (Castagnoli, reflected polynomial 0x82f63b78), the SCTP checksum (RFC 9260 App. B).
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** An SCTP packet (common header + one DATA chunk of `dataLen` bytes) with a valid checksum. */
export function sctpPacket(sport: number, dport: number, tsn: number, dataLen: number): Buffer {
  const padded = (dataLen + 3) & ~3;
  const chunk = Buffer.alloc(16 + padded);
  chunk.writeUInt8(0, 0); // DATA
  chunk.writeUInt8(0x03, 1); // B and E: one unfragmented user message
  chunk.writeUInt16BE(16 + dataLen, 2); // the length excludes the padding
  chunk.writeUInt32BE(tsn, 4);
  chunk.writeUInt16BE(0, 8); // stream 0
  chunk.writeUInt16BE(tsn & 0xffff, 10); // stream sequence number
  chunk.writeUInt32BE(0, 12); // payload protocol identifier: unspecified
  payloadOf(dataLen).copy(chunk, 16);
  const common = Buffer.alloc(12);
  common.writeUInt16BE(sport, 0);
  common.writeUInt16BE(dport, 2);
  common.writeUInt32BE(0x1f2e3d4c, 4); // verification tag
  const packet = Buffer.concat([common, chunk]);
  // The CRC goes in as the bytes of the little-endian value, as the Linux stack writes it.
  packet.writeUInt32LE(crc32c(packet), 8);
  return packet;
}

const SEND_FRAMES_PY = `
import socket, sys
ifname = sys.argv[1]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
s.bind((ifname, 0))
for h in sys.argv[2:]:
    frame = bytes.fromhex(h)
    n = s.send(frame)
    if n != len(frame):
        sys.exit("short send on %s: %d of %d bytes" % (ifname, n, len(frame)))
print(len(sys.argv) - 2)
`;

const SEND_IP_PY = `
import socket, sys
proto, dst = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
for h in sys.argv[3:]:
    payload = bytes.fromhex(h)
    n = s.sendto(payload, (dst, 0))
    if n != len(payload):
        sys.exit("short send to %s: %d of %d bytes" % (dst, n, len(payload)))
print(len(sys.argv) - 3)
`;

async function runPython(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  what: string,
  script: string,
  args: string[],
  expected: number,
): Promise<void> {
  let out: string;
  try {
    out = await s.exec(ns, 'python3', ['-c', script, ...args]);
  } catch (e) {
    throw new Error(`could not send ${what} from ${ns.name}: ${(e as Error).message}`);
  }
  if (out.trim() !== String(expected)) {
    throw new Error(
      `sending ${what} from ${ns.name}: expected to send ${expected}, sender said ${out.trim()}`,
    );
  }
}

/** Puts whole Ethernet frames on `ifname` in `ns` through an AF_PACKET socket (tc egress sees them). */
export async function sendFrames(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  ifname: string,
  frames: Buffer[],
): Promise<void> {
  const hex = frames.map((f) => f.toString('hex'));
  await runPython(
    s,
    ns,
    `${frames.length} raw frames on ${ifname}`,
    SEND_FRAMES_PY,
    [ifname, ...hex],
    frames.length,
  );
}

/** Sends IP payloads of protocol `proto` to `dst` through a raw IPv4 socket in `ns`. */
export async function sendIpPayloads(
  s: NetnsScenario,
  ns: ScenarioNamespace,
  proto: number,
  dst: string,
  payloads: Buffer[],
): Promise<void> {
  const hex = payloads.map((p) => p.toString('hex'));
  await runPython(
    s,
    ns,
    `${payloads.length} IP protocol ${proto} packets to ${dst}`,
    SEND_IP_PY,
    [String(proto), dst, ...hex],
    payloads.length,
  );
}

/** The MAC address of a link inside a namespace. */
export async function linkMac(s: NetnsScenario, ns: ScenarioNamespace, ifname: string): Promise<string> {
  const [link] = JSON.parse(await s.exec(ns, 'ip', ['-j', 'link', 'show', 'dev', ifname])) as {
    address?: string;
  }[];
  if (!link?.address) throw new Error(`no MAC address for ${ifname} in ${ns.name}`);
  return link.address;
}

/* Flows to the agent as binary frames on stdout (layout in README.md "Flow frames";
 * agent/src/kernel-helper/flow-frames.ts reads them). Callers hold out_begin(). */
#ifndef IFLOW_FLOWOUT_H
#define IFLOW_FLOWOUT_H
#include "flows.h"
#include <stddef.h>

/* First byte of a frame: never the first byte of a JSON line, so frames and event lines
 * share stdout. */
#define IFLOW_FRAME_MAGIC 0x00
#define IFLOW_FRAME_FLOWS 0x01

/* Where an entry came from (the `origin` byte). */
#define IFLOW_ORIGIN_MAP 0
#define IFLOW_ORIGIN_RINGBUF 1
#define IFLOW_ORIGIN_SPILL 2

/* One flow, little-endian, fixed size, every field at its natural alignment. */
struct iflow_wire {
	__u64 netns_cookie;
	__u64 bytes;
	__u64 packets;
	__u64 first_ns;
	__u64 last_ns;
	__u32 netns_ino;
	__u32 ifindex;
	__u32 tcp_flags;
	__u16 etype;
	__u16 sport;
	__u16 dport;
	__u16 vlan;
	__u16 vlan_inner;
	__u8 proto;
	__u8 dir;
	__u8 src[16]; /* IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d) */
	__u8 dst[16];
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 dscp;
	__u8 origin; /* IFLOW_ORIGIN_* */
	__u8 pad[2];
};
_Static_assert(sizeof(struct iflow_wire) == 112, "iflow_wire is 112 bytes on the wire");

/* Fills one wire record from a map key (full form) and its stats. */
void flow_to_wire(const struct iflow_key *k, const struct iflow_stats *v, int origin, struct iflow_wire *w);
/* Writes one frame: an 8-byte header (magic, type, record size, count) and the records. */
void flow_write_frame(const struct iflow_wire *recs, size_t n);
#endif

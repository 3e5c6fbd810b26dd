/* Shared between the eBPF program (flows.bpf.c) and the native helper (agent/native/).
 * Layouts are fixed-size with explicit padding so both sides agree byte for byte. */
#ifndef INTERFLOW_FLOWS_H
#define INTERFLOW_FLOWS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define IFLOW_DIR_INGRESS 0
#define IFLOW_DIR_EGRESS 1

/* One flow on one interface of one network namespace, in one direction. IPv4 addresses are
 * stored IPv4-mapped (::ffff:a.b.c.d) so one key type serves both families. */
struct iflow_key {
	/* The namespace's cookie (struct net.net_cookie): unlike its inode, the kernel never gives
	 * it to another namespace, so a namespace deleted and re-created within one interval
	 * (often with the same inode) never shares an entry with its predecessor. */
	__u64 netns_cookie;
	__u32 ifindex;    /* ifindex inside that namespace */
	__u16 vlan;       /* outermost VLAN id (tag in skb metadata or first tag in the data); 0 untagged */
	__u16 vlan_inner; /* the next VLAN id inside it (802.1ad + 802.1Q); 0 none */
	__u8 src[16];
	__u8 dst[16];
	__u16 sport; /* host byte order; 0 when not TCP/UDP/SCTP */
	__u16 dport;
	__u16 etype; /* host byte order, after VLAN tags; from skb->protocol on devices without Ethernet */
	__u8 proto;
	__u8 dir; /* IFLOW_DIR_* from the interface's point of view */
};

/* The same flow for IPv4, with 4-byte addresses: 32 bytes to hash and compare instead of 56.
 * Etype is implied (0x0800). Kept in maps of their own (iflow_flows4_*). */
struct iflow_key4 {
	__u64 netns_cookie;
	__u32 ifindex;
	__u16 vlan;
	__u16 vlan_inner;
	__u8 src[4];
	__u8 dst[4];
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 dir;
	__u8 pad[2];
};

struct iflow_stats {
	__u64 bytes;   /* on the wire: a GSO packet counts the headers of each of its segments */
	__u64 packets; /* a GSO packet counts as its segments */
	__u64 first_ns; /* CLOCK_MONOTONIC, tick resolution (bpf_ktime_get_coarse_ns) */
	__u64 last_ns;
	__u32 tcp_flags; /* OR of the flags seen (32 bits so the program can OR atomically) */
	__u8 src_mac[6]; /* from the first packet of the flow in this interval; zero without Ethernet */
	__u8 dst_mac[6];
	__u8 dscp;       /* from the latest packet */
	__u8 pad[3];
	__u32 netns_ino; /* inode of the namespace (same as stat() on its nsfs file), for labels */
};

/* A packet whose flow fit in neither the flow map nor the overflow table, sent through the
 * ring buffer. */
struct iflow_event {
	struct iflow_key key;
	struct iflow_stats stats;
};

/* Indexes of the per-CPU counter array. */
enum iflow_counter {
	/* Packets whose flow the flow map could not take. Each then went into the overflow table
	 * (IFLOW_CNT_SPILLED), or through the ring buffer, or, when that was full too, is counted
	 * in IFLOW_CNT_RINGBUF_DROP. So MAP_FULL = SPILLED + packets received through the ring
	 * buffer + RINGBUF_DROP. */
	IFLOW_CNT_MAP_FULL = 0,
	IFLOW_CNT_RINGBUF_DROP, /* ring buffer full as well: the packet is in no flow */
	IFLOW_CNT_SPILLED,      /* counted in the overflow table */
	IFLOW_CNT_MAX,
};

/* Identity of Interflow's TC filters: a fixed handle and priority (so restarts never
 * duplicate them and only ours are removed) plus a program-name prefix checked before
 * removing a leftover. */
#define IFLOW_TC_HANDLE 0x49464c57u /* "IFLW" */
#define IFLOW_TC_PRIORITY 1
#define IFLOW_PROG_PREFIX "interflow_"

#endif

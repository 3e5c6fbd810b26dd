// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Interflow TC classifier: counts every packet of every flow on the interface it is attached
 * to, keyed by network namespace, ifindex, direction and 5-tuple. It only observes: both
 * programs always return TC_ACT_UNSPEC so traffic and the other filters are untouched.
 *
 * No flow may vanish silently: when the flow map cannot take a new flow (full or out of
 * memory) the packet's flow goes through a ring buffer instead, and the event is counted.
 * If the ring buffer is full too, the packet is counted in IFLOW_CNT_RINGBUF_DROP. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "flows.h"

#define TC_ACT_UNSPEC (-1)
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_DSTOPTS 60
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_SCTP_ 132
#define EEXIST_ 17
#define VLAN_HLEN_ 4

/* Two flow maps, one active at a time. The drain swaps the active one through the
 * array-of-maps below; that update returns only once every program that could still hold the
 * old map has finished (the kernel waits for running BPF programs on map-in-map updates), so
 * the old map is drained with no writer left and not a packet is lost in a race.
 * No preallocation: memory is taken per flow, not 2 x max_entries up front. User space sets
 * max_entries before loading. */
struct iflow_flow_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 100000);
	__type(key, struct iflow_key);
	__type(value, struct iflow_stats);
} iflow_flows_a SEC(".maps"), iflow_flows_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct iflow_flow_map);
} iflow_active SEC(".maps") = {
	.values = {[0] = &iflow_flows_a},
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} iflow_overflow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IFLOW_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} iflow_counters SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&iflow_counters, &idx);
	if (c)
		*c += 1; /* per-CPU slot: no atomic needed */
}

static __always_inline void map_v4(__u8 *dst, __be32 addr)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &addr, 4);
}

/* Counts one more packet on an existing entry; the packet is the flow's latest, so its time
 * and DSCP replace the entry's. Shared by the lookup hit and the lost-insert race so the two
 * paths never drift apart. */
static __always_inline void add_packet(struct iflow_stats *v, __u64 len, __u32 tcp_flags, __u64 now, __u8 dscp)
{
	__sync_fetch_and_add(&v->bytes, len);
	__sync_fetch_and_add(&v->packets, 1);
	if (tcp_flags)
		__sync_fetch_and_or(&v->tcp_flags, tcp_flags);
	v->last_ns = now;
	v->dscp = dscp;
}

/* Reads the ports (and TCP flags) of the L4 header at offset `off`. */
static __always_inline void parse_l4(struct __sk_buff *skb, __u32 off, struct iflow_key *k, __u32 *tcp_flags)
{
	if (k->proto == IPPROTO_TCP_) {
		__u8 h[14];
		if (bpf_skb_load_bytes(skb, off, h, sizeof(h)) == 0) {
			k->sport = ((__u16)h[0] << 8) | h[1];
			k->dport = ((__u16)h[2] << 8) | h[3];
			*tcp_flags = ((__u32)(h[12] & 1) << 8) | h[13];
		}
	} else if (k->proto == IPPROTO_UDP_ || k->proto == IPPROTO_SCTP_) {
		__u8 h[4];
		if (bpf_skb_load_bytes(skb, off, h, sizeof(h)) == 0) {
			k->sport = ((__u16)h[0] << 8) | h[1];
			k->dport = ((__u16)h[2] << 8) | h[3];
		}
	}
	/* ICMP, ICMPv6 and the rest: ports stay 0. */
}

static __always_inline int flow_count(struct __sk_buff *skb, __u8 dir)
{
	struct iflow_key k = {};
	__u8 eth[14];
	__u32 tcp_flags = 0;
	__u8 dscp = 0;
	__u32 off = 14;

	if (bpf_skb_load_bytes(skb, 0, eth, sizeof(eth)) < 0)
		return TC_ACT_UNSPEC;
	__u16 etype = ((__u16)eth[12] << 8) | eth[13];
	/* Tags still in the data (802.1Q, or 802.1ad outer + 802.1Q inner) are stepped over. A tag
	 * the kernel holds in skb->vlan_tci is not in the data at all: the Ethernet header then
	 * already names what followed it (the inner tag or the L3 protocol). Etype is always the
	 * protocol inside every tag. */
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (etype != ETH_P_8021Q && etype != ETH_P_8021AD)
			break;
		__u8 tag[4];
		if (bpf_skb_load_bytes(skb, off, tag, sizeof(tag)) < 0)
			return TC_ACT_UNSPEC;
		etype = ((__u16)tag[2] << 8) | tag[3];
		off += 4;
	}
	k.etype = etype;
	k.dir = dir;
	k.ifindex = skb->ifindex;
	/* The namespace of the device the packet is on; skb->dev is valid in TC programs. */
	struct sk_buff *kskb = (struct sk_buff *)skb;
	k.netns_ino = BPF_CORE_READ(kskb, dev, nd_net.net, ns.inum);

	if (etype == ETH_P_IP) {
		struct iphdr ip;
		if (bpf_skb_load_bytes(skb, off, &ip, sizeof(ip)) == 0) {
			map_v4(k.src, ip.saddr);
			map_v4(k.dst, ip.daddr);
			k.proto = ip.protocol;
			dscp = ip.tos >> 2;
			/* Only the first fragment carries the L4 header. */
			if ((bpf_ntohs(ip.frag_off) & 0x1fff) == 0)
				parse_l4(skb, off + ip.ihl * 4, &k, &tcp_flags);
		}
	} else if (etype == ETH_P_IPV6) {
		struct ipv6hdr ip6;
		if (bpf_skb_load_bytes(skb, off, &ip6, sizeof(ip6)) == 0) {
			__builtin_memcpy(k.src, &ip6.saddr, 16);
			__builtin_memcpy(k.dst, &ip6.daddr, 16);
			dscp = ((ip6.priority << 4) | (ip6.flow_lbl[0] >> 4)) >> 2;
			__u8 nh = ip6.nexthdr;
			__u32 l4 = off + sizeof(ip6);
			int has_l4 = 1;
#pragma unroll
			for (int i = 0; i < 4; i++) {
				if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS) {
					__u8 ext[2];
					if (bpf_skb_load_bytes(skb, l4, ext, sizeof(ext)) < 0) {
						has_l4 = 0;
						break;
					}
					nh = ext[0];
					l4 += ((__u32)ext[1] + 1) * 8;
				} else if (nh == IPPROTO_FRAGMENT) {
					__u8 frag[4];
					if (bpf_skb_load_bytes(skb, l4, frag, sizeof(frag)) < 0) {
						has_l4 = 0;
						break;
					}
					nh = frag[0];
					l4 += 8;
					if ((((__u16)frag[2] << 8 | frag[3]) & 0xfff8) != 0)
						has_l4 = 0; /* not the first fragment */
				} else {
					break;
				}
			}
			k.proto = nh;
			if (has_l4)
				parse_l4(skb, l4, &k, &tcp_flags);
		}
	}

	__u32 zero = 0;
	void *flows = bpf_map_lookup_elem(&iflow_active, &zero);
	if (!flows)
		return TC_ACT_UNSPEC; /* cannot happen: slot 0 is always set */
	__u64 now = bpf_ktime_get_ns();
	/* Bytes are the frame's length on the wire. A VLAN tag the kernel has moved into the skb's
	 * metadata (on receive, skb_vlan_untag takes the outer tag off the data even without the
	 * 8021q module; NICs with VLAN offload do the same) is no longer in skb->len: count its 4
	 * bytes back, so the sending and the receiving end of a link agree on a tagged flow. */
	__u64 len = skb->len;
	if (skb->vlan_present)
		len += VLAN_HLEN_;
	struct iflow_stats *v = bpf_map_lookup_elem(flows, &k);
	if (v) {
		add_packet(v, len, tcp_flags, now, dscp);
		return TC_ACT_UNSPEC;
	}

	struct iflow_stats n = {};
	n.bytes = len;
	n.packets = 1;
	n.first_ns = now;
	n.last_ns = now;
	n.tcp_flags = tcp_flags;
	n.dscp = dscp;
	__builtin_memcpy(n.dst_mac, eth, 6);
	__builtin_memcpy(n.src_mac, eth + 6, 6);
	long err = bpf_map_update_elem(flows, &k, &n, BPF_NOEXIST);
	if (err == 0)
		return TC_ACT_UNSPEC;
	if (err == -EEXIST_) {
		/* Another CPU created it between our lookup and update. */
		v = bpf_map_lookup_elem(flows, &k);
		if (v) {
			add_packet(v, len, tcp_flags, now, dscp);
			return TC_ACT_UNSPEC;
		}
	}
	/* Map full (-E2BIG), no memory, or the element vanished: the ring buffer takes it. */
	count(IFLOW_CNT_MAP_FULL);
	struct iflow_event *e = bpf_ringbuf_reserve(&iflow_overflow, sizeof(*e), 0);
	if (!e) {
		count(IFLOW_CNT_RINGBUF_DROP);
		return TC_ACT_UNSPEC;
	}
	e->key = k;
	e->stats = n;
	bpf_ringbuf_submit(e, 0);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int interflow_in(struct __sk_buff *skb)
{
	return flow_count(skb, IFLOW_DIR_INGRESS);
}

SEC("tc")
int interflow_eg(struct __sk_buff *skb)
{
	return flow_count(skb, IFLOW_DIR_EGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

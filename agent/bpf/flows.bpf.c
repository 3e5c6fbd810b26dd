// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Interflow TC classifier: counts every packet of every flow on the interface it is attached
 * to, keyed by network namespace (cookie), ifindex, direction, VLAN ids and 5-tuple. It only
 * observes: both programs always return TC_ACT_UNSPEC (TCX_NEXT on tcx links) so traffic and
 * the other programs and filters are untouched. Attached with tcx links or cls_bpf on clsact
 * (agent/native/tcx.c, tc.c); the same program serves both.
 *
 * No flow may vanish silently: when the flow map cannot take a new flow (full or out of
 * memory) the flow goes to a small overflow table, and when that is full too, each packet
 * through a ring buffer; every step is counted. If the ring buffer is full as well, the packet
 * is counted in IFLOW_CNT_RINGBUF_DROP. */
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
#define IPPROTO_AH_ 51
#define VLAN_HLEN_ 4
#define ARPHRD_ETHER_ 1
#define ARPHRD_LOOPBACK_ 772
#define MAX_HDR_OFF 512 /* bounds header offsets for the verifier; real headers end well before */
#define MAX_IPV6_EXT 8

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

/* Two sets of maps, one active at a time: a flow map and a small overflow table. The drain
 * swaps the active set through the array-of-maps below; that update returns only once every
 * program that could still hold the old maps has finished (the kernel waits for running BPF
 * programs on map-in-map updates), so the old set is drained with no writer left and not a
 * packet is lost in a race. No preallocation: memory is taken per flow, not up front. User
 * space sets max_entries before loading (flow maps: INTERFLOW_CACHE_MAX_FLOWS; overflow
 * tables: a quarter of that, 16..8192). */
struct iflow_flow_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 100000);
	__type(key, struct iflow_key);
	__type(value, struct iflow_stats);
} iflow_flows_a SEC(".maps"), iflow_flows_b SEC(".maps"), iflow_spill_a SEC(".maps"), iflow_spill_b SEC(".maps");

/* Slot 0: the active flow map; slot 1: the active overflow table. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct iflow_flow_map);
} iflow_active SEC(".maps") = {
	.values = {[0] = &iflow_flows_a, [1] = &iflow_spill_a},
};

/* The same for IPv4 flows, with the compact key. */
struct iflow_flow4_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 100000);
	__type(key, struct iflow_key4);
	__type(value, struct iflow_stats);
} iflow_flows4_a SEC(".maps"), iflow_flows4_b SEC(".maps"), iflow_spill4_a SEC(".maps"), iflow_spill4_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct iflow_flow4_map);
} iflow_active4 SEC(".maps") = {
	.values = {[0] = &iflow_flows4_a, [1] = &iflow_spill4_a},
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

/* Counts more packets on an existing entry; the packet is the flow's latest, so its time
 * and DSCP replace the entry's. Shared by the lookup hit and the lost-insert race so the two
 * paths never drift apart. */
static __always_inline void add_packet(struct iflow_stats *v, __u64 len, __u32 segs, __u32 tcp_flags, __u64 now,
				       __u8 dscp)
{
	__sync_fetch_and_add(&v->bytes, len);
	__sync_fetch_and_add(&v->packets, segs);
	if (tcp_flags)
		__sync_fetch_and_or(&v->tcp_flags, tcp_flags);
	v->last_ns = now;
	v->dscp = dscp;
}

/* Inserts the new entry `n`; when another CPU created it between our lookup and this insert,
 * adds the packet to theirs. */
static __always_inline long add_to(void *map, void *k, struct iflow_stats *n, __u64 len, __u32 segs,
				   __u32 tcp_flags, __u64 now, __u8 dscp)
{
	long err = bpf_map_update_elem(map, k, n, BPF_NOEXIST);
	if (err != -EEXIST_)
		return err;
	struct iflow_stats *v = bpf_map_lookup_elem(map, k);
	if (!v)
		return err;
	add_packet(v, len, segs, tcp_flags, now, dscp);
	return 0;
}

/* `len` bytes at offset `off` of the packet: read in place when they are in the linear part
 * (the usual case: no helper call), otherwise copied into `buf` with bpf_skb_load_bytes.
 * NULL when the packet is shorter. */
static __always_inline const __u8 *hdr(struct __sk_buff *skb, __u32 off, __u32 len, void *buf)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	if (off > MAX_HDR_OFF)
		return NULL;
	if (data + off + len <= data_end)
		return data + off;
	if (bpf_skb_load_bytes(skb, off, buf, len) < 0)
		return NULL;
	return buf;
}

static __always_inline __u16 be16_at(const __u8 *p)
{
	return ((__u16)p[0] << 8) | p[1];
}

static __always_inline int is_ipv6_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_AH_;
}

/* IPv6 extension headers (hop-by-hop, routing, fragment, destination options, AH), off the hot
 * path: only packets that carry one call this. On return *nh is the upper-layer protocol and
 * *off its offset; returns 0 when the L4 header is not in this packet (a later fragment) or
 * the chain could not be read. A subprogram with a plain loop, so the verifier checks it once. */
static __noinline int walk_ipv6_ext(struct __sk_buff *skb, __u32 *off, __u8 *nh)
{
	__u32 o = *off;
	__u8 n = *nh;
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		if (!is_ipv6_ext(n))
			break;
		__u8 ext[4];
		if (bpf_skb_load_bytes(skb, o, ext, sizeof(ext)) < 0)
			return 0;
		if (n == IPPROTO_FRAGMENT) {
			if ((be16_at(ext + 2) & 0xfff8) != 0) {
				*nh = ext[0];
				return 0; /* not the first fragment: no L4 header here */
			}
			o += 8;
		} else if (n == IPPROTO_AH_) {
			o += ((__u32)ext[1] + 2) * 4; /* AH length is in 4-byte units, minus 2 */
		} else {
			o += ((__u32)ext[1] + 1) * 8;
		}
		n = ext[0];
	}
	*nh = n;
	*off = o;
	return !is_ipv6_ext(n);
}

/* Ports and TCP flags of the L4 header at `off`; returns that header's length (0 when none
 * was read), which a GSO packet repeats in each segment. */
static __always_inline __u32 parse_l4(struct __sk_buff *skb, __u32 off, struct iflow_key *k, __u32 *tcp_flags)
{
	__u8 buf[14];
	const __u8 *h;
	if (k->proto == IPPROTO_TCP_) {
		h = hdr(skb, off, 14, buf);
		if (!h)
			return 0;
		k->sport = be16_at(h);
		k->dport = be16_at(h + 2);
		*tcp_flags = ((__u32)(h[12] & 1) << 8) | h[13];
		return (__u32)(h[12] >> 4) * 4;
	}
	if (k->proto == IPPROTO_UDP_ || k->proto == IPPROTO_SCTP_) {
		h = hdr(skb, off, 4, buf);
		if (!h)
			return 0;
		k->sport = be16_at(h);
		k->dport = be16_at(h + 2);
		return k->proto == IPPROTO_UDP_ ? 8 : 12;
	}
	return 0; /* ICMP, ICMPv6 and the rest: ports stay 0 */
}

/* What the map update needs to know of the packet besides its key. */
struct pkt_meta {
	__u64 len;
	__u32 segs;
	__u32 tcp_flags;
	__u8 dscp;
	struct net_device *dev;
	const __u8 *macs;
};

/* Counts the packet in the active map set named by `outer` (iflow_active or iflow_active4)
 * under `key`; `k` is the full key, for the ring buffer. */
static __always_inline void account(void *outer, void *key, struct iflow_key *k, struct pkt_meta *m)
{
	__u32 zero = 0;
	void *flows = bpf_map_lookup_elem(outer, &zero);
	if (!flows)
		return; /* cannot happen: slot 0 is always set */
	__u64 now = bpf_ktime_get_coarse_ns();
	struct iflow_stats *v = bpf_map_lookup_elem(flows, key);
	if (v) {
		add_packet(v, m->len, m->segs, m->tcp_flags, now, m->dscp);
		return;
	}

	struct iflow_stats n = {};
	n.bytes = m->len;
	n.packets = m->segs;
	n.first_ns = now;
	n.last_ns = now;
	n.tcp_flags = m->tcp_flags;
	n.dscp = m->dscp;
	n.netns_ino = m->dev->nd_net.net->ns.inum;
	__builtin_memcpy(n.dst_mac, m->macs, 6);
	__builtin_memcpy(n.src_mac, m->macs + 6, 6);
	if (add_to(flows, key, &n, m->len, m->segs, m->tcp_flags, now, m->dscp) == 0)
		return;
	/* Map full (-E2BIG), no memory, or the element vanished: the overflow table takes the
	 * flow, so a burst of new flows does not become one ring-buffer record per packet. */
	count(IFLOW_CNT_MAP_FULL);
	__u32 one = 1;
	void *spill = bpf_map_lookup_elem(outer, &one);
	if (spill) {
		v = bpf_map_lookup_elem(spill, key);
		if (v) {
			add_packet(v, m->len, m->segs, m->tcp_flags, now, m->dscp);
			count(IFLOW_CNT_SPILLED);
			return;
		}
		if (add_to(spill, key, &n, m->len, m->segs, m->tcp_flags, now, m->dscp) == 0) {
			count(IFLOW_CNT_SPILLED);
			return;
		}
	}
	struct iflow_event *e = bpf_ringbuf_reserve(&iflow_overflow, sizeof(*e), 0);
	if (!e) {
		count(IFLOW_CNT_RINGBUF_DROP);
		return;
	}
	if (k->etype == ETH_P_IP) {
		k->src[10] = k->src[11] = 0xff; /* the IPv4-mapped form of the full key */
		k->dst[10] = k->dst[11] = 0xff;
	}
	e->key = *k;
	e->stats = n;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int flow_count(struct __sk_buff *skb, __u8 dir)
{
	/* The kernel's sk_buff, read with plain BTF loads (no helper calls). skb->dev is valid in
	 * TC programs. */
	struct sk_buff *kskb = bpf_cast_to_kern_ctx(skb);
	struct net_device *dev = kskb->dev;
	struct iflow_key k = {};
	__u8 buf[40];
	const __u8 *h;
	__u8 macs[12] = {};
	__u32 tcp_flags = 0;
	__u8 dscp = 0;
	__u32 off;
	__u16 etype;
	int nvlan = 0;

	if (skb->vlan_present) {
		k.vlan = skb->vlan_tci & 0x0fff;
		nvlan = 1;
	}
	__u16 dev_type = dev->type;
	if (dev_type == ARPHRD_ETHER_ || dev_type == ARPHRD_LOOPBACK_) {
		/* A frame too short to hold the headers read below is still counted, in a flow of
		 * what could be read (etype 0 for a runt, the tag's type for a cut-off tag). */
		etype = 0;
		off = 14;
		h = hdr(skb, 0, 14, buf);
		if (h) {
			__builtin_memcpy(macs, h, 12);
			etype = be16_at(h + 12);
		}
		/* Tags still in the data (802.1Q, or 802.1ad outer + 802.1Q inner) are stepped over. A
		 * tag the kernel holds in skb->vlan_tci is not in the data at all, and is the
		 * outermost: the Ethernet header then already names what followed it. */
#pragma unroll
		for (int i = 0; i < 2; i++) {
			if (etype != ETH_P_8021Q && etype != ETH_P_8021AD)
				break;
			h = hdr(skb, off, 4, buf);
			if (!h)
				break;
			if (nvlan == 0)
				k.vlan = be16_at(h) & 0x0fff;
			else if (nvlan == 1)
				k.vlan_inner = be16_at(h) & 0x0fff;
			nvlan++;
			etype = be16_at(h + 2);
			off += 4;
		}
	} else {
		/* No Ethernet header (tun, wireguard, ipip, ...): L3 follows the device's own header,
		 * which these devices do not have (hard_header_len 0), and skb->protocol names it. */
		etype = bpf_ntohs(skb->protocol);
		off = dev->hard_header_len;
	}
	k.etype = etype;
	k.dir = dir;
	k.ifindex = skb->ifindex;
	k.netns_cookie = dev->nd_net.net->net_cookie;

	__u32 l4hdr = 0;
	if (etype == ETH_P_IP) {
		h = hdr(skb, off, 20, buf);
		if (h) {
			/* In place of an IPv4-mapped address; the ::ffff: prefix is only written when
			 * the full key is needed (ring buffer), the map takes the compact key. */
			__builtin_memcpy(k.src + 12, h + 12, 4);
			__builtin_memcpy(k.dst + 12, h + 16, 4);
			k.proto = h[9];
			dscp = h[1] >> 2;
			__u32 ihl = (__u32)(h[0] & 0x0f) * 4;
			/* Only the first fragment carries the L4 header. */
			if ((be16_at(h + 6) & 0x1fff) == 0 && ihl >= 20) {
				off += ihl;
				l4hdr = parse_l4(skb, off, &k, &tcp_flags);
			}
		}
	} else if (etype == ETH_P_IPV6) {
		h = hdr(skb, off, 40, buf);
		if (h) {
			__builtin_memcpy(k.src, h + 8, 16);
			__builtin_memcpy(k.dst, h + 24, 16);
			dscp = (((h[0] & 0x0f) << 4) | (h[1] >> 4)) >> 2;
			__u8 nh = h[6];
			off += 40;
			int has_l4 = 1;
			if (is_ipv6_ext(nh))
				has_l4 = walk_ipv6_ext(skb, &off, &nh);
			k.proto = nh;
			if (has_l4)
				l4hdr = parse_l4(skb, off, &k, &tcp_flags);
		}
	}

	/* Bytes are the frames' length on the wire. A GSO packet becomes gso_segs frames, each with
	 * its own copy of the headers. A VLAN tag the kernel has moved into the skb's metadata (on
	 * receive, skb_vlan_untag takes the outer tag off the data even without the 8021q module;
	 * NICs with VLAN offload do the same) is no longer in skb->len: count its 4 bytes back, so
	 * the sending and the receiving end of a link agree on a tagged flow. */
	struct pkt_meta m = {.tcp_flags = tcp_flags, .dscp = dscp, .dev = dev, .macs = macs};
	m.segs = skb->gso_segs;
	if (m.segs == 0)
		m.segs = 1;
	m.len = skb->len;
	if (m.segs > 1 && l4hdr)
		m.len += (__u64)(m.segs - 1) * (off + l4hdr);
	if (skb->vlan_present)
		m.len += (__u64)VLAN_HLEN_ * m.segs;
	if (etype == ETH_P_IP) {
		struct iflow_key4 k4 = {
			.netns_cookie = k.netns_cookie,
			.ifindex = k.ifindex,
			.vlan = k.vlan,
			.vlan_inner = k.vlan_inner,
			.sport = k.sport,
			.dport = k.dport,
			.proto = k.proto,
			.dir = k.dir,
		};
		__builtin_memcpy(k4.src, k.src + 12, 4);
		__builtin_memcpy(k4.dst, k.dst + 12, 4);
		account(&iflow_active4, &k4, &k, &m);
	} else {
		account(&iflow_active, &k, &k, &m);
	}
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

#include "flowout.h"
#include <endian.h>
#include <stdio.h>
#include <string.h>

/* Binary rather than JSON lines: formatting 100 000 lines here and parsing them in the agent
 * (text, then an array per line, then an object) was a large part of an eviction's CPU; a
 * fixed-size record is copied here and read field by field there. */

void flow_to_wire(const struct iflow_key *k, const struct iflow_stats *v, int origin, struct iflow_wire *w)
{
	w->netns_cookie = htole64(k->netns_cookie);
	w->bytes = htole64(v->bytes);
	w->packets = htole64(v->packets);
	w->first_ns = htole64(v->first_ns);
	w->last_ns = htole64(v->last_ns);
	w->netns_ino = htole32(v->netns_ino);
	w->ifindex = htole32(k->ifindex);
	w->tcp_flags = htole32(v->tcp_flags);
	w->etype = htole16(k->etype);
	w->sport = htole16(k->sport);
	w->dport = htole16(k->dport);
	w->vlan = htole16(k->vlan);
	w->vlan_inner = htole16(k->vlan_inner);
	w->proto = k->proto;
	w->dir = k->dir;
	memcpy(w->src, k->src, sizeof(w->src));
	memcpy(w->dst, k->dst, sizeof(w->dst));
	memcpy(w->src_mac, v->src_mac, sizeof(w->src_mac));
	memcpy(w->dst_mac, v->dst_mac, sizeof(w->dst_mac));
	w->dscp = v->dscp;
	w->origin = (__u8)origin;
	w->pad[0] = w->pad[1] = 0;
}

void flow_write_frame(const struct iflow_wire *recs, size_t n)
{
	if (n == 0)
		return;
	unsigned char hdr[8] = {IFLOW_FRAME_MAGIC, IFLOW_FRAME_FLOWS};
	__u16 size = htole16((__u16)sizeof(struct iflow_wire));
	__u32 count = htole32((__u32)n);
	memcpy(hdr + 2, &size, 2);
	memcpy(hdr + 4, &count, 4);
	fwrite_unlocked(hdr, 1, sizeof(hdr), stdout);
	fwrite_unlocked(recs, sizeof(*recs), n, stdout);
}

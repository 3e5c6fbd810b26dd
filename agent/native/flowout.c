#include "flowout.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static void addr_text(const __u8 *a, __u16 etype, char *buf, size_t len)
{
	if (etype == 0x0800 && memcmp(a, v4_prefix, 12) == 0)
		inet_ntop(AF_INET, a + 12, buf, len);
	else if (etype == 0x86DD)
		inet_ntop(AF_INET6, a, buf, len);
	else
		buf[0] = 0; /* not IP: no address */
}

void flow_print(const struct iflow_key *k, const struct iflow_stats *v, int from_ringbuf)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	addr_text(k->src, k->etype, src, sizeof(src));
	addr_text(k->dst, k->etype, dst, sizeof(dst));
	const __u8 *s = v->src_mac, *d = v->dst_mac;
	printf("[\"F\",%u,%u,%u,%u,%u,\"%s\",\"%s\",%u,%u,%llu,%llu,%llu,%llu,%u,"
	       "\"%02x:%02x:%02x:%02x:%02x:%02x\",\"%02x:%02x:%02x:%02x:%02x:%02x\",%u,%d]\n",
	       k->netns_ino, k->ifindex, k->dir, k->etype, k->proto, src, dst, k->sport, k->dport,
	       (unsigned long long)v->bytes, (unsigned long long)v->packets, (unsigned long long)v->first_ns,
	       (unsigned long long)v->last_ns, v->tcp_flags, s[0], s[1], s[2], s[3], s[4], s[5], d[0], d[1], d[2],
	       d[3], d[4], d[5], v->dscp, from_ringbuf);
}

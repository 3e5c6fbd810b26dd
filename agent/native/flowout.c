#include "flowout.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Hand-rolled formatting: printf with ~30 conversions per line made draining 100 000
 * entries take ~400 ms; this takes a tenth of that. */

static const unsigned char v4_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
static const char hex[] = "0123456789abcdef";

static char *put_u64(char *p, unsigned long long v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

static char *put_addr(char *p, const __u8 *a, __u16 etype)
{
	*p++ = '"';
	if (etype == 0x0800 && memcmp(a, v4_prefix, 12) == 0) {
		for (int i = 12; i < 16; i++) {
			if (i > 12)
				*p++ = '.';
			p = put_u64(p, a[i]);
		}
	} else if (etype == 0x86DD) {
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		p = put_str(p, buf);
	} /* not IP: no address */
	*p++ = '"';
	return p;
}

static char *put_mac(char *p, const __u8 *m)
{
	*p++ = '"';
	for (int i = 0; i < 6; i++) {
		if (i)
			*p++ = ':';
		*p++ = hex[m[i] >> 4];
		*p++ = hex[m[i] & 15];
	}
	*p++ = '"';
	return p;
}

void flow_print(const struct iflow_key *k, const struct iflow_stats *v, int from_ringbuf)
{
	char line[512];
	char *p = line;
	const unsigned long long nums1[] = {v->netns_ino, k->ifindex, k->dir, k->etype, k->proto};
	p = put_str(p, "[\"F\"");
	for (int i = 0; i < 5; i++) {
		*p++ = ',';
		p = put_u64(p, nums1[i]);
	}
	*p++ = ',';
	p = put_addr(p, k->src, k->etype);
	*p++ = ',';
	p = put_addr(p, k->dst, k->etype);
	const unsigned long long nums2[] = {k->sport, k->dport, v->bytes, v->packets, v->first_ns, v->last_ns, v->tcp_flags};
	for (int i = 0; i < 7; i++) {
		*p++ = ',';
		p = put_u64(p, nums2[i]);
	}
	*p++ = ',';
	p = put_mac(p, v->src_mac);
	*p++ = ',';
	p = put_mac(p, v->dst_mac);
	*p++ = ',';
	p = put_u64(p, v->dscp);
	*p++ = ',';
	p = put_u64(p, (unsigned long long)from_ringbuf);
	const unsigned long long nums3[] = {k->vlan, k->vlan_inner, k->netns_cookie};
	for (int i = 0; i < 3; i++) {
		*p++ = ',';
		p = put_u64(p, nums3[i]);
	}
	*p++ = ']';
	*p++ = '\n';
	fwrite_unlocked(line, 1, (size_t)(p - line), stdout);
}

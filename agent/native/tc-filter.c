#include "tc-filter.h"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct tc_req {
	struct nlmsghdr nh;
	struct tcmsg tc;
	char attrs[512];
};

/* Appends an attribute (addressed from the whole request, so the compiler sees its real size). */
static struct rtattr *add_attr(struct tc_req *r, unsigned short type, const void *data, size_t len)
{
	struct nlmsghdr *nh = &r->nh;
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(nh->nlmsg_len));
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void add_u32(struct tc_req *r, unsigned short type, uint32_t v) { add_attr(r, type, &v, sizeof(v)); }

/* The message that names one filter: same parent, priority, chain, handle and kind for add and delete. */
static void filter_req(struct tc_req *r, int type, int flags, int ifindex, uint32_t parent, uint32_t chain,
		       uint32_t priority, uint32_t handle)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_seq = 1;
	r->tc.tcm_family = AF_UNSPEC;
	r->tc.tcm_ifindex = ifindex;
	r->tc.tcm_parent = parent;
	r->tc.tcm_handle = handle;
	r->tc.tcm_info = TC_H_MAKE(priority << 16, htons(ETH_P_ALL));
	add_attr(r, TCA_KIND, "bpf", 4);
	add_u32(r, TCA_CHAIN, chain);
}

/* Sends one request and returns the kernel's answer (0 or -errno). */
static int nl_request(struct nlmsghdr *nh)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int err = 0;
	if (send(fd, nh, nh->nlmsg_len, 0) < 0) {
		err = -errno;
	} else {
		char buf[4096];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			err = -errno;
		else {
			struct nlmsghdr *h = (struct nlmsghdr *)buf;
			err = NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR
				      ? ((struct nlmsgerr *)NLMSG_DATA(h))->error
				      : -EPROTO;
		}
	}
	close(fd);
	return err;
}

int tc_bpf_filter_put(int ifindex, uint32_t parent, uint32_t chain, uint32_t priority, uint32_t handle,
		      int prog_fd, const char *name, int nl_flags, uint32_t gen_flags)
{
	size_t name_len = strlen(name) + 1;
	if (name_len > 256)
		return -ENAMETOOLONG;
	struct tc_req r;
	filter_req(&r, RTM_NEWTFILTER, NLM_F_CREATE | nl_flags, ifindex, parent, chain, priority, handle);
	struct rtattr *opts = add_attr(&r, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	add_u32(&r, TCA_BPF_FD, prog_fd);
	add_attr(&r, TCA_BPF_NAME, name, name_len);
	add_u32(&r, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	if (gen_flags)
		add_u32(&r, TCA_BPF_FLAGS_GEN, gen_flags);
	opts->rta_len = (char *)&r + r.nh.nlmsg_len - (char *)opts;
	return nl_request(&r.nh);
}

int tc_bpf_filter_del(int ifindex, uint32_t parent, uint32_t chain, uint32_t priority, uint32_t handle)
{
	struct tc_req r;
	filter_req(&r, RTM_DELTFILTER, 0, ifindex, parent, chain, priority, handle);
	return nl_request(&r.nh);
}

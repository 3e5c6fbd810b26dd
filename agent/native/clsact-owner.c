#include "clsact-owner.h"
#include "flows.h"
#include "tc-filter.h"
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* libbpf's bpf_tc_* API has no tc chain parameter, so the mark is written over rtnetlink. */

#define INGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define EGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)

int owner_mark_prog_load(void)
{
	/* r0 = TC_ACT_UNSPEC; exit */
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = TC_ACT_UNSPEC},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, IFLOW_OWNER_PROG, "GPL", insns, 2, NULL);
	return fd < 0 ? -errno : fd;
}

int owner_mark_add(int ifindex, int prog_fd)
{
	return tc_bpf_filter_put(ifindex, INGRESS_PARENT, IFLOW_OWNER_CHAIN, IFLOW_OWNER_PRIORITY, IFLOW_TC_HANDLE,
				 prog_fd, IFLOW_OWNER_PROG, NLM_F_EXCL, TCA_CLS_FLAGS_SKIP_HW);
}

int owner_mark_remove(int ifindex)
{
	int err = tc_bpf_filter_del(ifindex, INGRESS_PARENT, IFLOW_OWNER_CHAIN, IFLOW_OWNER_PRIORITY, IFLOW_TC_HANDLE);
	/* No qdisc, chain or filter there (link gone, qdisc removed): nothing to undo. */
	return err == -ENOENT || err == -ENODEV || err == -EINVAL ? 0 : err;
}

static bool prog_named(uint32_t id, const char *name)
{
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return false;
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	bool same = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && strcmp(info.name, name) == 0;
	close(fd);
	return same;
}

/* One entry of a filter dump: the mark, the header of the mark's chain/priority (the kernel
 * dumps each classifier once with handle 0 before its filters), or anything else. */
static void scan_entry(struct nlmsghdr *h, uint32_t parent, struct clsact_scan *out)
{
	struct tcmsg *tc = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*tc));
	char kind[16] = "";
	uint32_t chain = 0, prog_id = 0;
	for (struct rtattr *a = (struct rtattr *)((char *)tc + NLMSG_ALIGN(sizeof(*tc))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		unsigned short type = a->rta_type & NLA_TYPE_MASK;
		if (type == TCA_KIND)
			snprintf(kind, sizeof(kind), "%.*s", (int)RTA_PAYLOAD(a), (char *)RTA_DATA(a));
		else if (type == TCA_CHAIN && RTA_PAYLOAD(a) >= 4)
			memcpy(&chain, RTA_DATA(a), 4);
		else if (type == TCA_OPTIONS) {
			int l2 = RTA_PAYLOAD(a);
			for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, l2); b = RTA_NEXT(b, l2))
				if ((b->rta_type & NLA_TYPE_MASK) == TCA_BPF_ID && RTA_PAYLOAD(b) >= 4)
					memcpy(&prog_id, RTA_DATA(b), 4);
		}
	}
	bool mark_spot = parent == INGRESS_PARENT && chain == IFLOW_OWNER_CHAIN &&
			 TC_H_MAJ(tc->tcm_info) >> 16 == IFLOW_OWNER_PRIORITY && strcmp(kind, "bpf") == 0;
	if (mark_spot && tc->tcm_handle == 0)
		return;
	if (mark_spot && tc->tcm_handle == IFLOW_TC_HANDLE && prog_named(prog_id, IFLOW_OWNER_PROG)) {
		out->owned = true;
		return;
	}
	out->others++;
}

static int scan_parent(int fd, int ifindex, uint32_t parent, struct clsact_scan *out)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)), .nlmsg_type = RTM_GETTFILTER,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.tc = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent},
	};
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	static __thread char buf[32768];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == RTM_NEWTFILTER)
				scan_entry(h, parent, out);
		}
	}
}

int clsact_scan(int ifindex, struct clsact_scan *out)
{
	*out = (struct clsact_scan){0};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int err = scan_parent(fd, ifindex, INGRESS_PARENT, out);
	if (!err)
		err = scan_parent(fd, ifindex, EGRESS_PARENT, out);
	close(fd);
	return err;
}

#include "hook-check.h"
#include "flows.h"
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define INGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define EGRESS_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)
/* Debian 12's UAPI headers predate tcx; the kernel's include/uapi/linux/bpf.h (6.6+). */
#define IFLOW_BPF_LINK_TYPE_TCX 11

const char *hook_state_reason(enum hook_state s)
{
	switch (s) {
	case HOOK_QDISC_REMOVED:
		return "qdisc_removed";
	case HOOK_FILTER_REMOVED:
		return "filter_removed";
	case HOOK_REPLACED:
		return "replaced";
	case HOOK_LINK_DETACHED:
		return "link_detached";
	default:
		return "ok";
	}
}

bool link_exists(int ifindex)
{
	char name[IF_NAMESIZE];
	return if_indextoname(ifindex, name) != NULL || errno != ENXIO;
}

__u32 prog_id_of(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	return bpf_obj_get_info_by_fd(prog_fd, &info, &len) == 0 ? info.id : 0;
}

/* Sends a dump request and calls `each` on every answer until NLMSG_DONE. */
static int dump(struct nlmsghdr *req, void (*each)(struct nlmsghdr *, void *), void *ctx)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int err = 0;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		err = -errno;
	static __thread char buf[32768];
	while (!err) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			err = -errno;
			break;
		}
		bool done = false;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				done = true;
			else if (h->nlmsg_type == NLMSG_ERROR)
				err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			else
				each(h, ctx);
		}
		if (done)
			break;
	}
	close(fd);
	return err;
}

/* A filter dump entry at Interflow's spot: chain 0, priority, handle, kind "bpf". */
static void spot_entry(struct nlmsghdr *h, void *ctx)
{
	struct tc_spot *s = ctx;
	if (h->nlmsg_type != RTM_NEWTFILTER)
		return;
	struct tcmsg *tc = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*tc));
	char kind[16] = "", name[sizeof(s->name)] = "";
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
			for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, l2); b = RTA_NEXT(b, l2)) {
				unsigned short bt = b->rta_type & NLA_TYPE_MASK;
				if (bt == TCA_BPF_ID && RTA_PAYLOAD(b) >= 4)
					memcpy(&prog_id, RTA_DATA(b), 4);
				else if (bt == TCA_BPF_NAME)
					snprintf(name, sizeof(name), "%.*s", (int)RTA_PAYLOAD(b), (char *)RTA_DATA(b));
			}
		}
	}
	if (chain == 0 && TC_H_MAJ(tc->tcm_info) >> 16 == IFLOW_TC_PRIORITY && tc->tcm_handle == IFLOW_TC_HANDLE &&
	    strcmp(kind, "bpf") == 0) {
		s->found = true;
		s->prog_id = prog_id;
		memcpy(s->name, name, sizeof(name));
	}
}

int tc_spot_read(int ifindex, bool ingress, struct tc_spot *s)
{
	*s = (struct tc_spot){0};
	uint32_t parent = ingress ? INGRESS_PARENT : EGRESS_PARENT;
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)), .nlmsg_type = RTM_GETTFILTER,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.tc = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent},
	};
	return dump(&req.nh, spot_entry, s);
}

struct clsact_find {
	int ifindex;
	bool found;
};

static void qdisc_entry(struct nlmsghdr *h, void *ctx)
{
	struct clsact_find *f = ctx;
	if (h->nlmsg_type != RTM_NEWQDISC)
		return;
	struct tcmsg *tc = NLMSG_DATA(h);
	if (tc->tcm_ifindex != f->ifindex)
		return;
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*tc));
	for (struct rtattr *a = (struct rtattr *)((char *)tc + NLMSG_ALIGN(sizeof(*tc))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) == TCA_KIND && RTA_PAYLOAD(a) >= 7 &&
		    strncmp(RTA_DATA(a), "clsact", 7) == 0)
			f->found = true;
}

/* A filter dump of a parent whose qdisc is missing reads as empty, so the qdisc is looked up. */
static int has_clsact(int ifindex, bool *found)
{
	struct {
		struct nlmsghdr nh;
		struct tcmsg tc;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)), .nlmsg_type = RTM_GETQDISC,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.tc = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex},
	};
	struct clsact_find f = {.ifindex = ifindex};
	int err = dump(&req.nh, qdisc_entry, &f);
	*found = f.found;
	return err;
}

int tc_hook_check(int ifindex, __u32 ingress_prog_id, __u32 egress_prog_id, struct hook_check *out)
{
	*out = (struct hook_check){.state = HOOK_OK, .dir = "both"};
	struct tc_spot in, eg;
	int err = tc_spot_read(ifindex, true, &in);
	if (!err)
		err = tc_spot_read(ifindex, false, &eg);
	if (err)
		return err;
	bool in_ok = in.found && in.prog_id == ingress_prog_id;
	bool eg_ok = eg.found && eg.prog_id == egress_prog_id;
	if (in_ok && eg_ok)
		return 0;
	out->dir = !in_ok && !eg_ok ? "both" : !in_ok ? "ingress" : "egress";
	struct tc_spot *bad = !in_ok ? &in : &eg;
	if (bad->found) {
		out->state = HOOK_REPLACED;
		out->foreign_prog = bad->prog_id;
		return 0;
	}
	bool clsact;
	err = has_clsact(ifindex, &clsact);
	if (err)
		return err;
	out->state = clsact ? HOOK_FILTER_REMOVED : HOOK_QDISC_REMOVED;
	return 0;
}

int tcx_hook_check(const int link_fds[2], struct hook_check *out)
{
	*out = (struct hook_check){.state = HOOK_OK, .dir = "both"};
	bool gone[2] = {false, false};
	for (int i = 0; i < 2; i++) {
		/* struct bpf_link_info: type, id, prog_id, then (8-aligned) tcx {ifindex, attach_type}.
		 * The kernel reports ifindex 0 once the link is detached from its device. */
		__u32 info[32];
		memset(info, 0, sizeof(info));
		__u32 len = sizeof(info);
		if (bpf_obj_get_info_by_fd(link_fds[i], info, &len) != 0)
			return -errno;
		gone[i] = info[0] != IFLOW_BPF_LINK_TYPE_TCX || info[4] == 0;
	}
	if (gone[0] || gone[1]) {
		out->state = HOOK_LINK_DETACHED;
		out->dir = gone[0] && gone[1] ? "both" : gone[0] ? "ingress" : "egress";
	}
	return 0;
}

#include "tc.h"
#include "flows.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int attach_one(int ifindex, enum bpf_tc_attach_point ap, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = ap);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IFLOW_TC_HANDLE, .priority = IFLOW_TC_PRIORITY,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	return bpf_tc_attach(&hook, &opts);
}

static int detach_one(int ifindex, enum bpf_tc_attach_point ap)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = ap);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IFLOW_TC_HANDLE, .priority = IFLOW_TC_PRIORITY);
	libbpf_quiet = true;
	int err = bpf_tc_detach(&hook, &opts);
	libbpf_quiet = false;
	/* Already gone (link deleted, qdisc removed by someone else): nothing left to undo. */
	if (err == -ENOENT || err == -ENODEV || err == -EINVAL)
		return 0;
	return err;
}

int tc_attach(int ifindex, const struct tc_progs *p, bool *created_qdisc)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err = bpf_tc_hook_create(&hook);
	*created_qdisc = err == 0;
	if (err && err != -EEXIST)
		return err;
	err = attach_one(ifindex, BPF_TC_INGRESS, p->ingress_fd);
	if (!err)
		err = attach_one(ifindex, BPF_TC_EGRESS, p->egress_fd);
	if (err) {
		int saved = err;
		tc_detach(ifindex, *created_qdisc);
		*created_qdisc = false;
		return saved;
	}
	return 0;
}

int tc_detach(int ifindex, bool created_qdisc)
{
	int e1 = detach_one(ifindex, BPF_TC_INGRESS);
	int e2 = detach_one(ifindex, BPF_TC_EGRESS);
	if (created_qdisc && tc_count_filters(ifindex) == 0) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
				    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		libbpf_quiet = true;
		int e3 = bpf_tc_hook_destroy(&hook);
		libbpf_quiet = false;
		if (e3 && e3 != -ENOENT && e3 != -ENODEV && e3 != -EINVAL)
			return e3;
	}
	return e1 ? e1 : e2;
}

static bool is_interflow_prog(__u32 prog_id)
{
	int fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	bool ours = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    strncmp(info.name, IFLOW_PROG_PREFIX, strlen(IFLOW_PROG_PREFIX)) == 0;
	close(fd);
	return ours;
}

int tc_sweep_stale(int ifindex)
{
	int removed = 0;
	enum bpf_tc_attach_point aps[2] = {BPF_TC_INGRESS, BPF_TC_EGRESS};
	for (int i = 0; i < 2; i++) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = aps[i]);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IFLOW_TC_HANDLE, .priority = IFLOW_TC_PRIORITY);
		libbpf_quiet = true;
		int q = bpf_tc_query(&hook, &opts);
		libbpf_quiet = false;
		if (q != 0)
			continue; /* no clsact or nothing at our handle/priority */
		if (!is_interflow_prog(opts.prog_id))
			continue; /* someone else's filter that happens to use our spot: leave it */
		if (detach_one(ifindex, aps[i]) == 0)
			removed++;
	}
	return removed;
}

/* Dumps the filters of one clsact hook over rtnetlink and counts the replies. */
static int count_on_parent(int fd, int ifindex, __u32 parent)
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
	char buf[16384];
	int count = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? e->error : count;
			}
			if (h->nlmsg_type == RTM_NEWTFILTER)
				count++;
		}
	}
}

int tc_count_filters(int ifindex)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	int a = count_on_parent(fd, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	int b = a < 0 ? a : count_on_parent(fd, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	close(fd);
	return a < 0 ? a : (b < 0 ? b : a + b);
}

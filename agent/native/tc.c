#include "tc.h"
#include "clsact-owner.h"
#include "flows.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

int tc_parse_mode(const char *word, enum tc_attach_mode *mode)
{
	static const char *const words[] = {"auto", "tcx", "tc"};
	for (int i = 0; i < 3; i++)
		if (strcmp(word, words[i]) == 0) {
			*mode = (enum tc_attach_mode)i;
			return 0;
		}
	return -1;
}

const char *tc_mode_name(enum tc_attach_mode mode)
{
	return mode == TC_MODE_TCX ? "tcx" : mode == TC_MODE_TC ? "tc" : "auto";
}

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

static int destroy_clsact(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	libbpf_quiet = true;
	int err = bpf_tc_hook_destroy(&hook);
	libbpf_quiet = false;
	return err == -ENOENT || err == -ENODEV || err == -EINVAL ? 0 : err;
}

/* An Interflow-made clsact after our filters are gone: removed when nothing else is on it,
 * otherwise left to its other users without our mark. */
static int release_clsact(int ifindex, const struct clsact_scan *sc, enum tc_stale_qdisc *what)
{
	*what = sc->others == 0 ? TC_STALE_QDISC_REMOVED : TC_STALE_QDISC_KEPT;
	return sc->others == 0 ? destroy_clsact(ifindex) : owner_mark_remove(ifindex);
}

int tc_attach(int ifindex, const struct tc_progs *p, bool *created_qdisc)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int err = bpf_tc_hook_create(&hook);
	*created_qdisc = err == 0;
	if (err && err != -EEXIST)
		return err;
	if (*created_qdisc) {
		/* Marked before any filter goes on, so a crash from here on leaves a marked qdisc. */
		err = owner_mark_add(ifindex, p->owner_fd);
		if (err) {
			destroy_clsact(ifindex);
			*created_qdisc = false;
			return err;
		}
	} else {
		/* A clsact with our mark was created by an earlier run: still ours to remove. */
		struct clsact_scan sc;
		*created_qdisc = clsact_scan(ifindex, &sc) == 0 && sc.owned;
	}
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
	if (created_qdisc) {
		struct clsact_scan sc;
		enum tc_stale_qdisc what;
		int e3 = clsact_scan(ifindex, &sc);
		if (!e3 && sc.owned)
			e3 = release_clsact(ifindex, &sc, &what);
		if (e3 && e3 != -ENODEV)
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

int tc_sweep_stale(int ifindex, enum tc_stale_qdisc *qdisc)
{
	int removed = 0;
	*qdisc = TC_STALE_QDISC_NONE;
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
	/* Only a clsact with our mark is touched: one that was there before Interflow, or that
	 * someone re-created, has none. */
	struct clsact_scan sc;
	if (clsact_scan(ifindex, &sc) == 0 && sc.owned)
		release_clsact(ifindex, &sc, qdisc);
	return removed;
}

#include "tc.h"
#include "clsact-owner.h"
#include "hook-check.h"
#include "tc-filter.h"
#include "flows.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <stdio.h>
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

static bool is_interflow_prog(__u32 prog_id);

/* The owner tag in an Interflow filter's name ("interflow_in@<tag>"), or NULL (a run from
 * before owner tags). */
static const char *owner_tag_of(const char *filter_name)
{
	const char *at = strchr(filter_name, '@');
	return at ? at + 1 : NULL;
}

/* Whether the helper that put an Interflow filter there is provably gone: it held the node
 * lock this helper holds now (same tag), or it predates owner tags. A filter of a helper
 * with another lock (another INTERFLOW_RUN_DIR) may be alive and is left alone. */
static bool owner_gone(const struct tc_progs *p, const char *filter_name)
{
	const char *tag = owner_tag_of(filter_name);
	return !tag || (p->owner_tag[0] && strcmp(tag, p->owner_tag) == 0);
}

/* Another live Interflow helper's filter at our spot (not ours, owner not provably gone). */
static bool held_by_other_agent(int ifindex, bool ingress, const struct tc_progs *p)
{
	struct tc_spot s;
	if (tc_spot_read(ifindex, ingress, &s) != 0 || !s.found)
		return false;
	__u32 ours = ingress ? p->ingress_id : p->egress_id;
	return s.prog_id != ours && is_interflow_prog(s.prog_id) && !owner_gone(p, s.name);
}

/* Puts (or replaces) our filter at Interflow's spot, named with the program and our owner tag. */
static int attach_one(int ifindex, bool ingress, int prog_fd, const struct tc_progs *p)
{
	char name[128];
	const char *prog = ingress ? "interflow_in" : "interflow_eg";
	if (p->owner_tag[0])
		snprintf(name, sizeof(name), "%s@%s", prog, p->owner_tag);
	else
		snprintf(name, sizeof(name), "%s", prog);
	uint32_t parent = TC_H_MAKE(TC_H_CLSACT, ingress ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
	return tc_bpf_filter_put(ifindex, parent, 0, IFLOW_TC_PRIORITY, IFLOW_TC_HANDLE, prog_fd, name, NLM_F_REPLACE,
				 0);
}

/* Removes the filter at Interflow's spot; with expect_id, only when it runs that program (a
 * program someone else put there after ours was removed is theirs to keep). */
static int detach_one(int ifindex, enum bpf_tc_attach_point ap, __u32 expect_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = ap);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = IFLOW_TC_HANDLE, .priority = IFLOW_TC_PRIORITY);
	libbpf_quiet = true;
	if (expect_id) {
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = IFLOW_TC_HANDLE, .priority = IFLOW_TC_PRIORITY);
		if (bpf_tc_query(&hook, &q) != 0 || q.prog_id != expect_id) {
			libbpf_quiet = false;
			return 0; /* nothing there, or not our program */
		}
	}
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
	*created_qdisc = false;
	/* Never take the spot from a live agent: both would take it back from each other forever. */
	if (held_by_other_agent(ifindex, true, p) || held_by_other_agent(ifindex, false, p))
		return -EBUSY;
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
	err = attach_one(ifindex, true, p->ingress_fd, p);
	if (!err)
		err = attach_one(ifindex, false, p->egress_fd, p);
	if (err) {
		int saved = err;
		tc_detach(ifindex, p, *created_qdisc);
		*created_qdisc = false;
		return saved;
	}
	return 0;
}

int tc_detach(int ifindex, const struct tc_progs *p, bool created_qdisc)
{
	int e1 = detach_one(ifindex, BPF_TC_INGRESS, p->ingress_id);
	int e2 = detach_one(ifindex, BPF_TC_EGRESS, p->egress_id);
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

int tc_sweep_stale(int ifindex, const struct tc_progs *p, enum tc_stale_qdisc *qdisc, int *kept)
{
	int removed = 0;
	*qdisc = TC_STALE_QDISC_NONE;
	*kept = 0;
	enum bpf_tc_attach_point aps[2] = {BPF_TC_INGRESS, BPF_TC_EGRESS};
	for (int i = 0; i < 2; i++) {
		struct tc_spot s;
		if (tc_spot_read(ifindex, i == 0, &s) != 0 || !s.found)
			continue; /* no clsact or nothing at our handle/priority */
		if (!is_interflow_prog(s.prog_id))
			continue; /* someone else's filter that happens to use our spot: leave it */
		if (!owner_gone(p, s.name)) {
			(*kept)++; /* another agent's (another run directory): it may be alive */
			continue;
		}
		if (detach_one(ifindex, aps[i], 0) == 0)
			removed++;
	}
	/* Only a clsact with our mark is touched: one that was there before Interflow, or that
	 * someone re-created, has none; one a live agent's filters are on is that agent's. */
	struct clsact_scan sc;
	if (*kept == 0 && clsact_scan(ifindex, &sc) == 0 && sc.owned)
		release_clsact(ifindex, &sc, qdisc);
	return removed;
}

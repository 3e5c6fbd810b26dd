/* TC attach/detach of Interflow's classifiers. Every function acts in the network namespace
 * of the calling thread (libbpf opens its netlink sockets there), so only a namespace
 * worker thread calls them. */
#ifndef IFLOW_TC_H
#define IFLOW_TC_H
#include <stdbool.h>

/* How the programs go on an interface (INTERFLOW_TC_ATTACH_MODE): tcx links, the clsact
 * qdisc with cls_bpf filters, or tcx when the kernel has it and clsact otherwise. */
enum tc_attach_mode { TC_MODE_AUTO, TC_MODE_TCX, TC_MODE_TC };

struct tc_progs {
	int ingress_fd;
	int egress_fd;
	int owner_fd; /* the owner mark of clsact qdiscs Interflow creates (clsact-owner.h) */
	unsigned int ingress_id, egress_id; /* program ids: what a hook check expects on the interface */
	/* Names this helper's filters ("interflow_in@<tag>"): the identity of the node lock it
	 * holds (device and inode of the lock file); "" without a lock. */
	char owner_tag[48];
	enum tc_attach_mode mode;
};

/* "auto", "tcx" or "tc" to the enum; -1 for anything else. */
int tc_parse_mode(const char *word, enum tc_attach_mode *mode);
const char *tc_mode_name(enum tc_attach_mode mode);

/* What the start-up sweep did with the interface's clsact qdisc. */
enum tc_stale_qdisc {
	TC_STALE_QDISC_NONE,    /* no clsact there that an Interflow run created */
	TC_STALE_QDISC_REMOVED, /* an earlier run created it and nothing else used it: removed */
	TC_STALE_QDISC_KEPT,    /* an earlier run created it but other filters are on it: only the mark removed */
};

/* Creates clsact when missing (tolerates an existing one) and attaches both programs with
 * Interflow's handle/priority, replacing an older Interflow filter at that spot; -EBUSY when
 * a live agent's filter (another owner tag) is there. A clsact
 * created here gets the owner mark. Returns 0 or -errno; *created_qdisc tells whether the
 * clsact is Interflow's (created here, or carrying the mark of an earlier run). */
int tc_attach(int ifindex, const struct tc_progs *p, bool *created_qdisc);
/* Removes Interflow's filters (those running p's programs); when the clsact is Interflow's, removes it too if nothing
 * else is on it, or else only its owner mark (the qdisc then belongs to whoever uses it).
 * Returns 0 or -errno (a link that vanished meanwhile is not an error). */
int tc_detach(int ifindex, const struct tc_progs *p, bool created_qdisc);
/* Removes Interflow filters (program name prefix) whose owner is provably gone: tagged with
 * this helper's owner tag (that helper held the lock we hold now) or untagged (older runs).
 * Filters with another tag are left alone and counted in *kept. Then deals with a clsact an
 * earlier run created (see enum tc_stale_qdisc), unless such kept filters are on it.
 * Returns how many filters were removed. */
int tc_sweep_stale(int ifindex, const struct tc_progs *p, enum tc_stale_qdisc *qdisc, int *kept);
/* Set while probing for things that are expected to be missing (silences libbpf's log). */
extern __thread bool libbpf_quiet;
#endif

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
 * Interflow's handle/priority, replacing an older Interflow filter at that spot. A clsact
 * created here gets the owner mark. Returns 0 or -errno; *created_qdisc tells whether the
 * clsact is Interflow's (created here, or carrying the mark of an earlier run). */
int tc_attach(int ifindex, const struct tc_progs *p, bool *created_qdisc);
/* Removes Interflow's filters; when the clsact is Interflow's, removes it too if nothing
 * else is on it, or else only its owner mark (the qdisc then belongs to whoever uses it).
 * Returns 0 or -errno (a link that vanished meanwhile is not an error). */
int tc_detach(int ifindex, bool created_qdisc);
/* Removes Interflow filters left by a crashed earlier run (checked by program name prefix),
 * then deals with a clsact that such a run created (see enum tc_stale_qdisc).
 * Returns how many filters were removed. */
int tc_sweep_stale(int ifindex, enum tc_stale_qdisc *qdisc);
/* Set while probing for things that are expected to be missing (silences libbpf's log). */
extern __thread bool libbpf_quiet;
#endif

/* Which clsact qdiscs Interflow created, recorded in the kernel on the qdisc itself.
 *
 * A clsact qdisc that an Interflow helper creates gets an "owner mark": a cls_bpf filter on
 * its ingress hook, in a tc chain no action jumps to (so it never runs on a packet), at
 * IFLOW_OWNER_CHAIN / priority 1 / handle IFLOW_TC_HANDLE, program name IFLOW_OWNER_PROG.
 * The mark lives and dies with the qdisc, so it survives a crashed helper (the next run
 * knows the qdisc was Interflow's) and never outlives it: a clsact that someone else
 * created, or deleted and re-created, or the clsact of a new interface that was given a
 * reused ifindex, carries no mark. A file would have to be keyed by namespace and ifindex,
 * both of which the kernel reuses.
 *
 * Like tc.h, every function acts in the network namespace of the calling thread. */
#ifndef IFLOW_CLSACT_OWNER_H
#define IFLOW_CLSACT_OWNER_H
#include <stdbool.h>

/* tc chain indexes stop at 0x0fffffff, so "IFLW" with its top nibble cleared. */
#define IFLOW_OWNER_CHAIN 0x09464c57u
#define IFLOW_OWNER_PRIORITY 1
/* No "interflow_" prefix: the mark is not a flow hook, and tools count those by that prefix. */
#define IFLOW_OWNER_PROG "iflw_clsact_own"

/* Loads the mark's program (returns TC_ACT_UNSPEC, never runs). Returns an fd or -errno. */
int owner_mark_prog_load(void);
/* Puts the owner mark on the interface's clsact qdisc. Returns 0 or -errno. */
int owner_mark_add(int ifindex, int prog_fd);
/* Removes the owner mark (a missing mark or qdisc is not an error). Returns 0 or -errno. */
int owner_mark_remove(int ifindex);

struct clsact_scan {
	bool owned; /* the owner mark is there: an Interflow run created this qdisc */
	int others; /* filter dump entries that are not the mark (0: nothing else on the qdisc) */
};
/* Dumps the filters of both clsact hooks. No clsact qdisc reads as {false, 0}.
 * Returns 0 or -errno. */
int clsact_scan(int ifindex, struct clsact_scan *out);
#endif

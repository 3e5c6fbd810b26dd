/* Whether Interflow's programs are still on an interface it hooked: someone may have deleted
 * the clsact qdisc (`tc qdisc del dev X clsact`, another product replacing it), deleted or
 * replaced our filter, or detached our tcx link (`bpftool link detach`). Checked by program
 * id and link state, so another Interflow run's program at our spot counts as foreign.
 * Like tc.h, every function acts in the network namespace of the calling thread. */
#ifndef IFLOW_HOOK_CHECK_H
#define IFLOW_HOOK_CHECK_H
#include <linux/types.h>
#include <stdbool.h>

enum hook_state {
	HOOK_OK,
	HOOK_QDISC_REMOVED,  /* no clsact qdisc on the interface (tc mode) */
	HOOK_FILTER_REMOVED, /* clsact there, nothing at Interflow's handle/priority */
	HOOK_REPLACED,       /* another program (not this helper's) at Interflow's handle/priority */
	HOOK_LINK_DETACHED,  /* a tcx link is no longer attached to the interface */
};

/* The reason label of interflow_agent_hooks_lost_total for a state. */
const char *hook_state_reason(enum hook_state s);

struct hook_check {
	enum hook_state state;
	const char *dir;     /* "ingress", "egress" or "both": where the hook is missing */
	__u32 foreign_prog;  /* HOOK_REPLACED: the id of the program now there (0: classic BPF) */
};

/* What sits at Interflow's spot (chain 0, IFLOW_TC_PRIORITY, IFLOW_TC_HANDLE, kind bpf) on one
 * clsact hook: the program id (0 for classic BPF) and the filter's name (Interflow's carry the
 * owner tag, tc.h). A missing clsact reads as nothing there. */
struct tc_spot {
	bool found;
	__u32 prog_id;
	char name[128];
};
int tc_spot_read(int ifindex, bool ingress, struct tc_spot *out);

/* clsact mode: are this helper's programs (ids) at Interflow's spot on both hooks?
 * Returns 0 (result in *out) or -errno when the kernel could not be asked. */
int tc_hook_check(int ifindex, __u32 ingress_prog_id, __u32 egress_prog_id, struct hook_check *out);
/* tcx mode: are both links still attached to an interface? */
int tcx_hook_check(const int link_fds[2], struct hook_check *out);
/* Whether the interface exists in the calling thread's network namespace. */
bool link_exists(int ifindex);
/* The id of a program (or 0 when the kernel does not say). */
__u32 prog_id_of(int prog_fd);
#endif

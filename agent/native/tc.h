/* TC attach/detach of Interflow's classifiers. Every function acts in the network namespace
 * of the calling thread (libbpf opens its netlink sockets there), so only a namespace
 * worker thread calls them. */
#ifndef IFLOW_TC_H
#define IFLOW_TC_H
#include <stdbool.h>

struct tc_progs {
	int ingress_fd;
	int egress_fd;
};

/* Creates clsact when missing (tolerates an existing one) and attaches both programs with
 * Interflow's handle/priority, replacing an older Interflow filter at that spot.
 * Returns 0 or -errno; *created_qdisc tells whether clsact was created here. */
int tc_attach(int ifindex, const struct tc_progs *p, bool *created_qdisc);
/* Removes Interflow's filters; removes clsact too when we created it and it is now empty.
 * Returns 0 or -errno (a link that vanished meanwhile is not an error). */
int tc_detach(int ifindex, bool created_qdisc);
/* Removes Interflow filters left by a crashed earlier run (checked by program name prefix).
 * Returns how many filters were removed. */
int tc_sweep_stale(int ifindex);
/* Number of filters of any kind on the clsact ingress+egress hooks (-errno on failure). */
int tc_count_filters(int ifindex);
/* Set while probing for things that are expected to be missing (silences libbpf's log). */
extern __thread bool libbpf_quiet;
#endif

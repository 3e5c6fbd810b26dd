/* tcx links (kernel >= 6.6): Interflow's programs attached to an interface's tcx ingress and
 * egress hooks through BPF links. The link file descriptors are the attachment: the helper
 * holds them, and when it exits (cleanly or not) the kernel detaches the programs, so a crash
 * leaves nothing behind on the interface. Acts in the calling thread's network namespace. */
#ifndef IFLOW_TCX_H
#define IFLOW_TCX_H

/* Attaches ingress and egress programs ahead of any other tcx program on the interface.
 * On success link_fds[0] (ingress) and [1] (egress) hold the links. Returns 0 or -errno;
 * -EINVAL means the kernel has no tcx hooks (then nothing is attached). */
int tcx_attach(int ifindex, int ingress_fd, int egress_fd, int link_fds[2]);
/* Closes the links (detaching the programs); sets them to -1. */
void tcx_detach(int link_fds[2]);
#endif

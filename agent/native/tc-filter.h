/* cls_bpf filters written over rtnetlink, for what libbpf's bpf_tc_* API cannot say: a tc
 * chain (the clsact owner mark) and a filter name of our choosing (the owner tag of
 * Interflow's filters, see tc.h). Acts in the network namespace of the calling thread. */
#ifndef IFLOW_TC_FILTER_H
#define IFLOW_TC_FILTER_H
#include <stdint.h>

/* Adds (nl_flags NLM_F_EXCL) or replaces (NLM_F_REPLACE) the direct-action bpf filter at
 * parent/chain/priority/handle running prog_fd, named `name`, with TCA_BPF_FLAGS_GEN
 * gen_flags. Returns 0 or -errno. */
int tc_bpf_filter_put(int ifindex, uint32_t parent, uint32_t chain, uint32_t priority, uint32_t handle,
		      int prog_fd, const char *name, int nl_flags, uint32_t gen_flags);
/* Deletes the filter at parent/chain/priority/handle. Returns 0 or -errno. */
int tc_bpf_filter_del(int ifindex, uint32_t parent, uint32_t chain, uint32_t priority, uint32_t handle);
#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The datapath benchmark's baseline: TC programs that do nothing and let the packet go on
 * (TC_ACT_UNSPEC, which is also TCX_NEXT). Attached like Interflow's programs, they measure
 * what the attach path itself (clsact + cls_bpf, or tcx) costs per packet. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("tc")
int noop_in(struct __sk_buff *skb)
{
	return -1;
}

SEC("tc")
int noop_eg(struct __sk_buff *skb)
{
	return -1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

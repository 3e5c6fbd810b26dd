#include "tcx.h"
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Debian 12's libbpf (1.1) has no tcx wrapper and its UAPI headers predate tcx, so the values
 * and the link_create layout come from the kernel's include/uapi/linux/bpf.h (6.6+). */
#define IFLOW_BPF_TCX_INGRESS 46
#define IFLOW_BPF_TCX_EGRESS 47
#define IFLOW_BPF_F_BEFORE (1U << 3)

/* The BPF_LINK_CREATE part of union bpf_attr, tcx variant. */
struct tcx_link_create_attr {
	__u32 prog_fd;
	__u32 target_ifindex;
	__u32 attach_type;
	__u32 flags;
	__u32 relative_fd; /* with BPF_F_BEFORE and 0: before every program on the hook */
	__u32 pad;
	__u64 expected_revision; /* 0: any */
};

static int link_create(int prog_fd, int ifindex, __u32 attach_type)
{
	struct tcx_link_create_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (__u32)prog_fd;
	attr.target_ifindex = (__u32)ifindex;
	attr.attach_type = attach_type;
	attr.flags = IFLOW_BPF_F_BEFORE;
	int fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

int tcx_attach(int ifindex, int ingress_fd, int egress_fd, int link_fds[2])
{
	link_fds[0] = link_fds[1] = -1;
	int fd = link_create(ingress_fd, ifindex, IFLOW_BPF_TCX_INGRESS);
	if (fd < 0)
		return fd;
	link_fds[0] = fd;
	fd = link_create(egress_fd, ifindex, IFLOW_BPF_TCX_EGRESS);
	if (fd < 0) {
		tcx_detach(link_fds);
		return fd;
	}
	link_fds[1] = fd;
	return 0;
}

void tcx_detach(int link_fds[2])
{
	for (int i = 0; i < 2; i++) {
		if (link_fds[i] >= 0)
			close(link_fds[i]);
		link_fds[i] = -1;
	}
}

/* bench-attach: the datapath benchmark's loader for programs that are not Interflow's (the
 * do-nothing baseline, or another product's TC object given by path). Loads two TC programs of
 * an eBPF object and attaches them to one interface of a network namespace, with tcx links or
 * with a clsact qdisc and cls_bpf filters, until stdin closes; then detaches what it added.
 *
 *   bench-attach OBJ tc|tcx NETNS_PATH IFNAME INGRESS_PROG EGRESS_PROG
 *   bench-attach OBJ run REPEAT PAYLOAD_BYTES INGRESS_PROG EGRESS_PROG
 *
 * "run" attaches nothing: it runs each program REPEAT times on one Ethernet/IPv4/UDP frame
 * with PAYLOAD_BYTES of payload through BPF_PROG_TEST_RUN (the same flow every time, as in a
 * steady stream) and prints the kernel's average time per run, {"ingressNs":..,"egressNs":..}.
 * The kernel times only the program runs (its timer stops while the task is rescheduled),
 * so the figure holds on a busy machine where packet rates do not.
 *
 * Only the two named programs are loaded; map pinning is turned off (nothing lands in bpffs)
 * and hash maps are capped at 100 000 entries (Interflow's default flow map size), so a large
 * object neither pins nor allocates more than Interflow would. Prints "ready" once attached. */
#include "tcx.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BENCH_TC_HANDLE 0x42454e43u /* "BENC" */
#define MAX_HASH_ENTRIES 100000

static int die(const char *what, int err)
{
	fprintf(stderr, "bench-attach: %s: %s\n", what, strerror(err));
	return 2;
}

static int tc_filter(int ifindex, enum bpf_tc_attach_point ap, int prog_fd, int detach)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = ap);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BENCH_TC_HANDLE, .priority = 1);
	if (detach)
		return bpf_tc_detach(&hook, &opts);
	opts.prog_fd = prog_fd;
	return bpf_tc_attach(&hook, &opts);
}

/* Average ns per run of `prog_fd` over `repeat` runs of one UDP frame. */
static int test_run(int prog_fd, int repeat, int payload, double *ns)
{
	unsigned char frame[1600] = {0};
	if (payload < 0 || payload > 1500 - 28)
		return -EINVAL;
	int len = 14 + 20 + 8 + payload;
	static const unsigned char macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	memcpy(frame, macs, 12);
	frame[12] = 0x08; /* IPv4 */
	unsigned char *ip = frame + 14;
	ip[0] = 0x45;
	ip[2] = (unsigned char)((len - 14) >> 8);
	ip[3] = (unsigned char)(len - 14);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (unsigned char[]){192, 168, 122, 71, 192, 168, 122, 72}, 8);
	unsigned char *udp = ip + 20;
	udp[0] = 0x9c, udp[1] = 0x40; /* 40000 */
	udp[2] = 0x14, udp[3] = 0x51; /* 5201 */
	udp[4] = (unsigned char)((8 + payload) >> 8);
	udp[5] = (unsigned char)(8 + payload);
	DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (__u32)len, .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		return err;
	*ns = opts.duration;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: bench-attach OBJ tc|tcx NETNS_PATH IFNAME INGRESS_PROG EGRESS_PROG\n");
		return 2;
	}
	const char *mode = argv[2];
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return die("open object", errno);
	struct bpf_map *map;
	bpf_object__for_each_map(map, obj)
	{
		bpf_map__set_pin_path(map, NULL);
		enum bpf_map_type t = bpf_map__type(map);
		if ((t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
		     t == BPF_MAP_TYPE_LRU_PERCPU_HASH) &&
		    bpf_map__max_entries(map) > MAX_HASH_ENTRIES)
			bpf_map__set_max_entries(map, MAX_HASH_ENTRIES);
	}
	struct bpf_program *prog, *in = NULL, *eg = NULL;
	bpf_object__for_each_program(prog, obj)
	{
		const char *name = bpf_program__name(prog);
		int wanted = strcmp(name, argv[5]) == 0 || strcmp(name, argv[6]) == 0;
		bpf_program__set_autoload(prog, wanted);
		if (wanted) /* libbpf 1.x no longer reads types from sloppy section names (classifier/x) */
			bpf_program__set_type(prog, BPF_PROG_TYPE_SCHED_CLS);
		if (strcmp(name, argv[5]) == 0)
			in = prog;
		if (strcmp(name, argv[6]) == 0)
			eg = prog;
	}
	if (!in || !eg)
		return die("program names", ENOENT);
	int err = bpf_object__load(obj);
	if (err)
		return die("load object", -err);
	if (strcmp(mode, "run") == 0) {
		double ns_in = 0, ns_eg = 0;
		int repeat = atoi(argv[3]), payload = atoi(argv[4]);
		err = test_run(bpf_program__fd(in), repeat, payload, &ns_in);
		if (!err)
			err = test_run(bpf_program__fd(eg), repeat, payload, &ns_eg);
		if (err)
			return die("test run", -err);
		printf("{\"ingressNs\":%.1f,\"egressNs\":%.1f}\n", ns_in, ns_eg);
		bpf_object__close(obj);
		return 0;
	}
	int nsfd = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) != 0)
		return die(argv[3], errno);
	int ifindex = (int)if_nametoindex(argv[4]);
	if (!ifindex)
		return die(argv[4], errno);
	int links[2] = {-1, -1};
	int created_qdisc = 0;
	if (strcmp(mode, "tcx") == 0) {
		err = tcx_attach(ifindex, bpf_program__fd(in), bpf_program__fd(eg), links);
		if (err)
			return die("tcx attach", -err);
	} else if (strcmp(mode, "tc") == 0) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
		err = bpf_tc_hook_create(&hook);
		created_qdisc = err == 0;
		if (err && err != -EEXIST)
			return die("clsact", -err);
		err = tc_filter(ifindex, BPF_TC_INGRESS, bpf_program__fd(in), 0);
		if (!err)
			err = tc_filter(ifindex, BPF_TC_EGRESS, bpf_program__fd(eg), 0);
		if (err)
			return die("tc attach", -err);
	} else {
		return die("mode (tc or tcx)", EINVAL);
	}
	printf("ready\n");
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof(buf)) > 0) {
	}
	if (links[0] >= 0) {
		tcx_detach(links);
	} else {
		tc_filter(ifindex, BPF_TC_INGRESS, 0, 1);
		tc_filter(ifindex, BPF_TC_EGRESS, 0, 1);
		if (created_qdisc) {
			DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
					    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
			bpf_tc_hook_destroy(&hook);
		}
	}
	bpf_object__close(obj);
	return 0;
}

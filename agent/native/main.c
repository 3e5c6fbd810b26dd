/* interflow-agent-helper: the kernel side of the Interflow agent, spawned by it.
 *
 * Loads the eBPF object (embedded through the skeleton build/flows.skel.h) once, runs one dedicated thread per watched network namespace (setns,
 * rtnetlink link events, tc attach/detach), drains the flow map on request and forwards the
 * ring-buffer fallback. Talks to the agent over stdin/stdout:
 *
 *   stdin, one command per line, fields separated by TAB:
 *     watch <id> <path>     start a worker for the namespace file (id chosen by the agent)
 *     unwatch <id>          detach all of that namespace's hooks, stop its worker
 *     attach <id> <ifindex> / detach <id> <ifindex>
 *     verify <id>           check that every hook of the namespace is still in place
 *     drain <req>           drain the flow map
 *     quit                  detach everything and exit (stdin EOF, SIGTERM, SIGINT: same)
 *   stdout, one JSON value per line:
 *     {"ev":"ready",...} {"ev":"watched","id","ino"} {"ev":"link","id","op":"new|del","ifindex",
 *     "name","mac","up","kind","initial"[,"movedToNsid"]} {"ev":"links_done","id"}
 *     {"ev":"attached","id","ifindex","createdQdisc","mode"} {"ev":"detached","id","ifindex"}
 *     {"ev":"unwatched","id"} {"ev":"stale_removed","id","ifindex","count","qdisc"} {"ev":"resync","id"}
 *     {"ev":"error","id","op","ifindex","errno","msg"}
 *     {"ev":"hook_lost","id","ifindex","reason","dir","foreignProgId","lostMonoNs","exact"}
 *     {"ev":"drained","req","count","monoNs","realNs","mapFull","spilled","ringbufDrops","batch","drainUs"}
 *     {"ev":"exit"}
 *   and, between lines, binary flow frames (flowout.h, README.md "Flow frames"): a 0x00 byte
 *   (which no JSON line starts with), then the frame; flows of a drain come in frames before its
 *   "drained" line, ring-buffer flows in frames of their own at any time.
 */
#include "clsact-owner.h"
#include "hook-check.h"
#include "node-lock.h"
#include "flowout.h"
#include "nsworker.h"
#include "out.h"
#include "flows.skel.h"
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 65536
#define DRAIN_BATCH 4096

static struct nsworker *workers[MAX_WORKERS];
static struct tc_progs progs;
/* The two sets of flow map + overflow table (see flows.bpf.c), per family (IPv4 with the
 * compact key, everything else with the full key), and the array-of-maps whose slots 0 and 1
 * say which set is active. [0] full key, [1] IPv4. */
static int flow_map_fds[2][2], spill_map_fds[2][2], active_fds[2], active_idx;
static int flows_fd;  /* the map being drained */
static bool flows_v4; /* ... and whether it holds compact IPv4 keys */
static int counters_fd;
static int ncpus;
static volatile bool rb_stop;
static bool batch_ok = true;

__thread bool libbpf_quiet;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || libbpf_quiet)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void fatal(const char *what, int err)
{
	out_begin();
	printf("{\"ev\":\"fatal\",\"msg\":");
	char msg[512];
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
	out_str(msg);
	printf(",\"errno\":%d}\n", err);
	out_end();
	exit(3);
}

static int on_ringbuf(void *ctx, void *data, size_t size)
{
	if (size < sizeof(struct iflow_event))
		return 0;
	const struct iflow_event *e = data;
	struct iflow_wire w;
	flow_to_wire(&e->key, &e->stats, IFLOW_ORIGIN_RINGBUF, &w);
	out_begin();
	flow_write_frame(&w, 1);
	out_end();
	return 0;
}

static void *ringbuf_main(void *arg)
{
	struct ring_buffer *rb = arg;
	while (!rb_stop)
		ring_buffer__poll(rb, 200);
	ring_buffer__consume(rb);
	return NULL;
}

static unsigned long long counter_sum(__u32 idx)
{
	__u64 vals[ncpus];
	if (bpf_map_lookup_elem(counters_fd, &idx, vals) != 0)
		return 0;
	unsigned long long s = 0;
	for (int i = 0; i < ncpus; i++)
		s += vals[i];
	return s;
}

static unsigned long long ns_of(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The full key of a compact IPv4 key (IPv4-mapped addresses). */
static void widen_key4(const struct iflow_key4 *k4, struct iflow_key *k)
{
	memset(k, 0, sizeof(*k));
	k->netns_cookie = k4->netns_cookie;
	k->ifindex = k4->ifindex;
	k->vlan = k4->vlan;
	k->vlan_inner = k4->vlan_inner;
	k->src[10] = k->src[11] = k->dst[10] = k->dst[11] = 0xff;
	memcpy(k->src + 12, k4->src, 4);
	memcpy(k->dst + 12, k4->dst, 4);
	k->sport = k4->sport;
	k->dport = k4->dport;
	k->etype = 0x0800;
	k->proto = k4->proto;
	k->dir = k4->dir;
}

/* Drained entries wait here and go out one frame per DRAIN_BATCH (main thread only). */
static struct iflow_wire wire_out[DRAIN_BATCH];
static size_t wire_used;

static void wire_flush(void)
{
	flow_write_frame(wire_out, wire_used);
	wire_used = 0;
}

/* Queues one drained entry whose key is a struct iflow_key, or an iflow_key4 when flows_v4. */
static void print_entry(const void *key, const struct iflow_stats *val, int marker)
{
	if (!flows_v4) {
		flow_to_wire(key, val, marker, &wire_out[wire_used]);
	} else {
		struct iflow_key k;
		widen_key4(key, &k);
		flow_to_wire(&k, val, marker, &wire_out[wire_used]);
	}
	if (++wire_used == DRAIN_BATCH)
		wire_flush();
}

/* Fallback for kernels without batch ops: walk the keys and delete each one. */
static long drain_iterate(int marker)
{
	struct iflow_key key, next; /* big enough for either key type */
	struct iflow_stats val;
	long count = 0;
	bool first = true;
	while (bpf_map_get_next_key(flows_fd, first ? NULL : &key, &next) == 0) {
		first = false;
		key = next;
		if (bpf_map_lookup_and_delete_elem(flows_fd, &key, &val) == 0 ||
		    (bpf_map_lookup_elem(flows_fd, &key, &val) == 0 && bpf_map_delete_elem(flows_fd, &key) == 0)) {
			print_entry(&key, &val, marker);
			count++;
			first = true; /* the deleted key cannot be the cursor: restart from the top */
		}
	}
	return count;
}

/* Drains flows_fd (batch ops, key iteration where missing), printing each entry with `marker`
 * (IFLOW_ORIGIN_*). Returns the number of entries. */
static long drain_map(int marker)
{
	static struct iflow_key keys[DRAIN_BATCH]; /* the batch packs keys of the map's own size */
	static struct iflow_stats vals[DRAIN_BATCH];
	size_t key_size = flows_v4 ? sizeof(struct iflow_key4) : sizeof(struct iflow_key);
	long total = 0;
	__u32 in = 0, out = 0;
	bool first = true;
	while (batch_ok) {
		__u32 n = DRAIN_BATCH;
		DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
		int err = bpf_map_lookup_and_delete_batch(flows_fd, first ? NULL : &in, &out, keys, vals, &n, &opts);
		if (err && err != -ENOENT && first && n == 0 && (err == -EINVAL || err == -ENOTSUP || err == -EOPNOTSUPP)) {
			batch_ok = false;
			break;
		}
		for (__u32 i = 0; i < n; i++)
			print_entry((const char *)keys + i * key_size, &vals[i], marker);
		total += n;
		if (err)
			break; /* -ENOENT: done; anything else: the rest waits for the next drain */
		in = out;
		first = false;
	}
	if (!batch_ok)
		total += drain_iterate(marker);
	return total;
}

static void drain(long req)
{
	unsigned long long t0 = ns_of(CLOCK_MONOTONIC);
	/* Swap the active sets first. Each update returns once no program can still write to the
	 * old map, so draining them below races with nothing. */
	__u32 slot0 = 0, slot1 = 1;
	int next = active_idx ^ 1;
	int swap_err = 0;
	for (int f = 0; f < 2 && !swap_err; f++) {
		swap_err = bpf_map_update_elem(active_fds[f], &slot0, &flow_map_fds[f][next], BPF_ANY);
		if (!swap_err)
			swap_err = bpf_map_update_elem(active_fds[f], &slot1, &spill_map_fds[f][next], BPF_ANY);
	}
	int drained_idx = active_idx;
	if (swap_err == 0)
		active_idx = next;
	/* else: drain in place rather than not at all (a failed update leaves some old maps
	 * active, drained in place as well; a later drain swaps them all again) */
	out_begin();
	long total = 0;
	for (int f = 0; f < 2; f++) {
		flows_v4 = f == 1;
		flows_fd = flow_map_fds[f][drained_idx];
		total += drain_map(IFLOW_ORIGIN_MAP);
		flows_fd = spill_map_fds[f][drained_idx];
		total += drain_map(IFLOW_ORIGIN_SPILL);
	}
	wire_flush();
	unsigned long long mono = ns_of(CLOCK_MONOTONIC);
	printf("{\"ev\":\"drained\",\"req\":%ld,\"count\":%ld,\"monoNs\":%llu,\"realNs\":%llu,\"mapFull\":%llu,"
	       "\"spilled\":%llu,\"ringbufDrops\":%llu,\"batch\":%s,\"drainUs\":%llu}\n",
	       req, total, mono, ns_of(CLOCK_REALTIME), counter_sum(IFLOW_CNT_MAP_FULL), counter_sum(IFLOW_CNT_SPILLED),
	       counter_sum(IFLOW_CNT_RINGBUF_DROP), batch_ok ? "true" : "false", (mono - t0) / 1000);
	out_end();
}

static void shutdown_all(void)
{
	for (int i = 0; i < MAX_WORKERS; i++)
		if (workers[i]) {
			nsworker_stop(workers[i]);
			workers[i] = NULL;
		}
}

/* Returns false on "quit". */
static bool handle_command(char *line)
{
	char *f[4] = {0};
	int nf = 0;
	for (char *p = line; p && nf < 4; nf++) {
		f[nf] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = 0;
	}
	if (!f[0] || !*f[0])
		return true;
	long id = f[1] ? strtol(f[1], NULL, 10) : -1;
	if (strcmp(f[0], "drain") == 0) {
		drain(id);
		return true;
	}
	if (strcmp(f[0], "quit") == 0)
		return false;
	if (id < 0 || id >= MAX_WORKERS) {
		out_error((int)id, f[0], 0, EINVAL, "bad id");
		return true;
	}
	if (strcmp(f[0], "watch") == 0 && f[2]) {
		if (workers[id]) {
			out_error((int)id, "watch", 0, EEXIST, "id already watched");
			return true;
		}
		workers[id] = nsworker_start((int)id, f[2], &progs);
	} else if (strcmp(f[0], "unwatch") == 0) {
		if (workers[id])
			nsworker_stop(workers[id]);
		else
			out_line("{\"ev\":\"unwatched\",\"id\":%ld}", id);
		workers[id] = NULL;
	} else if (strcmp(f[0], "verify") == 0) {
		if (workers[id])
			nsworker_verify(workers[id]);
	} else if ((strcmp(f[0], "attach") == 0 || strcmp(f[0], "detach") == 0) && f[2]) {
		int ifindex = atoi(f[2]);
		if (!workers[id]) {
			out_error((int)id, f[0], ifindex, ENOENT, "namespace not watched");
			return true;
		}
		if (f[0][0] == 'a')
			nsworker_attach(workers[id], ifindex);
		else
			nsworker_detach(workers[id], ifindex);
	} else {
		out_error((int)id, f[0], 0, EINVAL, "unknown command");
	}
	return true;
}

int main(int argc, char **argv)
{
	long max_flows = 100000;
	const char *run_dir = NULL, *owner = "an agent";
	long lock_wait_ms = 0;
	enum tc_attach_mode attach_mode = TC_MODE_AUTO;
	bool bad_usage = false;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--bpf-obj") == 0)
			continue; /* accepted for older agents: the object is embedded now */
		else if (strcmp(argv[i], "--max-flows") == 0)
			max_flows = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--run-dir") == 0)
			run_dir = argv[i + 1];
		else if (strcmp(argv[i], "--lock-wait-ms") == 0)
			lock_wait_ms = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--owner") == 0)
			owner = argv[i + 1];
		else if (strcmp(argv[i], "--attach-mode") == 0)
			bad_usage |= tc_parse_mode(argv[i + 1], &attach_mode) != 0;
		else
			bad_usage = true;
	}
	out_init();
	/* A bigger pipe lets a drain finish without waiting for the agent to read each 64 KiB. */
	fcntl(1, F_SETPIPE_SZ, 1 << 20);
	if (bad_usage || max_flows < 1)
		fatal("usage: interflow-agent-helper [--max-flows N] [--attach-mode auto|tcx|tc] [--run-dir DIR "
		      "[--lock-wait-ms MS] [--owner TEXT]]",
		      EINVAL);

	/* Signals are read from a signalfd by the main thread only; block them everywhere
	 * (threads inherit the mask) before any thread starts. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	/* Before any hook is touched (the first watch sweeps leftovers): one agent per node. */
	if (run_dir)
		node_lock_take(run_dir, lock_wait_ms, owner, sfd, progs.owner_tag, sizeof(progs.owner_tag));

	libbpf_set_print(libbpf_log);
	ncpus = libbpf_num_possible_cpus();
	/* The eBPF object is embedded (build/flows.skel.h): maps and programs are skeleton fields,
	 * so a renamed map is a compile error here rather than a lookup failing at run time. */
	struct flows_bpf *skel = flows_bpf__open();
	if (!skel)
		fatal("open BPF object", errno);
	long spill_entries = max_flows / 4 < 16 ? 16 : max_flows / 4 > 8192 ? 8192 : max_flows / 4;
	struct bpf_map *flow_maps[2][2] = {{skel->maps.iflow_flows_a, skel->maps.iflow_flows_b},
					   {skel->maps.iflow_flows4_a, skel->maps.iflow_flows4_b}};
	struct bpf_map *spill_maps[2][2] = {{skel->maps.iflow_spill_a, skel->maps.iflow_spill_b},
					    {skel->maps.iflow_spill4_a, skel->maps.iflow_spill4_b}};
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < 2; i++) {
			bpf_map__set_max_entries(flow_maps[f][i], max_flows);
			bpf_map__set_max_entries(spill_maps[f][i], spill_entries);
		}
	int err = flows_bpf__load(skel);
	if (err)
		fatal("load BPF object", -err);
	for (int f = 0; f < 2; f++)
		for (int i = 0; i < 2; i++) {
			flow_map_fds[f][i] = bpf_map__fd(flow_maps[f][i]);
			spill_map_fds[f][i] = bpf_map__fd(spill_maps[f][i]);
		}
	active_fds[0] = bpf_map__fd(skel->maps.iflow_active);
	active_fds[1] = bpf_map__fd(skel->maps.iflow_active4);
	active_idx = 0; /* slots 0/1 start with the _a maps (static initialisation) */
	counters_fd = bpf_map__fd(skel->maps.iflow_counters);
	progs.ingress_fd = bpf_program__fd(skel->progs.interflow_in);
	progs.egress_fd = bpf_program__fd(skel->progs.interflow_eg);
	progs.ingress_id = prog_id_of(progs.ingress_fd);
	progs.egress_id = prog_id_of(progs.egress_fd);
	progs.mode = attach_mode;
	progs.owner_fd = owner_mark_prog_load();
	if (progs.owner_fd < 0)
		fatal("load the clsact owner-mark program", -progs.owner_fd);
	struct ring_buffer *rb =
		ring_buffer__new(bpf_map__fd(skel->maps.iflow_overflow), on_ringbuf, NULL, NULL);
	if (!rb)
		fatal("ring buffer", errno);
	pthread_t rb_thread;
	pthread_create(&rb_thread, NULL, ringbuf_main, rb);
	out_line("{\"ev\":\"ready\",\"version\":3,\"maxFlows\":%ld,\"ncpus\":%d,\"pid\":%d,\"attachMode\":\"%s\"}", max_flows,
		 ncpus, getpid(), tc_mode_name(attach_mode));

	static char buf[65536];
	size_t used = 0;
	bool running = true;
	while (running) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN)
			break; /* SIGTERM/SIGINT/SIGHUP */
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf + used, sizeof(buf) - used - 1);
			if (n <= 0)
				break; /* the agent went away: clean up */
			used += n;
			char *start = buf, *nl;
			while (running && (nl = memchr(start, '\n', buf + used - start))) {
				*nl = 0;
				running = handle_command(start);
				start = nl + 1;
			}
			used = buf + used - start;
			memmove(buf, start, used);
			if (used == sizeof(buf) - 1)
				used = 0; /* a line that long is garbage */
		}
	}
	shutdown_all();
	rb_stop = true;
	pthread_join(rb_thread, NULL);
	ring_buffer__free(rb);
	flows_bpf__destroy(skel);
	out_line("{\"ev\":\"exit\"}");
	return 0;
}

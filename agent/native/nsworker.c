#include "nsworker.h"
#include "out.h"
#include "tcx.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum cmd_kind { CMD_ATTACH, CMD_DETACH, CMD_STOP };

struct cmd {
	enum cmd_kind kind;
	int ifindex;
	struct cmd *next;
};

struct hook {
	int ifindex;
	bool created_qdisc;
	int tcx_links[2]; /* tcx ingress/egress link fds; -1 when attached through clsact */
};

/* Whether tcx links work on this kernel, learnt from the first attach in auto mode:
 * -1 not known yet, 0 no (the kernel refused the attach type), 1 yes. */
static int tcx_works = -1;

struct nsworker {
	int id;
	char path[4096];
	int nsfd;
	unsigned long ino;
	const struct tc_progs *progs;
	pthread_t thread;
	int wake_fd;
	pthread_mutex_t lock;
	struct cmd *head, *tail;
	int nl_fd;
	bool swept; /* stale Interflow filters of a crashed run already removed */
	struct hook *hooks;
	size_t nhooks, caphooks;
	/* Start-up handshake: the thread reports whether setns and netlink worked. */
	pthread_mutex_t start_lock;
	pthread_cond_t start_cond;
	int start_state; /* 0 pending, 1 ok, -errno failed */
};

static void push_cmd(struct nsworker *w, enum cmd_kind kind, int ifindex)
{
	struct cmd *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	c->kind = kind;
	c->ifindex = ifindex;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = c;
	else
		w->head = c;
	w->tail = c;
	pthread_mutex_unlock(&w->lock);
	uint64_t one = 1;
	if (write(w->wake_fd, &one, sizeof(one)) < 0) {
		/* eventfd counter overflow is impossible here; nothing else to do */
	}
}

static struct cmd *pop_cmd(struct nsworker *w)
{
	pthread_mutex_lock(&w->lock);
	struct cmd *c = w->head;
	if (c) {
		w->head = c->next;
		if (!w->head)
			w->tail = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	return c;
}

static struct hook *find_hook(struct nsworker *w, int ifindex)
{
	for (size_t i = 0; i < w->nhooks; i++)
		if (w->hooks[i].ifindex == ifindex)
			return &w->hooks[i];
	return NULL;
}

/* Drops the hook from the list; its tcx links (if any) are closed, which detaches them. */
static void forget_hook(struct nsworker *w, int ifindex)
{
	struct hook *h = find_hook(w, ifindex);
	if (h) {
		tcx_detach(h->tcx_links);
		*h = w->hooks[--w->nhooks];
	}
}

/* tcx per the attach mode: 1 attached with tcx, 0 not tried or refused by an older kernel in
 * auto mode (clsact then), -errno failed. */
static int try_tcx(struct nsworker *w, int ifindex, int links[2])
{
	enum tc_attach_mode mode = w->progs->mode;
	if (mode == TC_MODE_TC || (mode == TC_MODE_AUTO && __atomic_load_n(&tcx_works, __ATOMIC_RELAXED) == 0))
		return 0;
	int err = tcx_attach(ifindex, w->progs->ingress_fd, w->progs->egress_fd, links);
	if (err == 0) {
		__atomic_store_n(&tcx_works, 1, __ATOMIC_RELAXED);
		return 1;
	}
	if (mode == TC_MODE_AUTO && (err == -EINVAL || err == -EOPNOTSUPP) &&
	    __atomic_load_n(&tcx_works, __ATOMIC_RELAXED) != 1) {
		__atomic_store_n(&tcx_works, 0, __ATOMIC_RELAXED);
		return 0;
	}
	return err;
}

static void do_attach(struct nsworker *w, int ifindex)
{
	bool created = false;
	struct hook *h = find_hook(w, ifindex);
	if (h && h->tcx_links[0] >= 0) {
		/* Already on tcx: the links stay valid as long as the interface exists. */
		out_line("{\"ev\":\"attached\",\"id\":%d,\"ifindex\":%d,\"createdQdisc\":false,\"mode\":\"tcx\"}", w->id,
			 ifindex);
		return;
	}
	int links[2] = {-1, -1};
	int err = h ? 0 : try_tcx(w, ifindex, links);
	if (err < 0) {
		out_error(w->id, "attach", ifindex, -err, "tcx attach");
		return;
	}
	bool tcx = err == 1;
	if (!tcx) {
		err = tc_attach(ifindex, w->progs, &created);
		if (err) {
			out_error(w->id, "attach", ifindex, -err, "tc attach");
			return;
		}
	}
	if (h) {
		h->created_qdisc = h->created_qdisc || created;
	} else {
		if (w->nhooks == w->caphooks) {
			w->caphooks = w->caphooks ? w->caphooks * 2 : 16;
			w->hooks = realloc(w->hooks, w->caphooks * sizeof(*w->hooks));
			if (!w->hooks)
				abort();
		}
		w->hooks[w->nhooks++] =
			(struct hook){.ifindex = ifindex, .created_qdisc = created, .tcx_links = {links[0], links[1]}};
	}
	out_line("{\"ev\":\"attached\",\"id\":%d,\"ifindex\":%d,\"createdQdisc\":%s,\"mode\":\"%s\"}", w->id, ifindex,
		 created ? "true" : "false", tcx ? "tcx" : "tc");
}

static void do_detach(struct nsworker *w, int ifindex)
{
	struct hook *h = find_hook(w, ifindex);
	int err = h && h->tcx_links[0] >= 0 ? 0 : tc_detach(ifindex, h && h->created_qdisc);
	forget_hook(w, ifindex);
	if (err) {
		out_error(w->id, "detach", ifindex, -err, "tc detach");
		return;
	}
	out_line("{\"ev\":\"detached\",\"id\":%d,\"ifindex\":%d}", w->id, ifindex);
}

static void emit_link(struct nsworker *w, struct nlmsghdr *h, bool initial)
{
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	const char *name = "";
	const unsigned char *mac = NULL;
	int maclen = 0;
	int new_nsid = -1;
	char kind[32] = "";
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case IFLA_IFNAME:
			name = RTA_DATA(a);
			break;
		case IFLA_ADDRESS:
			mac = RTA_DATA(a);
			maclen = RTA_PAYLOAD(a);
			break;
		case IFLA_NEW_NETNSID:
			new_nsid = *(int *)RTA_DATA(a);
			break;
		case IFLA_LINKINFO: {
			int l2 = RTA_PAYLOAD(a);
			for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, l2); b = RTA_NEXT(b, l2))
				if (b->rta_type == IFLA_INFO_KIND)
					snprintf(kind, sizeof(kind), "%.*s", (int)RTA_PAYLOAD(b), (char *)RTA_DATA(b));
			break;
		}
		}
	}
	bool del = h->nlmsg_type == RTM_DELLINK;
	if (del)
		forget_hook(w, ifi->ifi_index); /* the kernel removed its filters with it */
	out_begin();
	printf("{\"ev\":\"link\",\"id\":%d,\"op\":\"%s\",\"ifindex\":%d,\"name\":", w->id, del ? "del" : "new",
	       ifi->ifi_index);
	out_str(name);
	printf(",\"mac\":\"");
	for (int i = 0; mac && i < maclen; i++)
		printf(i ? ":%02x" : "%02x", mac[i]);
	printf("\",\"up\":%s,\"kind\":", (ifi->ifi_flags & IFF_UP) ? "true" : "false");
	out_str(kind);
	if (new_nsid >= 0)
		printf(",\"movedToNsid\":%d", new_nsid);
	printf(",\"initial\":%s}\n", initial ? "true" : "false");
	out_end();
	/* Only the first dump looks for leftovers: a later dump (after lost events) would find
	 * this run's own live filters. */
	if (initial && !del && !w->swept) {
		static const char *const qdisc_words[] = {"none", "removed", "kept"};
		enum tc_stale_qdisc qdisc;
		int removed = tc_sweep_stale(ifi->ifi_index, &qdisc);
		if (removed > 0 || qdisc != TC_STALE_QDISC_NONE)
			out_line("{\"ev\":\"stale_removed\",\"id\":%d,\"ifindex\":%d,\"count\":%d,\"qdisc\":\"%s\"}",
				 w->id, ifi->ifi_index, removed, qdisc_words[qdisc]);
	}
}

/* Reads what is waiting on the netlink socket. Returns 1 when a dump finished, 0 otherwise,
 * -errno on failure (ENOBUFS: events were lost, the caller dumps again). */
static int read_netlink(struct nsworker *w, bool initial)
{
	static __thread char buf[65536];
	ssize_t n = recv(w->nl_fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if ((size_t)n > sizeof(buf))
		n = sizeof(buf);
	int done = 0;
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_DONE)
			done = 1;
		else if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK)
			emit_link(w, h, initial && h->nlmsg_seq != 0);
	}
	return done;
}

static int request_dump(struct nsworker *w)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_GETLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
		.ifi = {.ifi_family = AF_UNSPEC},
	};
	return send(w->nl_fd, &req, req.nh.nlmsg_len, 0) < 0 ? -errno : 0;
}

static int dump_links(struct nsworker *w)
{
	int err = request_dump(w);
	if (err)
		return err;
	struct pollfd p = {.fd = w->nl_fd, .events = POLLIN};
	for (;;) {
		if (poll(&p, 1, 5000) <= 0)
			return -ETIMEDOUT;
		int r = read_netlink(w, true);
		if (r < 0 && r != -ENOBUFS)
			return r;
		if (r == 1)
			break;
	}
	w->swept = true;
	out_line("{\"ev\":\"links_done\",\"id\":%d}", w->id);
	return 0;
}

static void detach_all(struct nsworker *w)
{
	while (w->nhooks > 0)
		do_detach(w, w->hooks[w->nhooks - 1].ifindex);
}

static void report_start(struct nsworker *w, int state)
{
	pthread_mutex_lock(&w->start_lock);
	w->start_state = state;
	pthread_cond_signal(&w->start_cond);
	pthread_mutex_unlock(&w->start_lock);
}

static void *worker_main(void *arg)
{
	struct nsworker *w = arg;
	/* This thread only: the rest of the helper stays in its own namespace. */
	if (setns(w->nsfd, CLONE_NEWNET) != 0) {
		report_start(w, -errno);
		return NULL;
	}
	/* The thread itself now keeps the namespace alive; holding the file open would pin its
	 * bind mount and make a plain umount of the namespace file fail with EBUSY. */
	close(w->nsfd);
	w->nsfd = -1;
	w->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (w->nl_fd < 0) {
		report_start(w, -errno);
		return NULL;
	}
	int rcvbuf = 4 << 20;
	setsockopt(w->nl_fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
	if (bind(w->nl_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		report_start(w, -errno);
		return NULL;
	}
	out_line("{\"ev\":\"watched\",\"id\":%d,\"ino\":%lu}", w->id, w->ino);
	report_start(w, 1);
	int err = dump_links(w);
	if (err)
		out_error(w->id, "dump", 0, -err, "link dump");

	bool stop = false;
	while (!stop) {
		struct pollfd p[2] = {{.fd = w->nl_fd, .events = POLLIN}, {.fd = w->wake_fd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			int r = read_netlink(w, false);
			if (r == -ENOBUFS) {
				/* Link events were lost: take a fresh dump so the agent's table heals. */
				out_line("{\"ev\":\"resync\",\"id\":%d}", w->id);
				dump_links(w);
			}
		}
		if (p[1].revents & POLLIN) {
			uint64_t v;
			if (read(w->wake_fd, &v, sizeof(v)) < 0) {
				/* spurious wake-up */
			}
			struct cmd *c;
			while ((c = pop_cmd(w))) {
				if (c->kind == CMD_ATTACH)
					do_attach(w, c->ifindex);
				else if (c->kind == CMD_DETACH)
					do_detach(w, c->ifindex);
				else
					stop = true;
				free(c);
			}
		}
	}
	detach_all(w);
	return NULL;
}

struct nsworker *nsworker_start(int id, const char *path, const struct tc_progs *progs)
{
	struct nsworker *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->id = id;
	w->progs = progs;
	w->nl_fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->nsfd < 0) {
		out_error(id, "watch", 0, errno, path);
		free(w);
		return NULL;
	}
	struct stat st;
	fstat(w->nsfd, &st);
	w->ino = st.st_ino;
	w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->start_lock, NULL);
	pthread_cond_init(&w->start_cond, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		out_error(id, "watch", 0, EAGAIN, "thread");
		close(w->nsfd);
		close(w->wake_fd);
		free(w);
		return NULL;
	}
	pthread_mutex_lock(&w->start_lock);
	while (w->start_state == 0)
		pthread_cond_wait(&w->start_cond, &w->start_lock);
	int state = w->start_state;
	pthread_mutex_unlock(&w->start_lock);
	if (state < 0) {
		pthread_join(w->thread, NULL);
		out_error(id, "watch", 0, -state, path);
		if (w->nl_fd >= 0)
			close(w->nl_fd);
		if (w->nsfd >= 0)
			close(w->nsfd);
		close(w->wake_fd);
		free(w);
		return NULL;
	}
	return w;
}

void nsworker_attach(struct nsworker *w, int ifindex) { push_cmd(w, CMD_ATTACH, ifindex); }
void nsworker_detach(struct nsworker *w, int ifindex) { push_cmd(w, CMD_DETACH, ifindex); }

void nsworker_stop(struct nsworker *w)
{
	push_cmd(w, CMD_STOP, 0);
	pthread_join(w->thread, NULL);
	struct cmd *c;
	while ((c = pop_cmd(w)))
		free(c);
	close(w->nl_fd);
	if (w->nsfd >= 0)
		close(w->nsfd);
	close(w->wake_fd);
	out_line("{\"ev\":\"unwatched\",\"id\":%d}", w->id);
	free(w->hooks);
	free(w);
}

#include "node-lock.h"
#include "out.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the holder wrote into the file (one line), or a placeholder. */
static void read_holder(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	if (!buf[0])
		snprintf(buf, len, "an agent that has not written its name yet");
}

static void give_up(const char *msg, int err, bool locked)
{
	out_begin();
	printf("{\"ev\":\"fatal\",\"msg\":");
	out_str(msg);
	printf(",\"errno\":%d,\"locked\":%s}\n", err, locked ? "true" : "false");
	out_end();
	exit(3);
}

int node_lock_take(const char *run_dir, long wait_ms, const char *owner, int sig_fd, char *tag, size_t tag_len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/agent.lock", run_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	char msg[sizeof(path) + 1024];
	if (fd < 0) {
		snprintf(msg, sizeof(msg), "cannot open the node lock %s: %s", path, strerror(errno));
		give_up(msg, errno, false);
	}
	long long deadline = now_ms() + wait_ms;
	bool said = false;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			snprintf(msg, sizeof(msg), "cannot take the node lock %s: %s", path, strerror(errno));
			give_up(msg, errno, false);
		}
		char holder[512];
		read_holder(fd, holder, sizeof(holder));
		if (wait_ms == 0 || (wait_ms > 0 && now_ms() >= deadline)) {
			snprintf(msg, sizeof(msg), "another Interflow agent is running on this node: %s (it holds %s)",
				 holder, path);
			give_up(msg, EWOULDBLOCK, true);
		}
		if (!said) {
			out_begin();
			printf("{\"ev\":\"lock_wait\",\"path\":");
			out_str(path);
			printf(",\"holder\":");
			out_str(holder);
			printf(",\"waitMs\":%ld}\n", wait_ms);
			out_end();
			said = true;
		}
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = sig_fd, .events = POLLIN}};
		if (poll(p, 2, 100) > 0 && ((p[0].revents & (POLLHUP | POLLERR)) || (p[1].revents & POLLIN))) {
			out_line("{\"ev\":\"exit\"}");
			exit(0); /* the agent went away or was told to stop while waiting */
		}
	}
	char line[600];
	int n = snprintf(line, sizeof(line), "%s, helper pid %d\n", owner, (int)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, line, n, 0) != n) {
		/* the lock holds all the same; a second agent just cannot name us */
	}
	struct stat st;
	fstat(fd, &st);
	snprintf(tag, tag_len, "%lx-%lx", (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	return fd;
}

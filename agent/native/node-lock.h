/* One Interflow agent per node: the helper takes an exclusive flock on <run dir>/agent.lock
 * before it touches any hook, and holds it until it exits (the kernel releases it however the
 * process ends, so a crash never leaves a stale lock). The holder writes who it is into the
 * file, so a second agent can name the one already running. */
#ifndef IFLOW_NODE_LOCK_H
#define IFLOW_NODE_LOCK_H
#include <stddef.h>

/* Takes the lock, waiting up to wait_ms (0: not at all, -1: for ever) while emitting one
 * "lock_wait" event; gives up (exit 0) when the agent goes away (stdin closed) or a signal
 * arrives on sig_fd. On refusal emits "fatal" with "locked":true, naming the holder, and
 * exits 3. On success writes `owner` into the file and the lock's identity (device and
 * inode of the file) into tag. Returns the lock's file descriptor (kept open). */
int node_lock_take(const char *run_dir, long wait_ms, const char *owner, int sig_fd, char *tag, size_t tag_len);
#endif

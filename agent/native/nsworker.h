/* One thread per watched network namespace. The thread setns()es into its namespace (it is
 * never shared with other work), follows the links there over rtnetlink and performs every
 * tc attach/detach of that namespace. */
#ifndef IFLOW_NSWORKER_H
#define IFLOW_NSWORKER_H
#include "tc.h"

struct nsworker;

/* Opens `path` (an nsfs file), starts the thread. Emits "watched" then "link" events and
 * "links_done"; or an "error" event and returns NULL. */
struct nsworker *nsworker_start(int id, const char *path, const struct tc_progs *progs);
void nsworker_attach(struct nsworker *w, int ifindex);
void nsworker_detach(struct nsworker *w, int ifindex);
/* Checks every hook of the namespace; emits "hook_lost" for each one no longer in place. */
void nsworker_verify(struct nsworker *w);
/* Detaches everything this worker attached, stops and frees it; emits "unwatched". */
void nsworker_stop(struct nsworker *w);
#endif

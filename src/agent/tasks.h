/*
 * The agent's side of the server's tasks (issue 6): a watcher that
 * long-polls GET /api/v1/tasks and carries out "isolate" (snapshot,
 * evidence, record, nftables ruleset, result) and "release".
 *
 * In service mode the watcher is a child process of the agent, the only
 * one that sets libcurl up, so that the service itself stays small; the
 * service restarts it when it dies (with a backoff) and stops it when it
 * stops.
 */
#ifndef VG_AGENT_TASKS_H
#define VG_AGENT_TASKS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

#define VG_TASKS_WAIT 30               /* seconds the server may hold a poll */
#define VG_TASKS_BACKOFF_MIN 1         /* first retry when the server is down */
#define VG_TASKS_BACKOFF_MAX 60        /* retries never wait longer, seconds */
#define VG_TASKS_MAX_ANSWER (1u << 20) /* one tasks answer */
#define VG_TASKS_MAX_PER_POLL 64       /* tasks handled from one answer */

struct vg_agent_state;

/*
 * Poll the server for tasks and carry them out, until *stop becomes
 * non-zero; with once, a single poll that does not wait (wait=0).
 * state_dir holds isolation.json; root is what the snapshot reads ("/").
 * Needs vg_upload_global_init. VG_OK when stopped (or after the single
 * poll); VG_ERR_IO with the reason when the single poll failed.
 */
enum vg_rc vg_tasks_watch(const struct vg_agent_state *st,
			  const char *state_dir, const char *root, bool once,
			  const volatile sig_atomic_t *stop,
			  struct vg_err *err);

/* The watcher process as the service sees it. */
struct vg_tasks_watcher {
	pid_t pid;          /* running child, or 0 */
	unsigned failures;  /* consecutive early deaths */
	int64_t next_start; /* CLOCK_MONOTONIC ns before which not to
			     * start it again */
	int64_t started;    /* when the running one started, ns */
};

void vg_tasks_watcher_init(struct vg_tasks_watcher *w);

/*
 * Reap the watcher if it ended and start it when none runs (and its
 * backoff allows). close_fd (or -1) is closed in the child: the state
 * directory's lock stays with the service alone. Cheap: call it often.
 */
void vg_tasks_watcher_tend(struct vg_tasks_watcher *w,
			   const struct vg_agent_state *st,
			   const char *state_dir, const char *root,
			   int close_fd, const volatile sig_atomic_t *stop);

/* Stop the watcher (SIGTERM, then SIGKILL after a few seconds). */
void vg_tasks_watcher_stop(struct vg_tasks_watcher *w);

#endif

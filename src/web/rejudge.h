/*
 * Judging every stored host again (a policy reloaded, new vulnerability
 * feeds): the server's code path, also timed by bench/rematch. The hosts
 * are shared among threads by id (vg_store_rejudge_part), each thread
 * with a store connection of its own, so a re-judgement uses every core
 * while requests go on being served on the server's own connections.
 */
#ifndef VG_WEB_REJUDGE_H
#define VG_WEB_REJUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"
#include "util/err.h"

/* Threads at most (one per core, as the request pool). */
#define VG_REJUDGE_MAX_THREADS 64

struct vg_rejudge_run {
	const char *db;            /* the SQLite store's path */
	const struct vg_policy *p; /* judged under it */
	/* Match the packages against the store's feeds first (they hold
	 * package data), feeds_state their state (vuln/memo.h). */
	bool match;
	int64_t feeds_state;
	unsigned threads; /* 0: one per online core */
};

/*
 * Judge every host's latest facts again under run->p, matching them
 * anew when run->match, with the incidents naming each host (R10).
 * *n_hosts: hosts judged. The first thread's failure is returned (the
 * others finish their share).
 */
enum vg_rc vg_rejudge_all(const struct vg_rejudge_run *run, size_t *n_hosts,
			  struct vg_err *err);

#endif

/*
 * The re-judgement of every host (web/rejudge.h): threads of a share
 * each, joined before returning.
 */
#include "util/common.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "respond/incident_facts.h"
#include "store/store.h"
#include "util/threads.h"
#include "vuln/match.h"
#include "vuln/memo.h"
#include "web/rejudge.h"
#include "util/banned.h"

/* One thread's share: its part, its store, its remembered lookups. */
struct share {
	const struct vg_rejudge_run *run;
	unsigned part, parts;
	struct vg_store *store;
	struct vg_vuln_cache *cache; /* NULL: not matching */
	size_t n;
	enum vg_rc rc;
	struct vg_err err;
	pthread_t tid;
	bool started;
};

/* The hook: match the host's packages anew (once per package set: the
 * memo; every set asks the same packages: the cache reads each once),
 * then read its incidents. */
static enum vg_rc
prejudge(void *ctx, struct vg_facts *f, const char *packages_ref,
	 struct vg_err *err)
{
	struct share *sh = ctx;
	enum vg_rc r;

	if (sh->cache != NULL &&
	    (r = vg_vuln_match_memo(f, packages_ref, sh->run->feeds_state,
				    vg_vuln_cache_lookup, sh->cache, err)) !=
		    VG_OK)
		return r;
	return vg_incident_facts_fill(sh->store, f, err);
}

static void *
share_run(void *arg)
{
	struct share *sh = arg;

	if ((sh->rc = vg_store_open_sqlite(&sh->store, sh->run->db,
					   &sh->err)) != VG_OK)
		return NULL;
	if (sh->run->match &&
	    (sh->cache = vg_vuln_cache_new(vg_store_vuln_lookup_cb,
					   sh->store)) == NULL) {
		sh->rc = vg_err_set(&sh->err, VG_ERR_NOMEM, _("out of memory"));
		return NULL;
	}
	sh->rc = vg_store_rejudge_part(sh->store, sh->run->p, 0, prejudge, sh,
				       sh->part, sh->parts, &sh->n, &sh->err);
	return NULL;
}

enum vg_rc
vg_rejudge_all(const struct vg_rejudge_run *run, size_t *n_hosts,
	       struct vg_err *err)
{
	unsigned n = vg_thread_count(run->threads, VG_REJUDGE_MAX_THREADS), i;
	struct share *sh;
	enum vg_rc rc = VG_OK;

	*n_hosts = 0;
	if ((sh = calloc(n, sizeof(*sh))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	for (i = 0; i < n; i++) {
		sh[i].run = run;
		sh[i].part = i;
		sh[i].parts = n;
		vg_err_clear(&sh[i].err);
	}
	/* The first share in this thread: one thread needs no other. */
	for (i = 1; i < n; i++)
		sh[i].started = pthread_create(&sh[i].tid, NULL, share_run,
					       &sh[i]) == 0;
	(void)share_run(&sh[0]);
	for (i = 1; i < n; i++) {
		if (sh[i].started)
			(void)pthread_join(sh[i].tid, NULL);
		else /* no thread: its share here, after the first */
			(void)share_run(&sh[i]);
	}
	for (i = 0; i < n; i++) {
		*n_hosts += sh[i].n;
		if (sh[i].rc != VG_OK && rc == VG_OK) {
			rc = sh[i].rc;
			*err = sh[i].err;
		}
		vg_vuln_cache_free(sh[i].cache);
		vg_store_free(sh[i].store);
	}
	free(sh);
	return rc;
}

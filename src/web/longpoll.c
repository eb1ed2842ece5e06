/*
 * The agents' long-poll (longpoll.h): a waiting list of suspended
 * connections and the thread that resumes them. One mutex guards the
 * list; a connection is suspended and added under it, and resumed and
 * removed under it, so the waker never resumes a connection that is
 * not suspended (undefined behaviour for libmicrohttpd).
 *
 * A lost wake-up is avoided with a generation count: the handler's run
 * notes it before reading the store; a wake-up counted since means a
 * task may have come between that read and the suspension, so the
 * request is answered at once instead of held.
 */
#include "util/common.h"

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "web/longpoll.h"
#include "util/log.h"
#include "util/banned.h"

/* Milliseconds a stop waits for the held requests' answers to go. */
#define LONGPOLL_DRAIN_MS 1000
/* Agents woken by name per look; more new tasks than this wake all. */
#define LONGPOLL_WAKE_AGENTS 256

struct vg_longpoll {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* the waker's sleep, cut short by stop */
	pthread_t thread;
	bool stopping;
	uint64_t gen; /* wake-ups for new tasks (atomic, written under lock) */
	struct vg_longpoll_req **waiting;
	size_t n;
	size_t max;             /* held at once (vg_longpoll_set_max) */
	struct vg_store *store; /* the waker's own */
	int64_t last_id;        /* highest task id seen */
	size_t draining;        /* resumed by the stop, not yet completed */
};

static _Thread_local struct vg_longpoll_req *current;

int64_t
vg_longpoll_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
vg_longpoll_enter(struct vg_longpoll *lp, struct vg_longpoll_req *r)
{
	current = NULL;
	if (lp == NULL)
		return;
	r->hold = false;
	r->gen = __atomic_load_n(&lp->gen, __ATOMIC_ACQUIRE);
	current = r;
}

void
vg_longpoll_leave(void)
{
	current = NULL;
}

struct vg_longpoll_req *
vg_longpoll_current(void)
{
	return current;
}

/* Take waiter i out of the list and resume it; under lock. */
static void
wake(struct vg_longpoll *lp, size_t i, bool due)
{
	struct vg_longpoll_req *r = lp->waiting[i];

	lp->waiting[i] = lp->waiting[--lp->n];
	lp->waiting[i]->slot = i;
	r->held = false;
	r->due = due;
	if (lp->stopping) {
		r->drain = true;
		lp->draining++;
	}
	MHD_resume_connection(r->conn);
}

bool
vg_longpoll_suspend(struct vg_longpoll *lp, struct MHD_Connection *c,
		    struct vg_longpoll_req *r)
{
	size_t i;
	bool ok;

	r->hold = false;
	if (lp == NULL) {
		r->due = true;
		return false;
	}
	(void)pthread_mutex_lock(&lp->lock);
	/* One held request per agent: a new one answers the older at once,
	 * so an agent (or a stolen credential) holds one connection, not
	 * as many as it opens. */
	if (!lp->stopping && !r->held)
		for (i = 0; i < lp->n; i++)
			if (strcmp(lp->waiting[i]->agent_id, r->agent_id) ==
			    0) {
				wake(lp, i, true);
				break;
			}
	ok = !lp->stopping && lp->n < lp->max && r->gen == lp->gen && !r->held;
	if (ok) {
		r->conn = c;
		r->slot = lp->n;
		r->held = true;
		r->due = false;
		lp->waiting[lp->n++] = r;
		MHD_suspend_connection(c);
	} else
		r->due = true;
	(void)pthread_mutex_unlock(&lp->lock);
	return ok;
}

void
vg_longpoll_set_max(struct vg_longpoll *lp, size_t max)
{
	(void)pthread_mutex_lock(&lp->lock);
	lp->max = max < VG_LONGPOLL_MAX ? max : VG_LONGPOLL_MAX;
	(void)pthread_mutex_unlock(&lp->lock);
}

void
vg_longpoll_forget(struct vg_longpoll *lp, struct vg_longpoll_req *r)
{
	if (lp == NULL)
		return;
	(void)pthread_mutex_lock(&lp->lock);
	if (r->held && r->slot < lp->n && lp->waiting[r->slot] == r) {
		lp->waiting[r->slot] = lp->waiting[--lp->n];
		lp->waiting[r->slot]->slot = r->slot;
		r->held = false;
	}
	if (r->drain) {
		r->drain = false;
		if (lp->draining > 0 && --lp->draining == 0)
			(void)pthread_cond_broadcast(&lp->cond);
	}
	(void)pthread_mutex_unlock(&lp->lock);
}

/* Resume the waits past their deadline; under lock. */
static void
wake_expired(struct vg_longpoll *lp, int64_t now)
{
	size_t i = 0;

	while (i < lp->n)
		if (lp->waiting[i]->deadline_ms <= now)
			wake(lp, i, true); /* i now holds another waiter */
		else
			i++;
}

/*
 * The agents of the tasks after `after` into agents (at most max, as
 * pointers into list, which the caller decrefs); false when they cannot
 * be told apart (the store failed, too many): then all are woken.
 */
static bool
new_agents(struct vg_longpoll *lp, int64_t after, json_t **list,
	   const char **agents, size_t max, size_t *n)
{
	struct vg_err err;
	const json_t *t;
	size_t i;

	*n = 0;
	vg_err_clear(&err);
	if (vg_store_tasks_list(lp->store, 0, list, &err) != VG_OK) {
		log_warnx(_("long-poll: cannot list the tasks: %s"), err.msg);
		return false;
	}
	/* Newest first: stop at the first one already seen. */
	json_array_foreach(*list, i, t)
	{
		if (json_integer_value(json_object_get(t, "id")) <= after)
			break;
		if (*n >= max)
			return false;
		agents[*n] = json_string_value(json_object_get(t, "agent_id"));
		if (agents[*n] != NULL)
			(*n)++;
	}
	return true;
}

/* Look at the store: new tasks wake their agents' waiters. */
static void
look(struct vg_longpoll *lp)
{
	const char *agents[LONGPOLL_WAKE_AGENTS];
	json_t *list = NULL;
	struct vg_err err;
	int64_t last = 0;
	size_t n = 0, i, j;
	bool keyed, hit;

	vg_err_clear(&err);
	if (vg_store_tasks_last_id(lp->store, &last, &err) != VG_OK) {
		log_warnx(_("long-poll: cannot read the tasks: %s"), err.msg);
		return;
	}
	if (last <= lp->last_id)
		return;
	keyed = new_agents(lp, lp->last_id, &list, agents, VG_ARRAY_LEN(agents),
			   &n);
	lp->last_id = last;
	(void)pthread_mutex_lock(&lp->lock);
	(void)__atomic_add_fetch(&lp->gen, 1, __ATOMIC_RELEASE);
	i = 0;
	while (i < lp->n) {
		hit = !keyed;
		for (j = 0; !hit && j < n; j++)
			hit = strcmp(lp->waiting[i]->agent_id, agents[j]) == 0;
		if (hit)
			wake(lp, i, false);
		else
			i++;
	}
	(void)pthread_mutex_unlock(&lp->lock);
	json_decref(list);
}

static void *
waker(void *arg)
{
	struct vg_longpoll *lp = arg;
	struct timespec until;

	(void)pthread_mutex_lock(&lp->lock);
	while (!lp->stopping) {
		(void)clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += VG_LONGPOLL_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&lp->cond, &lp->lock, &until);
		if (lp->stopping)
			break;
		wake_expired(lp, vg_longpoll_now_ms());
		/* The store is read without the lock: holds go on. */
		(void)pthread_mutex_unlock(&lp->lock);
		look(lp);
		(void)pthread_mutex_lock(&lp->lock);
	}
	(void)pthread_mutex_unlock(&lp->lock);
	return NULL;
}

enum vg_rc
vg_longpoll_start(struct vg_longpoll **out, const char *db, struct vg_err *err)
{
	struct vg_longpoll *lp;
	pthread_condattr_t ca;
	enum vg_rc rc;
	int e;

	*out = NULL;
	if ((lp = calloc(1, sizeof(*lp))) == NULL ||
	    (lp->waiting = calloc(VG_LONGPOLL_MAX, sizeof(*lp->waiting))) ==
		    NULL) {
		free(lp);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	lp->max = VG_LONGPOLL_MAX;
	if ((rc = vg_store_open_sqlite(&lp->store, db, err)) != VG_OK ||
	    (rc = vg_store_tasks_last_id(lp->store, &lp->last_id, err)) !=
		    VG_OK) {
		vg_store_free(lp->store);
		free(lp->waiting);
		free(lp);
		return rc;
	}
	(void)pthread_mutex_init(&lp->lock, NULL);
	(void)pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&lp->cond, &ca);
	(void)pthread_condattr_destroy(&ca);
	if ((e = pthread_create(&lp->thread, NULL, waker, lp)) != 0) {
		(void)pthread_cond_destroy(&lp->cond);
		(void)pthread_mutex_destroy(&lp->lock);
		vg_store_free(lp->store);
		free(lp->waiting);
		free(lp);
		return vg_err_set(err, VG_ERR_IO,
				  _("cannot start the long-poll thread: %s"),
				  strerror(e));
	}
	*out = lp;
	return VG_OK;
}

void
vg_longpoll_stop(struct vg_longpoll *lp)
{
	struct timespec until;
	bool join;

	if (lp == NULL)
		return;
	(void)pthread_mutex_lock(&lp->lock);
	join = !lp->stopping;
	lp->stopping = true;
	while (lp->n > 0)
		wake(lp, lp->n - 1, true);
	(void)pthread_cond_broadcast(&lp->cond);
	/* Their answers are sent by the workers: MHD_stop_daemon would cut
	 * them off. A client gone completes too; the bound covers the
	 * rest. */
	(void)clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += LONGPOLL_DRAIN_MS / 1000;
	while (lp->draining > 0 &&
	       pthread_cond_timedwait(&lp->cond, &lp->lock, &until) !=
		       ETIMEDOUT)
		;
	(void)pthread_mutex_unlock(&lp->lock);
	if (join)
		(void)pthread_join(lp->thread, NULL);
}

void
vg_longpoll_free(struct vg_longpoll *lp)
{
	if (lp == NULL)
		return;
	vg_longpoll_stop(lp);
	(void)pthread_cond_destroy(&lp->cond);
	(void)pthread_mutex_destroy(&lp->lock);
	vg_store_free(lp->store);
	free(lp->waiting);
	free(lp);
}

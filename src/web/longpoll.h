/*
 * The agents' long-poll (GET /api/v1/tasks?wait=S) without a worker
 * thread per waiting agent: a request with nothing to answer yet is
 * suspended (libmicrohttpd's MHD_suspend_connection) in a bounded
 * waiting list keyed by agent id, and a small thread of its own, on its
 * own store connection, looks at tasks_last_id every
 * VG_LONGPOLL_TICK_MS: when it grew, the waiters of the agents the new
 * tasks are for are resumed (their handler runs again and finds them);
 * a wait past its deadline is resumed to answer an empty list. Tasks
 * queued by another process on the same store are seen the same way.
 *
 * The handlers (api_tasks.c) know nothing of libmicrohttpd: the server
 * hands the request's state to the handler through vg_longpoll_enter /
 * vg_longpoll_current, and the handler asks to be held by setting
 * hold. Private to web/.
 */
#ifndef VG_WEB_LONGPOLL_H
#define VG_WEB_LONGPOLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "web/http.h"
#include "util/err.h"

#define VG_LONGPOLL_MAX 10000   /* requests held at once; then no wait */
#define VG_LONGPOLL_TICK_MS 200 /* between two looks at the store */
#define VG_TASKS_WAIT_MAX 60    /* seconds an agent may ask to wait */
#define VG_TASKS_EVIDENCE_MAX (16u << 20) /* an evidence document */
#define VG_TASKS_RESULT_MAX (64u << 10)   /* an agent's answer */

struct vg_longpoll;
struct MHD_Connection;

/* A request's long-poll, kept by the server with its connection (zero
 * it once, when the request starts). */
struct vg_longpoll_req {
	/* Set by the handler. */
	bool hold;           /* hold me until a task or deadline_ms */
	int64_t deadline_ms; /* vg_longpoll_now_ms() clock; 0: not yet */
	char agent_id[VG_STORE_ID_MAX];
	/* Set by the long-poll. */
	bool due;     /* answer now: deadline, shutdown, or not held */
	uint64_t gen; /* the wake-ups counted when the handler began */
	bool held;    /* in the waiting list */
	bool drain;   /* resumed by the stop: awaited until completed */
	size_t slot;  /* its index there */
	struct MHD_Connection *conn;
};

/* Start the waker thread on its own connection to the store at db. */
enum vg_rc vg_longpoll_start(struct vg_longpoll **out, const char *db,
			     struct vg_err *err);
/* Resume every waiter (they answer at once: an empty list), refuse new
 * ones, wait (a second at most) until their answers are sent, and end
 * the thread: before MHD_stop_daemon. NULL-safe. */
void vg_longpoll_stop(struct vg_longpoll *lp);
/* Free (after MHD_stop_daemon; NULL-safe). */
void vg_longpoll_free(struct vg_longpoll *lp);

/* Around a handler's run in the server's worker thread: r becomes what
 * vg_longpoll_current answers (lp NULL: requests are never held). */
void vg_longpoll_enter(struct vg_longpoll *lp, struct vg_longpoll_req *r);
void vg_longpoll_leave(void);
/* The long-poll state of the request this thread is handling, or NULL
 * when it cannot be held (no server: unit tests). */
struct vg_longpoll_req *vg_longpoll_current(void);
/* Milliseconds of a monotonic clock. */
int64_t vg_longpoll_now_ms(void);

/*
 * Hold r's connection c (from the access handler, after a handler set
 * r->hold): true when suspended; false with r->due set when it cannot
 * be (the list is full, the server stops, or a task came since the
 * handler began): then answer at once.
 */
bool vg_longpoll_suspend(struct vg_longpoll *lp, struct MHD_Connection *c,
			 struct vg_longpoll_req *r);
/* Hold at most max requests at once (and never more than
 * VG_LONGPOLL_MAX): the server keeps connections for everything else. */
void vg_longpoll_set_max(struct vg_longpoll *lp, size_t max);

/* The request of r ended (its answer sent, or the client gone): take r
 * out of the waiting list if it is there. */
void vg_longpoll_forget(struct vg_longpoll *lp, struct vg_longpoll_req *r);

/* The tasks API (api_tasks.c, docs in the notes): GET /api/v1/tasks,
 * POST /api/v1/tasks/{}/evidence, POST /api/v1/tasks/{}/result. Their
 * credentials are an agent's: precheck vg_api_reports_auth. */
void vg_api_tasks_get(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp);
void vg_api_task_evidence(const struct vg_api_ctx *ctx,
			  const struct vg_http_request *req,
			  struct vg_http_response *resp);
void vg_api_task_result(const struct vg_api_ctx *ctx,
			const struct vg_http_request *req,
			struct vg_http_response *resp);

#endif

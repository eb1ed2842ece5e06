/*
 * Agent tasks (isolation) in SQLite (migration 11, store.h): what
 * `vigie incident isolate|release` queues for a host's agent, what the
 * agent fetches over its long-poll, its answer, and the volatile
 * evidence it sends before acting. Every change that matters to the
 * incident is appended to its timeline in the same BEGIN IMMEDIATE
 * transaction (sq_timeline_append_tx), so the chain and the task rows
 * never disagree. Statements are prepared on first use in q->tst.
 */
#include "util/common.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/zstd_lazy.h"
#include "util/banned.h"

/* An evidence document at most (the API's body ceiling). */
#define TASK_EVIDENCE_MAX (16u << 20)
/* A payload's JSON text at most: today "{}". */
#define TASK_PAYLOAD_MAX (64u << 10)
/* An agent's answer's detail at most (bytes of UTF-8). */
#define TASK_DETAIL_MAX 4096
/* Tasks handed out per fetch: the rest come at the next one. */
#define TASK_FETCH_MAX 64
/* zstd level of evidence bodies, as for facts. */
#define TASK_ZSTD_LEVEL 3
/* The answer's timeline actor: "agent:" and the agent's id. */
#define TASK_ACTOR_MAX (VG_STORE_ID_MAX + 8)

/* Slots of q->tst. */
enum {
	T_INCIDENT,
	T_HOST,
	T_ADD,
	T_FETCH,
	T_DELIVER,
	T_GET,
	T_ANSWER,
	T_LIST_INC,
	T_LIST_ALL,
	T_LAST,
	T_EV_ADD,
	T_EV_GET,
	T_EV_COUNT,
	T_SLOTS
};
_Static_assert(T_SLOTS <= SQ_TASK_SLOTS, "task statements fit their slots");

#define T_LIST_COLS                                                            \
	"SELECT t.id, t.incident_id, h.hostname, t.agent_id, t.kind,"          \
	" t.state, t.detail, t.created_at, t.delivered_at, t.answered_at"      \
	" FROM tasks t JOIN hosts h ON h.id = t.host_id"

static const char *const t_sql[T_SLOTS] = {
	[T_INCIDENT] = "SELECT 1 FROM incidents WHERE id = ?1",
	/* Several hosts may bear one name (two agents, a local scan): the
	 * incident's own asset first, then one with a live agent, then the
	 * newest. */
	[T_HOST] = "SELECT h.id, g.id FROM hosts h"
		   " LEFT JOIN agents g ON g.id = h.agent_id"
		   " WHERE h.hostname = ?1 AND h.kind = 'host'"
		   " ORDER BY EXISTS(SELECT 1 FROM incident_assets a"
		   "  WHERE a.incident_id = ?2 AND a.host_id = h.id) DESC,"
		   " g.id IS NULL, h.id DESC LIMIT 1",
	[T_ADD] = "INSERT INTO tasks(incident_id, host_id, agent_id, kind,"
		  " payload, state, created_at)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6)",
	/* Along tasks_agent(agent_id, state, id). */
	[T_FETCH] = "SELECT id, kind, incident_id, payload, created_at, state"
		    " FROM tasks WHERE agent_id = ?1"
		    " AND state IN ('pending', 'delivered')"
		    " ORDER BY id LIMIT ?2",
	[T_DELIVER] = "UPDATE tasks SET state = 'delivered', delivered_at = ?2"
		      " WHERE id = ?1 AND state = 'pending'",
	[T_GET] = "SELECT t.agent_id, t.state, t.kind, t.incident_id,"
		  " h.hostname FROM tasks t JOIN hosts h ON h.id = t.host_id"
		  " WHERE t.id = ?1",
	[T_ANSWER] = "UPDATE tasks SET state = ?2, detail = ?3,"
		     " answered_at = ?4 WHERE id = ?1"
		     " AND state IN ('pending', 'delivered')",
	[T_LIST_INC] = T_LIST_COLS " WHERE t.incident_id = ?1"
				   " ORDER BY t.id DESC",
	[T_LIST_ALL] = T_LIST_COLS " ORDER BY t.id DESC",
	[T_LAST] = "SELECT COALESCE(MAX(id), 0) FROM tasks",
	[T_EV_ADD] = "INSERT INTO evidence(task_id, received_at, digest,"
		     " bytes, body) VALUES (?1, ?2, ?3, ?4, ?5)",
	[T_EV_GET] = "SELECT task_id, bytes, body FROM evidence WHERE id = ?1",
	[T_EV_COUNT] = "SELECT count(*) FROM evidence WHERE task_id = ?1",
};

/* A task as read inside a transaction (T_GET). */
struct task_row {
	char agent[VG_STORE_ID_MAX];
	char state[16];
	char kind[16];
	char host[VG_STORE_NAME_MAX];
	int64_t incident;
};

static sqlite3_stmt *
stmt(struct sq *q, int i, struct vg_err *err)
{
	return sq_stmt_cached(q, &q->tst[i], t_sql[i], err);
}

/* True when s is set, not empty and shorter than size (with its NUL). */
static bool
text_ok(const char *s, size_t size)
{
	return s != NULL && s[0] != '\0' && strnlen(s, size) < size;
}

/* Copy text column i into dst (size); false when absent or too long. */
static bool
col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	dst[0] = '\0';
	if (s == NULL || n >= size || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* Column i as JSON: an integer, a string or null. */
static json_t *
col_value(sqlite3_stmt *st, int i)
{
	json_t *v;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_NULL:
		return json_null();
	default:
		/* Text not ours (not UTF-8) is shown as null. */
		v = json_stringn((const char *)sqlite3_column_text(st, i),
				 (size_t)sqlite3_column_bytes(st, i));
		return v != NULL ? v : json_null();
	}
}

/* Leave the transaction: ROLLBACK after a failure (rc not VG_OK). */
static enum vg_rc
tx_end(struct sq *q, enum vg_rc rc, struct vg_err *err)
{
	if (rc == VG_OK)
		rc = sq_exec(q, "COMMIT", err);
	if (rc != VG_OK)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* d as compact JSON text (caller frees); NULL when out of memory. */
static char *
detail_text(json_t *d)
{
	char *s = d != NULL ? json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER)
			    : NULL;

	json_decref(d);
	return s;
}

/* Append kind with detail d (consumed) to incident's timeline; in the
 * caller's transaction. */
static enum vg_rc
append(struct sq *q, int64_t incident, int64_t at, const char *actor,
       const char *kind, json_t *d, struct vg_err *err)
{
	char *text = detail_text(d);
	int64_t seq = 0;
	enum vg_rc rc;

	if (text == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	rc = sq_timeline_append_tx(q, incident, at, actor, kind, text, &seq,
				   err);
	free(text);
	return rc;
}

/* Read task id into row; VG_ERR_NOTFOUND when unknown. */
static enum vg_rc
task_read(struct sq *q, int64_t id, struct task_row *row, struct vg_err *err)
{
	sqlite3_stmt *st;
	int step;
	bool ok;

	if ((st = stmt(q, T_GET, err)) == NULL)
		return VG_ERR_STORE;
	(void)sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sq_reset(st);
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no task %lld"),
				  (long long)id);
	}
	if (step != SQLITE_ROW) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the task"));
	}
	ok = col_text(st, 0, row->agent, sizeof(row->agent)) &&
		col_text(st, 1, row->state, sizeof(row->state)) &&
		col_text(st, 2, row->kind, sizeof(row->kind)) &&
		col_text(st, 4, row->host, sizeof(row->host));
	row->incident = sqlite3_column_int64(st, 3);
	sq_reset(st);
	return ok ? VG_OK
		  : vg_err_set(err, VG_ERR_STORE,
			       _("store '%s': task %lld is damaged"), q->path,
			       (long long)id);
}

/* The task's own agent, or NOTFOUND as for an unknown id (no agent
 * learns another's task ids). */
static enum vg_rc
task_of_agent(struct sq *q, int64_t id, const char *agent_id,
	      struct task_row *row, struct vg_err *err)
{
	enum vg_rc rc = task_read(q, id, row, err);

	if (rc == VG_OK && strcmp(row->agent, agent_id) != 0)
		rc = vg_err_set(err, VG_ERR_NOTFOUND, _("no task %lld"),
				(long long)id);
	return rc;
}

/* The host named name for incident: its id and its agent's. */
static enum vg_rc
host_agent(struct sq *q, const char *name, int64_t incident, int64_t *host,
	   char agent[VG_STORE_ID_MAX], struct vg_err *err)
{
	sqlite3_stmt *st;
	enum vg_rc rc = VG_OK;
	int step;

	if ((st = stmt(q, T_HOST, err)) == NULL)
		return VG_ERR_STORE;
	(void)sq_bind_text(st, 1, name);
	(void)sqlite3_bind_int64(st, 2, incident);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = vg_err_set(err, VG_ERR_NOTFOUND, _("unknown host '%s'"),
				name);
	else if (step != SQLITE_ROW)
		rc = sq_fail(q, err, _("cannot read the host"));
	else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		rc = vg_err_set(err, VG_ERR_NOTFOUND,
				_("host '%s' has no agent: it cannot be "
				  "reached"),
				name);
	else {
		*host = sqlite3_column_int64(st, 0);
		if (!col_text(st, 1, agent, VG_STORE_ID_MAX))
			rc = vg_err_set(err, VG_ERR_STORE,
					_("store '%s': host '%s' is damaged"),
					q->path, name);
	}
	sq_reset(st);
	return rc;
}

static enum vg_rc
incident_known(struct sq *q, int64_t id, struct vg_err *err)
{
	sqlite3_stmt *st;
	int step;

	if ((st = stmt(q, T_INCIDENT, err)) == NULL)
		return VG_ERR_STORE;
	(void)sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	sq_reset(st);
	if (step == SQLITE_ROW)
		return VG_OK;
	if (step == SQLITE_DONE)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no incident %lld"),
				  (long long)id);
	return sq_fail(q, err, _("cannot read the incident"));
}

/* A JSON object's text within TASK_PAYLOAD_MAX. */
static bool
payload_ok(const char *payload)
{
	json_t *v;
	bool ok;

	if (payload == NULL ||
	    strnlen(payload, TASK_PAYLOAD_MAX) >= TASK_PAYLOAD_MAX)
		return false;
	v = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	ok = json_is_object(v);
	json_decref(v);
	return ok;
}

enum vg_rc
sq_task_add(struct vg_store *s, int64_t incident_id, const char *host,
	    const char *kind, const char *payload, const char *actor,
	    int64_t now, int64_t *task_id, struct vg_err *err)
{
	struct sq *q = s->impl;
	char agent[VG_STORE_ID_MAX];
	sqlite3_stmt *st;
	int64_t host_id = 0;
	enum vg_rc rc;

	*task_id = 0;
	if (kind == NULL ||
	    (strcmp(kind, "isolate") != 0 && strcmp(kind, "release") != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: task kind must be isolate or "
				    "release"));
	if (!text_ok(host, VG_STORE_NAME_MAX) ||
	    !text_ok(actor, VG_STORE_NAME_MAX))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: host or actor is missing or too "
				    "long"));
	if (!payload_ok(payload))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a task's payload must be a JSON "
				    "object"));
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		return rc;
	if ((rc = incident_known(q, incident_id, err)) != VG_OK ||
	    (rc = host_agent(q, host, incident_id, &host_id, agent, err)) !=
		    VG_OK)
		return tx_end(q, rc, err);
	if ((st = stmt(q, T_ADD, err)) == NULL)
		return tx_end(q, VG_ERR_STORE, err);
	(void)sqlite3_bind_int64(st, 1, incident_id);
	(void)sqlite3_bind_int64(st, 2, host_id);
	(void)sq_bind_text(st, 3, agent);
	(void)sq_bind_text(st, 4, kind);
	(void)sq_bind_text(st, 5, payload);
	(void)sqlite3_bind_int64(st, 6, now);
	if (!sq_step_done(st)) {
		sq_reset(st);
		return tx_end(q, sq_fail(q, err, _("cannot queue the task")),
			      err);
	}
	*task_id = sqlite3_last_insert_rowid(q->db);
	rc = append(q, incident_id, now, actor, kind,
		    json_pack("{s:I, s:s}", "task", (json_int_t)*task_id,
			      "host", host),
		    err);
	rc = tx_end(q, rc, err);
	if (rc != VG_OK)
		*task_id = 0;
	return rc;
}

/*
 * The agent's unanswered tasks into out (a new array); *pending counts
 * those not yet delivered. Outside or inside a transaction.
 */
static enum vg_rc
fetch_rows(struct sq *q, const char *agent_id, json_t **out, size_t *pending,
	   struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *arr, *t, *payload;
	const char *state;
	int step;

	*pending = 0;
	if ((arr = json_array()) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if ((st = stmt(q, T_FETCH, err)) == NULL) {
		json_decref(arr);
		return VG_ERR_STORE;
	}
	(void)sq_bind_text(st, 1, agent_id);
	(void)sqlite3_bind_int(st, 2, TASK_FETCH_MAX);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 3);

		/* Stored by task_add as an object; anything else was not
		 * written by us and is handed out as {}. */
		payload = text != NULL ? json_loads(text, 0, NULL) : NULL;
		if (!json_is_object(payload)) {
			json_decref(payload);
			payload = json_object();
		}
		t = json_pack("{s:I, s:o, s:I, s:o, s:I}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "kind",
			      col_value(st, 1), "incident_id",
			      (json_int_t)sqlite3_column_int64(st, 2),
			      "payload", payload, "created_at",
			      (json_int_t)sqlite3_column_int64(st, 4));
		if (t == NULL || json_array_append_new(arr, t) != 0) {
			sq_reset(st);
			json_decref(arr);
			return vg_err_set(err, VG_ERR_NOMEM,
					  _("out of memory"));
		}
		state = (const char *)sqlite3_column_text(st, 5);
		if (state != NULL && strcmp(state, "pending") == 0)
			(*pending)++;
	}
	sq_reset(st);
	if (step != SQLITE_DONE) {
		json_decref(arr);
		return sq_fail(q, err, _("cannot read the tasks"));
	}
	*out = arr;
	return VG_OK;
}

/* Mark the fetched pending tasks of arr delivered; in a transaction. */
static enum vg_rc
deliver(struct sq *q, const json_t *arr, int64_t now, struct vg_err *err)
{
	sqlite3_stmt *st;
	const json_t *t;
	size_t i;

	json_array_foreach(arr, i, t)
	{
		if ((st = stmt(q, T_DELIVER, err)) == NULL)
			return VG_ERR_STORE;
		(void)sqlite3_bind_int64(st, 1,
					 (sqlite3_int64)json_integer_value(
						 json_object_get(t, "id")));
		(void)sqlite3_bind_int64(st, 2, now);
		if (!sq_step_done(st)) {
			sq_reset(st);
			return sq_fail(q, err,
				       _("cannot mark the task "
					 "delivered"));
		}
	}
	return VG_OK;
}

/*
 * Most polls find nothing new: they read without taking the write lock.
 * Only when a task is still pending is the read done again inside BEGIN
 * IMMEDIATE, with the marking, so two polls of one agent agree.
 */
enum vg_rc
sq_task_fetch(struct vg_store *s, const char *agent_id, int64_t now,
	      json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	json_t *arr = NULL;
	size_t pending = 0;
	enum vg_rc rc;

	*out = NULL;
	if (!text_ok(agent_id, VG_STORE_ID_MAX))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: agent id is missing or too "
				    "long"));
	if ((rc = fetch_rows(q, agent_id, &arr, &pending, err)) != VG_OK)
		return rc;
	if (pending == 0) {
		*out = arr;
		return VG_OK;
	}
	json_decref(arr);
	arr = NULL;
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		return rc;
	if ((rc = fetch_rows(q, agent_id, &arr, &pending, err)) == VG_OK)
		rc = deliver(q, arr, now, err);
	if ((rc = tx_end(q, rc, err)) != VG_OK) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return VG_OK;
}

enum vg_rc
sq_task_result(struct vg_store *s, int64_t task_id, const char *agent_id,
	       const char *state, const char *detail, int64_t now,
	       struct vg_err *err)
{
	struct sq *q = s->impl;
	char actor[TASK_ACTOR_MAX];
	struct task_row row;
	sqlite3_stmt *st;
	json_t *jdetail;
	enum vg_rc rc;

	if (!text_ok(agent_id, VG_STORE_ID_MAX))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: agent id is missing or too "
				    "long"));
	if (state == NULL ||
	    (strcmp(state, "confirmed") != 0 && strcmp(state, "failed") != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a task's state must be confirmed "
				    "or failed"));
	if (detail == NULL)
		detail = "";
	if (strnlen(detail, TASK_DETAIL_MAX) >= TASK_DETAIL_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a task's detail is longer than "
				    "%d bytes"),
				  TASK_DETAIL_MAX - 1);
	/* The timeline is JSON: the detail must be UTF-8. */
	if ((jdetail = json_string(detail)) == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a task's detail is not UTF-8"));
	(void)snprintf(actor, sizeof(actor), "agent:%s", agent_id);
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK) {
		json_decref(jdetail);
		return rc;
	}
	if ((rc = task_of_agent(q, task_id, agent_id, &row, err)) != VG_OK)
		goto done;
	if (strcmp(row.state, "pending") != 0 &&
	    strcmp(row.state, "delivered") != 0) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("task %lld was already answered (%s)"),
				(long long)task_id, row.state);
		goto done;
	}
	if ((st = stmt(q, T_ANSWER, err)) == NULL) {
		rc = VG_ERR_STORE;
		goto done;
	}
	(void)sqlite3_bind_int64(st, 1, task_id);
	(void)sq_bind_text(st, 2, state);
	(void)sq_bind_text(st, 3, detail);
	(void)sqlite3_bind_int64(st, 4, now);
	if (!sq_step_done(st)) {
		sq_reset(st);
		rc = sq_fail(q, err, _("cannot record the answer"));
		goto done;
	}
	rc = append(q, row.incident, now, actor, "task",
		    json_pack("{s:I, s:s, s:s, s:s, s:O}", "task",
			      (json_int_t)task_id, "kind", row.kind, "host",
			      row.host, "state", state, "detail", jdetail),
		    err);
done:
	json_decref(jdetail);
	return tx_end(q, rc, err);
}

enum vg_rc
sq_tasks_list(struct vg_store *s, int64_t incident_id, json_t **out,
	      struct vg_err *err)
{
	static const char *const cols[] = {
		"id",           "incident_id", "host",   "agent_id",
		"kind",         "state",       "detail", "created_at",
		"delivered_at", "answered_at",
	};
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	json_t *arr, *t;
	size_t i;
	int step;

	*out = NULL;
	st = incident_id > 0 ? stmt(q, T_LIST_INC, err)
			     : stmt(q, T_LIST_ALL, err);
	if (st == NULL)
		return VG_ERR_STORE;
	if (incident_id > 0)
		(void)sqlite3_bind_int64(st, 1, incident_id);
	if ((arr = json_array()) == NULL) {
		sq_reset(st);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((t = json_object()) == NULL ||
		    json_array_append_new(arr, t) != 0)
			goto nomem;
		for (i = 0; i < VG_ARRAY_LEN(cols); i++)
			if (json_object_set_new(t, cols[i],
						col_value(st, (int)i)) != 0)
				goto nomem;
	}
	sq_reset(st);
	if (step != SQLITE_DONE) {
		json_decref(arr);
		return sq_fail(q, err, _("cannot list the tasks"));
	}
	*out = arr;
	return VG_OK;
nomem:
	sq_reset(st);
	json_decref(arr);
	return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
}

enum vg_rc
sq_tasks_last_id(struct vg_store *s, int64_t *id, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	int step;

	*id = 0;
	if ((st = stmt(q, T_LAST, err)) == NULL)
		return VG_ERR_STORE;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sq_reset(st);
	return step == SQLITE_ROW ? VG_OK
				  : sq_fail(q, err, _("cannot read the tasks"));
}

/* body compressed into *z (caller frees); the slow part, done before
 * the transaction. */
static enum vg_rc
compress(struct sq *q, const void *body, size_t len, void **z, size_t *zlen,
	 struct vg_err *err)
{
	size_t cap = ZSTD_compressBound(len), n;

	*z = NULL;
	if (q->zc == NULL && (q->zc = ZSTD_createCCtx()) == NULL)
		return vg_zstd_nomem(err);
	if ((*z = malloc(cap > 0 ? cap : 1)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	n = ZSTD_compressCCtx(q->zc, *z, cap, body, len, TASK_ZSTD_LEVEL);
	if (ZSTD_isError(n)) {
		free(*z);
		*z = NULL;
		return vg_err_set(err, VG_ERR_NOMEM,
				  _("cannot compress the evidence: %s"),
				  ZSTD_getErrorName(n));
	}
	*zlen = n;
	return VG_OK;
}

/*
 * Evidence is taken once, before an isolation is applied: for an
 * isolate task not yet answered, and only one document per task, so a
 * host's stolen credentials cannot fill the store or the timeline.
 * VG_ERR_USAGE otherwise (the API answers 409).
 */
static enum vg_rc
evidence_wanted(struct sq *q, int64_t task_id, const struct task_row *row,
		struct vg_err *err)
{
	sqlite3_stmt *st;
	int64_t n;

	if (strcmp(row->kind, "isolate") != 0 ||
	    (strcmp(row->state, "pending") != 0 &&
	     strcmp(row->state, "delivered") != 0))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("task %lld takes no evidence (only an "
				    "isolation not yet answered does)"),
				  (long long)task_id);
	if ((st = stmt(q, T_EV_COUNT, err)) == NULL)
		return VG_ERR_STORE;
	(void)sqlite3_bind_int64(st, 1, task_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the evidence"));
	}
	n = sqlite3_column_int64(st, 0);
	sq_reset(st);
	if (n > 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("task %lld already has its evidence"),
				  (long long)task_id);
	return VG_OK;
}

/* The timeline entry of an evidence: ids, size, digest, then summary's
 * members (ours win a clash). NULL when out of memory. */
static json_t *
evidence_detail(int64_t task, const char *host, int64_t ev, size_t len,
		const char *digest, const json_t *summary)
{
	json_t *d = json_object();
	const char *key;
	json_t *v;

	if (d == NULL)
		return NULL;
	if (json_is_object(summary))
		json_object_foreach((json_t *)summary, key,
				    v) if (json_object_set(d, key, v) !=
					   0) goto fail;
	if (json_object_set_new(d, "task", json_integer(task)) != 0 ||
	    json_object_set_new(d, "host", json_string(host)) != 0 ||
	    json_object_set_new(d, "evidence", json_integer(ev)) != 0 ||
	    json_object_set_new(d, "bytes", json_integer((json_int_t)len)) !=
		    0 ||
	    json_object_set_new(d, "blake2b", json_string(digest)) != 0)
		goto fail;
	return d;
fail:
	json_decref(d);
	return NULL;
}

enum vg_rc
sq_evidence_add(struct vg_store *s, int64_t task_id, const char *agent_id,
		const void *body, size_t len, const json_t *summary,
		int64_t now, int64_t *evidence_id, struct vg_err *err)
{
	struct sq *q = s->impl;
	unsigned char hash[crypto_generichash_BYTES];
	char digest[2 * crypto_generichash_BYTES + 1];
	char actor[TASK_ACTOR_MAX];
	struct task_row row;
	sqlite3_stmt *st;
	void *z = NULL;
	size_t zlen = 0;
	json_t *d;
	enum vg_rc rc;

	*evidence_id = 0;
	if (!text_ok(agent_id, VG_STORE_ID_MAX))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: agent id is missing or too "
				    "long"));
	if (body == NULL || len == 0 || len > TASK_EVIDENCE_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: evidence is empty or larger than "
				    "%u MiB"),
				  TASK_EVIDENCE_MAX >> 20);
	if (summary != NULL && !json_is_object(summary))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an evidence summary must be a "
				    "JSON object"));
	/* BLAKE2b-256 of the body as received: the chain vouches for it. */
	if (crypto_generichash(hash, sizeof(hash), body, len, NULL, 0) != 0)
		return vg_err_set(err, VG_ERR_NOMEM, _("cannot hash"));
	(void)sodium_bin2hex(digest, sizeof(digest), hash, sizeof(hash));
	if ((rc = compress(q, body, len, &z, &zlen, err)) != VG_OK)
		return rc;
	(void)snprintf(actor, sizeof(actor), "agent:%s", agent_id);
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto out;
	if ((rc = task_of_agent(q, task_id, agent_id, &row, err)) != VG_OK ||
	    (rc = evidence_wanted(q, task_id, &row, err)) != VG_OK)
		goto done;
	if ((st = stmt(q, T_EV_ADD, err)) == NULL) {
		rc = VG_ERR_STORE;
		goto done;
	}
	(void)sqlite3_bind_int64(st, 1, task_id);
	(void)sqlite3_bind_int64(st, 2, now);
	(void)sq_bind_text(st, 3, digest);
	(void)sqlite3_bind_int64(st, 4, (sqlite3_int64)len);
	(void)sqlite3_bind_blob(st, 5, z, (int)zlen, SQLITE_STATIC);
	if (!sq_step_done(st)) {
		sq_reset(st);
		rc = sq_fail(q, err, _("cannot record the evidence"));
		goto done;
	}
	*evidence_id = sqlite3_last_insert_rowid(q->db);
	d = evidence_detail(task_id, row.host, *evidence_id, len, digest,
			    summary);
	rc = d != NULL ? append(q, row.incident, now, actor, "evidence", d, err)
		       : vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
done:
	rc = tx_end(q, rc, err);
	if (rc != VG_OK)
		*evidence_id = 0;
out:
	free(z);
	return rc;
}

enum vg_rc
sq_evidence_get(struct vg_store *s, int64_t id, void **body, size_t *len,
		int64_t *task_id, struct vg_err *err)
{
	struct sq *q = s->impl;
	unsigned long long want;
	sqlite3_stmt *st;
	const void *z;
	size_t zlen, got;
	int64_t bytes;
	void *out = NULL;
	enum vg_rc rc = VG_OK;
	int step;

	*body = NULL;
	*len = 0;
	if ((st = stmt(q, T_EV_GET, err)) == NULL)
		return VG_ERR_STORE;
	(void)sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) != SQLITE_ROW) {
		sq_reset(st);
		return step == SQLITE_DONE
			? vg_err_set(err, VG_ERR_NOTFOUND,
				     _("no evidence %lld"), (long long)id)
			: sq_fail(q, err, _("cannot read the evidence"));
	}
	*task_id = sqlite3_column_int64(st, 0);
	bytes = sqlite3_column_int64(st, 1);
	z = sqlite3_column_blob(st, 2);
	zlen = (size_t)sqlite3_column_bytes(st, 2);
	/* The frame's declared size must be the recorded one, and within
	 * the ceiling, before anything is allocated. */
	want = z != NULL ? ZSTD_getFrameContentSize(z, zlen)
			 : ZSTD_CONTENTSIZE_ERROR;
	if (bytes <= 0 || bytes > (int64_t)TASK_EVIDENCE_MAX ||
	    want != (unsigned long long)bytes)
		goto damaged;
	if (q->zd == NULL && (q->zd = ZSTD_createDCtx()) == NULL) {
		rc = vg_zstd_nomem(err);
		goto out;
	}
	if ((out = malloc((size_t)bytes)) == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto out;
	}
	got = ZSTD_decompressDCtx(q->zd, out, (size_t)bytes, z, zlen);
	if (ZSTD_isError(got) || got != (size_t)bytes)
		goto damaged;
	*body = out;
	*len = got;
	sq_reset(st);
	return VG_OK;
damaged:
	rc = vg_err_set(err, VG_ERR_PARSE,
			_("store '%s': evidence %lld is damaged"), q->path,
			(long long)id);
out:
	free(out);
	sq_reset(st);
	return rc;
}

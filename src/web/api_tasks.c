/*
 * The agents' tasks (isolate, release): GET /api/v1/tasks?wait=S, the
 * long-poll that hands an agent its unanswered tasks; POST
 * /api/v1/tasks/{id}/evidence, the volatile snapshot taken before
 * acting; POST /api/v1/tasks/{id}/result, the agent's answer.
 * Credentials are an agent's, checked as for POST /api/v1/reports
 * (the route's precheck, then here again for the agent's id). Bodies
 * are hostile: validated field by field, a 400 naming the field.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "web/longpoll.h"
#include "web/routes.h"
#include "util/banned.h"

/* An answer's detail at most (bytes), as the store keeps it. */
#define TASK_DETAIL_MAX 4095
#define EVIDENCE_SCHEMA "vigie.evidence/1"

void
vg_api_tasks_get(const struct vg_api_ctx *ctx,
		 const struct vg_http_request *req,
		 struct vg_http_response *resp)
{
	static const char *const keys[] = {"wait", NULL};
	struct vg_longpoll_req *lr = vg_longpoll_current();
	struct vg_agent_rec agent;
	struct vg_err err;
	json_t *tasks = NULL;
	int64_t wait = 0, now;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (!vg_api_agent_auth(ctx, req, &agent, resp, "tasks"))
		return;
	if (vg_api_args_check(req, keys, &err) != VG_OK ||
	    vg_api_arg_int(req, "wait", 0, VG_TASKS_WAIT_MAX, 0, &wait, &err) !=
		    VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_task_fetch(ctx->store, agent.id, ctx->now, &tasks, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "tasks", &err);
		return;
	}
	/* Nothing yet: ask the server to hold the request, once per turn,
	 * until the deadline set at the first turn. */
	if (json_array_size(tasks) == 0 && wait > 0 && lr != NULL && !lr->due) {
		now = vg_longpoll_now_ms();
		if (lr->deadline_ms == 0)
			lr->deadline_ms = now + wait * 1000;
		if (now < lr->deadline_ms) {
			lr->hold = true;
			(void)snprintf(lr->agent_id, sizeof(lr->agent_id), "%s",
				       agent.id);
			json_decref(tasks);
			return;
		}
	}
	vg_http_json(resp, 200, json_pack("{s:o}", "tasks", tasks));
}

/* The members of an evidence array's items, by type. */
enum ev_type {
	EV_INT,
	EV_STR
};

struct ev_field {
	const char *name;
	enum ev_type type;
};

static const struct ev_field ev_processes[] = {
	{"pid", EV_INT},    {"ppid", EV_INT},    {"uid", EV_INT},
	{"user", EV_STR},   {"comm", EV_STR},    {"exe", EV_STR},
	{"sha256", EV_STR}, {"cmdline", EV_STR}, {NULL, EV_INT},
};
static const struct ev_field ev_connections[] = {
	{"proto", EV_STR}, {"local", EV_STR}, {"remote", EV_STR},
	{"state", EV_STR}, {"inode", EV_INT}, {"pid", EV_INT},
	{NULL, EV_INT},
};
static const struct ev_field ev_users[] = {
	{"user", EV_STR},     {"tty", EV_STR}, {"host", EV_STR},
	{"login_at", EV_INT}, {NULL, EV_INT},
};

/*
 * Array key of doc: each item an object whose known members have their
 * type (null or absent allowed: a snapshot records what it could read).
 * *count its length; false after answering 400 naming the item.
 */
static bool
ev_array(const json_t *doc, const char *key, const struct ev_field *fields,
	 size_t *count, struct vg_http_response *resp)
{
	const json_t *arr = json_object_get(doc, key), *item, *v;
	size_t i, j;

	*count = 0;
	if (!json_is_array(arr)) {
		vg_http_error(resp, 400, "%s: %s", key,
			      arr == NULL ? "missing" : "not an array");
		return false;
	}
	json_array_foreach(arr, i, item)
	{
		if (!json_is_object(item)) {
			vg_http_error(resp, 400, "%s[%zu]: not an object", key,
				      i);
			return false;
		}
		for (j = 0; fields[j].name != NULL; j++) {
			v = json_object_get(item, fields[j].name);
			if (v == NULL || json_is_null(v))
				continue;
			if (fields[j].type == EV_INT ? !json_is_integer(v)
						     : !json_is_string(v)) {
				vg_http_error(resp, 400, "%s[%zu].%s: not %s",
					      key, i, fields[j].name,
					      fields[j].type == EV_INT
						      ? "an integer"
						      : "a string");
				return false;
			}
		}
	}
	*count = json_array_size(arr);
	return true;
}

/* The evidence document's checks; its summary into *summary (new). */
static bool
ev_check(const json_t *doc, json_t **summary, struct vg_http_response *resp)
{
	const json_t *v;
	size_t np, nc, nu;

	*summary = NULL;
	v = json_object_get(doc, "schema");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), EVIDENCE_SCHEMA) != 0) {
		vg_http_error(resp, 400, "schema: %s",
			      v == NULL ? "missing"
					: "expected \"" EVIDENCE_SCHEMA "\"");
		return false;
	}
	v = json_object_get(doc, "taken_at");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		vg_http_error(resp, 400, "taken_at: %s",
			      v == NULL ? "missing"
					: "not a non-negative integer");
		return false;
	}
	v = json_object_get(doc, "host");
	if (v != NULL && !json_is_string(v) && !json_is_null(v)) {
		vg_http_error(resp, 400, "host: not a string");
		return false;
	}
	if (!ev_array(doc, "processes", ev_processes, &np, resp) ||
	    !ev_array(doc, "connections", ev_connections, &nc, resp) ||
	    !ev_array(doc, "users", ev_users, &nu, resp))
		return false;
	*summary = json_pack("{s:I, s:I, s:I}", "processes", (json_int_t)np,
			     "connections", (json_int_t)nc, "users",
			     (json_int_t)nu);
	if (*summary == NULL) {
		vg_http_error(resp, 500, "internal error");
		return false;
	}
	return true;
}

void
vg_api_task_evidence(const struct vg_api_ctx *ctx,
		     const struct vg_http_request *req,
		     struct vg_http_response *resp)
{
	struct vg_agent_rec agent;
	json_t *doc, *summary = NULL;
	struct vg_err err;
	int64_t task = 0, ev = 0;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (!vg_api_agent_auth(ctx, req, &agent, resp, "tasks"))
		return;
	if (vg_api_param_id(req, "task", &task, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if ((doc = vg_http_body_object(req, resp)) == NULL)
		return;
	if (ev_check(doc, &summary, resp)) {
		/* Stored as received: the digest is of these bytes. */
		vg_api_lock(ctx);
		rc = vg_store_evidence_add(ctx->store, task, agent.id,
					   req->body, req->body_len, summary,
					   ctx->now, &ev, &err);
		vg_api_unlock(ctx);
		if (rc == VG_OK)
			vg_http_json(
				resp, 200,
				json_pack("{s:I}", "evidence", (json_int_t)ev));
		else if (rc == VG_ERR_USAGE)
			vg_http_error(resp, 409, "%s", err.msg);
		else
			vg_api_store_failed(resp, "task", &err);
	}
	json_decref(summary);
	json_decref(doc);
}

void
vg_api_task_result(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp)
{
	struct vg_agent_rec agent;
	const json_t *jstate, *jdetail;
	const char *state, *detail = "";
	struct vg_err err;
	int64_t task = 0;
	json_t *doc;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (!vg_api_agent_auth(ctx, req, &agent, resp, "tasks"))
		return;
	if (vg_api_param_id(req, "task", &task, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if ((doc = vg_http_body_object(req, resp)) == NULL)
		return;
	jstate = json_object_get(doc, "state");
	state = json_string_value(jstate);
	if (state == NULL ||
	    (strcmp(state, "confirmed") != 0 && strcmp(state, "failed") != 0)) {
		vg_http_error(resp, 400, "state: %s",
			      jstate == NULL
				      ? "missing"
				      : "expected \"confirmed\" or \"failed\"");
		goto done;
	}
	jdetail = json_object_get(doc, "detail");
	if (jdetail != NULL && !json_is_null(jdetail)) {
		if (!json_is_string(jdetail)) {
			vg_http_error(resp, 400, "detail: not a string");
			goto done;
		}
		if (json_string_length(jdetail) > TASK_DETAIL_MAX ||
		    memchr(json_string_value(jdetail), '\0',
			   json_string_length(jdetail)) != NULL) {
			vg_http_error(resp, 400,
				      "detail: longer than %d bytes or holds "
				      "a NUL",
				      TASK_DETAIL_MAX);
			goto done;
		}
		detail = json_string_value(jdetail);
	}
	vg_api_lock(ctx);
	rc = vg_store_task_result(ctx->store, task, agent.id, state, detail,
				  ctx->now, &err);
	vg_api_unlock(ctx);
	if (rc == VG_OK)
		vg_http_json(resp, 200, json_object());
	else if (rc == VG_ERR_USAGE)
		vg_http_error(resp, 409, "task: already answered");
	else
		vg_api_store_failed(resp, "task", &err);
done:
	json_decref(doc);
}

/*
 * Agent tasks (isolation) in SQLite (migration 11).
 * PLACEHOLDER while it is being written: every operation answers
 * VG_ERR_USAGE.
 */
#include "util/common.h"

#include "store/sqlite_private.h"
#include "util/banned.h"

enum vg_rc
sq_task_add(struct vg_store *s, int64_t incident_id, const char *host,
	    const char *kind, const char *payload, const char *actor,
	    int64_t now, int64_t *task_id, struct vg_err *err)
{
	(void)s;
	(void)incident_id;
	(void)host;
	(void)kind;
	(void)payload;
	(void)actor;
	(void)now;
	(void)task_id;
	return vg_err_set(err, VG_ERR_USAGE, "sq_task_add: not written yet");
}

enum vg_rc
sq_task_fetch(struct vg_store *s, const char *agent_id, int64_t now,
	      json_t **out, struct vg_err *err)
{
	(void)s;
	(void)agent_id;
	(void)now;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE, "sq_task_fetch: not written yet");
}

enum vg_rc
sq_task_result(struct vg_store *s, int64_t task_id, const char *agent_id,
	       const char *state, const char *detail, int64_t now,
	       struct vg_err *err)
{
	(void)s;
	(void)task_id;
	(void)agent_id;
	(void)state;
	(void)detail;
	(void)now;
	return vg_err_set(err, VG_ERR_USAGE, "sq_task_result: not written yet");
}

enum vg_rc
sq_tasks_list(struct vg_store *s, int64_t incident_id, json_t **out,
	      struct vg_err *err)
{
	(void)s;
	(void)incident_id;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE, "sq_tasks_list: not written yet");
}

enum vg_rc
sq_tasks_last_id(struct vg_store *s, int64_t *id, struct vg_err *err)
{
	(void)s;
	(void)id;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_tasks_last_id: not written yet");
}

enum vg_rc
sq_evidence_add(struct vg_store *s, int64_t task_id, const char *agent_id,
		const void *body, size_t len, const json_t *summary,
		int64_t now, int64_t *evidence_id, struct vg_err *err)
{
	(void)s;
	(void)task_id;
	(void)agent_id;
	(void)body;
	(void)len;
	(void)summary;
	(void)now;
	(void)evidence_id;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_evidence_add: not written yet");
}

enum vg_rc
sq_evidence_get(struct vg_store *s, int64_t id, void **body, size_t *len,
		int64_t *task_id, struct vg_err *err)
{
	(void)s;
	(void)id;
	(void)body;
	(void)len;
	(void)task_id;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_evidence_get: not written yet");
}

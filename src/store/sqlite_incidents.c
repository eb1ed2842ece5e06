/*
 * Incidents and their chained timeline in SQLite (migration 11).
 * PLACEHOLDER while it is being written: every operation answers
 * VG_ERR_USAGE.
 */
#include "util/common.h"

#include "store/sqlite_private.h"
#include "util/banned.h"

enum vg_rc
sq_incident_open(struct vg_store *s, const struct vg_incident *inc,
		 const char *const *assets, size_t n, const char *actor,
		 int64_t now, int64_t *id, struct vg_err *err)
{
	(void)s;
	(void)inc;
	(void)assets;
	(void)n;
	(void)actor;
	(void)now;
	(void)id;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_incident_open: not written yet");
}

enum vg_rc
sq_incident_update(struct vg_store *s, const struct vg_incident *inc,
		   const char *kind, const char *actor, int64_t now,
		   struct vg_err *err)
{
	(void)s;
	(void)inc;
	(void)kind;
	(void)actor;
	(void)now;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_incident_update: not written yet");
}

enum vg_rc
sq_timeline_append(struct vg_store *s, int64_t incident_id, int64_t at,
		   const char *actor, const char *kind, const char *detail,
		   int64_t *seq, struct vg_err *err)
{
	(void)s;
	(void)incident_id;
	(void)at;
	(void)actor;
	(void)kind;
	(void)detail;
	(void)seq;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_timeline_append: not written yet");
}

enum vg_rc
sq_timeline_append_tx(struct sq *q, int64_t incident_id, int64_t at,
		      const char *actor, const char *kind, const char *detail,
		      int64_t *seq, struct vg_err *err)
{
	(void)q;
	(void)incident_id;
	(void)at;
	(void)actor;
	(void)kind;
	(void)detail;
	(void)seq;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_timeline_append_tx: not written yet");
}

enum vg_rc
sq_incident_get(struct vg_store *s, int64_t id, json_t **out,
		struct vg_err *err)
{
	(void)s;
	(void)id;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_incident_get: not written yet");
}

enum vg_rc
sq_incident_list(struct vg_store *s, const char *status, json_t **out,
		 struct vg_err *err)
{
	(void)s;
	(void)status;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_incident_list: not written yet");
}

enum vg_rc
sq_incidents_for_host(struct vg_store *s, const char *name, json_t **out,
		      struct vg_err *err)
{
	(void)s;
	(void)name;
	(void)out;
	return vg_err_set(err, VG_ERR_USAGE,
			  "sq_incidents_for_host: not written yet");
}

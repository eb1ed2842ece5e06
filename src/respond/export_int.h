/*
 * Private to respond/export.c and respond/export_text.c: the incident
 * read back from its JSON (incident_get's shape), the local time of
 * Europe/Paris, and the text renderers. Not a public interface.
 */
#ifndef VG_RESPOND_EXPORT_INT_H
#define VG_RESPOND_EXPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/policy.h"
#include "respond/incident.h"
#include "util/buf.h"
#include "util/err.h"

/* "2024-03-31 11:00 (UTC+02:00)" and "2024-03-31T11:00:00+02:00". */
#define EXPORT_TIME_MAX 96

/* The establishment fields that the report needs, in order. */
enum export_field {
	EXF_NAME = 0,
	EXF_FINESS_EJ,
	EXF_FINESS_ET,
	EXF_CATEGORY,
	EXF_REGION,
	EXF_DECLARANT,
	EXF_DECLARANT_FUNCTION,
	EXF_DECLARANT_EMAIL,
	EXF_DECLARANT_PHONE,
	EXF_DPO_EMAIL,
	EXF_COUNT
};

/* One incident as the exports see it: fields borrowed from the JSON. */
struct export_doc {
	struct vg_incident inc;
	const json_t *assets;   /* array, or NULL */
	const json_t *timeline; /* array, or NULL */
	const json_t *tasks;    /* array, or NULL */
	const struct vg_policy *p;
	int64_t now;
	/* The establishment's values (NULL: missing), and the config keys
	 * naming them. */
	const char *est[EXF_COUNT];
	/* Computed. */
	bool serious, personal;
	int64_t ans_due, cnil_due; /* 0: none */
	bool ans_overdue, cnil_overdue;
	int64_t contained_at; /* first change to "contained", 0 */
	/* Timeline check: n entries, first bad index (n: intact). */
	size_t tl_n, tl_bad;
	const char *tl_field; /* the record's field the timeline does not
			       * vouch for, or NULL */
	bool tl_checked;
};

extern const char *const vg_export_field_keys[EXF_COUNT];

/* Paris local time of t ("2024-03-31 11:00 (UTC+02:00)"), or with
 * iso, "2024-03-31T11:00:00+02:00". UTC when the zone cannot be read. */
void vg_export_time(int64_t t, bool iso, char out[EXPORT_TIME_MAX]);
/* The UTC offset in seconds of Europe/Paris at t (tz database). */
int32_t vg_export_paris_offset(int64_t t);

/* The latest task of host (tasks are newest first), or NULL. */
const json_t *vg_export_host_task(const struct export_doc *d, const char *host);
/* The French label of an enum's stable name (type, care, status, task
 * state) through gettext. */
const char *vg_export_type_label(enum vg_incident_type t);
const char *vg_export_care_label(enum vg_care_impact c);
const char *vg_export_status_label(enum vg_incident_status s);
const char *vg_export_task_label(const char *state);

/* The text renderers (export_text.c), in the current thread's
 * language. */
enum vg_rc vg_export_signalement(const struct export_doc *d,
				 struct vg_buf *out);
enum vg_rc vg_export_cnil(const struct export_doc *d, struct vg_buf *out);
enum vg_rc vg_export_md(const struct export_doc *d, struct vg_buf *out);

#endif

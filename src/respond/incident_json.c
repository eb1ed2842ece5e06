/*
 * struct vg_incident <-> JSON (respond/incident_json.h), one table of
 * fields for both directions so the two never drift apart.
 */
#include "util/common.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeline.h"
#include "respond/incident_json.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Bytes of a report's reference, as respond/incident.c checks them. */
#define INCIDENT_JSON_REF_MAX 256

enum field_kind {
	F_ID,      /* int64_t >= 0 */
	F_TIME,    /* int64_t >= 0, 0 unknown */
	F_PERSONS, /* int64_t >= -1 */
	F_BOOL,
	F_TEXT, /* char *, null when absent */
	F_TYPE,
	F_CARE,
	F_STATUS,
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t off;
	size_t max;    /* F_TEXT: bytes */
	bool required; /* from_json refuses an object without it */
};

#define FLD(n, k, m, req)                                                      \
	{                                                                      \
#n, k, offsetof(struct vg_incident, n), m, req                 \
	}

static const struct field fields[] = {
	FLD(id, F_ID, 0, true),
	FLD(title, F_TEXT, VG_INCIDENT_TITLE_MAX, true),
	FLD(type, F_TYPE, 0, true),
	FLD(detected_at, F_TIME, 0, false),
	FLD(care, F_CARE, 0, true),
	FLD(degraded_since, F_TIME, 0, false),
	FLD(health_data, F_BOOL, 0, false),
	FLD(personal_data, F_BOOL, 0, false),
	FLD(persons, F_PERSONS, 0, false),
	FLD(confidentiality, F_BOOL, 0, false),
	FLD(integrity, F_BOOL, 0, false),
	FLD(availability, F_BOOL, 0, false),
	FLD(perimeter, F_TEXT, VG_INCIDENT_TEXT_MAX, false),
	FLD(causes, F_TEXT, VG_INCIDENT_TEXT_MAX, false),
	FLD(status, F_STATUS, 0, true),
	FLD(opened_at, F_TIME, 0, false),
	FLD(closed_at, F_TIME, 0, false),
	FLD(reported_ans_at, F_TIME, 0, false),
	FLD(reported_cnil_at, F_TIME, 0, false),
	FLD(ans_ref, F_TEXT, INCIDENT_JSON_REF_MAX, false),
	FLD(cnil_ref, F_TEXT, INCIDENT_JSON_REF_MAX, false),
};

#define AT(inc, f, type) ((type *)(void *)((char *)(inc) + (f)->off))
#define CAT(inc, f, type)                                                      \
	((const type *)(const void *)((const char *)(inc) + (f)->off))

static json_t *
field_to_json(const struct vg_incident *inc, const struct field *f)
{
	const char *s;

	switch (f->kind) {
	case F_ID:
	case F_TIME:
	case F_PERSONS:
		return json_integer(*CAT(inc, f, int64_t));
	case F_BOOL:
		return json_boolean(*CAT(inc, f, bool));
	case F_TEXT:
		s = *CAT(inc, f, char *);
		if (s == NULL)
			return json_null();
		/* A text that is not UTF-8 (unchecked, damaged) is shown
		 * absent: jansson refuses it, and NULL means no memory. */
		if (!vg_utf8_valid(s, strlen(s)))
			return json_null();
		return json_string(s);
	case F_TYPE:
		return json_string(vg_incident_type_name(inc->type));
	case F_CARE:
		return json_string(vg_care_impact_name(inc->care));
	case F_STATUS:
		return json_string(vg_incident_status_name(inc->status));
	}
	return NULL;
}

json_t *
vg_incident_to_json(const struct vg_incident *inc)
{
	json_t *o, *v;
	size_t i;

	if ((o = json_object()) == NULL)
		return NULL;
	for (i = 0; i < VG_ARRAY_LEN(fields); i++) {
		if ((v = field_to_json(inc, &fields[i])) == NULL ||
		    json_object_set_new(o, fields[i].name, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static enum vg_rc
bad(struct vg_err *err, const char *name, const char *what)
{
	return vg_err_set(err, VG_ERR_PARSE, _("incident: \"%s\": %s"), name,
			  what);
}

/* An integer member within [min, max]. */
static enum vg_rc
int_from_json(const json_t *v, const struct field *f, int64_t min, int64_t *out,
	      struct vg_err *err)
{
	json_int_t x;

	if (!json_is_integer(v))
		return bad(err, f->name, _("not an integer"));
	x = json_integer_value(v);
	if (x < min)
		return bad(err, f->name, _("out of range"));
	*out = (int64_t)x;
	return VG_OK;
}

/* A text member: a string without NUL within f->max bytes, or null. */
static enum vg_rc
text_from_json(const json_t *v, const struct field *f, char **out,
	       struct vg_err *err)
{
	const char *s;
	size_t n;

	if (json_is_null(v)) {
		*out = NULL;
		return VG_OK;
	}
	if (!json_is_string(v))
		return bad(err, f->name, _("not a string"));
	s = json_string_value(v);
	n = json_string_length(v);
	if (strlen(s) != n)
		return bad(err, f->name, _("holds a NUL byte"));
	if (n > f->max)
		return bad(err, f->name, _("too long"));
	/* Borrowed: the contract of vg_incident_from_json. */
	*out = (char *)(uintptr_t)s;
	return VG_OK;
}

/* One of the enumerations by its stable name. */
static enum vg_rc
enum_from_json(const json_t *v, const struct field *f, struct vg_incident *out,
	       struct vg_err *err)
{
	const char *s = json_string_value(v);
	bool ok = false;

	if (s == NULL)
		return bad(err, f->name, _("not a string"));
	if (f->kind == F_TYPE)
		ok = vg_incident_type_parse(s, &out->type);
	else if (f->kind == F_CARE)
		ok = vg_care_impact_parse(s, &out->care);
	else
		ok = vg_incident_status_parse(s, &out->status);
	return ok ? VG_OK : bad(err, f->name, _("unknown name"));
}

static enum vg_rc
field_from_json(const json_t *v, const struct field *f, struct vg_incident *out,
		struct vg_err *err)
{
	switch (f->kind) {
	case F_ID:
	case F_TIME:
		return int_from_json(v, f, 0, AT(out, f, int64_t), err);
	case F_PERSONS:
		return int_from_json(v, f, -1, AT(out, f, int64_t), err);
	case F_BOOL:
		if (!json_is_boolean(v))
			return bad(err, f->name, _("not a boolean"));
		*AT(out, f, bool) = json_is_true(v);
		return VG_OK;
	case F_TEXT:
		return text_from_json(v, f, AT(out, f, char *), err);
	case F_TYPE:
	case F_CARE:
	case F_STATUS:
		return enum_from_json(v, f, out, err);
	}
	return bad(err, f->name, "?");
}

enum vg_rc
vg_incident_from_json(const json_t *o, struct vg_incident *out,
		      struct vg_err *err)
{
	const json_t *v;
	enum vg_rc rc = VG_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->persons = -1;
	if (!json_is_object(o)) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("incident: not a JSON object"));
		goto done;
	}
	for (i = 0; i < VG_ARRAY_LEN(fields); i++) {
		if ((v = json_object_get(o, fields[i].name)) == NULL) {
			if (fields[i].required) {
				rc = bad(err, fields[i].name, _("missing"));
				goto done;
			}
			continue;
		}
		if ((rc = field_from_json(v, &fields[i], out, err)) != VG_OK)
			goto done;
	}
	/* The title is required and never null. */
	if (out->title == NULL)
		rc = bad(err, "title", _("not a string"));
done:
	if (rc != VG_OK) {
		memset(out, 0, sizeof(*out));
		out->persons = -1;
	}
	return rc;
}

/* Entry i of the timeline for vg_timeline_verify; values of the wrong
 * type or length are left empty, so that the entry does not match. */
static void
entry_of(const json_t *t, int64_t id, struct vg_timeline_entry *e)
{
	const json_t *seq = json_object_get(t, "seq"),
		     *at = json_object_get(t, "at");
	const json_t *prev = json_object_get(t, "prev"),
		     *hash = json_object_get(t, "hash");
	const char *s;

	memset(e, 0, sizeof(*e));
	e->incident_id = id;
	e->seq = json_is_integer(seq) ? (int64_t)json_integer_value(seq) : -1;
	e->at = json_is_integer(at) ? (int64_t)json_integer_value(at) : -1;
	s = json_string_value(json_object_get(t, "actor"));
	e->actor = s != NULL ? s : "";
	s = json_string_value(json_object_get(t, "kind"));
	e->kind = s != NULL ? s : "";
	s = json_string_value(json_object_get(t, "detail_text"));
	e->detail = s != NULL ? s : "";
	/* Exactly 64 characters: a longer stored value is not "the same
	 * hash with something after it". */
	if (json_is_string(prev) &&
	    json_string_length(prev) == VG_TIMELINE_HASH_HEX - 1)
		memcpy(e->prev, json_string_value(prev), VG_TIMELINE_HASH_HEX);
	if (json_is_string(hash) &&
	    json_string_length(hash) == VG_TIMELINE_HASH_HEX - 1)
		memcpy(e->hash, json_string_value(hash), VG_TIMELINE_HASH_HEX);
}

/* The record the timeline vouches for: the "opened" fields, then each
 * change's new values; NULL when the first entry is no "opened". */
static json_t *
replay(const json_t *tl)
{
	const json_t *t, *d, *change;
	const char *kind, *key;
	json_t *rec;
	size_t i;

	t = json_array_get(tl, 0);
	d = json_object_get(t, "detail");
	if (!json_is_object(d) ||
	    strcmp(json_string_value(json_object_get(t, "kind")) != NULL
			   ? json_string_value(json_object_get(t, "kind"))
			   : "",
		   "opened") != 0 ||
	    (rec = json_deep_copy(d)) == NULL)
		return NULL;
	(void)json_object_del(rec, "assets");
	json_array_foreach(tl, i, t)
	{
		kind = json_string_value(json_object_get(t, "kind"));
		if (i == 0 || kind == NULL ||
		    (strcmp(kind, "status") != 0 &&
		     strcmp(kind, "reported") != 0 &&
		     strcmp(kind, "closed") != 0))
			continue;
		d = json_object_get(t, "detail");
		json_object_foreach((json_t *)d, key, change)
		{
			if (json_array_size(change) == 2 &&
			    json_object_set(rec, key,
					    json_array_get(change, 1)) != 0) {
				json_decref(rec);
				return NULL;
			}
		}
	}
	return rec;
}

enum vg_rc
vg_incident_verify(const json_t *incident, size_t *n, size_t *bad,
		   const char **field, struct vg_err *err)
{
	const json_t *tl = json_object_get(incident, "timeline"), *id;
	struct vg_timeline_entry *e;
	const char *key;
	json_t *rec, *want;
	enum vg_rc rc;
	size_t i;

	*n = *bad = 0;
	*field = NULL;
	id = json_object_get(incident, "id");
	if (!json_is_array(tl) || !json_is_integer(id))
		return vg_err_set(err, VG_ERR_PARSE,
				  _("not an incident: no id or timeline"));
	*n = json_array_size(tl);
	if ((e = calloc(*n + 1, sizeof(*e))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	for (i = 0; i < *n; i++)
		entry_of(json_array_get(tl, i), json_integer_value(id), &e[i]);
	rc = vg_timeline_verify(e, *n, bad, err);
	free(e);
	if (rc != VG_OK || *n == 0 || *bad < *n)
		return rc;
	/* The chain holds: does the record say what it vouches for? */
	if ((rec = replay(tl)) == NULL) {
		*field = "timeline";
		return VG_OK;
	}
	json_object_foreach(rec, key, want)
	{
		if (!json_equal(json_object_get(incident, key), want)) {
			*field = key;
			break;
		}
	}
	/* key points into rec: hand back the incident's own copy. */
	if (*field != NULL) {
		void *it = json_object_iter_at((json_t *)incident, *field);

		*field = it != NULL ? json_object_iter_key(it) : "?";
	}
	json_decref(rec);
	return VG_OK;
}

/*
 * Rule R10's derived incidents: the store's not-closed incidents that
 * name a host, reduced to what incident.report_overdue judges (whether
 * the incident is serious, when it was detected, whether it was
 * reported). Seriousness is worked out here, with respond/incident.c's
 * definition, so the rule (in core/) needs no part of respond/.
 */
#include "util/common.h"

#include <string.h>

#include "respond/incident.h"
#include "respond/incident_facts.h"
#include "util/banned.h"

static int64_t
member_int(const json_t *o, const char *key, int64_t def)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

static const char *
member_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One incident of the store's answer into f; a member out of shape is
 * read as its safest value (an unknown type is "other"). */
static enum vg_rc
add_ref(struct vg_facts *f, const json_t *o, struct vg_err *err)
{
	struct vg_incident inc;
	struct vg_incident_ref *ref;
	const char *s;

	memset(&inc, 0, sizeof(inc));
	if ((s = member_str(o, "type")) == NULL ||
	    !vg_incident_type_parse(s, &inc.type))
		inc.type = VG_INC_OTHER;
	if ((s = member_str(o, "care")) == NULL ||
	    !vg_care_impact_parse(s, &inc.care))
		inc.care = VG_CARE_NONE;
	inc.degraded_since = member_int(o, "degraded_since", 0);
	inc.health_data = json_is_true(json_object_get(o, "health_data"));
	if ((ref = vg_facts_add_incident_ref(f)) == NULL)
		return f->n_incidents >= VG_MAX_INCIDENT_REFS
			? VG_OK /* bounded: the first ones judged */
			: vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	ref->id = member_int(o, "id", 0);
	ref->title = vg_facts_str(f, member_str(o, "title"));
	ref->status = vg_facts_str(f, member_str(o, "status"));
	ref->serious = vg_incident_is_serious(&inc);
	ref->detected_at = member_int(o, "detected_at", 0);
	if (ref->detected_at <= 0)
		ref->detected_at = VG_TIME_UNKNOWN;
	ref->reported_ans_at = member_int(o, "reported_ans_at", 0);
	return VG_OK;
}

enum vg_rc
vg_incident_facts_fill(struct vg_store *st, struct vg_facts *f,
		       struct vg_err *err)
{
	const char *name = f->device.key != NULL && vg_facts_is_device(f)
		? f->device.key
		: f->os.hostname;
	struct vg_err e2;
	json_t *a = NULL;
	enum vg_rc rc;
	size_t i;

	/* What the document carried is not the store's word. */
	f->n_incidents = 0;
	vg_facts_not_collected(f, VG_SRC_INCIDENTS,
			       _("no incident data for this host"));
	if (name == NULL || *name == '\0' ||
	    st->ops->incidents_for_host == NULL)
		return VG_OK;
	vg_err_clear(&e2);
	if ((rc = vg_store_incidents_for_host(st, name, &a, &e2)) != VG_OK) {
		if (rc == VG_ERR_USAGE)
			return VG_OK; /* a backend without incidents */
		*err = e2;
		return rc;
	}
	for (i = 0; i < json_array_size(a); i++)
		if ((rc = add_ref(f, json_array_get(a, i), err)) != VG_OK) {
			json_decref(a);
			return rc;
		}
	json_decref(a);
	vg_facts_collected(f, VG_SRC_INCIDENTS);
	return VG_OK;
}

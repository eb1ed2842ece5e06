/*
 * The incident model (respond/incident.h): stable names, seriousness in
 * the sense of the Code de la santé publique, reporting deadlines, and
 * the check made before an incident is stored.
 */
#include "util/common.h"

#include <string.h>

#include "respond/incident.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Clock skew tolerated between the machine that detected and ours. */
#define INCIDENT_SKEW_SECONDS 300
/* The CNIL's deadline (GDPR art. 33): 72 hours after awareness. */
#define INCIDENT_CNIL_HOURS 72
/* The portal's default when the policy gives none ("sans délai"). */
#define INCIDENT_ANS_DEFAULT_HOURS 24
/* Bytes of a report's reference (ANS or CNIL case number). */
#define INCIDENT_REF_MAX 256

static const char *const type_names[VG_INC_TYPE_COUNT] = {
	[VG_INC_RANSOMWARE] = "ransomware",
	[VG_INC_INTRUSION] = "intrusion",
	[VG_INC_DATA_LEAK] = "data_leak",
	[VG_INC_PHISHING] = "phishing",
	[VG_INC_UNAVAILABILITY] = "unavailability",
	[VG_INC_LOSS_THEFT] = "loss_theft",
	[VG_INC_OTHER] = "other",
};

static const char *const care_names[VG_CARE_COUNT] = {
	[VG_CARE_NONE] = "none",
	[VG_CARE_POTENTIAL] = "potential",
	[VG_CARE_PROVEN] = "proven",
};

static const char *const status_names[VG_INC_STATUS_COUNT] = {
	[VG_INC_OPEN] = "open",
	[VG_INC_CONTAINED] = "contained",
	[VG_INC_RECOVERED] = "recovered",
	[VG_INC_CLOSED] = "closed",
};

/* The index of s in names[0..n), or -1 (s may be NULL). */
static int
name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Out-of-range values (read from a damaged store) name as "?". */
const char *
vg_incident_type_name(enum vg_incident_type t)
{
	return (unsigned)t < VG_INC_TYPE_COUNT ? type_names[t] : "?";
}

bool
vg_incident_type_parse(const char *s, enum vg_incident_type *out)
{
	int i = name_index(type_names, VG_INC_TYPE_COUNT, s);

	if (i >= 0)
		*out = (enum vg_incident_type)i;
	return i >= 0;
}

const char *
vg_care_impact_name(enum vg_care_impact c)
{
	return (unsigned)c < VG_CARE_COUNT ? care_names[c] : "?";
}

bool
vg_care_impact_parse(const char *s, enum vg_care_impact *out)
{
	int i = name_index(care_names, VG_CARE_COUNT, s);

	if (i >= 0)
		*out = (enum vg_care_impact)i;
	return i >= 0;
}

const char *
vg_incident_status_name(enum vg_incident_status s)
{
	return (unsigned)s < VG_INC_STATUS_COUNT ? status_names[s] : "?";
}

bool
vg_incident_status_parse(const char *s, enum vg_incident_status *out)
{
	int i = name_index(status_names, VG_INC_STATUS_COUNT, s);

	if (i >= 0)
		*out = (enum vg_incident_status)i;
	return i >= 0;
}

bool
vg_incident_is_serious(const struct vg_incident *inc)
{
	return inc->care == VG_CARE_POTENTIAL || inc->care == VG_CARE_PROVEN ||
		inc->health_data || inc->degraded_since > 0 ||
		inc->type == VG_INC_RANSOMWARE || inc->type == VG_INC_INTRUSION;
}

/* t + hours, saturating instead of overflowing on a hostile time. */
static int64_t
add_hours(int64_t t, int64_t hours)
{
	int64_t d = hours * 3600;

	if (t > INT64_MAX - d)
		return INT64_MAX;
	return t + d;
}

int64_t
vg_incident_ans_deadline(const struct vg_incident *inc, int report_hours)
{
	if (report_hours <= 0)
		report_hours = INCIDENT_ANS_DEFAULT_HOURS;
	return add_hours(inc->detected_at, report_hours);
}

int64_t
vg_incident_cnil_deadline(const struct vg_incident *inc)
{
	if (!inc->personal_data && !inc->health_data)
		return 0;
	return add_hours(inc->detected_at, INCIDENT_CNIL_HOURS);
}

bool
vg_incident_report_overdue(const struct vg_incident *inc, int report_hours,
			   int64_t now)
{
	return vg_incident_is_serious(inc) && inc->status != VG_INC_CLOSED &&
		inc->reported_ans_at == 0 &&
		now > vg_incident_ans_deadline(inc, report_hours);
}

/* An optional text: NULL, or within max bytes of valid UTF-8 (printable
 * when one line is expected). */
static enum vg_rc
check_text(const char *field, const char *s, size_t max, bool one_line,
	   struct vg_err *err)
{
	size_t n;

	if (s == NULL)
		return VG_OK;
	if ((n = strnlen(s, max + 1)) > max)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("%s: longer than %zu bytes"), field, max);
	if (one_line ? !vg_utf8_printable(s, n) : !vg_utf8_valid(s, n))
		return vg_err_set(err, VG_ERR_USAGE,
				  one_line ? _("%s: not valid UTF-8 text or "
					       "holds control characters")
					   : _("%s: not valid UTF-8"),
				  field);
	return VG_OK;
}

/* A time field: 0 (unknown) or a positive time, and when future is
 * false, not after now plus the clock skew. */
static enum vg_rc
check_time(const char *field, int64_t t, int64_t now, bool future,
	   struct vg_err *err)
{
	if (t < 0)
		return vg_err_set(err, VG_ERR_USAGE, _("%s: negative time"),
				  field);
	if (!future && now <= INT64_MAX - INCIDENT_SKEW_SECONDS &&
	    t > now + INCIDENT_SKEW_SECONDS)
		return vg_err_set(err, VG_ERR_USAGE, _("%s: in the future"),
				  field);
	return VG_OK;
}

enum vg_rc
vg_incident_check(const struct vg_incident *inc, int64_t now,
		  struct vg_err *err)
{
	enum vg_rc rc;

	if (inc->title == NULL || inc->title[0] == '\0')
		return vg_err_set(err, VG_ERR_USAGE, _("title: missing"));
	if ((rc = check_text("title", inc->title, VG_INCIDENT_TITLE_MAX, true,
			     err)) != VG_OK ||
	    (rc = check_text("perimeter", inc->perimeter, VG_INCIDENT_TEXT_MAX,
			     false, err)) != VG_OK ||
	    (rc = check_text("causes", inc->causes, VG_INCIDENT_TEXT_MAX, false,
			     err)) != VG_OK ||
	    (rc = check_text("ans_ref", inc->ans_ref, INCIDENT_REF_MAX, true,
			     err)) != VG_OK ||
	    (rc = check_text("cnil_ref", inc->cnil_ref, INCIDENT_REF_MAX, true,
			     err)) != VG_OK)
		return rc;
	if ((unsigned)inc->type >= VG_INC_TYPE_COUNT)
		return vg_err_set(err, VG_ERR_USAGE, _("type: out of range"));
	if ((unsigned)inc->care >= VG_CARE_COUNT)
		return vg_err_set(err, VG_ERR_USAGE, _("care: out of range"));
	if ((unsigned)inc->status >= VG_INC_STATUS_COUNT)
		return vg_err_set(err, VG_ERR_USAGE, _("status: out of range"));
	if (inc->persons < -1)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("persons: -1 (unknown) or a count"));
	/* Only the detection is bounded by now: the others are stamped by
	 * vigie itself, and a wrong clock must not block an update. */
	if ((rc = check_time("detected_at", inc->detected_at, now, false,
			     err)) != VG_OK ||
	    (rc = check_time("degraded_since", inc->degraded_since, now, false,
			     err)) != VG_OK ||
	    (rc = check_time("opened_at", inc->opened_at, now, true, err)) !=
		    VG_OK ||
	    (rc = check_time("closed_at", inc->closed_at, now, true, err)) !=
		    VG_OK ||
	    (rc = check_time("reported_ans_at", inc->reported_ans_at, now, true,
			     err)) != VG_OK ||
	    (rc = check_time("reported_cnil_at", inc->reported_cnil_at, now,
			     true, err)) != VG_OK)
		return rc;
	return VG_OK;
}

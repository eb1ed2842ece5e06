/*
 * Incidents (rule R10, issue "Incident response"): the record a security
 * officer keeps from the first alarm to the closing, shared by the store
 * (its incident tables), the CLI (`vigie incident`), the console, the
 * alerts and the report export. The enumerations' names are the stable
 * identifiers stored and exchanged in JSON (English, lower case); the
 * console and the exports translate them.
 */
#ifndef VG_RESPOND_INCIDENT_H
#define VG_RESPOND_INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VG_INCIDENT_TITLE_MAX 256  /* bytes of a title */
#define VG_INCIDENT_TEXT_MAX 8192  /* bytes of a note, a perimeter, causes */
#define VG_INCIDENT_MAX_ASSETS 256 /* assets named by one incident */

enum vg_incident_type {
	VG_INC_RANSOMWARE = 0, /* "ransomware" */
	VG_INC_INTRUSION,      /* "intrusion" */
	VG_INC_DATA_LEAK,      /* "data_leak" */
	VG_INC_PHISHING,       /* "phishing" */
	VG_INC_UNAVAILABILITY, /* "unavailability" */
	VG_INC_LOSS_THEFT,     /* "loss_theft" */
	VG_INC_OTHER,          /* "other" */
	VG_INC_TYPE_COUNT
};

/* Impact on the safety of care (D.1111-16-2 CSP, 1°). */
enum vg_care_impact {
	VG_CARE_NONE = 0,  /* "none" */
	VG_CARE_POTENTIAL, /* "potential" */
	VG_CARE_PROVEN,    /* "proven" */
	VG_CARE_COUNT
};

enum vg_incident_status {
	VG_INC_OPEN = 0,  /* "open" */
	VG_INC_CONTAINED, /* "contained" */
	VG_INC_RECOVERED, /* "recovered" */
	VG_INC_CLOSED,    /* "closed" */
	VG_INC_STATUS_COUNT
};

/* The incident's fields as entered (open) or changed (status); strings
 * are borrowed. Times are Unix seconds, 0 when unknown. */
struct vg_incident {
	int64_t id; /* given by the store */
	char *title;
	enum vg_incident_type type;
	int64_t detected_at; /* "date du constat" */
	enum vg_care_impact care;
	int64_t degraded_since; /* degraded mode since, 0: not degraded */
	bool health_data;       /* health data concerned */
	bool personal_data;     /* personal data concerned (CNIL) */
	int64_t persons;        /* approximate number of persons, -1 unknown */
	/* Security criteria (CERT Santé's aide au signalement). */
	bool confidentiality, integrity, availability;
	char *perimeter; /* systems and data concerned, free text, or NULL */
	char *causes;    /* causes if known, or NULL */
	enum vg_incident_status status;
	int64_t opened_at, closed_at; /* closed_at 0 while not closed */
	/* Reports made: when the national portal (ANS / CERT Santé) and the
	 * CNIL were notified, 0 not yet; with the reference given. */
	int64_t reported_ans_at, reported_cnil_at;
	char *ans_ref, *cnil_ref;
};

/* Stable names, and their parse (false for an unknown name). */
const char *vg_incident_type_name(enum vg_incident_type t);
bool vg_incident_type_parse(const char *s, enum vg_incident_type *out);
const char *vg_care_impact_name(enum vg_care_impact c);
bool vg_care_impact_parse(const char *s, enum vg_care_impact *out);
const char *vg_incident_status_name(enum vg_incident_status s);
bool vg_incident_status_parse(const char *s, enum vg_incident_status *out);

/*
 * Serious in the sense of D.1111-16-2 CSP, which calls for a report to
 * the national portal "sans délai": a proven or potential impact on
 * care, health data concerned, a degraded mode, or a ransomware or an
 * intrusion (a malicious action, suspected or proven).
 */
bool vg_incident_is_serious(const struct vg_incident *inc);

/*
 * Deadlines, in Unix seconds from detected_at: the national portal's
 * ("sans délai": report_hours of the policy, default 24), and the
 * CNIL's (72 hours, GDPR art. 33) when personal or health data are
 * concerned, else 0.
 */
int64_t vg_incident_ans_deadline(const struct vg_incident *inc,
				 int report_hours);
int64_t vg_incident_cnil_deadline(const struct vg_incident *inc);

/*
 * Overdue at now: serious, not closed, and past the portal's deadline
 * without reported_ans_at.
 */
bool vg_incident_report_overdue(const struct vg_incident *inc, int report_hours,
				int64_t now);

/*
 * Check an incident before it is stored: a title (1 to
 * VG_INCIDENT_TITLE_MAX bytes, valid UTF-8, no control characters), a
 * detection time not in the future (now + 5 min of clock skew), persons
 * -1 or >= 0, texts within VG_INCIDENT_TEXT_MAX and valid UTF-8, enums in
 * range. VG_ERR_USAGE naming the field otherwise.
 */
enum vg_rc vg_incident_check(const struct vg_incident *inc, int64_t now,
			     struct vg_err *err);

#endif

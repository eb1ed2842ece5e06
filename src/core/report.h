/*
 * A report: the findings, the checks not evaluated and the scores that
 * the rules derive from one facts document under one policy.
 */
#ifndef VG_CORE_REPORT_H
#define VG_CORE_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "core/severity.h"
#include "util/err.h"

#define VG_RULE_COUNT 10 /* R1..R10 */
#define VG_SCORE_NONE (-1)

struct vg_finding {
	int rule;          /* 1..10 */
	const char *check; /* static check id, "admin.nopasswd_all" */
	enum vg_severity severity;
	char *subject;           /* owned: the account, package, file... */
	json_t *evidence;        /* owned reference: a JSON object */
	const char *remediation; /* static English text; translate to show */
};

struct vg_not_evaluated {
	int rule;
	const char *check; /* static */
	char *reason;      /* owned */
};

struct vg_report {
	struct vg_finding *findings;
	size_t n_findings, cap_findings;
	struct vg_not_evaluated *not_evaluated;
	size_t n_not_evaluated, cap_not_evaluated;
	/* Score per rule (index 1..10; 0 unused) or VG_SCORE_NONE when no
	 * check of the rule was evaluated; overall is their mean. */
	int scores[VG_RULE_COUNT + 1];
	int overall;
};

void vg_report_init(struct vg_report *r);
void vg_report_release(struct vg_report *r);

/*
 * Add a finding; takes ownership of evidence (a JSON object, or NULL for
 * an empty one) even on failure. subject is copied.
 */
enum vg_rc vg_report_add(struct vg_report *r, int rule, const char *check,
			 enum vg_severity sev, const char *subject,
			 json_t *evidence, const char *remediation);
/* Record a check that could not run and why (reason copied). */
enum vg_rc vg_report_not_evaluated(struct vg_report *r, int rule,
				   const char *check, const char *reason);

/* Compute scores from the findings (RULES.md "Scores"). evaluated[i] is
 * true when at least one check of rule i ran. */
void vg_report_score(struct vg_report *r, const bool evaluated[]);

/* Sort findings by rule, then severity (worst first), check, subject. */
void vg_report_sort(struct vg_report *r);

#endif

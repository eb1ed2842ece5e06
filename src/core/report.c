#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "util/banned.h"

void
vg_report_init(struct vg_report *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i <= VG_RULE_COUNT; i++)
		r->scores[i] = VG_SCORE_NONE;
	r->overall = VG_SCORE_NONE;
}

void
vg_report_release(struct vg_report *r)
{
	size_t i;

	for (i = 0; i < r->n_findings; i++) {
		free(r->findings[i].subject);
		json_decref(r->findings[i].evidence);
	}
	for (i = 0; i < r->n_not_evaluated; i++)
		free(r->not_evaluated[i].reason);
	free(r->findings);
	free(r->not_evaluated);
	vg_report_init(r);
}

/* Make room for one more element of size bytes in *items. */
static enum vg_rc
report_grow(void **items, size_t len, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (len < *cap)
		return VG_OK;
	if (len >= VG_MAX_ITEMS)
		return VG_ERR_LIMIT;
	ncap = *cap ? *cap * 2 : 32;
	if ((p = reallocarray(*items, ncap, size)) == NULL)
		return VG_ERR_NOMEM;
	*items = p;
	*cap = ncap;
	return VG_OK;
}

enum vg_rc
vg_report_add(struct vg_report *r, int rule, const char *check,
	      enum vg_severity sev, const char *subject, json_t *evidence,
	      const char *remediation)
{
	struct vg_finding *fd;
	enum vg_rc rc;
	char *subj;

	if (evidence == NULL && (evidence = json_object()) == NULL)
		return VG_ERR_NOMEM;
	rc = report_grow((void **)&r->findings, r->n_findings, &r->cap_findings,
			 sizeof(*r->findings));
	subj = strdup(subject != NULL ? subject : "");
	if (rc != VG_OK || subj == NULL) {
		free(subj);
		json_decref(evidence);
		return rc != VG_OK ? rc : VG_ERR_NOMEM;
	}
	fd = &r->findings[r->n_findings++];
	fd->rule = rule;
	fd->check = check;
	fd->severity = sev;
	fd->subject = subj;
	fd->evidence = evidence;
	fd->remediation = remediation;
	return VG_OK;
}

enum vg_rc
vg_report_not_evaluated(struct vg_report *r, int rule, const char *check,
			const char *reason)
{
	struct vg_not_evaluated *ne;
	enum vg_rc rc;
	char *why;

	rc = report_grow((void **)&r->not_evaluated, r->n_not_evaluated,
			 &r->cap_not_evaluated, sizeof(*r->not_evaluated));
	if (rc != VG_OK)
		return rc;
	if ((why = strdup(reason != NULL ? reason : "")) == NULL)
		return VG_ERR_NOMEM;
	ne = &r->not_evaluated[r->n_not_evaluated++];
	ne->rule = rule;
	ne->check = check;
	ne->reason = why;
	return VG_OK;
}

void
vg_report_score(struct vg_report *r, const bool evaluated[])
{
	int cost[VG_RULE_COUNT + 1] = {0};
	int i, sum = 0, n = 0;
	size_t k;

	for (k = 0; k < r->n_findings; k++) {
		i = r->findings[k].rule;
		if (i >= 1 && i <= VG_RULE_COUNT)
			cost[i] += vg_severity_weight(r->findings[k].severity);
	}
	for (i = 1; i <= VG_RULE_COUNT; i++) {
		if (!evaluated[i]) {
			r->scores[i] = VG_SCORE_NONE;
			continue;
		}
		r->scores[i] = cost[i] >= 100 ? 0 : 100 - cost[i];
		sum += r->scores[i];
		n++;
	}
	/* Rounded mean of the rules that have a score. */
	r->overall = n > 0 ? (sum + n / 2) / n : VG_SCORE_NONE;
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct vg_finding *x = a, *y = b;
	int c;

	if (x->rule != y->rule)
		return x->rule - y->rule;
	if (x->severity != y->severity)
		return (int)y->severity - (int)x->severity;
	if ((c = strcmp(x->check, y->check)) != 0)
		return c;
	return strcmp(x->subject, y->subject);
}

void
vg_report_sort(struct vg_report *r)
{
	if (r->n_findings > 1)
		qsort(r->findings, r->n_findings, sizeof(*r->findings),
		      finding_cmp);
}

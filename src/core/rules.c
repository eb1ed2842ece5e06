#include "util/common.h"

#include <string.h>

#include "core/rules.h"
#include "util/banned.h"

/*
 * The catalogue, rule by rule; each rule file owns its tables. device
 * marks the tables judging network devices: a whole table is of one
 * kind, so the check structure (and every rule's table) stays as is.
 */
static const struct {
	const struct vg_check *checks;
	const size_t *count;
	bool device;
} catalogue[] = {
	{vg_checks_r1, &vg_checks_r1_count, false},
	{vg_checks_r1_device, &vg_checks_r1_device_count, true},
	{vg_checks_r2, &vg_checks_r2_count, false},
	{vg_checks_r3, &vg_checks_r3_count, false},
	{vg_checks_r4, &vg_checks_r4_count, false},
	{vg_checks_r4_device, &vg_checks_r4_device_count, true},
	{vg_checks_r5, &vg_checks_r5_count, false},
	{vg_checks_r6, &vg_checks_r6_count, false},
	{vg_checks_r7, &vg_checks_r7_count, false},
	{vg_checks_r10, &vg_checks_r10_count, false},
};

void
vg_rules_foreach(void (*fn)(const struct vg_check *c, void *ctx), void *ctx)
{
	size_t i, j;

	for (i = 0; i < VG_ARRAY_LEN(catalogue); i++)
		for (j = 0; j < *catalogue[i].count; j++)
			fn(&catalogue[i].checks[j], ctx);
}

const struct vg_check *
vg_rules_find(const char *id)
{
	size_t i, j;

	for (i = 0; i < VG_ARRAY_LEN(catalogue); i++)
		for (j = 0; j < *catalogue[i].count; j++)
			if (strcmp(catalogue[i].checks[j].id, id) == 0)
				return &catalogue[i].checks[j];
	return NULL;
}

bool
vg_check_is_device(const struct vg_check *c)
{
	size_t i, j;

	/* Equality, not <, between pointers into different arrays. */
	for (i = 0; i < VG_ARRAY_LEN(catalogue); i++)
		for (j = 0; j < *catalogue[i].count; j++)
			if (&catalogue[i].checks[j] == c)
				return catalogue[i].device;
	return false;
}

enum vg_rc
vg_check_report(const struct vg_check *c, const struct vg_policy *p,
		struct vg_report *r, const char *subject, json_t *evidence)
{
	return vg_report_add(r, c->rule, c->id,
			     vg_policy_severity(p, c->id, c->severity), subject,
			     evidence, c->remediation);
}

bool
vg_check_needs(const struct vg_check *c, const struct vg_facts *f,
	       enum vg_source s, struct vg_report *r)
{
	const char *why;

	if (f->sources[s].collected)
		return true;
	why = f->sources[s].reason;
	if (why == NULL || *why == '\0')
		why = _("not collected");
	(void)vg_report_not_evaluated(r, c->rule, c->id, why);
	return false;
}

enum vg_rc
vg_rules_evaluate(const struct vg_facts *f, const struct vg_policy *p,
		  struct vg_report *r, struct vg_err *err)
{
	bool evaluated[VG_RULE_COUNT + 1] = {false};
	bool device = vg_facts_is_device(f);
	const struct vg_check *c;
	size_t i, j, before;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(catalogue); i++) {
		/* A device is not a Linux host, nor a host a device: the
		 * other kind's checks are skipped silently. */
		if (catalogue[i].device != device)
			continue;
		for (j = 0; j < *catalogue[i].count; j++) {
			c = &catalogue[i].checks[j];
			before = r->n_not_evaluated;
			if ((rc = c->run(c, f, p, r)) != VG_OK)
				return vg_err_set(err, rc,
						  _("check %s failed: out of "
						    "memory"),
						  c->id);
			/* A check that recorded no "not evaluated" ran. */
			if (r->n_not_evaluated == before)
				evaluated[c->rule] = true;
		}
	}
	vg_report_score(r, evaluated);
	vg_report_sort(r);
	return VG_OK;
}

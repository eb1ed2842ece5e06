/* Reports and scores (RULES.md "Scores"). */
#include "util/common.h"

#include <string.h>

#include "core/report.h"
#include "core/rules.h"
#include "support.h"

static void
add(struct vg_report *r, int rule, enum vg_severity sev, const char *subj)
{
	assert_int_equal(
		vg_report_add(r, rule, "test.check", sev, subj, NULL, NULL),
		VG_OK);
}

static void
test_scores(void **state)
{
	bool evaluated[VG_RULE_COUNT + 1] = {false};
	struct vg_report r;

	(void)state;
	vg_report_init(&r);
	evaluated[2] = evaluated[3] = evaluated[4] = evaluated[7] = true;
	add(&r, 2, VG_SEV_MEDIUM, "a"); /* 100 - 10 */
	add(&r, 2, VG_SEV_LOW, "b");    /* - 3 */
	add(&r, 3, VG_SEV_CRITICAL, "c");
	add(&r, 3, VG_SEV_CRITICAL, "d");
	add(&r, 3, VG_SEV_HIGH, "e"); /* 100 - 100: floored at 0 */
	add(&r, 3, VG_SEV_HIGH, "f");
	vg_report_score(&r, evaluated);
	assert_int_equal(r.scores[2], 87);
	assert_int_equal(r.scores[3], 0);
	assert_int_equal(r.scores[4], 100);
	assert_int_equal(r.scores[7], 100);
	/* A rule with no evaluated check has no score, not 100. */
	assert_int_equal(r.scores[1], VG_SCORE_NONE);
	assert_int_equal(r.scores[8], VG_SCORE_NONE);
	/* Mean of 87, 0, 100, 100 = 71.75, rounded. */
	assert_int_equal(r.overall, 72);
	vg_report_release(&r);
}

static void
test_no_score_at_all(void **state)
{
	bool evaluated[VG_RULE_COUNT + 1] = {false};
	struct vg_report r;

	(void)state;
	vg_report_init(&r);
	vg_report_score(&r, evaluated);
	assert_int_equal(r.overall, VG_SCORE_NONE);
	vg_report_release(&r);
}

static void
test_sort(void **state)
{
	struct vg_report r;

	(void)state;
	vg_report_init(&r);
	add(&r, 4, VG_SEV_LOW, "z");
	add(&r, 2, VG_SEV_LOW, "b");
	add(&r, 2, VG_SEV_CRITICAL, "a");
	add(&r, 2, VG_SEV_LOW, "a");
	vg_report_sort(&r);
	assert_int_equal(r.findings[0].severity, VG_SEV_CRITICAL);
	assert_string_equal(r.findings[1].subject, "a");
	assert_string_equal(r.findings[2].subject, "b");
	assert_int_equal(r.findings[3].rule, 4);
	vg_report_release(&r);
}

/* The catalogue: ids unique, rules in range, every check runnable. */
static void
check_entry(const struct vg_check *c, void *ctx)
{
	size_t *n = ctx;

	assert_non_null(c->id);
	assert_non_null(c->run);
	assert_non_null(c->remediation);
	assert_true(c->rule >= 1 && c->rule <= VG_RULE_COUNT);
	assert_ptr_equal(vg_rules_find(c->id), c);
	(*n)++;
}

static void
test_catalogue(void **state)
{
	size_t n = 0;

	(void)state;
	vg_rules_foreach(check_entry, &n);
	/* R1 1 + 1 for devices, R2 4, R3 4, R4 5 + 1 for devices, R5 4,
	 * R6 2, R7 7, R10 3. */
	assert_int_equal(n, 32);
	assert_null(vg_rules_find("no.such_check"));
}

/* Empty facts: every host check not evaluated (the device checks judge
 * only devices) but the one that judges the policy alone: with no alert
 * chain declared, incident.no_contacts; no other finding. */
static void
test_evaluate_empty_facts(void **state)
{
	struct vg_policy p;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;

	(void)state;
	vg_facts_init(&f);
	f.collected_at = 1796083200;
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	vg_report_init(&r);
	assert_int_equal(vg_rules_evaluate(&f, &p, &r, &err), VG_OK);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].check, "incident.no_contacts");
	assert_int_equal(r.n_not_evaluated, 29);
	assert_int_equal(r.scores[10], 80);
	vg_report_release(&r);
	vg_policy_release(&p);
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_no_score_at_all),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_evaluate_empty_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

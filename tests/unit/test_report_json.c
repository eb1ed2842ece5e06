/*
 * Report JSON codec: round trip (known and unknown check ids), the
 * written shape, and hostile reports the decoder must refuse.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/report_json.h"
#include "core/rules.h"
#include "util/banned.h"

#define KNOWN "inventory.incomplete" /* R1, in the catalogue */

static void
fill_report(struct vg_report *r)
{
	const struct vg_check *c = vg_rules_find(KNOWN);
	int k;

	assert_non_null(c);
	assert_int_equal(vg_report_add(r, 1, c->id, VG_SEV_LOW, "pc-01",
				       json_pack("{s:[s,s]}", "missing",
						 "owner", "category"),
				       c->remediation),
			 VG_OK);
	/* A check a newer vigie knows, with nested evidence. */
	assert_int_equal(
		vg_report_add(r, 9, "continuity.future_check", VG_SEV_CRITICAL,
			      "proc \"x\"",
			      json_pack("{s:{s:i,s:b}}", "n", "a", 3, "b", 1),
			      NULL),
		VG_OK);
	/* NULL evidence becomes an empty object. */
	assert_int_equal(vg_report_add(r, 3, "test.null_evidence", VG_SEV_HIGH,
				       "%sudo", NULL, NULL),
			 VG_OK);
	assert_int_equal(vg_report_not_evaluated(r, 2, "accounts.dormant",
						 "cannot read 'wtmp'"),
			 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r->scores[k] = k <= 7 ? 100 - 3 * k : VG_SCORE_NONE;
	r->scores[4] = 0;
	r->overall = 83;
}

static void
test_round_trip(void **state)
{
	struct vg_report r, back;
	struct vg_err err;
	json_t *j1, *j2;
	const struct vg_check *c = vg_rules_find(KNOWN);
	int k;

	(void)state;
	vg_report_init(&r);
	vg_report_init(&back);
	fill_report(&r);
	assert_non_null(j1 = json_object());
	assert_int_equal(vg_report_to_json(&r, j1, false), VG_OK);
	assert_int_equal(vg_report_from_json(&back, j1, &err), VG_OK);
	assert_non_null(j2 = json_object());
	assert_int_equal(vg_report_to_json(&back, j2, false), VG_OK);
	assert_true(json_equal(j1, j2));

	assert_int_equal(back.n_findings, 3);
	/* Known ids map to the catalogue's static strings. */
	assert_ptr_equal(back.findings[0].check, c->id);
	assert_ptr_equal(back.findings[0].remediation, c->remediation);
	assert_int_equal(back.findings[0].severity, VG_SEV_LOW);
	assert_string_equal(back.findings[0].subject, "pc-01");
	assert_true(
		json_equal(back.findings[0].evidence, r.findings[0].evidence));
	/* Unknown ids are kept, without remediation. */
	assert_string_equal(back.findings[1].check, "continuity.future_check");
	assert_null(back.findings[1].remediation);
	assert_int_equal(back.findings[1].rule, 9);
	assert_int_equal(back.findings[1].severity, VG_SEV_CRITICAL);
	assert_int_equal(back.n_not_evaluated, 1);
	assert_int_equal(back.not_evaluated[0].rule, 2);
	assert_string_equal(back.not_evaluated[0].reason, "cannot read 'wtmp'");
	for (k = 1; k <= VG_RULE_COUNT; k++)
		assert_int_equal(back.scores[k], r.scores[k]);
	assert_int_equal(back.overall, 83);

	json_decref(j1);
	json_decref(j2);
	vg_report_release(&r);
	vg_report_release(&back);
}

/* Reading the same unknown id twice gives the same interned pointer. */
static void
test_intern(void **state)
{
	static const char *doc =
		"{\"findings\":[{\"rule\":\"R8\",\"check\":\"mail.new_x\","
		"\"severity\":\"medium\",\"subject\":\"a\",\"evidence\":{}},"
		"{\"rule\":\"R8\",\"check\":\"mail.new_x\",\"severity\":"
		"\"medium\",\"subject\":\"b\",\"evidence\":{}}]}";
	struct vg_report r1, r2;
	struct vg_err err;
	json_t *j;

	(void)state;
	assert_non_null(j = json_loads(doc, 0, NULL));
	vg_report_init(&r1);
	vg_report_init(&r2);
	assert_int_equal(vg_report_from_json(&r1, j, &err), VG_OK);
	assert_int_equal(vg_report_from_json(&r2, j, &err), VG_OK);
	assert_ptr_equal(r1.findings[0].check, r1.findings[1].check);
	assert_ptr_equal(r1.findings[0].check, r2.findings[0].check);
	/* Absent scores stay "none". */
	assert_int_equal(r1.overall, VG_SCORE_NONE);
	assert_int_equal(r1.scores[1], VG_SCORE_NONE);
	vg_report_release(&r1);
	vg_report_release(&r2);
	json_decref(j);
}

static void
test_shape(void **state)
{
	struct vg_report r;
	json_t *j, *fd, *sc;

	(void)state;
	vg_report_init(&r);
	fill_report(&r);
	assert_non_null(j = json_object());
	assert_int_equal(vg_report_to_json(&r, j, true), VG_OK);
	fd = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(fd, "rule")),
			    "R1");
	assert_string_equal(json_string_value(json_object_get(fd, "check")),
			    KNOWN);
	assert_string_equal(json_string_value(json_object_get(fd, "severity")),
			    "low");
	/* No catalogue loaded in tests: the English text comes back. */
	assert_string_equal(
		json_string_value(json_object_get(fd, "remediation")),
		vg_rules_find(KNOWN)->remediation);
	fd = json_array_get(json_object_get(j, "findings"), 2);
	assert_null(json_object_get(fd, "remediation"));
	assert_true(json_is_object(json_object_get(fd, "evidence")));
	assert_int_equal(json_object_size(json_object_get(fd, "evidence")), 0);
	fd = json_array_get(json_object_get(j, "not_evaluated"), 0);
	assert_string_equal(json_string_value(json_object_get(fd, "rule")),
			    "R2");
	sc = json_object_get(j, "scores");
	assert_int_equal(json_object_size(sc), VG_RULE_COUNT + 1);
	assert_int_equal(json_integer_value(json_object_get(sc, "R1")), 97);
	assert_int_equal(json_integer_value(json_object_get(sc, "R4")), 0);
	assert_true(json_is_null(json_object_get(sc, "R10")));
	assert_int_equal(json_integer_value(json_object_get(sc, "overall")),
			 83);
	json_decref(j);
	vg_report_release(&r);
}

/* A non-UTF-8 subject (from collected text) still encodes. */
static void
test_non_utf8_subject(void **state)
{
	struct vg_report r;
	json_t *j, *fd;

	(void)state;
	vg_report_init(&r);
	assert_int_equal(vg_report_add(&r, 2, "accounts.generic", VG_SEV_MEDIUM,
				       "h\xe9l\xe8ne", NULL, NULL),
			 VG_OK);
	assert_non_null(j = json_object());
	assert_int_equal(vg_report_to_json(&r, j, false), VG_OK);
	fd = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(fd, "subject")),
			    "h\xef\xbf\xbdl\xef\xbf\xbdne");
	json_decref(j);
	vg_report_release(&r);
}

struct bad_row {
	const char *name;
	const char *doc;
	enum vg_rc rc;
	const char *msg;
};

#define F(x) "{\"findings\":[" x "]}"
#define OKF                                                                    \
	"{\"rule\":\"R1\",\"check\":\"a.b\",\"severity\":\"low\","             \
	"\"subject\":\"s\",\"evidence\":{}}"

static const struct bad_row bad_rows[] = {
	{"root array", "[]", VG_ERR_PARSE, "report: expected an object"},
	{"findings object", "{\"findings\":{}}", VG_ERR_PARSE,
	 "report.findings: expected an array"},
	{"finding string", F(OKF ",\"x\""), VG_ERR_PARSE,
	 "report.findings[1]: expected an object"},
	{"rule R0",
	 F("{\"rule\":\"R0\",\"check\":\"a.b\",\"severity\":\"low\","
	   "\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].rule"},
	{"rule R11",
	 F("{\"rule\":\"R11\",\"check\":\"a.b\",\"severity\":"
	   "\"low\",\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].rule"},
	{"rule R01",
	 F("{\"rule\":\"R01\",\"check\":\"a.b\",\"severity\":"
	   "\"low\",\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].rule"},
	{"rule number",
	 F("{\"rule\":3,\"check\":\"a.b\",\"severity\":\"low\","
	   "\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].rule"},
	{"check missing",
	 F("{\"rule\":\"R1\",\"severity\":\"low\","
	   "\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].check"},
	{"check odd chars",
	 F("{\"rule\":\"R1\",\"check\":\"a b;drop\","
	   "\"severity\":\"low\",\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].check"},
	{"check empty",
	 F("{\"rule\":\"R1\",\"check\":\"\","
	   "\"severity\":\"low\",\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].check"},
	{"severity unknown",
	 F("{\"rule\":\"R1\",\"check\":\"a.b\","
	   "\"severity\":\"urgent\",\"subject\":\"s\"}"),
	 VG_ERR_PARSE, "report.findings[0].severity"},
	{"subject missing",
	 F("{\"rule\":\"R1\",\"check\":\"a.b\","
	   "\"severity\":\"low\"}"),
	 VG_ERR_PARSE, "report.findings[0].subject"},
	{"evidence array",
	 F("{\"rule\":\"R1\",\"check\":\"a.b\",\"severity\":"
	   "\"low\",\"subject\":\"s\",\"evidence\":[]}"),
	 VG_ERR_PARSE, "report.findings[0].evidence"},
	{"not_evaluated no reason",
	 "{\"not_evaluated\":[{\"rule\":\"R2\",\"check\":\"a.b\"}]}",
	 VG_ERR_PARSE, "report.not_evaluated[0].reason"},
	{"score 101", "{\"scores\":{\"R1\":101}}", VG_ERR_PARSE,
	 "report.scores.R1"},
	{"score negative", "{\"scores\":{\"overall\":-1}}", VG_ERR_PARSE,
	 "report.scores.overall"},
	{"score string", "{\"scores\":{\"R3\":\"90\"}}", VG_ERR_PARSE,
	 "report.scores.R3"},
	{"scores array", "{\"scores\":[]}", VG_ERR_PARSE, "report.scores"},
	{"evidence too deep",
	 F("{\"rule\":\"R1\",\"check\":\"a.b\",\"severity\":\"low\","
	   "\"subject\":\"s\",\"evidence\":{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[["
	   "[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}"),
	 VG_ERR_LIMIT, "deeper"},
};

static void
test_hostile_table(void **state)
{
	struct vg_report r;
	struct vg_err err;
	json_t *j;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(bad_rows); i++) {
		const struct bad_row *b = &bad_rows[i];
		enum vg_rc rc;

		j = json_loads(b->doc, JSON_DECODE_ANY, NULL);
		if (j == NULL)
			fail_msg("row '%s': test document does not parse",
				 b->name);
		vg_report_init(&r);
		vg_err_clear(&err);
		rc = vg_report_from_json(&r, j, &err);
		if (rc != b->rc || strstr(err.msg, b->msg) == NULL)
			fail_msg("row '%s': rc %d, message '%s'", b->name,
				 (int)rc, err.msg);
		/* All or nothing. */
		assert_int_equal(r.n_findings, 0);
		assert_int_equal(r.n_not_evaluated, 0);
		vg_report_release(&r);
		json_decref(j);
	}
}

/* A valid finding next to the hostile ones parses. */
static void
test_minimal_ok(void **state)
{
	struct vg_report r;
	struct vg_err err;
	json_t *j;

	(void)state;
	assert_non_null(j = json_loads(F(OKF), 0, NULL));
	vg_report_init(&r);
	assert_int_equal(vg_report_from_json(&r, j, &err), VG_OK);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].check, "a.b");
	vg_report_release(&r);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_non_utf8_subject),
		cmocka_unit_test(test_hostile_table),
		cmocka_unit_test(test_minimal_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

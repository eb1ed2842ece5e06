/*
 * The incident model (respond/incident.h) and its JSON codec
 * (respond/incident_json.h): names, seriousness, deadlines, the check
 * before storing, and from_json on hostile documents.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "respond/incident.h"
#include "respond/incident_json.h"
#include "util/banned.h"

#define NOW 1800000000

static struct vg_incident
base(void)
{
	struct vg_incident inc;

	memset(&inc, 0, sizeof(inc));
	inc.id = 3;
	inc.title = "Rançongiciel sur le PACS";
	inc.type = VG_INC_OTHER;
	inc.detected_at = NOW - 3600;
	inc.care = VG_CARE_NONE;
	inc.persons = -1;
	inc.status = VG_INC_OPEN;
	inc.opened_at = NOW - 1800;
	return inc;
}

static void
test_names(void **state)
{
	static const struct {
		const char *s;
		int kind; /* 0 type, 1 care, 2 status */
		int want; /* -1: refused */
	} rows[] = {
		{"ransomware", 0, VG_INC_RANSOMWARE},
		{"intrusion", 0, VG_INC_INTRUSION},
		{"data_leak", 0, VG_INC_DATA_LEAK},
		{"phishing", 0, VG_INC_PHISHING},
		{"unavailability", 0, VG_INC_UNAVAILABILITY},
		{"loss_theft", 0, VG_INC_LOSS_THEFT},
		{"other", 0, VG_INC_OTHER},
		{"Ransomware", 0, -1},
		{"ransomware ", 0, -1},
		{"", 0, -1},
		{NULL, 0, -1},
		{"none", 1, VG_CARE_NONE},
		{"potential", 1, VG_CARE_POTENTIAL},
		{"proven", 1, VG_CARE_PROVEN},
		{"open", 1, -1},
		{"open", 2, VG_INC_OPEN},
		{"contained", 2, VG_INC_CONTAINED},
		{"recovered", 2, VG_INC_RECOVERED},
		{"closed", 2, VG_INC_CLOSED},
		{"active", 2, -1},
		{"clos\xc3\xa9", 2, -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		enum vg_incident_type t = VG_INC_TYPE_COUNT;
		enum vg_care_impact c = VG_CARE_COUNT;
		enum vg_incident_status s = VG_INC_STATUS_COUNT;
		bool ok;
		int got;

		if (rows[i].kind == 0) {
			ok = vg_incident_type_parse(rows[i].s, &t);
			got = (int)t;
			if (ok)
				assert_string_equal(vg_incident_type_name(t),
						    rows[i].s);
		} else if (rows[i].kind == 1) {
			ok = vg_care_impact_parse(rows[i].s, &c);
			got = (int)c;
			if (ok)
				assert_string_equal(vg_care_impact_name(c),
						    rows[i].s);
		} else {
			ok = vg_incident_status_parse(rows[i].s, &s);
			got = (int)s;
			if (ok)
				assert_string_equal(vg_incident_status_name(s),
						    rows[i].s);
		}
		assert_int_equal(ok, rows[i].want >= 0);
		if (ok)
			assert_int_equal(got, rows[i].want);
	}
	/* Out of range (a damaged value) names as "?", never crashes. */
	assert_string_equal(vg_incident_type_name(VG_INC_TYPE_COUNT), "?");
	assert_string_equal(vg_incident_type_name((enum vg_incident_type) - 1),
			    "?");
	assert_string_equal(vg_care_impact_name(VG_CARE_COUNT), "?");
	assert_string_equal(vg_incident_status_name(VG_INC_STATUS_COUNT), "?");
}

/* Seriousness, deadlines and overdue, one row per case. */
static void
test_serious_deadlines(void **state)
{
	static const struct {
		const char *what;
		enum vg_incident_type type;
		enum vg_care_impact care;
		bool health, personal;
		int64_t degraded, reported;
		enum vg_incident_status status;
		int hours;
		int64_t now_after; /* now = detected + this */
		bool serious, overdue;
		int64_t ans, cnil; /* offsets from detected, cnil 0 none */
	} rows[] = {
		{"phishing, nothing else", VG_INC_PHISHING, VG_CARE_NONE, false,
		 false, 0, 0, VG_INC_OPEN, 24, 100 * 3600, false, false,
		 24 * 3600, 0},
		{"ransomware", VG_INC_RANSOMWARE, VG_CARE_NONE, false, false, 0,
		 0, VG_INC_OPEN, 24, 25 * 3600, true, true, 24 * 3600, 0},
		{"intrusion, in time", VG_INC_INTRUSION, VG_CARE_NONE, false,
		 false, 0, 0, VG_INC_OPEN, 24, 24 * 3600, true, false,
		 24 * 3600, 0},
		{"care potential", VG_INC_OTHER, VG_CARE_POTENTIAL, false,
		 false, 0, 0, VG_INC_CONTAINED, 12, 13 * 3600, true, true,
		 12 * 3600, 0},
		{"care proven, reported", VG_INC_OTHER, VG_CARE_PROVEN, false,
		 false, 0, 5, VG_INC_OPEN, 24, 48 * 3600, true, false,
		 24 * 3600, 0},
		{"health data: CNIL too", VG_INC_DATA_LEAK, VG_CARE_NONE, true,
		 false, 0, 0, VG_INC_OPEN, 24, 30 * 3600, true, true, 24 * 3600,
		 72 * 3600},
		{"personal data only", VG_INC_DATA_LEAK, VG_CARE_NONE, false,
		 true, 0, 0, VG_INC_OPEN, 24, 30 * 3600, false, false,
		 24 * 3600, 72 * 3600},
		{"degraded mode", VG_INC_UNAVAILABILITY, VG_CARE_NONE, false,
		 false, 1000, 0, VG_INC_RECOVERED, 24, 30 * 3600, true, true,
		 24 * 3600, 0},
		{"closed is never overdue", VG_INC_RANSOMWARE, VG_CARE_PROVEN,
		 true, true, 0, 0, VG_INC_CLOSED, 24, 300 * 3600, true, false,
		 24 * 3600, 72 * 3600},
		{"no hours in policy: 24", VG_INC_RANSOMWARE, VG_CARE_NONE,
		 false, false, 0, 0, VG_INC_OPEN, 0, 23 * 3600, true, false,
		 24 * 3600, 0},
		{"negative hours: 24", VG_INC_RANSOMWARE, VG_CARE_NONE, false,
		 false, 0, 0, VG_INC_OPEN, -5, 25 * 3600, true, true, 24 * 3600,
		 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		struct vg_incident inc = base();
		int64_t now;

		inc.type = rows[i].type;
		inc.care = rows[i].care;
		inc.health_data = rows[i].health;
		inc.personal_data = rows[i].personal;
		inc.degraded_since = rows[i].degraded;
		inc.reported_ans_at = rows[i].reported;
		inc.status = rows[i].status;
		now = inc.detected_at + rows[i].now_after;
		print_message("%s\n", rows[i].what);
		assert_int_equal(vg_incident_is_serious(&inc), rows[i].serious);
		assert_int_equal(
			vg_incident_report_overdue(&inc, rows[i].hours, now),
			rows[i].overdue);
		assert_int_equal(vg_incident_ans_deadline(&inc, rows[i].hours),
				 inc.detected_at + rows[i].ans);
		assert_int_equal(vg_incident_cnil_deadline(&inc),
				 rows[i].cnil ? inc.detected_at + rows[i].cnil
					      : 0);
	}
}

/* A hostile detection time saturates instead of overflowing. */
static void
test_deadline_overflow(void **state)
{
	struct vg_incident inc = base();

	(void)state;
	inc.detected_at = INT64_MAX - 10;
	inc.personal_data = true;
	assert_true(vg_incident_ans_deadline(&inc, 24) == INT64_MAX);
	assert_true(vg_incident_cnil_deadline(&inc) == INT64_MAX);
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
test_check(void **state)
{
	char *long_title = repeat('a', VG_INCIDENT_TITLE_MAX + 1);
	char *max_title = repeat('b', VG_INCIDENT_TITLE_MAX);
	char *long_text = repeat('c', VG_INCIDENT_TEXT_MAX + 1);
	char *max_text = repeat('d', VG_INCIDENT_TEXT_MAX);
	const struct {
		const char *what;
		int field;
		const char *s;
		int64_t n;
		const char *want; /* NULL: accepted; else in the message */
	} rows[] = {
		{"valid", 0, NULL, 0, NULL},
		{"no title", 1, NULL, 0, "title"},
		{"empty title", 1, "", 0, "title"},
		{"title at max", 1, max_title, 0, NULL},
		{"title too long", 1, long_title, 0, "title"},
		{"title with newline", 1, "a\nb", 0, "title"},
		{"title with DEL", 1, "a\x7f", 0, "title"},
		{"title not UTF-8", 1, "caf\xe9", 0, "title"},
		{"title overlong UTF-8", 1, "\xc0\xaf", 0, "title"},
		{"perimeter multi-line", 2, "PACS\nRIS", 0, NULL},
		{"perimeter at max", 2, max_text, 0, NULL},
		{"perimeter too long", 2, long_text, 0, "perimeter"},
		{"causes not UTF-8", 3, "\xff", 0, "causes"},
		{"ans_ref with tab", 4, "a\tb", 0, "ans_ref"},
		{"persons -1", 5, NULL, -1, NULL},
		{"persons 0", 5, NULL, 0, NULL},
		{"persons -2", 5, NULL, -2, "persons"},
		{"persons INT64_MIN", 5, NULL, INT64_MIN, "persons"},
		{"detected in 4 min", 6, NULL, NOW + 240, NULL},
		{"detected in 6 min", 6, NULL, NOW + 360, "detected_at"},
		{"detected INT64_MAX", 6, NULL, INT64_MAX, "detected_at"},
		{"detected negative", 6, NULL, -1, "detected_at"},
		{"degraded future", 7, NULL, NOW + 86400, "degraded_since"},
		{"type out of range", 8, NULL, VG_INC_TYPE_COUNT, "type"},
		{"type negative", 8, NULL, -1, "type"},
		{"care out of range", 9, NULL, VG_CARE_COUNT, "care"},
		{"status out of range", 10, NULL, 99, "status"},
		{"closed_at negative", 11, NULL, -5, "closed_at"},
	};
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		struct vg_incident inc = base();
		enum vg_rc rc;

		switch (rows[i].field) {
		case 1:
			inc.title = (char *)(uintptr_t)rows[i].s;
			break;
		case 2:
			inc.perimeter = (char *)(uintptr_t)rows[i].s;
			break;
		case 3:
			inc.causes = (char *)(uintptr_t)rows[i].s;
			break;
		case 4:
			inc.ans_ref = (char *)(uintptr_t)rows[i].s;
			break;
		case 5:
			inc.persons = rows[i].n;
			break;
		case 6:
			inc.detected_at = rows[i].n;
			break;
		case 7:
			inc.degraded_since = rows[i].n;
			break;
		case 8:
			inc.type = (enum vg_incident_type)rows[i].n;
			break;
		case 9:
			inc.care = (enum vg_care_impact)rows[i].n;
			break;
		case 10:
			inc.status = (enum vg_incident_status)rows[i].n;
			break;
		case 11:
			inc.closed_at = rows[i].n;
			break;
		}
		vg_err_clear(&err);
		rc = vg_incident_check(&inc, NOW, &err);
		print_message("%s: %s\n", rows[i].what, err.msg);
		if (rows[i].want == NULL) {
			assert_int_equal(rc, VG_OK);
		} else {
			assert_int_equal(rc, VG_ERR_USAGE);
			assert_non_null(strstr(err.msg, rows[i].want));
		}
	}
	free(long_title);
	free(max_title);
	free(long_text);
	free(max_text);
}

/* to_json then from_json gives the same fields back. */
static void
test_json_roundtrip(void **state)
{
	struct vg_incident inc = base(), back;
	struct vg_err err;
	json_t *o;

	(void)state;
	inc.type = VG_INC_RANSOMWARE;
	inc.care = VG_CARE_PROVEN;
	inc.degraded_since = NOW - 100;
	inc.health_data = inc.availability = inc.integrity = true;
	inc.persons = 12000;
	inc.perimeter = "PACS, RIS";
	inc.status = VG_INC_CONTAINED;
	inc.reported_ans_at = NOW - 10;
	inc.ans_ref = "CERT-2026-001";
	o = vg_incident_to_json(&inc);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
			    "ransomware");
	assert_string_equal(json_string_value(json_object_get(o, "care")),
			    "proven");
	assert_true(json_is_null(json_object_get(o, "causes")));
	assert_true(json_is_true(json_object_get(o, "health_data")));
	assert_int_equal(json_integer_value(json_object_get(o, "persons")),
			 12000);
	assert_int_equal(vg_incident_from_json(o, &back, &err), VG_OK);
	assert_int_equal(back.id, 3);
	assert_string_equal(back.title, inc.title);
	/* Borrowed: the very bytes of the JSON string. */
	assert_ptr_equal(back.title,
			 json_string_value(json_object_get(o, "title")));
	assert_int_equal(back.type, inc.type);
	assert_int_equal(back.care, inc.care);
	assert_int_equal(back.degraded_since, inc.degraded_since);
	assert_true(back.health_data && !back.personal_data);
	assert_true(!back.confidentiality && back.integrity &&
		    back.availability);
	assert_int_equal(back.persons, 12000);
	assert_string_equal(back.perimeter, "PACS, RIS");
	assert_null(back.causes);
	assert_int_equal(back.status, VG_INC_CONTAINED);
	assert_int_equal(back.reported_ans_at, inc.reported_ans_at);
	assert_string_equal(back.ans_ref, "CERT-2026-001");
	assert_null(back.cnil_ref);
	json_decref(o);
}

/* Hostile documents: each refused with a message naming the field. */
static void
test_json_hostile(void **state)
{
	static const struct {
		const char *doc;
		const char *want; /* NULL: accepted */
	} rows[] = {
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 NULL},
		{"[]", "not a JSON object"},
		{"\"x\"", "not a JSON object"},
		{"{\"title\":\"t\",\"type\":\"other\",\"care\":\"none\","
		 "\"status\":\"open\"}",
		 "\"id\": missing"},
		{"{\"id\":1,\"type\":\"other\",\"care\":\"none\",\"status\":"
		 "\"open\"}",
		 "\"title\": missing"},
		{"{\"id\":1,\"title\":null,\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 "\"title\""},
		{"{\"id\":-1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 "\"id\": out of range"},
		{"{\"id\":1.5,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 "\"id\": not an integer"},
		{"{\"id\":\"1\",\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 "\"id\": not an integer"},
		{"{\"id\":1,\"title\":5,\"type\":\"other\",\"care\":\"none\","
		 "\"status\":\"open\"}",
		 "\"title\": not a string"},
		{"{\"id\":1,\"title\":\"a\\u0000b\",\"type\":\"other\","
		 "\"care\":\"none\",\"status\":\"open\"}",
		 "\"title\": holds a NUL byte"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"virus\",\"care\":"
		 "\"none\",\"status\":\"open\"}",
		 "\"type\": unknown name"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":true,"
		 "\"status\":\"open\"}",
		 "\"care\": not a string"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"active\"}",
		 "\"status\": unknown name"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"persons\":-2}",
		 "\"persons\": out of range"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"persons\":-1}",
		 NULL},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"detected_at\":-1}",
		 "\"detected_at\": out of range"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"closed_at\":1e30}",
		 "\"closed_at\": not an integer"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"health_data\":1}",
		 "\"health_data\": not a boolean"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"integrity\":null}",
		 "\"integrity\": not a boolean"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"causes\":[]}",
		 "\"causes\": not a string"},
		{"{\"id\":1,\"title\":\"t\",\"type\":\"other\",\"care\":"
		 "\"none\",\"status\":\"open\",\"causes\":null,\"extra\":"
		 "{\"deep\":[1,2]}}",
		 NULL},
	};
	struct vg_incident inc;
	struct vg_err err;
	json_error_t jerr;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		json_t *o = json_loads(rows[i].doc,
				       JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		enum vg_rc rc;

		assert_non_null(o);
		vg_err_clear(&err);
		rc = vg_incident_from_json(o, &inc, &err);
		print_message("%zu: %s\n", i, err.msg);
		if (rows[i].want == NULL) {
			assert_int_equal(rc, VG_OK);
			assert_int_equal(inc.persons, -1);
		} else {
			assert_int_equal(rc, VG_ERR_PARSE);
			assert_non_null(strstr(err.msg, rows[i].want));
			/* out reset on failure */
			assert_null(inc.title);
			assert_int_equal(inc.id, 0);
		}
		json_decref(o);
	}
	assert_int_equal(vg_incident_from_json(NULL, &inc, &err), VG_ERR_PARSE);
}

/* Texts over their limits are refused, at the limit accepted. */
static void
test_json_limits(void **state)
{
	char *at = repeat('x', VG_INCIDENT_TITLE_MAX);
	char *over = repeat('x', VG_INCIDENT_TITLE_MAX + 1);
	char *text_over = repeat('y', VG_INCIDENT_TEXT_MAX + 1);
	struct vg_incident inc;
	struct vg_err err;
	json_t *o;

	(void)state;
	o = json_pack("{sissssssss}", "id", 1, "title", at, "type", "other",
		      "care", "none", "status", "open");
	assert_non_null(o);
	assert_int_equal(vg_incident_from_json(o, &inc, &err), VG_OK);
	json_object_set_new(o, "title", json_string(over));
	assert_int_equal(vg_incident_from_json(o, &inc, &err), VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "\"title\": too long"));
	json_object_set_new(o, "title", json_string("t"));
	json_object_set_new(o, "perimeter", json_string(text_over));
	assert_int_equal(vg_incident_from_json(o, &inc, &err), VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "\"perimeter\": too long"));
	json_decref(o);
	free(at);
	free(over);
	free(text_over);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_serious_deadlines),
		cmocka_unit_test(test_deadline_overflow),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

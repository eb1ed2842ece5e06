/*
 * Unit tests of R10 (incident reflexes): the alert chain, isolation, the
 * overdue report; each check's pass, fail and not-evaluated, and the
 * facts codec of their two sources (a round trip and hostile values).
 */
#include "util/common.h"

#include <string.h>

#include "support.h"
#include "core/facts_json.h"
#include "rules_fixture.h"
#include "util/banned.h"

#define NOW "2026-11-30"
#define H INT64_C(3600)

#define RUN(x, id) fx_run((x), vg_checks_r10, vg_checks_r10_count, (id))

static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} want[] = {
		{"incident.no_contacts", VG_SEV_HIGH},
		{"incident.isolation_unavailable", VG_SEV_MEDIUM},
		{"incident.report_overdue", VG_SEV_HIGH},
	};
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r10_count, VG_ARRAY_LEN(want));
	for (i = 0; i < VG_ARRAY_LEN(want); i++) {
		assert_string_equal(vg_checks_r10[i].id, want[i].id);
		assert_int_equal(vg_checks_r10[i].rule, 10);
		assert_int_equal(vg_checks_r10[i].severity, want[i].sev);
		assert_true(strlen(vg_checks_r10[i].remediation) > 20);
		assert_ptr_equal(vg_rules_find(want[i].id), &vg_checks_r10[i]);
	}
}

/* Give the policy n contacts; strings live in static storage, so they
 * are dropped before vg_policy_release frees the array. */
static void
set_contacts(struct fx *x, struct vg_contact_decl *k, size_t n)
{
	x->p.contacts = k;
	x->p.n_contacts = n;
}

static void
unset_contacts(struct fx *x)
{
	x->p.contacts = NULL;
	x->p.n_contacts = 0;
	x->p.smtp.url = NULL;
}

static void
test_no_contacts(void **state)
{
	static char name[] = "Astreinte", mail[] = "astreinte@chu.fr",
		    hook[] = "https://hooks.chu.fr/v", smtp[] = "smtp://mx:587";
	static const struct {
		const char *what;
		enum vg_contact_role role;
		char *email, *webhook, *smtp_url;
		size_t findings;
	} rows[] = {
		{"none at all", VG_CONTACT_RSSI, NULL, NULL, NULL, 1},
		{"webhook only", VG_CONTACT_ONCALL, NULL, hook, NULL, 0},
		{"e-mail and a mail server", VG_CONTACT_RSSI, mail, NULL, smtp,
		 0},
		{"e-mail without a mail server", VG_CONTACT_RSSI, mail, NULL,
		 NULL, 1},
		{"management alone is no chain", VG_CONTACT_MANAGEMENT, mail,
		 hook, smtp, 1},
		{"hierarchy reachable", VG_CONTACT_HIERARCHY, NULL, hook, NULL,
		 0},
		{"empty strings", VG_CONTACT_ONCALL, (char *)"", (char *)"",
		 smtp, 1},
	};
	struct vg_contact_decl k;
	struct fx x;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fx_init(&x, NOW);
		memset(&k, 0, sizeof(k));
		k.name = name;
		k.role = rows[i].role;
		k.email = rows[i].email;
		k.webhook = rows[i].webhook;
		if (i > 0)
			set_contacts(&x, &k, 1);
		x.p.smtp.url = rows[i].smtp_url;
		RUN(&x, "incident.no_contacts");
		if (x.r.n_findings != rows[i].findings)
			fail_msg("%s: %zu findings", rows[i].what,
				 x.r.n_findings);
		assert_int_equal(x.r.n_not_evaluated, 0);
		unset_contacts(&x);
		fx_release(&x);
	}
}

static void
test_isolation(void **state)
{
	struct fx x;

	(void)state;
	fx_init(&x, NOW);
	vg_facts_not_collected(&x.f, VG_SRC_ISOLATION, "not looked for");
	RUN(&x, "incident.isolation_unavailable");
	fx_assert_not_evaluated(&x, "incident.isolation_unavailable",
				"not looked for");

	fx_reset_report(&x);
	vg_facts_collected(&x.f, VG_SRC_ISOLATION);
	RUN(&x, "incident.isolation_unavailable");
	assert_int_equal(x.r.n_findings, 1);
	assert_string_equal(x.r.findings[0].check,
			    "incident.isolation_unavailable");

	fx_reset_report(&x);
	x.f.isolation.nft = true;
	x.f.isolation.nft_path = "/usr/sbin/nft";
	RUN(&x, "incident.isolation_unavailable");
	assert_int_equal(x.r.n_findings, 0);
	fx_release(&x);
}

static struct vg_incident_ref *
add_inc(struct fx *x, int64_t id, bool serious, int64_t detected,
	int64_t reported)
{
	struct vg_incident_ref *r = vg_facts_add_incident_ref(&x->f);

	assert_non_null(r);
	r->id = id;
	r->title = vg_facts_str(&x->f, "Rançongiciel");
	r->status = "open";
	r->serious = serious;
	r->detected_at = detected;
	r->reported_ans_at = reported;
	return r;
}

static void
test_overdue(void **state)
{
	struct fx x;
	int64_t now;

	(void)state;
	fx_init(&x, NOW);
	now = x.f.collected_at;
	vg_facts_not_collected(&x.f, VG_SRC_INCIDENTS, "no store");
	RUN(&x, "incident.report_overdue");
	fx_assert_not_evaluated(&x, "incident.report_overdue", "no store");

	fx_reset_report(&x);
	vg_facts_collected(&x.f, VG_SRC_INCIDENTS);
	add_inc(&x, 1, true, now - 25 * H, 0);             /* overdue */
	add_inc(&x, 2, true, now - 23 * H, 0);             /* not yet */
	add_inc(&x, 3, false, now - 100 * H, 0);           /* not serious */
	add_inc(&x, 4, true, now - 100 * H, now - 90 * H); /* reported */
	add_inc(&x, 5, true, VG_TIME_UNKNOWN, 0);          /* no date */
	RUN(&x, "incident.report_overdue");
	assert_int_equal(x.r.n_findings, 1);
	assert_string_equal(x.r.findings[0].subject, "incident 1");
	assert_int_equal(json_integer_value(json_object_get(
				 x.r.findings[0].evidence, "incident")),
			 1);

	/* A longer deadline in the policy: nothing overdue yet. */
	fx_reset_report(&x);
	x.p.incident_report_hours = 48;
	RUN(&x, "incident.report_overdue");
	assert_int_equal(x.r.n_findings, 0);

	/* No collection time: cannot judge an age. */
	fx_reset_report(&x);
	x.f.collected_at = 0;
	RUN(&x, "incident.report_overdue");
	fx_assert_not_evaluated(&x, "incident.report_overdue", "time");
	fx_release(&x);
}

/* The two sources survive the facts document, and hostile values are
 * refused with the member named. */
static void
test_codec(void **state)
{
	struct vg_facts f, g;
	struct vg_err err;
	json_t *doc;

	(void)state;
	vg_facts_init(&f);
	f.collected_at = 1764460800;
	vg_facts_collected(&f, VG_SRC_ISOLATION);
	f.isolation.nft = true;
	f.isolation.nft_path = "/usr/sbin/nft";
	vg_facts_collected(&f, VG_SRC_INCIDENTS);
	{
		struct vg_incident_ref *r = vg_facts_add_incident_ref(&f);

		assert_non_null(r);
		r->id = 7;
		r->title = "Intrusion";
		r->status = "contained";
		r->serious = true;
		r->detected_at = 1764400000;
		r->reported_ans_at = 0;
	}
	doc = vg_facts_to_json(&f);
	assert_non_null(doc);
	vg_facts_init(&g);
	assert_int_equal(vg_facts_from_json(&g, doc, &err), VG_OK);
	assert_true(g.sources[VG_SRC_ISOLATION].collected);
	assert_true(g.isolation.nft);
	assert_string_equal(g.isolation.nft_path, "/usr/sbin/nft");
	assert_int_equal(g.n_incidents, 1);
	assert_int_equal(g.incidents[0].id, 7);
	assert_true(g.incidents[0].serious);
	assert_int_equal(g.incidents[0].detected_at, 1764400000);
	assert_int_equal(g.incidents[0].reported_ans_at, VG_TIME_NEVER);
	vg_facts_release(&g);

	/* An id of 0 and a serious flag that is a string. */
	json_object_set_new(
		json_array_get(json_object_get(doc, "incidents"), 0), "id",
		json_integer(0));
	vg_facts_init(&g);
	assert_int_equal(vg_facts_from_json(&g, doc, &err), VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "id"));
	vg_facts_release(&g);
	json_object_set_new(
		json_array_get(json_object_get(doc, "incidents"), 0), "id",
		json_integer(7));
	json_object_set_new(
		json_array_get(json_object_get(doc, "incidents"), 0), "serious",
		json_string("yes"));
	vg_facts_init(&g);
	assert_int_equal(vg_facts_from_json(&g, doc, &err), VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "serious"));
	vg_facts_release(&g);
	json_decref(doc);
	vg_facts_release(&f);
}

/* More incidents than a host may carry: the rest is refused. */
static void
test_bounded(void **state)
{
	struct vg_facts f;
	size_t i;

	(void)state;
	vg_facts_init(&f);
	for (i = 0; i < VG_MAX_INCIDENT_REFS; i++)
		assert_non_null(vg_facts_add_incident_ref(&f));
	assert_null(vg_facts_add_incident_ref(&f));
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_no_contacts),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The device checks: inventory.unmanaged_device (R1) and
 * password.cleartext_protocol (R4) on facts describing a network device,
 * and the evaluator keeping devices and hosts apart: a device is judged
 * by the device checks only, a host never by them, and scores go to the
 * rules that were judged.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "rules_fixture.h"
#include "util/banned.h"

#define UNMANAGED "inventory.unmanaged_device"
#define CLEARTEXT "password.cleartext_protocol"

/* A device as vigie discover records it: only the device source. */
static void
device_facts(struct vg_facts *f, const char *name, const char *managed_by)
{
	f->collected_at = VG_FIXTURE_NOW;
	vg_facts_collected(f, VG_SRC_DEVICE);
	f->device.key = vg_facts_str(f, "00:1b:2c:3d:4e:5f");
	f->device.mac = vg_facts_str(f, "00:1b:2c:3d:4e:5f");
	f->device.ips = vg_facts_str(f, "10.1.2.3");
	f->device.name = vg_facts_str(f, name);
	f->device.vendor = vg_facts_str(f, "Siemens Healthineers");
	f->device.category = vg_facts_str(f, "biomedical");
	f->device.confidence = 87;
	f->device.managed_by = vg_facts_str(f, managed_by);
	f->device.sensor = vg_facts_str(f, "local");
	f->device.first_seen = VG_FIXTURE_NOW - 7 * VG_FIXTURE_DAY;
	f->device.last_seen = VG_FIXTURE_NOW - 60;
}

static void
add_login(struct vg_facts *f, const char *protocol, const char *user)
{
	struct vg_device_login *l = vg_facts_add_device_login(f);

	assert_non_null(l);
	l->protocol = vg_facts_str(f, protocol);
	l->user = vg_facts_str(f, user);
}

/* Evaluate the whole catalogue over f into r (initialised here). */
static void
evaluate(const struct vg_facts *f, const struct vg_policy *p,
	 struct vg_report *r)
{
	struct vg_err err;

	vg_report_init(r);
	assert_int_equal(vg_rules_evaluate(f, p, r, &err), VG_OK);
}

/* An unmanaged device fires, with what discovery knows as evidence. */
static void
test_unmanaged(void **state)
{
	const struct vg_finding *fd;
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	device_facts(&f, "CT_SCANNER_1", NULL);
	vg_fixture_eval(&f, &p, UNMANAGED, &r);
	assert_int_equal(r.n_findings, 1);
	assert_int_equal(r.n_not_evaluated, 0);
	assert_non_null(fd = vg_fixture_finding(&r, UNMANAGED, "CT_SCANNER_1"));
	assert_int_equal(fd->rule, 1);
	assert_int_equal(fd->severity, VG_SEV_HIGH);
	assert_string_equal(vg_fixture_ev_str(fd, "key"), "00:1b:2c:3d:4e:5f");
	assert_string_equal(vg_fixture_ev_str(fd, "mac"), "00:1b:2c:3d:4e:5f");
	assert_string_equal(vg_fixture_ev_str(fd, "ips"), "10.1.2.3");
	assert_string_equal(vg_fixture_ev_str(fd, "vendor"),
			    "Siemens Healthineers");
	assert_string_equal(vg_fixture_ev_str(fd, "category"), "biomedical");
	assert_int_equal(vg_fixture_ev_int(fd, "confidence"), 87);
	assert_string_equal(vg_fixture_ev_str(fd, "sensor"), "local");
	assert_string_equal(vg_fixture_ev_str(fd, "first_seen"),
			    "2024-05-25T00:00:00Z");
	assert_string_equal(vg_fixture_ev_str(fd, "last_seen"),
			    "2024-05-31T23:59:00Z");
	assert_non_null(strstr(fd->remediation, "vigie assets import"));
	vg_fixture_release(&f, &p, &r);
}

/* Table: who manages the device, its name, and what fires. */
static void
test_managed_rows(void **state)
{
	static const struct {
		const char *name;
		const char *managed_by;
		const char *subject; /* NULL: no finding */
	} rows[] = {
		{"CT_SCANNER_1", NULL, "CT_SCANNER_1"},
		{"CT_SCANNER_1", "asset Scanner CT 1", NULL},
		{"pc-radio-02", "host pc-radio-02", NULL},
		/* An empty managed_by names nobody. */
		{"CT_SCANNER_1", "", "CT_SCANNER_1"},
		/* No name: the key identifies the finding. */
		{NULL, NULL, "00:1b:2c:3d:4e:5f"},
		{"", NULL, "00:1b:2c:3d:4e:5f"},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
		device_facts(&f, rows[i].name, rows[i].managed_by);
		vg_fixture_eval(&f, &p, UNMANAGED, &r);
		if (vg_fixture_count(&r, UNMANAGED) !=
		    (rows[i].subject != NULL ? 1u : 0u))
			fail_msg("row %zu: %zu findings", i,
				 vg_fixture_count(&r, UNMANAGED));
		if (rows[i].subject != NULL)
			assert_non_null(vg_fixture_finding(&r, UNMANAGED,
							   rows[i].subject));
		assert_int_equal(r.n_not_evaluated, 0);
		vg_fixture_release(&f, &p, &r);
	}
}

/* Unknown times and missing fields give null evidence, not garbage. */
static void
test_unmanaged_sparse(void **state)
{
	const struct vg_finding *fd;
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	vg_facts_collected(&f, VG_SRC_DEVICE);
	f.device.key = vg_facts_str(&f, "10.9.8.7");
	vg_fixture_eval(&f, &p, UNMANAGED, &r);
	assert_non_null(fd = vg_fixture_finding(&r, UNMANAGED, "10.9.8.7"));
	assert_true(json_is_null(json_object_get(fd->evidence, "mac")));
	assert_true(json_is_null(json_object_get(fd->evidence, "ips")));
	assert_true(json_is_null(json_object_get(fd->evidence, "first_seen")));
	assert_true(json_is_null(json_object_get(fd->evidence, "last_seen")));
	assert_int_equal(vg_fixture_ev_int(fd, "confidence"), 0);
	vg_fixture_release(&f, &p, &r);
}

/* Logins on two protocols: two findings, users deduplicated and sorted. */
static void
test_cleartext_two_protocols(void **state)
{
	const struct vg_finding *fd;
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *users;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	device_facts(&f, "PACS-GW", "asset PACS gateway");
	add_login(&f, "telnet", "root");
	add_login(&f, "ftp", "dicom");
	add_login(&f, "telnet", "admin");
	add_login(&f, "telnet", "root");
	add_login(&f, "ftp", NULL);
	vg_fixture_eval(&f, &p, CLEARTEXT, &r);
	assert_int_equal(r.n_findings, 2);
	assert_int_equal(r.n_not_evaluated, 0);

	assert_non_null(fd = vg_fixture_finding(&r, CLEARTEXT, "telnet"));
	assert_int_equal(fd->rule, 4);
	assert_int_equal(fd->severity, VG_SEV_HIGH);
	users = json_object_get(fd->evidence, "users");
	assert_int_equal(json_array_size(users), 2);
	assert_string_equal(json_string_value(json_array_get(users, 0)),
			    "admin");
	assert_string_equal(json_string_value(json_array_get(users, 1)),
			    "root");
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 2);
	assert_true(json_is_false(json_object_get(fd->evidence, "truncated")));
	assert_non_null(strstr(fd->remediation, "SSH, SFTP, HTTPS"));

	/* A login whose user was not seen counts for the protocol only. */
	assert_non_null(fd = vg_fixture_finding(&r, CLEARTEXT, "ftp"));
	users = json_object_get(fd->evidence, "users");
	assert_int_equal(json_array_size(users), 1);
	assert_true(vg_fixture_json_has(users, "dicom"));
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 1);
	vg_fixture_release(&f, &p, &r);
}

/* No login: nothing. Many users: the list is capped, the count exact. */
static void
test_cleartext_rows(void **state)
{
	const struct vg_finding *fd;
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	char user[32];
	int i;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	device_facts(&f, "PACS-GW", NULL);
	vg_fixture_eval(&f, &p, CLEARTEXT, &r);
	assert_int_equal(r.n_findings, 0);
	assert_int_equal(r.n_not_evaluated, 0);
	vg_report_release(&r);

	/* 150 distinct users, each seen twice, on one protocol. */
	for (i = 0; i < 300; i++) {
		(void)snprintf(user, sizeof(user), "user%03d", i % 150);
		add_login(&f, "http-basic", user);
	}
	vg_fixture_eval(&f, &p, CLEARTEXT, &r);
	assert_int_equal(r.n_findings, 1);
	assert_non_null(fd = vg_fixture_finding(&r, CLEARTEXT, "http-basic"));
	assert_int_equal(
		json_array_size(json_object_get(fd->evidence, "users")), 100);
	assert_int_equal(vg_fixture_ev_int(fd, "count"), 150);
	assert_true(json_is_true(json_object_get(fd->evidence, "truncated")));
	vg_fixture_release(&f, &p, &r);
}

/*
 * A device through the whole catalogue: only the device checks report,
 * no host check is "not evaluated", and only R1 and R4 get a score.
 */
static void
test_device_evaluate(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	size_t i;
	int rule;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	device_facts(&f, "CT_SCANNER_1", NULL);
	add_login(&f, "telnet", "admin");
	add_login(&f, "ftp", "service");
	evaluate(&f, &p, &r);
	assert_int_equal(r.n_not_evaluated, 0);
	assert_int_equal(r.n_findings, 3);
	for (i = 0; i < r.n_findings; i++)
		assert_true(strcmp(r.findings[i].check, UNMANAGED) == 0 ||
			    strcmp(r.findings[i].check, CLEARTEXT) == 0);
	assert_non_null(vg_fixture_finding(&r, UNMANAGED, "CT_SCANNER_1"));
	assert_non_null(vg_fixture_finding(&r, CLEARTEXT, "telnet"));
	assert_non_null(vg_fixture_finding(&r, CLEARTEXT, "ftp"));
	for (rule = 1; rule <= VG_RULE_COUNT; rule++)
		if (rule != 1 && rule != 4 && r.scores[rule] != VG_SCORE_NONE)
			fail_msg("rule %d scored %d", rule, r.scores[rule]);
	/* One high finding (20) costs R1; two cost R4 twice as much. */
	assert_int_equal(r.scores[1], 80);
	assert_int_equal(r.scores[4], 60);
	assert_int_equal(r.overall, 70);
	vg_report_release(&r);

	/* A managed device without logins: both rules judged, perfect. */
	f.device.managed_by = vg_facts_str(&f, "host pc-radio-02");
	f.n_device_logins = 0;
	evaluate(&f, &p, &r);
	assert_int_equal(r.n_findings, 0);
	assert_int_equal(r.n_not_evaluated, 0);
	assert_int_equal(r.scores[1], 100);
	assert_int_equal(r.scores[4], 100);
	assert_int_equal(r.scores[2], VG_SCORE_NONE);
	assert_int_equal(r.scores[7], VG_SCORE_NONE);
	assert_int_equal(r.overall, 100);
	vg_fixture_release(&f, &p, &r);
}

/*
 * Host facts through the whole catalogue: the device checks say nothing,
 * whether the device source is collected or not (fixtures mark every
 * source collected), even with device data lying in the facts.
 */
static void
test_host_evaluate(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	size_t i;
	int pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
		if (pass >= 1)
			vg_fixture_collect_all(&f);
		if (pass == 2) {
			/* Logins without a key describe no device. */
			add_login(&f, "telnet", "root");
			f.device.name = vg_facts_str(&f, "stray");
		}
		evaluate(&f, &p, &r);
		for (i = 0; i < r.n_findings; i++)
			assert_false(vg_check_is_device(
				vg_rules_find(r.findings[i].check)));
		for (i = 0; i < r.n_not_evaluated; i++)
			assert_false(vg_check_is_device(
				vg_rules_find(r.not_evaluated[i].check)));
		assert_null(vg_fixture_not_evaluated(&r, UNMANAGED));
		assert_null(vg_fixture_not_evaluated(&r, CLEARTEXT));
		assert_int_equal(vg_fixture_count(&r, UNMANAGED), 0);
		assert_int_equal(vg_fixture_count(&r, CLEARTEXT), 0);
		/* Host checks did run: something was judged or not. */
		assert_true(r.n_findings + r.n_not_evaluated > 0);
		vg_fixture_release(&f, &p, &r);
	}
}

/* The device checks, run alone on host facts, say nothing either. */
static void
test_direct_on_host(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;

	(void)state;
	vg_fixture_init(&f, &p, VG_FIXTURE_NOW);
	vg_fixture_collect_all(&f);
	add_login(&f, "telnet", "root");
	vg_fixture_eval(&f, &p, UNMANAGED, &r);
	assert_int_equal(r.n_findings + r.n_not_evaluated, 0);
	vg_report_release(&r);
	vg_fixture_eval(&f, &p, CLEARTEXT, &r);
	assert_int_equal(r.n_findings + r.n_not_evaluated, 0);
	vg_fixture_release(&f, &p, &r);
}

/* The catalogue knows both checks as device checks, and no other. */
static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		int rule;
	} rows[] = {
		{UNMANAGED, 1},
		{CLEARTEXT, 4},
	};
	const struct vg_check *c;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_non_null(c = vg_rules_find(rows[i].id));
		assert_int_equal(c->rule, rows[i].rule);
		assert_int_equal(c->severity, VG_SEV_HIGH);
		assert_true(vg_check_is_device(c));
		assert_true(strlen(c->remediation) > 20);
	}
	assert_false(vg_check_is_device(vg_rules_find("inventory.incomplete")));
	assert_false(vg_check_is_device(vg_rules_find("password.empty")));
	assert_int_equal(vg_checks_r1_device_count, 1);
	assert_int_equal(vg_checks_r4_device_count, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmanaged),
		cmocka_unit_test(test_managed_rows),
		cmocka_unit_test(test_unmanaged_sparse),
		cmocka_unit_test(test_cleartext_two_protocols),
		cmocka_unit_test(test_cleartext_rows),
		cmocka_unit_test(test_device_evaluate),
		cmocka_unit_test(test_host_evaluate),
		cmocka_unit_test(test_direct_on_host),
		cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * R4 — passwords: password.empty, password.weak_hash, password.shared,
 * password.policy_weak, password.no_lockout; pass and fail rows, "not
 * evaluated" when shadow or PAM is missing, severity overrides.
 */
#include "util/common.h"

#include <string.h>

#include "support.h"
#include "rules_fixture.h"

#define NOW VG_FIXTURE_NOW

static void
test_empty(void **state)
{
	static const struct {
		enum vg_pw_state pw;
		const char *shell;
		bool fires;
	} rows[] = {
		{VG_PW_EMPTY, "/bin/bash", true},
		/* no password is no password, even behind nologin */
		{VG_PW_EMPTY, "/usr/sbin/nologin", true},
		{VG_PW_HASH, "/bin/bash", false},
		{VG_PW_LOCKED, "/bin/bash", false},
		{VG_PW_UNKNOWN, "/bin/bash", false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		vg_fixture_account(&f, "guest", 1003, 1003, rows[i].shell,
				   rows[i].pw, NULL);
		vg_fixture_eval(&f, &p, "password.empty", &r);
		assert_int_equal(r.n_findings, rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "password.empty", "guest");
			assert_non_null(fd);
			assert_int_equal(fd->rule, 4);
			assert_int_equal(fd->severity, VG_SEV_CRITICAL);
			assert_string_equal(json_string_value(json_object_get(
						    fd->evidence, "password")),
					    "empty");
		}
		vg_fixture_release(&f, &p, &r);
	}

	/* Not evaluated without shadow, nor without passwd. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_SHADOW, "cannot read '%s': %s",
			       "/etc/shadow", "Permission denied");
	vg_fixture_account(&f, "guest", 1003, 1003, "/bin/bash", VG_PW_EMPTY,
			   NULL);
	vg_fixture_eval(&f, &p, "password.empty", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, "password.empty"),
			    "cannot read '/etc/shadow': Permission denied");
	vg_report_release(&r);
	vg_facts_collected(&f, VG_SRC_SHADOW);
	vg_facts_not_collected(&f, VG_SRC_PASSWD, "gone");
	vg_fixture_eval(&f, &p, "password.empty", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, "password.empty"),
			    "gone");
	vg_fixture_release(&f, &p, &r);
}

static void
test_weak_hash(void **state)
{
	static const struct {
		enum vg_pw_state pw;
		const char *scheme;
		bool fires;
	} rows[] = {
		{VG_PW_HASH, "des", true},
		{VG_PW_HASH, "md5", true},
		{VG_PW_HASH, "bsdi", true},
		{VG_PW_HASH, "sunmd5", true},
		{VG_PW_HASH, "unknown", true},
		{VG_PW_HASH, NULL, true},
		{VG_PW_HASH, "rot13", true},
		{VG_PW_HASH, "SHA512", true}, /* schemes are lower case */
		{VG_PW_HASH, "sha256", false},
		{VG_PW_HASH, "sha512", false},
		{VG_PW_HASH, "bcrypt", false},
		{VG_PW_HASH, "scrypt", false},
		{VG_PW_HASH, "yescrypt", false},
		{VG_PW_HASH, "gost-yescrypt", false},
		{VG_PW_LOCKED, "md5", false},
		{VG_PW_EMPTY, NULL, false},
		{VG_PW_UNKNOWN, NULL, false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash",
				   rows[i].pw, rows[i].scheme);
		vg_fixture_eval(&f, &p, "password.weak_hash", &r);
		if (r.n_findings != (rows[i].fires ? 1u : 0u))
			fail_msg("row %zu (%s): %zu findings", i,
				 rows[i].scheme ? rows[i].scheme : "NULL",
				 r.n_findings);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "password.weak_hash",
						"alice");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			assert_string_equal(
				json_string_value(json_object_get(fd->evidence,
								  "scheme")),
				rows[i].scheme ? rows[i].scheme : "unknown");
		}
		vg_fixture_release(&f, &p, &r);
	}

	vg_fixture_init(&f, &p, NOW);
	vg_facts_collected(&f, VG_SRC_PASSWD);
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "md5");
	vg_fixture_eval(&f, &p, "password.weak_hash", &r);
	assert_int_equal(r.n_findings, 0);
	assert_non_null(vg_fixture_not_evaluated(&r, "password.weak_hash"));
	vg_fixture_release(&f, &p, &r);
}

static void
test_shared(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *accounts;

	(void)state;
	/* Pass: no sharing group, and a "group" of one (inconsistent). */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512")
		->shared_group = 4;
	vg_fixture_eval(&f, &p, "password.shared", &r);
	assert_int_equal(r.n_findings, 0);
	assert_null(vg_fixture_not_evaluated(&r, "password.shared"));
	vg_fixture_release(&f, &p, &r);

	/* Fail: two groups, names sorted in the subject. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "zed", 1005, 1005, "/bin/bash", VG_PW_HASH,
			   "sha512")
		->shared_group = 2;
	vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512")
		->shared_group = 1;
	vg_fixture_account(&f, "carol", 1002, 1002, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "dave", 1003, 1003, "/bin/bash", VG_PW_HASH,
			   "md5")
		->shared_group = 2;
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512")
		->shared_group = 1;
	vg_fixture_account(&f, "eve", 1004, 1004, "/bin/bash", VG_PW_LOCKED,
			   "md5")
		->shared_group = 2;
	vg_fixture_eval(&f, &p, "password.shared", &r);
	assert_int_equal(r.n_findings, 2);
	fd = vg_fixture_finding(&r, "password.shared", "alice, bob");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_HIGH);
	accounts = json_object_get(fd->evidence, "accounts");
	assert_int_equal(json_array_size(accounts), 2);
	assert_string_equal(json_string_value(json_array_get(accounts, 0)),
			    "alice");
	fd = vg_fixture_finding(&r, "password.shared", "dave, eve, zed");
	assert_non_null(fd);
	assert_int_equal(
		json_integer_value(json_object_get(fd->evidence, "count")), 3);
	vg_fixture_release(&f, &p, &r);

	vg_fixture_init(&f, &p, NOW);
	vg_facts_collected(&f, VG_SRC_PASSWD);
	vg_fixture_eval(&f, &p, "password.shared", &r);
	assert_non_null(vg_fixture_not_evaluated(&r, "password.shared"));
	vg_fixture_release(&f, &p, &r);
}

/*
 * Hostile facts: 20,000 accounts sharing one hash. The subject names ten
 * (as admin.excess does) and the evidence the first 1,000, with the
 * exact count: the work stays linear, no subject of a megabyte.
 */
#define MANY_SHARED 20000

static void
test_shared_many(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *accounts;
	char name[32];
	int i;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	for (i = MANY_SHARED - 1; i >= 0; i--) {
		(void)snprintf(name, sizeof(name), "u%05d", i);
		vg_fixture_account(&f, name, 2000 + i, 2000 + i, "/bin/bash",
				   VG_PW_HASH, "sha512")
			->shared_group = 1;
	}
	vg_fixture_eval(&f, &p, "password.shared", &r);
	assert_int_equal(r.n_findings, 1);
	fd = &r.findings[0];
	assert_string_equal(fd->subject,
			    "u00000, u00001, u00002, u00003, u00004, u00005, "
			    "u00006, u00007, u00008, u00009 +19990");
	assert_int_equal(vg_fixture_ev_int(fd, "count"), MANY_SHARED);
	assert_true(json_is_true(json_object_get(fd->evidence, "truncated")));
	accounts = json_object_get(fd->evidence, "accounts");
	assert_int_equal(json_array_size(accounts), 1000);
	assert_string_equal(json_string_value(json_array_get(accounts, 999)),
			    "u00999");
	vg_fixture_release(&f, &p, &r);
}

/*
 * Account names and shells need not be UTF-8: the findings are still
 * reported, with U+FFFD for each bad byte in the evidence.
 */
static void
test_not_utf8(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *accounts;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "a" VG_FIXTURE_BAD, 1000, 1000,
			   "/bin/b" VG_FIXTURE_BAD "sh", VG_PW_EMPTY, NULL)
		->shared_group = 1;
	vg_fixture_account(&f, "b" VG_FIXTURE_BAD, 1001, 1001, "/bin/bash",
			   VG_PW_HASH, "md" VG_FIXTURE_BAD)
		->shared_group = 1;
	vg_fixture_eval(&f, &p, "password.shared", &r);
	fd = vg_fixture_finding(&r, "password.shared",
				"a" VG_FIXTURE_FFFD ", b" VG_FIXTURE_FFFD);
	assert_non_null(fd);
	accounts = json_object_get(fd->evidence, "accounts");
	assert_string_equal(json_string_value(json_array_get(accounts, 1)),
			    "b" VG_FIXTURE_FFFD);
	vg_report_release(&r);
	vg_fixture_eval(&f, &p, "password.empty", &r);
	fd = vg_fixture_finding(&r, "password.empty", "a" VG_FIXTURE_BAD);
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "shell"),
			    "/bin/b" VG_FIXTURE_FFFD "sh");
	vg_report_release(&r);
	vg_fixture_eval(&f, &p, "password.weak_hash", &r);
	fd = vg_fixture_finding(&r, "password.weak_hash", "b" VG_FIXTURE_BAD);
	assert_non_null(fd);
	assert_string_equal(vg_fixture_ev_str(fd, "scheme"),
			    "md" VG_FIXTURE_FFFD);
	vg_fixture_release(&f, &p, &r);
}

static void
test_policy_weak(void **state)
{
	static const struct {
		const char *module;
		int64_t min_length;
		int required;
		bool fires;
	} rows[] = {
		{NULL, -1, 12, true},
		{"pam_pwquality", 8, 12, true},
		{"pam_pwquality", 11, 12, true},
		{"pam_pwquality", 12, 12, false},
		{"pam_passwdqc", 14, 12, false},
		{"pam_passwdqc", -1, 12, true}, /* effective length unknown */
		{"pam_pwquality", 8, 8, false}, /* policy lowered */
		{NULL, 40, 12, true}, /* no module: nothing enforces */
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		p.min_password_length = rows[i].required;
		f.pam.quality_module = vg_facts_str(&f, rows[i].module);
		f.pam.min_length = rows[i].min_length;
		f.pam.file = vg_facts_str(&f, "/etc/pam.d/common-password");
		vg_fixture_eval(&f, &p, "password.policy_weak", &r);
		if (r.n_findings != (rows[i].fires ? 1u : 0u))
			fail_msg("row %zu: %zu findings", i, r.n_findings);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "password.policy_weak",
						"/etc/pam.d/common-password");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_MEDIUM);
			assert_int_equal(json_integer_value(json_object_get(
						 fd->evidence, "required")),
					 rows[i].required);
		}
		vg_fixture_release(&f, &p, &r);
	}

	vg_fixture_init(&f, &p, NOW);
	vg_facts_not_collected(&f, VG_SRC_PAM, "no PAM stack");
	vg_fixture_eval(&f, &p, "password.policy_weak", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(
		vg_fixture_not_evaluated(&r, "password.policy_weak"),
		"no PAM stack");
	vg_fixture_release(&f, &p, &r);
}

static void
test_no_lockout(void **state)
{
	static const struct {
		const char *module;
		bool fires;
	} rows[] = {
		{NULL, true},
		{"", true},
		{"pam_faillock", false},
		{"pam_tally2", false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		f.pam.lockout_module = vg_facts_str(&f, rows[i].module);
		vg_fixture_eval(&f, &p, "password.no_lockout", &r);
		assert_int_equal(r.n_findings, rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			/* No file read: the subject is "pam". */
			assert_non_null(vg_fixture_finding(
				&r, "password.no_lockout", "pam"));
			assert_int_equal(r.findings[0].severity, VG_SEV_LOW);
		}
		vg_fixture_release(&f, &p, &r);
	}

	/* Override and not evaluated. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_override(&p, "password.weak_hash", VG_SEV_LOW);
	vg_fixture_override(&p, "password.no_lockout", VG_SEV_HIGH);
	vg_fixture_eval(&f, &p, "password.no_lockout", &r);
	assert_int_equal(r.n_findings, 1);
	assert_int_equal(r.findings[0].severity, VG_SEV_HIGH);
	vg_report_release(&r);
	vg_facts_not_collected(&f, VG_SRC_PAM, "no PAM stack");
	vg_fixture_eval(&f, &p, "password.no_lockout", &r);
	assert_int_equal(r.n_findings, 0);
	assert_non_null(vg_fixture_not_evaluated(&r, "password.no_lockout"));
	vg_fixture_release(&f, &p, &r);
}

static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} rows[] = {
		{"password.empty", VG_SEV_CRITICAL},
		{"password.weak_hash", VG_SEV_HIGH},
		{"password.shared", VG_SEV_HIGH},
		{"password.policy_weak", VG_SEV_MEDIUM},
		{"password.no_lockout", VG_SEV_LOW},
	};
	const struct vg_check *c;
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r4_count, VG_ARRAY_LEN(rows));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		c = vg_rules_find(rows[i].id);
		assert_non_null(c);
		assert_int_equal(c->rule, 4);
		assert_int_equal(c->severity, rows[i].sev);
		assert_true(strlen(c->remediation) > 20);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_weak_hash),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_shared_many),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_policy_weak),
		cmocka_unit_test(test_no_lockout),
		cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

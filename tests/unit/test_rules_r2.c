/*
 * R2 — access rights: "can log in", accounts.dormant, accounts.generic,
 * accounts.system_shell, access.cleartext_remote. Each check has pass and
 * fail rows and a "not evaluated" case.
 */
#include "util/common.h"

#include <string.h>

#include "support.h"
#include "rules_fixture.h"

#include "core/rules/common.h"

#define NOW VG_FIXTURE_NOW
#define DAY VG_FIXTURE_DAY

static void
test_shell_interactive(void **state)
{
	static const struct {
		const char *shell;
		bool interactive;
	} rows[] = {
		{"/bin/bash", true},
		{"/bin/sh", true},
		{"/usr/bin/zsh", true},
		{"", true},   /* passwd(5): empty means /bin/sh */
		{NULL, true}, /* missing field, same */
		{"/usr/sbin/nologin", false},
		{"/sbin/nologin", false},
		{"/bin/false", false},
		{"/usr/bin/false", false},
		{"/bin/true", false},
		{"/bin/sync", false},
		{"/sbin/shutdown", false},
		{"/sbin/halt", false},
		{"nologin", false},
		{"/bin/nologin-ish", true}, /* only exact base names */
		{"/usr/sbin/nologin/", true},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		assert_true(vg_rule_shell_interactive(rows[i].shell) ==
			    rows[i].interactive);
}

static void
test_can_log_in(void **state)
{
	static const struct {
		const char *shell;
		enum vg_pw_state pw;
		bool keys;
		bool shadow;
		bool can;
	} rows[] = {
		{"/bin/bash", VG_PW_HASH, false, true, true},
		{"/bin/bash", VG_PW_EMPTY, false, true, true},
		{"/bin/bash", VG_PW_LOCKED, false, true, false},
		{"/bin/bash", VG_PW_LOCKED, true, true, true},
		{"/usr/sbin/nologin", VG_PW_HASH, true, true, false},
		{"", VG_PW_HASH, false, true, true},
		/* unknown: no shadow entry when shadow was read... */
		{"/bin/bash", VG_PW_UNKNOWN, false, true, false},
		/* ...possibly usable when shadow was not read */
		{"/bin/bash", VG_PW_UNKNOWN, false, false, true},
		{"/bin/false", VG_PW_UNKNOWN, false, false, false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_account *a;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		if (rows[i].shadow)
			vg_facts_collected(&f, VG_SRC_SHADOW);
		a = vg_fixture_account(&f, "alice", 1000, 1000, rows[i].shell,
				       rows[i].pw, NULL);
		a->authorized_keys = rows[i].keys;
		assert_true(vg_rule_can_log_in(&f, a) == rows[i].can);
		vg_fixture_release(&f, &p, NULL);
	}
}

/* ---- accounts.dormant ---- */

#define UNK VG_TIME_UNKNOWN
#define NEVER VG_TIME_NEVER

static void
test_dormant_table(void **state)
{
	static const struct {
		const char *what;
		const char *shell;
		enum vg_pw_state pw;
		bool keys;
		int64_t last_login, last_change;
		bool fires;
	} rows[] = {
		{"recent login", "/bin/bash", VG_PW_HASH, false, NOW - 10 * DAY,
		 UNK, false},
		{"old login", "/bin/bash", VG_PW_HASH, false, NOW - 100 * DAY,
		 UNK, true},
		{"exactly 90 days", "/bin/bash", VG_PW_HASH, false,
		 NOW - 90 * DAY, UNK, false},
		{"90 days and a second", "/bin/bash", VG_PW_HASH, false,
		 NOW - 90 * DAY - 1, UNK, true},
		{"never, old change", "/bin/bash", VG_PW_HASH, false, NEVER,
		 NOW - 200 * DAY, true},
		{"never, recent change", "/bin/bash", VG_PW_HASH, false, NEVER,
		 NOW - 10 * DAY, false},
		{"never, change unknown", "/bin/bash", VG_PW_HASH, false, NEVER,
		 UNK, true},
		{"login unknown", "/bin/bash", VG_PW_HASH, false, UNK,
		 NOW - 900 * DAY, false},
		{"old recent change ignored", "/bin/bash", VG_PW_HASH, false,
		 NOW - 100 * DAY, NOW - DAY, true},
		{"nologin", "/usr/sbin/nologin", VG_PW_HASH, false,
		 NOW - 100 * DAY, UNK, false},
		{"locked", "/bin/bash", VG_PW_LOCKED, false, NOW - 100 * DAY,
		 UNK, false},
		{"locked with keys", "/bin/bash", VG_PW_LOCKED, true,
		 NOW - 100 * DAY, UNK, true},
		{"empty shell", "", VG_PW_EMPTY, false, NOW - 100 * DAY, UNK,
		 true},
		{"future login", "/bin/bash", VG_PW_HASH, false, NOW + 5 * DAY,
		 UNK, false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	struct vg_account *a;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		a = vg_fixture_account(&f, "alice", 1000, 1000, rows[i].shell,
				       rows[i].pw, "sha512");
		a->authorized_keys = rows[i].keys;
		a->last_login = rows[i].last_login;
		a->last_change = rows[i].last_change;
		vg_fixture_eval(&f, &p, "accounts.dormant", &r);
		if (vg_fixture_count(&r, "accounts.dormant") !=
		    (rows[i].fires ? 1u : 0u))
			fail_msg("row '%s': %zu findings", rows[i].what,
				 vg_fixture_count(&r, "accounts.dormant"));
		assert_null(vg_fixture_not_evaluated(&r, "accounts.dormant"));
		vg_fixture_release(&f, &p, &r);
	}
}

static void
test_dormant_evidence(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	struct vg_account *a;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	a = vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			       "yescrypt");
	a->last_login = NOW - 120 * DAY;
	a = vg_fixture_account(&f, "carol", 1002, 1002, "/bin/bash", VG_PW_HASH,
			       "yescrypt");
	a->last_login = NEVER;
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(r.n_findings, 2);
	fd = vg_fixture_finding(&r, "accounts.dormant", "bob");
	assert_non_null(fd);
	assert_int_equal(fd->rule, 2);
	assert_int_equal(fd->severity, VG_SEV_MEDIUM);
	assert_non_null(fd->remediation);
	assert_int_equal(
		json_integer_value(json_object_get(fd->evidence, "days")), 120);
	assert_string_equal(
		json_string_value(json_object_get(fd->evidence, "last_login")),
		"2024-02-02T00:00:00Z");
	assert_true(json_is_null(json_object_get(fd->evidence, "last_change")));
	fd = vg_fixture_finding(&r, "accounts.dormant", "carol");
	assert_non_null(fd);
	assert_string_equal(
		json_string_value(json_object_get(fd->evidence, "last_login")),
		"never");
	assert_true(json_is_null(json_object_get(fd->evidence, "days")));
	vg_fixture_release(&f, &p, &r);

	/* A longer dormant_days clears bob. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	p.dormant_days = 200;
	a = vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			       "yescrypt");
	a->last_login = NOW - 120 * DAY;
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(r.n_findings, 0);
	vg_fixture_release(&f, &p, &r);
}

/* Without shadow, a password of unknown state may be usable: it fires. */
static void
test_dormant_without_shadow(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	struct vg_account *a;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_facts_collected(&f, VG_SRC_PASSWD);
	vg_facts_collected(&f, VG_SRC_LOGINS);
	vg_facts_not_collected(&f, VG_SRC_SHADOW, "cannot read '%s': %s",
			       "/etc/shadow", "Permission denied");
	a = vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash",
			       VG_PW_UNKNOWN, NULL);
	a->last_login = NOW - 120 * DAY;
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(vg_fixture_count(&r, "accounts.dormant"), 1);
	assert_string_equal(json_string_value(json_object_get(
				    r.findings[0].evidence, "password")),
			    "unknown");
	vg_fixture_release(&f, &p, &r);
}

static void
test_dormant_not_evaluated(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	struct vg_account *a;

	(void)state;
	/* No login records. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_LOGINS, "cannot read '%s': %s",
			       "/var/log/lastlog", "No such file or directory");
	a = vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			       "sha512");
	a->last_login = NOW - 120 * DAY;
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, "accounts.dormant"),
			    "cannot read '/var/log/lastlog': No such file or "
			    "directory");
	vg_fixture_release(&f, &p, &r);

	/* No passwd: a default reason. */
	vg_fixture_init(&f, &p, NOW);
	vg_facts_collected(&f, VG_SRC_LOGINS);
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(r.n_findings, 0);
	assert_int_equal(r.n_not_evaluated, 1);
	assert_non_null(vg_fixture_not_evaluated(&r, "accounts.dormant"));
	vg_fixture_release(&f, &p, &r);

	/* No collection time: nothing to count from. */
	vg_fixture_init(&f, &p, VG_TIME_UNKNOWN);
	vg_fixture_collect_all(&f);
	a = vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			       "sha512");
	a->last_login = NOW - 120 * DAY;
	vg_fixture_eval(&f, &p, "accounts.dormant", &r);
	assert_int_equal(r.n_findings, 0);
	assert_non_null(vg_fixture_not_evaluated(&r, "accounts.dormant"));
	vg_fixture_release(&f, &p, &r);
}

/* ---- accounts.generic ---- */

static void
test_generic_table(void **state)
{
	static const struct {
		const char *name;
		const char *shell;
		enum vg_pw_state pw;
		const char *match; /* NULL: no finding */
	} rows[] = {
		{"accueil", "/bin/bash", VG_PW_HASH, "accueil"},
		{"ACCUEIL", "/bin/bash", VG_PW_HASH, "accueil"},
		{"Urgences", "/bin/bash", VG_PW_HASH, "urgences"},
		{"accueil2", "/bin/bash", VG_PW_HASH, "accueil"},
		{"urgences01", "/bin/bash", VG_PW_HASH, "urgences"},
		{"poste-3", "/bin/bash", VG_PW_HASH, "poste"},
		{"stagiaire_12", "/bin/bash", VG_PW_EMPTY, "stagiaire"},
		{"test", "", VG_PW_HASH, "test"},
		{"admin2", "/bin/bash", VG_PW_HASH, "admin2"},
		{"alice", "/bin/bash", VG_PW_HASH, NULL},
		{"accueillant", "/bin/bash", VG_PW_HASH, NULL},
		{"2accueil", "/bin/bash", VG_PW_HASH, NULL},
		{"accueil-", "/bin/bash", VG_PW_HASH, NULL},
		{"12", "/bin/bash", VG_PW_HASH, NULL},
		{"-12", "/bin/bash", VG_PW_HASH, NULL},
		{"guest", "/usr/sbin/nologin", VG_PW_HASH, NULL},
		{"guest", "/bin/bash", VG_PW_LOCKED, NULL},
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
		vg_fixture_account(&f, rows[i].name, 1000, 1000, rows[i].shell,
				   rows[i].pw, "sha512");
		vg_fixture_eval(&f, &p, "accounts.generic", &r);
		fd = vg_fixture_finding(&r, "accounts.generic", rows[i].name);
		if (rows[i].match == NULL) {
			if (r.n_findings != 0)
				fail_msg("'%s' should pass", rows[i].name);
		} else {
			if (fd == NULL || r.n_findings != 1)
				fail_msg("'%s' should fire", rows[i].name);
			assert_string_equal(
				json_string_value(json_object_get(
					fd->evidence, "generic_name")),
				rows[i].match);
			assert_int_equal(fd->severity, VG_SEV_MEDIUM);
		}
		vg_fixture_release(&f, &p, &r);
	}
}

static void
test_generic_policy(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	struct vg_err err;
	const char *conf;

	(void)state;
	/* generic_names from the policy file replace the defaults. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	conf = "[policy]\ngeneric_names = kine\n";
	assert_int_equal(vg_policy_parse(&p, "t.conf", conf, strlen(conf), NULL,
					 NULL, &err),
			 VG_OK);
	vg_fixture_account(&f, "kine3", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "accueil", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_eval(&f, &p, "accounts.generic", &r);
	assert_non_null(vg_fixture_finding(&r, "accounts.generic", "kine3"));
	/* The list replaces the defaults: accueil is no longer generic. */
	assert_int_equal(vg_fixture_count(&r, "accounts.generic"), 1);
	vg_fixture_release(&f, &p, &r);

	/* A severity override changes the finding's severity. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_override(&p, "accounts.generic", VG_SEV_HIGH);
	vg_fixture_account(&f, "accueil", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_eval(&f, &p, "accounts.generic", &r);
	assert_int_equal(r.n_findings, 1);
	assert_int_equal(r.findings[0].severity, VG_SEV_HIGH);
	vg_fixture_release(&f, &p, &r);

	/* Not evaluated without passwd. */
	vg_fixture_init(&f, &p, NOW);
	vg_facts_not_collected(&f, VG_SRC_PASSWD, "cannot read '%s': %s",
			       "/etc/passwd", "No such file or directory");
	vg_fixture_eval(&f, &p, "accounts.generic", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, "accounts.generic"),
			    "cannot read '/etc/passwd': No such file or "
			    "directory");
	vg_fixture_release(&f, &p, &r);
}

/* ---- accounts.system_shell ---- */

static void
test_system_shell_table(void **state)
{
	static const struct {
		const char *name;
		int64_t uid;
		const char *shell;
		enum vg_pw_state pw;
		bool fires;
	} rows[] = {
		{"daemon", 1, "/bin/sh", VG_PW_HASH, true},
		{"postgres", 110, "/bin/bash", VG_PW_EMPTY, true},
		{"backup", 34, "", VG_PW_HASH, true},
		{"toor", 0, "/bin/bash", VG_PW_HASH, true},
		{"sys999", 999, "/bin/bash", VG_PW_HASH, true},
		{"root", 0, "/bin/bash", VG_PW_HASH, false},
		{"www-data", 33, "/usr/sbin/nologin", VG_PW_HASH, false},
		{"sync", 4, "/bin/sync", VG_PW_HASH, false},
		{"mysql", 120, "/bin/bash", VG_PW_LOCKED, false},
		{"mysql", 120, "/bin/bash", VG_PW_UNKNOWN, false},
		{"alice", 1000, "/bin/bash", VG_PW_HASH, false},
		{"nobody", 65534, "/bin/sh", VG_PW_HASH, false},
		{"neg", -1, "/bin/sh", VG_PW_HASH, false},
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
		vg_fixture_account(&f, rows[i].name, rows[i].uid, 1,
				   rows[i].shell, rows[i].pw, "sha512");
		vg_fixture_eval(&f, &p, "accounts.system_shell", &r);
		if (r.n_findings != (rows[i].fires ? 1u : 0u))
			fail_msg("'%s' uid %lld: %zu findings", rows[i].name,
				 (long long)rows[i].uid, r.n_findings);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "accounts.system_shell",
						rows[i].name);
			assert_non_null(fd);
			assert_int_equal(json_integer_value(json_object_get(
						 fd->evidence, "uid")),
					 rows[i].uid);
			assert_int_equal(fd->severity, VG_SEV_MEDIUM);
		}
		vg_fixture_release(&f, &p, &r);
	}
}

static void
test_system_shell_not_evaluated(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_SHADOW, "cannot read '%s': %s",
			       "/etc/shadow", "Permission denied");
	vg_fixture_account(&f, "daemon", 1, 1, "/bin/sh", VG_PW_UNKNOWN, NULL);
	vg_fixture_eval(&f, &p, "accounts.system_shell", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(
		vg_fixture_not_evaluated(&r, "accounts.system_shell"),
		"cannot read '/etc/shadow': Permission denied");
	vg_fixture_release(&f, &p, &r);
}

/* ---- access.cleartext_remote ---- */

static void
test_cleartext_remote(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *exposed;

	(void)state;
	/* Pass: services collected, none exposed. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_eval(&f, &p, "access.cleartext_remote", &r);
	assert_int_equal(r.n_findings, 0);
	assert_null(vg_fixture_not_evaluated(&r, "access.cleartext_remote"));
	vg_fixture_release(&f, &p, &r);

	/* Fail: one finding per protocol, every way in the evidence. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_service(&f, "telnet", "package", "telnetd");
	vg_fixture_service(&f, "ftp", "listen", "0.0.0.0:21");
	vg_fixture_service(&f, "telnet", "inetd", "/etc/inetd.conf:7");
	vg_fixture_service(&f, "rsh", "socket", "rsh.socket");
	vg_fixture_service(&f, "telnet", "listen", "[::]:23");
	vg_fixture_eval(&f, &p, "access.cleartext_remote", &r);
	assert_int_equal(r.n_findings, 3);
	fd = vg_fixture_finding(&r, "access.cleartext_remote", "telnet");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_HIGH);
	exposed = json_object_get(fd->evidence, "exposed");
	assert_int_equal(json_array_size(exposed), 3);
	/* In the order the collector found them. */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(exposed, 0), "detail")),
			    "telnetd");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(exposed, 2), "via")),
			    "listen");
	assert_non_null(
		vg_fixture_finding(&r, "access.cleartext_remote", "ftp"));
	assert_non_null(
		vg_fixture_finding(&r, "access.cleartext_remote", "rsh"));
	vg_fixture_release(&f, &p, &r);

	/* Not evaluated. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_service(&f, "telnet", "package", "telnetd");
	vg_fixture_eval(&f, &p, "access.cleartext_remote", &r);
	assert_int_equal(r.n_findings, 0);
	assert_non_null(
		vg_fixture_not_evaluated(&r, "access.cleartext_remote"));
	vg_fixture_release(&f, &p, &r);
}

/* Hostile strings (non-UTF-8) still give valid evidence, each invalid
 * byte as U+FFFD (vg_json_str). */
static void
test_non_utf8(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	char *dump;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "accueil\xff", 1000, 1000, "/bin/\xfe\xff",
			   VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "invite", 1001, 1000, "/bin/\xfe\xff",
			   VG_PW_HASH, "sha512");
	vg_fixture_service(&f, "ftp\xc3", "listen", "\xff:21");
	vg_fixture_eval(&f, &p, "accounts.generic", &r);
	assert_int_equal(r.n_findings, 1);
	dump = json_dumps(r.findings[0].evidence, 0);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "\"/bin/\xef\xbf\xbd\xef\xbf\xbd\""));
	free(dump);
	vg_report_release(&r);
	vg_fixture_eval(&f, &p, "access.cleartext_remote", &r);
	assert_int_equal(r.n_findings, 1);
	vg_fixture_release(&f, &p, &r);
}

/* The catalogue rows of R2: ids, rule and default severities. */
static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} rows[] = {
		{"accounts.dormant", VG_SEV_MEDIUM},
		{"accounts.generic", VG_SEV_MEDIUM},
		{"accounts.system_shell", VG_SEV_MEDIUM},
		{"access.cleartext_remote", VG_SEV_HIGH},
	};
	const struct vg_check *c;
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r2_count, VG_ARRAY_LEN(rows));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		c = vg_rules_find(rows[i].id);
		assert_non_null(c);
		assert_int_equal(c->rule, 2);
		assert_int_equal(c->severity, rows[i].sev);
		assert_true(strlen(c->remediation) > 20);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_interactive),
		cmocka_unit_test(test_can_log_in),
		cmocka_unit_test(test_dormant_table),
		cmocka_unit_test(test_dormant_evidence),
		cmocka_unit_test(test_dormant_without_shadow),
		cmocka_unit_test(test_dormant_not_evaluated),
		cmocka_unit_test(test_generic_table),
		cmocka_unit_test(test_generic_policy),
		cmocka_unit_test(test_system_shell_table),
		cmocka_unit_test(test_system_shell_not_evaluated),
		cmocka_unit_test(test_cleartext_remote),
		cmocka_unit_test(test_non_utf8),
		cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

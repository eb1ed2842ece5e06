/*
 * R3 — administrators: admin.excess through every path (uid 0, admin
 * groups, sudoers by name, %group, %#gid, #uid, alias, ALL, negation),
 * admin.nopasswd_all, admin.uid0_duplicate, admin.ssh_root_login.
 */
#include "util/common.h"

#include <string.h>

#include "support.h"
#include "rules_fixture.h"

#define NOW VG_FIXTURE_NOW
#define EXCESS "admin.excess"

/* ---- admin.excess: one path per row ---- */

/*
 * Every row builds x (uid 1500, primary gid 1500) plus whatever grants or
 * fails to grant it the right; max_admins is 0 so a single administrator
 * fires. via is the way x must show, or NULL when x is no administrator.
 */
struct path_row {
	const char *what;
	void (*setup)(struct vg_facts *f);
	const char *via;
};

static void
add_x(struct vg_facts *f, const char *shell)
{
	vg_fixture_account(f, "x", 1500, 1500, shell, VG_PW_HASH, "sha512");
	vg_fixture_account(f, "other", 1501, 1501, "/bin/bash", VG_PW_HASH,
			   "sha512");
}

static void
setup_uid0(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 0, 0, "/bin/bash", VG_PW_HASH, "sha512");
}

static void
setup_primary(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 1500, 27, "/bin/bash", VG_PW_HASH, "sha512");
	vg_fixture_group(f, "sudo", 27, "");
}

static void
setup_supplementary(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "wheel", 10, "root,x");
}

static void
setup_admin_group_case(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "Admin", 4, "x");
}

static void
setup_other_group(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "users", 100, "x");
}

static void
setup_direct(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "x", true, true, false);
}

static void
setup_pct_group(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "ops", 500, "x");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 20, "%ops", true, true, false);
}

static void
setup_pct_group_primary(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 1500, 500, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_group(f, "ops", 500, "");
	vg_fixture_sudo_rule(f, "/etc/sudoers.d/ops", 3, "%ops", true, true,
			     false);
}

static void
setup_pct_gid(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "ops", 500, "x");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 21, "%#500", true, true, false);
}

static void
setup_hash_uid(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 22, "#1500", true, true, false);
}

static void
setup_alias(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_group(f, "admins", 600, "x");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "%admins@ADMINS", true,
			     true, false);
}

static void
setup_all(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 1500, 1500, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 30, "ALL", true, true, false);
}

static void
setup_all_no_login(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 1500, 1500, "/usr/sbin/nologin", VG_PW_HASH,
			   "sha512");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 30, "ALL", true, true, false);
}

static void
setup_negated_alias(struct vg_facts *f)
{
	/* OPS = %ops, !x */
	vg_fixture_account(f, "x", 1500, 1500, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_group(f, "ops", 500, "x");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "%ops@OPS,!x@OPS", true,
			     true, false);
}

static void
setup_negated_then_granted(struct vg_facts *f)
{
	/* The last matching entry decides: "!x, %ops" grants x. */
	vg_fixture_account(f, "x", 1500, 1500, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_group(f, "ops", 500, "x");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 13, "!x,%ops", true, true,
			     false);
}

static void
setup_not_all(struct vg_facts *f)
{
	vg_fixture_account(f, "x", 1500, 1500, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "x,!ALL", true, true,
			     false);
}

static void
setup_runas_other(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "x", false, true, false);
}

static void
setup_some_commands(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12, "x", true, false, true);
}

static void
setup_unresolvable(struct vg_facts *f)
{
	add_x(f, "/bin/bash");
	vg_fixture_sudo_rule(f, "/etc/sudoers", 12,
			     "+admins,%:AD Admins,%nosuch,#abc,#-1,%#x,nosuch",
			     true, true, false);
}

static const struct path_row path_rows[] = {
	{"uid 0", setup_uid0, "uid 0"},
	{"primary group", setup_primary, "group sudo"},
	{"supplementary", setup_supplementary, "group wheel"},
	{"admin group any case", setup_admin_group_case, "group Admin"},
	{"other group", setup_other_group, NULL},
	{"direct", setup_direct, "sudoers /etc/sudoers:12 x"},
	{"%group member", setup_pct_group, "sudoers /etc/sudoers:20 %ops"},
	{"%group primary", setup_pct_group_primary,
	 "sudoers /etc/sudoers.d/ops:3 %ops"},
	{"%#gid", setup_pct_gid, "sudoers /etc/sudoers:21 %#500"},
	{"#uid", setup_hash_uid, "sudoers /etc/sudoers:22 #1500"},
	{"alias", setup_alias,
	 "sudoers /etc/sudoers:12 %admins (alias ADMINS)"},
	{"ALL", setup_all, "sudoers /etc/sudoers:30 ALL"},
	{"ALL, cannot log in", setup_all_no_login, NULL},
	{"negated in alias", setup_negated_alias, NULL},
	{"negated then granted", setup_negated_then_granted,
	 "sudoers /etc/sudoers:13 %ops"},
	{"!ALL last", setup_not_all, NULL},
	{"runas not root", setup_runas_other, NULL},
	{"not ALL commands", setup_some_commands, NULL},
	{"unresolvable entries", setup_unresolvable, NULL},
};

static void
test_excess_paths(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct path_row *row;
	json_t *ev, *admin;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(path_rows); i++) {
		row = &path_rows[i];
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		p.max_admins = 0;
		row->setup(&f);
		vg_fixture_eval(&f, &p, EXCESS, &r);
		assert_null(vg_fixture_not_evaluated(&r, EXCESS));
		if (row->via == NULL) {
			if (r.n_findings != 0)
				fail_msg("row '%s': x is no administrator",
					 row->what);
			vg_fixture_release(&f, &p, &r);
			continue;
		}
		if (r.n_findings != 1)
			fail_msg("row '%s': %zu findings", row->what,
				 r.n_findings);
		/* The subject names the administrators, in no language. */
		assert_string_equal(r.findings[0].subject, "x");
		ev = r.findings[0].evidence;
		assert_int_equal(
			json_integer_value(json_object_get(ev, "count")), 1);
		admin = json_array_get(json_object_get(ev, "administrators"),
				       0);
		assert_string_equal(
			json_string_value(json_object_get(admin, "name")), "x");
		if (!vg_fixture_json_has(json_object_get(admin, "via"),
					 row->via))
			fail_msg("row '%s': no way '%s'", row->what, row->via);
		assert_int_equal(json_array_size(json_object_get(admin, "via")),
				 1);
		vg_fixture_release(&f, &p, &r);
	}
}

/* The default threshold (3), its override, and the evidence layout. */
static void
test_excess_threshold(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *ev, *admins, *via;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "root", 0, 0, "/bin/bash", VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "eve", 1002, 1002, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_group(&f, "sudo", 27, "alice,bob");
	vg_fixture_group(&f, "ops", 500, "eve,alice");
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 5, "eve@OPS", false, true,
			     false);

	/* 3 administrators (root, alice, bob): within the default. */
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 0);
	assert_null(vg_fixture_not_evaluated(&r, EXCESS));
	vg_report_release(&r);

	/* A fourth, through a rule as root: over it. */
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 12, "%ops@ADMINS", true, true,
			     false);
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].subject, "alice, bob, eve, root");
	assert_int_equal(r.findings[0].rule, 3);
	assert_int_equal(r.findings[0].severity, VG_SEV_HIGH);
	ev = r.findings[0].evidence;
	assert_int_equal(json_integer_value(json_object_get(ev, "count")), 4);
	assert_int_equal(json_integer_value(json_object_get(ev, "max")), 3);
	assert_null(json_object_get(ev, "incomplete"));
	assert_null(json_object_get(ev, "all_users"));
	admins = json_object_get(ev, "administrators");
	assert_int_equal(json_array_size(admins), 4);
	/* Sorted by name, each with every way. */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(admins, 0), "name")),
			    "alice");
	via = json_object_get(json_array_get(admins, 0), "via");
	assert_int_equal(json_array_size(via), 2);
	assert_true(vg_fixture_json_has(via, "group sudo"));
	assert_true(vg_fixture_json_has(
		via, "sudoers /etc/sudoers:12 %ops (alias ADMINS)"));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(admins, 3), "name")),
			    "root");
	assert_true(vg_fixture_json_has(
		json_object_get(json_array_get(admins, 3), "via"), "uid 0"));
	vg_report_release(&r);

	/* A raised max_admins clears it; an override changes severity. */
	p.max_admins = 4;
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 0);
	vg_report_release(&r);
	p.max_admins = 1;
	vg_fixture_override(&p, EXCESS, VG_SEV_CRITICAL);
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].subject, "alice, bob, eve, root");
	assert_int_equal(r.findings[0].severity, VG_SEV_CRITICAL);
	vg_fixture_release(&f, &p, &r);
}

/* One way said once, even when two rules of one line grant it. */
static void
test_excess_dedup_and_all(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *ev, *admins;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	p.max_admins = 1;
	vg_fixture_account(&f, "alice", 1000, 27, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_LOCKED,
			   NULL);
	vg_fixture_account(&f, "carol", 1002, 1002, "/bin/bash", VG_PW_LOCKED,
			   NULL)
		->authorized_keys = true;
	vg_fixture_group(&f, "sudo", 27, "alice");
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 9, "alice", true, true, false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 9, "alice", true, true, true);
	vg_fixture_sudo_rule(&f, "/etc/sudoers.d/all", 1, "ALL", true, true,
			     false);
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	ev = r.findings[0].evidence;
	/* alice and carol (keys); bob cannot log in. */
	assert_int_equal(json_integer_value(json_object_get(ev, "count")), 2);
	admins = json_object_get(ev, "administrators");
	assert_int_equal(json_array_size(json_object_get(
				 json_array_get(admins, 0), "via")),
			 3);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(admins, 1), "name")),
			    "carol");
	assert_true(vg_fixture_json_has(json_object_get(ev, "all_users"),
					"/etc/sudoers.d/all:1"));
	vg_fixture_release(&f, &p, &r);
}

/* Past 64 ways per administrator, the rest are counted, not listed. */
static void
test_excess_many_ways(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *admin;
	int i;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	p.max_admins = 0;
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512");
	for (i = 0; i < 70; i++)
		vg_fixture_sudo_rule(&f, "/etc/sudoers", i + 1, "alice", true,
				     true, false);
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	admin = json_array_get(
		json_object_get(r.findings[0].evidence, "administrators"), 0);
	assert_int_equal(json_array_size(json_object_get(admin, "via")), 64);
	assert_int_equal(json_integer_value(json_object_get(admin, "more_via")),
			 6);
	vg_fixture_release(&f, &p, &r);
}

/* Missing sources: passwd is required; groups and sudoers only add. */
static void
test_excess_not_evaluated(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *inc;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_PASSWD, "cannot read '%s': %s",
			       "/etc/passwd", "No such file or directory");
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, EXCESS),
			    "cannot read '/etc/passwd': No such file or "
			    "directory");
	vg_fixture_release(&f, &p, &r);

	/* Within the maximum without sudoers: cannot conclude. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_SUDOERS, "cannot read '%s': %s",
			       "/etc/sudoers", "Permission denied");
	vg_fixture_account(&f, "root", 0, 0, "/bin/bash", VG_PW_HASH, "sha512");
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, EXCESS),
			    "cannot read '/etc/sudoers': Permission denied");
	vg_report_release(&r);

	/* Over the maximum already: fires, saying what is missing. */
	p.max_admins = 0;
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	assert_null(vg_fixture_not_evaluated(&r, EXCESS));
	inc = json_object_get(r.findings[0].evidence, "incomplete");
	assert_int_equal(json_array_size(inc), 1);
	assert_true(vg_fixture_json_has(inc, "sudoers"));
	vg_fixture_release(&f, &p, &r);

	/* Without groups, group members are not counted. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_facts_not_collected(&f, VG_SRC_GROUP, "cannot read '%s': %s",
			       "/etc/group", "Permission denied");
	vg_fixture_account(&f, "alice", 1000, 27, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_group(&f, "sudo", 27, "alice");
	p.max_admins = 0;
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, EXCESS),
			    "cannot read '/etc/group': Permission denied");
	vg_fixture_release(&f, &p, &r);
}

/* Many accounts and rules: counts stay exact (the scaling code paths). */
static void
test_excess_many(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	char name[32], members[64];
	int i;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	for (i = 0; i < 2000; i++) {
		(void)snprintf(name, sizeof(name), "u%04d", i);
		vg_fixture_account(&f, name, 2000 + i, 10000 + i / 10,
				   "/bin/bash", VG_PW_HASH, "sha512");
	}
	for (i = 0; i < 200; i++) {
		(void)snprintf(name, sizeof(name), "g%03d", i);
		(void)snprintf(members, sizeof(members), "u%04d,u%04d",
			       (i * 7) % 2000, (i * 7 + 1) % 2000);
		vg_fixture_group(&f, name, 10000 + i, members);
	}
	/* %g000..%g009 as root: 10 groups x (10 primary + 2 members). */
	for (i = 0; i < 10; i++) {
		(void)snprintf(name, sizeof(name), "%%g%03d,!u%04d", i, i * 10);
		vg_fixture_sudo_rule(&f, "/etc/sudoers", i + 1, name, true,
				     true, false);
	}
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	/* Primaries u0000..u0099 less the 10 negated (u0000, u0010 ...
	 * u0090) each in its own rule; members (u(7i), u(7i+1), i < 10)
	 * are primaries already, but u0050 = 7 * 7 + 1 is a member of g007
	 * and so is granted by rule 8 though refused by rule 6: 91. */
	assert_int_equal(json_integer_value(json_object_get(
				 r.findings[0].evidence, "count")),
			 91);
	vg_fixture_release(&f, &p, &r);
}

/* The admin of list admins named name, or NULL. */
static json_t *
admin_named(json_t *admins, const char *name)
{
	size_t i;

	for (i = 0; i < json_array_size(admins); i++)
		if (strcmp(json_string_value(json_object_get(
				   json_array_get(admins, i), "name")),
			   name) == 0)
			return json_array_get(admins, i);
	return NULL;
}

/* Assert the administrator name has exactly the one way via. */
static void
assert_one_way(json_t *admins, const char *name, const char *via)
{
	json_t *a = admin_named(admins, name), *v;

	if (a == NULL)
		fail_msg("%s is no administrator", name);
	v = json_object_get(a, "via");
	if (json_array_size(v) != 1 || !vg_fixture_json_has(v, via))
		fail_msg("%s: %zu ways, not just '%s'", name,
			 json_array_size(v), via);
}

/*
 * Several rules with ALL: an account excluded from one ("ALL, !bob") is
 * granted by the next that does not exclude it; a rule excluding every
 * account that can log in grants none and is not in all_users; "ALL,
 * !ALL" grants none; an entry after "!ALL" still decides.
 */
static void
test_excess_all_rules(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	json_t *ev, *admins, *all;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	p.max_admins = 0;
	vg_fixture_account(&f, "alice", 1000, 1000, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "bob", 1001, 1001, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "carol", 1002, 1002, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_account(&f, "dave", 1003, 1003, "/usr/sbin/nologin",
			   VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "erin", 1004, 1004, "/usr/sbin/nologin",
			   VG_PW_HASH, "sha512");
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 1, "ALL,!bob", true, true,
			     false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 2, "ALL,!alice,!bob,!carol",
			     true, true, false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 3, "ALL,!carol", true, true,
			     false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 4, "ALL,!ALL", true, true,
			     false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 5, "!ALL,dave", true, true,
			     false);
	/* erin cannot log in: named before !ALL, refused by it. */
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 6, "erin,!ALL", true, true,
			     false);
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].subject, "alice, bob, carol, dave");
	ev = r.findings[0].evidence;
	admins = json_object_get(ev, "administrators");
	assert_int_equal(json_array_size(admins), 4);
	assert_one_way(admins, "alice", "sudoers /etc/sudoers:1 ALL");
	assert_one_way(admins, "bob", "sudoers /etc/sudoers:3 ALL");
	assert_one_way(admins, "carol", "sudoers /etc/sudoers:1 ALL");
	assert_one_way(admins, "dave", "sudoers /etc/sudoers:5 dave");
	all = json_object_get(ev, "all_users");
	assert_int_equal(json_array_size(all), 2);
	assert_true(vg_fixture_json_has(all, "/etc/sudoers:1"));
	assert_true(vg_fixture_json_has(all, "/etc/sudoers:3"));
	assert_null(json_object_get(ev, "all_users_more"));
	vg_fixture_release(&f, &p, &r);
}

/*
 * Hostile sudoers: 5,000 rules "ALL, !u<i>" over 5,000 accounts. ALL is
 * never expanded per rule, so this stays linear (it ran 67 s at 40,000 x
 * 40,000 when it was): each account has one way, the first rule that
 * does not exclude it, and all_users is capped.
 */
#define MANY_ALL 5000

static void
test_excess_many_all(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	char name[32];
	json_t *ev, *admins;
	int i;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	for (i = 0; i < MANY_ALL; i++) {
		(void)snprintf(name, sizeof(name), "u%04d", i);
		vg_fixture_account(&f, name, 2000 + i, 2000 + i, "/bin/bash",
				   VG_PW_HASH, "sha512");
	}
	for (i = 0; i < MANY_ALL; i++) {
		(void)snprintf(name, sizeof(name), "ALL,!u%04d", i);
		vg_fixture_sudo_rule(&f, "/etc/sudoers", i + 1, name, true,
				     true, false);
	}
	vg_fixture_eval(&f, &p, EXCESS, &r);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].subject,
			    "u0000, u0001, u0002, u0003, u0004, u0005, u0006, "
			    "u0007, u0008, u0009 +4990");
	ev = r.findings[0].evidence;
	assert_int_equal(json_integer_value(json_object_get(ev, "count")),
			 MANY_ALL);
	admins = json_object_get(ev, "administrators");
	/* u0000 is refused by rule 1 only: rule 2 grants it. */
	assert_one_way(admins, "u0000", "sudoers /etc/sudoers:2 ALL");
	assert_one_way(admins, "u0001", "sudoers /etc/sudoers:1 ALL");
	assert_one_way(admins, "u4999", "sudoers /etc/sudoers:1 ALL");
	assert_int_equal(json_array_size(json_object_get(ev, "all_users")), 64);
	assert_int_equal(
		json_integer_value(json_object_get(ev, "all_users_more")),
		MANY_ALL - 64);
	vg_fixture_release(&f, &p, &r);
}

/*
 * Facts need not be UTF-8: every check of R3 still reports, with U+FFFD
 * for each bad byte in its evidence, and one way is still said once
 * (interned by its JSON text).
 */
static void
test_not_utf8(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *admins;
	const char *checks[] = {EXCESS, "admin.nopasswd_all",
				"admin.uid0_duplicate", "admin.ssh_root_login"};
	size_t i;

	(void)state;
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	p.max_admins = 0;
	vg_fixture_account(&f, "b" VG_FIXTURE_BAD "b", 1000, 1000, "/bin/bash",
			   VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "t" VG_FIXTURE_BAD, 0, 0,
			   "/bin/b" VG_FIXTURE_BAD "sh", VG_PW_HASH, "sha512");
	vg_fixture_sudo_rule(&f, "/etc/sudoers.d/" VG_FIXTURE_BAD, 9,
			     "b" VG_FIXTURE_BAD "b", true, true, true);
	vg_fixture_sudo_rule(&f, "/etc/sudoers.d/" VG_FIXTURE_BAD, 9,
			     "b" VG_FIXTURE_BAD "b", true, true, false);
	vg_fixture_sudo_rule(&f, "/etc/sudoers.d/" VG_FIXTURE_BAD, 10, "ALL",
			     true, true, false);
	f.sshd.permit_root_login = vg_facts_str(&f, "yes");
	f.sshd.file = vg_facts_str(&f, "/etc/ssh/" VG_FIXTURE_BAD);
	for (i = 0; i < VG_ARRAY_LEN(checks); i++) {
		vg_fixture_eval(&f, &p, checks[i], &r);
		if (r.n_findings < 1)
			fail_msg("%s: no finding", checks[i]);
		if (i == 0) {
			admins = json_object_get(r.findings[0].evidence,
						 "administrators");
			assert_int_equal(json_array_size(admins), 2);
			/* Two rules of one line: one way, then ALL. */
			assert_int_equal(
				json_array_size(json_object_get(
					admin_named(admins,
						    "b" VG_FIXTURE_FFFD "b"),
					"via")),
				2);
			assert_true(vg_fixture_json_has(
				json_object_get(r.findings[0].evidence,
						"all_users"),
				"/etc/sudoers.d/" VG_FIXTURE_FFFD ":10"));
		}
		if (i == 1) {
			fd = vg_fixture_finding(&r, checks[i],
						"/etc/sudoers.d/" VG_FIXTURE_BAD
						":9");
			assert_non_null(fd);
			assert_string_equal(vg_fixture_ev_str(fd, "text"),
					    "b" VG_FIXTURE_FFFD "b");
		}
		if (i == 2)
			assert_string_equal(
				vg_fixture_ev_str(&r.findings[0], "shell"),
				"/bin/b" VG_FIXTURE_FFFD "sh");
		if (i == 3)
			assert_string_equal(
				vg_fixture_ev_str(&r.findings[0], "file"),
				"/etc/ssh/" VG_FIXTURE_FFFD);
		vg_report_release(&r);
	}
	vg_fixture_release(&f, &p, NULL);
}

/* ---- admin.nopasswd_all ---- */

static void
test_nopasswd_all(void **state)
{
	static const struct {
		bool all, nopasswd, fires;
	} rows[] = {
		{true, true, true},
		{true, false, false},
		{false, true, false},
		{false, false, false},
	};
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;
	json_t *users;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_fixture_init(&f, &p, NOW);
		vg_fixture_collect_all(&f);
		vg_fixture_sudo_rule(&f, "/etc/sudoers.d/ops", 4,
				     "%ops@OPS,!eve@OPS", true, rows[i].all,
				     rows[i].nopasswd);
		vg_fixture_eval(&f, &p, "admin.nopasswd_all", &r);
		assert_int_equal(r.n_findings, rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "admin.nopasswd_all",
						"/etc/sudoers.d/ops:4");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			users = json_object_get(fd->evidence, "users");
			assert_int_equal(json_array_size(users), 2);
			assert_true(vg_fixture_json_has(users, "%ops"));
			assert_true(vg_fixture_json_has(users, "!eve"));
			assert_string_equal(json_string_value(json_object_get(
						    fd->evidence, "text")),
					    "%ops@OPS,!eve@OPS");
		}
		vg_fixture_release(&f, &p, &r);
	}

	/* Severity override and not evaluated. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_override(&p, "admin.nopasswd_all", VG_SEV_CRITICAL);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 1, "alice", true, true, true);
	vg_fixture_sudo_rule(&f, "/etc/sudoers", 2, "bob", false, true, true);
	vg_fixture_eval(&f, &p, "admin.nopasswd_all", &r);
	assert_int_equal(r.n_findings, 2);
	assert_int_equal(r.findings[0].severity, VG_SEV_CRITICAL);
	vg_report_release(&r);
	vg_facts_not_collected(&f, VG_SRC_SUDOERS, "cannot read '%s': %s",
			       "/etc/sudoers", "Permission denied");
	vg_fixture_eval(&f, &p, "admin.nopasswd_all", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(vg_fixture_not_evaluated(&r, "admin.nopasswd_all"),
			    "cannot read '/etc/sudoers': Permission denied");
	vg_fixture_release(&f, &p, &r);
}

/* ---- admin.uid0_duplicate ---- */

static void
test_uid0_duplicate(void **state)
{
	struct vg_facts f;
	struct vg_policy p;
	struct vg_report r;
	const struct vg_finding *fd;

	(void)state;
	/* Pass: root alone has uid 0. */
	vg_fixture_init(&f, &p, NOW);
	vg_fixture_collect_all(&f);
	vg_fixture_account(&f, "root", 0, 0, "/bin/bash", VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "alice", 1000, 0, "/bin/bash", VG_PW_HASH,
			   "sha512");
	vg_fixture_eval(&f, &p, "admin.uid0_duplicate", &r);
	assert_int_equal(r.n_findings, 0);
	vg_report_release(&r);

	/* Fail: toor and a locked one too (uid 0 either way). */
	vg_fixture_account(&f, "toor", 0, 0, "/bin/sh", VG_PW_HASH, "sha512");
	vg_fixture_account(&f, "backdoor", 0, 100, "/usr/sbin/nologin",
			   VG_PW_LOCKED, NULL);
	vg_fixture_eval(&f, &p, "admin.uid0_duplicate", &r);
	assert_int_equal(r.n_findings, 2);
	fd = vg_fixture_finding(&r, "admin.uid0_duplicate", "toor");
	assert_non_null(fd);
	assert_int_equal(fd->severity, VG_SEV_CRITICAL);
	assert_int_equal(
		json_integer_value(json_object_get(fd->evidence, "uid")), 0);
	assert_string_equal(
		json_string_value(json_object_get(fd->evidence, "shell")),
		"/bin/sh");
	assert_non_null(
		vg_fixture_finding(&r, "admin.uid0_duplicate", "backdoor"));
	vg_fixture_release(&f, &p, &r);

	vg_fixture_init(&f, &p, NOW);
	vg_fixture_account(&f, "toor", 0, 0, "/bin/sh", VG_PW_HASH, "sha512");
	vg_fixture_eval(&f, &p, "admin.uid0_duplicate", &r);
	assert_int_equal(r.n_findings, 0);
	assert_non_null(vg_fixture_not_evaluated(&r, "admin.uid0_duplicate"));
	vg_fixture_release(&f, &p, &r);
}

/* ---- admin.ssh_root_login ---- */

static void
test_ssh_root_login(void **state)
{
	static const struct {
		const char *value;
		bool fires;
	} rows[] = {
		{"yes", true},
		{"YES", true},
		{"prohibit-password", false},
		{"without-password", false},
		{"forced-commands-only", false},
		{"no", false},
		{"", false},
		{NULL, false},
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
		f.sshd.permit_root_login = vg_facts_str(&f, rows[i].value);
		f.sshd.file = vg_facts_str(&f, "/etc/ssh/sshd_config.d/a.conf");
		f.sshd.line = 7;
		vg_fixture_eval(&f, &p, "admin.ssh_root_login", &r);
		assert_int_equal(r.n_findings, rows[i].fires ? 1 : 0);
		if (rows[i].fires) {
			fd = vg_fixture_finding(&r, "admin.ssh_root_login",
						"sshd");
			assert_non_null(fd);
			assert_int_equal(fd->severity, VG_SEV_HIGH);
			assert_string_equal(json_string_value(json_object_get(
						    fd->evidence, "file")),
					    "/etc/ssh/sshd_config.d/a.conf");
			assert_int_equal(json_integer_value(json_object_get(
						 fd->evidence, "line")),
					 7);
			assert_string_equal(
				json_string_value(json_object_get(
					fd->evidence, "permit_root_login")),
				rows[i].value);
		}
		vg_fixture_release(&f, &p, &r);
	}

	vg_fixture_init(&f, &p, NOW);
	f.sshd.permit_root_login = vg_facts_str(&f, "yes");
	vg_facts_not_collected(&f, VG_SRC_SSHD, "cannot read '%s': %s",
			       "/etc/ssh/sshd_config",
			       "No such file or directory");
	vg_fixture_eval(&f, &p, "admin.ssh_root_login", &r);
	assert_int_equal(r.n_findings, 0);
	assert_string_equal(
		vg_fixture_not_evaluated(&r, "admin.ssh_root_login"),
		"cannot read '/etc/ssh/sshd_config': No such file or "
		"directory");
	vg_fixture_release(&f, &p, &r);
}

static void
test_catalogue(void **state)
{
	static const struct {
		const char *id;
		enum vg_severity sev;
	} rows[] = {
		{"admin.excess", VG_SEV_HIGH},
		{"admin.nopasswd_all", VG_SEV_HIGH},
		{"admin.uid0_duplicate", VG_SEV_CRITICAL},
		{"admin.ssh_root_login", VG_SEV_HIGH},
	};
	const struct vg_check *c;
	size_t i;

	(void)state;
	assert_int_equal(vg_checks_r3_count, VG_ARRAY_LEN(rows));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		c = vg_rules_find(rows[i].id);
		assert_non_null(c);
		assert_int_equal(c->rule, 3);
		assert_int_equal(c->severity, rows[i].sev);
		assert_true(strlen(c->remediation) > 20);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excess_paths),
		cmocka_unit_test(test_excess_threshold),
		cmocka_unit_test(test_excess_dedup_and_all),
		cmocka_unit_test(test_excess_not_evaluated),
		cmocka_unit_test(test_excess_many),
		cmocka_unit_test(test_excess_many_ways),
		cmocka_unit_test(test_excess_all_rules),
		cmocka_unit_test(test_excess_many_all),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_nopasswd_all),
		cmocka_unit_test(test_uid0_duplicate),
		cmocka_unit_test(test_ssh_root_login),
		cmocka_unit_test(test_catalogue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

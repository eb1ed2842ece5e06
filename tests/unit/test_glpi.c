/*
 * Facts -> GLPI native inventory: the mapping of a full host, the
 * operating system's name rebuilt from os-release, sources not
 * collected (a partial inventory), no password data ever, and hostile
 * facts (non-UTF-8, nameless entries, times past the schema's years).
 * The schema itself is checked by tests/integration/glpi.sh.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/glpi.h"
#include "util/utf8.h"
#include "util/banned.h"

/* 2024-03-01T12:34:56Z */
#define T_SCAN INT64_C(1709296496)

static void
collect_all(struct vg_facts *f)
{
	int i;

	for (i = 0; i < VG_SRC_COUNT; i++)
		vg_facts_collected(f, (enum vg_source)i);
}

static void
add_package(struct vg_facts *f, const char *name, const char *version,
	    const char *arch)
{
	struct vg_package *p = vg_facts_add_package(f);

	assert_non_null(p);
	p->name = vg_facts_str(f, name);
	p->version = vg_facts_str(f, version);
	p->arch = vg_facts_str(f, arch);
}

static struct vg_account *
add_account(struct vg_facts *f, const char *name, int64_t uid,
	    const char *gecos)
{
	struct vg_account *a = vg_facts_add_account(f);

	assert_non_null(a);
	a->name = vg_facts_str(f, name);
	a->uid = uid;
	a->gid = uid;
	a->gecos = vg_facts_str(f, gecos);
	a->home = vg_facts_str(f, "/home/x");
	a->shell = vg_facts_str(f, "/bin/bash");
	return a;
}

/* A workstation of the emergency ward, every mapped source collected. */
static void
fill_host(struct vg_facts *f)
{
	static const char *members[] = {"alice", "bob"};
	struct vg_account *a;
	struct vg_group *g;

	collect_all(f);
	f->collected_at = T_SCAN;
	f->os.hostname = vg_facts_str(f, "pc-urg-042");
	f->os.id = vg_facts_str(f, "debian");
	f->os.version_id = vg_facts_str(f, "12");
	f->os.codename = vg_facts_str(f, "bookworm");
	f->os.pretty_name = vg_facts_str(f, "Debian GNU/Linux 12 (bookworm)");
	f->asset.name = vg_facts_str(f, "Accueil urgences");
	f->asset.site = vg_facts_str(f, "CH Nord – site B");
	f->kernel.running = vg_facts_str(f, "6.1.0-17-amd64");
	f->kernel.newest_installed = vg_facts_str(f, "6.1.0-18-amd64");

	add_package(f, "openssl", "3.0.11-1~deb12u2", "amd64");
	add_package(f, "dpkg", "1.21.22", "amd64");
	add_package(f, "tzdata", "2024a-0+deb12u1", "all");

	a = add_account(f, "root", 0, "root");
	a->home = vg_facts_str(f, "/root");
	a->pw = VG_PW_HASH;
	a->scheme = vg_facts_str(f, "sha512");
	a->shared_group = 1;
	a->last_login = T_SCAN - 86400;
	a = add_account(f, "alice", 1000, "Alice Martin,bureau 3,,");
	a->pw = VG_PW_EMPTY;
	a->last_login = T_SCAN - 3600; /* the newest */
	a = add_account(f, "daemon", 1, NULL);
	a->last_login = VG_TIME_NEVER;

	g = vg_facts_add_group(f);
	g->name = vg_facts_str(f, "sudo");
	g->gid = 27;
	g->members = members;
	g->n_members = 2;
	g = vg_facts_add_group(f);
	g->name = vg_facts_str(f, "nogroup");
	g->gid = 65534;
}

static const char *
str_at(const json_t *doc, const char *path)
{
	char buf[256], *save = NULL, *key;
	const json_t *v = doc;

	(void)snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key != NULL && v != NULL;
	     key = strtok_r(NULL, ".", &save))
		v = json_object_get(v, key);
	return json_string_value(v);
}

static json_t *
inventory(const struct vg_facts *f, const struct vg_report *r,
	  const char *deviceid)
{
	struct vg_err err;
	json_t *doc;

	vg_err_clear(&err);
	doc = vg_glpi_inventory(f, r, deviceid, &err);
	assert_non_null(doc);
	assert_int_equal(err.rc, VG_OK);
	return doc;
}

static void
test_host(void **state)
{
	struct vg_facts f;
	json_t *doc, *c, *list, *o;
	const char *k;
	json_t *v;
	size_t i;

	(void)state;
	vg_facts_init(&f);
	fill_host(&f);
	doc = inventory(&f, NULL, NULL);

	assert_string_equal(str_at(doc, "action"), "inventory");
	assert_string_equal(str_at(doc, "itemtype"), "Computer");
	assert_string_equal(str_at(doc, "deviceid"),
			    "pc-urg-042-2024-03-01-12-34-56");
	assert_string_equal(str_at(doc, "tag"), "CH Nord – site B");
	assert_true(json_is_false(json_object_get(doc, "partial")));
	assert_int_equal(json_object_size(doc), 6);
	c = json_object_get(doc, "content");
	assert_string_equal(str_at(c, "versionclient"), "vigie_v" VG_VERSION);

	assert_string_equal(str_at(c, "hardware.name"), "pc-urg-042");
	assert_string_equal(str_at(c, "hardware.lastloggeduser"), "alice");
	/* No report: no comment. */
	assert_null(str_at(c, "hardware.description"));

	assert_string_equal(str_at(c, "operatingsystem.name"),
			    "Debian GNU/Linux");
	assert_string_equal(str_at(c, "operatingsystem.version"), "12");
	assert_string_equal(str_at(c, "operatingsystem.full_name"),
			    "Debian GNU/Linux 12 (bookworm)");
	assert_string_equal(str_at(c, "operatingsystem.kernel_name"), "linux");
	assert_string_equal(str_at(c, "operatingsystem.kernel_version"),
			    "6.1.0-17-amd64");
	assert_string_equal(str_at(c, "operatingsystem.arch"), "x86_64");

	list = json_object_get(c, "softwares");
	assert_int_equal(json_array_size(list), 3);
	o = json_array_get(list, 2);
	assert_string_equal(str_at(o, "name"), "tzdata");
	assert_string_equal(str_at(o, "version"), "2024a-0+deb12u1");
	assert_string_equal(str_at(o, "arch"), "all");
	assert_string_equal(str_at(o, "from"), "deb");

	list = json_object_get(c, "local_users");
	assert_int_equal(json_array_size(list), 3);
	o = json_array_get(list, 1);
	assert_string_equal(str_at(o, "id"), "1000");
	assert_string_equal(str_at(o, "login"), "alice");
	assert_string_equal(str_at(o, "name"), "Alice Martin");
	assert_string_equal(str_at(o, "home"), "/home/x");
	assert_string_equal(str_at(o, "shell"), "/bin/bash");
	/* No password data: only identity members, on every account. */
	json_array_foreach(list, i, o)
	{
		json_object_foreach(o, k, v)
		{
			(void)v;
			assert_non_null(
				strstr(" id login name home shell ", k));
		}
	}
	assert_null(str_at(json_array_get(list, 2), "name")); /* no GECOS */

	list = json_object_get(c, "local_groups");
	assert_int_equal(json_array_size(list), 2);
	o = json_array_get(list, 0);
	assert_string_equal(str_at(o, "id"), "27");
	assert_string_equal(str_at(o, "name"), "sudo");
	assert_int_equal(json_array_size(json_object_get(o, "members")), 2);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(o, "members"), 1)),
			    "bob");
	/* A group with no member has no "members" array. */
	assert_null(json_object_get(json_array_get(list, 1), "members"));

	assert_string_equal(str_at(c, "accesslog.logdate"),
			    "2024-03-01 11:34:56");
	assert_string_equal(str_at(c, "accesslog.userid"), "alice");

	json_decref(doc);
	vg_facts_release(&f);
}

/* The hygiene scores become the computer's comment. */
static void
test_report_comment(void **state)
{
	struct vg_facts f;
	struct vg_report r;
	json_t *doc;
	int k;

	(void)state;
	vg_facts_init(&f);
	fill_host(&f);
	vg_report_init(&r);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r.scores[k] = k == 5 ? VG_SCORE_NONE : 100 - k;
	r.overall = 72;
	assert_int_equal(vg_report_add(&r, 3, "admin.nopasswd_all",
				       VG_SEV_CRITICAL, "alice", NULL, "x"),
			 VG_OK);
	assert_int_equal(vg_report_add(&r, 4, "passwords.empty", VG_SEV_HIGH,
				       "alice", NULL, "x"),
			 VG_OK);
	assert_int_equal(vg_report_add(&r, 4, "passwords.weak_hash",
				       VG_SEV_HIGH, "root", NULL, "x"),
			 VG_OK);
	doc = inventory(&f, &r, "agent-7f3a");
	assert_string_equal(str_at(doc, "deviceid"), "agent-7f3a");
	assert_string_equal(
		str_at(doc, "content.hardware.description"),
		"vigie hygiene score: 72/100 (R1 99, R2 98, R3 97, R4 96, "
		"R5 -, R6 94, R7 93, R8 92, R9 91, R10 90); 3 findings: "
		"1 critical, 2 high, 0 medium, 0 low");
	json_decref(doc);

	/* Nothing evaluated at all. */
	vg_report_release(&r);
	vg_report_init(&r);
	for (k = 0; k <= VG_RULE_COUNT; k++)
		r.scores[k] = VG_SCORE_NONE;
	r.overall = VG_SCORE_NONE;
	doc = inventory(&f, &r, NULL);
	assert_string_equal(str_at(doc, "content.hardware.description"),
			    "vigie hygiene score: not evaluated (R1 -, R2 -, "
			    "R3 -, R4 -, R5 -, R6 -, R7 -, R8 -, R9 -, R10 -); "
			    "0 findings: 0 critical, 0 high, 0 medium, 0 low");
	json_decref(doc);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* operatingsystem.name from PRETTY_NAME, VERSION_ID and ID. */
static void
test_os_name(void **state)
{
	static const struct {
		const char *pretty, *version, *id;
		const char *want; /* NULL: no name */
	} rows[] = {
		{"Debian GNU/Linux 12 (bookworm)", "12", "debian",
		 "Debian GNU/Linux"},
		{"Ubuntu 22.04.3 LTS", "22.04", "ubuntu", "Ubuntu"},
		{"Rocky Linux 9.3 (Blue Onyx)", "9.3", "rocky", "Rocky Linux"},
		{"Red Hat Enterprise Linux 9.4 (Plow)", "9.4", "rhel",
		 "Red Hat Enterprise Linux"},
		/* testing/sid: no VERSION_ID, the ID is known */
		{"Debian GNU/Linux trixie/sid", NULL, "debian",
		 "Debian GNU/Linux"},
		/* "2" inside "12" is not the version word */
		{"Acme OS 12", "2", "acme", "acme"},
		/* the version first: no name before it */
		{"12 Linux", "12", NULL, "12 Linux"},
		{NULL, NULL, "alpine", "alpine"},
		{"Just A Name", NULL, NULL, "Just A Name"},
		{NULL, "12", NULL, NULL},
		{"", "", "", NULL},
	};
	struct vg_facts f;
	json_t *doc;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		vg_facts_collected(&f, VG_SRC_OS);
		f.os.pretty_name = vg_facts_str(&f, rows[i].pretty);
		f.os.version_id = vg_facts_str(&f, rows[i].version);
		f.os.id = vg_facts_str(&f, rows[i].id);
		doc = inventory(&f, NULL, "d");
		if (rows[i].want == NULL)
			assert_null(
				str_at(doc, "content.operatingsystem.name"));
		else
			assert_string_equal(
				str_at(doc, "content.operatingsystem.name"),
				rows[i].want);
		json_decref(doc);
		vg_facts_release(&f);
	}
}

/* Nothing collected: a partial inventory with only what is required. */
static void
test_nothing_collected(void **state)
{
	struct vg_facts f;
	json_t *doc, *c;

	(void)state;
	vg_facts_init(&f);
	doc = inventory(&f, NULL, NULL);
	assert_true(json_is_true(json_object_get(doc, "partial")));
	assert_string_equal(str_at(doc, "deviceid"), "unknown");
	assert_null(json_object_get(doc, "tag"));
	c = json_object_get(doc, "content");
	assert_int_equal(json_object_size(c), 1);
	assert_non_null(str_at(c, "versionclient"));
	json_decref(doc);
	vg_facts_release(&f);
}

/*
 * One source missing at a time: its section is left out (not sent
 * empty, which GLPI would read as "none installed") and the document is
 * partial.
 */
static void
test_source_missing(void **state)
{
	static const struct {
		enum vg_source src;
		const char *section;
	} rows[] = {
		{VG_SRC_PACKAGES, "softwares"},
		{VG_SRC_PASSWD, "local_users"},
		{VG_SRC_GROUP, "local_groups"},
	};
	struct vg_facts f;
	json_t *doc, *c;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		fill_host(&f);
		vg_facts_not_collected(&f, rows[i].src, "cannot read");
		doc = inventory(&f, NULL, NULL);
		c = json_object_get(doc, "content");
		assert_null(json_object_get(c, rows[i].section));
		assert_true(json_is_true(json_object_get(doc, "partial")));
		json_decref(doc);
		vg_facts_release(&f);
	}

	/* Collected but empty: an empty list, and a full inventory. */
	vg_facts_init(&f);
	collect_all(&f);
	doc = inventory(&f, NULL, "d");
	c = json_object_get(doc, "content");
	assert_true(json_is_array(json_object_get(c, "softwares")));
	assert_int_equal(json_array_size(json_object_get(c, "softwares")), 0);
	assert_true(json_is_false(json_object_get(doc, "partial")));
	json_decref(doc);
	vg_facts_release(&f);

	/* No login data: no accesslog, no last logged user. */
	vg_facts_init(&f);
	fill_host(&f);
	vg_facts_not_collected(&f, VG_SRC_LOGINS, "cannot read");
	doc = inventory(&f, NULL, NULL);
	c = json_object_get(doc, "content");
	assert_null(json_object_get(c, "accesslog"));
	assert_null(str_at(c, "hardware.lastloggeduser"));
	/* An offline root: the newest installed kernel. */
	json_decref(doc);
	f.kernel.running = NULL;
	doc = inventory(&f, NULL, NULL);
	assert_string_equal(
		str_at(doc, "content.operatingsystem.kernel_version"),
		"6.1.0-18-amd64");
	json_decref(doc);
	vg_facts_release(&f);
}

/* Hostile or odd facts still give valid, schema-shaped values. */
static void
test_hostile(void **state)
{
	static const char *members[] = {"ok", "", "caf\xe9"};
	struct vg_facts f;
	struct vg_package *p;
	struct vg_group *g;
	struct vg_account *a;
	json_t *doc, *c, *list;
	const char *s;
	char *big;

	(void)state;
	vg_facts_init(&f);
	collect_all(&f);
	f.collected_at = INT64_C(253402300800); /* year 10000 */
	f.os.hostname = vg_facts_str(&f, "h\xff\xfeost");
	/* A nameless package and group say nothing: left out. */
	p = vg_facts_add_package(&f);
	p->version = vg_facts_str(&f, "1.0");
	add_package(&f, "dpkg", "1.0", "weirdarch");
	g = vg_facts_add_group(&f);
	g->gid = 5;
	g = vg_facts_add_group(&f);
	g->name = vg_facts_str(&f, "g");
	g->gid = -1;
	g->members = members;
	g->n_members = 3;
	a = add_account(&f, "ren\xe9", -5, "Ren\xe9 L\xe9vy,,,");
	a->last_login = INT64_C(253402300800); /* past the schema's years */
	a = add_account(&f, "empty", 2, ",,,");
	big = malloc(100001);
	assert_non_null(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	a->shell = vg_facts_str(&f, big);
	free(big);

	doc = inventory(&f, NULL, NULL);
	/* Time unusable: the device id is the host alone. */
	s = str_at(doc, "deviceid");
	assert_non_null(s);
	assert_true(vg_utf8_valid(s, strlen(s)));
	assert_string_equal(s, "h\xef\xbf\xbd\xef\xbf\xbdost");
	c = json_object_get(doc, "content");
	assert_string_equal(str_at(c, "operatingsystem.arch"), "weirdarch");
	assert_int_equal(json_array_size(json_object_get(c, "softwares")), 1);
	list = json_object_get(c, "local_groups");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(str_at(json_array_get(list, 0), "id"), "-1");
	list = json_object_get(json_array_get(list, 0), "members");
	assert_int_equal(json_array_size(list), 2); /* "" dropped */
	s = json_string_value(json_array_get(list, 1));
	assert_string_equal(s, "caf\xef\xbf\xbd");
	list = json_object_get(c, "local_users");
	assert_string_equal(str_at(json_array_get(list, 0), "id"), "-5");
	assert_string_equal(str_at(json_array_get(list, 0), "name"),
			    "Ren\xef\xbf\xbd L\xef\xbf\xbdvy");
	assert_null(str_at(json_array_get(list, 1), "name"));
	assert_int_equal(strlen(str_at(json_array_get(list, 1), "shell")),
			 100000);
	/* A login date the schema cannot hold is not written. */
	assert_null(json_object_get(c, "accesslog"));
	assert_string_equal(str_at(c, "hardware.lastloggeduser"),
			    "ren\xef\xbf\xbd");
	json_decref(doc);
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_report_comment),
		cmocka_unit_test(test_os_name),
		cmocka_unit_test(test_nothing_collected),
		cmocka_unit_test(test_source_missing),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

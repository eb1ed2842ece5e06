/*
 * respond/snapshot: the evidence snapshot read from a fixture tree
 * (tests/fixtures/snapshot/basic) and from hostile /proc files made
 * here: truncated lines, huge values, NUL bytes, non-UTF-8 names,
 * vanished files, a truncated utmp record.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

#include "support.h"
#include "respond/snapshot.h"
#include "util/buf.h"

#define EVIL_SHA                                                               \
	"16f3e94c8cfc3c62620765b683e2e12615238f5370472c92b5287de00795fd40"
#define INIT_SHA                                                               \
	"0fa5ddb9b0ca29816f799081535299908b7acc2944cf09e5b7c47c259dfdbf33"

/* Take the snapshot of root and parse it back. */
static json_t *
take(const char *root)
{
	struct vg_buf b;
	struct vg_err err;
	json_t *doc;

	vg_err_clear(&err);
	vg_buf_init(&b, VG_SNAPSHOT_MAX);
	assert_int_equal(
		vg_snapshot_take(root, "pc-urgences-3", 1700000000, &b, &err),
		VG_OK);
	doc = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(doc);
	vg_buf_release(&b);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
			    "vigie.evidence/1");
	assert_int_equal(json_integer_value(json_object_get(doc, "taken_at")),
			 1700000000);
	assert_string_equal(json_string_value(json_object_get(doc, "host")),
			    "pc-urgences-3");
	return doc;
}

/* The element of array (member key of doc) whose field equals v. */
static json_t *
find_int(json_t *doc, const char *key, const char *field, json_int_t v)
{
	json_t *a = json_object_get(doc, key), *e;
	size_t i;

	json_array_foreach(a, i, e) if (json_integer_value(json_object_get(
						e, field)) == v) return e;
	return NULL;
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
test_fixture(void **state)
{
	json_t *doc, *p, *c;

	(void)state;
	doc = take(VG_TEST_FIXTURES "/snapshot/basic");
	assert_int_equal(json_array_size(json_object_get(doc, "processes")), 2);
	p = find_int(doc, "processes", "pid", 1);
	assert_non_null(p);
	assert_string_equal(str(p, "comm"), "init");
	assert_string_equal(str(p, "user"), "root");
	assert_string_equal(str(p, "sha256"), INIT_SHA);
	assert_string_equal(str(p, "cmdline"), "/sbin/init splash");
	assert_int_equal(json_integer_value(json_object_get(p, "ppid")), 0);
	/* A name with ") (" in it ends at the last ')'. */
	p = find_int(doc, "processes", "pid", 42);
	assert_non_null(p);
	assert_string_equal(str(p, "comm"), "evil) (x");
	assert_int_equal(json_integer_value(json_object_get(p, "ppid")), 1);
	assert_int_equal(json_integer_value(json_object_get(p, "uid")), 33);
	assert_string_equal(str(p, "user"), "www-data");
	assert_string_equal(str(p, "exe"), "../../bin/evil");
	assert_string_equal(str(p, "sha256"), EVIL_SHA);
	assert_string_equal(str(p, "cmdline"), "./evil --connect 203.0.113.9");

	assert_int_equal(json_array_size(json_object_get(doc, "connections")),
			 4);
	c = find_int(doc, "connections", "inode", 2002);
	assert_non_null(c);
	assert_string_equal(str(c, "proto"), "tcp");
	assert_string_equal(str(c, "local"), "10.0.0.2:50000");
	assert_string_equal(str(c, "remote"), "203.0.113.9:4444");
	assert_string_equal(str(c, "state"), "ESTABLISHED");
	assert_int_equal(json_integer_value(json_object_get(c, "pid")), 42);
	c = find_int(doc, "connections", "inode", 1001);
	assert_string_equal(str(c, "state"), "LISTEN");
	assert_string_equal(str(c, "local"), "0.0.0.0:22");
	assert_int_equal(json_integer_value(json_object_get(c, "pid")), 1);
	c = find_int(doc, "connections", "inode", 3003);
	assert_string_equal(str(c, "proto"), "tcp6");
	assert_string_equal(str(c, "local"), "[::1]:631");
	assert_true(json_is_null(json_object_get(c, "pid")));
	c = find_int(doc, "connections", "inode", 4004);
	assert_string_equal(str(c, "proto"), "udp");
	assert_string_equal(str(c, "state"), "UNCONN");
	assert_string_equal(str(c, "local"), "0.0.0.0:68");
	/* No utmp in the fixture: no users, not an error. */
	assert_int_equal(json_array_size(json_object_get(doc, "users")), 0);
	json_decref(doc);
}

static void
test_hostile(void **state)
{
	char *dir = vg_test_tmpdir(), *huge, path[4096];
	struct utmpx u[2];
	json_t *doc, *p;
	size_t i;

	(void)state;
	/* Truncated stat: no ')' at all. */
	vg_test_write(dir, "proc/7/stat", "7 (bash");
	/* A ppid past any pid. */
	vg_test_write(dir, "proc/8/stat",
		      "8 (x) S 99999999999999999999999 1 1");
	/* A non-UTF-8, control-laden name; a uid that overflows. */
	vg_test_write(dir, "proc/9/stat", "9 (\xff\xfe\x1b[31m) S 1 9 9");
	vg_test_write(dir, "proc/9/status", "Uid:\t99999999999\t0\n");
	/* NUL bytes in the middle of stat cut nothing dangerous. */
	vg_test_write_bytes(dir, "proc/10/stat", "10 (a\0b) S 1 1 1", 17);
	vg_test_write(dir, "proc/10/status", "Uid:\n");
	/* Not a pid, and a pid with nothing in it (it vanished). */
	vg_test_write(dir, "proc/abc/stat", "1 (no) S 0");
	vg_test_write(dir, "proc/11/gone", "");
	/* A huge command line is cut, not refused. */
	huge = malloc(200000);
	assert_non_null(huge);
	memset(huge, 'A', 199999);
	huge[199999] = '\0';
	vg_test_write(dir, "proc/12/stat", "12 (big) S 1 1 1");
	vg_test_write(dir, "proc/12/cmdline", huge);
	/* /proc/net: truncated lines, bad hex, a huge line, a valid one. */
	(void)snprintf(
		path, sizeof(path),
		"header\n"
		"   0: 0100007F:0016\n"
		"   1: ZZ00007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 5\n"
		"   2: 0100007F:00160 00000000:0000 0A 0:0 0:0 0 0 0 6\n"
		"   3: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 "
		"99999999999999999999999\n"
		"   4: 0100007F:0016 00000000:0000 0A 0:0 0:0 0 0 0 7\n");
	vg_test_write(dir, "proc/net/tcp", path);
	huge[0] = ' ';
	vg_test_write(dir, "proc/net/tcp6", huge);
	free(huge);
	/* utmp: one session and a truncated record after it. */
	memset(u, 0, sizeof(u));
	u[0].ut_type = USER_PROCESS;
	memcpy(u[0].ut_user, "alice", 5);
	memcpy(u[0].ut_line, "pts/0", 5);
	memset(u[0].ut_host, 'h', sizeof(u[0].ut_host)); /* no NUL */
	u[0].ut_tv.tv_sec = 1699990000;
	u[1].ut_type = USER_PROCESS;
	vg_test_write_bytes(dir, "run/utmp", u, sizeof(u[0]) + 100);

	doc = take(dir);
	/* 7 (truncated), 8 (ppid), 10 (NUL: no ')' before the cut?) */
	assert_null(find_int(doc, "processes", "pid", 7));
	assert_null(find_int(doc, "processes", "pid", 8));
	assert_null(find_int(doc, "processes", "pid", 11));
	p = find_int(doc, "processes", "pid", 9);
	assert_non_null(p);
	assert_string_equal(str(p, "comm"), "???[31m");
	assert_true(json_is_null(json_object_get(p, "uid")));
	assert_true(json_is_null(json_object_get(p, "sha256")));
	p = find_int(doc, "processes", "pid", 10);
	assert_non_null(p);
	assert_string_equal(str(p, "comm"), "a?b");
	assert_true(json_is_null(json_object_get(p, "uid")));
	p = find_int(doc, "processes", "pid", 12);
	assert_non_null(p);
	assert_true(strlen(str(p, "cmdline")) <= 4096);
	assert_int_equal(json_array_size(json_object_get(doc, "connections")),
			 1);
	assert_non_null(find_int(doc, "connections", "inode", 7));
	assert_int_equal(json_array_size(json_object_get(doc, "users")), 1);
	p = json_array_get(json_object_get(doc, "users"), 0);
	assert_string_equal(str(p, "user"), "alice");
	assert_string_equal(str(p, "tty"), "pts/0");
	assert_int_equal(strlen(str(p, "host")), sizeof(u[0].ut_host));
	assert_int_equal(json_integer_value(json_object_get(p, "login_at")),
			 1699990000);
	for (i = 0; i < json_array_size(json_object_get(doc, "processes")); i++)
		assert_non_null(json_object_get(
			json_array_get(json_object_get(doc, "processes"), i),
			"cmdline"));
	json_decref(doc);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_no_root(void **state)
{
	json_t *doc;

	(void)state;
	doc = take("/nonexistent/vigie-snapshot-root");
	assert_int_equal(json_array_size(json_object_get(doc, "processes")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "connections")),
			 0);
	assert_int_equal(json_array_size(json_object_get(doc, "users")), 0);
	json_decref(doc);
}

/* The live system: this test process is in it, with its executable. */
static void
test_live(void **state)
{
	json_t *doc, *p;

	(void)state;
	doc = take("/");
	p = find_int(doc, "processes", "pid", getpid());
	assert_non_null(p);
	assert_non_null(str(p, "exe"));
	assert_int_equal(strlen(str(p, "sha256")), 64);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_no_root),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

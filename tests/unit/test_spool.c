/* agent/spool: atomic writes, oldest-first listing, bound, rejected/. */
#include "util/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "agent/spool.h"
#include "util/buf.h"

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define UF "ffffffff-ffff-4fff-bfff-ffffffffffff"
#define U0 "00000000-0000-4000-8000-000000000000"

static void
test_name_ok(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} rows[] = {
		{"1700000000-" U1 ".json", true},
		{"0-" U1 ".json", true},
		{"12345678901234567890-" U1 ".json", true},
		{"123456789012345678901-" U1 ".json", false}, /* 21 digits */
		{"-" U1 ".json", false},
		{"17x-" U1 ".json", false},
		{"1700000000-" U1 ".json.tmp.Ab12Cd", false}, /* crash */
		{"1700000000-" U1 ".jso", false},
		{"1700000000-" U1 ".json/", false},
		{"1700000000-" U1 "x.json", false},
		{"1700000000-11111111-1111-4111-8111-11111111111.json", false},
		{"1700000000-1111111111114111-8111-111111111111-.json",
		 false}, /* dashes misplaced */
		{"1700000000-11111111-1111-4111-8111-11111111111G.json", false},
		{"1700000000-AAAAAAAA-1111-4111-8111-111111111111.json",
		 false}, /* upper case: not what the agent writes */
		{"1700000000-../../../etc/passwd.json", false},
		{"", false},
		{".json", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		if (vg_spool_name_ok(rows[i].name) != rows[i].ok)
			fail_msg("row %zu: '%s'", i, rows[i].name);
	}
}

static void
put(struct vg_spool *sp, int64_t t, const char *uuid, const char *body,
    size_t max, size_t want_dropped)
{
	struct vg_err err;
	char name[VG_SPOOL_NAME_MAX];
	size_t dropped = 99;

	vg_err_clear(&err);
	if (vg_spool_put(sp, t, uuid, body, strlen(body), max, &dropped, name,
			 &err) != VG_OK)
		fail_msg("put: %s", err.msg);
	assert_int_equal(dropped, want_dropped);
	assert_true(vg_spool_name_ok(name));
}

static void
expect_list(const char *dir, const char *const *want, size_t n)
{
	struct vg_spool_list l;
	struct vg_err err;
	size_t i;

	vg_err_clear(&err);
	assert_int_equal(vg_spool_list(dir, &l, &err), VG_OK);
	assert_int_equal(l.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(l.names[i], want[i]);
	vg_spool_list_release(&l);
}

static void
test_put_list_read_remove(void **state)
{
	static const char *const order[] = {
		"100-" U2 ".json", "200-" U3 ".json", "300-" U1 ".json"};
	char *dir = vg_test_tmpdir();
	struct vg_spool sp;
	struct vg_err err;
	struct vg_buf b;
	struct stat st;
	char path[4096];
	size_t n;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	assert_int_equal(stat(sp.dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(sp.rejected, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	expect_list(sp.dir, NULL, 0);

	/* Written out of order: listed by the time in the name. */
	put(&sp, 300, U1, "{\"r\":1}", 10, 0);
	put(&sp, 100, U2, "{\"r\":2}", 10, 0);
	put(&sp, 200, U3, "{\"r\":3}", 10, 0);
	expect_list(sp.dir, order, 3);
	assert_int_equal(vg_spool_count(&sp, &n, &err), VG_OK);
	assert_int_equal(n, 3);

	(void)snprintf(path, sizeof(path), "%s/%s", sp.dir, order[0]);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	vg_buf_init(&b, 1024);
	assert_int_equal(vg_spool_read(&sp, order[0], 1024, &b, &err), VG_OK);
	assert_string_equal(vg_buf_str(&b), "{\"r\":2}");
	/* Larger than allowed: refused, not truncated. */
	assert_int_equal(vg_spool_read(&sp, order[0], 3, &b, &err),
			 VG_ERR_LIMIT);
	assert_int_equal(vg_spool_read(&sp, "../agent.json", 1024, &b, &err),
			 VG_ERR_USAGE);
	vg_buf_release(&b);

	assert_int_equal(vg_spool_remove(&sp, order[0], &err), VG_OK);
	/* Already gone: still fine (a resend raced with a delete). */
	assert_int_equal(vg_spool_remove(&sp, order[0], &err), VG_OK);
	expect_list(sp.dir, order + 1, 2);

	/* Only lower-case UUIDs make a name. */
	assert_int_equal(
		vg_spool_put(&sp, 1, "not-a-uuid", "x", 1, 10, &n, NULL, &err),
		VG_ERR_USAGE);
	assert_int_equal(
		vg_spool_put(&sp, 1, U1 "/../x", "x", 1, 10, &n, NULL, &err),
		VG_ERR_USAGE);
	vg_spool_release(&sp);
	vg_test_rmtree(dir);
	free(dir);
}

/* Two reports of the same second: the older file first, whatever the
 * UUIDs' order. */
static void
test_same_second(void **state)
{
	static const char *const order[] = {"500-" UF ".json",
					    "500-" U0 ".json"};
	char *dir = vg_test_tmpdir();
	struct timespec times[2];
	struct vg_spool sp;
	struct vg_err err;
	char path[4096];

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	put(&sp, 500, UF, "a", 10, 0);
	put(&sp, 500, U0, "b", 10, 0);
	/* Set the times: the file system's clock may not tell them apart. */
	(void)snprintf(path, sizeof(path), "%s/%s", sp.dir, order[0]);
	times[0].tv_sec = times[1].tv_sec = 1000;
	times[0].tv_nsec = times[1].tv_nsec = 1;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	(void)snprintf(path, sizeof(path), "%s/%s", sp.dir, order[1]);
	times[0].tv_nsec = times[1].tv_nsec = 2;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	expect_list(sp.dir, order, 2);
	vg_spool_release(&sp);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_bound(void **state)
{
	static const char *const kept[] = {"103-" U1 ".json", "104-" U2 ".json",
					   "105-" U3 ".json"};
	char *dir = vg_test_tmpdir();
	struct vg_spool sp;
	struct vg_err err;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	put(&sp, 101, U1, "1", 3, 0);
	put(&sp, 102, U2, "2", 3, 0);
	put(&sp, 103, U1, "3", 3, 0);
	/* Full: each new report drops the oldest. */
	put(&sp, 104, U2, "4", 3, 1);
	put(&sp, 105, U3, "5", 3, 1);
	expect_list(sp.dir, kept, 3);
	/* A lower bound (a smaller VG_AGENT_SPOOL_MAX after an upgrade)
	 * drops several at once, and says how many. */
	put(&sp, 106, U1, "6", 1, 3);
	vg_spool_release(&sp);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_reject(void **state)
{
	static const char *const rejected[] = {"2-" U2 ".json",
					       "3-" U3 ".json"};
	static const char *const left[] = {"4-" U1 ".json"};
	char *dir = vg_test_tmpdir();
	struct vg_spool sp;
	struct vg_err err;
	size_t dropped = 99;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	put(&sp, 1, U1, "1", 10, 0);
	put(&sp, 2, U2, "2", 10, 0);
	put(&sp, 3, U3, "3", 10, 0);
	put(&sp, 4, U1, "4", 10, 0);
	assert_int_equal(
		vg_spool_reject(&sp, "1-" U1 ".json", 2, &dropped, &err),
		VG_OK);
	assert_int_equal(dropped, 0);
	assert_int_equal(
		vg_spool_reject(&sp, "2-" U2 ".json", 2, &dropped, &err),
		VG_OK);
	assert_int_equal(dropped, 0);
	/* rejected/ is bounded too: the oldest refused report goes. */
	assert_int_equal(
		vg_spool_reject(&sp, "3-" U3 ".json", 2, &dropped, &err),
		VG_OK);
	assert_int_equal(dropped, 1);
	expect_list(sp.rejected, rejected, 2);
	expect_list(sp.dir, left, 1);
	/* Gone already: an error naming it, nothing moved. */
	assert_int_equal(
		vg_spool_reject(&sp, "9-" U3 ".json", 2, &dropped, &err),
		VG_ERR_IO);
	assert_non_null(strstr(err.msg, "9-" U3 ".json"));
	assert_int_equal(vg_spool_reject(&sp, "../x", 2, &dropped, &err),
			 VG_ERR_USAGE);
	vg_spool_release(&sp);
	vg_test_rmtree(dir);
	free(dir);
}

/* A crash mid-write leaves a temporary file: never listed, and removed
 * when the spool is next opened. Strays are ignored, never deleted. */
static void
test_partial_and_strays(void **state)
{
	static const char *const good[] = {"7-" U1 ".json"};
	char *dir = vg_test_tmpdir();
	struct vg_spool sp;
	struct vg_err err;
	char path[4096], target[4096];
	struct stat st;

	(void)state;
	vg_err_clear(&err);
	vg_test_write(dir, "spool/7-" U1 ".json", "{}");
	vg_test_write(dir, "spool/8-" U2 ".json.tmp.Ab12Cd", "{\"uuid\":");
	vg_test_write(dir, "rejected/9-" U2 ".json.tmp.Zz99Yy", "{");
	vg_test_write(dir, "spool/notes.txt", "hello");
	vg_test_write(dir, "spool/9-NOTAUUID.json", "{}");
	(void)snprintf(path, sizeof(path), "%s/spool/10-" U3 ".json", dir);
	assert_int_equal(mkdir(path, 0700), 0); /* a directory */
	(void)snprintf(path, sizeof(path), "%s/spool/11-" U3 ".json", dir);
	(void)snprintf(target, sizeof(target), "%s/spool/notes.txt", dir);
	assert_int_equal(symlink(target, path), 0); /* a symlink */

	/* Listing ignores the temporary file even before any cleanup. */
	(void)snprintf(path, sizeof(path), "%s/spool", dir);
	expect_list(path, good, 1);

	assert_int_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	expect_list(sp.dir, good, 1);
	(void)snprintf(path, sizeof(path), "%s/spool/8-" U2 ".json.tmp.Ab12Cd",
		       dir);
	assert_int_equal(stat(path, &st), -1);
	(void)snprintf(path, sizeof(path),
		       "%s/rejected/9-" U2 ".json.tmp.Zz99Yy", dir);
	assert_int_equal(stat(path, &st), -1);
	(void)snprintf(path, sizeof(path), "%s/spool/notes.txt", dir);
	assert_int_equal(stat(path, &st), 0);
	/* The bound counts reports only: strays are never dropped. */
	put(&sp, 20, U2, "x", 1, 1);
	assert_int_equal(stat(path, &st), 0);
	vg_spool_release(&sp);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_open_errors(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_spool sp;
	struct vg_err err;
	char path[4096];

	(void)state;
	vg_err_clear(&err);
	/* spool is a file: a clear error naming it. */
	vg_test_write(dir, "spool", "not a directory");
	assert_int_not_equal(vg_spool_open(&sp, dir, &err), VG_OK);
	assert_non_null(strstr(err.msg, "spool"));
	assert_null(sp.dir);
	(void)snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(vg_spool_list(path, &(struct vg_spool_list){0}, &err),
			 VG_ERR_IO);
	assert_non_null(strstr(err.msg, "missing"));
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_put_list_read_remove),
		cmocka_unit_test(test_same_second),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_partial_and_strays),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

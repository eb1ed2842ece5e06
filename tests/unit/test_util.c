/* util/: buffers, arena, text helpers, files inside a root. */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/text.h"

static void
test_buf_cap(void **state)
{
	struct vg_buf b;

	(void)state;
	vg_buf_init(&b, 8);
	assert_string_equal(vg_buf_str(&b), "");
	assert_int_equal(vg_buf_adds(&b, "12345"), VG_OK);
	/* A failed append leaves the buffer unchanged. */
	assert_int_equal(vg_buf_adds(&b, "6789"), VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&b), "12345");
	assert_int_equal(vg_buf_printf(&b, "%d", 678), VG_OK);
	assert_string_equal(vg_buf_str(&b), "12345678");
	assert_int_equal(vg_buf_addc(&b, 'x'), VG_ERR_LIMIT);
	assert_int_equal(b.len, 8);
	vg_buf_reset(&b);
	assert_string_equal(vg_buf_str(&b), "");
	vg_buf_release(&b);
}

static void
test_buf_detach(void **state)
{
	struct vg_buf b;
	char *s;

	(void)state;
	vg_buf_init(&b, 1 << 20);
	s = vg_buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(vg_buf_printf(&b, "%s-%s", "a", "b"), VG_OK);
	s = vg_buf_detach(&b);
	assert_string_equal(s, "a-b");
	assert_null(b.data);
	free(s);
}

/* Room reserved then filled: within the cap, and a buffer whose cap
 * was lowered after it grew still honours the new one. */
static void
test_buf_reserve(void **state)
{
	struct vg_buf b;

	(void)state;
	vg_buf_init(&b, 10);
	assert_int_equal(vg_buf_reserve(&b, 0), VG_OK);
	assert_non_null(b.data);
	assert_int_equal(vg_buf_reserve(&b, 10), VG_OK);
	memcpy(b.data, "0123456789", 10);
	vg_buf_setlen(&b, 4);
	assert_string_equal(vg_buf_str(&b), "0123");
	assert_int_equal(vg_buf_reserve(&b, 7), VG_ERR_LIMIT);
	assert_int_equal(vg_buf_add(&b, "456789", 6), VG_OK);
	assert_int_equal(vg_buf_add(&b, "", 0), VG_OK);
	assert_int_equal(vg_buf_add(&b, "x", 1), VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&b), "0123456789");
	vg_buf_reset(&b);
	assert_true(b.cap > 3);
	b.max = 2;
	assert_int_equal(vg_buf_add(&b, "abc", 3), VG_ERR_LIMIT);
	assert_int_equal(vg_buf_add(&b, "ab", 2), VG_OK);
	assert_string_equal(vg_buf_str(&b), "ab");
	vg_buf_release(&b);
}

/* vg_format_int writes what "%lld" does, at both ends of the range. */
static void
test_format_int(void **state)
{
	static const int64_t rows[] = {
		0,
		1,
		-1,
		9,
		10,
		-10,
		99,
		100,
		12345,
		-98765,
		INT32_MAX,
		INT32_MIN,
		INT64_MAX,
		INT64_MIN,
		INT64_MAX - 1,
		INT64_MIN + 1,
	};
	int64_t v[VG_ARRAY_LEN(rows) + 4 * 19], p = 1;
	char out[VG_INT_TEXT_MAX + 1], want[32];
	size_t i, n, nv = 0;
	int k;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		v[nv++] = rows[i];
	/* Every length: 10^k - 1, 10^k and their negatives, up to 10^18. */
	for (k = 0; k < 19; k++) {
		v[nv++] = p - 1;
		v[nv++] = p;
		v[nv++] = -p;
		v[nv++] = -(p - 1);
		if (k < 18)
			p *= 10;
	}
	for (i = 0; i < nv; i++) {
		n = vg_format_int(v[i], out);
		out[n] = '\0';
		(void)snprintf(want, sizeof(want), "%lld", (long long)v[i]);
		assert_string_equal(out, want);
	}
}

static void
test_arena(void **state)
{
	struct vg_arena a;
	char *big, *s;
	int i;

	(void)state;
	vg_arena_init(&a);
	for (i = 0; i < 10000; i++) {
		s = vg_arena_strdup(&a, "hello");
		assert_string_equal(s, "hello");
	}
	big = vg_arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	assert_int_equal(big[(1 << 20) - 1], 0);
	/* The head chunk is still usable after a big allocation. */
	assert_string_equal(vg_arena_strndup(&a, "abcdef", 3), "abc");
	assert_null(vg_arena_strdup(&a, NULL));
	assert_null(vg_arena_alloc(&a, SIZE_MAX - 8));
	vg_arena_release(&a);
}

static void
test_parse_int(void **state)
{
	static const struct {
		const char *s;
		int64_t min, max;
		enum vg_rc rc;
		int64_t want;
	} rows[] = {
		{"0", 0, 10, VG_OK, 0},
		{"10", 0, 10, VG_OK, 10},
		{"11", 0, 10, VG_ERR_LIMIT, 0},
		{"-1", 0, 10, VG_ERR_LIMIT, 0},
		{"-5", -10, 10, VG_OK, -5},
		{"", 0, 10, VG_ERR_PARSE, 0},
		{"-", -10, 10, VG_ERR_PARSE, 0},
		{"1x", 0, 10, VG_ERR_PARSE, 0},
		{" 1", 0, 10, VG_ERR_PARSE, 0},
		{"+1", 0, 10, VG_ERR_PARSE, 0},
		{"9223372036854775807", 0, INT64_MAX, VG_OK, INT64_MAX},
		{"9223372036854775808", 0, INT64_MAX, VG_ERR_LIMIT, 0},
		{"-9223372036854775808", INT64_MIN, 0, VG_OK, INT64_MIN},
		{"-9223372036854775809", INT64_MIN, 0, VG_ERR_LIMIT, 0},
		{"99999999999999999999999999", 0, INT64_MAX, VG_ERR_LIMIT, 0},
		{"4294967295", 0, 4294967295LL, VG_OK, 4294967295LL},
	};
	size_t i;
	int64_t v;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		v = 12345;
		if (vg_parse_intz(rows[i].s, rows[i].min, rows[i].max, &v) !=
		    rows[i].rc)
			fail_msg("row %zu ('%s'): wrong result", i, rows[i].s);
		if (rows[i].rc == VG_OK)
			assert_int_equal(v, rows[i].want);
		else
			assert_int_equal(v, 12345);
	}
	/* A length stops the parse: "12" of "123". */
	assert_int_equal(vg_parse_int("123", 2, 0, 100, &v), VG_OK);
	assert_int_equal(v, 12);
}

static void
test_parse_date(void **state)
{
	static const struct {
		const char *s;
		enum vg_rc rc;
		int64_t want;
	} rows[] = {
		{"1970-01-01", VG_OK, 0},
		{"2026-11-30", VG_OK, 1795996800},
		{"2024-02-29", VG_OK, 1709164800},
		{"2026-02-30", VG_ERR_PARSE, 0},
		{"2026-13-01", VG_ERR_PARSE, 0},
		{"2026-1-01", VG_ERR_PARSE, 0},
		{"2026-01-01T", VG_ERR_PARSE, 0},
		{"1969-12-31", VG_ERR_PARSE, 0},
		{"", VG_ERR_PARSE, 0},
	};
	char out[21];
	size_t i;
	int64_t t;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		if (vg_parse_date(rows[i].s, &t) != rows[i].rc)
			fail_msg("row %zu ('%s'): wrong result", i, rows[i].s);
		if (rows[i].rc == VG_OK)
			assert_int_equal(t, rows[i].want);
	}
	vg_format_time(1795996800 + 3661, out);
	assert_string_equal(out, "2026-11-30T01:01:01Z");
}

static void
test_lines(void **state)
{
	static const char text[] = "a\r\n\nb\0c\nlast";
	struct vg_lines it;
	const char *line;
	size_t n;

	(void)state;
	vg_lines_init(&it, text, sizeof(text) - 1);
	assert_true(vg_lines_next(&it, &line, &n));
	assert_int_equal(n, 1);
	assert_int_equal(it.lineno, 1);
	assert_true(vg_lines_next(&it, &line, &n));
	assert_int_equal(n, 0);
	assert_true(vg_lines_next(&it, &line, &n));
	assert_int_equal(n, 3);
	assert_true(vg_has_nul(line, n));
	assert_true(vg_lines_next(&it, &line, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(line, "last", 4);
	assert_int_equal(it.lineno, 4);
	assert_false(vg_lines_next(&it, &line, &n));
}

static void
test_trim_and_compare(void **state)
{
	const char *s = " \t key \t";
	size_t n = strlen(s);
	bool b;

	(void)state;
	vg_trim(&s, &n);
	assert_int_equal(n, 3);
	assert_true(vg_streqn("key", s, n));
	assert_false(vg_streqn("keys", s, n));
	assert_true(vg_strcaseeqn("KEY", s, n));
	assert_int_equal(vg_parse_bool("Yes", &b), VG_OK);
	assert_true(b);
	assert_int_equal(vg_parse_bool("off", &b), VG_OK);
	assert_false(b);
	assert_int_equal(vg_parse_bool("maybe", &b), VG_ERR_PARSE);
}

/* An absolute symlink inside the root resolves inside the root. */
static void
test_root_confinement(void **state)
{
	struct vg_root r;
	struct vg_buf b;
	struct vg_err err;
	struct stat st;
	char *dir = vg_test_tmpdir();
	char link[4096], outside[4096];

	(void)state;
	vg_test_write(dir, "etc/real", "inside\n");
	(void)snprintf(link, sizeof(link), "%s/etc/abs", dir);
	assert_int_equal(symlink("/etc/real", link), 0);
	(void)snprintf(link, sizeof(link), "%s/etc/escape", dir);
	assert_int_equal(symlink("../../../../../../etc/hostname", link), 0);
	(void)snprintf(outside, sizeof(outside), "%s/fifo", dir);
	assert_int_equal(mkfifo(outside, 0600), 0);

	assert_int_equal(vg_root_open(&r, dir, &err), VG_OK);
	assert_false(r.live);
	vg_buf_init(&b, 1024);
	assert_int_equal(vg_root_read(&r, "/etc/abs", 1024, &b, &err), VG_OK);
	assert_string_equal(vg_buf_str(&b), "inside\n");
	/* ".." cannot climb above the root either. */
	assert_int_equal(vg_root_read(&r, "/etc/escape", 1024, &b, &err),
			 VG_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "/etc/escape"));
	/* A FIFO would block: refused, not read. */
	assert_int_equal(vg_root_read(&r, "/fifo", 1024, &b, &err), VG_ERR_IO);
	/* Past the cap: an error, and nothing half-read is kept. */
	assert_int_equal(vg_root_read(&r, "/etc/real", 3, &b, &err),
			 VG_ERR_LIMIT);
	assert_int_equal(b.len, 0);
	/* Exactly the cap is read; a byte less is too little, also into a
	 * buffer that grew larger before. */
	assert_int_equal(vg_root_read(&r, "/etc/real", 7, &b, &err), VG_OK);
	assert_string_equal(vg_buf_str(&b), "inside\n");
	assert_int_equal(vg_root_read(&r, "/etc/real", 6, &b, &err),
			 VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "larger than 6 bytes"));
	assert_int_equal(b.len, 0);
	assert_int_equal(vg_root_stat(&r, "/etc/real", &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(vg_root_stat(&r, "/nope", &st), -1);
	assert_int_equal(errno, ENOENT);
	vg_buf_release(&b);
	vg_root_close(&r);

	assert_int_equal(vg_root_open(&r, "/nonexistent-root-dir", &err),
			 VG_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "/nonexistent-root-dir"));
	vg_test_rmtree(dir);
	free(dir);
}

/*
 * Files read whole whatever their size: empty, one byte, around the
 * read chunk (64 KB) and the doubling steps of the buffer, and a /proc
 * file that says size 0 but has content.
 */
static void
test_read_sizes(void **state)
{
	static const size_t sizes[] = {0,     1,     63,    64,     65,
				       65535, 65536, 65537, 200000, 262145};
	char *dir = vg_test_tmpdir(), path[4096], *want;
	struct vg_err err;
	struct vg_buf b;
	size_t i, k;
	FILE *fp;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/f", dir);
	vg_buf_init(&b, 1);
	for (i = 0; i < VG_ARRAY_LEN(sizes); i++) {
		assert_non_null(want = malloc(sizes[i] + 1));
		for (k = 0; k < sizes[i]; k++)
			want[k] = (char)('a' + k % 26);
		assert_non_null(fp = fopen(path, "w"));
		assert_int_equal(fwrite(want, 1, sizes[i], fp), sizes[i]);
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(vg_file_read(path, sizes[i], &b, &err), VG_OK);
		assert_int_equal(b.len, sizes[i]);
		assert_non_null(b.data);
		assert_int_equal(b.data[b.len], '\0');
		assert_memory_equal(b.data, want, sizes[i]);
		if (sizes[i] > 0)
			assert_int_equal(
				vg_file_read(path, sizes[i] - 1, &b, &err),
				VG_ERR_LIMIT);
		free(want);
	}
	/* The kernel writes it as it is read: size 0, content anyway. */
	assert_int_equal(vg_file_read("/proc/self/status", 1 << 20, &b, &err),
			 VG_OK);
	assert_non_null(strstr(vg_buf_str(&b), "Name:"));
	vg_buf_release(&b);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_write_atomic(void **state)
{
	struct vg_buf b;
	struct vg_err err;
	struct stat st;
	char *dir = vg_test_tmpdir();
	char path[4096];

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/out.json", dir);
	assert_int_equal(vg_file_write_atomic(path, "one", 3, 0600, &err),
			 VG_OK);
	assert_int_equal(vg_file_write_atomic(path, "two!", 4, 0600, &err),
			 VG_OK);
	vg_buf_init(&b, 100);
	assert_int_equal(vg_file_read(path, 100, &b, &err), VG_OK);
	assert_string_equal(vg_buf_str(&b), "two!");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A directory that does not exist: an error naming the file. */
	(void)snprintf(path, sizeof(path), "%s/no/such/out.json", dir);
	assert_int_equal(vg_file_write_atomic(path, "x", 1, 0600, &err),
			 VG_ERR_IO);
	assert_non_null(strstr(err.msg, "out.json"));
	vg_buf_release(&b);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_buf_reserve),
		cmocka_unit_test(test_format_int),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_read_sizes),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_trim_and_compare),
		cmocka_unit_test(test_root_confinement),
		cmocka_unit_test(test_write_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

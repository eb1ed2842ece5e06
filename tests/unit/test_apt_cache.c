/* The apt index cache: building, the image round trip, look-ups, hostile
 * images (truncated, flipped, lengths lying under a valid CRC), the cache
 * directory and files. */
#include "util/common.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "support.h"
#include "collect/apt_cache.h"
#include "util/banned.h"

static const struct vg_apt_list_id id = {10, 20, 3000, 1700000000, 123456789};

static struct vg_apt_stanza
stanza(const char *name, size_t nlen, const char *arch, const char *version,
       size_t vlen)
{
	struct vg_apt_stanza st;

	st.name = name;
	st.name_len = nlen;
	st.arch = arch;
	st.arch_len = strlen(arch);
	st.version = version;
	st.version_len = vlen;
	return st;
}

/* A builder holding a few records, out of order, with duplicates. */
static void
fill(struct vg_apt_index_builder *b)
{
	static const struct {
		const char *name, *arch, *version;
	} rows[] = {
		{"zsh", "amd64", "5.9-4"},  {"bash", "amd64", "5.2-2"},
		{"libc6", "amd64", "2.36"}, {"bash", "i386", "5.2-3"},
		{"libc6", "i386", "2.36"},  {"bash", "amd64", "5.2-1"},
		{"apt", "", "2.6.1"},       {"bash-completion", "all", "1"},
	};
	struct vg_apt_stanza st;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		st = stanza(rows[i].name, strlen(rows[i].name), rows[i].arch,
			    rows[i].version, strlen(rows[i].version));
		assert_int_equal(vg_apt_index_add(b, &st), VG_OK);
	}
	assert_int_equal(vg_apt_index_add_warning(b, "P:3: stanza skipped"),
			 VG_OK);
	assert_int_equal(vg_apt_index_add_warning(b, "P:9: another"), VG_OK);
}

/* Build, open, and look every name up. */
static void
test_round_trip(void **state)
{
	struct vg_apt_index_builder b;
	struct vg_apt_index ix;
	struct vg_apt_stanza st;
	const unsigned char *img;
	const char *w;
	size_t len, first, n, pos = 0;

	(void)state;
	assert_int_equal(vg_apt_index_builder_init(&b, "/r/var/lib/x"), VG_OK);
	fill(&b);
	assert_int_equal(vg_apt_index_build(&b, &id, &img, &len), VG_OK);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "/r/var/lib/x", &id),
			 VG_OK);
	assert_int_equal(ix.n, 8);

	/* bash: three records, in list order; not bash-completion. */
	assert_int_equal(n = vg_apt_index_find(&ix, "bash", 4, &first), 3);
	assert_true(vg_apt_index_get(&ix, first, &st));
	assert_int_equal(st.name_len, 4);
	assert_memory_equal(st.version, "5.2-2", 5);
	assert_true(vg_apt_index_get(&ix, first + 1, &st));
	assert_memory_equal(st.arch, "i386", 4);
	assert_true(vg_apt_index_get(&ix, first + 2, &st));
	assert_memory_equal(st.version, "5.2-1", 5);
	assert_int_equal(vg_apt_index_find(&ix, "apt", 3, &first), 1);
	assert_true(vg_apt_index_get(&ix, first, &st));
	assert_int_equal(st.arch_len, 0);
	assert_string_equal(st.arch, "");
	assert_int_equal(vg_apt_index_find(&ix, "zsh", 3, &first), 1);
	assert_int_equal(vg_apt_index_find(&ix, "libc6", 5, &first), 2);
	/* Absent: before all, between, after all, a prefix. */
	assert_int_equal(vg_apt_index_find(&ix, "aaa", 3, &first), 0);
	assert_int_equal(vg_apt_index_find(&ix, "curl", 4, &first), 0);
	assert_int_equal(vg_apt_index_find(&ix, "zzz", 3, &first), 0);
	assert_int_equal(vg_apt_index_find(&ix, "bas", 3, &first), 0);
	assert_false(vg_apt_index_get(&ix, 8, &st));

	assert_true(vg_apt_index_warning(&ix, &pos, &w));
	assert_string_equal(w, "P:3: stanza skipped");
	assert_true(vg_apt_index_warning(&ix, &pos, &w));
	assert_string_equal(w, "P:9: another");
	assert_false(vg_apt_index_warning(&ix, &pos, &w));
	vg_apt_index_release(&ix);
	vg_apt_index_builder_release(&b);
}

/* NUL in a name drops it; a bad version is kept as "" for a warning. */
static void
test_hostile_records(void **state)
{
	char longv[600];
	struct vg_apt_index_builder b;
	struct vg_apt_index ix;
	struct vg_apt_stanza st;
	const unsigned char *img;
	size_t len, first;

	(void)state;
	memset(longv, '1', sizeof(longv));
	assert_int_equal(vg_apt_index_builder_init(&b, "k"), VG_OK);
	st = stanza("a\0b", 3, "amd64", "1", 1);
	assert_int_equal(vg_apt_index_add(&b, &st), VG_OK);
	st = stanza("nulver", 6, "amd64", "1\0002", 3);
	assert_int_equal(vg_apt_index_add(&b, &st), VG_OK);
	st = stanza("longver", 7, "amd64", longv, sizeof(longv));
	assert_int_equal(vg_apt_index_add(&b, &st), VG_OK);
	st = stanza("nularch", 7, "amd64", "1", 1);
	st.arch_len = 6; /* "amd64\0" */
	assert_int_equal(vg_apt_index_add(&b, &st), VG_OK);
	assert_int_equal(vg_apt_index_build(&b, &id, &img, &len), VG_OK);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "k", &id), VG_OK);
	assert_int_equal(ix.n, 2);
	assert_int_equal(vg_apt_index_find(&ix, "a", 1, &first), 0);
	assert_int_equal(vg_apt_index_find(&ix, "nularch", 7, &first), 0);
	assert_int_equal(vg_apt_index_find(&ix, "nulver", 6, &first), 1);
	assert_true(vg_apt_index_get(&ix, first, &st));
	assert_int_equal(st.version_len, 0);
	assert_int_equal(vg_apt_index_find(&ix, "longver", 7, &first), 1);
	assert_true(vg_apt_index_get(&ix, first, &st));
	assert_int_equal(st.version_len, 0);
	vg_apt_index_release(&ix);
	vg_apt_index_builder_release(&b);
}

/* An image made by fill(), copied so a test may damage it. */
static unsigned char *
image(size_t *len)
{
	struct vg_apt_index_builder b;
	const unsigned char *img;
	unsigned char *copy;

	assert_int_equal(vg_apt_index_builder_init(&b, "key"), VG_OK);
	fill(&b);
	assert_int_equal(vg_apt_index_build(&b, &id, &img, len), VG_OK);
	assert_non_null(copy = malloc(*len));
	memcpy(copy, img, *len);
	vg_apt_index_builder_release(&b);
	return copy;
}

static void
fix_crc(unsigned char *img, size_t len)
{
	uint32_t c = (uint32_t)crc32_z(0, img + 96, len - 96);

	img[92] = (unsigned char)c;
	img[93] = (unsigned char)(c >> 8);
	img[94] = (unsigned char)(c >> 16);
	img[95] = (unsigned char)(c >> 24);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* Every truncation and every flipped byte is refused. */
static void
test_damaged(void **state)
{
	struct vg_apt_index ix;
	unsigned char *img;
	size_t len, i;

	(void)state;
	img = image(&len);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "key", &id), VG_OK);
	for (i = 0; i < len; i++)
		assert_int_equal(vg_apt_index_open(&ix, img, i, "key", &id),
				 VG_ERR_PARSE);
	for (i = 0; i < len; i++) {
		img[i] ^= 0x41;
		if (vg_apt_index_open(&ix, img, len, "key", &id) !=
		    VG_ERR_PARSE) {
			print_error("flip at %zu accepted\n", i);
			fail();
		}
		img[i] ^= 0x41;
	}
	/* Another key, another file identity, another vigie. */
	assert_int_equal(vg_apt_index_open(&ix, img, len, "kex", &id),
			 VG_ERR_PARSE);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "ke", &id),
			 VG_ERR_PARSE);
	{
		struct vg_apt_list_id other = id;

		other.mtime_nsec++;
		assert_int_equal(
			vg_apt_index_open(&ix, img, len, "key", &other),
			VG_ERR_PARSE);
		other = id;
		other.size--;
		assert_int_equal(
			vg_apt_index_open(&ix, img, len, "key", &other),
			VG_ERR_PARSE);
		other = id;
		other.ino++;
		assert_int_equal(
			vg_apt_index_open(&ix, img, len, "key", &other),
			VG_ERR_PARSE);
	}
	img[16] = '9'; /* the version field */
	fix_crc(img, len);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "key", &id),
			 VG_ERR_PARSE);
	assert_int_equal(vg_apt_index_open(&ix, img, len, NULL, NULL), VG_OK);
	free(img);
}

/* Lengths and offsets that lie, under a CRC that matches. */
static void
test_lying_lengths(void **state)
{
	static const struct {
		size_t field;
		uint32_t value;
	} rows[] = {
		{72, 0xffffffffu}, /* key length */
		{76, 0xffffffffu}, /* records */
		{76, 9},           /* one record too many */
		{80, 0xfffffff0u}, /* strings */
		{84, 5},           /* warnings: count */
		{84, 1},
		{88, 0xffffffffu}, /* warnings: bytes */
		{8, 2},            /* format */
		{12, 64},          /* header size */
	};
	struct vg_apt_index ix;
	struct vg_apt_stanza st;
	unsigned char *img;
	size_t len, i, first, strings_len, offs_at;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		img = image(&len);
		put32(img + rows[i].field, rows[i].value);
		fix_crc(img, len);
		if (vg_apt_index_open(&ix, img, len, NULL, NULL) !=
		    VG_ERR_PARSE) {
			print_error("row %zu accepted\n", i);
			fail();
		}
		free(img);
	}
	/* Offsets past the strings: opened, but no record is invented. */
	img = image(&len);
	strings_len = (size_t)img[80] | (size_t)img[81] << 8;
	offs_at = 96 + 4 + ((strings_len + 3) & ~(size_t)3);
	for (i = 0; i < 8; i++)
		put32(img + offs_at + 4 * i,
		      i % 2 == 0 ? 0xfffffff0u : (uint32_t)strings_len - 1);
	fix_crc(img, len);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "key", &id), VG_OK);
	for (i = 0; i < 8; i++)
		assert_false(vg_apt_index_get(&ix, i, &st));
	(void)vg_apt_index_find(&ix, "bash", 4, &first);
	/* Strings without their last NUL. */
	free(img);
	img = image(&len);
	img[96 + 4 + strings_len - 1] = 'x';
	fix_crc(img, len);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "key", &id), VG_OK);
	(void)vg_apt_index_find(&ix, "zsh", 3, &first);
	for (i = 0; i < 8; i++)
		(void)vg_apt_index_get(&ix, i, &st);
	free(img);
}

/* An empty index is an index. */
static void
test_empty(void **state)
{
	struct vg_apt_index_builder b;
	struct vg_apt_index ix;
	const unsigned char *img;
	size_t len, first;

	(void)state;
	assert_int_equal(vg_apt_index_builder_init(&b, ""), VG_OK);
	assert_int_equal(vg_apt_index_build(&b, &id, &img, &len), VG_OK);
	assert_int_equal(len, 96);
	assert_int_equal(vg_apt_index_open(&ix, img, len, "", &id), VG_OK);
	assert_int_equal(vg_apt_index_find(&ix, "a", 1, &first), 0);
	vg_apt_index_release(&ix);
	vg_apt_index_builder_release(&b);
}

/* The directory: chosen by the environment, ours alone, or none. */
static void
test_cache_dir(void **state)
{
	char *tmp = vg_test_tmpdir(), want[4096], got[4096], path[4096];
	struct vg_root root = {-1, NULL, false};
	struct stat st;

	(void)state;
	unsetenv("VIGIE_NO_CACHE");
	setenv("XDG_CACHE_HOME", tmp, 1);
	(void)snprintf(want, sizeof(want), "%s/vigie/apt", tmp);
	assert_true(vg_apt_cache_dir(&root, got, sizeof(got)));
	assert_string_equal(got, want);
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Too small a buffer: no cache rather than a cut path. */
	assert_false(vg_apt_cache_dir(&root, got, 8));

	setenv("VIGIE_NO_CACHE", "1", 1);
	assert_false(vg_apt_cache_dir(&root, got, sizeof(got)));
	setenv("VIGIE_NO_CACHE", "0", 1);
	assert_true(vg_apt_cache_dir(&root, got, sizeof(got)));
	unsetenv("VIGIE_NO_CACHE");

	/* A directory others may write is not used. */
	assert_int_equal(chmod(want, 0777), 0);
	assert_false(vg_apt_cache_dir(&root, got, sizeof(got)));
	assert_int_equal(chmod(want, 0700), 0);

	/* No XDG_CACHE_HOME (or a relative one): ~/.cache. */
	setenv("XDG_CACHE_HOME", "relative", 1);
	(void)snprintf(path, sizeof(path), "%s/home", tmp);
	setenv("HOME", path, 1);
	(void)snprintf(want, sizeof(want), "%s/home/.cache/vigie/apt", tmp);
	assert_true(vg_apt_cache_dir(&root, got, sizeof(got)));
	assert_string_equal(got, want);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_false(vg_apt_cache_dir(&root, got, sizeof(got)));
	vg_test_rmtree(tmp);
	free(tmp);
}

/* Every .idx file in dir cut to len bytes, or filled with c (c != 0). */
static void
damage(const char *dir, size_t len, int c)
{
	char path[4096], *junk;
	struct dirent *de;
	DIR *d;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".idx") == NULL)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (c == 0) {
			assert_int_equal(truncate(path, (off_t)len), 0);
			continue;
		}
		assert_non_null(junk = malloc(len));
		memset(junk, c, len);
		vg_test_write_bytes(dir, de->d_name, junk, len);
		free(junk);
	}
	closedir(d);
}

/* Store then load; a stale identity or a damaged file is not found. */
static void
test_cache_files(void **state)
{
	char *tmp = vg_test_tmpdir(), dir[4096], path[4096];
	struct vg_apt_list_id other = id;
	struct vg_apt_index ix;
	unsigned char *img;
	size_t len, first;

	(void)state;
	img = image(&len);
	(void)snprintf(dir, sizeof(dir), "%s/c", tmp);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &id),
			 VG_ERR_NOTFOUND);
	vg_apt_cache_store(dir, "key", img, len);
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &id), VG_OK);
	assert_int_equal(vg_apt_index_find(&ix, "bash", 4, &first), 3);
	vg_apt_index_release(&ix);
	other.mtime_sec++;
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &other),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_apt_cache_load(&ix, dir, "other", &id),
			 VG_ERR_NOTFOUND);
	/* Damaged in place: cut short, then garbage of the right size. */
	damage(dir, 100, 0);
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &id),
			 VG_ERR_NOTFOUND);
	vg_apt_cache_store(dir, "key", img, len);
	damage(dir, len, 'A');
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &id),
			 VG_ERR_NOTFOUND);
	/* A symbolic link is not followed. */
	vg_apt_cache_store(dir, "key", img, len);
	(void)snprintf(path, sizeof(path), "%s/c2", tmp);
	assert_int_equal(rename(dir, path), 0);
	assert_int_equal(symlink(path, dir), 0);
	assert_int_equal(vg_apt_cache_load(&ix, dir, "key", &id), VG_OK);
	vg_apt_index_release(&ix);
	/* A directory that cannot be written: storing is silent. */
	vg_apt_cache_store("/nonexistent/dir", "key", img, len);
	free(img);
	vg_test_rmtree(tmp);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile_records),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cache_dir),
		cmocka_unit_test(test_cache_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * vuln/osv_zip: OSV dumps as zip archives (built here with libzip) and
 * as directories: only *.json records delivered, in a stable order; a
 * corrupt or oversized member warned about and skipped; a file that is
 * not an archive refused; the whole dump through vg_feed_osv.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "support.h"
#include "feed_support.h"
#include "vuln/osv_zip.h"
#include "util/banned.h"

#define OSV_DIR VG_TEST_FIXTURES "/vuln/osv"

struct collect {
	struct feed_warns w; /* first: feed_on_warn's context */
	char names[4096];
	size_t names_len;
	size_t n, recs, bytes;
	size_t stop_after;
};
_Static_assert(offsetof(struct collect, w) == 0, "feed_warns first");

static enum vg_rc
on_member(void *ctx, const char *name, const char *buf, size_t len)
{
	struct collect *c = ctx;
	int n;

	assert_non_null(buf);
	n = snprintf(c->names + c->names_len, sizeof(c->names) - c->names_len,
		     "%s\n", name);
	if (n > 0 && (size_t)n < sizeof(c->names) - c->names_len)
		c->names_len += (size_t)n;
	c->bytes += len;
	return feed_count(&c->n, c->stop_after);
}

static enum vg_rc
on_rec(void *ctx, const struct vg_vuln_rec *r)
{
	struct collect *c = ctx;

	assert_non_null(r->id);
	c->recs++;
	return VG_OK;
}

static void
sink_init(struct vg_feed_sink *s, struct collect *c)
{
	memset(c, 0, sizeof(*c));
	feed_sink_init(s, c, NULL);
	s->rec = on_rec;
}

/* A member to put in a test archive. */
struct member {
	const char *name;
	const char *data; /* NULL: a directory entry */
	size_t len;       /* 0: strlen(data) */
	bool store;       /* stored, not deflated */
};

static void
make_zip(const char *path, const struct member *m, size_t n)
{
	zip_source_t *src;
	zip_t *za;
	zip_int64_t idx;
	size_t i;
	int ze;

	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	for (i = 0; i < n; i++) {
		if (m[i].data == NULL) {
			assert_true(zip_dir_add(za, m[i].name, 0) >= 0);
			continue;
		}
		src = zip_source_buffer(za, m[i].data,
					m[i].len ? m[i].len : strlen(m[i].data),
					0);
		assert_non_null(src);
		idx = zip_file_add(za, m[i].name, src, ZIP_FL_OVERWRITE);
		assert_true(idx >= 0);
		if (m[i].store)
			assert_int_equal(
				zip_set_file_compression(za, (zip_uint64_t)idx,
							 ZIP_CM_STORE, 0),
				0);
	}
	assert_int_equal(zip_close(za), 0);
}

/* The fixtures, in an archive as OSV.dev serves them, with a text file
 * and a directory entry that are not records. */
static void
test_zip_dump(void **state)
{
	static const char *const files[] = {
		"debian-cve.json", "dsa-aliases.json",   "ubuntu-cve.json",
		"two-pairs.json",  "last-affected.json", "git-range.json",
		"withdrawn.json"};
	struct member m[VG_ARRAY_LEN(files) + 3];
	char *bufs[VG_ARRAY_LEN(files)], path[4096], *dir, *zbuf;
	struct collect c;
	struct vg_feed_sink s;
	struct vg_err err;
	size_t i, len, zlen;

	(void)state;
	dir = vg_test_tmpdir();
	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", OSV_DIR, files[i]);
		bufs[i] = feed_slurp(path, &len);
		m[i] = (struct member){files[i], bufs[i], len, false};
	}
	m[i++] = (struct member){"README.txt", "not a record", 0, false};
	m[i++] = (struct member){"sub/", NULL, 0, false};
	m[i++] = (struct member){"sub/bad.json", "{\"id\": ", 0, false};
	snprintf(path, sizeof(path), "%s/all.zip", dir);
	make_zip(path, m, i);

	/* Members in archive order, only *.json. */
	sink_init(&s, &c);
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err), VG_OK);
	assert_string_equal(c.names,
			    "debian-cve.json\ndsa-aliases.json\n"
			    "ubuntu-cve.json\ntwo-pairs.json\n"
			    "last-affected.json\ngit-range.json\n"
			    "withdrawn.json\nsub/bad.json\n");
	assert_int_equal(s.n_warnings, 0);

	/* The same from memory. */
	zbuf = feed_slurp(path, &zlen);
	sink_init(&s, &c);
	assert_int_equal(vg_osv_zip_buf(zbuf, zlen, on_member, &c, &s, &err),
			 VG_OK);
	assert_int_equal(c.n, 8);

	/* Through vg_feed_osv: 3+2+4+2+2+1+0 records, the bad one warned. */
	sink_init(&s, &c);
	assert_int_equal(vg_osv_dump(path, &s, &err), VG_OK);
	assert_int_equal(c.recs, 14);
	assert_int_equal(s.n_warnings, 1);
	assert_non_null(strstr(c.w.text, "sub/bad.json"));

	/* The importer stops the read. */
	sink_init(&s, &c);
	c.stop_after = 3;
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err),
			 VG_ERR_STORE);
	assert_int_equal(c.n, 3);

	/* Cut archives are not archives. */
	sink_init(&s, &c);
	assert_int_equal(
		vg_osv_zip_buf(zbuf, zlen / 2, on_member, &c, &s, &err),
		VG_ERR_PARSE);
	assert_int_equal(vg_osv_zip_buf(zbuf, 0, on_member, &c, &s, &err),
			 VG_ERR_PARSE);
	assert_int_equal(c.n, 0);

	free(zbuf);
	for (i = 0; i < VG_ARRAY_LEN(files); i++)
		free(bufs[i]);
	vg_test_rmtree(dir);
	free(dir);
}

/* A stored member whose bytes changed: the CRC fails, it is skipped. */
static void
test_zip_corrupt(void **state)
{
	static const char rec[] = "{\"id\":\"CVE-2024-0001\",\"summary\":"
				  "\"MARKERMARKER\"}";
	const struct member m[] = {
		{"a.json", rec, 0, true},
		{"b.json", "{\"id\":\"CVE-2024-0002\"}", 0, true},
	};
	char path[4096], *dir, *zbuf, *p;
	struct collect c;
	struct vg_feed_sink s;
	struct vg_err err;
	size_t zlen;
	FILE *fp;

	(void)state;
	dir = vg_test_tmpdir();
	snprintf(path, sizeof(path), "%s/c.zip", dir);
	make_zip(path, m, VG_ARRAY_LEN(m));
	zbuf = feed_slurp(path, &zlen);
	p = memmem(zbuf, zlen, "MARKER", 6);
	assert_non_null(p);
	p[0] = 'X';
	sink_init(&s, &c);
	assert_int_equal(vg_osv_zip_buf(zbuf, zlen, on_member, &c, &s, &err),
			 VG_OK);
	assert_string_equal(c.names, "b.json\n");
	assert_non_null(strstr(c.w.text, "a.json: cannot read"));

	/* Not a zip at all; no file. */
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("{\"id\":\"CVE-2024-0001\"}", fp);
	fclose(fp);
	sink_init(&s, &c);
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err),
			 VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "cannot open"));
	snprintf(path, sizeof(path), "%s/missing.zip", dir);
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err),
			 VG_ERR_IO);
	assert_int_equal(vg_osv_dump(path, &s, &err), VG_ERR_IO);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err),
			 VG_ERR_PARSE);
	assert_int_equal(c.n, 0);
	free(zbuf);
	vg_test_rmtree(dir);
	free(dir);
}

/* A member inflating past VG_OSV_MAX_MEMBER is skipped, whatever its
 * header says; the next one still comes. */
static void
test_zip_oversized(void **state)
{
	size_t big_len = VG_OSV_MAX_MEMBER + 16;
	char path[4096], *dir, *big;
	struct member m[2];
	struct collect c;
	struct vg_feed_sink s;
	struct vg_err err;

	(void)state;
	dir = vg_test_tmpdir();
	big = malloc(big_len);
	assert_non_null(big);
	memset(big, ' ', big_len);
	m[0] = (struct member){"big.json", big, big_len, false};
	m[1] = (struct member){"ok.json", "{}", 0, false};
	snprintf(path, sizeof(path), "%s/b.zip", dir);
	make_zip(path, m, 2);
	free(big);
	sink_init(&s, &c);
	assert_int_equal(vg_osv_zip_file(path, on_member, &c, &s, &err), VG_OK);
	assert_string_equal(c.names, "ok.json\n");
	assert_non_null(strstr(c.w.text, "big.json: larger than"));
	vg_test_rmtree(dir);
	free(dir);
}

/* Directories: name order, subdirectories, links and other files not
 * followed or not read. */
static void
test_dir(void **state)
{
	char path[4096], *dir;
	struct collect c;
	struct vg_feed_sink s;
	struct vg_err err;

	(void)state;
	sink_init(&s, &c);
	assert_int_equal(vg_osv_dir(OSV_DIR, on_member, &c, &s, &err), VG_OK);
	assert_string_equal(c.names,
			    "debian-cve.json\ndsa-aliases.json\n"
			    "git-range.json\nlast-affected.json\n"
			    "two-pairs.json\nubuntu-cve.json\n"
			    "withdrawn.json\n");
	sink_init(&s, &c);
	assert_int_equal(vg_osv_dump(OSV_DIR, &s, &err), VG_OK);
	assert_int_equal(c.recs, 14);
	assert_int_equal(s.n_warnings, 0);

	dir = vg_test_tmpdir();
	vg_test_write(dir, "osv/cve/2024/CVE-2024-0002.json", "{}");
	vg_test_write(dir, "osv/cve/2024/CVE-2024-0001.json", "{}");
	vg_test_write(dir, "osv/cve/2023/CVE-2023-0001.json", "{}");
	vg_test_write(dir, "osv/usn/USN-1-1.json", "{}");
	vg_test_write(dir, "osv/README.md", "# notes");
	vg_test_write(dir, "osv/.json", "{}");
	vg_test_write(dir, "a/b/c/d/e/f/g/h/i/deep.json", "{}");
	snprintf(path, sizeof(path), "%s/osv/cve/2024/CVE-2024-0001.json", dir);
	{
		char link[4096];

		snprintf(link, sizeof(link), "%s/osv/link.json", dir);
		assert_int_equal(symlink(path, link), 0);
		snprintf(link, sizeof(link), "%s/osv/linkdir", dir);
		snprintf(path, sizeof(path), "%s/osv/cve", dir);
		assert_int_equal(symlink(path, link), 0);
	}
	sink_init(&s, &c);
	assert_int_equal(vg_osv_dir(dir, on_member, &c, &s, &err), VG_OK);
	assert_string_equal(c.names,
			    "osv/cve/2023/CVE-2023-0001.json\n"
			    "osv/cve/2024/CVE-2024-0001.json\n"
			    "osv/cve/2024/CVE-2024-0002.json\n"
			    "osv/usn/USN-1-1.json\n");
	assert_non_null(strstr(c.w.text, "deeper than 8 levels"));

	sink_init(&s, &c);
	c.stop_after = 2;
	assert_int_equal(vg_osv_dir(dir, on_member, &c, &s, &err),
			 VG_ERR_STORE);
	assert_int_equal(c.n, 2);

	snprintf(path, sizeof(path), "%s/nothing", dir);
	assert_int_equal(vg_osv_dir(path, on_member, &c, &s, &err), VG_ERR_IO);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip_dump),
		cmocka_unit_test(test_zip_corrupt),
		cmocka_unit_test(test_zip_oversized),
		cmocka_unit_test(test_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

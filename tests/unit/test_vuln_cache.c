/*
 * Unit tests of the lookup cache (vuln/match_cache.c): answers equal to
 * the store's, each (release, package) read once, strings copied (the
 * inner lookup reuses its buffers, as the store's statements do),
 * failures not kept, and the table growing past its first size.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "vuln/match.h"
#include "util/banned.h"

/* A fake store: package "pkgN" has N % 4 entries, ids "CVE-N-k". */
struct fake {
	size_t calls;
	bool fail_next;         /* answer VG_ERR_STORE once */
	char id[64], fixed[64]; /* reused for every entry, like SQLite's */
};

static enum vg_rc
fake_lookup(void *ctx, const char *release, const char *package,
	    vg_vuln_entry_fn fn, void *fn_ctx, struct vg_err *err)
{
	struct fake *fk = ctx;
	struct vg_vuln_entry e;
	unsigned n = 0, k;
	enum vg_rc rc;

	fk->calls++;
	if (fk->fail_next) {
		fk->fail_next = false;
		return vg_err_set(err, VG_ERR_STORE, "store down");
	}
	if (sscanf(package, "pkg%u", &n) != 1)
		return VG_OK;
	for (k = 0; k < n % 4; k++) {
		memset(&e, 0, sizeof(e));
		(void)snprintf(fk->id, sizeof(fk->id), "CVE-%u-%u", n, k);
		(void)snprintf(fk->fixed, sizeof(fk->fixed), "%u.%s", k,
			       release != NULL ? release : "any");
		e.id = fk->id;
		e.status = VG_VULN_FIXED;
		e.fixed_version = fk->fixed;
		e.cvss = -1;
		e.epss = -1;
		e.kev = k == 1;
		if ((rc = fn(fn_ctx, &e)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* What a walk saw, joined: "CVE-5-0=0.bullseye,CVE-5-1=1.bullseye*". */
struct seen {
	char text[512];
	size_t n;
	size_t stop_after; /* answer VG_ERR_LIMIT after that many; 0 never */
};

static enum vg_rc
record(void *ctx, const struct vg_vuln_entry *e)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	(void)snprintf(s->text + len, sizeof(s->text) - len, "%s%s=%s%s",
		       s->n > 0 ? "," : "", e->id, e->fixed_version,
		       e->kev ? "*" : "");
	s->n++;
	if (s->stop_after > 0 && s->n >= s->stop_after)
		return VG_ERR_LIMIT;
	return VG_OK;
}

static void
walk(vg_vuln_lookup_fn fn, void *ctx, const char *release, const char *pkg,
     struct seen *s)
{
	struct vg_err err;

	memset(s, 0, sizeof(*s));
	assert_int_equal(fn(ctx, release, pkg, record, s, &err), VG_OK);
}

static void
test_same_answers_read_once(void **state)
{
	static const char *const releases[] = {"bullseye", "bookworm", NULL};
	struct fake fk, direct;
	struct vg_vuln_cache *c;
	struct seen a, b;
	char pkg[32];
	size_t r, i, round;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	memset(&direct, 0, sizeof(direct));
	assert_non_null(c = vg_vuln_cache_new(fake_lookup, &fk));
	for (round = 0; round < 3; round++)
		for (r = 0; r < VG_ARRAY_LEN(releases); r++)
			for (i = 0; i < 3000; i++) {
				(void)snprintf(pkg, sizeof(pkg), "pkg%zu", i);
				walk(vg_vuln_cache_lookup, c, releases[r], pkg,
				     &a);
				walk(fake_lookup, &direct, releases[r], pkg,
				     &b);
				assert_string_equal(a.text, b.text);
				assert_int_equal(a.n, i % 4);
			}
	/* 3 releases x 3000 packages, each read once in three rounds;
	 * the table grew several times on the way. */
	assert_int_equal(fk.calls, 3 * 3000);
	vg_vuln_cache_free(c);
}

static void
test_failures_not_kept(void **state)
{
	struct vg_vuln_cache *c;
	struct vg_err err;
	struct fake fk;
	struct seen s;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_non_null(c = vg_vuln_cache_new(fake_lookup, &fk));
	fk.fail_next = true;
	memset(&s, 0, sizeof(s));
	assert_int_equal(
		vg_vuln_cache_lookup(c, "bullseye", "pkg3", record, &s, &err),
		VG_ERR_STORE);
	assert_non_null(strstr(err.msg, "store down"));
	/* Asked again: read again, and kept this time. */
	walk(vg_vuln_cache_lookup, c, "bullseye", "pkg3", &s);
	assert_int_equal(s.n, 3);
	walk(vg_vuln_cache_lookup, c, "bullseye", "pkg3", &s);
	assert_int_equal(fk.calls, 2);

	/* The caller's own failure stops the walk, the cache stays
	 * whole for the next caller. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	assert_int_equal(
		vg_vuln_cache_lookup(c, "bullseye", "pkg3", record, &s, &err),
		VG_ERR_LIMIT);
	assert_int_equal(s.n, 1);
	walk(vg_vuln_cache_lookup, c, "bullseye", "pkg3", &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(fk.calls, 2);

	/* A package with no entry is remembered too. */
	walk(vg_vuln_cache_lookup, c, "bullseye", "pkg4", &s);
	walk(vg_vuln_cache_lookup, c, "bullseye", "pkg4", &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(fk.calls, 3);
	vg_vuln_cache_free(c);
	vg_vuln_cache_free(NULL);
}

/* The release-independent key is not any release's. */
static void
test_null_release_distinct(void **state)
{
	struct vg_vuln_cache *c;
	struct fake fk;
	struct seen s;

	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_non_null(c = vg_vuln_cache_new(fake_lookup, &fk));
	walk(vg_vuln_cache_lookup, c, NULL, "pkg2", &s);
	assert_string_equal(s.text, "CVE-2-0=0.any,CVE-2-1=1.any*");
	walk(vg_vuln_cache_lookup, c, "", "pkg2", &s);
	assert_string_equal(s.text, "CVE-2-0=0.,CVE-2-1=1.*");
	walk(vg_vuln_cache_lookup, c, "any", "pkg2", &s);
	assert_string_equal(s.text, "CVE-2-0=0.any,CVE-2-1=1.any*");
	assert_int_equal(fk.calls, 3);
	vg_vuln_cache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_answers_read_once),
		cmocka_unit_test(test_failures_not_kept),
		cmocka_unit_test(test_null_release_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The store's vulnerability tables (store.h vuln_*, sqlite_vulns.c):
 * an import replaces the previous rows of its source only, an aborted
 * one (rolled back, or the store closed mid-way) keeps them, the lookup
 * joins the KEV and EPSS signals and adds the release-independent rows,
 * the feeds' state, and every call out of contract refused; then
 * vg_vuln_store_state and re-judging with a hook that matches anew.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "store/store.h"
#include "support.h"
#include "vuln/match.h"
#include "util/banned.h"

struct fx {
	char *dir;
	char path[4096];
	struct vg_store *s;
};

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(fx->path, sizeof(fx->path), "%s/v.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	vg_store_free(fx->s);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static int64_t
raw_int(const char *path, const char *sql)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	int64_t v;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* How many rows of a query plan mention what. */
static int
raw_plan_uses(const char *path, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	const char *d;
	int n = 0;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((d = (const char *)sqlite3_column_text(st, 3)) != NULL &&
		    strstr(d, what) != NULL)
			n++;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A record of the vulns table, the rest defaulted. */
static struct vg_vuln_rec
rec(const char *id, const char *pkg, const char *release,
    enum vg_vuln_status status, const char *fixed)
{
	struct vg_vuln_rec r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.package = pkg;
	r.release = release;
	r.status = status;
	r.fixed_version = fixed;
	r.urgency = VG_URG_UNKNOWN;
	r.cvss = -1;
	return r;
}

/* Import n records as source; commit or abort. */
static void
import_recs(struct vg_store *s, const char *source, const struct vg_vuln_rec *r,
	    size_t n, bool commit)
{
	struct vg_vuln_feed_meta meta = {
		.source = source, .location = "/feeds/x", .records = n};
	struct vg_err err;
	size_t i;

	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_import_begin(s, source, &err), VG_OK);
	for (i = 0; i < n; i++)
		if (vg_store_vuln_import_rec(s, &r[i], &err) != VG_OK)
			fail_msg("rec %zu: %s", i, err.msg);
	assert_int_equal(vg_store_vuln_import_end(s, commit, &meta, &err),
			 VG_OK);
}

/* What a lookup handed back, copied (its strings live for the call). */
struct got {
	size_t n;
	struct {
		char id[64], fixed[64], introduced[64], last[64];
		struct vg_vuln_entry e;
	} v[16];
	size_t stop_after; /* 0: never stop */
};

static void
copy_str(char *out, size_t size, const char *s)
{
	(void)snprintf(out, size, "%s", s != NULL ? s : "(null)");
}

static enum vg_rc
collect(void *ctx, const struct vg_vuln_entry *e)
{
	struct got *g = ctx;

	assert_true(g->n < VG_ARRAY_LEN(g->v));
	copy_str(g->v[g->n].id, sizeof(g->v[0].id), e->id);
	copy_str(g->v[g->n].fixed, sizeof(g->v[0].fixed), e->fixed_version);
	copy_str(g->v[g->n].introduced, sizeof(g->v[0].introduced),
		 e->introduced);
	copy_str(g->v[g->n].last, sizeof(g->v[0].last), e->last_affected);
	g->v[g->n].e = *e;
	g->n++;
	if (g->stop_after > 0 && g->n == g->stop_after)
		return VG_ERR_LIMIT;
	return VG_OK;
}

static void
lookup(struct vg_store *s, const char *release, const char *pkg, struct got *g)
{
	struct vg_err err;

	memset(g, 0, sizeof(*g));
	vg_err_clear(&err);
	if (vg_store_vuln_lookup(s, release, pkg, collect, g, &err) != VG_OK)
		fail_msg("lookup: %s", err.msg);
}

/* The entry of id in g, or fail. */
static const struct vg_vuln_entry *
entry(const struct got *g, const char *id)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->v[i].id, id) == 0)
			return &g->v[i].e;
	fail_msg("no entry %s", id);
	return NULL;
}

/* The feeds of the tests below: bullseye rows, a generic one, KEV, EPSS. */
static void
load_all(struct vg_store *s)
{
	struct vg_vuln_rec bull[3], gen[1];
	struct vg_kev_rec k;
	struct vg_epss_rec e;
	struct vg_vuln_feed_meta meta;
	struct vg_err err;

	bull[0] = rec("CVE-2021-3711", "openssl", "bullseye", VG_VULN_FIXED,
		      "1.1.1k-1+deb11u1");
	bull[0].urgency = VG_URG_HIGH;
	bull[0].remote = true;
	bull[0].cvss = 9.8;
	bull[0].description = "SM2 decryption buffer overflow";
	bull[1] =
		rec("CVE-2021-4160", "openssl", "bullseye", VG_VULN_OPEN, NULL);
	bull[1].urgency = VG_URG_LOW;
	bull[2] = rec("CVE-2021-22946", "curl", "bullseye", VG_VULN_FIXED,
		      "7.74.0-1.3+deb11u2");
	import_recs(s, "debsecan-bullseye", bull, 3, true);
	gen[0] = rec("TEMP-0000000-ABCDEF", "openssl", NULL,
		     VG_VULN_UNDETERMINED, NULL);
	gen[0].introduced = "1.0.0";
	gen[0].last_affected = "1.1.1z";
	import_recs(s, "debsecan-generic", gen, 1, true);

	vg_err_clear(&err);
	memset(&k, 0, sizeof(k));
	k.cve = "CVE-2021-3711";
	k.vendor = "OpenSSL";
	k.date_added = 1700000000;
	k.due_date = -1;
	k.ransomware = true;
	assert_int_equal(vg_store_vuln_import_begin(s, "kev", &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_kev(s, &k, &err), VG_OK);
	memset(&meta, 0, sizeof(meta));
	meta.source = "kev";
	meta.records = 1;
	assert_int_equal(vg_store_vuln_import_end(s, true, &meta, &err), VG_OK);

	memset(&e, 0, sizeof(e));
	assert_int_equal(vg_store_vuln_import_begin(s, "epss", &err), VG_OK);
	e.cve = "CVE-2021-3711";
	e.epss = 0.97;
	e.percentile = 0.999;
	e.model = "v2023.03.01";
	assert_int_equal(vg_store_vuln_import_epss(s, &e, &err), VG_OK);
	e.cve = "TEMP-0000000-ABCDEF"; /* not a CVE: joins all the same */
	e.epss = 0;
	e.percentile = 0;
	e.model = NULL;
	assert_int_equal(vg_store_vuln_import_epss(s, &e, &err), VG_OK);
	meta.source = "epss";
	meta.records = 2;
	assert_int_equal(vg_store_vuln_import_end(s, true, &meta, &err), VG_OK);
}

static void
test_lookup_joins(void **state)
{
	struct fx *fx = *state;
	const struct vg_vuln_entry *e;
	struct got g;
	size_t i;

	load_all(fx->s);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 3);
	/* The release's rows first, then the release-independent one. */
	assert_string_equal(g.v[2].id, "TEMP-0000000-ABCDEF");
	e = entry(&g, "CVE-2021-3711");
	assert_int_equal(e->status, VG_VULN_FIXED);
	assert_int_equal(e->urgency, VG_URG_HIGH);
	assert_true(e->cvss > 9.79 && e->cvss < 9.81);
	assert_true(e->kev);
	assert_true(e->kev_ransomware);
	assert_true(e->epss > 0.969 && e->epss < 0.971);
	assert_true(e->epss_percentile > 0.998);
	for (i = 0; i < g.n; i++)
		if (strcmp(g.v[i].id, "CVE-2021-3711") == 0)
			assert_string_equal(g.v[i].fixed, "1.1.1k-1+deb11u1");
	e = entry(&g, "CVE-2021-4160");
	assert_int_equal(e->status, VG_VULN_OPEN);
	assert_int_equal(e->urgency, VG_URG_LOW);
	assert_false(e->kev);
	assert_false(e->kev_ransomware);
	assert_true(e->cvss < 0);
	assert_true(e->epss < 0);
	assert_true(e->epss_percentile < 0);
	assert_string_equal(g.v[1].fixed, "(null)");
	e = entry(&g, "TEMP-0000000-ABCDEF");
	assert_int_equal(e->status, VG_VULN_UNDETERMINED);
	assert_true(e->epss == 0 && e->epss_percentile == 0);
	assert_string_equal(g.v[2].introduced, "1.0.0");
	assert_string_equal(g.v[2].last, "1.1.1z");

	/* Another release: the release-independent row only; so with no
	 * release; no row for an unknown package or a package's prefix. */
	lookup(fx->s, "bookworm", "openssl", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].id, "TEMP-0000000-ABCDEF");
	lookup(fx->s, NULL, "openssl", &g);
	assert_int_equal(g.n, 1);
	lookup(fx->s, "bullseye", "openss", &g);
	assert_int_equal(g.n, 0);
	lookup(fx->s, "bullseye", "curl", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].fixed, "7.74.0-1.3+deb11u2");
	assert_false(g.v[0].e.kev);
}

/* A callback's error stops the walk, and the statement is usable after. */
static void
test_lookup_stop(void **state)
{
	struct fx *fx = *state;
	struct vg_err err;
	struct got g;

	load_all(fx->s);
	memset(&g, 0, sizeof(g));
	g.stop_after = 1;
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_lookup(fx->s, "bullseye", "openssl",
					      collect, &g, &err),
			 VG_ERR_LIMIT);
	assert_int_equal(g.n, 1);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(vg_store_vuln_lookup(fx->s, "bullseye", NULL, collect,
					      &g, &err),
			 VG_ERR_USAGE);
}

/* A re-import replaces its source's rows, and only those. */
static void
test_reimport_replaces(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_rec r[2];
	struct vg_kev_rec k;
	struct vg_vuln_feed_meta meta = {.source = "kev"};
	struct vg_err err;
	struct got g;

	load_all(fx->s);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM vulns"), 4);
	r[0] = rec("CVE-2022-0778", "openssl", "bullseye", VG_VULN_FIXED,
		   "1.1.1n-0+deb11u1");
	r[1] = rec("CVE-2022-0778", "openssl", "bookworm", VG_VULN_FIXED,
		   "1.1.1n-1");
	import_recs(fx->s, "debsecan-bullseye", r, 2, true);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM vulns"), 3);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM vulns"
				 " WHERE source = 'debsecan-generic'"),
			 1);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].id, "CVE-2022-0778");
	assert_string_equal(g.v[0].fixed, "1.1.1n-0+deb11u1");
	/* curl's row went with the old feed. */
	lookup(fx->s, "bullseye", "curl", &g);
	assert_int_equal(g.n, 0);

	/* KEV is replaced as a whole: CVE-2021-3711 is no longer in it. */
	vg_err_clear(&err);
	memset(&k, 0, sizeof(k));
	k.cve = "CVE-2022-0778";
	k.date_added = k.due_date = -1;
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "kev", &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err), VG_OK);
	/* Listed twice: one row, the later. */
	k.ransomware = true;
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err), VG_OK);
	meta.records = 2;
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_OK);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM kev"), 1);
	assert_int_equal(raw_int(fx->path,
				 "SELECT date_added IS NULL AND"
				 " ransomware = 1 FROM kev"),
			 1);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_true(entry(&g, "CVE-2022-0778")->kev);
	assert_true(entry(&g, "CVE-2022-0778")->kev_ransomware);
	/* EPSS untouched by the KEV import. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM epss"), 2);
}

/* An aborted import keeps the previous rows: rolled back on request,
 * or when the store is closed mid-way (a crash does the same). */
static void
test_abort_keeps_previous(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_rec r =
		rec("CVE-2023-0001", "openssl", "bullseye", VG_VULN_OPEN, NULL);
	struct vg_epss_rec e = {
		.cve = "CVE-2023-0001", .epss = 0.5, .percentile = 0.5};
	struct vg_err err;
	struct got g;

	load_all(fx->s);
	import_recs(fx->s, "debsecan-bullseye", &r, 1, false);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM vulns"), 4);

	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "epss", &err),
			 VG_OK);
	assert_int_equal(vg_store_vuln_import_epss(fx->s, &e, &err), VG_OK);
	vg_store_free(fx->s);
	fx->s = NULL;
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM epss"), 2);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM epss"
				 " WHERE cve = 'CVE-2023-0001'"),
			 0);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("reopen: %s", err.msg);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_true(entry(&g, "CVE-2021-3711")->epss > 0.9);
	/* The store is usable for a new import after both. */
	import_recs(fx->s, "debsecan-bullseye", &r, 1, true);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 2);
}

static void
test_feeds_state(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_rec r =
		rec("CVE-2023-0001", "zlib", "bullseye", VG_VULN_OPEN, NULL);
	struct vg_vuln_feed_meta meta = {
		.source = "debsecan-bullseye",
		.location = "https://security-tracker.debian.org/x",
		.etag = "\"abc\"",
		.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT",
		.records = 1,
		.warnings = 7,
	};
	struct vg_err err;
	json_t *arr = NULL, *o;

	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_feeds(fx->s, &arr, &err), VG_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	load_all(fx->s);
	assert_int_equal(
		vg_store_vuln_import_begin(fx->s, "debsecan-bullseye", &err),
		VG_OK);
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_OK);
	assert_int_equal(vg_store_vuln_feeds(fx->s, &arr, &err), VG_OK);
	/* By source: debsecan-bullseye, debsecan-generic, epss, kev. */
	assert_int_equal(json_array_size(arr), 4);
	o = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(o, "source")),
			    "debsecan-bullseye");
	assert_string_equal(json_string_value(json_object_get(o, "etag")),
			    "\"abc\"");
	assert_string_equal(
		json_string_value(json_object_get(o, "last_modified")),
		"Mon, 01 Jan 2024 00:00:00 GMT");
	assert_string_equal(json_string_value(json_object_get(o, "location")),
			    meta.location);
	assert_int_equal(json_integer_value(json_object_get(o, "records")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "warnings")), 7);
	assert_true(json_integer_value(json_object_get(o, "imported_at")) >
		    1600000000);
	o = json_array_get(arr, 3);
	assert_string_equal(json_string_value(json_object_get(o, "source")),
			    "kev");
	assert_true(json_is_null(json_object_get(o, "etag")));
	assert_true(json_is_null(json_object_get(o, "location")));
	json_decref(arr);
}

/* Calls out of contract: refused, nothing written. */
static void
test_refusals(void **state)
{
	static const char *const bad_sources[] = {
		"",
		"debsecan-",
		"debsecan-Bullseye",
		"debsecan-a b",
		"nvd",
		"kev ",
		"debsecan-x'--",
		"DEBIAN-JSON",
		"osv\n",
		/* one literal in two pieces: a release name too long */
		("debsecan-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaa"),
	};
	struct fx *fx = *state;
	struct vg_vuln_rec r =
		rec("CVE-2023-0001", "zlib", NULL, VG_VULN_OPEN, NULL);
	struct vg_kev_rec k = {.cve = "CVE-2023-0001"};
	struct vg_epss_rec e = {.cve = "CVE-2023-0001", .epss = 1.5};
	struct vg_vuln_feed_meta meta = {.source = "osv"};
	struct vg_err err;
	size_t i;

	vg_err_clear(&err);
	load_all(fx->s);
	for (i = 0; i < VG_ARRAY_LEN(bad_sources); i++)
		assert_int_equal(
			vg_store_vuln_import_begin(fx->s, bad_sources[i], &err),
			VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, NULL, &err),
			 VG_ERR_USAGE);
	/* Outside an import. */
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_ERR_USAGE);
	/* Inside one: records of another kind, a second begin, EPSS out
	 * of range, a record without id; a meta of another source rolls
	 * the import back. */
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "debian-json", &err),
			 VG_OK);
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_epss(fx->s, &e, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "osv", &err),
			 VG_ERR_USAGE);
	r.id = NULL;
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_ERR_USAGE);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM vulns"
				 " WHERE source = 'debian-json'"),
			 0);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "epss", &err),
			 VG_OK);
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_epss(fx->s, &e, &err),
			 VG_ERR_USAGE);
	e.epss = -0.1;
	assert_int_equal(vg_store_vuln_import_epss(fx->s, &e, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, NULL, &err),
			 VG_ERR_USAGE);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM epss"), 2);
}

/* Hostile values are stored as given and come back intact: quotes, a
 * long description, non-UTF-8 bytes (the feeds' state answers null). */
static void
test_hostile_values(void **state)
{
	struct fx *fx = *state;
	char desc[VG_FEED_MAX_TEXT];
	struct vg_vuln_rec r = rec("CVE-2023-0001", "a'b\"c;--", "bullseye",
				   VG_VULN_FIXED, "1:2.3~rc1+dfsg-4");
	struct vg_vuln_feed_meta meta = {.source = "osv",
					 .location = "/x/\xff\xfe.zip"};
	struct vg_err err;
	json_t *arr = NULL;
	struct got g;

	memset(desc, 'd', sizeof(desc) - 1);
	desc[sizeof(desc) - 1] = '\0';
	r.description = desc;
	r.urgency = (enum vg_urgency)99; /* stored, read back unknown */
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "osv", &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_OK);
	lookup(fx->s, "bullseye", "a'b\"c;--", &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].fixed, "1:2.3~rc1+dfsg-4");
	assert_int_equal(g.v[0].e.urgency, VG_URG_UNKNOWN);
	assert_int_equal(
		raw_int(fx->path, "SELECT length(description) FROM vulns"),
		VG_FEED_MAX_TEXT - 1);
	assert_int_equal(vg_store_vuln_feeds(fx->s, &arr, &err), VG_OK);
	assert_true(json_is_null(
		json_object_get(json_array_get(arr, 0), "location")));
	json_decref(arr);
}

/* Many rows: the lookup stays on the index (one package's rows). */
static void
test_many_rows(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_feed_meta meta = {.source = "debian-json"};
	char id[32], pkg[32];
	struct vg_vuln_rec r;
	struct vg_err err;
	struct got g;
	int i;

	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "debian-json", &err),
			 VG_OK);
	for (i = 0; i < 20000; i++) {
		(void)snprintf(id, sizeof(id), "CVE-2020-%05d", i);
		(void)snprintf(pkg, sizeof(pkg), "pkg%d", i % 2000);
		r = rec(id, pkg, i % 2 == 0 ? "bullseye" : "bookworm",
			VG_VULN_FIXED, "1.0-1");
		assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err),
				 VG_OK);
	}
	meta.records = 20000;
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_OK);
	lookup(fx->s, "bullseye", "pkg42", &g);
	assert_int_equal(g.n, 10);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM vulns WHERE"
				 " source = 'debian-json'"),
			 20000);
	/* Each of the lookup's two reads is one primary-key search of
	 * the packed rows (a full scan would say "SCAN"). */
	assert_int_equal(raw_plan_uses(fx->path,
				       "EXPLAIN QUERY PLAN SELECT entries FROM"
				       " vuln_packed WHERE package = 'pkg42'"
				       " AND release = 'bullseye'",
				       "INDEX sqlite_autoindex_vuln_packed_1"
				       " (package=? AND release=?)"),
			 1);
	/* pkg<n> is always in one release (n and i have one parity). */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM vuln_packed"),
			 2000);
}

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

/*
 * The packed rows (migration 15): rebuilt by every import, filled by
 * the migration from a schema-13 store's rows, and a damaged one fails
 * its lookup cleanly, naming the package, without a partial answer.
 */
static void
test_packed(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_rec r =
		rec("CVE-2023-0001", "zlib", "", VG_VULN_OPEN, NULL);
	struct vg_err err;
	struct got g;

	load_all(fx->s);
	/* openssl in bullseye and in any release, curl in bullseye. */
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM vuln_packed"),
			 3);
	/* '' is the packed key of "any release": no feed may name it. */
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "osv", &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_rec(fx->s, &r, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_import_end(fx->s, false, NULL, &err),
			 VG_OK);

	/* A schema-14 store: the migration packs its rows. */
	vg_store_free(fx->s);
	fx->s = NULL;
	raw_exec(fx->path, "DROP TABLE vuln_packed; PRAGMA user_version = 14;");
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("reopen: %s", err.msg);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 17);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.v[2].id, "TEMP-0000000-ABCDEF");
	assert_true(entry(&g, "CVE-2021-3711")->kev_ransomware);
	/* Packed with its fix's order key. */
	assert_true(entry(&g, "CVE-2021-3711")->fixed_key_len > 0);
	/* A schema-15 store (rows packed without keys; here emptied):
	 * migration 16 packs them again. */
	vg_store_free(fx->s);
	fx->s = NULL;
	raw_exec(fx->path,
		 "UPDATE vuln_packed SET entries = x'0100000000';"
		 " PRAGMA user_version = 15;");
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("reopen: %s", err.msg);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 17);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 3);
	assert_true(entry(&g, "CVE-2021-3711")->fixed_key_len > 0);
	/* A NULL or empty release: the release-independent row only. */
	lookup(fx->s, NULL, "openssl", &g);
	assert_int_equal(g.n, 1);
	lookup(fx->s, "", "openssl", &g);
	assert_int_equal(g.n, 1);

	/* Damaged: a count past the bytes, then a text instead of a blob. */
	raw_exec(fx->path,
		 "UPDATE vuln_packed SET entries = x'01ffffffff00'"
		 " WHERE package = 'openssl' AND release = ''");
	memset(&g, 0, sizeof(g));
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_lookup(fx->s, "bullseye", "openssl",
					      collect, &g, &err),
			 VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "'openssl'"));
	/* The release's row was handed out before the damaged one. */
	assert_int_equal(g.n, 2);
	raw_exec(fx->path,
		 "UPDATE vuln_packed SET entries = 'text'"
		 " WHERE package = 'curl'");
	memset(&g, 0, sizeof(g));
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_lookup(fx->s, "bullseye", "curl",
					      collect, &g, &err),
			 VG_ERR_PARSE);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(err.msg, "'curl'"));
	/* The next import rebuilds them. */
	import_recs(fx->s, "debsecan-bullseye", &r, 0, true);
	lookup(fx->s, "bullseye", "openssl", &g);
	assert_int_equal(g.n, 1);
}

static void
test_memory_store(void **state)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *arr = NULL;
	struct got g;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_store_open_memory(&s, &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_begin(s, "kev", &err),
			 VG_ERR_USAGE);
	assert_int_equal(
		vg_store_vuln_lookup(s, "bullseye", "x", collect, &g, &err),
		VG_ERR_USAGE);
	assert_int_equal(vg_store_vuln_feeds(s, &arr, &err), VG_ERR_USAGE);
	assert_null(arr);
	vg_store_free(s);
}

/* Whether and when the store holds package feeds, in one place. */
static void
test_store_state(void **state)
{
	struct fx *fx = *state;
	struct vg_kev_rec k;
	struct vg_vuln_rec r =
		rec("CVE-2023-0001", "zlib", "bookworm", VG_VULN_OPEN, NULL);
	struct vg_vuln_feed_meta meta = {.source = "kev", .records = 1};
	struct vg_err err;
	int64_t at = -1, before;
	bool has = true;

	vg_err_clear(&err);
	assert_int_equal(vg_vuln_store_state(fx->s, &has, &at, &err), VG_OK);
	assert_false(has);
	assert_int_equal(at, 0);
	/* KEV alone: nothing to match against, but a change all the same. */
	memset(&k, 0, sizeof(k));
	k.cve = "CVE-2023-0001";
	k.date_added = k.due_date = -1;
	assert_int_equal(vg_store_vuln_import_begin(fx->s, "kev", &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_kev(fx->s, &k, &err), VG_OK);
	assert_int_equal(vg_store_vuln_import_end(fx->s, true, &meta, &err),
			 VG_OK);
	assert_int_equal(vg_vuln_store_state(fx->s, &has, &at, &err), VG_OK);
	assert_false(has);
	assert_true(at != 0);
	/* A package feed without records does not count either, but it
	 * is a change: each import changes the state, also within the
	 * second of the previous one (the time of the latest import did
	 * not). */
	before = at;
	import_recs(fx->s, "osv", &r, 0, true);
	assert_int_equal(vg_vuln_store_state(fx->s, &has, &at, &err), VG_OK);
	assert_false(has);
	assert_true(at != before && at != 0);
	before = at;
	import_recs(fx->s, "debsecan-bookworm", &r, 1, true);
	assert_int_equal(vg_vuln_store_state(fx->s, &has, &at, &err), VG_OK);
	assert_true(has);
	assert_true(at != before && at != 0);
	/* Read again, unchanged: the same state. */
	before = at;
	assert_int_equal(vg_vuln_store_state(fx->s, &has, &at, &err), VG_OK);
	assert_int_equal(at, before);
}

/* A bookworm host with openssl 3.0.11-1~deb12u1 installed. */
static void
vuln_host(struct vg_facts *f)
{
	struct vg_package *p;

	vg_facts_init(f);
	f->collected_at = 1700000000;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, "srv-vuln");
	f->os.id = vg_facts_str(f, "debian");
	f->os.codename = vg_facts_str(f, "bookworm");
	vg_facts_collected(f, VG_SRC_OS);
	vg_facts_collected(f, VG_SRC_PACKAGES);
	p = vg_facts_add_package(f);
	assert_non_null(p);
	p->name = vg_facts_str(f, "openssl");
	p->version = vg_facts_str(f, "3.0.11-1~deb12u1");
	p->source = vg_facts_str(f, "openssl");
	p->source_version = p->version;
}

/* How many updates.vulnerable_package findings the store lists (each
 * the openssl package's). */
static size_t
vuln_findings(struct vg_store *s)
{
	struct vg_finding_filter flt;
	struct vg_err err;
	json_t *doc = NULL, *o;
	size_t i, n = 0;

	memset(&flt, 0, sizeof(flt));
	flt.check = "updates.vulnerable_package";
	flt.limit = 100;
	vg_err_clear(&err);
	assert_int_equal(
		vg_store_list_findings(s, &flt, 1700000000, &doc, &err), VG_OK);
	json_array_foreach(json_object_get(doc, "findings"), i, o)
	{
		assert_string_equal(
			json_string_value(json_object_get(o, "subject")),
			"openssl 3.0.11-1~deb12u1");
		n++;
	}
	json_decref(doc);
	return n;
}

static enum vg_rc
rematch(void *ctx, struct vg_facts *f, const char *packages_ref,
	struct vg_err *err)
{
	(void)packages_ref;
	return vg_vuln_match(f, vg_store_vuln_lookup_cb, ctx, err);
}

/* A hook that fails: the re-judging stops with its answer. */
static enum vg_rc
refuse(void *ctx, struct vg_facts *f, const char *packages_ref,
       struct vg_err *err)
{
	(void)packages_ref;
	(void)ctx;
	(void)f;
	return vg_err_set(err, VG_ERR_IO, "hook refused");
}

/*
 * A host scanned before the feed was imported has no vulnerable package;
 * re-judging without a hook keeps it so, with the matching hook finds
 * the package the feed now lists.
 */
static void
test_rejudge_rematch(void **state)
{
	struct fx *fx = *state;
	struct vg_vuln_rec r = rec("CVE-2024-0001", "openssl", "bookworm",
				   VG_VULN_FIXED, "3.0.13-1~deb12u1");
	struct vg_report rep;
	struct vg_policy p;
	struct vg_facts f;
	struct vg_err err;
	int64_t scan = 0;
	size_t n = 0;

	vg_err_clear(&err);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	vuln_host(&f);
	vg_report_init(&rep);
	assert_int_equal(vg_rules_evaluate(&f, &p, &rep, &err), VG_OK);
	assert_int_equal(vg_store_put_scan(fx->s, &f, &rep, &scan, &err),
			 VG_OK);
	vg_report_release(&rep);
	vg_facts_release(&f);
	r.urgency = VG_URG_HIGH;
	import_recs(fx->s, "debian-json", &r, 1, true);
	assert_int_equal(vuln_findings(fx->s), 0);

	/* No hook: today's behaviour, the stored facts judged as they are. */
	assert_int_equal(
		vg_store_rejudge(fx->s, &p, 1700000000, NULL, NULL, &n, &err),
		VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(vuln_findings(fx->s), 0);
	/* A failing hook stops it with its error. */
	assert_int_equal(
		vg_store_rejudge(fx->s, &p, 1700000000, refuse, NULL, &n, &err),
		VG_ERR_IO);
	assert_int_equal(n, 0);
	assert_int_equal(vuln_findings(fx->s), 0);
	/* Matched anew: the finding appears. */
	assert_int_equal(vg_store_rejudge(fx->s, &p, 1700000000, rematch, fx->s,
					  &n, &err),
			 VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(vuln_findings(fx->s), 1);
	vg_policy_release(&p);
}

/* Two lookups' answers, entry by entry (ids and fixed versions, in
 * order). */
static void
same_got(const struct got *a, const struct got *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].id, b->v[i].id);
		assert_string_equal(a->v[i].fixed, b->v[i].fixed);
	}
}

/*
 * Inside vuln_read the lookups walk the packed rows: in order, asked
 * twice, backwards, for another release, for a package absent: each the
 * same answer as a lookup that seeks, the release's entries before the
 * release-independent ones.
 */
static void
test_lookup_walk(void **state)
{
	static const struct {
		const char *release, *pkg;
	} asks[] = {
		{"bullseye", "curl"},    {"bullseye", "nothere"},
		{"bullseye", "openssl"}, {"bullseye", "openssl"},
		{"bullseye", "curl"},    {"bookworm", "openssl"},
		{NULL, "openssl"},       {"bullseye", "zzz"},
		{"bullseye", "openssl"},
	};
	struct fx *fx = *state;
	struct got want[VG_ARRAY_LEN(asks)], got;
	struct vg_err err;
	size_t i;

	load_all(fx->s);
	for (i = 0; i < VG_ARRAY_LEN(asks); i++)
		lookup(fx->s, asks[i].release, asks[i].pkg, &want[i]);
	/* openssl's bullseye rows come before its generic one. */
	assert_int_equal(want[2].n, 3);
	assert_string_equal(want[2].v[2].id, "TEMP-0000000-ABCDEF");
	vg_err_clear(&err);
	assert_int_equal(vg_store_vuln_read(fx->s, true, &err), VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(asks); i++) {
		lookup(fx->s, asks[i].release, asks[i].pkg, &got);
		same_got(&got, &want[i]);
	}
	assert_int_equal(vg_store_vuln_read(fx->s, false, &err), VG_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lookup_joins, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_stop, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_reimport_replaces,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_abort_keeps_previous,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_feeds_state, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_hostile_values, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_many_rows, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_packed, fx_setup,
						fx_teardown),
		cmocka_unit_test(test_memory_store),
		cmocka_unit_test_setup_teardown(test_store_state, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_lookup_walk, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_rejudge_rematch, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The store's read side (docs/internals/store-queries.md) on a small
 * SQLite store built through put_scan and put_report: assets, findings
 * (open, accepted, fixed; first and last seen), acceptances, scores
 * weighted by criticality (values worked out by hand below), counts,
 * sessions on both backends, hostile filters, and migration 3 from a
 * hand-made version 2 file.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "store/store.h"
#include "util/text.h"
#include "util/banned.h"

#define DAY 86400

struct fx {
	struct vg_store *s;
	char *dir;
	char path[4096];
	int64_t b;   /* 00:00 UTC five days ago: day 1 of the fixture */
	int64_t now; /* day 2, 02:46:40 */
};

/* A finding of a fixture scan. */
struct fnd {
	int rule;
	const char *check;
	enum vg_severity sev;
	const char *subject;
};

/* A fixture scan: the asset, its findings, its scores. */
struct scan {
	const char *host, *site, *owner, *category;
	int criticality;
	int64_t at;
	const struct fnd *f;
	size_t n;
	int scores[VG_RULE_COUNT + 1]; /* [0] overall; 0 here means none */
};

static void
build(const struct scan *sc, struct vg_facts *f, struct vg_report *r)
{
	size_t i;
	int k;

	vg_facts_init(f);
	f->collected_at = sc->at;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, sc->host);
	f->asset.site = sc->site != NULL ? vg_facts_str(f, sc->site) : NULL;
	f->asset.owner = sc->owner != NULL ? vg_facts_str(f, sc->owner) : NULL;
	f->asset.category =
		sc->category != NULL ? vg_facts_str(f, sc->category) : NULL;
	f->asset.criticality = sc->criticality;
	vg_facts_collected(f, VG_SRC_OS);
	vg_report_init(r);
	for (i = 0; i < sc->n; i++)
		assert_int_equal(vg_report_add(r, sc->f[i].rule, sc->f[i].check,
					       sc->f[i].sev, sc->f[i].subject,
					       json_pack("{s:s}", "why",
							 sc->f[i].subject),
					       "fix it"),
				 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r->scores[k] =
			sc->scores[k] > 0 ? sc->scores[k] : VG_SCORE_NONE;
	r->overall = sc->scores[0];
}

static int64_t
put(struct vg_store *s, const struct scan *sc)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id = 0;

	build(sc, &f, &r);
	vg_err_clear(&err);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
	return id;
}

static const struct fnd alpha1[] = {
	{3, "admin.nopasswd", VG_SEV_CRITICAL, "root"},
	{2, "access.shell", VG_SEV_MEDIUM, "bob"},
	{7, "updates.pending", VG_SEV_LOW, "openssl"},
};
/* openssl fixed, eve new, root and bob persist. */
static const struct fnd alpha2[] = {
	{3, "admin.nopasswd", VG_SEV_CRITICAL, "root"},
	{2, "access.shell", VG_SEV_MEDIUM, "bob"},
	{2, "access.shell", VG_SEV_MEDIUM, "eve"},
};
static const struct fnd beta1[] = {
	{4, "pw.weak", VG_SEV_HIGH, "alice"},
};
static const struct fnd beta2[] = {
	{4, "pw.weak", VG_SEV_HIGH, "alice"},
	{4, "pw.weak", VG_SEV_HIGH, "carol"},
};

static void
add_user(struct vg_store *s, const char *name, const char *role)
{
	struct vg_user_rec u;
	struct vg_err err;

	memset(&u, 0, sizeof(u));
	(void)snprintf(u.name, sizeof(u.name), "%s", name);
	(void)snprintf(u.role, sizeof(u.role), "%s", role);
	(void)snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$%s", name);
	assert_int_equal(vg_store_user_add(s, &u, &err), VG_OK);
}

static void
add_agent(struct vg_store *s, const char *id, int64_t enrolled)
{
	struct vg_agent_rec a;
	struct vg_err err;

	memset(&a, 0, sizeof(a));
	(void)snprintf(a.id, sizeof(a.id), "%s", id);
	(void)snprintf(a.site, sizeof(a.site), "chu-sud");
	(void)snprintf(a.hostname, sizeof(a.hostname), "enrolled-%s", id);
	(void)snprintf(a.secret_hash, sizeof(a.secret_hash), "%064d", 1);
	a.enrolled_at = enrolled;
	assert_int_equal(vg_store_agent_add(s, &a, &err), VG_OK);
}

/* The id of the finding (host, subject) among the latest ones. */
static int64_t
finding_id(struct fx *x, const char *host, const char *subject)
{
	struct vg_finding_filter flt = {.limit = 500};
	struct vg_err err;
	json_t *doc, *o;
	int64_t id = 0;
	size_t i;

	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	json_array_foreach(json_object_get(doc, "findings"), i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "hostname")),
			   host) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "subject")),
			   subject) == 0)
			id = json_integer_value(json_object_get(o, "id"));
	}
	json_decref(doc);
	assert_true(id > 0);
	return id;
}

/*
 * alpha (criticality 4) and beta (1) at chu-nord, two scans each;
 * gamma (undeclared: weight 1) at chu-sud through an agent, one scan.
 * bob's finding is accepted until next month, alice's acceptance ran
 * out yesterday.
 */
static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	bool dup;

	assert_non_null(x);
	x->dir = vg_test_tmpdir();
	(void)snprintf(x->path, sizeof(x->path), "%s/q.db", x->dir);
	if (vg_store_open_sqlite(&x->s, x->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	x->b = ((int64_t)time(NULL) / DAY - 5) * DAY;
	x->now = x->b + DAY + 10000;
	{
		const struct scan scans[] = {
			{"alpha",
			 "chu-nord",
			 "dsi",
			 "server",
			 4,
			 x->b + 3600,
			 alpha1,
			 3,
			 {82, 0, 90, 60, 0, 0, 0, 97}},
			{"beta",
			 "chu-nord",
			 "bloc",
			 "workstation",
			 1,
			 x->b + 7200,
			 beta1,
			 1,
			 {80, 0, 0, 0, 80}},
			{"alpha",
			 "chu-nord",
			 "dsi",
			 "server",
			 4,
			 x->b + DAY + 3600,
			 alpha2,
			 3,
			 {80, 0, 80, 60, 0, 0, 0, 100}},
			{"beta",
			 "chu-nord",
			 "bloc",
			 "workstation",
			 1,
			 x->b + DAY + 7200,
			 beta2,
			 2,
			 {63, 0, 0, 0, 60}},
		};
		size_t i;

		for (i = 0; i < VG_ARRAY_LEN(scans); i++)
			assert_true(put(x->s, &scans[i]) > 0);
	}
	{
		const struct scan g = {"gamma", "chu-sud", NULL,
				       NULL,    0,         x->b + DAY + 100,
				       NULL,    0,         {100, 100}};

		add_agent(x->s, "ag-1", x->b - DAY);
		add_agent(x->s, "ag-2", x->b - 10 * DAY);
		build(&g, &f, &r);
		assert_int_equal(vg_store_put_report(x->s, "ag-1", "u-1",
						     g.at + 5, &f, &r, &dup,
						     &err),
				 VG_OK);
		vg_report_release(&r);
		vg_facts_release(&f);
	}
	assert_int_equal(vg_store_accept_finding(
				 x->s, finding_id(x, "alpha", "bob"),
				 "compensated by a bastion", x->now + 30 * DAY,
				 "rssi", x->now - 60, &err),
			 VG_OK);
	assert_int_equal(vg_store_accept_finding(x->s,
						 finding_id(x, "beta", "alice"),
						 "legacy device", x->b + DAY,
						 "rssi", x->b + 10, &err),
			 VG_OK);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	vg_store_free(x->s);
	vg_test_rmtree(x->dir);
	free(x->dir);
	free(x);
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

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* o[key] as a string ("(null)" for JSON null). */
static const char *
str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	assert_non_null(v);
	return json_is_null(v) ? "(null)" : json_string_value(v);
}

static json_int_t
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	assert_non_null(v);
	/* null reads as -1 so tests can tell it from 0. */
	return json_is_null(v) ? -1 : json_integer_value(v);
}

static json_int_t
score(const json_t *o, const char *rule)
{
	return num(json_object_get(o, "scores"), rule);
}

static void
iso(int64_t t, char out[21])
{
	vg_format_time(t, out);
}

/* ---------------------------------------------------------------- */

static void
test_list_assets(void **state)
{
	struct fx *x = *state;
	struct vg_asset_filter flt = {
		.min_score = -1, .max_score = -1, .limit = 50};
	struct vg_err err;
	json_t *doc, *a;
	char t[21];

	assert_int_equal(vg_store_list_assets(x->s, &flt, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 3);
	assert_int_equal(num(doc, "offset"), 0);
	assert_int_equal(num(doc, "limit"), 50);
	assert_int_equal(json_array_size(json_object_get(doc, "assets")), 3);
	/* Worst first: beta 63, alpha 80, gamma 100. */
	a = json_array_get(json_object_get(doc, "assets"), 0);
	assert_string_equal(str(a, "hostname"), "beta");
	assert_int_equal(score(a, "overall"), 63);
	assert_int_equal(score(a, "R4"), 60);
	assert_int_equal(score(a, "R1"), -1);
	/* alice's acceptance ran out: both findings are open. */
	assert_int_equal(num(a, "findings"), 2);
	assert_int_equal(num(a, "high"), 2);
	assert_int_equal(num(a, "critical"), 0);
	assert_string_equal(str(a, "category"), "workstation");
	assert_string_equal(str(a, "agent_id"), "(null)");

	a = json_array_get(json_object_get(doc, "assets"), 1);
	assert_string_equal(str(a, "hostname"), "alpha");
	assert_string_equal(str(a, "site"), "chu-nord");
	assert_string_equal(str(a, "owner"), "dsi");
	assert_string_equal(str(a, "category"), "server");
	assert_int_equal(num(a, "criticality"), 4);
	iso(x->b + DAY + 3600, t);
	assert_string_equal(str(a, "last_seen"), t);
	/* root, bob (accepted), eve: two open, one critical. */
	assert_int_equal(num(a, "findings"), 2);
	assert_int_equal(num(a, "critical"), 1);
	assert_int_equal(num(a, "high"), 0);
	assert_int_equal(score(a, "R2"), 80);
	assert_int_equal(score(a, "R7"), 100);

	a = json_array_get(json_object_get(doc, "assets"), 2);
	assert_string_equal(str(a, "hostname"), "gamma");
	assert_string_equal(str(a, "agent_id"), "ag-1");
	assert_int_equal(num(a, "criticality"), -1);
	assert_string_equal(str(a, "owner"), "(null)");
	assert_int_equal(num(a, "findings"), 0);
	json_decref(doc);
}

/* One row per filter: how many assets match and which comes first. */
static void
test_asset_filters(void **state)
{
	struct fx *x = *state;
	static const struct {
		const char *site, *category, *search;
		int min, max;
		size_t offset, limit;
		int total, rows;
		const char *first;
	} rows[] = {
		{"chu-nord", NULL, NULL, -1, -1, 0, 10, 2, 2, "beta"},
		{"chu-sud", NULL, NULL, -1, -1, 0, 10, 1, 1, "gamma"},
		{"nowhere", NULL, NULL, -1, -1, 0, 10, 0, 0, NULL},
		{NULL, "server", NULL, -1, -1, 0, 10, 1, 1, "alpha"},
		{NULL, NULL, "ALP", -1, -1, 0, 10, 1, 1, "alpha"},
		{NULL, NULL, "sud", -1, -1, 0, 10, 1, 1, "gamma"},
		{NULL, NULL, "bloc", -1, -1, 0, 10, 1, 1, "beta"},
		/* LIKE's wildcards are plain characters. */
		{NULL, NULL, "%", -1, -1, 0, 10, 0, 0, NULL},
		{NULL, NULL, "_", -1, -1, 0, 10, 0, 0, NULL},
		{NULL, NULL, "'; DROP TABLE hosts; --", -1, -1, 0, 10, 0, 0,
		 NULL},
		{NULL, NULL, "", -1, -1, 0, 10, 3, 3, "beta"},
		{NULL, NULL, NULL, 70, -1, 0, 10, 2, 2, "alpha"},
		{NULL, NULL, NULL, -1, 70, 0, 10, 1, 1, "beta"},
		{NULL, NULL, NULL, 80, 80, 0, 10, 1, 1, "alpha"},
		{NULL, NULL, NULL, 101, -1, 0, 10, 0, 0, NULL},
		/* Paging: totals stay, limits are clamped to 1-500. */
		{NULL, NULL, NULL, -1, -1, 1, 1, 3, 1, "alpha"},
		{NULL, NULL, NULL, -1, -1, 2, 0, 3, 1, "gamma"},
		{NULL, NULL, NULL, -1, -1, 3, 10, 3, 0, NULL},
		{NULL, NULL, NULL, -1, -1, SIZE_MAX, 10, 3, 0, NULL},
		{NULL, NULL, NULL, -1, -1, 0, SIZE_MAX, 3, 3, "beta"},
	};
	struct vg_asset_filter flt;
	struct vg_err err;
	json_t *doc, *arr;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.site = rows[i].site;
		flt.category = rows[i].category;
		flt.search = rows[i].search;
		flt.min_score = rows[i].min;
		flt.max_score = rows[i].max;
		flt.offset = rows[i].offset;
		flt.limit = rows[i].limit;
		vg_err_clear(&err);
		if (vg_store_list_assets(x->s, &flt, &doc, &err) != VG_OK)
			fail_msg("row %zu: %s", i, err.msg);
		arr = json_object_get(doc, "assets");
		if (num(doc, "total") != rows[i].total ||
		    json_array_size(arr) != (size_t)rows[i].rows)
			fail_msg("row %zu: total %lld rows %zu", i,
				 (long long)num(doc, "total"),
				 json_array_size(arr));
		if (rows[i].first != NULL)
			assert_string_equal(
				str(json_array_get(arr, 0), "hostname"),
				rows[i].first);
		assert_in_range(num(doc, "limit"), 1, 500);
		json_decref(doc);
	}
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM hosts"), 3);
	/* A filter string too long to be real is refused. */
	{
		char big[2048];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memset(&flt, 0, sizeof(flt));
		flt.min_score = flt.max_score = -1;
		flt.search = big;
		assert_int_equal(vg_store_list_assets(x->s, &flt, &doc, &err),
				 VG_ERR_USAGE);
		assert_null(doc);
	}
}

/* A network device's scan (vigie discover): device facts keyed by key. */
static void
put_device(struct fx *x, const char *key, const char *category, int score,
	   bool unmanaged)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	vg_facts_init(&f);
	f.collected_at = x->b + DAY + 500;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, key);
	f.device.key = vg_facts_str(&f, key);
	f.device.category = vg_facts_str(&f, category);
	f.asset.category = f.device.category;
	f.asset.site = vg_facts_str(&f, "chu-nord");
	vg_facts_collected(&f, VG_SRC_DEVICE);
	assert_true(vg_facts_is_device(&f));
	vg_report_init(&r);
	if (unmanaged)
		assert_int_equal(vg_report_add(&r, 1,
					       "inventory.unmanaged_device",
					       VG_SEV_HIGH, key, NULL, "fix"),
				 VG_OK);
	r.scores[1] = score;
	r.overall = score;
	if (vg_store_put_scan(x->s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* True when the plan of sql (a list of kind = 'device') reads index. */
static bool
plan_uses(const char *path, const char *sql, const char *index)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	bool found = false;
	const char *d;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((d = (const char *)sqlite3_column_text(st, 3)) != NULL &&
		    strstr(d, index) != NULL)
			found = true;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

/*
 * kind and unmanaged (issue 4): three devices next to the fixture's
 * three hosts; 01 unmanaged, 02 unmanaged but accepted, the printer
 * known by IP managed.
 */
static void
test_asset_kind_filters(void **state)
{
	struct fx *x = *state;
	static const struct {
		const char *kind, *category, *search;
		int unmanaged;
		int total;
		const char *first;
	} rows[] = {
		{NULL, NULL, NULL, 0, 6, "00:1b:21:aa:bb:01"},
		{"device", NULL, NULL, 0, 3, "00:1b:21:aa:bb:01"},
		{"host", NULL, NULL, 0, 3, "beta"},
		{"device", NULL, NULL, 1, 1, "00:1b:21:aa:bb:01"},
		{NULL, NULL, NULL, 1, 1, "00:1b:21:aa:bb:01"},
		{"host", NULL, NULL, 1, 0, NULL},
		{"device", "printer", NULL, 0, 1, "10.0.0.9"},
		{"device", "printer", NULL, 1, 0, NULL},
		/* A vendor by its MAC prefix (OUI). */
		{"device", NULL, "00:1b:21", 0, 2, "00:1b:21:aa:bb:01"},
		{"device", NULL, "00:1b:21", 1, 1, "00:1b:21:aa:bb:01"},
		{"device", NULL, "alpha", 0, 0, NULL},
	};
	static const char *const bad_kinds[] = {"", "Device", "hosts",
						"device'--", "router"};
	struct vg_asset_filter flt;
	struct vg_err err;
	json_t *doc = NULL, *arr, *a;
	int64_t now = (int64_t)time(NULL);
	size_t i, j;

	put_device(x, "00:1b:21:aa:bb:01", "biomedical", 40, true);
	put_device(x, "00:1b:21:aa:bb:02", "biomedical", 50, true);
	put_device(x, "10.0.0.9", "printer", 100, false);
	assert_int_equal(
		vg_store_accept_finding(
			x->s,
			finding_id(x, "00:1b:21:aa:bb:02", "00:1b:21:aa:bb:02"),
			"known, declared soon", now + 30 * DAY, "rssi", now,
			&err),
		VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.min_score = flt.max_score = -1;
		flt.kind = rows[i].kind;
		flt.category = rows[i].category;
		flt.search = rows[i].search;
		flt.unmanaged = rows[i].unmanaged;
		flt.limit = 10;
		vg_err_clear(&err);
		if (vg_store_list_assets(x->s, &flt, &doc, &err) != VG_OK)
			fail_msg("row %zu: %s", i, err.msg);
		arr = json_object_get(doc, "assets");
		if (num(doc, "total") != rows[i].total ||
		    json_array_size(arr) != (size_t)rows[i].total)
			fail_msg("row %zu: total %lld rows %zu", i,
				 (long long)num(doc, "total"),
				 json_array_size(arr));
		if (rows[i].first != NULL)
			assert_string_equal(
				str(json_array_get(arr, 0), "hostname"),
				rows[i].first);
		/* Every row is of the kind asked, unmanaged when asked. */
		json_array_foreach(arr, j, a)
		{
			if (flt.kind != NULL)
				assert_string_equal(str(a, "kind"), flt.kind);
			if (flt.unmanaged)
				assert_true(json_is_true(
					json_object_get(a, "unmanaged")));
		}
		json_decref(doc);
	}
	/* The flag of each device: 02's finding is accepted. */
	memset(&flt, 0, sizeof(flt));
	flt.min_score = flt.max_score = -1;
	flt.kind = "device";
	flt.limit = 10;
	assert_int_equal(vg_store_list_assets(x->s, &flt, &doc, &err), VG_OK);
	arr = json_object_get(doc, "assets");
	assert_true(json_is_true(
		json_object_get(json_array_get(arr, 0), "unmanaged")));
	assert_true(json_is_false(
		json_object_get(json_array_get(arr, 1), "unmanaged")));
	assert_true(json_is_false(
		json_object_get(json_array_get(arr, 2), "unmanaged")));
	assert_string_equal(str(json_array_get(arr, 2), "category"), "printer");
	json_decref(doc);
	for (i = 0; i < VG_ARRAY_LEN(bad_kinds); i++) {
		flt.kind = bad_kinds[i];
		doc = NULL;
		if (vg_store_list_assets(x->s, &flt, &doc, &err) !=
		    VG_ERR_USAGE)
			fail_msg("kind '%s' accepted", bad_kinds[i]);
		assert_null(doc);
	}
	/* A kind's page is a range of hosts_kind (migration 8). */
	assert_int_equal(raw_int(x->path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'hosts_kind'"),
			 1);
	assert_true(plan_uses(
		x->path,
		"EXPLAIN QUERY PLAN SELECT h.id FROM hosts h"
		" WHERE h.latest_scan_id IS NOT NULL AND h.kind = 'device'"
		" ORDER BY h.latest_overall IS NULL, h.latest_overall,"
		" h.hostname, h.id LIMIT 50",
		"hosts_kind"));
}

/* A device's scan at time at, with a display name and a vendor (either
 * NULL: the facts have none). */
static void
put_named(struct fx *x, const char *key, const char *name, const char *vendor,
	  int64_t at)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	vg_facts_init(&f);
	f.collected_at = at;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, key);
	f.device.key = vg_facts_str(&f, key);
	f.device.name = name != NULL ? vg_facts_str(&f, name) : NULL;
	f.device.vendor = vendor != NULL ? vg_facts_str(&f, vendor) : NULL;
	f.device.category = vg_facts_str(&f, "biomedical");
	vg_facts_collected(&f, VG_SRC_DEVICE);
	vg_report_init(&r);
	r.scores[1] = r.overall = 70;
	if (vg_store_put_scan(x->s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* The asset named host in a list of every asset. */
static json_t *
asset_named(struct fx *x, const char *host)
{
	struct vg_asset_filter flt = {
		.min_score = -1, .max_score = -1, .limit = 50};
	struct vg_err err;
	json_t *doc = NULL, *a, *found = NULL;
	size_t i;

	if (vg_store_list_assets(x->s, &flt, &doc, &err) != VG_OK)
		fail_msg("list: %s", err.msg);
	json_array_foreach(json_object_get(doc, "assets"), i, a)
	{
		if (strcmp(str(a, "hostname"), host) == 0)
			found = json_incref(a);
	}
	json_decref(doc);
	if (found == NULL)
		fail_msg("no asset %s", host);
	return found;
}

/* name and vendor of the asset named host (NULL when host is absent). */
static void
check_named(struct fx *x, const char *host, const char *name,
	    const char *vendor)
{
	json_t *a = asset_named(x, host);

	assert_string_equal(str(a, "name"), name);
	assert_string_equal(str(a, "vendor"), vendor);
	json_decref(a);
}

/*
 * A device's display name and vendor (migration 10): the latest scan's,
 * in the lists; the vendor filter a substring, case-insensitive, of
 * devices only, LIKE's wildcards taken literally.
 */
static void
test_asset_vendor(void **state)
{
	struct fx *x = *state;
	static const struct {
		const char *vendor, *kind, *search;
		int total;
		const char *first;
	} rows[] = {
		{"welch", NULL, NULL, 1, "00:1b:21:aa:bb:01"},
		{"WELCH ALLYN", NULL, NULL, 1, "00:1b:21:aa:bb:01"},
		{"allyn", "device", NULL, 1, "00:1b:21:aa:bb:01"},
		{"welch", "host", NULL, 0, NULL},
		{"e", NULL, NULL, 2, "00:1b:21:aa:bb:01"},
		{"%", NULL, NULL, 1, "10.0.0.9"},
		{"_co", NULL, NULL, 1, "10.0.0.9"},
		{"\\", NULL, NULL, 0, NULL},
		{"", NULL, NULL, 6, NULL},      /* "": any */
		{"alpha", NULL, NULL, 0, NULL}, /* a hostname, no vendor */
		{"dsi", NULL, NULL, 0, NULL},   /* an owner */
		{"ge", NULL, "scanner", 0, NULL},
		{"welch", NULL, "scanner", 1, "00:1b:21:aa:bb:01"},
		/* search reads the display name too. */
		{NULL, NULL, "ct scan", 1, "00:1b:21:aa:bb:01"},
	};
	struct vg_asset_filter flt;
	struct vg_err err;
	json_t *doc = NULL, *arr;
	char *big;
	size_t i;

	put_named(x, "00:1b:21:aa:bb:01", "CT scanner", "Welch Allyn",
		  x->b + DAY + 500);
	put_named(x, "00:1b:21:aa:bb:02", NULL, "GE Healthcare",
		  x->b + DAY + 500);
	put_named(x, "10.0.0.9", "PRN <2>", "100% Print_Co", x->b + DAY + 500);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.min_score = flt.max_score = -1;
		flt.vendor = rows[i].vendor;
		flt.kind = rows[i].kind;
		flt.search = rows[i].search;
		flt.limit = 10;
		vg_err_clear(&err);
		if (vg_store_list_assets(x->s, &flt, &doc, &err) != VG_OK)
			fail_msg("row %zu: %s", i, err.msg);
		arr = json_object_get(doc, "assets");
		if (num(doc, "total") != rows[i].total ||
		    json_array_size(arr) != (size_t)rows[i].total)
			fail_msg("row %zu: total %lld rows %zu", i,
				 (long long)num(doc, "total"),
				 json_array_size(arr));
		if (rows[i].first != NULL)
			assert_string_equal(
				str(json_array_get(arr, 0), "hostname"),
				rows[i].first);
		json_decref(doc);
	}
	/* Names: the device's, else its key; hosts have no vendor. */
	check_named(x, "00:1b:21:aa:bb:01", "CT scanner", "Welch Allyn");
	check_named(x, "00:1b:21:aa:bb:02", "00:1b:21:aa:bb:02",
		    "GE Healthcare");
	check_named(x, "10.0.0.9", "PRN <2>", "100% Print_Co");
	check_named(x, "alpha", "alpha", "(null)");
	/* A late scan (older than the latest) changes nothing... */
	put_named(x, "00:1b:21:aa:bb:01", "old name", "Old vendor", x->b + 10);
	check_named(x, "00:1b:21:aa:bb:01", "CT scanner", "Welch Allyn");
	/* ... a newer one renames; one without a name or vendor clears. */
	put_named(x, "00:1b:21:aa:bb:01", "IRM 3T", "Siemens",
		  x->b + DAY + 900);
	check_named(x, "00:1b:21:aa:bb:01", "IRM 3T", "Siemens");
	put_named(x, "10.0.0.9", NULL, NULL, x->b + DAY + 900);
	check_named(x, "10.0.0.9", "10.0.0.9", "(null)");
	/* A vendor filter too long is refused. */
	big = malloc(2000);
	assert_non_null(big);
	memset(big, 'a', 1999);
	big[1999] = '\0';
	memset(&flt, 0, sizeof(flt));
	flt.min_score = flt.max_score = -1;
	flt.vendor = big;
	flt.limit = 10;
	doc = NULL;
	assert_int_equal(vg_store_list_assets(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	assert_null(doc);
	free(big);
	/* A vendor's page is still a range of hosts_kind. */
	assert_true(plan_uses(
		x->path,
		"EXPLAIN QUERY PLAN SELECT h.id FROM hosts h"
		" WHERE h.latest_scan_id IS NOT NULL AND h.kind = 'device'"
		" AND h.vendor LIKE '%welch%' ESCAPE '\\'"
		" ORDER BY h.latest_overall IS NULL, h.latest_overall,"
		" h.hostname, h.id LIMIT 50",
		"hosts_kind"));
}

/*
 * A store of schema 9 opened: migration 10 adds the columns and fills
 * each device's from its latest (compressed) facts.
 */
static void
test_migrate_v10(void **state)
{
	struct fx *x = *state;
	struct vg_err err;

	put_named(x, "00:1b:21:aa:bb:01", "old name", "Old vendor", x->b + 10);
	put_named(x, "00:1b:21:aa:bb:01", "CT <scanner>", "Welch Allyn",
		  x->b + DAY + 500);
	put_named(x, "10.0.0.9", NULL, NULL, x->b + DAY + 500);
	put_named(x, "10.0.0.10", "broken", "facts", x->b + DAY + 500);
	vg_store_free(x->s);
	x->s = NULL;
	/* Schema 9: without the columns; one device's facts damaged. */
	raw_exec(x->path,
		 "ALTER TABLE hosts DROP COLUMN display_name;"
		 "ALTER TABLE hosts DROP COLUMN vendor;"
		 "UPDATE scans SET facts_zstd = x'28b52ffd00'"
		 " WHERE id = (SELECT latest_scan_id FROM hosts"
		 " WHERE hostname = '10.0.0.10');"
		 /* and what migration 11 adds, so it runs again */
		 "DROP TABLE evidence; DROP TABLE tasks; DROP TABLE timeline;"
		 " DROP TABLE incident_assets; DROP TABLE incidents;"
		 /* and migration 12's */
		 "DROP TABLE sections;"
		 "ALTER TABLE scans DROP COLUMN findings_digest;"
		 /* and migration 13's */
		 "ALTER TABLE hosts DROP COLUMN findings_scan_id;"
		 "ALTER TABLE hosts DROP COLUMN prev_findings_scan_id;"
		 /* and migration 14's */
		 "ALTER TABLE scans DROP COLUMN packages_ref;"
		 /* and migration 15's */
		 "DROP TABLE vuln_packed;"
		 /* and put back the triggers 13 replaces and 17 drops */
		 "CREATE TRIGGER site_sums_latest AFTER UPDATE ON hosts"
		 " BEGIN SELECT 1; END;"
		 "CREATE TRIGGER sev_sums_latest AFTER UPDATE ON hosts"
		 " BEGIN SELECT 1; END;"
		 "CREATE TRIGGER hosts_decl_latest AFTER UPDATE ON hosts"
		 " BEGIN SELECT 1; END;"
		 "PRAGMA user_version = 9;");
	if (vg_store_open_sqlite(&x->s, x->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(raw_int(x->path, "PRAGMA user_version"), 17);
	check_named(x, "00:1b:21:aa:bb:01", "CT <scanner>", "Welch Allyn");
	check_named(x, "10.0.0.9", "10.0.0.9", "(null)");
	check_named(x, "10.0.0.10", "10.0.0.10", "(null)");
	check_named(x, "alpha", "alpha", "(null)");
	assert_int_equal(raw_int(x->path,
				 "SELECT count(*) FROM hosts"
				 " WHERE display_name IS NOT NULL"),
			 1);
}

static void
test_get_asset(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	json_t *doc, *fs, *h, *o;
	int64_t id;
	char t[21];

	id = raw_int(x->path, "SELECT id FROM hosts WHERE hostname = 'alpha'");
	assert_int_equal(vg_store_get_asset(x->s, id, x->now, &doc, &err),
			 VG_OK);
	assert_string_equal(str(json_object_get(doc, "asset"), "hostname"),
			    "alpha");
	assert_int_equal(num(json_object_get(doc, "asset"), "id"), id);
	assert_string_equal(
		str(json_object_get(json_object_get(doc, "facts"), "asset"),
		    "site"),
		"chu-nord");
	fs = json_object_get(doc, "findings");
	assert_int_equal(json_array_size(fs), 3);
	o = json_array_get(fs, 0);
	assert_string_equal(str(o, "subject"), "root");
	assert_string_equal(str(o, "status"), "open");
	o = json_array_get(fs, 1);
	assert_string_equal(str(o, "subject"), "bob");
	assert_string_equal(str(o, "status"), "accepted");
	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 2);
	iso(x->b + 3600, t);
	assert_string_equal(str(json_array_get(h, 0), "at"), t);
	assert_int_equal(score(json_array_get(h, 0), "overall"), 82);
	assert_int_equal(score(json_array_get(h, 1), "overall"), 80);
	assert_int_equal(score(json_array_get(h, 1), "R1"), -1);
	json_decref(doc);

	/* 90 days later the history is empty, the asset still there. */
	assert_int_equal(
		vg_store_get_asset(x->s, id, x->now + 100 * DAY, &doc, &err),
		VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "history")), 0);
	json_decref(doc);

	assert_int_equal(vg_store_get_asset(x->s, 999999, x->now, &doc, &err),
			 VG_ERR_NOTFOUND);
	assert_null(doc);
	assert_int_equal(vg_store_get_asset(x->s, -1, x->now, &doc, &err),
			 VG_ERR_NOTFOUND);
}

static void
test_list_findings(void **state)
{
	struct fx *x = *state;
	struct vg_finding_filter flt = {.limit = 50};
	static const char *const order[] = {"root", "alice", "carol", "bob",
					    "eve"};
	struct vg_err err;
	json_t *doc, *arr, *o, *acc;
	char t[21];
	size_t i;

	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 5);
	arr = json_object_get(doc, "findings");
	assert_int_equal(json_array_size(arr), 5);
	/* Critical first, then rule, check, hostname, subject. */
	for (i = 0; i < 5; i++)
		assert_string_equal(str(json_array_get(arr, i), "subject"),
				    order[i]);
	o = json_array_get(arr, 0);
	assert_string_equal(str(o, "hostname"), "alpha");
	assert_string_equal(str(o, "site"), "chu-nord");
	assert_string_equal(str(o, "rule"), "R3");
	assert_string_equal(str(o, "check"), "admin.nopasswd");
	assert_string_equal(str(o, "severity"), "critical");
	assert_string_equal(str(o, "remediation"), "fix it");
	assert_string_equal(str(json_object_get(o, "evidence"), "why"), "root");
	assert_string_equal(str(o, "status"), "open");
	assert_true(json_is_null(json_object_get(o, "acceptance")));
	/* Seen in both scans. */
	iso(x->b + 3600, t);
	assert_string_equal(str(o, "first_seen"), t);
	iso(x->b + DAY + 3600, t);
	assert_string_equal(str(o, "last_seen"), t);
	assert_int_equal(num(o, "asset_id"),
			 raw_int(x->path,
				 "SELECT id FROM hosts"
				 " WHERE hostname = 'alpha'"));
	/* alice: acceptance expired, open; first seen on day 1. */
	o = json_array_get(arr, 1);
	assert_string_equal(str(o, "status"), "open");
	iso(x->b + 7200, t);
	assert_string_equal(str(o, "first_seen"), t);
	/* carol: new in the latest scan. */
	o = json_array_get(arr, 2);
	iso(x->b + DAY + 7200, t);
	assert_string_equal(str(o, "first_seen"), t);
	assert_string_equal(str(o, "last_seen"), t);
	/* bob: accepted, with the acceptance. */
	o = json_array_get(arr, 3);
	assert_string_equal(str(o, "status"), "accepted");
	acc = json_object_get(o, "acceptance");
	assert_string_equal(str(acc, "reason"), "compensated by a bastion");
	assert_string_equal(str(acc, "by"), "rssi");
	iso(x->now + 30 * DAY, t);
	assert_string_equal(str(acc, "until"), t);
	iso(x->now - 60, t);
	assert_string_equal(str(acc, "at"), t);
	json_decref(doc);

	/* Once bob's acceptance runs out he is open again. */
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now + 31 * DAY,
						&doc, &err),
			 VG_OK);
	o = json_array_get(json_object_get(doc, "findings"), 3);
	assert_string_equal(str(o, "subject"), "bob");
	assert_string_equal(str(o, "status"), "open");
	json_decref(doc);
}

/* One row per filter: total, rows on the page, the first subject. */
static void
test_finding_filters(void **state)
{
	struct fx *x = *state;
	int64_t alpha = raw_int(x->path,
				"SELECT id FROM hosts"
				" WHERE hostname = 'alpha'");
	const struct {
		int64_t asset;
		int rule;
		const char *check, *severity, *status, *site;
		size_t offset, limit;
		int total, rows;
		const char *first;
	} rows[] = {
		{alpha, 0, NULL, NULL, NULL, NULL, 0, 50, 3, 3, "root"},
		{0, 2, NULL, NULL, NULL, NULL, 0, 50, 2, 2, "bob"},
		{0, 4, NULL, NULL, NULL, NULL, 0, 50, 2, 2, "alice"},
		{0, 1, NULL, NULL, NULL, NULL, 0, 50, 0, 0, NULL},
		{0, 0, "pw.weak", NULL, NULL, NULL, 0, 50, 2, 2, "alice"},
		{0, 0, "'; DROP TABLE findings; --", NULL, NULL, NULL, 0, 50, 0,
		 0, NULL},
		{0, 0, NULL, "high", NULL, NULL, 0, 50, 2, 2, "alice"},
		{0, 0, NULL, "CRITICAL", NULL, NULL, 0, 50, 1, 1, "root"},
		{0, 0, NULL, "low", NULL, NULL, 0, 50, 0, 0, NULL},
		{0, 0, NULL, NULL, "open", NULL, 0, 50, 4, 4, "root"},
		{0, 0, NULL, NULL, "accepted", NULL, 0, 50, 1, 1, "bob"},
		{0, 0, NULL, NULL, "fixed", NULL, 0, 50, 1, 1, "openssl"},
		{0, 0, NULL, NULL, NULL, "chu-nord", 0, 50, 5, 5, "root"},
		{0, 0, NULL, NULL, NULL, "chu-sud", 0, 50, 0, 0, NULL},
		{alpha, 2, NULL, "medium", "open", "chu-nord", 0, 50, 1, 1,
		 "eve"},
		{alpha, 0, NULL, NULL, "accepted", NULL, 0, 50, 1, 1, "bob"},
		{0, 2, "access.shell", NULL, "accepted", NULL, 0, 50, 1, 1,
		 "bob"},
		{0, 4, NULL, NULL, "open", NULL, 0, 50, 2, 2, "alice"},
		{0, 7, NULL, NULL, "fixed", NULL, 0, 50, 1, 1, "openssl"},
		{alpha, 0, NULL, NULL, "fixed", NULL, 0, 50, 1, 1, "openssl"},
		/* Paging. */
		{0, 0, NULL, NULL, NULL, NULL, 1, 2, 5, 2, "alice"},
		{0, 0, NULL, NULL, NULL, NULL, 4, 0, 5, 1, "eve"},
		{0, 0, NULL, NULL, NULL, NULL, SIZE_MAX, 500, 5, 0, NULL},
		{0, 0, NULL, NULL, "open", NULL, 3, SIZE_MAX, 4, 1, "eve"},
		{999999, 0, NULL, NULL, NULL, NULL, 0, 50, 0, 0, NULL},
	};
	struct vg_finding_filter flt;
	struct vg_err err;
	json_t *doc, *arr;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.asset_id = rows[i].asset;
		flt.rule = rows[i].rule;
		flt.check = rows[i].check;
		flt.severity = rows[i].severity;
		flt.status = rows[i].status;
		flt.site = rows[i].site;
		flt.offset = rows[i].offset;
		flt.limit = rows[i].limit;
		vg_err_clear(&err);
		if (vg_store_list_findings(x->s, &flt, x->now, &doc, &err) !=
		    VG_OK)
			fail_msg("row %zu: %s", i, err.msg);
		arr = json_object_get(doc, "findings");
		if (num(doc, "total") != rows[i].total ||
		    json_array_size(arr) != (size_t)rows[i].rows)
			fail_msg("row %zu: total %lld rows %zu", i,
				 (long long)num(doc, "total"),
				 json_array_size(arr));
		if (rows[i].first != NULL)
			assert_string_equal(
				str(json_array_get(arr, 0), "subject"),
				rows[i].first);
		if (rows[i].status != NULL && rows[i].rows > 0)
			assert_string_equal(
				str(json_array_get(arr, 0), "status"),
				rows[i].status);
		json_decref(doc);
	}
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM findings"), 9);
}

static void
test_finding_filters_refused(void **state)
{
	struct fx *x = *state;
	static const struct {
		int rule;
		const char *severity, *status;
	} rows[] = {
		{11, NULL, NULL},  {-1, NULL, NULL},    {0, "bogus", NULL},
		{0, "", NULL},     {0, NULL, "closed"}, {0, NULL, ""},
		{0, NULL, "OPEN"},
	};
	struct vg_finding_filter flt;
	struct vg_err err;
	json_t *doc = NULL;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.rule = rows[i].rule;
		flt.severity = rows[i].severity;
		flt.status = rows[i].status;
		flt.limit = 10;
		if (vg_store_list_findings(x->s, &flt, x->now, &doc, &err) !=
		    VG_ERR_USAGE)
			fail_msg("row %zu accepted", i);
		assert_null(doc);
	}
}

static void
test_accept(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	int64_t eve = finding_id(x, "alpha", "eve");
	char like[256], t[21];

	/* Refusals change nothing. */
	assert_int_equal(vg_store_accept_finding(x->s, eve, "", x->now + DAY,
						 "rssi", x->now, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_accept_finding(x->s, eve, NULL, x->now + DAY,
						 "rssi", x->now, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_accept_finding(x->s, eve, "why", x->now,
						 "rssi", x->now, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_accept_finding(x->s, eve, "why", x->now + 1,
						 "", x->now, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_accept_finding(x->s, 999999, "why",
						 x->now + DAY, "rssi", x->now,
						 &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_accept_finding(x->s, -5, "why", x->now + DAY,
						 "rssi", x->now, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM acceptances"),
			 2);
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM audit"), 2);

	assert_int_equal(vg_store_accept_finding(x->s, eve, "kiosk account",
						 x->now + DAY, "marie", x->now,
						 &err),
			 VG_OK);
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM acceptances"),
			 3);
	iso(x->now + DAY, t);
	(void)snprintf(like, sizeof(like),
		       "SELECT count(*) FROM audit WHERE action = 'accept'"
		       " AND actor = 'marie' AND detail = 'alpha access.shell"
		       " eve until %s: kiosk account'",
		       t);
	assert_int_equal(raw_int(x->path, like), 1);
}

/* A failing audit insert takes the acceptance back with it. */
static void
test_accept_rollback(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	int64_t eve = finding_id(x, "alpha", "eve");

	raw_exec(x->path,
		 "CREATE TRIGGER boom BEFORE INSERT ON audit"
		 " BEGIN SELECT RAISE(ABORT, 'boom'); END");
	assert_int_equal(vg_store_accept_finding(x->s, eve, "why", x->now + DAY,
						 "rssi", x->now, &err),
			 VG_ERR_STORE);
	assert_non_null(strstr(err.msg, "boom"));
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM acceptances"),
			 2);
	raw_exec(x->path, "DROP TRIGGER boom");
	assert_int_equal(vg_store_accept_finding(x->s, eve, "why", x->now + DAY,
						 "rssi", x->now, &err),
			 VG_OK);
}

/*
 * By hand, weights alpha 4, beta 1, gamma 1 (undeclared):
 * establishment overall (4*80 + 63 + 100) / 6 = 80.5 -> 81;
 * chu-nord (4*80 + 63) / 5 = 76.6 -> 77, R4 beta's 60 alone;
 * day 1: alpha 82 and beta 80: (328 + 80) / 5 = 81.6 -> 82,
 * R2 alpha's 90 alone, R7 97.
 */
static void
test_scores(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	json_t *doc, *e, *sites, *h, *w, *nr;
	char day[21];

	assert_int_equal(vg_store_scores(x->s, x->now, x->b, &doc, &err),
			 VG_OK);
	e = json_object_get(doc, "establishment");
	assert_int_equal(num(e, "overall"), 81);
	assert_int_equal(num(e, "R1"), 100);
	assert_int_equal(num(e, "R2"), 80);
	assert_int_equal(num(e, "R3"), 60);
	assert_int_equal(num(e, "R4"), 60);
	assert_int_equal(num(e, "R5"), -1);
	assert_int_equal(num(e, "R7"), 100);
	assert_int_equal(num(e, "R10"), -1);
	assert_int_equal(num(doc, "assets"), 3);

	sites = json_object_get(doc, "sites");
	assert_int_equal(json_array_size(sites), 2);
	assert_string_equal(str(json_array_get(sites, 0), "site"), "chu-nord");
	assert_int_equal(num(json_array_get(sites, 0), "assets"), 2);
	assert_int_equal(score(json_array_get(sites, 0), "overall"), 77);
	assert_int_equal(score(json_array_get(sites, 0), "R4"), 60);
	assert_int_equal(score(json_array_get(sites, 0), "R1"), -1);
	assert_string_equal(str(json_array_get(sites, 1), "site"), "chu-sud");
	assert_int_equal(score(json_array_get(sites, 1), "overall"), 100);

	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 2);
	iso(x->b, day);
	day[10] = '\0';
	assert_string_equal(str(json_array_get(h, 0), "day"), day);
	assert_int_equal(score(json_array_get(h, 0), "overall"), 82);
	assert_int_equal(score(json_array_get(h, 0), "R2"), 90);
	assert_int_equal(score(json_array_get(h, 0), "R7"), 97);
	assert_int_equal(score(json_array_get(h, 0), "R1"), -1);
	assert_int_equal(score(json_array_get(h, 1), "overall"), 81);

	w = json_object_get(doc, "worst");
	assert_int_equal(json_array_size(w), 3);
	assert_string_equal(str(json_array_get(w, 0), "hostname"), "beta");

	/* ag-2 never reported since its enrolment 10 days ago. */
	nr = json_object_get(doc, "not_reporting");
	assert_int_equal(json_array_size(nr), 1);
	assert_string_equal(str(json_array_get(nr, 0), "agent_id"), "ag-2");
	assert_string_equal(str(json_array_get(nr, 0), "hostname"),
			    "enrolled-ag-2");
	assert_string_equal(str(json_array_get(nr, 0), "last_seen"), "(null)");
	assert_int_equal(num(json_array_get(nr, 0), "id"), -1);
	json_decref(doc);

	/* Four days on, ag-1 is silent too; history from day 1 is 6 days
	 * long, each later day the same as the last scans. */
	assert_int_equal(
		vg_store_scores(x->s, x->now + 4 * DAY, x->b, &doc, &err),
		VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "not_reporting")),
			 2);
	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 6);
	assert_int_equal(score(json_array_get(h, 5), "overall"), 81);
	json_decref(doc);

	/* since after now: no history; since 0: capped, not 20,000 days. */
	assert_int_equal(
		vg_store_scores(x->s, x->now, x->now + DAY, &doc, &err), VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "history")), 0);
	json_decref(doc);
	assert_int_equal(vg_store_scores(x->s, x->now, 0, &doc, &err), VG_OK);
	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 1000);
	assert_int_equal(score(json_array_get(h, 0), "overall"), -1);
	assert_int_equal(score(json_array_get(h, 999), "overall"), 81);
	json_decref(doc);
}

static void
test_counts(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	json_t *doc;

	assert_int_equal(vg_store_counts(x->s, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "assets"), 3);
	assert_int_equal(num(doc, "agents"), 2);
	assert_int_equal(num(doc, "scans"), 5);
	assert_int_equal(num(doc, "reports"), 1);
	assert_int_equal(num(doc, "findings_open"), 4);
	assert_int_equal(num(doc, "findings_accepted"), 1);
	json_decref(doc);
}

/* A scan older than the latest arrives late (a spooled report). */
static void
test_late_scan(void **state)
{
	struct fx *x = *state;
	static const struct fnd late[] = {
		{3, "admin.nopasswd", VG_SEV_CRITICAL, "root"},
		{6, "data.share", VG_SEV_LOW, "srv"},
	};
	const struct scan sc = {"alpha",    "chu-nord", "dsi", "server", 4,
				x->b - DAY, late,       2,     {50, 50}};
	struct vg_finding_filter flt = {.limit = 50, .status = "fixed"};
	struct vg_err err;
	json_t *doc, *o;
	char t[21];

	(void)put(x->s, &sc);
	/* The latest scan is unchanged, root was seen a day earlier. */
	flt.status = NULL;
	flt.check = "admin.nopasswd";
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	o = json_array_get(json_object_get(doc, "findings"), 0);
	iso(x->b - DAY, t);
	assert_string_equal(str(o, "first_seen"), t);
	iso(x->b + DAY + 3600, t);
	assert_string_equal(str(o, "last_seen"), t);
	json_decref(doc);
	/* Not the previous scan either (older than it): fixed unchanged. */
	flt.check = NULL;
	flt.status = "fixed";
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	json_decref(doc);
	assert_int_equal(raw_int(x->path,
				 "SELECT count(*) FROM hosts h JOIN scans s"
				 " ON s.id = h.latest_scan_id"
				 " WHERE h.hostname = 'alpha'"
				 " AND s.overall = 80"),
			 1);
}

/*
 * The sums migration 5 keeps (site_sums, hosts.latest_overall) equal
 * those computed from scratch from the hosts' latest summaries, both
 * ways (EXCEPT), and the store's answer is unchanged by rebuilding them.
 */
/*
 * Migration 6's copies agree with what they copy: the findings' hostname
 * and site, the hosts' latest declaration, and sev_sums with a fresh
 * count of the latest summaries (both ways, nothing left over).
 */
static void
check_copies(const char *path)
{
	static const char fresh[] =
		"SELECT iif(k.k = 0, 0, iif(s.site IS NULL, 1, 2)) AS kind,"
		" iif(k.k = 0 OR s.site IS NULL, '', s.site) AS site,"
		" sum(s.n_critical), sum(s.n_high), sum(s.n_medium),"
		" sum(s.n_low) FROM hosts h JOIN scan_sums s"
		" ON s.scan_id = h.latest_scan_id,"
		" (SELECT 0 AS k UNION ALL SELECT 1) k GROUP BY 1, 2";
	char sql[2048];

	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM findings f"
				 " LEFT JOIN hosts h ON h.id = f.host_id"
				 " LEFT JOIN scan_sums s"
				 " ON s.scan_id = f.scan_id"
				 " WHERE f.hostname IS NOT h.hostname"
				 " OR f.site IS NOT s.site"),
			 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM hosts h"
				 " LEFT JOIN scan_sums s"
				 " ON s.scan_id = h.latest_scan_id"
				 " WHERE h.latest_site IS NOT s.site"
				 " OR h.latest_owner IS NOT s.owner"
				 " OR h.latest_category IS NOT s.category"),
			 0);
	(void)snprintf(sql, sizeof(sql),
		       "SELECT (SELECT count(*) FROM (%s EXCEPT SELECT kind,"
		       " site, n0, n1, n2, n3 FROM sev_sums))"
		       " + (SELECT count(*) FROM (SELECT kind, site, n0, n1,"
		       " n2, n3 FROM sev_sums"
		       " WHERE n0 <> 0 OR n1 <> 0 OR n2 <> 0 OR n3 <> 0"
		       " EXCEPT %s))",
		       fresh, fresh);
	assert_int_equal(raw_int(path, sql), 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM sev_sums"
				 " WHERE min(n0, n1, n2, n3) < 0"),
			 0);
}

static void
check_sums(const char *path)
{
	static const char *const col[VG_RULE_COUNT + 1] = {
		"overall", "s1", "s2", "s3", "s4", "s5",
		"s6",      "s7", "s8", "s9", "s10"};
	char fresh[8192], sql[2 * 8192 + 1024];
	size_t len;
	int k;

	len = (size_t)snprintf(fresh, sizeof(fresh),
			       "SELECT kind, site, count(*)");
	for (k = 0; k <= VG_RULE_COUNT; k++)
		len += (size_t)snprintf(fresh + len, sizeof(fresh) - len,
					", total(iif(typeof(%s) = 'integer'"
					" AND %s BETWEEN 0 AND 100, w, 0))",
					col[k], col[k]);
	for (k = 0; k <= VG_RULE_COUNT; k++)
		len += (size_t)snprintf(
			fresh + len, sizeof(fresh) - len,
			", total(iif(typeof(%s) = 'integer'"
			" AND %s BETWEEN 0 AND 100, w * %s, 0))",
			col[k], col[k], col[k]);
	len += (size_t)snprintf(
		fresh + len, sizeof(fresh) - len,
		" FROM (SELECT iif(k.k = 0, 0, iif(s.site IS NULL, 1, 2))"
		" AS kind, iif(k.k = 0 OR s.site IS NULL, '', s.site) AS site,"
		" iif(s.criticality BETWEEN 1 AND 4, s.criticality, 1) AS w,"
		" s.* FROM hosts h JOIN scan_sums s"
		" ON s.scan_id = h.latest_scan_id,"
		" (SELECT 0 AS k UNION ALL SELECT 1) k) GROUP BY kind, site");
	assert_true(len < sizeof(fresh));
	(void)snprintf(sql, sizeof(sql),
		       "SELECT (SELECT count(*) FROM (%s EXCEPT SELECT kind,"
		       " site, n, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10,"
		       " ws0, ws1, ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9,"
		       " ws10 FROM site_sums WHERE n > 0))"
		       " + (SELECT count(*) FROM (SELECT kind, site, n, w0,"
		       " w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, ws0, ws1,"
		       " ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9, ws10"
		       " FROM site_sums WHERE n > 0 EXCEPT %s))",
		       fresh, fresh);
	assert_int_equal(raw_int(path, sql), 0);
	/* No site left with assets gone negative or with stale weights. */
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM site_sums"
				 " WHERE n < 0 OR (n = 0 AND (w0 <> 0"
				 " OR ws0 <> 0))"),
			 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM hosts h"
				 " JOIN scan_sums s"
				 " ON s.scan_id = h.latest_scan_id"
				 " WHERE h.latest_overall IS NOT s.overall"),
			 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM hosts"
				 " WHERE latest_scan_id IS NULL"
				 " AND latest_overall IS NOT NULL"),
			 0);
	check_copies(path);
}

/*
 * The maintained sums follow inserts, a late scan, a host moving to
 * another site (and to none) with another criticality, and `scores`
 * answers as before.
 */
static void
test_site_sums(void **state)
{
	struct fx *x = *state;
	static const struct fnd none[] = {{1, "x.y", VG_SEV_LOW, "z"}};
	const struct scan late = {"alpha",    "chu-nord", "dsi", "server", 4,
				  x->b - DAY, none,       1,     {50, 50}};
	const struct scan moved = {"beta",   "chu-sud", "dsi",
				   "server", 2,         x->now - 60,
				   none,     1,         {30, 0, 30, 70}};
	const struct scan gone = {"beta",      NULL, NULL, NULL,   0,
				  x->now - 30, none, 1,    {0, 10}};
	struct vg_err err;
	json_t *doc, *sites;

	check_sums(x->path);
	(void)put(x->s, &late);
	check_sums(x->path);
	(void)put(x->s, &moved);
	check_sums(x->path);
	assert_int_equal(vg_store_scores(x->s, x->now, x->b, &doc, &err),
			 VG_OK);
	sites = json_object_get(doc, "sites");
	assert_int_equal(json_array_size(sites), 2);
	assert_string_equal(str(json_array_get(sites, 1), "site"), "chu-sud");
	assert_int_equal(num(json_array_get(sites, 1), "assets"), 2);
	assert_string_equal(
		str(json_array_get(json_object_get(doc, "worst"), 0),
		    "hostname"),
		"beta");
	json_decref(doc);
	(void)put(x->s, &gone);
	check_sums(x->path);
	assert_int_equal(vg_store_scores(x->s, x->now, x->b, &doc, &err),
			 VG_OK);
	sites = json_object_get(doc, "sites");
	/* The undeclared site comes first (null sorts first). */
	assert_true(json_is_null(
		json_object_get(json_array_get(sites, 0), "site")));
	assert_int_equal(num(json_array_get(sites, 0), "assets"), 1);
	assert_int_equal(num(doc, "assets"), 3);
	json_decref(doc);
}

/* A new scan: the old latest's findings not seen again become fixed,
 * the old previous' fixed ones are history. */
static void
test_new_scan_moves_states(void **state)
{
	struct fx *x = *state;
	static const struct fnd third[] = {
		{2, "access.shell", VG_SEV_MEDIUM, "eve"},
	};
	const struct scan sc = {"alpha",  "chu-nord", "dsi",
				"server", 4,          x->b + 2 * DAY,
				third,    1,          {90, 0, 90}};
	struct vg_finding_filter flt = {.limit = 50, .status = "fixed"};
	struct vg_err err;
	json_t *doc, *arr;

	(void)put(x->s, &sc);
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	arr = json_object_get(doc, "findings");
	/* root and bob fixed; openssl fell out of the previous scan. */
	assert_int_equal(num(doc, "total"), 2);
	assert_string_equal(str(json_array_get(arr, 0), "subject"), "root");
	assert_string_equal(str(json_array_get(arr, 1), "subject"), "bob");
	assert_string_equal(str(json_array_get(arr, 1), "status"), "fixed");
	json_decref(doc);
	flt.status = NULL;
	flt.asset_id = raw_int(x->path,
			       "SELECT id FROM hosts"
			       " WHERE hostname = 'alpha'");
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	json_decref(doc);
}

/* A report of agent ag-1 (the fixture's gamma) as host. */
static void
report(struct fx *x, const char *uuid, const struct scan *sc)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	bool dup;

	build(sc, &f, &r);
	assert_int_equal(vg_store_put_report(x->s, "ag-1", uuid, sc->at + 5, &f,
					     &r, &dup, &err),
			 VG_OK);
	assert_false(dup);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* Every page of one row of flt agrees with the whole list, in order. */
static void
check_pages(struct fx *x, struct vg_finding_filter flt)
{
	struct vg_err err;
	json_t *all, *one;
	size_t i, n;

	flt.offset = 0;
	flt.limit = 500;
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &all, &err),
			 VG_OK);
	n = json_array_size(json_object_get(all, "findings"));
	assert_int_equal(num(all, "total"), (json_int_t)n);
	flt.limit = 1;
	for (i = 0; i <= n; i++) {
		flt.offset = i;
		assert_int_equal(
			vg_store_list_findings(x->s, &flt, x->now, &one, &err),
			VG_OK);
		assert_int_equal(num(one, "total"), (json_int_t)n);
		if (i == n)
			assert_int_equal(json_array_size(json_object_get(
						 one, "findings")),
					 0);
		else
			assert_true(json_equal(
				json_array_get(json_object_get(one, "findings"),
					       0),
				json_array_get(json_object_get(all, "findings"),
					       i)));
		json_decref(one);
	}
	json_decref(all);
}

/*
 * Migration 6's copies: an agent's host renamed re-sorts its findings
 * (old rows renamed by trigger), a new site moves the counts; the pages
 * at any offset agree with the whole list.
 */
static void
test_copies_follow(void **state)
{
	struct fx *x = *state;
	static const struct fnd g1[] = {
		{3, "admin.nopasswd", VG_SEV_CRITICAL, "root"},
		{2, "access.shell", VG_SEV_MEDIUM, "zed"},
	};
	static const struct fnd g2[] = {
		{3, "admin.nopasswd", VG_SEV_CRITICAL, "root"},
	};
	const struct scan first = {"gamma",      "chu-sud", "o", "server", 2,
				   x->now - 600, g1,        2,   {70, 70}};
	const struct scan renamed = {"aaa-gamma",  "chu-est", "o", "server", 2,
				     x->now - 300, g2,        1,   {71, 71}};
	struct vg_finding_filter flt = {.limit = 50, .severity = "critical"};
	struct vg_asset_filter af = {
		.min_score = -1, .max_score = -1, .limit = 10};
	struct vg_err err;
	json_t *doc, *arr;

	report(x, "u-2", &first);
	check_sums(x->path);
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	arr = json_object_get(doc, "findings");
	assert_int_equal(num(doc, "total"), 2);
	assert_string_equal(str(json_array_get(arr, 0), "hostname"), "alpha");
	assert_string_equal(str(json_array_get(arr, 1), "hostname"), "gamma");
	json_decref(doc);

	report(x, "u-3", &renamed);
	check_sums(x->path); /* the previous scan's rows renamed too */
	assert_int_equal(raw_int(x->path,
				 "SELECT count(*) FROM findings"
				 " WHERE hostname = 'gamma'"),
			 0);
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	arr = json_object_get(doc, "findings");
	assert_int_equal(num(doc, "total"), 2);
	assert_string_equal(str(json_array_get(arr, 0), "hostname"),
			    "aaa-gamma");
	assert_string_equal(str(json_array_get(arr, 0), "site"), "chu-est");
	assert_string_equal(str(json_array_get(arr, 1), "hostname"), "alpha");
	json_decref(doc);
	/* zed is fixed, listed under the new name and its scan's site. */
	flt.severity = NULL;
	flt.status = "fixed";
	flt.site = "chu-sud";
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	arr = json_object_get(doc, "findings");
	assert_int_equal(num(doc, "total"), 1);
	assert_string_equal(str(json_array_get(arr, 0), "subject"), "zed");
	assert_string_equal(str(json_array_get(arr, 0), "hostname"),
			    "aaa-gamma");
	json_decref(doc);
	/* The site's count follows the host: chu-sud has none left. */
	flt.status = NULL;
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 0);
	json_decref(doc);
	flt.site = "chu-est";
	assert_int_equal(vg_store_list_findings(x->s, &flt, x->now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	json_decref(doc);
	/* The asset filters read the copies of its new declaration. */
	af.site = "chu-est";
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	assert_string_equal(
		str(json_array_get(json_object_get(doc, "assets"), 0),
		    "hostname"),
		"aaa-gamma");
	json_decref(doc);
	af.site = NULL;
	af.search = "CHU-E";
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	json_decref(doc);
	/* A search's total comes with its rows, or apart past the end. */
	af.search = "a";
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 3);
	assert_int_equal(json_array_size(json_object_get(doc, "assets")), 3);
	json_decref(doc);
	af.offset = 2;
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 3);
	assert_int_equal(json_array_size(json_object_get(doc, "assets")), 1);
	json_decref(doc);
	af.offset = 3;
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 3);
	assert_int_equal(json_array_size(json_object_get(doc, "assets")), 0);
	json_decref(doc);
	af.search = "nothing-like-it";
	af.offset = 0;
	assert_int_equal(vg_store_list_assets(x->s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 0);
	json_decref(doc);

	memset(&flt, 0, sizeof(flt));
	check_pages(x, flt);
	flt.status = "open";
	check_pages(x, flt);
	flt.status = "fixed";
	check_pages(x, flt);
	flt.status = NULL;
	flt.site = "chu-nord";
	check_pages(x, flt);
	flt.site = NULL;
	flt.rule = 2;
	check_pages(x, flt);
}

/* ---------------------------------------------------------------- */
/* Sessions, both backends                                          */
/* ---------------------------------------------------------------- */

static void
sessions_on(struct vg_store *s)
{
	struct vg_session_rec got;
	struct vg_user_rec u;
	struct vg_err err;
	char big[VG_STORE_HASH_MAX + 8];

	add_user(s, "marie", "rssi");
	assert_int_equal(vg_store_user_get(s, "marie", &u, &err), VG_OK);
	assert_int_equal(
		vg_store_session_add(s, "h1", u.id, "csrf1", 1000, &err),
		VG_OK);
	assert_int_equal(
		vg_store_session_add(s, "h1", u.id, "csrf2", 2000, &err),
		VG_ERR_USAGE);
	assert_int_equal(
		vg_store_session_add(s, "h2", u.id, "csrf2", 500, &err), VG_OK);
	assert_int_equal(
		vg_store_session_add(s, "h3", u.id + 42, "c", 500, &err),
		VG_ERR_STORE);
	assert_int_equal(vg_store_session_add(s, "", u.id, "c", 500, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_session_add(s, "h4", u.id, NULL, 500, &err),
			 VG_ERR_USAGE);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(vg_store_session_add(s, big, u.id, "c", 500, &err),
			 VG_ERR_USAGE);

	assert_int_equal(vg_store_session_get(s, "h1", 999, &got, &err), VG_OK);
	assert_int_equal(got.user_id, u.id);
	assert_string_equal(got.user, "marie");
	assert_string_equal(got.role, "rssi");
	assert_string_equal(got.csrf, "csrf1");
	assert_int_equal(got.expires_at, 1000);
	/* Expired (expires_at <= now) and unknown are refused alike. */
	assert_int_equal(vg_store_session_get(s, "h1", 1000, &got, &err),
			 VG_ERR_NOTFOUND);
	assert_string_equal(got.user, "");
	assert_int_equal(vg_store_session_get(s, "h2", 999, &got, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_session_get(s, "nope", 1, &got, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_session_get(s, big, 1, &got, &err),
			 VG_ERR_USAGE);

	assert_int_equal(vg_store_session_delete(s, "h1", &err), VG_OK);
	assert_int_equal(vg_store_session_get(s, "h1", 999, &got, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_session_delete(s, "h1", &err), VG_OK);
	assert_int_equal(vg_store_session_delete(s, NULL, &err), VG_ERR_USAGE);
}

static void
test_sessions_sqlite(void **state)
{
	struct fx *x = *state;

	sessions_on(x->s);
	assert_int_equal(raw_int(x->path, "SELECT count(*) FROM sessions"), 1);
	/* Only the hash is stored: the table has no other key. */
	assert_int_equal(raw_int(x->path,
				 "SELECT count(*) FROM sessions"
				 " WHERE hash = 'h2' AND csrf = 'csrf2'"),
			 1);
}

static void
test_sessions_memory(void **state)
{
	struct vg_store *s = NULL;
	struct vg_asset_filter af = {.min_score = -1, .max_score = -1};
	struct vg_finding_filter ff = {0};
	struct vg_err err;
	json_t *doc = NULL;

	(void)state;
	assert_int_equal(vg_store_open_memory(&s, &err), VG_OK);
	sessions_on(s);
	/* The memory store has no read side: a usage error, not a crash. */
	assert_int_equal(vg_store_list_assets(s, &af, &doc, &err),
			 VG_ERR_USAGE);
	assert_non_null(strstr(err.msg, "list_assets"));
	assert_int_equal(vg_store_list_findings(s, &ff, 1, &doc, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_get_asset(s, 1, 1, &doc, &err), VG_ERR_USAGE);
	assert_int_equal(vg_store_scores(s, 1, 0, &doc, &err), VG_ERR_USAGE);
	assert_int_equal(vg_store_counts(s, &doc, &err), VG_ERR_USAGE);
	assert_int_equal(vg_store_accept_finding(s, 1, "r", 2, "b", 1, &err),
			 VG_ERR_USAGE);
	assert_null(doc);
	vg_store_free(s);
}

/* ---------------------------------------------------------------- */
/* Migration 3                                                      */
/* ---------------------------------------------------------------- */

/* A version 2 file as vigie wrote it (migrations 1 and 2), by hand. */
static const char v2_schema[] =
	"CREATE TABLE hosts (id INTEGER PRIMARY KEY, hostname TEXT NOT NULL,"
	" agent_id TEXT UNIQUE);"
	"CREATE UNIQUE INDEX hosts_local ON hosts(hostname)"
	" WHERE agent_id IS NULL;"
	"CREATE TABLE scans (id INTEGER PRIMARY KEY,"
	" host_id INTEGER NOT NULL REFERENCES hosts(id),"
	" collected_at INTEGER NOT NULL, facts TEXT NOT NULL,"
	" overall INTEGER, scores TEXT);"
	"CREATE INDEX scans_host_time ON scans(host_id, collected_at);"
	"CREATE INDEX scans_time ON scans(collected_at, id);"
	"CREATE TABLE findings (id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
	" rule INTEGER NOT NULL, check_id TEXT NOT NULL,"
	" severity TEXT NOT NULL, subject TEXT NOT NULL,"
	" evidence TEXT NOT NULL, remediation TEXT);"
	"CREATE INDEX findings_scan ON findings(scan_id);"
	"CREATE TABLE not_evaluated ("
	" scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
	" rule INTEGER NOT NULL, check_id TEXT NOT NULL,"
	" reason TEXT NOT NULL);"
	"CREATE INDEX not_evaluated_scan ON not_evaluated(scan_id);"
	"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
	" role TEXT NOT NULL, pwhash TEXT NOT NULL,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE enrol_tokens (hash TEXT PRIMARY KEY,"
	" site TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER);"
	"CREATE TABLE agents (id TEXT PRIMARY KEY, site TEXT NOT NULL,"
	" hostname TEXT, secret_hash TEXT NOT NULL,"
	" enrolled_at INTEGER NOT NULL, last_seen INTEGER NOT NULL DEFAULT 0,"
	" host_id INTEGER REFERENCES hosts);"
	"CREATE TABLE apikeys (id TEXT PRIMARY KEY, role TEXT NOT NULL,"
	" secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE TABLE reports (uuid TEXT PRIMARY KEY,"
	" agent_id TEXT NOT NULL REFERENCES agents,"
	" scan_id INTEGER REFERENCES scans ON DELETE SET NULL,"
	" received_at INTEGER NOT NULL);"
	"CREATE INDEX reports_agent ON reports(agent_id);"
	"CREATE INDEX reports_scan ON reports(scan_id);"
	"CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	" actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX audit_time ON audit(at);"
	/* old-host: scans 3 (t 1000), 5 (t 1500, stored after 4), 4 (t
	 * 2000, the latest); junk: one scan with a damaged document. */
	"INSERT INTO hosts(id, hostname) VALUES (7, 'old-host');"
	"INSERT INTO hosts(id, hostname) VALUES (8, 'junk');"
	"INSERT INTO scans VALUES (3, 7, 1000, '{}', 70,"
	" '{\"R1\":70,\"overall\":70}');"
	"INSERT INTO scans VALUES (4, 7, 2000,"
	" '{\"asset\":{\"site\":\"s1\",\"owner\":\"o\",\"category\":\"c\","
	"\"criticality\":2}}', 55, '{\"R1\":90,\"R2\":null,\"overall\":55}');"
	"INSERT INTO scans VALUES (5, 7, 1500, '{}', 60, 'not json');"
	"INSERT INTO scans VALUES (6, 8, 1200, 'not json {', NULL, NULL);"
	"INSERT INTO findings(scan_id, rule, check_id, severity, subject,"
	" evidence) VALUES"
	" (3, 2, 'x.y', 'high', 'root', '{}'),"
	" (3, 1, 'a.b', 'low', 's1', '{}'),"
	" (5, 2, 'x.y', 'high', 'root', '{}'),"
	" (5, 1, 'a.b', 'low', 's1', '{}'),"
	" (5, 3, 'c.d', 'critical', 'z', '{}'),"
	" (4, 2, 'x.y', 'high', 'root', '{}');"
	"PRAGMA user_version = 2;";

static void
test_migrate_v2(void **state)
{
	struct vg_asset_filter af = {
		.min_score = -1, .max_score = -1, .limit = 10};
	struct vg_finding_filter ff = {.limit = 10};
	struct vg_store *s = NULL;
	struct vg_err err;
	char *dir = vg_test_tmpdir(), path[4096], t[21];
	json_t *doc, *a, *o;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/v2.db", dir);
	raw_exec(path, v2_schema);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 17);
	check_sums(path); /* migration 5 filled them */
	/* Migration 6 copied hostnames, sites and declarations. */
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM findings f"
				 " JOIN hosts h ON h.id = f.host_id"
				 " JOIN scan_sums s ON s.scan_id = f.scan_id"
				 " WHERE f.hostname IS h.hostname"
				 " AND f.site IS s.site"),
			 raw_int(path, "SELECT count(*) FROM findings"));
	assert_true(raw_int(path, "SELECT count(*) FROM findings") > 0);
	/* Only scan 4 declares a site. */
	assert_int_equal(
		raw_int(path,
			"SELECT count(*) FROM findings"
			" WHERE site = 's1' AND hostname = 'old-host'"),
		1);
	assert_int_equal(
		raw_int(path,
			"SELECT count(*) FROM findings"
			" WHERE site IS NULL AND hostname = 'old-host'"),
		5);
	assert_int_equal(raw_int(path,
				 "SELECT latest_site = 's1' AND"
				 " latest_owner = 'o' AND latest_category = 'c'"
				 " FROM hosts WHERE id = 7"),
			 1);
	assert_int_equal(raw_int(path,
				 "SELECT latest_scan_id FROM hosts"
				 " WHERE id = 7"),
			 4);
	assert_int_equal(raw_int(path,
				 "SELECT prev_scan_id FROM hosts"
				 " WHERE id = 7"),
			 5);
	assert_int_equal(raw_int(path,
				 "SELECT prev_scan_id IS NULL FROM hosts"
				 " WHERE id = 8"),
			 1);

	/* Migration 4: text facts still read; the roll-up is filled. */
	assert_int_equal(vg_store_get_asset(s, 7, 3000, &doc, &err), VG_OK);
	assert_string_equal(
		str(json_object_get(json_object_get(doc, "facts"), "asset"),
		    "site"),
		"s1");
	json_decref(doc);
	assert_int_equal(vg_store_scores(s, 3000, 0, &doc, &err), VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "history")), 1);
	assert_int_equal(
		score(json_array_get(json_object_get(doc, "history"), 0),
		      "overall"),
		55);
	json_decref(doc);

	assert_int_equal(vg_store_list_assets(s, &af, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 2);
	a = json_array_get(json_object_get(doc, "assets"), 0);
	assert_string_equal(str(a, "hostname"), "old-host");
	assert_string_equal(str(a, "site"), "s1");
	assert_string_equal(str(a, "owner"), "o");
	assert_string_equal(str(a, "category"), "c");
	assert_int_equal(num(a, "criticality"), 2);
	assert_int_equal(score(a, "overall"), 55);
	assert_int_equal(score(a, "R1"), 90);
	assert_int_equal(score(a, "R2"), -1);
	assert_int_equal(num(a, "findings"), 1);
	assert_int_equal(num(a, "high"), 1);
	/* The damaged scan reads as undeclared, scoreless, last. */
	a = json_array_get(json_object_get(doc, "assets"), 1);
	assert_string_equal(str(a, "hostname"), "junk");
	assert_string_equal(str(a, "site"), "(null)");
	assert_int_equal(score(a, "overall"), -1);
	json_decref(doc);

	assert_int_equal(vg_store_list_findings(s, &ff, 3000, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 1);
	o = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(str(o, "subject"), "root");
	iso(1000, t);
	assert_string_equal(str(o, "first_seen"), t);
	iso(2000, t);
	assert_string_equal(str(o, "last_seen"), t);
	json_decref(doc);
	/* Fixed: in scan 5 (the previous), not in 4. */
	ff.status = "fixed";
	assert_int_equal(vg_store_list_findings(s, &ff, 3000, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 2);
	assert_string_equal(
		str(json_array_get(json_object_get(doc, "findings"), 0),
		    "subject"),
		"z");
	json_decref(doc);

	/* A new scan goes on from the migrated pointers. */
	{
		static const struct fnd f1[] = {
			{1, "a.b", VG_SEV_LOW, "s1"},
		};
		const struct scan sc = {"old-host", "s1", NULL, NULL,    2,
					2500,       f1,   1,    {97, 97}};

		assert_true(put(s, &sc) > 0);
	}
	assert_int_equal(raw_int(path,
				 "SELECT prev_scan_id FROM hosts"
				 " WHERE id = 7"),
			 4);
	ff.status = NULL;
	assert_int_equal(vg_store_scores(s, 3000, 0, &doc, &err), VG_OK);
	assert_int_equal(
		score(json_array_get(json_object_get(doc, "history"), 0),
		      "overall"),
		97);
	json_decref(doc);
	assert_int_equal(vg_store_list_findings(s, &ff, 3000, &doc, &err),
			 VG_OK);
	o = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(str(o, "subject"), "s1");
	iso(1000, t);
	assert_string_equal(str(o, "first_seen"), t);
	json_decref(doc);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM"
				 " pragma_foreign_key_check"),
			 0);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

/* ---------------------------------------------------------------- */
/* Daily roll-up and re-judging (migration 4)                       */
/* ---------------------------------------------------------------- */

/* A store of its own in a new directory. */
static struct vg_store *
own_store(char **dir, char path[4096])
{
	struct vg_store *s = NULL;
	struct vg_err err;

	*dir = vg_test_tmpdir();
	(void)snprintf(path, 4096, "%s/own.db", *dir);
	if (vg_store_open_sqlite(&s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	return s;
}

/*
 * The history from the roll-up: a host counts on a day by its latest
 * scan at or before it, weighted by criticality; late scans (stored
 * after newer ones) change the days they belong to, or nothing when a
 * newer scan of their day is there. Values by hand.
 */
static void
test_history_rollup(void **state)
{
	char *dir, path[4096];
	struct vg_store *s = own_store(&dir, path);
	int64_t b = ((int64_t)time(NULL) / DAY - 10) * DAY;
	struct vg_err err;
	json_t *doc, *h;
	const struct scan scans[] = {
		{"a", "x", NULL, NULL, 1, b + 1000, NULL, 0, {60, 60}},
		{"a", "x", NULL, NULL, 1, b + 5000, NULL, 0, {70, 70}},
		{"a", "x", NULL, NULL, 1, b + 2 * DAY + 100, NULL, 0, {80, 80}},
		{"b", "x", NULL, NULL, 3, b + DAY + 100, NULL, 0, {40}},
		/* Late: day 1's, then one older than day 0's latest. */
		{"a", "x", NULL, NULL, 1, b + DAY + 500, NULL, 0, {50, 50}},
		{"a", "x", NULL, NULL, 1, b + 3000, NULL, 0, {65, 65}},
		/* Late, the day before: only that day. */
		{"a", "x", NULL, NULL, 1, b - DAY + 10, NULL, 0, {10, 10}},
	};
	const int overall[] = {10, 70, 43, 50, 50};
	const int r1[] = {10, 70, 50, 80, 80};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(scans); i++)
		assert_true(put(s, &scans[i]) > 0);
	assert_int_equal(
		vg_store_scores(s, b + 3 * DAY + 10, b - DAY, &doc, &err),
		VG_OK);
	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(score(json_array_get(h, i), "overall"),
				 overall[i]);
		assert_int_equal(score(json_array_get(h, i), "R1"), r1[i]);
	}
	json_decref(doc);
	/* From day 1 only: the days before are the base. */
	assert_int_equal(
		vg_store_scores(s, b + 3 * DAY + 10, b + DAY, &doc, &err),
		VG_OK);
	h = json_object_get(doc, "history");
	assert_int_equal(json_array_size(h), 3);
	assert_int_equal(score(json_array_get(h, 0), "overall"), 43);
	assert_int_equal(score(json_array_get(h, 2), "overall"), 50);
	json_decref(doc);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

/* Facts judged by the real rules: root and alice (sudo) administer. */
static void
judged_facts(struct vg_facts *f, int64_t at)
{
	struct vg_account *a;
	struct vg_group *g;
	int src;

	vg_facts_init(f);
	f->collected_at = at;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, "judged");
	for (src = 0; src < VG_SRC_COUNT; src++)
		vg_facts_collected(f, (enum vg_source)src);
	a = vg_facts_add_account(f);
	a->name = vg_facts_str(f, "root");
	a->uid = 0;
	a->gid = 0;
	a->shell = vg_facts_str(f, "/bin/bash");
	a->home = vg_facts_str(f, "/root");
	a->pw = VG_PW_HASH;
	a->scheme = vg_facts_str(f, "sha512");
	a = vg_facts_add_account(f);
	a->name = vg_facts_str(f, "alice");
	a->uid = 1000;
	a->gid = 1000;
	a->shell = vg_facts_str(f, "/bin/bash");
	a->home = vg_facts_str(f, "/home/alice");
	a->pw = VG_PW_HASH;
	a->scheme = vg_facts_str(f, "sha512");
	g = vg_facts_add_group(f);
	g->name = vg_facts_str(f, "sudo");
	g->gid = 27;
	g->members = vg_arena_alloc(&f->arena, sizeof(*g->members));
	assert_non_null(g->members);
	g->members[0] = vg_facts_str(f, "alice");
	g->n_members = 1;
}

static void
put_judged(struct vg_store *s, const struct vg_policy *p, int64_t at)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	judged_facts(&f, at);
	vg_report_init(&r);
	assert_int_equal(vg_rules_evaluate(&f, p, &r, &err), VG_OK);
	assert_int_equal(vg_store_put_scan(s, &f, &r, &id, &err), VG_OK);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* The finding of check on the asset (NULL when absent). */
static json_t *
find_check(json_t *doc, const char *check)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(doc, "findings"), i, o)
	{
		if (strcmp(str(o, "check"), check) == 0)
			return o;
	}
	return NULL;
}

/*
 * A policy change re-judges stored facts: max_admins lowered gives
 * admin.excess (first seen at the re-judged scan), a severity override
 * changes a finding kept with its id, first_seen and acceptance; the
 * scores, the asset's summary and the history follow; the default
 * policy again gives the first judgement back.
 */
static void
test_rejudge(void **state)
{
	char *dir, path[4096], t[21], conf[256];
	struct vg_store *s = own_store(&dir, path), *m = NULL;
	int64_t t1 = ((int64_t)time(NULL) / DAY - 1) * DAY + 100,
		t2 = t1 + 3600, now = t2 + 60, acc_id;
	struct vg_finding_filter ff = {.limit = 500};
	struct vg_policy p, p2;
	struct vg_err err;
	json_t *doc, *o, *asset;
	const char *check, *sev, *newsev;
	char check_copy[128], sev_copy[16];
	size_t n = 99, before;
	int overall_before;

	(void)state;
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	put_judged(s, &p, t1);
	put_judged(s, &p, t2);
	assert_int_equal(vg_store_list_findings(s, &ff, now, &doc, &err),
			 VG_OK);
	before = json_array_size(json_object_get(doc, "findings"));
	assert_true(before > 0);
	assert_null(find_check(doc, "admin.excess"));
	o = json_array_get(json_object_get(doc, "findings"), 0);
	acc_id = num(o, "id");
	check = str(o, "check");
	sev = str(o, "severity");
	(void)snprintf(check_copy, sizeof(check_copy), "%s", check);
	(void)snprintf(sev_copy, sizeof(sev_copy), "%s", sev);
	newsev = strcmp(sev, "low") == 0 ? "critical" : "low";
	json_decref(doc);
	assert_int_equal(vg_store_accept_finding(s, acc_id, "known", now + DAY,
						 "rssi", now, &err),
			 VG_OK);
	assert_int_equal(vg_store_get_asset(s, 1, now, &doc, &err), VG_OK);
	overall_before = (int)score(json_object_get(doc, "asset"), "overall");
	json_decref(doc);

	(void)snprintf(conf, sizeof(conf),
		       "[policy]\nmax_admins = 1\n[severity]\n%s = %s\n",
		       check_copy, newsev);
	assert_int_equal(vg_policy_init(&p2, &err), VG_OK);
	assert_int_equal(vg_policy_parse(&p2, "test.conf", conf, strlen(conf),
					 NULL, NULL, &err),
			 VG_OK);
	assert_int_equal(vg_store_rejudge(s, &p2, now, NULL, NULL, &n, &err),
			 VG_OK);
	assert_int_equal(n, 1);
	check_sums(path);

	assert_int_equal(vg_store_list_findings(s, &ff, now, &doc, &err),
			 VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")),
			 before + 1);
	o = find_check(doc, "admin.excess");
	assert_non_null(o);
	assert_string_equal(str(o, "status"), "open");
	iso(t2, t);
	assert_string_equal(str(o, "first_seen"), t);
	o = find_check(doc, check_copy);
	assert_non_null(o);
	assert_int_equal(num(o, "id"), acc_id);
	assert_string_equal(str(o, "severity"), newsev);
	assert_string_equal(str(o, "status"), "accepted");
	iso(t1, t);
	assert_string_equal(str(o, "first_seen"), t);
	json_decref(doc);
	/* Nothing fixed: the previous scan had no admin.excess. */
	ff.status = "fixed";
	assert_int_equal(vg_store_list_findings(s, &ff, now, &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 0);
	json_decref(doc);
	ff.status = NULL;

	/* Scores: R3 lower, the summary and the history agree. */
	assert_int_equal(vg_store_get_asset(s, 1, now, &doc, &err), VG_OK);
	asset = json_object_get(doc, "asset");
	assert_true(score(asset, "overall") < overall_before);
	assert_non_null(find_check(doc, "admin.excess"));
	o = json_array_get(json_object_get(doc, "history"), 1);
	assert_int_equal(score(o, "overall"), score(asset, "overall"));
	{
		json_t *sc;

		assert_int_equal(vg_store_scores(s, now, t1, &sc, &err), VG_OK);
		o = json_array_get(json_object_get(sc, "history"), 0);
		assert_int_equal(score(o, "overall"), score(asset, "overall"));
		assert_int_equal(
			num(json_object_get(sc, "establishment"), "R3"),
			score(asset, "R3"));
		json_decref(sc);
	}
	json_decref(doc);
	assert_int_equal(vg_store_last_scan(s, &doc, &err), VG_OK);
	assert_non_null(find_check(doc, "admin.excess"));
	json_decref(doc);

	/* The first policy again: the first judgement. */
	assert_int_equal(vg_store_rejudge(s, &p, now, NULL, NULL, &n, &err),
			 VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(vg_store_list_findings(s, &ff, now, &doc, &err),
			 VG_OK);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")),
			 before);
	assert_null(find_check(doc, "admin.excess"));
	assert_string_equal(str(find_check(doc, check_copy), "severity"),
			    sev_copy);
	json_decref(doc);
	assert_int_equal(vg_store_get_asset(s, 1, now, &doc, &err), VG_OK);
	assert_int_equal(score(json_object_get(doc, "asset"), "overall"),
			 overall_before);
	json_decref(doc);

	/* The memory store cannot. */
	assert_int_equal(vg_store_open_memory(&m, &err), VG_OK);
	assert_int_equal(vg_store_rejudge(m, &p, now, NULL, NULL, &n, &err),
			 VG_ERR_USAGE);
	assert_int_equal(n, 0);
	vg_store_free(m);

	vg_policy_release(&p);
	vg_policy_release(&p2);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_assets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_asset_filters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_asset_kind_filters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_asset_vendor, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v10, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_asset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_list_findings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_finding_filters, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_finding_filters_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_rollback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_scan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_copies_follow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_new_scan_moves_states,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_sqlite, setup,
						teardown),
		cmocka_unit_test(test_sessions_memory),
		cmocka_unit_test(test_migrate_v2),
		cmocka_unit_test(test_history_rollup),
		cmocka_unit_test(test_rejudge),
		cmocka_unit_test_setup_teardown(test_site_sums, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The SQLite store's ingestion at scale (migration 12): the facts' big
 * members stored once by digest (put_report_sections, section_get, and
 * the facts read back whole), and findings stored as changes: a report
 * whose findings are its host's latest moves that scan's rows instead
 * of inserting them, and every read answer stays the one the rows
 * inserted again would give (compared against a twin store where the
 * digests are wiped before each report, so every report inserts).
 */
#include "util/common.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts_json.h"
#include "core/policy.h"
#include "core/report.h"
#include "store/store.h"
#include "util/banned.h"

#define AGENT "6f1c8a0e-2b7d-4c3e-9f10-1234567890ab"
#define T0 INT64_C(1700000000)

struct fx {
	char *dir;
	char path[2][4096];
	struct vg_store *s[2]; /* [1]: every report inserts its rows */
};

static void
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
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

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct vg_agent_rec a;
	int i;

	if (x == NULL)
		return -1;
	x->dir = vg_test_tmpdir();
	memset(&a, 0, sizeof(a));
	(void)snprintf(a.id, sizeof(a.id), "%s", AGENT);
	(void)snprintf(a.site, sizeof(a.site), "nord");
	(void)snprintf(a.hostname, sizeof(a.hostname), "srv-01");
	(void)snprintf(a.secret_hash, sizeof(a.secret_hash), "%064d", 7);
	a.enrolled_at = T0;
	for (i = 0; i < 2; i++) {
		(void)snprintf(x->path[i], sizeof(x->path[i]), "%s/s%d.db",
			       x->dir, i);
		if (vg_store_open_sqlite(&x->s[i], x->path[i], NULL) != VG_OK ||
		    vg_store_agent_add(x->s[i], &a, NULL) != VG_OK)
			return -1;
	}
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	vg_store_free(x->s[0]);
	vg_store_free(x->s[1]);
	vg_test_rmtree(x->dir);
	free(x->dir);
	free(x);
	return 0;
}

/* Facts of srv-01 at time at with n packages (versions v). */
static void
facts(struct vg_facts *f, int64_t at, size_t n, const char *v)
{
	struct vg_package *p;
	char name[32];
	size_t i;

	vg_facts_init(f);
	f->collected_at = at;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, "srv-01");
	f->asset.site = vg_facts_str(f, "nord");
	vg_facts_collected(f, VG_SRC_OS);
	vg_facts_collected(f, VG_SRC_PACKAGES);
	for (i = 0; i < n; i++) {
		p = vg_facts_add_package(f);
		assert_non_null(p);
		(void)snprintf(name, sizeof(name), "pkg-%zu", i);
		p->name = vg_facts_str(f, name);
		p->version = vg_facts_str(f, v);
	}
}

/* A report whose findings are the subjects in list ("a,b"), each a
 * finding of check admin.x (R3), evidence {"n": ev}. */
static void
report(struct vg_report *r, const char *list, int ev)
{
	char buf[64], *save = NULL, *tok;
	int k;

	vg_report_init(r);
	(void)snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		assert_int_equal(vg_report_add(r, 3, "admin.x", VG_SEV_HIGH,
					       tok, json_pack("{s:i}", "n", ev),
					       "fix it"),
				 VG_OK);
	assert_int_equal(vg_report_not_evaluated(r, 5, "backups.x", "no data"),
			 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r->scores[k] = VG_SCORE_NONE;
	r->scores[3] = 100 - 10 * (int)strlen(list);
	r->overall = r->scores[3];
}

/* Record the same report in both stores (the twin's digests wiped). */
static void
put(struct fx *x, int n, int64_t at, const char *list, int ev)
{
	struct vg_report_sections sec;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	char uuid[40];
	bool dup;
	int i;

	facts(&f, at, 3, "1.0");
	report(&r, list, ev);
	(void)snprintf(uuid, sizeof(uuid), "6f1c8a0e-2b7d-4c3e-9f10-%012d", n);
	for (i = 0; i < 2; i++) {
		if (i == 1)
			raw_exec(x->path[1],
				 "UPDATE scans SET findings_digest = NULL");
		memset(&sec, 0, sizeof(sec));
		vg_err_clear(&err);
		if (vg_store_put_report_sections(x->s[i], AGENT, uuid, at + 5,
						 &f, &r, &sec, &dup,
						 &err) != VG_OK)
			fail_msg("put_report: %s", err.msg);
		assert_false(dup);
	}
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* Remove every "id" member (finding ids differ between the twins:
 * moved rows keep theirs) and "scan_id". */
static void
strip_ids(json_t *v)
{
	const char *k;
	json_t *m;
	void *tmp;
	size_t i;

	if (json_is_object(v)) {
		(void)json_object_del(v, "id");
		json_object_foreach_safe(v, tmp, k, m) strip_ids(m);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) strip_ids(m);
	}
}

/* Every read answer of both stores, ids aside: equal. */
static void
same_answers(struct fx *x, int64_t now, const char *what)
{
	static const char *const status[] = {NULL, "open", "accepted", "fixed"};
	struct vg_finding_filter flt;
	json_t *a[2];
	char *ta, *tb;
	size_t k;
	int i, q;

	for (q = 0; q < 4 + 3; q++) {
		for (i = 0; i < 2; i++) {
			memset(&flt, 0, sizeof(flt));
			flt.limit = 100;
			a[i] = NULL;
			if (q < 4) {
				flt.status = status[q];
				assert_int_equal(vg_store_list_findings(
							 x->s[i], &flt, now,
							 &a[i], NULL),
						 VG_OK);
			} else if (q == 4)
				assert_int_equal(vg_store_get_asset(x->s[i], 1,
								    now, &a[i],
								    NULL),
						 VG_OK);
			else if (q == 5)
				assert_int_equal(vg_store_scores(x->s[i], now,
								 0, &a[i],
								 NULL),
						 VG_OK);
			else {
				struct vg_scan_summary *v = NULL;
				size_t n = 0;

				assert_int_equal(vg_store_list_scans(x->s[i],
								     10, &v, &n,
								     NULL),
						 VG_OK);
				a[i] = json_array();
				for (k = 0; k < n; k++)
					(void)json_array_append_new(
						a[i],
						json_pack("{s:I, s:i, s:I}",
							  "at",
							  (json_int_t)v[k].at,
							  "overall",
							  v[k].overall, "n",
							  (json_int_t)v[k]
								  .n_findings));
				free(v);
			}
			strip_ids(a[i]);
		}
		ta = json_dumps(a[0], JSON_SORT_KEYS);
		tb = json_dumps(a[1], JSON_SORT_KEYS);
		if (strcmp(ta, tb) != 0)
			fail_msg("%s: answer %d differs:\n%s\n%s", what, q, ta,
				 tb);
		free(ta);
		free(tb);
		json_decref(a[0]);
		json_decref(a[1]);
	}
}

/* The current finding of subject in store i: its id (0 when absent),
 * first and last seen (as the API writes them). */
static int64_t
current(struct fx *x, int i, const char *subject, int64_t now, char first[32],
	char last[32])
{
	struct vg_finding_filter flt;
	json_t *doc = NULL, *o;
	int64_t id = 0;
	size_t k;

	memset(&flt, 0, sizeof(flt));
	flt.limit = 100;
	first[0] = last[0] = '\0';
	assert_int_equal(vg_store_list_findings(x->s[i], &flt, now, &doc, NULL),
			 VG_OK);
	json_array_foreach(json_object_get(doc, "findings"), k, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "subject")),
			   subject) != 0)
			continue;
		id = json_integer_value(json_object_get(o, "id"));
		(void)snprintf(
			first, 32, "%s",
			json_string_value(json_object_get(o, "first_seen")));
		(void)snprintf(
			last, 32, "%s",
			json_string_value(json_object_get(o, "last_seen")));
	}
	json_decref(doc);
	return id;
}

/*
 * A finding through its life: seen, seen again unchanged (rows kept
 * where they are, not inserted: ids and first_seen kept, last_seen
 * moves), accepted,
 * fixed, seen again, its evidence changed; after each report every
 * answer equals the twin's, whose reports all insert.
 */
static void
test_unchanged_findings(void **state)
{
	struct fx *x = *state;
	char f0[32], l0[32], f1[32], l1[32];
	int64_t id, id2, now = T0 + 86400 * 10;
	int i;

	put(x, 1, T0, "a,b", 1);
	same_answers(x, now, "first");
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 2);
	id = current(x, 0, "b", now, f0, l0);
	assert_true(id > 0);

	/* Unchanged: no new row, the same ids, last_seen moves. */
	put(x, 2, T0 + 3600, "a,b", 1);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 2);
	assert_int_equal(raw_int(x->path[1], "SELECT count(*) FROM findings"),
			 4);
	assert_int_equal(
		raw_int(x->path[0], "SELECT count(*) FROM not_evaluated"), 1);
	/* Not even moved (schema 13): the rows stay in the first scan,
	 * which the host points at, and are still current. */
	assert_int_equal(
		raw_int(x->path[0],
			"SELECT count(*) FROM findings f"
			" JOIN hosts h ON f.scan_id ="
			" h.findings_scan_id WHERE f.state = 1"
			" AND h.findings_scan_id <> h.latest_scan_id"
			" AND f.scan_id = (SELECT min(id) FROM scans)"),
		2);
	id2 = current(x, 0, "b", now, f1, l1);
	assert_int_equal(id2, id);
	assert_string_equal(f1, f0);
	assert_string_not_equal(l1, l0);
	same_answers(x, now, "unchanged");

	/* Accepted (in both stores, by each one's id), then unchanged. */
	for (i = 0; i < 2; i++)
		assert_int_equal(vg_store_accept_finding(
					 x->s[i],
					 current(x, i, "b", now, f1, l1),
					 "replacement planned", now + 86400,
					 "rssi", T0 + 3700, NULL),
				 VG_OK);
	put(x, 3, T0 + 7200, "a,b", 1);
	same_answers(x, now, "accepted");

	/* a fixed: it leaves the current findings, listed as fixed. */
	put(x, 4, T0 + 10800, "b", 1);
	assert_int_equal(current(x, 0, "a", now, f1, l1), 0);
	same_answers(x, now, "fixed");
	put(x, 5, T0 + 14400, "b", 1);
	same_answers(x, now, "fixed, unchanged");

	/* a again: first seen at its first sighting. */
	put(x, 6, T0 + 18000, "a,b", 1);
	assert_true(current(x, 0, "a", now, f1, l1) > 0);
	assert_string_equal(f1, f0);
	same_answers(x, now, "reappeared");

	/* The evidence changed: new rows (nothing moved). */
	put(x, 7, T0 + 21600, "a,b", 2);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 7);
	same_answers(x, now, "evidence");
	put(x, 8, T0 + 86400 * 2, "a,b", 2);
	same_answers(x, now, "next day");
}

/* A late report (older than the latest) inserts its rows as history
 * and moves nothing. */
static void
test_late_report(void **state)
{
	struct fx *x = *state;
	int64_t now = T0 + 86400 * 10;

	put(x, 1, T0 + 3600, "a", 1);
	put(x, 2, T0, "a", 1); /* spooled, delivered late */
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 2);
	same_answers(x, now, "late");
	put(x, 3, T0 + 7200, "a", 1);
	same_answers(x, now, "after late");
}

/*
 * Rows shared (schema 13): unchanged reports leave the latest and the
 * previous scan on one scan's rows; a late report then becomes the
 * previous scan (the shared rows stay current), a changed one makes
 * the shared rows fixed or history, another late one is plain history.
 */
static void
test_shared_rows(void **state)
{
	struct fx *x = *state;
	int64_t now = T0 + 86400 * 10;

	put(x, 1, T0 + 3600, "a,b", 1);
	put(x, 2, T0 + 7200, "a,b", 1);
	put(x, 3, T0 + 10800, "a,b", 1);
	assert_int_equal(
		raw_int(x->path[0],
			"SELECT count(*) FROM hosts"
			" WHERE findings_scan_id = prev_findings_scan_id"
			" AND latest_scan_id <> findings_scan_id"),
		1);
	same_answers(x, now, "shared");
	put(x, 4, T0 + 9000, "a", 1); /* late, becomes the previous */
	same_answers(x, now, "late between");
	put(x, 5, T0 + 14400, "b,c", 1);
	same_answers(x, now, "changed");
	put(x, 6, T0 + 18000, "b,c", 1);
	same_answers(x, now, "changed, unchanged");
	put(x, 7, T0 + 100, "c", 1); /* late, history */
	same_answers(x, now, "late history");
	put(x, 8, T0 + 86400, "a,b", 1);
	same_answers(x, now, "next day");
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 8);
}

/*
 * A re-judgement of a host whose previous scan shares the latest's rows
 * (schema 13): the previous scan keeps the old judgement, so what the
 * new one drops is listed as fixed, as in the twin. With n unchanged
 * reports, the rows are the previous scan's own (2) or an older one's.
 */
static void
rejudge_shared(struct fx *x, int n_puts)
{
	struct vg_policy p;
	struct vg_err err;
	int64_t now = T0 + 86400 * 10;
	size_t n;
	int i;

	for (i = 1; i <= n_puts; i++)
		put(x, i, T0 + 3600 * i, "a,b", 1);
	vg_err_clear(&err);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	for (i = 0; i < 2; i++) {
		assert_int_equal(vg_store_rejudge(x->s[i], &p, now, NULL, NULL,
						  &n, &err),
				 VG_OK);
		assert_int_equal(n, 1);
	}
	vg_policy_release(&p);
	same_answers(x, now, "re-judged");
	put(x, n_puts + 1, T0 + 3600 * (n_puts + 1), "a,b", 1);
	same_answers(x, now, "after the re-judgement");
	put(x, n_puts + 2, T0 + 3600 * (n_puts + 2), "a,b", 1);
	same_answers(x, now, "unchanged after");
}

static void
test_rejudge_shared_prev(void **state)
{
	rejudge_shared(*state, 2);
}

static void
test_rejudge_shared_older(void **state)
{
	rejudge_shared(*state, 3);
}

/* The rejudge hook of test_rejudge_unchanged: the package set seen. */
static enum vg_rc
note_ref(void *ctx, struct vg_facts *f, const char *packages_ref,
	 struct vg_err *err)
{
	(void)f;
	(void)err;
	(void)snprintf(ctx, VG_SECTION_DIGEST_MAX, "%s",
		       packages_ref != NULL ? packages_ref : "(none)");
	return VG_OK;
}

/*
 * A re-judgement that changes nothing writes nothing (triggers count
 * every write), yet counts the host; the hook is given the host's
 * package set digest; the hosts split into parts, each judged once.
 */
static void
test_rejudge_unchanged(void **state)
{
	struct fx *x = *state;
	char ref[VG_SECTION_DIGEST_MAX] = "";
	struct vg_policy p;
	struct vg_err err;
	size_t n, n0, n1;

	put(x, 1, T0, "a,b", 1);
	vg_err_clear(&err);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	/* The rules judge the facts anew: not the report put. */
	assert_int_equal(
		vg_store_rejudge(x->s[0], &p, T0, note_ref, ref, &n, &err),
		VG_OK);
	assert_int_equal(n, 1);
	assert_true(vg_section_digest_valid(ref));
	assert_int_equal(raw_int(x->path[0],
				 "SELECT count(*) FROM scans"
				 " WHERE packages_ref IS NOT NULL"),
			 1);
	raw_exec(x->path[0],
		 "CREATE TABLE w(n INTEGER); INSERT INTO w VALUES (0);"
		 "CREATE TRIGGER w1 AFTER INSERT ON findings"
		 " BEGIN UPDATE w SET n = n + 1; END;"
		 "CREATE TRIGGER w2 AFTER UPDATE ON findings"
		 " BEGIN UPDATE w SET n = n + 1; END;"
		 "CREATE TRIGGER w3 AFTER DELETE ON findings"
		 " BEGIN UPDATE w SET n = n + 1; END;"
		 "CREATE TRIGGER w4 AFTER UPDATE ON scans"
		 " BEGIN UPDATE w SET n = n + 1; END;");
	/* The same policy again: the same judgement, nothing written. */
	assert_int_equal(
		vg_store_rejudge(x->s[0], &p, T0, NULL, NULL, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(raw_int(x->path[0], "SELECT n FROM w"), 0);
	/* In two parts: the host is in one of them. */
	assert_int_equal(vg_store_rejudge_part(x->s[0], &p, T0, NULL, NULL, 0,
					       2, &n0, &err),
			 VG_OK);
	assert_int_equal(vg_store_rejudge_part(x->s[0], &p, T0, NULL, NULL, 1,
					       2, &n1, &err),
			 VG_OK);
	assert_int_equal(n0 + n1, 1);
	assert_int_equal(vg_store_rejudge_part(x->s[0], &p, T0, NULL, NULL, 2,
					       2, &n, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_rejudge_part(x->s[0], &p, T0, NULL, NULL, 0,
					       0, &n, &err),
			 VG_ERR_USAGE);
	vg_policy_release(&p);
}

/* The sections: stored once, read back whole, by digest. */
static void
test_sections_store(void **state)
{
	struct fx *x = *state;
	struct vg_report_sections sec, sec2;
	char digests[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX];
	struct vg_facts f, g;
	struct vg_report r;
	struct vg_err err;
	json_t *doc, *v;
	bool dup;
	int i;

	facts(&f, T0, 40, "2.0");
	report(&r, "a", 1);
	memset(&sec, 0, sizeof(sec));
	vg_err_clear(&err);
	assert_int_equal(vg_store_put_report_sections(
				 x->s[0], AGENT,
				 "6f1c8a0e-2b7d-4c3e-9f10-000000000101", T0, &f,
				 &r, &sec, &dup, &err),
			 VG_OK);
	for (i = 0; i < VG_SECTION_AGENT_COUNT; i++) {
		assert_true(vg_section_digest_valid(sec.digest[i]));
		(void)snprintf(digests[i], sizeof(digests[i]), "%s",
			       sec.digest[i]);
	}
	/* One row per text: the empty members ("[]") share theirs. */
	assert_string_equal(digests[VG_SECTION_UPGRADES],
			    digests[VG_SECTION_GROUPS]);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM sections"),
			 2);
	/* By reference: nothing new stored, the same digests. */
	memset(&sec2, 0, sizeof(sec2));
	for (i = 0; i < VG_SECTION_AGENT_COUNT; i++)
		sec2.known[i] = digests[i];
	f.collected_at = T0 + 60;
	assert_int_equal(vg_store_put_report_sections(
				 x->s[0], AGENT,
				 "6f1c8a0e-2b7d-4c3e-9f10-000000000102",
				 T0 + 60, &f, &r, &sec2, &dup, &err),
			 VG_OK);
	for (i = 0; i < VG_SECTION_AGENT_COUNT; i++)
		assert_string_equal(sec2.digest[i], digests[i]);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM sections"),
			 2);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM scans"), 2);
	/* Read back: the whole facts (references resolved). */
	assert_int_equal(vg_store_last_scan(x->s[0], &doc, &err), VG_OK);
	vg_facts_init(&g);
	assert_int_equal(
		vg_facts_from_json(&g, json_object_get(doc, "facts"), &err),
		VG_OK);
	assert_int_equal(g.n_packages, 40);
	assert_string_equal(g.packages[39].name, "pkg-39");
	assert_string_equal(g.packages[39].version, "2.0");
	vg_facts_release(&g);
	json_decref(doc);
	/* section_get: the member's array; unknown or malformed: none. */
	assert_int_equal(vg_store_section_get(x->s[0],
					      digests[VG_SECTION_PACKAGES], &v,
					      &err),
			 VG_OK);
	assert_int_equal(json_array_size(v), 40);
	json_decref(v);
	assert_int_equal(
		vg_store_section_get(x->s[0],
				     "blake2b:00000000000000000000000000000000"
				     "00000000000000000000000000000000",
				     &v, &err),
		VG_ERR_NOTFOUND);
	assert_null(v);
	assert_int_equal(vg_store_section_get(x->s[0], "x'; --", &v, &err),
			 VG_ERR_NOTFOUND);
	/* A reference the store does not hold: NOTFOUND, nothing kept. */
	sec2.known[VG_SECTION_GROUPS] =
		"blake2b:1111111111111111111111111111111111111111111111111111"
		"111111111111";
	assert_int_equal(vg_store_put_report_sections(
				 x->s[0], AGENT,
				 "6f1c8a0e-2b7d-4c3e-9f10-000000000103",
				 T0 + 120, &f, &r, &sec2, &dup, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM scans"), 2);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM reports"),
			 2);
	/* A section damaged in the file: the facts read as damaged, never
	 * as other facts. */
	raw_exec(x->path[0], "UPDATE sections SET body = x'28b52ffd00'");
	vg_store_free(x->s[0]);
	assert_int_equal(vg_store_open_sqlite(&x->s[0], x->path[0], &err),
			 VG_OK);
	assert_int_equal(vg_store_last_scan(x->s[0], &doc, &err), VG_ERR_STORE);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/*
 * Group commit: reports prepared apart, recorded in one transaction;
 * each keeps its own outcome (a refused one leaves no trace, a second
 * copy of a UUID is a duplicate), the others are stored.
 */
static void
test_group_commit(void **state)
{
	static const struct {
		const char *agent, *uuid;
		enum vg_rc rc;
		bool dup;
	} rows[] = {
		{AGENT, "6f1c8a0e-2b7d-4c3e-9f10-000000000201", VG_OK, false},
		/* an unknown agent: refused inside the transaction */
		{"6f1c8a0e-2b7d-4c3e-9f10-0000000000ff",
		 "6f1c8a0e-2b7d-4c3e-9f10-000000000202", VG_ERR_NOTFOUND,
		 false},
		{AGENT, "6f1c8a0e-2b7d-4c3e-9f10-000000000201", VG_OK, true},
		/* a bad key: refused at prepare */
		{AGENT, "", VG_ERR_USAGE, false},
		{AGENT, "6f1c8a0e-2b7d-4c3e-9f10-000000000203", VG_OK, false},
	};
	struct vg_report_sections sec[VG_ARRAY_LEN(rows)];
	struct vg_report_item it[VG_ARRAY_LEN(rows)], *v[VG_ARRAY_LEN(rows)];
	struct fx *x = *state;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	size_t i;

	facts(&f, T0, 5, "1.0");
	report(&r, "a", 1);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&it[i], 0, sizeof(it[i]));
		memset(&sec[i], 0, sizeof(sec[i]));
		it[i].agent_id = rows[i].agent;
		it[i].uuid = rows[i].uuid;
		it[i].received_at = T0 + (int64_t)i;
		it[i].f = &f;
		it[i].r = &r;
		it[i].sec = &sec[i];
		(void)vg_store_report_prepare(x->s[0], &it[i]);
		v[i] = &it[i];
	}
	vg_err_clear(&err);
	assert_int_equal(
		vg_store_reports_commit(x->s[0], v, VG_ARRAY_LEN(rows), &err),
		VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		if (it[i].rc != rows[i].rc || it[i].duplicate != rows[i].dup)
			fail_msg("row %zu: rc %d dup %d", i, it[i].rc,
				 it[i].duplicate);
		if (it[i].rc == VG_OK && !it[i].duplicate)
			assert_true(vg_section_digest_valid(
				sec[i].digest[VG_SECTION_PACKAGES]));
		vg_store_report_release(x->s[0], &it[i]);
	}
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM reports"),
			 2);
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM scans"), 2);
	/* The second scan moved the first's unchanged rows. */
	assert_int_equal(raw_int(x->path[0], "SELECT count(*) FROM findings"),
			 1);
	vg_report_release(&r);
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unchanged_findings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared_rows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejudge_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejudge_shared_prev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejudge_shared_older,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sections_store, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

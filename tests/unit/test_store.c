/*
 * The store contract, written once and run against both backends
 * (memory and SQLite), then what only SQLite has: file mode, reopening,
 * migrations, a newer schema, rollback, concurrent connections and a
 * large scan.
 */
#include "util/common.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/store.h"
#include "util/banned.h"

struct fixture {
	struct vg_store *s;
	char *dir;
	char path[4096];
};

static void
make_facts(struct vg_facts *f, const char *host, int64_t at, size_t n_acc)
{
	struct vg_account *a;
	char name[32];
	size_t i;

	vg_facts_init(f);
	f->collected_at = at;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = host != NULL ? vg_facts_str(f, host) : NULL;
	f->os.id = vg_facts_str(f, "debian");
	vg_facts_collected(f, VG_SRC_OS);
	vg_facts_collected(f, VG_SRC_PASSWD);
	vg_facts_not_collected(f, VG_SRC_LOGINS, "cannot read '%s': %s",
			       "/var/log/wtmp", "No such file or directory");
	for (i = 0; i < n_acc; i++) {
		a = vg_facts_add_account(f);
		assert_non_null(a);
		(void)snprintf(name, sizeof(name), "user%zu", i);
		a->name = vg_facts_str(f, name);
		a->uid = 1000 + (int64_t)i;
		a->gid = 100;
		a->home = vg_facts_str(f, "/home/x");
		a->shell = vg_facts_str(f, "/bin/bash");
		a->pw = VG_PW_HASH;
		a->scheme = vg_facts_str(f, "yescrypt");
		a->last_login = at - 86400;
	}
}

/* A report with n findings, one not-evaluated check, scores. */
static void
make_report(struct vg_report *r, size_t n, int overall)
{
	char subject[32];
	size_t i;
	int k;

	vg_report_init(r);
	for (i = 0; i < n; i++) {
		(void)snprintf(subject, sizeof(subject), "user%zu", i);
		assert_int_equal(vg_report_add(r, 2, "test.finding",
					       VG_SEV_MEDIUM, subject,
					       json_pack("{s:s,s:I}", "shell",
							 "/bin/bash", "days",
							 (json_int_t)i),
					       NULL),
				 VG_OK);
	}
	assert_int_equal(vg_report_not_evaluated(r, 2, "test.dormant",
						 "cannot read 'wtmp'"),
			 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r->scores[k] = k <= 7 ? 90 - k : VG_SCORE_NONE;
	r->overall = overall;
}

static int64_t
put(struct vg_store *s, const char *host, int64_t at, size_t n_find,
    int overall)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id = -1;

	make_facts(&f, host, at, 3);
	make_report(&r, n_find, overall);
	vg_err_clear(&err);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
	return id;
}

/* ---------------------------------------------------------------- */
/* Fixtures                                                         */
/* ---------------------------------------------------------------- */

static int
setup_memory(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	assert_int_equal(vg_store_open_memory(&fx->s, &err), VG_OK);
	*state = fx;
	return 0;
}

static int
setup_sqlite(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(fx->path, sizeof(fx->path), "%s/vigie.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	vg_store_free(fx->s);
	if (fx->dir != NULL) {
		vg_test_rmtree(fx->dir);
		free(fx->dir);
	}
	free(fx);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Behaviour, both backends                                         */
/* ---------------------------------------------------------------- */

static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = (void *)1;
	struct vg_err err;
	json_t *doc = (void *)1;
	size_t n = 99;

	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err),
			 VG_ERR_NOTFOUND);
	assert_null(doc);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 0);
	free(v);
}

static void
test_list_order(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	int64_t a, b, c;
	size_t n;

	a = put(fx->s, "alpha", 1000, 2, 80);
	b = put(fx->s, "beta", 3000, 0, VG_SCORE_NONE);
	c = put(fx->s, "alpha", 2000, 5, 60);
	assert_true(a > 0 && b > a && c > b);

	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, b);
	assert_int_equal(v[1].id, c);
	assert_int_equal(v[2].id, a);
	assert_int_equal(v[0].at, 3000);
	assert_string_equal(v[0].host, "beta");
	assert_string_equal(v[1].host, "alpha");
	assert_int_equal(v[0].overall, VG_SCORE_NONE);
	assert_int_equal(v[1].overall, 60);
	assert_int_equal(v[1].n_findings, 5);
	assert_int_equal(v[2].n_findings, 2);
	assert_int_equal(v[0].n_findings, 0);
	assert_int_equal(v[2].scores[1], 89);
	assert_int_equal(v[2].scores[7], 83);
	assert_int_equal(v[2].scores[8], VG_SCORE_NONE);
	free(v);

	/* At most max, still newest first. */
	assert_int_equal(vg_store_list_scans(fx->s, 2, &v, &n, &err), VG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b);
	assert_int_equal(v[1].id, c);
	free(v);
}

/* Equal times: the scan recorded last comes first. */
static void
test_same_time(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	int64_t a, b;
	json_t *doc;
	size_t n;

	a = put(fx->s, "h", 5000, 1, 50);
	b = put(fx->s, "h", 5000, 1, 70);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b);
	assert_int_equal(v[1].id, a);
	free(v);
	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_OK);
	assert_int_equal(json_integer_value(json_object_get(doc, "id")), b);
	json_decref(doc);
}

/* last_scan gives back facts and report that decode to the originals. */
static void
test_last_scan_round_trip(void **state)
{
	struct fixture *fx = *state;
	struct vg_facts f, g;
	struct vg_report r, back;
	struct vg_err err;
	json_t *doc, *j1, *j2, *r1, *r2;
	int64_t id;

	(void)put(fx->s, "old", 100, 1, 10);
	make_facts(&f, "pc-accueil", 200, 50);
	make_report(&r, 7, 77);
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id, &err), VG_OK);
	(void)put(fx->s, "older", 150, 1, 10);

	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_OK);
	assert_int_equal(json_integer_value(json_object_get(doc, "id")), id);
	vg_facts_init(&g);
	vg_report_init(&back);
	if (vg_facts_from_json(&g, json_object_get(doc, "facts"), &err) !=
	    VG_OK)
		fail_msg("facts: %s", err.msg);
	if (vg_report_from_json(&back, doc, &err) != VG_OK)
		fail_msg("report: %s", err.msg);

	j1 = vg_facts_to_json(&f);
	j2 = vg_facts_to_json(&g);
	assert_true(json_equal(j1, j2));
	r1 = json_object();
	r2 = json_object();
	assert_int_equal(vg_report_to_json(&r, r1, false), VG_OK);
	assert_int_equal(vg_report_to_json(&back, r2, false), VG_OK);
	assert_true(json_equal(r1, r2));
	assert_int_equal(back.n_findings, 7);
	assert_int_equal(back.overall, 77);
	assert_string_equal(g.os.hostname, "pc-accueil");
	assert_int_equal(g.n_accounts, 50);

	json_decref(j1);
	json_decref(j2);
	json_decref(r1);
	json_decref(r2);
	json_decref(doc);
	vg_report_release(&r);
	vg_report_release(&back);
	vg_facts_release(&f);
	vg_facts_release(&g);
}

/* The caller owns what last_scan returns: changing it changes nothing. */
static void
test_last_scan_is_a_copy(void **state)
{
	struct fixture *fx = *state;
	struct vg_err err;
	json_t *d1, *d2;

	(void)put(fx->s, "h", 1, 1, 1);
	assert_int_equal(vg_store_last_scan(fx->s, &d1, &err), VG_OK);
	json_object_set_new(d1, "facts", json_null());
	json_object_clear(json_object_get(d1, "scores"));
	assert_int_equal(vg_store_last_scan(fx->s, &d2, &err), VG_OK);
	assert_true(json_is_object(json_object_get(d2, "facts")));
	assert_int_equal(json_object_size(json_object_get(d2, "scores")),
			 VG_RULE_COUNT + 1);
	json_decref(d1);
	json_decref(d2);
}

/* A host with no name and unknown time is still recorded. */
static void
test_unnamed_host(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	size_t n;

	(void)put(fx->s, NULL, VG_TIME_UNKNOWN, 0, VG_SCORE_NONE);
	assert_int_equal(vg_store_list_scans(fx->s, 5, &v, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].host, "");
	assert_int_equal(v[0].at, VG_TIME_UNKNOWN);
	free(v);
}

/* Run one SQL statement on the file behind the store's back. */
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

/* Rows in a table (a name of ours, not input). */
static int64_t
raw_count(const char *path, const char *table)
{
	char sql[128];

	(void)snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return raw_int(path, sql);
}

/*
 * Facts are stored as a zstd frame (migration 4) and read back whole; a
 * row written before (text, codec 0) still reads; a damaged frame is a
 * store error, not a crash.
 */
static void
test_sqlite_facts_zstd(void **state)
{
	struct fixture *fx = *state;
	struct vg_facts g;
	struct vg_err err;
	json_t *doc;
	int64_t id, len;
	char sql[256], *text;

	id = put(fx->s, "pc-zstd", 300, 2, 50);
	assert_true(id > 0);
	assert_int_equal(raw_int(fx->path, "SELECT facts_codec FROM scans"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT length(facts) FROM scans"),
			 0);
	len = raw_int(fx->path, "SELECT length(facts_zstd) FROM scans");
	assert_true(len > 0);
	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_OK);
	vg_facts_init(&g);
	if (vg_facts_from_json(&g, json_object_get(doc, "facts"), &err) !=
	    VG_OK)
		fail_msg("facts: %s", err.msg);
	assert_string_equal(g.os.hostname, "pc-zstd");
	assert_int_equal(g.n_accounts, 3);
	text = json_dumps(json_object_get(doc, "facts"), JSON_COMPACT);
	assert_non_null(text);
	assert_true(len < (int64_t)strlen(text));
	free(text);
	vg_facts_release(&g);
	json_decref(doc);

	/* A row as schema 3 wrote it: text, no frame. */
	(void)snprintf(sql, sizeof(sql),
		       "UPDATE scans SET facts_codec = 0, facts_zstd = NULL,"
		       " facts = '{\"schema\":\"old\"}' WHERE id = %lld",
		       (long long)id);
	raw_exec(fx->path, sql);
	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_OK);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(doc, "facts"), "schema")),
			    "old");
	json_decref(doc);

	/* A damaged frame. */
	(void)snprintf(sql, sizeof(sql),
		       "UPDATE scans SET facts_codec = 1,"
		       " facts_zstd = x'28b52ffd00ffffff' WHERE id = %lld",
		       (long long)id);
	raw_exec(fx->path, sql);
	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_ERR_STORE);
}

/* ---------------------------------------------------------------- */
/* Server records, both backends                                    */
/* ---------------------------------------------------------------- */

static struct vg_user_rec
user(const char *name, const char *role)
{
	struct vg_user_rec u;

	memset(&u, 0, sizeof(u));
	(void)snprintf(u.name, sizeof(u.name), "%s", name);
	(void)snprintf(u.role, sizeof(u.role), "%s", role);
	(void)snprintf(u.pwhash, sizeof(u.pwhash), "$argon2id$v=19$%s", name);
	u.created_at = 1700000000;
	return u;
}

static void
add_agent(struct vg_store *s, const char *id, const char *hostname)
{
	struct vg_agent_rec a;
	struct vg_err err;

	memset(&a, 0, sizeof(a));
	(void)snprintf(a.id, sizeof(a.id), "%s", id);
	(void)snprintf(a.site, sizeof(a.site), "chu-nord");
	(void)snprintf(a.hostname, sizeof(a.hostname), "%s", hostname);
	(void)snprintf(a.secret_hash, sizeof(a.secret_hash), "%064d", 7);
	a.enrolled_at = 1000;
	vg_err_clear(&err);
	if (vg_store_agent_add(s, &a, &err) != VG_OK)
		fail_msg("agent_add: %s", err.msg);
}

/* put_report of facts naming host (NULL: none) at time at. */
static enum vg_rc
report(struct vg_store *s, const char *agent, const char *uuid,
       const char *host, int64_t at, bool *dup, struct vg_err *err)
{
	struct vg_facts f;
	struct vg_report r;
	enum vg_rc rc;

	make_facts(&f, host, at, 2);
	make_report(&r, 3, 70);
	vg_err_clear(err);
	rc = vg_store_put_report(s, agent, uuid, at + 5, &f, &r, dup, err);
	vg_report_release(&r);
	vg_facts_release(&f);
	return rc;
}

static void
test_users(void **state)
{
	struct fixture *fx = *state;
	struct vg_user_rec u = user("alice", "rssi"), v = user("bob", "admin");
	struct vg_user_rec got;
	struct vg_err err;
	int64_t first;

	assert_int_equal(vg_store_user_add(fx->s, &u, &err), VG_OK);
	assert_int_equal(vg_store_user_add(fx->s, &v, &err), VG_OK);
	assert_int_equal(vg_store_user_get(fx->s, "alice", &got, &err), VG_OK);
	assert_string_equal(got.name, "alice");
	assert_string_equal(got.role, "rssi");
	assert_string_equal(got.pwhash, "$argon2id$v=19$alice");
	assert_int_equal(got.created_at, 1700000000);
	assert_true(got.id > 0);
	first = got.id;
	assert_int_equal(vg_store_user_get(fx->s, "bob", &got, &err), VG_OK);
	assert_string_equal(got.role, "admin");
	assert_true(got.id != first);

	/* A duplicate name is refused, the first user unchanged. */
	u = user("alice", "auditeur");
	vg_err_clear(&err);
	assert_int_equal(vg_store_user_add(fx->s, &u, &err), VG_ERR_USAGE);
	assert_string_equal(err.msg, "user 'alice' already exists");
	assert_int_equal(vg_store_user_get(fx->s, "alice", &got, &err), VG_OK);
	assert_string_equal(got.role, "rssi");

	/* Names are exact: no case folding, no prefix. */
	got.id = 99;
	assert_int_equal(vg_store_user_get(fx->s, "Alice", &got, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(got.id, 0);
	assert_int_equal(vg_store_user_get(fx->s, "ali", &got, &err),
			 VG_ERR_NOTFOUND);
	/* An empty name is not a user. */
	u = user("", "admin");
	assert_int_equal(vg_store_user_add(fx->s, &u, &err), VG_ERR_USAGE);
	assert_int_equal(vg_store_user_get(fx->s, "", &got, &err),
			 VG_ERR_USAGE);
}

/* A token is spent by its first use. */
static void
test_token_once(void **state)
{
	struct fixture *fx = *state;
	char site[VG_STORE_NAME_MAX];
	struct vg_err err;

	assert_int_equal(
		vg_store_token_add(fx->s, "aa11", "chu-nord", 5000, &err),
		VG_OK);
	assert_int_equal(
		vg_store_token_add(fx->s, "bb22", "chu-sud", 5000, &err),
		VG_OK);
	assert_int_equal(vg_store_token_add(fx->s, "aa11", "x", 9000, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_token_consume(fx->s, "aa11", 100, site, &err),
			 VG_OK);
	assert_string_equal(site, "chu-nord");
	vg_err_clear(&err);
	assert_int_equal(vg_store_token_consume(fx->s, "aa11", 101, site, &err),
			 VG_ERR_NOTFOUND);
	assert_string_equal(site, "");
	assert_string_equal(err.msg,
			    "enrolment token unknown, used or expired");
	assert_int_equal(vg_store_token_consume(fx->s, "cc33", 100, site, &err),
			 VG_ERR_NOTFOUND);
	/* The other token is untouched. */
	assert_int_equal(vg_store_token_consume(fx->s, "bb22", 100, site, &err),
			 VG_OK);
	assert_string_equal(site, "chu-sud");
}

/* Expiry is strict: a token is valid while now < expires_at. */
static void
test_token_expiry(void **state)
{
	static const struct {
		int64_t expires_at, now;
		enum vg_rc rc;
	} rows[] = {
		{1000, 999, VG_OK},
		{1000, 1000, VG_ERR_NOTFOUND},
		{1000, 1001, VG_ERR_NOTFOUND},
		{1000, INT64_MAX, VG_ERR_NOTFOUND},
		{INT64_MAX, INT64_MAX - 1, VG_OK},
		{-5, -6, VG_OK},
		{0, INT64_MIN, VG_OK},
	};
	struct fixture *fx = *state;
	char site[VG_STORE_NAME_MAX], hash[32];
	struct vg_err err;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		(void)snprintf(hash, sizeof(hash), "t%zu", i);
		assert_int_equal(vg_store_token_add(fx->s, hash, "s",
						    rows[i].expires_at, &err),
				 VG_OK);
		if (vg_store_token_consume(fx->s, hash, rows[i].now, site,
					   &err) != rows[i].rc)
			fail_msg("row %zu: %s", i, err.msg);
	}
	/* An expired token refused stays refused after its expiry. */
	assert_int_equal(vg_store_token_consume(fx->s, "t1", 0, site, &err),
			 VG_OK);
}

static void
test_agents_apikeys(void **state)
{
	struct fixture *fx = *state;
	struct vg_agent_rec a, got;
	struct vg_apikey_rec k, kg;
	struct vg_err err;

	add_agent(fx->s, "0b7e6c3a-1111-4a4a-8b8b-000000000001", "srv-01");
	assert_int_equal(vg_store_agent_get(
				 fx->s, "0b7e6c3a-1111-4a4a-8b8b-000000000001",
				 &got, &err),
			 VG_OK);
	assert_string_equal(got.site, "chu-nord");
	assert_string_equal(got.hostname, "srv-01");
	assert_int_equal(strlen(got.secret_hash), 64);
	assert_int_equal(got.enrolled_at, 1000);
	assert_int_equal(got.last_seen, 0);
	a = got;
	vg_err_clear(&err);
	assert_int_equal(vg_store_agent_add(fx->s, &a, &err), VG_ERR_USAGE);
	assert_string_equal(err.msg,
			    "agent "
			    "'0b7e6c3a-1111-4a4a-8b8b-000000000001' "
			    "already exists");
	assert_int_equal(vg_store_agent_get(fx->s, "nope", &got, &err),
			 VG_ERR_NOTFOUND);
	assert_string_equal(got.id, "");
	/* An id longer than a UUID's room is refused, not truncated. */
	assert_int_equal(
		vg_store_agent_get(
			fx->s, "0b7e6c3a-1111-4a4a-8b8b-000000000001-and-more",
			&got, &err),
		VG_ERR_USAGE);

	memset(&k, 0, sizeof(k));
	(void)snprintf(k.id, sizeof(k.id), "key-1");
	(void)snprintf(k.role, sizeof(k.role), "auditeur");
	(void)snprintf(k.secret_hash, sizeof(k.secret_hash), "ff00");
	k.created_at = 42;
	assert_int_equal(vg_store_apikey_add(fx->s, &k, &err), VG_OK);
	assert_int_equal(vg_store_apikey_get(fx->s, "key-1", &kg, &err), VG_OK);
	assert_string_equal(kg.role, "auditeur");
	assert_string_equal(kg.secret_hash, "ff00");
	assert_int_equal(kg.created_at, 42);
	vg_err_clear(&err);
	assert_int_equal(vg_store_apikey_add(fx->s, &k, &err), VG_ERR_USAGE);
	assert_string_equal(err.msg, "API key 'key-1' already exists");
	assert_int_equal(vg_store_apikey_get(fx->s, "key-2", &kg, &err),
			 VG_ERR_NOTFOUND);
	/* Agents and keys are separate name spaces. */
	assert_int_equal(vg_store_agent_get(fx->s, "key-1", &got, &err),
			 VG_ERR_NOTFOUND);
}

static void
test_put_report(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_agent_rec got;
	struct vg_err err;
	json_t *doc;
	bool dup = true;
	size_t n;

	add_agent(fx->s, "agent-a", "enrolled-name");
	(void)put(fx->s, "local", 100, 0, 50);
	assert_int_equal(
		report(fx->s, "agent-a", "uuid-1", "srv-01", 2000, &dup, &err),
		VG_OK);
	assert_false(dup);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].host, "srv-01");
	assert_int_equal(v[0].at, 2000);
	assert_int_equal(v[0].n_findings, 3);
	assert_int_equal(v[0].overall, 70);
	free(v);
	assert_int_equal(vg_store_last_scan(fx->s, &doc, &err), VG_OK);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(doc, "facts"), "os"),
			"hostname")),
		"srv-01");
	json_decref(doc);
	assert_int_equal(vg_store_agent_get(fx->s, "agent-a", &got, &err),
			 VG_OK);
	assert_int_equal(got.last_seen, 2005);

	/* A resend: reported as a duplicate, nothing stored or changed. */
	assert_int_equal(
		report(fx->s, "agent-a", "uuid-1", "srv-01", 9000, &dup, &err),
		VG_OK);
	assert_true(dup);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].at, 2000);
	free(v);
	assert_int_equal(vg_store_agent_get(fx->s, "agent-a", &got, &err),
			 VG_OK);
	assert_int_equal(got.last_seen, 2005);

	/* Facts without a hostname: the name given at enrolment. */
	assert_int_equal(
		report(fx->s, "agent-a", "uuid-2", NULL, 3000, &dup, &err),
		VG_OK);
	assert_false(dup);
	assert_int_equal(vg_store_list_scans(fx->s, 1, &v, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].host, "enrolled-name");
	free(v);
	assert_int_equal(vg_store_agent_get(fx->s, "agent-a", &got, &err),
			 VG_OK);
	assert_int_equal(got.last_seen, 3005);
}

static void
test_put_report_refused(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	bool dup = true;
	size_t n = 9;

	assert_int_equal(report(fx->s, "ghost", "uuid-1", "h", 10, &dup, &err),
			 VG_ERR_NOTFOUND);
	assert_false(dup);
	assert_non_null(strstr(err.msg, "ghost"));
	add_agent(fx->s, "a", "h");
	assert_int_equal(report(fx->s, "a", "", "h", 10, &dup, &err),
			 VG_ERR_USAGE);
	assert_int_equal(report(fx->s, "",
				"0b7e6c3a-1111-4a4a-8b8b-000000000001", "h", 10,
				&dup, &err),
			 VG_ERR_USAGE);
	assert_int_equal(
		report(fx->s, "a",
		       "0b7e6c3a-1111-4a4a-8b8b-000000000001-too-long-to-be",
		       "h", 10, &dup, &err),
		VG_ERR_USAGE);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 0);
	free(v);
	/* The refused UUID was not recorded: it can still be sent. */
	assert_int_equal(report(fx->s, "a", "uuid-1", "h", 10, &dup, &err),
			 VG_OK);
	assert_false(dup);
}

/* Two agents on machines of one name are two hosts; a local scan of
 * that name a third. */
static void
test_same_hostname(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	bool dup;
	size_t n, i;

	add_agent(fx->s, "a1", "srv");
	add_agent(fx->s, "a2", "srv");
	assert_int_equal(report(fx->s, "a1", "u1", "srv", 10, &dup, &err),
			 VG_OK);
	assert_int_equal(report(fx->s, "a2", "u2", "srv", 20, &dup, &err),
			 VG_OK);
	(void)put(fx->s, "srv", 30, 0, 10);
	assert_int_equal(report(fx->s, "a1", "u3", "srv", 40, &dup, &err),
			 VG_OK);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++)
		assert_string_equal(v[i].host, "srv");
	free(v);
	if (fx->dir != NULL) {
		assert_int_equal(raw_count(fx->path, "hosts"), 3);
		assert_int_equal(raw_int(fx->path,
					 "SELECT count(DISTINCT host_id)"
					 " FROM scans"),
				 3);
		assert_int_equal(raw_int(fx->path,
					 "SELECT count(*) FROM hosts"
					 " WHERE agent_id IS NULL"),
				 1);
		assert_int_equal(raw_int(fx->path,
					 "SELECT count(*) FROM agents a"
					 " JOIN hosts h ON h.id = a.host_id"
					 " AND h.agent_id = a.id"),
				 2);
	}
}

/* An agent's host follows its agent through a rename. */
static void
test_agent_renamed(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	bool dup;
	size_t n;

	add_agent(fx->s, "a1", "old");
	assert_int_equal(report(fx->s, "a1", "u1", "old", 10, &dup, &err),
			 VG_OK);
	assert_int_equal(report(fx->s, "a1", "u2", "new", 20, &dup, &err),
			 VG_OK);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].host, "new");
	assert_string_equal(v[1].host, "new");
	free(v);
	if (fx->dir != NULL)
		assert_int_equal(raw_count(fx->path, "hosts"), 1);
}

static void
test_audit(void **state)
{
	struct fixture *fx = *state;
	struct vg_err err;

	assert_int_equal(
		vg_store_audit_add(fx->s, 10, "alice", "login", NULL, &err),
		VG_OK);
	assert_int_equal(vg_store_audit_add(fx->s, 11, "alice", "token.create",
					    "site=chu-nord", &err),
			 VG_OK);
	assert_int_equal(
		vg_store_audit_add(fx->s, 12, "alice", NULL, "x", &err),
		VG_ERR_USAGE);
	assert_int_equal(
		vg_store_audit_add(fx->s, 12, NULL, "login", "x", &err),
		VG_ERR_USAGE);
	if (fx->dir != NULL) {
		assert_int_equal(raw_count(fx->path, "audit"), 2);
		assert_int_equal(raw_int(fx->path,
					 "SELECT count(*) FROM audit"
					 " WHERE detail IS NULL AND at = 10"),
				 1);
	}
}

/* ---------------------------------------------------------------- */
/* SQLite only                                                      */
/* ---------------------------------------------------------------- */

static void
test_sqlite_mode(void **state)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	struct stat st;
	char *dir = vg_test_tmpdir(), path[4096];
	mode_t old;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/m.db", dir);
	old = umask(022);
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_OK);
	(void)umask(old);
	(void)put(s, "h", 1, 1, 1);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The WAL file exists while the store is open, same mode. */
	(void)snprintf(path, sizeof(path), "%s/m.db-wal", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

/* Opening again migrates nothing and keeps every scan. */
static void
test_sqlite_reopen(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_err err;
	size_t n;
	int i;

	(void)put(fx->s, "h", 10, 3, 40);
	vg_store_free(fx->s);
	fx->s = NULL;
	for (i = 0; i < 2; i++) {
		assert_int_equal(vg_store_open_sqlite(&fx->s, fx->path, &err),
				 VG_OK);
		assert_int_equal(vg_store_list_scans(fx->s, 10, &v, &n, &err),
				 VG_OK);
		assert_int_equal(n, 1);
		assert_int_equal(v[0].n_findings, 3);
		free(v);
		vg_store_free(fx->s);
		fx->s = NULL;
	}
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 17);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM scans"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM hosts"), 1);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE type = 'table'"),
			 29);
	/* WAL mode is a property of the file: it stays. */
	{
		sqlite3_stmt *st = NULL;
		sqlite3 *db = NULL;

		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode",
						    -1, &st, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
				    "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
}

static void
test_sqlite_newer_schema(void **state)
{
	struct fixture *fx = *state;
	struct vg_err err;

	vg_store_free(fx->s);
	fx->s = NULL;
	raw_exec(fx->path, "PRAGMA user_version = 999");
	vg_err_clear(&err);
	assert_int_equal(vg_store_open_sqlite(&fx->s, fx->path, &err),
			 VG_ERR_STORE);
	assert_null(fx->s);
	assert_non_null(strstr(err.msg, "newer vigie (schema 999)"));
	assert_non_null(strstr(err.msg, fx->path));
	/* Left as it was found. */
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 999);
}

/*
 * A reader's open (vg_store_open_sqlite_read): it reads, refuses every
 * write, and does not parse the triggers of derived data, which are no
 * longer in the file (migration 17); a writer's connection makes them
 * its own and keeps the host's latest score. An older schema is opened
 * by a writer's open, migrated; a newer one and a non-database refused.
 */
static void
test_sqlite_read_only(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *v = NULL;
	struct vg_store *r = NULL;
	struct vg_facts f;
	struct vg_report rep;
	struct vg_err err;
	int64_t id = 0;
	size_t n = 0;

	assert_true(put(fx->s, "alpha", 100, 2, 70) > 0);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM hosts"
				 " WHERE latest_overall = 70"),
			 1);
	assert_int_equal(
		raw_int(fx->path,
			"SELECT count(*) FROM sqlite_master"
			" WHERE type = 'trigger' AND name NOT IN"
			" ('timeline_no_update', 'timeline_no_delete')"),
		0);
	vg_err_clear(&err);
	assert_int_equal(vg_store_open_sqlite_read(&r, fx->path, &err), VG_OK);
	assert_int_equal(vg_store_list_scans(r, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	free(v);
	make_facts(&f, "beta", 200, 3);
	make_report(&rep, 1, 50);
	assert_int_equal(vg_store_put_scan(r, &f, &rep, &id, &err),
			 VG_ERR_STORE);
	assert_non_null(strstr(err.msg, "readonly"));
	vg_report_release(&rep);
	vg_facts_release(&f);
	vg_store_free(r);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM scans"), 1);
	/* The writer's triggers follow its next scan. */
	assert_true(put(fx->s, "alpha", 300, 1, 40) > 0);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM hosts"
				 " WHERE latest_overall = 40"),
			 1);
	vg_store_free(fx->s);
	fx->s = NULL;

	raw_exec(fx->path, "PRAGMA user_version = 16");
	assert_int_equal(vg_store_open_sqlite_read(&r, fx->path, &err), VG_OK);
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 17);
	vg_store_free(r);
	raw_exec(fx->path, "PRAGMA user_version = 999");
	assert_int_equal(vg_store_open_sqlite_read(&r, fx->path, &err),
			 VG_ERR_STORE);
	assert_null(r);
	assert_non_null(strstr(err.msg, "newer vigie (schema 999)"));
	raw_exec(fx->path, "PRAGMA user_version = 17");
	/* Neither a file that is not a store nor a missing one. */
	vg_test_write(fx->dir, "junk.db",
		      "this is not an SQLite file, just text, long enough to "
		      "cover a header of one hundred bytes or so, yes indeed "
		      "it is long enough now.\n");
	(void)snprintf(fx->path, sizeof(fx->path), "%s/junk.db", fx->dir);
	assert_int_equal(vg_store_open_sqlite_read(&r, fx->path, &err),
			 VG_ERR_STORE);
	assert_null(r);
	(void)snprintf(fx->path, sizeof(fx->path), "%s/none.db", fx->dir);
	assert_int_equal(vg_store_open_sqlite_read(&r, fx->path, &err),
			 VG_ERR_STORE);
	assert_null(r);
	assert_int_equal(access(fx->path, F_OK), -1);
}

static void
test_sqlite_not_a_database(void **state)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	char *dir = vg_test_tmpdir(), path[4096];

	(void)state;
	vg_test_write(dir, "junk.db",
		      "this is not an SQLite file, just text, long enough to "
		      "cover a header of one hundred bytes or so, yes indeed "
		      "it is long enough now.\n");
	(void)snprintf(path, sizeof(path), "%s/junk.db", dir);
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_ERR_STORE);
	assert_null(s);
	/* A directory that does not exist. */
	(void)snprintf(path, sizeof(path), "%s/nope/x.db", dir);
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_ERR_IO);
	assert_null(s);
	vg_test_rmtree(dir);
	free(dir);
}

/* A failure half-way through put_scan leaves no trace of the scan. */
static void
test_sqlite_rollback(void **state)
{
	struct fixture *fx = *state;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id = 42;

	raw_exec(fx->path,
		 "CREATE TRIGGER boom BEFORE INSERT ON not_evaluated"
		 " BEGIN SELECT RAISE(ABORT, 'boom'); END");
	make_facts(&f, "h", 10, 3);
	make_report(&r, 4, 50);
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id, &err),
			 VG_ERR_STORE);
	assert_int_equal(id, 0);
	assert_non_null(strstr(err.msg, "boom"));
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM scans"), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM findings"), 0);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM hosts"), 0);
	/* The store is still usable once the cause is gone. */
	raw_exec(fx->path, "DROP TRIGGER boom");
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id, &err), VG_OK);
	assert_true(id > 0);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* A failure half-way through put_report leaves no trace of the report. */
static void
test_sqlite_report_rollback(void **state)
{
	struct fixture *fx = *state;
	struct vg_agent_rec got;
	struct vg_err err;
	bool dup = true;

	add_agent(fx->s, "a", "h");
	raw_exec(fx->path,
		 "CREATE TRIGGER boom BEFORE INSERT ON reports"
		 " BEGIN SELECT RAISE(ABORT, 'boom'); END");
	assert_int_equal(report(fx->s, "a", "u1", "h", 10, &dup, &err),
			 VG_ERR_STORE);
	assert_false(dup);
	assert_non_null(strstr(err.msg, "cannot record the report"));
	assert_non_null(strstr(err.msg, "boom"));
	assert_int_equal(raw_count(fx->path, "scans"), 0);
	assert_int_equal(raw_count(fx->path, "findings"), 0);
	assert_int_equal(raw_count(fx->path, "hosts"), 0);
	assert_int_equal(raw_count(fx->path, "reports"), 0);
	assert_int_equal(vg_store_agent_get(fx->s, "a", &got, &err), VG_OK);
	assert_int_equal(got.last_seen, 0);
	/* Once the cause is gone the same report goes in, once. */
	raw_exec(fx->path, "DROP TRIGGER boom");
	assert_int_equal(report(fx->s, "a", "u1", "h", 10, &dup, &err), VG_OK);
	assert_false(dup);
	assert_int_equal(raw_count(fx->path, "reports"), 1);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM reports r"
				 " JOIN scans s ON s.id = r.scan_id"
				 " WHERE r.agent_id = 'a'"
				 " AND r.received_at = 15"),
			 1);
}

/* The schema as vigie 0.1 released it (migration 1), never to change. */
static const char v1_schema[] =
	"CREATE TABLE hosts ("
	" id INTEGER PRIMARY KEY,"
	" hostname TEXT NOT NULL UNIQUE);"
	"CREATE TABLE scans ("
	" id INTEGER PRIMARY KEY,"
	" host_id INTEGER NOT NULL REFERENCES hosts(id),"
	" collected_at INTEGER NOT NULL,"
	" facts TEXT NOT NULL,"
	" overall INTEGER,"
	" scores TEXT);"
	"CREATE INDEX scans_host_time ON scans(host_id, collected_at);"
	"CREATE INDEX scans_time ON scans(collected_at, id);"
	"CREATE TABLE findings ("
	" id INTEGER PRIMARY KEY,"
	" scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
	" rule INTEGER NOT NULL,"
	" check_id TEXT NOT NULL,"
	" severity TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" evidence TEXT NOT NULL,"
	" remediation TEXT);"
	"CREATE INDEX findings_scan ON findings(scan_id);"
	"CREATE TABLE not_evaluated ("
	" scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
	" rule INTEGER NOT NULL,"
	" check_id TEXT NOT NULL,"
	" reason TEXT NOT NULL);"
	"CREATE INDEX not_evaluated_scan ON not_evaluated(scan_id);"
	"INSERT INTO hosts(id, hostname) VALUES (7, 'old-host');"
	"INSERT INTO scans(id, host_id, collected_at, facts, overall, scores)"
	" VALUES (3, 7, 1234, '{}', 55, '{\"R1\":90,\"R2\":null}');"
	"INSERT INTO findings(scan_id, rule, check_id, severity, subject,"
	" evidence) VALUES (3, 2, 'x.y', 'high', 'root', '{}');"
	"PRAGMA user_version = 1;";

/* A v1 file is brought up to date on open, its scans kept and usable. */
static void
test_sqlite_migrate_v1(void **state)
{
	struct vg_scan_summary *v = NULL;
	struct vg_store *s = NULL;
	struct vg_err err;
	char *dir = vg_test_tmpdir(), path[4096];
	bool dup;
	size_t n;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/v1.db", dir);
	raw_exec(path, v1_schema);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 17);
	assert_int_equal(vg_store_list_scans(s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, 3);
	assert_int_equal(v[0].at, 1234);
	assert_string_equal(v[0].host, "old-host");
	assert_int_equal(v[0].overall, 55);
	assert_int_equal(v[0].scores[1], 90);
	assert_int_equal(v[0].n_findings, 1);
	free(v);

	/* The old host is a local host: a new local scan finds it. */
	(void)put(s, "old-host", 2000, 0, 60);
	assert_int_equal(raw_count(path, "hosts"), 1);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM scans"
				 " WHERE host_id = 7"),
			 2);
	/* An agent of that name is another host. */
	add_agent(s, "a", "old-host");
	assert_int_equal(report(s, "a", "u1", "old-host", 3000, &dup, &err),
			 VG_OK);
	assert_int_equal(raw_count(path, "hosts"), 2);

	/* References survived the rebuild and are enforced again. */
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM"
				 " pragma_foreign_key_check"),
			 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM"
				 " pragma_foreign_key_list('scans')"
				 " WHERE \"table\" = 'hosts'"),
			 1);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM"
				 " pragma_table_info('hosts')"
				 " WHERE name = 'agent_id'"),
			 1);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'hosts_new'"),
			 0);
	vg_store_free(s);

	/* Opening again changes nothing. */
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_OK);
	assert_int_equal(vg_store_list_scans(s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 3);
	free(v);
	(void)put(s, "old-host", 4000, 0, 60);
	assert_int_equal(raw_count(path, "hosts"), 2);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

/* A migration that fails leaves the v1 file as it was. */
static void
test_sqlite_migrate_fails(void **state)
{
	struct vg_scan_summary *v = NULL;
	struct vg_store *s = NULL;
	struct vg_err err;
	char *dir = vg_test_tmpdir(), path[4096];
	size_t n;

	(void)state;
	(void)snprintf(path, sizeof(path), "%s/v1.db", dir);
	raw_exec(path, v1_schema);
	/* A table in the way of migration 2. */
	raw_exec(path, "CREATE TABLE audit (x)");
	vg_err_clear(&err);
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_ERR_STORE);
	assert_null(s);
	assert_non_null(strstr(err.msg, "audit"));
	assert_int_equal(raw_int(path, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM"
				 " pragma_table_info('hosts')"
				 " WHERE name = 'agent_id'"),
			 0);
	assert_int_equal(raw_int(path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE name IN ('users', 'hosts_new')"),
			 0);
	assert_int_equal(raw_count(path, "scans"), 1);
	/* Out of the way, the migration goes through. */
	raw_exec(path, "DROP TABLE audit");
	assert_int_equal(vg_store_open_sqlite(&s, path, &err), VG_OK);
	assert_int_equal(vg_store_list_scans(s, 10, &v, &n, &err), VG_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].host, "old-host");
	free(v);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

/*
 * Threads, each with its own store on one file (the threading contract),
 * race to spend one token and to send the same reports: one spends the
 * token, each report is stored once, nobody fails on a busy database.
 */
#define RACERS 4
#define RACE_REPORTS 8

struct racer {
	const char *path;
	pthread_barrier_t *go;
	int token_ok, stored, dups, fails;
	char msg[VG_ERR_MSG_MAX];
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct vg_store *s = NULL;
	char site[VG_STORE_NAME_MAX], uuid[16];
	struct vg_err err;
	enum vg_rc rc;
	bool dup;
	int i;

	rc = vg_store_open_sqlite(&s, r->path, &err);
	(void)pthread_barrier_wait(r->go);
	if (rc != VG_OK) {
		r->fails++;
		(void)snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
		return NULL;
	}
	if (vg_store_token_consume(s, "tok", 10, site, &err) == VG_OK)
		r->token_ok++;
	for (i = 0; i < RACE_REPORTS; i++) {
		(void)snprintf(uuid, sizeof(uuid), "u%d", i);
		rc = report(s, "a", uuid, "srv", 100 + i, &dup, &err);
		if (rc != VG_OK) {
			r->fails++;
			(void)snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
		} else if (dup) {
			r->dups++;
		} else {
			r->stored++;
		}
	}
	vg_store_free(s);
	return NULL;
}

static void
test_sqlite_concurrent(void **state)
{
	struct fixture *fx = *state;
	struct racer rs[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	struct vg_err err;
	int i, tokens = 0, stored = 0, dups = 0;

	add_agent(fx->s, "a", "srv");
	assert_int_equal(vg_store_token_add(fx->s, "tok", "site", 1000, &err),
			 VG_OK);
	assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
	memset(rs, 0, sizeof(rs));
	for (i = 0; i < RACERS; i++) {
		rs[i].path = fx->path;
		rs[i].go = &go;
		assert_int_equal(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (rs[i].fails != 0)
			fail_msg("racer %d: %s", i, rs[i].msg);
		tokens += rs[i].token_ok;
		stored += rs[i].stored;
		dups += rs[i].dups;
	}
	(void)pthread_barrier_destroy(&go);
	assert_int_equal(tokens, 1);
	assert_int_equal(stored, RACE_REPORTS);
	assert_int_equal(dups, (RACERS - 1) * RACE_REPORTS);
	assert_int_equal(raw_count(fx->path, "scans"), RACE_REPORTS);
	assert_int_equal(raw_count(fx->path, "reports"), RACE_REPORTS);
	assert_int_equal(raw_count(fx->path, "hosts"), 1);
}

/* A large scan goes in whole and comes back whole (its speed is measured
 * by bench/scan.sh, not here). */
static void
test_sqlite_large(void **state)
{
	struct fixture *fx = *state;
	struct vg_scan_summary *list = NULL;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	size_t n = 0;
	int64_t id;

	make_facts(&f, "big", 1000, 10000);
	make_report(&r, 1000, 10);
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id, &err), VG_OK);
	assert_int_equal(vg_store_list_scans(fx->s, 10, &list, &n, &err),
			 VG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].n_findings, r.n_findings);
	assert_string_equal(list[0].host, "big");
	free(list);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* Both backends give back the very same document for the same scan. */
static void
test_backends_agree(void **state)
{
	struct fixture *fx = *state;
	struct vg_store *m = NULL;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	json_t *d1, *d2;
	int64_t id1, id2;

	assert_int_equal(vg_store_open_memory(&m, &err), VG_OK);
	make_facts(&f, "same", 77, 20);
	make_report(&r, 5, 66);
	/* A finding with NULL evidence and a known-id-less remediation. */
	assert_int_equal(vg_report_add(&r, 4, "test.x", VG_SEV_HIGH, "s", NULL,
				       "Do this."),
			 VG_OK);
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id1, &err), VG_OK);
	assert_int_equal(vg_store_put_scan(m, &f, &r, &id2, &err), VG_OK);
	assert_int_equal(id1, id2);
	assert_int_equal(vg_store_last_scan(fx->s, &d1, &err), VG_OK);
	assert_int_equal(vg_store_last_scan(m, &d2, &err), VG_OK);
	assert_true(json_equal(d1, d2));
	json_decref(d1);
	json_decref(d2);
	vg_store_free(m);
	vg_report_release(&r);
	vg_facts_release(&f);
}

#define BOTH(t)                                                                \
	cmocka_unit_test_setup_teardown(t, setup_memory, teardown),            \
		cmocka_unit_test_setup_teardown(t, setup_sqlite, teardown)
#define SQL(t) cmocka_unit_test_setup_teardown(t, setup_sqlite, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_empty),
		BOTH(test_list_order),
		BOTH(test_same_time),
		BOTH(test_last_scan_round_trip),
		BOTH(test_last_scan_is_a_copy),
		BOTH(test_unnamed_host),
		BOTH(test_users),
		BOTH(test_token_once),
		BOTH(test_token_expiry),
		BOTH(test_agents_apikeys),
		BOTH(test_put_report),
		BOTH(test_put_report_refused),
		BOTH(test_same_hostname),
		BOTH(test_agent_renamed),
		BOTH(test_audit),
		cmocka_unit_test(test_sqlite_mode),
		SQL(test_sqlite_reopen),
		SQL(test_sqlite_newer_schema),
		SQL(test_sqlite_read_only),
		cmocka_unit_test(test_sqlite_not_a_database),
		SQL(test_sqlite_rollback),
		SQL(test_sqlite_report_rollback),
		cmocka_unit_test(test_sqlite_migrate_v1),
		SQL(test_sqlite_facts_zstd),
		cmocka_unit_test(test_sqlite_migrate_fails),
		SQL(test_sqlite_concurrent),
		SQL(test_sqlite_large),
		SQL(test_backends_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

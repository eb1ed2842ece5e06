/*
 * The store contract, written once and run against both backends
 * (memory and SQLite), then what only SQLite has: file mode, reopening,
 * migrations, a newer schema, rollback and speed.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "support.h"

#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/store.h"
#include "util/banned.h"

/* put_scan of 10,000 accounts must stay well under this. */
#if defined(__SANITIZE_ADDRESS__)
#define PUT_BUDGET_MS 2000.0 /* sanitizers slow everything down */
#else
#define PUT_BUDGET_MS 100.0
#endif

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

/* ---------------------------------------------------------------- */
/* SQLite only                                                      */
/* ---------------------------------------------------------------- */

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
	assert_int_equal(raw_int(fx->path, "PRAGMA user_version"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM scans"), 1);
	assert_int_equal(raw_int(fx->path, "SELECT count(*) FROM hosts"), 1);
	assert_int_equal(raw_int(fx->path,
				 "SELECT count(*) FROM sqlite_master"
				 " WHERE type = 'table'"),
			 4);
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

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
test_sqlite_speed(void **state)
{
	struct fixture *fx = *state;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	double t0, dt;
	int64_t id;

	make_facts(&f, "big", 1000, 10000);
	make_report(&r, 1000, 10);
	t0 = now_ms();
	assert_int_equal(vg_store_put_scan(fx->s, &f, &r, &id, &err), VG_OK);
	dt = now_ms() - t0;
	print_message("put_scan, 10000 accounts, 1000 findings: %.1f ms\n", dt);
	assert_true(dt < PUT_BUDGET_MS);
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
		cmocka_unit_test(test_sqlite_mode),
		SQL(test_sqlite_reopen),
		SQL(test_sqlite_newer_schema),
		cmocka_unit_test(test_sqlite_not_a_database),
		SQL(test_sqlite_rollback),
		SQL(test_sqlite_speed),
		SQL(test_backends_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of collect/logins.c: lastlog, lastlog2 (SQLite), wtmp and
 * wtmp.1, wtmpdb (SQLite).
 */
#include "util/common.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmp.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/banned.h"

#define T0 INT64_C(1700000000)

static void
add_account(struct vg_facts *f, const char *name, int64_t uid)
{
	struct vg_account *a = vg_facts_add_account(f);

	assert_non_null(a);
	a->name = vg_facts_str(f, name);
	a->uid = uid;
	a->gid = uid;
}

/* root (0), alice (1000), bob (1001), carol (5000). */
static void
add_accounts(struct vg_facts *f)
{
	add_account(f, "root", 0);
	add_account(f, "alice", 1000);
	add_account(f, "bob", 1001);
	add_account(f, "carol", 5000);
}

static int64_t
last_login(const struct vg_facts *f, const char *name)
{
	const struct vg_account *a = vg_facts_account(f, name);

	assert_non_null(a);
	return a->last_login;
}

/* A lastlog image of n records with times for some uids. */
static unsigned char *
make_lastlog(size_t nrec, const int64_t *uids, const int32_t *times, size_t n)
{
	unsigned char *buf = calloc(nrec ? nrec : 1, sizeof(struct lastlog));
	struct lastlog ll;
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < n; i++) {
		memset(&ll, 0, sizeof(ll));
		ll.ll_time = times[i];
		memcpy(ll.ll_line, "pts/0", 5);
		memcpy(ll.ll_host, "10.0.0.1", 8);
		memcpy(buf + (size_t)uids[i] * sizeof(ll), &ll, sizeof(ll));
	}
	return buf;
}

static void
test_lastlog_parse(void **state)
{
	static const int64_t uids[] = {0, 1000, 1001};
	static const int32_t times[] = {(int32_t)T0, (int32_t)(T0 + 60), -5};
	const size_t nrec = 1002, rs = sizeof(struct lastlog);
	struct vg_facts f;
	unsigned char *buf = make_lastlog(nrec, uids, times, 3);

	(void)state;
	assert_int_equal(rs, 292); /* glibc x86_64 on-disk layout */
	vg_facts_init(&f);
	add_accounts(&f);
	assert_int_equal(vg_lastlog_parse(&f, "lastlog", buf, nrec * rs),
			 VG_OK);
	assert_int_equal(last_login(&f, "root"), T0);
	assert_int_equal(last_login(&f, "alice"), T0 + 60);
	/* A negative time is no login; carol is past the end. */
	assert_int_equal(last_login(&f, "bob"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, "carol"), VG_TIME_UNKNOWN);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	free(buf);
}

struct trunc_row {
	size_t len;
	int64_t alice; /* expected last_login of uid 1000 */
	bool warning;
};

static void
test_lastlog_truncated(void **state)
{
	static const int64_t uids[] = {1000};
	static const int32_t times[] = {(int32_t)T0};
	const size_t rs = sizeof(struct lastlog);
	const struct trunc_row rows[] = {
		{1001 * rs, T0, false},
		{1001 * rs - 1, VG_TIME_UNKNOWN, true},
		{1000 * rs + 4, VG_TIME_UNKNOWN, true},
		{1000 * rs, VG_TIME_UNKNOWN, false},
		{0, VG_TIME_UNKNOWN, false},
		{3, VG_TIME_UNKNOWN, true},
	};
	unsigned char *buf = make_lastlog(1001, uids, times, 1);
	struct vg_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		add_accounts(&f);
		assert_int_equal(
			vg_lastlog_parse(&f, "lastlog", buf, rows[i].len),
			VG_OK);
		if (last_login(&f, "alice") != rows[i].alice ||
		    vg_test_has_warning(&f, "lastlog: truncated") !=
			    rows[i].warning)
			fail_msg("row %zu: alice %lld, %zu warnings", i,
				 (long long)last_login(&f, "alice"),
				 f.n_warnings);
		vg_facts_release(&f);
	}
	free(buf);
}

/* Huge and negative uids must not overflow the record offset. */
static void
test_lastlog_hostile_uid(void **state)
{
	static const int64_t uids[] = {1};
	static const int32_t times[] = {(int32_t)T0};
	unsigned char *buf = make_lastlog(2, uids, times, 1);
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	add_account(&f, "neg", -1);
	add_account(&f, "big", INT64_C(4294967295));
	add_account(&f, "huge", INT64_MAX);
	add_account(&f, "one", 1);
	assert_int_equal(vg_lastlog_parse(&f, "lastlog", buf,
					  2 * sizeof(struct lastlog)),
			 VG_OK);
	assert_int_equal(last_login(&f, "neg"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, "big"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, "huge"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, "one"), T0);
	vg_facts_release(&f);
	free(buf);
}

static void
put_utmp(struct utmp *u, short type, const char *user, size_t ulen, int64_t t)
{
	memset(u, 0, sizeof(*u));
	u->ut_type = type;
	u->ut_pid = 1234;
	memcpy(u->ut_line, "pts/1", 5);
	memcpy(u->ut_user, user, ulen);
	memcpy(u->ut_host, "192.0.2.7", 9);
	u->ut_tv.tv_sec = (int32_t)t;
}

static void
test_wtmp_parse(void **state)
{
	/* A 32-byte name fills ut_user with no NUL. */
	static const char long_name[] = "abcdefghijklmnopqrstuvwxyz012345";
	struct utmp recs[9];
	struct vg_facts f;

	(void)state;
	assert_int_equal(sizeof(struct utmp), 384); /* glibc x86_64 */
	put_utmp(&recs[0], USER_PROCESS, "alice", 5, T0);
	put_utmp(&recs[1], USER_PROCESS, "alice", 5, T0 + 100);
	put_utmp(&recs[2], USER_PROCESS, "alice", 5, T0 + 50);
	put_utmp(&recs[3], DEAD_PROCESS, "bob", 3, T0 + 200);
	put_utmp(&recs[4], BOOT_TIME, "reboot", 6, T0 + 300);
	put_utmp(&recs[5], USER_PROCESS, "nobody-known", 12, T0 + 400);
	put_utmp(&recs[6], USER_PROCESS, long_name, 32, T0 + 500);
	put_utmp(&recs[7], USER_PROCESS, "root", 4, -1);
	put_utmp(&recs[8], USER_PROCESS, "ali\0ce", 6, T0 + 600);
	vg_facts_init(&f);
	add_accounts(&f);
	add_account(&f, long_name, 2000);
	add_account(&f, "abcdefghijklmnopqrstuvwxyz0123456", 2001);
	assert_int_equal(vg_wtmp_parse(&f, "wtmp", recs, sizeof(recs)), VG_OK);
	assert_int_equal(last_login(&f, "alice"), T0 + 100);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, "root"), VG_TIME_UNKNOWN);
	assert_int_equal(last_login(&f, long_name), T0 + 500);
	assert_int_equal(last_login(&f, "abcdefghijklmnopqrstuvwxyz0123456"),
			 VG_TIME_UNKNOWN);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
}

static void
test_wtmp_truncated(void **state)
{
	struct utmp recs[2];
	struct vg_facts f;

	(void)state;
	put_utmp(&recs[0], USER_PROCESS, "alice", 5, T0);
	put_utmp(&recs[1], USER_PROCESS, "bob", 3, T0);
	vg_facts_init(&f);
	add_accounts(&f);
	assert_int_equal(vg_wtmp_parse(&f, "wtmp", recs, sizeof(recs) - 1),
			 VG_OK);
	assert_int_equal(last_login(&f, "alice"), T0);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_UNKNOWN);
	assert_true(vg_test_has_warning(&f, "wtmp: truncated final record"));
	vg_facts_release(&f);

	/* Less than one record, and nothing at all. */
	vg_facts_init(&f);
	add_accounts(&f);
	assert_int_equal(vg_wtmp_parse(&f, "wtmp", recs, 10), VG_OK);
	assert_int_equal(vg_wtmp_parse(&f, "wtmp", recs, 0), VG_OK);
	assert_int_equal(last_login(&f, "alice"), VG_TIME_UNKNOWN);
	assert_int_equal(f.n_warnings, 1);
	vg_facts_release(&f);
}

/* Create dir/var/lib/lastlog/lastlog2.db with the rows given. */
static void
make_lastlog2(const char *dir, bool wal, const char *const *names,
	      const int64_t *times, size_t n)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	vg_test_write(dir, "var/lib/lastlog/.keep", "");
	(void)snprintf(path, sizeof(path), "%s/var/lib/lastlog/lastlog2.db",
		       dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (wal)
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL",
					      NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE Lastlog2(Name TEXT PRIMARY KEY, "
			     "Time INTEGER, TTY TEXT, RemoteHost TEXT, "
			     "Service TEXT)",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO Lastlog2 VALUES "
					    "(?, ?, 'pts/0', '', 'sshd')",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, times[i]);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	/* Merge the WAL so the file alone holds the rows. */
	if (wal)
		assert_int_equal(sqlite3_wal_checkpoint_v2(
					 db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					 NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* One wtmpdb row; user NULL writes SQL NULL. */
struct wtmpdb_row {
	int64_t type;
	const char *user;
	int64_t login; /* microseconds */
};

/*
 * Create dir/var/lib/wtmpdb/wtmp.db with wtmpdb's schema and rows; then
 * run extra (hostile rows, NULL for none) on it.
 */
static void
make_wtmpdb(const char *dir, bool wal, const struct wtmpdb_row *rows, size_t n,
	    const char *extra)
{
	char path[4096];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	vg_test_write(dir, "var/lib/wtmpdb/.keep", "");
	(void)snprintf(path, sizeof(path), "%s/var/lib/wtmpdb/wtmp.db", dir);
	(void)unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (wal)
		assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL",
					      NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, "
			     "Type INTEGER, User TEXT, Login INTEGER, "
			     "Logout INTEGER, TTY TEXT, RemoteHost TEXT, "
			     "Service TEXT)",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO wtmp (Type, User, "
					    "Login, Logout, TTY, RemoteHost, "
					    "Service) VALUES (?, ?, ?, NULL, "
					    "'pts/0', '10.0.0.1', 'sshd')",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, rows[i].type);
		if (rows[i].user != NULL)
			sqlite3_bind_text(st, 2, rows[i].user, -1,
					  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, rows[i].login);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	sqlite3_finalize(st);
	if (extra != NULL)
		assert_int_equal(sqlite3_exec(db, extra, NULL, NULL, NULL),
				 SQLITE_OK);
	if (wal)
		assert_int_equal(sqlite3_wal_checkpoint_v2(
					 db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					 NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
collect(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	c.root = &root;
	c.policy = NULL;
	c.facts = f;
	assert_int_equal(vg_collect_logins(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_collect_none(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_LOGINS].collected);
	assert_string_equal(f.sources[VG_SRC_LOGINS].reason,
			    "no lastlog, lastlog2, wtmp or wtmpdb found");
	assert_int_equal(last_login(&f, "alice"), VG_TIME_UNKNOWN);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* Each source alone, then all three: the newest login wins. */
static void
test_collect_all_sources(void **state)
{
	static const int64_t ll_uids[] = {0, 1000};
	static const int32_t ll_times[] = {(int32_t)T0, (int32_t)(T0 + 10)};
	static const char *const l2_names[] = {"alice", "bob", "ghost", ""};
	static const int64_t l2_times[] = {T0 + 20, T0 + 30, T0, T0};
	unsigned char *ll = make_lastlog(1001, ll_uids, ll_times, 2);
	struct utmp w[2];
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	put_utmp(&w[0], USER_PROCESS, "alice", 5, T0 + 5);
	put_utmp(&w[1], USER_PROCESS, "root", 4, T0 + 40);

	/* lastlog only. */
	vg_test_write_bytes(dir, "var/log/lastlog", ll,
			    1001 * sizeof(struct lastlog));
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "root"), T0);
	assert_int_equal(last_login(&f, "alice"), T0 + 10);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_NEVER);
	assert_int_equal(last_login(&f, "carol"), VG_TIME_NEVER);
	vg_facts_release(&f);

	/* All three. */
	make_lastlog2(dir, false, l2_names, l2_times, 4);
	vg_test_write_bytes(dir, "var/log/wtmp", w, sizeof(w));
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "root"), T0 + 40);
	assert_int_equal(last_login(&f, "alice"), T0 + 20);
	assert_int_equal(last_login(&f, "bob"), T0 + 30);
	assert_int_equal(last_login(&f, "carol"), VG_TIME_NEVER);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);

	/* wtmp alone, with a truncated last record. */
	vg_test_rmtree(dir);
	vg_test_write_bytes(dir, "var/log/wtmp", w, sizeof(w) - 100);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "alice"), T0 + 5);
	assert_int_equal(last_login(&f, "root"), VG_TIME_NEVER);
	assert_true(vg_test_has_warning(&f, "truncated final record"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
	free(ll);
}

static void
test_collect_lastlog2(void **state)
{
	static const char *const names[] = {"carol", "alice"};
	static const int64_t times[] = {T0 + 1, T0 + 2};
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	/* A WAL-mode database reads the same. */
	make_lastlog2(dir, true, names, times, 2);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "carol"), T0 + 1);
	assert_int_equal(last_login(&f, "alice"), T0 + 2);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_NEVER);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* Garbage where the database should be: a warning, not collected. */
static void
test_collect_bad_lastlog2(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();
	sqlite3 *db;
	char path[4096];

	(void)state;
	vg_test_write(dir, "var/lib/lastlog/lastlog2.db",
		      "this is not a database at all, no no no\n");
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_LOGINS].collected);
	assert_non_null(
		strstr(f.sources[VG_SRC_LOGINS].reason, "could not be read"));
	assert_true(vg_test_has_warning(&f, "not a usable lastlog2"));
	assert_int_equal(last_login(&f, "alice"), VG_TIME_UNKNOWN);
	vg_facts_release(&f);

	/* A real database without the table. */
	(void)snprintf(path, sizeof(path), "%s/var/lib/lastlog/lastlog2.db",
		       dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db, "CREATE TABLE other(x)", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_LOGINS].collected);
	assert_true(vg_test_has_warning(&f, "no such table"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* A sparse lastlog with a far uid: only that record is read. */
static void
test_collect_sparse_lastlog(void **state)
{
	const int64_t uid = 60000000; /* a 17 GB sparse file */
	struct lastlog ll;
	struct vg_facts f;
	char *dir = vg_test_tmpdir();
	char path[4096];
	int fd;

	(void)state;
	vg_test_write(dir, "var/log/lastlog", "");
	(void)snprintf(path, sizeof(path), "%s/var/log/lastlog", dir);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	memset(&ll, 0, sizeof(ll));
	ll.ll_time = (int32_t)T0;
	assert_int_equal(
		pwrite(fd, &ll, sizeof(ll), (off_t)(uid * (int64_t)sizeof(ll))),
		sizeof(ll));
	assert_int_equal(close(fd), 0);
	vg_facts_init(&f);
	add_accounts(&f);
	add_account(&f, "far", uid);
	add_account(&f, "farther", uid + 1);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "far"), T0);
	assert_int_equal(last_login(&f, "farther"), VG_TIME_NEVER);
	assert_int_equal(last_login(&f, "alice"), VG_TIME_NEVER);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* The rotated wtmp alone, then with wtmp: the newest login wins. */
static void
test_collect_rotated_wtmp(void **state)
{
	struct utmp old[2], cur[2];
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	put_utmp(&old[0], USER_PROCESS, "alice", 5, T0 + 50);
	put_utmp(&old[1], USER_PROCESS, "bob", 3, T0 + 60);
	put_utmp(&cur[0], USER_PROCESS, "alice", 5, T0 + 70);
	put_utmp(&cur[1], DEAD_PROCESS, "bob", 3, T0 + 80);

	/* wtmp.1 alone: the logins of last month still count. */
	vg_test_write_bytes(dir, "var/log/wtmp.1", old, sizeof(old));
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "alice"), T0 + 50);
	assert_int_equal(last_login(&f, "bob"), T0 + 60);
	assert_int_equal(last_login(&f, "root"), VG_TIME_NEVER);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);

	/* A fresh wtmp after rotation: bob's login is only in wtmp.1. */
	vg_test_write_bytes(dir, "var/log/wtmp", cur, sizeof(cur));
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "alice"), T0 + 70);
	assert_int_equal(last_login(&f, "bob"), T0 + 60);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);

	/* A truncated wtmp.1 says which file it is. */
	vg_test_write_bytes(dir, "var/log/wtmp.1", old, sizeof(old) - 7);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(vg_test_has_warning(
		&f, "/var/log/wtmp.1: truncated final record ignored"));
	assert_int_equal(last_login(&f, "alice"), T0 + 70);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_NEVER);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* wtmpdb alone (Debian 13), then with the other sources. */
static void
test_collect_wtmpdb(void **state)
{
	static const struct wtmpdb_row rows[] = {
		{2, "reboot", (T0 + 1) * 1000000}, /* BOOT_TIME */
		{3, "alice", (T0 + 10) * 1000000 + 999999},
		{3, "alice", (T0 + 5) * 1000000}, /* older, later row */
		{3, "carol", (T0 + 20) * 1000000},
		{8, "bob", (T0 + 90) * 1000000},   /* DEAD_PROCESS */
		{1, "root", (T0 + 90) * 1000000},  /* RUN_LVL */
		{3, "bob", -5},                    /* before the epoch */
		{3, "ghost", (T0 + 30) * 1000000}, /* no such account */
		{3, NULL, (T0 + 30) * 1000000},
		{3, "", (T0 + 30) * 1000000},
	};
	static const char *const l2_names[] = {"carol"};
	static const int64_t l2_times[] = {T0 + 40};
	struct utmp w[1];
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	make_wtmpdb(dir, true, rows, VG_ARRAY_LEN(rows), NULL);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	/* Microseconds are cut to the second; the newest row wins. */
	assert_int_equal(last_login(&f, "alice"), T0 + 10);
	assert_int_equal(last_login(&f, "carol"), T0 + 20);
	assert_int_equal(last_login(&f, "bob"), VG_TIME_NEVER);
	assert_int_equal(last_login(&f, "root"), VG_TIME_NEVER);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);

	/* With lastlog2 and wtmp: the newest across all sources. */
	make_lastlog2(dir, false, l2_names, l2_times, 1);
	put_utmp(&w[0], USER_PROCESS, "alice", 5, T0 + 3);
	vg_test_write_bytes(dir, "var/log/wtmp", w, sizeof(w));
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_int_equal(last_login(&f, "alice"), T0 + 10);
	assert_int_equal(last_login(&f, "carol"), T0 + 40);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* Hostile wtmpdb contents: odd types are skipped, never trusted. */
static void
test_collect_wtmpdb_hostile(void **state)
{
	static const struct wtmpdb_row rows[] = {
		{3, "alice", (T0 + 10) * 1000000},
	};
	struct vg_facts f;
	char *dir = vg_test_tmpdir();
	char path[4096];
	sqlite3 *db;

	(void)state;
	make_wtmpdb(dir, false, rows, VG_ARRAY_LEN(rows),
		    "INSERT INTO wtmp (Type, User, Login) VALUES "
		    "(3, 'bob', 'yesterday'),"
		    "(3, 'bob', 1.7e15),"
		    "(3, 'root', NULL),"
		    "(3, 'root', -9223372036854775808),"
		    "(3, 'carol', 9223372036854775807),"
		    "(3, CAST('alice' || char(0) || 'x' AS BLOB), "
		    " 1800000000000000),"
		    "('3', 'bob', 1700000077000000),"
		    "('x', 'root', 1700000099000000);");
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_LOGINS].collected);
	assert_int_equal(last_login(&f, "alice"), T0 + 10);
	/* Text "3" is the type 3 (column affinity); text and real times
	 * are not times. */
	assert_int_equal(last_login(&f, "bob"), T0 + 77);
	assert_int_equal(last_login(&f, "root"), VG_TIME_NEVER);
	assert_int_equal(last_login(&f, "carol"),
			 INT64_C(9223372036854775807) / 1000000);
	vg_facts_release(&f);

	/* Garbage, then a database without the table. */
	vg_test_write(dir, "var/lib/wtmpdb/wtmp.db",
		      "SQLite format 3\0 but then nothing useful at all\n");
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_LOGINS].collected);
	assert_non_null(
		strstr(f.sources[VG_SRC_LOGINS].reason, "could not be read"));
	assert_true(vg_test_has_warning(&f,
					"/var/lib/wtmpdb/wtmp.db: not a "
					"usable wtmpdb database"));
	vg_facts_release(&f);
	(void)snprintf(path, sizeof(path), "%s/var/lib/wtmpdb/wtmp.db", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db, "CREATE TABLE other(x)", NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	vg_facts_init(&f);
	add_accounts(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_LOGINS].collected);
	assert_true(vg_test_has_warning(&f, "no such table: wtmp"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lastlog_parse),
		cmocka_unit_test(test_lastlog_truncated),
		cmocka_unit_test(test_lastlog_hostile_uid),
		cmocka_unit_test(test_wtmp_parse),
		cmocka_unit_test(test_wtmp_truncated),
		cmocka_unit_test(test_collect_none),
		cmocka_unit_test(test_collect_all_sources),
		cmocka_unit_test(test_collect_lastlog2),
		cmocka_unit_test(test_collect_bad_lastlog2),
		cmocka_unit_test(test_collect_sparse_lastlog),
		cmocka_unit_test(test_collect_rotated_wtmp),
		cmocka_unit_test(test_collect_wtmpdb),
		cmocka_unit_test(test_collect_wtmpdb_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

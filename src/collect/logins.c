/*
 * Logins collector: the newest login of each account, from the classic
 * binary lastlog (one record per uid), lastlog2's SQLite database, wtmp
 * and its last rotation wtmp.1 (one utmp record per event), and wtmpdb's
 * SQLite database (Debian 13 onwards, where wtmp is no longer written).
 * Every source read can only make a login newer. Record layouts are
 * those of the C library's <utmp.h>, which match the files the audited
 * system writes when it has the same word size and C library as the
 * auditor.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmp.h>

#include "collect/collectors.h"
#include "util/banned.h"

#define LASTLOG_PATH "/var/log/lastlog"
#define LASTLOG2_PATH "/var/lib/lastlog/lastlog2.db"
#define WTMP_PATH "/var/log/wtmp"
#define WTMP_ROTATED_PATH "/var/log/wtmp.1"
#define WTMPDB_PATH "/var/lib/wtmpdb/wtmp.db"

/* wtmp records read per read(2): 1024 * 384 bytes. */
#define WTMP_CHUNK_RECORDS 1024
/* SQLite virtual-machine steps allowed for one database query: a crafted
 * database (a recursive view named Lastlog2 or wtmp) cannot make it
 * spin. */
#define LOGINDB_MAX_STEPS 100000000L
/* The progress handler is called every this many steps. */
#define LOGINDB_STEP_PERIOD 10000
/* wtmpdb stores times in microseconds since the epoch. */
#define WTMPDB_USEC INT64_C(1000000)

/* An account name and its index, sorted by name for binary search. */
struct name_ent {
	const char *name;
	size_t idx;
};

struct name_index {
	struct name_ent *ents;
	size_t n;
};

/* A looked-up name that need not be NUL-terminated. */
struct name_key {
	const char *p;
	size_t n;
};

static int
name_ent_cmp(const void *a, const void *b)
{
	const struct name_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* Equal names (if any) stay in account order. */
	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* strcmp order between a counted key and a NUL-terminated name. */
static int
key_cmp(const struct name_key *k, const char *name)
{
	int c = strncmp(k->p, name, k->n);

	if (c != 0)
		return c;
	return name[k->n] == '\0' ? 0 : -1;
}

static enum vg_rc
name_index_build(const struct vg_facts *f, struct name_index *ix)
{
	size_t i;

	ix->ents = NULL;
	ix->n = 0;
	if (f->n_accounts == 0)
		return VG_OK;
	if ((ix->ents = calloc(f->n_accounts, sizeof(*ix->ents))) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_accounts; i++) {
		if (f->accounts[i].name == NULL)
			continue;
		ix->ents[ix->n].name = f->accounts[i].name;
		ix->ents[ix->n].idx = i;
		ix->n++;
	}
	qsort(ix->ents, ix->n, sizeof(*ix->ents), name_ent_cmp);
	return VG_OK;
}

static void
name_index_release(struct name_index *ix)
{
	free(ix->ents);
	ix->ents = NULL;
	ix->n = 0;
}

/* A login at time t for the accounts called [p, p + n). */
static void
name_login(struct vg_facts *f, const struct name_index *ix, const char *p,
	   size_t n, int64_t t)
{
	struct name_key k = {p, n};
	size_t lo = 0, hi = ix->n, mid;
	struct vg_account *a;
	int c;

	if (n == 0 || t <= 0 || memchr(p, '\0', n) != NULL)
		return;
	/* Lower bound: the first entry not less than the key. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = key_cmp(&k, ix->ents[mid].name);
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && key_cmp(&k, ix->ents[lo].name) == 0; lo++) {
		a = &f->accounts[ix->ents[lo].idx];
		/* UNKNOWN and NEVER are both below any real time. */
		if (t > a->last_login)
			a->last_login = t;
	}
}

/* Apply one lastlog record (of the account's uid) to the account. */
static void
lastlog_record(struct vg_account *a, const void *rec)
{
	struct lastlog ll;
	int64_t t;

	memcpy(&ll, rec, sizeof(ll));
	t = (int64_t)ll.ll_time;
	if (t > 0 && t > a->last_login)
		a->last_login = t;
}

enum vg_rc
vg_lastlog_parse(struct vg_facts *f, const char *name, const void *buf,
		 size_t len)
{
	const size_t rs = sizeof(struct lastlog);
	const size_t nrec = len / rs;
	struct vg_account *a;
	size_t i;

	if (len % rs != 0)
		vg_facts_warn(f, _("%s: truncated final record ignored"), name);
	/* The file is indexed by uid: no scan, one record per account. */
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->uid < 0 || (uint64_t)a->uid >= nrec)
			continue;
		lastlog_record(a, (const char *)buf + (size_t)a->uid * rs);
	}
	return VG_OK;
}

/* Apply nrec whole utmp records at buf. */
static void
wtmp_records(struct vg_facts *f, const struct name_index *ix, const char *buf,
	     size_t nrec)
{
	struct utmp u;
	size_t i;

	for (i = 0; i < nrec; i++) {
		memcpy(&u, buf + i * sizeof(u), sizeof(u));
		if (u.ut_type != USER_PROCESS)
			continue;
		name_login(f, ix, u.ut_user,
			   strnlen(u.ut_user, sizeof(u.ut_user)),
			   (int64_t)u.ut_tv.tv_sec);
	}
}

enum vg_rc
vg_wtmp_parse(struct vg_facts *f, const char *name, const void *buf, size_t len)
{
	struct name_index ix;

	if (name_index_build(f, &ix) != VG_OK)
		return VG_ERR_NOMEM;
	if (len % sizeof(struct utmp) != 0)
		vg_facts_warn(f, _("%s: truncated final record ignored"), name);
	wtmp_records(f, &ix, buf, len / sizeof(struct utmp));
	name_index_release(&ix);
	return VG_OK;
}

/* What became of one of the three sources. */
enum login_src {
	LOGIN_READ,    /* read: its absence of a record means "never" */
	LOGIN_MISSING, /* not there */
	LOGIN_FAILED,  /* there but unusable (warning given) */
};

/* pread(2) exactly n bytes at off; false on error or short file. */
static bool
pread_full(int fd, void *p, size_t n, off_t off)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = pread(fd, (char *)p + done, n - done, off + (off_t)done);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

/*
 * lastlog is sparse (a record at uid * size even for uid 4294967294), so
 * its size says nothing: read only the records of known uids, with
 * pread, within the file's length.
 */
static enum login_src
collect_lastlog(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	unsigned char rec[sizeof(struct lastlog)];
	const uint64_t rs = sizeof(rec);
	struct vg_account *a;
	struct stat st;
	size_t i;
	int fd;

	if ((fd = vg_root_openat(c->root, LASTLOG_PATH,
				 O_RDONLY | O_NOCTTY | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return LOGIN_MISSING;
		vg_facts_warn(f, _("cannot open '%s': %s"), LASTLOG_PATH,
			      strerror(errno));
		return LOGIN_FAILED;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		vg_facts_warn(f, _("'%s' is not a regular file"), LASTLOG_PATH);
		close(fd);
		return LOGIN_FAILED;
	}
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		/* uid <= 2^32 - 1, so the offset fits in 64 bits. */
		if (a->uid < 0 || a->uid > UINT32_MAX ||
		    ((uint64_t)a->uid + 1) * rs > (uint64_t)st.st_size)
			continue;
		errno = 0;
		if (!pread_full(fd, rec, sizeof(rec),
				(off_t)((uint64_t)a->uid * rs))) {
			vg_facts_warn(
				f, _("cannot read '%s': %s"), LASTLOG_PATH,
				errno ? strerror(errno) : _("short read"));
			close(fd);
			return LOGIN_FAILED;
		}
		lastlog_record(a, rec);
	}
	close(fd);
	return LOGIN_READ;
}

/*
 * A wtmp file (path: wtmp or its rotation) is read in chunks; past
 * VG_MAX_BINARY_FILE only its newest part (the end, on a record
 * boundary) is read, with a warning.
 */
static enum vg_rc
collect_wtmp(struct vg_collect *c, const struct name_index *ix,
	     const char *path, enum login_src *out)
{
	struct vg_facts *f = c->facts;
	const size_t rs = sizeof(struct utmp);
	char *chunk = NULL;
	uint64_t off, size, end;
	struct stat st;
	size_t want;
	int fd;

	*out = LOGIN_FAILED;
	if ((fd = vg_root_openat(c->root, path,
				 O_RDONLY | O_NOCTTY | O_NONBLOCK)) == -1) {
		if (errno == ENOENT) {
			*out = LOGIN_MISSING;
			return VG_OK;
		}
		vg_facts_warn(f, _("cannot open '%s': %s"), path,
			      strerror(errno));
		return VG_OK;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size < 0) {
		vg_facts_warn(f, _("'%s' is not a regular file"), path);
		goto done;
	}
	size = (uint64_t)st.st_size;
	if (size % rs != 0)
		vg_facts_warn(f, _("%s: truncated final record ignored"), path);
	end = size - size % rs;
	off = 0;
	if (end > VG_MAX_BINARY_FILE) {
		off = end - (VG_MAX_BINARY_FILE / rs) * rs;
		vg_facts_warn(f,
			      _("%s: larger than %u bytes, only the newest "
				"records read"),
			      path, VG_MAX_BINARY_FILE);
	}
	if ((chunk = malloc(WTMP_CHUNK_RECORDS * rs)) == NULL) {
		close(fd);
		return VG_ERR_NOMEM;
	}
	for (; off < end; off += want) {
		want = end - off < WTMP_CHUNK_RECORDS * rs
			? (size_t)(end - off)
			: WTMP_CHUNK_RECORDS * rs;
		/* A file shrinking meanwhile (rotation) ends the read. */
		if (!pread_full(fd, chunk, want, (off_t)off))
			break;
		wtmp_records(f, ix, chunk, want / rs);
	}
	*out = LOGIN_READ;
done:
	free(chunk);
	close(fd);
	return VG_OK;
}

/* Abort a query that runs too long (a crafted database). */
static int
logindb_progress(void *arg)
{
	long *steps = arg;

	*steps += LOGINDB_STEP_PERIOD;
	return *steps > LOGINDB_MAX_STEPS;
}

/* A SQLite database of logins: where it is, what to ask it. */
struct login_db {
	const char *path;
	const char *sql;  /* yields (name TEXT, time INTEGER) rows */
	int64_t per_sec;  /* time units in one second */
	const char *what; /* for messages: "lastlog2", "wtmpdb" */
};

static const struct login_db lastlog2_db = {
	LASTLOG2_PATH,
	"SELECT Name, Time FROM Lastlog2",
	1,
	"lastlog2",
};

/* wtmpdb: one row per session; Type 3 is USER_PROCESS, as in utmp. */
static const struct login_db wtmpdb_db = {
	WTMPDB_PATH,
	"SELECT User, Login FROM wtmp WHERE Type = 3",
	WTMPDB_USEC,
	"wtmpdb",
};

/*
 * Run a database's query on an in-memory copy of it: SQLite then never
 * opens a path (which could lead outside the root through a symlink),
 * never writes, and needs no -wal or -shm file.
 */
static enum vg_rc
logindb_query(struct vg_facts *f, const struct name_index *ix,
	      const struct login_db *ldb, struct vg_buf *b, enum login_src *out)
{
	unsigned char *data = (unsigned char *)b->data;
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	long steps = 0;
	int rc;

	*out = LOGIN_FAILED;
	/* A WAL database (bytes 18-19 = 2) cannot be deserialized; as a
	 * rollback database it reads the same (minus an unmerged -wal). */
	if (b->len >= 100 && data[18] == 2 && data[19] == 2)
		data[18] = data[19] = 1;
	rc = sqlite3_open_v2(":memory:", &db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto done;
	(void)sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	(void)sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	rc = sqlite3_deserialize(db, "main", data, (sqlite3_int64)b->len,
				 (sqlite3_int64)b->len,
				 SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK)
		goto done;
	sqlite3_progress_handler(db, LOGINDB_STEP_PERIOD, logindb_progress,
				 &steps);
	if ((rc = sqlite3_prepare_v2(db, ldb->sql, -1, &st, NULL)) != SQLITE_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		if (name == NULL || n <= 0 ||
		    sqlite3_column_type(st, 1) != SQLITE_INTEGER)
			continue;
		/* Truncated to the second; negative times stay negative
		 * and are ignored. */
		name_login(f, ix, name, (size_t)n,
			   sqlite3_column_int64(st, 1) / ldb->per_sec);
	}
	if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
		*out = LOGIN_READ;
	}
done:
	if (rc != SQLITE_OK && rc != SQLITE_NOMEM)
		vg_facts_warn(f, _("%s: not a usable %s database: %s"),
			      ldb->path, ldb->what,
			      db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc == SQLITE_NOMEM ? VG_ERR_NOMEM : VG_OK;
}

static enum vg_rc
collect_logindb(struct vg_collect *c, const struct name_index *ix,
		const struct login_db *ldb, enum login_src *out)
{
	struct vg_buf b;
	struct vg_err err;
	enum vg_rc rc;

	*out = LOGIN_FAILED;
	vg_buf_init(&b, VG_MAX_BINARY_FILE);
	vg_err_clear(&err);
	rc = vg_root_read(c->root, ldb->path, VG_MAX_BINARY_FILE, &b, &err);
	if (rc == VG_ERR_NOTFOUND) {
		*out = LOGIN_MISSING;
		rc = VG_OK;
	} else if (rc == VG_OK) {
		rc = logindb_query(c->facts, ix, ldb, &b, out);
	} else if (rc != VG_ERR_NOMEM) {
		vg_facts_warn(c->facts, "%s", err.msg);
		rc = VG_OK;
	}
	vg_buf_release(&b);
	return rc;
}

enum vg_rc
vg_collect_logins(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	enum login_src s[5];
	struct name_index ix;
	enum vg_rc rc;
	size_t i;
	bool any_read = false, any_failed = false;

	if (name_index_build(f, &ix) != VG_OK)
		return VG_ERR_NOMEM;
	/* Every source is read: the newest login of each wins. */
	s[0] = collect_lastlog(c);
	if ((rc = collect_logindb(c, &ix, &lastlog2_db, &s[1])) != VG_OK ||
	    (rc = collect_wtmp(c, &ix, WTMP_PATH, &s[2])) != VG_OK ||
	    (rc = collect_wtmp(c, &ix, WTMP_ROTATED_PATH, &s[3])) != VG_OK ||
	    (rc = collect_logindb(c, &ix, &wtmpdb_db, &s[4])) != VG_OK)
		goto done;
	for (i = 0; i < VG_ARRAY_LEN(s); i++) {
		any_read |= s[i] == LOGIN_READ;
		any_failed |= s[i] == LOGIN_FAILED;
	}
	if (!any_read) {
		if (any_failed)
			vg_facts_not_collected(
				f, VG_SRC_LOGINS,
				_("lastlog, lastlog2, wtmp and wtmpdb could "
				  "not be read (see warnings)"));
		else
			vg_facts_not_collected(
				f, VG_SRC_LOGINS,
				_("no lastlog, lastlog2, wtmp or wtmpdb "
				  "found"));
		goto done;
	}
	/* A source was read: an account found in none never logged in. */
	for (i = 0; i < f->n_accounts; i++)
		if (f->accounts[i].last_login == VG_TIME_UNKNOWN)
			f->accounts[i].last_login = VG_TIME_NEVER;
	vg_facts_collected(f, VG_SRC_LOGINS);
done:
	name_index_release(&ix);
	return rc;
}

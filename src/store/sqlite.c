/*
 * The SQLite store: one file (mode 0600: it holds account names and
 * host details), WAL mode so readers never block the writer, numbered
 * migrations tracked by PRAGMA user_version. Every statement is prepared
 * once per connection and parameterised; a scan is written in one
 * transaction or not at all.
 *
 * Findings and not-evaluated checks are stored in the form the report
 * encoder writes (core/report_json.h), so strings are already valid
 * UTF-8 and last_scan gives back what vg_report_from_json reads.
 *
 * The server's records live in sqlite_server.c; sqlite_private.h states
 * the threading contract (one store per thread).
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/banned.h"

/* A writer waits this long for another process's transaction. */
#define SQ_BUSY_TIMEOUT_MS 5000

/*
 * Schema migrations, applied in order; a migration is never edited once
 * released, a change is a new row. SQL kept portable where it can be.
 */
static const struct {
	int version;
	const char *sql;
} migrations[] = {
	{1,
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
	 "CREATE INDEX not_evaluated_scan ON not_evaluated(scan_id);"},
	/*
	 * 2: the server's records. A host was its hostname; an agent's host
	 * is its agent (two agents may report one hostname), so hosts is
	 * rebuilt (SQLite's 12-step ALTER: sq_migrate runs with foreign
	 * keys off, then checks them; ids are kept, so scans.host_id stays
	 * valid). Local hosts stay unique by hostname (a partial index).
	 */
	{2,
	 "CREATE TABLE hosts_new ("
	 " id INTEGER PRIMARY KEY,"
	 " hostname TEXT NOT NULL,"
	 " agent_id TEXT UNIQUE);"
	 "INSERT INTO hosts_new(id, hostname) SELECT id, hostname FROM hosts;"
	 "DROP TABLE hosts;"
	 "ALTER TABLE hosts_new RENAME TO hosts;"
	 "CREATE UNIQUE INDEX hosts_local ON hosts(hostname)"
	 " WHERE agent_id IS NULL;"
	 "CREATE TABLE users ("
	 " id INTEGER PRIMARY KEY,"
	 " name TEXT UNIQUE NOT NULL,"
	 " role TEXT NOT NULL,"
	 " pwhash TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE TABLE enrol_tokens ("
	 " hash TEXT PRIMARY KEY,"
	 " site TEXT NOT NULL,"
	 " expires_at INTEGER NOT NULL,"
	 " used_at INTEGER);"
	 "CREATE TABLE agents ("
	 " id TEXT PRIMARY KEY,"
	 " site TEXT NOT NULL,"
	 " hostname TEXT,"
	 " secret_hash TEXT NOT NULL,"
	 " enrolled_at INTEGER NOT NULL,"
	 " last_seen INTEGER NOT NULL DEFAULT 0,"
	 " host_id INTEGER REFERENCES hosts);"
	 "CREATE TABLE apikeys ("
	 " id TEXT PRIMARY KEY,"
	 " role TEXT NOT NULL,"
	 " secret_hash TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "CREATE TABLE reports ("
	 " uuid TEXT PRIMARY KEY,"
	 " agent_id TEXT NOT NULL REFERENCES agents,"
	 " scan_id INTEGER REFERENCES scans ON DELETE SET NULL,"
	 " received_at INTEGER NOT NULL);"
	 /* Foreign keys' child columns, so deleting a parent stays fast. */
	 "CREATE INDEX reports_agent ON reports(agent_id);"
	 "CREATE INDEX reports_scan ON reports(scan_id);"
	 "CREATE TABLE audit ("
	 " id INTEGER PRIMARY KEY,"
	 " at INTEGER NOT NULL,"
	 " actor TEXT NOT NULL,"
	 " action TEXT NOT NULL,"
	 " detail TEXT);"
	 "CREATE INDEX audit_time ON audit(at);"},
};

static const char *const sq_sql[SQ_COUNT] = {
	/* A local scan's host: by hostname, among hosts of no agent. */
	[SQ_HOST_ADD] = "INSERT INTO hosts(hostname) VALUES (?1)"
			" ON CONFLICT(hostname) WHERE agent_id IS NULL"
			" DO NOTHING",
	[SQ_HOST_ID] = "SELECT id FROM hosts"
		       " WHERE hostname = ?1 AND agent_id IS NULL",
	[SQ_SCAN_ADD] = "INSERT INTO scans(host_id, collected_at, facts,"
			" overall, scores) VALUES (?1, ?2, ?3, ?4, ?5)",
	[SQ_FINDING_ADD] = "INSERT INTO findings(scan_id, rule, check_id,"
			   " severity, subject, evidence, remediation)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQ_NE_ADD] = "INSERT INTO not_evaluated(scan_id, rule, check_id,"
		      " reason) VALUES (?1, ?2, ?3, ?4)",
	[SQ_LIST] = "SELECT s.id, s.collected_at, h.hostname, s.scores,"
		    " s.overall,"
		    " (SELECT count(*) FROM findings f WHERE f.scan_id = s.id)"
		    " FROM scans s JOIN hosts h ON h.id = s.host_id"
		    " ORDER BY s.collected_at DESC, s.id DESC LIMIT ?1",
	[SQ_LAST] = "SELECT id, facts, scores FROM scans"
		    " ORDER BY collected_at DESC, id DESC LIMIT 1",
	[SQ_FINDINGS] = "SELECT rule, check_id, severity, subject, evidence,"
			" remediation FROM findings WHERE scan_id = ?1"
			" ORDER BY id",
	[SQ_NES] = "SELECT rule, check_id, reason FROM not_evaluated"
		   " WHERE scan_id = ?1 ORDER BY rowid",
	/* The server's records (sqlite_server.c). A duplicate key is a
	 * row not inserted (sqlite3_changes), not an error to decode. */
	[SQ_USER_ADD] = "INSERT INTO users(name, role, pwhash, created_at)"
			" VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
	[SQ_USER_GET] = "SELECT id, name, role, pwhash, created_at"
			" FROM users WHERE name = ?1",
	[SQ_TOKEN_ADD] = "INSERT INTO enrol_tokens(hash, site, expires_at)"
			 " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	/* One statement reads and spends the token: two enrolments with
	 * one token cannot both see it unused. */
	[SQ_TOKEN_USE] = "UPDATE enrol_tokens SET used_at = ?2"
			 " WHERE hash = ?1 AND used_at IS NULL"
			 " AND expires_at > ?2 RETURNING site",
	[SQ_AGENT_ADD] = "INSERT INTO agents(id, site, hostname, secret_hash,"
			 " enrolled_at, last_seen)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
			 " ON CONFLICT DO NOTHING",
	[SQ_AGENT_GET] = "SELECT id, site, hostname, secret_hash,"
			 " enrolled_at, last_seen FROM agents WHERE id = ?1",
	/* An agent's host: by agent id; it takes the latest hostname. */
	[SQ_AGENT_HOST] = "INSERT INTO hosts(hostname, agent_id)"
			  " VALUES (?1, ?2) ON CONFLICT(agent_id)"
			  " DO UPDATE SET hostname = excluded.hostname"
			  " RETURNING id",
	[SQ_AGENT_SEEN] = "UPDATE agents SET last_seen = ?2, host_id = ?3"
			  " WHERE id = ?1",
	[SQ_APIKEY_ADD] = "INSERT INTO apikeys(id, role, secret_hash,"
			  " created_at) VALUES (?1, ?2, ?3, ?4)"
			  " ON CONFLICT DO NOTHING",
	[SQ_APIKEY_GET] = "SELECT id, role, secret_hash, created_at"
			  " FROM apikeys WHERE id = ?1",
	[SQ_REPORT_SEEN] = "SELECT 1 FROM reports WHERE uuid = ?1",
	[SQ_REPORT_ADD] = "INSERT INTO reports(uuid, agent_id, scan_id,"
			  " received_at) VALUES (?1, ?2, ?3, ?4)",
	[SQ_AUDIT_ADD] = "INSERT INTO audit(at, actor, action, detail)"
			 " VALUES (?1, ?2, ?3, ?4)",
};

enum vg_rc
sq_fail(struct sq *q, struct vg_err *err, const char *what)
{
	return vg_err_set(
		err, VG_ERR_STORE, _("store '%s': %s: %s"), q->path, what,
		q->db != NULL ? sqlite3_errmsg(q->db) : _("out of memory"));
}

/* One integer from a query that yields one row (a PRAGMA). */
static enum vg_rc
sq_int(struct sq *q, const char *sql, int64_t *out, struct vg_err *err)
{
	sqlite3_stmt *st = NULL;
	enum vg_rc rc = VG_OK;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = sq_fail(q, err, sql);
	else
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

enum vg_rc
sq_exec(struct sq *q, const char *sql, struct vg_err *err)
{
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(q, err, sql);
	return VG_OK;
}

/* The newest schema this vigie knows. */
static int
sq_latest(void)
{
	return migrations[VG_ARRAY_LEN(migrations) - 1].version;
}

static enum vg_rc
sq_newer(struct sq *q, int64_t v, struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_STORE,
			  _("store '%s' was written by a newer vigie (schema "
			    "%lld)"),
			  q->path, (long long)v);
}

/* Foreign keys broken by a migration: the check yields no row when none. */
static enum vg_rc
sq_fk_check(struct sq *q, struct vg_err *err)
{
	sqlite3_stmt *st = NULL;
	enum vg_rc rc = VG_OK;
	int step;

	if (sqlite3_prepare_v2(q->db, "PRAGMA foreign_key_check", -1, &st,
			       NULL) != SQLITE_OK ||
	    ((step = sqlite3_step(st)) != SQLITE_DONE && step != SQLITE_ROW))
		rc = sq_fail(q, err, _("cannot check foreign keys"));
	else if (step == SQLITE_ROW)
		rc = vg_err_set(
			err, VG_ERR_STORE,
			_("store '%s': migration left a dangling "
			  "reference in table '%s'"),
			q->path,
			sqlite3_column_text(st, 0) != NULL
				? (const char *)sqlite3_column_text(st, 0)
				: "?");
	sqlite3_finalize(st);
	return rc;
}

/*
 * Bring the schema up to date. The version is read again inside the
 * write transaction: two processes opening a new store at once must not
 * both create the tables. A migration may rebuild a table (SQLite's
 * 12-step ALTER), so foreign keys are off while it runs (a PRAGMA that
 * only works outside a transaction) and checked before the commit; the
 * caller turns them on again.
 */
static enum vg_rc
sq_migrate(struct sq *q, struct vg_err *err)
{
	char pragma[64];
	enum vg_rc rc;
	int64_t v;
	size_t i;

	if ((rc = sq_int(q, "PRAGMA user_version", &v, err)) != VG_OK)
		return rc;
	if (v > sq_latest())
		return sq_newer(q, v, err);
	if (v == sq_latest())
		return VG_OK;
	if ((rc = sq_exec(q, "PRAGMA foreign_keys=OFF", err)) != VG_OK ||
	    (rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		return rc;
	if ((rc = sq_int(q, "PRAGMA user_version", &v, err)) != VG_OK)
		goto done;
	if (v > sq_latest()) {
		rc = sq_newer(q, v, err);
		goto done;
	}
	for (i = 0; i < VG_ARRAY_LEN(migrations); i++) {
		if (migrations[i].version <= v)
			continue;
		/* Named by its number: its SQL is too long for a message. */
		if (sqlite3_exec(q->db, migrations[i].sql, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			(void)snprintf(pragma, sizeof(pragma),
				       _("migration %d"),
				       migrations[i].version);
			rc = sq_fail(q, err, pragma);
			goto done;
		}
		/* PRAGMA takes no parameter; the number is our own. */
		(void)snprintf(pragma, sizeof(pragma),
			       "PRAGMA user_version = %d",
			       migrations[i].version);
		if ((rc = sq_exec(q, pragma, err)) != VG_OK)
			goto done;
	}
	if ((rc = sq_fk_check(q, err)) != VG_OK)
		goto done;
	rc = sq_exec(q, "COMMIT", err);
done:
	if (rc != VG_OK)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Create the file with mode 0600 before SQLite does (SQLite would use
 * 0644 less the umask); its -wal and -shm files copy this mode.
 */
static enum vg_rc
sq_create(const char *path, struct vg_err *err)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return VG_OK;
		return vg_err_set(err, VG_ERR_IO, _("cannot create '%s': %s"),
				  path, strerror(errno));
	}
	/* A umask such as 0277 must not leave it unwritable. */
	if (fchmod(fd, 0600) == -1) {
		int e = errno;

		(void)close(fd);
		return vg_err_set(err, VG_ERR_IO, _("cannot chmod '%s': %s"),
				  path, strerror(e));
	}
	(void)close(fd);
	return VG_OK;
}

static void
sq_close(struct vg_store *s)
{
	struct sq *q = s->impl;
	int i;

	if (q != NULL) {
		for (i = 0; i < SQ_COUNT; i++)
			sqlite3_finalize(q->st[i]);
		(void)sqlite3_close(q->db);
		free(q->path);
		free(q);
	}
	free(s);
}

void
sq_reset(sqlite3_stmt *st)
{
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

int
sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

bool
sq_step_done(sqlite3_stmt *st)
{
	bool ok = sqlite3_step(st) == SQLITE_DONE;

	sq_reset(st);
	return ok;
}

/* "R3" -> 3 for rows built by vg_report_to_json (always well formed). */
static int
rule_number(const json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "rule"));
	int n = 0;

	if (s != NULL && s[0] == 'R')
		for (s++; *s >= '0' && *s <= '9' && n < 1000; s++)
			n = n * 10 + (*s - '0');
	return n;
}

/* The host's id, adding the host when new. */
static bool
sq_host_id(struct sq *q, const char *hostname, int64_t *id)
{
	sqlite3_stmt *st;
	bool ok;

	st = q->st[SQ_HOST_ADD];
	if (sq_bind_text(st, 1, hostname) != SQLITE_OK || !sq_step_done(st))
		return false;
	st = q->st[SQ_HOST_ID];
	ok = sq_bind_text(st, 1, hostname) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW;
	if (ok)
		*id = sqlite3_column_int64(st, 0);
	sq_reset(st);
	return ok;
}

/* Insert the findings (rows of rep's "findings") of scan id. */
static bool
sq_put_findings(struct sq *q, int64_t id, const json_t *rep)
{
	sqlite3_stmt *st = q->st[SQ_FINDING_ADD];
	const json_t *o;
	char *ev;
	size_t i;
	bool ok = true;

	json_array_foreach(json_object_get(rep, "findings"), i, o)
	{
		ev = json_dumps(json_object_get(o, "evidence"),
				JSON_COMPACT | JSON_PRESERVE_ORDER);
		ok = ev != NULL && sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
			sqlite3_bind_int(st, 2, rule_number(o)) == SQLITE_OK &&
			sq_bind_text(st, 3,
				     json_string_value(json_object_get(
					     o, "check"))) == SQLITE_OK &&
			sq_bind_text(st, 4,
				     json_string_value(json_object_get(
					     o, "severity"))) == SQLITE_OK &&
			sq_bind_text(st, 5,
				     json_string_value(json_object_get(
					     o, "subject"))) == SQLITE_OK &&
			sq_bind_text(st, 6, ev) == SQLITE_OK &&
			sq_bind_text(st, 7,
				     json_string_value(json_object_get(
					     o, "remediation"))) == SQLITE_OK &&
			sq_step_done(st);
		free(ev);
		if (!ok) {
			sq_reset(st);
			return false;
		}
	}
	st = q->st[SQ_NE_ADD];
	json_array_foreach(json_object_get(rep, "not_evaluated"), i, o)
	{
		ok = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
			sqlite3_bind_int(st, 2, rule_number(o)) == SQLITE_OK &&
			sq_bind_text(st, 3,
				     json_string_value(json_object_get(
					     o, "check"))) == SQLITE_OK &&
			sq_bind_text(st, 4,
				     json_string_value(json_object_get(
					     o, "reason"))) == SQLITE_OK &&
			sq_step_done(st);
		if (!ok) {
			sq_reset(st);
			return false;
		}
	}
	return true;
}

enum vg_rc
sq_scan_prepare(struct sq_scan *sc, const struct vg_facts *f,
		const struct vg_report *r, struct vg_err *err)
{
	enum vg_rc rc;

	memset(sc, 0, sizeof(*sc));
	/* The stored document must be one last_scan can read back. */
	vg_buf_init(&sc->facts, VG_MAX_JSON_DOC);
	sc->collected_at = f->collected_at;
	sc->overall = r->overall;
	if ((rc = vg_facts_write(f, &sc->facts)) != VG_OK) {
		if (rc == VG_ERR_LIMIT)
			return vg_err_set(err, rc,
					  _("store: facts larger than %u "
					    "bytes"),
					  VG_MAX_JSON_DOC);
		return vg_err_set(err, rc, _("store: out of memory"));
	}
	if ((sc->rep = json_object()) == NULL ||
	    vg_report_to_json(r, sc->rep, false) != VG_OK ||
	    (sc->scores = json_dumps(json_object_get(sc->rep, "scores"),
				     JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		    NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	return VG_OK;
}

void
sq_scan_release(struct sq_scan *sc)
{
	vg_buf_release(&sc->facts);
	free(sc->scores);
	json_decref(sc->rep);
	sc->scores = NULL;
	sc->rep = NULL;
}

enum vg_rc
sq_scan_insert(struct sq *q, const struct sq_scan *sc, int64_t host,
	       int64_t *scan_id, struct vg_err *err)
{
	sqlite3_stmt *st = q->st[SQ_SCAN_ADD];
	int64_t id;

	*scan_id = 0;
	/* SQLITE_STATIC: the text outlives the step that reads it. */
	if (sqlite3_bind_int64(st, 1, host) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, sc->collected_at) != SQLITE_OK ||
	    sqlite3_bind_text64(st, 3, vg_buf_str(&sc->facts), sc->facts.len,
				SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK ||
	    (sc->overall >= 0 ? sqlite3_bind_int(st, 4, sc->overall)
			      : sqlite3_bind_null(st, 4)) != SQLITE_OK ||
	    sq_bind_text(st, 5, sc->scores) != SQLITE_OK || !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record the scan"));
	}
	id = sqlite3_last_insert_rowid(q->db);
	if (!sq_put_findings(q, id, sc->rep))
		return sq_fail(q, err, _("cannot record the findings"));
	*scan_id = id;
	return VG_OK;
}

static enum vg_rc
sq_put_scan(struct vg_store *s, const struct vg_facts *f,
	    const struct vg_report *r, int64_t *scan_id, struct vg_err *err)
{
	struct sq *q = s->impl;
	struct sq_scan sc;
	int64_t host, id = 0;
	enum vg_rc rc;
	bool in_tx = false;

	*scan_id = 0;
	/* Everything that can fail without the database is done first. */
	if ((rc = sq_scan_prepare(&sc, f, r, err)) != VG_OK)
		goto done;
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto done;
	in_tx = true;
	if (!sq_host_id(q, f->os.hostname != NULL ? f->os.hostname : "",
			&host)) {
		rc = sq_fail(q, err, _("cannot record the host"));
		goto done;
	}
	if ((rc = sq_scan_insert(q, &sc, host, &id, err)) != VG_OK ||
	    (rc = sq_exec(q, "COMMIT", err)) != VG_OK)
		goto done;
	in_tx = false;
	*scan_id = id;
done:
	if (in_tx)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	sq_scan_release(&sc);
	return rc;
}

/* Scores from the stored JSON object; anything odd reads as no score. */
static void
scores_from_text(const char *text, int scores[VG_RULE_COUNT + 1])
{
	json_t *o, *v;
	char key[8];
	int k;

	for (k = 0; k <= VG_RULE_COUNT; k++)
		scores[k] = VG_SCORE_NONE;
	if (text == NULL || (o = json_loads(text, 0, NULL)) == NULL)
		return;
	for (k = 1; k <= VG_RULE_COUNT; k++) {
		(void)snprintf(key, sizeof(key), "R%d", k);
		v = json_object_get(o, key);
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    json_integer_value(v) <= 100)
			scores[k] = (int)json_integer_value(v);
	}
	json_decref(o);
}

static enum vg_rc
sq_list_scans(struct vg_store *s, size_t max, struct vg_scan_summary **out,
	      size_t *n, struct vg_err *err)
{
	struct vg_scan_summary *v = NULL, *p, *sum;
	sqlite3_stmt *st = NULL;
	struct sq *q = s->impl;
	size_t len = 0, cap = 0;
	enum vg_rc rc = VG_OK;
	const char *host;
	int64_t overall;
	int step;

	*out = NULL;
	*n = 0;
	st = q->st[SQ_LIST];
	if (sqlite3_bind_int64(st, 1,
			       max > INT64_MAX ? INT64_MAX : (int64_t)max) !=
	    SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot list scans"));
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if ((p = reallocarray(v, cap, sizeof(*v))) == NULL) {
				rc = vg_err_set(err, VG_ERR_NOMEM,
						_("store: out of memory"));
				goto done;
			}
			v = p;
		}
		sum = &v[len++];
		memset(sum, 0, sizeof(*sum));
		sum->id = sqlite3_column_int64(st, 0);
		sum->at = sqlite3_column_int64(st, 1);
		host = (const char *)sqlite3_column_text(st, 2);
		(void)snprintf(sum->host, sizeof(sum->host), "%s",
			       host != NULL ? host : "");
		scores_from_text((const char *)sqlite3_column_text(st, 3),
				 sum->scores);
		overall = sqlite3_column_int64(st, 4);
		sum->overall = sqlite3_column_type(st, 4) == SQLITE_INTEGER &&
				overall >= 0 && overall <= 100
			? (int)overall
			: VG_SCORE_NONE;
		sum->n_findings = (size_t)sqlite3_column_int64(st, 5);
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(q, err, _("cannot list scans"));
done:
	sq_reset(st);
	if (rc != VG_OK) {
		free(v);
		return rc;
	}
	*out = v;
	*n = len;
	return VG_OK;
}

/* Column i as a JSON string; NULL when absent or not UTF-8. */
static json_t *
col_str(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s != NULL ? json_stringn(s, (size_t)sqlite3_column_bytes(st, i))
			 : NULL;
}

/* Column i parsed as JSON; NULL when absent or malformed. */
static json_t *
col_json(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (s == NULL || n > VG_MAX_JSON_DOC)
		return NULL;
	return json_loadb(s, n, JSON_REJECT_DUPLICATES, NULL);
}

static json_t *
col_rule(sqlite3_stmt *st, int i)
{
	char name[24];

	(void)snprintf(name, sizeof(name), "R%lld",
		       (long long)sqlite3_column_int64(st, i));
	return json_string(name);
}

/* The findings and not-evaluated rows of scan id into doc. */
static bool
sq_get_rows(struct sq *q, int64_t id, json_t *doc)
{
	sqlite3_stmt *st;
	int step = SQLITE_DONE;
	json_t *a, *o;
	bool ok = true;

	a = json_array();
	if (json_object_set_new(doc, "findings", a) != 0)
		return false;
	st = q->st[SQ_FINDINGS];
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		ok = false;
	while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		o = json_object();
		ok = json_array_append_new(a, o) == 0 &&
			json_object_set_new(o, "rule", col_rule(st, 0)) == 0 &&
			json_object_set_new(o, "check", col_str(st, 1)) == 0 &&
			json_object_set_new(o, "severity", col_str(st, 2)) ==
				0 &&
			json_object_set_new(o, "subject", col_str(st, 3)) ==
				0 &&
			json_object_set_new(o, "evidence", col_json(st, 4)) ==
				0;
		if (ok && sqlite3_column_type(st, 5) != SQLITE_NULL)
			ok = json_object_set_new(o, "remediation",
						 col_str(st, 5)) == 0;
	}
	ok = ok && step == SQLITE_DONE;
	sq_reset(st);
	if (!ok)
		return false;

	a = json_array();
	if (json_object_set_new(doc, "not_evaluated", a) != 0)
		return false;
	st = q->st[SQ_NES];
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		ok = false;
	while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		o = json_object();
		ok = json_array_append_new(a, o) == 0 &&
			json_object_set_new(o, "rule", col_rule(st, 0)) == 0 &&
			json_object_set_new(o, "check", col_str(st, 1)) == 0 &&
			json_object_set_new(o, "reason", col_str(st, 2)) == 0;
	}
	ok = ok && step == SQLITE_DONE;
	sq_reset(st);
	return ok;
}

static enum vg_rc
sq_last_scan(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	json_t *doc = NULL;
	enum vg_rc rc = VG_OK;
	int64_t id = 0;
	int step;

	*out = NULL;
	/* One read transaction: the rows of a scan match its header. */
	if ((rc = sq_exec(q, "BEGIN", err)) != VG_OK)
		return rc;
	st = q->st[SQ_LAST];
	if ((step = sqlite3_step(st)) == SQLITE_DONE) {
		rc = vg_err_set(err, VG_ERR_NOTFOUND,
				_("store '%s' holds no scan"), q->path);
		goto done;
	}
	if (step != SQLITE_ROW) {
		rc = sq_fail(q, err, _("cannot read the last scan"));
		goto done;
	}
	id = sqlite3_column_int64(st, 0);
	if ((doc = json_object()) == NULL ||
	    json_object_set_new(doc, "id", json_integer(id)) != 0 ||
	    json_object_set_new(doc, "facts", col_json(st, 1)) != 0 ||
	    json_object_set_new(doc, "scores", col_json(st, 2)) != 0 ||
	    !sq_get_rows(q, id, doc)) {
		rc = vg_err_set(err, VG_ERR_STORE,
				_("store '%s': scan %lld cannot be read "
				  "(damaged or out of memory)"),
				q->path, (long long)id);
		goto done;
	}
done:
	sq_reset(st);
	(void)sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

static const struct vg_store_ops sqlite_ops = {
	.name = "sqlite",
	.put_scan = sq_put_scan,
	.list_scans = sq_list_scans,
	.last_scan = sq_last_scan,
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.token_add = sq_token_add,
	.token_consume = sq_token_consume,
	.agent_add = sq_agent_add,
	.agent_get = sq_agent_get,
	.apikey_add = sq_apikey_add,
	.apikey_get = sq_apikey_get,
	.put_report = sq_put_report,
	.audit_add = sq_audit_add,
	.close = sq_close,
};

/* Settings, schema and statements of a fresh connection. */
static enum vg_rc
sq_setup(struct sq *q, struct vg_err *err)
{
	enum vg_rc rc;
	int64_t v;
	int i;

	(void)sqlite3_busy_timeout(q->db, SQ_BUSY_TIMEOUT_MS);
	/* Refuse a newer schema before changing anything in the file;
	 * this read also rejects a file that is not a database. */
	if ((rc = sq_int(q, "PRAGMA user_version", &v, err)) != VG_OK)
		return rc;
	if (v > sq_latest())
		return sq_newer(q, v, err);
	/* WAL may be refused (a network file system): the store still
	 * works in the default rollback mode, so that is not an error. */
	if ((rc = sq_exec(q, "PRAGMA journal_mode=WAL", err)) != VG_OK ||
	    (rc = sq_migrate(q, err)) != VG_OK ||
	    (rc = sq_exec(q, "PRAGMA foreign_keys=ON", err)) != VG_OK)
		return rc;
	for (i = 0; i < SQ_COUNT; i++)
		if (sqlite3_prepare_v3(q->db, sq_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &q->st[i],
				       NULL) != SQLITE_OK)
			return sq_fail(q, err, sq_sql[i]);
	return VG_OK;
}

enum vg_rc
vg_store_open_sqlite(struct vg_store **out, const char *path,
		     struct vg_err *err)
{
	struct vg_store *s = NULL;
	struct sq *q = NULL;
	enum vg_rc rc;

	*out = NULL;
	if ((rc = sq_create(path, err)) != VG_OK)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (q = calloc(1, sizeof(*q))) == NULL ||
	    (q->path = strdup(path)) == NULL) {
		free(q);
		free(s);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	s->ops = &sqlite_ops;
	s->impl = q;
	if (sqlite3_open_v2(path, &q->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot open"));
		sq_close(s);
		return rc;
	}
	if ((rc = sq_setup(q, err)) != VG_OK) {
		sq_close(s);
		return rc;
	}
	*out = s;
	return VG_OK;
}

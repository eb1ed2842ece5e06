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
/* Reads through a memory map, up to this size: a page of findings
 * touches thousands of pages, each a system call without it. */
#define SQ_MMAP_BYTES "1073741824"

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
	/*
	 * 3: the read side of the server. Risk acceptances and console
	 * sessions; and what keeps the API fast at 20,000 hosts and
	 * millions of findings: each host's latest and previous scan, a
	 * summary per scan (the asset's declaration, per-rule scores,
	 * findings by severity) so lists never parse JSON or count rows,
	 * and per finding its host, severity rank, state (enum sq_state)
	 * and first_seen. Existing rows are filled in (json_valid guards
	 * a damaged document: it reads as undeclared).
	 */
	{3,
	 "CREATE TABLE acceptances ("
	 " id INTEGER PRIMARY KEY,"
	 " host_id INTEGER NOT NULL REFERENCES hosts,"
	 " check_id TEXT NOT NULL,"
	 " subject TEXT NOT NULL,"
	 " reason TEXT NOT NULL,"
	 " until INTEGER NOT NULL,"
	 " by TEXT NOT NULL,"
	 " at INTEGER NOT NULL);"
	 "CREATE INDEX acceptances_key ON acceptances(host_id, check_id,"
	 " subject);"
	 "CREATE INDEX acceptances_until ON acceptances(until);"
	 "CREATE TABLE sessions ("
	 " hash TEXT PRIMARY KEY,"
	 " user_id INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,"
	 " csrf TEXT NOT NULL,"
	 " expires_at INTEGER NOT NULL);"
	 "CREATE INDEX sessions_user ON sessions(user_id);"
	 /* Caches of the scans table, hence no foreign key. */
	 "ALTER TABLE hosts ADD COLUMN latest_scan_id INTEGER;"
	 "ALTER TABLE hosts ADD COLUMN prev_scan_id INTEGER;"
	 /* Not in scans, where the facts' overflow pages come first. */
	 "CREATE TABLE scan_sums ("
	 " scan_id INTEGER PRIMARY KEY REFERENCES scans ON DELETE CASCADE,"
	 " host_id INTEGER NOT NULL,"
	 " collected_at INTEGER NOT NULL,"
	 " site TEXT, owner TEXT, category TEXT,"
	 " criticality INTEGER NOT NULL DEFAULT 0,"
	 " s1 INTEGER, s2 INTEGER, s3 INTEGER, s4 INTEGER, s5 INTEGER,"
	 " s6 INTEGER, s7 INTEGER, s8 INTEGER, s9 INTEGER, s10 INTEGER,"
	 " overall INTEGER,"
	 " n_critical INTEGER NOT NULL DEFAULT 0,"
	 " n_high INTEGER NOT NULL DEFAULT 0,"
	 " n_medium INTEGER NOT NULL DEFAULT 0,"
	 " n_low INTEGER NOT NULL DEFAULT 0);"
	 "ALTER TABLE findings ADD COLUMN host_id INTEGER;"
	 "ALTER TABLE findings ADD COLUMN sev INTEGER NOT NULL DEFAULT 3;"
	 "ALTER TABLE findings ADD COLUMN state INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE findings ADD COLUMN first_seen INTEGER NOT NULL"
	 " DEFAULT 0;"
	 "INSERT INTO scan_sums(scan_id, host_id, collected_at, overall,"
	 " site, owner, category, criticality)"
	 " SELECT id, host_id, collected_at, overall,"
	 " CASE WHEN json_valid(facts) THEN"
	 "  json_extract(facts, '$.asset.site') END,"
	 " CASE WHEN json_valid(facts) THEN"
	 "  json_extract(facts, '$.asset.owner') END,"
	 " CASE WHEN json_valid(facts) THEN"
	 "  json_extract(facts, '$.asset.category') END,"
	 " coalesce(CASE WHEN json_valid(facts) THEN"
	 "  json_extract(facts, '$.asset.criticality') END, 0)"
	 " FROM scans;"
	 "UPDATE scan_sums SET"
	 " s1 = json_extract(scores, '$.R1'),"
	 " s2 = json_extract(scores, '$.R2'),"
	 " s3 = json_extract(scores, '$.R3'),"
	 " s4 = json_extract(scores, '$.R4'),"
	 " s5 = json_extract(scores, '$.R5'),"
	 " s6 = json_extract(scores, '$.R6'),"
	 " s7 = json_extract(scores, '$.R7'),"
	 " s8 = json_extract(scores, '$.R8'),"
	 " s9 = json_extract(scores, '$.R9'),"
	 " s10 = json_extract(scores, '$.R10')"
	 " FROM (SELECT id, scores FROM scans WHERE json_valid(scores)) j"
	 " WHERE j.id = scan_sums.scan_id;"
	 "UPDATE findings SET"
	 " host_id = (SELECT host_id FROM scans WHERE id = scan_id),"
	 " sev = CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1"
	 "  WHEN 'medium' THEN 2 ELSE 3 END;"
	 "UPDATE scan_sums SET"
	 " n_critical = (SELECT count(*) FROM findings f"
	 "  WHERE f.scan_id = scan_sums.scan_id AND f.sev = 0),"
	 " n_high = (SELECT count(*) FROM findings f"
	 "  WHERE f.scan_id = scan_sums.scan_id AND f.sev = 1),"
	 " n_medium = (SELECT count(*) FROM findings f"
	 "  WHERE f.scan_id = scan_sums.scan_id AND f.sev = 2),"
	 " n_low = (SELECT count(*) FROM findings f"
	 "  WHERE f.scan_id = scan_sums.scan_id AND f.sev = 3);"
	 "UPDATE hosts SET latest_scan_id = (SELECT id FROM scans"
	 " WHERE host_id = hosts.id ORDER BY collected_at DESC, id DESC"
	 " LIMIT 1);"
	 "UPDATE hosts SET prev_scan_id = (SELECT id FROM scans"
	 " WHERE host_id = hosts.id AND id <> hosts.latest_scan_id"
	 " ORDER BY collected_at DESC, id DESC LIMIT 1);"
	 /* A finding across scans; current ones in API order; by check. */
	 "DROP INDEX findings_scan;"
	 "CREATE INDEX findings_scan ON findings(scan_id, check_id, subject);"
	 "CREATE INDEX findings_key ON findings(host_id, check_id, subject,"
	 " first_seen);"
	 "CREATE INDEX findings_live ON findings(state, sev, rule, check_id,"
	 " subject, host_id);"
	 "CREATE INDEX findings_check ON findings(state, check_id);"
	 "CREATE INDEX scan_sums_host ON scan_sums(host_id, collected_at);"
	 "CREATE INDEX scan_sums_time ON scan_sums(collected_at, scan_id);"
	 "CREATE INDEX scan_sums_site ON scan_sums(site);"
	 "UPDATE findings SET first_seen = (SELECT min(s.collected_at)"
	 " FROM findings f2 JOIN scans s ON s.id = f2.scan_id"
	 " WHERE f2.host_id = findings.host_id"
	 " AND f2.check_id = findings.check_id"
	 " AND f2.subject = findings.subject);"
	 "UPDATE findings SET state = 1"
	 " WHERE scan_id IN (SELECT latest_scan_id FROM hosts);"
	 "UPDATE findings SET state = 2"
	 " WHERE scan_id IN (SELECT prev_scan_id FROM hosts)"
	 " AND NOT EXISTS (SELECT 1 FROM hosts h JOIN findings n"
	 "  ON n.scan_id = h.latest_scan_id"
	 "  WHERE h.id = findings.host_id AND n.check_id = findings.check_id"
	 "  AND n.subject = findings.subject);"},
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
	[SQ_SUM_ADD] = "INSERT INTO scan_sums(scan_id, host_id, collected_at,"
		       " overall, site, owner, category, criticality,"
		       " s1, s2, s3, s4, s5, s6, s7, s8, s9, s10,"
		       " n_critical, n_high, n_medium, n_low)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		       " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
		       " ?19, ?20, ?21, ?22)",
	/* first_seen: the earliest of this finding in the host's stored
	 * scans (one seek in findings_key), or this scan's time. */
	[SQ_FINDING_ADD] = "INSERT INTO findings(scan_id, rule, check_id,"
			   " severity, subject, evidence, remediation,"
			   " host_id, sev, state, first_seen)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			   " min(?11, coalesce((SELECT min(first_seen)"
			   " FROM findings WHERE host_id = ?8"
			   " AND check_id = ?3 AND subject = ?5), ?11)))",
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
	/* A host's latest and previous scans, with their times. */
	[SQ_HOST_STATE] = "SELECT h.latest_scan_id, l.collected_at,"
			  " h.prev_scan_id, p.collected_at FROM hosts h"
			  " LEFT JOIN scans l ON l.id = h.latest_scan_id"
			  " LEFT JOIN scans p ON p.id = h.prev_scan_id"
			  " WHERE h.id = ?1",
	[SQ_HOST_SET] = "UPDATE hosts SET latest_scan_id = ?2,"
			" prev_scan_id = ?3 WHERE id = ?1",
	[SQ_STATE_CLEAR] = "UPDATE findings SET state = 0"
			   " WHERE scan_id = ?1 AND state <> 0",
	/* The previous scan's findings: fixed unless in the latest. */
	[SQ_STATE_PREV] = "UPDATE findings SET state = CASE WHEN EXISTS"
			  " (SELECT 1 FROM findings n WHERE n.scan_id = ?2"
			  " AND n.check_id = findings.check_id"
			  " AND n.subject = findings.subject) THEN 0 ELSE 2"
			  " END WHERE scan_id = ?1",
	/* A scan older than others came late: later sightings of its
	 * findings were first seen no later than it. */
	[SQ_FIRST_FIX] = "UPDATE findings SET first_seen = ?4"
			 " WHERE host_id = ?1 AND check_id = ?2"
			 " AND subject = ?3 AND first_seen > ?4",
	[SQ_SESSION_ADD] = "INSERT INTO sessions(hash, user_id, csrf,"
			   " expires_at) VALUES (?1, ?2, ?3, ?4)"
			   " ON CONFLICT DO NOTHING",
	[SQ_SESSION_GET] = "SELECT s.user_id, u.name, u.role, s.csrf,"
			   " s.expires_at FROM sessions s"
			   " JOIN users u ON u.id = s.user_id"
			   " WHERE s.hash = ?1 AND s.expires_at > ?2",
	[SQ_SESSION_DEL] = "DELETE FROM sessions WHERE hash = ?1",
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
		sq_query_close(q);
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

/* Rank of a severity name for the API's order: critical 0 ... low 3. */
static int
sev_rank(const char *name)
{
	enum vg_severity sev;

	if (name == NULL || !vg_severity_parse(name, &sev))
		return VG_SEV_COUNT - 1 - VG_SEV_LOW;
	return VG_SEV_COUNT - 1 - (int)sev;
}

/*
 * Insert the findings (rows of rep's "findings") of scan id of host,
 * taken at time at, in state (enum sq_state); when the scan came late
 * (not the host's latest), later sightings get their first_seen fixed.
 */
static bool
sq_put_findings(struct sq *q, int64_t id, const json_t *rep, int64_t host,
		int64_t at, int state, bool late)
{
	sqlite3_stmt *st = q->st[SQ_FINDING_ADD];
	const char *check, *subject, *sevname;
	const json_t *o;
	char *ev;
	size_t i;
	bool ok = true;

	json_array_foreach(json_object_get(rep, "findings"), i, o)
	{
		check = json_string_value(json_object_get(o, "check"));
		subject = json_string_value(json_object_get(o, "subject"));
		sevname = json_string_value(json_object_get(o, "severity"));
		ev = json_dumps(json_object_get(o, "evidence"),
				JSON_COMPACT | JSON_PRESERVE_ORDER);
		ok = ev != NULL && sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
			sqlite3_bind_int(st, 2, rule_number(o)) == SQLITE_OK &&
			sq_bind_text(st, 3, check) == SQLITE_OK &&
			sq_bind_text(st, 4, sevname) == SQLITE_OK &&
			sq_bind_text(st, 5, subject) == SQLITE_OK &&
			sq_bind_text(st, 6, ev) == SQLITE_OK &&
			sq_bind_text(st, 7,
				     json_string_value(json_object_get(
					     o, "remediation"))) == SQLITE_OK &&
			sqlite3_bind_int64(st, 8, host) == SQLITE_OK &&
			sqlite3_bind_int(st, 9, sev_rank(sevname)) ==
				SQLITE_OK &&
			sqlite3_bind_int(st, 10, state) == SQLITE_OK &&
			sqlite3_bind_int64(st, 11, at) == SQLITE_OK &&
			sq_step_done(st);
		free(ev);
		if (!ok) {
			sq_reset(st);
			return false;
		}
		if (!late)
			continue;
		ok = sqlite3_bind_int64(q->st[SQ_FIRST_FIX], 1, host) ==
				SQLITE_OK &&
			sq_bind_text(q->st[SQ_FIRST_FIX], 2, check) ==
				SQLITE_OK &&
			sq_bind_text(q->st[SQ_FIRST_FIX], 3, subject) ==
				SQLITE_OK &&
			sqlite3_bind_int64(q->st[SQ_FIRST_FIX], 4, at) ==
				SQLITE_OK &&
			sq_step_done(q->st[SQ_FIRST_FIX]);
		if (!ok) {
			sq_reset(q->st[SQ_FIRST_FIX]);
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

	size_t i;
	int k;

	memset(sc, 0, sizeof(*sc));
	/* The stored document must be one last_scan can read back. */
	vg_buf_init(&sc->facts, VG_MAX_JSON_DOC);
	sc->collected_at = f->collected_at;
	sc->overall = r->overall;
	for (k = 1; k <= VG_RULE_COUNT; k++)
		sc->rule_scores[k] = r->scores[k] >= 0 && r->scores[k] <= 100
			? r->scores[k]
			: VG_SCORE_NONE;
	for (i = 0; i < r->n_findings; i++)
		if ((unsigned)r->findings[i].severity < VG_SEV_COUNT)
			sc->n_sev[r->findings[i].severity]++;
	sc->criticality = f->asset.criticality >= 0 && f->asset.criticality <= 4
		? f->asset.criticality
		: 0;
	if ((f->asset.site != NULL &&
	     (sc->site = strdup(f->asset.site)) == NULL) ||
	    (f->asset.owner != NULL &&
	     (sc->owner = strdup(f->asset.owner)) == NULL) ||
	    (f->asset.category != NULL &&
	     (sc->category = strdup(f->asset.category)) == NULL))
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
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
	free(sc->site);
	free(sc->owner);
	free(sc->category);
	sc->scores = NULL;
	sc->rep = NULL;
	sc->site = sc->owner = sc->category = NULL;
}

/* Bind a score (VG_SCORE_NONE binds NULL). */
static int
bind_score(sqlite3_stmt *st, int i, int score)
{
	return score >= 0 ? sqlite3_bind_int(st, i, score)
			  : sqlite3_bind_null(st, i);
}

/* Insert the scans row of sc and its summary; its id into *id. */
static bool
sq_scan_row(struct sq *q, const struct sq_scan *sc, int64_t host, int64_t *id)
{
	sqlite3_stmt *st = q->st[SQ_SCAN_ADD];
	bool ok;
	int k;

	/* SQLITE_STATIC: the text outlives the step that reads it. */
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, sc->collected_at) == SQLITE_OK &&
		sqlite3_bind_text64(st, 3, vg_buf_str(&sc->facts),
				    sc->facts.len, SQLITE_STATIC,
				    SQLITE_UTF8) == SQLITE_OK &&
		bind_score(st, 4, sc->overall) == SQLITE_OK &&
		sq_bind_text(st, 5, sc->scores) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok) {
		sq_reset(st);
		return false;
	}
	*id = sqlite3_last_insert_rowid(q->db);
	st = q->st[SQ_SUM_ADD];
	ok = sqlite3_bind_int64(st, 1, *id) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 3, sc->collected_at) == SQLITE_OK &&
		bind_score(st, 4, sc->overall) == SQLITE_OK &&
		sq_bind_text(st, 5, sc->site) == SQLITE_OK &&
		sq_bind_text(st, 6, sc->owner) == SQLITE_OK &&
		sq_bind_text(st, 7, sc->category) == SQLITE_OK &&
		sqlite3_bind_int(st, 8, sc->criticality) == SQLITE_OK;
	for (k = 1; ok && k <= VG_RULE_COUNT; k++)
		ok = bind_score(st, 8 + k, sc->rule_scores[k]) == SQLITE_OK;
	ok = ok &&
		sqlite3_bind_int64(st, 19,
				   (int64_t)sc->n_sev[VG_SEV_CRITICAL]) ==
			SQLITE_OK &&
		sqlite3_bind_int64(st, 20, (int64_t)sc->n_sev[VG_SEV_HIGH]) ==
			SQLITE_OK &&
		sqlite3_bind_int64(st, 21, (int64_t)sc->n_sev[VG_SEV_MEDIUM]) ==
			SQLITE_OK &&
		sqlite3_bind_int64(st, 22, (int64_t)sc->n_sev[VG_SEV_LOW]) ==
			SQLITE_OK &&
		sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/* A host's latest and previous scans (0 when none) and their times. */
struct sq_hstate {
	int64_t latest, latest_at, prev, prev_at;
};

static bool
sq_host_state(struct sq *q, int64_t host, struct sq_hstate *h)
{
	sqlite3_stmt *st = q->st[SQ_HOST_STATE];
	bool ok;

	memset(h, 0, sizeof(*h));
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		h->latest = sqlite3_column_int64(st, 0);
		h->latest_at = sqlite3_column_int64(st, 1);
		h->prev = sqlite3_column_int64(st, 2);
		h->prev_at = sqlite3_column_int64(st, 3);
	}
	sq_reset(st);
	return ok;
}

/* Scan (at, id) is newer than (bat, bid): the order of list_scans. */
static bool
newer(int64_t at, int64_t id, int64_t bat, int64_t bid)
{
	return bid == 0 || at > bat || (at == bat && id > bid);
}

/* Run a statement of two integer parameters (the second may be unused). */
static bool
sq_run2(struct sq *q, enum sq_stmt which, int64_t a, int64_t b, bool two)
{
	sqlite3_stmt *st = q->st[which];
	bool ok;

	ok = sqlite3_bind_int64(st, 1, a) == SQLITE_OK &&
		(!two || sqlite3_bind_int64(st, 2, b) == SQLITE_OK) &&
		sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/*
 * Move the host's latest/previous pointers and the findings' states
 * for new scan id (its findings are in already). Usually id is the
 * latest: the old previous scan's findings become history, the old
 * latest's become fixed unless seen again. A late scan (an agent's
 * spooled report) may become the previous one, or plain history.
 */
static bool
sq_host_advance(struct sq *q, int64_t host, const struct sq_hstate *h,
		int64_t id, int64_t at)
{
	sqlite3_stmt *st = q->st[SQ_HOST_SET];
	int64_t latest = h->latest, prev = h->prev;
	bool ok;

	if (newer(at, id, h->latest_at, h->latest)) {
		if (h->prev != 0 &&
		    !sq_run2(q, SQ_STATE_CLEAR, h->prev, 0, false))
			return false;
		if (h->latest != 0 &&
		    !sq_run2(q, SQ_STATE_PREV, h->latest, id, true))
			return false;
		prev = h->latest;
		latest = id;
	} else if (newer(at, id, h->prev_at, h->prev)) {
		if (h->prev != 0 &&
		    !sq_run2(q, SQ_STATE_CLEAR, h->prev, 0, false))
			return false;
		if (!sq_run2(q, SQ_STATE_PREV, id, h->latest, true))
			return false;
		prev = id;
	} else
		return true;
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, latest) == SQLITE_OK &&
		(prev != 0 ? sqlite3_bind_int64(st, 3, prev)
			   : sqlite3_bind_null(st, 3)) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

enum vg_rc
sq_scan_insert(struct sq *q, const struct sq_scan *sc, int64_t host,
	       int64_t *scan_id, struct vg_err *err)
{
	struct sq_hstate h;
	int64_t id;
	bool latest;

	*scan_id = 0;
	if (!sq_host_state(q, host, &h) || !sq_scan_row(q, sc, host, &id))
		return sq_fail(q, err, _("cannot record the scan"));
	latest = newer(sc->collected_at, id, h.latest_at, h.latest);
	if (!sq_put_findings(q, id, sc->rep, host, sc->collected_at,
			     latest ? SQ_ST_CURRENT : SQ_ST_HISTORY, !latest))
		return sq_fail(q, err, _("cannot record the findings"));
	if (!sq_host_advance(q, host, &h, id, sc->collected_at))
		return sq_fail(q, err, _("cannot update the host's scans"));
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
	.list_assets = sq_list_assets,
	.get_asset = sq_get_asset,
	.list_findings = sq_list_findings,
	.accept_finding = sq_accept_finding,
	.scores = sq_scores,
	.counts = sq_counts,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
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
	if ((rc = sq_exec(q, "PRAGMA mmap_size = " SQ_MMAP_BYTES, err)) !=
		    VG_OK ||
	    (rc = sq_exec(q, "PRAGMA journal_mode=WAL", err)) != VG_OK ||
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

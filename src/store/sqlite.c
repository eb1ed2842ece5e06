/*
 * The SQLite store: one file (mode 0600: it holds account names and
 * host details), WAL mode so readers never block the writer, numbered
 * migrations tracked by PRAGMA user_version. Every statement is prepared
 * once per connection, on first use, and parameterised; a scan is written in
 * one transaction or not at all.
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
#include <sodium.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/facts_json.h"
#include "core/report_json.h"
#include "core/rules.h"
#include "core/section_cache.h"
#include "core/sections.h"
#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/banned.h"

/* A finding's evidence hashed from a buffer up to this size. */
#define SQ_FDIGEST_BUF 4096
/* A writer waits this long for another process's transaction. */
#define SQ_BUSY_TIMEOUT_MS 5000
/* Reads through a memory map, up to this size: a page of findings
 * touches thousands of pages, each a system call without it. */
#define SQ_MMAP_BYTES "1073741824"
/*
 * Checkpoints: SQLite's default runs one in the commit that takes the
 * WAL past 1,000 pages (4 MB), i.e. every ~90 agent reports, inside a
 * request. Past this many pages instead (64 MB, ~3,000 reports with
 * compressed facts), so the copy runs rarely and in bigger, more
 * sequential batches; a connection's close checkpoints too, and the WAL
 * file is cut back to SQ_WAL_KEEP bytes after a checkpoint.
 */
#define SQ_WAL_PAGES "16384"
#define SQ_WAL_KEEP "67108864"
/* zstd level of stored facts: 3 packs 184 KB of facts to ~20 KB (5
 * pages instead of 45) in ~0.3 ms; higher levels gain little. */
#define SQ_ZSTD_LEVEL 3
/* Seconds in a day, for the daily roll-up. */
#define SQ_DAY_SECS 86400

/*
 * Migration 5's sums (site_sums), as SQL text macros (clang-format
 * cannot lay out string literals mixed with macro arguments). The
 * columns of a summary row p (a table alias with its dot, OLD., NEW. or
 * nothing) as x's: its weight (criticality 1-4, 1 when undeclared, as
 * the read side) and scores...
 */
/* clang-format off */
/* The start of a trigger's definition (SQ_SITE_LATEST...): stored in the
 * file by migrations 5 to 13; TEMP, a connection's own, since 17. */
#define SQ_TRIGGER "CREATE TRIGGER "
#define SQ_TEMP_TRIGGER "CREATE TEMP TRIGGER "
#define SQ_SUM_ROW(p) \
	"iif(" p "criticality BETWEEN 1 AND 4, " p "criticality, 1) AS w, " \
	p "site AS site, " p "overall AS overall, " \
	p "s1 AS s1, " p "s2 AS s2, " p "s3 AS s3, " p "s4 AS s4, " \
	p "s5 AS s5, " p "s6 AS s6, " p "s7 AS s7, " p "s8 AS s8, " \
	p "s9 AS s9, " p "s10 AS s10"
/* ... a score counts when an integer 0-100 (col_score): its weight, and
 * its weighted value, times x.g (1 added, -1 removed)... */
#define SQ_SW(c) \
	"iif(typeof(x." c ") = 'integer' AND x." c " BETWEEN 0 AND 100," \
	" x.g * x.w, 0), "
#define SQ_SWS(c) \
	"iif(typeof(x." c ") = 'integer' AND x." c " BETWEEN 0 AND 100," \
	" x.g * x.w * x." c ", 0)"
/* ... and rows x (g, SQ_SUM_ROW) added to the establishment's and
 * their site's sums (k: one row for each). */
#define SQ_SITE_ADD(rows) \
	"INSERT INTO site_sums SELECT iif(k.k = 0, 0," \
	" iif(x.site IS NULL, 1, 2))," \
	" iif(k.k = 0 OR x.site IS NULL, '', x.site), x.g, " \
	SQ_SW("overall") \
	SQ_SW("s1") \
	SQ_SW("s2") \
	SQ_SW("s3") \
	SQ_SW("s4") \
	SQ_SW("s5") \
	SQ_SW("s6") \
	SQ_SW("s7") \
	SQ_SW("s8") \
	SQ_SW("s9") \
	SQ_SW("s10") \
	SQ_SWS("overall") ", " \
	SQ_SWS("s1") ", " \
	SQ_SWS("s2") ", " \
	SQ_SWS("s3") ", " \
	SQ_SWS("s4") ", " \
	SQ_SWS("s5") ", " \
	SQ_SWS("s6") ", " \
	SQ_SWS("s7") ", " \
	SQ_SWS("s8") ", " \
	SQ_SWS("s9") ", " \
	SQ_SWS("s10")  \
	" FROM (" rows ") x, (SELECT 0 AS k UNION ALL SELECT 1) k WHERE 1" \
	" ON CONFLICT (kind, site) DO UPDATE SET n = n + excluded.n," \
	" w0 = w0 + excluded.w0," \
	" w1 = w1 + excluded.w1," \
	" w2 = w2 + excluded.w2," \
	" w3 = w3 + excluded.w3," \
	" w4 = w4 + excluded.w4," \
	" w5 = w5 + excluded.w5," \
	" w6 = w6 + excluded.w6," \
	" w7 = w7 + excluded.w7," \
	" w8 = w8 + excluded.w8," \
	" w9 = w9 + excluded.w9," \
	" w10 = w10 + excluded.w10," \
	" ws0 = ws0 + excluded.ws0," \
	" ws1 = ws1 + excluded.ws1," \
	" ws2 = ws2 + excluded.ws2," \
	" ws3 = ws3 + excluded.ws3," \
	" ws4 = ws4 + excluded.ws4," \
	" ws5 = ws5 + excluded.ws5," \
	" ws6 = ws6 + excluded.ws6," \
	" ws7 = ws7 + excluded.ws7," \
	" ws8 = ws8 + excluded.ws8," \
	" ws9 = ws9 + excluded.ws9," \
	" ws10 = ws10 + excluded.ws10;"
/* Migration 5's fill, from the hosts' latest summaries. */
#define SQ_M5_FILL \
	SQ_SITE_ADD("SELECT 1 AS g, " SQ_SUM_ROW("s.") \
		    " FROM hosts h" \
		    " JOIN scan_sums s ON s.scan_id = h.latest_scan_id")
/* A host's latest scan moved: out with the old, in with the new
 * (migration 13 adds a condition: when the two summaries differ).
 * create: SQ_TRIGGER in the migrations that stored the triggers,
 * SQ_TEMP_TRIGGER since 17 (sq_derived). */
#define SQ_SITE_LATEST(create, cond) \
	create "site_sums_latest AFTER UPDATE OF latest_scan_id" \
	" ON hosts WHEN OLD.latest_scan_id IS NOT NEW.latest_scan_id" cond \
	" BEGIN UPDATE hosts SET latest_overall = (SELECT overall" \
	" FROM scan_sums WHERE scan_id = NEW.latest_scan_id)" \
	" WHERE id = NEW.id;" \
	SQ_SITE_ADD("SELECT -1 AS g, " SQ_SUM_ROW("") \
		    " FROM scan_sums WHERE scan_id = OLD.latest_scan_id" \
		    " UNION ALL SELECT 1, " SQ_SUM_ROW("") \
		    " FROM scan_sums WHERE scan_id = NEW.latest_scan_id") \
	" END;"
#define SQ_M5_LATEST SQ_SITE_LATEST(SQ_TRIGGER, "")
/* A latest scan's summary changed (a re-judgement). */
#define SQ_SITE_RESCORE(create) \
	create "site_sums_rescore AFTER UPDATE OF site," \
	" criticality, overall, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10" \
	" ON scan_sums WHEN (SELECT latest_scan_id FROM hosts" \
	" WHERE id = NEW.host_id) = NEW.scan_id" \
	" BEGIN UPDATE hosts SET latest_overall = NEW.overall" \
	" WHERE id = NEW.host_id;" \
	SQ_SITE_ADD("SELECT -1 AS g, " SQ_SUM_ROW("OLD.") \
		    " UNION ALL SELECT 1, " SQ_SUM_ROW("NEW.")) \
	" END;"
#define SQ_M5_RESCORE SQ_SITE_RESCORE(SQ_TRIGGER)
/*
 * Migration 6's sev_sums: the latest scans' findings by severity, for
 * the establishment (kind 0, site '') and per site (1: undeclared, site
 * ''; 2: a named site), from rows (g, site, n_critical...) where g is
 * +1 to add a summary, -1 to take it away.
 */
#define SQ_SEV_ADD(rows) \
	"INSERT INTO sev_sums(kind, site, n0, n1, n2, n3)" \
	" SELECT CASE WHEN k.k = 0 THEN 0 WHEN x.site IS NULL THEN 1" \
	" ELSE 2 END, CASE WHEN k.k = 0 THEN '' ELSE coalesce(x.site, '')" \
	" END, x.g * x.n_critical, x.g * x.n_high, x.g * x.n_medium," \
	" x.g * x.n_low" \
	" FROM (" rows ") x, (SELECT 0 AS k UNION ALL SELECT 1) k WHERE 1" \
	" ON CONFLICT (kind, site) DO UPDATE SET n0 = n0 + excluded.n0," \
	" n1 = n1 + excluded.n1, n2 = n2 + excluded.n2," \
	" n3 = n3 + excluded.n3;"
#define SQ_SEV_ROW(p) \
	p "site AS site, " p "n_critical AS n_critical, " p "n_high AS n_high," \
	" " p "n_medium AS n_medium, " p "n_low AS n_low"
/* Migration 6's fill, from the hosts' latest summaries. */
#define SQ_M6_FILL \
	SQ_SEV_ADD("SELECT 1 AS g, " SQ_SEV_ROW("s.") " FROM hosts h" \
		   " JOIN scan_sums s ON s.scan_id = h.latest_scan_id")
/* A host's latest scan moved: out with the old, in with the new. */
#define SQ_SEV_LATEST(create, cond) \
	create "sev_sums_latest AFTER UPDATE OF latest_scan_id" \
	" ON hosts WHEN OLD.latest_scan_id IS NOT NEW.latest_scan_id" cond \
	" BEGIN " \
	SQ_SEV_ADD("SELECT -1 AS g, " SQ_SEV_ROW("") \
		   " FROM scan_sums WHERE scan_id = OLD.latest_scan_id" \
		   " UNION ALL SELECT 1, " SQ_SEV_ROW("") \
		   " FROM scan_sums WHERE scan_id = NEW.latest_scan_id") \
	" END;"
#define SQ_M6_LATEST SQ_SEV_LATEST(SQ_TRIGGER, "")
/* A latest scan's counts changed (a re-judgement). */
#define SQ_SEV_RESCORE(create) \
	create "sev_sums_rescore AFTER UPDATE OF site, n_critical," \
	" n_high, n_medium, n_low ON scan_sums WHEN (SELECT latest_scan_id" \
	" FROM hosts WHERE id = NEW.host_id) = NEW.scan_id" \
	" BEGIN " \
	SQ_SEV_ADD("SELECT -1 AS g, " SQ_SEV_ROW("OLD.") \
		   " UNION ALL SELECT 1, " SQ_SEV_ROW("NEW.")) \
	" END;"
#define SQ_M6_RESCORE SQ_SEV_RESCORE(SQ_TRIGGER)
/*
 * Migration 13: the old and the new latest summaries (OLD and NEW of an
 * update of hosts.latest_scan_id) are equal in the columns listed (p:
 * "o.c IS n.c AND ..."): a trigger then has nothing to change, and its
 * writes (the sums' rows, the hosts' index entries) are skipped.
 */
#define SQ_SAME(p) \
	" AND NOT EXISTS (SELECT 1 FROM scan_sums o, scan_sums n" \
	" WHERE o.scan_id = OLD.latest_scan_id" \
	" AND n.scan_id = NEW.latest_scan_id AND " p ")"
#define SQ_IS(c) "o." c " IS n." c
#define SQ_M13_SITE \
	SQ_SAME(SQ_IS("site") " AND " SQ_IS("criticality") " AND " \
		SQ_IS("overall") " AND " SQ_IS("s1") " AND " SQ_IS("s2") \
		" AND " SQ_IS("s3") " AND " SQ_IS("s4") " AND " SQ_IS("s5") \
		" AND " SQ_IS("s6") " AND " SQ_IS("s7") " AND " SQ_IS("s8") \
		" AND " SQ_IS("s9") " AND " SQ_IS("s10"))
#define SQ_M13_SEV \
	SQ_SAME(SQ_IS("site") " AND " SQ_IS("n_critical") " AND " \
		SQ_IS("n_high") " AND " SQ_IS("n_medium") " AND " \
		SQ_IS("n_low"))
#define SQ_M13_DECL \
	SQ_SAME(SQ_IS("site") " AND " SQ_IS("owner") " AND " \
		SQ_IS("category"))
/*
 * Migration 6's copies of what they copy: an agent's host takes the
 * latest hostname (often the same) into its findings, a summary's site
 * goes into its findings, and the hosts keep their latest summary's
 * declaration (site, owner, category). Migration 13 gives
 * hosts_decl_latest a condition (cond).
 */
#define SQ_FINDINGS_RENAME(create) \
	create "findings_rename AFTER UPDATE OF hostname ON hosts" \
	" WHEN OLD.hostname IS NOT NEW.hostname" \
	" BEGIN UPDATE findings SET hostname = NEW.hostname" \
	" WHERE host_id = NEW.id; END;"
#define SQ_FINDINGS_SITE(create) \
	create "findings_site_set AFTER UPDATE OF site ON scan_sums" \
	" WHEN OLD.site IS NOT NEW.site" \
	" BEGIN UPDATE findings SET site = NEW.site" \
	" WHERE scan_id = NEW.scan_id; END;"
#define SQ_DECL_LATEST(create, cond) \
	create "hosts_decl_latest AFTER UPDATE OF latest_scan_id" \
	" ON hosts WHEN OLD.latest_scan_id IS NOT NEW.latest_scan_id" cond \
	" BEGIN UPDATE hosts SET (latest_site, latest_owner," \
	" latest_category) = (SELECT site, owner, category FROM scan_sums" \
	" WHERE scan_id = NEW.latest_scan_id) WHERE id = NEW.id; END;"
#define SQ_DECL_RESCORE(create) \
	create "hosts_decl_rescore AFTER UPDATE OF site, owner," \
	" category ON scan_sums WHEN (SELECT latest_scan_id FROM hosts" \
	" WHERE id = NEW.host_id) = NEW.scan_id" \
	" BEGIN UPDATE hosts SET latest_site = NEW.site," \
	" latest_owner = NEW.owner, latest_category = NEW.category" \
	" WHERE id = NEW.host_id; END;"
/* clang-format on */

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
	/*
	 * 4: ingest speed and the score history. New scans' facts are
	 * stored as a zstd frame (facts_zstd, facts_codec 1; facts left
	 * empty); older rows keep their text (codec 0) and stay readable.
	 * The state indexes hold only current (1) and fixed (2) findings:
	 * a scan's findings turning into history (0) only leave them, and
	 * history no longer fills them. host_days keeps each host's latest
	 * scan of each day (its weight and scores), score_days per day the
	 * change that day made to the establishment's criticality-weighted
	 * sums (w: weights, ws: weighted scores; 0 overall, 1-10 rules), so
	 * a day's history point is a running sum, not a sweep over scans.
	 * Both are filled here from scan_sums (a host's contribution on a
	 * day is its latest scan at or before that day).
	 */
	{4,
	 "ALTER TABLE scans ADD COLUMN facts_codec INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE scans ADD COLUMN facts_zstd BLOB;"
	 "DROP INDEX findings_live;"
	 "DROP INDEX findings_check;"
	 "CREATE INDEX findings_live ON findings(state, sev, rule, check_id,"
	 " subject, host_id) WHERE state = 1;"
	 "CREATE INDEX findings_fixed ON findings(state, sev, rule, check_id,"
	 " subject, host_id) WHERE state = 2;"
	 "CREATE INDEX findings_check ON findings(state, check_id)"
	 " WHERE state = 1;"
	 "CREATE TABLE host_days ("
	 " host_id INTEGER NOT NULL,"
	 " day INTEGER NOT NULL,"
	 " scan_id INTEGER NOT NULL,"
	 " collected_at INTEGER NOT NULL,"
	 " weight INTEGER NOT NULL,"
	 " s1 INTEGER, s2 INTEGER, s3 INTEGER, s4 INTEGER, s5 INTEGER,"
	 " s6 INTEGER, s7 INTEGER, s8 INTEGER, s9 INTEGER, s10 INTEGER,"
	 " overall INTEGER,"
	 " PRIMARY KEY (host_id, day)) WITHOUT ROWID;"
	 "CREATE TABLE score_days ("
	 " day INTEGER PRIMARY KEY,"
	 " w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10,"
	 " ws0, ws1, ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9, ws10);"
	 "INSERT INTO host_days(host_id, day, scan_id, collected_at, weight,"
	 " s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, overall)"
	 " SELECT host_id, day, scan_id, collected_at,"
	 " CASE WHEN criticality BETWEEN 1 AND 4 THEN criticality ELSE 1 END,"
	 " CASE WHEN s1 BETWEEN 0 AND 100 THEN s1 END,"
	 " CASE WHEN s2 BETWEEN 0 AND 100 THEN s2 END,"
	 " CASE WHEN s3 BETWEEN 0 AND 100 THEN s3 END,"
	 " CASE WHEN s4 BETWEEN 0 AND 100 THEN s4 END,"
	 " CASE WHEN s5 BETWEEN 0 AND 100 THEN s5 END,"
	 " CASE WHEN s6 BETWEEN 0 AND 100 THEN s6 END,"
	 " CASE WHEN s7 BETWEEN 0 AND 100 THEN s7 END,"
	 " CASE WHEN s8 BETWEEN 0 AND 100 THEN s8 END,"
	 " CASE WHEN s9 BETWEEN 0 AND 100 THEN s9 END,"
	 " CASE WHEN s10 BETWEEN 0 AND 100 THEN s10 END,"
	 " CASE WHEN overall BETWEEN 0 AND 100 THEN overall END"
	 " FROM (SELECT *, row_number() OVER (PARTITION BY host_id, day"
	 "  ORDER BY collected_at DESC, scan_id DESC) AS rn"
	 "  FROM (SELECT *, (collected_at - (collected_at % 86400 + 86400)"
	 "   % 86400) / 86400 AS day FROM scan_sums))"
	 " WHERE rn = 1;"
	 "INSERT INTO score_days SELECT day,"
	 " sum(iif(overall IS NULL, 0, weight) - iif(p0 IS NULL, 0, pw)),"
	 " sum(iif(s1 IS NULL, 0, weight) - iif(p1 IS NULL, 0, pw)),"
	 " sum(iif(s2 IS NULL, 0, weight) - iif(p2 IS NULL, 0, pw)),"
	 " sum(iif(s3 IS NULL, 0, weight) - iif(p3 IS NULL, 0, pw)),"
	 " sum(iif(s4 IS NULL, 0, weight) - iif(p4 IS NULL, 0, pw)),"
	 " sum(iif(s5 IS NULL, 0, weight) - iif(p5 IS NULL, 0, pw)),"
	 " sum(iif(s6 IS NULL, 0, weight) - iif(p6 IS NULL, 0, pw)),"
	 " sum(iif(s7 IS NULL, 0, weight) - iif(p7 IS NULL, 0, pw)),"
	 " sum(iif(s8 IS NULL, 0, weight) - iif(p8 IS NULL, 0, pw)),"
	 " sum(iif(s9 IS NULL, 0, weight) - iif(p9 IS NULL, 0, pw)),"
	 " sum(iif(s10 IS NULL, 0, weight) - iif(p10 IS NULL, 0, pw)),"
	 " sum(coalesce(weight * overall, 0) - coalesce(pw * p0, 0)),"
	 " sum(coalesce(weight * s1, 0) - coalesce(pw * p1, 0)),"
	 " sum(coalesce(weight * s2, 0) - coalesce(pw * p2, 0)),"
	 " sum(coalesce(weight * s3, 0) - coalesce(pw * p3, 0)),"
	 " sum(coalesce(weight * s4, 0) - coalesce(pw * p4, 0)),"
	 " sum(coalesce(weight * s5, 0) - coalesce(pw * p5, 0)),"
	 " sum(coalesce(weight * s6, 0) - coalesce(pw * p6, 0)),"
	 " sum(coalesce(weight * s7, 0) - coalesce(pw * p7, 0)),"
	 " sum(coalesce(weight * s8, 0) - coalesce(pw * p8, 0)),"
	 " sum(coalesce(weight * s9, 0) - coalesce(pw * p9, 0)),"
	 " sum(coalesce(weight * s10, 0) - coalesce(pw * p10, 0))"
	 " FROM (SELECT *, lag(weight) OVER w AS pw,"
	 " lag(overall) OVER w AS p0,"
	 " lag(s1) OVER w AS p1,"
	 " lag(s2) OVER w AS p2,"
	 " lag(s3) OVER w AS p3,"
	 " lag(s4) OVER w AS p4,"
	 " lag(s5) OVER w AS p5,"
	 " lag(s6) OVER w AS p6,"
	 " lag(s7) OVER w AS p7,"
	 " lag(s8) OVER w AS p8,"
	 " lag(s9) OVER w AS p9,"
	 " lag(s10) OVER w AS p10"
	 " FROM host_days WINDOW w AS (PARTITION BY host_id ORDER BY day))"
	 " GROUP BY day;"},
	/*
	 * 5: the `scores` answer without a sweep over assets. site_sums
	 * holds the criticality-weighted sums of the hosts' latest scans
	 * (kind 0: the establishment, site ''; 1: undeclared site, site '';
	 * 2: a named site), and hosts.latest_overall the latest overall
	 * score, indexed in the asset list's order (worst first). Triggers
	 * keep both in the writer's transaction whatever the path (put_scan,
	 * put_report, re-judgement): a host's latest scan moving, or that
	 * scan's summary changing, subtracts the old contribution and adds
	 * the new. Filled here from the current latest scans.
	 */
	{5,
	 "ALTER TABLE hosts ADD COLUMN latest_overall INTEGER;"
	 "UPDATE hosts SET latest_overall = (SELECT overall FROM scan_sums"
	 " WHERE scan_id = hosts.latest_scan_id);"
	 "CREATE INDEX hosts_worst ON hosts(latest_overall IS NULL,"
	 " latest_overall, hostname, id) WHERE latest_scan_id IS NOT NULL;"
	 "CREATE TABLE site_sums ("
	 " kind INTEGER NOT NULL,"
	 " site TEXT NOT NULL,"
	 " n INTEGER NOT NULL,"
	 " w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10,"
	 " ws0, ws1, ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9, ws10,"
	 " PRIMARY KEY (kind, site)) WITHOUT ROWID;" SQ_M5_FILL SQ_M5_LATEST
		 SQ_M5_RESCORE},
	/*
	 * 6: lists read in index order at any depth (issue 3). The list
	 * orders and filters need another table's value per row: findings
	 * sort by their host's hostname and filter by their scan's site;
	 * assets filter by their latest summary's site, owner, category.
	 * Copies of those make each list one index, read in order:
	 * findings.hostname (its host's, a rename copied by a trigger) and
	 * findings.site (its scan's summary's, set at insert: a scan's
	 * site never changes), hosts.latest_site/owner/category (the
	 * latest summary's, by triggers like migration 5's). The state
	 * indexes become the API order itself (id included, then host_id
	 * for the acceptance test), so an offset of 10,000 skips index
	 * entries instead of sorting; one more serves a site's findings
	 * (the fixed ones, fewer, are filtered on the index's site). And
	 * sev_sums keeps the latest findings by severity per site, as
	 * site_sums keeps scores, so a total is one row.
	 */
	{6,
	 "ALTER TABLE findings ADD COLUMN hostname TEXT;"
	 "ALTER TABLE findings ADD COLUMN site TEXT;"
	 "ALTER TABLE hosts ADD COLUMN latest_site TEXT;"
	 "ALTER TABLE hosts ADD COLUMN latest_owner TEXT;"
	 "ALTER TABLE hosts ADD COLUMN latest_category TEXT;"
	 "UPDATE findings SET"
	 " hostname = (SELECT hostname FROM hosts WHERE id = host_id),"
	 " site = (SELECT site FROM scan_sums WHERE scan_sums.scan_id ="
	 "  findings.scan_id);"
	 "UPDATE hosts SET (latest_site, latest_owner, latest_category) ="
	 " (SELECT site, owner, category FROM scan_sums"
	 "  WHERE scan_id = hosts.latest_scan_id);"
	 "DROP INDEX findings_live;"
	 "DROP INDEX findings_fixed;"
	 "CREATE INDEX findings_live ON findings(state, sev, rule, check_id,"
	 " hostname, subject, id, host_id) WHERE state = 1;"
	 "CREATE INDEX findings_fixed ON findings(state, sev, rule, check_id,"
	 " hostname, subject, id, host_id, site) WHERE state = 2;"
	 "CREATE INDEX findings_site ON findings(state, site, sev, rule,"
	 " check_id, hostname, subject, id, host_id) WHERE state = 1;"
	 "CREATE INDEX hosts_site ON hosts(latest_site, latest_overall IS NULL,"
	 " latest_overall, hostname, id) WHERE latest_scan_id IS NOT "
	 "NULL;" SQ_FINDINGS_RENAME(SQ_TRIGGER) SQ_FINDINGS_SITE(SQ_TRIGGER)
		 SQ_DECL_LATEST(SQ_TRIGGER, "") SQ_DECL_RESCORE(SQ_TRIGGER)
	 /* The latest scans' findings by severity, kept like site_sums. */
	 "CREATE TABLE sev_sums ("
	 " kind INTEGER NOT NULL,"
	 " site TEXT NOT NULL,"
	 " n0 INTEGER NOT NULL, n1 INTEGER NOT NULL,"
	 " n2 INTEGER NOT NULL, n3 INTEGER NOT NULL,"
	 " PRIMARY KEY (kind, site)) WITHOUT ROWID;" SQ_M6_FILL SQ_M6_LATEST
		 SQ_M6_RESCORE},
	/*
	 * 7: declared assets (`vigie assets import`, R1's inventory of all
	 * equipment), found by MAC or IP when a device is seen on the
	 * network; hosts.kind tells enrolled hosts ('host') from network
	 * devices ('device').
	 */
	{7,
	 "CREATE TABLE assets(id INTEGER PRIMARY KEY,"
	 " name TEXT NOT NULL UNIQUE, mac TEXT, ip TEXT, category TEXT,"
	 " owner TEXT, site TEXT, criticality INTEGER,"
	 " imported_at INTEGER NOT NULL);"
	 "CREATE INDEX assets_mac ON assets(mac) WHERE mac IS NOT NULL;"
	 "CREATE INDEX assets_ip ON assets(ip) WHERE ip IS NOT NULL;"
	 "ALTER TABLE hosts ADD COLUMN kind TEXT NOT NULL DEFAULT 'host';"},
	/*
	 * 8: the console's network devices page lists kind 'device' only,
	 * worst first: a range of this index in list order, instead of a
	 * walk of hosts_worst past every host of the other kind (20,000
	 * hosts: 0.2 ms a page, was 9-16 ms).
	 */
	{8,
	 "CREATE INDEX hosts_kind ON hosts(kind, latest_overall IS NULL,"
	 " latest_overall, hostname, id) WHERE latest_scan_id IS NOT NULL;"},
	/*
	 * 9: known vulnerabilities (`vigie vuln update`, sqlite_vulns.c):
	 * what each feed says of a source package in a release (release
	 * NULL: any), found by (package, release) once per installed
	 * package; the KEV and EPSS signals by CVE; each feed's state
	 * (conditional requests, counts).
	 */
	{9,
	 "CREATE TABLE vulns(id INTEGER PRIMARY KEY,"
	 " source TEXT NOT NULL, package TEXT NOT NULL, release TEXT,"
	 " vuln_id TEXT NOT NULL, status INTEGER NOT NULL,"
	 " fixed_version TEXT, introduced TEXT, last_affected TEXT,"
	 " urgency INTEGER NOT NULL, remote INTEGER NOT NULL, cvss REAL,"
	 " description TEXT, fixed_on_branches TEXT);"
	 "CREATE INDEX vulns_package ON vulns(package, release);"
	 "CREATE TABLE vuln_feeds(source TEXT PRIMARY KEY, location TEXT,"
	 " etag TEXT, last_modified TEXT, imported_at INTEGER NOT NULL,"
	 " records INTEGER NOT NULL, warnings INTEGER NOT NULL);"
	 "CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT,"
	 " name TEXT, date_added INTEGER, due_date INTEGER,"
	 " ransomware INTEGER NOT NULL);"
	 "CREATE TABLE epss(cve TEXT PRIMARY KEY, epss REAL NOT NULL,"
	 " percentile REAL NOT NULL, model TEXT);"},
	/*
	 * 10: a network device's display name and vendor (its latest
	 * facts' device.name and device.vendor), copied into hosts by
	 * SQ_HOST_SET when a device scan becomes the latest, so the lists
	 * show and filter them without reading facts. NULL for hosts. The
	 * existing devices are filled by sq_m10_fill (their facts are zstd
	 * frames SQL cannot read). No index: a vendor filter is a
	 * substring, read along hosts_kind's range of devices.
	 */
	{10,
	 "ALTER TABLE hosts ADD COLUMN display_name TEXT;"
	 "ALTER TABLE hosts ADD COLUMN vendor TEXT;"},
	/*
	 * 11: incidents (issue "Incident response", sqlite_incidents.c and
	 * sqlite_tasks.c). The timeline is chained by hashes
	 * (core/timeline.h) and append-only: triggers refuse UPDATE and
	 * DELETE, so only someone who drops them can change an entry, and
	 * then `vigie incident verify` names it. Tasks are what agents
	 * fetch (isolate, release), found by agent and state.
	 */
	{11,
	 "CREATE TABLE incidents(id INTEGER PRIMARY KEY,"
	 " title TEXT NOT NULL, type TEXT NOT NULL,"
	 " detected_at INTEGER NOT NULL, care TEXT NOT NULL,"
	 " degraded_since INTEGER NOT NULL DEFAULT 0,"
	 " health_data INTEGER NOT NULL, personal_data INTEGER NOT NULL,"
	 " persons INTEGER NOT NULL DEFAULT -1,"
	 " confidentiality INTEGER NOT NULL, integrity INTEGER NOT NULL,"
	 " availability INTEGER NOT NULL, perimeter TEXT, causes TEXT,"
	 " status TEXT NOT NULL, opened_at INTEGER NOT NULL,"
	 " closed_at INTEGER NOT NULL DEFAULT 0,"
	 " reported_ans_at INTEGER NOT NULL DEFAULT 0,"
	 " reported_cnil_at INTEGER NOT NULL DEFAULT 0,"
	 " ans_ref TEXT, cnil_ref TEXT);"
	 "CREATE INDEX incidents_status ON incidents(status, id);"
	 "CREATE TABLE incident_assets("
	 " incident_id INTEGER NOT NULL REFERENCES incidents,"
	 " host_id INTEGER NOT NULL REFERENCES hosts,"
	 " PRIMARY KEY(incident_id, host_id)) WITHOUT ROWID;"
	 "CREATE INDEX incident_assets_host ON incident_assets(host_id);"
	 "CREATE TABLE timeline("
	 " incident_id INTEGER NOT NULL REFERENCES incidents,"
	 " seq INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,"
	 " kind TEXT NOT NULL, detail TEXT NOT NULL, prev TEXT NOT NULL,"
	 " hash TEXT NOT NULL, PRIMARY KEY(incident_id, seq)) WITHOUT ROWID;"
	 "CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline"
	 " BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;"
	 "CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline"
	 " BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;"
	 "CREATE TABLE tasks(id INTEGER PRIMARY KEY,"
	 " incident_id INTEGER NOT NULL REFERENCES incidents,"
	 " host_id INTEGER NOT NULL REFERENCES hosts,"
	 " agent_id TEXT NOT NULL REFERENCES agents,"
	 " kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,"
	 " detail TEXT, created_at INTEGER NOT NULL, delivered_at INTEGER,"
	 " answered_at INTEGER);"
	 "CREATE INDEX tasks_agent ON tasks(agent_id, state, id);"
	 "CREATE INDEX tasks_incident ON tasks(incident_id, id);"
	 "CREATE INDEX tasks_host ON tasks(host_id);"
	 "CREATE TABLE evidence(id INTEGER PRIMARY KEY,"
	 " task_id INTEGER NOT NULL REFERENCES tasks,"
	 " received_at INTEGER NOT NULL, digest TEXT NOT NULL,"
	 " bytes INTEGER NOT NULL, body BLOB NOT NULL);"
	 "CREATE INDEX evidence_task ON evidence(task_id);"},
	/*
	 * 12: ingestion at scale (issue 3). The big members of reports'
	 * facts (core/sections.h) stored once by digest, as zstd frames,
	 * whatever the number of hosts and scans that refer to them
	 * (a scan's facts hold {"$ref": digest} in their place); and each
	 * scan's findings digest (sq_scan.fdigest), so a report whose
	 * findings are those of the host's latest scan moves that scan's
	 * rows to the new one instead of inserting them again.
	 */
	{12,
	 "CREATE TABLE sections(digest TEXT PRIMARY KEY,"
	 " bytes INTEGER NOT NULL, body BLOB NOT NULL,"
	 " created_at INTEGER NOT NULL);"
	 "ALTER TABLE scans ADD COLUMN findings_digest BLOB;"},
	/*
	 * 13: unchanged findings stay where they are (issue 3). Schema 12
	 * moved an unchanged report's finding rows to its scan (UPDATE
	 * scan_id: ~80 rows and their findings_scan entries rewritten per
	 * hourly report); now the host points at the scan that holds the
	 * rows of its latest scan's findings (findings_scan_id) and of its
	 * previous scan's (prev_findings_scan_id), and an unchanged report
	 * writes no finding. Readers of "the latest scan's findings" read
	 * through the pointer. And the triggers that follow a host's
	 * latest scan (site_sums, sev_sums, the hosts' copies of the
	 * declaration) do nothing when the new latest summary equals the
	 * old in what they copy, as an unchanged hourly report's does.
	 */
	{13,
	 "ALTER TABLE hosts ADD COLUMN findings_scan_id INTEGER;"
	 "ALTER TABLE hosts ADD COLUMN prev_findings_scan_id INTEGER;"
	 "UPDATE hosts SET findings_scan_id = latest_scan_id,"
	 " prev_findings_scan_id = prev_scan_id;"
	 "DROP TRIGGER site_sums_latest;"
	 "DROP TRIGGER sev_sums_latest;"
	 "DROP TRIGGER hosts_decl_latest;" SQ_SITE_LATEST(
		 SQ_TRIGGER, SQ_M13_SITE) SQ_SEV_LATEST(SQ_TRIGGER, SQ_M13_SEV)
		 SQ_DECL_LATEST(SQ_TRIGGER, SQ_M13_DECL)},
	/*
	 * 14: the digest of a report's package set (its packages section,
	 * migration 12), so re-judging walks the hosts set by set: each
	 * set is read, decoded and matched once for all its hosts. NULL
	 * for facts stored whole (a local scan, or a report stored before
	 * this migration: the facts are zstd frames SQL cannot read; its
	 * next report fills it).
	 */
	{14, "ALTER TABLE scans ADD COLUMN packages_ref TEXT;"},
	/*
	 * 15: the lookup's entries packed (store/vuln_packed.h): one row
	 * per (package, release) ('' for release-independent entries)
	 * holding what the lookup returns for it, KEV and EPSS joined in,
	 * rebuilt by every vulnerability import before it commits; filled
	 * by migration 16's sq_vuln_pack. A lookup reads two rows instead of
	 * ~10 index entries, row fetches and KEV/EPSS probes per package. A
	 * rowid table, not WITHOUT ROWID: its rows (1 KB on average, the
	 * kernel's 380 KB) would fill that b-tree's interior pages and spill to
	 * overflow pages past ~1 KB; here the key index stays small and a row
	 * up to ~4 KB is read from one page.
	 */
	{15,
	 "CREATE TABLE vuln_packed(package TEXT NOT NULL,"
	 " release TEXT NOT NULL, entries BLOB NOT NULL,"
	 " PRIMARY KEY(package, release));"},
	/*
	 * 16: the packed entries carry each fixed version's order key
	 * (store/vuln_packed.h, FIXED_KEY), so matching compares bytes;
	 * the rows are packed again by sq_vuln_pack, which also fills
	 * them for a store coming from before 15. No schema change.
	 */
	{16, "SELECT 1;"},
	/*
	 * 17: the triggers that keep derived data (the sums, the copies
	 * of migration 6) leave the file: each connection that may write
	 * makes them TEMP when it opens (sq_derived), and a connection
	 * that only reads (vg_store_open_sqlite_read: `vuln check`) no
	 * longer parses them, which was two thirds of its open (0.65 of
	 * 1 ms, bench/vuln.sh). They are the latest definitions; the
	 * timeline's guards stay in the file, to hold against any
	 * connection. A migration after this one that moves a host's
	 * latest scan or changes a summary must maintain the derived
	 * data itself: the TEMP triggers are made after the migrations.
	 */
	{17,
	 "DROP TRIGGER IF EXISTS site_sums_latest;"
	 "DROP TRIGGER IF EXISTS site_sums_rescore;"
	 "DROP TRIGGER IF EXISTS sev_sums_latest;"
	 "DROP TRIGGER IF EXISTS sev_sums_rescore;"
	 "DROP TRIGGER IF EXISTS findings_rename;"
	 "DROP TRIGGER IF EXISTS findings_site_set;"
	 "DROP TRIGGER IF EXISTS hosts_decl_latest;"
	 "DROP TRIGGER IF EXISTS hosts_decl_rescore;"},
};

/* Migration 17's triggers, made by every connection that may write. */
/* clang-format off */
static const char sq_derived_sql[] =
	SQ_SITE_LATEST(SQ_TEMP_TRIGGER, SQ_M13_SITE)
	SQ_SITE_RESCORE(SQ_TEMP_TRIGGER)
	SQ_SEV_LATEST(SQ_TEMP_TRIGGER, SQ_M13_SEV)
	SQ_SEV_RESCORE(SQ_TEMP_TRIGGER)
	SQ_FINDINGS_RENAME(SQ_TEMP_TRIGGER)
	SQ_FINDINGS_SITE(SQ_TEMP_TRIGGER)
	SQ_DECL_LATEST(SQ_TEMP_TRIGGER, SQ_M13_DECL)
	SQ_DECL_RESCORE(SQ_TEMP_TRIGGER);
/* clang-format on */

static const char *const sq_sql[SQ_COUNT] = {
	/* A local scan's host: by hostname, among hosts of no agent. */
	[SQ_HOST_ADD] = "INSERT INTO hosts(hostname, kind) VALUES (?1, ?2)"
			" ON CONFLICT(hostname) WHERE agent_id IS NULL"
			" DO NOTHING",
	[SQ_HOST_ID] = "SELECT id FROM hosts"
		       " WHERE hostname = ?1 AND agent_id IS NULL",
	/* The facts as a zstd frame (migration 4); the text column, NOT
	 * NULL since migration 1, is left empty. */
	[SQ_SCAN_ADD] = "INSERT INTO scans(host_id, collected_at, facts,"
			" overall, scores, facts_codec, facts_zstd,"
			" findings_digest, packages_ref)"
			" VALUES (?1, ?2, '', ?4, ?5, 1, ?3, ?6, ?7)",
	[SQ_SUM_ADD] = "INSERT INTO scan_sums(scan_id, host_id, collected_at,"
		       " overall, site, owner, category, criticality,"
		       " s1, s2, s3, s4, s5, s6, s7, s8, s9, s10,"
		       " n_critical, n_high, n_medium, n_low)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		       " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
		       " ?19, ?20, ?21, ?22)",
	/* first_seen: the earliest of this finding in the host's stored
	 * scans (one seek in findings_key), or this scan's time. The
	 * host's hostname and the scan's site are copied (migration 6;
	 * the summary is inserted before the findings). */
	[SQ_FINDING_ADD] = "INSERT INTO findings(scan_id, rule, check_id,"
			   " severity, subject, evidence, remediation,"
			   " host_id, sev, state, first_seen, hostname, site)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			   " min(?11, coalesce((SELECT min(first_seen)"
			   " FROM findings WHERE host_id = ?8"
			   " AND check_id = ?3 AND subject = ?5), ?11)),"
			   " (SELECT hostname FROM hosts WHERE id = ?8),"
			   " (SELECT site FROM scan_sums WHERE scan_id = ?1))",
	[SQ_NE_ADD] = "INSERT INTO not_evaluated(scan_id, rule, check_id,"
		      " reason) VALUES (?1, ?2, ?3, ?4)",
	[SQ_LIST] = "SELECT s.id, s.collected_at, h.hostname, s.scores,"
		    " s.overall,"
		    /* From the summary: an unchanged scan's rows moved on
		     * to the next one (migration 12). */
		    " (SELECT n_critical + n_high + n_medium + n_low"
		    " FROM scan_sums WHERE scan_id = s.id)"
		    " FROM scans s JOIN hosts h ON h.id = s.host_id"
		    " WHERE h.kind = 'host'"
		    " ORDER BY s.collected_at DESC, s.id DESC LIMIT ?1",
	/* history and findings are this machine's: network devices
	 * recorded by discover are assets of their own (kind 'device'). */
	/* Column 5: the scan holding its rows (migration 13). */
	[SQ_LAST] = "SELECT s.id, s.facts, s.facts_codec, s.facts_zstd,"
		    " s.scores, CASE WHEN s.id = h.latest_scan_id"
		    " THEN coalesce(h.findings_scan_id, s.id) ELSE s.id END"
		    " FROM scans s JOIN hosts h ON h.id = s.host_id"
		    " WHERE h.kind = 'host'"
		    " ORDER BY s.collected_at DESC, s.id DESC LIMIT 1",
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
	/* A host's latest and previous scans, with their times, and the
	 * scans holding their finding rows (migration 13). */
	[SQ_HOST_STATE] = "SELECT h.latest_scan_id, l.collected_at,"
			  " h.prev_scan_id, p.collected_at,"
			  " l.findings_digest,"
			  " coalesce(h.findings_scan_id, h.latest_scan_id),"
			  " coalesce(h.prev_findings_scan_id, h.prev_scan_id)"
			  " FROM hosts h"
			  " LEFT JOIN scans l ON l.id = h.latest_scan_id"
			  " LEFT JOIN scans p ON p.id = h.prev_scan_id"
			  " WHERE h.id = ?1",
	/* ?4: the facts text of a scan becoming the latest (else NULL);
	 * a device takes its name and vendor (migration 10). CASE reads
	 * the text only for a device, never a host's larger facts. */
	[SQ_HOST_SET] = "UPDATE hosts SET latest_scan_id = ?2,"
			" prev_scan_id = ?3, findings_scan_id = ?5,"
			" prev_findings_scan_id = ?6,"
			" display_name = CASE WHEN ?4 IS NULL"
			" OR kind <> 'device' OR NOT json_valid(?4)"
			" THEN display_name"
			" ELSE json_extract(?4, '$.device.name') END,"
			" vendor = CASE WHEN ?4 IS NULL"
			" OR kind <> 'device' OR NOT json_valid(?4)"
			" THEN vendor"
			" ELSE json_extract(?4, '$.device.vendor') END"
			" WHERE id = ?1",
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
	/* The daily roll-up (migration 4): a host's day at or before ?2,
	 * the next day it has after ?2, a day's latest scan. */
	[SQ_DAY_AT] = "SELECT day, scan_id, collected_at, weight, overall,"
		      " s1, s2, s3, s4, s5, s6, s7, s8, s9, s10"
		      " FROM host_days WHERE host_id = ?1 AND day <= ?2"
		      " ORDER BY day DESC LIMIT 1",
	[SQ_DAY_NEXT] = "SELECT day FROM host_days WHERE host_id = ?1"
			" AND day > ?2 ORDER BY day LIMIT 1",
	[SQ_DAY_SET] = "INSERT OR REPLACE INTO host_days(host_id, day,"
		       " scan_id, collected_at, weight, overall,"
		       " s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		       " ?11, ?12, ?13, ?14, ?15, ?16)",
	[SQ_DELTA_ADD] = "INSERT INTO score_days(day, w0, w1, w2, w3, w4,"
			 " w5, w6, w7, w8, w9, w10, ws0, ws1, ws2, ws3, ws4,"
			 " ws5, ws6, ws7, ws8, ws9, ws10)"
			 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			 " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
			 " ?21, ?22, ?23) ON CONFLICT(day) DO UPDATE SET"
			 " w0 = w0 + excluded.w0, w1 = w1 + excluded.w1,"
			 " w2 = w2 + excluded.w2, w3 = w3 + excluded.w3,"
			 " w4 = w4 + excluded.w4, w5 = w5 + excluded.w5,"
			 " w6 = w6 + excluded.w6, w7 = w7 + excluded.w7,"
			 " w8 = w8 + excluded.w8, w9 = w9 + excluded.w9,"
			 " w10 = w10 + excluded.w10,"
			 " ws0 = ws0 + excluded.ws0, ws1 = ws1 + excluded.ws1,"
			 " ws2 = ws2 + excluded.ws2, ws3 = ws3 + excluded.ws3,"
			 " ws4 = ws4 + excluded.ws4, ws5 = ws5 + excluded.ws5,"
			 " ws6 = ws6 + excluded.ws6, ws7 = ws7 + excluded.ws7,"
			 " ws8 = ws8 + excluded.ws8, ws9 = ws9 + excluded.ws9,"
			 " ws10 = ws10 + excluded.ws10",
	/* Re-judging (sq_rejudge): the hosts of part ?1 of ?2, package
	 * set by package set (migration 14). A set goes whole to one part
	 * (by three hex digits of its digest), so no two threads match the
	 * same set; hosts of no known set go by id. */
	[SQ_RJ_NEXT] = "SELECT h.id, h.latest_scan_id, s.packages_ref"
		       " FROM hosts h JOIN scans s ON s.id = h.latest_scan_id"
		       " WHERE (CASE WHEN s.packages_ref IS NULL THEN h.id"
		       " ELSE (instr('0123456789abcdef',"
		       " substr(s.packages_ref, 9, 1)) - 1) * 256"
		       " + (instr('0123456789abcdef',"
		       " substr(s.packages_ref, 10, 1)) - 1) * 16"
		       " + instr('0123456789abcdef',"
		       " substr(s.packages_ref, 11, 1)) - 1 END)"
		       " % ?2 = ?1"
		       " ORDER BY s.packages_ref, h.id",
	[SQ_RJ_FACTS] = "SELECT facts, facts_codec, facts_zstd,"
			" findings_digest, scores, overall FROM scans"
			" WHERE id = ?1",
	/* In the order of findings_scan (no sort step), the order
	 * rj_old_find searches. */
	[SQ_RJ_OLD] = "SELECT id, check_id, subject, rule, severity,"
		      " evidence, remediation FROM findings"
		      " WHERE scan_id = ?1 ORDER BY check_id, subject, id",
	/* Only the evidence and remediation: the indexes holding rule and
	 * severity are left untouched (SQLite rewrites an index entry for
	 * every column set, changed or not). */
	[SQ_RJ_FIX_EV] = "UPDATE findings SET evidence = ?2,"
			 " remediation = ?3 WHERE id = ?1",
	[SQ_RJ_FIX] = "UPDATE findings SET rule = ?2, severity = ?3,"
		      " sev = ?4, evidence = ?5, remediation = ?6"
		      " WHERE id = ?1",
	[SQ_RJ_DEL] = "DELETE FROM findings WHERE id = ?1",
	[SQ_RJ_NE_DEL] = "DELETE FROM not_evaluated WHERE scan_id = ?1",
	[SQ_RJ_SCAN] = "UPDATE scans SET overall = ?2, scores = ?3,"
		       " findings_digest = ?4 WHERE id = ?1",
	[SQ_RJ_SUM] = "UPDATE scan_sums SET overall = ?2, s1 = ?3, s2 = ?4,"
		      " s3 = ?5, s4 = ?6, s5 = ?7, s6 = ?8, s7 = ?9, s8 = ?10,"
		      " s9 = ?11, s10 = ?12, n_critical = ?13, n_high = ?14,"
		      " n_medium = ?15, n_low = ?16 WHERE scan_id = ?1",
	/* Sections by digest (migration 12). */
	[SQ_SECTION_HAS] = "SELECT 1 FROM sections WHERE digest = ?1",
	[SQ_SECTION_ADD] = "INSERT INTO sections(digest, bytes, body,"
			   " created_at) VALUES (?1, ?2, ?3, ?4)"
			   " ON CONFLICT DO NOTHING",
	[SQ_SECTION_GET] = "SELECT body FROM sections WHERE digest = ?1",
	/* A re-judgement of rows the previous scan shares (rj_unshare). */
	[SQ_RJ_MOVE] = "UPDATE findings SET scan_id = ?2 WHERE scan_id = ?1",
	[SQ_RJ_NES_MOVE] = "UPDATE not_evaluated SET scan_id = ?2"
			   " WHERE scan_id = ?1",
	[SQ_RJ_COPY] = "INSERT INTO findings(scan_id, rule, check_id,"
		       " severity, subject, evidence, remediation, host_id,"
		       " sev, state, first_seen, hostname, site)"
		       " SELECT ?2, rule, check_id, severity, subject,"
		       " evidence, remediation, host_id, sev, 0, first_seen,"
		       " hostname, site FROM findings WHERE scan_id = ?1"
		       " ORDER BY id",
	[SQ_RJ_ROWS] = "UPDATE hosts SET findings_scan_id = ?2,"
		       " prev_findings_scan_id = ?3 WHERE id = ?1",
};

enum vg_rc
sq_fail(struct sq *q, struct vg_err *err, const char *what)
{
	return vg_err_set(
		err, VG_ERR_STORE, _("store '%s': %s: %s"), q->path, what,
		q->db != NULL ? sqlite3_errmsg(q->db) : _("out of memory"));
}

sqlite3_stmt *
sq_stmt_cached(struct sq *q, sqlite3_stmt **slot, const char *sql,
	       struct vg_err *err)
{
	if (*slot == NULL) {
		if (sqlite3_prepare_v3(q->db, sql, -1,
				       SQLITE_PREPARE_PERSISTENT, slot,
				       NULL) != SQLITE_OK) {
			*slot = NULL;
			(void)sq_fail(q, err, sql);
			return NULL;
		}
	} else {
		/* A statement left mid-walk by an error path: reuse it
		 * clean. */
		(void)sqlite3_reset(*slot);
		(void)sqlite3_clear_bindings(*slot);
	}
	return *slot;
}

sqlite3_stmt *
sq_st(struct sq *q, enum sq_stmt i)
{
	/* On first use, not at open: a short command (vuln check, one
	 * report) needs a few of the ~50, and preparing them all was a
	 * fifth of its time. */
	if (q->st[i] == NULL &&
	    sqlite3_prepare_v3(q->db, sq_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
			       &q->st[i], NULL) != SQLITE_OK)
		q->st[i] = NULL;
	return q->st[i];
}

void
sq_stmts_close(sqlite3_stmt **slots, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_finalize(slots[i]);
		slots[i] = NULL;
	}
}

/* One integer from a query that yields one row (a PRAGMA). */
static enum vg_rc
sq_int(struct sq *q, const char *sql, int64_t *out, struct vg_err *err)
{
	sqlite3_stmt *st = NULL;
	enum vg_rc rc = VG_OK;

	*out = 0; /* out-parameters reset on failure (STYLE.md) */
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

/* A device field of facts doc (its "device" object), or NULL. */
static const char *
device_field(const json_t *doc, const char *key)
{
	return json_string_value(
		json_object_get(json_object_get(doc, "device"), key));
}

/*
 * Migration 10's fill: each device's name and vendor from its latest
 * facts, decompressed here (one small frame per device; hosts are not
 * read). A damaged document leaves the device's columns NULL: the
 * lists show its key, and its next scan sets them.
 */
static enum vg_rc
sq_m10_fill(struct sq *q, struct vg_err *err)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	enum vg_rc rc = VG_OK;
	json_t *doc;
	int step;

	if (sqlite3_prepare_v2(q->db,
			       "SELECT h.id, s.facts, s.facts_codec,"
			       " s.facts_zstd FROM hosts h JOIN scans s"
			       " ON s.id = h.latest_scan_id"
			       " WHERE h.kind = 'device'",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db,
			       "UPDATE hosts SET display_name = ?2,"
			       " vendor = ?3 WHERE id = ?1",
			       -1, &upd, NULL) != SQLITE_OK) {
		rc = sq_fail(q, err, _("migration 10"));
		goto done;
	}
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		if ((doc = sq_col_facts(q, sel, 1)) == NULL)
			continue;
		if (sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0)) !=
			    SQLITE_OK ||
		    sq_bind_text(upd, 2, device_field(doc, "name")) !=
			    SQLITE_OK ||
		    sq_bind_text(upd, 3, device_field(doc, "vendor")) !=
			    SQLITE_OK ||
		    !sq_step_done(upd)) {
			json_decref(doc);
			rc = sq_fail(q, err, _("migration 10"));
			goto done;
		}
		json_decref(doc);
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(q, err, _("migration 10"));
done:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
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
		if (migrations[i].version == 10 &&
		    (rc = sq_m10_fill(q, err)) != VG_OK)
			goto done;
		if (migrations[i].version == 16 &&
		    (rc = sq_vuln_pack(q, err)) != VG_OK)
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
		sq_vulns_close(q);
		sq_stmts_close(q->ist, SQ_INCIDENT_SLOTS);
		sq_stmts_close(q->tst, SQ_TASK_SLOTS);
		sq_stmts_close(q->vqst, SQ_VULN_QUERY_SLOTS);
		for (i = 0; i < VG_SECTION_COUNT; i++)
			json_decref(q->sec_json[i]);
		for (i = 0; q->evtext != NULL && i < SQ_EVTEXT_SLOTS; i++) {
			json_decref(q->evtext[i].ev);
			free(q->evtext[i].text);
		}
		free(q->evtext);
		(void)sqlite3_close(q->db);
		ZSTD_freeCCtx(q->zc);
		ZSTD_freeDCtx(q->zd);
		free(q->path);
		free(q);
	}
	free(s);
}

void
sq_reset(sqlite3_stmt *st)
{
	/* A statement sq_st could not prepare (clear_bindings would
	 * dereference it). */
	if (st == NULL)
		return;
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

/* The host's id, adding the host when new. */
static bool
sq_host_id(struct sq *q, const char *hostname, const char *kind, int64_t *id)
{
	sqlite3_stmt *st;
	bool ok;

	st = sq_st(q, SQ_HOST_ADD);
	if (sq_bind_text(st, 1, hostname) != SQLITE_OK ||
	    sq_bind_text(st, 2, kind) != SQLITE_OK || !sq_step_done(st))
		return false;
	st = sq_st(q, SQ_HOST_ID);
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
/* A finding's check and subject as stored ("" for none). */
static const char *
finding_check(const struct vg_finding *x)
{
	return x->check != NULL ? x->check : "";
}

static const char *
finding_subject(const struct vg_finding *x)
{
	return x->subject != NULL ? x->subject : "";
}

/* Bind text that outlives the step (SQLITE_STATIC: no copy). */
static int
bind_static(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Insert finding i of sc (see sq_put_findings). */
static bool
sq_finding_add(struct sq *q, const struct sq_scan *sc, size_t i, int64_t id,
	       int64_t host, int64_t at, int state)
{
	sqlite3_stmt *st = sq_st(q, SQ_FINDING_ADD);
	const struct vg_finding *x = &sc->r->findings[i];
	bool ok;

	ok = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
		sqlite3_bind_int(st, 2, sc->rule[i]) == SQLITE_OK &&
		bind_static(st, 3, finding_check(x)) == SQLITE_OK &&
		bind_static(st, 4, vg_severity_name(x->severity)) ==
			SQLITE_OK &&
		bind_static(st, 5, finding_subject(x)) == SQLITE_OK &&
		bind_static(st, 6, sc->evidence[i]) == SQLITE_OK &&
		bind_static(st, 7, x->remediation) == SQLITE_OK &&
		sqlite3_bind_int64(st, 8, host) == SQLITE_OK &&
		sqlite3_bind_int(st, 9, sc->sev[i]) == SQLITE_OK &&
		sqlite3_bind_int(st, 10, state) == SQLITE_OK &&
		sqlite3_bind_int64(st, 11, at) == SQLITE_OK && sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/* Insert the not-evaluated rows of report r for scan id. */
static bool
sq_put_nes(struct sq *q, const struct vg_report *r, int64_t id)
{
	sqlite3_stmt *st = sq_st(q, SQ_NE_ADD);
	const struct vg_not_evaluated *ne;
	size_t i;
	bool ok;

	for (i = 0; i < r->n_not_evaluated; i++) {
		ne = &r->not_evaluated[i];
		ok = sqlite3_bind_int64(st, 1, id) == SQLITE_OK &&
			sqlite3_bind_int(st, 2, ne->rule > 0 ? ne->rule : 0) ==
				SQLITE_OK &&
			bind_static(st, 3,
				    ne->check != NULL ? ne->check : "") ==
				SQLITE_OK &&
			bind_static(st, 4,
				    ne->reason != NULL ? ne->reason : "") ==
				SQLITE_OK &&
			sq_step_done(st);
		if (!ok) {
			sq_reset(st);
			return false;
		}
	}
	return true;
}

static bool
sq_put_findings(struct sq *q, int64_t id, const struct sq_scan *sc,
		int64_t host, int64_t at, int state, bool late)
{
	const char *check, *subject;
	size_t i;
	bool ok = true;

	for (i = 0; i < sc->n_findings; i++) {
		check = finding_check(&sc->r->findings[i]);
		subject = finding_subject(&sc->r->findings[i]);
		if (!sq_finding_add(q, sc, i, id, host, at, state))
			return false;
		if (!late)
			continue;
		ok = sqlite3_bind_int64(sq_st(q, SQ_FIRST_FIX), 1, host) ==
				SQLITE_OK &&
			sq_bind_text(sq_st(q, SQ_FIRST_FIX), 2, check) ==
				SQLITE_OK &&
			sq_bind_text(sq_st(q, SQ_FIRST_FIX), 3, subject) ==
				SQLITE_OK &&
			sqlite3_bind_int64(sq_st(q, SQ_FIRST_FIX), 4, at) ==
				SQLITE_OK &&
			sq_step_done(sq_st(q, SQ_FIRST_FIX));
		if (!ok) {
			sq_reset(sq_st(q, SQ_FIRST_FIX));
			return false;
		}
	}
	return sq_put_nes(q, sc->r, id);
}

/* len bytes of text as a zstd frame into *out (owned), *out_len. */
static enum vg_rc
sq_zstd(struct sq *q, const char *text, size_t len, void **out, size_t *out_len,
	struct vg_err *err)
{
	size_t cap = ZSTD_compressBound(len), n;

	if (q->zc == NULL && (q->zc = ZSTD_createCCtx()) == NULL)
		return vg_zstd_nomem(err);
	if ((*out = malloc(cap > 0 ? cap : 1)) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	n = ZSTD_compressCCtx(q->zc, *out, cap, text, len, SQ_ZSTD_LEVEL);
	if (ZSTD_isError(n))
		return vg_err_set(err, VG_ERR_NOMEM,
				  _("store: cannot compress the facts: %s"),
				  ZSTD_getErrorName(n));
	*out_len = n;
	return VG_OK;
}

/* The facts text of sc as a zstd frame into sc->facts_z. */
static enum vg_rc
sq_compress(struct sq *q, struct sq_scan *sc, struct vg_err *err)
{
	return sq_zstd(q, vg_buf_str(&sc->facts), sc->facts.len, &sc->facts_z,
		       &sc->facts_z_len, err);
}

/* Hash a string field, NULL told apart from "" (fdigest). */
static void
fd_str(crypto_generichash_state *h, const char *s)
{
	unsigned char tag = s != NULL ? 1 : 0;

	(void)crypto_generichash_update(h, &tag, 1);
	if (s != NULL)
		(void)crypto_generichash_update(h, (const unsigned char *)s,
						strlen(s) + 1);
}

static void
fd_int(crypto_generichash_state *h, int v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24),
			      (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			      (unsigned char)v};

	(void)crypto_generichash_update(h, b, sizeof(b));
}

/* A copy of n bytes of text, NUL-terminated; NULL on no memory. */
static char *
text_dup(const char *t, size_t n)
{
	char *c = malloc(n + 1);

	if (c != NULL) {
		memcpy(c, t, n);
		c[n] = '\0';
	}
	return c;
}

/* The offset from slot to the other slot of its pair (+1 or -1). */
static ptrdiff_t
slot_pair(const struct sq *q, const struct sq_evtext *slot)
{
	return (slot - q->evtext) % 2 == 0 ? 1 : -1;
}

/*
 * The stored text of an evidence (compact, in its order; "{}" for none)
 * into a new string. An evidence shared by other findings (its
 * reference count tells: core/evidence_cache.h) is serialised once and
 * its text kept, by address, in q's slots.
 */
static char *
evidence_text(struct sq *q, json_t *ev, char *buf, size_t cap, size_t *len)
{
	struct sq_evtext *slot = NULL;
	size_t n;
	char *t;

	if (ev == NULL) {
		*len = 2;
		return strdup("{}");
	}
	if (ev->refcount > 1 &&
	    (q->evtext != NULL ||
	     (q->evtext = calloc(SQ_EVTEXT_SLOTS, sizeof(*q->evtext))) !=
		     NULL)) {
		/* Two ways: the slot of its address, and its neighbour. */
		slot = &q->evtext[((uintptr_t)ev / sizeof(void *)) %
				  SQ_EVTEXT_SLOTS];
		if (slot->ev != ev && slot[slot_pair(q, slot)].ev == ev)
			slot += slot_pair(q, slot);
		if (slot->ev == ev) {
			*len = slot->len;
			return text_dup(slot->text, slot->len);
		}
		/* The older of the two goes: the newer moves aside. */
		if (slot->ev != NULL) {
			struct sq_evtext *other = slot + slot_pair(q, slot), x;

			x = *other;
			*other = *slot;
			*slot = x;
		}
	}
	/* Into the buffer first: most evidences are small. */
	n = json_dumpb(ev, buf, cap, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (n > 0 && n < cap)
		t = text_dup(buf, n);
	else {
		t = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
		n = t != NULL ? strlen(t) : 0;
	}
	*len = n;
	if (t != NULL && slot != NULL) {
		json_decref(slot->ev);
		free(slot->text);
		slot->ev = NULL;
		if ((slot->text = text_dup(t, n)) != NULL) {
			slot->ev = json_incref(ev);
			slot->len = n;
		}
	}
	return t;
}

/*
 * sc's findings digest, from the report r its rows are made of (in
 * order) and its site (copied into the rows): two scans with one
 * digest store the same rows. Computed from r itself, with each
 * evidence's stored text made once for the digest and the rows (kept
 * in sc, with the rule and severity rank of each finding), so a
 * report whose findings turn out unchanged never builds its rows.
 * VG_ERR_NOMEM.
 */
static enum vg_rc
sq_fdigest(struct sq *q, struct sq_scan *sc, const struct vg_report *r,
	   struct vg_err *err)
{
	crypto_generichash_state h;
	unsigned char zero = 0;
	char ev[SQ_FDIGEST_BUF];
	size_t i, n = r->n_findings, len;

	sc->r = r;
	sc->n_findings = n;
	if (n > 0 &&
	    ((sc->evidence = calloc(n, sizeof(*sc->evidence))) == NULL ||
	     (sc->rule = calloc(n, sizeof(*sc->rule))) == NULL ||
	     (sc->sev = calloc(n, sizeof(*sc->sev))) == NULL))
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	(void)crypto_generichash_init(&h, NULL, 0, SQ_FDIGEST_LEN);
	fd_str(&h, sc->site);
	fd_int(&h, (int)n);
	for (i = 0; i < n; i++) {
		const struct vg_finding *x = &r->findings[i];

		fd_int(&h, x->rule);
		fd_str(&h, x->check);
		fd_int(&h, (int)x->severity);
		fd_str(&h, x->subject);
		if ((sc->evidence[i] = evidence_text(q, x->evidence, ev,
						     sizeof(ev), &len)) == NULL)
			return vg_err_set(err, VG_ERR_NOMEM,
					  _("store: out of memory"));
		/* An absent evidence hashed as nothing, as before. */
		if (x->evidence != NULL)
			(void)crypto_generichash_update(
				&h, (const unsigned char *)sc->evidence[i],
				len);
		(void)crypto_generichash_update(&h, &zero, 1);
		fd_str(&h, x->remediation);
		sc->rule[i] = x->rule > 0 ? x->rule : 0;
		sc->sev[i] = sev_rank(vg_severity_name(x->severity));
	}
	fd_int(&h, (int)r->n_not_evaluated);
	for (i = 0; i < r->n_not_evaluated; i++) {
		fd_int(&h, r->not_evaluated[i].rule);
		fd_str(&h, r->not_evaluated[i].check);
		fd_str(&h, r->not_evaluated[i].reason);
	}
	(void)crypto_generichash_final(&h, sc->fdigest, SQ_FDIGEST_LEN);
	return VG_OK;
}

/* sc's scores text alone: the report's JSON with no finding. */
static enum vg_rc
sq_scan_scores(struct sq_scan *sc, const struct vg_report *r,
	       struct vg_err *err)
{
	struct vg_report empty = *r;
	json_t *o;

	empty.n_findings = empty.n_not_evaluated = 0;
	if ((o = json_object()) == NULL ||
	    vg_report_to_json(&empty, o, false) != VG_OK ||
	    (sc->scores = json_dumps(json_object_get(o, "scores"),
				     JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
		    NULL) {
		json_decref(o);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	json_decref(o);
	return VG_OK;
}

/* sq_scan_prepare (the facts not written for a report's). */
static enum vg_rc
scan_prepare(struct sq *q, struct sq_scan *sc, const struct vg_facts *f,
	     const struct vg_report *r, bool facts, struct vg_err *err)
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
	if (facts && (rc = vg_facts_write(f, &sc->facts)) != VG_OK) {
		if (rc == VG_ERR_LIMIT)
			return vg_err_set(err, rc,
					  _("store: facts larger than %u "
					    "bytes"),
					  VG_MAX_JSON_DOC);
		return vg_err_set(err, rc, _("store: out of memory"));
	}
	if ((rc = sq_fdigest(q, sc, r, err)) != VG_OK ||
	    (rc = sq_scan_scores(sc, r, err)) != VG_OK)
		return rc;
	return facts ? sq_compress(q, sc, err) : VG_OK;
}

enum vg_rc
sq_scan_prepare(struct sq *q, struct sq_scan *sc, const struct vg_facts *f,
		const struct vg_report *r, bool facts, struct vg_err *err)
{
	return scan_prepare(q, sc, f, r, facts, err);
}

enum vg_rc
sq_scan_prepare_report(struct sq *q, struct sq_scan *sc,
		       const struct vg_facts *f, const struct vg_report *r,
		       const char *const known[VG_SECTION_COUNT],
		       struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_SECTION_HAS);
	struct vg_facts_split *sp;
	enum vg_rc rc;
	int i, step;

	if ((rc = scan_prepare(q, sc, f, r, false, err)) != VG_OK)
		return rc;
	if ((sp = sc->split = calloc(1, sizeof(*sp))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		vg_buf_init(&sp->part[i], VG_MAX_JSON_DOC);
		/* Only the agent's members may be known: the server's own
		 * (vulnerable packages) are always its own matching's. */
		sp->known[i] = known != NULL && i < VG_SECTION_AGENT_COUNT
			? known[i]
			: NULL;
	}
	if ((rc = vg_facts_write_split(f, &sc->facts, sp)) != VG_OK) {
		if (rc == VG_ERR_LIMIT)
			return vg_err_set(err, rc,
					  _("store: facts larger than %u "
					    "bytes"),
					  VG_MAX_JSON_DOC);
		return vg_err_set(err, rc, _("store: out of memory"));
	}
	if ((rc = sq_compress(q, sc, err)) != VG_OK)
		return rc;
	/* A section the store has (most hosts share their package set
	 * with others) is neither compressed nor written again. A read
	 * outside the write transaction: one added meanwhile is skipped
	 * at insert (ON CONFLICT). */
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		if (sp->known[i] != NULL || sp->part[i].len == 0)
			continue;
		if (sq_bind_text(st, 1, sp->digest[i]) != SQLITE_OK ||
		    ((step = sqlite3_step(st)) != SQLITE_ROW &&
		     step != SQLITE_DONE)) {
			sq_reset(st);
			return sq_fail(q, err, _("cannot read the sections"));
		}
		sq_reset(st);
		if (step == SQLITE_DONE &&
		    (rc = sq_zstd(q, vg_buf_str(&sp->part[i]), sp->part[i].len,
				  &sc->part_z[i], &sc->part_z_len[i], err)) !=
			    VG_OK)
			return rc;
	}
	return VG_OK;
}

enum vg_rc
sq_sections_put(struct sq *q, const struct sq_scan *sc, int64_t now,
		struct vg_err *err)
{
	sqlite3_stmt *st;
	bool ok;
	int i, step;

	for (i = 0; sc->split != NULL && i < VG_SECTION_COUNT; i++) {
		/* A reference the server resolved from its cache: the store
		 * must hold it still (a store replaced under the server). */
		if (sc->split->known[i] != NULL) {
			st = sq_st(q, SQ_SECTION_HAS);
			if (sq_bind_text(st, 1, sc->split->known[i]) !=
				    SQLITE_OK ||
			    ((step = sqlite3_step(st)) != SQLITE_ROW &&
			     step != SQLITE_DONE)) {
				sq_reset(st);
				return sq_fail(q, err,
					       _("cannot read the sections"));
			}
			sq_reset(st);
			if (step == SQLITE_DONE)
				return vg_err_set(err, VG_ERR_NOTFOUND,
						  _("store: no section '%s'"),
						  sc->split->known[i]);
			continue;
		}
		if (sc->part_z[i] == NULL)
			continue;
		st = sq_st(q, SQ_SECTION_ADD);
		ok = bind_static(st, 1, sc->split->digest[i]) == SQLITE_OK &&
			sqlite3_bind_int64(st, 2,
					   (int64_t)sc->split->part[i].len) ==
				SQLITE_OK &&
			sqlite3_bind_blob64(st, 3, sc->part_z[i],
					    sc->part_z_len[i],
					    SQLITE_STATIC) == SQLITE_OK &&
			sqlite3_bind_int64(st, 4, now) == SQLITE_OK &&
			sq_step_done(st);
		if (!ok) {
			sq_reset(st);
			return sq_fail(q, err, _("cannot record a section"));
		}
	}
	return VG_OK;
}

void
sq_scan_release(struct sq_scan *sc)
{
	size_t i;

	for (i = 0; sc->evidence != NULL && i < sc->n_findings; i++)
		free(sc->evidence[i]);
	free(sc->evidence);
	free(sc->rule);
	free(sc->sev);
	free(sc->facts_z);
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		free(sc->part_z[i]);
		sc->part_z[i] = NULL;
		if (sc->split != NULL)
			vg_buf_release(&sc->split->part[i]);
	}
	free(sc->split);
	sc->split = NULL;
	sc->evidence = NULL;
	sc->rule = sc->sev = NULL;
	sc->facts_z = NULL;
	vg_buf_release(&sc->facts);
	free(sc->scores);
	free(sc->site);
	free(sc->owner);
	free(sc->category);
	sc->scores = NULL;
	sc->site = sc->owner = sc->category = NULL;
}

/* Bind a score (VG_SCORE_NONE binds NULL). */
static int
bind_score(sqlite3_stmt *st, int i, int score)
{
	return score >= 0 ? sqlite3_bind_int(st, i, score)
			  : sqlite3_bind_null(st, i);
}

/* The digest of sc's package set when stored apart, else NULL. */
static const char *
packages_ref(const struct sq_scan *sc)
{
	const char *d;

	if (sc->split == NULL)
		return NULL;
	d = sc->split->digest[VG_SECTION_PACKAGES];
	return d[0] != '\0' ? d : NULL;
}

/* Insert the scans row of sc and its summary; its id into *id. */
static bool
sq_scan_row(struct sq *q, const struct sq_scan *sc, int64_t host, int64_t *id)
{
	sqlite3_stmt *st = sq_st(q, SQ_SCAN_ADD);
	bool ok;
	int k;

	/* SQLITE_STATIC: the text outlives the step that reads it. */
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, sc->collected_at) == SQLITE_OK &&
		sqlite3_bind_blob64(st, 3, sc->facts_z, sc->facts_z_len,
				    SQLITE_STATIC) == SQLITE_OK &&
		bind_score(st, 4, sc->overall) == SQLITE_OK &&
		sq_bind_text(st, 5, sc->scores) == SQLITE_OK &&
		sqlite3_bind_blob(st, 6, sc->fdigest, sizeof(sc->fdigest),
				  SQLITE_STATIC) == SQLITE_OK &&
		sq_bind_text(st, 7, packages_ref(sc)) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok) {
		sq_reset(st);
		return false;
	}
	*id = sqlite3_last_insert_rowid(q->db);
	st = sq_st(q, SQ_SUM_ADD);
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
	/* The scans holding their finding rows (migration 13): the
	 * latest's, then the previous's (0 when none). */
	int64_t rows, prev_rows;
	/* The latest scan's findings digest (migration 12), if it has one. */
	unsigned char fdigest[SQ_FDIGEST_LEN];
	bool has_fdigest;
};

static bool
sq_host_state(struct sq *q, int64_t host, struct sq_hstate *h)
{
	sqlite3_stmt *st = sq_st(q, SQ_HOST_STATE);
	bool ok;

	memset(h, 0, sizeof(*h));
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		h->latest = sqlite3_column_int64(st, 0);
		h->latest_at = sqlite3_column_int64(st, 1);
		h->prev = sqlite3_column_int64(st, 2);
		h->prev_at = sqlite3_column_int64(st, 3);
		if (sqlite3_column_bytes(st, 4) == SQ_FDIGEST_LEN &&
		    sqlite3_column_blob(st, 4) != NULL) {
			memcpy(h->fdigest, sqlite3_column_blob(st, 4),
			       SQ_FDIGEST_LEN);
			h->has_fdigest = true;
		}
		h->rows = sqlite3_column_int64(st, 5);
		h->prev_rows = sqlite3_column_int64(st, 6);
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
	sqlite3_stmt *st = sq_st(q, which);
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
 * for new scan id of sc, whose finding rows are those of scan rows (id,
 * or the latest's when unchanged: migration 13). Usually id is the
 * latest: the old previous scan's rows become history (unless they are
 * the latest's too), the old latest's become fixed unless seen again
 * (unless they are the new scan's), and a device takes the new facts'
 * name and vendor (SQ_HOST_SET). A late scan (an agent's spooled
 * report) may become the previous one, or plain history.
 */
static bool
sq_host_advance(struct sq *q, int64_t host, const struct sq_hstate *h,
		int64_t id, int64_t rows, const struct sq_scan *sc)
{
	sqlite3_stmt *st = sq_st(q, SQ_HOST_SET);
	int64_t latest = h->latest, prev = h->prev, at = sc->collected_at;
	int64_t lrows = h->rows, prows = h->prev_rows;
	bool ok;

	if (newer(at, id, h->latest_at, h->latest)) {
		if (h->prev_rows != 0 && h->prev_rows != h->rows &&
		    !sq_run2(q, SQ_STATE_CLEAR, h->prev_rows, 0, false))
			return false;
		if (h->rows != 0 && h->rows != rows &&
		    !sq_run2(q, SQ_STATE_PREV, h->rows, rows, true))
			return false;
		prev = h->latest;
		prows = h->rows;
		latest = id;
		lrows = rows;
	} else if (newer(at, id, h->prev_at, h->prev)) {
		if (h->prev_rows != 0 && h->prev_rows != h->rows &&
		    !sq_run2(q, SQ_STATE_CLEAR, h->prev_rows, 0, false))
			return false;
		if (!sq_run2(q, SQ_STATE_PREV, rows, h->rows, true))
			return false;
		prev = id;
		prows = rows;
	} else
		return true;
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, latest) == SQLITE_OK &&
		(prev != 0 ? sqlite3_bind_int64(st, 3, prev)
			   : sqlite3_bind_null(st, 3)) == SQLITE_OK &&
		(latest == id && sc->facts.len > 0
			 ? sqlite3_bind_text(st, 4, vg_buf_str(&sc->facts),
					     (int)sc->facts.len, SQLITE_STATIC)
			 : sqlite3_bind_null(st, 4)) == SQLITE_OK &&
		sqlite3_bind_int64(st, 5, lrows) == SQLITE_OK &&
		(prows != 0 ? sqlite3_bind_int64(st, 6, prows)
			    : sqlite3_bind_null(st, 6)) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/* The UTC day of time t (floor: a time before 1970 is a day < 0). */
static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / SQ_DAY_SECS : -((-t - 1) / SQ_DAY_SECS) - 1;
}

/* A scan's place in the roll-up: weight and scores (0 overall). */
struct sq_dayval {
	int64_t scan, at;
	int weight;
	int sc[VG_RULE_COUNT + 1];
};

/* sc's roll-up value as scan id. */
static void
dayval_of(const struct sq_scan *sc, int64_t id, struct sq_dayval *v)
{
	int k;

	v->scan = id;
	v->at = sc->collected_at;
	v->weight = sc->criticality >= 1 && sc->criticality <= 4
		? sc->criticality
		: 1;
	v->sc[0] = sc->overall >= 0 && sc->overall <= 100 ? sc->overall
							  : VG_SCORE_NONE;
	for (k = 1; k <= VG_RULE_COUNT; k++)
		v->sc[k] = sc->rule_scores[k];
}

/* Add sign * v's weighted contribution to day's change (score_days). */
static bool
day_delta(struct sq *q, int64_t day, const struct sq_dayval *v, int sign)
{
	sqlite3_stmt *st = sq_st(q, SQ_DELTA_ADD);
	bool ok = sqlite3_bind_int64(st, 1, day) == SQLITE_OK;
	int k;

	for (k = 0; ok && k <= VG_RULE_COUNT; k++) {
		bool has = v != NULL && v->sc[k] >= 0;

		ok = sqlite3_bind_int64(st, 2 + k,
					has ? sign * v->weight : 0) ==
				SQLITE_OK &&
			sqlite3_bind_int64(st, 2 + VG_RULE_COUNT + 1 + k,
					   has ? (int64_t)sign * v->weight *
							   v->sc[k]
					       : 0) == SQLITE_OK;
	}
	ok = ok && sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/* a and b count alike in the sums: the same weight and scores. */
static bool
dayval_same(const struct sq_dayval *a, const struct sq_dayval *b)
{
	int k;

	if (a->weight != b->weight)
		return false;
	for (k = 0; k <= VG_RULE_COUNT; k++)
		if (a->sc[k] != b->sc[k])
			return false;
	return true;
}

/* Column i as a score (NULL or out of range: none). */
static int
col_score_of(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);

	return sqlite3_column_type(st, i) == SQLITE_INTEGER && v >= 0 &&
			v <= 100
		? (int)v
		: VG_SCORE_NONE;
}

/*
 * Put scan v of host into the daily roll-up (migration 4). A host counts
 * on a day by its latest scan at or before that day; so v changes the
 * sums from its day D (replacing what counted then: the day's latest,
 * or an earlier day's carried forward) up to the host's next day with a
 * scan, where the old value stops counting anyway. v older than its
 * day's latest changes nothing. v may be the day's latest already (a
 * re-judgement): its old scores are then replaced.
 */
static bool
sq_day_roll(struct sq *q, int64_t host, const struct sq_dayval *v)
{
	sqlite3_stmt *st = sq_st(q, SQ_DAY_AT);
	struct sq_dayval old;
	int64_t d = day_of(v->at), od = 0, next = 0;
	bool ok, has_old = false, has_next = false;
	int step, k;

	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, d) == SQLITE_OK;
	if (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		has_old = true;
		od = sqlite3_column_int64(st, 0);
		old.scan = sqlite3_column_int64(st, 1);
		old.at = sqlite3_column_int64(st, 2);
		old.weight = (int)sqlite3_column_int64(st, 3);
		for (k = 0; k <= VG_RULE_COUNT; k++)
			old.sc[k] = col_score_of(st, 4 + k);
	} else if (ok && step != SQLITE_DONE)
		ok = false;
	sq_reset(st);
	if (!ok)
		return false;
	/* The day's latest is newer: v never counts. */
	if (has_old && od == d && old.scan != v->scan &&
	    !newer(v->at, v->scan, old.at, old.scan))
		return true;
	/* The same weight and scores (an unchanged report): the sums do
	 * not change, only the day's latest scan (migration 13). */
	if (has_old && dayval_same(&old, v))
		goto set;
	st = sq_st(q, SQ_DAY_NEXT);
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, d) == SQLITE_OK;
	if (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		has_next = true;
		next = sqlite3_column_int64(st, 0);
	} else if (ok && step != SQLITE_DONE)
		ok = false;
	sq_reset(st);
	if (!ok || !day_delta(q, d, v, 1) ||
	    (has_old && !day_delta(q, d, &old, -1)))
		return false;
	/* From the next day on the host counted by that day's scan, whose
	 * change was made against the old value: now against v. */
	if (has_next &&
	    (!day_delta(q, next, v, -1) ||
	     (has_old && !day_delta(q, next, &old, 1))))
		return false;
set:
	st = sq_st(q, SQ_DAY_SET);
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, d) == SQLITE_OK &&
		sqlite3_bind_int64(st, 3, v->scan) == SQLITE_OK &&
		sqlite3_bind_int64(st, 4, v->at) == SQLITE_OK &&
		sqlite3_bind_int(st, 5, v->weight) == SQLITE_OK;
	for (k = 0; ok && k <= VG_RULE_COUNT; k++)
		ok = bind_score(st, 6 + k, v->sc[k]) == SQLITE_OK;
	ok = ok && sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

enum vg_rc
sq_scan_insert(struct sq *q, struct sq_scan *sc, int64_t host, int64_t *scan_id,
	       struct vg_err *err)
{
	struct sq_dayval dv;
	struct sq_hstate h;
	int64_t id, rows;
	bool latest;

	*scan_id = 0;
	if (!sq_host_state(q, host, &h) || !sq_scan_row(q, sc, host, &id))
		return sq_fail(q, err, _("cannot record the scan"));
	latest = newer(sc->collected_at, id, h.latest_at, h.latest);
	rows = id;
	/* The latest scan's findings again (the usual hourly report): its
	 * rows, current already, are the new scan's too, with their ids,
	 * first_seen and acceptances; nothing is written but the host's
	 * pointer (migration 13). */
	if (latest && h.latest != 0 && h.rows != 0 && h.has_fdigest &&
	    sodium_memcmp(h.fdigest, sc->fdigest, SQ_FDIGEST_LEN) == 0)
		rows = h.rows;
	else {
		if (!sq_put_findings(q, id, sc, host, sc->collected_at,
				     latest ? SQ_ST_CURRENT : SQ_ST_HISTORY,
				     !latest))
			return sq_fail(q, err, _("cannot record the findings"));
	}
	if (!sq_host_advance(q, host, &h, id, rows, sc))
		return sq_fail(q, err, _("cannot update the host's scans"));
	dayval_of(sc, id, &dv);
	if (!sq_day_roll(q, host, &dv))
		return sq_fail(q, err, _("cannot update the score history"));
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
	if ((rc = sq_scan_prepare(q, &sc, f, r, true, err)) != VG_OK)
		goto done;
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto done;
	in_tx = true;
	if (!sq_host_id(q, f->os.hostname != NULL ? f->os.hostname : "",
			vg_facts_is_device(f) ? "device" : "host", &host)) {
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
	st = sq_st(q, SQ_LIST);
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

/*
 * The facts columns of a scan row (sqlite_private.h). A frame is
 * trusted no more than text: its declared size is bounded by the
 * largest document the store writes, and must be the size it inflates
 * to.
 */
static json_t *sq_unzstd_json(struct sq *q, const void *z, size_t n);

/*
 * A stored section: the connection's last one of its kind, or read,
 * inflated and parsed (then kept as the last one).
 */
json_t *
sq_section_json(struct sq *q, const char *digest, int kind)
{
	sqlite3_stmt *st = sq_st(q, SQ_SECTION_GET);
	json_t *v = NULL;
	int i;

	for (i = 0; i < VG_SECTION_COUNT; i++)
		if (q->sec_json[i] != NULL &&
		    strcmp(q->sec_digest[i], digest) == 0)
			return json_incref(q->sec_json[i]);
	if (sq_bind_text(st, 1, digest) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sq_unzstd_json(q, sqlite3_column_blob(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0));
	sq_reset(st);
	if (!json_is_array(v)) {
		json_decref(v);
		return NULL;
	}
	/* Kept in its kind's slot, so hosts of one set in a row find all
	 * their sections there (re-judging); one of no known kind in a
	 * slot chosen by the digest. */
	i = kind >= 0 && kind < VG_SECTION_COUNT
		? kind
		: (int)(((unsigned char)digest[VG_SECTION_PREFIX_LEN]) %
			VG_SECTION_COUNT);
	json_decref(q->sec_json[i]);
	q->sec_json[i] = json_incref(v);
	(void)snprintf(q->sec_digest[i], sizeof(q->sec_digest[i]), "%s",
		       digest);
	return v;
}

/*
 * The members of a facts document held by reference (a report's,
 * migration 12) replaced by their content; false when one is unknown.
 */
static bool
sq_resolve_sections(struct sq *q, json_t *doc)
{
	char digest[VG_SECTION_DIGEST_MAX];
	json_t *v;
	int i;

	for (i = 0; i < VG_SECTION_COUNT; i++) {
		v = json_object_get(doc, vg_section_name((enum vg_section)i));
		if (!vg_section_is_ref(v))
			continue;
		if (!vg_section_ref_get(v, digest) ||
		    (v = sq_section_json(q, digest, i)) == NULL ||
		    json_object_set_new(
			    doc, vg_section_name((enum vg_section)i), v) != 0)
			return false;
	}
	return true;
}

json_t *
sq_col_facts(struct sq *q, sqlite3_stmt *st, int i)
{
	json_t *doc;

	if (sqlite3_column_int64(st, i + 1) != SQ_CODEC_ZSTD)
		return col_json(st, i);
	doc = sq_unzstd_json(q, sqlite3_column_blob(st, i + 2),
			     (size_t)sqlite3_column_bytes(st, i + 2));
	if (doc != NULL && !sq_resolve_sections(q, doc)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* A zstd frame of JSON text, parsed; NULL when damaged. */
static json_t *
sq_unzstd_json(struct sq *q, const void *z, size_t n)
{
	unsigned long long want;
	size_t got;
	char *text;
	json_t *doc;

	if (z == NULL || n == 0)
		return NULL;
	want = ZSTD_getFrameContentSize(z, n);
	if (want == ZSTD_CONTENTSIZE_UNKNOWN ||
	    want == ZSTD_CONTENTSIZE_ERROR || want > VG_MAX_JSON_DOC)
		return NULL;
	if (q->zd == NULL && (q->zd = ZSTD_createDCtx()) == NULL)
		return NULL;
	if ((text = malloc(want > 0 ? (size_t)want : 1)) == NULL)
		return NULL;
	got = ZSTD_decompressDCtx(q->zd, text, (size_t)want, z, n);
	doc = !ZSTD_isError(got) && got == want
		? json_loadb(text, got, JSON_REJECT_DUPLICATES, NULL)
		: NULL;
	free(text);
	return doc;
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
	st = sq_st(q, SQ_FINDINGS);
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
	st = sq_st(q, SQ_NES);
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
	int64_t id = 0, rows;
	int step;

	*out = NULL;
	/* One read transaction: the rows of a scan match its header. */
	if ((rc = sq_exec(q, "BEGIN", err)) != VG_OK)
		return rc;
	st = sq_st(q, SQ_LAST);
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
	rows = sqlite3_column_int64(st, 5);
	if ((doc = json_object()) == NULL ||
	    json_object_set_new(doc, "id", json_integer(id)) != 0 ||
	    json_object_set_new(doc, "facts", sq_col_facts(q, st, 1)) != 0 ||
	    json_object_set_new(doc, "scores", col_json(st, 4)) != 0 ||
	    !sq_get_rows(q, rows, doc)) {
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

/* ---------------------------------------------------------------- */
/* Re-judging (store.h: rejudge)                                    */
/* ---------------------------------------------------------------- */

/*
 * A finding row of the scan being re-judged, matched by (check,
 * subject), with what a new judgement may change in it: a row the new
 * judgement leaves as it was is not written.
 */
struct rj_old {
	int64_t id;
	char *check, *subject, *severity, *evidence, *remediation;
	int rule;
	bool kept;
};

static void
rj_old_free(struct rj_old *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].check);
		free(v[i].subject);
		free(v[i].severity);
		free(v[i].evidence);
		free(v[i].remediation);
	}
	free(v);
}

/* Column i as a copy; NULL for SQL NULL. False on no memory. */
static bool
rj_col(sqlite3_stmt *st, int i, char **out)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	*out = NULL;
	return t == NULL || (*out = strdup(t)) != NULL;
}

/*
 * The finding rows of scan into *out, by (check, subject), then id: in
 * SQLite's order of texts (memcmp, BINARY), which strcmp follows for
 * texts without NUL.
 */
static bool
rj_old_read(struct sq *q, int64_t scan, struct rj_old **out, size_t *n_out)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_OLD);
	struct rj_old *v = NULL, *p, *o;
	size_t n = 0, cap = 0;
	int step = SQLITE_ERROR;
	bool ok = true;

	if (sqlite3_bind_int64(st, 1, scan) == SQLITE_OK)
		while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((p = reallocarray(v, cap, sizeof(*v))) ==
				    NULL) {
					ok = false;
					break;
				}
				v = p;
			}
			o = &v[n++];
			memset(o, 0, sizeof(*o));
			o->id = sqlite3_column_int64(st, 0);
			o->rule = sqlite3_column_int(st, 3);
			ok = rj_col(st, 1, &o->check) &&
				rj_col(st, 2, &o->subject) &&
				rj_col(st, 4, &o->severity) &&
				rj_col(st, 5, &o->evidence) &&
				rj_col(st, 6, &o->remediation);
			/* NOT NULL columns: "" if a damaged row says NULL. */
			if (ok && o->check == NULL)
				ok = (o->check = strdup("")) != NULL;
			if (ok && o->subject == NULL)
				ok = (o->subject = strdup("")) != NULL;
		}
	sq_reset(st);
	if (!ok || step != SQLITE_DONE) {
		rj_old_free(v, n);
		return false;
	}
	*out = v;
	*n_out = n;
	return true;
}

/* The first row of (check, subject) not kept yet, or NULL. */
static struct rj_old *
rj_old_find(struct rj_old *v, size_t n, const char *check, const char *subject)
{
	size_t lo = 0, hi = n, mid;
	int c;

	/* The first row not below (check, subject). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(v[mid].check, check);
		if (c == 0)
			c = strcmp(v[mid].subject, subject);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && strcmp(v[lo].check, check) == 0 &&
	     strcmp(v[lo].subject, subject) == 0;
	     lo++)
		if (!v[lo].kept)
			return &v[lo];
	return NULL;
}

/* Two texts alike, NULL only like NULL. */
static bool
same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Update kept finding row old with finding i of sc, unless alike. */
static bool
rj_fix(struct sq *q, const struct sq_scan *sc, size_t i,
       const struct rj_old *old)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_FIX);
	const char *sev = vg_severity_name(sc->r->findings[i].severity);
	const char *rem = sc->r->findings[i].remediation;
	bool ok;

	if (old->rule == sc->rule[i] && same_text(old->severity, sev)) {
		/* Most often: the ids of a vulnerable package grew. */
		if (same_text(old->evidence, sc->evidence[i]) &&
		    same_text(old->remediation, rem))
			return true;
		st = sq_st(q, SQ_RJ_FIX_EV);
		ok = sqlite3_bind_int64(st, 1, old->id) == SQLITE_OK &&
			bind_static(st, 2, sc->evidence[i]) == SQLITE_OK &&
			bind_static(st, 3, rem) == SQLITE_OK &&
			sq_step_done(st);
		if (!ok)
			sq_reset(st);
		return ok;
	}
	ok = sqlite3_bind_int64(st, 1, old->id) == SQLITE_OK &&
		sqlite3_bind_int(st, 2, sc->rule[i]) == SQLITE_OK &&
		bind_static(st, 3, sev) == SQLITE_OK &&
		sqlite3_bind_int(st, 4, sc->sev[i]) == SQLITE_OK &&
		bind_static(st, 5, sc->evidence[i]) == SQLITE_OK &&
		bind_static(st, 6, rem) == SQLITE_OK && sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/*
 * Replace scan's findings (old, n_old: its rows as read) by sc's: a
 * finding also in the old judgement keeps its row (id, first_seen,
 * state), so links and acceptances made from it hold; a new one is
 * added as a new scan's would be; one gone is deleted. Then the
 * not-evaluated rows.
 */
static bool
rj_findings(struct sq *q, const struct sq_scan *sc, int64_t host, int64_t scan,
	    int64_t at, struct rj_old *old, size_t n_old)
{
	struct rj_old *k;
	size_t i, j;
	bool ok = true;

	for (i = 0; ok && i < sc->n_findings; i++) {
		k = rj_old_find(old, n_old, finding_check(&sc->r->findings[i]),
				finding_subject(&sc->r->findings[i]));
		if (k != NULL) {
			k->kept = true;
			ok = rj_fix(q, sc, i, k);
		} else
			ok = sq_finding_add(q, sc, i, scan, host, at,
					    SQ_ST_CURRENT);
	}
	for (j = 0; ok && j < n_old; j++)
		if (!old[j].kept)
			ok = sq_run2(q, SQ_RJ_DEL, old[j].id, 0, false);
	return ok && sq_run2(q, SQ_RJ_NE_DEL, scan, 0, false) &&
		sq_put_nes(q, sc->r, scan);
}

/* The new scores of scan: its row, its summary. */
static bool
rj_scores(struct sq *q, const struct sq_scan *sc, int64_t scan)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_SCAN);
	bool ok;
	int k;

	ok = sqlite3_bind_int64(st, 1, scan) == SQLITE_OK &&
		bind_score(st, 2, sc->overall) == SQLITE_OK &&
		bind_static(st, 3, sc->scores) == SQLITE_OK &&
		sqlite3_bind_blob(st, 4, sc->fdigest, sizeof(sc->fdigest),
				  SQLITE_STATIC) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok) {
		sq_reset(st);
		return false;
	}
	st = sq_st(q, SQ_RJ_SUM);
	ok = sqlite3_bind_int64(st, 1, scan) == SQLITE_OK &&
		bind_score(st, 2, sc->overall) == SQLITE_OK;
	for (k = 1; ok && k <= VG_RULE_COUNT; k++)
		ok = bind_score(st, 2 + k, sc->rule_scores[k]) == SQLITE_OK;
	for (k = 0; ok && k < VG_SEV_COUNT; k++)
		/* n_critical first: ranks go from the worst severity. */
		ok = sqlite3_bind_int64(
			     st, 13 + k,
			     (int64_t)sc->n_sev[VG_SEV_COUNT - 1 - k]) ==
			SQLITE_OK;
	ok = ok && sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/*
 * Before re-judging rows that the previous scan shares (migration 13:
 * unchanged reports), give the previous scan its own copy, so it keeps
 * the old judgement and what the new one drops is listed as fixed. The
 * current rows keep their ids; when they are the previous scan's own,
 * they go to the latest first. h is updated.
 */
static bool
rj_unshare(struct sq *q, int64_t host, struct sq_hstate *h)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_ROWS);
	bool ok;

	if (h->prev == 0 || h->prev_rows != h->rows)
		return true;
	if (h->rows == h->prev) {
		if (!sq_run2(q, SQ_RJ_MOVE, h->prev, h->latest, true) ||
		    !sq_run2(q, SQ_RJ_NES_MOVE, h->prev, h->latest, true))
			return false;
		h->rows = h->latest;
	}
	if (!sq_run2(q, SQ_RJ_COPY, h->rows, h->prev, true))
		return false;
	h->prev_rows = h->prev;
	ok = sqlite3_bind_int64(st, 1, host) == SQLITE_OK &&
		sqlite3_bind_int64(st, 2, h->rows) == SQLITE_OK &&
		sqlite3_bind_int64(st, 3, h->prev_rows) == SQLITE_OK &&
		sq_step_done(st);
	if (!ok)
		sq_reset(st);
	return ok;
}

/* What a scan's judgement was, as stored: rj_host compares. */
struct rj_was {
	unsigned char fdigest[SQ_FDIGEST_LEN];
	bool has_fdigest;
	char *scores; /* owned, NULL when none */
	int overall;
};

/* vg_section_fetch_fn: a section of this connection's store. */
static enum vg_rc
rj_fetch(void *ctx, const char *digest, enum vg_section kind, json_t **out,
	 struct vg_err *err)
{
	(void)err;
	*out = sq_section_json(ctx, digest, (int)kind);
	return *out != NULL ? VG_OK : VG_ERR_NOTFOUND;
}

/*
 * The members of doc held by reference taken out of it, each one's
 * decoded section into ent (core/section_cache.h), for
 * vg_section_entry_graft once the rest is decoded: hosts of one set,
 * judged in a row, decode it once. False when one is unknown or
 * damaged (the host is left as it is); *nomem.
 */
static bool
rj_sections(struct sq *q, json_t *doc,
	    struct vg_section_entry *ent[VG_SECTION_COUNT], bool *nomem)
{
	char digest[VG_SECTION_DIGEST_MAX];
	struct vg_err ignored;
	enum vg_rc rc;
	int i;

	for (i = 0; i < VG_SECTION_COUNT; i++) {
		vg_err_clear(&ignored);
		rc = vg_section_take(doc, (enum vg_section)i, rj_fetch, q,
				     digest, &ent[i], &ignored);
		if (rc != VG_OK) {
			*nomem = rc == VG_ERR_NOMEM;
			return false;
		}
	}
	return true;
}

/*
 * Decode the stored facts of scan into f (initialised here; its
 * sections are ent's, held until f is released) and read its judgement
 * into was. VG_OK with *usable false when the facts cannot be read
 * (damaged: the host is left as it is); an error only for no memory or
 * the database.
 */
static enum vg_rc
rj_facts(struct sq *q, int64_t scan, struct vg_facts *f,
	 struct vg_section_entry *ent[VG_SECTION_COUNT], struct rj_was *was,
	 bool *usable, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_FACTS);
	struct vg_err ignored;
	json_t *doc = NULL;
	enum vg_rc rc;
	bool nomem = false, ok;
	int step, i;

	*usable = false;
	memset(was, 0, sizeof(*was));
	vg_facts_init(f);
	if (sqlite3_bind_int64(st, 1, scan) != SQLITE_OK ||
	    ((step = sqlite3_step(st)) != SQLITE_ROW && step != SQLITE_DONE)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the facts"));
	}
	if (step == SQLITE_ROW) {
		/* The document as stored: its references resolved below,
		 * through the section cache. */
		doc = sqlite3_column_int64(st, 1) == SQ_CODEC_ZSTD
			? sq_unzstd_json(q, sqlite3_column_blob(st, 2),
					 (size_t)sqlite3_column_bytes(st, 2))
			: col_json(st, 0);
		if (sqlite3_column_bytes(st, 3) == SQ_FDIGEST_LEN &&
		    sqlite3_column_blob(st, 3) != NULL) {
			memcpy(was->fdigest, sqlite3_column_blob(st, 3),
			       SQ_FDIGEST_LEN);
			was->has_fdigest = true;
		}
		was->overall = sqlite3_column_type(st, 5) == SQLITE_NULL
			? VG_SCORE_NONE
			: sqlite3_column_int(st, 5);
		nomem = !rj_col(st, 4, &was->scores);
	}
	sq_reset(st);
	ok = doc != NULL && !nomem && rj_sections(q, doc, ent, &nomem);
	if (ok) {
		vg_err_clear(&ignored);
		rc = vg_facts_from_json(f, doc, &ignored);
		nomem = rc == VG_ERR_NOMEM;
		ok = rc == VG_OK;
		for (i = 0; ok && i < VG_SECTION_COUNT; i++)
			if (ent[i] != NULL &&
			    vg_section_entry_graft(ent[i], f) != VG_OK)
				ok = !(nomem = true);
	}
	json_decref(doc);
	if (nomem)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	if (!ok) {
		vg_facts_release(f);
		vg_facts_init(f);
		return VG_OK;
	}
	*usable = true;
	return VG_OK;
}

/* The new judgement sc is the stored one: nothing to write. */
static bool
rj_same(const struct sq_scan *sc, const struct rj_was *was)
{
	return was->has_fdigest &&
		sodium_memcmp(was->fdigest, sc->fdigest, SQ_FDIGEST_LEN) == 0 &&
		was->overall ==
		(sc->overall >= 0 ? sc->overall : VG_SCORE_NONE) &&
		same_text(was->scores, sc->scores);
}

/* Taken by re-judging threads around their write transactions. */
static pthread_mutex_t rj_write_lock = PTHREAD_MUTEX_INITIALIZER;

/* A host judged anew whose judgement changed, waiting for its write. */
struct rj_prep {
	int64_t host, scan;
	struct vg_report r;
	struct sq_scan sc; /* sc.r is &r: a prep never moves */
	/* The finding rows it replaces, read before the write lock (the
	 * rows of scan old_of, read again if they moved meanwhile). */
	struct rj_old *old;
	size_t n_old;
	int64_t old_of;
};

/* Re-judged hosts written in one transaction (the pages they share,
 * summaries and indexes, written once); while another thread writes,
 * up to RJ_BATCH_MAX are judged before waiting for it. */
#define RJ_BATCH 32
#define RJ_BATCH_MAX 64

static void
rj_prep_release(struct rj_prep *x)
{
	sq_scan_release(&x->sc);
	vg_report_release(&x->r);
	rj_old_free(x->old, x->n_old);
	x->old = NULL;
	x->n_old = 0;
}

/* x's old rows: those of scan rows, read now unless read already. */
static bool
rj_old_of(struct sq *q, struct rj_prep *x, int64_t rows)
{
	if (x->old_of == rows && (x->old != NULL || x->n_old == 0))
		return true;
	rj_old_free(x->old, x->n_old);
	x->old = NULL;
	x->n_old = 0;
	x->old_of = 0;
	if (!rj_old_read(q, rows, &x->old, &x->n_old))
		return false;
	x->old_of = rows;
	return true;
}

/*
 * Judge scan (host's latest when read) anew into x (*judged), and
 * compare with the stored judgement: *changed false when it is the same
 * (most hosts when a feed update touches none of their packages:
 * nothing to write, x released) or the facts cannot be read (damaged:
 * the host is left as it is, not judged). Before any transaction: the
 * hook may read the store. packages_ref: the scan's package set
 * digest, for the hook.
 */
static enum vg_rc
rj_judge(struct sq *q, const struct vg_policy *p, vg_rejudge_hook hook,
	 void *hook_ctx, int64_t host, int64_t scan, const char *packages_ref,
	 struct rj_prep *x, bool *changed, bool *judged, struct vg_err *err)
{
	struct vg_section_entry *ent[VG_SECTION_COUNT] = {NULL};
	struct sq_hstate h;
	struct vg_facts f;
	struct rj_was was;
	enum vg_rc rc;
	bool usable;
	int i;

	*changed = *judged = false;
	memset(x, 0, sizeof(*x));
	x->host = host;
	x->scan = scan;
	vg_report_init(&x->r);
	if ((rc = rj_facts(q, scan, &f, ent, &was, &usable, err)) == VG_OK &&
	    usable &&
	    (hook == NULL ||
	     (rc = hook(hook_ctx, &f, packages_ref, err)) == VG_OK) &&
	    (rc = vg_rules_evaluate(&f, p, &x->r, err)) == VG_OK &&
	    (rc = scan_prepare(q, &x->sc, &f, &x->r, false, err)) == VG_OK) {
		*judged = true;
		*changed = !rj_same(&x->sc, &was);
	}
	/* The rows to replace read now, outside the write lock (a
	 * failure: read again inside). */
	if (*changed && sq_host_state(q, host, &h) && h.latest == scan)
		(void)rj_old_of(q, x, h.rows);
	free(was.scores);
	/* The judgement holds no pointer into the facts. */
	vg_facts_release(&f);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_section_entry_unref(ent[i]);
	if (!*changed)
		rj_prep_release(x);
	return rc;
}

/*
 * Write x's judgement, inside the caller's transaction. A host whose
 * latest scan changed since it was read is left alone (*done false):
 * the new scan was judged as it came.
 */
static bool
rj_write(struct sq *q, struct rj_prep *x, bool *done)
{
	struct sq_hstate h;
	struct sq_dayval dv;

	*done = false;
	if (!sq_host_state(q, x->host, &h))
		return false;
	if (h.latest != x->scan)
		return true;
	/* The stored time rules, as put_scan stored it. */
	x->sc.collected_at = h.latest_at;
	dayval_of(&x->sc, x->scan, &dv);
	/* The rows are judged where they are (migration 13: maybe an
	 * older scan's), once the previous scan has its own. */
	if (!rj_unshare(q, x->host, &h) || !rj_old_of(q, x, h.rows) ||
	    !rj_findings(q, &x->sc, x->host, h.rows, h.latest_at, x->old,
			 x->n_old) ||
	    !rj_scores(q, &x->sc, x->scan) ||
	    (h.prev_rows != 0 && h.prev_rows != h.rows &&
	     !sq_run2(q, SQ_STATE_PREV, h.prev_rows, h.rows, true)) ||
	    !sq_day_roll(q, x->host, &dv))
		return false;
	*done = true;
	return true;
}

/*
 * Write the n judgements of v in one transaction, then release them;
 * *n_done counts the hosts written. The re-judging threads of this
 * process take turns at the write lock here, with no busy-wait sleep
 * between them; locked: the caller took it.
 */
static enum vg_rc
rj_flush(struct sq *q, struct rj_prep *v, size_t n, bool locked, size_t *n_done,
	 struct vg_err *err)
{
	enum vg_rc rc = VG_OK;
	size_t i, done_n = 0;
	bool done;

	if (n == 0) {
		if (locked)
			(void)pthread_mutex_unlock(&rj_write_lock);
		return VG_OK;
	}
	if (!locked)
		(void)pthread_mutex_lock(&rj_write_lock);
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) == VG_OK) {
		for (i = 0; rc == VG_OK && i < n; i++) {
			if (!rj_write(q, &v[i], &done))
				rc = sq_fail(q, err,
					     _("cannot record the new "
					       "judgement"));
			else if (done)
				done_n++;
		}
		if (rc == VG_OK)
			rc = sq_exec(q, "COMMIT", err);
		if (rc != VG_OK)
			(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	}
	(void)pthread_mutex_unlock(&rj_write_lock);
	for (i = 0; i < n; i++)
		rj_prep_release(&v[i]);
	if (rc == VG_OK)
		*n_done += done_n;
	return rc;
}

/* A host to re-judge: its latest scan and package set digest. */
struct rj_item {
	int64_t host, scan;
	char *packages_ref;
};

static void
rj_items_free(struct rj_item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].packages_ref);
	free(v);
}

/*
 * The hosts of part (of parts) to re-judge, package set by package set
 * (then by id), read at once: a host added meanwhile was judged as it
 * came, under the policy and feeds this run applies.
 */
static enum vg_rc
rj_items(struct sq *q, unsigned part, unsigned parts, struct rj_item **out,
	 size_t *n_out, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_RJ_NEXT);
	struct rj_item *v = NULL, *p;
	size_t n = 0, cap = 0;
	int step = SQLITE_ERROR;
	bool ok = true;

	if (sqlite3_bind_int64(st, 1, part) == SQLITE_OK &&
	    sqlite3_bind_int64(st, 2, parts) == SQLITE_OK)
		while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				if ((p = reallocarray(v, cap, sizeof(*v))) ==
				    NULL) {
					ok = false;
					break;
				}
				v = p;
			}
			v[n].host = sqlite3_column_int64(st, 0);
			v[n].scan = sqlite3_column_int64(st, 1);
			ok = rj_col(st, 2, &v[n].packages_ref);
			n++;
		}
	sq_reset(st);
	if (!ok) {
		rj_items_free(v, n);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	if (step != SQLITE_DONE) {
		rj_items_free(v, n);
		return sq_fail(q, err, _("cannot list the hosts"));
	}
	*out = v;
	*n_out = n;
	return VG_OK;
}

enum vg_rc
sq_rejudge(struct vg_store *s, const struct vg_policy *p, int64_t now,
	   vg_rejudge_hook hook, void *hook_ctx, unsigned part, unsigned parts,
	   size_t *n_hosts, struct vg_err *err)
{
	struct sq *q = s->impl;
	struct rj_item *v = NULL;
	struct rj_prep *batch;
	size_t n = 0, i, nb = 0;
	enum vg_rc rc;
	bool changed, judged;

	(void)now;
	*n_hosts = 0;
	if (parts == 0 || part >= parts)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: no part %u of %u to re-judge"),
				  part, parts);
	if ((rc = rj_items(q, part, parts, &v, &n, err)) != VG_OK)
		return rc;
	if ((batch = calloc(RJ_BATCH_MAX, sizeof(*batch))) == NULL) {
		rj_items_free(v, n);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	for (i = 0; i < n && rc == VG_OK; i++) {
		if ((rc = rj_judge(q, p, hook, hook_ctx, v[i].host, v[i].scan,
				   v[i].packages_ref, &batch[nb], &changed,
				   &judged, err)) != VG_OK) {
			if (changed)
				rj_prep_release(&batch[nb]);
			break;
		}
		if (!changed) {
			/* Judged alike (counted), or damaged: left alone. */
			if (judged)
				(*n_hosts)++;
		}
		/* A batch is written when the lock is free, or full. */
		else if (++nb >= RJ_BATCH &&
			 (nb == RJ_BATCH_MAX ||
			  pthread_mutex_trylock(&rj_write_lock) == 0)) {
			rc = rj_flush(q, batch, nb, nb < RJ_BATCH_MAX, n_hosts,
				      err);
			nb = 0;
		}
	}
	if (rc == VG_OK)
		rc = rj_flush(q, batch, nb, false, n_hosts, err);
	else
		for (i = 0; i < nb; i++)
			rj_prep_release(&batch[i]);
	free(batch);
	rj_items_free(v, n);
	return rc;
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
	.put_report_sections = sq_put_report_sections, /* sqlite_server.c */
	.section_get = sq_section_get,
	.report_prepare = sq_report_prepare,
	.reports_commit = sq_reports_commit,
	.report_release = sq_report_release,
	.put_devices = sq_put_devices,
	.known_assets = sq_known_assets,
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
	.rejudge = sq_rejudge,
	.assets_import = sq_assets_import,
	.assets_list = sq_assets_list,
	.vuln_import_begin = sq_vuln_import_begin,
	.vuln_import_rec = sq_vuln_import_rec,
	.vuln_import_kev = sq_vuln_import_kev,
	.vuln_import_epss = sq_vuln_import_epss,
	.vuln_import_end = sq_vuln_import_end,
	.vuln_lookup = sq_vuln_lookup,
	.vuln_feeds = sq_vuln_feeds,
	.vuln_read = sq_vuln_read,
	.device_facts = sq_device_facts, /* sqlite_devices.c */
	/* sqlite_incidents.c */
	.incident_open = sq_incident_open,
	.incident_update = sq_incident_update,
	.timeline_append = sq_timeline_append,
	.incident_get = sq_incident_get,
	.incident_list = sq_incident_list,
	.incidents_for_host = sq_incidents_for_host,
	/* sqlite_tasks.c */
	.task_add = sq_task_add,
	.task_fetch = sq_task_fetch,
	.task_result = sq_task_result,
	.tasks_list = sq_tasks_list,
	.tasks_last_id = sq_tasks_last_id,
	.evidence_add = sq_evidence_add,
	.evidence_get = sq_evidence_get,
	/* sqlite_vuln_query.c */
	.vuln_summary = sq_vuln_summary,
	.vuln_list = sq_vuln_list,
	.vuln_cve = sq_vuln_cve,
	.close = sq_close,
};

/* Settings, schema and statements of a fresh connection. */
/* Make migration 17's TEMP triggers (named in a failure: their SQL is
 * too long for a message). */
static enum vg_rc
sq_derived(struct sq *q, struct vg_err *err)
{
	if (sqlite3_exec(q->db, sq_derived_sql, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(q, err,
			       _("cannot make the derived data's "
				 "triggers"));
	return VG_OK;
}

/* The busy timeout set, the schema's version into *v: a newer one than
 * this vigie's is refused before anything changes in the file, and the
 * read also rejects a file that is not a database. */
static enum vg_rc
sq_version(struct sq *q, int64_t *v, struct vg_err *err)
{
	enum vg_rc rc;

	(void)sqlite3_busy_timeout(q->db, SQ_BUSY_TIMEOUT_MS);
	if ((rc = sq_int(q, "PRAGMA user_version", v, err)) != VG_OK)
		return rc;
	return *v > sq_latest() ? sq_newer(q, *v, err) : VG_OK;
}

static enum vg_rc
sq_setup(struct sq *q, struct vg_err *err)
{
	enum vg_rc rc;
	int64_t v;

	if ((rc = sq_version(q, &v, err)) != VG_OK)
		return rc;
	/* WAL may be refused (a network file system): the store still
	 * works in the default rollback mode, so that is not an error. */
	if ((rc = sq_exec(q, "PRAGMA mmap_size = " SQ_MMAP_BYTES, err)) !=
		    VG_OK ||
	    (rc = sq_exec(q, "PRAGMA journal_mode=WAL", err)) != VG_OK ||
	    /* Acknowledged means stored: FULL syncs the WAL at each
	     * commit (NORMAL could lose the last ones on power loss). */
	    (rc = sq_exec(q, "PRAGMA synchronous=FULL", err)) != VG_OK ||
	    (rc = sq_exec(q, "PRAGMA wal_autocheckpoint=" SQ_WAL_PAGES, err)) !=
		    VG_OK ||
	    (rc = sq_exec(q, "PRAGMA journal_size_limit=" SQ_WAL_KEEP, err)) !=
		    VG_OK ||
	    (rc = sq_migrate(q, err)) != VG_OK ||
	    (rc = sq_exec(q, "PRAGMA foreign_keys=ON", err)) != VG_OK ||
	    /* After the migrations (an index build sorts millions of
	     * rows): a savepoint's journal (one per report of a group
	     * commit) in memory; on disk it was two thirds of the bytes
	     * a steady-state report wrote (bench/ingest.sh). */
	    (rc = sq_exec(q, "PRAGMA temp_store=MEMORY", err)) != VG_OK ||
	    /* Last: a change of temp_store drops TEMP triggers. */
	    (rc = sq_derived(q, err)) != VG_OK)
		return rc;
	return VG_OK;
}

/* A store of path, not yet opened: VG_ERR_NOMEM. */
static enum vg_rc
sq_alloc(struct vg_store **out, const char *path, struct vg_err *err)
{
	struct vg_store *s = NULL;
	struct sq *q = NULL;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (q = calloc(1, sizeof(*q))) == NULL ||
	    (q->path = strdup(path)) == NULL) {
		free(q);
		free(s);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	s->ops = &sqlite_ops;
	s->impl = q;
	*out = s;
	return VG_OK;
}

/* Open s's connection with flags (SQLITE_OPEN_*); s is freed on
 * failure. */
static enum vg_rc
sq_connect(struct vg_store *s, int flags, struct vg_err *err)
{
	struct sq *q = s->impl;
	enum vg_rc rc;

	if (sqlite3_open_v2(q->path, &q->db, flags | SQLITE_OPEN_NOMUTEX,
			    NULL) == SQLITE_OK)
		return VG_OK;
	rc = sq_fail(q, err, _("cannot open"));
	sq_close(s);
	return rc;
}

enum vg_rc
vg_store_open_sqlite(struct vg_store **out, const char *path,
		     struct vg_err *err)
{
	struct vg_store *s;
	enum vg_rc rc;

	*out = NULL;
	if ((rc = sq_create(path, err)) != VG_OK ||
	    (rc = sq_alloc(&s, path, err)) != VG_OK ||
	    (rc = sq_connect(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			     err)) != VG_OK)
		return rc;
	if ((rc = sq_setup(s->impl, err)) != VG_OK) {
		sq_close(s);
		return rc;
	}
	*out = s;
	return VG_OK;
}

/*
 * A reader's setup: the schema must be this vigie's own (*older when
 * it is older: a writer's open migrates it); query_only makes every
 * write fail, since this connection has none of the derived data's
 * triggers. Nothing else to set: the journal mode is the file's, the
 * rest concerns writes.
 */
static enum vg_rc
sq_setup_read(struct sq *q, bool *older, struct vg_err *err)
{
	enum vg_rc rc;
	int64_t v;

	if ((rc = sq_version(q, &v, err)) != VG_OK)
		return rc;
	*older = v < sq_latest();
	if (*older)
		return VG_OK;
	return sq_exec(q,
		       "PRAGMA mmap_size = " SQ_MMAP_BYTES ";"
		       "PRAGMA query_only = ON",
		       err);
}

enum vg_rc
vg_store_open_sqlite_read(struct vg_store **out, const char *path,
			  struct vg_err *err)
{
	struct vg_store *s;
	bool older = false;
	enum vg_rc rc;

	*out = NULL;
	if ((rc = sq_alloc(&s, path, err)) != VG_OK ||
	    (rc = sq_connect(s, SQLITE_OPEN_READWRITE, err)) != VG_OK)
		return rc;
	if ((rc = sq_setup_read(s->impl, &older, err)) != VG_OK || older) {
		sq_close(s);
		return older ? vg_store_open_sqlite(out, path, err) : rc;
	}
	*out = s;
	return VG_OK;
}

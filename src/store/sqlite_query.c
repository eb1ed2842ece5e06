/*
 * The read side of the SQLite store: the assets, findings, scores and
 * counters that the API and the console show (shapes and meanings in
 * docs/internals/store-queries.md), and risk acceptances.
 *
 * Speed comes from the schema (migration 3 in sqlite.c): every host
 * points at its latest and previous scans, each scan carries a summary
 * (asset declaration, per-rule scores, findings by severity), and each
 * finding its host, severity rank, state and first_seen. So a list never
 * parses JSON, a page of findings is read in index order, and totals are
 * sums of per-scan counts rather than a count over millions of rows.
 * Migration 6 copies what a list filters or sorts on into the listed
 * row (a finding's hostname and site, a host's latest declaration) and
 * keeps the latest findings by severity per site (sev_sums), so every
 * list is one index read in order, skipping an offset within it, and
 * every unfiltered or per-site total is one row.
 *
 * A query's WHERE clause depends on which filters are set; each
 * combination is built from fixed fragments (never from values: every
 * value is a bound :parameter) and prepared once per connection, on
 * first use, into q->qst.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

/* Rows per page of a list (store.h: limit 1-500). */
#define SQ_LIMIT_MAX 500
/* A filter string longer than this is refused (nothing is that long). */
#define SQ_FILTER_MAX 1024
/* An acceptance's reason, at most (it goes into the audit log). */
#define SQ_REASON_MAX 4096
/* get_asset: the history covers this many days before now... */
#define SQ_ASSET_HISTORY_DAYS 90
/* ... and holds at most this many scans (the newest). */
#define SQ_ASSET_HISTORY_MAX 5000
/* scores: days of history at most, whatever `since` asks. */
#define SQ_HISTORY_DAYS_MAX 1000
/* scores: assets shown as the worst, and silent agents listed. */
#define SQ_WORST 10
#define SQ_NOT_REPORTING_MAX 500
/* An agent silent this long is not reporting (policy stale_agent_days). */
#define SQ_STALE_AGENT_DAYS 3
#define SQ_DAY 86400

/* Statement slots in q->qst: one range per query kind. */
enum {
	QS_ASSETS_LIST = 0,    /* + asset filter mask (256) */
	QS_ASSETS_COUNT = 256, /* + asset filter mask (256) */
	QS_FIND_LIST = 512,    /* + variant * 32 + finding mask (128) */
	QS_FIND_COUNT = 640,   /* + variant * 32 + finding mask (128) */
	QS_FIND_SUM = 768,     /* + finding mask (32) */
	QS_FIXED = 800,        /* + enum qfixed */
};
_Static_assert(QS_FIXED + 32 <= SQ_QUERY_SLOTS, "query slots");

/* Asset filters, as bits of a mask. */
enum {
	AF_SITE = 1,
	AF_CATEGORY = 2,
	AF_SEARCH = 4,
	AF_MIN = 8,
	AF_MAX = 16,
	AF_KIND = 32,
	AF_UNMANAGED = 64,
	AF_VENDOR = 128,
	AF_ALL = 255,
};

/* R1's check of a device that no host or declared asset is. */
#define SQ_UNMANAGED_CHECK "'inventory.unmanaged_device'"
/*
 * Host h's latest scan holds an open unmanaged-device finding (none
 * under an acceptance in force at :now): one probe of findings_scan
 * (scan_id, check_id, subject) per host tested, in the rows of the
 * scan that holds the latest's (migration 13).
 */
#define SQ_UNMANAGED_OPEN                                                      \
	"EXISTS (SELECT 1 FROM findings u"                                     \
	" WHERE u.scan_id = h.findings_scan_id"                                \
	" AND u.check_id = " SQ_UNMANAGED_CHECK " AND NOT EXISTS (SELECT 1"    \
	" FROM acceptances ua WHERE ua.host_id = h.id"                         \
	" AND ua.check_id = u.check_id AND ua.subject = u.subject"             \
	" AND ua.until > :now))"

/* Finding filters, as bits of a mask. */
enum {
	FF_ASSET = 1,
	FF_RULE = 2,
	FF_CHECK = 4,
	FF_SEV = 8,
	FF_SITE = 16,
};

/* Finding statuses: which rows a query starts from. */
enum fvariant {
	FV_ANY,      /* the latest scans' findings */
	FV_OPEN,     /* ... without an acceptance in force */
	FV_ACCEPTED, /* ... with one */
	FV_FIXED,    /* the previous scans' findings gone from the latest */
};

/*
 * An asset's columns (asset_json reads them by these numbers); :now
 * tells whether an acceptance is in force for the host.
 */
#define ASSET_COLS                                                             \
	"h.id, h.hostname, s.site, s.owner, s.category, s.criticality,"        \
	" h.agent_id, s.collected_at, s.s1, s.s2, s.s3, s.s4, s.s5, s.s6,"     \
	" s.s7, s.s8, s.s9, s.s10, s.overall, s.n_critical, s.n_high,"         \
	" s.n_medium, s.n_low, h.latest_scan_id,"                              \
	" EXISTS (SELECT 1 FROM acceptances a WHERE a.host_id = h.id"          \
	" AND a.until > :now), h.kind,"                                        \
	" h.kind = 'device' AND " SQ_UNMANAGED_OPEN ","                        \
	" coalesce(h.display_name, h.hostname), h.vendor, h.findings_scan_id"
enum {
	AC_ID,
	AC_HOST,
	AC_SITE,
	AC_OWNER,
	AC_CATEGORY,
	AC_CRIT,
	AC_AGENT,
	AC_AT,
	AC_S1,
	AC_OVERALL = AC_S1 + VG_RULE_COUNT,
	AC_NSEV, /* n_critical, then high, medium, low */
	AC_SCAN = AC_NSEV + VG_SEV_COUNT,
	AC_HASACC,
	AC_KIND,      /* "host", or "device" for a network device (discover) */
	AC_UNMANAGED, /* a device with an open unmanaged-device finding */
	AC_NAME,      /* a device's name (migration 10), else the hostname */
	AC_VENDOR,    /* a device's vendor, NULL for a host */
	AC_ROWS,      /* the scan holding the latest's findings (schema 13) */
	AC_TOTAL,     /* a search's list only: the number of matches */
};
#define ASSET_FROM                                                             \
	" FROM hosts h JOIN scan_sums s ON s.scan_id = h.latest_scan_id"

/* A finding's columns (finding_json reads them by these numbers). */
#define FINDING_COLS                                                           \
	"f.id, f.host_id, h.hostname, s.site, f.rule, f.check_id,"             \
	" f.severity, f.subject, f.evidence, f.remediation, f.state,"          \
	" f.first_seen, s.collected_at, a.reason, a.until, a.by, a.at"
enum {
	FC_ID,
	FC_HOST,
	FC_HOSTNAME,
	FC_SITE,
	FC_RULE,
	FC_CHECK,
	FC_SEVERITY,
	FC_SUBJECT,
	FC_EVIDENCE,
	FC_REMEDIATION,
	FC_STATE,
	FC_FIRST,
	FC_LAST,
	FC_A_REASON,
	FC_A_UNTIL,
	FC_A_BY,
	FC_A_AT,
};
/* The acceptance in force for a finding, the one lasting longest. */
#define FINDING_ACC                                                            \
	" LEFT JOIN acceptances a ON a.id = (SELECT a2.id FROM acceptances a2" \
	" WHERE a2.host_id = f.host_id AND a2.check_id = f.check_id"           \
	" AND a2.subject = f.subject AND a2.until > :now"                      \
	" ORDER BY a2.until DESC, a2.id DESC LIMIT 1)"
/* f.hostname is the host's (migration 6): the order of findings_live. */
#define FINDING_ORDER                                                          \
	" ORDER BY f.sev, f.rule, f.check_id, f.hostname, f.subject, f.id"

#define SCORE_COLS "s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, overall"
/* score_days' weights and weighted sums, 0 (overall) to 10. */
#define DAY_COLS                                                               \
	"w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10,"                         \
	" ws0, ws1, ws2, ws3, ws4, ws5, ws6, ws7, ws8, ws9, ws10"
#define DAY_SUMS                                                               \
	"total(w0), total(w1), total(w2), total(w3), total(w4), total(w5),"    \
	" total(w6), total(w7), total(w8), total(w9), total(w10),"             \
	" total(ws0), total(ws1), total(ws2), total(ws3), total(ws4),"         \
	" total(ws5), total(ws6), total(ws7), total(ws8), total(ws9),"         \
	" total(ws10)"

/* Statements that take no filter. */
enum qfixed {
	QF_ACC_SEV,
	QF_ASSET_GET,
	QF_ASSET_FINDINGS,
	QF_ASSET_HISTORY,
	QF_FACTS,
	QF_FINDING_KEY,
	QF_ACCEPT_ADD,
	QF_SCORES_LATEST,
	QF_SCORES_BASE,
	QF_SCORES_WINDOW,
	QF_NOT_REPORTING,
	QF_COUNTS,
	QF_COUNT
};

static const char *const qfixed_sql[QF_COUNT] = {
	/* The latest scan's findings under an acceptance, by severity. */
	[QF_ACC_SEV] = "SELECT f.sev, count(*) FROM findings f"
		       " WHERE f.scan_id = :rows AND EXISTS (SELECT 1"
		       " FROM acceptances a WHERE a.host_id = f.host_id"
		       " AND a.check_id = f.check_id"
		       " AND a.subject = f.subject AND a.until > :now)"
		       " GROUP BY f.sev",
	[QF_ASSET_GET] = "SELECT " ASSET_COLS ASSET_FROM " WHERE h.id = :id",
	[QF_ASSET_FINDINGS] =
		"SELECT " FINDING_COLS " FROM findings f"
		" JOIN hosts h ON h.id = f.host_id"
		" JOIN scan_sums s ON s.scan_id = :scan" FINDING_ACC
		" WHERE f.scan_id = :rows" FINDING_ORDER,
	/* The newest first, reversed by the caller. */
	[QF_ASSET_HISTORY] = "SELECT collected_at, " SCORE_COLS
			     " FROM scan_sums WHERE host_id = :id"
			     " AND collected_at > :from"
			     " ORDER BY collected_at DESC, scan_id DESC"
			     " LIMIT :max",
	[QF_FACTS] = "SELECT facts, facts_codec, facts_zstd FROM scans"
		     " WHERE id = :scan",
	[QF_FINDING_KEY] = "SELECT f.host_id, f.check_id, f.subject,"
			   " h.hostname FROM findings f"
			   " JOIN hosts h ON h.id = f.host_id"
			   " WHERE f.id = :id",
	[QF_ACCEPT_ADD] = "INSERT INTO acceptances(host_id, check_id,"
			  " subject, reason, until, by, at)"
			  " VALUES (:host, :check, :subject, :reason,"
			  " :until, :by, :at)",
	/* The sums of the latest scans (migration 5): the establishment
	 * (kind 0), then the sites, undeclared (1) first as ORDER BY site
	 * put NULL first. */
	[QF_SCORES_LATEST] = "SELECT kind, site, n, " DAY_COLS
			     " FROM site_sums WHERE n > 0 ORDER BY kind, site",
	/* The daily roll-up (migration 4): the sums before the first
	 * day, then each day's change. */
	[QF_SCORES_BASE] = "SELECT " DAY_SUMS " FROM score_days"
			   " WHERE day < :from",
	[QF_SCORES_WINDOW] = "SELECT " DAY_COLS ", day FROM score_days"
			     " WHERE day >= :from AND day <= :last"
			     " ORDER BY day",
	/* Agents silent since the cut (never reported: since enrolled). */
	[QF_NOT_REPORTING] = "SELECT h.id, h.hostname, a.id, a.last_seen,"
			     " a.hostname FROM agents a"
			     " LEFT JOIN hosts h ON h.agent_id = a.id"
			     " WHERE max(a.last_seen, a.enrolled_at) < :cut"
			     " ORDER BY a.last_seen, a.id LIMIT :max",
	[QF_COUNTS] = "SELECT (SELECT count(*) FROM hosts"
		      " WHERE latest_scan_id IS NOT NULL),"
		      " (SELECT count(*) FROM agents),"
		      " (SELECT count(*) FROM scans),"
		      " (SELECT count(*) FROM reports)",
};

void
sq_query_close(struct sq *q)
{
	size_t i;

	if (q->qst == NULL)
		return;
	for (i = 0; i < SQ_QUERY_SLOTS; i++)
		sqlite3_finalize(q->qst[i]);
	free(q->qst);
	q->qst = NULL;
}

/* ---------------------------------------------------------------- */
/* Statements                                                       */
/* ---------------------------------------------------------------- */

/* The text of a filtered statement, written into b. */
typedef void (*sql_builder)(struct vg_buf *b, unsigned arg);

/*
 * The statement of a slot into *out, prepared on first use from
 * build(arg) (or the fixed text sql).
 */
static enum vg_rc
qstmt(struct sq *q, unsigned slot, sql_builder build, unsigned arg,
      const char *sql, sqlite3_stmt **out, struct vg_err *err)
{
	enum vg_rc rc = VG_OK;
	struct vg_buf b;

	*out = NULL;
	if (q->qst == NULL &&
	    (q->qst = calloc(SQ_QUERY_SLOTS, sizeof(*q->qst))) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	if ((*out = q->qst[slot]) != NULL)
		return VG_OK;
	vg_buf_init(&b, 1u << 16);
	if (build != NULL) {
		build(&b, arg);
		sql = vg_buf_str(&b);
	}
	if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &q->qst[slot], NULL) != SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot prepare a query"));
		sqlite3_finalize(q->qst[slot]);
		q->qst[slot] = NULL;
	}
	vg_buf_release(&b);
	*out = q->qst[slot];
	return rc;
}

static enum vg_rc
qfixed(struct sq *q, enum qfixed which, sqlite3_stmt **out, struct vg_err *err)
{
	return qstmt(q, QS_FIXED + which, NULL, 0, qfixed_sql[which], out, err);
}

/* Fragments appended; a failed append (64 KiB cap) fails the prepare. */
static void
add(struct vg_buf *b, const char *s)
{
	(void)vg_buf_adds(b, s);
}

/* Worst first; assets with no score at all last. */
#define ASSET_ORDER " ORDER BY s.overall IS NULL, s.overall, h.hostname, h.id"

/*
 * A page of assets: the page's ids are chosen in a subquery, so the
 * columns (and their acceptance test) are computed for its rows only,
 * not for every host sorted.
 */
static void
build_assets(struct vg_buf *b, unsigned arg, bool count)
{
	unsigned mask = arg & AF_ALL;

	if (count)
		add(b, "SELECT count(*)");
	else if (mask & AF_SEARCH)
		/* A search tests every host: one pass counts them too. */
		add(b,
		    "SELECT " ASSET_COLS ", p.n FROM (SELECT h.id AS pid,"
		    " count(*) OVER () AS n");
	else
		add(b, "SELECT " ASSET_COLS " FROM (SELECT h.id AS pid");
	if (mask == 0) {
		/* Unfiltered (the worst assets of `scores`): read in the
		 * order of index hosts_worst (migration 5), whose
		 * latest_overall is the latest summary's overall. */
		add(b, " FROM hosts h WHERE h.latest_scan_id IS NOT NULL");
		if (!count)
			add(b,
			    " ORDER BY h.latest_overall IS NULL,"
			    " h.latest_overall, h.hostname, h.id"
			    " LIMIT :limit OFFSET :offset) p"
			    " JOIN hosts h ON h.id = p.pid"
			    " JOIN scan_sums s"
			    " ON s.scan_id = h.latest_scan_id" ASSET_ORDER);
		return;
	}
	/* Filtered: on the copies of the latest summary's fields in
	 * hosts (migrations 5 and 6), so no summary is read to filter;
	 * a site is a range of index hosts_site, in list order. */
	add(b, " FROM hosts h WHERE h.latest_scan_id IS NOT NULL");
	if (mask & AF_SITE)
		add(b, " AND h.latest_site = :site");
	if (mask & AF_CATEGORY)
		add(b, " AND h.latest_category = :category");
	if (mask & AF_SEARCH)
		add(b,
		    " AND (h.hostname LIKE :search ESCAPE '\\'"
		    " OR h.display_name LIKE :search ESCAPE '\\'"
		    " OR h.latest_site LIKE :search ESCAPE '\\'"
		    " OR h.latest_owner LIKE :search ESCAPE '\\')");
	if (mask & AF_MIN)
		add(b, " AND h.latest_overall >= :min");
	if (mask & AF_MAX)
		add(b, " AND h.latest_overall <= :max");
	/* Few devices among many hosts (or the reverse): a range of
	 * index hosts_kind (migration 8), in list order. */
	if (mask & AF_KIND)
		add(b, " AND h.kind = :kind");
	/* Only devices have a vendor: stated, so the range of
	 * hosts_kind is read, each device's vendor tested (LIKE: a
	 * substring, ASCII case-insensitive, as search). */
	if (mask & AF_VENDOR)
		add(b,
		    " AND h.kind = 'device'"
		    " AND h.vendor LIKE :vendor ESCAPE '\\'");
	if (mask & AF_UNMANAGED)
		add(b, " AND " SQ_UNMANAGED_OPEN);
	if (!count)
		add(b,
		    " ORDER BY h.latest_overall IS NULL,"
		    " h.latest_overall, h.hostname, h.id"
		    " LIMIT :limit OFFSET :offset) p"
		    " JOIN hosts h ON h.id = p.pid"
		    " JOIN scan_sums s"
		    " ON s.scan_id = h.latest_scan_id" ASSET_ORDER);
}

static void
build_assets_list(struct vg_buf *b, unsigned arg)
{
	build_assets(b, arg, false);
}

static void
build_assets_count(struct vg_buf *b, unsigned arg)
{
	build_assets(b, arg, true);
}

/*
 * Findings of a variant and filters (arg = variant * 32 + mask). A page
 * is chosen in a subquery that findings_live, findings_fixed or (by
 * site) findings_site covers in the list's order (migration 6: nothing
 * is sorted, an offset skips index entries, the open test reads host_id
 * from the index); its rows' columns and acceptances are read in the
 * outer query, for the page only. With an asset filter the state test
 * is kept out of the index choice (unary +) so the host's rows are
 * found by findings_key.
 */
static void
build_findings(struct vg_buf *b, unsigned arg, bool count)
{
	unsigned mask = arg & 31, v = arg >> 5;

	add(b,
	    count ? "SELECT count(*)"
		  : "SELECT " FINDING_COLS " FROM (SELECT f.id AS fid");
	if (v == FV_ACCEPTED)
		add(b,
		    " FROM (SELECT DISTINCT host_id, check_id, subject"
		    " FROM acceptances WHERE until > :now) k"
		    " JOIN hosts h ON h.id = k.host_id"
		    " JOIN findings f ON f.scan_id = h.findings_scan_id"
		    " AND f.check_id = k.check_id"
		    " AND f.subject = k.subject");
	else
		add(b, " FROM findings f");
	add(b, " WHERE ");
	if (v != FV_ACCEPTED && (mask & FF_ASSET))
		add(b, "+");
	add(b,
	    v == FV_ACCEPTED        ? "1"
		    : v == FV_FIXED ? "f.state = 2"
				    : "f.state = 1");
	if (v == FV_OPEN && !count)
		add(b,
		    " AND NOT EXISTS (SELECT 1 FROM acceptances a2"
		    " WHERE a2.host_id = f.host_id"
		    " AND a2.check_id = f.check_id"
		    " AND a2.subject = f.subject AND a2.until > :now)");
	/* Every severity and rule listed: a rule or a check is then in
	 * findings_live's reach (a few seeks, in order, not a scan). */
	if (v != FV_ACCEPTED && !(mask & FF_ASSET) &&
	    (mask & (FF_RULE | FF_CHECK))) {
		if (!(mask & FF_SEV))
			add(b, " AND f.sev IN (0, 1, 2, 3)");
		if (!(mask & FF_RULE))
			add(b,
			    " AND f.rule IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)");
	}
	if (mask & FF_ASSET)
		add(b, " AND f.host_id = :asset");
	if (mask & FF_RULE)
		add(b, " AND f.rule = :rule");
	if (mask & FF_CHECK)
		add(b, " AND f.check_id = :check");
	if (mask & FF_SEV)
		add(b, " AND f.sev = :sev");
	if (mask & FF_SITE)
		add(b, " AND f.site = :site");
	if (!count)
		add(b,
		    FINDING_ORDER
		    " LIMIT :limit OFFSET :offset) p"
		    " JOIN findings f ON f.id = p.fid"
		    " JOIN hosts h ON h.id = f.host_id"
		    /* A current finding was last seen in the latest scan,
		     * a fixed one in the previous (their rows may be an
		     * older scan's: migration 13). */
		    " JOIN scan_sums s ON s.scan_id = CASE f.state"
		    " WHEN 2 THEN h.prev_scan_id"
		    " ELSE h.latest_scan_id END" FINDING_ACC FINDING_ORDER);
}

static void
build_findings_list(struct vg_buf *b, unsigned arg)
{
	build_findings(b, arg, false);
}

static void
build_findings_count(struct vg_buf *b, unsigned arg)
{
	build_findings(b, arg, true);
}

/* The latest scans' findings summed from their summaries (:sev NULL:
 * every severity); asset and site filters only. Without an asset, the
 * sums are kept per site and for all (sev_sums, migration 6): one row
 * (none: 0). */
static void
build_findings_sum(struct vg_buf *b, unsigned arg)
{
	if (!(arg & FF_ASSET)) {
		add(b,
		    "SELECT coalesce(sum(CASE :sev WHEN 0 THEN n0"
		    " WHEN 1 THEN n1 WHEN 2 THEN n2 WHEN 3 THEN n3"
		    " ELSE n0 + n1 + n2 + n3 END), 0) FROM sev_sums");
		add(b,
		    arg & FF_SITE ? " WHERE kind = 2 AND site = :site"
				  : " WHERE kind = 0 AND site = ''");
		return;
	}
	add(b,
	    "SELECT coalesce(sum(CASE :sev WHEN 0 THEN s.n_critical"
	    " WHEN 1 THEN s.n_high WHEN 2 THEN s.n_medium"
	    " WHEN 3 THEN s.n_low ELSE s.n_critical + s.n_high"
	    " + s.n_medium + s.n_low END), 0)" ASSET_FROM " WHERE 1");
	if (arg & FF_ASSET)
		add(b, " AND h.id = :asset");
	if (arg & FF_SITE)
		add(b, " AND h.latest_site = :site");
}

/* Bind by name; a parameter the statement lacks is skipped. */
static bool
bind_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	return i == 0 || sqlite3_bind_int64(st, i, v) == SQLITE_OK;
}

static bool
bind_str(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	return i == 0 || sq_bind_text(st, i, v) == SQLITE_OK;
}

static bool
bind_null(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	return i == 0 || sqlite3_bind_null(st, i) == SQLITE_OK;
}

/* A statement's one integer result (a count). */
static bool
step_int(sqlite3_stmt *st, int64_t *out)
{
	bool ok = sqlite3_step(st) == SQLITE_ROW;

	*out = ok ? sqlite3_column_int64(st, 0) : 0;
	sq_reset(st);
	return ok;
}

/* ---------------------------------------------------------------- */
/* JSON                                                             */
/* ---------------------------------------------------------------- */

static json_t *
jtime(int64_t t)
{
	char iso[21];

	vg_format_time(t, iso);
	return json_string(iso);
}

/* A column as an ISO time; NULL (or 0 when zero_null) gives null. */
static json_t *
col_time(sqlite3_stmt *st, int i, bool zero_null)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL ||
	    (zero_null && sqlite3_column_int64(st, i) == 0))
		return json_null();
	return jtime(sqlite3_column_int64(st, i));
}

/* A text column; NULL (or text that is not UTF-8) gives null. */
static json_t *
col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_stringn(s, (size_t)sqlite3_column_bytes(st, i));
	return v != NULL ? v : json_null();
}

/* A score column: an integer 0-100, anything else is null. */
static int
col_score(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);

	if (sqlite3_column_type(st, i) != SQLITE_INTEGER || v < 0 || v > 100)
		return VG_SCORE_NONE;
	return (int)v;
}

static json_t *
jscore(int v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

/* {"R1"..."R10", "overall"} from scores[1..10] and scores[0]. */
static json_t *
scores_json(const int scores[VG_RULE_COUNT + 1])
{
	json_t *o = json_object();
	char key[8];
	int k;

	if (o == NULL)
		return NULL;
	for (k = 1; k <= VG_RULE_COUNT; k++) {
		(void)snprintf(key, sizeof(key), "R%d", k);
		if (json_object_set_new(o, key, jscore(scores[k])) != 0)
			goto fail;
	}
	if (json_object_set_new(o, "overall", jscore(scores[0])) != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Scores from columns first..first+9 (R1-R10) and first+10 (overall). */
static json_t *
col_scores(sqlite3_stmt *st, int first)
{
	int v[VG_RULE_COUNT + 1], k;

	for (k = 1; k <= VG_RULE_COUNT; k++)
		v[k] = col_score(st, first + k - 1);
	v[0] = col_score(st, first + VG_RULE_COUNT);
	return scores_json(v);
}

/* Set o[key] = v (v consumed); false on no memory. */
static bool
put(json_t *o, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(o, key, v) == 0;
}

/*
 * The latest scan's findings of an asset under an acceptance in force,
 * by severity rank (critical 0 ... low 3).
 */
static enum vg_rc
accepted_by_sev(struct sq *q, int64_t scan, int64_t now,
		int64_t acc[VG_SEV_COUNT], struct vg_err *err)
{
	sqlite3_stmt *st;
	enum vg_rc rc;
	int64_t r;
	int step = SQLITE_ERROR;

	memset(acc, 0, sizeof(*acc) * VG_SEV_COUNT);
	if ((rc = qfixed(q, QF_ACC_SEV, &st, err)) != VG_OK)
		return rc;
	if (bind_i64(st, ":rows", scan) && bind_i64(st, ":now", now))
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			r = sqlite3_column_int64(st, 0);
			if (r >= 0 && r < VG_SEV_COUNT)
				acc[r] = sqlite3_column_int64(st, 1);
		}
	if (step != SQLITE_DONE)
		rc = sq_fail(q, err, _("cannot count accepted findings"));
	sq_reset(st);
	return rc;
}

/*
 * An asset from a row of ASSET_COLS: counts are of open findings (the
 * latest scan's, less those under an acceptance in force at now).
 */
static enum vg_rc
asset_json(struct sq *q, sqlite3_stmt *st, int64_t now, json_t **out,
	   struct vg_err *err)
{
	int64_t n[VG_SEV_COUNT], acc[VG_SEV_COUNT], total = 0, crit;
	json_t *o = NULL;
	enum vg_rc rc;
	int i;

	*out = NULL;
	memset(acc, 0, sizeof(acc));
	for (i = 0; i < VG_SEV_COUNT; i++)
		n[i] = sqlite3_column_int64(st, AC_NSEV + i);
	/* Rare: only a host with an acceptance in force costs a query. */
	if (sqlite3_column_int(st, AC_HASACC) != 0 &&
	    (rc = accepted_by_sev(q, sqlite3_column_int64(st, AC_ROWS), now,
				  acc, err)) != VG_OK)
		return rc;
	for (i = 0; i < VG_SEV_COUNT; i++) {
		n[i] = n[i] > acc[i] ? n[i] - acc[i] : 0;
		total += n[i];
	}
	crit = sqlite3_column_int64(st, AC_CRIT);
	if ((o = json_object()) == NULL ||
	    !put(o, "id", json_integer(sqlite3_column_int64(st, AC_ID))) ||
	    !put(o, "hostname", col_text(st, AC_HOST)) ||
	    !put(o, "name", col_text(st, AC_NAME)) ||
	    !put(o, "vendor", col_text(st, AC_VENDOR)) ||
	    !put(o, "kind", col_text(st, AC_KIND)) ||
	    !put(o, "unmanaged",
		 json_boolean(sqlite3_column_int(st, AC_UNMANAGED) != 0)) ||
	    !put(o, "site", col_text(st, AC_SITE)) ||
	    !put(o, "owner", col_text(st, AC_OWNER)) ||
	    !put(o, "category", col_text(st, AC_CATEGORY)) ||
	    !put(o, "criticality",
		 crit >= 1 && crit <= 4 ? json_integer(crit) : json_null()) ||
	    !put(o, "agent_id", col_text(st, AC_AGENT)) ||
	    !put(o, "last_seen", col_time(st, AC_AT, false)) ||
	    !put(o, "scores", col_scores(st, AC_S1)) ||
	    !put(o, "findings", json_integer(total)) ||
	    !put(o, "critical", json_integer(n[0])) ||
	    !put(o, "high", json_integer(n[1]))) {
		json_decref(o);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	*out = o;
	return VG_OK;
}

/* A stored text column parsed as JSON; null when damaged. */
static json_t *
col_doc(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	json_t *v = NULL;

	if (s != NULL && n <= VG_MAX_JSON_DOC)
		v = json_loadb(s, n, JSON_REJECT_DUPLICATES, NULL);
	return v != NULL ? v : json_null();
}

/* A finding from a row of FINDING_COLS (FINDING_ACC joined as a). */
/* The facts of a scan row (sq_col_facts), null when damaged. */
static json_t *
col_facts(struct sq *q, sqlite3_stmt *st, int i)
{
	json_t *v = sq_col_facts(q, st, i);

	return v != NULL ? v : json_null();
}

static json_t *
finding_json(sqlite3_stmt *st)
{
	json_t *o, *acc = NULL;
	const char *status;
	char rule[24];
	bool accepted;

	accepted = sqlite3_column_type(st, FC_A_UNTIL) != SQLITE_NULL;
	status = sqlite3_column_int(st, FC_STATE) == SQ_ST_FIXED ? "fixed"
		: accepted                                       ? "accepted"
								 : "open";
	(void)snprintf(rule, sizeof(rule), "R%lld",
		       (long long)sqlite3_column_int64(st, FC_RULE));
	if ((o = json_object()) == NULL ||
	    !put(o, "id", json_integer(sqlite3_column_int64(st, FC_ID))) ||
	    !put(o, "asset_id",
		 json_integer(sqlite3_column_int64(st, FC_HOST))) ||
	    !put(o, "hostname", col_text(st, FC_HOSTNAME)) ||
	    !put(o, "site", col_text(st, FC_SITE)) ||
	    !put(o, "rule", json_string(rule)) ||
	    !put(o, "check", col_text(st, FC_CHECK)) ||
	    !put(o, "severity", col_text(st, FC_SEVERITY)) ||
	    !put(o, "subject", col_text(st, FC_SUBJECT)) ||
	    !put(o, "evidence", col_doc(st, FC_EVIDENCE)) ||
	    !put(o, "remediation", col_text(st, FC_REMEDIATION)) ||
	    !put(o, "status", json_string(status)) ||
	    !put(o, "first_seen", col_time(st, FC_FIRST, false)) ||
	    !put(o, "last_seen", col_time(st, FC_LAST, false)))
		goto fail;
	/* put consumes acc, even when it fails. */
	if (accepted &&
	    ((acc = json_object()) == NULL || !put(o, "acceptance", acc) ||
	     !put(acc, "reason", col_text(st, FC_A_REASON)) ||
	     !put(acc, "until", col_time(st, FC_A_UNTIL, false)) ||
	     !put(acc, "by", col_text(st, FC_A_BY)) ||
	     !put(acc, "at", col_time(st, FC_A_AT, false))))
		goto fail;
	if (!accepted && !put(o, "acceptance", json_null()))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Append every row of st (a finding query) to array a, reset st. */
static bool
findings_rows(sqlite3_stmt *st, json_t *a)
{
	json_t *o;
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((o = finding_json(st)) == NULL ||
		    json_array_append_new(a, o) != 0) {
			sq_reset(st);
			return false;
		}
	sq_reset(st);
	return step == SQLITE_DONE;
}

/* ---------------------------------------------------------------- */
/* Read transactions                                                */
/* ---------------------------------------------------------------- */

/* One read transaction per answer: its parts agree with each other. */
static enum vg_rc
read_begin(struct sq *q, struct vg_err *err)
{
	return sq_exec(q, "BEGIN", err);
}

static void
read_end(struct sq *q)
{
	(void)sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
}

static size_t
clamp_limit(size_t limit)
{
	return limit < 1 ? 1 : limit > SQ_LIMIT_MAX ? SQ_LIMIT_MAX : limit;
}

static int64_t
clamp_offset(size_t offset)
{
	return offset > (size_t)INT64_MAX ? INT64_MAX : (int64_t)offset;
}

/* A filter string: NULL is "any"; too long is refused. */
static bool
filter_ok(const char *s)
{
	return s == NULL || strnlen(s, SQ_FILTER_MAX + 1) <= SQ_FILTER_MAX;
}

static enum vg_rc
bad_filter(struct vg_err *err, const char *what)
{
	return vg_err_set(err, VG_ERR_USAGE, _("store: bad %s filter"), what);
}

static enum vg_rc
nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
}

/* "%s%" pattern of a substring search, LIKE's wildcards escaped. */
static char *
like_pattern(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *p;

	if ((p = malloc(2 * n + 3)) == NULL)
		return NULL;
	p[j++] = '%';
	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[j++] = '\\';
		p[j++] = s[i];
	}
	p[j++] = '%';
	p[j] = '\0';
	return p;
}

/* ---------------------------------------------------------------- */
/* Assets                                                           */
/* ---------------------------------------------------------------- */

/* Bind the asset filters (those of the statement) and the paging. */
static bool
bind_assets(sqlite3_stmt *st, const struct vg_asset_filter *flt,
	    const char *pattern, const char *vendor, int64_t now, size_t limit)
{
	return bind_str(st, ":site", flt->site) &&
		bind_str(st, ":category", flt->category) &&
		bind_str(st, ":search", pattern) &&
		bind_str(st, ":vendor", vendor) &&
		bind_str(st, ":kind", flt->kind) &&
		bind_i64(st, ":min", flt->min_score) &&
		bind_i64(st, ":max", flt->max_score) &&
		bind_i64(st, ":now", now) &&
		bind_i64(st, ":limit", (int64_t)limit) &&
		bind_i64(st, ":offset", clamp_offset(flt->offset));
}

/*
 * The list of assets; now is the time acceptances are judged at
 * (list_assets has no `now` in store.h: the clock is read here).
 */
static enum vg_rc
assets_page(struct sq *q, const struct vg_asset_filter *flt, int64_t now,
	    json_t **out, struct vg_err *err)
{
	sqlite3_stmt *list = NULL, *cnt = NULL;
	json_t *doc = NULL, *arr, *o;
	char *pattern = NULL, *vendor = NULL;
	unsigned mask = 0;
	size_t limit = clamp_limit(flt->limit);
	int64_t total = 0;
	enum vg_rc rc = VG_OK;
	int step;

	*out = NULL;
	if (!filter_ok(flt->site) || !filter_ok(flt->category) ||
	    !filter_ok(flt->search) || !filter_ok(flt->vendor))
		return bad_filter(err, _("asset"));
	if (flt->kind != NULL && strcmp(flt->kind, "host") != 0 &&
	    strcmp(flt->kind, "device") != 0)
		return bad_filter(err, _("asset kind"));
	mask |= flt->kind != NULL ? AF_KIND : 0;
	mask |= flt->unmanaged != 0 ? AF_UNMANAGED : 0;
	mask |= flt->site != NULL ? AF_SITE : 0;
	mask |= flt->category != NULL ? AF_CATEGORY : 0;
	mask |= flt->search != NULL && flt->search[0] != '\0' ? AF_SEARCH : 0;
	mask |= flt->min_score >= 0 ? AF_MIN : 0;
	mask |= flt->max_score >= 0 ? AF_MAX : 0;
	mask |= flt->vendor != NULL && flt->vendor[0] != '\0' ? AF_VENDOR : 0;
	if (((mask & AF_SEARCH) &&
	     (pattern = like_pattern(flt->search)) == NULL) ||
	    ((mask & AF_VENDOR) &&
	     (vendor = like_pattern(flt->vendor)) == NULL)) {
		free(pattern);
		return nomem(err);
	}
	if ((rc = qstmt(q, QS_ASSETS_LIST + mask, build_assets_list, mask, NULL,
			&list, err)) != VG_OK ||
	    (rc = qstmt(q, QS_ASSETS_COUNT + mask, build_assets_count, mask,
			NULL, &cnt, err)) != VG_OK ||
	    (rc = read_begin(q, err)) != VG_OK) {
		free(pattern);
		free(vendor);
		return rc;
	}
	/* A search's total comes with its rows (AC_TOTAL), counted
	 * apart only when the page is empty. */
	if ((!(mask & AF_SEARCH) &&
	     (!bind_assets(cnt, flt, pattern, vendor, now, limit) ||
	      !step_int(cnt, &total))) ||
	    !bind_assets(list, flt, pattern, vendor, now, limit)) {
		rc = sq_fail(q, err, _("cannot list the assets"));
		goto done;
	}
	if ((doc = json_object()) == NULL || (arr = json_array()) == NULL ||
	    !put(doc, "total", json_integer(total)) ||
	    !put(doc, "offset", json_integer(clamp_offset(flt->offset))) ||
	    !put(doc, "limit", json_integer((json_int_t)limit)) ||
	    !put(doc, "assets", arr)) {
		rc = nomem(err);
		goto done;
	}
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		if ((mask & AF_SEARCH) && json_array_size(arr) == 0)
			total = sqlite3_column_int64(list, AC_TOTAL);
		if ((rc = asset_json(q, list, now, &o, err)) != VG_OK)
			goto done;
		if (json_array_append_new(arr, o) != 0) {
			rc = nomem(err);
			goto done;
		}
	}
	if (step != SQLITE_DONE) {
		rc = sq_fail(q, err, _("cannot list the assets"));
		goto done;
	}
	if ((mask & AF_SEARCH) && json_array_size(arr) == 0 &&
	    (!bind_assets(cnt, flt, pattern, vendor, now, limit) ||
	     !step_int(cnt, &total)))
		rc = sq_fail(q, err, _("cannot list the assets"));
	else if ((mask & AF_SEARCH) &&
		 json_object_set_new(doc, "total", json_integer(total)) != 0)
		rc = nomem(err);
done:
	sq_reset(list);
	sq_reset(cnt);
	read_end(q);
	free(pattern);
	free(vendor);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

enum vg_rc
sq_list_assets(struct vg_store *s, const struct vg_asset_filter *flt,
	       json_t **out, struct vg_err *err)
{
	return assets_page(s->impl, flt, (int64_t)time(NULL), out, err);
}

/* The asset's scans of the last days, oldest first. */
static enum vg_rc
asset_history(struct sq *q, int64_t id, int64_t now, json_t *arr,
	      struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *tmp, *o;
	enum vg_rc rc;
	size_t i;
	int step;

	if ((rc = qfixed(q, QF_ASSET_HISTORY, &st, err)) != VG_OK)
		return rc;
	if ((tmp = json_array()) == NULL)
		return nomem(err);
	if (!bind_i64(st, ":id", id) ||
	    !bind_i64(st, ":from", now - SQ_ASSET_HISTORY_DAYS * SQ_DAY) ||
	    !bind_i64(st, ":max", SQ_ASSET_HISTORY_MAX))
		step = SQLITE_ERROR;
	else
		while ((step = sqlite3_step(st)) == SQLITE_ROW)
			if ((o = json_object()) == NULL ||
			    json_array_append_new(tmp, o) != 0 ||
			    !put(o, "at", col_time(st, 0, false)) ||
			    !put(o, "scores", col_scores(st, 1))) {
				step = SQLITE_NOMEM;
				break;
			}
	sq_reset(st);
	/* Newest first from the query (to keep the newest), reversed. */
	for (i = json_array_size(tmp); step == SQLITE_DONE && i > 0; i--)
		if (json_array_append(arr, json_array_get(tmp, i - 1)) != 0)
			step = SQLITE_NOMEM;
	json_decref(tmp);
	if (step == SQLITE_NOMEM)
		return nomem(err);
	if (step != SQLITE_DONE)
		return sq_fail(q, err, _("cannot read the asset's history"));
	return VG_OK;
}

enum vg_rc
sq_get_asset(struct vg_store *s, int64_t id, int64_t now, json_t **out,
	     struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st, *fs = NULL, *facts = NULL;
	json_t *doc = NULL, *asset, *arr;
	int64_t scan = 0;
	enum vg_rc rc;
	int step;

	*out = NULL;
	if ((rc = qfixed(q, QF_ASSET_GET, &st, err)) != VG_OK ||
	    (rc = qfixed(q, QF_ASSET_FINDINGS, &fs, err)) != VG_OK ||
	    (rc = qfixed(q, QF_FACTS, &facts, err)) != VG_OK ||
	    (rc = read_begin(q, err)) != VG_OK)
		return rc;
	if (!bind_i64(st, ":id", id) || !bind_i64(st, ":now", now) ||
	    ((step = sqlite3_step(st)) != SQLITE_ROW && step != SQLITE_DONE)) {
		rc = sq_fail(q, err, _("cannot read the asset"));
		goto done;
	}
	if (step == SQLITE_DONE) {
		rc = vg_err_set(err, VG_ERR_NOTFOUND, _("no asset %lld"),
				(long long)id);
		goto done;
	}
	scan = sqlite3_column_int64(st, AC_SCAN);
	if ((doc = json_object()) == NULL) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = asset_json(q, st, now, &asset, err)) != VG_OK)
		goto done;
	if (!put(doc, "asset", asset)) {
		rc = nomem(err);
		goto done;
	}
	if (!bind_i64(facts, ":scan", scan) ||
	    sqlite3_step(facts) != SQLITE_ROW ||
	    !put(doc, "facts", col_facts(q, facts, 0)) ||
	    (arr = json_array()) == NULL || !put(doc, "findings", arr) ||
	    !bind_i64(fs, ":scan", scan) ||
	    !bind_i64(fs, ":rows", sqlite3_column_int64(st, AC_ROWS)) ||
	    !bind_i64(fs, ":now", now) || !findings_rows(fs, arr) ||
	    (arr = json_array()) == NULL || !put(doc, "history", arr)) {
		rc = sq_fail(q, err, _("cannot read the asset"));
		goto done;
	}
	rc = asset_history(q, id, now, arr, err);
done:
	sq_reset(st);
	sq_reset(fs);
	sq_reset(facts);
	read_end(q);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

/* ---------------------------------------------------------------- */
/* Findings                                                         */
/* ---------------------------------------------------------------- */

/* Bind the finding filters (those of the statement) and the paging. */
static bool
bind_findings(sqlite3_stmt *st, const struct vg_finding_filter *flt, int sev,
	      int64_t now, size_t limit)
{
	return bind_i64(st, ":asset", flt->asset_id) &&
		bind_i64(st, ":rule", flt->rule) &&
		bind_str(st, ":check", flt->check) &&
		(sev >= 0 ? bind_i64(st, ":sev", sev)
			  : bind_null(st, ":sev")) &&
		bind_str(st, ":site", flt->site) && bind_i64(st, ":now", now) &&
		bind_i64(st, ":limit", (int64_t)limit) &&
		bind_i64(st, ":offset", clamp_offset(flt->offset));
}

/* Count the findings of a variant under the filters of mask. */
static enum vg_rc
count_findings(struct sq *q, enum fvariant v, unsigned mask,
	       const struct vg_finding_filter *flt, int sev, int64_t now,
	       int64_t *n, struct vg_err *err)
{
	sqlite3_stmt *st;
	enum vg_rc rc;
	int64_t acc;

	*n = 0;
	if (v == FV_OPEN) {
		/* Open ones: the latest scans' less the accepted. */
		if ((rc = count_findings(q, FV_ANY, mask, flt, sev, now, n,
					 err)) != VG_OK ||
		    (rc = count_findings(q, FV_ACCEPTED, mask, flt, sev, now,
					 &acc, err)) != VG_OK)
			return rc;
		*n = *n > acc ? *n - acc : 0;
		return VG_OK;
	}
	/* The latest scans' findings by severity, site or asset: summed
	 * from the scans' summaries, not counted row by row. */
	if (v == FV_ANY && !(mask & (FF_RULE | FF_CHECK)))
		rc = qstmt(q, QS_FIND_SUM + (mask & (FF_ASSET | FF_SITE)),
			   build_findings_sum, mask & (FF_ASSET | FF_SITE),
			   NULL, &st, err);
	else
		rc = qstmt(q, QS_FIND_COUNT + (unsigned)v * 32 + mask,
			   build_findings_count, (unsigned)v * 32 + mask, NULL,
			   &st, err);
	if (rc != VG_OK)
		return rc;
	if (!bind_findings(st, flt, sev, now, 1)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot count the findings"));
	}
	if (!step_int(st, n))
		return sq_fail(q, err, _("cannot count the findings"));
	return VG_OK;
}

enum vg_rc
sq_list_findings(struct vg_store *s, const struct vg_finding_filter *flt,
		 int64_t now, json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	static const char *const statuses[] = {
		[FV_OPEN] = "open",
		[FV_ACCEPTED] = "accepted",
		[FV_FIXED] = "fixed",
	};
	enum vg_severity sev_enum;
	enum fvariant v = FV_ANY;
	sqlite3_stmt *st;
	json_t *doc = NULL, *arr;
	size_t limit = clamp_limit(flt->limit), i;
	unsigned mask = 0;
	int64_t total;
	enum vg_rc rc;
	int sev = -1;

	*out = NULL;
	if (!filter_ok(flt->check) || !filter_ok(flt->site))
		return bad_filter(err, _("finding"));
	if (flt->rule < 0 || flt->rule > VG_RULE_COUNT)
		return bad_filter(err, _("rule"));
	if (flt->severity != NULL) {
		if (!vg_severity_parse(flt->severity, &sev_enum))
			return bad_filter(err, _("severity"));
		sev = VG_SEV_COUNT - 1 - (int)sev_enum;
	}
	if (flt->status != NULL) {
		for (i = FV_OPEN; i < VG_ARRAY_LEN(statuses); i++)
			if (strcmp(flt->status, statuses[i]) == 0)
				v = (enum fvariant)i;
		if (v == FV_ANY)
			return bad_filter(err, _("status"));
	}
	mask |= flt->asset_id != 0 ? FF_ASSET : 0;
	mask |= flt->rule != 0 ? FF_RULE : 0;
	mask |= flt->check != NULL ? FF_CHECK : 0;
	mask |= sev >= 0 ? FF_SEV : 0;
	mask |= flt->site != NULL ? FF_SITE : 0;
	if ((rc = qstmt(q, QS_FIND_LIST + (unsigned)v * 32 + mask,
			build_findings_list, (unsigned)v * 32 + mask, NULL, &st,
			err)) != VG_OK ||
	    (rc = read_begin(q, err)) != VG_OK)
		return rc;
	if ((rc = count_findings(q, v, mask, flt, sev, now, &total, err)) !=
	    VG_OK)
		goto done;
	if ((doc = json_object()) == NULL || (arr = json_array()) == NULL ||
	    !put(doc, "total", json_integer(total)) ||
	    !put(doc, "offset", json_integer(clamp_offset(flt->offset))) ||
	    !put(doc, "limit", json_integer((json_int_t)limit)) ||
	    !put(doc, "findings", arr)) {
		rc = nomem(err);
		goto done;
	}
	if (!bind_findings(st, flt, sev, now, limit) || !findings_rows(st, arr))
		rc = sq_fail(q, err, _("cannot list the findings"));
done:
	sq_reset(st);
	read_end(q);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

/* A copy of a text column ("" for NULL); NULL on no memory. */
static char *
col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return strdup(s != NULL ? s : "");
}

/*
 * The acceptance and its audit line in one write transaction. The
 * acceptance names (host, check, subject), so it holds in later scans.
 */
enum vg_rc
sq_accept_finding(struct vg_store *s, int64_t finding_id, const char *reason,
		  int64_t until, const char *by, int64_t now,
		  struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *key, *add;
	char *check = NULL, *subject = NULL, *host = NULL, iso[21];
	struct vg_buf detail;
	int64_t host_id;
	enum vg_rc rc;
	bool in_tx = false;
	int step;

	if (reason == NULL || reason[0] == '\0' ||
	    strnlen(reason, SQ_REASON_MAX + 1) > SQ_REASON_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an acceptance needs a reason "
				    "(at most %d bytes)"),
				  SQ_REASON_MAX);
	if (until <= now)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an acceptance must end in the "
				    "future"));
	if (by == NULL || by[0] == '\0' ||
	    strnlen(by, VG_STORE_NAME_MAX) >= VG_STORE_NAME_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an acceptance needs its author"));
	if ((rc = qfixed(q, QF_FINDING_KEY, &key, err)) != VG_OK ||
	    (rc = qfixed(q, QF_ACCEPT_ADD, &add, err)) != VG_OK)
		return rc;
	vg_buf_init(&detail, SQ_REASON_MAX * 2 + 4096);
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto done;
	in_tx = true;
	if (!bind_i64(key, ":id", finding_id) ||
	    ((step = sqlite3_step(key)) != SQLITE_ROW && step != SQLITE_DONE)) {
		rc = sq_fail(q, err, _("cannot accept the finding"));
		goto done;
	}
	if (step == SQLITE_DONE) {
		rc = vg_err_set(err, VG_ERR_NOTFOUND, _("no finding %lld"),
				(long long)finding_id);
		goto done;
	}
	host_id = sqlite3_column_int64(key, 0);
	if ((check = col_dup(key, 1)) == NULL ||
	    (subject = col_dup(key, 2)) == NULL ||
	    (host = col_dup(key, 3)) == NULL) {
		rc = nomem(err);
		goto done;
	}
	sq_reset(key);
	if (!bind_i64(add, ":host", host_id) ||
	    !bind_str(add, ":check", check) ||
	    !bind_str(add, ":subject", subject) ||
	    !bind_str(add, ":reason", reason) ||
	    !bind_i64(add, ":until", until) || !bind_str(add, ":by", by) ||
	    !bind_i64(add, ":at", now) || !sq_step_done(add)) {
		rc = sq_fail(q, err, _("cannot accept the finding"));
		goto done;
	}
	vg_format_time(until, iso);
	if (vg_buf_printf(&detail, "%s %s %s until %s: %s", host, check,
			  subject, iso, reason) != VG_OK) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = sq_audit_add(s, now, by, "accept", vg_buf_str(&detail),
			       err)) != VG_OK ||
	    (rc = sq_exec(q, "COMMIT", err)) != VG_OK)
		goto done;
	in_tx = false;
done:
	sq_reset(key);
	sq_reset(add);
	if (in_tx)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	vg_buf_release(&detail);
	free(check);
	free(subject);
	free(host);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Scores                                                           */
/* ---------------------------------------------------------------- */

/*
 * A criticality-weighted mean per rule (index 1..10) and overall
 * (index 0), RULES.md "Scores": an asset without a score for a rule
 * does not count in that rule's mean.
 */
struct wmean {
	int64_t w[VG_RULE_COUNT + 1], ws[VG_RULE_COUNT + 1];
};

/* The means, rounded half up, as a scores object. */
static json_t *
wmean_json(const struct wmean *m)
{
	int v[VG_RULE_COUNT + 1], k;

	for (k = 0; k <= VG_RULE_COUNT; k++)
		v[k] = m->w[k] > 0
			? (int)((2 * m->ws[k] + m->w[k]) / (2 * m->w[k]))
			: VG_SCORE_NONE;
	return scores_json(v);
}

/* Close a site's sum into the sites array (site NULL: undeclared). */
static bool
site_point(json_t *sites, const char *name, int64_t n, const struct wmean *m)
{
	json_t *o;

	return (o = json_object()) != NULL &&
		json_array_append_new(sites, o) == 0 &&
		put(o, "site",
		    name != NULL ? json_string(name) : json_null()) &&
		put(o, "assets", json_integer(n)) &&
		put(o, "scores", wmean_json(m));
}

/* Sums (DAY_COLS from column first) into m. */
static void
sums_set(struct wmean *m, sqlite3_stmt *st, int first)
{
	int k;

	for (k = 0; k <= VG_RULE_COUNT; k++) {
		m->w[k] = sqlite3_column_int64(st, first + k);
		m->ws[k] =
			sqlite3_column_int64(st, first + VG_RULE_COUNT + 1 + k);
	}
}

/*
 * The establishment's and each site's scores, from the latest scans:
 * one row each in site_sums, which put_scan, put_report and rejudge
 * keep (migration 5's triggers), not a sweep over the assets.
 */
static enum vg_rc
scores_now(struct sq *q, json_t *doc, struct vg_err *err)
{
	struct wmean all, site;
	sqlite3_stmt *st;
	json_t *sites;
	int64_t n = 0;
	int step;
	enum vg_rc rc;
	bool ok = true;

	memset(&all, 0, sizeof(all));
	if ((rc = qfixed(q, QF_SCORES_LATEST, &st, err)) != VG_OK)
		return rc;
	if ((sites = json_array()) == NULL || !put(doc, "sites", sites))
		return nomem(err);
	while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) == 0) {
			n = sqlite3_column_int64(st, 2);
			sums_set(&all, st, 3);
			continue;
		}
		sums_set(&site, st, 3);
		ok = site_point(
			sites,
			sqlite3_column_int64(st, 0) == 1
				? NULL
				: (const char *)sqlite3_column_text(st, 1),
			sqlite3_column_int64(st, 2), &site);
	}
	sq_reset(st);
	if (ok && step != SQLITE_DONE)
		return sq_fail(q, err, _("cannot compute the scores"));
	if (!ok || !put(doc, "establishment", wmean_json(&all)) ||
	    !put(doc, "assets", json_integer(n)))
		return nomem(err);
	return VG_OK;
}

/* One history point: the day starting at day0 and the means. */
static bool
history_point(json_t *arr, int64_t day0, const struct wmean *m)
{
	char iso[21];
	json_t *o;

	vg_format_time(day0, iso);
	iso[10] = '\0';
	return (o = json_object()) != NULL &&
		json_array_append_new(arr, o) == 0 &&
		put(o, "day", json_string(iso)) &&
		put(o, "scores", wmean_json(m));
}

/* Add a roll-up row (DAY_COLS from column 0) to the running sums. */
static void
day_add(struct wmean *m, sqlite3_stmt *st)
{
	int k;

	for (k = 0; k <= VG_RULE_COUNT; k++) {
		m->w[k] += sqlite3_column_int64(st, k);
		m->ws[k] += sqlite3_column_int64(st, VG_RULE_COUNT + 1 + k);
	}
}

/*
 * One point per UTC day from since's day to now's: each host counts by
 * its latest scan at the end of that day. The daily roll-up holds each
 * day's change to the sums (sqlite.c, sq_day_roll): the sums before the
 * first day, then one row per day with scans, a running total.
 */
static enum vg_rc
scores_history(struct sq *q, int64_t now, int64_t since, json_t *arr,
	       struct vg_err *err)
{
	sqlite3_stmt *base, *win;
	struct wmean m;
	int64_t d0, last, day, at;
	enum vg_rc rc;
	int step = SQLITE_ERROR;
	bool ok = true;

	memset(&m, 0, sizeof(m));
	if (since > now || now < 0)
		return VG_OK;
	if (since < 0)
		since = 0;
	last = now - now % SQ_DAY;
	d0 = since - since % SQ_DAY;
	if ((last - d0) / SQ_DAY >= SQ_HISTORY_DAYS_MAX)
		d0 = last - (SQ_HISTORY_DAYS_MAX - 1) * (int64_t)SQ_DAY;
	if ((rc = qfixed(q, QF_SCORES_BASE, &base, err)) != VG_OK ||
	    (rc = qfixed(q, QF_SCORES_WINDOW, &win, err)) != VG_OK)
		return rc;
	/* total() is a float: exact for sums below 2^53. */
	if (bind_i64(base, ":from", d0 / SQ_DAY) &&
	    sqlite3_step(base) == SQLITE_ROW) {
		for (int k = 0; k <= VG_RULE_COUNT; k++) {
			m.w[k] = (int64_t)sqlite3_column_double(base, k);
			m.ws[k] = (int64_t)sqlite3_column_double(
				base, VG_RULE_COUNT + 1 + k);
		}
		step = SQLITE_DONE;
	}
	sq_reset(base);
	if (step != SQLITE_DONE)
		return sq_fail(q, err, _("cannot compute the score history"));
	day = d0;
	if (bind_i64(win, ":from", d0 / SQ_DAY) &&
	    bind_i64(win, ":last", last / SQ_DAY))
		while (ok && (step = sqlite3_step(win)) == SQLITE_ROW) {
			at = sqlite3_column_int64(win,
						  2 * (VG_RULE_COUNT + 1)) *
				SQ_DAY;
			for (; ok && at > day; day += SQ_DAY)
				ok = history_point(arr, day, &m);
			day_add(&m, win);
		}
	else
		step = SQLITE_ERROR;
	sq_reset(win);
	for (; ok && step == SQLITE_DONE && day <= last; day += SQ_DAY)
		ok = history_point(arr, day, &m);
	if (!ok)
		return nomem(err);
	if (step != SQLITE_DONE)
		return sq_fail(q, err, _("cannot compute the score history"));
	return VG_OK;
}

/* Agents whose last report is older than the policy's limit. */
static enum vg_rc
not_reporting(struct sq *q, int64_t now, json_t *arr, struct vg_err *err)
{
	sqlite3_stmt *st;
	enum vg_rc rc;
	json_t *o;
	int step = SQLITE_ERROR;
	bool ok = true;

	if ((rc = qfixed(q, QF_NOT_REPORTING, &st, err)) != VG_OK)
		return rc;
	if (bind_i64(st, ":cut", now - SQ_STALE_AGENT_DAYS * SQ_DAY) &&
	    bind_i64(st, ":max", SQ_NOT_REPORTING_MAX))
		while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
			/* An agent that never reported has no host yet:
			 * the hostname given at enrolment stands in. */
			ok = (o = json_object()) != NULL &&
				json_array_append_new(arr, o) == 0 &&
				put(o, "id",
				    sqlite3_column_type(st, 0) == SQLITE_NULL
					    ? json_null()
					    : json_integer(sqlite3_column_int64(
						      st, 0))) &&
				put(o, "hostname",
				    col_text(st,
					     sqlite3_column_type(st, 1) ==
							     SQLITE_NULL
						     ? 4
						     : 1)) &&
				put(o, "agent_id", col_text(st, 2)) &&
				put(o, "last_seen", col_time(st, 3, true));
		}
	sq_reset(st);
	if (!ok)
		return nomem(err);
	if (step != SQLITE_DONE)
		return sq_fail(q, err, _("cannot list silent agents"));
	return VG_OK;
}

enum vg_rc
sq_scores(struct vg_store *s, int64_t now, int64_t since, json_t **out,
	  struct vg_err *err)
{
	struct sq *q = s->impl;
	struct vg_asset_filter worst = {
		.min_score = -1, .max_score = -1, .limit = SQ_WORST};
	json_t *doc = NULL, *page = NULL, *hist, *silent;
	enum vg_rc rc;

	*out = NULL;
	if ((doc = json_object()) == NULL || (hist = json_array()) == NULL ||
	    !put(doc, "history", hist) || (silent = json_array()) == NULL ||
	    !put(doc, "not_reporting", silent)) {
		json_decref(doc);
		return nomem(err);
	}
	if ((rc = read_begin(q, err)) != VG_OK) {
		json_decref(doc);
		return rc;
	}
	if ((rc = scores_now(q, doc, err)) == VG_OK &&
	    (rc = scores_history(q, now, since, hist, err)) == VG_OK)
		rc = not_reporting(q, now, silent, err);
	read_end(q);
	/* The worst assets: the first page of the asset list. */
	if (rc == VG_OK &&
	    (rc = assets_page(q, &worst, now, &page, err)) == VG_OK &&
	    json_object_set(doc, "worst", json_object_get(page, "assets")) != 0)
		rc = nomem(err);
	json_decref(page);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

enum vg_rc
sq_counts(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	struct vg_finding_filter none = {0};
	sqlite3_stmt *st;
	int64_t all = 0, acc = 0, now = (int64_t)time(NULL);
	json_t *doc = NULL;
	enum vg_rc rc;

	*out = NULL;
	if ((rc = qfixed(q, QF_COUNTS, &st, err)) != VG_OK ||
	    (rc = read_begin(q, err)) != VG_OK)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sq_fail(q, err, _("cannot count"));
		goto done;
	}
	if ((rc = count_findings(q, FV_ANY, 0, &none, -1, now, &all, err)) !=
		    VG_OK ||
	    (rc = count_findings(q, FV_ACCEPTED, 0, &none, -1, now, &acc,
				 err)) != VG_OK)
		goto done;
	if ((doc = json_object()) == NULL ||
	    !put(doc, "assets", json_integer(sqlite3_column_int64(st, 0))) ||
	    !put(doc, "agents", json_integer(sqlite3_column_int64(st, 1))) ||
	    !put(doc, "scans", json_integer(sqlite3_column_int64(st, 2))) ||
	    !put(doc, "reports", json_integer(sqlite3_column_int64(st, 3))) ||
	    !put(doc, "findings_open",
		 json_integer(all > acc ? all - acc : 0)) ||
	    !put(doc, "findings_accepted", json_integer(acc)))
		rc = nomem(err);
done:
	sq_reset(st);
	read_end(q);
	if (rc != VG_OK) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return VG_OK;
}

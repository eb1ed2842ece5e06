/*
 * Inside the SQLite store, shared by sqlite.c (schema, connection, scans),
 * sqlite_server.c (users, tokens, agents, API keys, agent reports, audit,
 * sessions) and sqlite_query.c (the read side of the server). Nothing
 * here is for other modules.
 *
 * Threading: a connection is opened with SQLITE_OPEN_NOMUTEX and its
 * statements are prepared once and reused, so one struct vg_store must
 * be used by one thread at a time. A multi-threaded server opens one
 * store per worker thread (each its own connection); writers on separate
 * connections are serialised by SQLite (BEGIN IMMEDIATE, WAL, a busy
 * timeout), readers never wait for them.
 */
#ifndef VG_STORE_SQLITE_PRIVATE_H
#define VG_STORE_SQLITE_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/facts_json.h"
#include "core/policy.h"
#include "core/sections.h"
#include "store/store.h"
#include "store/vuln_packed.h"
#include "util/buf.h"
#include "util/zstd_lazy.h"

/* The statements of a connection, prepared on first use (sq_st). */
enum sq_stmt {
	SQ_HOST_ADD,
	SQ_HOST_ID,
	SQ_SCAN_ADD,
	SQ_SUM_ADD,
	SQ_FINDING_ADD,
	SQ_NE_ADD,
	SQ_LIST,
	SQ_LAST,
	SQ_FINDINGS,
	SQ_NES,
	SQ_USER_ADD,
	SQ_USER_GET,
	SQ_TOKEN_ADD,
	SQ_TOKEN_USE,
	SQ_AGENT_ADD,
	SQ_AGENT_GET,
	SQ_AGENT_HOST,
	SQ_AGENT_SEEN,
	SQ_APIKEY_ADD,
	SQ_APIKEY_GET,
	SQ_REPORT_SEEN,
	SQ_REPORT_ADD,
	SQ_AUDIT_ADD,
	SQ_HOST_STATE,
	SQ_HOST_SET,
	SQ_STATE_CLEAR,
	SQ_STATE_PREV,
	SQ_FIRST_FIX,
	SQ_SESSION_ADD,
	SQ_SESSION_GET,
	SQ_SESSION_DEL,
	SQ_DAY_AT,
	SQ_DAY_NEXT,
	SQ_DAY_SET,
	SQ_DELTA_ADD,
	SQ_RJ_NEXT,
	SQ_RJ_FACTS,
	SQ_RJ_OLD,
	SQ_RJ_FIX,
	SQ_RJ_FIX_EV,
	SQ_RJ_DEL,
	SQ_RJ_NE_DEL,
	SQ_RJ_SCAN,
	SQ_RJ_SUM,
	SQ_SECTION_HAS,
	SQ_SECTION_ADD,
	SQ_SECTION_GET,
	SQ_RJ_MOVE,
	SQ_RJ_NES_MOVE,
	SQ_RJ_COPY,
	SQ_RJ_ROWS,
	SQ_COUNT
};

/*
 * Finding states (findings.state), kept by sq_scan_insert so the read
 * side finds a host's current and fixed findings through an index.
 */
enum sq_state {
	SQ_ST_HISTORY = 0, /* in an older scan */
	SQ_ST_CURRENT = 1, /* in the host's latest scan */
	SQ_ST_FIXED = 2,   /* in the previous scan, not in the latest */
};

/* Statements of the read side, built from fixed fragments for each
 * combination of filters and prepared on first use (sqlite_query.c). */
#define SQ_QUERY_SLOTS 1024
/* Statements of the vulnerability tables (sqlite_vulns.c). */
#define SQ_VULN_SLOTS 12
/* Statements of sqlite_incidents.c, sqlite_tasks.c and
 * sqlite_vuln_query.c, each file's own, prepared on first use with
 * sq_stmt_cached and finalised at close. */
#define SQ_INCIDENT_SLOTS 24
#define SQ_TASK_SLOTS 16
#define SQ_VULN_QUERY_SLOTS 32

struct sq {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[SQ_COUNT];
	sqlite3_stmt **qst; /* SQ_QUERY_SLOTS, allocated on first use */
	ZSTD_CCtx *zc;      /* facts compression, made on first use */
	ZSTD_DCtx *zd;
	/* Vulnerability statements (sqlite_vulns.c), prepared on first
	 * use, and the source of the feed import in progress (NULL when
	 * none: its transaction is open from begin to end). */
	sqlite3_stmt *vst[SQ_VULN_SLOTS];
	char *vuln_source;
	/* Inside vuln_read: lookups walk the packed rows in order (one
	 * statement stepping on, sqlite_vulns.c) from scan_from, for
	 * release scan_release (both owned, and bound to the statement
	 * until it is reset); scan_at is the last package asked. */
	bool vuln_reading, scan_on;
	int scan_step;
	char *scan_from, *scan_release;
	struct vg_buf scan_at;
	struct vg_vuln_unpacked unpacked; /* the lookups' decoding room */
	sqlite3_stmt *ist[SQ_INCIDENT_SLOTS];
	sqlite3_stmt *tst[SQ_TASK_SLOTS];
	sqlite3_stmt *vqst[SQ_VULN_QUERY_SLOTS];
	/* The last section of each kind read by sq_section_json (facts
	 * read back one host after another share their package sets). */
	json_t *sec_json[VG_SECTION_COUNT];
	char sec_digest[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX];
	/* The stored texts of shared evidences (core/evidence_cache.h),
	 * SQ_EVTEXT_SLOTS made on first use, each holding a reference to
	 * its evidence (so its address names it while kept). */
	struct sq_evtext *evtext;
};

#define SQ_EVTEXT_SLOTS 4096
struct sq_evtext {
	json_t *ev; /* NULL: empty */
	char *text;
	size_t len;
};

/* A scan's findings digest (scans.findings_digest): BLAKE2b-256. */
#define SQ_FDIGEST_LEN 32

/* scans.facts_codec: how the facts of a scan are stored. */
enum sq_codec {
	SQ_CODEC_TEXT = 0, /* JSON text in scans.facts (schema < 4) */
	SQ_CODEC_ZSTD = 1, /* a zstd frame of the text in scans.facts_zstd */
};

/* A scan made ready to insert: everything that can fail without the
 * database, done before the write transaction starts. */
struct sq_scan {
	struct vg_buf facts; /* facts JSON, as last_scan reads it back */
	void *facts_z;       /* ... compressed (SQ_CODEC_ZSTD), owned */
	size_t facts_z_len;
	/* The judgement its rows are made of (not owned: it outlives the
	 * writes). */
	const struct vg_report *r;
	/* Per finding of r, in order: its evidence as text (owned), rule
	 * number and severity rank, so the transaction only binds. */
	char **evidence;
	int *rule, *sev;
	size_t n_findings;
	char *scores; /* its "scores" object as text */
	int64_t collected_at;
	int overall;
	int rule_scores[VG_RULE_COUNT + 1]; /* 1..10, VG_SCORE_NONE */
	/* The asset's declaration, copied so the read side never parses
	 * the facts (owned, NULL when not declared). */
	char *site, *owner, *category;
	int criticality;
	size_t n_sev[VG_SEV_COUNT]; /* findings by severity */
	/* Of its findings and not-evaluated checks, as stored, and of its
	 * site (copied into the rows): equal digests, equal rows. */
	unsigned char fdigest[SQ_FDIGEST_LEN];
	/* A report's big members stored apart (sq_scan_prepare_report),
	 * NULL otherwise; each one the store lacks compressed into
	 * part_z (owned), for sections. */
	struct vg_facts_split *split;
	void *part_z[VG_SECTION_COUNT];
	size_t part_z_len[VG_SECTION_COUNT];
};

/* "store 'path': what: sqlite's message" as VG_ERR_STORE. */
enum vg_rc sq_fail(struct sq *q, struct vg_err *err, const char *what);
/* Run SQL without results (BEGIN, COMMIT...). */
enum vg_rc sq_exec(struct sq *q, const char *sql, struct vg_err *err);
/* Reset a reused statement and drop its bindings. */
void sq_reset(sqlite3_stmt *st);
/* Bind a string (NULL binds SQL NULL); bytes copied by SQLite. */
int sq_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Step a statement without result rows to its end, then reset it. */
bool sq_step_done(sqlite3_stmt *st);

/* Fill sc from f and r (sq_scan_release frees it, even on failure);
 * with facts false, the facts are not encoded (a re-judgement). */
enum vg_rc sq_scan_prepare(struct sq *q, struct sq_scan *sc,
			   const struct vg_facts *f, const struct vg_report *r,
			   bool facts, struct vg_err *err);
void sq_scan_release(struct sq_scan *sc);
/*
 * The same for an agent's report, its facts split (core/facts_json.h:
 * vg_facts_write_split): members whose digest is in known (content the
 * caller knows to be f's, from sections) are not written again; the
 * others are hashed and, when sections lacks them, compressed for
 * sq_sections_put.
 */
enum vg_rc sq_scan_prepare_report(struct sq *q, struct sq_scan *sc,
				  const struct vg_facts *f,
				  const struct vg_report *r,
				  const char *const known[VG_SECTION_COUNT],
				  struct vg_err *err);
/* Add the sections sc brought (inside the caller's transaction);
 * VG_ERR_NOTFOUND when one it refers to (known) is not stored. */
enum vg_rc sq_sections_put(struct sq *q, const struct sq_scan *sc, int64_t now,
			   struct vg_err *err);
/* A stored section as JSON (a new reference), NULL when unknown or
 * damaged; kind (enum vg_section, -1 when unknown) picks the slot of
 * the connection's last sections it is kept in. */
json_t *sq_section_json(struct sq *q, const char *digest, int kind);
/* Insert sc as a scan of host; inside the caller's transaction. */
enum vg_rc sq_scan_insert(struct sq *q, struct sq_scan *sc, int64_t host,
			  int64_t *scan_id, struct vg_err *err);

/* The facts of a scan row as JSON, from columns i (facts), i + 1
 * (facts_codec) and i + 2 (facts_zstd); NULL when damaged or absent. */
json_t *sq_col_facts(struct sq *q, sqlite3_stmt *st, int i);

/* Re-judge every host's latest scan under p (sqlite.c, store.h). */
enum vg_rc sq_rejudge(struct vg_store *s, const struct vg_policy *p,
		      int64_t now, vg_rejudge_hook hook, void *hook_ctx,
		      unsigned part, unsigned parts, size_t *n_hosts,
		      struct vg_err *err);

/* Finalize the read side's statements (sqlite_query.c). */
void sq_query_close(struct sq *q);

/* The server records (sqlite_server.c), see store.h for contracts. */
enum vg_rc sq_user_add(struct vg_store *s, const struct vg_user_rec *u,
		       struct vg_err *err);
enum vg_rc sq_user_get(struct vg_store *s, const char *name,
		       struct vg_user_rec *out, struct vg_err *err);
enum vg_rc sq_token_add(struct vg_store *s, const char *token_hash,
			const char *site, int64_t expires_at,
			struct vg_err *err);
enum vg_rc sq_token_consume(struct vg_store *s, const char *token_hash,
			    int64_t now, char site[VG_STORE_NAME_MAX],
			    struct vg_err *err);
enum vg_rc sq_agent_add(struct vg_store *s, const struct vg_agent_rec *a,
			struct vg_err *err);
enum vg_rc sq_agent_get(struct vg_store *s, const char *id,
			struct vg_agent_rec *out, struct vg_err *err);
enum vg_rc sq_apikey_add(struct vg_store *s, const struct vg_apikey_rec *k,
			 struct vg_err *err);
enum vg_rc sq_apikey_get(struct vg_store *s, const char *id,
			 struct vg_apikey_rec *out, struct vg_err *err);
enum vg_rc sq_put_report(struct vg_store *s, const char *agent_id,
			 const char *uuid, int64_t received_at,
			 const struct vg_facts *f, const struct vg_report *r,
			 bool *duplicate, struct vg_err *err);
enum vg_rc sq_put_report_sections(struct vg_store *s, const char *agent_id,
				  const char *uuid, int64_t received_at,
				  const struct vg_facts *f,
				  const struct vg_report *r,
				  struct vg_report_sections *sec,
				  bool *duplicate, struct vg_err *err);
enum vg_rc sq_report_prepare(struct vg_store *s, struct vg_report_item *it);
enum vg_rc sq_reports_commit(struct vg_store *s, struct vg_report_item **v,
			     size_t n, struct vg_err *err);
void sq_report_release(struct vg_report_item *it);
enum vg_rc sq_section_get(struct vg_store *s, const char *digest, json_t **out,
			  struct vg_err *err);
enum vg_rc sq_put_devices(struct vg_store *s, const char *agent_id,
			  const char *uuid, int64_t received_at, size_t n,
			  vg_store_device_fn next, void *ctx, bool *duplicate,
			  struct vg_err *err);
enum vg_rc sq_known_assets(struct vg_store *s, json_t **out,
			   struct vg_err *err);
enum vg_rc sq_audit_add(struct vg_store *s, int64_t at, const char *actor,
			const char *action, const char *detail,
			struct vg_err *err);
enum vg_rc sq_session_add(struct vg_store *s, const char *hash, int64_t user_id,
			  const char *csrf, int64_t expires_at,
			  struct vg_err *err);
enum vg_rc sq_session_get(struct vg_store *s, const char *hash, int64_t now,
			  struct vg_session_rec *out, struct vg_err *err);
enum vg_rc sq_session_delete(struct vg_store *s, const char *hash,
			     struct vg_err *err);

/* The read side (sqlite_query.c), see store.h and
 * docs/internals/store-queries.md. */
enum vg_rc sq_list_assets(struct vg_store *s, const struct vg_asset_filter *flt,
			  json_t **out, struct vg_err *err);
enum vg_rc sq_get_asset(struct vg_store *s, int64_t id, int64_t now,
			json_t **out, struct vg_err *err);
enum vg_rc sq_list_findings(struct vg_store *s,
			    const struct vg_finding_filter *flt, int64_t now,
			    json_t **out, struct vg_err *err);
enum vg_rc sq_accept_finding(struct vg_store *s, int64_t finding_id,
			     const char *reason, int64_t until, const char *by,
			     int64_t now, struct vg_err *err);
enum vg_rc sq_scores(struct vg_store *s, int64_t now, int64_t since,
		     json_t **out, struct vg_err *err);
enum vg_rc sq_counts(struct vg_store *s, json_t **out, struct vg_err *err);

/* Declared assets (sqlite_assets.c), see store.h. */
enum vg_rc sq_assets_import(struct vg_store *s,
			    const struct vg_declared_asset *a, size_t n,
			    int64_t now, size_t *added, size_t *updated,
			    struct vg_err *err);
enum vg_rc sq_assets_list(struct vg_store *s, json_t **out, struct vg_err *err);

/* Known vulnerabilities (sqlite_vulns.c), see store.h. */
enum vg_rc sq_vuln_import_begin(struct vg_store *s, const char *source,
				struct vg_err *err);
enum vg_rc sq_vuln_import_rec(struct vg_store *s, const struct vg_vuln_rec *r,
			      struct vg_err *err);
enum vg_rc sq_vuln_import_kev(struct vg_store *s, const struct vg_kev_rec *r,
			      struct vg_err *err);
enum vg_rc sq_vuln_import_epss(struct vg_store *s, const struct vg_epss_rec *r,
			       struct vg_err *err);
enum vg_rc sq_vuln_import_end(struct vg_store *s, bool commit,
			      const struct vg_vuln_feed_meta *meta,
			      struct vg_err *err);
enum vg_rc sq_vuln_lookup(struct vg_store *s, const char *release,
			  const char *package, vg_vuln_entry_fn fn, void *ctx,
			  struct vg_err *err);
enum vg_rc sq_vuln_feeds(struct vg_store *s, json_t **out, struct vg_err *err);
enum vg_rc sq_vuln_read(struct vg_store *s, bool begin, struct vg_err *err);
/* Finalize them, rolling back an import left open. */
void sq_vulns_close(struct sq *q);
/* Rebuild the packed lookup rows from the vulnerability tables, inside
 * the caller's transaction (an import, migration 15). */
enum vg_rc sq_vuln_pack(struct sq *q, struct vg_err *err);

/*
 * The statement in slot (one of q->ist, tst, vqst), prepared from sql on
 * first use and reset for reuse (bindings cleared); NULL with err set
 * when SQLite cannot prepare it (sqlite.c).
 */
sqlite3_stmt *sq_stmt_cached(struct sq *q, sqlite3_stmt **slot, const char *sql,
			     struct vg_err *err);
/*
 * Statement i of q->st, prepared on first use. NULL when SQLite cannot
 * prepare it, the reason left in sqlite3_errmsg(q->db): the callers'
 * failure paths report it through sq_fail, since binding or stepping a
 * NULL statement fails (SQLITE_MISUSE) without touching the connection's
 * message, and sq_reset and the column readers ignore it.
 */
sqlite3_stmt *sq_st(struct sq *q, enum sq_stmt i);
/* Finalize n cached statements (NULL ones skipped). */
void sq_stmts_close(sqlite3_stmt **slots, size_t n);

/* Incidents and their timeline (sqlite_incidents.c, store.h). */
enum vg_rc sq_incident_open(struct vg_store *s, const struct vg_incident *inc,
			    const char *const *assets, size_t n,
			    const char *actor, int64_t now, int64_t *id,
			    struct vg_err *err);
enum vg_rc sq_incident_update(struct vg_store *s, const struct vg_incident *inc,
			      const char *kind, const char *actor, int64_t now,
			      struct vg_err *err);
enum vg_rc sq_timeline_append(struct vg_store *s, int64_t incident_id,
			      int64_t at, const char *actor, const char *kind,
			      const char *detail, int64_t *seq,
			      struct vg_err *err);
/* The same inside a write transaction the caller holds (task_add and
 * task_result append in theirs). */
enum vg_rc sq_timeline_append_tx(struct sq *q, int64_t incident_id, int64_t at,
				 const char *actor, const char *kind,
				 const char *detail, int64_t *seq,
				 struct vg_err *err);
enum vg_rc sq_incident_get(struct vg_store *s, int64_t id, json_t **out,
			   struct vg_err *err);
enum vg_rc sq_incident_list(struct vg_store *s, const char *status,
			    json_t **out, struct vg_err *err);
enum vg_rc sq_incidents_for_host(struct vg_store *s, const char *name,
				 json_t **out, struct vg_err *err);

/* Agent tasks (sqlite_tasks.c, store.h). */
enum vg_rc sq_task_add(struct vg_store *s, int64_t incident_id,
		       const char *host, const char *kind, const char *payload,
		       const char *actor, int64_t now, int64_t *task_id,
		       struct vg_err *err);
enum vg_rc sq_task_fetch(struct vg_store *s, const char *agent_id, int64_t now,
			 json_t **out, struct vg_err *err);
enum vg_rc sq_task_result(struct vg_store *s, int64_t task_id,
			  const char *agent_id, const char *state,
			  const char *detail, int64_t now, struct vg_err *err);
enum vg_rc sq_tasks_list(struct vg_store *s, int64_t incident_id, json_t **out,
			 struct vg_err *err);
enum vg_rc sq_evidence_add(struct vg_store *s, int64_t task_id,
			   const char *agent_id, const void *body, size_t len,
			   const json_t *summary, int64_t now,
			   int64_t *evidence_id, struct vg_err *err);
enum vg_rc sq_evidence_get(struct vg_store *s, int64_t id, void **body,
			   size_t *len, int64_t *task_id, struct vg_err *err);
enum vg_rc sq_tasks_last_id(struct vg_store *s, int64_t *id,
			    struct vg_err *err);

/* The vulnerability pages (sqlite_vuln_query.c, store.h). */
enum vg_rc sq_vuln_summary(struct vg_store *s, json_t **out,
			   struct vg_err *err);
enum vg_rc sq_vuln_list(struct vg_store *s, const struct vg_vuln_filter *flt,
			json_t **out, struct vg_err *err);
enum vg_rc sq_vuln_cve(struct vg_store *s, const char *cve, json_t **out,
		       struct vg_err *err);

/* Devices merged over time (sqlite_devices.c, store.h device_facts). */
enum vg_rc sq_device_facts(struct vg_store *s, const char *key,
			   struct vg_facts *out, struct vg_err *err);

#endif

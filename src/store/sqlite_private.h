/*
 * Inside the SQLite store, shared by sqlite.c (schema, connection, scans)
 * and sqlite_server.c (users, tokens, agents, API keys, agent reports,
 * audit). Nothing here is for other modules.
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

#include "store/store.h"
#include "util/buf.h"

/* The statements of a connection, prepared once at open (sqlite.c). */
enum sq_stmt {
	SQ_HOST_ADD,
	SQ_HOST_ID,
	SQ_SCAN_ADD,
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
	SQ_COUNT
};

struct sq {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[SQ_COUNT];
};

/* A scan made ready to insert: everything that can fail without the
 * database, done before the write transaction starts. */
struct sq_scan {
	struct vg_buf facts; /* facts JSON, as last_scan reads it back */
	json_t *rep;         /* the report in its stored form */
	char *scores;        /* its "scores" object as text */
	int64_t collected_at;
	int overall;
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

/* Fill sc from f and r (sq_scan_release frees it, even on failure). */
enum vg_rc sq_scan_prepare(struct sq_scan *sc, const struct vg_facts *f,
			   const struct vg_report *r, struct vg_err *err);
void sq_scan_release(struct sq_scan *sc);
/* Insert sc as a scan of host; inside the caller's transaction. */
enum vg_rc sq_scan_insert(struct sq *q, const struct sq_scan *sc, int64_t host,
			  int64_t *scan_id, struct vg_err *err);

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
enum vg_rc sq_audit_add(struct vg_store *s, int64_t at, const char *actor,
			const char *action, const char *detail,
			struct vg_err *err);

#endif

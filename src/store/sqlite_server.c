/*
 * The SQLite store's server records: users, enrolment tokens, agents,
 * API keys, agents' and sensors' reports, the audit log and console
 * sessions, and the known inventory a sensor's devices are matched to.
 * Statements are prepared once in sqlite.c (sq_sql); a duplicate key is
 * seen as an INSERT ... ON CONFLICT DO NOTHING that changed no row.
 *
 * Secrets never reach this file: callers pass hashes (store.h).
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/banned.h"

/* True when s is set, not empty and shorter than size (with its NUL). */
static bool
key_ok(const char *s, size_t size)
{
	return s != NULL && s[0] != '\0' && strnlen(s, size) < size;
}

/* True when a record's text field ends within its array. */
static bool
field_ok(const char *s, size_t size)
{
	return strnlen(s, size) < size;
}

static enum vg_rc
bad_arg(struct vg_err *err, const char *what)
{
	return vg_err_set(err, VG_ERR_USAGE,
			  _("store: %s is missing or too long"), what);
}

/*
 * Copy column i into dst (size bytes); SQL NULL gives "". False when the
 * text does not fit or holds a NUL: the row was not written by us.
 */
static bool
col_copy(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	dst[0] = '\0';
	if (s == NULL)
		return sqlite3_column_type(st, i) == SQLITE_NULL;
	if (n >= size || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/*
 * Step an INSERT ... ON CONFLICT DO NOTHING: VG_OK when a row was added,
 * VG_ERR_USAGE (message left to the caller) when the key existed.
 */
static enum vg_rc
insert_new(struct sq *q, sqlite3_stmt *st, const char *what, struct vg_err *err)
{
	if (!sq_step_done(st))
		return sq_fail(q, err, what);
	return sqlite3_changes(q->db) == 1 ? VG_OK : VG_ERR_USAGE;
}

/*
 * Step a lookup by key: VG_OK on a row (st left on it for the caller to
 * read, then reset), VG_ERR_NOTFOUND (st reset) when there is none.
 */
static enum vg_rc
lookup(struct sq *q, sqlite3_stmt *st, const char *what, struct vg_err *err)
{
	int step = sqlite3_step(st);

	if (step == SQLITE_ROW)
		return VG_OK;
	sq_reset(st);
	if (step == SQLITE_DONE)
		return VG_ERR_NOTFOUND;
	return sq_fail(q, err, what);
}

static enum vg_rc
damaged(struct sq *q, struct vg_err *err, const char *kind, const char *key)
{
	return vg_err_set(err, VG_ERR_STORE,
			  _("store '%s': %s '%s' cannot be read (damaged)"),
			  q->path, kind, key);
}

enum vg_rc
sq_user_add(struct vg_store *s, const struct vg_user_rec *u, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_USER_ADD);
	enum vg_rc rc;

	if (!key_ok(u->name, sizeof(u->name)))
		return bad_arg(err, _("user name"));
	if (!key_ok(u->role, sizeof(u->role)) ||
	    !key_ok(u->pwhash, sizeof(u->pwhash)))
		return bad_arg(err, _("user role or password hash"));
	if (sq_bind_text(st, 1, u->name) != SQLITE_OK ||
	    sq_bind_text(st, 2, u->role) != SQLITE_OK ||
	    sq_bind_text(st, 3, u->pwhash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, u->created_at) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add the user"));
	}
	rc = insert_new(q, st, _("cannot add the user"), err);
	if (rc == VG_ERR_USAGE)
		return vg_err_set(err, rc, _("user '%s' already exists"),
				  u->name);
	return rc;
}

enum vg_rc
sq_user_get(struct vg_store *s, const char *name, struct vg_user_rec *out,
	    struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_USER_GET);
	enum vg_rc rc;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!key_ok(name, VG_STORE_NAME_MAX))
		return bad_arg(err, _("user name"));
	if (sq_bind_text(st, 1, name) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the user"));
	}
	rc = lookup(q, st, _("cannot read the user"), err);
	if (rc == VG_ERR_NOTFOUND)
		return vg_err_set(err, rc, _("no user '%s'"), name);
	if (rc != VG_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->created_at = sqlite3_column_int64(st, 4);
	ok = col_copy(st, 1, out->name, sizeof(out->name)) &&
		col_copy(st, 2, out->role, sizeof(out->role)) &&
		col_copy(st, 3, out->pwhash, sizeof(out->pwhash));
	sq_reset(st);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return damaged(q, err, "user", name);
	}
	return VG_OK;
}

enum vg_rc
sq_token_add(struct vg_store *s, const char *token_hash, const char *site,
	     int64_t expires_at, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_TOKEN_ADD);
	enum vg_rc rc;

	if (!key_ok(token_hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("token hash"));
	if (!key_ok(site, VG_STORE_NAME_MAX))
		return bad_arg(err, _("site"));
	if (sq_bind_text(st, 1, token_hash) != SQLITE_OK ||
	    sq_bind_text(st, 2, site) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, expires_at) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add the enrolment token"));
	}
	rc = insert_new(q, st, _("cannot add the enrolment token"), err);
	/* The hash is not shown: it identifies a live token. */
	if (rc == VG_ERR_USAGE)
		return vg_err_set(err, rc, _("enrolment token already exists"));
	return rc;
}

/*
 * The UPDATE ... RETURNING is one statement, hence one transaction (it
 * commits when reset): reading the token and spending it cannot be
 * split by another connection.
 */
enum vg_rc
sq_token_consume(struct vg_store *s, const char *token_hash, int64_t now,
		 char site[VG_STORE_NAME_MAX], struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_TOKEN_USE);
	enum vg_rc rc;
	bool ok;

	site[0] = '\0';
	if (!key_ok(token_hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("token hash"));
	if (sq_bind_text(st, 1, token_hash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot use the enrolment token"));
	}
	rc = lookup(q, st, _("cannot use the enrolment token"), err);
	if (rc == VG_ERR_NOTFOUND)
		return vg_err_set(err, rc,
				  _("enrolment token unknown, used or "
				    "expired"));
	if (rc != VG_OK)
		return rc;
	ok = col_copy(st, 0, site, VG_STORE_NAME_MAX);
	/* The change is made by the first step; the next one ends the
	 * statement, which commits it. */
	if (sqlite3_step(st) != SQLITE_DONE) {
		sq_reset(st);
		site[0] = '\0';
		return sq_fail(q, err, _("cannot use the enrolment token"));
	}
	sq_reset(st);
	if (!ok)
		return damaged(q, err, "enrolment token", "?");
	return VG_OK;
}

enum vg_rc
sq_agent_add(struct vg_store *s, const struct vg_agent_rec *a,
	     struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_AGENT_ADD);
	enum vg_rc rc;

	if (!key_ok(a->id, sizeof(a->id)))
		return bad_arg(err, _("agent id"));
	if (!key_ok(a->site, sizeof(a->site)) ||
	    !key_ok(a->secret_hash, sizeof(a->secret_hash)) ||
	    !field_ok(a->hostname, sizeof(a->hostname)))
		return bad_arg(err, _("agent site, hostname or secret hash"));
	if (sq_bind_text(st, 1, a->id) != SQLITE_OK ||
	    sq_bind_text(st, 2, a->site) != SQLITE_OK ||
	    sq_bind_text(st, 3, a->hostname) != SQLITE_OK ||
	    sq_bind_text(st, 4, a->secret_hash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, a->enrolled_at) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, a->last_seen) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add the agent"));
	}
	rc = insert_new(q, st, _("cannot add the agent"), err);
	if (rc == VG_ERR_USAGE)
		return vg_err_set(err, rc, _("agent '%s' already exists"),
				  a->id);
	return rc;
}

/* The agent's row into out; the caller's statement use is over after. */
static enum vg_rc
agent_read(struct sq *q, const char *id, struct vg_agent_rec *out,
	   struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_AGENT_GET);
	enum vg_rc rc;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (sq_bind_text(st, 1, id) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the agent"));
	}
	rc = lookup(q, st, _("cannot read the agent"), err);
	if (rc == VG_ERR_NOTFOUND)
		return vg_err_set(err, rc, _("no agent '%s'"), id);
	if (rc != VG_OK)
		return rc;
	out->enrolled_at = sqlite3_column_int64(st, 4);
	out->last_seen = sqlite3_column_int64(st, 5);
	ok = col_copy(st, 0, out->id, sizeof(out->id)) &&
		col_copy(st, 1, out->site, sizeof(out->site)) &&
		col_copy(st, 2, out->hostname, sizeof(out->hostname)) &&
		col_copy(st, 3, out->secret_hash, sizeof(out->secret_hash));
	sq_reset(st);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return damaged(q, err, "agent", id);
	}
	return VG_OK;
}

enum vg_rc
sq_agent_get(struct vg_store *s, const char *id, struct vg_agent_rec *out,
	     struct vg_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!key_ok(id, VG_STORE_ID_MAX))
		return bad_arg(err, _("agent id"));
	return agent_read(s->impl, id, out, err);
}

enum vg_rc
sq_apikey_add(struct vg_store *s, const struct vg_apikey_rec *k,
	      struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_APIKEY_ADD);
	enum vg_rc rc;

	if (!key_ok(k->id, sizeof(k->id)))
		return bad_arg(err, _("API key id"));
	if (!key_ok(k->role, sizeof(k->role)) ||
	    !key_ok(k->secret_hash, sizeof(k->secret_hash)))
		return bad_arg(err, _("API key role or secret hash"));
	if (sq_bind_text(st, 1, k->id) != SQLITE_OK ||
	    sq_bind_text(st, 2, k->role) != SQLITE_OK ||
	    sq_bind_text(st, 3, k->secret_hash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, k->created_at) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add the API key"));
	}
	rc = insert_new(q, st, _("cannot add the API key"), err);
	if (rc == VG_ERR_USAGE)
		return vg_err_set(err, rc, _("API key '%s' already exists"),
				  k->id);
	return rc;
}

enum vg_rc
sq_apikey_get(struct vg_store *s, const char *id, struct vg_apikey_rec *out,
	      struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_APIKEY_GET);
	enum vg_rc rc;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!key_ok(id, VG_STORE_ID_MAX))
		return bad_arg(err, _("API key id"));
	if (sq_bind_text(st, 1, id) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the API key"));
	}
	rc = lookup(q, st, _("cannot read the API key"), err);
	if (rc == VG_ERR_NOTFOUND)
		return vg_err_set(err, rc, _("no API key '%s'"), id);
	if (rc != VG_OK)
		return rc;
	out->created_at = sqlite3_column_int64(st, 3);
	ok = col_copy(st, 0, out->id, sizeof(out->id)) &&
		col_copy(st, 1, out->role, sizeof(out->role)) &&
		col_copy(st, 2, out->secret_hash, sizeof(out->secret_hash));
	sq_reset(st);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return damaged(q, err, "API key", id);
	}
	return VG_OK;
}

/* Whether the report uuid is stored already. */
static enum vg_rc
report_seen(struct sq *q, const char *uuid, bool *seen, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_REPORT_SEEN);
	enum vg_rc rc;

	*seen = false;
	if (sq_bind_text(st, 1, uuid) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record the report"));
	}
	rc = lookup(q, st, _("cannot record the report"), err);
	if (rc == VG_OK) {
		*seen = true;
		sq_reset(st);
	}
	return rc == VG_ERR_NOTFOUND ? VG_OK : rc;
}

/* The agent's host (added, or renamed to hostname); inside a transaction. */
static enum vg_rc
agent_host(struct sq *q, const char *agent_id, const char *hostname,
	   int64_t *host, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_AGENT_HOST);
	bool ok;

	ok = sq_bind_text(st, 1, hostname) == SQLITE_OK &&
		sq_bind_text(st, 2, agent_id) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		*host = sqlite3_column_int64(st, 0);
		/* RETURNING: the statement ends at its second step. */
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sq_reset(st);
	return ok ? VG_OK : sq_fail(q, err, _("cannot record the host"));
}

/* Link the report to its scan and the agent to its host; in a transaction. */
static enum vg_rc
report_link(struct sq *q, const char *agent_id, const char *uuid,
	    int64_t received_at, int64_t host, int64_t scan, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_REPORT_ADD);

	if (sq_bind_text(st, 1, uuid) != SQLITE_OK ||
	    sq_bind_text(st, 2, agent_id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, scan) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, received_at) != SQLITE_OK ||
	    !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record the report"));
	}
	st = sq_st(q, SQ_AGENT_SEEN);
	if (sq_bind_text(st, 1, agent_id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, received_at) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, host) != SQLITE_OK || !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot update the agent"));
	}
	return VG_OK;
}

/* A report made ready (store.h: report_prepare): its scan. */
struct vg_store_pending {
	struct sq_scan sc;
};

/*
 * Everything that can fail without the database, before the write
 * transaction: checks, serialising, compressing (put_report's facts
 * split when it->sec is not NULL: migration 12).
 */
enum vg_rc
sq_report_prepare(struct vg_store *s, struct vg_report_item *it)
{
	struct sq *q = s->impl;
	struct vg_store_pending *p;
	int i;

	it->p = NULL;
	it->duplicate = false;
	vg_err_clear(&it->err);
	if (!key_ok(it->agent_id, VG_STORE_ID_MAX))
		return it->rc = bad_arg(&it->err, _("agent id"));
	if (!key_ok(it->uuid, VG_STORE_ID_MAX))
		return it->rc = bad_arg(&it->err, _("report uuid"));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return it->rc = vg_err_set(&it->err, VG_ERR_NOMEM,
					   _("store: out of memory"));
	it->p = p;
	if (it->sec != NULL) {
		for (i = 0; i < VG_SECTION_COUNT; i++)
			it->sec->digest[i][0] = '\0';
		it->rc = sq_scan_prepare_report(q, &p->sc, it->f, it->r,
						it->sec->known, &it->err);
	} else
		it->rc = sq_scan_prepare(q, &p->sc, it->f, it->r, true,
					 &it->err);
	return it->rc;
}

void
sq_report_release(struct vg_report_item *it)
{
	if (it->p != NULL) {
		sq_scan_release(&it->p->sc);
		free(it->p);
		it->p = NULL;
	}
}

/* One prepared report inside the caller's transaction. */
static enum vg_rc
report_put(struct sq *q, struct vg_report_item *it)
{
	struct vg_agent_rec agent;
	const char *hostname;
	int64_t host = 0, scan = 0;
	enum vg_rc rc;
	bool seen;

	if ((rc = report_seen(q, it->uuid, &seen, &it->err)) != VG_OK)
		return rc;
	if (seen) {
		it->duplicate = true;
		return VG_OK;
	}
	if ((rc = agent_read(q, it->agent_id, &agent, &it->err)) != VG_OK)
		return rc;
	/* The facts name the host; an agent that could not read its name
	 * is known by the one it gave at enrolment. */
	hostname = it->f->os.hostname != NULL && it->f->os.hostname[0] != '\0'
		? it->f->os.hostname
		: agent.hostname;
	if ((rc = agent_host(q, it->agent_id, hostname, &host, &it->err)) !=
		    VG_OK ||
	    (rc = sq_sections_put(q, &it->p->sc, it->received_at, &it->err)) !=
		    VG_OK ||
	    (rc = sq_scan_insert(q, &it->p->sc, host, &scan, &it->err)) !=
		    VG_OK)
		return rc;
	return report_link(q, it->agent_id, it->uuid, it->received_at, host,
			   scan, &it->err);
}

/*
 * One write transaction for n prepared reports (group commit), taken
 * at BEGIN IMMEDIATE: a concurrent writer on another connection waits
 * (busy timeout) there, never half-way, so two resends of one UUID
 * cannot both see it new. Each report in a savepoint: one that fails
 * leaves no trace and the others are kept. Nothing is acknowledged
 * before the COMMIT that holds it returns.
 */
enum vg_rc
sq_reports_commit(struct vg_store *s, struct vg_report_item **v, size_t n,
		  struct vg_err *err)
{
	struct sq *q = s->impl;
	struct vg_report_item *it;
	enum vg_rc rc;
	size_t i;
	int k;

	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		it = v[i];
		if (it->rc != VG_OK || it->p == NULL)
			continue; /* refused at prepare */
		if ((rc = sq_exec(q, "SAVEPOINT report", err)) != VG_OK)
			goto rollback;
		if ((it->rc = report_put(q, it)) != VG_OK) {
			it->duplicate = false;
			if ((rc = sq_exec(q, "ROLLBACK TO report", err)) !=
			    VG_OK)
				goto rollback;
		}
		if ((rc = sq_exec(q, "RELEASE report", err)) != VG_OK)
			goto rollback;
	}
	if ((rc = sq_exec(q, "COMMIT", err)) != VG_OK)
		goto rollback;
	/* Stored (or stored before: the same sections, the same text). */
	for (i = 0; i < n; i++) {
		it = v[i];
		if (it->rc != VG_OK || it->sec == NULL || it->p == NULL ||
		    it->p->sc.split == NULL)
			continue;
		for (k = 0; k < VG_SECTION_COUNT; k++)
			(void)snprintf(it->sec->digest[k],
				       sizeof(it->sec->digest[k]), "%s",
				       it->p->sc.split->digest[k]);
	}
	return VG_OK;
rollback:
	(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	/* The transaction is gone: no report of it is stored (those
	 * refused before keep their own error). */
	for (i = 0; i < n; i++) {
		v[i]->duplicate = false;
		if (v[i]->rc == VG_OK) {
			v[i]->rc = rc;
			v[i]->err = *err;
		}
	}
	return rc;
}

/* put_report as one prepared report committed alone. */
static enum vg_rc
put_report(struct vg_store *s, const char *agent_id, const char *uuid,
	   int64_t received_at, const struct vg_facts *f,
	   const struct vg_report *r, struct vg_report_sections *sec,
	   bool *duplicate, struct vg_err *err)
{
	struct vg_report_item it, *v = &it;

	memset(&it, 0, sizeof(it));
	it.agent_id = agent_id;
	it.uuid = uuid;
	it.received_at = received_at;
	it.f = f;
	it.r = r;
	it.sec = sec;
	*duplicate = false;
	if (sq_report_prepare(s, &it) == VG_OK)
		(void)sq_reports_commit(s, &v, 1, err);
	sq_report_release(&it);
	if (it.rc != VG_OK) {
		*err = it.err;
		return it.rc;
	}
	*duplicate = it.duplicate;
	return VG_OK;
}

enum vg_rc
sq_put_report(struct vg_store *s, const char *agent_id, const char *uuid,
	      int64_t received_at, const struct vg_facts *f,
	      const struct vg_report *r, bool *duplicate, struct vg_err *err)
{
	return put_report(s, agent_id, uuid, received_at, f, r, NULL, duplicate,
			  err);
}

enum vg_rc
sq_put_report_sections(struct vg_store *s, const char *agent_id,
		       const char *uuid, int64_t received_at,
		       const struct vg_facts *f, const struct vg_report *r,
		       struct vg_report_sections *sec, bool *duplicate,
		       struct vg_err *err)
{
	return put_report(s, agent_id, uuid, received_at, f, r, sec, duplicate,
			  err);
}

enum vg_rc
sq_section_get(struct vg_store *s, const char *digest, json_t **out,
	       struct vg_err *err)
{
	struct sq *q = s->impl;

	*out = NULL;
	if (!vg_section_digest_valid(digest) ||
	    (*out = sq_section_json(q, digest, -1)) == NULL)
		return vg_err_set(
			err, VG_ERR_NOTFOUND, _("store: no section '%s'"),
			vg_section_digest_valid(digest) ? digest : "?");
	return VG_OK;
}

/*
 * A sensor's report. Its few statements are prepared per report, as
 * sqlite_assets.c does: one report records up to thousands of scans,
 * beside which preparing them costs nothing.
 */
static const char device_host_sql[] = "SELECT id, kind FROM hosts"
				      " WHERE hostname = ?1"
				      " AND agent_id IS NULL";
/* A sensor has no host of its own: only its last report is noted. */
static const char sensor_seen_sql[] = "UPDATE agents SET last_seen = ?2"
				      " WHERE id = ?1";

/*
 * The device's host (added when new), in the caller's transaction. A
 * key naming a host of another kind is refused: a sensor must not
 * write into the history of a scanned host.
 */
static enum vg_rc
device_host(struct sq *q, sqlite3_stmt *sel, const char *key, int64_t *host,
	    struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_HOST_ADD);
	const char *kind;
	bool ok;

	if (sq_bind_text(st, 1, key) != SQLITE_OK ||
	    sq_bind_text(st, 2, "device") != SQLITE_OK || !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record the device"));
	}
	if (sq_bind_text(sel, 1, key) != SQLITE_OK ||
	    sqlite3_step(sel) != SQLITE_ROW) {
		sq_reset(sel);
		return sq_fail(q, err, _("cannot record the device"));
	}
	*host = sqlite3_column_int64(sel, 0);
	kind = (const char *)sqlite3_column_text(sel, 1);
	ok = kind != NULL && strcmp(kind, "device") == 0;
	sq_reset(sel);
	if (!ok)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: device key '%s' names a host"),
				  key);
	return VG_OK;
}

/* Device i of the report: asked for, checked, recorded, released. */
static enum vg_rc
device_put(struct sq *q, sqlite3_stmt *sel, size_t i, vg_store_device_fn next,
	   void *ctx, struct vg_err *err)
{
	struct vg_report r;
	struct vg_facts f;
	struct sq_scan sc;
	int64_t host = 0, scan = 0;
	enum vg_rc rc;

	memset(&sc, 0, sizeof(sc));
	vg_facts_init(&f);
	vg_report_init(&r);
	if ((rc = next(ctx, i, &f, &r, err)) != VG_OK)
		goto done;
	if (!vg_facts_is_device(&f)) {
		rc = vg_err_set(err, VG_ERR_USAGE,
				_("store: device %zu: not a device's facts"),
				i);
		goto done;
	}
	if ((rc = sq_scan_prepare(q, &sc, &f, &r, true, err)) == VG_OK &&
	    (rc = device_host(q, sel, f.device.key, &host, err)) == VG_OK)
		rc = sq_scan_insert(q, &sc, host, &scan, err);
done:
	sq_scan_release(&sc);
	vg_report_release(&r);
	vg_facts_release(&f);
	return rc;
}

/* The report's UUID (no scan of its own) and the sensor's last_seen. */
static enum vg_rc
sensor_link(struct sq *q, sqlite3_stmt *seen, const char *agent_id,
	    const char *uuid, int64_t received_at, struct vg_err *err)
{
	sqlite3_stmt *st = sq_st(q, SQ_REPORT_ADD);

	if (sq_bind_text(st, 1, uuid) != SQLITE_OK ||
	    sq_bind_text(st, 2, agent_id) != SQLITE_OK ||
	    sqlite3_bind_null(st, 3) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, received_at) != SQLITE_OK ||
	    !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record the report"));
	}
	if (sq_bind_text(seen, 1, agent_id) != SQLITE_OK ||
	    sqlite3_bind_int64(seen, 2, received_at) != SQLITE_OK ||
	    !sq_step_done(seen)) {
		sq_reset(seen);
		return sq_fail(q, err, _("cannot update the agent"));
	}
	return VG_OK;
}

/*
 * One write transaction, taken at BEGIN IMMEDIATE as for an agent's
 * report: two resends of one UUID cannot both see it new. The devices
 * are asked for one at a time inside it, so memory stays that of one
 * device whatever the report's size.
 */
enum vg_rc
sq_put_devices(struct vg_store *s, const char *agent_id, const char *uuid,
	       int64_t received_at, size_t n, vg_store_device_fn next,
	       void *ctx, bool *duplicate, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *sel = NULL, *seen_st = NULL;
	struct vg_agent_rec agent;
	bool in_tx = false, seen;
	enum vg_rc rc;
	size_t i;

	*duplicate = false;
	if (!key_ok(agent_id, VG_STORE_ID_MAX))
		return bad_arg(err, _("agent id"));
	if (!key_ok(uuid, VG_STORE_ID_MAX))
		return bad_arg(err, _("report uuid"));
	if (n > 0 && next == NULL)
		return bad_arg(err, _("devices"));
	if (sqlite3_prepare_v2(q->db, device_host_sql, -1, &sel, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, sensor_seen_sql, -1, &seen_st, NULL) !=
		    SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot record the report"));
		goto done;
	}
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto done;
	in_tx = true;
	if ((rc = report_seen(q, uuid, &seen, err)) != VG_OK)
		goto done;
	if (seen) {
		*duplicate = true;
		goto commit;
	}
	/* An unknown agent is NOTFOUND, before any device is asked for. */
	if ((rc = agent_read(q, agent_id, &agent, err)) != VG_OK)
		goto done;
	for (i = 0; i < n; i++)
		if ((rc = device_put(q, sel, i, next, ctx, err)) != VG_OK)
			goto done;
	if ((rc = sensor_link(q, seen_st, agent_id, uuid, received_at, err)) !=
	    VG_OK)
		goto done;
commit:
	if ((rc = sq_exec(q, "COMMIT", err)) != VG_OK)
		goto done;
	in_tx = false;
done:
	if (in_tx) {
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		*duplicate = false;
	}
	sqlite3_finalize(sel);
	sqlite3_finalize(seen_st);
	return rc;
}

/* Declared assets first: vg_device_known takes the first that matches,
 * and a declaration says more than a host name. */
static const char known_assets_sql[] =
	"SELECT kind, name, mac, ip FROM ("
	" SELECT 0 AS o, 'asset' AS kind, name, mac, ip FROM assets"
	" UNION ALL SELECT 1, 'host', hostname, NULL, NULL FROM hosts"
	" WHERE kind = 'host') ORDER BY o, name";

/* Column i as a JSON string, or null. */
static json_t *
col_json(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v != NULL ? json_string(v) : json_null();
}

enum vg_rc
sq_known_assets(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	json_t *a, *o;
	enum vg_rc rc = VG_OK;
	int step;

	*out = NULL;
	if ((a = json_array()) == NULL)
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	if (sqlite3_prepare_v2(q->db, known_assets_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot read the inventory"));
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		/* A name that is not text (a damaged row) is no one's. */
		if (sqlite3_column_type(st, 1) != SQLITE_TEXT)
			continue;
		if ((o = json_object()) == NULL ||
		    json_object_set_new(o, "kind", col_json(st, 0)) != 0 ||
		    json_object_set_new(o, "name", col_json(st, 1)) != 0 ||
		    json_object_set_new(o, "mac", col_json(st, 2)) != 0 ||
		    json_object_set_new(o, "ip", col_json(st, 3)) != 0 ||
		    json_array_append_new(a, o) != 0) {
			rc = vg_err_set(err, VG_ERR_NOMEM,
					_("store: out of memory"));
			goto done;
		}
	}
	if (step != SQLITE_DONE)
		rc = sq_fail(q, err, _("cannot read the inventory"));
done:
	sqlite3_finalize(st);
	if (rc != VG_OK)
		json_decref(a);
	else
		*out = a;
	return rc;
}

enum vg_rc
sq_audit_add(struct vg_store *s, int64_t at, const char *actor,
	     const char *action, const char *detail, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_AUDIT_ADD);

	if (actor == NULL || action == NULL || action[0] == '\0')
		return bad_arg(err, _("audit actor or action"));
	if (sqlite3_bind_int64(st, 1, at) != SQLITE_OK ||
	    sq_bind_text(st, 2, actor) != SQLITE_OK ||
	    sq_bind_text(st, 3, action) != SQLITE_OK ||
	    sq_bind_text(st, 4, detail) != SQLITE_OK || !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add to the audit log"));
	}
	return VG_OK;
}

/* Sessions: only the cookie's hash is stored (store.h). */
enum vg_rc
sq_session_add(struct vg_store *s, const char *hash, int64_t user_id,
	       const char *csrf, int64_t expires_at, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_SESSION_ADD);
	enum vg_rc rc;

	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if (!key_ok(csrf, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session CSRF token"));
	if (sq_bind_text(st, 1, hash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, user_id) != SQLITE_OK ||
	    sq_bind_text(st, 3, csrf) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, expires_at) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot add the session"));
	}
	/* An unknown user breaks the foreign key: a store error. */
	rc = insert_new(q, st, _("cannot add the session"), err);
	if (rc == VG_ERR_USAGE)
		return vg_err_set(err, rc, _("session already exists"));
	return rc;
}

enum vg_rc
sq_session_get(struct vg_store *s, const char *hash, int64_t now,
	       struct vg_session_rec *out, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_SESSION_GET);
	enum vg_rc rc;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if (sq_bind_text(st, 1, hash) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, now) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the session"));
	}
	rc = lookup(q, st, _("cannot read the session"), err);
	/* The hash is not shown: it identifies a live session. */
	if (rc == VG_ERR_NOTFOUND)
		return vg_err_set(err, rc, _("session unknown or expired"));
	if (rc != VG_OK)
		return rc;
	out->user_id = sqlite3_column_int64(st, 0);
	out->expires_at = sqlite3_column_int64(st, 4);
	ok = col_copy(st, 1, out->user, sizeof(out->user)) &&
		col_copy(st, 2, out->role, sizeof(out->role)) &&
		col_copy(st, 3, out->csrf, sizeof(out->csrf));
	sq_reset(st);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return damaged(q, err, "session", "?");
	}
	return VG_OK;
}

/* Deleting a session that is not there is not an error (a logout). */
enum vg_rc
sq_session_delete(struct vg_store *s, const char *hash, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = sq_st(q, SQ_SESSION_DEL);

	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if (sq_bind_text(st, 1, hash) != SQLITE_OK || !sq_step_done(st)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot delete the session"));
	}
	return VG_OK;
}

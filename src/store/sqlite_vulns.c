/*
 * Known vulnerabilities in SQLite (migration 9, core/vulns.h for the
 * model): a feed's import as one write transaction that first deletes
 * the feed's previous rows, so a failed or interrupted import leaves
 * them in use; the lookup the matcher runs once per installed source
 * package, which reads the packed entries (migration 15,
 * store/vuln_packed.h) that each import rebuilds before it commits;
 * the feeds' state for conditional downloads.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_private.h"
#include "store/store.h"
#include "store/vuln_packed.h"
#include "util/banned.h"

/* A source name: "debsecan-" and a release codename fit in this. */
#define VULN_SOURCE_MAX 64

enum {
	V_DEL_SRC,
	V_DEL_KEV,
	V_DEL_EPSS,
	V_INS,
	V_KEV,
	V_EPSS,
	V_FEED,
	V_PACKED,
	V_SCAN,
	V_COUNT
};
_Static_assert(V_COUNT <= SQ_VULN_SLOTS, "SQ_VULN_SLOTS holds them");

/*
 * Every entry with the KEV and EPSS signals of its id (primary keys: one
 * probe each), in the order the lookup hands them out: by (package,
 * release), the release-independent (NULL) first, then as imported.
 * A release '' is never imported (sq_vuln_import_rec): its key in
 * vuln_packed means NULL.
 */
static const char v_pack_sel[] =
	"SELECT v.package, v.release, v.vuln_id, v.status, v.fixed_version,"
	" v.introduced, v.last_affected, v.urgency, v.cvss, k.ransomware,"
	" e.epss, e.percentile, v.fixed_on_branches FROM vulns v"
	" LEFT JOIN kev k ON k.cve = v.vuln_id"
	" LEFT JOIN epss e ON e.cve = v.vuln_id"
	" WHERE v.release IS NOT ''"
	" ORDER BY v.package, v.release, v.id";

static const char v_pack_ins[] = "INSERT INTO vuln_packed(package, release, "
				 "entries) VALUES (?1, ?2, ?3)";

static const char *const v_sql[V_COUNT] = {
	[V_DEL_SRC] = "DELETE FROM vulns WHERE source = ?1",
	[V_DEL_KEV] = "DELETE FROM kev",
	[V_DEL_EPSS] = "DELETE FROM epss",
	[V_INS] = "INSERT INTO vulns(source, package, release, vuln_id,"
		  " status, fixed_version, introduced, last_affected,"
		  " urgency, remote, cvss, description, fixed_on_branches)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		  " ?13)",
	/* A CVE listed twice: the later row wins, as in the feed. */
	[V_KEV] = "INSERT OR REPLACE INTO kev(cve, vendor, product, name,"
		  " date_added, due_date, ransomware)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[V_EPSS] = "INSERT OR REPLACE INTO epss(cve, epss, percentile, model)"
		   " VALUES (?1, ?2, ?3, ?4)",
	[V_FEED] = "INSERT OR REPLACE INTO vuln_feeds(source, location, etag,"
		   " last_modified, imported_at, records, warnings)"
		   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/*
	 * The release's packed row, then the release-independent one
	 * (key ''): the order of the two index ranges the lookup read
	 * before migration 15. DESC walks the primary key's index
	 * backwards (no sort: '' is the least text); a NULL release
	 * matches '' only, and '' only once.
	 */
	[V_PACKED] = "SELECT entries FROM vuln_packed"
		     " WHERE package = ?1 AND release IN (?2, '')"
		     " ORDER BY release DESC",
	/* The packed rows from package ?1 on, in the primary key's order
	 * (no sort): lookups asked in order step on instead of seeking. */
	[V_SCAN] = "SELECT package, release, entries FROM vuln_packed"
		   " WHERE package >= ?1 AND release IN (?2, '')"
		   " ORDER BY package, release",
};

static const char v_feeds_sql[] =
	"SELECT source, location, etag, last_modified, imported_at, records,"
	" warnings FROM vuln_feeds ORDER BY source";

/* Statement i, prepared on first use (most connections never need
 * them: the server's workers, the agent's store). */
static sqlite3_stmt *
v_stmt(struct sq *q, int i, struct vg_err *err)
{
	if (q->vst[i] == NULL &&
	    sqlite3_prepare_v3(q->db, v_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
			       &q->vst[i], NULL) != SQLITE_OK) {
		(void)sq_fail(q, err,
			      _("cannot prepare a vulnerability query"));
		return NULL;
	}
	return q->vst[i];
}

/* The walk of the packed rows ended (its statement reset). */
static void
scan_stop(struct sq *q)
{
	if (q->scan_on)
		sq_reset(q->vst[V_SCAN]);
	q->scan_on = false;
	free(q->scan_from);
	free(q->scan_release);
	q->scan_from = q->scan_release = NULL;
	vg_buf_release(&q->scan_at);
}

void
sq_vulns_close(struct sq *q)
{
	size_t i;

	if (q->vuln_source != NULL) {
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		free(q->vuln_source);
		q->vuln_source = NULL;
	}
	scan_stop(q);
	vg_vuln_unpacked_release(&q->unpacked);
	for (i = 0; i < SQ_VULN_SLOTS; i++) {
		sqlite3_finalize(q->vst[i]);
		q->vst[i] = NULL;
	}
}

/* The sources the tables know: a name out of this set would never be
 * replaced by a later import of the same feed. */
static bool
source_ok(const char *src)
{
	static const char *const fixed[] = {"debian-json", "osv", "kev",
					    "epss"};
	size_t i, n;

	if (src == NULL)
		return false;
	for (i = 0; i < VG_ARRAY_LEN(fixed); i++)
		if (strcmp(src, fixed[i]) == 0)
			return true;
	if (strncmp(src, "debsecan-", 9) != 0)
		return false;
	n = strlen(src);
	if (n == 9 || n >= VULN_SOURCE_MAX)
		return false;
	/* A release codename: "bullseye", "generic". */
	for (i = 9; i < n; i++)
		if (!((src[i] >= 'a' && src[i] <= 'z') ||
		      (src[i] >= '0' && src[i] <= '9') || src[i] == '-'))
			return false;
	return true;
}

/* The import in progress is of source kind: "kev", "epss" or NULL for
 * the vulns table. */
static enum vg_rc
in_import(struct sq *q, const char *kind, struct vg_err *err)
{
	bool table_feed;

	if (q->vuln_source == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: no vulnerability import in "
				    "progress"));
	table_feed = strcmp(q->vuln_source, "kev") == 0 ||
		strcmp(q->vuln_source, "epss") == 0;
	if (kind == NULL ? table_feed : strcmp(q->vuln_source, kind) != 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a %s record in an import of '%s'"),
				  kind != NULL ? kind : "vulnerability",
				  q->vuln_source);
	return VG_OK;
}

/* Roll the import in progress back: the previous rows are as before. */
static void
import_abort(struct sq *q)
{
	(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	free(q->vuln_source);
	q->vuln_source = NULL;
}

enum vg_rc
sq_vuln_import_begin(struct vg_store *s, const char *source, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *del;
	enum vg_rc rc;
	int which;

	if (!source_ok(source))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: unknown vulnerability source "
				    "'%s'"),
				  source != NULL ? source : "(null)");
	if (q->vuln_source != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an import of '%s' is in progress"),
				  q->vuln_source);
	which = strcmp(source, "kev") == 0    ? V_DEL_KEV
		: strcmp(source, "epss") == 0 ? V_DEL_EPSS
					      : V_DEL_SRC;
	if ((del = v_stmt(q, which, err)) == NULL)
		return VG_ERR_STORE;
	/* IMMEDIATE: take the write lock now, not at the first insert
	 * after the feed has been half parsed. */
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		return rc;
	if ((q->vuln_source = strdup(source)) == NULL) {
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	if ((which == V_DEL_SRC && sq_bind_text(del, 1, source) != SQLITE_OK) ||
	    !sq_step_done(del)) {
		sq_reset(del);
		rc = sq_fail(q, err, _("cannot delete a feed's previous data"));
		import_abort(q);
		return rc;
	}
	return VG_OK;
}

/* A double, or SQL NULL when negative (unknown). */
static int
bind_score(sqlite3_stmt *st, int i, double v)
{
	return v >= 0 ? sqlite3_bind_double(st, i, v)
		      : sqlite3_bind_null(st, i);
}

/* A time, or SQL NULL when negative (unknown). */
static int
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	return t >= 0 ? sqlite3_bind_int64(st, i, t) : sqlite3_bind_null(st, i);
}

enum vg_rc
sq_vuln_import_rec(struct vg_store *s, const struct vg_vuln_rec *r,
		   struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	enum vg_rc rc;

	if ((rc = in_import(q, NULL, err)) != VG_OK)
		return rc;
	if (r->id == NULL || r->package == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a vulnerability record without "
				    "id or package"));
	/* '' is vuln_packed's key for "any release" (NULL); no feed
	 * names a release so. */
	if (r->release != NULL && r->release[0] == '\0')
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a vulnerability record with an "
				    "empty release"));
	if ((st = v_stmt(q, V_INS, err)) == NULL)
		return VG_ERR_STORE;
	/* The enums are stored as their numbers (core/vulns.h), read back
	 * with a range check. */
	if (sq_bind_text(st, 1, q->vuln_source) != SQLITE_OK ||
	    sq_bind_text(st, 2, r->package) != SQLITE_OK ||
	    sq_bind_text(st, 3, r->release) != SQLITE_OK ||
	    sq_bind_text(st, 4, r->id) != SQLITE_OK ||
	    sqlite3_bind_int(st, 5, (int)r->status) != SQLITE_OK ||
	    sq_bind_text(st, 6, r->fixed_version) != SQLITE_OK ||
	    sq_bind_text(st, 7, r->introduced) != SQLITE_OK ||
	    sq_bind_text(st, 8, r->last_affected) != SQLITE_OK ||
	    sqlite3_bind_int(st, 9, (int)r->urgency) != SQLITE_OK ||
	    sqlite3_bind_int(st, 10, r->remote ? 1 : 0) != SQLITE_OK ||
	    bind_score(st, 11, r->cvss) != SQLITE_OK ||
	    sq_bind_text(st, 12, r->description) != SQLITE_OK ||
	    sq_bind_text(st, 13, r->fixed_on_branches) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record a vulnerability"));
	}
	if (!sq_step_done(st))
		return sq_fail(q, err, _("cannot record a vulnerability"));
	return VG_OK;
}

enum vg_rc
sq_vuln_import_kev(struct vg_store *s, const struct vg_kev_rec *r,
		   struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	enum vg_rc rc;

	if ((rc = in_import(q, "kev", err)) != VG_OK)
		return rc;
	if (r->cve == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a KEV record without CVE"));
	if ((st = v_stmt(q, V_KEV, err)) == NULL)
		return VG_ERR_STORE;
	if (sq_bind_text(st, 1, r->cve) != SQLITE_OK ||
	    sq_bind_text(st, 2, r->vendor) != SQLITE_OK ||
	    sq_bind_text(st, 3, r->product) != SQLITE_OK ||
	    sq_bind_text(st, 4, r->name) != SQLITE_OK ||
	    bind_time(st, 5, r->date_added) != SQLITE_OK ||
	    bind_time(st, 6, r->due_date) != SQLITE_OK ||
	    sqlite3_bind_int(st, 7, r->ransomware ? 1 : 0) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record a KEV entry"));
	}
	if (!sq_step_done(st))
		return sq_fail(q, err, _("cannot record a KEV entry"));
	return VG_OK;
}

enum vg_rc
sq_vuln_import_epss(struct vg_store *s, const struct vg_epss_rec *r,
		    struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	enum vg_rc rc;

	if ((rc = in_import(q, "epss", err)) != VG_OK)
		return rc;
	/* NOT NULL columns: an out-of-range score is the parser's bug. */
	if (r->cve == NULL || !(r->epss >= 0 && r->epss <= 1) ||
	    !(r->percentile >= 0 && r->percentile <= 1))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an EPSS record without CVE or "
				    "with a score out of 0..1"));
	if ((st = v_stmt(q, V_EPSS, err)) == NULL)
		return VG_ERR_STORE;
	if (sq_bind_text(st, 1, r->cve) != SQLITE_OK ||
	    sqlite3_bind_double(st, 2, r->epss) != SQLITE_OK ||
	    sqlite3_bind_double(st, 3, r->percentile) != SQLITE_OK ||
	    sq_bind_text(st, 4, r->model) != SQLITE_OK) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot record an EPSS score"));
	}
	if (!sq_step_done(st))
		return sq_fail(q, err, _("cannot record an EPSS score"));
	return VG_OK;
}

enum vg_rc
sq_vuln_import_end(struct vg_store *s, bool commit,
		   const struct vg_vuln_feed_meta *meta, struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	enum vg_rc rc;

	if (q->vuln_source == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: no vulnerability import in "
				    "progress"));
	if (!commit) {
		import_abort(q);
		return VG_OK;
	}
	/* The state recorded is the import's own: a meta of another
	 * source would leave this feed without validators. */
	if (meta == NULL || meta->source == NULL ||
	    strcmp(meta->source, q->vuln_source) != 0) {
		import_abort(q);
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: the state of an import must name "
				    "its source"));
	}
	if ((st = v_stmt(q, V_FEED, err)) == NULL) {
		import_abort(q);
		return VG_ERR_STORE;
	}
	if (sq_bind_text(st, 1, meta->source) != SQLITE_OK ||
	    sq_bind_text(st, 2, meta->location) != SQLITE_OK ||
	    sq_bind_text(st, 3, meta->etag) != SQLITE_OK ||
	    sq_bind_text(st, 4, meta->last_modified) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, (int64_t)time(NULL)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 6, (int64_t)meta->records) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 7, (int64_t)meta->warnings) != SQLITE_OK) {
		sq_reset(st);
		rc = sq_fail(q, err, _("cannot record a feed's state"));
		import_abort(q);
		return rc;
	}
	if (!sq_step_done(st)) {
		rc = sq_fail(q, err, _("cannot record a feed's state"));
		import_abort(q);
		return rc;
	}
	/* In the import's transaction: a failure keeps the previous
	 * entries and their packed rows together. */
	if ((rc = sq_vuln_pack(q, err)) != VG_OK ||
	    (rc = sq_exec(q, "COMMIT", err)) != VG_OK) {
		import_abort(q);
		return rc;
	}
	free(q->vuln_source);
	q->vuln_source = NULL;
	return VG_OK;
}

/* Text column i, or NULL. */
static const char *
col_text(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(st, i);
}

/* Real column i, or -1 when NULL (unknown). */
static double
col_score(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_double(st, i);
}

/*
 * Row st's entry from column i on (the columns of v_pack_sel after
 * package and release); false when it has no id. A number out of the
 * enums (a damaged or newer store) is "undetermined", never a "fixed"
 * it did not say.
 */
static bool
row_entry(sqlite3_stmt *st, int i, struct vg_vuln_entry *e)
{
	int v;

	memset(e, 0, sizeof(*e));
	if ((e->id = col_text(st, i)) == NULL)
		return false;
	v = sqlite3_column_int(st, i + 1);
	e->status = v >= VG_VULN_FIXED && v <= VG_VULN_END_OF_LIFE
		? (enum vg_vuln_status)v
		: VG_VULN_UNDETERMINED;
	e->fixed_version = col_text(st, i + 2);
	e->introduced = col_text(st, i + 3);
	e->last_affected = col_text(st, i + 4);
	v = sqlite3_column_int(st, i + 5);
	e->urgency = v >= VG_URG_UNKNOWN && v <= VG_URG_HIGH
		? (enum vg_urgency)v
		: VG_URG_UNKNOWN;
	e->cvss = col_score(st, i + 6);
	e->kev = sqlite3_column_type(st, i + 7) != SQLITE_NULL;
	e->kev_ransomware = e->kev && sqlite3_column_int(st, i + 7) != 0;
	e->epss = col_score(st, i + 8);
	e->epss_percentile = col_score(st, i + 9);
	e->fixed_on_branches = col_text(st, i + 10);
	if (e->status == VG_VULN_FIXED && e->fixed_version == NULL)
		e->status = VG_VULN_UNDETERMINED;
	return true;
}

/* Insert the packed row of (package, release). */
static enum vg_rc
pack_put(struct sq *q, sqlite3_stmt *ins, const char *package,
	 const char *release, struct vg_vuln_packer *pk, struct vg_err *err)
{
	const void *blob;
	size_t len;

	blob = vg_vuln_packer_blob(pk, &len);
	if (sq_bind_text(ins, 1, package) != SQLITE_OK ||
	    sq_bind_text(ins, 2, release) != SQLITE_OK ||
	    sqlite3_bind_blob(ins, 3, blob, (int)len, SQLITE_STATIC) !=
		    SQLITE_OK) {
		sq_reset(ins);
		return sq_fail(q, err, _("cannot pack vulnerabilities"));
	}
	if (!sq_step_done(ins))
		return sq_fail(q, err, _("cannot pack vulnerabilities"));
	return VG_OK;
}

/*
 * Rebuild vuln_packed from vulns, kev and epss: one pass in key order,
 * a row per (package, release). A full rebuild, not a patch: an import
 * of KEV or EPSS changes entries of every package (~0.1 s for the
 * 35,000 rows of a debsecan feed), and it stays obviously equal to the
 * join it replaces.
 */
enum vg_rc
sq_vuln_pack(struct sq *q, struct vg_err *err)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	struct vg_vuln_packer pk;
	struct vg_vuln_entry e;
	char *pkg = NULL, *rel = NULL;
	const char *p, *r;
	enum vg_rc rc = VG_OK;
	int step;

	vg_vuln_packer_init(&pk);
	if ((rc = sq_exec(q, "DELETE FROM vuln_packed", err)) != VG_OK)
		goto done;
	if (sqlite3_prepare_v2(q->db, v_pack_sel, -1, &sel, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, v_pack_ins, -1, &ins, NULL) !=
		    SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot pack vulnerabilities"));
		goto done;
	}
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		if ((p = col_text(sel, 0)) == NULL || !row_entry(sel, 2, &e))
			continue;
		if ((r = col_text(sel, 1)) == NULL)
			r = "";
		if (pkg == NULL || strcmp(p, pkg) != 0 || strcmp(r, rel) != 0) {
			if (pkg != NULL &&
			    (rc = pack_put(q, ins, pkg, rel, &pk, err)) !=
				    VG_OK)
				goto done;
			free(pkg);
			free(rel);
			rel = NULL;
			vg_vuln_packer_reset(&pk);
			if ((pkg = strdup(p)) == NULL ||
			    (rel = strdup(r)) == NULL) {
				rc = vg_err_set(err, VG_ERR_NOMEM,
						_("store: out of memory"));
				goto done;
			}
		}
		if ((rc = vg_vuln_packer_add(&pk, &e, err)) != VG_OK)
			goto done;
	}
	if (step != SQLITE_DONE) {
		rc = sq_fail(q, err, _("cannot pack vulnerabilities"));
		goto done;
	}
	if (pkg != NULL)
		rc = pack_put(q, ins, pkg, rel, &pk, err);
done:
	free(pkg);
	free(rel);
	vg_vuln_packer_release(&pk);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

/* One statement (one read transaction) reads both rows. */
/* Decode the packed row st is on (its entries column is i). */
static enum vg_rc
row_decode(struct sq *q, sqlite3_stmt *st, int i, const char *package,
	   vg_vuln_entry_fn fn, void *ctx, struct vg_err *err)
{
	/* A column of another type is damage too: the decoder refuses
	 * the NULL pointer or what it does not parse. */
	const void *blob = sqlite3_column_type(st, i) == SQLITE_BLOB
		? sqlite3_column_blob(st, i)
		: NULL;

	return vg_vuln_packed_decode(blob, (size_t)sqlite3_column_bytes(st, i),
				     package, &q->unpacked, fn, ctx, err);
}

static bool
same_release(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* The package asked cannot be kept as the walk's position. */
static enum vg_rc
scan_name_error(enum vg_rc rc, struct vg_err *err)
{
	if (rc == VG_ERR_LIMIT)
		return vg_err_set(err, rc,
				  _("store: a package name longer than %d "
				    "bytes"),
				  VG_MAX_LINE);
	return vg_err_set(err, rc, _("store: out of memory"));
}

/* (Re)start the walk at package for release. */
static enum vg_rc
scan_start(struct sq *q, const char *release, const char *package,
	   struct vg_err *err)
{
	sqlite3_stmt *st;
	enum vg_rc rc;

	scan_stop(q);
	if ((st = v_stmt(q, V_SCAN, err)) == NULL)
		return VG_ERR_STORE;
	/* A package name is one field of one line. */
	vg_buf_init(&q->scan_at, VG_MAX_LINE);
	if ((release != NULL && (q->scan_release = strdup(release)) == NULL) ||
	    (q->scan_from = strdup(package)) == NULL) {
		scan_stop(q);
		return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
	}
	if ((rc = vg_buf_adds(&q->scan_at, package)) != VG_OK) {
		scan_stop(q);
		return scan_name_error(rc, err);
	}
	if (sqlite3_bind_text(st, 1, q->scan_from, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    (release != NULL &&
	     sqlite3_bind_text(st, 2, q->scan_release, -1, SQLITE_STATIC) !=
		     SQLITE_OK)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot look up vulnerabilities"));
	}
	q->scan_on = true;
	q->scan_step = sqlite3_step(st);
	return VG_OK;
}

/*
 * A lookup inside vuln_read: matching asks the packages in order, so
 * the walk steps on from the last one asked (a few rows) instead of
 * seeking each anew; asked out of order or for another release, it
 * starts again there. The release's row is handed out before the
 * release-independent one (''), as the seek does: '' comes first in
 * the key's order, so its blob is held until the release's is done.
 */
static enum vg_rc
scan_lookup(struct sq *q, const char *release, const char *package,
	    vg_vuln_entry_fn fn, void *ctx, struct vg_err *err)
{
	sqlite3_stmt *st;
	void *any = NULL;
	size_t any_len = 0;
	const char *p, *r;
	enum vg_rc rc = VG_OK;
	bool has_any = false;
	int c;

	/* Asked again (another version of one source) or before: the
	 * rows were passed, so seek. */
	if ((!q->scan_on || !same_release(release, q->scan_release) ||
	     strcmp(package, vg_buf_str(&q->scan_at)) <= 0) &&
	    (rc = scan_start(q, release, package, err)) != VG_OK)
		return rc;
	st = q->vst[V_SCAN];
	/* The seek's text stays bound; only the position moves. */
	vg_buf_reset(&q->scan_at);
	if ((rc = vg_buf_adds(&q->scan_at, package)) != VG_OK)
		return scan_name_error(rc, err);
	for (; q->scan_step == SQLITE_ROW; q->scan_step = sqlite3_step(st)) {
		if ((p = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		if ((c = strcmp(p, package)) < 0)
			continue;
		if (c > 0)
			break;
		r = (const char *)sqlite3_column_text(st, 1);
		if (r != NULL && *r == '\0' && !has_any) {
			/* Held: handed out after the release's row. */
			any_len = (size_t)sqlite3_column_bytes(st, 2);
			if (sqlite3_column_type(st, 2) == SQLITE_BLOB &&
			    (any = malloc(any_len > 0 ? any_len : 1)) == NULL)
				return vg_err_set(err, VG_ERR_NOMEM,
						  _("store: out of memory"));
			if (any != NULL)
				memcpy(any, sqlite3_column_blob(st, 2),
				       any_len);
			has_any = true;
			continue;
		}
		if ((rc = row_decode(q, st, 2, package, fn, ctx, err)) != VG_OK)
			break;
	}
	if (rc == VG_OK && q->scan_step != SQLITE_ROW &&
	    q->scan_step != SQLITE_DONE) {
		rc = sq_fail(q, err, _("cannot look up vulnerabilities"));
		scan_stop(q);
	}
	if (rc == VG_OK && has_any)
		rc = vg_vuln_packed_decode(any, any_len, package, &q->unpacked,
					   fn, ctx, err);
	free(any);
	return rc;
}

enum vg_rc
sq_vuln_lookup(struct vg_store *s, const char *release, const char *package,
	       vg_vuln_entry_fn fn, void *ctx, struct vg_err *err)
{
	struct sq *q = s->impl;
	enum vg_rc rc = VG_OK;
	sqlite3_stmt *st;
	int step;

	if (package == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a lookup without package"));
	/* A walk only inside vuln_read: a statement left stepping holds
	 * its read snapshot, which only that transaction may. */
	if (q->vuln_reading)
		return scan_lookup(q, release, package, fn, ctx, err);
	if ((st = v_stmt(q, V_PACKED, err)) == NULL)
		return VG_ERR_STORE;
	/* STATIC: both strings outlive the statement's use, which ends
	 * with the reset below. */
	if (sqlite3_bind_text(st, 1, package, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (release != NULL &&
	     sqlite3_bind_text(st, 2, release, -1, SQLITE_STATIC) !=
		     SQLITE_OK)) {
		sq_reset(st);
		return sq_fail(q, err, _("cannot look up vulnerabilities"));
	}
	while (rc == VG_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row_decode(q, st, 0, package, fn, ctx, err);
	if (rc == VG_OK && step != SQLITE_DONE)
		rc = sq_fail(q, err, _("cannot look up vulnerabilities"));
	sq_reset(st);
	return rc;
}

/*
 * A deferred transaction: the read lock is taken at the first lookup
 * and kept to the end (WAL: a writer is not blocked, its commit is
 * seen after the end).
 */
enum vg_rc
sq_vuln_read(struct vg_store *s, bool begin, struct vg_err *err)
{
	struct sq *q = s->impl;

	enum vg_rc rc;

	if (q->vuln_source != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: an import of '%s' is in progress"),
				  q->vuln_source);
	/* The walk's statement is reset before the transaction ends. */
	scan_stop(q);
	if ((rc = sq_exec(q, begin ? "BEGIN" : "COMMIT", err)) == VG_OK)
		q->vuln_reading = begin;
	return rc;
}

/* Column i as a JSON string or null (not UTF-8: not ours, null). */
static json_t *
col_json(sqlite3_stmt *st, int i)
{
	const char *t = col_text(st, i);
	json_t *v;

	if (t == NULL ||
	    (v = json_stringn(t, (size_t)sqlite3_column_bytes(st, i))) == NULL)
		return json_null();
	return v;
}

enum vg_rc
sq_vuln_feeds(struct vg_store *s, json_t **out, struct vg_err *err)
{
	static const char *const text_keys[] = {"source", "location", "etag",
						"last_modified"};
	static const char *const int_keys[] = {"imported_at", "records",
					       "warnings"};
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	json_t *arr = NULL, *o, *v;
	enum vg_rc rc = VG_OK;
	size_t k;
	int step;

	*out = NULL;
	if (sqlite3_prepare_v2(q->db, v_feeds_sql, -1, &st, NULL) != SQLITE_OK)
		return sq_fail(q, err,
			       _("cannot list the vulnerability feeds"));
	if ((arr = json_array()) == NULL)
		goto nomem;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = json_object()) == NULL ||
		    json_array_append_new(arr, o) != 0)
			goto nomem;
		for (k = 0; k < VG_ARRAY_LEN(text_keys); k++)
			if ((v = col_json(st, (int)k)) == NULL ||
			    json_object_set_new(o, text_keys[k], v) != 0)
				goto nomem;
		for (k = 0; k < VG_ARRAY_LEN(int_keys); k++)
			if (json_object_set_new(
				    o, int_keys[k],
				    json_integer(sqlite3_column_int64(
					    st, (int)(k + 4)))) != 0)
				goto nomem;
	}
	if (step != SQLITE_DONE) {
		rc = sq_fail(q, err, _("cannot list the vulnerability feeds"));
		goto done;
	}
	*out = arr;
	arr = NULL;
	goto done;
nomem:
	rc = vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
done:
	json_decref(arr);
	sqlite3_finalize(st);
	return rc;
}

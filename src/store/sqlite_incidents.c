/*
 * Incidents and their chained timeline in SQLite (migration 11, store.h).
 * Every change is one BEGIN IMMEDIATE transaction that also appends to
 * the incident's timeline: the last (seq, hash) is read inside it, so
 * two writers on separate connections are serialised by SQLite and can
 * never fork the chain. The incident's JSON shape is the one of
 * respond/incident_json.h, built from a struct vg_incident read back
 * from the row, so incident_get and the "opened" entry agree.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeline.h"
#include "respond/incident_json.h"
#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/utf8.h"
#include "util/banned.h"

/* Bytes of a timeline actor (a user name, "agent:<uuid>", "vigie"). */
#define TL_ACTOR_MAX 256

/* The incidents columns, in the order row_incident reads them. */
#define INC_COLS                                                               \
	"id, title, type, detected_at, care, degraded_since, health_data,"     \
	" personal_data, persons, confidentiality, integrity,"                 \
	" availability, perimeter, causes, status, opened_at, closed_at,"      \
	" reported_ans_at, reported_cnil_at, ans_ref, cnil_ref"

/* Slots of q->ist (SQ_INCIDENT_SLOTS). */
enum {
	IST_ADD,
	IST_ASSET_ADD,
	IST_LAST,
	IST_TL_ADD,
	IST_EXISTS,
	IST_GET,
	IST_SET,
	IST_ASSETS,
	IST_TIMELINE,
	IST_LIST_ALL,
	IST_LIST_STATUS,
	IST_LIST_ACTIVE,
	IST_FOR_HOST,
	IST_ASSET_NAMES,
	IST_COUNT
};
_Static_assert(IST_COUNT <= SQ_INCIDENT_SLOTS, "incident statement slots");

static const char *const ist_sql[IST_COUNT] = {
	[IST_ADD] = "INSERT INTO incidents(title, type, detected_at, care,"
		    " degraded_since, health_data, personal_data, persons,"
		    " confidentiality, integrity, availability, perimeter,"
		    " causes, status, opened_at, closed_at, reported_ans_at,"
		    " reported_cnil_at, ans_ref, cnil_ref) VALUES (?2, ?3,"
		    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		    " ?16, ?17, ?18, ?19, ?20, ?21)",
	/* Every host of that name: a host scanned locally and enrolled
	 * later is one machine seen twice. */
	[IST_ASSET_ADD] = "INSERT OR IGNORE INTO incident_assets(incident_id,"
			  " host_id) SELECT ?1, id FROM hosts"
			  " WHERE hostname = ?2",
	[IST_LAST] = "SELECT seq, hash FROM timeline WHERE incident_id = ?1"
		     " ORDER BY seq DESC LIMIT 1",
	[IST_TL_ADD] = "INSERT INTO timeline(incident_id, seq, at, actor,"
		       " kind, detail, prev, hash)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[IST_EXISTS] = "SELECT 1 FROM incidents WHERE id = ?1",
	[IST_GET] = "SELECT " INC_COLS " FROM incidents WHERE id = ?1",
	[IST_SET] = "UPDATE incidents SET title = ?2, type = ?3,"
		    " detected_at = ?4, care = ?5, degraded_since = ?6,"
		    " health_data = ?7, personal_data = ?8, persons = ?9,"
		    " confidentiality = ?10, integrity = ?11,"
		    " availability = ?12, perimeter = ?13, causes = ?14,"
		    " status = ?15, closed_at = ?17, reported_ans_at = ?18,"
		    " reported_cnil_at = ?19, ans_ref = ?20, cnil_ref = ?21"
		    " WHERE id = ?1",
	[IST_ASSETS] = "SELECT h.id, h.hostname, h.agent_id"
		       " FROM incident_assets a JOIN hosts h"
		       " ON h.id = a.host_id WHERE a.incident_id = ?1"
		       " ORDER BY h.hostname, h.id",
	[IST_TIMELINE] = "SELECT seq, at, actor, kind, detail, prev, hash"
			 " FROM timeline WHERE incident_id = ?1"
			 " ORDER BY seq",
	[IST_LIST_ALL] = "SELECT " INC_COLS " FROM incidents ORDER BY id DESC",
	[IST_LIST_STATUS] = "SELECT " INC_COLS " FROM incidents"
			    " WHERE status = ?1 ORDER BY id DESC",
	[IST_LIST_ACTIVE] = "SELECT " INC_COLS " FROM incidents"
			    " WHERE status <> 'closed' ORDER BY id DESC",
	[IST_FOR_HOST] = "SELECT " INC_COLS " FROM incidents i"
			 " WHERE status <> 'closed' AND EXISTS (SELECT 1"
			 " FROM incident_assets a JOIN hosts h"
			 " ON h.id = a.host_id WHERE a.incident_id = i.id"
			 " AND h.hostname = ?1) ORDER BY id DESC",
	[IST_ASSET_NAMES] = "SELECT DISTINCT h.hostname FROM incident_assets a"
			    " JOIN hosts h ON h.id = a.host_id"
			    " WHERE a.incident_id = ?1 ORDER BY h.hostname",
};

static sqlite3_stmt *
stmt(struct sq *q, int i, struct vg_err *err)
{
	return sq_stmt_cached(q, &q->ist[i], ist_sql[i], err);
}

static enum vg_rc
nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
}

/* The write transaction; rollback is NULL-safe on errors paths. */
static enum vg_rc
tx_begin(struct sq *q, bool *in_tx, struct vg_err *err)
{
	enum vg_rc rc = sq_exec(q, "BEGIN IMMEDIATE", err);

	*in_tx = rc == VG_OK;
	return rc;
}

static enum vg_rc
tx_commit(struct sq *q, bool *in_tx, struct vg_err *err)
{
	enum vg_rc rc = sq_exec(q, "COMMIT", err);

	if (rc == VG_OK)
		*in_tx = false;
	return rc;
}

static void
tx_end(struct sq *q, bool in_tx)
{
	if (in_tx)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Column i as a JSON string, or null when SQL NULL or not valid UTF-8
 * (a row changed behind vigie's back: shown as absent, not fatal). */
static json_t *
col_jstr(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (s == NULL || !vg_utf8_valid(s, n) || memchr(s, '\0', n) != NULL)
		return json_null();
	return json_stringn(s, n);
}

/* Bind inc's fields to ?2..?21 (?1 is the id where there is one). */
static bool
bind_fields(sqlite3_stmt *st, const struct vg_incident *inc)
{
	return sq_bind_text(st, 2, inc->title) == SQLITE_OK &&
		sq_bind_text(st, 3, vg_incident_type_name(inc->type)) ==
		SQLITE_OK &&
		sqlite3_bind_int64(st, 4, inc->detected_at) == SQLITE_OK &&
		sq_bind_text(st, 5, vg_care_impact_name(inc->care)) ==
		SQLITE_OK &&
		sqlite3_bind_int64(st, 6, inc->degraded_since) == SQLITE_OK &&
		sqlite3_bind_int(st, 7, inc->health_data) == SQLITE_OK &&
		sqlite3_bind_int(st, 8, inc->personal_data) == SQLITE_OK &&
		sqlite3_bind_int64(st, 9, inc->persons) == SQLITE_OK &&
		sqlite3_bind_int(st, 10, inc->confidentiality) == SQLITE_OK &&
		sqlite3_bind_int(st, 11, inc->integrity) == SQLITE_OK &&
		sqlite3_bind_int(st, 12, inc->availability) == SQLITE_OK &&
		sq_bind_text(st, 13, inc->perimeter) == SQLITE_OK &&
		sq_bind_text(st, 14, inc->causes) == SQLITE_OK &&
		sq_bind_text(st, 15, vg_incident_status_name(inc->status)) ==
		SQLITE_OK &&
		sqlite3_bind_int64(st, 16, inc->opened_at) == SQLITE_OK &&
		sqlite3_bind_int64(st, 17, inc->closed_at) == SQLITE_OK &&
		sqlite3_bind_int64(st, 18, inc->reported_ans_at) == SQLITE_OK &&
		sqlite3_bind_int64(st, 19, inc->reported_cnil_at) ==
		SQLITE_OK &&
		sq_bind_text(st, 20, inc->ans_ref) == SQLITE_OK &&
		sq_bind_text(st, 21, inc->cnil_ref) == SQLITE_OK;
}

/* A text column of the row, valid UTF-8 without NUL, or NULL. */
static char *
col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (s == NULL || !vg_utf8_valid(s, n) || memchr(s, '\0', n) != NULL)
		return NULL;
	return (char *)(uintptr_t)s;
}

/*
 * The row st is on (INC_COLS) as the incident's JSON fields: a new
 * object, NULL when out of memory. An unknown stored name (a changed
 * row) reads as out of range, shown "?".
 */
static json_t *
row_to_json(sqlite3_stmt *st)
{
	struct vg_incident inc;

	memset(&inc, 0, sizeof(inc));
	inc.id = sqlite3_column_int64(st, 0);
	inc.title = col_text(st, 1);
	if (!vg_incident_type_parse(col_text(st, 2), &inc.type))
		inc.type = VG_INC_TYPE_COUNT;
	inc.detected_at = sqlite3_column_int64(st, 3);
	if (!vg_care_impact_parse(col_text(st, 4), &inc.care))
		inc.care = VG_CARE_COUNT;
	inc.degraded_since = sqlite3_column_int64(st, 5);
	inc.health_data = sqlite3_column_int(st, 6) != 0;
	inc.personal_data = sqlite3_column_int(st, 7) != 0;
	inc.persons = sqlite3_column_int64(st, 8);
	inc.confidentiality = sqlite3_column_int(st, 9) != 0;
	inc.integrity = sqlite3_column_int(st, 10) != 0;
	inc.availability = sqlite3_column_int(st, 11) != 0;
	inc.perimeter = col_text(st, 12);
	inc.causes = col_text(st, 13);
	if (!vg_incident_status_parse(col_text(st, 14), &inc.status))
		inc.status = VG_INC_STATUS_COUNT;
	inc.opened_at = sqlite3_column_int64(st, 15);
	inc.closed_at = sqlite3_column_int64(st, 16);
	inc.reported_ans_at = sqlite3_column_int64(st, 17);
	inc.reported_cnil_at = sqlite3_column_int64(st, 18);
	inc.ans_ref = col_text(st, 19);
	inc.cnil_ref = col_text(st, 20);
	return vg_incident_to_json(&inc);
}

/* A text argument: set, 1 to max bytes, printable UTF-8. */
static bool
name_ok(const char *s, size_t max)
{
	size_t n;

	return s != NULL && (n = strnlen(s, max + 1)) > 0 && n <= max &&
		vg_utf8_printable(s, n);
}

/* VG_OK when incident id exists, VG_ERR_NOTFOUND when not. */
static enum vg_rc
incident_exists(struct sq *q, int64_t id, struct vg_err *err)
{
	sqlite3_stmt *st;
	int r;

	if ((st = stmt(q, IST_EXISTS, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return sq_fail(q, err, _("cannot read the incident"));
	r = sqlite3_step(st);
	sq_reset(st);
	if (r == SQLITE_ROW)
		return VG_OK;
	if (r != SQLITE_DONE)
		return sq_fail(q, err, _("cannot read the incident"));
	return vg_err_set(err, VG_ERR_NOTFOUND, _("no incident %lld"),
			  (long long)id);
}

enum vg_rc
sq_timeline_append_tx(struct sq *q, int64_t incident_id, int64_t at,
		      const char *actor, const char *kind, const char *detail,
		      int64_t *seq, struct vg_err *err)
{
	struct vg_timeline_entry e;
	sqlite3_stmt *st;
	json_t *parsed;
	size_t len;
	enum vg_rc rc;
	int r;

	*seq = 0;
	if (!name_ok(actor, TL_ACTOR_MAX) ||
	    !name_ok(kind, VG_TIMELINE_KIND_MAX))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("timeline: actor or kind missing, too "
				    "long or not printable"));
	if (detail == NULL ||
	    (len = strnlen(detail, VG_TIMELINE_DETAIL_MAX + 1)) >
		    VG_TIMELINE_DETAIL_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("timeline: detail missing or over %d "
				    "bytes"),
				  VG_TIMELINE_DETAIL_MAX);
	parsed = json_loadb(detail, len, JSON_REJECT_DUPLICATES, NULL);
	r = json_is_object(parsed);
	json_decref(parsed);
	if (!r)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("timeline: detail is not a JSON object"));
	if ((rc = incident_exists(q, incident_id, err)) != VG_OK)
		return rc;

	memset(&e, 0, sizeof(e));
	e.incident_id = incident_id;
	e.at = at;
	e.actor = actor;
	e.kind = kind;
	e.detail = detail;
	/* The chain's tail, read inside the caller's write transaction. */
	if ((st = stmt(q, IST_LAST, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, incident_id) != SQLITE_OK)
		return sq_fail(q, err, _("cannot read the timeline"));
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(st, 1);

		e.seq = sqlite3_column_int64(st, 0) + 1;
		/* A damaged tail is chained as it is: verify names it. */
		(void)snprintf(e.prev, sizeof(e.prev), "%s",
			       h != NULL ? h : "");
	} else if (r == SQLITE_DONE) {
		e.seq = 1;
		vg_timeline_genesis(e.prev);
	} else {
		sq_reset(st);
		return sq_fail(q, err, _("cannot read the timeline"));
	}
	sq_reset(st);
	if (vg_timeline_hash(&e, e.hash, NULL) != VG_OK)
		/* Only a prev that is not hex: hash from genesis instead
		 * would hide the damage, so refuse to append. */
		return vg_err_set(err, VG_ERR_STORE,
				  _("incident %lld: the timeline's last entry "
				    "is damaged (vigie incident verify)"),
				  (long long)incident_id);

	if ((st = stmt(q, IST_TL_ADD, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, incident_id) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, e.seq) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, at) != SQLITE_OK ||
	    sq_bind_text(st, 4, actor) != SQLITE_OK ||
	    sq_bind_text(st, 5, kind) != SQLITE_OK ||
	    sq_bind_text(st, 6, detail) != SQLITE_OK ||
	    sq_bind_text(st, 7, e.prev) != SQLITE_OK ||
	    sq_bind_text(st, 8, e.hash) != SQLITE_OK || !sq_step_done(st))
		return sq_fail(q, err, _("cannot append to the timeline"));
	*seq = e.seq;
	return VG_OK;
}

enum vg_rc
sq_timeline_append(struct vg_store *s, int64_t incident_id, int64_t at,
		   const char *actor, const char *kind, const char *detail,
		   int64_t *seq, struct vg_err *err)
{
	struct sq *q = s->impl;
	bool in_tx = false;
	enum vg_rc rc;

	*seq = 0;
	if ((rc = tx_begin(q, &in_tx, err)) != VG_OK ||
	    (rc = sq_timeline_append_tx(q, incident_id, at, actor, kind, detail,
					seq, err)) != VG_OK ||
	    (rc = tx_commit(q, &in_tx, err)) != VG_OK)
		*seq = 0;
	tx_end(q, in_tx);
	return rc;
}

/* obj as compact text (caller frees), NULL when out of memory. */
static char *
dump(const json_t *obj)
{
	return json_dumps(obj, JSON_COMPACT);
}

enum vg_rc
sq_incident_open(struct vg_store *s, const struct vg_incident *inc,
		 const char *const *assets, size_t n, const char *actor,
		 int64_t now, int64_t *id, struct vg_err *err)
{
	struct sq *q = s->impl;
	struct vg_incident row = *inc;
	sqlite3_stmt *st;
	json_t *detail = NULL, *names = NULL;
	char *text = NULL;
	bool in_tx = false;
	int64_t new_id = 0, seq;
	enum vg_rc rc;
	size_t i;

	*id = 0;
	if (n > VG_INCIDENT_MAX_ASSETS || (n > 0 && assets == NULL))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("an incident names at most %d assets"),
				  VG_INCIDENT_MAX_ASSETS);
	if (inc->title == NULL)
		return vg_err_set(err, VG_ERR_USAGE, _("title: missing"));
	if ((names = json_array()) == NULL) {
		rc = nomem(err);
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (!name_ok(assets[i], VG_STORE_NAME_MAX)) {
			rc = vg_err_set(err, VG_ERR_USAGE,
					_("asset %zu: empty, too long or not "
					  "printable"),
					i + 1);
			goto done;
		}
		if (json_array_append_new(names, json_string(assets[i])) != 0) {
			rc = nomem(err);
			goto done;
		}
	}
	row.opened_at = now;

	if ((rc = tx_begin(q, &in_tx, err)) != VG_OK)
		goto done;
	if ((st = stmt(q, IST_ADD, err)) == NULL) {
		rc = VG_ERR_STORE;
		goto done;
	}
	if (!bind_fields(st, &row) || !sq_step_done(st)) {
		rc = sq_fail(q, err, _("cannot record the incident"));
		goto done;
	}
	new_id = row.id = sqlite3_last_insert_rowid(q->db);
	for (i = 0; i < n; i++) {
		if ((st = stmt(q, IST_ASSET_ADD, err)) == NULL) {
			rc = VG_ERR_STORE;
			goto done;
		}
		if (sqlite3_bind_int64(st, 1, new_id) != SQLITE_OK ||
		    sq_bind_text(st, 2, assets[i]) != SQLITE_OK ||
		    !sq_step_done(st)) {
			rc = sq_fail(q, err, _("cannot record the assets"));
			goto done;
		}
		/* No host of that name (a repeated name adds none either,
		 * so ask whether the name is known at all). */
		if (sqlite3_changes(q->db) == 0) {
			size_t k;

			for (k = 0; k < i; k++)
				if (strcmp(assets[k], assets[i]) == 0)
					break;
			if (k == i) {
				rc = vg_err_set(err, VG_ERR_NOTFOUND,
						_("unknown asset '%s'"),
						assets[i]);
				goto done;
			}
		}
	}
	/* The "opened" entry vouches for every field as entered. */
	if ((detail = vg_incident_to_json(&row)) == NULL ||
	    json_object_set(detail, "assets", names) != 0 ||
	    (text = dump(detail)) == NULL) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = sq_timeline_append_tx(q, new_id, now, actor, "opened", text,
					&seq, err)) != VG_OK ||
	    (rc = tx_commit(q, &in_tx, err)) != VG_OK)
		goto done;
	*id = new_id;
done:
	tx_end(q, in_tx);
	free(text);
	json_decref(detail);
	json_decref(names);
	return rc;
}

/* The incident's fields as stored, read in the current transaction. */
static enum vg_rc
read_fields(struct sq *q, int64_t id, json_t **out, struct vg_err *err)
{
	sqlite3_stmt *st;
	int r;

	*out = NULL;
	if ((st = stmt(q, IST_GET, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return sq_fail(q, err, _("cannot read the incident"));
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = row_to_json(st);
	sq_reset(st);
	if (r == SQLITE_DONE)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no incident %lld"),
				  (long long)id);
	if (r != SQLITE_ROW)
		return sq_fail(q, err, _("cannot read the incident"));
	return *out != NULL ? VG_OK : nomem(err);
}

/* {"field": [old, new]} for each field of after that differs from
 * before, but the id and the opening time, which never change. */
static json_t *
fields_diff(const json_t *before, const json_t *after)
{
	const char *key;
	json_t *d, *v, *old;

	if ((d = json_object()) == NULL)
		return NULL;
	json_object_foreach((json_t *)(uintptr_t)after, key, v)
	{
		if (strcmp(key, "id") == 0 || strcmp(key, "opened_at") == 0)
			continue;
		old = json_object_get(before, key);
		if (old != NULL && json_equal(old, v))
			continue;
		if (json_object_set_new(
			    d, key,
			    json_pack("[OO]", old != NULL ? old : json_null(),
				      v)) != 0) {
			json_decref(d);
			return NULL;
		}
	}
	return d;
}

enum vg_rc
sq_incident_update(struct vg_store *s, const struct vg_incident *inc,
		   const char *kind, const char *actor, int64_t now,
		   struct vg_err *err)
{
	static const char *const kinds[] = {"status", "reported", "closed"};
	struct sq *q = s->impl;
	json_t *before = NULL, *after = NULL, *diff = NULL;
	sqlite3_stmt *st;
	char *text = NULL;
	bool in_tx = false;
	int64_t seq;
	enum vg_rc rc;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(kinds); i++)
		if (kind != NULL && strcmp(kind, kinds[i]) == 0)
			break;
	if (i == VG_ARRAY_LEN(kinds))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("timeline: an update is a status, "
				    "reported or closed entry"));
	if (inc->title == NULL)
		return vg_err_set(err, VG_ERR_USAGE, _("title: missing"));
	if ((rc = tx_begin(q, &in_tx, err)) != VG_OK ||
	    (rc = read_fields(q, inc->id, &before, err)) != VG_OK)
		goto done;
	if ((after = vg_incident_to_json(inc)) == NULL ||
	    (diff = fields_diff(before, after)) == NULL) {
		rc = nomem(err);
		goto done;
	}
	/* Nothing changed: nothing written, no entry. */
	if (json_object_size(diff) == 0) {
		rc = tx_commit(q, &in_tx, err);
		goto done;
	}
	if ((st = stmt(q, IST_SET, err)) == NULL) {
		rc = VG_ERR_STORE;
		goto done;
	}
	if (sqlite3_bind_int64(st, 1, inc->id) != SQLITE_OK ||
	    !bind_fields(st, inc) || !sq_step_done(st)) {
		rc = sq_fail(q, err, _("cannot update the incident"));
		goto done;
	}
	if ((text = dump(diff)) == NULL) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = sq_timeline_append_tx(q, inc->id, now, actor, kind, text,
					&seq, err)) != VG_OK)
		goto done;
	rc = tx_commit(q, &in_tx, err);
done:
	tx_end(q, in_tx);
	free(text);
	json_decref(before);
	json_decref(after);
	json_decref(diff);
	return rc;
}

/* "assets" of incident_get: [{"host_id", "name", "agent_id"}]. */
static enum vg_rc
read_assets(struct sq *q, int64_t id, json_t *arr, struct vg_err *err)
{
	sqlite3_stmt *st;
	int r;

	if ((st = stmt(q, IST_ASSETS, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return sq_fail(q, err, _("cannot read the assets"));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *a = json_pack("{sIsoso}", "host_id",
				      (json_int_t)sqlite3_column_int64(st, 0),
				      "name", col_jstr(st, 1), "agent_id",
				      col_jstr(st, 2));

		if (a == NULL || json_array_append_new(arr, a) != 0) {
			sq_reset(st);
			return nomem(err);
		}
	}
	sq_reset(st);
	return r == SQLITE_DONE ? VG_OK
				: sq_fail(q, err, _("cannot read the assets"));
}

/* An integer column as stored: anything else (a REAL written over it)
 * is shown as null, so that verify does not take it for the integer
 * the hash covered. */
static json_t *
col_jint(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
		return json_null();
	return json_integer((json_int_t)sqlite3_column_int64(st, i));
}

/* One timeline row as incident_get shows it: detail parsed (null when
 * the stored text is not JSON any more) and as stored. */
static json_t *
timeline_row(sqlite3_stmt *st)
{
	json_t *text = col_jstr(st, 4), *detail = NULL;

	if (json_is_string(text))
		detail = json_loadb(json_string_value(text),
				    json_string_length(text), 0, NULL);
	return json_pack("{sosososososososo}", "seq", col_jint(st, 0), "at",
			 col_jint(st, 1), "actor", col_jstr(st, 2), "kind",
			 col_jstr(st, 3), "detail",
			 detail != NULL ? detail : json_null(), "detail_text",
			 text, "prev", col_jstr(st, 5), "hash",
			 col_jstr(st, 6));
}

static enum vg_rc
read_timeline(struct sq *q, int64_t id, json_t *arr, struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *e;
	int r;

	if ((st = stmt(q, IST_TIMELINE, err)) == NULL)
		return VG_ERR_STORE;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return sq_fail(q, err, _("cannot read the timeline"));
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = timeline_row(st)) == NULL ||
		    json_array_append_new(arr, e) != 0) {
			sq_reset(st);
			return nomem(err);
		}
	}
	sq_reset(st);
	return r == SQLITE_DONE
		? VG_OK
		: sq_fail(q, err, _("cannot read the timeline"));
}

enum vg_rc
sq_incident_get(struct vg_store *s, int64_t id, json_t **out,
		struct vg_err *err)
{
	struct sq *q = s->impl;
	json_t *o = NULL, *assets = NULL, *tl = NULL, *tasks = NULL;
	struct vg_err terr;
	bool in_tx = false;
	enum vg_rc rc;

	*out = NULL;
	/* One read transaction: the fields, assets and timeline agree. */
	if ((rc = sq_exec(q, "BEGIN", err)) != VG_OK)
		goto done;
	in_tx = true;
	if ((rc = read_fields(q, id, &o, err)) != VG_OK)
		goto done;
	if ((assets = json_array()) == NULL || (tl = json_array()) == NULL) {
		rc = nomem(err);
		goto done;
	}
	if ((rc = read_assets(q, id, assets, err)) != VG_OK ||
	    (rc = read_timeline(q, id, tl, err)) != VG_OK ||
	    (rc = tx_commit(q, &in_tx, err)) != VG_OK)
		goto done;
	/* The tasks, outside: their backend runs its own statements. A
	 * backend without tasks (VG_ERR_USAGE) has none to show. */
	vg_err_clear(&terr);
	if ((rc = vg_store_tasks_list(s, id, &tasks, &terr)) == VG_ERR_USAGE) {
		rc = VG_OK;
		tasks = json_array();
	} else if (rc != VG_OK) {
		*err = terr;
		goto done;
	}
	if (tasks == NULL) {
		rc = nomem(err);
		goto done;
	}
	/* json_object_set_new takes assets even when it fails. */
	if (json_object_set_new(o, "assets", assets) != 0) {
		assets = NULL;
		rc = nomem(err);
		goto done;
	}
	assets = NULL;
	if (json_object_set_new(o, "timeline", tl) != 0) {
		tl = NULL;
		rc = nomem(err);
		goto done;
	}
	tl = NULL;
	if (json_object_set_new(o, "tasks", tasks) != 0) {
		tasks = NULL;
		rc = nomem(err);
		goto done;
	}
	tasks = NULL;
	*out = o;
	o = NULL;
done:
	tx_end(q, in_tx);
	json_decref(o);
	json_decref(assets);
	json_decref(tl);
	json_decref(tasks);
	return rc;
}

/* The names of an incident's assets (incident_list). */
static enum vg_rc
asset_names(struct sq *q, int64_t id, json_t **out, struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *arr;
	int r;

	*out = NULL;
	if ((arr = json_array()) == NULL)
		return nomem(err);
	if ((st = stmt(q, IST_ASSET_NAMES, err)) == NULL) {
		json_decref(arr);
		return VG_ERR_STORE;
	}
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		json_decref(arr);
		return sq_fail(q, err, _("cannot read the assets"));
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (json_array_append_new(arr, col_jstr(st, 0)) != 0)
			break;
	sq_reset(st);
	if (r != SQLITE_DONE) {
		json_decref(arr);
		return r == SQLITE_ROW
			? nomem(err)
			: sq_fail(q, err, _("cannot read the assets"));
	}
	*out = arr;
	return VG_OK;
}

/*
 * Rows of statement slot (bound with arg, may be NULL) as an array of
 * incident fields, each with "assets" (names) when with_assets. The ids
 * are collected first: the assets' statement runs after the walk.
 */
static enum vg_rc
list_rows(struct sq *q, int slot, const char *arg, bool with_assets,
	  json_t **out, struct vg_err *err)
{
	sqlite3_stmt *st;
	json_t *arr = NULL, *o, *names;
	bool in_tx = false;
	enum vg_rc rc = VG_OK;
	size_t i;
	int r;

	*out = NULL;
	if ((arr = json_array()) == NULL)
		return nomem(err);
	if ((rc = sq_exec(q, "BEGIN", err)) != VG_OK)
		goto done;
	in_tx = true;
	if ((st = stmt(q, slot, err)) == NULL) {
		rc = VG_ERR_STORE;
		goto done;
	}
	if (arg != NULL && sq_bind_text(st, 1, arg) != SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot list the incidents"));
		goto done;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if ((o = row_to_json(st)) == NULL ||
		    json_array_append_new(arr, o) != 0)
			break;
	sq_reset(st);
	if (r != SQLITE_DONE) {
		rc = r == SQLITE_ROW
			? nomem(err)
			: sq_fail(q, err, _("cannot list the incidents"));
		goto done;
	}
	json_array_foreach(arr, i, o)
	{
		if (!with_assets)
			break;
		if ((rc = asset_names(
			     q, json_integer_value(json_object_get(o, "id")),
			     &names, err)) != VG_OK)
			goto done;
		if (json_object_set_new(o, "assets", names) != 0) {
			rc = nomem(err);
			goto done;
		}
	}
	if ((rc = tx_commit(q, &in_tx, err)) != VG_OK)
		goto done;
	*out = arr;
	arr = NULL;
done:
	tx_end(q, in_tx);
	json_decref(arr);
	return rc;
}

enum vg_rc
sq_incident_list(struct vg_store *s, const char *status, json_t **out,
		 struct vg_err *err)
{
	enum vg_incident_status st;

	*out = NULL;
	if (status == NULL)
		return list_rows(s->impl, IST_LIST_ALL, NULL, true, out, err);
	if (strcmp(status, "active") == 0)
		return list_rows(s->impl, IST_LIST_ACTIVE, NULL, true, out,
				 err);
	if (!vg_incident_status_parse(status, &st))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("unknown incident status '%s' (open, "
				    "contained, recovered, closed or active)"),
				  status);
	return list_rows(s->impl, IST_LIST_STATUS, status, true, out, err);
}

enum vg_rc
sq_incidents_for_host(struct vg_store *s, const char *name, json_t **out,
		      struct vg_err *err)
{
	*out = NULL;
	if (name == NULL)
		return vg_err_set(err, VG_ERR_USAGE, _("no host name"));
	return list_rows(s->impl, IST_FOR_HOST, name, false, out, err);
}

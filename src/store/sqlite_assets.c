/*
 * Declared assets in SQLite (core/assets.h for what a declaration is):
 * an upsert by name of every declaration in one transaction, and the
 * list.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <string.h>

#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/banned.h"

static const char assets_exists_sql[] = "SELECT 1 FROM assets WHERE name = ?1";
static const char assets_upsert_sql[] =
	"INSERT INTO assets(name, mac, ip, category, owner, site,"
	" criticality, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	" ON CONFLICT(name) DO UPDATE SET mac = excluded.mac,"
	" ip = excluded.ip, category = excluded.category,"
	" owner = excluded.owner, site = excluded.site,"
	" criticality = excluded.criticality,"
	" imported_at = excluded.imported_at";
static const char assets_list_sql[] =
	"SELECT id, name, mac, ip, category, owner, site, criticality,"
	" imported_at FROM assets ORDER BY name";

/* Bind "" as SQL NULL too: absent is absent. */
static int
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	return sq_bind_text(st, i, s != NULL && s[0] != '\0' ? s : NULL);
}

/* Upsert one declaration; *added tells whether it was new. */
static enum vg_rc
asset_put(struct sq *q, sqlite3_stmt *ex, sqlite3_stmt *up,
	  const struct vg_declared_asset *a, int64_t now, bool *added,
	  struct vg_err *err)
{
	int step;

	if (sq_bind_text(ex, 1, a->name) != SQLITE_OK ||
	    ((step = sqlite3_step(ex)) != SQLITE_ROW && step != SQLITE_DONE)) {
		sq_reset(ex);
		return sq_fail(q, err, _("cannot look up an asset"));
	}
	*added = step == SQLITE_DONE;
	sq_reset(ex);
	if (sq_bind_text(up, 1, a->name) != SQLITE_OK ||
	    bind_opt(up, 2, a->mac) != SQLITE_OK ||
	    bind_opt(up, 3, a->ip) != SQLITE_OK ||
	    bind_opt(up, 4, a->category) != SQLITE_OK ||
	    bind_opt(up, 5, a->owner) != SQLITE_OK ||
	    bind_opt(up, 6, a->site) != SQLITE_OK ||
	    (a->criticality > 0 ? sqlite3_bind_int(up, 7, a->criticality)
				: sqlite3_bind_null(up, 7)) != SQLITE_OK ||
	    sqlite3_bind_int64(up, 8, now) != SQLITE_OK) {
		sq_reset(up);
		return sq_fail(q, err, _("cannot record an asset"));
	}
	if (!sq_step_done(up))
		return sq_fail(q, err, _("cannot record an asset"));
	return VG_OK;
}

enum vg_rc
sq_assets_import(struct vg_store *s, const struct vg_declared_asset *a,
		 size_t n, int64_t now, size_t *added, size_t *updated,
		 struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *ex = NULL, *up = NULL;
	bool in_tx = false, is_new = false;
	enum vg_rc rc;
	size_t i;

	*added = *updated = 0;
	/* Everything is checked before the transaction: nothing is
	 * written for a batch with one bad declaration. */
	for (i = 0; i < n; i++)
		if ((rc = vg_asset_decl_check(&a[i], err)) != VG_OK)
			return rc;
	if (sqlite3_prepare_v2(q->db, assets_exists_sql, -1, &ex, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(q->db, assets_upsert_sql, -1, &up, NULL) !=
		    SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot prepare the asset import"));
		goto done;
	}
	if ((rc = sq_exec(q, "BEGIN IMMEDIATE", err)) != VG_OK)
		goto done;
	in_tx = true;
	for (i = 0; i < n; i++) {
		if ((rc = asset_put(q, ex, up, &a[i], now, &is_new, err)) !=
		    VG_OK)
			goto done;
		if (is_new)
			(*added)++;
		else
			(*updated)++;
	}
	if ((rc = sq_exec(q, "COMMIT", err)) == VG_OK)
		in_tx = false;
done:
	if (in_tx)
		(void)sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != VG_OK)
		*added = *updated = 0;
	sqlite3_finalize(ex);
	sqlite3_finalize(up);
	return rc;
}

/* Column i as a JSON string, or null (NULL or not UTF-8: not ours). */
static json_t *
col_json(sqlite3_stmt *st, int i)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	int n = sqlite3_column_bytes(st, i);
	json_t *v;

	if (t == NULL || sqlite3_column_type(st, i) == SQLITE_NULL ||
	    (v = json_stringn(t, (size_t)n)) == NULL)
		return json_null();
	return v;
}

enum vg_rc
sq_assets_list(struct vg_store *s, json_t **out, struct vg_err *err)
{
	static const char *const keys[] = {"name",     "mac",   "ip",
					   "category", "owner", "site"};
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	json_t *arr = NULL, *o, *v;
	enum vg_rc rc = VG_OK;
	size_t k;
	int step;

	*out = NULL;
	if (sqlite3_prepare_v2(q->db, assets_list_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return sq_fail(q, err, _("cannot list the assets"));
	if ((arr = json_array()) == NULL)
		goto nomem;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if ((o = json_object()) == NULL ||
		    json_array_append_new(arr, o) != 0 ||
		    json_object_set_new(
			    o, "id",
			    json_integer(sqlite3_column_int64(st, 0))) != 0)
			goto nomem;
		for (k = 0; k < VG_ARRAY_LEN(keys); k++)
			if ((v = col_json(st, (int)k + 1)) == NULL ||
			    json_object_set_new(o, keys[k], v) != 0)
				goto nomem;
		v = sqlite3_column_type(st, 7) == SQLITE_NULL
			? json_null()
			: json_integer(sqlite3_column_int64(st, 7));
		if (v == NULL ||
		    json_object_set_new(o, "criticality", v) != 0 ||
		    json_object_set_new(
			    o, "imported_at",
			    json_integer(sqlite3_column_int64(st, 8))) != 0)
			goto nomem;
	}
	if (step != SQLITE_DONE) {
		rc = sq_fail(q, err, _("cannot list the assets"));
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

/*
 * Devices merged over time in SQLite (store.h device_facts): the facts
 * recorded last for a device, so that a new sighting (a local run of
 * `vigie discover`, a sensor's report) is merged with what was seen
 * before (discover/devices.h vg_device_facts_merge) rather than
 * replacing it.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <string.h>

#include "core/facts_json.h"
#include "store/sqlite_private.h"
#include "store/store.h"
#include "util/banned.h"

/* A key is a MAC or an address (discover/devices.c): far below this. */
#define DEVICE_KEY_MAX VG_STORE_NAME_MAX

/*
 * The latest scan of the device host named key, latest as last_scan and
 * the asset pages judge it (collected_at, then id). Devices are local
 * hosts (agent_id NULL) whichever way they were recorded.
 */
static const char device_facts_sql[] =
	"SELECT s.facts, s.facts_codec, s.facts_zstd"
	" FROM scans s JOIN hosts h ON h.id = s.host_id"
	" WHERE h.hostname = ?1 AND h.kind = 'device'"
	" AND h.agent_id IS NULL"
	" ORDER BY s.collected_at DESC, s.id DESC LIMIT 1";

enum vg_rc
sq_device_facts(struct vg_store *s, const char *key, struct vg_facts *out,
		struct vg_err *err)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st = NULL;
	json_t *doc = NULL;
	enum vg_rc rc;
	int step;

	if (key == NULL || *key == '\0' || strlen(key) >= DEVICE_KEY_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: %s is missing or too long"),
				  _("device key"));
	/* Prepared per call: it runs once per device recorded, beside
	 * which preparing costs nothing (as sqlite_assets.c does). */
	if (sqlite3_prepare_v2(q->db, device_facts_sql, -1, &st, NULL) !=
		    SQLITE_OK ||
	    sq_bind_text(st, 1, key) != SQLITE_OK) {
		rc = sq_fail(q, err, _("cannot read the device"));
		goto done;
	}
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = vg_err_set(err, VG_ERR_NOTFOUND,
				_("store: no device '%s'"), key);
		goto done;
	}
	if (step != SQLITE_ROW) {
		rc = sq_fail(q, err, _("cannot read the device"));
		goto done;
	}
	/* The stored document is read back as untrusted as any other: a
	 * damaged row is an error, not a crash. */
	if ((doc = sq_col_facts(q, st, 0)) == NULL) {
		rc = vg_err_set(err, VG_ERR_PARSE,
				_("store: the facts of device '%s' are "
				  "damaged"),
				key);
		goto done;
	}
	rc = vg_facts_from_json(out, doc, err);
done:
	json_decref(doc);
	sqlite3_finalize(st);
	return rc;
}

/*
 * Incidents in the SQLite store (sqlite_incidents.c): open, update,
 * append, read back, lists; the chain the store computes verifies, the
 * triggers keep the timeline append-only, and two connections appending
 * in turn keep a single chain.
 */
#include "util/common.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/timeline.h"
#include "respond/incident.h"
#include "respond/incident_json.h"
#include "store/store.h"
#include "util/banned.h"

#define NOW 1800000000

struct fx {
	char *dir;
	char path[4096];
	struct vg_store *s;
	sqlite3 *raw; /* a connection of the test's own, for SQL */
};

static void
raw_exec(struct fx *fx, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(fx->raw, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* The number sql's single row answers. */
static int64_t
raw_int(struct fx *fx, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(fx->raw, sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(fx->path, sizeof(fx->path), "%s/vigie.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(sqlite3_open(fx->path, &fx->raw), SQLITE_OK);
	sqlite3_busy_timeout(fx->raw, 5000);
	/* Two scanned hosts and an enrolled one. */
	raw_exec(fx,
		 "INSERT INTO hosts(hostname) VALUES ('pc-urg-1'),"
		 " ('srv-pacs');"
		 "INSERT INTO agents(id, site, hostname, secret_hash,"
		 " enrolled_at) VALUES ('a-1', 'Nord', 'pc-urg-2', 'x', 1);"
		 "INSERT INTO hosts(hostname, agent_id) VALUES"
		 " ('pc-urg-2', 'a-1');");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	sqlite3_close(fx->raw);
	vg_store_free(fx->s);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static struct vg_incident
sample(void)
{
	struct vg_incident inc;

	memset(&inc, 0, sizeof(inc));
	inc.title = "Rançongiciel aux urgences";
	inc.type = VG_INC_RANSOMWARE;
	inc.detected_at = NOW - 3600;
	inc.care = VG_CARE_POTENTIAL;
	inc.persons = -1;
	inc.status = VG_INC_OPEN;
	inc.availability = true;
	return inc;
}

static int64_t
open_one(struct fx *fx, const char *const *assets, size_t n)
{
	struct vg_incident inc = sample();
	struct vg_err err;
	int64_t id = 0;

	vg_err_clear(&err);
	if (vg_store_incident_open(fx->s, &inc, assets, n, "alice", NOW, &id,
				   &err) != VG_OK)
		fail_msg("%s", err.msg);
	assert_true(id > 0);
	return id;
}

static json_t *
get(struct fx *fx, int64_t id)
{
	struct vg_err err;
	json_t *o = NULL;

	vg_err_clear(&err);
	if (vg_store_incident_get(fx->s, id, &o, &err) != VG_OK)
		fail_msg("%s", err.msg);
	return o;
}

/* Verify the timeline of incident doc as the CLI does: n entries, the
 * index of the first bad one (n when intact). */
static size_t
verify_doc(const json_t *doc, size_t *n)
{
	const json_t *tl = json_object_get(doc, "timeline"), *o;
	struct vg_timeline_entry *e;
	struct vg_err err;
	size_t i, bad = 0;

	*n = json_array_size(tl);
	e = calloc(*n + 1, sizeof(*e));
	assert_non_null(e);
	json_array_foreach(tl, i, o)
	{
		e[i].incident_id =
			json_integer_value(json_object_get(doc, "id"));
		e[i].seq = json_integer_value(json_object_get(o, "seq"));
		e[i].at = json_integer_value(json_object_get(o, "at"));
		e[i].actor = json_string_value(json_object_get(o, "actor"));
		e[i].kind = json_string_value(json_object_get(o, "kind"));
		e[i].detail =
			json_string_value(json_object_get(o, "detail_text"));
		(void)snprintf(e[i].prev, sizeof(e[i].prev), "%s",
			       json_string_value(json_object_get(o, "prev")));
		(void)snprintf(e[i].hash, sizeof(e[i].hash), "%s",
			       json_string_value(json_object_get(o, "hash")));
	}
	assert_int_equal(vg_timeline_verify(e, *n, &bad, &err), VG_OK);
	free(e);
	return bad;
}

static void
test_open_get(void **state)
{
	struct fx *fx = *state;
	const char *const assets[] = {"pc-urg-2", "srv-pacs", "pc-urg-2"};
	json_t *doc, *a, *e, *d;
	struct vg_incident back;
	struct vg_err err;
	size_t n;
	int64_t id;

	id = open_one(fx, assets, 3);
	doc = get(fx, id);
	assert_int_equal(vg_incident_from_json(doc, &back, &err), VG_OK);
	assert_int_equal(back.id, id);
	assert_string_equal(back.title, "Rançongiciel aux urgences");
	assert_int_equal(back.type, VG_INC_RANSOMWARE);
	assert_int_equal(back.opened_at, NOW);
	assert_int_equal(back.detected_at, NOW - 3600);
	assert_true(back.availability && !back.integrity);
	a = json_object_get(doc, "assets");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(a, 0), "name")),
			    "pc-urg-2");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(a, 0), "agent_id")),
			    "a-1");
	assert_true(json_is_null(
		json_object_get(json_array_get(a, 1), "agent_id")));
	assert_true(json_is_integer(
		json_object_get(json_array_get(a, 1), "host_id")));
	/* The tasks backend may not exist yet: an empty array then. */
	assert_true(json_is_array(json_object_get(doc, "tasks")));
	e = json_array_get(json_object_get(doc, "timeline"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
			    "opened");
	assert_string_equal(json_string_value(json_object_get(e, "actor")),
			    "alice");
	assert_int_equal(json_integer_value(json_object_get(e, "at")), NOW);
	d = json_object_get(e, "detail");
	assert_string_equal(json_string_value(json_object_get(d, "title")),
			    "Rançongiciel aux urgences");
	assert_int_equal(json_array_size(json_object_get(d, "assets")), 3);
	assert_true(json_is_string(json_object_get(e, "detail_text")));
	assert_int_equal(verify_doc(doc, &n), 1);
	assert_int_equal(n, 1);
	json_decref(doc);
}

/* An unknown asset: NOTFOUND naming it, nothing stored. */
static void
test_open_unknown_asset(void **state)
{
	struct fx *fx = *state;
	const char *const assets[] = {"srv-pacs", "pc-ghost"};
	struct vg_incident inc = sample();
	struct vg_err err;
	int64_t id = 42;

	vg_err_clear(&err);
	assert_int_equal(vg_store_incident_open(fx->s, &inc, assets, 2, "alice",
						NOW, &id, &err),
			 VG_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "pc-ghost"));
	assert_int_equal(id, 0);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM incidents"), 0);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM incident_assets"),
			 0);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM timeline"), 0);
	/* Too many assets, an empty name: usage. */
	assert_int_equal(vg_store_incident_open(fx->s, &inc, assets,
						VG_INCIDENT_MAX_ASSETS + 1,
						"alice", NOW, &id, &err),
			 VG_ERR_USAGE);
	{
		const char *const empty[] = {""};

		assert_int_equal(vg_store_incident_open(fx->s, &inc, empty, 1,
							"alice", NOW, &id,
							&err),
				 VG_ERR_USAGE);
	}
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM incidents"), 0);
}

static void
test_update(void **state)
{
	struct fx *fx = *state;
	const char *const assets[] = {"srv-pacs"};
	struct vg_incident inc;
	struct vg_err err;
	json_t *doc, *e, *d, *title;
	size_t n;
	int64_t id = open_one(fx, assets, 1);

	doc = get(fx, id);
	assert_int_equal(vg_incident_from_json(doc, &inc, &err), VG_OK);
	/* No change: VG_OK and no entry. */
	assert_int_equal(vg_store_incident_update(fx->s, &inc, "status", "bob",
						  NOW + 60, &err),
			 VG_OK);
	assert_int_equal(raw_int(fx, "SELECT count(*) FROM timeline"), 1);
	/* Two fields changed: one entry naming both, old and new. */
	inc.status = VG_INC_CONTAINED;
	inc.title = "Rançongiciel contenu";
	assert_int_equal(vg_store_incident_update(fx->s, &inc, "status", "bob",
						  NOW + 60, &err),
			 VG_OK);
	json_decref(doc);
	doc = get(fx, id);
	assert_string_equal(json_string_value(json_object_get(doc, "status")),
			    "contained");
	assert_int_equal(json_integer_value(json_object_get(doc, "opened_at")),
			 NOW);
	assert_int_equal(json_array_size(json_object_get(doc, "timeline")), 2);
	e = json_array_get(json_object_get(doc, "timeline"), 1);
	assert_string_equal(json_string_value(json_object_get(e, "kind")),
			    "status");
	assert_string_equal(json_string_value(json_object_get(e, "actor")),
			    "bob");
	d = json_object_get(e, "detail");
	assert_int_equal(json_object_size(d), 2);
	title = json_object_get(d, "title");
	assert_string_equal(json_string_value(json_array_get(title, 0)),
			    "Rançongiciel aux urgences");
	assert_string_equal(json_string_value(json_array_get(title, 1)),
			    "Rançongiciel contenu");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(d, "status"), 1)),
			    "contained");
	assert_int_equal(verify_doc(doc, &n), 2);
	json_decref(doc);

	/* Unknown id, unknown kind. */
	inc.id = 999;
	assert_int_equal(vg_store_incident_update(fx->s, &inc, "status", "bob",
						  NOW, &err),
			 VG_ERR_NOTFOUND);
	inc.id = id;
	assert_int_equal(
		vg_store_incident_update(fx->s, &inc, "note", "bob", NOW, &err),
		VG_ERR_USAGE);
}

static void
test_append(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *actor, *kind, *detail;
		enum vg_rc want;
	} rows[] = {
		{"alice", "note", "{\"text\":\"appel du SAMU\"}", VG_OK},
		{"vigie", "alert", "{}", VG_OK},
		{"alice", "note", "[1]", VG_ERR_USAGE},
		{"alice", "note", "{\"a\":", VG_ERR_USAGE},
		{"alice", "note", "\"s\"", VG_ERR_USAGE},
		{"alice", "note", "{\"a\":1,\"a\":2}", VG_ERR_USAGE},
		{"alice", "note", "{\"t\":\"\xff\"}", VG_ERR_USAGE},
		{"alice", "", "{}", VG_ERR_USAGE},
		{"", "note", "{}", VG_ERR_USAGE},
		{"alice", "a-kind-longer-than-thirty-two-bytes", "{}",
		 VG_ERR_USAGE},
		{"al\nice", "note", "{}", VG_ERR_USAGE},
		{NULL, "note", "{}", VG_ERR_USAGE},
		{"alice", "note", NULL, VG_ERR_USAGE},
	};
	const char *const assets[] = {"pc-urg-1"};
	struct vg_err err;
	int64_t id = open_one(fx, assets, 1), seq, want_seq = 2;
	char *big;
	size_t i, n;
	json_t *doc;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		seq = -5;
		vg_err_clear(&err);
		assert_int_equal(
			vg_store_timeline_append(fx->s, id, NOW + (int64_t)i,
						 rows[i].actor, rows[i].kind,
						 rows[i].detail, &seq, &err),
			rows[i].want);
		assert_int_equal(seq, rows[i].want == VG_OK ? want_seq : 0);
		if (rows[i].want == VG_OK)
			want_seq++;
	}
	/* The detail's limit. */
	big = malloc(VG_TIMELINE_DETAIL_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', VG_TIMELINE_DETAIL_MAX + 1);
	big[0] = '{';
	big[VG_TIMELINE_DETAIL_MAX] = '}';
	big[VG_TIMELINE_DETAIL_MAX + 1] = '\0';
	assert_int_equal(vg_store_timeline_append(fx->s, id, NOW, "a", "note",
						  big, &seq, &err),
			 VG_ERR_USAGE);
	big[VG_TIMELINE_DETAIL_MAX - 1] = '}';
	big[VG_TIMELINE_DETAIL_MAX] = '\0';
	assert_int_equal(vg_store_timeline_append(fx->s, id, NOW, "a", "note",
						  big, &seq, &err),
			 VG_OK);
	free(big);
	assert_int_equal(vg_store_timeline_append(fx->s, 999, NOW, "a", "note",
						  "{}", &seq, &err),
			 VG_ERR_NOTFOUND);
	doc = get(fx, id);
	/* The text is kept byte for byte. */
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(doc, "timeline"), 1),
			"detail_text")),
		"{\"text\":\"appel du SAMU\"}");
	assert_int_equal(verify_doc(doc, &n), 4);
	assert_int_equal(n, 4);
	json_decref(doc);
}

static void
test_lists(void **state)
{
	struct fx *fx = *state;
	const char *const a1[] = {"pc-urg-1"},
			  *const a2[] = {"pc-urg-1", "srv-pacs"};
	struct vg_incident inc;
	struct vg_err err;
	json_t *doc, *arr;
	int64_t id1 = open_one(fx, a1, 1), id2 = open_one(fx, a2, 2),
		id3 = open_one(fx, NULL, 0);

	doc = get(fx, id2);
	assert_int_equal(vg_incident_from_json(doc, &inc, &err), VG_OK);
	inc.status = VG_INC_CLOSED;
	inc.closed_at = NOW + 10;
	assert_int_equal(vg_store_incident_update(fx->s, &inc, "closed", "bob",
						  NOW + 10, &err),
			 VG_OK);
	json_decref(doc);

	assert_int_equal(vg_store_incident_list(fx->s, NULL, &arr, &err),
			 VG_OK);
	assert_int_equal(json_array_size(arr), 3);
	/* Newest first, assets by name, no timeline. */
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(arr, 0), "id")),
			 id3);
	assert_int_equal(json_array_size(json_object_get(json_array_get(arr, 1),
							 "assets")),
			 2);
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_array_get(arr, 1), "assets"), 1)),
		"srv-pacs");
	assert_null(json_object_get(json_array_get(arr, 0), "timeline"));
	json_decref(arr);

	assert_int_equal(vg_store_incident_list(fx->s, "closed", &arr, &err),
			 VG_OK);
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(arr, 0), "id")),
			 id2);
	json_decref(arr);
	assert_int_equal(vg_store_incident_list(fx->s, "active", &arr, &err),
			 VG_OK);
	assert_int_equal(json_array_size(arr), 2);
	json_decref(arr);
	assert_int_equal(vg_store_incident_list(fx->s, "contained", &arr, &err),
			 VG_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(vg_store_incident_list(fx->s, "ouvert", &arr, &err),
			 VG_ERR_USAGE);
	assert_null(arr);

	/* For a host: the not-closed incidents naming it. */
	assert_int_equal(
		vg_store_incidents_for_host(fx->s, "pc-urg-1", &arr, &err),
		VG_OK);
	assert_int_equal(json_array_size(arr), 1);
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(arr, 0), "id")),
			 id1);
	json_decref(arr);
	assert_int_equal(
		vg_store_incidents_for_host(fx->s, "srv-pacs", &arr, &err),
		VG_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(
		vg_store_incidents_for_host(fx->s, "nobody", &arr, &err),
		VG_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	assert_int_equal(vg_store_incident_get(fx->s, 999, &arr, &err),
			 VG_ERR_NOTFOUND);
	assert_null(arr);
}

/* The triggers refuse UPDATE and DELETE; without them a change shows. */
static void
test_append_only(void **state)
{
	struct fx *fx = *state;
	const char *const assets[] = {"srv-pacs"};
	int64_t id = open_one(fx, assets, 1), seq;
	struct vg_err err;
	char *msg = NULL;
	json_t *doc;
	size_t n;

	assert_int_equal(vg_store_timeline_append(fx->s, id, NOW, "a", "note",
						  "{\"x\":1}", &seq, &err),
			 VG_OK);
	assert_int_equal(vg_store_timeline_append(fx->s, id, NOW, "a", "note",
						  "{\"x\":2}", &seq, &err),
			 VG_OK);
	assert_int_not_equal(sqlite3_exec(fx->raw,
					  "UPDATE timeline SET detail = '{}'"
					  " WHERE seq = 2",
					  NULL, NULL, &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_not_equal(sqlite3_exec(fx->raw,
					  "DELETE FROM timeline WHERE seq = 3",
					  NULL, NULL, &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	doc = get(fx, id);
	assert_int_equal(verify_doc(doc, &n), 3);
	json_decref(doc);

	/* Someone drops the triggers and edits entry 2: it is named. */
	raw_exec(fx,
		 "DROP TRIGGER timeline_no_update;"
		 "UPDATE timeline SET detail = '{\"x\":9}' WHERE seq = 2");
	doc = get(fx, id);
	assert_int_equal(verify_doc(doc, &n), 1);
	json_decref(doc);
	/* ... or removes it. */
	raw_exec(fx,
		 "UPDATE timeline SET detail = '{\"x\":1}' WHERE seq = 2;"
		 "DROP TRIGGER timeline_no_delete;"
		 "DELETE FROM timeline WHERE seq = 2");
	doc = get(fx, id);
	assert_int_equal(verify_doc(doc, &n), 1);
	assert_int_equal(n, 2);
	json_decref(doc);
	/* Detail made invalid UTF-8 or not JSON: null, still named. */
	raw_exec(fx,
		 "UPDATE timeline SET detail = X'7B22FF227D'"
		 " WHERE seq = 1");
	doc = get(fx, id);
	assert_true(json_is_null(json_object_get(
		json_array_get(json_object_get(doc, "timeline"), 0),
		"detail")));
	assert_int_equal(verify_doc(doc, &n), 0);
	json_decref(doc);
}

/* Two connections appending in turn: one chain, seq 1..n. */
static void
test_two_connections(void **state)
{
	struct fx *fx = *state;
	const char *const assets[] = {"srv-pacs"};
	struct vg_store *other = NULL;
	struct vg_err err;
	int64_t id = open_one(fx, assets, 1), seq;
	json_t *doc;
	size_t i, n;

	vg_err_clear(&err);
	assert_int_equal(vg_store_open_sqlite(&other, fx->path, &err), VG_OK);
	for (i = 0; i < 20; i++) {
		struct vg_store *s = i % 2 == 0 ? fx->s : other;
		char detail[32];

		(void)snprintf(detail, sizeof(detail), "{\"i\":%zu}", i);
		assert_int_equal(vg_store_timeline_append(s, id, NOW, "a",
							  "note", detail, &seq,
							  &err),
				 VG_OK);
		assert_int_equal(seq, (int64_t)i + 2);
	}
	/* A read on one, a write on the other: the writer does not wait
	 * on a statement left open by the reader. */
	doc = get(fx, id);
	assert_int_equal(vg_store_timeline_append(other, id, NOW, "a", "note",
						  "{}", &seq, &err),
			 VG_OK);
	json_decref(doc);
	vg_store_free(other);
	doc = get(fx, id);
	assert_int_equal(verify_doc(doc, &n), 22);
	assert_int_equal(n, 22);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_unknown_asset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_two_connections, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

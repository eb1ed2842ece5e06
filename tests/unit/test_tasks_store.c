/*
 * Agent tasks in the SQLite store (sqlite_tasks.c): queueing for a
 * host's agent, fetching (marked delivered, sent again until answered),
 * answering (once, by the task's own agent), evidence kept as received
 * with its BLAKE2b digest in the timeline, and the refusals, each with
 * nothing stored.
 */
#include "util/common.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "respond/incident.h"
#include "store/store.h"
#include "util/banned.h"

struct fixture {
	struct vg_store *s;
	char *dir;
	char path[4096];
	int64_t incident;
};

static void
add_agent(struct vg_store *s, const char *id, const char *hostname)
{
	struct vg_agent_rec a;
	struct vg_err err;

	memset(&a, 0, sizeof(a));
	(void)snprintf(a.id, sizeof(a.id), "%s", id);
	(void)snprintf(a.site, sizeof(a.site), "chu-nord");
	(void)snprintf(a.hostname, sizeof(a.hostname), "%s", hostname);
	(void)snprintf(a.secret_hash, sizeof(a.secret_hash), "%064d", 7);
	a.enrolled_at = 1000;
	vg_err_clear(&err);
	if (vg_store_agent_add(s, &a, &err) != VG_OK)
		fail_msg("agent_add: %s", err.msg);
}

static void
make_facts(struct vg_facts *f, const char *host)
{
	vg_facts_init(f);
	f->collected_at = 2000;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, host);
	f->os.id = vg_facts_str(f, "debian");
	vg_facts_collected(f, VG_SRC_OS);
}

/* A report of agent naming host: the host exists, with its agent. */
static void
report(struct vg_store *s, const char *agent, const char *uuid,
       const char *host)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	bool dup = false;

	make_facts(&f, host);
	vg_report_init(&r);
	vg_err_clear(&err);
	if (vg_store_put_report(s, agent, uuid, 2005, &f, &r, &dup, &err) !=
	    VG_OK)
		fail_msg("put_report: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* A local scan of host: a host without agent. */
static void
local_scan(struct vg_store *s, const char *host)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id = 0;

	make_facts(&f, host);
	vg_report_init(&r);
	vg_err_clear(&err);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

static int64_t
open_incident(struct vg_store *s, const char *const *assets, size_t n)
{
	struct vg_incident inc;
	struct vg_err err;
	int64_t id = 0;

	memset(&inc, 0, sizeof(inc));
	inc.title = (char *)"ransomware on web01";
	inc.type = VG_INC_RANSOMWARE;
	inc.detected_at = 3000;
	inc.care = VG_CARE_POTENTIAL;
	inc.persons = -1;
	inc.status = VG_INC_OPEN;
	vg_err_clear(&err);
	if (vg_store_incident_open(s, &inc, assets, n, "alice", 3000, &id,
				   &err) != VG_OK)
		fail_msg("incident_open: %s", err.msg);
	return id;
}

static int
setup(void **state)
{
	static const char *const assets[] = {"web01", "local01"};
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(fx->path, sizeof(fx->path), "%s/vigie.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, fx->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	add_agent(fx->s, "agent-a", "web01");
	add_agent(fx->s, "agent-b", "db01");
	report(fx->s, "agent-a", "11111111-1111-4111-8111-111111111111",
	       "web01");
	report(fx->s, "agent-b", "22222222-2222-4222-8222-222222222222",
	       "db01");
	local_scan(fx->s, "local01");
	fx->incident = open_incident(fx->s, assets, 2);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	vg_store_free(fx->s);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Queue kind for host; VG_OK expected, the id returned. */
static int64_t
queue(struct fixture *fx, const char *host, const char *kind)
{
	struct vg_err err;
	int64_t id = 0;

	vg_err_clear(&err);
	if (vg_store_task_add(fx->s, fx->incident, host, kind, "{}", "alice",
			      4000, &id, &err) != VG_OK)
		fail_msg("task_add: %s", err.msg);
	assert_true(id > 0);
	return id;
}

/* Task id in tasks_list(incident), or fail. Borrowed from *list. */
static const json_t *
listed(struct fixture *fx, int64_t id, json_t **list)
{
	struct vg_err err;
	const json_t *t;
	size_t i;

	vg_err_clear(&err);
	assert_int_equal(vg_store_tasks_list(fx->s, fx->incident, list, &err),
			 VG_OK);
	json_array_foreach(*list, i, t) if (json_integer_value(json_object_get(
						    t, "id")) == id) return t;
	fail_msg("task %lld not listed", (long long)id);
	return NULL;
}

/* The incident's last timeline entry (in *inc, caller decrefs). */
static const json_t *
last_entry(struct fixture *fx, json_t **inc)
{
	struct vg_err err;
	const json_t *tl;

	vg_err_clear(&err);
	assert_int_equal(vg_store_incident_get(fx->s, fx->incident, inc, &err),
			 VG_OK);
	tl = json_object_get(*inc, "timeline");
	assert_true(json_array_size(tl) > 0);
	return json_array_get(tl, json_array_size(tl) - 1);
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(none)";
}

static json_int_t
num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
test_add(void **state)
{
	struct fixture *fx = *state;
	json_t *list = NULL, *inc = NULL;
	const json_t *t, *e;
	struct vg_err err;
	int64_t id, last = 0;

	vg_err_clear(&err);
	assert_int_equal(vg_store_tasks_last_id(fx->s, &last, &err), VG_OK);
	assert_int_equal(last, 0);
	id = queue(fx, "web01", "isolate");
	assert_int_equal(vg_store_tasks_last_id(fx->s, &last, &err), VG_OK);
	assert_int_equal(last, id);
	t = listed(fx, id, &list);
	assert_string_equal(str(t, "state"), "pending");
	assert_string_equal(str(t, "kind"), "isolate");
	assert_string_equal(str(t, "host"), "web01");
	assert_string_equal(str(t, "agent_id"), "agent-a");
	assert_int_equal(num(t, "incident_id"), fx->incident);
	assert_int_equal(num(t, "created_at"), 4000);
	assert_true(json_is_null(json_object_get(t, "delivered_at")));
	assert_true(json_is_null(json_object_get(t, "answered_at")));
	assert_true(json_is_null(json_object_get(t, "detail")));
	json_decref(list);
	/* The timeline names the task and the host, by its actor. */
	e = last_entry(fx, &inc);
	assert_string_equal(str(e, "kind"), "isolate");
	assert_string_equal(str(e, "actor"), "alice");
	assert_int_equal(num(json_object_get(e, "detail"), "task"), id);
	assert_string_equal(str(json_object_get(e, "detail"), "host"), "web01");
	json_decref(inc);
}

/* Refusals: nothing queued, nothing appended. */
static void
test_add_refused(void **state)
{
	static char long_host[VG_STORE_NAME_MAX + 8];
	static const struct {
		int64_t incident; /* 0: the fixture's */
		const char *host, *kind, *payload;
		enum vg_rc rc;
		const char *msg;
	} rows[] = {
		{999, "web01", "isolate", "{}", VG_ERR_NOTFOUND, "incident"},
		{0, "nosuch", "isolate", "{}", VG_ERR_NOTFOUND, "unknown host"},
		{0, "local01", "isolate", "{}", VG_ERR_NOTFOUND, "no agent"},
		{0, "web01", "reboot", "{}", VG_ERR_USAGE, "kind"},
		{0, "web01", NULL, "{}", VG_ERR_USAGE, "kind"},
		{0, "web01", "isolate", "[]", VG_ERR_USAGE, "payload"},
		{0, "web01", "isolate", "{\"a\":", VG_ERR_USAGE, "payload"},
		{0, "web01", "isolate", "{\"a\":1,\"a\":2}", VG_ERR_USAGE,
		 "payload"},
		{0, "web01", "isolate", NULL, VG_ERR_USAGE, "payload"},
		{0, "", "isolate", "{}", VG_ERR_USAGE, "host"},
		{0, NULL, "isolate", "{}", VG_ERR_USAGE, "host"},
		{0, long_host, "isolate", "{}", VG_ERR_USAGE, "host"},
	};
	struct fixture *fx = *state;
	json_t *inc = NULL;
	struct vg_err err;
	int64_t id, last;
	size_t i, n_entries;

	memset(long_host, 'h', sizeof(long_host) - 1);
	vg_err_clear(&err);
	assert_int_equal(vg_store_incident_get(fx->s, fx->incident, &inc, &err),
			 VG_OK);
	n_entries = json_array_size(json_object_get(inc, "timeline"));
	json_decref(inc);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		id = 77;
		assert_int_equal(vg_store_task_add(fx->s,
						   rows[i].incident != 0
							   ? rows[i].incident
							   : fx->incident,
						   rows[i].host, rows[i].kind,
						   rows[i].payload, "alice",
						   4000, &id, &err),
				 rows[i].rc);
		assert_int_equal(id, 0);
		if (strstr(err.msg, rows[i].msg) == NULL)
			fail_msg("row %zu: '%s' lacks '%s'", i, err.msg,
				 rows[i].msg);
	}
	assert_int_equal(vg_store_tasks_last_id(fx->s, &last, &err), VG_OK);
	assert_int_equal(last, 0);
	assert_int_equal(vg_store_incident_get(fx->s, fx->incident, &inc, &err),
			 VG_OK);
	assert_int_equal(json_array_size(json_object_get(inc, "timeline")),
			 n_entries);
	json_decref(inc);
}

static void
test_fetch(void **state)
{
	struct fixture *fx = *state;
	json_t *got = NULL, *list = NULL;
	const json_t *t;
	struct vg_err err;
	int64_t a1, a2, b1;

	a1 = queue(fx, "web01", "isolate");
	b1 = queue(fx, "db01", "isolate");
	a2 = queue(fx, "web01", "release");
	vg_err_clear(&err);
	assert_int_equal(
		vg_store_task_fetch(fx->s, "agent-a", 5000, &got, &err), VG_OK);
	/* Oldest first, only this agent's, payload an object. */
	assert_int_equal(json_array_size(got), 2);
	t = json_array_get(got, 0);
	assert_int_equal(num(t, "id"), a1);
	assert_string_equal(str(t, "kind"), "isolate");
	assert_int_equal(num(t, "incident_id"), fx->incident);
	assert_int_equal(num(t, "created_at"), 4000);
	assert_true(json_is_object(json_object_get(t, "payload")));
	assert_int_equal(num(json_array_get(got, 1), "id"), a2);
	json_decref(got);
	t = listed(fx, a1, &list);
	assert_string_equal(str(t, "state"), "delivered");
	assert_int_equal(num(t, "delivered_at"), 5000);
	json_decref(list);
	t = listed(fx, b1, &list);
	assert_string_equal(str(t, "state"), "pending");
	json_decref(list);
	/* Unanswered: sent again; the first delivery's time is kept. */
	assert_int_equal(
		vg_store_task_fetch(fx->s, "agent-a", 6000, &got, &err), VG_OK);
	assert_int_equal(json_array_size(got), 2);
	json_decref(got);
	t = listed(fx, a1, &list);
	assert_int_equal(num(t, "delivered_at"), 5000);
	json_decref(list);
	/* An agent with nothing, an unknown one. */
	assert_int_equal(
		vg_store_task_fetch(fx->s, "agent-z", 6000, &got, &err), VG_OK);
	assert_int_equal(json_array_size(got), 0);
	json_decref(got);
	assert_int_equal(vg_store_task_fetch(fx->s, "", 6000, &got, &err),
			 VG_ERR_USAGE);
	assert_null(got);
}

static void
test_result(void **state)
{
	struct fixture *fx = *state;
	char too_long[5000], bad_utf8[] = {'n', 'f', 't', (char)0xff, '\0'};
	json_t *got = NULL, *list = NULL, *inc = NULL;
	const json_t *t, *e, *d;
	struct vg_err err;
	int64_t a1, a2;

	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	a1 = queue(fx, "web01", "isolate");
	a2 = queue(fx, "web01", "release");
	vg_err_clear(&err);
	/* Another agent's task is unknown to it; so is an unknown id. */
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-b", "confirmed",
					      "", 5000, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_task_result(fx->s, 999, "agent-a",
					      "confirmed", "", 5000, &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", "done", "",
					      5000, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", NULL, "",
					      5000, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", "failed",
					      too_long, 5000, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", "failed",
					      bad_utf8, 5000, &err),
			 VG_ERR_USAGE);
	t = listed(fx, a1, &list);
	assert_string_equal(str(t, "state"), "pending");
	json_decref(list);
	/* A pending task may be answered (a fetch answer lost). */
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", "failed",
					      "nft: not found", 5100, &err),
			 VG_OK);
	e = last_entry(fx, &inc);
	assert_string_equal(str(e, "kind"), "task");
	assert_string_equal(str(e, "actor"), "agent:agent-a");
	d = json_object_get(e, "detail");
	assert_int_equal(num(d, "task"), a1);
	assert_string_equal(str(d, "kind"), "isolate");
	assert_string_equal(str(d, "host"), "web01");
	assert_string_equal(str(d, "state"), "failed");
	assert_string_equal(str(d, "detail"), "nft: not found");
	json_decref(inc);
	/* Answered once only. */
	assert_int_equal(vg_store_task_result(fx->s, a1, "agent-a", "confirmed",
					      "", 5200, &err),
			 VG_ERR_USAGE);
	t = listed(fx, a1, &list);
	assert_string_equal(str(t, "state"), "failed");
	assert_string_equal(str(t, "detail"), "nft: not found");
	assert_int_equal(num(t, "answered_at"), 5100);
	json_decref(list);
	assert_int_equal(vg_store_task_result(fx->s, a2, "agent-a", "confirmed",
					      NULL, 5300, &err),
			 VG_OK);
	t = listed(fx, a2, &list);
	assert_string_equal(str(t, "state"), "confirmed");
	json_decref(list);
	/* Nothing left to hand out. */
	assert_int_equal(
		vg_store_task_fetch(fx->s, "agent-a", 6000, &got, &err), VG_OK);
	assert_int_equal(json_array_size(got), 0);
	json_decref(got);
}

static void
test_list_all(void **state)
{
	struct fixture *fx = *state;
	json_t *list = NULL;
	struct vg_err err;
	int64_t a, b;

	a = queue(fx, "web01", "isolate");
	b = queue(fx, "db01", "isolate");
	vg_err_clear(&err);
	assert_int_equal(vg_store_tasks_list(fx->s, 0, &list, &err), VG_OK);
	assert_int_equal(json_array_size(list), 2);
	/* Newest first. */
	assert_int_equal(num(json_array_get(list, 0), "id"), b);
	assert_int_equal(num(json_array_get(list, 1), "id"), a);
	assert_string_equal(str(json_array_get(list, 0), "agent_id"),
			    "agent-b");
	json_decref(list);
	assert_int_equal(vg_store_tasks_list(fx->s, 12345, &list, &err), VG_OK);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

static void
test_evidence(void **state)
{
	static const char doc[] =
		"{\"schema\":\"vigie.evidence/1\",\"taken_at\":4100,"
		"\"processes\":[{\"pid\":1},{\"pid\":2},{\"pid\":3}],"
		"\"connections\":[],\"users\":[{\"user\":\"root\"}]}";
	struct fixture *fx = *state;
	unsigned char hash[32];
	char hex[65];
	json_t *summary, *not_obj, *inc = NULL;
	const json_t *e, *d;
	struct vg_err err;
	int64_t task, ev = 0, ev_task = 0;
	void *body = NULL;
	size_t len = 0;

	task = queue(fx, "web01", "isolate");
	summary = json_pack("{s:i, s:i, s:i}", "processes", 3, "connections", 0,
			    "users", 1);
	vg_err_clear(&err);
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a", doc,
					       strlen(doc), summary, 4200, &ev,
					       &err),
			 VG_OK);
	assert_true(ev > 0);
	assert_int_equal(
		vg_store_evidence_get(fx->s, ev, &body, &len, &ev_task, &err),
		VG_OK);
	assert_int_equal(len, strlen(doc));
	assert_memory_equal(body, doc, len);
	assert_int_equal(ev_task, task);
	free(body);
	/* The chain vouches for the body: its digest and counts. */
	(void)crypto_generichash(hash, sizeof(hash), (const unsigned char *)doc,
				 strlen(doc), NULL, 0);
	(void)sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	e = last_entry(fx, &inc);
	assert_string_equal(str(e, "kind"), "evidence");
	assert_string_equal(str(e, "actor"), "agent:agent-a");
	d = json_object_get(e, "detail");
	assert_string_equal(str(d, "blake2b"), hex);
	assert_int_equal(num(d, "task"), task);
	assert_int_equal(num(d, "evidence"), ev);
	assert_int_equal(num(d, "bytes"), (json_int_t)strlen(doc));
	assert_string_equal(str(d, "host"), "web01");
	assert_int_equal(num(d, "processes"), 3);
	assert_int_equal(num(d, "users"), 1);
	json_decref(inc);
	/* Refusals. */
	ev = 9;
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-b", doc,
					       strlen(doc), summary, 4200, &ev,
					       &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(ev, 0);
	assert_int_equal(vg_store_evidence_add(fx->s, 999, "agent-a", doc,
					       strlen(doc), summary, 4200, &ev,
					       &err),
			 VG_ERR_NOTFOUND);
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a", doc, 0,
					       summary, 4200, &ev, &err),
			 VG_ERR_USAGE);
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a", doc,
					       (16u << 20) + 1, summary, 4200,
					       &ev, &err),
			 VG_ERR_USAGE);
	not_obj = json_array();
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a", doc,
					       strlen(doc), not_obj, 4200, &ev,
					       &err),
			 VG_ERR_USAGE);
	json_decref(not_obj);
	assert_int_equal(
		vg_store_evidence_get(fx->s, 999, &body, &len, &ev_task, &err),
		VG_ERR_NOTFOUND);
	assert_null(body);
	json_decref(summary);
}

/* A large body (binary, NUL bytes included) comes back byte for byte. */
static void
test_evidence_large(void **state)
{
	struct fixture *fx = *state;
	size_t n = 3u << 20, i;
	unsigned char *big = malloc(n);
	struct vg_err err;
	int64_t task, ev = 0, ev_task = 0;
	void *body = NULL;
	size_t len = 0;

	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (unsigned char)((i * 2654435761u) >> 13);
	task = queue(fx, "web01", "isolate");
	vg_err_clear(&err);
	assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a", big, n,
					       NULL, 4200, &ev, &err),
			 VG_OK);
	assert_int_equal(
		vg_store_evidence_get(fx->s, ev, &body, &len, &ev_task, &err),
		VG_OK);
	assert_int_equal(len, n);
	assert_memory_equal(body, big, n);
	free(body);
	free(big);
}

/* Damaged rows (not written by us) are refused, never trusted. */
/* Evidence only for an isolation not yet answered, once per task. */
static void
test_evidence_limits(void **state)
{
	struct fixture *fx = *state;
	struct vg_err err;
	int64_t iso, rel, ev = 0;

	iso = queue(fx, "web01", "isolate");
	rel = queue(fx, "web01", "release");
	assert_int_equal(vg_store_evidence_add(fx->s, iso, "agent-a", "{}", 2,
					       NULL, 4200, &ev, &err),
			 VG_OK);
	assert_int_equal(vg_store_evidence_add(fx->s, iso, "agent-a", "{}", 2,
					       NULL, 4201, &ev, &err),
			 VG_ERR_USAGE);
	assert_non_null(strstr(err.msg, "already has its evidence"));
	assert_int_equal(vg_store_evidence_add(fx->s, rel, "agent-a", "{}", 2,
					       NULL, 4202, &ev, &err),
			 VG_ERR_USAGE);
	assert_non_null(strstr(err.msg, "takes no evidence"));
	/* Answered: no more evidence either. */
	iso = queue(fx, "web01", "isolate");
	assert_int_equal(vg_store_task_result(fx->s, iso, "agent-a",
					      "confirmed", "ok", 4300, &err),
			 VG_OK);
	assert_int_equal(vg_store_evidence_add(fx->s, iso, "agent-a", "{}", 2,
					       NULL, 4301, &ev, &err),
			 VG_ERR_USAGE);
}

static void
test_evidence_damaged(void **state)
{
	static const char *const damage[] = {
		"UPDATE evidence SET body = x'00112233'",
		"UPDATE evidence SET bytes = bytes + 1",
		"UPDATE evidence SET bytes = 0",
		"UPDATE evidence SET bytes = 99999999999",
	};
	struct fixture *fx = *state;
	struct vg_err err;
	int64_t task, ev = 0, ev_task = 0;
	void *body = NULL;
	size_t len = 0, i;
	sqlite3 *db;

	for (i = 0; i < VG_ARRAY_LEN(damage); i++) {
		/* One document per task: a task of its own each time. */
		task = queue(fx, "web01", "isolate");
		vg_err_clear(&err);
		assert_int_equal(vg_store_evidence_add(fx->s, task, "agent-a",
						       "{}", 2, NULL, 4200, &ev,
						       &err),
				 VG_OK);
		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, damage[i], NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(db);
		assert_int_equal(vg_store_evidence_get(fx->s, ev, &body, &len,
						       &ev_task, &err),
				 VG_ERR_PARSE);
		assert_null(body);
		assert_int_equal(len, 0);
	}
}

/* Two hosts of one name: the one with a live agent, newest first. */
static void
test_same_name(void **state)
{
	struct fixture *fx = *state;
	json_t *list = NULL;
	const json_t *t;
	int64_t id;

	add_agent(fx->s, "agent-c", "twin");
	add_agent(fx->s, "agent-d", "twin");
	report(fx->s, "agent-c", "33333333-3333-4333-8333-333333333333",
	       "twin");
	report(fx->s, "agent-d", "44444444-4444-4444-8444-444444444444",
	       "twin");
	id = queue(fx, "twin", "isolate");
	t = listed(fx, id, &list);
	assert_string_equal(str(t, "agent_id"), "agent-d");
	json_decref(list);
}

/* The memory store has no tasks: a usage error, not a crash. */
static void
test_memory(void **state)
{
	struct vg_store *s = NULL;
	struct vg_err err;
	json_t *out = NULL;
	int64_t id = 5;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_store_open_memory(&s, &err), VG_OK);
	assert_int_equal(vg_store_tasks_last_id(s, &id, &err), VG_ERR_USAGE);
	assert_int_equal(id, 0);
	assert_int_equal(vg_store_task_fetch(s, "a", 1, &out, &err),
			 VG_ERR_USAGE);
	assert_null(out);
	vg_store_free(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_add),
		T(test_add_refused),
		T(test_fetch),
		T(test_result),
		T(test_list_all),
		T(test_evidence),
		T(test_evidence_large),
		T(test_evidence_limits),
		T(test_evidence_damaged),
		T(test_same_name),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

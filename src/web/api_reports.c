/*
 * POST /api/v1/reports (docs/internals/agent-protocol.md): an enrolled
 * agent's facts, judged here under the server's policy and recorded
 * with the report's UUID, so a resend after a lost acknowledgement is a
 * harmless duplicate. Credentials are checked before the body is
 * parsed; the facts decoder treats the document as hostile.
 */
#include "util/common.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/report.h"
#include "core/rules.h"
#include "core/sections.h"
#include "respond/incident_facts.h"
#include "store/store.h"
#include "vuln/match.h"
#include "vuln/memo.h"
#include "web/http.h"
#include "web/routes.h"
#include "core/section_cache.h"
#include "util/uuid.h"
#include "util/banned.h"

/*
 * Match f against the known vulnerabilities when the store holds package
 * feeds, judge it under the server's policy and record it; answers. The
 * vulnerable packages are recorded with the facts, as `vigie scan`
 * records its own.
 */
/*
 * The members of jfacts sent by reference (core/sections.h): each is
 * taken out of the document and its decoded section found (in the
 * cache, else read from the store and decoded) into ent[i], for
 * vg_section_entry_graft once the rest is decoded; sec->known gets
 * their digests (in digests). False after answering: 400 for a
 * malformed reference or section, 409 naming the members whose section
 * the server does not hold (the agent then sends them in full).
 */
/* vg_section_fetch_fn: the request's store, under its lock. */
static enum vg_rc
fetch_section(void *c, const char *digest, enum vg_section kind, json_t **out,
	      struct vg_err *err)
{
	const struct vg_api_ctx *ctx = c;
	enum vg_rc rc;

	(void)kind;
	vg_api_lock(ctx);
	rc = vg_store_section_get(ctx->store, digest, out, err);
	vg_api_unlock(ctx);
	return rc;
}

static bool
resolve_sections(const struct vg_api_ctx *ctx, json_t *jfacts,
		 char digests[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX],
		 struct vg_section_entry *ent[VG_SECTION_COUNT],
		 struct vg_report_sections *sec, struct vg_http_response *resp)
{
	json_t *missing = NULL;
	const char *name;
	char what[128];
	struct vg_err err;
	enum vg_rc rc;
	int i;

	vg_err_clear(&err);
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		name = vg_section_name((enum vg_section)i);
		/* The vulnerable packages are the server's to derive: an
		 * agent naming a stored list would choose what the facts
		 * say of the host. */
		if (i >= VG_SECTION_AGENT_COUNT &&
		    vg_section_is_ref(json_object_get(jfacts, name))) {
			json_decref(missing);
			vg_http_error(resp, 400,
				      "facts.%s: not sent by reference", name);
			return false;
		}
		rc = vg_section_take(jfacts, (enum vg_section)i, fetch_section,
				     (void *)ctx, digests[i], &ent[i], &err);
		if (digests[i][0] != '\0' && rc != VG_ERR_PARSE)
			sec->known[i] = digests[i];
		if (rc == VG_ERR_NOTFOUND) {
			if (missing == NULL)
				missing = json_array();
			(void)json_array_append_new(missing, json_string(name));
			continue;
		}
		if (rc != VG_OK) {
			json_decref(missing);
			if (rc == VG_ERR_NOMEM || rc == VG_ERR_STORE) {
				vg_api_log_error("reports", &err);
				vg_http_error(resp, 500, "internal error");
			} else
				vg_http_error(resp, 400, "%s", err.msg);
			return false;
		}
	}
	if (missing == NULL)
		return true;
	(void)snprintf(what, sizeof(what),
		       "facts.%s: unknown reference, send the section in full",
		       json_string_value(json_array_get(missing, 0)));
	vg_http_json(resp, 409,
		     json_pack("{s:s, s:o}", "error", what, "unknown_sections",
			       missing));
	return false;
}

/* The sections taken from the cache given to f; false on no memory. */
static bool
graft_sections(struct vg_section_entry *const ent[VG_SECTION_COUNT],
	       struct vg_facts *f)
{
	int i;

	for (i = 0; i < VG_SECTION_COUNT; i++)
		if (ent[i] != NULL &&
		    vg_section_entry_graft(ent[i], f) != VG_OK)
			return false;
	return true;
}

/* The 201 answer: the digests of the members now held by reference. */
static json_t *
stored_answer(const char *uuid, const struct vg_report_sections *sec)
{
	json_t *o, *m;
	const char *name;
	int i;

	o = json_pack("{s:b, s:s}", "stored", 1, "uuid", uuid);
	m = json_object();
	for (i = 0; o != NULL && m != NULL && i < VG_SECTION_COUNT; i++) {
		/* The vulnerable packages are the server's, not the
		 * agent's to send by reference. */
		if (sec->digest[i][0] == '\0' || i == VG_SECTION_VULNS)
			continue;
		name = vg_section_name((enum vg_section)i);
		(void)json_object_set_new(m, name, json_string(sec->digest[i]));
	}
	if (o != NULL && m != NULL && json_object_size(m) > 0)
		(void)json_object_set_new(o, "sections", m);
	else
		json_decref(m);
	return o;
}

/* The names of the members sent by reference. */
static json_t *
known_names(const struct vg_report_sections *sec)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a != NULL && i < VG_SECTION_COUNT; i++)
		if (sec->known[i] != NULL)
			(void)json_array_append_new(
				a,
				json_string(
					vg_section_name((enum vg_section)i)));
	return a;
}

/*
 * Group commit: a report, prepared, waits in a queue; the first request
 * thread to find no commit running takes the queue (at most
 * GC_BATCH_MAX reports) and records it in one transaction on its own
 * store (vg_store_reports_commit), while the others wait for the
 * commit that holds their report: one fsync and one write of the pages
 * the reports share (summaries, sums, indexes' ends) for many reports,
 * and the acknowledgement still follows the commit.
 */
#define GC_BATCH_MAX 64
#define GC_QUEUE_MAX 256

struct gc_slot {
	struct vg_report_item *it;
	bool *done;
};

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gc_cond = PTHREAD_COND_INITIALIZER;
static struct gc_slot gc_queue[GC_QUEUE_MAX];
static size_t gc_n;
static bool gc_busy;

/* Record it (prepared) with whatever else waits; returns once the
 * transaction that holds it ended (it->rc says how). */
static void
group_commit(const struct vg_api_ctx *ctx, struct vg_report_item *it)
{
	struct vg_report_item *batch[GC_BATCH_MAX];
	bool *done_of[GC_BATCH_MAX];
	struct vg_err err;
	bool done = false;
	size_t i, n;

	(void)pthread_mutex_lock(&gc_lock);
	while (gc_n == GC_QUEUE_MAX)
		(void)pthread_cond_wait(&gc_cond, &gc_lock);
	gc_queue[gc_n].it = it;
	gc_queue[gc_n++].done = &done;
	while (!done) {
		if (gc_busy) {
			(void)pthread_cond_wait(&gc_cond, &gc_lock);
			continue;
		}
		/* Lead: take the oldest, up to a batch. */
		gc_busy = true;
		n = gc_n < GC_BATCH_MAX ? gc_n : GC_BATCH_MAX;
		for (i = 0; i < n; i++) {
			batch[i] = gc_queue[i].it;
			done_of[i] = gc_queue[i].done;
		}
		memmove(gc_queue, gc_queue + n,
			(gc_n - n) * sizeof(gc_queue[0]));
		gc_n -= n;
		(void)pthread_mutex_unlock(&gc_lock);
		vg_err_clear(&err);
		if (vg_store_reports_commit(ctx->store, batch, n, &err) !=
		    VG_OK)
			vg_api_log_error("reports", &err);
		(void)pthread_mutex_lock(&gc_lock);
		for (i = 0; i < n; i++)
			*done_of[i] = true;
		gc_busy = false;
		(void)pthread_cond_broadcast(&gc_cond);
	}
	(void)pthread_mutex_unlock(&gc_lock);
}

static void
judge_and_store(const struct vg_api_ctx *ctx, const struct vg_agent_rec *agent,
		const char *uuid, struct vg_facts *f,
		struct vg_report_sections *sec, struct vg_http_response *resp)
{
	struct vg_report_item it;
	struct vg_report r;
	struct vg_err err;
	const char *pk;
	bool duplicate = false;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_report_init(&r);
	/* Packages sent by reference: matched once per set and release
	 * while the feeds stay as they are. */
	pk = sec->known[VG_SECTION_PACKAGES];
	if (ctx->match_vulns &&
	    (pk == NULL || !vg_vuln_memo_get(pk, ctx->feeds_state, f))) {
		/* The lookup reads the store: under its lock. */
		vg_api_lock(ctx);
		rc = vg_vuln_match(f, vg_store_vuln_lookup_cb, ctx->store,
				   &err);
		vg_api_unlock(ctx);
		if (rc != VG_OK) {
			vg_api_log_error("reports", &err);
			vg_http_error(resp, 500, "internal error");
			goto done;
		}
		if (pk != NULL)
			vg_vuln_memo_put(pk, ctx->feeds_state, f);
	}
	/* The incidents naming the host, from the store (R10). */
	vg_api_lock(ctx);
	rc = vg_incident_facts_fill(ctx->store, f, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_log_error("reports", &err);
		vg_http_error(resp, 500, "internal error");
		goto done;
	}
	if (vg_rules_evaluate(f, ctx->policy, &r, &err) != VG_OK) {
		vg_api_log_error("reports", &err);
		vg_http_error(resp, 500, "internal error");
		goto done;
	}
	memset(&it, 0, sizeof(it));
	it.agent_id = agent->id;
	it.uuid = uuid;
	it.received_at = ctx->now;
	it.f = f;
	it.r = &r;
	it.sec = sec;
	/* Serialising and compressing here, in parallel with the other
	 * requests; recording in a transaction shared with them. */
	vg_api_lock(ctx);
	if (vg_store_report_prepare(ctx->store, &it) == VG_OK)
		group_commit(ctx, &it);
	vg_api_unlock(ctx);
	rc = it.rc;
	err = it.err;
	duplicate = it.duplicate;
	vg_store_report_release(ctx->store, &it);
	if (rc == VG_ERR_NOTFOUND) {
		/* A section the cache knew but the store lost. */
		vg_http_json(resp, 409,
			     json_pack("{s:s, s:o}", "error",
				       "facts: unknown reference, send the "
				       "sections in full",
				       "unknown_sections", known_names(sec)));
	} else if (rc != VG_OK) {
		vg_api_log_error("reports", &err);
		vg_http_error(resp, 500, "internal error");
	} else if (duplicate)
		vg_http_json(
			resp, 200,
			json_pack("{s:b, s:s}", "duplicate", 1, "uuid", uuid));
	else
		vg_http_json(resp, 201, stored_answer(uuid, sec));
done:
	vg_report_release(&r);
}

/* Count the outcome of a report for /metrics (no stats in unit tests). */
static void
count_outcome(const struct vg_api_ctx *ctx, unsigned status)
{
	unsigned long long *n;

	if (ctx->stats == NULL)
		return;
	if (status == 201)
		n = &ctx->stats->reports_stored;
	else if (status == 200)
		n = &ctx->stats->reports_duplicate;
	else
		n = &ctx->stats->reports_refused;
	(void)__atomic_add_fetch(n, 1, __ATOMIC_RELAXED);
}

void
vg_api_reports_auth(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp)
{
	struct vg_agent_rec agent;

	(void)vg_api_agent_auth(ctx, req, &agent, resp, "reports");
}

void
vg_api_reports(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	char digests[VG_SECTION_COUNT][VG_SECTION_DIGEST_MAX];
	struct vg_section_entry *ent[VG_SECTION_COUNT] = {NULL};
	struct vg_report_sections sec;
	struct vg_agent_rec agent;
	json_t *jfacts;
	char uuid[VG_UUID_LEN + 1];
	struct vg_facts f;
	struct vg_err err;
	json_t *doc;
	size_t i;

	vg_err_clear(&err);
	if (!vg_api_agent_auth(ctx, req, &agent, resp, "reports"))
		return;
	if ((doc = vg_api_report_envelope(req, uuid, resp)) == NULL)
		return;
	if (!json_is_object(jfacts = json_object_get(doc, "facts"))) {
		vg_http_error(resp, 400, "facts: %s",
			      jfacts == NULL ? "missing" : "not an object");
		goto done;
	}
	memset(&sec, 0, sizeof(sec));
	if (!resolve_sections(ctx, jfacts, digests, ent, &sec, resp))
		goto done;
	vg_facts_init(&f);
	if (vg_facts_from_json(&f, jfacts, &err) != VG_OK) {
		/* f is released; the message names the field. */
		if (err.rc == VG_ERR_NOMEM) {
			vg_http_error(resp, 500, "internal error");
			goto done;
		}
		vg_http_error(resp, 400, "%s", err.msg);
		goto done;
	}
	if (!graft_sections(ent, &f))
		vg_http_error(resp, 500, "internal error");
	else
		judge_and_store(ctx, &agent, uuid, &f, &sec, resp);
	vg_facts_release(&f);
done:
	/* After f's release: its grafted items pointed into them. */
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_section_entry_unref(ent[i]);
	count_outcome(ctx, resp->status);
	json_decref(doc);
}

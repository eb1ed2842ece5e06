/*
 * The memory store: scans kept in a growing array, each as the JSON
 * document last_scan returns, for tests of rules, handlers and the store
 * contract itself, and the server's records (sessions included) in
 * plain arrays, and the declared assets as the JSON list they are read
 * as, but not the server's read side (list_assets...). Same
 * behaviour as the SQLite store, nothing on disk. Not thread-safe.
 */
#include "util/common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/report_json.h"
#include "store/store.h"
#include "util/banned.h"

/* A host: a local one is known by its name, an agent's by its agent. */
struct mem_host {
	char *name;
	char agent[VG_STORE_ID_MAX]; /* "" for a local scan's host */
};

struct mem_scan {
	struct vg_scan_summary sum; /* host filled in when listed */
	size_t host;                /* index in hosts */
	json_t *doc; /* {"facts", "findings", "not_evaluated", "scores"} */
};

/* A console session: the cookie's hash, never the cookie. */
struct mem_session {
	char hash[VG_STORE_HASH_MAX];
	char csrf[VG_STORE_HASH_MAX];
	int64_t user_id;
	int64_t expires_at;
};

struct mem_token {
	char hash[VG_STORE_HASH_MAX];
	char site[VG_STORE_NAME_MAX];
	int64_t expires_at;
	bool used;
};

/* Growing arrays: n used of cap. Not thread-safe (tests only). */
struct mem {
	struct mem_scan *scans;
	size_t n, cap;
	int64_t next_id;
	struct mem_host *hosts;
	size_t n_hosts, cap_hosts;
	struct vg_user_rec *users;
	size_t n_users, cap_users;
	int64_t next_user_id;
	struct mem_token *tokens;
	size_t n_tokens, cap_tokens;
	struct vg_agent_rec *agents;
	size_t n_agents, cap_agents;
	struct vg_apikey_rec *apikeys;
	size_t n_apikeys, cap_apikeys;
	char (*reports)[VG_STORE_ID_MAX]; /* UUIDs of agents' reports */
	size_t n_reports, cap_reports;
	json_t *audit; /* [{"at", "actor", "action", "detail"}] */
	struct mem_session *sessions;
	size_t n_sessions, cap_sessions;
	/* Declared assets, as assets_list gives them, kept by name. */
	json_t *assets;
	int64_t next_asset_id;
};

static enum vg_rc
mem_nomem(struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_NOMEM, _("store: out of memory"));
}

/*
 * Room for one more element in v (n used of *cap elements of size
 * bytes): v itself or its larger copy, NULL (v untouched) on no memory.
 * Making room changes no content, so a failure after it undoes nothing.
 */
static void *
mem_room(void *v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 8;
	if ((p = reallocarray(v, ncap, size)) == NULL)
		return NULL;
	*cap = ncap;
	return p;
}

/* Room in array a (n used of cap) through p: false on no memory. */
#define MEM_ROOM(p, a, n, cap)                                                 \
	(((p) = mem_room((a), (n), &(cap), sizeof(*(a)))) != NULL &&           \
	 ((a) = (p), true))

/* True when s is set, not empty and shorter than size (with its NUL). */
static bool
key_ok(const char *s, size_t size)
{
	return s != NULL && s[0] != '\0' && strnlen(s, size) < size;
}

static enum vg_rc
bad_arg(struct vg_err *err, const char *what)
{
	return vg_err_set(err, VG_ERR_USAGE,
			  _("store: %s is missing or too long"), what);
}

/* The scan document of f and r; NULL on no memory. */
static json_t *
mem_doc(const struct vg_facts *f, const struct vg_report *r)
{
	json_t *doc, *facts;

	/* The report in its stored (English) form, as the SQLite store. */
	if ((doc = json_object()) == NULL ||
	    (facts = vg_facts_to_json(f)) == NULL ||
	    json_object_set_new(doc, "facts", facts) != 0 ||
	    vg_report_to_json(r, doc, false) != VG_OK) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Append a scan of host holding doc; room was made by the caller. */
static int64_t
mem_append_scan(struct mem *m, json_t *doc, const struct vg_facts *f,
		const struct vg_report *r, size_t host)
{
	struct mem_scan *sc = &m->scans[m->n++];
	int k;

	memset(sc, 0, sizeof(*sc));
	sc->doc = doc;
	sc->host = host;
	sc->sum.id = m->next_id++;
	sc->sum.at = f->collected_at;
	for (k = 0; k <= VG_RULE_COUNT; k++)
		sc->sum.scores[k] = k == 0 || r->scores[k] < 0 ? VG_SCORE_NONE
							       : r->scores[k];
	sc->sum.overall = r->overall < 0 ? VG_SCORE_NONE : r->overall;
	sc->sum.n_findings = r->n_findings;
	return sc->sum.id;
}

/* The index of the host of a local scan (agent "") or of an agent. */
static size_t
mem_find_host(const struct mem *m, const char *name, const char *agent)
{
	size_t i;

	for (i = 0; i < m->n_hosts; i++)
		if (agent[0] != '\0' ? strcmp(m->hosts[i].agent, agent) == 0
				     : m->hosts[i].agent[0] == '\0' &&
				    strcmp(m->hosts[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

static enum vg_rc
mem_put_scan(struct vg_store *s, const struct vg_facts *f,
	     const struct vg_report *r, int64_t *scan_id, struct vg_err *err)
{
	struct mem *m = s->impl;
	const char *name = f->os.hostname != NULL ? f->os.hostname : "";
	char *copy = NULL;
	json_t *doc;
	size_t host;
	void *p;

	*scan_id = 0;
	if (!MEM_ROOM(p, m->scans, m->n, m->cap) ||
	    !MEM_ROOM(p, m->hosts, m->n_hosts, m->cap_hosts))
		return mem_nomem(err);
	host = mem_find_host(m, name, "");
	if ((host == SIZE_MAX && (copy = strdup(name)) == NULL) ||
	    (doc = mem_doc(f, r)) == NULL) {
		free(copy);
		return mem_nomem(err);
	}
	/* Nothing fails from here: the scan is all in or all out. */
	if (host == SIZE_MAX) {
		host = m->n_hosts++;
		memset(&m->hosts[host], 0, sizeof(m->hosts[host]));
		m->hosts[host].name = copy;
	}
	*scan_id = mem_append_scan(m, doc, f, r, host);
	return VG_OK;
}

/* Newest first: collected_at, then id, both descending. */
static int
summary_cmp(const void *a, const void *b)
{
	const struct vg_scan_summary *x = a, *y = b;

	if (x->at != y->at)
		return x->at > y->at ? -1 : 1;
	if (x->id != y->id)
		return x->id > y->id ? -1 : 1;
	return 0;
}

static enum vg_rc
mem_list_scans(struct vg_store *s, size_t max, struct vg_scan_summary **out,
	       size_t *n, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct vg_scan_summary *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (m->n == 0 || max == 0)
		return VG_OK;
	if ((v = reallocarray(NULL, m->n, sizeof(*v))) == NULL)
		return mem_nomem(err);
	for (i = 0; i < m->n; i++) {
		v[i] = m->scans[i].sum;
		/* A host's current name, as SQLite joins it. */
		(void)snprintf(v[i].host, sizeof(v[i].host), "%s",
			       m->hosts[m->scans[i].host].name);
	}
	qsort(v, m->n, sizeof(*v), summary_cmp);
	*out = v;
	*n = m->n < max ? m->n : max;
	return VG_OK;
}

static enum vg_rc
mem_last_scan(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_scan *best = NULL;
	json_t *doc;
	size_t i;

	*out = NULL;
	for (i = 0; i < m->n; i++)
		if (best == NULL ||
		    summary_cmp(&m->scans[i].sum, &best->sum) < 0)
			best = &m->scans[i];
	if (best == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND,
				  _("store '%s' holds no scan"), "memory");
	/* A copy: the caller may change or keep it past the store. */
	if ((doc = json_deep_copy(best->doc)) == NULL ||
	    json_object_set_new(doc, "id", json_integer(best->sum.id)) != 0) {
		json_decref(doc);
		return mem_nomem(err);
	}
	*out = doc;
	return VG_OK;
}

static struct vg_user_rec *
mem_user(struct mem *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_users; i++)
		if (strcmp(m->users[i].name, name) == 0)
			return &m->users[i];
	return NULL;
}

static enum vg_rc
mem_user_add(struct vg_store *s, const struct vg_user_rec *u,
	     struct vg_err *err)
{
	struct mem *m = s->impl;
	struct vg_user_rec *n;
	void *p;

	if (!key_ok(u->name, sizeof(u->name)))
		return bad_arg(err, _("user name"));
	if (!key_ok(u->role, sizeof(u->role)) ||
	    !key_ok(u->pwhash, sizeof(u->pwhash)))
		return bad_arg(err, _("user role or password hash"));
	if (mem_user(m, u->name) != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("user '%s' already exists"), u->name);
	if (!MEM_ROOM(p, m->users, m->n_users, m->cap_users))
		return mem_nomem(err);
	n = &m->users[m->n_users++];
	*n = *u;
	/* The store numbers users, as SQLite's INTEGER PRIMARY KEY. */
	n->id = m->next_user_id++;
	return VG_OK;
}

static enum vg_rc
mem_user_get(struct vg_store *s, const char *name, struct vg_user_rec *out,
	     struct vg_err *err)
{
	const struct vg_user_rec *u;

	memset(out, 0, sizeof(*out));
	if (!key_ok(name, VG_STORE_NAME_MAX))
		return bad_arg(err, _("user name"));
	if ((u = mem_user(s->impl, name)) == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no user '%s'"),
				  name);
	*out = *u;
	return VG_OK;
}

static enum vg_rc
mem_token_add(struct vg_store *s, const char *token_hash, const char *site,
	      int64_t expires_at, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_token *t;
	size_t i;
	void *p;

	if (!key_ok(token_hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("token hash"));
	if (!key_ok(site, VG_STORE_NAME_MAX))
		return bad_arg(err, _("site"));
	for (i = 0; i < m->n_tokens; i++)
		if (strcmp(m->tokens[i].hash, token_hash) == 0)
			return vg_err_set(err, VG_ERR_USAGE,
					  _("enrolment token already "
					    "exists"));
	if (!MEM_ROOM(p, m->tokens, m->n_tokens, m->cap_tokens))
		return mem_nomem(err);
	t = &m->tokens[m->n_tokens++];
	memset(t, 0, sizeof(*t));
	(void)snprintf(t->hash, sizeof(t->hash), "%s", token_hash);
	(void)snprintf(t->site, sizeof(t->site), "%s", site);
	t->expires_at = expires_at;
	return VG_OK;
}

static enum vg_rc
mem_token_consume(struct vg_store *s, const char *token_hash, int64_t now,
		  char site[VG_STORE_NAME_MAX], struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_token *t;
	size_t i;

	site[0] = '\0';
	if (!key_ok(token_hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("token hash"));
	for (i = 0; i < m->n_tokens; i++) {
		t = &m->tokens[i];
		if (strcmp(t->hash, token_hash) != 0 || t->used ||
		    t->expires_at <= now)
			continue;
		t->used = true;
		(void)snprintf(site, VG_STORE_NAME_MAX, "%s", t->site);
		return VG_OK;
	}
	return vg_err_set(err, VG_ERR_NOTFOUND,
			  _("enrolment token unknown, used or expired"));
}

static struct vg_agent_rec *
mem_agent(struct mem *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->n_agents; i++)
		if (strcmp(m->agents[i].id, id) == 0)
			return &m->agents[i];
	return NULL;
}

static enum vg_rc
mem_agent_add(struct vg_store *s, const struct vg_agent_rec *a,
	      struct vg_err *err)
{
	struct mem *m = s->impl;
	void *p;

	if (!key_ok(a->id, sizeof(a->id)))
		return bad_arg(err, _("agent id"));
	if (!key_ok(a->site, sizeof(a->site)) ||
	    !key_ok(a->secret_hash, sizeof(a->secret_hash)) ||
	    strnlen(a->hostname, sizeof(a->hostname)) == sizeof(a->hostname))
		return bad_arg(err, _("agent site, hostname or secret hash"));
	if (mem_agent(m, a->id) != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("agent '%s' already exists"), a->id);
	if (!MEM_ROOM(p, m->agents, m->n_agents, m->cap_agents))
		return mem_nomem(err);
	m->agents[m->n_agents++] = *a;
	return VG_OK;
}

static enum vg_rc
mem_agent_get(struct vg_store *s, const char *id, struct vg_agent_rec *out,
	      struct vg_err *err)
{
	const struct vg_agent_rec *a;

	memset(out, 0, sizeof(*out));
	if (!key_ok(id, VG_STORE_ID_MAX))
		return bad_arg(err, _("agent id"));
	if ((a = mem_agent(s->impl, id)) == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no agent '%s'"), id);
	*out = *a;
	return VG_OK;
}

static struct vg_apikey_rec *
mem_apikey(struct mem *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->n_apikeys; i++)
		if (strcmp(m->apikeys[i].id, id) == 0)
			return &m->apikeys[i];
	return NULL;
}

static enum vg_rc
mem_apikey_add(struct vg_store *s, const struct vg_apikey_rec *k,
	       struct vg_err *err)
{
	struct mem *m = s->impl;
	void *p;

	if (!key_ok(k->id, sizeof(k->id)))
		return bad_arg(err, _("API key id"));
	if (!key_ok(k->role, sizeof(k->role)) ||
	    !key_ok(k->secret_hash, sizeof(k->secret_hash)))
		return bad_arg(err, _("API key role or secret hash"));
	if (mem_apikey(m, k->id) != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("API key '%s' already exists"), k->id);
	if (!MEM_ROOM(p, m->apikeys, m->n_apikeys, m->cap_apikeys))
		return mem_nomem(err);
	m->apikeys[m->n_apikeys++] = *k;
	return VG_OK;
}

static enum vg_rc
mem_apikey_get(struct vg_store *s, const char *id, struct vg_apikey_rec *out,
	       struct vg_err *err)
{
	const struct vg_apikey_rec *k;

	memset(out, 0, sizeof(*out));
	if (!key_ok(id, VG_STORE_ID_MAX))
		return bad_arg(err, _("API key id"));
	if ((k = mem_apikey(s->impl, id)) == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no API key '%s'"),
				  id);
	*out = *k;
	return VG_OK;
}

/*
 * As the SQLite store: every allocation first, then changes that cannot
 * fail, so a failure leaves the store as it was.
 */
static enum vg_rc
mem_put_report(struct vg_store *s, const char *agent_id, const char *uuid,
	       int64_t received_at, const struct vg_facts *f,
	       const struct vg_report *r, bool *duplicate, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct vg_agent_rec *a;
	const char *name;
	char *copy = NULL;
	json_t *doc;
	size_t i, host;
	void *p;

	*duplicate = false;
	if (!key_ok(agent_id, VG_STORE_ID_MAX))
		return bad_arg(err, _("agent id"));
	if (!key_ok(uuid, VG_STORE_ID_MAX))
		return bad_arg(err, _("report uuid"));
	for (i = 0; i < m->n_reports; i++)
		if (strcmp(m->reports[i], uuid) == 0) {
			*duplicate = true;
			return VG_OK;
		}
	if ((a = mem_agent(m, agent_id)) == NULL)
		return vg_err_set(err, VG_ERR_NOTFOUND, _("no agent '%s'"),
				  agent_id);
	name = f->os.hostname != NULL && f->os.hostname[0] != '\0'
		? f->os.hostname
		: a->hostname;
	if (!MEM_ROOM(p, m->scans, m->n, m->cap) ||
	    !MEM_ROOM(p, m->hosts, m->n_hosts, m->cap_hosts) ||
	    !MEM_ROOM(p, m->reports, m->n_reports, m->cap_reports))
		return mem_nomem(err);
	host = mem_find_host(m, name, agent_id);
	/* The agent's host takes the latest name, as in SQLite. */
	if ((host == SIZE_MAX || strcmp(m->hosts[host].name, name) != 0) &&
	    (copy = strdup(name)) == NULL)
		return mem_nomem(err);
	if ((doc = mem_doc(f, r)) == NULL) {
		free(copy);
		return mem_nomem(err);
	}
	if (host == SIZE_MAX) {
		host = m->n_hosts++;
		memset(&m->hosts[host], 0, sizeof(m->hosts[host]));
		(void)snprintf(m->hosts[host].agent,
			       sizeof(m->hosts[host].agent), "%s", agent_id);
	}
	if (copy != NULL) {
		free(m->hosts[host].name);
		m->hosts[host].name = copy;
	}
	(void)mem_append_scan(m, doc, f, r, host);
	(void)snprintf(m->reports[m->n_reports++], VG_STORE_ID_MAX, "%s", uuid);
	a->last_seen = received_at;
	return VG_OK;
}

static enum vg_rc
mem_audit_add(struct vg_store *s, int64_t at, const char *actor,
	      const char *action, const char *detail, struct vg_err *err)
{
	struct mem *m = s->impl;
	json_t *o;

	if (actor == NULL || action == NULL || action[0] == '\0')
		return bad_arg(err, _("audit actor or action"));
	if ((o = json_pack("{s:I,s:s,s:s,s:s?}", "at", (json_int_t)at, "actor",
			   actor, "action", action, "detail", detail)) ==
		    NULL ||
	    json_array_append_new(m->audit, o) != 0)
		return mem_nomem(err);
	return VG_OK;
}

static struct mem_session *
mem_session(struct mem *m, const char *hash)
{
	size_t i;

	for (i = 0; i < m->n_sessions; i++)
		if (strcmp(m->sessions[i].hash, hash) == 0)
			return &m->sessions[i];
	return NULL;
}

/* As SQLite: the user must exist (a foreign key there). */
static enum vg_rc
mem_session_add(struct vg_store *s, const char *hash, int64_t user_id,
		const char *csrf, int64_t expires_at, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_session *n;
	size_t i;
	void *p;

	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if (!key_ok(csrf, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session CSRF token"));
	if (mem_session(m, hash) != NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("session already exists"));
	for (i = 0; i < m->n_users && m->users[i].id != user_id; i++)
		;
	if (i == m->n_users)
		return vg_err_set(err, VG_ERR_STORE,
				  _("store '%s': cannot add the session: "
				    "no user %lld"),
				  "memory", (long long)user_id);
	if (!MEM_ROOM(p, m->sessions, m->n_sessions, m->cap_sessions))
		return mem_nomem(err);
	n = &m->sessions[m->n_sessions++];
	memset(n, 0, sizeof(*n));
	(void)snprintf(n->hash, sizeof(n->hash), "%s", hash);
	(void)snprintf(n->csrf, sizeof(n->csrf), "%s", csrf);
	n->user_id = user_id;
	n->expires_at = expires_at;
	return VG_OK;
}

static enum vg_rc
mem_session_get(struct vg_store *s, const char *hash, int64_t now,
		struct vg_session_rec *out, struct vg_err *err)
{
	struct mem *m = s->impl;
	const struct mem_session *n;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if ((n = mem_session(m, hash)) != NULL && n->expires_at > now)
		for (i = 0; i < m->n_users; i++) {
			if (m->users[i].id != n->user_id)
				continue;
			out->user_id = n->user_id;
			out->expires_at = n->expires_at;
			(void)snprintf(out->user, sizeof(out->user), "%s",
				       m->users[i].name);
			(void)snprintf(out->role, sizeof(out->role), "%s",
				       m->users[i].role);
			(void)snprintf(out->csrf, sizeof(out->csrf), "%s",
				       n->csrf);
			return VG_OK;
		}
	return vg_err_set(err, VG_ERR_NOTFOUND,
			  _("session unknown or expired"));
}

/* Deleting a session that is not there is not an error (a logout). */
static enum vg_rc
mem_session_delete(struct vg_store *s, const char *hash, struct vg_err *err)
{
	struct mem *m = s->impl;
	struct mem_session *n;

	if (!key_ok(hash, VG_STORE_HASH_MAX))
		return bad_arg(err, _("session hash"));
	if ((n = mem_session(m, hash)) != NULL)
		*n = m->sessions[--m->n_sessions];
	return VG_OK;
}

/* A declaration's string as JSON: "" and NULL are null. */
static json_t *
mem_opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

/* The asset object of a declaration (id and imported_at set later). */
static json_t *
mem_asset_obj(const struct vg_declared_asset *a, int64_t id, int64_t now)
{
	return json_pack(
		"{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I}", "id",
		(json_int_t)id, "name", a->name, "mac", mem_opt(a->mac), "ip",
		mem_opt(a->ip), "category", mem_opt(a->category), "owner",
		mem_opt(a->owner), "site", mem_opt(a->site), "criticality",
		a->criticality > 0 ? json_integer(a->criticality) : json_null(),
		"imported_at", (json_int_t)now);
}

/* Index of the asset named name in arr (sorted by name), or where it
 * would go; *found tells which. */
static size_t
mem_asset_find(const json_t *arr, const char *name, bool *found)
{
	size_t lo = 0, hi = json_array_size(arr), mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(json_string_value(json_object_get(
				   json_array_get(arr, mid), "name")),
			   name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* All or nothing, as in SQLite: the changes go to a copy that replaces
 * the list once every declaration is in. */
static enum vg_rc
mem_assets_import(struct vg_store *s, const struct vg_declared_asset *a,
		  size_t n, int64_t now, size_t *added, size_t *updated,
		  struct vg_err *err)
{
	struct mem *m = s->impl;
	json_t *arr, *o, *old;
	int64_t id = m->next_asset_id;
	size_t i, at, nadd = 0, nup = 0;
	enum vg_rc rc;
	bool found;

	*added = *updated = 0;
	for (i = 0; i < n; i++)
		if ((rc = vg_asset_decl_check(&a[i], err)) != VG_OK)
			return rc;
	if ((arr = json_deep_copy(m->assets)) == NULL)
		return mem_nomem(err);
	for (i = 0; i < n; i++) {
		at = mem_asset_find(arr, a[i].name, &found);
		old = found ? json_array_get(arr, at) : NULL;
		/* An update keeps the asset's id. */
		o = mem_asset_obj(
			a + i,
			old != NULL
				? json_integer_value(json_object_get(old, "id"))
				: id,
			now);
		if (o == NULL ||
		    (found ? json_array_set_new(arr, at, o)
			   : json_array_insert_new(arr, at, o)) != 0) {
			json_decref(arr);
			return mem_nomem(err);
		}
		if (found) {
			nup++;
		} else {
			nadd++;
			id++;
		}
	}
	json_decref(m->assets);
	m->assets = arr;
	m->next_asset_id = id;
	*added = nadd;
	*updated = nup;
	return VG_OK;
}

static enum vg_rc
mem_assets_list(struct vg_store *s, json_t **out, struct vg_err *err)
{
	struct mem *m = s->impl;

	if ((*out = json_deep_copy(m->assets)) == NULL)
		return mem_nomem(err);
	return VG_OK;
}

static void
mem_close(struct vg_store *s)
{
	struct mem *m = s->impl;
	size_t i;

	if (m != NULL) {
		for (i = 0; i < m->n; i++)
			json_decref(m->scans[i].doc);
		for (i = 0; i < m->n_hosts; i++)
			free(m->hosts[i].name);
		free(m->scans);
		free(m->hosts);
		free(m->users);
		free(m->tokens);
		free(m->agents);
		free(m->apikeys);
		free(m->reports);
		json_decref(m->audit);
		free(m->sessions);
		json_decref(m->assets);
		free(m);
	}
	free(s);
}

static const struct vg_store_ops memory_ops = {
	.name = "memory",
	.put_scan = mem_put_scan,
	.list_scans = mem_list_scans,
	.last_scan = mem_last_scan,
	.user_add = mem_user_add,
	.user_get = mem_user_get,
	.token_add = mem_token_add,
	.token_consume = mem_token_consume,
	.agent_add = mem_agent_add,
	.agent_get = mem_agent_get,
	.apikey_add = mem_apikey_add,
	.apikey_get = mem_apikey_get,
	.put_report = mem_put_report,
	.audit_add = mem_audit_add,
	/* The read side (list_assets...), sensors' reports (put_devices)
	 * the known inventory and the vulnerability tables are SQLite's
	 * only: VG_STORE_CALL answers VG_ERR_USAGE for them. */
	.session_add = mem_session_add,
	.session_get = mem_session_get,
	.session_delete = mem_session_delete,
	.assets_import = mem_assets_import,
	.assets_list = mem_assets_list,
	.close = mem_close,
};

enum vg_rc
vg_store_open_memory(struct vg_store **out, struct vg_err *err)
{
	struct vg_store *s;
	struct mem *m;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (m = calloc(1, sizeof(*m))) == NULL) {
		free(s);
		return mem_nomem(err);
	}
	if ((m->audit = json_array()) == NULL ||
	    (m->assets = json_array()) == NULL) {
		json_decref(m->audit);
		free(m);
		free(s);
		return mem_nomem(err);
	}
	m->next_id = 1;
	m->next_user_id = 1;
	m->next_asset_id = 1;
	s->ops = &memory_ops;
	s->impl = m;
	*out = s;
	return VG_OK;
}

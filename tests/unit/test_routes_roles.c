/*
 * Every route x every role (issue 3, "Roles and security"): the route
 * tables against the table of docs/internals/web-routes.md, the
 * server's decision (vg_route_authorize) for each route, role and kind
 * of principal, a few decisions spelt out by hand from the role
 * descriptions, and the tables' own invariants.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "web/auth.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/banned.h"

/* docs/internals/web-routes.md, row by row. */
struct doc_route {
	const char *area;
	const char *method;
	const char *path;
	enum vg_route_auth auth;
	enum vg_role min_role; /* with VG_AUTH_USER */
};

#define NONE_ VG_AUTH_NONE, VG_ROLE_DIRECTION
#define AGENT_ VG_AUTH_AGENT, VG_ROLE_DIRECTION
#define USER_(r) VG_AUTH_USER, VG_ROLE_##r

static const struct doc_route doc[] = {
	{"agent", "GET", "/api/v1/health", NONE_},
	{"agent", "HEAD", "/api/v1/health", NONE_},
	{"agent", "POST", "/api/v1/enroll", NONE_},
	{"agent", "POST", "/api/v1/reports", AGENT_},
	{"agent", "POST", "/api/v1/devices", AGENT_},
	{"agent", "GET", "/api/v1/tasks", AGENT_},
	{"agent", "POST", "/api/v1/tasks/{}/evidence", AGENT_},
	{"agent", "POST", "/api/v1/tasks/{}/result", AGENT_},
	{"api", "GET", "/api/v1/assets", USER_(AUDITEUR)},
	{"api", "GET", "/api/v1/assets/{}", USER_(AUDITEUR)},
	{"api", "GET", "/api/v1/findings", USER_(AUDITEUR)},
	{"api", "POST", "/api/v1/findings/{}/accept", USER_(RSSI)},
	{"api", "GET", "/api/v1/scores", USER_(DIRECTION)},
	{"api", "GET", "/api/v1/vulnerabilities", USER_(AUDITEUR)},
	{"api", "GET", "/api/v1/vulnerabilities/{}", USER_(AUDITEUR)},
	{"integrations", "GET", "/api/v1/assets/{}/glpi", USER_(AUDITEUR)},
	{"integrations", "GET", "/metrics", USER_(AUDITEUR)},
	{"console", "GET", "/login", NONE_},
	{"console", "POST", "/login", NONE_},
	{"console", "POST", "/logout", USER_(DIRECTION)},
	{"console", "GET", "/", USER_(DIRECTION)},
	{"console", "GET", "/assets", USER_(TECHNICIEN)},
	{"console", "GET", "/assets/{}", USER_(TECHNICIEN)},
	{"console", "GET", "/devices", USER_(TECHNICIEN)},
	{"console", "GET", "/findings", USER_(TECHNICIEN)},
	{"console", "POST", "/findings/{}/accept", USER_(RSSI)},
	{"console", "GET", "/incidents", USER_(DIRECTION)},
	{"console", "POST", "/incidents", USER_(RSSI)},
	{"console", "GET", "/incidents/{}", USER_(AUDITEUR)},
	{"console", "GET", "/incidents/{}/export", USER_(AUDITEUR)},
	{"console", "POST", "/incidents/{}/note", USER_(TECHNICIEN)},
	{"console", "POST", "/incidents/{}/status", USER_(RSSI)},
	{"console", "POST", "/incidents/{}/isolate", USER_(RSSI)},
	{"console", "POST", "/incidents/{}/release", USER_(RSSI)},
	{"console", "GET", "/vulnerabilities", USER_(TECHNICIEN)},
	{"console", "GET", "/vulnerabilities/{}", USER_(TECHNICIEN)},
	{"console", "GET", "/rules/{}", USER_(DIRECTION)},
	{"console", "GET", "/static/vigie.css", NONE_},
};

static const struct doc_route *
doc_find(const char *method, const char *path)
{
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(doc); i++)
		if (strcmp(doc[i].method, method) == 0 &&
		    strcmp(doc[i].path, path) == 0)
			return &doc[i];
	return NULL;
}

/* A concrete URL for a pattern: each "{}" becomes "42". */
static void
concrete(const char *pattern, char *out, size_t size)
{
	size_t n = 0;

	for (; *pattern != '\0' && n + 3 < size; pattern++) {
		if (pattern[0] == '{' && pattern[1] == '}') {
			out[n++] = '4';
			out[n++] = '2';
			pattern++;
		} else
			out[n++] = *pattern;
	}
	out[n] = '\0';
}

struct walk {
	size_t routes;
	size_t checked; /* authorisation decisions checked */
	const struct vg_route *seen[256];
};

/* Every route of the tables is documented, with the same rights. */
static void
check_documented(const struct vg_route *r, void *arg)
{
	struct walk *w = arg;
	const struct doc_route *d = doc_find(r->method, r->path);
	size_t i;

	if (d == NULL)
		fail_msg("%s %s: not in web-routes.md", r->method, r->path);
	if (r->auth != d->auth)
		fail_msg("%s %s: auth %d, documented %d", r->method, r->path,
			 (int)r->auth, (int)d->auth);
	if (r->auth == VG_AUTH_USER && r->min_role != d->min_role)
		fail_msg("%s %s: min role %s, documented %s", r->method,
			 r->path, vg_role_name(r->min_role),
			 vg_role_name(d->min_role));
	/* One route per method and pattern: a second would be dead. */
	for (i = 0; i < w->routes && i < VG_ARRAY_LEN(w->seen); i++)
		if (strcmp(w->seen[i]->method, r->method) == 0 &&
		    strcmp(w->seen[i]->path, r->path) == 0)
			fail_msg("%s %s: twice", r->method, r->path);
	if (w->routes < VG_ARRAY_LEN(w->seen))
		w->seen[w->routes] = r;
	w->routes++;
}

static void
test_tables_match_doc(void **state)
{
	struct walk w;
	char url[256], allow[64];
	const struct vg_route *r;
	unsigned status;
	size_t i;

	(void)state;
	memset(&w, 0, sizeof(w));
	vg_routes_foreach(check_documented, &w);
	assert_true(w.routes >= 11); /* agent, api, integrations at least */
	/* Every documented route of a landed area is reachable. */
	for (i = 0; i < VG_ARRAY_LEN(doc); i++) {
		if (strcmp(doc[i].area, "console") == 0 &&
		    vg_routes_console_count == 0)
			continue; /* the console is not built yet */
		concrete(doc[i].path, url, sizeof(url));
		r = vg_route_find(doc[i].method, url, &status, allow,
				  sizeof(allow));
		if (r == NULL)
			fail_msg("%s %s: no route (%u)", doc[i].method, url,
				 status);
		assert_string_equal(r->path, doc[i].path);
		assert_int_equal(status, 200);
	}
}

/* What the server must decide, from the route's declaration alone. */
static unsigned
expected(const struct vg_route *r, const struct vg_principal *p)
{
	if (r->auth != VG_AUTH_USER)
		return 0;
	if (p == NULL || p->kind == VG_PRINCIPAL_NONE)
		return 401;
	return p->role < r->min_role ? 403 : 0;
}

static void
principal(struct vg_principal *p, enum vg_principal_kind kind,
	  enum vg_role role)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->role = role;
	(void)snprintf(p->name, sizeof(p->name), "%s",
		       kind == VG_PRINCIPAL_APIKEY ? "apikey:k1" : "alice");
}

static void
walk_roles(const struct vg_route *r, void *arg)
{
	static const enum vg_principal_kind kinds[] = {
		VG_PRINCIPAL_NONE,
		VG_PRINCIPAL_APIKEY,
		VG_PRINCIPAL_SESSION,
	};
	struct walk *w = arg;
	struct vg_principal p;
	size_t k;
	int role;

	if (vg_route_authorize(r, NULL) != expected(r, NULL))
		fail_msg("%s %s, no principal: %u", r->method, r->path,
			 vg_route_authorize(r, NULL));
	for (k = 0; k < VG_ARRAY_LEN(kinds); k++) {
		for (role = 0; role < VG_ROLE_COUNT; role++) {
			principal(&p, kinds[k], (enum vg_role)role);
			if (vg_route_authorize(r, &p) != expected(r, &p))
				fail_msg("%s %s, kind %d, role %s: %u, "
					 "expected %u",
					 r->method, r->path, (int)kinds[k],
					 vg_role_name((enum vg_role)role),
					 vg_route_authorize(r, &p),
					 expected(r, &p));
			w->checked++;
		}
	}
	w->routes++;
}

static void
test_every_route_every_role(void **state)
{
	struct walk w;

	(void)state;
	memset(&w, 0, sizeof(w));
	vg_routes_foreach(walk_roles, &w);
	assert_true(w.routes >= 11);
	assert_int_equal(w.checked, w.routes * 3 * VG_ROLE_COUNT);
}

/*
 * Decisions written out from the role descriptions, not from
 * min_role: a wrong min_role in a table and in the doc table above
 * would still be caught here.
 */
static void
test_role_decisions(void **state)
{
	static const struct {
		const char *method, *url;
		enum vg_role role;
		unsigned want;
	} rows[] = {
		/* direction: dashboard and scores only. */
		{"GET", "/api/v1/scores", VG_ROLE_DIRECTION, 0},
		{"GET", "/api/v1/assets", VG_ROLE_DIRECTION, 403},
		{"GET", "/api/v1/assets/7", VG_ROLE_DIRECTION, 403},
		{"GET", "/api/v1/findings", VG_ROLE_DIRECTION, 403},
		{"GET", "/api/v1/assets/7/glpi", VG_ROLE_DIRECTION, 403},
		{"GET", "/metrics", VG_ROLE_DIRECTION, 403},
		{"POST", "/api/v1/findings/7/accept", VG_ROLE_DIRECTION, 403},
		/* auditeur: read-only. */
		{"GET", "/api/v1/assets", VG_ROLE_AUDITEUR, 0},
		{"GET", "/api/v1/assets/7", VG_ROLE_AUDITEUR, 0},
		{"GET", "/api/v1/findings", VG_ROLE_AUDITEUR, 0},
		{"GET", "/api/v1/scores", VG_ROLE_AUDITEUR, 0},
		{"GET", "/metrics", VG_ROLE_AUDITEUR, 0},
		{"GET", "/api/v1/assets/7/glpi", VG_ROLE_AUDITEUR, 0},
		{"POST", "/api/v1/findings/7/accept", VG_ROLE_AUDITEUR, 403},
		/* technicien: no risk acceptance. */
		{"GET", "/api/v1/findings", VG_ROLE_TECHNICIEN, 0},
		{"POST", "/api/v1/findings/7/accept", VG_ROLE_TECHNICIEN, 403},
		/* rssi and admin accept risks. */
		{"POST", "/api/v1/findings/7/accept", VG_ROLE_RSSI, 0},
		{"POST", "/api/v1/findings/7/accept", VG_ROLE_ADMIN, 0},
		{"GET", "/metrics", VG_ROLE_ADMIN, 0},
		/* The network devices page (issue 4): assets, so
		 * technicien and above, like /assets. */
		{"GET", "/devices", VG_ROLE_DIRECTION, 403},
		{"GET", "/devices", VG_ROLE_AUDITEUR, 403},
		{"GET", "/devices", VG_ROLE_TECHNICIEN, 0},
		{"GET", "/devices", VG_ROLE_RSSI, 0},
		{"GET", "/devices", VG_ROLE_ADMIN, 0},
		{"GET", "/assets", VG_ROLE_AUDITEUR, 403},
		{"GET", "/assets", VG_ROLE_TECHNICIEN, 0},
		/* Agents' routes: no user needed (their own credentials). */
		{"GET", "/api/v1/health", VG_ROLE_DIRECTION, 0},
		{"POST", "/api/v1/reports", VG_ROLE_DIRECTION, 0},
		{"POST", "/api/v1/devices", VG_ROLE_DIRECTION, 0},
	};
	const struct vg_route *r;
	struct vg_principal p;
	char allow[64];
	unsigned status;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		r = vg_route_find(rows[i].method, rows[i].url, &status, allow,
				  sizeof(allow));
		if (r == NULL)
			fail_msg("%s %s: no route (%u)", rows[i].method,
				 rows[i].url, status);
		principal(&p, VG_PRINCIPAL_APIKEY, rows[i].role);
		if (vg_route_authorize(r, &p) != rows[i].want)
			fail_msg("%s %s as %s: %u, expected %u", rows[i].method,
				 rows[i].url, vg_role_name(rows[i].role),
				 vg_route_authorize(r, &p), rows[i].want);
		/* A console session of the same role: the same answer. */
		principal(&p, VG_PRINCIPAL_SESSION, rows[i].role);
		assert_int_equal(vg_route_authorize(r, &p), rows[i].want);
		/* Nobody: 401 wherever a user is needed. */
		principal(&p, VG_PRINCIPAL_NONE, VG_ROLE_ADMIN);
		assert_int_equal(vg_route_authorize(r, &p),
				 r->auth == VG_AUTH_USER ? 401u : 0u);
	}
}

/* Invariants of every table. */
static void
check_shape(const struct vg_route *r, void *arg)
{
	(void)arg;
	assert_non_null(r->handler);
	assert_non_null(r->path);
	assert_true(r->path[0] == '/');
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0 &&
	    strcmp(r->method, "POST") != 0)
		fail_msg("%s %s: unexpected method", r->method, r->path);
	/* A POST takes a body; only an agent's or a sensor's report and
	 * an isolation's evidence snapshot may be large, and nothing read
	 * before the caller is known is. */
	if (strcmp(r->method, "POST") == 0 && r->max_body == 0 &&
	    strcmp(r->path, "/logout") != 0)
		fail_msg("POST %s: no body ceiling", r->path);
	if (r->max_body > VG_SERVER_MAX_SMALL_BODY &&
	    strcmp(r->path, "/api/v1/reports") != 0 &&
	    strcmp(r->path, "/api/v1/devices") != 0 &&
	    strcmp(r->path, "/api/v1/tasks/{}/evidence") != 0)
		fail_msg("%s %s: a large body", r->method, r->path);
	if (r->auth != VG_AUTH_USER && r->max_body > VG_SERVER_MAX_SMALL_BODY &&
	    r->precheck == NULL)
		fail_msg("%s %s: a large body before authentication", r->method,
			 r->path);
	/* Agents' routes check their credentials before the body. */
	if (r->auth == VG_AUTH_AGENT)
		assert_non_null(r->precheck);
	/* The API never answers with a login redirect; pages only under
	 * the console's paths. */
	if (strncmp(r->path, "/api/", 5) == 0 ||
	    strcmp(r->path, "/metrics") == 0)
		assert_false(r->page);
	if (r->auth == VG_AUTH_USER && r->min_role >= VG_ROLE_COUNT)
		fail_msg("%s %s: bad min role", r->method, r->path);
	/* Only the API and console write with a user's rights: every
	 * such POST asks at least for rssi, but the logout and a note on
	 * an incident's timeline (the technicians working it write what
	 * they saw and did). */
	if (r->auth == VG_AUTH_USER && strcmp(r->method, "POST") == 0 &&
	    strcmp(r->path, "/logout") != 0 &&
	    strcmp(r->path, "/incidents/{}/note") != 0 &&
	    r->min_role < VG_ROLE_RSSI)
		fail_msg("POST %s: a write below rssi", r->path);
}

static void
test_route_shapes(void **state)
{
	(void)state;
	vg_routes_foreach(check_shape, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_match_doc),
		cmocka_unit_test(test_every_route_every_role),
		cmocka_unit_test(test_role_decisions),
		cmocka_unit_test(test_route_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

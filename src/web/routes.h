/*
 * The routes of `vigie serve`: one const table, each route with its
 * method, exact path, handler and body ceiling (pre-authentication
 * bodies stay small). Private to web/.
 */
#ifndef VG_WEB_ROUTES_H
#define VG_WEB_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "web/http.h"

/* Who may call a route. */
enum vg_route_auth {
	VG_AUTH_NONE,  /* anyone (health, login page) */
	VG_AUTH_AGENT, /* an enrolled agent: the route's precheck checks */
	VG_AUTH_USER,  /* an API key or a console session, of min_role */
};

struct vg_route {
	const char *method;
	/* Exact path; a "{}" segment matches one non-empty segment of
	 * [A-Za-z0-9._-] (at most 64 bytes), handed to the handler in
	 * req->params. */
	const char *path;
	vg_api_handler handler;
	size_t max_body;
	/* Run on the headers, before any body byte is read (NULL: none):
	 * answers to refuse the request, else leaves resp->status 0. So
	 * an unauthenticated client never makes us buffer a large body. */
	vg_api_handler precheck;
	enum vg_route_auth auth;
	enum vg_role min_role; /* with VG_AUTH_USER */
	/* A console page: no session sends a 303 to /login instead of a
	 * 401, and a POST must carry the session's CSRF token in its
	 * "csrf" form field (403 otherwise). */
	bool page;
};

/*
 * The route tables, one per area, each in its own file: agents
 * (routes_agent.c), the read API (routes_api.c), the console
 * (routes_console.c), integrations (routes_integrations.c).
 */
struct vg_route_table {
	const struct vg_route *routes;
	const size_t *count;
};
extern const struct vg_route vg_routes_agent[];
extern const size_t vg_routes_agent_count;
extern const struct vg_route vg_routes_api[];
extern const size_t vg_routes_api_count;
extern const struct vg_route vg_routes_console[];
extern const size_t vg_routes_console_count;
extern const struct vg_route vg_routes_integrations[];
extern const size_t vg_routes_integrations_count;

/* Call fn on every route of every table (tests walk routes x roles). */
void vg_routes_foreach(void (*fn)(const struct vg_route *r, void *ctx),
		       void *ctx);

/*
 * The route for method and path, or NULL: then *status is 404 (no such
 * path) or 405 (the path exists with other methods, listed in allow,
 * comma-separated, truncated to its size).
 */
const struct vg_route *vg_route_find(const char *method, const char *path,
				     unsigned *status, char *allow,
				     size_t allow_size);

/*
 * May p call r? 0 (go on), 401 (no credentials for a route that needs a
 * user) or 403 (a role below the route's). Agents' routes check their
 * own credentials (precheck).
 */
unsigned vg_route_authorize(const struct vg_route *r,
			    const struct vg_principal *p);

/*
 * Match path against pattern; the "{}" segments go to params (pointers
 * into buf, a copy of path split in place, of size bufsize). true on a
 * match.
 */
bool vg_route_match(const char *pattern, const char *path, char *buf,
		    size_t bufsize, const char **params, size_t *n_params);

/* The handlers (api_*.c). */
void vg_api_health(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_api_enroll(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_api_reports(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);
/* The credentials of a report, alone (a precheck). */
void vg_api_reports_auth(const struct vg_api_ctx *ctx,
			 const struct vg_http_request *req,
			 struct vg_http_response *resp);

#endif

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

struct vg_route {
	const char *method;
	const char *path;
	vg_api_handler handler;
	size_t max_body;
	/* Run on the headers, before any body byte is read (NULL: none):
	 * answers to refuse the request, else leaves resp->status 0. So
	 * an unauthenticated client never makes us buffer a large body. */
	vg_api_handler precheck;
};

extern const struct vg_route vg_routes[];
extern const size_t vg_routes_count;

/*
 * The route for method and path, or NULL: then *status is 404 (no such
 * path) or 405 (the path exists with other methods, listed in allow,
 * comma-separated, truncated to its size).
 */
const struct vg_route *vg_route_find(const char *method, const char *path,
				     unsigned *status, char *allow,
				     size_t allow_size);

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

/*
 * Routing (routes.h): the four tables, path patterns with "{}" segments,
 * and who may call a route. Paths come from the network: a segment is
 * matched only when short and of a plain alphabet, so a parameter is
 * never a path, a query or markup.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "web/routes.h"
#include "util/banned.h"

#define ROUTE_MAX_PARAM 64 /* bytes of one "{}" segment */

static const struct vg_route_table tables[] = {
	{vg_routes_agent, &vg_routes_agent_count},
	{vg_routes_api, &vg_routes_api_count},
	{vg_routes_integrations, &vg_routes_integrations_count},
	{vg_routes_console, &vg_routes_console_count},
};

void
vg_routes_foreach(void (*fn)(const struct vg_route *r, void *ctx), void *ctx)
{
	size_t t, i;

	for (t = 0; t < VG_ARRAY_LEN(tables); t++)
		for (i = 0; i < *tables[t].count; i++)
			fn(&tables[t].routes[i], ctx);
}

static bool
param_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool
vg_route_match(const char *pattern, const char *path, char *buf,
	       size_t bufsize, const char **params, size_t *n_params)
{
	const char *p = pattern, *u = path;
	size_t used = 0, n, k = 0;

	*n_params = 0;
	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			for (n = 0; param_char(u[n]); n++)
				;
			if (n == 0 || n > ROUTE_MAX_PARAM ||
			    k >= VG_HTTP_MAX_PARAMS || used + n + 1 > bufsize)
				return false;
			memcpy(buf + used, u, n);
			buf[used + n] = '\0';
			params[k++] = buf + used;
			used += n + 1;
			u += n;
			p += 2;
			continue;
		}
		if (*p != *u)
			return false;
		p++;
		u++;
	}
	if (*u != '\0')
		return false;
	*n_params = k;
	return true;
}

const struct vg_route *
vg_route_find(const char *method, const char *path, unsigned *status,
	      char *allow, size_t allow_size)
{
	const char *params[VG_HTTP_MAX_PARAMS];
	char buf[VG_HTTP_MAX_PARAMS * (ROUTE_MAX_PARAM + 1)];
	const struct vg_route *r;
	size_t t, i, np, used = 0;
	int n;

	if (allow_size > 0)
		allow[0] = '\0';
	*status = 404;
	for (t = 0; t < VG_ARRAY_LEN(tables); t++) {
		for (i = 0; i < *tables[t].count; i++) {
			r = &tables[t].routes[i];
			if (!vg_route_match(r->path, path, buf, sizeof(buf),
					    params, &np))
				continue;
			if (strcmp(method, r->method) == 0) {
				if (allow_size > 0)
					allow[0] = '\0';
				*status = 200;
				return r;
			}
			/* The path exists: list its methods for the 405. */
			*status = 405;
			if (used < allow_size) {
				n = snprintf(allow + used, allow_size - used,
					     "%s%s", used > 0 ? ", " : "",
					     r->method);
				if (n > 0)
					used += (size_t)n;
			}
		}
	}
	return NULL;
}

unsigned
vg_route_authorize(const struct vg_route *r, const struct vg_principal *p)
{
	if (r->auth != VG_AUTH_USER)
		return 0;
	if (p == NULL || p->kind == VG_PRINCIPAL_NONE)
		return 401;
	if (p->role < r->min_role)
		return 403;
	return 0;
}

/*
 * Routes for other tools (docs/internals/web-routes.md): an asset as a
 * GLPI inventory, and Prometheus metrics. Both read-only, for an
 * auditeur's API key (a monitoring system or an asset manager).
 */
#include "util/common.h"

#include "web/api.h"
#include "web/routes.h"
#include "util/banned.h"

const struct vg_route vg_routes_integrations[] = {
	{.method = "GET",
	 .path = "/api/v1/assets/{}/glpi",
	 .handler = vg_api_asset_glpi,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	{.method = "GET",
	 .path = "/metrics",
	 .handler = vg_api_metrics,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
};
const size_t vg_routes_integrations_count =
	VG_ARRAY_LEN(vg_routes_integrations);

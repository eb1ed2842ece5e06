/*
 * Routes of the read API (docs/internals/web-routes.md): assets,
 * findings, risk acceptance and scores, for API keys and console
 * sessions. The server checks the principal's role against min_role
 * before a handler runs; only accepting a risk writes, and only an rssi
 * (or admin) may.
 */
#include "util/common.h"

#include "web/api.h"
#include "web/routes.h"
#include "util/banned.h"

/* Known vulnerabilities (api_vulns.c; not in api.h, another's). */
void vg_api_vulns_list(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_http_response *resp);
void vg_api_vuln_get(const struct vg_api_ctx *ctx,
		     const struct vg_http_request *req,
		     struct vg_http_response *resp);

const struct vg_route vg_routes_api[] = {
	{.method = "GET",
	 .path = "/api/v1/assets",
	 .handler = vg_api_assets_list,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	{.method = "GET",
	 .path = "/api/v1/assets/{}",
	 .handler = vg_api_asset_get,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	{.method = "GET",
	 .path = "/api/v1/findings",
	 .handler = vg_api_findings_list,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	/* A small JSON body: {"reason", "until"}. */
	{.method = "POST",
	 .path = "/api/v1/findings/{}/accept",
	 .handler = vg_api_finding_accept,
	 .max_body = VG_API_ACCEPT_BODY,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_RSSI},
	/* Known vulnerabilities, read like findings. */
	{.method = "GET",
	 .path = "/api/v1/vulnerabilities",
	 .handler = vg_api_vulns_list,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	{.method = "GET",
	 .path = "/api/v1/vulnerabilities/{}",
	 .handler = vg_api_vuln_get,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_AUDITEUR},
	/* Scores only: what the "direction" role may see. */
	{.method = "GET",
	 .path = "/api/v1/scores",
	 .handler = vg_api_scores,
	 .auth = VG_AUTH_USER,
	 .min_role = VG_ROLE_DIRECTION},
};
const size_t vg_routes_api_count = VG_ARRAY_LEN(vg_routes_api);

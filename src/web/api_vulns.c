/*
 * GET /api/v1/vulnerabilities and /api/v1/vulnerabilities/{CVE} (issue
 * "Known vulnerabilities"; docs/internals/web-routes.md): the latest
 * scans' vulnerable packages grouped by CVE, package or host, and one
 * CVE's detail. Arguments are checked before the store sees them (api.h);
 * the store answers from its snapshot (store/sqlite_vuln_query.c), so a
 * list is "as of" a time at most a minute old.
 */
#include "util/common.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "core/vulns.h"
#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/banned.h"

/* Listed in routes_api.c; kept out of api.h, which is not ours. */
void vg_api_vulns_list(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_http_response *resp);
void vg_api_vuln_get(const struct vg_api_ctx *ctx,
		     const struct vg_http_request *req,
		     struct vg_http_response *resp);

/*
 * A vulnerability id as the feeds write it ("CVE-2021-44228",
 * "TEMP-0000000-1A2B3C", "DLA-1234-1"): letters, digits and '-', at most
 * VG_FEED_MAX_ID bytes; letters upper-cased into out.
 */
static bool
vuln_id_ok(const char *s, char out[VG_FEED_MAX_ID + 1])
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > VG_FEED_MAX_ID)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
		out[i] = (char)toupper((unsigned char)s[i]);
	}
	out[n] = '\0';
	return true;
}

void
vg_api_vulns_list(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp)
{
	static const char *const keys[] = {
		"group",  "kev",    "cve",   "package", "asset",
		"search", "offset", "limit", NULL,
	};
	char cve[VG_FEED_MAX_ID + 1];
	struct vg_vuln_filter flt;
	int64_t kev, asset;
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&flt, 0, sizeof(flt));
	if (vg_api_args_check(req, keys, &err) != VG_OK ||
	    vg_api_arg_text(req, "group", &flt.group, &err) != VG_OK ||
	    vg_api_arg_int(req, "kev", 0, 1, 0, &kev, &err) != VG_OK ||
	    vg_api_arg_text(req, "cve", &flt.cve, &err) != VG_OK ||
	    vg_api_arg_text(req, "package", &flt.package, &err) != VG_OK ||
	    vg_api_arg_int(req, "asset", 1, INT64_MAX, 0, &asset, &err) !=
		    VG_OK ||
	    vg_api_arg_text(req, "search", &flt.search, &err) != VG_OK ||
	    vg_api_arg_page(req, &flt.offset, &flt.limit, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if (flt.group == NULL)
		flt.group = "cve";
	if (strcmp(flt.group, "cve") != 0 &&
	    strcmp(flt.group, "package") != 0 &&
	    strcmp(flt.group, "host") != 0) {
		vg_http_error(resp, 400,
			      "group: expected cve, package or host");
		return;
	}
	if (flt.cve != NULL) {
		if (!vuln_id_ok(flt.cve, cve)) {
			vg_http_error(resp, 400,
				      "cve: expected a vulnerability id");
			return;
		}
		flt.cve = cve;
	}
	flt.kev_only = kev == 1;
	flt.asset_id = asset;
	vg_api_lock(ctx);
	rc = vg_store_vuln_list(ctx->store, &flt, &out, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "vulnerabilities", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

void
vg_api_vuln_get(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
		struct vg_http_response *resp)
{
	char cve[VG_FEED_MAX_ID + 1];
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (vg_api_args_check(req, NULL, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if (req->n_params < 1 || !vuln_id_ok(req->params[0], cve)) {
		vg_http_error(resp, 400,
			      "vulnerability: expected an id such as "
			      "CVE-2021-44228");
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_vuln_cve(ctx->store, cve, &out, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "vulnerability", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

/*
 * GET /api/v1/assets/{}/glpi: the asset's latest facts as a GLPI native
 * inventory document (core/glpi.h), for the asset manager hospitals
 * already run. The stored facts are decoded as any facts document (they
 * came from an agent) and judged anew under the server's policy, so the
 * scores in the document are those the console shows.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/glpi.h"
#include "core/report.h"
#include "core/rules.h"
#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/banned.h"

#define GLPI_DEVICEID_MAX 256

/*
 * A stable deviceid for an agent's host ("<hostname>-<agent id>"), so
 * GLPI sees one sender across reports; false for a local scan, whose id
 * the generator makes as `vigie export glpi` does.
 */
static bool
deviceid_of(const json_t *asset, char out[GLPI_DEVICEID_MAX])
{
	const json_t *host = json_object_get(asset, "hostname");
	const json_t *agent = json_object_get(asset, "agent_id");
	int n;

	if (!json_is_string(host) || !json_is_string(agent))
		return false;
	n = snprintf(out, GLPI_DEVICEID_MAX, "%s-%s", json_string_value(host),
		     json_string_value(agent));
	return n > 0 && n < GLPI_DEVICEID_MAX;
}

void
vg_api_asset_glpi(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp)
{
	char deviceid[GLPI_DEVICEID_MAX];
	json_t *asset = NULL, *doc;
	const json_t *jfacts;
	struct vg_report r;
	struct vg_facts f;
	struct vg_err err;
	bool have_facts = false;
	enum vg_rc rc;
	int64_t id;

	vg_err_clear(&err);
	vg_report_init(&r);
	if (vg_api_param_id(req, "asset", &id, &err) != VG_OK ||
	    vg_api_args_check(req, NULL, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		goto done;
	}
	vg_api_lock(ctx);
	rc = vg_store_get_asset(ctx->store, id, ctx->now, &asset, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "asset", &err);
		goto done;
	}
	if (!json_is_object(jfacts = json_object_get(asset, "facts"))) {
		(void)vg_err_set(&err, VG_ERR_STORE, "asset %lld: no facts",
				 (long long)id);
		vg_api_store_failed(resp, "glpi", &err);
		goto done;
	}
	vg_facts_init(&f);
	if (vg_facts_from_json(&f, jfacts, &err) != VG_OK) {
		/* f is released; stored facts that no longer decode are
		 * the server's fault, not the client's. */
		vg_api_store_failed(resp, "glpi", &err);
		goto done;
	}
	have_facts = true;
	if (vg_rules_evaluate(&f, ctx->policy, &r, &err) != VG_OK) {
		vg_api_store_failed(resp, "glpi", &err);
		goto done;
	}
	doc = vg_glpi_inventory(
		&f, &r,
		deviceid_of(json_object_get(asset, "asset"), deviceid)
			? deviceid
			: NULL,
		&err);
	if (doc == NULL) {
		vg_api_store_failed(resp, "glpi", &err);
		goto done;
	}
	vg_http_json(resp, 200, doc);
done:
	if (have_facts)
		vg_facts_release(&f);
	vg_report_release(&r);
	json_decref(asset);
}

/*
 * GET /api/v1/scores (docs/internals/web-routes.md): the establishment's
 * scores, per site and per rule, the worst assets, the agents not
 * reporting, and a daily history of `days` days (today included). The
 * one read open to the "direction" role: no finding detail here.
 */
#include "util/common.h"

#include <jansson.h>

#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/banned.h"

#define DAY 86400

void
vg_api_scores(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	static const char *const keys[] = {"days", NULL};
	int64_t days, today, since;
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (vg_api_args_check(req, keys, &err) != VG_OK ||
	    vg_api_arg_int(req, "days", 1, VG_API_DAYS_MAX, VG_API_DAYS_DEFAULT,
			   &days, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	/* Whole UTC days: the history's first point is a midnight. */
	today = ctx->now - ((ctx->now % DAY) + DAY) % DAY;
	since = today - (days - 1) * DAY;
	vg_api_lock(ctx);
	rc = vg_store_scores(ctx->store, ctx->now, since, &out, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "scores", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

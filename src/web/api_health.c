/* GET /api/v1/health: unauthenticated liveness, for monitors and agents. */
#include "util/common.h"

#include <jansson.h>

#include "web/http.h"
#include "web/routes.h"
#include "util/banned.h"

void
vg_api_health(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	(void)ctx;
	(void)req;
	vg_http_json(
		resp, 200,
		json_pack("{s:s, s:s}", "status", "ok", "version", VG_VERSION));
}

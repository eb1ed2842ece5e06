/*
 * The read API of `vigie serve` (docs/internals/web-routes.md, the "api"
 * and "integrations" tables) and the argument parsers it shares with the
 * console. Private to web/.
 *
 * Every handler validates all of its arguments before touching the
 * store: a bad one is a 400 whose message names it ("limit: ..."), an
 * unknown argument too (a misspelt filter must not silently list
 * everything). An unknown id is a 404; a store failure a 500 whose
 * details go to the log only.
 */
#ifndef VG_WEB_API_H
#define VG_WEB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "web/http.h"
#include "util/err.h"

#define VG_API_LIMIT_DEFAULT 50
#define VG_API_LIMIT_MAX 500
#define VG_API_OFFSET_MAX 1000000000  /* far past any store's size */
#define VG_API_TEXT_MAX 128           /* bytes of a text filter */
#define VG_API_REASON_MAX 500         /* characters of an acceptance reason */
#define VG_API_ACCEPT_YEARS 3         /* an acceptance ends within this */
#define VG_API_DAYS_DEFAULT 90        /* score history */
#define VG_API_DAYS_MAX 3660          /* ten years of history at most */
#define VG_API_ACCEPT_BODY (8u << 10) /* {"reason", "until"} with escapes */

/*
 * Argument helpers. Each returns VG_OK with *out set, or VG_ERR_USAGE
 * with err naming the argument (the message never repeats the value,
 * which may be anything). An absent argument gives def (or NULL).
 */
/* Every argument of req is one of keys (NULL-terminated), given once. */
enum vg_rc vg_api_args_check(const struct vg_http_request *req,
			     const char *const *keys, struct vg_err *err);
/* An integer within [min, max]. */
enum vg_rc vg_api_arg_int(const struct vg_http_request *req, const char *key,
			  int64_t min, int64_t max, int64_t def, int64_t *out,
			  struct vg_err *err);
/* Text: valid UTF-8, no control character, at most VG_API_TEXT_MAX
 * bytes; empty or absent gives NULL ("any"). *out is borrowed from
 * req. */
enum vg_rc vg_api_arg_text(const struct vg_http_request *req, const char *key,
			   const char **out, struct vg_err *err);
/* "offset" (default 0) and "limit" (1-500, default 50). */
enum vg_rc vg_api_arg_page(const struct vg_http_request *req, size_t *offset,
			   size_t *limit, struct vg_err *err);
/* The route's first "{}" segment as a positive id; what names it. */
enum vg_rc vg_api_param_id(const struct vg_http_request *req, const char *what,
			   int64_t *out, struct vg_err *err);
/* "R3", "r3" or "3": 1-10. */
enum vg_rc vg_api_parse_rule(const char *s, int *out);

/*
 * The filters of GET /api/v1/assets and /api/v1/findings from req's
 * arguments (the console's lists take the same). Strings in flt are
 * borrowed from req. Other arguments are refused, except those named
 * in extra (NULL-terminated, or NULL), which the caller reads itself.
 */
enum vg_rc vg_api_asset_filter(const struct vg_http_request *req,
			       const char *const *extra,
			       struct vg_asset_filter *flt, struct vg_err *err);
enum vg_rc vg_api_finding_filter(const struct vg_http_request *req,
				 const char *const *extra,
				 struct vg_finding_filter *flt,
				 struct vg_err *err);

/*
 * An acceptance as asked: reason (1 to VG_API_REASON_MAX characters of
 * UTF-8, not only blanks, no control character but tab and line breaks,
 * so a textarea's text passes) and until
 * ("YYYY-MM-DD", after today and at most VG_API_ACCEPT_YEARS years
 * ahead, today being now's UTC day). *until_out is the Unix time of
 * that day's 00:00 UTC: the acceptance ends when the day begins.
 */
enum vg_rc vg_api_accept_check(const char *reason, const char *until,
			       int64_t now, int64_t *until_out,
			       struct vg_err *err);

/* Answer a store failure: NOTFOUND is a 404 naming what, anything else
 * a 500 (logged). */
void vg_api_store_failed(struct vg_http_response *resp, const char *what,
			 const struct vg_err *err);

/* The handlers: GET /api/v1/assets, /api/v1/assets/{},
 * /api/v1/findings, /api/v1/scores; POST /api/v1/findings/{}/accept;
 * GET /metrics, /api/v1/assets/{}/glpi. */
void vg_api_assets_list(const struct vg_api_ctx *ctx,
			const struct vg_http_request *req,
			struct vg_http_response *resp);
void vg_api_asset_get(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp);
void vg_api_findings_list(const struct vg_api_ctx *ctx,
			  const struct vg_http_request *req,
			  struct vg_http_response *resp);
void vg_api_finding_accept(const struct vg_api_ctx *ctx,
			   const struct vg_http_request *req,
			   struct vg_http_response *resp);
void vg_api_scores(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_api_metrics(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);
void vg_api_asset_glpi(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_http_response *resp);

/*
 * POST /api/v1/devices (docs/internals/agent-protocol.md): a sensor's
 * devices, each a device's facts, judged and recorded with the report's
 * UUID in one transaction (201, or 200 for a UUID stored before); 400
 * naming the document and field, 401, 413 past VG_SERVER_MAX_DEVICES
 * documents. Its credentials are an agent's: the route's precheck is
 * vg_api_reports_auth.
 */
void vg_api_devices(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);

#endif

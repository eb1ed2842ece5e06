/*
 * GET /api/v1/assets and /api/v1/assets/{} (docs/internals/web-routes.md),
 * and the argument helpers every read handler shares (web/api.h). Query
 * arguments come from the network: each is checked against its range or
 * alphabet before the store sees it, and the error names the argument
 * but never echoes its value.
 */
#include "util/common.h"

#include <jansson.h>
#include <string.h>

#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

enum vg_rc
vg_api_args_check(const struct vg_http_request *req, const char *const *keys,
		  struct vg_err *err)
{
	size_t i, j;
	bool known;

	for (i = 0; i < req->n_args; i++) {
		const char *key = req->args[i].key;

		known = false;
		for (j = 0; keys != NULL && keys[j] != NULL; j++)
			if (strcmp(key, keys[j]) == 0)
				known = true;
		/* A misspelt filter would silently widen the answer. */
		if (!known)
			return vg_err_set(err, VG_ERR_USAGE,
					  "%.40s: unknown argument", key);
		for (j = 0; j < i; j++)
			if (strcmp(key, req->args[j].key) == 0)
				return vg_err_set(err, VG_ERR_USAGE,
						  "%s: given more than once",
						  key);
	}
	return VG_OK;
}

enum vg_rc
vg_api_arg_int(const struct vg_http_request *req, const char *key, int64_t min,
	       int64_t max, int64_t def, int64_t *out, struct vg_err *err)
{
	const char *v = vg_http_arg(req, key);

	*out = def;
	if (v == NULL)
		return VG_OK;
	if (vg_parse_intz(v, min, max, out) != VG_OK) {
		*out = def;
		return vg_err_set(err, VG_ERR_USAGE,
				  "%s: expected an integer from %lld to %lld",
				  key, (long long)min, (long long)max);
	}
	return VG_OK;
}

enum vg_rc
vg_api_arg_text(const struct vg_http_request *req, const char *key,
		const char **out, struct vg_err *err)
{
	const char *v = vg_http_arg(req, key);
	size_t n, i;

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return VG_OK;
	n = strlen(v);
	if (n > VG_API_TEXT_MAX)
		return vg_err_set(err, VG_ERR_USAGE, "%s: longer than %d bytes",
				  key, VG_API_TEXT_MAX);
	if (!vg_utf8_valid(v, n))
		return vg_err_set(err, VG_ERR_USAGE, "%s: not UTF-8", key);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return vg_err_set(err, VG_ERR_USAGE,
					  "%s: holds a control character", key);
	*out = v;
	return VG_OK;
}

enum vg_rc
vg_api_arg_page(const struct vg_http_request *req, size_t *offset,
		size_t *limit, struct vg_err *err)
{
	int64_t o, l;

	*offset = 0;
	*limit = VG_API_LIMIT_DEFAULT;
	if (vg_api_arg_int(req, "offset", 0, VG_API_OFFSET_MAX, 0, &o, err) !=
		    VG_OK ||
	    vg_api_arg_int(req, "limit", 1, VG_API_LIMIT_MAX,
			   VG_API_LIMIT_DEFAULT, &l, err) != VG_OK)
		return VG_ERR_USAGE;
	*offset = (size_t)o;
	*limit = (size_t)l;
	return VG_OK;
}

enum vg_rc
vg_api_param_id(const struct vg_http_request *req, const char *what,
		int64_t *out, struct vg_err *err)
{
	*out = 0;
	if (req->n_params < 1 || req->params[0] == NULL ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, out) != VG_OK) {
		*out = 0;
		return vg_err_set(err, VG_ERR_USAGE,
				  "%s: expected a positive integer id", what);
	}
	return VG_OK;
}

enum vg_rc
vg_api_parse_rule(const char *s, int *out)
{
	int64_t v;

	*out = 0;
	if (s[0] == 'R' || s[0] == 'r')
		s++;
	/* vg_parse_intz takes a '-': "R-3" must not pass as rule 3. */
	if (s[0] < '0' || s[0] > '9' ||
	    vg_parse_intz(s, 1, VG_RULE_COUNT, &v) != VG_OK)
		return VG_ERR_USAGE;
	*out = (int)v;
	return VG_OK;
}

void
vg_api_store_failed(struct vg_http_response *resp, const char *what,
		    const struct vg_err *err)
{
	if (err->rc == VG_ERR_NOTFOUND) {
		vg_http_error(resp, 404, "%s: not found", what);
		return;
	}
	vg_api_log_error(what, err);
	vg_http_error(resp, 500, "internal error");
}

enum vg_rc
vg_api_asset_filter(const struct vg_http_request *req, const char *const *extra,
		    struct vg_asset_filter *flt, struct vg_err *err)
{
	static const char *const keys[] = {
		"site",   "category", "search", "min_score", "max_score",
		"offset", "limit",    "kind",   "unmanaged", "vendor",
	};
	const char *allowed[VG_ARRAY_LEN(keys) + VG_HTTP_MAX_ARGS + 1];
	size_t n = 0, i;
	int64_t lo, hi, unmanaged;
	const char *kind;

	memset(flt, 0, sizeof(*flt));
	flt->min_score = flt->max_score = -1;
	flt->limit = VG_API_LIMIT_DEFAULT;
	for (i = 0; i < VG_ARRAY_LEN(keys); i++)
		allowed[n++] = keys[i];
	for (i = 0; extra != NULL && extra[i] != NULL && i < VG_HTTP_MAX_ARGS;
	     i++)
		allowed[n++] = extra[i];
	allowed[n] = NULL;
	if (vg_api_args_check(req, allowed, err) != VG_OK ||
	    vg_api_arg_text(req, "site", &flt->site, err) != VG_OK ||
	    vg_api_arg_text(req, "category", &flt->category, err) != VG_OK ||
	    vg_api_arg_text(req, "search", &flt->search, err) != VG_OK ||
	    vg_api_arg_text(req, "vendor", &flt->vendor, err) != VG_OK ||
	    vg_api_arg_int(req, "min_score", 0, 100, -1, &lo, err) != VG_OK ||
	    vg_api_arg_int(req, "max_score", 0, 100, -1, &hi, err) != VG_OK ||
	    vg_api_arg_text(req, "kind", &kind, err) != VG_OK ||
	    vg_api_arg_int(req, "unmanaged", 0, 1, 0, &unmanaged, err) !=
		    VG_OK ||
	    vg_api_arg_page(req, &flt->offset, &flt->limit, err) != VG_OK)
		return VG_ERR_USAGE;
	/* The store's two kinds: anything else would list nothing. */
	if (kind != NULL && strcmp(kind, "host") != 0 &&
	    strcmp(kind, "device") != 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  "kind: expected host or device");
	flt->kind = kind;
	flt->unmanaged = (int)unmanaged;
	if (lo >= 0 && hi >= 0 && lo > hi)
		return vg_err_set(err, VG_ERR_USAGE,
				  "min_score: greater than max_score");
	flt->min_score = (int)lo;
	flt->max_score = (int)hi;
	return VG_OK;
}

void
vg_api_assets_list(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp)
{
	struct vg_asset_filter flt;
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (vg_api_asset_filter(req, NULL, &flt, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_list_assets(ctx->store, &flt, &out, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "assets", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

void
vg_api_asset_get(const struct vg_api_ctx *ctx,
		 const struct vg_http_request *req,
		 struct vg_http_response *resp)
{
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;
	int64_t id;

	vg_err_clear(&err);
	if (vg_api_param_id(req, "asset", &id, &err) != VG_OK ||
	    vg_api_args_check(req, NULL, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_get_asset(ctx->store, id, ctx->now, &out, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "asset", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

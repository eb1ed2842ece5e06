/*
 * GET /api/v1/findings and POST /api/v1/findings/{}/accept
 * (docs/internals/web-routes.md). Accepting a risk is the one write of
 * the read API: the body is checked field by field (a reason, an end
 * date within VG_API_ACCEPT_YEARS years) and the store records the
 * acceptance with its audit line in one go, signed by the principal.
 */
#include "util/common.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "core/rules.h"
#include "core/severity.h"
#include "store/store.h"
#include "web/api.h"
#include "web/http.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

#define DAY 86400

enum vg_rc
vg_api_finding_filter(const struct vg_http_request *req,
		      const char *const *extra, struct vg_finding_filter *flt,
		      struct vg_err *err)
{
	static const char *const keys[] = {
		"asset",  "rule", "check",  "severity",
		"status", "site", "offset", "limit",
	};
	static const char *const statuses[] = {"open", "accepted", "fixed"};
	const char *allowed[VG_ARRAY_LEN(keys) + VG_HTTP_MAX_ARGS + 1];
	const char *v;
	enum vg_severity sev;
	size_t n = 0, i;
	int64_t asset;

	memset(flt, 0, sizeof(*flt));
	flt->limit = VG_API_LIMIT_DEFAULT;
	for (i = 0; i < VG_ARRAY_LEN(keys); i++)
		allowed[n++] = keys[i];
	for (i = 0; extra != NULL && extra[i] != NULL && i < VG_HTTP_MAX_ARGS;
	     i++)
		allowed[n++] = extra[i];
	allowed[n] = NULL;
	if (vg_api_args_check(req, allowed, err) != VG_OK ||
	    vg_api_arg_int(req, "asset", 1, INT64_MAX, 0, &asset, err) !=
		    VG_OK ||
	    vg_api_arg_text(req, "site", &flt->site, err) != VG_OK ||
	    vg_api_arg_page(req, &flt->offset, &flt->limit, err) != VG_OK)
		return VG_ERR_USAGE;
	flt->asset_id = asset;
	v = vg_http_arg(req, "rule");
	if (v != NULL && v[0] != '\0' &&
	    vg_api_parse_rule(v, &flt->rule) != VG_OK)
		return vg_err_set(err, VG_ERR_USAGE,
				  "rule: expected R1 to R%d (or 1 to %d)",
				  VG_RULE_COUNT, VG_RULE_COUNT);
	/* Only the catalogue's ids: its static string goes to the store. */
	v = vg_http_arg(req, "check");
	if (v != NULL && v[0] != '\0') {
		const struct vg_check *c = vg_rules_find(v);

		if (c == NULL)
			return vg_err_set(err, VG_ERR_USAGE,
					  "check: unknown check");
		flt->check = c->id;
	}
	v = vg_http_arg(req, "severity");
	if (v != NULL && v[0] != '\0') {
		if (!vg_severity_parse(v, &sev))
			return vg_err_set(err, VG_ERR_USAGE,
					  "severity: expected low, medium, "
					  "high or critical");
		flt->severity = vg_severity_name(sev);
	}
	v = vg_http_arg(req, "status");
	if (v != NULL && v[0] != '\0') {
		for (i = 0; i < VG_ARRAY_LEN(statuses); i++)
			if (strcmp(v, statuses[i]) == 0)
				flt->status = statuses[i];
		if (flt->status == NULL)
			return vg_err_set(err, VG_ERR_USAGE,
					  "status: expected open, accepted "
					  "or fixed");
	}
	return VG_OK;
}

/* Characters (not bytes) of valid UTF-8 text: its non-continuation
 * bytes. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

enum vg_rc
vg_api_accept_check(const char *reason, const char *until, int64_t now,
		    int64_t *until_out, struct vg_err *err)
{
	int64_t day, today, t;
	bool blank = true;
	struct tm tm;
	time_t tt;
	size_t n, i;
	char back[11];

	*until_out = 0;
	if (reason == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "reason: missing");
	n = strlen(reason);
	if (!vg_utf8_valid(reason, n))
		return vg_err_set(err, VG_ERR_USAGE, "reason: not UTF-8");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)reason[i];

		/* Tabs and a textarea's line breaks; no other control. */
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return vg_err_set(err, VG_ERR_USAGE,
					  "reason: holds a control character");
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			blank = false;
	}
	if (blank)
		return vg_err_set(err, VG_ERR_USAGE, "reason: empty");
	if (utf8_chars(reason) > VG_API_REASON_MAX)
		return vg_err_set(err, VG_ERR_USAGE,
				  "reason: longer than %d characters",
				  VG_API_REASON_MAX);
	if (until == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "until: missing");
	/* vg_parse_date takes 02-29 of any year: a round trip refuses
	 * the days a calendar does not have. */
	tt = 0;
	if (vg_parse_date(until, &day) != VG_OK ||
	    (tt = (time_t)day, gmtime_r(&tt, &tm)) == NULL ||
	    strftime(back, sizeof(back), "%Y-%m-%d", &tm) != 10 ||
	    strcmp(back, until) != 0)
		return vg_err_set(err, VG_ERR_USAGE,
				  "until: expected a date YYYY-MM-DD");
	today = now - ((now % DAY) + DAY) % DAY;
	if (day <= today)
		return vg_err_set(err, VG_ERR_USAGE,
				  "until: must be after today");
	tt = (time_t)today;
	if (gmtime_r(&tt, &tm) == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "until: bad clock");
	/* The same day VG_API_ACCEPT_YEARS years on (02-29 becomes
	 * 03-01). */
	tm.tm_year += VG_API_ACCEPT_YEARS;
	t = (int64_t)timegm(&tm);
	if (day > t)
		return vg_err_set(err, VG_ERR_USAGE,
				  "until: more than %d years ahead",
				  VG_API_ACCEPT_YEARS);
	*until_out = day;
	return VG_OK;
}

void
vg_api_findings_list(const struct vg_api_ctx *ctx,
		     const struct vg_http_request *req,
		     struct vg_http_response *resp)
{
	struct vg_finding_filter flt;
	json_t *out = NULL;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (vg_api_finding_filter(req, NULL, &flt, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_list_findings(ctx->store, &flt, ctx->now, &out, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_store_failed(resp, "findings", &err);
		return;
	}
	vg_http_json(resp, 200, out);
}

/* A string field of the body: NULL when absent; 400 answered (false)
 * when of another type or holding a NUL byte. */
static bool
body_string(const json_t *doc, const char *key, const char **out,
	    struct vg_http_response *resp)
{
	const json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (v == NULL)
		return true;
	if (!json_is_string(v)) {
		vg_http_error(resp, 400, "%s: not a string", key);
		return false;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		vg_http_error(resp, 400, "%s: holds a NUL byte", key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

void
vg_api_finding_accept(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp)
{
	const char *reason, *until, *key;
	struct vg_err err;
	int64_t id, when;
	json_t *doc, *v;
	enum vg_rc rc;

	vg_err_clear(&err);
	/* No argument is read: the server may also have parsed a JSON
	 * body sent as a form (curl -d) into req->args, so they are not
	 * refused either. */
	if (vg_api_param_id(req, "finding", &id, &err) != VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		return;
	}
	if ((doc = vg_http_body_object(req, resp)) == NULL)
		return;
	json_object_foreach(doc, key, v)
	{
		if (strcmp(key, "reason") != 0 && strcmp(key, "until") != 0) {
			vg_http_error(resp, 400, "body: unknown field '%.40s'",
				      key);
			goto done;
		}
	}
	if (!body_string(doc, "reason", &reason, resp) ||
	    !body_string(doc, "until", &until, resp))
		goto done;
	if (vg_api_accept_check(reason, until, ctx->now, &when, &err) !=
	    VG_OK) {
		vg_http_error(resp, 400, "%s", err.msg);
		goto done;
	}
	vg_api_lock(ctx);
	rc = vg_store_accept_finding(ctx->store, id, reason, when,
				     ctx->principal->name, ctx->now, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE)
		/* The store's own check of what we checked: its message
		 * names the field. */
		vg_http_error(resp, 400, "%s", err.msg);
	else if (rc != VG_OK)
		vg_api_store_failed(resp, "finding", &err);
	else
		vg_http_json(resp, 200,
			     json_pack("{s:b, s:I, s:s, s:s, s:s, s:s}",
				       "accepted", 1, "id", (json_int_t)id,
				       "status", "accepted", "until", until,
				       "reason", reason, "by",
				       ctx->principal->name));
done:
	json_decref(doc);
}

/*
 * GET /findings (technicien and above): every finding of the latest
 * scans, filtered and paged; for rssi and admin each open finding has
 * the accept-risk form. POST /findings/{id}/accept (rssi): records the
 * acceptance (reason, end date) and goes back to the list. The server
 * has checked the session's CSRF token before the handler runs.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

#define FINDINGS_FILTER_MAX 128 /* bytes of one filter's text */
#define ACCEPT_REASON_MAX 1000  /* bytes of an acceptance's reason */

static const char *const filter_keys[] = {
	"asset", "rule", "check", "severity", "status", "site", NULL,
};

static void
text_input(struct vg_html *h, const struct vg_http_request *req,
	   const char *literal_key, const char *label)
{
	const char *v = vg_http_arg(req, literal_key);

	vg_html_raw(h, "<label>");
	vg_html_text(h, label);
	vg_html_raw(h, "<input name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\" value=\"");
	if (v != NULL && strlen(v) <= FINDINGS_FILTER_MAX)
		vg_html_attr(h, v);
	vg_html_raw(h, "\"></label>");
}

/* A select of fixed values (literals), the request's one selected. */
static void
select_input(struct vg_html *h, const struct vg_http_request *req,
	     const char *literal_key, const char *label,
	     const char *const *values, const char *const *labels, size_t n)
{
	const char *v = vg_http_arg(req, literal_key);
	size_t i;

	vg_html_raw(h, "<label>");
	vg_html_text(h, label);
	vg_html_raw(h, "<select name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\"><option value=\"\">");
	vg_html_text(h, _("any"));
	vg_html_raw(h, "</option>");
	for (i = 0; i < n; i++) {
		vg_html_raw(h, "<option value=\"");
		vg_html_attr(h, values[i]);
		vg_html_raw(h,
			    v != NULL && strcmp(v, values[i]) == 0
				    ? "\" selected>"
				    : "\">");
		vg_html_text(h, labels[i]);
		vg_html_raw(h, "</option>");
	}
	vg_html_raw(h, "</select></label>");
}

static void
filters_form(struct vg_html *h, const struct vg_http_request *req)
{
	static const char *const sev[] = {"critical", "high", "medium", "low"};
	static const char *const st[] = {"open", "accepted", "fixed"};
	static const char *const rules[] = {"R1", "R2", "R3", "R4", "R5",
					    "R6", "R7", "R8", "R9", "R10"};
	const char *sev_l[VG_ARRAY_LEN(sev)], *st_l[VG_ARRAY_LEN(st)];
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(sev); i++)
		sev_l[i] = vg_html_severity_label(sev[i]);
	st_l[0] = _("open");
	st_l[1] = _("accepted");
	st_l[2] = _("fixed");
	vg_html_raw(h,
		    "<form id=\"filters\" method=\"get\" "
		    "action=\"/findings\">");
	select_input(h, req, "rule", _("Rule"), rules, rules,
		     VG_ARRAY_LEN(rules));
	select_input(h, req, "severity", _("Severity"), sev, sev_l,
		     VG_ARRAY_LEN(sev));
	select_input(h, req, "status", _("Status"), st, st_l, VG_ARRAY_LEN(st));
	text_input(h, req, "check", _("Check"));
	text_input(h, req, "site", _("Site"));
	text_input(h, req, "asset", _("Asset number"));
	vg_html_raw(h, "<button type=\"submit\">");
	vg_html_text(h, _("Filter"));
	vg_html_raw(h, "</button></form>");
}

/* The accept-risk form of one open finding (rssi, admin). */
static void
accept_form(struct vg_html *h, const struct vg_principal *p, json_int_t id)
{
	vg_html_raw(h,
		    "<form class=\"accept\" method=\"post\" "
		    "action=\"/findings/");
	vg_html_int(h, id);
	vg_html_raw(h,
		    "/accept\"><input type=\"hidden\" name=\"csrf\" "
		    "value=\"");
	vg_html_attr(h, p->csrf);
	vg_html_raw(h,
		    "\"><input name=\"reason\" required maxlength=\"1000\" "
		    "placeholder=\"");
	vg_html_attr(h, _("Reason"));
	vg_html_raw(h, "\" aria-label=\"");
	vg_html_attr(h, _("Reason"));
	vg_html_raw(h,
		    "\"><input name=\"until\" type=\"date\" required "
		    "aria-label=\"");
	vg_html_attr(h, _("Until"));
	vg_html_raw(h, "\"><button type=\"submit\">");
	vg_html_text(h, _("Accept the risk"));
	vg_html_raw(h, "</button></form>");
}

static void
finding_row(struct vg_html *h, const json_t *f, const struct vg_principal *p)
{
	json_int_t id = json_integer_value(json_object_get(f, "id"));
	const char *status = vg_html_json_str(f, "status");
	int rule = vg_html_rule_of(f);

	vg_html_raw(h, "<tr class=\"finding\" data-finding=\"");
	vg_html_int(h, id);
	vg_html_raw(h, "\"><td>");
	vg_html_severity(h, vg_html_json_str(f, "severity"));
	vg_html_raw(h, "</td><td><a class=\"asset-link\" href=\"/assets/");
	vg_html_int(h, json_integer_value(json_object_get(f, "asset_id")));
	vg_html_raw(h, "\">");
	vg_html_json_text(h, f, "hostname");
	vg_html_raw(h, "</a></td><td>");
	if (rule > 0) {
		vg_html_raw(h, "<a href=\"/rules/R");
		vg_html_int(h, rule);
		vg_html_raw(h, "\">R");
		vg_html_int(h, rule);
		vg_html_raw(h, "</a>");
	}
	vg_html_raw(h, "</td><td><code>");
	vg_html_json_text(h, f, "check");
	vg_html_raw(h, "</code></td><td>");
	vg_html_json_text(h, f, "subject");
	vg_html_raw(h, "</td><td>");
	vg_html_json_time(h, f, "first_seen");
	vg_html_raw(h, "</td><td>");
	vg_html_status(h, f);
	if (vg_console_can_accept(p) &&
	    (status == NULL || strcmp(status, "open") == 0))
		accept_form(h, p, id);
	vg_html_raw(h, "</td></tr>");
}

static void
findings_table(struct vg_html *h, const json_t *list,
	       const struct vg_principal *p)
{
	static const char *const heads[] = {
		N_("Severity"), N_("Asset"),      N_("Rule"),   N_("Check"),
		N_("Subject"),  N_("First seen"), N_("Status"),
	};
	const json_t *f;
	size_t i;

	vg_html_raw(h, "<table id=\"findings\"><thead><tr>");
	for (i = 0; i < VG_ARRAY_LEN(heads); i++) {
		vg_html_raw(h, "<th>");
		vg_html_text(h, _(heads[i]));
		vg_html_raw(h, "</th>");
	}
	vg_html_raw(h, "</tr></thead><tbody>");
	json_array_foreach(list, i, f) finding_row(h, f, p);
	if (json_array_size(list) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"7\" class=\"muted\">");
		vg_html_text(h, _("No finding matches."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table>");
}

/* "R3", "r3" or "3" as 1-10; false otherwise. */
static bool
parse_rule(const char *s, int *out)
{
	int64_t n;

	if (s[0] == 'R' || s[0] == 'r')
		s++;
	if (vg_parse_intz(s, 1, VG_RULE_COUNT, &n) != VG_OK)
		return false;
	*out = (int)n;
	return true;
}

static const char *const severities[] = {"critical", "high", "medium", "low",
					 NULL};
static const char *const statuses[] = {"open", "accepted", "fixed", NULL};

static bool
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* The filter from the request; NULL, or the message of a 400. */
static const char *
read_filter(const struct vg_http_request *req, struct vg_finding_filter *flt)
{
	int64_t asset = 0, offset = 0;
	const char *rule;
	bool too_long = false;

	memset(flt, 0, sizeof(*flt));
	flt->check = vg_console_arg_str(req, "check", FINDINGS_FILTER_MAX,
					&too_long);
	flt->severity = vg_console_arg_str(req, "severity", FINDINGS_FILTER_MAX,
					   &too_long);
	flt->status = vg_console_arg_str(req, "status", FINDINGS_FILTER_MAX,
					 &too_long);
	flt->site =
		vg_console_arg_str(req, "site", FINDINGS_FILTER_MAX, &too_long);
	rule = vg_console_arg_str(req, "rule", FINDINGS_FILTER_MAX, &too_long);
	if (too_long)
		return _("a filter is too long");
	if (flt->severity != NULL && !one_of(flt->severity, severities))
		return _("severity: not low, medium, high or critical");
	if (flt->status != NULL && !one_of(flt->status, statuses))
		return _("status: not open, accepted or fixed");
	if (rule != NULL && !parse_rule(rule, &flt->rule))
		return _("rule: not R1 to R10");
	if (!vg_console_arg_int(req, "asset", 1, INT64_MAX, &asset))
		return _("asset: not an asset number");
	if (!vg_console_arg_int(req, "offset", 0, INT32_MAX, &offset))
		return _("offset: not a valid number");
	flt->asset_id = asset;
	flt->offset = (size_t)offset;
	flt->limit = VG_CONSOLE_PAGE_SIZE;
	return NULL;
}

void
vg_page_findings(const struct vg_api_ctx *ctx,
		 const struct vg_http_request *req,
		 struct vg_http_response *resp)
{
	struct vg_finding_filter flt;
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	const char *bad;
	json_int_t total;
	enum vg_rc rc;

	vg_err_clear(&err);
	if ((bad = read_filter(req, &flt)) != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_list_findings(ctx->store, &flt, ctx->now, &doc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE) {
		/* A filter the store refuses: the user's to fix. */
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("findings", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	total = json_integer_value(json_object_get(doc, "total"));
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Findings"), VG_NAV_FINDINGS);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Findings"));
	vg_html_raw(&h, "</h1><div class=\"card\">");
	filters_form(&h, req);
	findings_table(&h, json_object_get(doc, "findings"), ctx->principal);
	vg_html_paging(&h, "/findings", req, filter_keys, flt.offset, flt.limit,
		       total > 0 ? (size_t)total : 0);
	vg_html_raw(&h, "</div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

/* A 400 page naming the field at fault. */
static void
accept_refused(const struct vg_api_ctx *ctx, struct vg_http_response *resp,
	       const char *field, const char *why)
{
	char msg[256];

	(void)snprintf(msg, sizeof(msg), "%s: %s", field, why);
	vg_html_error_page(ctx, resp, 400, msg);
}

void
vg_page_accept(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	const char *reason = vg_http_arg(req, "reason");
	const char *until_s = vg_http_arg(req, "until");
	const char *next = vg_http_arg(req, "next");
	const char *r;
	struct vg_err err;
	int64_t id, until;
	size_t n;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, &id) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such finding"));
		return;
	}
	/* A reason of blanks is no reason. */
	r = reason != NULL ? reason : "";
	n = strlen(r);
	vg_trim(&r, &n);
	if (n == 0) {
		accept_refused(ctx, resp, "reason", _("missing"));
		return;
	}
	if (strlen(reason) > ACCEPT_REASON_MAX ||
	    !vg_utf8_valid(reason, strlen(reason))) {
		accept_refused(ctx, resp, "reason",
			       _("longer than 1000 bytes or not UTF-8"));
		return;
	}
	if (until_s == NULL || vg_parse_date(until_s, &until) != VG_OK) {
		accept_refused(ctx, resp, "until",
			       _("not a date (YYYY-MM-DD)"));
		return;
	}
	if (until <= ctx->now) {
		accept_refused(ctx, resp, "until", _("not in the future"));
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_accept_finding(ctx->store, id, reason, until,
				     ctx->principal->name, ctx->now, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND) {
		vg_html_error_page(ctx, resp, 404, _("no such finding"));
		return;
	}
	if (rc == VG_ERR_USAGE) {
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("accept", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_redirect(resp, vg_html_local_path(next) ? next : "/findings");
}

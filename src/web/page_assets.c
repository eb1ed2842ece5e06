/*
 * GET /assets (technicien and above): the assets list with its filters
 * (a GET form, so a filtered list is a link one can share), worst first,
 * VG_CONSOLE_PAGE_SIZE rows a page.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "util/banned.h"

#define ASSETS_FILTER_MAX 128 /* bytes of one filter's text */

static const char *const filter_keys[] = {
	"search", "site", "category", "min_score", "max_score", NULL,
};

static void
filters_form(struct vg_html *h, const struct vg_http_request *req)
{
	vg_html_raw(h,
		    "<form id=\"filters\" method=\"get\" "
		    "action=\"/assets\">");
	vg_html_filter_input(h, "search", "search", _("Search"),
			     vg_http_arg(req, "search"), ASSETS_FILTER_MAX);
	vg_html_filter_input(h, "site", "text", _("Site"),
			     vg_http_arg(req, "site"), ASSETS_FILTER_MAX);
	vg_html_filter_input(h, "category", "text", _("Category"),
			     vg_http_arg(req, "category"), ASSETS_FILTER_MAX);
	vg_html_filter_input(h, "min_score", "number", _("Minimum score"),
			     vg_http_arg(req, "min_score"), ASSETS_FILTER_MAX);
	vg_html_filter_input(h, "max_score", "number", _("Maximum score"),
			     vg_http_arg(req, "max_score"), ASSETS_FILTER_MAX);
	vg_html_raw(h, "<button type=\"submit\">");
	vg_html_text(h, _("Filter"));
	vg_html_raw(h, "</button></form>");
}

static void
asset_row(struct vg_html *h, const json_t *a)
{
	json_int_t id = json_integer_value(json_object_get(a, "id"));

	vg_html_raw(h, "<tr data-asset=\"");
	vg_html_int(h, id);
	vg_html_raw(h, "\"><td><a class=\"asset-link\" href=\"/assets/");
	vg_html_int(h, id);
	vg_html_raw(h, "\">");
	vg_html_json_text(h, a, "hostname");
	vg_html_raw(h, "</a></td><td>");
	vg_html_json_text(h, a, "site");
	vg_html_raw(h, "</td><td>");
	vg_html_json_text(h, a, "category");
	vg_html_raw(h, "</td><td class=\"num\">");
	vg_html_score(
		h, vg_html_score_of(json_object_get(a, "scores"), "overall"));
	vg_html_raw(h, "</td><td class=\"num\">");
	vg_html_int(h, json_integer_value(json_object_get(a, "findings")));
	vg_html_raw(h, "</td><td class=\"num\">");
	vg_html_int(h, json_integer_value(json_object_get(a, "critical")));
	vg_html_raw(h, " / ");
	vg_html_int(h, json_integer_value(json_object_get(a, "high")));
	vg_html_raw(h, "</td><td>");
	vg_html_json_time(h, a, "last_seen");
	vg_html_raw(h, "</td></tr>");
}

static void
assets_table(struct vg_html *h, const json_t *list)
{
	static const char *const heads[] = {
		N_("Asset"),       N_("Site"),          N_("Category"),
		N_("Score"),       N_("Open findings"), N_("Critical / high"),
		N_("Last report"),
	};
	const json_t *a;
	size_t i;

	vg_html_raw(h, "<table id=\"assets\"><thead><tr>");
	for (i = 0; i < VG_ARRAY_LEN(heads); i++) {
		vg_html_raw(h,
			    i >= 3 && i <= 5 ? "<th class=\"num\">" : "<th>");
		vg_html_text(h, _(heads[i]));
		vg_html_raw(h, "</th>");
	}
	vg_html_raw(h, "</tr></thead><tbody>");
	json_array_foreach(list, i, a) asset_row(h, a);
	if (json_array_size(list) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"7\" class=\"muted\">");
		vg_html_text(h, _("No asset matches."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table>");
}

void
vg_page_assets(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	       struct vg_http_response *resp)
{
	struct vg_asset_filter flt;
	int64_t min = -1, max = -1, offset = 0;
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	const char *bad = NULL;
	bool too_long = false;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&flt, 0, sizeof(flt));
	flt.search =
		vg_console_arg_str(req, "search", ASSETS_FILTER_MAX, &too_long);
	flt.site =
		vg_console_arg_str(req, "site", ASSETS_FILTER_MAX, &too_long);
	flt.category = vg_console_arg_str(req, "category", ASSETS_FILTER_MAX,
					  &too_long);
	if (too_long)
		bad = _("a filter is too long");
	else if (!vg_console_arg_int(req, "min_score", 0, 100, &min))
		bad = _("min_score: not a number from 0 to 100");
	else if (!vg_console_arg_int(req, "max_score", 0, 100, &max))
		bad = _("max_score: not a number from 0 to 100");
	else if (!vg_console_arg_int(req, "offset", 0, INT32_MAX, &offset))
		bad = _("offset: not a valid number");
	if (bad != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		return;
	}
	flt.min_score = (int)min;
	flt.max_score = (int)max;
	flt.offset = (size_t)offset;
	flt.limit = VG_CONSOLE_PAGE_SIZE;

	vg_api_lock(ctx);
	rc = vg_store_list_assets(ctx->store, &flt, &doc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE) {
		/* A filter the store refuses: the user's to fix. */
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("assets", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Assets"), VG_NAV_ASSETS);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Assets"));
	vg_html_raw(&h, "</h1><div class=\"card\">");
	filters_form(&h, req);
	assets_table(&h, json_object_get(doc, "assets"));
	vg_html_paging(
		&h, "/assets", req, filter_keys, flt.offset, flt.limit,
		(size_t)json_integer_value(json_object_get(doc, "total")));
	vg_html_raw(&h, "</div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

/*
 * GET /devices (technicien and above): the network devices recorded by
 * vigie discover (assets of kind "device"), worst first, with the
 * filters of a GET form (search, site, category, vendor, unmanaged
 * only) and VG_CONSOLE_PAGE_SIZE rows a page. A row names the device by
 * its display name, its key (MAC or IP address, the asset's hostname)
 * below when they differ, and its vendor: the store keeps both from the
 * latest facts (schema 10), so the list never reads the facts; the
 * evidence is on the device's page (/assets/ID).
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "util/banned.h"

#define DEVICES_FILTER_MAX 128 /* bytes of one filter's text */

static const char *const filter_keys[] = {
	"search", "site", "category", "vendor", "unmanaged", NULL,
};

static void
filters_form(struct vg_html *h, const struct vg_http_request *req,
	     bool unmanaged)
{
	vg_html_raw(h,
		    "<form id=\"filters\" method=\"get\" "
		    "action=\"/devices\">");
	vg_html_filter_input(h, "search", "search",
			     _("Search (name, address, MAC prefix, site)"),
			     vg_http_arg(req, "search"), DEVICES_FILTER_MAX);
	vg_html_filter_input(h, "site", "text", _("Site"),
			     vg_http_arg(req, "site"), DEVICES_FILTER_MAX);
	vg_html_filter_input(h, "category", "text", _("Category"),
			     vg_http_arg(req, "category"), DEVICES_FILTER_MAX);
	vg_html_filter_input(h, "vendor", "text", _("Vendor"),
			     vg_http_arg(req, "vendor"), DEVICES_FILTER_MAX);
	vg_html_raw(h,
		    "<label><input name=\"unmanaged\" type=\"checkbox\" "
		    "value=\"1\"");
	if (unmanaged)
		vg_html_raw(h, " checked");
	vg_html_raw(h, ">");
	vg_html_text(h, _("Unmanaged only"));
	vg_html_raw(h, "</label><button type=\"submit\">");
	vg_html_text(h, _("Filter"));
	vg_html_raw(h, "</button></form>");
}

/*
 * The device's name, linked; its key below unless the name is the key
 * (a device without a better name: the store gives the hostname).
 */
static void
device_name(struct vg_html *h, const json_t *a, json_int_t id)
{
	const char *name = json_string_value(json_object_get(a, "name"));
	const char *key = json_string_value(json_object_get(a, "hostname"));
	bool same = name == NULL || (key != NULL && strcmp(name, key) == 0);

	vg_html_raw(h, "<td><a class=\"asset-link\" href=\"/assets/");
	vg_html_int(h, id);
	vg_html_raw(h, "\">");
	if (same) {
		vg_html_raw(h, "<code>");
		vg_html_json_text(h, a, "hostname");
		vg_html_raw(h, "</code></a>");
	} else {
		vg_html_raw(h, "<span class=\"device-name\">");
		vg_html_text(h, name);
		vg_html_raw(h, "</span></a><br><code class=\"device-key\">");
		vg_html_json_text(h, a, "hostname");
		vg_html_raw(h, "</code>");
	}
	vg_html_raw(h, "</td>");
}

static void
device_row(struct vg_html *h, const json_t *a)
{
	json_int_t id = json_integer_value(json_object_get(a, "id"));

	vg_html_raw(h, "<tr data-asset=\"");
	vg_html_int(h, id);
	vg_html_raw(h, "\">");
	device_name(h, a, id);
	vg_html_raw(h, "<td class=\"device-vendor\">");
	vg_html_json_text(h, a, "vendor");
	vg_html_raw(h, "</td><td>");
	vg_html_json_text(h, a, "category");
	vg_html_raw(h, "</td><td>");
	vg_html_json_text(h, a, "site");
	vg_html_raw(h, "</td><td class=\"num\">");
	vg_html_score(
		h, vg_html_score_of(json_object_get(a, "scores"), "overall"));
	vg_html_raw(h, "</td><td>");
	/* No host nor declared asset is this device (R1). */
	if (json_is_true(json_object_get(a, "unmanaged"))) {
		vg_html_raw(h, "<span class=\"sev sev-high unmanaged\">");
		vg_html_text(h, _("unmanaged"));
		vg_html_raw(h, "</span>");
	} else {
		vg_html_raw(h, "<span class=\"muted\">—</span>");
	}
	vg_html_raw(h, "</td><td class=\"num\">");
	vg_html_int(h, json_integer_value(json_object_get(a, "findings")));
	vg_html_raw(h, "</td><td>");
	vg_html_json_time(h, a, "last_seen");
	vg_html_raw(h, "</td></tr>");
}

static void
devices_table(struct vg_html *h, const json_t *list)
{
	static const char *const heads[] = {
		N_("Device (MAC or IP address)"),
		N_("Vendor"),
		N_("Category"),
		N_("Site"),
		N_("Score"),
		N_("Inventory"),
		N_("Open findings"),
		N_("Last seen"),
	};
	const json_t *a;
	size_t i;

	vg_html_raw(h, "<table id=\"devices\"><thead><tr>");
	for (i = 0; i < VG_ARRAY_LEN(heads); i++) {
		vg_html_raw(h,
			    i == 4 || i == 6 ? "<th class=\"num\">" : "<th>");
		vg_html_text(h, _(heads[i]));
		vg_html_raw(h, "</th>");
	}
	vg_html_raw(h, "</tr></thead><tbody>");
	json_array_foreach(list, i, a) device_row(h, a);
	if (json_array_size(list) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"8\" class=\"muted\">");
		vg_html_text(h, _("No network device matches."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table>");
}

void
vg_page_devices(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
		struct vg_http_response *resp)
{
	struct vg_asset_filter flt;
	int64_t offset = 0, unmanaged = 0;
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	const char *bad = NULL;
	bool too_long = false;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&flt, 0, sizeof(flt));
	flt.search = vg_console_arg_str(req, "search", DEVICES_FILTER_MAX,
					&too_long);
	flt.site =
		vg_console_arg_str(req, "site", DEVICES_FILTER_MAX, &too_long);
	flt.category = vg_console_arg_str(req, "category", DEVICES_FILTER_MAX,
					  &too_long);
	flt.vendor = vg_console_arg_str(req, "vendor", DEVICES_FILTER_MAX,
					&too_long);
	if (too_long)
		bad = _("a filter is too long");
	else if (!vg_console_arg_int(req, "unmanaged", 0, 1, &unmanaged))
		bad = _("unmanaged: not 0 or 1");
	else if (!vg_console_arg_int(req, "offset", 0, INT32_MAX, &offset))
		bad = _("offset: not a valid number");
	if (bad != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		return;
	}
	flt.min_score = flt.max_score = -1;
	flt.kind = "device";
	flt.unmanaged = (int)unmanaged;
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
		vg_api_log_error("devices", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Network devices"),
			   VG_NAV_DEVICES);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Network devices"));
	vg_html_raw(&h, "</h1><div class=\"card\">");
	filters_form(&h, req, unmanaged == 1);
	devices_table(&h, json_object_get(doc, "assets"));
	vg_html_paging(
		&h, "/devices", req, filter_keys, flt.offset, flt.limit,
		(size_t)json_integer_value(json_object_get(doc, "total")));
	vg_html_raw(&h, "</div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

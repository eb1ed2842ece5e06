/*
 * GET /vulnerabilities and /vulnerabilities/{CVE} (technicien and above;
 * issue "Known vulnerabilities"): the latest scans' vulnerable packages
 * by CVE, by source package or by host, with a KEV badge, filters (KEV
 * only, search, and the cve, package and asset a link narrows to) and
 * VG_CONSOLE_PAGE_SIZE rows a page; and one CVE: its description, its
 * KEV entry (date added, due date, ransomware use), EPSS, and the hosts
 * it affects with their installed and fixed versions. The store answers
 * from a snapshot at most a minute old: each page says "as of" when.
 */
#include "util/common.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/vulns.h"
#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "util/banned.h"

#define VULNS_FILTER_MAX 128 /* bytes of one filter's text */
#define VULNS_CVE_ROWS 200   /* hosts listed on a CVE's page */

/* Listed in routes_console.c; kept out of html.h, which is not ours. */
void vg_page_vulns(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_page_vuln(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp);

static const char *const filter_keys[] = {
	"group", "kev", "search", "cve", "package", "asset", NULL,
};

/* The red KEV badge (CISA's known exploited catalogue). */
static void
kev_badge(struct vg_html *h)
{
	vg_html_raw(h, "<span class=\"sev sev-critical kev\" title=\"");
	vg_html_attr(h, _("Known exploited (CISA KEV)"));
	vg_html_raw(h, "\">KEV</span>");
}

/* A number member with the given decimals, "—" when null. */
static void
real_cell(struct vg_html *h, const json_t *o, const char *key, int pct)
{
	const json_t *v = json_object_get(o, key);
	char buf[32];

	if (!json_is_number(v)) {
		vg_html_raw(h, "<span class=\"muted\">—</span>");
		return;
	}
	if (pct)
		(void)snprintf(buf, sizeof(buf), "%.1f %%",
			       json_number_value(v) * 100.0);
	else
		(void)snprintf(buf, sizeof(buf), "%.1f", json_number_value(v));
	vg_html_text(h, buf);
}

static void
int_cell(struct vg_html *h, const json_t *o, const char *key)
{
	vg_html_raw(h, "<td class=\"num\">");
	vg_html_int(h, json_integer_value(json_object_get(o, key)));
	vg_html_raw(h, "</td>");
}

/* An urgency's translated label. */
static const char *
urgency_label(const char *u)
{
	static const char *const names[] = {"unknown", "unimportant", "low",
					    "medium", "high"};
	static const char *const labels[] = {N_("unknown"), N_("unimportant"),
					     N_("low"), N_("medium"),
					     N_("high")};
	size_t i;

	for (i = 0; u != NULL && i < VG_ARRAY_LEN(names); i++)
		if (strcmp(u, names[i]) == 0)
			return _(labels[i]);
	return _("unknown");
}

/* A comma-joined list of the strings of array a. */
static void
list_text(struct vg_html *h, const json_t *a)
{
	const json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
	{
		if (i > 0)
			vg_html_raw(h, ", ");
		vg_html_text(h, json_string_value(x));
	}
	if (json_array_size(a) == 0)
		vg_html_raw(h, "<span class=\"muted\">—</span>");
}

/* The CVE's page link. */
static void
cve_link(struct vg_html *h, const char *cve)
{
	vg_html_raw(h, "<a class=\"cve-link\" href=\"/vulnerabilities/");
	vg_html_urlarg(h, cve);
	vg_html_raw(h, "\">");
	vg_html_text(h, cve);
	vg_html_raw(h, "</a>");
}

static void
heads(struct vg_html *h, const char *const *labels, size_t n, unsigned num_mask)
{
	size_t i;

	vg_html_raw(h, "<thead><tr>");
	for (i = 0; i < n; i++) {
		vg_html_raw(h,
			    num_mask & (1u << i) ? "<th class=\"num\">"
						 : "<th>");
		vg_html_text(h, _(labels[i]));
		vg_html_raw(h, "</th>");
	}
	vg_html_raw(h, "</tr></thead><tbody>");
}

static void
empty_row(struct vg_html *h, const char *literal_cols)
{
	vg_html_raw(h, "<tr><td colspan=\"");
	vg_html_raw(h, literal_cols);
	vg_html_raw(h, "\" class=\"muted\">");
	vg_html_text(h, _("No known vulnerability matches."));
	vg_html_raw(h, "</td></tr>");
}

static void
cve_table(struct vg_html *h, const json_t *items)
{
	static const char *const labels[] = {
		N_("CVE"),   N_("EPSS"),     N_("CVSS"),          N_("Urgency"),
		N_("Hosts"), N_("Packages"), N_("Fix available"),
	};
	const json_t *o;
	size_t i;

	vg_html_raw(h, "<table id=\"vulns-cve\">");
	heads(h, labels, VG_ARRAY_LEN(labels), 0x16);
	json_array_foreach(items, i, o)
	{
		const char *id = vg_html_json_str(o, "cve");

		vg_html_raw(h, "<tr data-cve=\"");
		vg_html_attr(h, id);
		vg_html_raw(h, "\"><td>");
		cve_link(h, id);
		if (json_is_true(json_object_get(o, "kev"))) {
			vg_html_raw(h, " ");
			kev_badge(h);
		}
		vg_html_raw(h, "</td><td class=\"num\">");
		real_cell(h, o, "epss", 1);
		vg_html_raw(h, "</td><td class=\"num\">");
		real_cell(h, o, "cvss", 0);
		vg_html_raw(h, "</td><td>");
		vg_html_text(h, urgency_label(vg_html_json_str(o, "urgency")));
		vg_html_raw(h, "</td>");
		int_cell(h, o, "hosts");
		vg_html_raw(h, "<td>");
		list_text(h, json_object_get(o, "packages"));
		vg_html_raw(h, "</td><td class=\"fix\">");
		if (json_is_true(json_object_get(o, "fix_available"))) {
			vg_html_text(h, _("yes"));
			vg_html_raw(h, " (");
			vg_html_int(h,
				    json_integer_value(
					    json_object_get(o, "fixed_hosts")));
			vg_html_raw(h, ")");
		} else {
			vg_html_raw(h, "<span class=\"no-fix\">");
			vg_html_text(h, _("no"));
			vg_html_raw(h, "</span>");
		}
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(items) == 0)
		empty_row(h, "7");
	vg_html_raw(h, "</tbody></table>");
}

static void
package_table(struct vg_html *h, const json_t *items)
{
	static const char *const labels[] = {
		N_("Source package"),
		N_("CVEs"),
		N_("In KEV"),
		N_("Hosts"),
		N_("Installed versions"),
		N_("Fixed version"),
	};
	const json_t *o;
	size_t i;

	vg_html_raw(h, "<table id=\"vulns-package\">");
	heads(h, labels, VG_ARRAY_LEN(labels), 0x0e);
	json_array_foreach(items, i, o)
	{
		const char *p = vg_html_json_str(o, "package");

		vg_html_raw(h, "<tr data-package=\"");
		vg_html_attr(h, p);
		vg_html_raw(h,
			    "\"><td><a class=\"package-link\" "
			    "href=\"/vulnerabilities?group=cve&amp;package=");
		vg_html_urlarg(h, p);
		vg_html_raw(h, "\">");
		vg_html_text(h, p);
		vg_html_raw(h, "</a></td><td class=\"num\">");
		vg_html_int(h, json_integer_value(json_object_get(o, "cves")));
		/* The finding lists 50 ids per package: more exist. */
		if (json_is_true(json_object_get(o, "truncated")))
			vg_html_raw(h, "+");
		vg_html_raw(h, "</td><td class=\"num\">");
		if (json_integer_value(json_object_get(o, "kev")) > 0) {
			vg_html_int(
				h,
				json_integer_value(json_object_get(o, "kev")));
			vg_html_raw(h, " ");
			kev_badge(h);
		} else {
			vg_html_raw(h, "0");
		}
		vg_html_raw(h,
			    "</td><td class=\"num\"><a href=\"/"
			    "vulnerabilities?group=host&amp;package=");
		vg_html_urlarg(h, p);
		vg_html_raw(h, "\">");
		vg_html_int(h, json_integer_value(json_object_get(o, "hosts")));
		vg_html_raw(h, "</a></td><td>");
		list_text(h, json_object_get(o, "versions"));
		vg_html_raw(h, "</td><td>");
		list_text(h, json_object_get(o, "fixed_versions"));
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(items) == 0)
		empty_row(h, "6");
	vg_html_raw(h, "</tbody></table>");
}

static void
host_table(struct vg_html *h, const json_t *items)
{
	static const char *const labels[] = {
		N_("Host"), N_("Site"),   N_("Vulnerable packages"),
		N_("CVEs"), N_("In KEV"), N_("Packages with a fix"),
	};
	const json_t *o;
	size_t i;

	vg_html_raw(h, "<table id=\"vulns-host\">");
	heads(h, labels, VG_ARRAY_LEN(labels), 0x3c);
	json_array_foreach(items, i, o)
	{
		json_int_t id =
			json_integer_value(json_object_get(o, "asset_id"));

		vg_html_raw(h, "<tr data-asset=\"");
		vg_html_int(h, id);
		vg_html_raw(h,
			    "\"><td><a class=\"asset-link\" href=\"/assets/");
		vg_html_int(h, id);
		vg_html_raw(h, "\">");
		vg_html_json_text(h, o, "hostname");
		vg_html_raw(h, "</a></td><td>");
		vg_html_json_text(h, o, "site");
		vg_html_raw(h,
			    "</td><td class=\"num\"><a href=\"/"
			    "vulnerabilities?group=package&amp;asset=");
		vg_html_int(h, id);
		vg_html_raw(h, "\">");
		vg_html_int(h,
			    json_integer_value(json_object_get(o, "packages")));
		vg_html_raw(h, "</a></td>");
		int_cell(h, o, "cves");
		vg_html_raw(h, "<td class=\"num\">");
		vg_html_int(h, json_integer_value(json_object_get(o, "kev")));
		if (json_integer_value(json_object_get(o, "kev")) > 0) {
			vg_html_raw(h, " ");
			kev_badge(h);
		}
		vg_html_raw(h, "</td>");
		int_cell(h, o, "fixed_packages");
		vg_html_raw(h, "</tr>");
	}
	if (json_array_size(items) == 0)
		empty_row(h, "6");
	vg_html_raw(h, "</tbody></table>");
}

/* The three views as tabs, keeping the other filters. */
static void
group_tabs(struct vg_html *h, const struct vg_http_request *req,
	   const char *group)
{
	static const char *const groups[] = {"cve", "package", "host"};
	static const char *const labels[] = {N_("By CVE"), N_("By package"),
					     N_("By host")};
	size_t i, k;

	vg_html_raw(h, "<nav id=\"groups\" class=\"tabs\">");
	for (i = 0; i < VG_ARRAY_LEN(groups); i++) {
		vg_html_raw(h, "<a data-group=\"");
		vg_html_raw(h, groups[i]);
		vg_html_raw(h,
			    strcmp(group, groups[i]) == 0
				    ? "\" class=\"active\""
				    : "\"");
		vg_html_raw(h, " href=\"/vulnerabilities?group=");
		vg_html_raw(h, groups[i]);
		/* Carry the filters (not the group, not the offset). */
		for (k = 1; filter_keys[k] != NULL; k++) {
			const char *v = vg_http_arg(req, filter_keys[k]);

			if (v == NULL || *v == '\0' ||
			    strlen(v) > VULNS_FILTER_MAX)
				continue;
			vg_html_raw(h, "&amp;");
			vg_html_raw(h, filter_keys[k]);
			vg_html_raw(h, "=");
			vg_html_urlarg(h, v);
		}
		vg_html_raw(h, "\">");
		vg_html_text(h, _(labels[i]));
		vg_html_raw(h, "</a> ");
	}
	vg_html_raw(h, "</nav>");
}

/* A hidden field carrying a narrowing filter through the form. */
static void
hidden(struct vg_html *h, const struct vg_http_request *req,
       const char *literal_key)
{
	const char *v = vg_http_arg(req, literal_key);

	if (v == NULL || *v == '\0' || strlen(v) > VULNS_FILTER_MAX)
		return;
	vg_html_raw(h, "<input type=\"hidden\" name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\" value=\"");
	vg_html_attr(h, v);
	vg_html_raw(h, "\">");
}

static void
filters_form(struct vg_html *h, const struct vg_http_request *req,
	     const char *group, bool kev)
{
	vg_html_raw(h,
		    "<form id=\"filters\" method=\"get\" "
		    "action=\"/vulnerabilities\">"
		    "<input type=\"hidden\" name=\"group\" value=\"");
	vg_html_attr(h, group);
	vg_html_raw(h, "\">");
	hidden(h, req, "cve");
	hidden(h, req, "package");
	hidden(h, req, "asset");
	vg_html_filter_input(h, "search", "search",
			     _("Search (CVE id, package)"),
			     vg_http_arg(req, "search"), VULNS_FILTER_MAX);
	vg_html_raw(h,
		    "<label><input name=\"kev\" type=\"checkbox\" "
		    "value=\"1\"");
	if (kev)
		vg_html_raw(h, " checked");
	vg_html_raw(h, ">");
	vg_html_text(h, _("Known exploited (KEV) only"));
	vg_html_raw(h, "</label><button type=\"submit\">");
	vg_html_text(h, _("Filter"));
	vg_html_raw(h, "</button></form>");
}

/* What a link narrowed the list to, with a way back to all. */
static void
narrowed(struct vg_html *h, const struct vg_vuln_filter *flt)
{
	if (flt->cve == NULL && flt->package == NULL && flt->asset_id == 0)
		return;
	vg_html_raw(h, "<p class=\"narrowed\">");
	if (flt->cve != NULL) {
		vg_html_text(h, _("CVE:"));
		vg_html_raw(h, " ");
		cve_link(h, flt->cve);
		vg_html_raw(h, " ");
	}
	if (flt->package != NULL) {
		vg_html_text(h, _("Package:"));
		vg_html_raw(h, " <code>");
		vg_html_text(h, flt->package);
		vg_html_raw(h, "</code> ");
	}
	if (flt->asset_id > 0) {
		vg_html_text(h, _("Asset:"));
		vg_html_raw(h, " <a class=\"asset-link\" href=\"/assets/");
		vg_html_int(h, flt->asset_id);
		vg_html_raw(h, "\">#");
		vg_html_int(h, flt->asset_id);
		vg_html_raw(h, "</a> ");
	}
	vg_html_raw(h, "<a href=\"/vulnerabilities?group=");
	vg_html_urlarg(h, flt->group);
	vg_html_raw(h, "\">");
	vg_html_text(h, _("show all"));
	vg_html_raw(h, "</a></p>");
}

static void
as_of(struct vg_html *h, const json_t *doc)
{
	vg_html_raw(h, "<p class=\"muted as-of\">");
	vg_html_text(h, _("As of"));
	vg_html_raw(h, " ");
	vg_html_json_time(h, doc, "as_of");
	vg_html_raw(h, " — ");
	vg_html_text(h,
		     _("updated at most every minute from the latest "
		       "scans."));
	vg_html_raw(h, "</p>");
}

/* Upper-cased vulnerability id into out; false when not one. */
static bool
vuln_id(const char *s, char out[VG_FEED_MAX_ID + 1])
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
vg_page_vulns(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	char cve[VG_FEED_MAX_ID + 1];
	struct vg_vuln_filter flt;
	int64_t offset = 0, kev = 0, asset = 0;
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL, *items;
	const char *bad = NULL, *group;
	bool too_long = false;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&flt, 0, sizeof(flt));
	group = vg_console_arg_str(req, "group", VULNS_FILTER_MAX, &too_long);
	flt.search =
		vg_console_arg_str(req, "search", VULNS_FILTER_MAX, &too_long);
	flt.package =
		vg_console_arg_str(req, "package", VULNS_FILTER_MAX, &too_long);
	flt.cve = vg_console_arg_str(req, "cve", VULNS_FILTER_MAX, &too_long);
	if (group == NULL)
		group = "cve";
	if (too_long)
		bad = _("a filter is too long");
	else if (strcmp(group, "cve") != 0 && strcmp(group, "package") != 0 &&
		 strcmp(group, "host") != 0)
		bad = _("group: expected cve, package or host");
	else if (flt.cve != NULL && !vuln_id(flt.cve, cve))
		bad = _("cve: not a vulnerability id");
	else if (!vg_console_arg_int(req, "kev", 0, 1, &kev))
		bad = _("kev: not 0 or 1");
	else if (!vg_console_arg_int(req, "asset", 1, INT64_MAX, &asset))
		bad = _("asset: not a valid id");
	else if (!vg_console_arg_int(req, "offset", 0, INT32_MAX, &offset))
		bad = _("offset: not a valid number");
	if (bad != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		return;
	}
	if (flt.cve != NULL)
		flt.cve = cve;
	flt.group = group;
	flt.kev_only = kev == 1;
	flt.asset_id = asset;
	flt.offset = (size_t)offset;
	flt.limit = VG_CONSOLE_PAGE_SIZE;

	vg_api_lock(ctx);
	rc = vg_store_vuln_list(ctx->store, &flt, &doc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_USAGE) {
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("vulnerabilities", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	items = json_object_get(doc, "items");
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Known vulnerabilities"),
			   VG_NAV_NONE);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Known vulnerabilities"));
	vg_html_raw(&h, "</h1><div class=\"card\">");
	as_of(&h, doc);
	group_tabs(&h, req, group);
	narrowed(&h, &flt);
	filters_form(&h, req, group, kev == 1);
	if (strcmp(group, "cve") == 0)
		cve_table(&h, items);
	else if (strcmp(group, "package") == 0)
		package_table(&h, items);
	else
		host_table(&h, items);
	vg_html_paging(
		&h, "/vulnerabilities", req, filter_keys, flt.offset, flt.limit,
		(size_t)json_integer_value(json_object_get(doc, "total")));
	vg_html_raw(&h, "</div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

/* The KEV entry of a CVE's page. */
static void
kev_section(struct vg_html *h, const json_t *kev)
{
	vg_html_raw(h, "<section id=\"kev\" class=\"card\"><h2>");
	vg_html_text(h, _("Known exploited (CISA KEV)"));
	vg_html_raw(h, "</h2>");
	if (!json_is_object(kev)) {
		vg_html_raw(h, "<p class=\"muted\">");
		vg_html_text(h,
			     _("Not in the known exploited "
			       "vulnerabilities catalogue."));
		vg_html_raw(h, "</p></section>");
		return;
	}
	vg_html_raw(h, "<p>");
	kev_badge(h);
	vg_html_raw(h, " ");
	vg_html_json_text(h, kev, "name");
	vg_html_raw(h, "</p><dl><dt>");
	vg_html_text(h, _("Vendor and product"));
	vg_html_raw(h, "</dt><dd>");
	vg_html_json_text(h, kev, "vendor");
	vg_html_raw(h, " ");
	vg_html_json_text(h, kev, "product");
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Date added"));
	vg_html_raw(h, "</dt><dd class=\"kev-added\">");
	vg_html_json_text(h, kev, "date_added");
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Due date"));
	vg_html_raw(h, "</dt><dd class=\"kev-due\">");
	vg_html_json_text(h, kev, "due_date");
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Known ransomware use"));
	vg_html_raw(h, "</dt><dd class=\"kev-ransomware\">");
	if (json_is_true(json_object_get(kev, "ransomware"))) {
		vg_html_raw(h, "<span class=\"sev sev-critical\">");
		vg_html_text(h, _("yes"));
		vg_html_raw(h, "</span>");
	} else {
		vg_html_text(h, _("not known"));
	}
	vg_html_raw(h, "</dd></dl></section>");
}

static void
info_section(struct vg_html *h, const json_t *doc)
{
	const json_t *epss = json_object_get(doc, "epss");

	vg_html_raw(h, "<section id=\"cve-info\" class=\"card\"><h2>");
	vg_html_text(h, _("Description"));
	vg_html_raw(h, "</h2><p class=\"description\">");
	vg_html_json_text(h, doc, "description");
	vg_html_raw(h, "</p><dl><dt>");
	vg_html_text(h, _("CVSS (highest in the feeds)"));
	vg_html_raw(h, "</dt><dd class=\"cvss\">");
	real_cell(h, doc, "cvss", 0);
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Urgency (Debian)"));
	vg_html_raw(h, "</dt><dd class=\"urgency\">");
	vg_html_text(h, urgency_label(vg_html_json_str(doc, "urgency")));
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("EPSS (probability of exploitation in 30 days)"));
	vg_html_raw(h, "</dt><dd class=\"epss\">");
	real_cell(h, epss, "epss", 1);
	if (json_is_object(epss)) {
		vg_html_raw(h, " (");
		vg_html_text(h, _("percentile"));
		vg_html_raw(h, " ");
		real_cell(h, epss, "percentile", 1);
		vg_html_raw(h, ")");
	}
	vg_html_raw(h, "</dd></dl></section>");
}

static void
hosts_section(struct vg_html *h, const json_t *doc, const char *cve)
{
	static const char *const labels[] = {
		N_("Host"),           N_("Site"),
		N_("Source package"), N_("Installed version"),
		N_("Fixed version"),
	};
	const json_t *hosts = json_object_get(doc, "hosts"), *o;
	json_int_t total = json_integer_value(json_object_get(doc, "total"));
	size_t i;

	vg_html_raw(h, "<section class=\"card\"><h2>");
	vg_html_text(h, _("Affected hosts"));
	vg_html_raw(h, " (");
	vg_html_int(h, total);
	vg_html_raw(h, ")</h2><table id=\"affected\">");
	heads(h, labels, VG_ARRAY_LEN(labels), 0);
	json_array_foreach(hosts, i, o)
	{
		json_int_t id =
			json_integer_value(json_object_get(o, "asset_id"));

		if (i >= VULNS_CVE_ROWS)
			break;
		vg_html_raw(h, "<tr data-asset=\"");
		vg_html_int(h, id);
		vg_html_raw(h,
			    "\"><td><a class=\"asset-link\" "
			    "href=\"/assets/");
		vg_html_int(h, id);
		vg_html_raw(h, "\">");
		vg_html_json_text(h, o, "hostname");
		vg_html_raw(h, "</a></td><td>");
		vg_html_json_text(h, o, "site");
		vg_html_raw(h, "</td><td>");
		vg_html_json_text(h, o, "package");
		vg_html_raw(h, "</td><td><code>");
		vg_html_json_text(h, o, "version");
		vg_html_raw(h, "</code></td><td>");
		if (json_is_string(json_object_get(o, "fixed_version"))) {
			vg_html_raw(h, "<code>");
			vg_html_json_text(h, o, "fixed_version");
			vg_html_raw(h, "</code>");
		} else {
			vg_html_raw(h, "<span class=\"no-fix\">");
			vg_html_text(h, _("no fix yet"));
			vg_html_raw(h, "</span>");
		}
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(hosts) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"5\" class=\"muted\">");
		vg_html_text(h, _("No scanned host is affected."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table>");
	if (total > (json_int_t)json_array_size(hosts) ||
	    json_array_size(hosts) > VULNS_CVE_ROWS) {
		vg_html_raw(h,
			    "<p><a class=\"all-hosts\" "
			    "href=\"/vulnerabilities?group=host&amp;cve=");
		vg_html_urlarg(h, cve);
		vg_html_raw(h, "\">");
		vg_html_text(h, _("All affected hosts"));
		vg_html_raw(h, "</a></p>");
	}
	vg_html_raw(h, "</section>");
}

void
vg_page_vuln(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	     struct vg_http_response *resp)
{
	char cve[VG_FEED_MAX_ID + 1];
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 || !vuln_id(req->params[0], cve)) {
		vg_html_error_page(ctx, resp, 400, _("not a vulnerability id"));
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_vuln_cve(ctx->store, cve, &doc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND) {
		vg_html_error_page(ctx, resp, 404,
				   _("no such vulnerability on any host or "
				     "in the catalogues"));
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("vulnerability", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, cve, VG_NAV_NONE);
	vg_html_raw(&h, "<p><a href=\"/vulnerabilities\">");
	vg_html_text(&h, _("Known vulnerabilities"));
	vg_html_raw(&h, "</a></p><h1 class=\"cve\">");
	vg_html_text(&h, cve);
	if (json_is_object(json_object_get(doc, "kev"))) {
		vg_html_raw(&h, " ");
		kev_badge(&h);
	}
	vg_html_raw(&h, "</h1>");
	as_of(&h, doc);
	vg_html_raw(&h, "<div class=\"cards\">");
	info_section(&h, doc);
	kev_section(&h, json_object_get(doc, "kev"));
	vg_html_raw(&h, "</div>");
	hosts_section(&h, doc, cve);
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

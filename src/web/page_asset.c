/*
 * GET /assets/{id} (technicien and above): one host: its scores, its
 * findings grouped by rule, its score over its scans and a summary of
 * its facts. The id is the route's "{}" segment, a number; anything
 * else is a 404, as an unknown id is.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "web/svg.h"
#include "util/text.h"
#include "util/banned.h"

static void
meta_item(struct vg_html *h, const char *label, const json_t *obj,
	  const char *key)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd>");
	vg_html_json_text(h, obj, key);
	vg_html_raw(h, "</dd>");
}

static void
meta_count(struct vg_html *h, const char *label, const json_t *arr)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd>");
	if (json_is_array(arr))
		vg_html_int(h, (long long)json_array_size(arr));
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</dd>");
}

static void
scores_block(struct vg_html *h, const json_t *scores)
{
	char key[8];
	int i;

	vg_html_raw(h,
		    "<div class=\"card\"><div id=\"asset-scores\" "
		    "class=\"scores-grid\"><div><strong>");
	vg_html_text(h, _("Overall"));
	vg_html_raw(h, "</strong><br>");
	vg_html_score(h, vg_html_score_of(scores, "overall"));
	vg_html_raw(h, "</div>");
	for (i = 1; i <= VG_RULE_COUNT; i++) {
		(void)snprintf(key, sizeof(key), "R%d", i);
		vg_html_raw(h, "<div data-rule=\"");
		vg_html_attr(h, key);
		vg_html_raw(h, "\"><a href=\"/rules/");
		vg_html_attr(h, key);
		vg_html_raw(h, "\">");
		vg_html_text(h, key);
		vg_html_raw(h, "</a> <span class=\"muted\">");
		vg_html_text(h, vg_html_rule_name(i));
		vg_html_raw(h, "</span><br>");
		vg_html_score(h, vg_html_score_of(scores, key));
		vg_html_raw(h, "</div>");
	}
	vg_html_raw(h, "</div></div>");
}

static void
finding_row(struct vg_html *h, const json_t *f)
{
	const char *rem = vg_html_json_str(f, "remediation");

	vg_html_raw(h, "<tr class=\"finding\" data-finding=\"");
	vg_html_int(h, json_integer_value(json_object_get(f, "id")));
	vg_html_raw(h, "\"><td>");
	vg_html_severity(h, vg_html_json_str(f, "severity"));
	vg_html_raw(h, "</td><td><code>");
	vg_html_json_text(h, f, "check");
	vg_html_raw(h, "</code></td><td>");
	vg_html_json_text(h, f, "subject");
	vg_html_raw(h, "</td><td>");
	vg_html_status(h, f);
	vg_html_raw(h, "</td><td>");
	/* The catalogue's English sentence is also the gettext key. */
	if (rem != NULL && *rem != '\0')
		vg_html_text(h, _(rem));
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</td></tr>");
}

static void
findings_by_rule(struct vg_html *h, const json_t *findings)
{
	const json_t *f;
	size_t i, shown = 0;
	bool any;
	int rule;

	vg_html_raw(h, "<h2>");
	vg_html_text(h, _("Findings by rule"));
	vg_html_raw(h, "</h2>");
	for (rule = 1; rule <= VG_RULE_COUNT; rule++) {
		any = false;
		json_array_foreach(findings, i, f)
		{
			if (vg_html_rule_of(f) != rule)
				continue;
			if (!any) {
				vg_html_raw(h,
					    "<section class=\"rule\" "
					    "data-rule=\"R");
				vg_html_int(h, rule);
				vg_html_raw(h, "\"><h2><a href=\"/rules/R");
				vg_html_int(h, rule);
				vg_html_raw(h, "\">R");
				vg_html_int(h, rule);
				vg_html_raw(h, "</a> — ");
				vg_html_text(h, vg_html_rule_name(rule));
				vg_html_raw(h, "</h2><table><thead><tr><th>");
				vg_html_text(h, _("Severity"));
				vg_html_raw(h, "</th><th>");
				vg_html_text(h, _("Check"));
				vg_html_raw(h, "</th><th>");
				vg_html_text(h, _("Subject"));
				vg_html_raw(h, "</th><th>");
				vg_html_text(h, _("Status"));
				vg_html_raw(h, "</th><th>");
				vg_html_text(h, _("Remediation"));
				vg_html_raw(h, "</th></tr></thead><tbody>");
				any = true;
			}
			finding_row(h, f);
			shown++;
		}
		if (any)
			vg_html_raw(h, "</tbody></table></section>");
	}
	if (shown == 0) {
		vg_html_raw(h, "<p class=\"card muted\">");
		vg_html_text(h, _("No finding in the latest scan."));
		vg_html_raw(h, "</p>");
	}
}

static void
history_block(struct vg_html *h, const json_t *hist)
{
	struct vg_svg_point pts[VG_SVG_MAX_POINTS];
	char labels[VG_SVG_MAX_POINTS][20];
	size_t i, n = json_array_size(hist), first = 0, k = 0;
	const json_t *p;

	if (n > VG_SVG_MAX_POINTS)
		first = n - VG_SVG_MAX_POINTS;
	for (i = first; i < n; i++) {
		p = json_array_get(hist, i);
		/* "2026-03-01T08:00:00Z" shown as "2026-03-01 08:00". */
		(void)snprintf(labels[k], sizeof(labels[k]), "%.16s",
			       vg_html_json_str(p, "at") != NULL
				       ? vg_html_json_str(p, "at")
				       : "");
		if (labels[k][0] != '\0' && strlen(labels[k]) == 16 &&
		    labels[k][10] == 'T')
			labels[k][10] = ' ';
		pts[k].label = labels[k];
		pts[k].value = vg_html_score_of(json_object_get(p, "scores"),
						"overall");
		k++;
	}
	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("History"));
	vg_html_raw(h, "</h2>");
	vg_svg_line(h, "history", _("Overall score per scan, last 90 days"),
		    pts, k);
	vg_html_raw(h, "</div>");
}

static void
facts_block(struct vg_html *h, const json_t *facts)
{
	const json_t *os = json_object_get(facts, "os");
	const json_t *kernel = json_object_get(facts, "kernel");
	const json_t *au = json_object_get(facts, "auto_updates");
	const json_t *enabled = json_object_get(au, "enabled");

	vg_html_raw(h, "<details id=\"facts\"><summary>");
	vg_html_text(h, _("Facts of the latest scan"));
	vg_html_raw(h, "</summary><dl>");
	meta_item(h, _("Collected at"), facts, "collected_at");
	meta_item(h, _("Operating system"), os, "pretty_name");
	meta_item(h, _("Host name"), os, "hostname");
	meta_item(h, _("Running kernel"), kernel, "running");
	meta_count(h, _("Packages"), json_object_get(facts, "packages"));
	meta_count(h, _("Accounts"), json_object_get(facts, "accounts"));
	meta_count(h, _("Groups"), json_object_get(facts, "groups"));
	meta_count(h, _("Services"), json_object_get(facts, "services"));
	vg_html_raw(h, "<dt>");
	vg_html_text(h, _("Automatic updates"));
	vg_html_raw(h, "</dt><dd>");
	if (json_is_boolean(enabled))
		vg_html_text(h, json_is_true(enabled) ? _("yes") : _("no"));
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</dd></dl></details>");
}

/* A time member of obj as a dt/dd pair. */
static void
meta_time(struct vg_html *h, const char *label, const json_t *obj,
	  const char *key)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd>");
	vg_html_json_time(h, obj, key);
	vg_html_raw(h, "</dd>");
}

/* The logins seen in clear: protocol and user name, never a password
 * (discover keeps none). */
static void
device_logins(struct vg_html *h, const json_t *logins)
{
	const json_t *l;
	size_t i;

	vg_html_raw(h, "<dt>");
	vg_html_text(h, _("Cleartext logins"));
	vg_html_raw(h, "</dt><dd>");
	if (json_array_size(logins) == 0) {
		vg_html_text(h, _("none seen"));
		vg_html_raw(h, "</dd>");
		return;
	}
	vg_html_raw(h, "<ul class=\"logins\">");
	json_array_foreach(logins, i, l)
	{
		vg_html_raw(h, "<li class=\"login\"><code>");
		vg_html_json_text(h, l, "protocol");
		vg_html_raw(h, "</code> ");
		vg_html_json_text(h, l, "user");
		vg_html_raw(h, "</li>");
	}
	vg_html_raw(h, "</ul></dd>");
}

/* An integer member as a table cell, "—" when absent. */
static void
evidence_int(struct vg_html *h, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	vg_html_raw(h, "<td class=\"num\">");
	if (json_is_integer(v))
		vg_html_int(h, json_integer_value(v));
	else
		vg_html_raw(h, "—");
	vg_html_raw(h, "</td>");
}

/*
 * What was seen of the device, merged over every run and sensor (issue
 * 4): why it is taken for what it is. Every value came off the network,
 * so every one is escaped text.
 */
static void
device_evidence(struct vg_html *h, const json_t *ev)
{
	static const char *const text_cols[] = {"source", "attribute", "value",
						"detail"};
	const json_t *e;
	size_t i, j;

	vg_html_raw(h, "<h3>");
	vg_html_text(h, _("Evidence"));
	vg_html_raw(h, "</h3>");
	if (json_array_size(ev) == 0) {
		vg_html_raw(h, "<p class=\"muted\">");
		vg_html_text(h, _("no evidence recorded"));
		vg_html_raw(h, "</p>");
		return;
	}
	vg_html_raw(h, "<table id=\"evidence\"><thead><tr><th>");
	vg_html_text(h, _("Source"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Attribute"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Value"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Detail"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Weight"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Count"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("First seen"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Last seen"));
	vg_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(ev, i, e)
	{
		vg_html_raw(h, "<tr class=\"evidence\">");
		for (j = 0; j < VG_ARRAY_LEN(text_cols); j++) {
			vg_html_raw(h, "<td>");
			vg_html_json_text(h, e, text_cols[j]);
			vg_html_raw(h, "</td>");
		}
		evidence_int(h, e, "weight");
		evidence_int(h, e, "count");
		vg_html_raw(h, "<td>");
		vg_html_json_time(h, e, "first_seen");
		vg_html_raw(h, "</td><td>");
		vg_html_json_time(h, e, "last_seen");
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table>");
}

/*
 * A network device's section of its facts (vigie discover): what
 * identifies it, what it was taken for and on what confidence, whether
 * a host or a declared asset is it, the logins seen in clear and the
 * evidence.
 */
static void
device_block(struct vg_html *h, const json_t *dv)
{
	const json_t *conf = json_object_get(dv, "confidence");
	const char *managed = vg_html_json_str(dv, "managed_by");

	vg_html_raw(h, "<div class=\"card\" id=\"device\"><h2>");
	vg_html_text(h, _("Network device"));
	vg_html_raw(h, "</h2><dl><dt>");
	vg_html_text(h, _("Key"));
	vg_html_raw(h, "</dt><dd><code>");
	vg_html_json_text(h, dv, "key");
	vg_html_raw(h, "</code></dd>");
	meta_item(h, _("Name"), dv, "name");
	meta_item(h, _("MAC address"), dv, "mac");
	meta_item(h, _("Addresses"), dv, "ips");
	meta_item(h, _("Vendor"), dv, "vendor");
	vg_html_raw(h, "<dt>");
	vg_html_text(h, _("Category"));
	vg_html_raw(h, "</dt><dd class=\"device-category\">");
	vg_html_json_text(h, dv, "category");
	if (json_is_integer(conf)) {
		vg_html_raw(h, " <span class=\"muted\">(");
		vg_html_text(h, _("confidence"));
		vg_html_raw(h, " ");
		vg_html_int(h, json_integer_value(conf));
		vg_html_raw(h, " %)</span>");
	}
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("Managed by"));
	vg_html_raw(h, "</dt><dd>");
	if (managed != NULL && *managed != '\0')
		vg_html_text(h, managed);
	else {
		/* Neither an enrolled host nor a declared asset (R1). */
		vg_html_raw(h, "<span class=\"sev sev-high unmanaged\">");
		vg_html_text(h, _("unmanaged"));
		vg_html_raw(h, "</span>");
	}
	vg_html_raw(h, "</dd>");
	meta_item(h, _("Seen by"), dv, "sensor");
	meta_time(h, _("First seen"), dv, "first_seen");
	meta_time(h, _("Last seen"), dv, "last_seen");
	device_logins(h, json_object_get(dv, "cleartext_logins"));
	vg_html_raw(h, "</dl>");
	device_evidence(h, json_object_get(dv, "evidence"));
	vg_html_raw(h, "</div>");
}

void
vg_page_asset(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
	      struct vg_http_response *resp)
{
	const json_t *asset, *device;
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	int64_t id;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, &id) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such asset"));
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_get_asset(ctx->store, id, ctx->now, &doc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND) {
		vg_html_error_page(ctx, resp, 404, _("no such asset"));
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("asset", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	asset = json_object_get(doc, "asset");
	/* A network device's facts carry its section and no host source. */
	device = json_object_get(json_object_get(doc, "facts"), "device");
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(
		&h, ctx->principal, vg_html_json_str(asset, "hostname"),
		json_is_object(device) ? VG_NAV_DEVICES : VG_NAV_ASSETS);
	vg_html_raw(&h, "<h1 class=\"hostname\">");
	vg_html_json_text(&h, asset, "hostname");
	vg_html_raw(&h,
		    "</h1><div class=\"cards top\"><div class=\"card\"><dl>");
	meta_item(&h, _("Site"), asset, "site");
	meta_item(&h, _("Owner"), asset, "owner");
	meta_item(&h, _("Category"), asset, "category");
	vg_html_raw(&h, "<dt>");
	vg_html_text(&h, _("Criticality"));
	vg_html_raw(&h, "</dt><dd>");
	if (json_is_integer(json_object_get(asset, "criticality")))
		vg_html_int(&h,
			    json_integer_value(
				    json_object_get(asset, "criticality")));
	else
		vg_html_raw(&h, "—");
	vg_html_raw(&h, "</dd>");
	meta_item(&h, _("Agent"), asset, "agent_id");
	vg_html_raw(&h, "<dt>");
	vg_html_text(&h, _("Last report"));
	vg_html_raw(&h, "</dt><dd>");
	vg_html_json_time(&h, asset, "last_seen");
	vg_html_raw(&h, "</dd>");
	vg_html_raw(&h, "</dl></div>");
	scores_block(&h, json_object_get(asset, "scores"));
	vg_html_raw(&h, "</div>");
	if (json_is_object(device))
		device_block(&h, device);
	history_block(&h, json_object_get(doc, "history"));
	/* Its vulnerable packages by CVE and KEV (page_vulns.c). */
	if (!json_is_object(device)) {
		vg_html_raw(&h,
			    "<p class=\"vulns-link\"><a href=\"/"
			    "vulnerabilities?group=cve&amp;asset=");
		vg_html_int(&h, id);
		vg_html_raw(&h, "\">");
		vg_html_text(&h, _("Known vulnerabilities of this host"));
		vg_html_raw(&h, "</a></p>");
	}
	findings_by_rule(&h, json_object_get(doc, "findings"));
	if (!json_is_object(device))
		facts_block(&h, json_object_get(doc, "facts"));
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

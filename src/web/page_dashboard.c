/*
 * GET /: the dashboard (console.md): the establishment's overall score,
 * a bar per rule, the 90-day trend, the worst assets and the agents that
 * stopped reporting. Every role sees it; links to assets appear only for
 * those who may follow them (technicien and above), so a `direction`
 * user sees scores and nothing else.
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
#include "util/banned.h"

#define DASH_TREND_DAYS 90

/* An asset's name, linked to its page when the principal may open it. */
static void
asset_cell(struct vg_html *h, const json_t *a, bool link)
{
	json_int_t id = json_integer_value(json_object_get(a, "id"));

	if (link) {
		vg_html_raw(h, "<a class=\"asset-link\" href=\"/assets/");
		vg_html_int(h, id);
		vg_html_raw(h, "\">");
	}
	vg_html_json_text(h, a, "hostname");
	if (link)
		vg_html_raw(h, "</a>");
}

/* tr[data-asset=ID] opening tag. */
static void
asset_row(struct vg_html *h, const json_t *a)
{
	vg_html_raw(h, "<tr data-asset=\"");
	vg_html_int(h, json_integer_value(json_object_get(a, "id")));
	vg_html_raw(h, "\">");
}

static void
overall_card(struct vg_html *h, const json_t *doc)
{
	int score = vg_html_score_of(json_object_get(doc, "establishment"),
				     "overall");
	json_int_t n = json_integer_value(json_object_get(doc, "assets"));

	vg_html_raw(h, "<div class=\"card\" id=\"overall-card\"><h2>");
	vg_html_text(h, _("Overall score"));
	vg_html_raw(h, "</h2><div id=\"overall\" class=\"big score ");
	vg_html_raw(h, vg_html_score_band(score));
	vg_html_raw(h, "\">");
	/* The element's text is the score alone, as tests read it. */
	if (score < 0) {
		vg_html_raw(h, "—");
	} else {
		vg_html_int(h, score);
		vg_html_raw(h, "/100");
	}
	vg_html_raw(h, "</div><p class=\"muted\">");
	vg_html_int(h, n);
	vg_html_raw(h, " ");
	vg_html_text(h, ngettext("asset", "assets", (unsigned long)n));
	vg_html_raw(h, "</p></div>");
}

static void
rules_card(struct vg_html *h, const json_t *doc)
{
	const json_t *est = json_object_get(doc, "establishment");
	struct vg_svg_bar bars[VG_RULE_COUNT];
	char keys[VG_RULE_COUNT][8], hrefs[VG_RULE_COUNT][16];
	int i;

	for (i = 0; i < VG_RULE_COUNT; i++) {
		(void)snprintf(keys[i], sizeof(keys[i]), "R%d", i + 1);
		(void)snprintf(hrefs[i], sizeof(hrefs[i]), "/rules/R%d", i + 1);
		bars[i].key = keys[i];
		bars[i].label = vg_html_rule_name(i + 1);
		bars[i].score = vg_html_score_of(est, keys[i]);
		bars[i].href = hrefs[i];
	}
	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Score per rule"));
	vg_html_raw(h, "</h2>");
	vg_svg_bars(h, "rule-bars", _("Score per rule"), bars, VG_RULE_COUNT);
	vg_html_raw(h, "</div>");
}

static void
trend_card(struct vg_html *h, const json_t *doc)
{
	struct vg_svg_point pts[VG_SVG_MAX_POINTS];
	const json_t *hist = json_object_get(doc, "history"), *p;
	size_t i, n = json_array_size(hist), first = 0, k = 0;

	/* The newest points when the store gives more than a chart holds. */
	if (n > VG_SVG_MAX_POINTS)
		first = n - VG_SVG_MAX_POINTS;
	for (i = first; i < n; i++) {
		p = json_array_get(hist, i);
		pts[k].label = vg_html_json_str(p, "day");
		pts[k].value = vg_html_score_of(json_object_get(p, "scores"),
						"overall");
		k++;
	}
	vg_html_raw(h, "<div class=\"card wide\"><h2>");
	vg_html_text(h, _("Overall score, last 90 days"));
	vg_html_raw(h, "</h2>");
	vg_svg_line(h, "trend", _("Overall score, last 90 days"), pts, k);
	vg_html_raw(h, "</div>");
}

static void
worst_card(struct vg_html *h, const json_t *doc, bool link)
{
	const json_t *worst = json_object_get(doc, "worst"), *a;
	size_t i;

	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Worst assets"));
	vg_html_raw(h, "</h2><table id=\"worst\"><thead><tr><th>");
	vg_html_text(h, _("Asset"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Site"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Score"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Open findings"));
	vg_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(worst, i, a)
	{
		asset_row(h, a);
		vg_html_raw(h, "<td>");
		asset_cell(h, a, link);
		vg_html_raw(h, "</td><td>");
		vg_html_json_text(h, a, "site");
		vg_html_raw(h, "</td><td class=\"num\">");
		vg_html_score(h,
			      vg_html_score_of(json_object_get(a, "scores"),
					       "overall"));
		vg_html_raw(h, "</td><td class=\"num\">");
		vg_html_int(h,
			    json_integer_value(json_object_get(a, "findings")));
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(worst) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"4\" class=\"muted\">");
		vg_html_text(h, _("No asset has reported yet."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table></div>");
}

static void
stale_card(struct vg_html *h, const json_t *doc, bool link)
{
	const json_t *stale = json_object_get(doc, "not_reporting"), *a;
	size_t i;

	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Assets not reporting"));
	vg_html_raw(h, "</h2><table id=\"stale\"><thead><tr><th>");
	vg_html_text(h, _("Asset"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Last report"));
	vg_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(stale, i, a)
	{
		asset_row(h, a);
		vg_html_raw(h, "<td>");
		asset_cell(h, a, link);
		vg_html_raw(h, "</td><td>");
		vg_html_json_time(h, a, "last_seen");
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(stale) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"2\" class=\"muted\">");
		vg_html_text(h, _("Every agent reported recently."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table></div>");
}

/* Per site: the score management compares. */
static void
sites_card(struct vg_html *h, const json_t *doc)
{
	const json_t *sites = json_object_get(doc, "sites"), *s;
	size_t i;

	if (json_array_size(sites) == 0)
		return;
	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Sites"));
	vg_html_raw(h, "</h2><table id=\"sites\"><thead><tr><th>");
	vg_html_text(h, _("Site"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Assets"));
	vg_html_raw(h, "</th><th class=\"num\">");
	vg_html_text(h, _("Score"));
	vg_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(sites, i, s)
	{
		vg_html_raw(h, "<tr><td>");
		vg_html_json_text(h, s, "site");
		vg_html_raw(h, "</td><td class=\"num\">");
		vg_html_int(h,
			    json_integer_value(json_object_get(s, "assets")));
		vg_html_raw(h, "</td><td class=\"num\">");
		vg_html_score(h,
			      vg_html_score_of(json_object_get(s, "scores"),
					       "overall"));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table></div>");
}

/* One count of the vulnerabilities card: dt label, dd#id number. */
static void
vuln_count(struct vg_html *h, const char *literal_id, const char *label,
	   const json_t *sum, const char *key)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd id=\"");
	vg_html_raw(h, literal_id);
	vg_html_raw(h, "\" class=\"num\">");
	vg_html_int(h, json_integer_value(json_object_get(sum, key)));
	vg_html_raw(h, "</dd>");
}

/*
 * Known vulnerabilities (issue 5): counts only, from the store's
 * snapshot (as of a minute at most); links for technicien and above.
 * A store failure leaves the card out: the scores still show.
 */
static void
vulns_card(struct vg_html *h, const struct vg_api_ctx *ctx, bool link)
{
	struct vg_err err;
	json_t *sum = NULL;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_api_lock(ctx);
	rc = vg_store_vuln_summary(ctx->store, &sum, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_log_error("dashboard vulnerabilities", &err);
		return;
	}
	vg_html_raw(h, "<div class=\"card\" id=\"vulns-card\"><h2>");
	if (link)
		vg_html_raw(h, "<a href=\"/vulnerabilities\">");
	vg_html_text(h, _("Known vulnerabilities"));
	if (link)
		vg_html_raw(h, "</a>");
	vg_html_raw(h, "</h2><dl class=\"vuln-counts\">");
	vuln_count(h, "vuln-hosts", _("Hosts affected"), sum, "hosts");
	vuln_count(h, "vuln-packages", _("Vulnerable packages"), sum,
		   "packages");
	vuln_count(h, "vuln-cves", _("CVEs"), sum, "cves");
	vg_html_raw(h, "<dt>");
	vg_html_text(h, _("of which known exploited"));
	vg_html_raw(h, "</dt><dd id=\"vuln-kev\" class=\"num\">");
	if (json_integer_value(json_object_get(sum, "kev")) > 0)
		vg_html_raw(h, "<span class=\"sev sev-critical kev\">");
	vg_html_int(h, json_integer_value(json_object_get(sum, "kev")));
	vg_html_raw(h, " KEV");
	if (json_integer_value(json_object_get(sum, "kev")) > 0)
		vg_html_raw(h, "</span>");
	vg_html_raw(h, "</dd>");
	vuln_count(h, "vuln-fix", _("Installed packages with a fix"), sum,
		   "fix_available");
	vuln_count(h, "vuln-nofix", _("Installed packages without a fix"), sum,
		   "no_fix");
	vg_html_raw(h, "</dl><p class=\"muted as-of\">");
	vg_html_text(h, _("As of"));
	vg_html_raw(h, " ");
	vg_html_json_time(h, sum, "as_of");
	vg_html_raw(h, "</p></div>");
	json_decref(sum);
}

void
vg_page_dashboard(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp)
{
	bool link = vg_console_can_see_assets(ctx->principal);
	struct vg_html h;
	struct vg_err err;
	json_t *doc = NULL;
	enum vg_rc rc;

	(void)req;
	vg_err_clear(&err);
	vg_api_lock(ctx);
	rc = vg_store_scores(ctx->store, ctx->now,
			     ctx->now - (int64_t)DASH_TREND_DAYS * 86400, &doc,
			     &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_log_error("dashboard", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Dashboard"),
			   VG_NAV_DASHBOARD);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Dashboard"));
	vg_html_raw(&h, "</h1><div class=\"cards top\">");
	overall_card(&h, doc);
	rules_card(&h, doc);
	trend_card(&h, doc);
	vg_html_raw(&h, "</div><div class=\"cards lists\">");
	worst_card(&h, doc, link);
	stale_card(&h, doc, link);
	sites_card(&h, doc);
	vulns_card(&h, ctx, link);
	vg_html_raw(&h, "</div>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

/*
 * GET /incidents (direction and above): the incidents, newest first,
 * with their type, status, detection, impact on care, hosts and an
 * "overdue" badge when a serious one has not been reported in time.
 * Direction sees this list and the deadlines only: the titles are not
 * links for it (an incident's page holds the timeline and its details).
 * rssi and admin also get the form that opens an incident: POST
 * /incidents checks it, stores it, tells the alert chain and goes to
 * its page.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "respond/incident.h"
#include "respond/incident_json.h"
#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page_incident.h"
#include "util/banned.h"

#define ASSETS_FIELD_MAX 8192 /* bytes of the form's host list */
#define ASSET_NAME_MAX 255    /* bytes of one host name */

static const char *const status_filters[] = {"active",    "open",   "contained",
					     "recovered", "closed", NULL};

static void
row(struct vg_html *h, const json_t *j, const struct vg_api_ctx *ctx)
{
	const struct vg_principal *p = ctx->principal;
	int hours =
		ctx->policy != NULL ? ctx->policy->incident_report_hours : 24;
	struct vg_incident inc;
	struct vg_err err;
	const json_t *a;
	size_t i;
	bool link = p->role >= VG_ROLE_AUDITEUR;

	vg_err_clear(&err);
	if (vg_incident_from_json(j, &inc, &err) != VG_OK) {
		vg_api_log_error("incident list", &err);
		return;
	}
	vg_html_raw(h, "<tr class=\"incident\" data-incident=\"");
	vg_html_int(h, inc.id);
	vg_html_raw(h, "\"><td>");
	if (link) {
		vg_html_raw(h, "<a href=\"/incidents/");
		vg_html_int(h, inc.id);
		vg_html_raw(h, "\">");
	}
	vg_html_text(h, inc.title);
	if (link)
		vg_html_raw(h, "</a>");
	vg_html_raw(h, "</td><td>");
	vg_html_text(h, vg_incident_type_label(inc.type));
	vg_html_raw(h, "</td><td><span class=\"status-");
	vg_html_raw(h,
		    inc.status == VG_INC_OPEN                ? "open"
			    : inc.status == VG_INC_CONTAINED ? "contained"
			    : inc.status == VG_INC_RECOVERED ? "recovered"
							     : "closed");
	vg_html_raw(h, "\">");
	vg_html_text(h, vg_incident_status_label(inc.status));
	vg_html_raw(h, "</span></td><td>");
	vg_incident_html_time(h, inc.detected_at);
	vg_html_raw(h, "</td><td>");
	vg_html_text(h, vg_incident_care_label(inc.care));
	vg_html_raw(h, "</td><td>");
	vg_incident_html_time(h, vg_incident_ans_deadline(&inc, hours));
	if (inc.reported_ans_at != 0) {
		vg_html_raw(h, " <span class=\"badge done\">");
		vg_html_text(h, _("reported"));
		vg_html_raw(h, "</span>");
	} else if (vg_incident_report_overdue(&inc, hours, ctx->now)) {
		vg_html_raw(h, " <span class=\"badge overdue\">");
		vg_html_text(h, _("overdue"));
		vg_html_raw(h, "</span>");
	}
	vg_html_raw(h, "</td><td>");
	json_array_foreach(json_object_get(j, "assets"), i, a)
	{
		const char *name = json_is_string(a)
			? json_string_value(a)
			: vg_html_json_str(a, "name");

		if (i > 0)
			vg_html_raw(h, ", ");
		vg_html_text(h, name);
	}
	vg_html_raw(h, "</td></tr>");
}

static void
open_form(struct vg_html *h, const struct vg_principal *p)
{
	struct vg_incident blank;

	memset(&blank, 0, sizeof(blank));
	blank.persons = -1;
	blank.type = VG_INC_OTHER;
	vg_html_raw(h, "<div class=\"card\" id=\"incident-open\"><h2>");
	vg_html_text(h, _("Open an incident"));
	vg_html_raw(h,
		    "</h2><form method=\"post\" action=\"/incidents\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	vg_html_attr(h, p->csrf);
	vg_html_raw(h, "\">");
	vg_incident_form_fields(h, &blank, true);
	vg_html_raw(h, "<label>");
	vg_html_text(h, _("Hosts (names, separated by spaces or commas)"));
	vg_html_raw(h,
		    " <input name=\"assets\" maxlength=\"8192\"></label> "
		    "<button type=\"submit\">");
	vg_html_text(h, _("Open the incident"));
	vg_html_raw(h, "</button></form></div>");
}

void
vg_page_incidents(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp)
{
	static const char *const heads[] = {
		N_("Title"), N_("Type"),       N_("Status"), N_("Detected"),
		N_("Care"),  N_("Report due"), N_("Hosts"),
	};
	const char *status = vg_http_arg(req, "status");
	struct vg_html h;
	struct vg_err err;
	json_t *list = NULL;
	const json_t *j;
	size_t i;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (status != NULL && *status == '\0')
		status = NULL;
	for (i = 0; status != NULL && status_filters[i] != NULL; i++)
		if (strcmp(status, status_filters[i]) == 0)
			break;
	if (status != NULL && status_filters[i] == NULL) {
		vg_html_error_page(ctx, resp, 400,
				   _("status: not active, open, contained, "
				     "recovered or closed"));
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_incident_list(ctx->store, status, &list, &err);
	vg_api_unlock(ctx);
	if (rc != VG_OK) {
		vg_api_log_error("incidents", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Incidents"), VG_NAV_NONE);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Incidents"));
	vg_html_raw(&h,
		    "</h1><div class=\"card\"><table id=\"incidents\">"
		    "<thead><tr>");
	for (i = 0; i < VG_ARRAY_LEN(heads); i++) {
		vg_html_raw(&h, "<th>");
		vg_html_text(&h, _(heads[i]));
		vg_html_raw(&h, "</th>");
	}
	vg_html_raw(&h, "</tr></thead><tbody>");
	json_array_foreach(list, i, j) row(&h, j, ctx);
	if (json_array_size(list) == 0) {
		vg_html_raw(&h, "<tr><td colspan=\"7\" class=\"muted\">");
		vg_html_text(&h, _("No incident recorded."));
		vg_html_raw(&h, "</td></tr>");
	}
	vg_html_raw(&h, "</tbody></table></div>");
	if (vg_console_can_accept(ctx->principal))
		open_form(&h, ctx->principal);
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(list);
}

void
vg_page_incident_open(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp)
{
	/* Host names split in place in a copy of the field. */
	char names[ASSETS_FIELD_MAX + 1], path[64];
	const char *assets[VG_INCIDENT_MAX_ASSETS];
	const char *field = vg_http_arg(req, "assets"), *bad;
	struct vg_incident inc;
	struct vg_err err;
	size_t n = 0, len;
	int64_t id = 0;
	char *s;
	enum vg_rc rc;

	vg_err_clear(&err);
	memset(&inc, 0, sizeof(inc));
	inc.type = VG_INC_OTHER;
	if ((bad = vg_incident_form_read(req, &inc, ctx->now, true)) != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		return;
	}
	inc.status = VG_INC_OPEN;
	if (vg_incident_check(&inc, ctx->now, &err) != VG_OK) {
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	len = field != NULL ? strlen(field) : 0;
	if (len > ASSETS_FIELD_MAX) {
		vg_html_error_page(ctx, resp, 400, _("assets: too long"));
		return;
	}
	memcpy(names, field != NULL ? field : "", len + 1);
	for (s = names; *s != '\0';) {
		size_t k = strcspn(s, " ,;\t\r\n");

		if (k == 0) {
			s++;
			continue;
		}
		if (n == VG_INCIDENT_MAX_ASSETS || k > ASSET_NAME_MAX) {
			vg_html_error_page(ctx, resp, 400,
					   _("assets: too many or too long"));
			return;
		}
		assets[n++] = s;
		s += k;
		if (*s != '\0')
			*s++ = '\0';
	}
	vg_api_lock(ctx);
	rc = vg_store_incident_open(ctx->store, &inc, assets, n,
				    ctx->principal->name, ctx->now, &id, &err);
	if (rc == VG_OK)
		vg_incident_notify(ctx, id, true);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND || rc == VG_ERR_USAGE) {
		/* An unknown host: the user's to fix. */
		vg_html_error_page(ctx, resp, 400, err.msg);
		return;
	}
	if (rc != VG_OK) {
		vg_api_log_error("incident open", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	(void)snprintf(path, sizeof(path), "/incidents/%lld", (long long)id);
	vg_html_redirect(resp, path);
}

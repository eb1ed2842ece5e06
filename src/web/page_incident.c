/*
 * GET /incidents/{id} (auditeur and above): one incident, its deadlines,
 * its hosts with the state of their isolation (pending → delivered →
 * confirmed, or failed with the agent's reason), its timeline with each
 * entry's hash and whether the chain still verifies, the report drafts
 * to download, and the actions each role may take (POST forms carrying
 * the session's CSRF token, checked by the server before the handler):
 * a note (technicien+), a status change, isolate or release a host
 * (rssi, admin). Also the form reader and the alerts the list's "open"
 * form shares (page_incident.h).
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeline.h"
#include "respond/export.h"
#include "respond/export_int.h"
#include "respond/incident.h"
#include "respond/incident_json.h"
#include "respond/notify.h"
#include "store/store.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page_incident.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

#define NOTE_MAX VG_INCIDENT_TEXT_MAX /* bytes of a note */
#define REF_MAX 128                   /* bytes of a report's reference */
#define EXPORT_BODY_MAX (16u << 20)   /* a draft served by the console */
#define HASH_SHOWN 12                 /* hex digits of a hash shown */

void
vg_incident_html_time(struct vg_html *h, int64_t t)
{
	char b[EXPORT_TIME_MAX], iso[21];

	if (t == 0) {
		vg_html_raw(h, "—");
		return;
	}
	vg_format_time(t, iso);
	vg_export_time(t, false, b);
	vg_html_raw(h, "<time datetime=\"");
	vg_html_attr(h, iso);
	vg_html_raw(h, "\">");
	vg_html_text(h, b);
	vg_html_raw(h, "</time>");
}

const char *
vg_incident_type_label(enum vg_incident_type t)
{
	static const char *const l[] = {
		N_("ransomware"), N_("intrusion"),      N_("data leak"),
		N_("phishing"),   N_("unavailability"), N_("loss or theft"),
		N_("other"),
	};

	return (size_t)t < VG_ARRAY_LEN(l) ? _(l[t]) : "?";
}

const char *
vg_incident_care_label(enum vg_care_impact c)
{
	static const char *const l[] = {N_("none"), N_("potential"),
					N_("proven")};

	return (size_t)c < VG_ARRAY_LEN(l) ? _(l[c]) : "?";
}

const char *
vg_incident_status_label(enum vg_incident_status s)
{
	static const char *const l[] = {N_("open"), N_("contained"),
					N_("recovered"), N_("closed")};

	return (size_t)s < VG_ARRAY_LEN(l) ? _(l[s]) : "?";
}

/* "YYYY-MM-DDTHH:MM[:SS]" of a datetime-local field, Paris wall clock. */
static bool
parse_local(const char *s, int64_t *out)
{
	char day[11];
	int64_t d, hh, mm, ss = 0, local;
	size_t n = strlen(s);
	int32_t off;

	if ((n != 16 && n != 19) || s[10] != 'T' || s[13] != ':')
		return false;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (vg_parse_date(day, &d) != VG_OK ||
	    vg_parse_int(s + 11, 2, 0, 23, &hh) != VG_OK ||
	    vg_parse_int(s + 14, 2, 0, 59, &mm) != VG_OK ||
	    (n == 19 &&
	     (s[16] != ':' || vg_parse_int(s + 17, 2, 0, 59, &ss) != VG_OK)))
		return false;
	local = d + hh * 3600 + mm * 60 + ss;
	/* The offset in force then: guessed, then checked once. */
	off = vg_export_paris_offset(local - 3600);
	if (vg_export_paris_offset(local - off) != off)
		off = vg_export_paris_offset(local - off);
	*out = local - off;
	return true;
}

static bool
checked(const struct vg_http_request *req, const char *key)
{
	const char *v = vg_http_arg(req, key);

	return v != NULL && *v != '\0';
}

const char *
vg_incident_form_read(const struct vg_http_request *req,
		      struct vg_incident *inc, int64_t now, bool opening)
{
	const char *s;
	bool bad = false;
	int64_t n;

	if (opening) {
		s = vg_console_arg_str(req, "title", VG_INCIDENT_TITLE_MAX,
				       &bad);
		if (s == NULL || bad)
			return _("title: missing or too long");
		inc->title = (char *)s;
		inc->detected_at = now;
		inc->persons = -1;
	}
	if ((s = vg_http_arg(req, "type")) != NULL && *s != '\0' &&
	    !vg_incident_type_parse(s, &inc->type))
		return _("type: unknown incident type");
	if ((s = vg_http_arg(req, "care")) != NULL && *s != '\0' &&
	    !vg_care_impact_parse(s, &inc->care))
		return _("care: not none, potential or proven");
	if ((s = vg_http_arg(req, "status")) != NULL && *s != '\0' &&
	    !vg_incident_status_parse(s, &inc->status))
		return _("status: not open, contained, recovered or closed");
	if ((s = vg_http_arg(req, "detected")) != NULL && *s != '\0' &&
	    !parse_local(s, &inc->detected_at))
		return _("detected: not a date and time");
	s = vg_http_arg(req, "degraded_since");
	if (s == NULL || *s == '\0')
		inc->degraded_since = 0;
	else if (!parse_local(s, &inc->degraded_since))
		return _("degraded_since: not a date and time");
	if (!vg_console_arg_int(req, "persons", 0, INT32_MAX, &n))
		return _("persons: not a number of persons");
	inc->persons = vg_http_arg(req, "persons") != NULL &&
			*vg_http_arg(req, "persons") != '\0'
		? n
		: -1;
	inc->health_data = checked(req, "health_data");
	inc->personal_data = checked(req, "personal_data");
	inc->confidentiality = checked(req, "confidentiality");
	inc->integrity = checked(req, "integrity");
	inc->availability = checked(req, "availability");
	inc->perimeter = (char *)vg_console_arg_str(req, "perimeter",
						    VG_INCIDENT_TEXT_MAX, &bad);
	inc->causes = (char *)vg_console_arg_str(req, "causes",
						 VG_INCIDENT_TEXT_MAX, &bad);
	if (bad)
		return _("perimeter or causes: too long");
	if (!opening) {
		if (checked(req, "reported_ans") && inc->reported_ans_at == 0)
			inc->reported_ans_at = now;
		if (checked(req, "reported_cnil") && inc->reported_cnil_at == 0)
			inc->reported_cnil_at = now;
		if ((s = vg_console_arg_str(req, "ans_ref", REF_MAX, &bad)) !=
		    NULL)
			inc->ans_ref = (char *)s;
		if ((s = vg_console_arg_str(req, "cnil_ref", REF_MAX, &bad)) !=
		    NULL)
			inc->cnil_ref = (char *)s;
		if (bad)
			return _("reference: too long");
		if (inc->status == VG_INC_CLOSED && inc->closed_at == 0)
			inc->closed_at = now;
		if (inc->status != VG_INC_CLOSED)
			inc->closed_at = 0;
	}
	return NULL;
}

void
vg_incident_notify(const struct vg_api_ctx *ctx, int64_t id, bool opened)
{
	struct vg_err err;
	json_t *inc = NULL;
	size_t sent = 0, failed = 0;

	vg_err_clear(&err);
	if (ctx->policy == NULL || ctx->policy->n_contacts == 0)
		return;
	/* Every delivery lands in the timeline; a failed one is no
	 * reason to fail the page. */
	if (vg_store_incident_get(ctx->store, id, &inc, &err) != VG_OK ||
	    vg_notify_incident(ctx->store, ctx->policy, inc,
			       opened ? VG_NOTIFY_OPENED : VG_NOTIFY_CHANGED,
			       NULL, &sent, &failed, &err) != VG_OK)
		vg_api_log_error("incident alerts", &err);
	json_decref(inc);
}

/* The incident of the route's id, store lock taken and released; NULL
 * after answering (404, 500). */
static json_t *
load(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
     struct vg_http_response *resp, int64_t *id)
{
	struct vg_err err;
	json_t *inc = NULL;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, id) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such incident"));
		return NULL;
	}
	vg_api_lock(ctx);
	rc = vg_store_incident_get(ctx->store, *id, &inc, &err);
	vg_api_unlock(ctx);
	if (rc == VG_ERR_NOTFOUND) {
		vg_html_error_page(ctx, resp, 404, _("no such incident"));
		return NULL;
	}
	if (rc != VG_OK) {
		vg_api_log_error("incident", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return NULL;
	}
	return inc;
}

static void
dl_item(struct vg_html *h, const char *label, const char *value)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd>");
	vg_html_text(h, value != NULL ? value : "—");
	vg_html_raw(h, "</dd>");
}

static void
dl_time(struct vg_html *h, const char *label, int64_t t)
{
	vg_html_raw(h, "<dt>");
	vg_html_text(h, label);
	vg_html_raw(h, "</dt><dd>");
	vg_incident_html_time(h, t);
	vg_html_raw(h, "</dd>");
}

static const char *
yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void
csrf_field(struct vg_html *h, const struct vg_principal *p)
{
	vg_html_raw(h, "<input type=\"hidden\" name=\"csrf\" value=\"");
	vg_html_attr(h, p->csrf);
	vg_html_raw(h, "\">");
}

/* form action="/incidents/ID/<literal>" method=post, with csrf. */
static void
form_begin(struct vg_html *h, const struct vg_principal *p, int64_t id,
	   const char *literal_action, const char *literal_class)
{
	vg_html_raw(h, "<form method=\"post\" class=\"");
	vg_html_raw(h, literal_class);
	vg_html_raw(h, "\" action=\"/incidents/");
	vg_html_int(h, id);
	vg_html_raw(h, "/");
	vg_html_raw(h, literal_action);
	vg_html_raw(h, "\">");
	csrf_field(h, p);
}

static void
deadlines_card(struct vg_html *h, const struct vg_incident *inc,
	       const struct vg_policy *pol, int64_t now)
{
	int hours = pol != NULL ? pol->incident_report_hours : 24;
	int64_t cnil = vg_incident_cnil_deadline(inc);

	vg_html_raw(h, "<div class=\"card\" id=\"deadlines\"><h2>");
	vg_html_text(h, _("Deadlines"));
	vg_html_raw(h, "</h2><dl>");
	vg_html_raw(h, "<dt>");
	vg_html_text(h, _("National portal (without delay)"));
	vg_html_raw(h, "</dt><dd>");
	vg_incident_html_time(h, vg_incident_ans_deadline(inc, hours));
	if (inc->reported_ans_at != 0) {
		vg_html_raw(h, " <span class=\"badge done\">");
		vg_html_text(h, _("reported"));
		vg_html_raw(h, "</span> ");
		vg_incident_html_time(h, inc->reported_ans_at);
		if (inc->ans_ref != NULL) {
			vg_html_raw(h, " — ");
			vg_html_text(h, inc->ans_ref);
		}
	} else if (vg_incident_report_overdue(inc, hours, now)) {
		vg_html_raw(h, " <span class=\"badge overdue\">");
		vg_html_text(h, _("overdue"));
		vg_html_raw(h, "</span>");
	} else if (!vg_incident_is_serious(inc)) {
		vg_html_raw(h, " <span class=\"muted\">");
		vg_html_text(h, _("not serious as recorded"));
		vg_html_raw(h, "</span>");
	}
	vg_html_raw(h, "</dd><dt>");
	vg_html_text(h, _("CNIL (72 hours)"));
	vg_html_raw(h, "</dt><dd>");
	if (cnil == 0)
		vg_html_text(h, _("no personal data concerned"));
	else {
		vg_incident_html_time(h, cnil);
		if (inc->reported_cnil_at != 0) {
			vg_html_raw(h, " <span class=\"badge done\">");
			vg_html_text(h, _("notified"));
			vg_html_raw(h, "</span> ");
			vg_incident_html_time(h, inc->reported_cnil_at);
		} else if (now > cnil) {
			vg_html_raw(h, " <span class=\"badge overdue\">");
			vg_html_text(h, _("overdue"));
			vg_html_raw(h, "</span>");
		}
	}
	vg_html_raw(h, "</dd></dl></div>");
}

static void
fields_card(struct vg_html *h, const struct vg_incident *inc)
{
	char persons[32];

	vg_html_raw(h, "<div class=\"card\"><dl id=\"incident-fields\">");
	dl_item(h, _("Type"), vg_incident_type_label(inc->type));
	dl_item(h, _("Status"), vg_incident_status_label(inc->status));
	dl_time(h, _("Detected"), inc->detected_at);
	dl_time(h, _("Opened"), inc->opened_at);
	if (inc->closed_at != 0)
		dl_time(h, _("Closed"), inc->closed_at);
	dl_item(h, _("Impact on care"), vg_incident_care_label(inc->care));
	dl_time(h, _("Degraded mode since"), inc->degraded_since);
	dl_item(h, _("Health data"), yes_no(inc->health_data));
	dl_item(h, _("Personal data"), yes_no(inc->personal_data));
	if (inc->persons >= 0)
		(void)snprintf(persons, sizeof(persons), "%lld",
			       (long long)inc->persons);
	else
		(void)snprintf(persons, sizeof(persons), "—");
	dl_item(h, _("Persons (approximate)"), persons);
	dl_item(h, _("Confidentiality lost"), yes_no(inc->confidentiality));
	dl_item(h, _("Integrity lost"), yes_no(inc->integrity));
	dl_item(h, _("Unavailability"), yes_no(inc->availability));
	dl_item(h, _("Perimeter"), inc->perimeter);
	dl_item(h, _("Causes"), inc->causes);
	vg_html_raw(h, "</dl></div>");
}

/* The latest task of host in tasks (newest first), or NULL. */
static const json_t *
host_task(const json_t *tasks, const char *host)
{
	const json_t *t;
	size_t i;

	json_array_foreach(tasks, i, t)
	{
		const char *th = json_string_value(json_object_get(t, "host"));

		if (th != NULL && host != NULL && strcmp(th, host) == 0)
			return t;
	}
	return NULL;
}

static void
task_state(struct vg_html *h, const json_t *t)
{
	const char *kind = vg_html_json_str(t, "kind");
	const char *state = vg_html_json_str(t, "state");
	const char *detail = vg_html_json_str(t, "detail");
	const char *cls = "pending";

	if (t == NULL) {
		vg_html_raw(h, "<span class=\"muted\">");
		vg_html_text(h, _("not isolated"));
		vg_html_raw(h, "</span>");
		return;
	}
	if (state != NULL &&
	    (strcmp(state, "delivered") == 0 ||
	     strcmp(state, "confirmed") == 0 || strcmp(state, "failed") == 0))
		cls = state;
	vg_html_raw(h, "<span class=\"task task-");
	vg_html_raw(h,
		    cls[0] == 'd'           ? "delivered"
			    : cls[0] == 'c' ? "confirmed"
			    : cls[0] == 'f' ? "failed"
					    : "pending");
	vg_html_raw(h, "\" data-kind=\"");
	vg_html_attr(h, kind != NULL ? kind : "");
	vg_html_raw(h, "\" data-state=\"");
	vg_html_attr(h, state != NULL ? state : "");
	vg_html_raw(h, "\">");
	vg_html_text(h,
		     kind != NULL && strcmp(kind, "release") == 0
			     ? _("release")
			     : _("isolation"));
	vg_html_raw(h, ": ");
	vg_html_text(h,
		     strcmp(cls, "pending") == 0             ? _("pending")
			     : strcmp(cls, "delivered") == 0 ? _("delivered")
			     : strcmp(cls, "confirmed") == 0 ? _("confirmed")
							     : _("failed"));
	vg_html_raw(h, "</span>");
	if (detail != NULL && *detail != '\0') {
		vg_html_raw(h, " <span class=\"reason\">");
		vg_html_text(h, detail);
		vg_html_raw(h, "</span>");
	}
}

static void
assets_card(struct vg_html *h, const json_t *inc, int64_t id,
	    const struct vg_principal *p)
{
	const json_t *tasks = json_object_get(inc, "tasks");
	const json_t *a;
	size_t i;

	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Hosts concerned"));
	vg_html_raw(h, "</h2><table id=\"incident-assets\"><thead><tr><th>");
	vg_html_text(h, _("Host"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Isolation"));
	vg_html_raw(h, "</th><th></th></tr></thead><tbody>");
	json_array_foreach(json_object_get(inc, "assets"), i, a)
	{
		const char *name = vg_html_json_str(a, "name");
		bool agent = json_is_string(json_object_get(a, "agent_id"));

		vg_html_raw(h, "<tr data-host=\"");
		vg_html_attr(h, name != NULL ? name : "");
		vg_html_raw(h, "\"><td>");
		vg_html_text(h, name);
		vg_html_raw(h, "</td><td>");
		if (!agent) {
			vg_html_raw(h, "<span class=\"muted\">");
			vg_html_text(h, _("no agent: isolate it by hand"));
			vg_html_raw(h, "</span>");
		} else
			task_state(h, host_task(tasks, name));
		vg_html_raw(h, "</td><td>");
		if (agent && vg_console_can_accept(p) && name != NULL) {
			static const char *const acts[] = {"isolate",
							   "release"};
			size_t k;

			for (k = 0; k < 2; k++) {
				form_begin(h, p, id, acts[k], "inline");
				vg_html_raw(h,
					    "<input type=\"hidden\" "
					    "name=\"asset\" value=\"");
				vg_html_attr(h, name);
				vg_html_raw(h, "\"><button type=\"submit\">");
				vg_html_text(h,
					     k == 0 ? _("Isolate")
						    : _("Release"));
				vg_html_raw(h, "</button></form>");
			}
		}
		vg_html_raw(h, "</td></tr>");
	}
	if (json_array_size(json_object_get(inc, "assets")) == 0) {
		vg_html_raw(h, "<tr><td colspan=\"3\" class=\"muted\">");
		vg_html_text(h, _("No host named."));
		vg_html_raw(h, "</td></tr>");
	}
	vg_html_raw(h, "</tbody></table></div>");
}

/* The chain and the record checked: true with *bad == n and no *field
 * when intact; false when it could not be checked. */
static bool
verify(const json_t *inc, size_t *bad, const char **field)
{
	struct vg_err err;
	size_t n;

	vg_err_clear(&err);
	return vg_incident_verify(inc, &n, bad, field, &err) == VG_OK && n > 0;
}

static void
timeline_card(struct vg_html *h, const json_t *inc)
{
	const json_t *tl = json_object_get(inc, "timeline"), *t;
	const char *field = NULL;
	size_t bad = 0, i;
	bool checked_ok = verify(inc, &bad, &field);

	vg_html_raw(h, "<div class=\"card\"><h2>");
	vg_html_text(h, _("Timeline"));
	vg_html_raw(h, "</h2>");
	if (checked_ok && bad >= json_array_size(tl) && field != NULL) {
		char b[256];

		(void)snprintf(b, sizeof(b),
			       _("The chain of hashes is intact, but the "
				 "incident's %s does not match it: changed "
				 "without an entry."),
			       field);
		vg_html_raw(h, "<p id=\"timeline-check\" class=\"error\">");
		vg_html_text(h, b);
		vg_html_raw(h, "</p>");
	} else if (checked_ok && bad >= json_array_size(tl)) {
		vg_html_raw(h, "<p id=\"timeline-check\" class=\"verified\">");
		vg_html_text(h, _("Verified: the chain of hashes is intact."));
		vg_html_raw(h, "</p>");
	} else if (checked_ok) {
		char b[256];

		(void)snprintf(b, sizeof(b),
			       _("Broken at entry %zu: changed or removed "
				 "after it was written."),
			       bad + 1);
		vg_html_raw(h, "<p id=\"timeline-check\" class=\"error\">");
		vg_html_text(h, b);
		vg_html_raw(h, "</p>");
	}
	vg_html_raw(h, "<table id=\"timeline\"><thead><tr><th>#</th><th>");
	vg_html_text(h, _("Date"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Actor"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Entry"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Detail"));
	vg_html_raw(h, "</th><th>");
	vg_html_text(h, _("Hash"));
	vg_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(tl, i, t)
	{
		const char *hash = vg_html_json_str(t, "hash");

		vg_html_raw(
			h, i == bad ? "<tr class=\"broken\"><td>" : "<tr><td>");
		vg_html_int(h, json_integer_value(json_object_get(t, "seq")));
		vg_html_raw(h, "</td><td>");
		vg_incident_html_time(
			h, json_integer_value(json_object_get(t, "at")));
		vg_html_raw(h, "</td><td>");
		vg_html_json_text(h, t, "actor");
		vg_html_raw(h, "</td><td>");
		vg_html_json_text(h, t, "kind");
		vg_html_raw(h, "</td><td><code>");
		vg_html_json_text(h, t, "detail_text");
		vg_html_raw(h, "</code></td><td><code title=\"");
		vg_html_attr(h, hash != NULL ? hash : "");
		vg_html_raw(h, "\">");
		if (hash != NULL)
			vg_html_textn(h, hash,
				      strlen(hash) < HASH_SHOWN ? strlen(hash)
								: HASH_SHOWN);
		vg_html_raw(h, "</code></td></tr>");
	}
	vg_html_raw(h, "</tbody></table></div>");
}

static void
select_enum(struct vg_html *h, const char *literal_key, const char *label,
	    const char *const *names, const char *(*lab)(int), int n,
	    int current)
{
	int i;

	vg_html_raw(h, "<label>");
	vg_html_text(h, label);
	vg_html_raw(h, " <select name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\">");
	for (i = 0; i < n; i++) {
		vg_html_raw(h, "<option value=\"");
		vg_html_attr(h, names[i]);
		vg_html_raw(h, i == current ? "\" selected>" : "\">");
		vg_html_text(h, lab(i));
		vg_html_raw(h, "</option>");
	}
	vg_html_raw(h, "</select></label> ");
}

static const char *
type_lab(int i)
{
	return vg_incident_type_label((enum vg_incident_type)i);
}

static const char *
care_lab(int i)
{
	return vg_incident_care_label((enum vg_care_impact)i);
}

static const char *
status_lab(int i)
{
	return vg_incident_status_label((enum vg_incident_status)i);
}

static void
checkbox(struct vg_html *h, const char *literal_key, const char *label, bool on)
{
	vg_html_raw(h, "<label><input type=\"checkbox\" name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, on ? "\" checked> " : "\"> ");
	vg_html_text(h, label);
	vg_html_raw(h, "</label> ");
}

/* A datetime-local value of t in Paris time ("2024-03-31T11:00"). */
static void
local_value(struct vg_html *h, int64_t t)
{
	char b[EXPORT_TIME_MAX];

	if (t == 0)
		return;
	vg_export_time(t, true, b);
	/* To the second: a form sent back unchanged must read back the
	 * same time (a minute cut would change the detection time). */
	b[19] = '\0';
	vg_html_attr(h, b);
}

static void
textarea(struct vg_html *h, const char *literal_key, const char *label,
	 const char *value)
{
	vg_html_raw(h, "<label>");
	vg_html_text(h, label);
	vg_html_raw(h, "<textarea name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\" maxlength=\"8192\">");
	vg_html_text(h, value);
	vg_html_raw(h, "</textarea></label> ");
}

/* The fields both forms share, prefilled with inc. */
void
vg_incident_form_fields(struct vg_html *h, const struct vg_incident *inc,
			bool opening)
{
	static const char *const types[] = {
		"ransomware",     "intrusion",  "data_leak", "phishing",
		"unavailability", "loss_theft", "other"};
	static const char *const cares[] = {"none", "potential", "proven"};
	static const char *const statuses[] = {"open", "contained", "recovered",
					       "closed"};

	if (opening) {
		vg_html_raw(h, "<label>");
		vg_html_text(h, _("Title"));
		vg_html_raw(h,
			    " <input name=\"title\" required "
			    "maxlength=\"256\"></label> ");
	}
	select_enum(h, "type", _("Type"), types, type_lab,
		    (int)VG_ARRAY_LEN(types), (int)inc->type);
	if (!opening)
		select_enum(h, "status", _("Status"), statuses, status_lab,
			    (int)VG_ARRAY_LEN(statuses), (int)inc->status);
	vg_html_raw(h, "<label>");
	vg_html_text(h, _("Detected (Paris time)"));
	vg_html_raw(h,
		    " <input type=\"datetime-local\" step=\"1\" "
		    "name=\"detected\" value=\"");
	local_value(h, opening ? 0 : inc->detected_at);
	vg_html_raw(h, "\"></label> ");
	select_enum(h, "care", _("Impact on care"), cares, care_lab,
		    (int)VG_ARRAY_LEN(cares), (int)inc->care);
	vg_html_raw(h, "<label>");
	vg_html_text(h, _("Degraded mode since"));
	vg_html_raw(h,
		    " <input type=\"datetime-local\" step=\"1\" "
		    "name=\"degraded_since\" value=\"");
	local_value(h, inc->degraded_since);
	vg_html_raw(h, "\"></label> ");
	checkbox(h, "health_data", _("Health data"), inc->health_data);
	checkbox(h, "personal_data", _("Personal data"), inc->personal_data);
	vg_html_raw(h, "<label>");
	vg_html_text(h, _("Persons (approximate)"));
	vg_html_raw(h,
		    " <input type=\"number\" min=\"0\" name=\"persons\" "
		    "value=\"");
	if (inc->persons >= 0)
		vg_html_int(h, inc->persons);
	vg_html_raw(h, "\"></label> ");
	checkbox(h, "confidentiality", _("Confidentiality lost"),
		 inc->confidentiality);
	checkbox(h, "integrity", _("Integrity lost"), inc->integrity);
	checkbox(h, "availability", _("Unavailability"), inc->availability);
	textarea(h, "perimeter", _("Perimeter"), inc->perimeter);
	textarea(h, "causes", _("Causes"), inc->causes);
}

static void
actions_card(struct vg_html *h, const struct vg_incident *inc, int64_t id,
	     const struct vg_principal *p)
{
	bool note = p->kind == VG_PRINCIPAL_SESSION &&
		p->role >= VG_ROLE_TECHNICIEN;

	if (!note && !vg_console_can_accept(p))
		return;
	vg_html_raw(h, "<div class=\"card\" id=\"incident-actions\"><h2>");
	vg_html_text(h, _("Actions"));
	vg_html_raw(h, "</h2>");
	if (note) {
		form_begin(h, p, id, "note", "note");
		textarea(h, "text", _("Note"), NULL);
		vg_html_raw(h, "<button type=\"submit\">");
		vg_html_text(h, _("Add the note"));
		vg_html_raw(h, "</button></form>");
	}
	if (vg_console_can_accept(p)) {
		form_begin(h, p, id, "status", "status");
		vg_incident_form_fields(h, inc, false);
		checkbox(h, "reported_ans",
			 _("Reported to the national portal"),
			 inc->reported_ans_at != 0);
		vg_html_raw(h, "<label>");
		vg_html_text(h, _("Portal reference"));
		vg_html_raw(h,
			    " <input name=\"ans_ref\" maxlength=\"128\" "
			    "value=\"");
		vg_html_attr(h, inc->ans_ref != NULL ? inc->ans_ref : "");
		vg_html_raw(h, "\"></label> ");
		checkbox(h, "reported_cnil", _("Notified to the CNIL"),
			 inc->reported_cnil_at != 0);
		vg_html_raw(h, "<label>");
		vg_html_text(h, _("CNIL reference"));
		vg_html_raw(h,
			    " <input name=\"cnil_ref\" maxlength=\"128\" "
			    "value=\"");
		vg_html_attr(h, inc->cnil_ref != NULL ? inc->cnil_ref : "");
		vg_html_raw(h, "\"></label> <button type=\"submit\">");
		vg_html_text(h, _("Save the changes"));
		vg_html_raw(h, "</button></form>");
	}
	vg_html_raw(h, "</div>");
}

static void
exports_card(struct vg_html *h, int64_t id)
{
	static const char *const fmts[] = {"signalement", "cnil", "md", "json"};
	static const char *const labels[] = {
		N_("National portal report"), N_("CNIL notification"),
		N_("Both, with the timeline (Markdown)"), N_("JSON")};
	size_t i;

	vg_html_raw(h, "<div class=\"card\" id=\"incident-exports\"><h2>");
	vg_html_text(h, _("Report drafts (French)"));
	vg_html_raw(h, "</h2><ul>");
	for (i = 0; i < VG_ARRAY_LEN(fmts); i++) {
		vg_html_raw(h, "<li><a href=\"/incidents/");
		vg_html_int(h, id);
		vg_html_raw(h, "/export?format=");
		vg_html_raw(h, fmts[i]);
		vg_html_raw(h, "\">");
		vg_html_text(h, _(labels[i]));
		vg_html_raw(h, "</a></li>");
	}
	vg_html_raw(h, "</ul></div>");
}

void
vg_page_incident(const struct vg_api_ctx *ctx,
		 const struct vg_http_request *req,
		 struct vg_http_response *resp)
{
	struct vg_incident inc;
	struct vg_html h;
	struct vg_err err;
	json_t *doc;
	int64_t id;

	if ((doc = load(ctx, req, resp, &id)) == NULL)
		return;
	vg_err_clear(&err);
	if (vg_incident_from_json(doc, &inc, &err) != VG_OK) {
		vg_api_log_error("incident", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		json_decref(doc);
		return;
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, inc.title, VG_NAV_NONE);
	vg_html_raw(&h, "<p><a href=\"/incidents\">");
	vg_html_text(&h, _("All incidents"));
	vg_html_raw(&h, "</a></p><h1 id=\"incident-title\" data-incident=\"");
	vg_html_int(&h, id);
	vg_html_raw(&h, "\">");
	vg_html_text(&h, inc.title);
	vg_html_raw(&h, "</h1>");
	fields_card(&h, &inc);
	deadlines_card(&h, &inc, ctx->policy, ctx->now);
	assets_card(&h, doc, id, ctx->principal);
	actions_card(&h, &inc, id, ctx->principal);
	exports_card(&h, id);
	timeline_card(&h, doc);
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, 200);
	json_decref(doc);
}

/* Back to the incident's page. */
static void
back(struct vg_http_response *resp, int64_t id)
{
	char path[64];

	(void)snprintf(path, sizeof(path), "/incidents/%lld", (long long)id);
	vg_html_redirect(resp, path);
}

/*
 * Answer a form's store write: back to the incident's page, or the
 * error (404 with notfound, or "no such incident" when NULL; 400 with
 * the store's message for a value it refused; 500, logged as what).
 */
static void
written(const struct vg_api_ctx *ctx, struct vg_http_response *resp,
	enum vg_rc rc, const struct vg_err *err, const char *what,
	const char *notfound, int64_t id)
{
	if (rc == VG_ERR_NOTFOUND)
		vg_html_error_page(ctx, resp, 404,
				   notfound != NULL ? notfound
						    : _("no such incident"));
	else if (rc == VG_ERR_USAGE)
		vg_html_error_page(ctx, resp, 400, err->msg);
	else if (rc != VG_OK) {
		vg_api_log_error(what, err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
	} else
		back(resp, id);
}

void
vg_page_incident_note(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp)
{
	const char *text = vg_http_arg(req, "text");
	struct vg_err err;
	json_t *detail;
	char *js = NULL;
	int64_t id, seq;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, &id) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such incident"));
		return;
	}
	if (text == NULL || *text == '\0' || strlen(text) > NOTE_MAX ||
	    !vg_utf8_valid(text, strlen(text))) {
		vg_html_error_page(ctx, resp, 400,
				   _("text: missing, too long or not UTF-8"));
		return;
	}
	if ((detail = json_pack("{s:s}", "text", text)) == NULL ||
	    (js = json_dumps(detail, JSON_COMPACT)) == NULL) {
		json_decref(detail);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		return;
	}
	json_decref(detail);
	vg_api_lock(ctx);
	rc = vg_store_timeline_append(ctx->store, id, ctx->now,
				      ctx->principal->name, "note", js, &seq,
				      &err);
	vg_api_unlock(ctx);
	free(js);
	written(ctx, resp, rc, &err, "incident note", NULL, id);
}

void
vg_page_incident_status(const struct vg_api_ctx *ctx,
			const struct vg_http_request *req,
			struct vg_http_response *resp)
{
	struct vg_incident inc;
	struct vg_err err;
	const char *bad, *kind = "status";
	json_t *doc, *before = NULL, *after = NULL;
	bool was_reported;
	int64_t id;
	enum vg_rc rc;

	if ((doc = load(ctx, req, resp, &id)) == NULL)
		return;
	vg_err_clear(&err);
	if (vg_incident_from_json(doc, &inc, &err) != VG_OK) {
		vg_api_log_error("incident", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		goto done;
	}
	was_reported = inc.reported_ans_at != 0 && inc.reported_cnil_at != 0;
	if ((before = vg_incident_to_json(&inc)) == NULL) {
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		goto done;
	}
	if ((bad = vg_incident_form_read(req, &inc, ctx->now, false)) != NULL) {
		vg_html_error_page(ctx, resp, 400, bad);
		goto done;
	}
	if (vg_incident_check(&inc, ctx->now, &err) != VG_OK) {
		vg_html_error_page(ctx, resp, 400, err.msg);
		goto done;
	}
	/* A form sent back as it was: no entry, nobody alerted. */
	if ((after = vg_incident_to_json(&inc)) == NULL) {
		vg_html_error_page(ctx, resp, 500, _("internal error"));
		goto done;
	}
	if (json_equal(before, after)) {
		back(resp, id);
		goto done;
	}
	if (inc.status == VG_INC_CLOSED)
		kind = "closed";
	else if (!was_reported &&
		 (vg_http_arg(req, "reported_ans") != NULL ||
		  vg_http_arg(req, "reported_cnil") != NULL))
		kind = "reported";
	vg_api_lock(ctx);
	rc = vg_store_incident_update(ctx->store, &inc, kind,
				      ctx->principal->name, ctx->now, &err);
	if (rc == VG_OK)
		vg_incident_notify(ctx, id, false);
	vg_api_unlock(ctx);
	written(ctx, resp, rc, &err, "incident status", NULL, id);
done:
	json_decref(before);
	json_decref(after);
	json_decref(doc);
}

static void
task(const struct vg_api_ctx *ctx, const struct vg_http_request *req,
     struct vg_http_response *resp, const char *kind)
{
	const char *asset = vg_http_arg(req, "asset");
	struct vg_err err;
	int64_t id, task_id;
	enum vg_rc rc;

	vg_err_clear(&err);
	if (req->n_params < 1 ||
	    vg_parse_intz(req->params[0], 1, INT64_MAX, &id) != VG_OK) {
		vg_html_error_page(ctx, resp, 404, _("no such incident"));
		return;
	}
	if (asset == NULL || *asset == '\0' || strlen(asset) > 255) {
		vg_html_error_page(ctx, resp, 400, _("asset: missing"));
		return;
	}
	vg_api_lock(ctx);
	rc = vg_store_task_add(ctx->store, id, asset, kind, "{}",
			       ctx->principal->name, ctx->now, &task_id, &err);
	vg_api_unlock(ctx);
	written(ctx, resp, rc, &err, "incident task", err.msg, id);
}

void
vg_page_incident_isolate(const struct vg_api_ctx *ctx,
			 const struct vg_http_request *req,
			 struct vg_http_response *resp)
{
	task(ctx, req, resp, "isolate");
}

void
vg_page_incident_release(const struct vg_api_ctx *ctx,
			 const struct vg_http_request *req,
			 struct vg_http_response *resp)
{
	task(ctx, req, resp, "release");
}

void
vg_page_incident_export(const struct vg_api_ctx *ctx,
			const struct vg_http_request *req,
			struct vg_http_response *resp)
{
	static const char *const types[] = {
		"text/plain; charset=utf-8", "text/plain; charset=utf-8",
		"application/json", "text/markdown; charset=utf-8"};
	enum vg_export_format f;
	struct vg_buf out;
	struct vg_err err;
	json_t *doc;
	int64_t id;

	if (!vg_export_format_parse(vg_http_arg(req, "format"), &f)) {
		vg_html_error_page(ctx, resp, 400,
				   _("format: not signalement, cnil, json or "
				     "md"));
		return;
	}
	if ((doc = load(ctx, req, resp, &id)) == NULL)
		return;
	vg_err_clear(&err);
	vg_buf_init(&out, EXPORT_BODY_MAX);
	if (vg_incident_export(doc, ctx->policy, f, ctx->now, &out, &err) !=
	    VG_OK) {
		vg_api_log_error("incident export", &err);
		vg_html_error_page(ctx, resp, 500, _("internal error"));
	} else {
		vg_http_response_release(resp);
		resp->status = 200;
		resp->content_type = types[f];
		resp->len = out.len;
		resp->body = vg_buf_detach(&out);
		if (resp->body == NULL) {
			resp->len = 0;
			resp->body = NULL;
		}
	}
	vg_buf_release(&out);
	json_decref(doc);
}

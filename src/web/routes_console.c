/*
 * Routes of the console area (docs/internals/web-routes.md): server-
 * rendered pages (html.h), each run in its request's language
 * (console_i18n.h). Bodies are small forms; the login's is read before
 * anyone is authenticated, so it is the smallest that fits its fields.
 */
#include "util/common.h"

#include "web/console_i18n.h"
#include "web/html.h"
#include "web/page_incident.h"
#include "web/routes.h"
#include "util/banned.h"

#define CONSOLE_BODY_GET 1024         /* a GET has no body to speak of */
#define CONSOLE_BODY_LOGIN 4096       /* user, password, next */
#define CONSOLE_BODY_FORM (16 * 1024) /* accept: reason, until, csrf */
/* An incident's form: two 8 KiB texts, percent-encoded (the ceiling of
 * a small body, VG_SERVER_MAX_SMALL_BODY). */
#define CONSOLE_BODY_INCIDENT (64 * 1024)

/* Each handler wrapped to run in the request's language. */
#define CONSOLE_PAGE(name)                                                     \
	static void name##_i18n(const struct vg_api_ctx *ctx,                  \
				const struct vg_http_request *req,             \
				struct vg_http_response *resp)                 \
	{                                                                      \
		vg_console_run(name, ctx, req, resp);                          \
	}

CONSOLE_PAGE(vg_page_login_form)
CONSOLE_PAGE(vg_page_login)
CONSOLE_PAGE(vg_page_logout)
CONSOLE_PAGE(vg_page_dashboard)
CONSOLE_PAGE(vg_page_assets)
CONSOLE_PAGE(vg_page_asset)
CONSOLE_PAGE(vg_page_devices)
CONSOLE_PAGE(vg_page_findings)
CONSOLE_PAGE(vg_page_accept)
CONSOLE_PAGE(vg_page_rule)
/* Known vulnerabilities (page_vulns.c; not in html.h, another's). */
void vg_page_vulns(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_page_vuln(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp);
CONSOLE_PAGE(vg_page_vulns)
CONSOLE_PAGE(vg_page_vuln)
CONSOLE_PAGE(vg_page_incidents)
CONSOLE_PAGE(vg_page_incident_open)
CONSOLE_PAGE(vg_page_incident)
CONSOLE_PAGE(vg_page_incident_note)
CONSOLE_PAGE(vg_page_incident_status)
CONSOLE_PAGE(vg_page_incident_isolate)
CONSOLE_PAGE(vg_page_incident_release)
CONSOLE_PAGE(vg_page_incident_export)

const struct vg_route vg_routes_console[] = {
	{"GET", "/login", vg_page_login_form_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_NONE, VG_ROLE_DIRECTION, true},
	{"POST", "/login", vg_page_login_i18n, CONSOLE_BODY_LOGIN, NULL,
	 VG_AUTH_NONE, VG_ROLE_DIRECTION, true},
	{"POST", "/logout", vg_page_logout_i18n, CONSOLE_BODY_FORM, NULL,
	 VG_AUTH_USER, VG_ROLE_DIRECTION, true},
	{"GET", "/", vg_page_dashboard_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_DIRECTION, true},
	{"GET", "/assets", vg_page_assets_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	{"GET", "/assets/{}", vg_page_asset_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	/* Network devices (vigie discover): assets too, same rights. */
	{"GET", "/devices", vg_page_devices_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	{"GET", "/findings", vg_page_findings_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	{"POST", "/findings/{}/accept", vg_page_accept_i18n, CONSOLE_BODY_FORM,
	 NULL, VG_AUTH_USER, VG_ROLE_RSSI, true},
	{"GET", "/rules/{}", vg_page_rule_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_DIRECTION, true},
	/* Known vulnerabilities: findings data, same rights. */
	{"GET", "/vulnerabilities", vg_page_vulns_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	{"GET", "/vulnerabilities/{}", vg_page_vuln_i18n, CONSOLE_BODY_GET,
	 NULL, VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	/* Incidents (page_incident.h): direction sees the list and the
	 * deadlines only; auditeur reads and downloads the drafts;
	 * technicien adds notes; rssi and admin open, change, isolate. */
	{"GET", "/incidents", vg_page_incidents_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_DIRECTION, true},
	{"POST", "/incidents", vg_page_incident_open_i18n,
	 CONSOLE_BODY_INCIDENT, NULL, VG_AUTH_USER, VG_ROLE_RSSI, true},
	{"GET", "/incidents/{}", vg_page_incident_i18n, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_USER, VG_ROLE_AUDITEUR, true},
	{"GET", "/incidents/{}/export", vg_page_incident_export_i18n,
	 CONSOLE_BODY_GET, NULL, VG_AUTH_USER, VG_ROLE_AUDITEUR, true},
	{"POST", "/incidents/{}/note", vg_page_incident_note_i18n,
	 CONSOLE_BODY_INCIDENT, NULL, VG_AUTH_USER, VG_ROLE_TECHNICIEN, true},
	{"POST", "/incidents/{}/status", vg_page_incident_status_i18n,
	 CONSOLE_BODY_INCIDENT, NULL, VG_AUTH_USER, VG_ROLE_RSSI, true},
	{"POST", "/incidents/{}/isolate", vg_page_incident_isolate_i18n,
	 CONSOLE_BODY_FORM, NULL, VG_AUTH_USER, VG_ROLE_RSSI, true},
	{"POST", "/incidents/{}/release", vg_page_incident_release_i18n,
	 CONSOLE_BODY_FORM, NULL, VG_AUTH_USER, VG_ROLE_RSSI, true},
	/* Not a page: no session needed, cacheable, no CSRF. */
	{"GET", "/static/vigie.css", vg_page_css, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_NONE, VG_ROLE_DIRECTION, false},
};

const size_t vg_routes_console_count = VG_ARRAY_LEN(vg_routes_console);

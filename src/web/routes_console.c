/*
 * Routes of the console area (docs/internals/web-routes.md): server-
 * rendered pages (html.h), each run in its request's language
 * (console_i18n.h). Bodies are small forms; the login's is read before
 * anyone is authenticated, so it is the smallest that fits its fields.
 */
#include "util/common.h"

#include "web/console_i18n.h"
#include "web/html.h"
#include "web/routes.h"
#include "util/banned.h"

#define CONSOLE_BODY_GET 1024         /* a GET has no body to speak of */
#define CONSOLE_BODY_LOGIN 4096       /* user, password, next */
#define CONSOLE_BODY_FORM (16 * 1024) /* accept: reason, until, csrf */

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
	/* Not a page: no session needed, cacheable, no CSRF. */
	{"GET", "/static/vigie.css", vg_page_css, CONSOLE_BODY_GET, NULL,
	 VG_AUTH_NONE, VG_ROLE_DIRECTION, false},
};

const size_t vg_routes_console_count = VG_ARRAY_LEN(vg_routes_console);

/*
 * The console's HTML (docs/internals/console.md), private to web/: a page
 * renders into a capped buffer through escapers (cgit's html.c is the
 * model). Data goes through vg_html_text (element content) or
 * vg_html_attr (inside a double-quoted attribute); vg_html_raw takes
 * string literals of markup only, never data.
 *
 * Errors are sticky: once an append fails (the page would pass its cap,
 * or memory ran out) every later call does nothing, and vg_html_respond
 * answers 500 instead of a truncated page.
 */
#ifndef VG_WEB_HTML_H
#define VG_WEB_HTML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "web/http.h"
#include "util/buf.h"
#include "util/err.h"

#define VG_HTML_MAX (2u << 20)  /* one page, 2 MiB */
#define VG_CONSOLE_PAGE_SIZE 50 /* rows of a paged list */

struct vg_html {
	struct vg_buf buf;
	enum vg_rc rc; /* the first failure, sticky */
};

/* An empty page of at most max bytes (VG_HTML_MAX for a page). */
void vg_html_init(struct vg_html *h, size_t max);
void vg_html_release(struct vg_html *h);

/* Markup from a string literal (never data). */
void vg_html_raw(struct vg_html *h, const char *literal);
/*
 * Data as element content: & < > " ' become entities; control bytes
 * (but tab, newline) and bytes that are not valid UTF-8 become U+FFFD.
 * NULL writes nothing. textn also turns a NUL byte into U+FFFD.
 */
void vg_html_text(struct vg_html *h, const char *s);
void vg_html_textn(struct vg_html *h, const char *s, size_t n);
/* Data inside a double-quoted attribute: as text, plus tab, newline,
 * carriage return and '`' as character references. */
void vg_html_attr(struct vg_html *h, const char *s);
/* A decimal integer (safe anywhere). */
void vg_html_int(struct vg_html *h, long long v);
/*
 * Percent-encode s for a URL's query or path segment (every byte but
 * [A-Za-z0-9._~-]), then write it as an attribute value would be.
 */
void vg_html_urlarg(struct vg_html *h, const char *s);

/*
 * The page as resp's body (the buffer is handed over): status, HTML
 * content type, resp->html set. On a sticky failure: 500 with a short
 * page. The vg_html is empty afterwards.
 */
void vg_html_respond(struct vg_html *h, struct vg_http_response *resp,
		     unsigned status);

/* Which menu entry a page belongs to (highlighted in nav#menu). */
enum vg_console_nav {
	VG_NAV_NONE,
	VG_NAV_DASHBOARD,
	VG_NAV_ASSETS,
	VG_NAV_DEVICES,
	VG_NAV_FINDINGS,
	VG_NAV_RULES,
};

/*
 * The skeleton of a page: doctype, head (title, the stylesheet), then for
 * a logged-in principal (kind != NONE) the header with nav#menu (assets,
 * network devices and findings only for technicien and above), span#whoami and
 * form#logout with the csrf field; then <main>. vg_html_page_end closes
 * main, the footer and the document.
 */
void vg_html_page_begin(struct vg_html *h, const struct vg_principal *p,
			const char *title, enum vg_console_nav active);
void vg_html_page_end(struct vg_html *h);

/* A small page with p.error holding message (text), with status. */
void vg_html_error_page(const struct vg_api_ctx *ctx,
			struct vg_http_response *resp, unsigned status,
			const char *message);

/* A 303 to a local path (copied; an over-long one becomes "/"). */
void vg_html_redirect(struct vg_http_response *resp, const char *path);

/* True for a path we may redirect to: starts with '/', not "//" nor
 * "/\", printable ASCII only, shorter than 512 bytes. */
bool vg_html_local_path(const char *s);

/* Console helpers over the store's JSON (store-queries.md). */
/* The score member key ("R1", "overall") of scores: 0-100, or -1. */
int vg_html_score_of(const json_t *scores, const char *key);
/* span.score with a class by band and the text "NN/100" or "—". */
void vg_html_score(struct vg_html *h, int score);
/* The class of a score's band: "good", "fair", "poor" or "none". */
const char *vg_html_score_band(int score);
/* Text of the string member key of obj, or "—" when absent or null. */
void vg_html_json_text(struct vg_html *h, const json_t *obj, const char *key);
/* A time member ("2026-03-01T08:00:00Z") as "2026-03-01 08:00 UTC";
 * other strings as text, "—" when absent. */
void vg_html_json_time(struct vg_html *h, const json_t *obj, const char *key);
/* The string member, or NULL. */
const char *vg_html_json_str(const json_t *obj, const char *key);
/* A translated rule name (1..10), "" otherwise. */
const char *vg_html_rule_name(int rule);
/* A translated severity label ("critical"...), or the name as is. */
const char *vg_html_severity_label(const char *severity);

/*
 * The integer argument key of req within [min, max] into *out: true when
 * absent (*out untouched) or valid, false when present but not a number
 * in range (the caller answers 400 naming key). An empty value counts as
 * absent: an empty form field.
 */
bool vg_console_arg_int(const struct vg_http_request *req, const char *key,
			int64_t min, int64_t max, int64_t *out);
/* The string argument key, NULL when absent or empty; *bad is set when
 * it is longer than max bytes. */
const char *vg_console_arg_str(const struct vg_http_request *req,
			       const char *key, size_t max, bool *bad);
/*
 * nav.paging of a list showing rows [offset, offset + limit) of total:
 * a[rel=prev] and a[rel=next] to path, carrying the request's arguments
 * named in keys (NULL-terminated) and the new offset.
 */
void vg_html_paging(struct vg_html *h, const char *path,
		    const struct vg_http_request *req, const char *const *keys,
		    size_t offset, size_t limit, size_t total);

/* span.sev.sev-<name> with the translated severity. */
void vg_html_severity(struct vg_html *h, const char *severity);
/* A finding's status: span.status-open, span.status-accepted (with its
 * end date and reason) or span.status-fixed. */
void vg_html_status(struct vg_html *h, const json_t *finding);
/* The rule number of a finding ("R3" or 3), 0 when neither. */
int vg_html_rule_of(const json_t *finding);

/* True when the principal may see assets and findings (technicien+). */
bool vg_console_can_see_assets(const struct vg_principal *p);
/* True when the principal may accept risks (rssi, admin), by a session
 * (a form needs its csrf token). */
bool vg_console_can_accept(const struct vg_principal *p);

/* The console's handlers (page_*.c), listed in routes_console.c. */
void vg_page_login_form(const struct vg_api_ctx *ctx,
			const struct vg_http_request *req,
			struct vg_http_response *resp);
void vg_page_login(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_page_logout(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);
void vg_page_dashboard(const struct vg_api_ctx *ctx,
		       const struct vg_http_request *req,
		       struct vg_http_response *resp);
void vg_page_assets(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);
void vg_page_devices(const struct vg_api_ctx *ctx,
		     const struct vg_http_request *req,
		     struct vg_http_response *resp);
void vg_page_asset(const struct vg_api_ctx *ctx,
		   const struct vg_http_request *req,
		   struct vg_http_response *resp);
void vg_page_findings(const struct vg_api_ctx *ctx,
		      const struct vg_http_request *req,
		      struct vg_http_response *resp);
void vg_page_accept(const struct vg_api_ctx *ctx,
		    const struct vg_http_request *req,
		    struct vg_http_response *resp);
void vg_page_rule(const struct vg_api_ctx *ctx,
		  const struct vg_http_request *req,
		  struct vg_http_response *resp);
void vg_page_css(const struct vg_api_ctx *ctx,
		 const struct vg_http_request *req,
		 struct vg_http_response *resp);

/* The stylesheet (page_static.c), for tests. */
extern const char vg_console_css[];

/*
 * A labelled field of a filters form: literal_key and literal_type are
 * string literals (written raw); value, from the query and possibly
 * NULL, is shown escaped when at most max bytes. A "number" field holds
 * a score: 0 to 100.
 */
void vg_html_filter_input(struct vg_html *h, const char *literal_key,
			  const char *literal_type, const char *label,
			  const char *value, size_t max);

#endif

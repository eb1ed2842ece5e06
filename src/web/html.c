/*
 * HTML rendering for the console (html.h): a capped page buffer, the two
 * escapers (element content, attribute values), the page skeleton and
 * small helpers over the store's JSON. Everything that is not a string
 * literal of markup goes through an escaper here.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "web/auth.h"
#include "web/console_i18n.h"
#include "web/html.h"
#include "web/http.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

#define HTML_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define HTML_PATH_MAX 512               /* a redirect target (Location) */

void
vg_html_init(struct vg_html *h, size_t max)
{
	vg_buf_init(&h->buf, max);
	h->rc = VG_OK;
}

void
vg_html_release(struct vg_html *h)
{
	vg_buf_release(&h->buf);
	h->rc = VG_OK;
}

/* Append n bytes unless an earlier append failed. */
static void
put(struct vg_html *h, const char *p, size_t n)
{
	if (h->rc != VG_OK || n == 0)
		return;
	h->rc = vg_buf_add(&h->buf, p, n);
}

void
vg_html_raw(struct vg_html *h, const char *literal)
{
	put(h, literal, strlen(literal));
}

/* The entity for an ASCII byte, or NULL when it goes out as is. In an
 * attribute, whitespace other than space is encoded too, so a value
 * survives any later normalisation. */
static const char *
ascii_entity(unsigned char c, bool attr)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
		return attr ? "&#9;" : NULL;
	case '\n':
		return attr ? "&#10;" : NULL;
	case '\r':
		return attr ? "&#13;" : NULL;
	case '`':
		return attr ? "&#96;" : NULL;
	default:
		break;
	}
	/* Other controls (NUL included) and DEL have no place in a page. */
	if (c < 0x20 || c == 0x7f)
		return HTML_REPLACEMENT;
	return NULL;
}

/*
 * Copy runs of plain bytes at once, replace the rest: ASCII specials by
 * entities, invalid UTF-8 (one byte at a time) and C1 controls by
 * U+FFFD, so the page is always valid UTF-8 whatever the store held.
 */
static void
escape(struct vg_html *h, const char *s, size_t n, bool attr)
{
	size_t i = 0, run = 0, len;
	const char *ent;
	unsigned char c;

	while (i < n && h->rc == VG_OK) {
		c = (unsigned char)s[i];
		ent = NULL;
		len = 1;
		if (c < 0x80) {
			ent = ascii_entity(c, attr);
		} else if ((len = vg_utf8_seq(s + i, n - i)) == 0) {
			ent = HTML_REPLACEMENT;
			len = 1;
		} else if (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
			ent = HTML_REPLACEMENT; /* U+0080..U+009F */
		}
		if (ent == NULL) {
			i += len;
			continue;
		}
		put(h, s + run, i - run);
		put(h, ent, strlen(ent));
		i += len;
		run = i;
	}
	put(h, s + run, i - run);
}

void
vg_html_text(struct vg_html *h, const char *s)
{
	if (s != NULL)
		escape(h, s, strlen(s), false);
}

void
vg_html_textn(struct vg_html *h, const char *s, size_t n)
{
	if (s != NULL)
		escape(h, s, n, false);
}

void
vg_html_attr(struct vg_html *h, const char *s)
{
	if (s != NULL)
		escape(h, s, strlen(s), true);
}

void
vg_html_int(struct vg_html *h, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	if (n > 0)
		put(h, tmp, (size_t)n);
}

void
vg_html_urlarg(struct vg_html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char pct[3];

	if (s == NULL)
		return;
	for (; *s != '\0' && h->rc == VG_OK; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '~' || c == '-') {
			put(h, s, 1);
			continue;
		}
		/* Percent-encoded bytes are safe in an attribute as they are.
		 */
		pct[0] = '%';
		pct[1] = hex[c >> 4];
		pct[2] = hex[c & 15];
		put(h, pct, 3);
	}
}

void
vg_html_respond(struct vg_html *h, struct vg_http_response *resp,
		unsigned status)
{
	static const char failed[] =
		"<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
		"<title>vigie</title></head><body><p class=\"error\">"
		"internal error</p></body></html>";

	vg_http_response_release(resp);
	resp->html = true;
	resp->content_type = "text/html; charset=utf-8";
	if (h->rc != VG_OK) {
		/* Never a truncated page: it could end inside markup. */
		vg_html_release(h);
		resp->status = 500;
		resp->body = strdup(failed);
		resp->len = resp->body != NULL ? strlen(resp->body) : 0;
		return;
	}
	resp->status = status;
	if (h->buf.data == NULL)
		put(h, "", 0);
	resp->len = h->buf.len;
	resp->body = vg_buf_detach(&h->buf);
	if (resp->body == NULL)
		resp->len = 0;
	vg_html_release(h);
}

bool
vg_console_can_see_assets(const struct vg_principal *p)
{
	return p != NULL && p->kind != VG_PRINCIPAL_NONE &&
		p->role >= VG_ROLE_TECHNICIEN;
}

bool
vg_console_can_accept(const struct vg_principal *p)
{
	return p != NULL && p->kind == VG_PRINCIPAL_SESSION &&
		p->role >= VG_ROLE_RSSI;
}

/* One entry of nav#menu. */
static void
nav_link(struct vg_html *h, const char *href, const char *label, bool active)
{
	vg_html_raw(h, "<a href=\"");
	vg_html_attr(h, href);
	vg_html_raw(h, active ? "\" class=\"active\">" : "\">");
	vg_html_text(h, label);
	vg_html_raw(h, "</a>");
}

void
vg_html_page_begin(struct vg_html *h, const struct vg_principal *p,
		   const char *title, enum vg_console_nav active)
{
	vg_html_raw(h, "<!DOCTYPE html>\n<html lang=\"");
	vg_html_attr(h, vg_console_lang_code());
	vg_html_raw(h,
		    "\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" "
		    "content=\"width=device-width, initial-scale=1\">"
		    "<title>");
	vg_html_text(h, title);
	vg_html_raw(h,
		    " — vigie</title>"
		    "<link rel=\"stylesheet\" href=\"/static/vigie.css\">"
		    "</head>\n<body>\n<header><div class=\"bar\">"
		    "<a class=\"brand\" href=\"/\">vigie</a>");
	if (p != NULL && p->kind != VG_PRINCIPAL_NONE) {
		vg_html_raw(h, "<nav id=\"menu\">");
		nav_link(h, "/", _("Dashboard"), active == VG_NAV_DASHBOARD);
		if (vg_console_can_see_assets(p)) {
			nav_link(h, "/assets", _("Assets"),
				 active == VG_NAV_ASSETS);
			nav_link(h, "/devices", _("Network devices"),
				 active == VG_NAV_DEVICES);
			nav_link(h, "/findings", _("Findings"),
				 active == VG_NAV_FINDINGS);
			nav_link(h, "/vulnerabilities", _("Vulnerabilities"),
				 false);
		}
		nav_link(h, "/rules/R1", _("Rules"), active == VG_NAV_RULES);
		nav_link(h, "/incidents", _("Incidents"), false);
		vg_html_raw(h,
			    "</nav><div class=\"user\"><span id=\"whoami\">");
		vg_html_text(h, p->name);
		vg_html_raw(h, " <span class=\"role\">");
		vg_html_text(h, vg_role_name(p->role));
		vg_html_raw(h, "</span></span>");
	} else {
		vg_html_raw(h, "<div class=\"user\">");
	}
	/* A link with only a query keeps the page and switches language. */
	vg_html_raw(h,
		    "<span class=\"lang\"><a href=\"?lang=fr\" "
		    "hreflang=\"fr\" lang=\"fr\">FR</a> <a href=\"?lang=en\" "
		    "hreflang=\"en\" lang=\"en\">EN</a></span>");
	if (p != NULL && p->kind == VG_PRINCIPAL_SESSION) {
		vg_html_raw(h,
			    "<form id=\"logout\" method=\"post\" "
			    "action=\"/logout\"><input type=\"hidden\" "
			    "name=\"csrf\" value=\"");
		vg_html_attr(h, p->csrf);
		vg_html_raw(h, "\"><button type=\"submit\">");
		vg_html_text(h, _("Log out"));
		vg_html_raw(h, "</button></form>");
	}
	vg_html_raw(h, "</div></div></header>\n<main>\n");
}

void
vg_html_page_end(struct vg_html *h)
{
	vg_html_raw(h, "</main>\n<footer>vigie " VG_VERSION " — ");
	vg_html_text(h, _("cyber-hygiene of the establishment's hosts"));
	vg_html_raw(h, "</footer>\n</body></html>\n");
}

void
vg_html_error_page(const struct vg_api_ctx *ctx, struct vg_http_response *resp,
		   unsigned status, const char *message)
{
	struct vg_html h;

	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, ctx->principal, _("Error"), VG_NAV_NONE);
	vg_html_raw(&h, "<h1>");
	vg_html_text(&h, _("Error"));
	vg_html_raw(&h, "</h1><p class=\"error\">");
	vg_html_text(&h, message);
	vg_html_raw(&h, "</p><p><a href=\"/\">");
	vg_html_text(&h, _("Back to the dashboard"));
	vg_html_raw(&h, "</a></p>");
	vg_html_page_end(&h);
	vg_html_respond(&h, resp, status);
}

bool
vg_html_local_path(const char *s)
{
	size_t i;

	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		/* No controls, spaces or backslashes: a header value and
		 * a browser both read the path the way we checked it. */
		if (i >= HTML_PATH_MAX - 1 || s[i] <= ' ' || s[i] >= 0x7f ||
		    s[i] == '\\')
			return false;
	}
	return true;
}

void
vg_html_redirect(struct vg_http_response *resp, const char *path)
{
	vg_http_response_release(resp);
	resp->status = 303;
	resp->html = true;
	resp->content_type = "text/html; charset=utf-8";
	if (!vg_html_local_path(path) ||
	    (size_t)snprintf(resp->location, sizeof(resp->location), "%s",
			     path) >= sizeof(resp->location))
		(void)snprintf(resp->location, sizeof(resp->location), "/");
}

int
vg_html_score_of(const json_t *scores, const char *key)
{
	const json_t *v = json_object_get(scores, key);
	json_int_t n;

	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	return n < 0 || n > 100 ? -1 : (int)n;
}

const char *
vg_html_score_band(int score)
{
	if (score < 0 || score > 100)
		return "none";
	if (score >= 80)
		return "good";
	if (score >= 50)
		return "fair";
	return "poor";
}

void
vg_html_score(struct vg_html *h, int score)
{
	vg_html_raw(h, "<span class=\"score ");
	vg_html_raw(h, vg_html_score_band(score));
	vg_html_raw(h, "\">");
	if (score < 0 || score > 100) {
		vg_html_raw(h, "—");
	} else {
		vg_html_int(h, score);
		vg_html_raw(h, "/100");
	}
	vg_html_raw(h, "</span>");
}

const char *
vg_html_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

void
vg_html_json_text(struct vg_html *h, const json_t *obj, const char *key)
{
	const char *s = vg_html_json_str(obj, key);

	if (s == NULL || *s == '\0')
		vg_html_raw(h, "—");
	else
		vg_html_text(h, s);
}

void
vg_html_json_time(struct vg_html *h, const json_t *obj, const char *key)
{
	const char *s = vg_html_json_str(obj, key);

	/* Only the store's own shape is reshaped; anything else as is. */
	if (s == NULL || strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z') {
		vg_html_json_text(h, obj, key);
		return;
	}
	vg_html_raw(h, "<time datetime=\"");
	vg_html_attr(h, s);
	vg_html_raw(h, "\">");
	vg_html_textn(h, s, 10);
	vg_html_raw(h, " ");
	vg_html_textn(h, s + 11, 5);
	vg_html_raw(h, " UTC</time>");
}

/* The campaign's names for its ten rules (RULES.md headings). */
static const char *const rule_names[VG_RULE_COUNT + 1] = {
	NULL,
	N_("Inventory"),
	N_("Access rights"),
	N_("Administrators"),
	N_("Passwords"),
	N_("Backups"),
	N_("Professional data"),
	N_("Updates"),
	N_("Links and mail"),
	N_("Continuity"),
	N_("Incident reflexes"),
};

const char *
vg_html_rule_name(int rule)
{
	if (rule < 1 || rule > VG_RULE_COUNT)
		return "";
	return _(rule_names[rule]);
}

const char *
vg_html_severity_label(const char *severity)
{
	static const char *const names[][2] = {
		{"low", N_("low")},
		{"medium", N_("medium")},
		{"high", N_("high")},
		{"critical", N_("critical")},
	};
	size_t i;

	for (i = 0; severity != NULL && i < VG_ARRAY_LEN(names); i++)
		if (strcmp(severity, names[i][0]) == 0)
			return _(names[i][1]);
	return severity != NULL ? severity : "";
}

bool
vg_console_arg_int(const struct vg_http_request *req, const char *key,
		   int64_t min, int64_t max, int64_t *out)
{
	const char *v = vg_http_arg(req, key);

	if (v == NULL || *v == '\0')
		return true;
	return vg_parse_intz(v, min, max, out) == VG_OK;
}

const char *
vg_console_arg_str(const struct vg_http_request *req, const char *key,
		   size_t max, bool *bad)
{
	const char *v = vg_http_arg(req, key);

	if (v == NULL || *v == '\0')
		return NULL;
	if (strlen(v) > max) {
		*bad = true;
		return NULL;
	}
	return v;
}

/* One paging link: path?key=value&...&offset=N. */
static void
paging_link(struct vg_html *h, const char *path,
	    const struct vg_http_request *req, const char *const *keys,
	    size_t offset, const char *literal_rel, const char *label)
{
	const char *v;
	size_t i;

	vg_html_raw(h, "<a rel=\"");
	vg_html_raw(h, literal_rel);
	vg_html_raw(h, "\" href=\"");
	vg_html_attr(h, path);
	vg_html_raw(h, "?");
	for (i = 0; keys[i] != NULL; i++) {
		if ((v = vg_http_arg(req, keys[i])) == NULL || *v == '\0')
			continue;
		vg_html_urlarg(h, keys[i]);
		vg_html_raw(h, "=");
		vg_html_urlarg(h, v);
		vg_html_raw(h, "&amp;");
	}
	vg_html_raw(h, "offset=");
	vg_html_int(h, (long long)offset);
	vg_html_raw(h, "\">");
	vg_html_text(h, label);
	vg_html_raw(h, "</a>");
}

void
vg_html_paging(struct vg_html *h, const char *path,
	       const struct vg_http_request *req, const char *const *keys,
	       size_t offset, size_t limit, size_t total)
{
	size_t last = offset + limit < total ? offset + limit : total;

	vg_html_raw(h, "<nav class=\"paging\">");
	if (offset > 0)
		paging_link(h, path, req, keys,
			    offset > limit ? offset - limit : 0, "prev",
			    _("« Previous"));
	vg_html_raw(h, "<span class=\"muted\">");
	vg_html_int(h, (long long)(total > 0 ? offset + 1 : 0));
	vg_html_raw(h, "–");
	vg_html_int(h, (long long)last);
	vg_html_raw(h, " / ");
	vg_html_int(h, (long long)total);
	vg_html_raw(h, "</span>");
	if (offset + limit < total)
		paging_link(h, path, req, keys, offset + limit, "next",
			    _("Next »"));
	vg_html_raw(h, "</nav>");
}

/* The status cell: open, or accepted with its reason and end date. */
void
vg_html_status(struct vg_html *h, const json_t *f)
{
	const char *status = vg_html_json_str(f, "status");
	const json_t *acc = json_object_get(f, "acceptance");
	const char *until;

	if (status != NULL && strcmp(status, "accepted") == 0) {
		vg_html_raw(h, "<span class=\"status-accepted\">");
		vg_html_text(h, _("accepted"));
		vg_html_raw(h, "</span>");
		if (json_is_object(acc)) {
			vg_html_raw(h, "<br><span class=\"muted\">");
			vg_html_text(h, _("until"));
			vg_html_raw(h, " ");
			until = vg_html_json_str(acc, "until");
			/* The day is what was chosen; the time is 00:00. */
			if (until != NULL && strlen(until) == 20)
				vg_html_textn(h, until, 10);
			else
				vg_html_json_text(h, acc, "until");
			vg_html_raw(h, ": ");
			vg_html_json_text(h, acc, "reason");
			vg_html_raw(h, "</span>");
		}
	} else if (status != NULL && strcmp(status, "fixed") == 0) {
		vg_html_raw(h, "<span class=\"status-fixed\">");
		vg_html_text(h, _("fixed"));
		vg_html_raw(h, "</span>");
	} else {
		vg_html_raw(h, "<span class=\"status-open\">");
		vg_html_text(h, _("open"));
		vg_html_raw(h, "</span>");
	}
}

/* The severity badge (shared look with the findings list). */
void
vg_html_severity(struct vg_html *h, const char *sev)
{
	static const char *const known[] = {"low", "medium", "high",
					    "critical"};
	size_t i;

	vg_html_raw(h, "<span class=\"sev");
	/* A class only from our own names, never from the data. */
	for (i = 0; sev != NULL && i < VG_ARRAY_LEN(known); i++)
		if (strcmp(sev, known[i]) == 0) {
			vg_html_raw(h, " sev-");
			vg_html_raw(h, known[i]);
		}
	vg_html_raw(h, "\">");
	vg_html_text(h, vg_html_severity_label(sev));
	vg_html_raw(h, "</span>");
}

/* The rule number of a finding ("R3" or 3), 0 when neither. */
int
vg_html_rule_of(const json_t *f)
{
	const json_t *r = json_object_get(f, "rule");
	const char *s = json_string_value(r);
	int64_t n = 0;

	if (json_is_integer(r))
		n = json_integer_value(r);
	else if (s != NULL && (s[0] == 'R' || s[0] == 'r') &&
		 vg_parse_intz(s + 1, 1, VG_RULE_COUNT, &n) != VG_OK)
		n = 0;
	return n >= 1 && n <= VG_RULE_COUNT ? (int)n : 0;
}

void
vg_html_filter_input(struct vg_html *h, const char *literal_key,
		     const char *literal_type, const char *label,
		     const char *value, size_t max)
{
	vg_html_raw(h, "<label>");
	vg_html_text(h, label);
	vg_html_raw(h, "<input name=\"");
	vg_html_raw(h, literal_key);
	vg_html_raw(h, "\" type=\"");
	vg_html_raw(h, literal_type);
	if (strcmp(literal_type, "number") == 0)
		vg_html_raw(h, "\" min=\"0\" max=\"100");
	vg_html_raw(h, "\" value=\"");
	if (value != NULL && strlen(value) <= max)
		vg_html_attr(h, value);
	vg_html_raw(h, "\"></label>");
}

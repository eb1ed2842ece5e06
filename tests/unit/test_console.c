/*
 * The console's handlers (web/page_*.c), called directly with a hand-made
 * principal and an SQLite store in a temporary directory: the ids and
 * classes of console.md, what each role sees, a hostile host name
 * escaped on every page, the accept-risk workflow, login and logout with
 * their cookie, the login rate limit.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#include "core/facts.h"
#include "core/report.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "util/text.h"
#include "util/banned.h"

#define HOSTILE "<script>alert(1)</script>"
#define HOSTILE_ESC "&lt;script&gt;alert(1)&lt;/script&gt;"
#define HOSTILE_SUBJ "<img src=x onerror=alert(2)>"
#define PASSWORD "correct horse battery"

struct fx {
	char *dir;
	struct vg_store *s;
	int64_t now;
	int64_t hostile_id, plain_id; /* asset ids */
	int64_t finding_id;           /* an open finding of the hostile host */
};

static void
scan(struct fx *x, const char *host, const char *site, int64_t at, int score)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;
	int k;

	vg_facts_init(&f);
	f.collected_at = at;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, host);
	f.os.pretty_name = vg_facts_str(&f, "Debian GNU/Linux 12 <bookworm>");
	f.asset.site = vg_facts_str(&f, site);
	f.asset.owner = vg_facts_str(&f, "DSI \"urgences\"");
	f.asset.category = vg_facts_str(&f, "server");
	f.asset.criticality = 3;
	vg_facts_collected(&f, VG_SRC_OS);
	vg_report_init(&r);
	assert_int_equal(vg_report_add(&r, 3, "admin.nopasswd_all", VG_SEV_HIGH,
				       HOSTILE_SUBJ,
				       json_pack("{s:s}", "file", "<x>"),
				       "Remove NOPASSWD from ALL rules."),
			 VG_OK);
	assert_int_equal(vg_report_add(&r, 4, "password.empty", VG_SEV_CRITICAL,
				       "guest", NULL,
				       "Lock or set a password."),
			 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r.scores[k] = k <= 7 ? score : VG_SCORE_NONE;
	r.overall = score;
	vg_err_clear(&err);
	if (vg_store_put_scan(x->s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* The id of the asset named host, from list_assets. */
static int64_t
asset_id(struct fx *x, const char *host)
{
	struct vg_asset_filter flt = {NULL, NULL, NULL, -1, -1,
				      0,    100,  NULL, 0,  NULL};
	json_t *doc = NULL, *a;
	struct vg_err err;
	int64_t id = 0;
	size_t i;

	if (vg_store_list_assets(x->s, &flt, &doc, &err) != VG_OK)
		fail_msg("list_assets: %s", err.msg);
	json_array_foreach(
		json_object_get(doc, "assets"), i,
		a) if (strcmp(json_string_value(json_object_get(a, "hostname")),
			      host) == 0) id =
		json_integer_value(json_object_get(a, "id"));
	json_decref(doc);
	assert_true(id > 0);
	return id;
}

static int
setup(void **state)
{
	struct vg_finding_filter ff;
	struct vg_user_rec u;
	struct fx *x = calloc(1, sizeof(*x));
	char path[4096];
	struct vg_err err;
	json_t *doc = NULL;

	assert_non_null(x);
	assert_int_equal(vg_auth_init(&err), VG_OK);
	x->dir = vg_test_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/vigie.db", x->dir);
	if (vg_store_open_sqlite(&x->s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	x->now = (int64_t)time(NULL);
	scan(x, HOSTILE, "site <b>", x->now - 3 * 86400, 40);
	scan(x, HOSTILE, "site <b>", x->now - 3600, 60);
	scan(x, "srv-plain", "nord", x->now - 7200, 90);
	x->hostile_id = asset_id(x, HOSTILE);
	x->plain_id = asset_id(x, "srv-plain");

	memset(&ff, 0, sizeof(ff));
	ff.asset_id = x->hostile_id;
	ff.rule = 3;
	ff.limit = 10;
	if (vg_store_list_findings(x->s, &ff, x->now, &doc, &err) != VG_OK)
		fail_msg("list_findings: %s", err.msg);
	x->finding_id = json_integer_value(json_object_get(
		json_array_get(json_object_get(doc, "findings"), 0), "id"));
	json_decref(doc);
	assert_true(x->finding_id > 0);

	memset(&u, 0, sizeof(u));
	(void)snprintf(u.name, sizeof(u.name), "alice");
	(void)snprintf(u.role, sizeof(u.role), "rssi");
	assert_true(vg_password_hash(PASSWORD, u.pwhash));
	u.created_at = x->now;
	if (vg_store_user_add(x->s, &u, &err) != VG_OK)
		fail_msg("user_add: %s", err.msg);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	vg_store_free(x->s);
	vg_test_rmtree(x->dir);
	free(x->dir);
	free(x);
	return 0;
}

static void
principal(struct vg_principal *p, enum vg_role role)
{
	memset(p, 0, sizeof(*p));
	p->kind = VG_PRINCIPAL_SESSION;
	p->role = role;
	(void)snprintf(p->name, sizeof(p->name), "%s", vg_role_name(role));
	(void)snprintf(p->csrf, sizeof(p->csrf), "csrf-token-42");
}

/* A request with arguments given as "key", "value", ..., NULL. */
static void
request(struct vg_http_request *req, const char *method, const char *param, ...)
{
	va_list ap;
	const char *k;

	memset(req, 0, sizeof(*req));
	req->method = method;
	req->path = "/";
	req->url = "/";
	req->body = "";
	req->client = "127.0.0.1";
	if (param != NULL) {
		req->params[0] = param;
		req->n_params = 1;
	}
	va_start(ap, param);
	while ((k = va_arg(ap, const char *)) != NULL &&
	       req->n_args < VG_HTTP_MAX_ARGS) {
		req->args[req->n_args].key = k;
		req->args[req->n_args].value = va_arg(ap, const char *);
		req->n_args++;
	}
	va_end(ap);
}

/* Run handler h as role; resp is the caller's to release. */
static void
run(struct fx *x, vg_api_handler h, enum vg_role role,
    const struct vg_http_request *req, struct vg_http_response *resp)
{
	struct vg_principal p;
	struct vg_api_ctx ctx;

	principal(&p, role);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = x->s;
	ctx.now = x->now;
	ctx.principal = &p;
	memset(resp, 0, sizeof(*resp));
	h(&ctx, req, resp);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

#define HAS(body, s)                                                           \
	do {                                                                   \
		if (strstr((body), (s)) == NULL)                               \
			fail_msg("missing: %s", (s));                          \
	} while (0)
#define HASNT(body, s)                                                         \
	do {                                                                   \
		if (strstr((body), (s)) != NULL)                               \
			fail_msg("unexpected: %s", (s));                       \
	} while (0)

/* No raw markup from the data, no inline style or script. */
static void
assert_clean(const char *body)
{
	HASNT(body, "<script");
	HASNT(body, "<img");
	HASNT(body, "<b>");
	HASNT(body, " style=");
	HASNT(body, "onerror=alert(2)>");
}

static void
test_dashboard_ids(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	char want[64];
	int k;

	request(&req, "GET", NULL, NULL);
	run(x, vg_page_dashboard, VG_ROLE_RSSI, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_true(resp.html);
	HAS(resp.body, "<header>");
	HAS(resp.body, "<nav id=\"menu\">");
	HAS(resp.body, "<span id=\"whoami\">rssi");
	HAS(resp.body,
	    "<form id=\"logout\" method=\"post\" action=\"/logout\">"
	    "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"csrf-token-42\">");
	HAS(resp.body, "id=\"overall\"");
	HAS(resp.body,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "id=\"rule-bars\"");
	HAS(resp.body, "id=\"trend\"");
	HAS(resp.body, "<table id=\"worst\">");
	HAS(resp.body, "<table id=\"stale\">");
	assert_int_equal(count(resp.body, "<g class=\"rule-bar"), 10);
	for (k = 1; k <= VG_RULE_COUNT; k++) {
		(void)snprintf(want, sizeof(want), "data-rule=\"R%d\"", k);
		HAS(resp.body, want);
	}
	/* The overall score as text, NN/100 (criticality-weighted). */
	HAS(resp.body, "/100</div>");
	/* Worst assets link to their pages for this role. */
	(void)snprintf(want, sizeof(want), "<tr data-asset=\"%lld\">",
		       (long long)x->hostile_id);
	HAS(resp.body, want);
	(void)snprintf(want, sizeof(want), "href=\"/assets/%lld\"",
		       (long long)x->hostile_id);
	HAS(resp.body, want);
	HAS(resp.body, "href=\"/assets\"");
	HAS(resp.body, "href=\"/findings\"");
	HAS(resp.body, HOSTILE_ESC);
	assert_clean(resp.body);
	vg_http_response_release(&resp);
}

/* direction sees scores only: no link to assets or findings. */
static void
test_dashboard_direction(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;

	request(&req, "GET", NULL, NULL);
	run(x, vg_page_dashboard, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "id=\"overall\"");
	HAS(resp.body, "id=\"worst\"");
	HAS(resp.body, HOSTILE_ESC); /* the name, as text */
	HASNT(resp.body, "href=\"/assets");
	HASNT(resp.body, "href=\"/findings");
	HASNT(resp.body, "asset-link");
	assert_clean(resp.body);
	vg_http_response_release(&resp);
}

static void
test_assets_page(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	char want[96];

	request(&req, "GET", NULL, "search", "\"><script>", NULL);
	run(x, vg_page_assets, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<form id=\"filters\" method=\"get\"");
	HAS(resp.body, "value=\"&quot;&gt;&lt;script&gt;\"");
	HAS(resp.body, "<table id=\"assets\">");
	HAS(resp.body, "<nav class=\"paging\">");
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	request(&req, "GET", NULL, NULL);
	run(x, vg_page_assets, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	(void)snprintf(want, sizeof(want),
		       "<a class=\"asset-link\" href=\"/assets/%lld\">",
		       (long long)x->plain_id);
	HAS(resp.body, want);
	HAS(resp.body, HOSTILE_ESC);
	HAS(resp.body, "site &lt;b&gt;");
	HASNT(resp.body, "rel=\"next\""); /* two assets: one page */
	HASNT(resp.body, "rel=\"prev\"");
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	/* A later page links back, filters kept and encoded. */
	request(&req, "GET", NULL, "offset", "50", "site", "a b&c", NULL);
	run(x, vg_page_assets, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body,
	    "<a rel=\"prev\" href=\"/assets?site=a%20b%26c&amp;"
	    "offset=0\">");
	vg_http_response_release(&resp);

	request(&req, "GET", NULL, "min_score", "abc", NULL);
	run(x, vg_page_assets, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 400);
	HAS(resp.body, "min_score");
	HAS(resp.body, "class=\"error\"");
	vg_http_response_release(&resp);
}

static void
test_asset_page(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	char id[32], want[64];

	(void)snprintf(id, sizeof(id), "%lld", (long long)x->hostile_id);
	request(&req, "GET", id, NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<h1 class=\"hostname\">" HOSTILE_ESC "</h1>");
	HAS(resp.body, "id=\"asset-scores\"");
	HAS(resp.body, "<section class=\"rule\" data-rule=\"R3\">");
	HAS(resp.body, "<section class=\"rule\" data-rule=\"R4\">");
	(void)snprintf(want, sizeof(want),
		       "<tr class=\"finding\" data-finding=\"%lld\">",
		       (long long)x->finding_id);
	HAS(resp.body, want);
	HAS(resp.body, "&lt;img src=x onerror=alert(2)&gt;");
	HAS(resp.body, "id=\"history\"");
	HAS(resp.body, "<details id=\"facts\">");
	HAS(resp.body, "Debian GNU/Linux 12 &lt;bookworm&gt;");
	HAS(resp.body, "DSI &quot;urgences&quot;");
	/* Two scans in 90 days: two dots on the history line. */
	assert_int_equal(count(resp.body, "<circle"), 2);
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	request(&req, "GET", "999999", NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 404);
	vg_http_response_release(&resp);
	request(&req, "GET", "abc", NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 404);
	vg_http_response_release(&resp);
}

static void
test_findings_accept_form(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	static const enum vg_role roles[] = {VG_ROLE_TECHNICIEN, VG_ROLE_RSSI,
					     VG_ROLE_ADMIN};
	char want[128];
	size_t i;

	(void)snprintf(want, sizeof(want),
		       "<form class=\"accept\" method=\"post\" "
		       "action=\"/findings/%lld/accept\">",
		       (long long)x->finding_id);
	for (i = 0; i < VG_ARRAY_LEN(roles); i++) {
		request(&req, "GET", NULL, NULL);
		run(x, vg_page_findings, roles[i], &req, &resp);
		assert_int_equal(resp.status, 200);
		HAS(resp.body, "<form id=\"filters\"");
		HAS(resp.body, "<table id=\"findings\">");
		HAS(resp.body, "<tr class=\"finding\" data-finding=\"");
		HAS(resp.body, HOSTILE_ESC);
		assert_clean(resp.body);
		if (roles[i] < VG_ROLE_RSSI) {
			HASNT(resp.body, "class=\"accept\"");
		} else {
			HAS(resp.body, want);
			HAS(resp.body,
			    "/accept\"><input type=\"hidden\" "
			    "name=\"csrf\" value=\"csrf-token-42\">");
			HAS(resp.body, "<input name=\"reason\"");
			HAS(resp.body, "<input name=\"until\" type=\"date\"");
			HAS(resp.body, "<button type=\"submit\">");
		}
		vg_http_response_release(&resp);
	}

	request(&req, "GET", NULL, "rule", "R11", NULL);
	run(x, vg_page_findings, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 400);
	HAS(resp.body, "rule");
	vg_http_response_release(&resp);
	request(&req, "GET", NULL, "severity", "<bad>", NULL);
	run(x, vg_page_findings, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 400);
	HAS(resp.body, "severity");
	vg_http_response_release(&resp);
}

static void
test_accept(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	char id[32], future[16], past[16];
	time_t t;
	struct tm tm;

	(void)snprintf(id, sizeof(id), "%lld", (long long)x->finding_id);
	t = (time_t)(x->now + 30 * 86400);
	gmtime_r(&t, &tm);
	(void)strftime(future, sizeof(future), "%Y-%m-%d", &tm);
	t = (time_t)(x->now - 2 * 86400);
	gmtime_r(&t, &tm);
	(void)strftime(past, sizeof(past), "%Y-%m-%d", &tm);

	/* Refusals name their field. */
	static const struct {
		const char *reason, *until, *field;
	} bad[] = {
		{NULL, NULL, "reason"},        {"   ", "2099-01-01", "reason"},
		{"ok", NULL, "until"},         {"ok", "31/12/2099", "until"},
		{"ok", "2099-02-30", "until"}, {"ok", "", "until"},
	};
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(bad); i++) {
		request(&req, "POST", id, "reason", bad[i].reason, "until",
			bad[i].until, NULL);
		if (bad[i].reason == NULL)
			req.n_args = 0;
		else if (bad[i].until == NULL)
			req.n_args = 1;
		run(x, vg_page_accept, VG_ROLE_RSSI, &req, &resp);
		if (resp.status != 400)
			fail_msg("row %zu: status %u", i, resp.status);
		HAS(resp.body, bad[i].field);
		HAS(resp.body, "class=\"error\"");
		vg_http_response_release(&resp);
	}
	request(&req, "POST", id, "reason", "ok", "until", past, NULL);
	run(x, vg_page_accept, VG_ROLE_RSSI, &req, &resp);
	assert_int_equal(resp.status, 400);
	HAS(resp.body, "until");
	vg_http_response_release(&resp);

	request(&req, "POST", "987654", "reason", "ok", "until", future, NULL);
	run(x, vg_page_accept, VG_ROLE_RSSI, &req, &resp);
	assert_int_equal(resp.status, 404);
	vg_http_response_release(&resp);

	/* Accepted: back to the list (next only when local). */
	request(&req, "POST", id, "reason", "<b>legacy</b> app", "until",
		future, "next", "//evil.example/", NULL);
	run(x, vg_page_accept, VG_ROLE_RSSI, &req, &resp);
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/findings");
	vg_http_response_release(&resp);

	request(&req, "GET", NULL, "status", "accepted", NULL);
	run(x, vg_page_findings, VG_ROLE_RSSI, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "class=\"status-accepted\"");
	HAS(resp.body, "&lt;b&gt;legacy&lt;/b&gt; app");
	HAS(resp.body, future);
	HASNT(resp.body, "class=\"accept\""); /* no form once accepted */
	assert_clean(resp.body);
	vg_http_response_release(&resp);
}

/* The session cookie of a login response, its value in out. */
static void
cookie_value(const struct vg_http_response *resp, char *out, size_t size)
{
	const char *p = resp->set_cookie, *e;

	assert_int_equal(strncmp(p, "vigie_session=", 14), 0);
	p += 14;
	e = strchr(p, ';');
	assert_non_null(e);
	assert_true((size_t)(e - p) < size);
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void
test_login(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	struct vg_session_rec sess;
	char secret[128], hash[VG_HASH_HEX], unknown_err[256];
	struct vg_err err;
	const char *e;

	request(&req, "GET", NULL, "next", "/assets", NULL);
	run(x, vg_page_login_form, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<form id=\"login\" method=\"post\" action=\"/login\">");
	HAS(resp.body, "<input name=\"user\"");
	HAS(resp.body, "name=\"password\"");
	HAS(resp.body,
	    "<input type=\"hidden\" name=\"next\" "
	    "value=\"/assets\">");
	HAS(resp.body, "<button type=\"submit\">");
	HASNT(resp.body, "id=\"logout\"");
	HASNT(resp.body, "class=\"error\"");
	vg_http_response_release(&resp);

	request(&req, "POST", NULL, "user", "alice", "password", PASSWORD,
		"next", "/assets?site=nord", NULL);
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/assets?site=nord");
	HAS(resp.set_cookie, "; Path=/; HttpOnly; SameSite=Strict");
	HASNT(resp.set_cookie, "Secure");
	cookie_value(&resp, secret, sizeof(secret));
	assert_int_equal(strlen(secret), VG_SECRET_HEX - 1);
	vg_http_response_release(&resp);
	/* The store knows the session by the secret's hash. */
	vg_secret_hash(secret, hash);
	assert_int_equal(
		vg_store_session_get(x->s, hash, x->now + 60, &sess, &err),
		VG_OK);
	assert_string_equal(sess.user, "alice");
	assert_string_equal(sess.role, "rssi");
	assert_true(strlen(sess.csrf) >= 32);
	assert_true(sess.expires_at == x->now + 8 * 3600);
	assert_int_equal(
		vg_store_session_get(x->s, secret, x->now, &sess, &err),
		VG_ERR_NOTFOUND);

	/* Under TLS the cookie is Secure; a foreign next goes home. */
	request(&req, "POST", NULL, "user", "alice", "password", PASSWORD,
		"next", "//evil.example/x", NULL);
	req.tls = true;
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/");
	HAS(resp.set_cookie, "; Secure");
	vg_http_response_release(&resp);

	/* The same answer for an unknown user and a wrong password. */
	request(&req, "POST", NULL, "user", "mallory", "password", "x", NULL);
	req.client = "192.0.2.1";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_string_equal(resp.set_cookie, "");
	e = strstr(resp.body, "<p class=\"error\">");
	assert_non_null(e);
	(void)snprintf(unknown_err, sizeof(unknown_err), "%.*s",
		       (int)(strstr(e, "</p>") - e), e);
	vg_http_response_release(&resp);
	request(&req, "POST", NULL, "user", "alice", "password", "wrong", NULL);
	req.client = "192.0.2.1";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 401);
	HAS(resp.body, unknown_err);
	vg_http_response_release(&resp);

	/* A hostile user name is echoed escaped. */
	request(&req, "POST", NULL, "user", HOSTILE, "password", "x", NULL);
	req.client = "192.0.2.2";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 401);
	assert_clean(resp.body);
	vg_http_response_release(&resp);
}

static void
test_login_rate_limit(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	int i;

	for (i = 0; i < 5; i++) {
		request(&req, "POST", NULL, "user", "alice", "password",
			"guess", NULL);
		req.client = "198.51.100.7";
		run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
		assert_int_equal(resp.status, 401);
		vg_http_response_release(&resp);
	}
	/* The sixth is refused, even with the right password... */
	request(&req, "POST", NULL, "user", "alice", "password", PASSWORD,
		NULL);
	req.client = "198.51.100.7";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 429);
	HAS(resp.body, "class=\"error\"");
	assert_string_equal(resp.set_cookie, "");
	vg_http_response_release(&resp);
	/* ...but not from another address. */
	req.client = "198.51.100.8";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 303);
	vg_http_response_release(&resp);
	/* The window passes. */
	x->now += 16 * 60;
	req.client = "198.51.100.7";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	x->now -= 16 * 60;
	assert_int_equal(resp.status, 303);
	vg_http_response_release(&resp);
}

static void
test_logout(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	struct vg_session_rec sess;
	struct vg_principal p;
	struct vg_api_ctx ctx;
	char secret[128];
	struct vg_err err;

	request(&req, "POST", NULL, "user", "alice", "password", PASSWORD,
		NULL);
	req.client = "203.0.113.5";
	run(x, vg_page_login, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 303);
	cookie_value(&resp, secret, sizeof(secret));
	vg_http_response_release(&resp);

	principal(&p, VG_ROLE_RSSI);
	vg_secret_hash(secret, p.session_hash);
	memset(&ctx, 0, sizeof(ctx));
	ctx.store = x->s;
	ctx.now = x->now;
	ctx.principal = &p;
	request(&req, "POST", NULL, "csrf", "csrf-token-42", NULL);
	memset(&resp, 0, sizeof(resp));
	vg_page_logout(&ctx, &req, &resp);
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/login");
	HAS(resp.set_cookie, "vigie_session=; Path=/; Max-Age=0");
	vg_http_response_release(&resp);
	assert_int_equal(
		vg_store_session_get(x->s, p.session_hash, x->now, &sess, &err),
		VG_ERR_NOTFOUND);
}

static void
test_rules_page(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;

	request(&req, "GET", "R3", NULL);
	run(x, vg_page_rule, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<h1>R3 — ");
	HAS(resp.body,
	    "<section class=\"check\" "
	    "data-check=\"admin.nopasswd_all\">");
	HAS(resp.body, "<section class=\"check\" data-check=\"admin.excess\">");
	HAS(resp.body, "class=\"remediation\"");
	HASNT(resp.body, "data-check=\"password.empty\"");
	/* direction: still no assets link in the menu. */
	HASNT(resp.body, "href=\"/assets");
	vg_http_response_release(&resp);

	request(&req, "GET", "r10", NULL);
	run(x, vg_page_rule, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 200);
	vg_http_response_release(&resp);
	request(&req, "GET", "R11", NULL);
	run(x, vg_page_rule, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 404);
	vg_http_response_release(&resp);
	request(&req, "GET", "R", NULL);
	run(x, vg_page_rule, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 404);
	vg_http_response_release(&resp);
}

static void
test_css(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;

	request(&req, "GET", NULL, NULL);
	run(x, vg_page_css, VG_ROLE_DIRECTION, &req, &resp);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.content_type, "text/css"));
	assert_true(resp.max_age > 0);
	assert_false(resp.html);
	HAS(resp.body, "@media print");
	HAS(resp.body, ".rule-bar");
	assert_int_equal(resp.len, strlen(vg_console_css));
	vg_http_response_release(&resp);
}

/* A network device's scan (vigie discover); a NULL managed_by makes R1
 * find it unmanaged. */
static int64_t
device(struct fx *x, const char *key, const char *category, const char *vendor,
       const char *managed_by, int score)
{
	struct vg_device_evidence *e;
	struct vg_device_login *l;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	vg_facts_init(&f);
	f.collected_at = x->now - 600;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, key);
	f.device.key = vg_facts_str(&f, key);
	f.device.mac = vg_facts_str(&f, key);
	f.device.ips = vg_facts_str(&f, "10.77.0.2,10.77.0.3");
	f.device.name = vg_facts_str(&f, "CT <i>scanner</i>");
	f.device.vendor = vg_facts_str(&f, vendor);
	f.device.category = vg_facts_str(&f, category);
	f.device.confidence = 96;
	f.device.managed_by =
		managed_by != NULL ? vg_facts_str(&f, managed_by) : NULL;
	f.device.sensor = vg_facts_str(&f, "local");
	f.device.first_seen = x->now - 86400;
	f.device.last_seen = x->now - 600;
	f.asset.category = f.device.category;
	f.asset.site = vg_facts_str(&f, "bloc <op>");
	l = vg_facts_add_device_login(&f);
	assert_non_null(l);
	l->protocol = vg_facts_str(&f, "telnet");
	l->user = vg_facts_str(&f, HOSTILE_SUBJ);
	/* Evidence off the network: hostile values, and an item with no
	 * detail nor times. */
	e = vg_facts_add_device_evidence(&f);
	assert_non_null(e);
	e->source = vg_facts_str(&f, "dhcp");
	e->attribute = vg_facts_str(&f, "hostname");
	e->value = vg_facts_str(&f, HOSTILE);
	e->detail = vg_facts_str(&f, "opt12 | \"x\" & <y>");
	e->weight = 40;
	e->count = 12345;
	e->first_seen = x->now - 86400;
	e->last_seen = x->now - 600;
	e = vg_facts_add_device_evidence(&f);
	assert_non_null(e);
	e->source = vg_facts_str(&f, "arp");
	e->attribute = vg_facts_str(&f, "mac_ip");
	e->value = vg_facts_str(&f, "10.77.0.2");
	e->count = 1;
	vg_facts_collected(&f, VG_SRC_DEVICE);
	vg_report_init(&r);
	if (managed_by == NULL)
		assert_int_equal(vg_report_add(&r, 1,
					       "inventory.unmanaged_device",
					       VG_SEV_HIGH, key, NULL,
					       "Declare the device."),
				 VG_OK);
	r.scores[1] = score;
	r.overall = score;
	vg_err_clear(&err);
	if (vg_store_put_scan(x->s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
	return asset_id(x, key);
}

/* The network devices page and a device's page (issue 4). */
static void
test_devices(void **state)
{
	struct fx *x = *state;
	struct vg_http_request req;
	struct vg_http_response resp;
	int64_t ct, printer;
	char id[32], want[128];

	ct = device(x, "00:1b:21:aa:bb:cc", "biomedical",
		    "GE \"Healthcare\" & co", NULL, 30);
	printer = device(x, "10.9.8.7\"><script>", "printer", "Xerox <Corp>",
			 "asset PRN-<2>", 90);

	/* Both devices, no host; the unmanaged one flagged. */
	request(&req, "GET", NULL, NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<nav id=\"menu\">");
	HAS(resp.body, "<a href=\"/devices\" class=\"active\">");
	HAS(resp.body,
	    "<form id=\"filters\" method=\"get\" action=\"/devices\">");
	HAS(resp.body, "<input name=\"unmanaged\" type=\"checkbox\"");
	HAS(resp.body, "<table id=\"devices\">");
	(void)snprintf(want, sizeof(want),
		       "<a class=\"asset-link\" href=\"/assets/%lld\">",
		       (long long)ct);
	HAS(resp.body, want);
	(void)snprintf(want, sizeof(want), "<tr data-asset=\"%lld\">",
		       (long long)printer);
	HAS(resp.body, want);
	HAS(resp.body, "00:1b:21:aa:bb:cc");
	HAS(resp.body, "10.9.8.7&quot;&gt;&lt;script&gt;");
	HAS(resp.body, "bloc &lt;op&gt;");
	/* Each row: the display name, the key below it, the vendor; all
	 * escaped. The form has a vendor field. */
	HAS(resp.body,
	    "<span class=\"device-name\">CT &lt;i&gt;scanner"
	    "&lt;/i&gt;</span></a><br><code class=\"device-key\">"
	    "00:1b:21:aa:bb:cc</code>");
	HAS(resp.body,
	    "<td class=\"device-vendor\">GE &quot;Healthcare"
	    "&quot; &amp; co</td>");
	HAS(resp.body, "<td class=\"device-vendor\">Xerox &lt;Corp&gt;</td>");
	HAS(resp.body, "<input name=\"vendor\" type=\"text\" value=\"\">");
	HASNT(resp.body, "<i>scanner");
	assert_int_equal(count(resp.body, "class=\"sev sev-high unmanaged\""),
			 1);
	HASNT(resp.body, "srv-plain");
	HASNT(resp.body, HOSTILE_ESC);
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	/* unmanaged=1: the printer (managed) goes; the box stays ticked. */
	request(&req, "GET", NULL, "unmanaged", "1", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "value=\"1\" checked>");
	HAS(resp.body, "00:1b:21:aa:bb:cc");
	HASNT(resp.body, "10.9.8.7");
	vg_http_response_release(&resp);

	/* category and site filters. */
	request(&req, "GET", NULL, "category", "printer", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "10.9.8.7");
	HASNT(resp.body, "00:1b:21:aa:bb:cc");
	vg_http_response_release(&resp);
	request(&req, "GET", NULL, "site", "nord", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HASNT(resp.body, "00:1b:21:aa:bb:cc");
	HASNT(resp.body, "srv-plain"); /* a host of that site */
	HAS(resp.body, "class=\"muted\">");
	vg_http_response_release(&resp);
	/* The vendor filter: a substring, any case; the value kept in
	 * the form, escaped, and in the paging links. */
	request(&req, "GET", NULL, "vendor", "healthcare", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "00:1b:21:aa:bb:cc");
	HASNT(resp.body, "10.9.8.7");
	HAS(resp.body,
	    "<input name=\"vendor\" type=\"text\" "
	    "value=\"healthcare\">");
	vg_http_response_release(&resp);
	request(&req, "GET", NULL, "vendor", "XEROX <", "offset", "50", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HASNT(resp.body, "00:1b:21:aa:bb:cc");
	HAS(resp.body, "value=\"XEROX &lt;\">");
	HAS(resp.body, "href=\"/devices?vendor=XEROX%20%3C&amp;offset=0\"");
	vg_http_response_release(&resp);
	request(&req, "GET", NULL, "vendor", HOSTILE, NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, HOSTILE_ESC);
	HASNT(resp.body, "00:1b:21:aa:bb:cc");
	HAS(resp.body, "No network device matches.");
	assert_clean(resp.body);
	vg_http_response_release(&resp);
	/* The vendor by its MAC prefix. */
	request(&req, "GET", NULL, "search", "00:1b:21", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "00:1b:21:aa:bb:cc");
	HASNT(resp.body, "10.9.8.7");
	vg_http_response_release(&resp);

	/* Paging keeps the filters. */
	request(&req, "GET", NULL, "offset", "50", "unmanaged", "1", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body,
	    "<a rel=\"prev\" href=\"/devices?unmanaged=1&amp;"
	    "offset=0\">");
	vg_http_response_release(&resp);

	request(&req, "GET", NULL, "unmanaged", "2", NULL);
	run(x, vg_page_devices, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 400);
	HAS(resp.body, "unmanaged");
	HAS(resp.body, "class=\"error\"");
	vg_http_response_release(&resp);

	/* The assets list links the devices menu too. */
	request(&req, "GET", NULL, NULL);
	run(x, vg_page_assets, VG_ROLE_TECHNICIEN, &req, &resp);
	HAS(resp.body, "href=\"/devices\"");
	vg_http_response_release(&resp);
	/* direction sees no devices link. */
	run(x, vg_page_dashboard, VG_ROLE_DIRECTION, &req, &resp);
	HASNT(resp.body, "href=\"/devices");
	vg_http_response_release(&resp);

	/* The device's page: its device section, every value escaped. */
	(void)snprintf(id, sizeof(id), "%lld", (long long)ct);
	request(&req, "GET", id, NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "<h1 class=\"hostname\">00:1b:21:aa:bb:cc</h1>");
	HAS(resp.body, "<div class=\"card\" id=\"device\">");
	HAS(resp.body, "<dd><code>00:1b:21:aa:bb:cc</code></dd>");
	HAS(resp.body, "CT &lt;i&gt;scanner&lt;/i&gt;");
	HAS(resp.body, "GE &quot;Healthcare&quot; &amp; co");
	HAS(resp.body, "10.77.0.2,10.77.0.3");
	HAS(resp.body, "<dd class=\"device-category\">biomedical");
	HAS(resp.body, " 96 %)");
	HAS(resp.body, "class=\"sev sev-high unmanaged\"");
	HAS(resp.body,
	    "<li class=\"login\"><code>telnet</code> "
	    "&lt;img src=x onerror=alert(2)&gt;</li>");
	/* The evidence table, every value escaped. */
	HAS(resp.body,
	    "<h3>Evidence</h3><table id=\"evidence\"><thead><tr>"
	    "<th>Source</th><th>Attribute</th><th>Value</th>"
	    "<th>Detail</th><th class=\"num\">Weight</th>"
	    "<th class=\"num\">Count</th><th>First seen</th>"
	    "<th>Last seen</th></tr></thead><tbody>");
	HAS(resp.body,
	    "<tr class=\"evidence\"><td>dhcp</td><td>hostname</td>"
	    "<td>" HOSTILE_ESC "</td><td>opt12 | &quot;x&quot; "
	    "&amp; &lt;y&gt;</td><td class=\"num\">40</td>"
	    "<td class=\"num\">12345</td><td>");
	HAS(resp.body,
	    "<tr class=\"evidence\"><td>arp</td><td>mac_ip</td>"
	    "<td>10.77.0.2</td><td>—</td><td class=\"num\">0</td>"
	    "<td class=\"num\">1</td><td>—</td><td>—</td></tr>");
	assert_int_equal(count(resp.body, "<tr class=\"evidence\">"), 2);
	HASNT(resp.body, HOSTILE);
	HAS(resp.body, "local");
	HAS(resp.body, "<section class=\"rule\" data-rule=\"R1\">");
	HAS(resp.body, "<a href=\"/devices\" class=\"active\">");
	HASNT(resp.body, "<details id=\"facts\">"); /* no host facts */
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	(void)snprintf(id, sizeof(id), "%lld", (long long)printer);
	request(&req, "GET", id, NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HAS(resp.body, "asset PRN-&lt;2&gt;");
	HASNT(resp.body, "unmanaged\"");
	assert_clean(resp.body);
	vg_http_response_release(&resp);

	/* A host's page has no device section. */
	(void)snprintf(id, sizeof(id), "%lld", (long long)x->plain_id);
	request(&req, "GET", id, NULL);
	run(x, vg_page_asset, VG_ROLE_TECHNICIEN, &req, &resp);
	assert_int_equal(resp.status, 200);
	HASNT(resp.body, "id=\"device\"");
	HAS(resp.body, "<details id=\"facts\">");
	vg_http_response_release(&resp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dashboard_ids),
		cmocka_unit_test(test_dashboard_direction),
		cmocka_unit_test(test_assets_page),
		cmocka_unit_test(test_asset_page),
		cmocka_unit_test(test_findings_accept_form),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_login_rate_limit),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_rules_page),
		cmocka_unit_test(test_css),
		cmocka_unit_test(test_devices),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * The read API's handlers (web/api.h) called directly, without a
 * socket: every bad argument is a 400 naming it, the acceptance and
 * rule parsers row by row, then lists, filters, paging, an asset, risk
 * acceptance, scores, metrics and the GLPI document end to end against
 * an SQLite store holding three hosts.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "store/store.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/http.h"
#include "util/banned.h"

#define DAY 86400
/* 2026-01-01T12:00:00Z: "today" is 2026-01-01 in every test. */
#define NOW 1767268800
#define AGENT_ID "0f8e2c1a-6b7d-4e3f-9a1b-2c3d4e5f6a7b"

struct fixture {
	char *dir;
	struct vg_store *s;
	struct vg_policy policy;
	struct vg_principal who;
	struct vg_server_stats stats;
	struct vg_api_ctx ctx;
};

/* One request and its answer; the query is split into buf. */
struct call {
	struct vg_http_request req;
	struct vg_http_response resp;
	char buf[2048];
	json_t *json;
};

/* Split "k=v&k2=v2" (no decoding: tests write plain text) into args. */
static void
split_query(struct call *c, const char *query)
{
	char *p, *amp, *eq;

	(void)snprintf(c->buf, sizeof(c->buf), "%s", query);
	for (p = c->buf; *p != '\0' && c->req.n_args < VG_HTTP_MAX_ARGS;
	     p = amp + 1) {
		struct vg_http_kv *kv = &c->req.args[c->req.n_args++];

		if ((amp = strchr(p, '&')) != NULL)
			*amp = '\0';
		kv->key = p;
		kv->value = "";
		if ((eq = strchr(p, '=')) != NULL) {
			*eq = '\0';
			kv->value = eq + 1;
		}
		if (amp == NULL)
			break;
	}
}

/* Call handler h with param (the "{}" segment, or NULL), a query and a
 * body (or NULL); answers the status, the body decoded in c->json when
 * it is JSON. */
static unsigned
call(struct fixture *fx, vg_api_handler h, const char *param, const char *query,
     const char *body, struct call *c)
{
	memset(c, 0, sizeof(*c));
	c->req.method = body != NULL ? "POST" : "GET";
	c->req.path = "/test";
	c->req.url = "/test";
	if (param != NULL) {
		c->req.params[0] = param;
		c->req.n_params = 1;
	}
	if (query != NULL)
		split_query(c, query);
	c->req.body = body != NULL ? body : "";
	c->req.body_len = body != NULL ? strlen(body) : 0;
	c->req.client = "127.0.0.1";
	h(&fx->ctx, &c->req, &c->resp);
	assert_non_null(c->resp.body);
	if (c->resp.content_type == NULL)
		c->json = json_loadb(c->resp.body, c->resp.len, 0, NULL);
	return c->resp.status;
}

static void
call_release(struct call *c)
{
	json_decref(c->json);
	c->json = NULL;
	vg_http_response_release(&c->resp);
}

/* The "error" of a JSON answer, or "". */
static const char *
error_of(const struct call *c)
{
	const char *e = json_string_value(json_object_get(c->json, "error"));

	return e != NULL ? e : "";
}

/* ---------------------------------------------------------------- */
/* The store's hosts                                                */
/* ---------------------------------------------------------------- */

struct finding_spec {
	int rule;
	const char *check;
	enum vg_severity sev;
	const char *subject;
};

static void
host_facts(struct vg_facts *f, const char *host, const char *site,
	   const char *category, int criticality, int64_t at)
{
	vg_facts_init(f);
	f->collected_at = at;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, host);
	f->os.id = vg_facts_str(f, "debian");
	f->os.version_id = vg_facts_str(f, "12");
	vg_facts_collected(f, VG_SRC_OS);
	f->asset.name = vg_facts_str(f, host);
	f->asset.site = vg_facts_str(f, site);
	f->asset.owner = vg_facts_str(f, "DSI");
	f->asset.category = vg_facts_str(f, category);
	f->asset.criticality = criticality;
	vg_facts_collected(f, VG_SRC_ASSET);
}

static void
host_report(struct vg_report *r, const struct finding_spec *fs, size_t n,
	    int overall)
{
	size_t i;
	int k;

	vg_report_init(r);
	for (i = 0; i < n; i++)
		assert_int_equal(vg_report_add(r, fs[i].rule, fs[i].check,
					       fs[i].sev, fs[i].subject, NULL,
					       "Fix it."),
				 VG_OK);
	for (k = 1; k <= VG_RULE_COUNT; k++)
		r->scores[k] = k <= 7 ? overall : VG_SCORE_NONE;
	r->overall = overall;
}

static void
put_scan(struct vg_store *s, const char *host, const char *site,
	 const char *category, int crit, int64_t at,
	 const struct finding_spec *fs, size_t n, int overall)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	host_facts(&f, host, site, category, crit, at);
	host_report(&r, fs, n, overall);
	vg_err_clear(&err);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan %s: %s", host, err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/*
 * srv-a (Nord, server, 4): critical, high, low; its previous scan had
 * backup.none, fixed since. srv-b (Sud, workstation, 2): one medium.
 * srv-c (Nord, server, 3): an agent's report, one high.
 */
static void
fill_store(struct fixture *fx)
{
	static const struct finding_spec a_old[] = {
		{4, "password.empty", VG_SEV_CRITICAL, "alice"},
		{5, "backup.none", VG_SEV_HIGH, "app"},
	};
	static const struct finding_spec a[] = {
		{4, "password.empty", VG_SEV_CRITICAL, "alice"},
		{3, "admin.nopasswd_all", VG_SEV_HIGH, "bob"},
		{7, "updates.pending", VG_SEV_LOW, "openssl"},
	};
	static const struct finding_spec b[] = {
		{2, "accounts.generic", VG_SEV_MEDIUM, "test"},
	};
	static const struct finding_spec c[] = {
		{7, "updates.pending_security", VG_SEV_HIGH, "libc6"},
	};
	struct vg_agent_rec ag;
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	bool dup = false;

	put_scan(fx->s, "srv-a", "Nord", "server", 4, NOW - 2 * DAY, a_old,
		 VG_ARRAY_LEN(a_old), 50);
	put_scan(fx->s, "srv-a", "Nord", "server", 4, NOW - 3600, a,
		 VG_ARRAY_LEN(a), 40);
	put_scan(fx->s, "srv-b", "Sud", "workstation", 2, NOW - 7200, b,
		 VG_ARRAY_LEN(b), 80);
	memset(&ag, 0, sizeof(ag));
	(void)snprintf(ag.id, sizeof(ag.id), "%s", AGENT_ID);
	(void)snprintf(ag.site, sizeof(ag.site), "Nord");
	(void)snprintf(ag.hostname, sizeof(ag.hostname), "srv-c");
	(void)snprintf(ag.secret_hash, sizeof(ag.secret_hash), "%064d", 0);
	ag.enrolled_at = NOW - 10 * DAY;
	vg_err_clear(&err);
	assert_int_equal(vg_store_agent_add(fx->s, &ag, &err), VG_OK);
	host_facts(&f, "srv-c", "Nord", "server", 3, NOW - 600);
	host_report(&r, c, VG_ARRAY_LEN(c), 60);
	if (vg_store_put_report(fx->s, AGENT_ID,
				"3b0d4c1a-9e2f-4a6b-8c7d-5e4f3a2b1c0d",
				NOW - 590, &f, &r, &dup, &err) != VG_OK)
		fail_msg("put_report: %s", err.msg);
	assert_false(dup);
	vg_report_release(&r);
	vg_facts_release(&f);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[4096];
	struct vg_err err;

	assert_non_null(fx);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/vigie.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(vg_policy_init(&fx->policy, &err), VG_OK);
	fx->who.kind = VG_PRINCIPAL_APIKEY;
	fx->who.role = VG_ROLE_RSSI;
	(void)snprintf(fx->who.name, sizeof(fx->who.name), "alice");
	fx->stats.started_at = NOW - 100;
	fx->stats.reports_stored = 7;
	fx->stats.reports_duplicate = 2;
	fx->stats.reports_refused = 1;
	fx->ctx.store = fx->s;
	fx->ctx.policy = &fx->policy;
	fx->ctx.now = NOW;
	fx->ctx.principal = &fx->who;
	fx->ctx.stats = &fx->stats;
	*state = fx;
	return 0;
}

/* setup, plus the hosts; the end-to-end tests skip while the store
 * has no read side. */
static int
setup_filled(void **state)
{
	struct fixture *fx;

	setup(state);
	fx = *state;
	if (fx->s->ops->list_assets != NULL)
		fill_store(fx);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	vg_store_free(fx->s);
	vg_policy_release(&fx->policy);
	vg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static void
need_read_side(const struct fixture *fx)
{
	if (fx->s->ops->list_assets == NULL || fx->s->ops->counts == NULL)
		skip();
}

/* ---------------------------------------------------------------- */
/* Bad arguments                                                    */
/* ---------------------------------------------------------------- */

static void
test_bad_arguments(void **state)
{
	struct fixture *fx = *state;
	char long_text[200], long_query[300], long_reason[1200];
	const struct {
		vg_api_handler h;
		const char *param, *query, *body;
		const char *names; /* the message starts with this */
	} rows[] = {
		/* GET /api/v1/assets */
		{vg_api_assets_list, NULL, "limit=0", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit=501", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit=abc", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit=-1", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit=1e3", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit= 5", NULL, "limit:"},
		{vg_api_assets_list, NULL, "limit=", NULL, "limit:"},
		{vg_api_assets_list, NULL, "offset=-1", NULL, "offset:"},
		{vg_api_assets_list, NULL, "offset=99999999999999999999", NULL,
		 "offset:"},
		{vg_api_assets_list, NULL, "min_score=101", NULL, "min_score:"},
		{vg_api_assets_list, NULL, "max_score=-1", NULL, "max_score:"},
		{vg_api_assets_list, NULL, "min_score=80&max_score=20", NULL,
		 "min_score:"},
		{vg_api_assets_list, NULL, "sevrity=high", NULL, "sevrity:"},
		{vg_api_assets_list, NULL, "limit=5&limit=6", NULL, "limit:"},
		{vg_api_assets_list, NULL, long_query, NULL, "search:"},
		{vg_api_assets_list, NULL, "site=\xff\xfe", NULL, "site:"},
		{vg_api_assets_list, NULL, "site=a\x01z", NULL, "site:"},
		{vg_api_assets_list, NULL, "category=a\x7fz", NULL,
		 "category:"},
		{vg_api_assets_list, NULL, "kind=router", NULL, "kind:"},
		{vg_api_assets_list, NULL, "kind=DEVICE", NULL, "kind:"},
		{vg_api_assets_list, NULL, "kind=hosts", NULL, "kind:"},
		{vg_api_assets_list, NULL, "kind=device&kind=host", NULL,
		 "kind:"},
		{vg_api_assets_list, NULL, "kind=a\x01z", NULL, "kind:"},
		{vg_api_assets_list, NULL, "unmanaged=2", NULL, "unmanaged:"},
		{vg_api_assets_list, NULL, "unmanaged=-1", NULL, "unmanaged:"},
		{vg_api_assets_list, NULL, "unmanaged=yes", NULL, "unmanaged:"},
		{vg_api_assets_list, NULL, "unmanaged=", NULL, "unmanaged:"},
		{vg_api_assets_list, NULL, "vendor=a\x01z", NULL, "vendor:"},
		{vg_api_assets_list, NULL, "vendor=\xff\xfe", NULL, "vendor:"},
		{vg_api_assets_list, NULL, "vendor=a&vendor=b", NULL,
		 "vendor:"},
		/* GET /api/v1/assets/{} */
		{vg_api_asset_get, "abc", NULL, NULL, "asset:"},
		{vg_api_asset_get, "0", NULL, NULL, "asset:"},
		{vg_api_asset_get, "-5", NULL, NULL, "asset:"},
		{vg_api_asset_get, "99999999999999999999", NULL, NULL,
		 "asset:"},
		{vg_api_asset_get, "1", "x=1", NULL, "x:"},
		/* GET /api/v1/findings */
		{vg_api_findings_list, NULL, "rule=R11", NULL, "rule:"},
		{vg_api_findings_list, NULL, "rule=0", NULL, "rule:"},
		{vg_api_findings_list, NULL, "rule=R", NULL, "rule:"},
		{vg_api_findings_list, NULL, "rule=R-3", NULL, "rule:"},
		{vg_api_findings_list, NULL, "rule=3x", NULL, "rule:"},
		{vg_api_findings_list, NULL, "rule=RR3", NULL, "rule:"},
		{vg_api_findings_list, NULL, "severity=urgent", NULL,
		 "severity:"},
		{vg_api_findings_list, NULL, "status=closed", NULL, "status:"},
		{vg_api_findings_list, NULL, "status=OPEN", NULL, "status:"},
		{vg_api_findings_list, NULL, "check=no.such_check", NULL,
		 "check:"},
		{vg_api_findings_list, NULL, "asset=0", NULL, "asset:"},
		{vg_api_findings_list, NULL, "asset=x", NULL, "asset:"},
		{vg_api_findings_list, NULL, "limit=600", NULL, "limit:"},
		{vg_api_findings_list, NULL, "min_score=3", NULL, "min_score:"},
		/* POST /api/v1/findings/{}/accept */
		{vg_api_finding_accept, "x", NULL, "{}", "finding:"},
		/* Arguments are not the body's fields. */
		{vg_api_finding_accept, "1", "until=2026-02-01", "{}",
		 "reason:"},
		{vg_api_finding_accept, "1", NULL, "", "body:"},
		{vg_api_finding_accept, "1", NULL, "[]", "body:"},
		{vg_api_finding_accept, "1", NULL, "{\"reason\":", "body:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"a\",\"reason\":\"b\",\"until\":\"2026-02-01\"}",
		 "body:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"a\",\"until\":\"2026-02-01\",\"by\":\"x\"}",
		 "body:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":1,\"until\":\"2026-02-01\"}", "reason:"},
		{vg_api_finding_accept, "1", NULL, "{\"until\":\"2026-02-01\"}",
		 "reason:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\" \\t \",\"until\":\"2026-02-01\"}", "reason:"},
		/* jansson refuses a NUL escape outright. */
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"a\\u0000b\",\"until\":\"2026-02-01\"}",
		 "body:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"a\\u0007b\",\"until\":\"2026-02-01\"}",
		 "reason:"},
		{vg_api_finding_accept, "1", NULL, long_reason, "reason:"},
		{vg_api_finding_accept, "1", NULL, "{\"reason\":\"ok\"}",
		 "until:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"ok\",\"until\":20260201}", "until:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"ok\",\"until\":\"2026-13-01\"}", "until:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"ok\",\"until\":\"2026-01-01\"}", "until:"},
		{vg_api_finding_accept, "1", NULL,
		 "{\"reason\":\"ok\",\"until\":\"2030-01-01\"}", "until:"},
		/* GET /api/v1/scores, /metrics, /api/v1/assets/{}/glpi */
		{vg_api_scores, NULL, "days=0", NULL, "days:"},
		{vg_api_scores, NULL, "days=99999", NULL, "days:"},
		{vg_api_scores, NULL, "since=3", NULL, "since:"},
		{vg_api_metrics, NULL, "x=1", NULL, "x:"},
		{vg_api_asset_glpi, "abc", NULL, NULL, "asset:"},
		{vg_api_asset_glpi, "7", "deviceid=x", NULL, "deviceid:"},
	};
	struct call c;
	size_t i, n;

	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	(void)snprintf(long_query, sizeof(long_query), "search=%s", long_text);
	n = (size_t)snprintf(long_reason, sizeof(long_reason),
			     "{\"until\":\"2026-02-01\",\"reason\":\"");
	memset(long_reason + n, 'r', VG_API_REASON_MAX + 1);
	(void)snprintf(long_reason + n + VG_API_REASON_MAX + 1,
		       sizeof(long_reason) - n - VG_API_REASON_MAX - 1, "\"}");
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		unsigned st = call(fx, rows[i].h, rows[i].param, rows[i].query,
				   rows[i].body, &c);

		if (st != 400 ||
		    strncmp(error_of(&c), rows[i].names,
			    strlen(rows[i].names)) != 0)
			fail_msg("row %zu (%s): %u %s", i, rows[i].names, st,
				 c.resp.body);
		call_release(&c);
	}
}

static void
test_parse_rule(void **state)
{
	static const struct {
		const char *in;
		int want; /* 0: refused */
	} rows[] = {
		{"R1", 1}, {"r1", 1},  {"1", 1},   {"R10", 10}, {"10", 10},
		{"R3", 3}, {"R0", 0},  {"R11", 0}, {"11", 0},   {"", 0},
		{"R", 0},  {"R-1", 0}, {"-1", 0},  {"R 3", 0},  {"R3 ", 0},
		{"3R", 0}, {"RR3", 0}, {"R03", 3}, {"x", 0},    {"R1.0", 0},
	};
	size_t i;
	int got;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		enum vg_rc rc = vg_api_parse_rule(rows[i].in, &got);

		if (rows[i].want == 0) {
			if (rc == VG_OK)
				fail_msg("'%s' accepted as %d", rows[i].in,
					 got);
			continue;
		}
		assert_int_equal(rc, VG_OK);
		assert_int_equal(got, rows[i].want);
	}
}

static void
test_accept_check(void **state)
{
	char e500[1001], e501[1003], a500[501], a501[502];
	const struct {
		const char *reason, *until;
		int64_t want; /* 0: refused */
		const char *names;
	} rows[] = {
		{"compensated by a firewall", "2026-01-02", 1767312000, NULL},
		{"ok", "2028-02-29", 1835395200, NULL},
		{"ok", "2029-01-01", 1861920000, NULL}, /* 3 years exactly */
		{"line 1\r\nline 2\tend", "2026-06-30", 1782777600, NULL},
		{e500, "2026-02-01", 1769904000, NULL},
		{a500, "2026-02-01", 1769904000, NULL},
		{"ok", "2029-01-02", 0, "until:"},
		{"ok", "2026-01-01", 0, "until:"}, /* today */
		{"ok", "2025-12-31", 0, "until:"},
		{"ok", "1970-01-01", 0, "until:"},
		{"ok", "2027-02-29", 0, "until:"}, /* not a leap year */
		{"ok", "2026-04-31", 0, "until:"},
		{"ok", "2026-1-02", 0, "until:"},
		{"ok", "2026-01-02T00:00:00Z", 0, "until:"},
		{"ok", " 2026-01-02", 0, "until:"},
		{"ok", "", 0, "until:"},
		{"ok", NULL, 0, "until:"},
		{"ok", "9999-12-31", 0, "until:"},
		{NULL, "2026-02-01", 0, "reason:"},
		{"", "2026-02-01", 0, "reason:"},
		{" \t\r\n", "2026-02-01", 0, "reason:"},
		{"a\x01z", "2026-02-01", 0, "reason:"},
		{"a\x1bz", "2026-02-01", 0, "reason:"},
		{"a\x7fz", "2026-02-01", 0, "reason:"},
		{"\xc3\x28", "2026-02-01", 0, "reason:"},
		{"\xed\xa0\x80", "2026-02-01", 0, "reason:"}, /* surrogate */
		{e501, "2026-02-01", 0, "reason:"},
		{a501, "2026-02-01", 0, "reason:"},
	};
	struct vg_err err;
	int64_t until;
	size_t i;

	(void)state;
	/* 500 and 501 characters: "é" is two bytes, "a" one. */
	for (i = 0; i < 500; i++)
		memcpy(e500 + 2 * i, "\xc3\xa9", 2);
	e500[1000] = '\0';
	memcpy(e501, e500, 1000);
	memcpy(e501 + 1000, "\xc3\xa9", 3);
	memset(a500, 'a', 500);
	a500[500] = '\0';
	memset(a501, 'a', 501);
	a501[501] = '\0';
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		enum vg_rc rc = vg_api_accept_check(
			rows[i].reason, rows[i].until, NOW, &until, &err);

		if (rows[i].want == 0) {
			if (rc != VG_ERR_USAGE ||
			    strncmp(err.msg, rows[i].names,
				    strlen(rows[i].names)) != 0)
				fail_msg("row %zu: %d '%s'", i, (int)rc,
					 err.msg);
			assert_int_equal(until, 0);
			continue;
		}
		if (rc != VG_OK)
			fail_msg("row %zu: %s", i, err.msg);
		assert_int_equal(until, rows[i].want);
	}
}

/* ---------------------------------------------------------------- */
/* End to end against the store                                     */
/* ---------------------------------------------------------------- */

/* The hostnames of a list's "assets", comma-separated. */
static void
hostnames(const json_t *list, char *out, size_t size)
{
	const json_t *a;
	size_t i, used = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(list, "assets"), i, a)
	{
		int n = snprintf(
			out + used, size - used, "%s%s", used > 0 ? "," : "",
			json_string_value(json_object_get(a, "hostname")));

		assert_true(n > 0 && (size_t)n < size - used);
		used += (size_t)n;
	}
}

static int64_t
asset_id(struct fixture *fx, const char *host)
{
	char q[64];
	struct call c;
	int64_t id;

	(void)snprintf(q, sizeof(q), "search=%s", host);
	assert_int_equal(call(fx, vg_api_assets_list, NULL, q, NULL, &c), 200);
	id = json_integer_value(json_object_get(
		json_array_get(json_object_get(c.json, "assets"), 0), "id"));
	assert_true(id > 0);
	call_release(&c);
	return id;
}

static void
test_assets(void **state)
{
	static const struct {
		const char *query;
		long long total;
		const char *hosts;
	} rows[] = {
		{NULL, 3, "srv-a,srv-c,srv-b"}, /* worst first */
		{"site=Nord", 2, "srv-a,srv-c"},
		{"site=Ouest", 0, ""},
		{"category=workstation", 1, "srv-b"},
		{"min_score=50", 2, "srv-c,srv-b"},
		{"max_score=60", 2, "srv-a,srv-c"},
		{"min_score=60&max_score=60", 1, "srv-c"},
		{"search=srv-b", 1, "srv-b"},
		{"search=", 3, "srv-a,srv-c,srv-b"}, /* empty: any */
		{"limit=1", 3, "srv-a"},
		{"limit=1&offset=1", 3, "srv-c"},
		{"offset=3", 3, ""},
		{"offset=1000", 3, ""},
		{"limit=500&site=Nord&category=server", 2, "srv-a,srv-c"},
	};
	struct fixture *fx = *state;
	char hosts[256];
	const json_t *a;
	struct call c;
	size_t i;

	need_read_side(fx);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(call(fx, vg_api_assets_list, NULL,
				      rows[i].query, NULL, &c),
				 200);
		assert_non_null(c.json);
		assert_int_equal(
			json_integer_value(json_object_get(c.json, "total")),
			rows[i].total);
		hostnames(c.json, hosts, sizeof(hosts));
		if (strcmp(hosts, rows[i].hosts) != 0)
			fail_msg("%s: '%s', expected '%s'", rows[i].query,
				 hosts, rows[i].hosts);
		call_release(&c);
	}
	/* One asset's shape: its scores, counts and agent. */
	assert_int_equal(
		call(fx, vg_api_assets_list, NULL, "search=srv-a", NULL, &c),
		200);
	a = json_array_get(json_object_get(c.json, "assets"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "site")),
			    "Nord");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(a, "scores"), "overall")),
			 40);
	assert_int_equal(json_integer_value(json_object_get(a, "findings")), 3);
	assert_int_equal(json_integer_value(json_object_get(a, "critical")), 1);
	assert_true(json_is_null(json_object_get(a, "agent_id")));
	call_release(&c);
	assert_int_equal(
		call(fx, vg_api_assets_list, NULL, "search=srv-c", NULL, &c),
		200);
	a = json_array_get(json_object_get(c.json, "assets"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "agent_id")),
			    AGENT_ID);
	call_release(&c);
}

/* A network device (vigie discover) seen unmanaged: R1's finding. The
 * MAC-keyed one has a display name and a vendor, the other neither. */
static void
put_device(struct vg_store *s, const char *key, bool unmanaged, int overall)
{
	static const struct finding_spec um[] = {
		{1, "inventory.unmanaged_device", VG_SEV_HIGH, "device"},
	};
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	int64_t id;

	vg_facts_init(&f);
	f.collected_at = NOW - 600;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, key);
	f.device.key = vg_facts_str(&f, key);
	f.device.category = vg_facts_str(&f, "biomedical");
	if (strchr(key, ':') != NULL) {
		f.device.name = vg_facts_str(&f, "Pompe <PCA>");
		f.device.vendor = vg_facts_str(&f, "Welch Allyn");
	}
	f.asset.category = f.device.category;
	vg_facts_collected(&f, VG_SRC_DEVICE);
	host_report(&r, um, unmanaged ? 1 : 0, overall);
	vg_err_clear(&err);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan %s: %s", key, err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

/* kind and unmanaged (issue 4) next to the fixture's three hosts. */
static void
test_assets_kind(void **state)
{
	static const struct {
		const char *query;
		long long total;
		const char *hosts;
	} rows[] = {
		{"kind=device", 2, "00:1b:21:00:00:01,10.1.2.3"},
		{"kind=host", 3, "srv-a,srv-c,srv-b"},
		{"kind=", 5, "00:1b:21:00:00:01,srv-a,10.1.2.3,srv-c,srv-b"},
		{"kind=device&unmanaged=1", 1, "00:1b:21:00:00:01"},
		{"unmanaged=1", 1, "00:1b:21:00:00:01"},
		{"kind=device&unmanaged=0", 2, "00:1b:21:00:00:01,10.1.2.3"},
		{"kind=host&unmanaged=1", 0, ""},
		{"kind=device&category=biomedical", 2,
		 "00:1b:21:00:00:01,10.1.2.3"},
		{"kind=device&search=00:1b:21", 1, "00:1b:21:00:00:01"},
		{"kind=device&limit=1&offset=1", 2, "10.1.2.3"},
		/* vendor: a substring, any case, devices only. */
		{"vendor=welch", 1, "00:1b:21:00:00:01"},
		{"vendor=WELCH ALLYN&kind=device", 1, "00:1b:21:00:00:01"},
		{"vendor=welch&kind=host", 0, ""},
		{"vendor=welch&unmanaged=1", 1, "00:1b:21:00:00:01"},
		{"vendor=siemens", 0, ""},
		{"vendor=%", 0, ""}, /* LIKE's % literal */
		{"vendor=", 5, "00:1b:21:00:00:01,srv-a,10.1.2.3,srv-c,srv-b"},
		/* search finds the display name. */
		{"search=pompe", 1, "00:1b:21:00:00:01"},
	};
	struct fixture *fx = *state;
	char hosts[256];
	const json_t *a;
	struct call c;
	size_t i;

	need_read_side(fx);
	put_device(fx->s, "00:1b:21:00:00:01", true, 20);
	put_device(fx->s, "10.1.2.3", false, 55);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(call(fx, vg_api_assets_list, NULL,
				      rows[i].query, NULL, &c),
				 200);
		assert_int_equal(
			json_integer_value(json_object_get(c.json, "total")),
			rows[i].total);
		hostnames(c.json, hosts, sizeof(hosts));
		if (strcmp(hosts, rows[i].hosts) != 0)
			fail_msg("%s: '%s', expected '%s'", rows[i].query,
				 hosts, rows[i].hosts);
		call_release(&c);
	}
	/* Each asset says its kind and whether it is unmanaged. */
	assert_int_equal(
		call(fx, vg_api_assets_list, NULL, "kind=device", NULL, &c),
		200);
	a = json_array_get(json_object_get(c.json, "assets"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "kind")),
			    "device");
	assert_true(json_is_true(json_object_get(a, "unmanaged")));
	/* Its display name and vendor, from its facts (schema 10). */
	assert_string_equal(json_string_value(json_object_get(a, "name")),
			    "Pompe <PCA>");
	assert_string_equal(json_string_value(json_object_get(a, "vendor")),
			    "Welch Allyn");
	a = json_array_get(json_object_get(c.json, "assets"), 1);
	assert_true(json_is_false(json_object_get(a, "unmanaged")));
	/* No name: the key; no vendor: null. */
	assert_string_equal(json_string_value(json_object_get(a, "name")),
			    "10.1.2.3");
	assert_true(json_is_null(json_object_get(a, "vendor")));
	call_release(&c);
	assert_int_equal(
		call(fx, vg_api_assets_list, NULL, "search=srv-a", NULL, &c),
		200);
	a = json_array_get(json_object_get(c.json, "assets"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "kind")),
			    "host");
	assert_true(json_is_false(json_object_get(a, "unmanaged")));
	assert_string_equal(json_string_value(json_object_get(a, "name")),
			    "srv-a");
	assert_true(json_is_null(json_object_get(a, "vendor")));
	call_release(&c);
}

static void
test_asset_get(void **state)
{
	struct fixture *fx = *state;
	int64_t id;
	char param[32];
	const json_t *v;
	struct call c;

	need_read_side(fx);
	id = asset_id(fx, "srv-a");
	(void)snprintf(param, sizeof(param), "%lld", (long long)id);
	assert_int_equal(call(fx, vg_api_asset_get, param, NULL, NULL, &c),
			 200);
	v = json_object_get(c.json, "asset");
	assert_string_equal(json_string_value(json_object_get(v, "hostname")),
			    "srv-a");
	assert_int_equal(json_array_size(json_object_get(c.json, "findings")),
			 3);
	/* Both scans of srv-a, oldest first. */
	v = json_object_get(c.json, "history");
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_array_get(v, 1), "scores"),
			"overall")),
		40);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(c.json, "facts"), "schema")),
		"vigie.facts/1");
	call_release(&c);
	/* An id no asset has. */
	assert_int_equal(call(fx, vg_api_asset_get, "999999", NULL, NULL, &c),
			 404);
	assert_string_equal(error_of(&c), "asset: not found");
	call_release(&c);
}

/* The checks of a findings list, comma-separated. */
static void
checks(const json_t *list, char *out, size_t size)
{
	const json_t *f;
	size_t i, used = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(list, "findings"), i, f)
	{
		int n = snprintf(
			out + used, size - used, "%s%s", used > 0 ? "," : "",
			json_string_value(json_object_get(f, "check")));

		assert_true(n > 0 && (size_t)n < size - used);
		used += (size_t)n;
	}
}

static void
test_findings(void **state)
{
	static const struct {
		const char *query;
		long long total;
		const char *checks;
	} rows[] = {
		{NULL, 5,
		 "password.empty,admin.nopasswd_all,updates.pending_security,"
		 "accounts.generic,updates.pending"},
		{"severity=critical", 1, "password.empty"},
		{"severity=HIGH", 2,
		 "admin.nopasswd_all,updates.pending_security"},
		{"rule=R4", 1, "password.empty"},
		{"rule=r3", 1, "admin.nopasswd_all"},
		{"rule=7", 2, "updates.pending_security,updates.pending"},
		{"rule=R9", 0, ""},
		{"check=updates.pending", 1, "updates.pending"},
		{"site=Sud", 1, "accounts.generic"},
		{"status=open", 5,
		 "password.empty,admin.nopasswd_all,updates.pending_security,"
		 "accounts.generic,updates.pending"},
		{"status=accepted", 0, ""},
		{"status=fixed", 1, "backup.none"},
		{"limit=2&offset=1", 5,
		 "admin.nopasswd_all,updates.pending_security"},
		{"rule=&severity=&check=", 5,
		 "password.empty,admin.nopasswd_all,updates.pending_security,"
		 "accounts.generic,updates.pending"},
	};
	struct fixture *fx = *state;
	char got[512], q[64];
	struct call c;
	size_t i;

	need_read_side(fx);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(call(fx, vg_api_findings_list, NULL,
				      rows[i].query, NULL, &c),
				 200);
		checks(c.json, got, sizeof(got));
		if (json_integer_value(json_object_get(c.json, "total")) !=
			    rows[i].total ||
		    strcmp(got, rows[i].checks) != 0)
			fail_msg("%s: %s", rows[i].query, c.resp.body);
		call_release(&c);
	}
	/* By asset. */
	(void)snprintf(q, sizeof(q), "asset=%lld",
		       (long long)asset_id(fx, "srv-b"));
	assert_int_equal(call(fx, vg_api_findings_list, NULL, q, NULL, &c),
			 200);
	checks(c.json, got, sizeof(got));
	assert_string_equal(got, "accounts.generic");
	call_release(&c);
	assert_int_equal(
		call(fx, vg_api_findings_list, NULL, "asset=999999", NULL, &c),
		200);
	assert_int_equal(json_integer_value(json_object_get(c.json, "total")),
			 0);
	call_release(&c);
}

static void
test_accept(void **state)
{
	struct fixture *fx = *state;
	const json_t *f, *acc;
	char param[32];
	struct call c;
	int64_t id;

	need_read_side(fx);
	assert_int_equal(call(fx, vg_api_findings_list, NULL,
			      "check=password.empty", NULL, &c),
			 200);
	f = json_array_get(json_object_get(c.json, "findings"), 0);
	id = json_integer_value(json_object_get(f, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(f, "status")),
			    "open");
	call_release(&c);
	(void)snprintf(param, sizeof(param), "%lld", (long long)id);
	assert_int_equal(call(fx, vg_api_finding_accept, param, NULL,
			      "{\"reason\":\"compte désactivé à la "
			      "source\",\"until\":\"2026-03-01\"}",
			      &c),
			 200);
	assert_true(json_is_true(json_object_get(c.json, "accepted")));
	assert_int_equal(json_integer_value(json_object_get(c.json, "id")), id);
	assert_string_equal(json_string_value(json_object_get(c.json, "until")),
			    "2026-03-01");
	assert_string_equal(json_string_value(json_object_get(c.json, "by")),
			    "alice");
	call_release(&c);
	/* Now accepted, signed, and no longer open. */
	assert_int_equal(call(fx, vg_api_findings_list, NULL, "status=accepted",
			      NULL, &c),
			 200);
	assert_int_equal(json_integer_value(json_object_get(c.json, "total")),
			 1);
	f = json_array_get(json_object_get(c.json, "findings"), 0);
	assert_int_equal(json_integer_value(json_object_get(f, "id")), id);
	acc = json_object_get(f, "acceptance");
	assert_string_equal(json_string_value(json_object_get(acc, "by")),
			    "alice");
	assert_string_equal(json_string_value(json_object_get(acc, "reason")),
			    "compte désactivé à la source");
	assert_non_null(strstr(json_string_value(json_object_get(acc, "until")),
			       "2026-03-01"));
	call_release(&c);
	assert_int_equal(
		call(fx, vg_api_findings_list, NULL, "status=open", NULL, &c),
		200);
	assert_int_equal(json_integer_value(json_object_get(c.json, "total")),
			 4);
	call_release(&c);
	/* An id no finding has. */
	assert_int_equal(call(fx, vg_api_finding_accept, "999999", NULL,
			      "{\"reason\":\"x\",\"until\":\"2026-03-01\"}",
			      &c),
			 404);
	assert_string_equal(error_of(&c), "finding: not found");
	call_release(&c);
}

static void
test_scores(void **state)
{
	struct fixture *fx = *state;
	const json_t *v;
	struct call c;

	need_read_side(fx);
	assert_int_equal(call(fx, vg_api_scores, NULL, NULL, NULL, &c), 200);
	assert_int_equal(json_integer_value(json_object_get(c.json, "assets")),
			 3);
	v = json_object_get(json_object_get(c.json, "establishment"),
			    "overall");
	assert_true(json_is_integer(v));
	/* Weighted by criticality: (40*4 + 80*2 + 60*3) / 9 = 55.6. */
	assert_true(json_integer_value(v) >= 55 && json_integer_value(v) <= 56);
	assert_int_equal(json_array_size(json_object_get(c.json, "sites")), 2);
	assert_int_equal(json_array_size(json_object_get(c.json, "history")),
			 90);
	call_release(&c);
	assert_int_equal(call(fx, vg_api_scores, NULL, "days=7", NULL, &c),
			 200);
	assert_int_equal(json_array_size(json_object_get(c.json, "history")),
			 7);
	call_release(&c);
}

static void
test_metrics(void **state)
{
	static const char *const lines[] = {
		"# TYPE vigie_assets gauge\nvigie_assets 3\n",
		"# TYPE vigie_agents gauge\nvigie_agents 1\n",
		"vigie_scans_total 4\n",
		"vigie_reports_total 1\n",
		"vigie_findings_open 5\n",
		"vigie_reports_received_total{result=\"stored\"} 7\n",
		"vigie_reports_received_total{result=\"duplicate\"} 2\n",
		"vigie_reports_received_total{result=\"refused\"} 1\n",
		"# HELP vigie_score ",
		"# TYPE vigie_score gauge\n",
		"vigie_score{scope=\"establishment\",rule=\"R1\"} ",
		"vigie_score{scope=\"establishment\",rule=\"overall\"} ",
		("vigie_score{scope=\"site\",site=\"Sud\",rule=\"overall\"} "
		 "80\n"),
		"vigie_uptime_seconds 100\n",
	};
	struct fixture *fx = *state;
	struct call c;
	size_t i;

	need_read_side(fx);
	assert_int_equal(call(fx, vg_api_metrics, NULL, NULL, NULL, &c), 200);
	assert_non_null(c.resp.content_type);
	assert_non_null(strstr(c.resp.content_type, "version=0.0.4"));
	assert_int_equal(strlen(c.resp.body), c.resp.len);
	for (i = 0; i < VG_ARRAY_LEN(lines); i++)
		if (strstr(c.resp.body, lines[i]) == NULL)
			fail_msg("no '%s' in:\n%s", lines[i], c.resp.body);
	/* R8-R10 are not evaluated: no sample rather than a fake one. */
	assert_null(strstr(c.resp.body, "rule=\"R9\""));
	call_release(&c);
}

static void
test_glpi(void **state)
{
	struct fixture *fx = *state;
	char param[32];
	struct call c;

	need_read_side(fx);
	(void)snprintf(param, sizeof(param), "%lld",
		       (long long)asset_id(fx, "srv-c"));
	assert_int_equal(call(fx, vg_api_asset_glpi, param, NULL, NULL, &c),
			 200);
	assert_string_equal(
		json_string_value(json_object_get(c.json, "action")),
		"inventory");
	assert_string_equal(
		json_string_value(json_object_get(c.json, "deviceid")),
		"srv-c-" AGENT_ID);
	assert_true(json_is_object(json_object_get(c.json, "content")));
	call_release(&c);
	assert_int_equal(call(fx, vg_api_asset_glpi, "999999", NULL, NULL, &c),
			 404);
	call_release(&c);
}

/* A store without a read side answers 500, never a crash or a 200. */
static void
test_memory_store(void **state)
{
	struct fixture *fx = *state;
	struct vg_store *mem = NULL, *keep = fx->s;
	struct vg_err err;
	struct call c;

	vg_err_clear(&err);
	assert_int_equal(vg_store_open_memory(&mem, &err), VG_OK);
	if (mem->ops->list_assets != NULL) {
		vg_store_free(mem);
		skip();
	}
	fx->ctx.store = mem;
	assert_int_equal(call(fx, vg_api_assets_list, NULL, NULL, NULL, &c),
			 500);
	assert_string_equal(error_of(&c), "internal error");
	call_release(&c);
	assert_int_equal(call(fx, vg_api_metrics, NULL, NULL, NULL, &c), 500);
	call_release(&c);
	fx->ctx.store = keep;
	vg_store_free(mem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup,
						teardown),
		cmocka_unit_test(test_parse_rule),
		cmocka_unit_test(test_accept_check),
		cmocka_unit_test_setup_teardown(test_assets, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_assets_kind, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_asset_get, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_findings, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_accept, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_scores, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_glpi, setup_filled,
						teardown),
		cmocka_unit_test_setup_teardown(test_memory_store, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * web/http and the API handlers: listen addresses, the route table,
 * body ceilings, bearer credentials, UUIDs, then enrolment and reports
 * end to end against the in-memory store (no socket), and reports
 * matched against the known vulnerabilities on arrival (SQLite store).
 */
#include "util/common.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/facts_json.h"
#include "core/policy.h"
#include "store/store.h"
#include "web/auth.h"
#include "core/section_cache.h"
#include "web/http.h"
#include "web/routes.h"
#include "web/server.h"
#include "util/banned.h"

static void
test_listen(void **state)
{
	static const struct {
		const char *in;
		bool ok, loopback, any;
		const char *shown; /* vg_listen_format */
	} rows[] = {
		{"127.0.0.1:8443", true, true, false, "127.0.0.1:8443"},
		{"127.1.2.3:0", true, true, false, "127.1.2.3:0"},
		{"localhost:80", true, true, false, "127.0.0.1:80"},
		{"[::1]:8443", true, true, false, "[::1]:8443"},
		{"[::ffff:127.0.0.1]:5", true, true, false,
		 "[::ffff:127.0.0.1]:5"},
		{":8443", true, false, true, "[::]:8443"},
		{"0.0.0.0:443", true, false, false, "0.0.0.0:443"},
		{"10.1.2.3:65535", true, false, false, "10.1.2.3:65535"},
		{"[2001:db8::1]:443", true, false, false, "[2001:db8::1]:443"},
		{"[::]:443", true, false, false, "[::]:443"},
		{"", false, false, false, NULL},
		{"8443", false, false, false, NULL},
		{"127.0.0.1", false, false, false, NULL},
		{"127.0.0.1:", false, false, false, NULL},
		{"127.0.0.1:65536", false, false, false, NULL},
		{"127.0.0.1:-1", false, false, false, NULL},
		{"127.0.0.1:80x", false, false, false, NULL},
		{"127.0.0.1: 80", false, false, false, NULL},
		{"127.0.0.1:99999999999999999999999", false, false, false,
		 NULL},
		{"::1:8443", false, false, false, NULL},
		{"[::1]8443", false, false, false, NULL},
		{"[::1]", false, false, false, NULL},
		{"[]:80", false, false, false, NULL},
		{"[1.2.3.4]:80", false, false, false, NULL},
		{"[::1:80", false, false, false, NULL},
		{"300.1.1.1:80", false, false, false, NULL},
		{"host.example:80", false, false, false, NULL},
		{"[::1%lo]:80", false, false, false, NULL},
	};
	struct vg_listen l;
	struct vg_err err;
	char shown[80];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_err_clear(&err);
		enum vg_rc rc = vg_listen_parse(rows[i].in, &l, &err);

		if (!rows[i].ok) {
			assert_int_equal(rc, VG_ERR_USAGE);
			assert_non_null(strstr(err.msg, rows[i].in));
			continue;
		}
		assert_int_equal(rc, VG_OK);
		assert_int_equal(l.loopback, rows[i].loopback);
		assert_int_equal(l.any, rows[i].any);
		vg_listen_format(&l.addr, shown, sizeof(shown));
		assert_string_equal(shown, rows[i].shown);
	}
	vg_err_clear(&err);
	assert_int_equal(vg_listen_parse(NULL, &l, &err), VG_ERR_USAGE);
}

static void
test_routes(void **state)
{
	static const struct {
		const char *method, *path;
		unsigned status;
		const char *allow;
		size_t max_body;
	} rows[] = {
		{"GET", "/api/v1/health", 200, "", 0},
		{"HEAD", "/api/v1/health", 200, "", 0},
		{"POST", "/api/v1/enroll", 200, "", VG_SERVER_MAX_SMALL_BODY},
		{"POST", "/api/v1/reports", 200, "", VG_SERVER_MAX_BODY},
		{"POST", "/api/v1/health", 405, "GET, HEAD", 0},
		{"GET", "/api/v1/reports", 405, "POST", 0},
		{"DELETE", "/api/v1/enroll", 405, "POST", 0},
		{"post", "/api/v1/enroll", 405, "POST", 0},
		{"GET", "/api/v1/health/", 404, "", 0},
		{"GET", "/API/v1/health", 404, "", 0},
		{"GET", "/api/v1/health?x=1", 404, "", 0},
		{"GET", "", 404, "", 0},
		{"GET", "/nope", 404, "", 0},
		/* Path parameters: one plain segment, never a path. */
		{"GET", "/api/v1/assets/42", 200, "", 0},
		{"GET", "/api/v1/assets/4/2", 404, "", 0},
		{"GET", "/api/v1/assets/", 404, "", 0},
		{"GET", "/api/v1/assets/%2e%2e", 404, "", 0},
		{"GET", "/api/v1/assets/<b>", 404, "", 0},
		{"DELETE", "/api/v1/assets/42", 405, "GET", 0},
	};
	const struct vg_route *r;
	unsigned status;
	char allow[64];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		r = vg_route_find(rows[i].method, rows[i].path, &status, allow,
				  sizeof(allow));
		assert_int_equal(status, rows[i].status);
		assert_string_equal(allow, rows[i].allow);
		if (rows[i].status != 200) {
			assert_null(r);
			continue;
		}
		assert_non_null(r);
		assert_int_equal(r->max_body, rows[i].max_body);
	}
	/* A tiny Allow buffer is cut, never overrun. */
	r = vg_route_find("PUT", "/api/v1/health", &status, allow, 4);
	assert_null(r);
	assert_int_equal(strlen(allow), 3);
}

static void
test_body_cap(void **state)
{
	static const struct {
		const char *content_length;
		size_t max;
		bool over;
	} rows[] = {
		{NULL, 0, false},
		{"0", 0, false},
		{"1", 0, true},
		{"10", 10, false},
		{"11", 10, true},
		{"16777216", VG_SERVER_MAX_BODY, false},
		{"16777217", VG_SERVER_MAX_BODY, true},
		{"99999999999999999999999", VG_SERVER_MAX_BODY, true},
		{"18446744073709551616", VG_SERVER_MAX_BODY, true},
		{"abc", 10, false},
	};
	struct vg_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		assert_int_equal(vg_http_length_over(rows[i].content_length,
						     rows[i].max),
				 rows[i].over);

	vg_buf_init(&b, 10);
	assert_int_equal(vg_http_body_add(&b, "123456", 6), VG_OK);
	assert_int_equal(vg_http_body_add(&b, "78901", 5), VG_ERR_LIMIT);
	assert_int_equal(b.len, 6); /* refused whole, nothing kept */
	assert_int_equal(vg_http_body_add(&b,
					  "7\0"
					  "90",
					  4),
			 VG_OK);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data,
			    "1234567\0"
			    "90",
			    10);
	assert_int_equal(vg_http_body_add(&b, "x", 1), VG_ERR_LIMIT);
	assert_true(b.cap <= 64 || b.cap <= 2 * b.max + 1);
	vg_buf_release(&b);

	/* A route without a body takes none. */
	vg_buf_init(&b, 0);
	assert_int_equal(vg_http_body_add(&b, "x", 1), VG_ERR_LIMIT);
	vg_buf_release(&b);
}

static void
test_bearer(void **state)
{
	static const struct {
		const char *header;
		const char *id, *secret; /* NULL: refused */
	} rows[] = {
		{"Bearer abc:def", "abc", "def"},
		{"bearer abc:def", "abc", "def"},
		{"BEARER\tabc:def\t ", "abc", "def"},
		{"  Bearer   abc:d:ef", "abc", "d:ef"},
		{"Bearer abc:", NULL, NULL},
		{"Bearer :def", NULL, NULL},
		{"Bearer abcdef", NULL, NULL},
		{"Bearer ", NULL, NULL},
		{"Bearer", NULL, NULL},
		{"Bearerabc:def", NULL, NULL},
		{"Basic YWJjOmRlZg==", NULL, NULL},
		{"Bearer ab c:def", NULL, NULL},
		{"Bearer abc:d\x01"
		 "ef",
		 NULL, NULL},
		{"Bearer abc:d\xc3\xa9"
		 "f",
		 NULL, NULL},
		{"", NULL, NULL},
		/* 40 bytes of id: one too many. */
		{"Bearer 0123456789012345678901234567890123456789:x", NULL,
		 NULL},
		{"Bearer 012345678901234567890123456789012345678:x",
		 "012345678901234567890123456789012345678", "x"},
	};
	char id[VG_STORE_ID_MAX], secret[VG_BEARER_SECRET_MAX];
	char longer[400];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		bool ok = vg_http_bearer(rows[i].header, id, secret);

		assert_int_equal(ok, rows[i].id != NULL);
		if (ok) {
			assert_string_equal(id, rows[i].id);
			assert_string_equal(secret, rows[i].secret);
		}
	}
	assert_false(vg_http_bearer(NULL, id, secret));
	/* A secret past VG_BEARER_SECRET_MAX is refused, not cut. */
	(void)snprintf(longer, sizeof(longer), "Bearer a:%0300d", 7);
	assert_false(vg_http_bearer(longer, id, secret));
}

static void
test_uuid(void **state)
{
	static const struct {
		const char *s;
		bool ok;
	} rows[] = {
		{"6f1c8a0e-2b7d-4c3e-9f10-1234567890ab", true},
		{"6F1C8A0E-2B7D-4C3E-AF10-1234567890AB", true},
		{"6f1c8a0e-2b7d-1c3e-9f10-1234567890ab", false}, /* v1 */
		{"6f1c8a0e-2b7d-4c3e-cf10-1234567890ab", false}, /* variant */
		{"6f1c8a0e2b7d-4c3e-9f10-1234567890ab-", false},
		{"6f1c8a0e-2b7d-4c3e-9f10-1234567890a", false},
		{"6f1c8a0e-2b7d-4c3e-9f10-1234567890abc", false},
		{"6f1c8a0g-2b7d-4c3e-9f10-1234567890ab", false},
		{"", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		assert_int_equal(vg_uuid_valid(rows[i].s), rows[i].ok);
}

/* The handlers against the in-memory store. */
struct api {
	char *dir; /* the SQLite store's directory, or NULL */
	struct vg_store *s;
	struct vg_policy p;
	struct vg_api_ctx ctx;
};

static int
api_setup(void **state)
{
	struct api *a = calloc(1, sizeof(*a));

	if (a == NULL || vg_auth_init(NULL) != VG_OK ||
	    vg_store_open_memory(&a->s, NULL) != VG_OK ||
	    vg_policy_init(&a->p, NULL) != VG_OK)
		return -1;
	a->ctx.store = a->s;
	a->ctx.policy = &a->p;
	a->ctx.now = 1700000000;
	*state = a;
	return 0;
}

static int
api_teardown(void **state)
{
	struct api *a = *state;

	vg_store_free(a->s);
	vg_policy_release(&a->p);
	free(a);
	return 0;
}

/* Run handler h on body with auth; resp->body parsed into *out. */
static unsigned
call(struct api *a, vg_api_handler h, const char *auth, const char *body,
     json_t **out)
{
	struct vg_http_response resp;
	struct vg_http_request req;
	unsigned status;

	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.path = "/";
	req.authorization = auth;
	req.body = body;
	req.body_len = strlen(body);
	h(&a->ctx, &req, &resp);
	assert_non_null(resp.body);
	*out = json_loadb(resp.body, resp.len, 0, NULL);
	assert_non_null(*out);
	status = resp.status;
	vg_http_response_release(&resp);
	return status;
}

/* Enrol with a fresh token; id and secret of the new agent. */
static void
enroll(struct api *a, char id[VG_STORE_ID_MAX], char secret[VG_SECRET_HEX])
{
	char token[VG_SECRET_HEX], hash[VG_HASH_HEX], body[256];
	json_t *out;

	vg_secret_new(token);
	vg_secret_hash(token, hash);
	assert_int_equal(
		vg_store_token_add(a->s, hash, "Nord", a->ctx.now + 60, NULL),
		VG_OK);
	(void)snprintf(body, sizeof(body),
		       "{\"token\":\"%s\",\"hostname\":\"srv-01\"}", token);
	assert_int_equal(call(a, vg_api_enroll, NULL, body, &out), 201);
	assert_string_equal(json_string_value(json_object_get(out, "site")),
			    "Nord");
	(void)snprintf(id, VG_STORE_ID_MAX, "%s",
		       json_string_value(json_object_get(out, "agent_id")));
	(void)snprintf(secret, VG_SECRET_HEX, "%s",
		       json_string_value(json_object_get(out, "secret")));
	assert_true(vg_uuid_valid(id));
	assert_int_equal(strlen(secret), 64);
	json_decref(out);
	/* The token was consumed: a second use is refused. */
	assert_int_equal(call(a, vg_api_enroll, NULL, body, &out), 401);
	json_decref(out);
}

static void
test_health(void **state)
{
	json_t *out;

	assert_int_equal(call(*state, vg_api_health, NULL, "", &out), 200);
	assert_string_equal(json_string_value(json_object_get(out, "status")),
			    "ok");
	json_decref(out);
}

static void
test_enroll(void **state)
{
	static const struct {
		const char *body;
		unsigned status;
		const char *error; /* substring of the message */
	} rows[] = {
		{"", 400, "body"},
		{"{", 400, "body"},
		{"[]", 400, "not a JSON object"},
		{"{}", 400, "token: missing"},
		{"{\"token\":1,\"hostname\":\"a\"}", 400,
		 "token: not a string"},
		{"{\"token\":\"xyz\",\"hostname\":\"a\"}", 400,
		 "token: invalid"},
		{"{\"token\":\"\",\"hostname\":\"a\"}", 400, "token: invalid"},
		{"{\"token\":\"ab\"}", 400, "hostname: missing"},
		{"{\"token\":\"ab\",\"hostname\":null}", 400,
		 "hostname: not a string"},
		{"{\"token\":\"ab\",\"hostname\":\"a b\"}", 400,
		 "hostname: invalid"},
		{"{\"token\":\"ab\",\"hostname\":\"\"}", 400,
		 "hostname: invalid"},
		{"{\"token\":\"ab\",\"hostname\":\"a\\u0000b\"}", 400, "body"},
		{"{\"token\":\"ab\",\"token\":\"cd\",\"hostname\":\"a\"}", 400,
		 "body"},
		{"{\"token\":\"ab\",\"hostname\":\"srv\"}", 401, "token"},
	};
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX];
	char big[600];
	json_t *out;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(
			call(*state, vg_api_enroll, NULL, rows[i].body, &out),
			rows[i].status);
		assert_non_null(
			strstr(json_string_value(json_object_get(out, "error")),
			       rows[i].error));
		json_decref(out);
	}
	/* A token longer than 255 hex digits is refused unread. */
	(void)snprintf(big, sizeof(big),
		       "{\"token\":\"%0256d\",\"hostname\":\"a\"}", 0);
	assert_int_equal(call(*state, vg_api_enroll, NULL, big, &out), 400);
	json_decref(out);
	enroll(*state, id, secret);
}

/* A small facts document, as an agent would send. */
static char *
report_body(const char *uuid)
{
	struct vg_facts f;
	json_t *doc, *facts;
	char *text;

	vg_facts_init(&f);
	f.collected_at = 1700000000;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, "srv-01");
	f.os.id = vg_facts_str(&f, "debian");
	vg_facts_collected(&f, VG_SRC_OS);
	facts = vg_facts_to_json(&f);
	assert_non_null(facts);
	doc = json_pack("{s:s, s:o}", "uuid", uuid, "facts", facts);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	vg_facts_release(&f);
	return text;
}

static void
test_reports(void **state)
{
	static const char uuid[] = "6f1c8a0e-2b7d-4c3e-9f10-1234567890ab";
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX], auth[256];
	char bad[256], unknown[256];
	struct api *a = *state;
	char *body = report_body(uuid);
	const char *e401;
	json_t *out, *out2;

	enroll(a, id, secret);
	(void)snprintf(auth, sizeof(auth), "Bearer %s:%s", id, secret);
	/* The secret with its last digit changed (never the same). */
	(void)snprintf(bad, sizeof(bad), "Bearer %s:%.63s%c", id, secret,
		       secret[63] == '0' ? '1' : '0');
	(void)snprintf(unknown, sizeof(unknown),
		       "Bearer 00000000-0000-4000-8000-000000000000:%s",
		       secret);

	/* No, bad and unknown credentials: 401, the last two alike. */
	assert_int_equal(call(a, vg_api_reports, NULL, body, &out), 401);
	json_decref(out);
	assert_int_equal(call(a, vg_api_reports, bad, body, &out), 401);
	assert_int_equal(call(a, vg_api_reports, unknown, body, &out2), 401);
	e401 = json_string_value(json_object_get(out, "error"));
	assert_string_equal(e401,
			    json_string_value(json_object_get(out2, "error")));
	json_decref(out);
	json_decref(out2);

	/* The precheck answers only to refuse. */
	assert_int_equal(call(a, vg_api_reports_auth, bad, "", &out), 401);
	json_decref(out);
	{
		struct vg_http_response resp;
		struct vg_http_request req;

		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.path = "/";
		req.authorization = auth;
		req.body = "";
		memset(&resp, 0, sizeof(resp));
		vg_api_reports_auth(&a->ctx, &req, &resp);
		assert_int_equal(resp.status, 0);
		assert_null(resp.body);
	}

	/* Stored once, then a duplicate. */
	assert_int_equal(call(a, vg_api_reports, auth, body, &out), 201);
	assert_true(json_is_true(json_object_get(out, "stored")));
	assert_string_equal(json_string_value(json_object_get(out, "uuid")),
			    uuid);
	json_decref(out);
	assert_int_equal(call(a, vg_api_reports, auth, body, &out), 200);
	assert_true(json_is_true(json_object_get(out, "duplicate")));
	json_decref(out);
	free(body);
	/* The same UUID in capitals is the same report. */
	body = report_body("6F1C8A0E-2B7D-4C3E-9F10-1234567890AB");
	assert_int_equal(call(a, vg_api_reports, auth, body, &out), 200);
	json_decref(out);
	free(body);
}

static void
test_reports_malformed(void **state)
{
	static const struct {
		const char *body, *error;
	} rows[] = {
		{"", "body"},
		{"[null]", "not a JSON object"},
		{"{\"facts\":{}}", "uuid: missing"},
		{"{\"uuid\":7,\"facts\":{}}", "uuid: not a UUID"},
		{"{\"uuid\":\"6f1c8a0e-2b7d-1c3e-9f10-1234567890ab\","
		 "\"facts\":{}}",
		 "uuid: not a UUID"},
		{"{\"uuid\":\"6f1c8a0e-2b7d-4c3e-9f10-1234567890ab\"}",
		 "facts: missing"},
		{"{\"uuid\":\"6f1c8a0e-2b7d-4c3e-9f10-1234567890ab\","
		 "\"facts\":[]}",
		 "facts: not an object"},
		{"{\"uuid\":\"6f1c8a0e-2b7d-4c3e-9f10-1234567890ab\","
		 "\"facts\":{\"schema\":\"vigie.facts/1\",\"accounts\":"
		 "[{\"name\":\"a\",\"uid\":\"zero\"}]}}",
		 "accounts[0].uid"},
	};
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX], auth[256];
	const char *e;
	json_t *out;
	size_t i;

	enroll(*state, id, secret);
	(void)snprintf(auth, sizeof(auth), "Bearer %s:%s", id, secret);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(
			call(*state, vg_api_reports, auth, rows[i].body, &out),
			400);
		e = json_string_value(json_object_get(out, "error"));
		if (strstr(e, rows[i].error) == NULL)
			fail_msg("row %zu: '%s' lacks '%s'", i, e,
				 rows[i].error);
		json_decref(out);
	}
}

static void
test_errors(void **state)
{
	struct vg_http_response resp;
	json_t *v;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	/* A message quoting invalid UTF-8 still makes valid JSON. */
	vg_http_error(&resp, 400, "bad '%s'", "\xff\xfe");
	assert_int_equal(resp.status, 400);
	v = json_loadb(resp.body, resp.len, 0, NULL);
	assert_non_null(v);
	assert_non_null(json_object_get(v, "error"));
	json_decref(v);
	/* A NULL value is a 500, with a body. */
	vg_http_json(&resp, 200, NULL);
	assert_int_equal(resp.status, 500);
	assert_non_null(resp.body);
	vg_http_response_release(&resp);
	assert_null(resp.body);
}

/* Login CSRF: a form posted from another site names another Origin. */
static void
test_same_origin(void **state)
{
	static const struct {
		const char *origin, *host;
		bool ok;
	} rows[] = {
		{NULL, "vigie:8443", true},
		{NULL, NULL, true},
		{"https://vigie:8443", "vigie:8443", true},
		{"https://VIGIE:8443", "vigie:8443", true},
		{"http://127.0.0.1:8080", "127.0.0.1:8080", true},
		{"https://evil.example", "vigie:8443", false},
		{"https://vigie:8443.evil.example", "vigie:8443", false},
		{"https://vigie", "vigie:8443", false},
		{"null", "vigie:8443", false},
		{"https://vigie:8443", NULL, false},
		{"ftp://vigie:8443", "vigie:8443", false},
	};
	struct vg_http_request req;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&req, 0, sizeof(req));
		req.origin = rows[i].origin;
		req.host = rows[i].host;
		if (vg_http_same_origin(&req) != rows[i].ok)
			fail_msg("row %zu: %s vs %s", i,
				 rows[i].origin ? rows[i].origin : "(none)",
				 rows[i].host ? rows[i].host : "(none)");
	}
}

/*
 * Reports matched on arrival (issue 5): with the store holding a package
 * feed (a SQLite store: the in-memory one keeps no vulnerability data),
 * a report listing a vulnerable version is recorded with its
 * updates.vulnerable_package finding; without match_vulns it is not.
 */
static int
api_setup_sqlite(void **state)
{
	struct vg_vuln_rec r;
	struct vg_vuln_feed_meta meta = {.source = "debian-json", .records = 1};
	struct api *a = calloc(1, sizeof(*a));
	char path[4096];

	if (a == NULL || vg_auth_init(NULL) != VG_OK ||
	    vg_policy_init(&a->p, NULL) != VG_OK)
		return -1;
	a->dir = vg_test_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/s.db", a->dir);
	if (vg_store_open_sqlite(&a->s, path, NULL) != VG_OK)
		return -1;
	memset(&r, 0, sizeof(r));
	r.id = "CVE-2024-0001";
	r.package = "openssl";
	r.release = "bookworm";
	r.status = VG_VULN_FIXED;
	r.fixed_version = "3.0.13-1~deb12u1";
	r.urgency = VG_URG_HIGH;
	r.cvss = -1;
	if (vg_store_vuln_import_begin(a->s, "debian-json", NULL) != VG_OK ||
	    vg_store_vuln_import_rec(a->s, &r, NULL) != VG_OK ||
	    vg_store_vuln_import_end(a->s, true, &meta, NULL) != VG_OK)
		return -1;
	a->ctx.store = a->s;
	a->ctx.policy = &a->p;
	a->ctx.now = 1700000000;
	*state = a;
	return 0;
}

static int
api_teardown_sqlite(void **state)
{
	struct api *a = *state;

	vg_test_rmtree(a->dir);
	free(a->dir);
	return api_teardown(state);
}

/* A bookworm host named host with one openssl version installed. */
static char *
vuln_report_body(const char *uuid, const char *host, const char *version)
{
	struct vg_package *p;
	struct vg_facts f;
	json_t *doc, *facts;
	char *text;

	vg_facts_init(&f);
	f.collected_at = 1700000000;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, host);
	f.os.id = vg_facts_str(&f, "debian");
	f.os.codename = vg_facts_str(&f, "bookworm");
	vg_facts_collected(&f, VG_SRC_OS);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	p = vg_facts_add_package(&f);
	assert_non_null(p);
	p->name = vg_facts_str(&f, "openssl");
	p->version = vg_facts_str(&f, version);
	p->source = p->name;
	p->source_version = p->version;
	facts = vg_facts_to_json(&f);
	assert_non_null(facts);
	doc = json_pack("{s:s, s:o}", "uuid", uuid, "facts", facts);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	vg_facts_release(&f);
	return text;
}

/* The subjects of the store's updates.vulnerable_package findings of
 * host, comma-joined into out ("" when none). */
static void
vuln_subjects(struct api *a, const char *host, char *out, size_t size)
{
	struct vg_finding_filter flt;
	json_t *doc = NULL, *o;
	size_t i, len = 0;

	memset(&flt, 0, sizeof(flt));
	flt.check = "updates.vulnerable_package";
	flt.limit = 100;
	out[0] = '\0';
	assert_int_equal(
		vg_store_list_findings(a->s, &flt, a->ctx.now, &doc, NULL),
		VG_OK);
	json_array_foreach(json_object_get(doc, "findings"), i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "hostname")),
			   host) != 0)
			continue;
		len += (size_t)snprintf(
			out + len, size - len, "%s%s", len > 0 ? "," : "",
			json_string_value(json_object_get(o, "subject")));
		assert_true(len < size);
	}
	json_decref(doc);
}

static void
test_reports_vulns(void **state)
{
	static const struct {
		const char *uuid, *host, *version;
		bool match;
		const char *want;
	} rows[] = {
		/* Below the fix: vulnerable. */
		{"6f1c8a0e-2b7d-4c3e-9f10-000000000001", "srv-old",
		 "3.0.11-1~deb12u1", true, "openssl 3.0.11-1~deb12u1"},
		/* The fixed version: nothing. */
		{"6f1c8a0e-2b7d-4c3e-9f10-000000000002", "srv-new",
		 "3.0.13-1~deb12u1", true, ""},
		/* Matching off (no package feed known): nothing. */
		{"6f1c8a0e-2b7d-4c3e-9f10-000000000003", "srv-off",
		 "3.0.11-1~deb12u1", false, ""},
	};
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX], auth[256];
	char got[512];
	struct api *a = *state;
	json_t *out;
	char *body;
	size_t i;

	enroll(a, id, secret);
	(void)snprintf(auth, sizeof(auth), "Bearer %s:%s", id, secret);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		a->ctx.match_vulns = rows[i].match;
		body = vuln_report_body(rows[i].uuid, rows[i].host,
					rows[i].version);
		assert_int_equal(call(a, vg_api_reports, auth, body, &out),
				 201);
		json_decref(out);
		free(body);
		vuln_subjects(a, rows[i].host, got, sizeof(got));
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu: findings '%s', want '%s'", i, got,
				 rows[i].want);
	}
}

/* body (a report's text) with facts member name replaced by ref (JSON
 * text), under a new uuid. */
static char *
with_ref(const char *body, const char *uuid, const char *name, const char *ref)
{
	json_t *doc = json_loads(body, 0, NULL), *v;
	char *text;

	assert_non_null(doc);
	v = json_loads(ref, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	assert_int_equal(
		json_object_set_new(json_object_get(doc, "facts"), name, v), 0);
	assert_int_equal(json_object_set_new(doc, "uuid", json_string(uuid)),
			 0);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

/*
 * Sections by reference (SQLite store): a full report is answered with
 * the digests of its big members; a report naming them by reference is
 * judged on the same packages (its vulnerable package found again);
 * a reference the server does not hold is a 409 naming the member (the
 * agent then sends it in full: stored, nothing lost); a malformed one
 * is a 400.
 */
static void
test_reports_sections(void **state)
{
	static const char zero[] = "{\"$ref\":\"blake2b:00000000000000000000"
				   "000000000000000000000000000000000000000000"
				   "00\"}";
	static const char *const bad[] = {
		"{\"$ref\":\"sha256:00\"}",
		"{\"$ref\":1}",
		"{\"$ref\":\"blake2b:00000000000000000000000000000000000000"
		"00000000000000000000000000\",\"x\":1}",
		"{\"$ref\":\"blake2b:0000000000000000000000000000000000000"
		"000000000000000000000000000Z\"}",
	};
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX], auth[256];
	char ref[VG_SECTION_REF_TEXT_MAX], got[512], digest[96];
	struct api *a = *state;
	json_t *out, *sec;
	char *body, *refd;
	size_t i;

	vg_section_cache_clear();
	enroll(a, id, secret);
	(void)snprintf(auth, sizeof(auth), "Bearer %s:%s", id, secret);
	a->ctx.match_vulns = true;
	body = vuln_report_body("6f1c8a0e-2b7d-4c3e-9f10-000000000011",
				"srv-ref", "3.0.11-1~deb12u1");
	assert_int_equal(call(a, vg_api_reports, auth, body, &out), 201);
	sec = json_object_get(out, "sections");
	/* The agent's members only: the vulnerable packages are the
	 * server's own. */
	assert_int_equal(json_object_size(sec), VG_SECTION_AGENT_COUNT);
	assert_null(json_object_get(sec, "vulnerable_packages"));
	(void)snprintf(digest, sizeof(digest), "%s",
		       json_string_value(json_object_get(sec, "packages")));
	assert_true(vg_section_digest_valid(digest));
	json_decref(out);

	/* By reference: the same judgement (a later scan of srv-ref). */
	vg_section_ref_text(digest, ref);
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000012",
			"packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 201);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(out, "sections"), "packages")),
		digest);
	json_decref(out);
	free(refd);
	vuln_subjects(a, "srv-ref", got, sizeof(got));
	assert_string_equal(got, "openssl 3.0.11-1~deb12u1");
	/* From the store when the cache lost it: the same answer. */
	vg_section_cache_clear();
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000013",
			"packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 201);
	json_decref(out);
	free(refd);
	vuln_subjects(a, "srv-ref", got, sizeof(got));
	assert_string_equal(got, "openssl 3.0.11-1~deb12u1");

	/* Matching's results are reused for the same packages, release
	 * and feeds: the feed emptied behind the server's back changes
	 * nothing until the feeds' state says so. */
	{
		char path[4096];
		sqlite3 *db = NULL;

		(void)snprintf(path, sizeof(path), "%s/s.db", a->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(
			/* The packed rows too, as an import would. */
			sqlite3_exec(db,
				     "DELETE FROM vulns;"
				     " DELETE FROM vuln_packed",
				     NULL, NULL, NULL),
			SQLITE_OK);
		sqlite3_close(db);
	}
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000016",
			"packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 201);
	json_decref(out);
	free(refd);
	vuln_subjects(a, "srv-ref", got, sizeof(got));
	assert_string_equal(got, "openssl 3.0.11-1~deb12u1");
	a->ctx.feeds_state = 1;
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000017",
			"packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 201);
	json_decref(out);
	free(refd);
	vuln_subjects(a, "srv-ref", got, sizeof(got));
	assert_string_equal(got, "");

	/* The server's own member is never taken by reference: 400. */
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000018",
			"vulnerable_packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 400);
	assert_non_null(strstr(json_string_value(json_object_get(out, "error")),
			       "facts.vulnerable_packages"));
	json_decref(out);
	free(refd);

	/* Unknown: 409 naming the member, nothing stored. */
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000014",
			"accounts", zero);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 409);
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(out, "unknown_sections"), 0)),
		"accounts");
	assert_non_null(strstr(json_string_value(json_object_get(out, "error")),
			       "facts.accounts"));
	json_decref(out);
	/* ... so the agent resends in full, under the same UUID: stored. */
	free(refd);
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000014",
			"accounts", "[]");
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 201);
	json_decref(out);
	free(refd);

	/* Malformed references: 400 naming the member. */
	for (i = 0; i < VG_ARRAY_LEN(bad); i++) {
		refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000015",
				"upgrades", bad[i]);
		if (call(a, vg_api_reports, auth, refd, &out) != 400)
			fail_msg("bad ref %zu not refused", i);
		assert_non_null(
			strstr(json_string_value(json_object_get(out, "error")),
			       "facts.upgrades"));
		json_decref(out);
		free(refd);
	}
	free(body);
	vg_section_cache_clear();
}

/* The in-memory store keeps no sections: full reports work as ever
 * (no "sections" in the answer), a reference is a 409. */
static void
test_reports_sections_memory(void **state)
{
	char id[VG_STORE_ID_MAX], secret[VG_SECRET_HEX], auth[256];
	char ref[VG_SECTION_REF_TEXT_MAX];
	struct api *a = *state;
	json_t *out;
	char *body, *refd;

	vg_section_cache_clear();
	enroll(a, id, secret);
	(void)snprintf(auth, sizeof(auth), "Bearer %s:%s", id, secret);
	body = report_body("6f1c8a0e-2b7d-4c3e-9f10-000000000021");
	assert_int_equal(call(a, vg_api_reports, auth, body, &out), 201);
	assert_null(json_object_get(out, "sections"));
	json_decref(out);
	vg_section_ref_text("blake2b:0123456789abcdef0123456789abcdef"
			    "0123456789abcdef0123456789abcdef",
			    ref);
	refd = with_ref(body, "6f1c8a0e-2b7d-4c3e-9f10-000000000022",
			"packages", ref);
	assert_int_equal(call(a, vg_api_reports, auth, refd, &out), 409);
	json_decref(out);
	free(refd);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test_setup_teardown(test_health, api_setup,
						api_teardown),
		cmocka_unit_test_setup_teardown(test_enroll, api_setup,
						api_teardown),
		cmocka_unit_test_setup_teardown(test_reports, api_setup,
						api_teardown),
		cmocka_unit_test_setup_teardown(test_reports_malformed,
						api_setup, api_teardown),
		cmocka_unit_test_setup_teardown(test_reports_sections,
						api_setup_sqlite,
						api_teardown_sqlite),
		cmocka_unit_test_setup_teardown(test_reports_sections_memory,
						api_setup, api_teardown),
		cmocka_unit_test_setup_teardown(test_reports_vulns,
						api_setup_sqlite,
						api_teardown_sqlite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * POST /api/v1/devices (web/api_devices.c) called directly against a
 * temporary SQLite store holding one sensor (an enrolled agent of site
 * "Nord"), one declared asset and one scanned host: a report stored
 * then found a duplicate; sensor, site and managed_by set by the server
 * whatever the sensor said (and the unmanaged device's finding); every
 * malformed report refused with a 400 naming the document and field,
 * too many documents a 413, bad credentials a 401 -- and nothing stored
 * after any refusal.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "core/assets.h"
#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "store/store.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/server.h"
#include "util/banned.h"

#define NOW 1767268800 /* 2026-01-01T12:00:00Z */
#define SENSOR "0f8e2c1a-6b7d-4e3f-9a1b-2c3d4e5f6a7b"
#define SECRET                                                                 \
	"abababababababababababababababababababababababababababababababab"
#define AUTH "Bearer " SENSOR ":" SECRET
#define UUID1 "6f1c8a0e-2b7d-4c3e-9f10-1234567890ab"
#define UUID2 "7a2d9b1f-3c8e-4d4f-8a21-234567890abc"

/* The declared asset (by MAC) and the scanned host (by name). */
#define ASSET_MAC "00:1b:2c:3d:4e:5f"
#define HOST_NAME "ct-1"

struct fixture {
	char *dir;
	struct vg_store *s;
	struct vg_policy policy;
	struct vg_principal who;
	struct vg_api_ctx ctx;
};

/* One device's facts document, as a sensor might send it: it claims
 * another sensor, site and management, which the server overrides. */
static void
device_doc(char *out, size_t size, const char *key, const char *mac,
	   const char *name)
{
	char macm[64] = "";

	if (mac != NULL)
		(void)snprintf(macm, sizeof(macm), "\"mac\":\"%s\",", mac);
	(void)snprintf(out, size,
		       "{\"schema\":\"vigie.facts/1\","
		       "\"collected_at\":\"2025-12-31T10:00:00Z\","
		       "\"sources\":{\"device\":{\"collected\":true}},"
		       "\"asset\":{\"site\":\"Sud\",\"category\":\"iot\"},"
		       "\"device\":{\"key\":\"%s\",%s\"ips\":\"10.1.2.3\","
		       "\"name\":\"%s\",\"category\":\"iot\","
		       "\"confidence\":50,\"managed_by\":\"host liar\","
		       "\"sensor\":\"local\","
		       "\"last_seen\":\"2025-12-31T10:00:00Z\","
		       "\"cleartext_logins\":[]}}",
		       key, macm, name);
}

/* {"uuid": uuid, "devices": [docs...]}; caller frees. */
static char *
body_of(const char *uuid, const char *const *docs, size_t n)
{
	json_t *arr = json_array(), *d, *doc;
	char *text;
	size_t i;

	assert_non_null(arr);
	for (i = 0; i < n; i++) {
		/* A row may hold bytes that are not JSON: kept as text
		 * then spliced in below. */
		d = json_loads(docs[i], JSON_DECODE_ANY, NULL);
		assert_non_null(d);
		assert_int_equal(json_array_append_new(arr, d), 0);
	}
	doc = json_pack("{s:s, s:o}", "uuid", uuid, "devices", arr);
	assert_non_null(doc);
	text = json_dumps(doc, JSON_COMPACT);
	assert_non_null(text);
	json_decref(doc);
	return text;
}

/* Run the handler; the answer's status, its body decoded into *out. */
static unsigned
call(struct fixture *fx, const char *auth, const char *body, json_t **out)
{
	struct vg_http_response resp;
	struct vg_http_request req;
	unsigned status;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = "POST";
	req.path = "/api/v1/devices";
	req.url = req.path;
	req.authorization = auth;
	req.body = body;
	req.body_len = strlen(body);
	req.client = "127.0.0.1";
	vg_api_devices(&fx->ctx, &req, &resp);
	assert_non_null(resp.body);
	*out = json_loadb(resp.body, resp.len, 0, NULL);
	assert_non_null(*out);
	status = resp.status;
	vg_http_response_release(&resp);
	return status;
}

/* o[a][b], or NULL. */
static json_t *
get2(const json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static const char *
error_of(const json_t *out)
{
	const char *e = json_string_value(json_object_get(out, "error"));

	return e != NULL ? e : "";
}

/* The devices in the store (list_assets, kind device): a new object. */
static json_t *
devices(struct fixture *fx)
{
	struct vg_asset_filter flt = {.min_score = -1,
				      .max_score = -1,
				      .limit = 500,
				      .kind = "device"};
	struct vg_err err;
	json_t *out = NULL;

	vg_err_clear(&err);
	if (vg_store_list_assets(fx->s, &flt, &out, &err) != VG_OK)
		fail_msg("list_assets: %s", err.msg);
	return out;
}

static size_t
n_devices(struct fixture *fx)
{
	json_t *d = devices(fx);
	size_t n = json_array_size(json_object_get(d, "assets"));

	json_decref(d);
	return n;
}

/* The latest facts of the device with this key (get_asset). */
static json_t *
device_facts(struct fixture *fx, const char *key)
{
	json_t *d = devices(fx), *a, *got = NULL, *facts;
	struct vg_err err;
	size_t i;

	vg_err_clear(&err);
	json_array_foreach(json_object_get(d, "assets"), i, a)
	{
		if (strcmp(json_string_value(json_object_get(a, "hostname")),
			   key) != 0)
			continue;
		if (vg_store_get_asset(
			    fx->s, json_integer_value(json_object_get(a, "id")),
			    NOW, &got, &err) != VG_OK)
			fail_msg("get_asset: %s", err.msg);
	}
	json_decref(d);
	if (got == NULL)
		fail_msg("no device '%s' in the store", key);
	facts = json_incref(json_object_get(got, "facts"));
	json_decref(got);
	return facts;
}

/* The hostnames holding an inventory.unmanaged_device finding. */
static void
unmanaged(struct fixture *fx, char *out, size_t size)
{
	struct vg_finding_filter flt = {.check = "inventory.unmanaged_device",
					.limit = 500};
	struct vg_err err;
	json_t *l, *f;
	size_t i, n = 0;

	vg_err_clear(&err);
	out[0] = '\0';
	if (vg_store_list_findings(fx->s, &flt, NOW, &l, &err) != VG_OK)
		fail_msg("list_findings: %s", err.msg);
	json_array_foreach(json_object_get(l, "findings"), i, f)
	{
		n += (size_t)snprintf(
			out + n, size - n, "%s%s", n > 0 ? " " : "",
			json_string_value(json_object_get(f, "hostname")));
	}
	json_decref(l);
}

/* A host scanned on the server, of kind host, named name. */
static void
scan_host(struct fixture *fx, const char *name)
{
	struct vg_report r;
	struct vg_facts f;
	struct vg_err err;
	int64_t id;

	vg_err_clear(&err);
	vg_facts_init(&f);
	vg_report_init(&r);
	f.collected_at = NOW - 3600;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, name);
	f.os.id = vg_facts_str(&f, "debian");
	vg_facts_collected(&f, VG_SRC_OS);
	assert_int_equal(vg_rules_evaluate(&f, &fx->policy, &r, &err), VG_OK);
	if (vg_store_put_scan(fx->s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put_scan: %s", err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vg_declared_asset decl = {.name = "Automate CTA",
					 .mac = ASSET_MAC,
					 .category = "building-management"};
	struct vg_agent_rec agent;
	size_t added, updated;
	char path[4096];
	struct vg_err err;

	assert_non_null(fx);
	assert_int_equal(vg_auth_init(NULL), VG_OK);
	fx->dir = vg_test_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/vigie.db", fx->dir);
	vg_err_clear(&err);
	if (vg_store_open_sqlite(&fx->s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(vg_policy_init(&fx->policy, &err), VG_OK);
	memset(&agent, 0, sizeof(agent));
	(void)snprintf(agent.id, sizeof(agent.id), "%s", SENSOR);
	(void)snprintf(agent.site, sizeof(agent.site), "%s", "Nord");
	(void)snprintf(agent.hostname, sizeof(agent.hostname), "%s", "probe");
	vg_secret_hash(SECRET, agent.secret_hash);
	agent.enrolled_at = NOW - 86400;
	if (vg_store_agent_add(fx->s, &agent, &err) != VG_OK ||
	    vg_store_assets_import(fx->s, &decl, 1, NOW - 86400, &added,
				   &updated, &err) != VG_OK)
		fail_msg("fill: %s", err.msg);
	scan_host(fx, HOST_NAME);
	fx->who.kind = VG_PRINCIPAL_NONE;
	fx->ctx.store = fx->s;
	fx->ctx.policy = &fx->policy;
	fx->ctx.now = NOW;
	fx->ctx.principal = &fx->who;
	*state = fx;
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

/* Three devices: managed by a declared asset (MAC), by a scanned host
 * (name), and by no one. */
static char *
three_devices(const char *uuid)
{
	char a[1024], b[1024], c[1024];
	const char *docs[] = {a, b, c};

	device_doc(a, sizeof(a), ASSET_MAC, ASSET_MAC, "cta");
	device_doc(b, sizeof(b), "00:1b:2c:00:00:02", "00:1b:2c:00:00:02",
		   "CT-1");
	device_doc(c, sizeof(c), "10.9.9.9", NULL, "10.9.9.9");
	return body_of(uuid, docs, VG_ARRAY_LEN(docs));
}

static void
test_stored_then_duplicate(void **state)
{
	struct fixture *fx = *state;
	struct vg_agent_rec agent;
	char *body = three_devices(UUID1), found[512];
	json_t *out, *facts;

	assert_int_equal(call(fx, AUTH, body, &out), 201);
	assert_true(json_is_true(json_object_get(out, "stored")));
	assert_string_equal(json_string_value(json_object_get(out, "uuid")),
			    UUID1);
	assert_int_equal(json_integer_value(json_object_get(out, "devices")),
			 3);
	json_decref(out);
	assert_int_equal(n_devices(fx), 3);

	/* A resend: a duplicate, nothing more stored. */
	assert_int_equal(call(fx, AUTH, body, &out), 200);
	assert_true(json_is_true(json_object_get(out, "duplicate")));
	assert_string_equal(json_string_value(json_object_get(out, "uuid")),
			    UUID1);
	json_decref(out);
	free(body);
	/* The same UUID in capitals is the same report. */
	body = three_devices("6F1C8A0E-2B7D-4C3E-9F10-1234567890AB");
	assert_int_equal(call(fx, AUTH, body, &out), 200);
	json_decref(out);
	free(body);
	assert_int_equal(n_devices(fx), 3);

	/* The server's say, not the sensor's. */
	facts = device_facts(fx, ASSET_MAC);
	assert_string_equal(
		json_string_value(get2(facts, "device", "managed_by")),
		"asset Automate CTA");
	assert_string_equal(json_string_value(get2(facts, "device", "sensor")),
			    SENSOR);
	assert_string_equal(json_string_value(get2(facts, "asset", "site")),
			    "Nord");
	json_decref(facts);
	facts = device_facts(fx, "00:1b:2c:00:00:02");
	assert_string_equal(
		json_string_value(get2(facts, "device", "managed_by")),
		"host " HOST_NAME);
	json_decref(facts);
	facts = device_facts(fx, "10.9.9.9");
	assert_true(json_is_null(get2(facts, "device", "managed_by")));
	assert_string_equal(json_string_value(get2(facts, "asset", "site")),
			    "Nord");
	json_decref(facts);
	/* Only the unmanaged device has the finding. */
	unmanaged(fx, found, sizeof(found));
	assert_string_equal(found, "10.9.9.9");
	/* The sensor's last report is noted. */
	assert_int_equal(vg_store_agent_get(fx->s, SENSOR, &agent, NULL),
			 VG_OK);
	assert_int_equal(agent.last_seen, NOW);

	/* A new report of the same devices: a new scan of each, still three
	 * assets. */
	body = three_devices(UUID2);
	assert_int_equal(call(fx, AUTH, body, &out), 201);
	json_decref(out);
	free(body);
	assert_int_equal(n_devices(fx), 3);
}

/* An empty report is a report: its UUID is kept. */
static void
test_empty(void **state)
{
	struct fixture *fx = *state;
	char *body = body_of(UUID1, NULL, 0);
	json_t *out;

	assert_int_equal(call(fx, AUTH, body, &out), 201);
	assert_int_equal(json_integer_value(json_object_get(out, "devices")),
			 0);
	json_decref(out);
	assert_int_equal(call(fx, AUTH, body, &out), 200);
	json_decref(out);
	free(body);
	assert_int_equal(n_devices(fx), 0);
}

/* Every refusal names what is wrong, and nothing is stored: a good
 * device comes first in every report below. */
static void
test_refused(void **state)
{
	static const struct {
		const char *doc; /* devices[1], or NULL: body is the row's */
		const char *body;
		unsigned status;
		const char *error;
	} rows[] = {
		/* A host's facts. */
		{"{\"schema\":\"vigie.facts/1\",\"os\":{\"hostname\":\"srv\"},"
		 "\"sources\":{\"os\":{\"collected\":true}}}",
		 NULL, 400, "devices[1]: not a device's facts"},
		/* A device section, the source not collected. */
		{"{\"schema\":\"vigie.facts/1\",\"device\":{\"key\":"
		 "\"00:1b:2c:00:00:09\"}}",
		 NULL, 400, "devices[1]: not a device's facts"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"name\":\"x\"}}",
		 NULL, 400, "devices[1]: facts.device.key: missing"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":\"\"}}",
		 NULL, 400, "devices[1]: facts.device.key"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":7}}",
		 NULL, 400, "devices[1]: facts.device.key"},
		/* Keys that are no MAC or address in their one spelling. */
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":\"srv-01\"}}",
		 NULL, 400, "devices[1]: facts.device.key: not a MAC"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":"
		 "\"00:1B:2C:00:00:09\"}}",
		 NULL, 400, "devices[1]: facts.device.key: not a MAC"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":\"010.1.2.3\"}}",
		 NULL, 400, "devices[1]: facts.device.key: not a MAC"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":"
		 "\"2001:DB8::1\"}}",
		 NULL, 400, "devices[1]: facts.device.key: not a MAC"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":\"10.1.2.3\","
		 "\"confidence\":101}}",
		 NULL, 400, "devices[1]: facts.device.confidence"},
		{"{\"schema\":\"vigie.facts/1\",\"sources\":{\"device\":"
		 "{\"collected\":true}},\"device\":{\"key\":\"10.1.2.3\","
		 "\"cleartext_logins\":[{\"user\":\"x\"}]}}",
		 NULL, 400, "devices[1]: facts.device.cleartext_logins[0]"},
		{"{\"schema\":\"vigie.facts/2\"}", NULL, 400,
		 "devices[1]: facts.schema"},
		{"[7]", NULL, 400, "devices[1]: facts"},
		{"null", NULL, 400, "devices[1]: facts"},
		/* The envelope. */
		{NULL, "", 400, "body"},
		{NULL, "[]", 400, "body: not a JSON object"},
		{NULL, "{\"devices\":[]}", 400, "uuid: missing"},
		{NULL, "{\"uuid\":\"6f1c8a0e-2b7d-1c3e-9f10-1234567890ab\"}",
		 400, "uuid: not a UUID"},
		{NULL, "{\"uuid\":\"" UUID1 "\"}", 400, "devices: missing"},
		{NULL, "{\"uuid\":\"" UUID1 "\",\"devices\":{}}", 400,
		 "devices: not an array"},
		{NULL, "{\"uuid\":\"" UUID1 "\",\"uuid\":\"" UUID2 "\"}", 400,
		 "body"},
	};
	char good[1024];
	const char *docs[2];
	json_t *out;
	char *body;
	size_t i;

	device_doc(good, sizeof(good), "10.7.7.7", NULL, "good");
	docs[0] = good;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		docs[1] = rows[i].doc;
		body = rows[i].doc != NULL ? body_of(UUID1, docs, 2)
					   : strdup(rows[i].body);
		assert_non_null(body);
		if (call(*state, AUTH, body, &out) != rows[i].status)
			fail_msg("row %zu: status %s", i, error_of(out));
		if (strstr(error_of(out), rows[i].error) == NULL)
			fail_msg("row %zu: '%s' lacks '%s'", i, error_of(out),
				 rows[i].error);
		json_decref(out);
		free(body);
		if (n_devices(*state) != 0)
			fail_msg("row %zu: something was stored", i);
	}
	/* The UUID was never stored: the report, mended, is new. */
	body = body_of(UUID1, docs, 1);
	assert_int_equal(call(*state, AUTH, body, &out), 201);
	json_decref(out);
	free(body);
}

/* A NUL inside a string: refused with the body (jansson's own). */
static void
test_nul(void **state)
{
	static const char body[] =
		"{\"uuid\":\"" UUID1 "\",\"devices\":[{\"schema\":"
		"\"vigie.facts/1\",\"sources\":{\"device\":{\"collected\":"
		"true}},\"device\":{\"key\":\"10.1.2.3\",\"name\":"
		"\"a\\u0000b\"}}]}";
	json_t *out;

	assert_int_equal(call(*state, AUTH, body, &out), 400);
	assert_non_null(strstr(error_of(out), "body: "));
	json_decref(out);
	assert_int_equal(n_devices(*state), 0);
}

/* A key naming a scanned host: the store refuses to write into that
 * host's history; the whole report is rolled back. */
static void
test_key_names_host(void **state)
{
	struct fixture *fx = *state;
	char a[1024], b[1024], *body, found[512];
	const char *docs[] = {a, b};
	json_t *out;

	scan_host(fx, "10.5.5.5");
	device_doc(a, sizeof(a), "10.7.7.7", NULL, "good");
	device_doc(b, sizeof(b), "10.5.5.5", NULL, "usurper");
	body = body_of(UUID1, docs, 2);
	assert_int_equal(call(fx, AUTH, body, &out), 400);
	assert_non_null(strstr(error_of(out), "devices[1]: facts.device.key"));
	json_decref(out);
	free(body);
	assert_int_equal(n_devices(fx), 0);
	unmanaged(fx, found, sizeof(found));
	assert_string_equal(found, "");
}

/* More documents than VG_SERVER_MAX_DEVICES: 413, before any decoding. */
static void
test_too_many(void **state)
{
	size_t n = VG_SERVER_MAX_DEVICES + 1, i, len;
	json_t *out;
	char *body;

	len = 64 + n * 3;
	body = malloc(len);
	assert_non_null(body);
	i = (size_t)snprintf(body, len, "{\"uuid\":\"%s\",\"devices\":[",
			     UUID1);
	for (; n > 0; n--) {
		memcpy(body + i, n > 1 ? "{}," : "{}", n > 1 ? 3 : 2);
		i += n > 1 ? 3 : 2;
	}
	memcpy(body + i, "]}", 3);
	assert_int_equal(call(*state, AUTH, body, &out), 413);
	assert_non_null(strstr(error_of(out), "devices: more than 65536"));
	json_decref(out);
	free(body);
	assert_int_equal(n_devices(*state), 0);
}

static void
test_credentials(void **state)
{
	static const char *const auths[] = {
		NULL,
		"",
		"Basic abc",
		"Bearer " SENSOR,
		"Bearer " SENSOR
		":cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
		"cdcd",
		"Bearer 00000000-0000-4000-8000-000000000000:" SECRET,
	};
	char *body = three_devices(UUID1);
	json_t *out;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(auths); i++) {
		if (call(*state, auths[i], body, &out) != 401)
			fail_msg("auth %zu: not a 401: %s", i, error_of(out));
		assert_non_null(strstr(error_of(out), "authorization"));
		json_decref(out);
	}
	assert_int_equal(n_devices(*state), 0);
	/* The right ones are let in. */
	assert_int_equal(call(*state, AUTH, body, &out), 201);
	json_decref(out);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stored_then_duplicate,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_names_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_credentials, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

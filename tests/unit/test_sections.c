/*
 * Sections by reference (core/sections.h, agent/sections.h): digests
 * and reference objects (hostile input), the facts split by
 * vg_facts_write_split, the agent's spooled form and the body it sends
 * from it, and the digests it remembers.
 */
#include "util/common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "agent/sections.h"
#include "core/facts_json.h"
#include "core/section_cache.h"
#include "core/sections.h"
#include "util/buf.h"
#include "util/banned.h"

#define D0                                                                     \
	"blake2b:"                                                             \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define D1                                                                     \
	"blake2b:"                                                             \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_digest(void **state)
{
	static const struct {
		const char *s;
		bool ok;
	} rows[] = {
		{D0, true},
		{D1, true},
		{"blake2b:0123456789ABCDEF0123456789abcdef0123456789abcdef"
		 "0123456789abcdef",
		 false}, /* upper case */
		{"blake2b:0123", false},
		{"sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
		 "0123456789abcdef",
		 false},
		{D1 "0", false},
		{"", false},
		{NULL, false},
	};
	char d[VG_SECTION_DIGEST_MAX], e[VG_SECTION_DIGEST_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		if (vg_section_digest_valid(rows[i].s) != rows[i].ok)
			fail_msg("row %zu", i);
	vg_section_digest("[]", 2, d);
	assert_true(vg_section_digest_valid(d));
	vg_section_digest("[ ]", 3, e);
	assert_string_not_equal(d, e);
	vg_section_digest("[]", 2, e);
	assert_string_equal(d, e);
	assert_int_equal(vg_section_find("packages"), VG_SECTION_PACKAGES);
	assert_int_equal(vg_section_find("groups"), VG_SECTION_GROUPS);
	assert_int_equal(vg_section_find("services"), -1);
	assert_int_equal(vg_section_find(NULL), -1);
	assert_null(vg_section_name(VG_SECTION_COUNT));
}

static void
test_ref(void **state)
{
	static const struct {
		const char *json;
		bool is_ref, ok;
	} rows[] = {
		{"{\"$ref\":\"" D1 "\"}", true, true},
		{"{\"$ref\":\"" D1 "\",\"x\":1}", true, false},
		{"{\"$ref\":1}", true, false},
		{"{\"$ref\":null}", true, false},
		{"{\"$ref\":\"" D1 "0\"}", true, false},
		/* A NUL inside the string: strlen would see a prefix. */
		{"{\"$ref\":\"blake2b:\\u0000123456789abcdef0123456789abcdef"
		 "0123456789abcdef0123456789abcdef\"}",
		 true, false},
		{"{\"ref\":\"" D1 "\"}", false, false},
		{"[]", false, false},
		{"\"" D1 "\"", false, false},
	};
	char d[VG_SECTION_DIGEST_MAX], text[VG_SECTION_REF_TEXT_MAX];
	json_t *v;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		v = json_loads(rows[i].json, JSON_DECODE_ANY | JSON_ALLOW_NUL,
			       NULL);
		assert_non_null(v);
		if (vg_section_is_ref(v) != rows[i].is_ref ||
		    vg_section_ref_get(v, d) != rows[i].ok)
			fail_msg("row %zu: %s", i, rows[i].json);
		if (rows[i].ok)
			assert_string_equal(d, D1);
		else
			assert_string_equal(d, "");
		json_decref(v);
	}
	vg_section_ref_text(D1, text);
	v = json_loads(text, 0, NULL);
	assert_true(vg_section_ref_get(v, d));
	assert_string_equal(d, D1);
	json_decref(v);
}

/* Facts with n packages, an account and a group. */
static void
facts(struct vg_facts *f, size_t n)
{
	struct vg_vuln_pkg *v;
	struct vg_package *p;
	struct vg_account *a;
	char name[32];
	size_t i;

	vg_facts_init(f);
	f->collected_at = 1700000000;
	f->root = vg_facts_str(f, "/");
	f->os.hostname = vg_facts_str(f, "srv-\"q\"");
	vg_facts_collected(f, VG_SRC_OS);
	vg_facts_collected(f, VG_SRC_PACKAGES);
	for (i = 0; i < n; i++) {
		p = vg_facts_add_package(f);
		assert_non_null(p);
		(void)snprintf(name, sizeof(name), "pkg-%zu", i);
		p->name = vg_facts_str(f, name);
		p->version = vg_facts_str(f, "1.0-1");
	}
	a = vg_facts_add_account(f);
	assert_non_null(a);
	a->name = vg_facts_str(f, "alice");
	/* The server's own member, stored apart too. */
	v = vg_facts_add_vuln_pkg(f);
	assert_non_null(v);
	v->package = vg_facts_str(f, "pkg-0");
	v->version = vg_facts_str(f, "1.0-1");
	v->ids = vg_facts_str(f, "CVE-2024-0001");
	v->n_ids = 1;
	vg_facts_collected(f, VG_SRC_VULNS);
}

/* "{"uuid":"U","facts":<vg_facts_write(f)>}" */
static void
plain_report(const struct vg_facts *f, struct vg_buf *b)
{
	vg_buf_init(b, 1u << 24);
	assert_int_equal(vg_buf_printf(b, "{\"uuid\":\"U\",\"facts\":"), VG_OK);
	assert_int_equal(vg_facts_write(f, b), VG_OK);
	assert_int_equal(vg_buf_addc(b, '}'), VG_OK);
}

static void
test_split(void **state)
{
	struct vg_facts_split sp;
	struct vg_facts f, g;
	struct vg_buf whole, doc;
	char d[VG_SECTION_DIGEST_MAX];
	json_t *jd, *jw, *part;
	struct vg_err err;
	int i;

	(void)state;
	facts(&f, 50);
	vg_buf_init(&whole, 1u << 24);
	vg_buf_init(&doc, 1u << 24);
	memset(&sp, 0, sizeof(sp));
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_init(&sp.part[i], 1u << 24);
	assert_int_equal(vg_facts_write(&f, &whole), VG_OK);
	assert_int_equal(vg_facts_write_split(&f, &doc, &sp), VG_OK);
	jw = json_loads(vg_buf_str(&whole), 0, NULL);
	jd = json_loads(vg_buf_str(&doc), 0, NULL);
	assert_non_null(jw);
	assert_non_null(jd);
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		const char *name = vg_section_name((enum vg_section)i);

		/* The part is the member's text, its digest its hash. */
		vg_section_digest(vg_buf_str(&sp.part[i]), sp.part[i].len, d);
		assert_string_equal(d, sp.digest[i]);
		part = json_loads(vg_buf_str(&sp.part[i]), 0, NULL);
		assert_true(json_equal(part, json_object_get(jw, name)));
		json_decref(part);
		/* The document holds the reference in its place. */
		assert_true(vg_section_ref_get(json_object_get(jd, name), d));
		assert_string_equal(d, sp.digest[i]);
		/* Put back, it is the whole document. */
		part = json_loads(vg_buf_str(&sp.part[i]), 0, NULL);
		assert_int_equal(json_object_set_new(jd, name, part), 0);
	}
	assert_true(json_equal(jd, jw));
	/* Decoded back: the same facts. */
	vg_facts_init(&g);
	vg_err_clear(&err);
	assert_int_equal(vg_facts_from_json(&g, jd, &err), VG_OK);
	assert_int_equal(g.n_packages, 50);
	assert_string_equal(g.packages[49].name, "pkg-49");
	vg_facts_release(&g);

	/* A known member is neither written nor hashed. */
	sp.known[VG_SECTION_PACKAGES] = D1;
	vg_buf_reset(&doc);
	assert_int_equal(vg_facts_write_split(&f, &doc, &sp), VG_OK);
	assert_int_equal(sp.part[VG_SECTION_PACKAGES].len, 0);
	assert_string_equal(sp.digest[VG_SECTION_PACKAGES], D1);
	assert_non_null(
		strstr(vg_buf_str(&doc), "\"packages\":{\"$ref\":\"" D1 "\"}"));
	assert_null(strstr(vg_buf_str(&doc), "pkg-1"));
	assert_true(sp.part[VG_SECTION_ACCOUNTS].len > 0);

	/* Too small a buffer: VG_ERR_LIMIT, the buffer unchanged. */
	vg_buf_release(&doc);
	vg_buf_init(&doc, 64);
	assert_int_equal(vg_buf_adds(&doc, "x"), VG_OK);
	sp.known[VG_SECTION_PACKAGES] = NULL;
	assert_int_equal(vg_facts_write_split(&f, &doc, &sp), VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&doc), "x");

	json_decref(jd);
	json_decref(jw);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_release(&sp.part[i]);
	vg_buf_release(&doc);
	vg_buf_release(&whole);
	vg_facts_release(&f);
}

/* The digest f's member s is spooled under. */
static void
member_digest(const struct vg_facts *f, enum vg_section s,
	      char out[VG_SECTION_DIGEST_MAX])
{
	struct vg_facts_split sp;
	struct vg_buf doc;
	int i;

	memset(&sp, 0, sizeof(sp));
	vg_buf_init(&doc, 1u << 24);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_init(&sp.part[i], 1u << 24);
	assert_int_equal(vg_facts_write_split(f, &doc, &sp), VG_OK);
	(void)snprintf(out, VG_SECTION_DIGEST_MAX, "%s", sp.digest[s]);
	for (i = 0; i < VG_SECTION_COUNT; i++)
		vg_buf_release(&sp.part[i]);
	vg_buf_release(&doc);
}

/* The spooled form, and the body sent from it. */
static void
test_spooled(void **state)
{
	struct vg_agent_acked acked;
	struct vg_buf spooled, body, plain;
	char d[VG_SECTION_DIGEST_MAX], got[VG_SECTION_DIGEST_MAX];
	struct vg_facts f;
	json_t *doc, *o;

	(void)state;
	facts(&f, 20);
	vg_buf_init(&spooled, 1u << 24);
	vg_buf_init(&body, 1u << 24);
	assert_int_equal(vg_agent_report_write(&f, "U", &spooled), VG_OK);
	plain_report(&f, &plain);
	/* Nothing acknowledged: the whole report, byte for byte. */
	assert_int_equal(vg_agent_report_body(vg_buf_str(&spooled), spooled.len,
					      NULL, &body),
			 VG_OK);
	assert_string_equal(vg_buf_str(&body), vg_buf_str(&plain));
	/* A digest of no member of the report changes nothing. */
	memset(&acked, 0, sizeof(acked));
	assert_true(vg_agent_acked_add(&acked, D1));
	assert_int_equal(vg_agent_report_body(vg_buf_str(&spooled), spooled.len,
					      &acked, &body),
			 VG_OK);
	assert_string_equal(vg_buf_str(&body), vg_buf_str(&plain));
	/* The packages acknowledged: a reference, the rest in place. */
	member_digest(&f, VG_SECTION_PACKAGES, d);
	assert_true(vg_agent_acked_add(&acked, d));
	assert_int_equal(vg_agent_report_body(vg_buf_str(&spooled), spooled.len,
					      &acked, &body),
			 VG_OK);
	assert_true(body.len < plain.len);
	doc = json_loads(vg_buf_str(&body), 0, NULL);
	assert_non_null(doc);
	o = json_object_get(doc, "facts");
	assert_true(vg_section_ref_get(json_object_get(o, "packages"), got));
	assert_string_equal(got, d);
	assert_true(json_is_array(json_object_get(o, "accounts")));
	assert_true(json_is_array(json_object_get(o, "upgrades")));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(o, "os"), "hostname")),
			    "srv-\"q\"");
	json_decref(doc);

	vg_buf_release(&plain);
	vg_buf_release(&spooled);
	vg_buf_release(&body);
	vg_facts_release(&f);
}

/* Damaged spool files are sent as they are (the server refuses them). */
static void
test_spooled_hostile(void **state)
{
	static const char *const rows[] = {
		"{\"uuid\":\"U\"}\n",
		"{\"uuid\":\"U\"}\nblake2b:00 2\n[]",
		"{\"uuid\":\"U\"}\n" D1 " 9\n[]",           /* past the end */
		"{\"uuid\":\"U\"}\n" D1 " \n[]",            /* no length */
		"{\"uuid\":\"U\"}\n" D1 " 2[]",             /* no newline */
		"{\"uuid\":\"U\"}\n" D1 "x2\n[]",           /* no space */
		"{\"uuid\":\"U\"}\n" D1 " 99999999999\n[]", /* huge */
		"{\"uuid\":\"U\"}\n" D1 " 2\n[]\n" D1 " 2\n[]\n" D1
		" 2\n[]\n" D1 " 2\n[]\n" D1 " 2\n[]\n" D1
		" 2\n[]", /* too many */
		"{\"uuid\":\"U\"}\n" D1 " 2\n[]x",
		"",
		"\n",
	};
	struct vg_buf body;
	size_t i, n;

	(void)state;
	vg_buf_init(&body, 1u << 20);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		n = strlen(rows[i]);
		assert_int_equal(vg_agent_report_body(rows[i], n, NULL, &body),
				 VG_OK);
		if (body.len != n || memcmp(vg_buf_str(&body), rows[i], n) != 0)
			fail_msg("row %zu changed", i);
	}
	/* A well-formed frame with no reference to it: the document. */
	n = strlen("{\"a\":1}\n" D1 " 2\n[]");
	assert_int_equal(
		vg_agent_report_body("{\"a\":1}\n" D1 " 2\n[]", n, NULL, &body),
		VG_OK);
	assert_string_equal(vg_buf_str(&body), "{\"a\":1}");
	/* Its reference replaced, wherever it is. */
	n = strlen("{\"a\":{\"$ref\":\"" D1 "\"},\"b\":{\"$ref\":\"" D1
		   "\"}}\n" D1 " 3\n[1]");
	assert_int_equal(vg_agent_report_body("{\"a\":{\"$ref\":\"" D1
					      "\"},\"b\":{\"$ref\":\"" D1
					      "\"}}\n" D1 " 3\n[1]",
					      n, NULL, &body),
			 VG_OK);
	assert_string_equal(vg_buf_str(&body), "{\"a\":[1],\"b\":[1]}");
	/* A body over its cap: VG_ERR_LIMIT. */
	vg_buf_release(&body);
	vg_buf_init(&body, 8);
	assert_int_equal(vg_agent_report_body("{\"a\":{\"$ref\":\"" D1
					      "\"}}\n" D1 " 3\n[1]",
					      strlen("{\"a\":{\"$ref\":\"" D1
						     "\"}}\n" D1 " 3\n[1]"),
					      NULL, &body),
			 VG_ERR_LIMIT);
	vg_buf_release(&body);
}

/* The acknowledged digests: bounded, saved and read back. */
static void
test_acked(void **state)
{
	static const char answer[] =
		"{\"stored\":true,\"sections\":{\"packages\":\"" D1
		"\",\"bogus\":\"" D0 "\",\"groups\":\"nope\"}}";
	struct vg_agent_acked a, b;
	char d[VG_SECTION_DIGEST_MAX], *dir, path[4096];
	struct vg_err err;
	FILE *fp;
	int i;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_false(vg_agent_acked_add(&a, "nope"));
	assert_true(vg_agent_acked_from_answer(&a, answer, strlen(answer)));
	assert_int_equal(a.n, 1);
	assert_true(vg_agent_acked_has(&a, D1));
	assert_false(vg_agent_acked_has(&a, D0));
	assert_false(vg_agent_acked_from_answer(&a, answer, strlen(answer)));
	assert_false(vg_agent_acked_from_answer(&a, "{", 1));
	assert_false(vg_agent_acked_from_answer(&a, "{}", 2));
	/* The oldest goes past the max. */
	for (i = 0; i < VG_AGENT_SECTIONS_MAX; i++) {
		char x[8];

		(void)snprintf(x, sizeof(x), "%d", i);
		vg_section_digest(x, strlen(x), d);
		assert_true(vg_agent_acked_add(&a, d));
	}
	assert_int_equal(a.n, VG_AGENT_SECTIONS_MAX);
	assert_false(vg_agent_acked_has(&a, D1));
	assert_true(vg_agent_acked_has(&a, d));

	dir = vg_test_tmpdir();
	vg_err_clear(&err);
	assert_int_equal(vg_agent_acked_save(&a, dir, &err), VG_OK);
	vg_agent_acked_load(&b, dir);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(b.d, a.d, sizeof(a.d));
	/* Damaged: empty (full sections, nothing worse). */
	(void)snprintf(path, sizeof(path), "%s/%s", dir,
		       VG_AGENT_SECTIONS_FILE);
	fp = fopen(path, "w");
	assert_non_null(fp);
	(void)fputs("{\"acked\":[\"x\", 3, {}]", fp);
	(void)fclose(fp);
	vg_agent_acked_load(&b, dir);
	assert_int_equal(b.n, 0);
	vg_test_rmtree(dir);
	free(dir);
	vg_agent_acked_load(&b, "/nonexistent/dir");
	assert_int_equal(b.n, 0);
}

/* A fetch of test_take: the section of D1 is "[]", none other. */
static enum vg_rc
fetch_d1(void *ctx, const char *digest, enum vg_section kind, json_t **out,
	 struct vg_err *err)
{
	(void)kind;
	(*(int *)ctx)++;
	if (strcmp(digest, D1) != 0)
		return vg_err_set(err, VG_ERR_NOTFOUND, "no section");
	*out = json_array();
	return VG_OK;
}

/* A member taken out of a document by reference, or left alone. */
static void
test_take(void **state)
{
	char digest[VG_SECTION_DIGEST_MAX];
	struct vg_section_entry *e;
	struct vg_err err;
	json_t *doc;
	int fetched = 0;

	(void)state;
	vg_section_cache_clear();
	vg_err_clear(&err);
	doc = json_loads("{\"packages\": {\"$ref\": \"" D1 "\"},"
			 " \"accounts\": [], \"groups\": {\"$ref\": 1},"
			 " \"upgrades\": {\"$ref\": \"" D0 "\"}}",
			 0, NULL);
	assert_non_null(doc);
	/* Not a reference: nothing taken. */
	assert_int_equal(vg_section_take(doc, VG_SECTION_ACCOUNTS, fetch_d1,
					 &fetched, digest, &e, &err),
			 VG_OK);
	assert_null(e);
	assert_string_equal(digest, "");
	assert_non_null(json_object_get(doc, "accounts"));
	/* Known: fetched once, then from the cache; taken out. */
	assert_int_equal(vg_section_take(doc, VG_SECTION_PACKAGES, fetch_d1,
					 &fetched, digest, &e, &err),
			 VG_OK);
	assert_non_null(e);
	assert_string_equal(digest, D1);
	assert_null(json_object_get(doc, "packages"));
	assert_int_equal(fetched, 1);
	vg_section_entry_unref(e);
	/* Malformed: the member named, left in place. */
	assert_int_equal(vg_section_take(doc, VG_SECTION_GROUPS, fetch_d1,
					 &fetched, digest, &e, &err),
			 VG_ERR_PARSE);
	assert_null(e);
	assert_non_null(strstr(err.msg, "facts.groups"));
	/* Unknown: the fetch's answer. */
	assert_int_equal(vg_section_take(doc, VG_SECTION_UPGRADES, fetch_d1,
					 &fetched, digest, &e, &err),
			 VG_ERR_NOTFOUND);
	assert_null(e);
	assert_int_equal(fetched, 2);
	json_decref(doc);
	vg_section_cache_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_spooled),
		cmocka_unit_test(test_spooled_hostile),
		cmocka_unit_test(test_acked),
		cmocka_unit_test(test_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * vuln/feed_debian.c: the Debian security tracker JSON dump. The
 * fixture rebuilds the vunnel excerpt of the reference (1.2) and its
 * decision vectors are checked with the dpkg comparator; a table of
 * hostile inputs checks that each bad entry is warned about and skipped
 * while its neighbours are still read; a generated dump of a few tens of
 * MB is timed.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"
#include "feed_support.h"
#include "core/dpkg_version.h"
#include "vuln/feed.h"
#include "util/utf8.h"
#include "util/banned.h"

#define MAX_RECS 64

/* A record copied out of its callback. */
struct rec {
	char id[VG_FEED_MAX_ID + 1];
	char pkg[VG_FEED_MAX_NAME + 1];
	char rel[VG_FEED_MAX_NAME + 1];
	char fixed[VG_FEED_MAX_VERSION + 1];
	enum vg_vuln_status status;
	enum vg_urgency urgency;
	bool remote;
	size_t desc_len;
	bool desc_utf8;
};

struct got {
	struct feed_warns w; /* first: feed_on_warn's context */
	struct rec recs[MAX_RECS];
	size_t n;             /* records seen, even past MAX_RECS */
	enum vg_rc fail_with; /* returned by the callback when not VG_OK */
};
_Static_assert(offsetof(struct got, w) == 0, "feed_warns first");

static enum vg_rc
on_rec(void *ctx, const struct vg_vuln_rec *r)
{
	struct got *g = ctx;
	struct rec *o;

	/* The contract: strings within the limits, a source tag. */
	assert_non_null(r->id);
	assert_non_null(r->package);
	assert_true(strlen(r->id) <= VG_FEED_MAX_ID);
	assert_true(strlen(r->package) <= VG_FEED_MAX_NAME);
	assert_string_equal(r->source, "debian-json");
	assert_true(r->cvss < 0);
	assert_true((r->status == VG_VULN_FIXED) == (r->fixed_version != NULL));
	if (g->n < MAX_RECS) {
		o = &g->recs[g->n];
		feed_copy(o->id, sizeof(o->id), r->id);
		feed_copy(o->pkg, sizeof(o->pkg), r->package);
		feed_copy(o->rel, sizeof(o->rel), r->release);
		feed_copy(o->fixed, sizeof(o->fixed), r->fixed_version);
		o->status = r->status;
		o->urgency = r->urgency;
		o->remote = r->remote;
		o->desc_len = r->description ? strlen(r->description) : 0;
		o->desc_utf8 = r->description == NULL ||
			vg_utf8_valid(r->description, o->desc_len);
	}
	g->n++;
	return g->fail_with;
}

static enum vg_rc
run(const char *buf, size_t len, struct got *g, struct vg_feed_sink *sink,
    struct vg_err *err)
{
	feed_sink_init(sink, g, err);
	sink->rec = on_rec;
	return vg_feed_debian_json(buf, len, "t.json", sink, err);
}

static const struct rec *
find(const struct got *g, const char *pkg, const char *id, const char *rel)
{
	size_t i;

	for (i = 0; i < g->n && i < MAX_RECS; i++)
		if (strcmp(g->recs[i].pkg, pkg) == 0 &&
		    strcmp(g->recs[i].id, id) == 0 &&
		    strcmp(g->recs[i].rel, rel) == 0)
			return &g->recs[i];
	return NULL;
}

/* The matcher's decision for a host at installed (reference 0.1). */
enum decision {
	D_VULN_FIX,   /* vulnerable, a fix exists */
	D_VULN_NOFIX, /* vulnerable, no fix yet */
	D_VULN_EOL,   /* vulnerable, no security support */
	D_NOT_VULN,
	D_NEVER, /* never affected */
	D_UNKNOWN,
};

static enum decision
decide(const struct rec *r, const char *installed)
{
	switch (r->status) {
	case VG_VULN_FIXED:
		return vg_dpkg_version_cmp(installed, r->fixed) < 0
			? D_VULN_FIX
			: D_NOT_VULN;
	case VG_VULN_OPEN:
		return D_VULN_NOFIX;
	case VG_VULN_END_OF_LIFE:
		return D_VULN_EOL;
	case VG_VULN_NOT_AFFECTED:
		return D_NEVER;
	case VG_VULN_UNDETERMINED:
		break;
	}
	return D_UNKNOWN;
}

static void
test_fixture(void **state)
{
	static const struct {
		const char *pkg, *id, *rel, *installed;
		enum decision want;
	} vectors[] = {
		/* reference 1.2, decision vectors */
		{"chromium", "CVE-2022-0456", "bullseye", "90.0.4430.212-1",
		 D_VULN_FIX},
		{"chromium", "CVE-2022-0456", "bullseye",
		 "98.0.4758.102-1~deb11u1", D_NOT_VULN},
		{"chromium", "CVE-2022-0456", "buster",
		 "90.0.4430.212-1~deb10u1", D_VULN_EOL},
		{"prototypejs", "CVE-2007-2383", "stretch", "1.7.1-3", D_NEVER},
		{"txt2man", "CVE-2013-1444", "jessie", "1.5.5-4", D_VULN_FIX},
		{"txt2man", "CVE-2013-1444", "jessie", "1.5.5-4.1", D_NOT_VULN},
		/* beyond the reference */
		{"chromium", "CVE-2022-0456", "bullseye",
		 "98.0.4758.80-1~deb11u1", D_NOT_VULN},
		{"openssl", "CVE-2021-3712", "bullseye", "1.1.1k-1",
		 D_VULN_FIX},
		{"openssl", "CVE-2021-3712", "sid", "3.0.7-1", D_UNKNOWN},
		{"openssl", "TEMP-0000000-1A2B3C", "bullseye",
		 "1.1.1n-0+deb11u4", D_VULN_NOFIX},
	};
	struct got g = {0};
	struct vg_feed_sink sink;
	struct vg_err err;
	const struct rec *r;
	size_t len, i;
	char *buf =
		feed_slurp(VG_TEST_FIXTURES "/vuln/debian-tracker.json", &len);

	(void)state;
	assert_int_equal(run(buf, len, &g, &sink, &err), VG_OK);
	assert_int_equal(g.n, 9);
	assert_int_equal(g.w.n, 0);
	assert_int_equal(sink.n_warnings, 0);
	for (i = 0; i < VG_ARRAY_LEN(vectors); i++) {
		r = find(&g, vectors[i].pkg, vectors[i].id, vectors[i].rel);
		assert_non_null(r);
		if (decide(r, vectors[i].installed) != vectors[i].want) {
			print_error("vector %zu: %s %s\n", i, vectors[i].pkg,
				    vectors[i].installed);
			fail();
		}
	}
	/* the fields themselves */
	r = find(&g, "chromium", "CVE-2022-0456", "bullseye");
	assert_int_equal(r->status, VG_VULN_FIXED);
	assert_string_equal(r->fixed, "98.0.4758.80-1~deb11u1");
	assert_int_equal(r->urgency, VG_URG_UNKNOWN); /* not yet assigned */
	assert_false(r->remote);
	r = find(&g, "chromium", "CVE-2022-0456", "buster");
	assert_int_equal(r->status, VG_VULN_END_OF_LIFE);
	r = find(&g, "prototypejs", "CVE-2007-2383", "jessie");
	assert_int_equal(r->status, VG_VULN_NOT_AFFECTED);
	assert_string_equal(r->fixed, "");
	assert_int_equal(r->urgency, VG_URG_UNIMPORTANT);
	assert_true(r->remote);
	assert_true(r->desc_len > 100);
	r = find(&g, "txt2man", "CVE-2013-1444", "stretch");
	assert_int_equal(r->urgency, VG_URG_LOW);
	assert_false(r->remote); /* scope local */
	r = find(&g, "openssl", "CVE-2021-3712", "bullseye");
	assert_int_equal(r->urgency, VG_URG_HIGH); /* high** */
	assert_true(r->remote);
	r = find(&g, "openssl", "CVE-2021-3712", "sid");
	assert_int_equal(r->status, VG_VULN_UNDETERMINED);
	assert_int_equal(r->urgency, VG_URG_MEDIUM); /* medium* */
	r = find(&g, "openssl", "TEMP-0000000-1A2B3C", "bullseye");
	assert_int_equal(r->status, VG_VULN_OPEN);
	assert_int_equal(r->urgency, VG_URG_LOW);
	/* the degenerate "releases": [] gives nothing, silently */
	assert_null(find(&g, "chromium-browser", "CVE-2022-0358", ""));
	free(buf);
}

struct hostile {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen */
	enum vg_rc rc;
	size_t recs, warns;
	const char *warn;        /* in the first warning, or NULL */
	const char *pkg;         /* first record's package, or NULL */
	enum vg_urgency urgency; /* first record's */
};

#define OPEN_REL "{\"r\":{\"status\":\"open\"}}"
#define GOOD "\"q\":{\"CVE-2\":{\"releases\":" OPEN_REL "}}"

#define RAW_NUL "{\"p\":{\"CVE-1\":\"a\0b\"}," GOOD "}"

static const struct hostile hostile[] = {
	{"empty", "", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"blank", " \n\t", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"an array", "[{\"p\":{}}]", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"null", "null", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"html error page", "<html>502</html>", 0, VG_ERR_PARSE, 0, 0, NULL,
	 NULL, 0},
	{"empty object", "{}", 0, VG_OK, 0, 0, NULL, NULL, 0},
	{"bom and blanks", "\xef\xbb\xbf {\n} \n", 0, VG_OK, 0, 0, NULL, NULL,
	 0},
	{"trailing garbage", "{} x", 0, VG_OK, 0, 1, "after the JSON", NULL, 0},
	{"truncated", "{\"p\":{\"CVE-1\":{", 0, VG_ERR_PARSE, 0, 0, NULL, NULL,
	 0},
	{"truncated in a string", "{\"p\":{\"CVE-1\":\"abc", 0, VG_ERR_PARSE, 0,
	 0, NULL, NULL, 0},
	{"no colon", "{\"p\" {}}", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"number key", "{5:{}}", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"missing value", "{\"p\":}", 0, VG_ERR_PARSE, 0, 0, NULL, NULL, 0},
	{"no closing brace", "{" GOOD, 0, VG_ERR_PARSE, 1, 0, NULL, "q", 0},
	{"package not an object", "{\"p\":5," GOOD "}", 0, VG_OK, 1, 1,
	 "not an object", "q", 0},
	{"invalid json in a package", "{\"p\":{\"CVE-1\":tru}," GOOD "}", 0,
	 VG_OK, 1, 1, "invalid JSON", "q", 0},
	{"mismatched brackets", "{\"p\":{\"CVE-1\":[}]," GOOD "}", 0, VG_OK, 1,
	 1, "invalid JSON", "q", 0},
	{"nul in a key", "{\"p\\u0000x\":{}," GOOD "}", 0, VG_OK, 1, 1,
	 "bad package name", "q", 0},
	{"raw nul byte", RAW_NUL, sizeof(RAW_NUL) - 1, VG_OK, 1, 1,
	 "invalid JSON", "q", 0},
	{"non-utf8 string", "{\"p\":{\"CVE-1\":\"\xff\"}," GOOD "}", 0, VG_OK,
	 1, 1, "invalid JSON", "q", 0},
	{"escapes and brackets in strings",
	 "{\"p\\\"}\":{\"CVE-1\":{\"description\":\"a } ] \\\" {\\\\\","
	 "\"releases\":" OPEN_REL "}}}",
	 0, VG_OK, 1, 0, NULL, "p\"}", 0},
	{"vuln not an object", "{\"p\":{\"CVE-1\":[1]}}", 0, VG_OK, 0, 1,
	 "entry is not an object", NULL, 0},
	{"releases empty list", "{\"p\":{\"CVE-1\":{\"releases\":[]}}}", 0,
	 VG_OK, 0, 0, NULL, NULL, 0},
	{"releases missing", "{\"p\":{\"CVE-1\":{\"scope\":\"remote\"}}}", 0,
	 VG_OK, 0, 0, NULL, NULL, 0},
	{"releases a string", "{\"p\":{\"CVE-1\":{\"releases\":\"x\"}}}", 0,
	 VG_OK, 0, 1, "releases is not an object", NULL, 0},
	{"releases a list", "{\"p\":{\"CVE-1\":{\"releases\":[{}]}}}", 0, VG_OK,
	 0, 1, "releases is not an object", NULL, 0},
	{"release entry a list",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":[]}}}}", 0, VG_OK, 0, 1,
	 "p/CVE-1/r: release entry is not an object", NULL, 0},
	{"unknown status",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"fixed\"}}}}}", 0,
	 VG_OK, 0, 1, "p/CVE-1/r: unknown status 'fixed'", NULL, 0},
	{"status not a string",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":1}}}}}", 0, VG_OK,
	 0, 1, "no status", NULL, 0},
	{"missing status",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"urgency\":\"low\"}}}}}", 0,
	 VG_OK, 0, 1, "no status", NULL, 0},
	{"unknown urgency kept",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"open\","
	 "\"urgency\":\"critical\"}}}}}",
	 0, VG_OK, 1, 1, "unknown urgency 'critical'", "p", VG_URG_UNKNOWN},
	{"urgency with a suffix",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"open\","
	 "\"urgency\":\"medium**\"}}}}}",
	 0, VG_OK, 1, 0, NULL, "p", VG_URG_MEDIUM},
	{"urgency with another suffix",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"open\","
	 "\"urgency\":\"highx\"}}}}}",
	 0, VG_OK, 1, 1, "unknown urgency", "p", VG_URG_UNKNOWN},
	{"resolved without fixed_version",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"resolved\"}}}}}",
	 0, VG_OK, 0, 1, "fixed_version", NULL, 0},
	{"resolved with an empty fixed_version",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"resolved\","
	 "\"fixed_version\":\"\"}}}}}",
	 0, VG_OK, 0, 1, "fixed_version", NULL, 0},
	{"fixed_version a number",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"r\":{\"status\":\"resolved\","
	 "\"fixed_version\":0}}}}}",
	 0, VG_OK, 0, 1, "fixed_version", NULL, 0},
	{"empty release name",
	 "{\"p\":{\"CVE-1\":{\"releases\":{\"\":"
	 "{\"status\":\"open\"}}}}}",
	 0, VG_OK, 0, 1, "bad release name", NULL, 0},
	{"empty id", "{\"p\":{\"\":{\"releases\":" OPEN_REL "}}}", 0, VG_OK, 0,
	 1, "bad vulnerability id", NULL, 0},
	{"empty package", "{\"\":{\"CVE-1\":{\"releases\":" OPEN_REL "}}}", 0,
	 VG_OK, 0, 1, "bad package name", NULL, 0},
	{"deep nesting",
	 "{\"p\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]," GOOD "}",
	 0, VG_OK, 1, 1, "not an object", "q", 0},
};

static void
test_hostile(void **state)
{
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	enum vg_rc rc;
	size_t i, len;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(hostile); i++) {
		memset(&g, 0, sizeof(g));
		len = hostile[i].len ? hostile[i].len : strlen(hostile[i].in);
		rc = run(hostile[i].in, len, &g, &sink, &err);
		if (rc != hostile[i].rc || g.n != hostile[i].recs ||
		    g.w.n != hostile[i].warns ||
		    (hostile[i].warn != NULL &&
		     strstr(g.w.first, hostile[i].warn) == NULL) ||
		    (hostile[i].pkg != NULL &&
		     (strcmp(g.recs[0].pkg, hostile[i].pkg) != 0 ||
		      g.recs[0].urgency != hostile[i].urgency))) {
			print_error("%s: rc %d recs %zu warns %zu '%s' '%s'\n",
				    hostile[i].what, rc, g.n, g.w.n, g.w.first,
				    err.msg);
			fail();
		}
		if (rc == VG_ERR_PARSE)
			assert_non_null(strstr(err.msg, "t.json"));
	}
}

/* A field past its limit is refused; a description is cut on a UTF-8
 * boundary to VG_FEED_MAX_TEXT. */
static void
test_limits(void **state)
{
	static const size_t sizes[] = {VG_FEED_MAX_ID + 1, VG_FEED_MAX_NAME + 1,
				       VG_FEED_MAX_VERSION + 1};
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	char *big = malloc(VG_FEED_MAX_TEXT * 2 + 1), *doc = malloc(20000);
	size_t i, n;

	(void)state;
	assert_non_null(big);
	assert_non_null(doc);
	for (i = 0; i < VG_ARRAY_LEN(sizes); i++) {
		memset(big, 'a', sizes[i]);
		big[sizes[i]] = '\0';
		snprintf(doc, 20000,
			 "{\"%s\":{\"%s\":{\"releases\":{\"%s\":{\"status\":"
			 "\"resolved\",\"fixed_version\":\"%s\"}}}}}",
			 i == 1 ? big : "p", i == 0 ? big : "CVE-1", "r",
			 i == 2 ? big : "1.0");
		memset(&g, 0, sizeof(g));
		assert_int_equal(run(doc, strlen(doc), &g, &sink, &err), VG_OK);
		assert_int_equal(g.n, 0);
		assert_int_equal(g.w.n, 1);
	}
	/* 3000 'é' (6000 bytes) plus one ASCII byte: an odd limit would
	 * split a character; VG_FEED_MAX_TEXT is even, so cut it to
	 * 4095 by starting with one ASCII byte. */
	n = 0;
	big[n++] = 'x';
	for (i = 0; i < 3000; i++) {
		big[n++] = '\xc3';
		big[n++] = '\xa9';
	}
	big[n] = '\0';
	snprintf(doc, 20000,
		 "{\"p\":{\"CVE-1\":{\"description\":\"%s\",\"releases\":%s}}}",
		 big, OPEN_REL);
	memset(&g, 0, sizeof(g));
	assert_int_equal(run(doc, strlen(doc), &g, &sink, &err), VG_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.recs[0].desc_len, VG_FEED_MAX_TEXT - 1);
	assert_true(g.recs[0].desc_utf8);
	free(big);
	free(doc);
}

/* The callback's refusal stops the parse and comes back. */
static void
test_callback_stops(void **state)
{
	static const char doc[] = "{\"p\":{\"CVE-1\":{\"releases\":{\"a\":"
				  "{\"status\":\"open\"},\"b\":{\"status\":"
				  "\"open\"}}}}," GOOD "}";
	struct got g = {0};
	struct vg_feed_sink sink;
	struct vg_err err;

	(void)state;
	g.fail_with = VG_ERR_STORE;
	assert_int_equal(run(doc, strlen(doc), &g, &sink, &err), VG_ERR_STORE);
	assert_int_equal(g.n, 1);
	/* and no record callback at all: a usage error */
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(
		vg_feed_debian_json(doc, strlen(doc), "t", &sink, &err),
		VG_ERR_USAGE);
}

/* Warnings are counted past the cap but delivered only up to it. */
static void
test_warning_cap(void **state)
{
	struct got g = {0};
	struct vg_feed_sink sink;
	struct vg_err err;
	size_t n = 2000, i, off = 0, cap = n * 32 + 64;
	char *doc = malloc(cap);

	(void)state;
	assert_non_null(doc);
	off += (size_t)snprintf(doc + off, cap - off, "{");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(doc + off, cap - off, "%s\"p%zu\":5",
					i ? "," : "", i);
	snprintf(doc + off, cap - off, "}");
	assert_int_equal(run(doc, strlen(doc), &g, &sink, &err), VG_OK);
	assert_int_equal(sink.n_warnings, n);
	assert_int_equal(g.w.n, VG_FEED_MAX_WARNINGS);
	free(doc);
}

/* A generated dump the size of the real one's order of magnitude. */
static void
test_large_timed(void **state)
{
	size_t npkg = 40000, i, off = 0, cap = npkg * 700 + 16;
	char *doc = malloc(cap);
	struct got g = {0};
	struct vg_feed_sink sink;
	struct vg_err err;
	struct timespec t0, t1;

	(void)state;
	assert_non_null(doc);
	doc[off++] = '{';
	for (i = 0; i < npkg; i++)
		off += (size_t)snprintf(
			doc + off, cap - off,
			"%s\"pkg%zu\":{\"CVE-2021-%zu\":{\"scope\":\"remote\","
			"\"description\":\"A buffer overflow in something "
			"allows remote attackers to do things.\",\"releases\":"
			"{\"bullseye\":{\"status\":\"resolved\",\"repositories"
			"\":{\"bullseye\":\"1.2-3\"},\"fixed_version\":"
			"\"1.2-3+deb11u1\",\"urgency\":\"medium**\"},"
			"\"bookworm\":{\"status\":\"open\",\"urgency\":\"low\"}"
			"}"
			"},\"CVE-2022-%zu\":{\"releases\":{\"bullseye\":{"
			"\"status\":\"undetermined\"}}}}",
			i ? "," : "", i, i, i);
	doc[off++] = '}';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run(doc, off, &g, &sink, &err), VG_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(g.n, npkg * 3);
	assert_int_equal(g.w.n, 0);
	print_message("debian json: %zu bytes, %zu records in %.3f s\n", off,
		      g.n,
		      (double)(t1.tv_sec - t0.tv_sec) +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_large_timed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

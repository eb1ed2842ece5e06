/*
 * vuln/feed_osv: OSV records for Debian and Ubuntu. Each fixture of
 * tests/fixtures/vuln/osv/ gives a transcript of the records it yields;
 * every OSV evaluation vector of vulnerability-data.md §3.4 is checked
 * through the parser and a small evaluator below (dpkg order); hostile
 * records are refused or warned about, never crash.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "feed_support.h"
#include "core/dpkg_version.h"
#include "vuln/feed.h"
#include "util/banned.h"

#define TRANSCRIPT_MAX 8192
#define RECS_MAX 64

/* One record kept for the evaluator. */
struct kept {
	enum vg_vuln_status status;
	char fixed[VG_FEED_MAX_VERSION];
	char intro[VG_FEED_MAX_VERSION]; /* "" for NULL */
	char last[VG_FEED_MAX_VERSION];  /* "" for NULL */
};

struct collect {
	struct feed_warns w; /* first: feed_on_warn's context */
	char out[TRANSCRIPT_MAX];
	size_t len;
	size_t n;
	struct kept kept[RECS_MAX];
	size_t stop_after;               /* 0: never stop */
	char desc[VG_FEED_MAX_TEXT + 1]; /* the last record's */
};
_Static_assert(offsetof(struct collect, w) == 0, "feed_warns first");

static const char *const status_names[] = {"FIXED", "OPEN", "UNDET", "NOTAFF",
					   "EOL"};
static const char *const urg_names[] = {"-", "unimportant", "low", "medium",
					"high"};

static void
copy(char *dst, const char *src)
{
	snprintf(dst, VG_FEED_MAX_VERSION, "%s", src != NULL ? src : "");
}

static enum vg_rc
on_rec(void *ctx, const struct vg_vuln_rec *r)
{
	struct collect *c = ctx;
	int n;

	assert_non_null(r->id);
	assert_non_null(r->package);
	assert_string_equal(r->source, "osv");
	assert_true(strlen(r->id) < VG_FEED_MAX_ID);
	n = snprintf(c->out + c->len, sizeof(c->out) - c->len,
		     "%s %s %s %s %s %s %s %s %.1f %d\n", r->id, r->package,
		     r->release != NULL ? r->release : "(null)",
		     status_names[r->status],
		     r->fixed_version != NULL ? r->fixed_version : "-",
		     r->introduced != NULL ? r->introduced : "-",
		     r->last_affected != NULL ? r->last_affected : "-",
		     urg_names[r->urgency], r->cvss, r->remote);
	assert_true(n > 0 && (size_t)n < sizeof(c->out) - c->len);
	c->len += (size_t)n;
	snprintf(c->desc, sizeof(c->desc), "%s",
		 r->description != NULL ? r->description : "(null)");
	if (c->n < RECS_MAX) {
		c->kept[c->n].status = r->status;
		copy(c->kept[c->n].fixed, r->fixed_version);
		copy(c->kept[c->n].intro, r->introduced);
		copy(c->kept[c->n].last, r->last_affected);
	}
	return feed_count(&c->n, c->stop_after);
}

static enum vg_rc
run(const char *buf, size_t len, struct collect *c, struct vg_feed_sink *s,
    struct vg_err *err)
{
	feed_sink_init(s, c, err);
	s->rec = on_rec;
	return vg_feed_osv(buf, len, "test.json", s, err);
}

static char *
read_fixture(const char *rel, size_t *len)
{
	char path[512];
	char *buf;

	snprintf(path, sizeof(path), "%s/vuln/osv/%s", VG_TEST_FIXTURES, rel);
	buf = feed_slurp(path, len);
	assert_true(*len > 0);
	return buf;
}

/* ---- fixtures ---- */

struct fixture_case {
	const char *file;
	const char *want;
};

static const struct fixture_case fixtures[] = {
	{"debian-cve.json",
	 /* upstream gives the CVE; "low**" is low; "not yet assigned" is
	  * unknown; introduced 0 alone is open */
	 "CVE-2024-2511 openssl bullseye FIXED 1.1.1w-0+deb11u2 - - low "
	 "-1.0 0\n"
	 "CVE-2024-2511 openssl bookworm FIXED 3.0.14-1~deb12u1 - - low "
	 "-1.0 0\n"
	 "CVE-2024-2511 openssl trixie OPEN - - - - -1.0 0\n"},
	{"dsa-aliases.json",
	 /* one record per distinct CVE alias; PyPI ignored */
	 "CVE-2024-5535 openssl bookworm FIXED 3.0.14-1~deb12u2 - - - -1.0 "
	 "0\n"
	 "CVE-2024-6119 openssl bookworm FIXED 3.0.14-1~deb12u2 - - - -1.0 "
	 "0\n"},
	{"ubuntu-cve.json",
	 /* Pro maps to xenial; entry priorities win over the record's
	  * "Ubuntu" severity; a vector alone gives no score; FIPS left out */
	 "CVE-2024-0727 openssl xenial FIXED 1.0.2g-1ubuntu4.20+esm11 - - "
	 "low -1.0 0\n"
	 "CVE-2024-0727 openssl focal FIXED 1.1.1f-1ubuntu2.21 - - "
	 "unimportant -1.0 0\n"
	 "CVE-2024-0727 edk2 noble OPEN - - - medium -1.0 0\n"
	 "CVE-2024-0727 nodejs oracular OPEN - - - high -1.0 0\n"},
	{"two-pairs.json",
	 /* events sorted in dpkg order, one record per stretch; numeric
	  * score kept; AV:N in the v2 vector */
	 "CVE-2023-9999 libexample bookworm FIXED 1.0-5 1.0-1 - - 7.5 1\n"
	 "CVE-2023-9999 libexample bookworm FIXED 2.0-3 2.0-1 - - 7.5 1\n"},
	{"last-affected.json",
	 "CVE-2024-1000 libfoo bullseye OPEN - - 1.2-3 high -1.0 0\n"
	 "CVE-2024-1001 libfoo bullseye OPEN - - 1.2-3 high -1.0 0\n"},
	{"git-range.json",
	 "CVE-2024-4000 libbar bookworm FIXED 1.4-1 1.2-1 - - -1.0 0\n"},
	{"withdrawn.json", ""},
};

static void
test_fixtures(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	size_t i, len;
	char *buf;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < VG_ARRAY_LEN(fixtures); i++) {
		memset(c, 0, sizeof(*c));
		buf = read_fixture(fixtures[i].file, &len);
		if (run(buf, len, c, &s, &err) != VG_OK)
			fail_msg("%s: %s", fixtures[i].file, err.msg);
		if (strcmp(c->out, fixtures[i].want) != 0)
			fail_msg("%s: got\n%s", fixtures[i].file, c->out);
		if (s.n_warnings != 0)
			fail_msg("%s: warned %s", fixtures[i].file, c->w.text);
		free(buf);
	}
	free(c);
}

/* The description: summary, else details, cut on a UTF-8 boundary. */
static void
test_description(void **state)
{
	static char desc[VG_FEED_MAX_TEXT + 64];
	/* static, not malloc: GCC's format checks under ASan would see a
	 * possibly NULL destination (cmocka's asserts are not noreturn) */
	static char doc[sizeof(desc) + 512];
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	size_t i, n = sizeof(doc);

	(void)state;
	assert_non_null(c);
	/* 4094 'a' then "\u00e9" (2 bytes): a cut at 4095 bytes would
	 * fall inside it, so the character goes whole. */
	for (i = 0; i < VG_FEED_MAX_TEXT - 2; i++)
		desc[i] = 'a';
	memcpy(desc + i, "\xc3\xa9", 3);
	snprintf(doc, n,
		 "{\"id\":\"CVE-2024-1\",\"summary\":\"\",\"details\":\"%s\","
		 "\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\","
		 "\"name\":\"p\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
		 "\"events\":[{\"introduced\":\"0\"}]}]}]}",
		 desc);
	assert_int_equal(run(doc, strlen(doc), c, &s, &err), VG_OK);
	assert_int_equal(c->n, 1);
	assert_int_equal(strlen(c->desc), VG_FEED_MAX_TEXT - 2);
	assert_int_equal(c->desc[VG_FEED_MAX_TEXT - 3], 'a');

	/* The summary wins over the details; neither gives NULL. */
	memset(c, 0, sizeof(*c));
	snprintf(doc, n,
		 "{\"id\":\"CVE-2024-1\",\"summary\":\"short\",\"details\":"
		 "\"long\",\"affected\":[{\"package\":{\"ecosystem\":"
		 "\"Debian:12\",\"name\":\"p\"},\"ranges\":[{\"type\":"
		 "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
	assert_int_equal(run(doc, strlen(doc), c, &s, &err), VG_OK);
	assert_string_equal(c->desc, "short");
	memset(c, 0, sizeof(*c));
	snprintf(doc, n,
		 "{\"id\":\"CVE-2024-1\",\"affected\":[{\"package\":{"
		 "\"ecosystem\":\"Debian:12\",\"name\":\"p\"},\"ranges\":[{"
		 "\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}"
		 "]}]}");
	assert_int_equal(run(doc, strlen(doc), c, &s, &err), VG_OK);
	assert_string_equal(c->desc, "(null)");
	free(c);
}

/* ---- the evaluator and the §3.4 vectors ---- */

/* Affected when some record's stretch holds v: [introduced, fixed),
 * [introduced, last_affected] or [introduced, oo). */
static bool
affected(const struct collect *c, const char *v)
{
	const struct kept *k;
	size_t i;

	for (i = 0; i < c->n && i < RECS_MAX; i++) {
		k = &c->kept[i];
		if (k->intro[0] != '\0' && vg_dpkg_version_cmp(v, k->intro) < 0)
			continue;
		if (k->status == VG_VULN_FIXED) {
			if (vg_dpkg_version_cmp(v, k->fixed) < 0)
				return true;
		} else if (k->last[0] != '\0') {
			if (vg_dpkg_version_cmp(v, k->last) <= 0)
				return true;
		} else
			return true;
	}
	return false;
}

struct eval_case {
	const char *events; /* the JSON events array */
	const char *version;
	bool want;
};

#define EV_FIX "[{\"introduced\":\"0\"},{\"fixed\":\"2.36-9+deb12u3\"}]"
#define EV_LAST "[{\"introduced\":\"0\"},{\"last_affected\":\"1.2-3\"}]"
#define EV_PAIRS                                                               \
	"[{\"introduced\":\"1.0-1\"},{\"fixed\":\"1.0-5\"},"                   \
	"{\"introduced\":\"2.0-1\"},{\"fixed\":\"2.0-3\"}]"
#define EV_ESM                                                                 \
	"[{\"introduced\":\"0\"},{\"fixed\":\"1.0.2g-1ubuntu4.20+esm11\"}]"
#define EV_TILDE "[{\"introduced\":\"0\"},{\"fixed\":\"1.0~rc2-1\"}]"
/* Not in §3.4: the same pairs listed backwards, a second introduced
 * inside an open stretch, a fixed with no stretch open. */
#define EV_PAIRS_REV                                                           \
	"[{\"fixed\":\"2.0-3\"},{\"introduced\":\"2.0-1\"},"                   \
	"{\"fixed\":\"1.0-5\"},{\"introduced\":\"1.0-1\"}]"
#define EV_NESTED                                                              \
	"[{\"introduced\":\"1.0\"},{\"introduced\":\"1.5\"},{\"fixed\":"       \
	"\"2.0\"}]"
#define EV_TWO_FIXES                                                           \
	"[{\"introduced\":\"0\"},{\"fixed\":\"1.0\"},{\"fixed\":\"2.0\"}]"

static const struct eval_case eval_cases[] = {
	/* §3.4, every row */
	{EV_FIX, "2.36-9+deb12u2", true},
	{EV_FIX, "2.36-9+deb12u3", false},
	{EV_FIX, "2.36-9+deb12u10", false},
	{EV_FIX, "1:2.0-1", false},
	{"[{\"introduced\":\"0\"}]", "9.9-9", true},
	{EV_LAST, "1.2-3", true},
	{EV_LAST, "1.2-3+deb12u1", false},
	{EV_PAIRS, "1.0-4", true},
	{EV_PAIRS, "1.5-1", false},
	{EV_PAIRS, "2.0-2", true},
	{EV_PAIRS, "0.9-1", false},
	{EV_ESM, "1.0.2g-1ubuntu4.20+esm10", true},
	{EV_ESM, "1.0.2g-1ubuntu4.20", true},
	{EV_TILDE, "1.0~rc1-1", true},
	{EV_TILDE, "1.0-1", false},
	/* beyond §3.4 */
	{EV_PAIRS_REV, "1.0-4", true},
	{EV_PAIRS_REV, "1.5-1", false},
	{EV_PAIRS_REV, "2.0-2", true},
	{EV_PAIRS_REV, "2.0-3", false},
	{EV_NESTED, "1.2", true},
	{EV_NESTED, "1.7", true},
	{EV_NESTED, "0.9", false},
	{EV_NESTED, "2.0", false},
	{EV_TWO_FIXES, "0.5", true},
	{EV_TWO_FIXES, "1.5", false},
	{EV_LAST, "1.2-2", true},
	{"[{\"introduced\":\"0\"},{\"fixed\":\"1.0\"},{\"limit\":\"*\"}]",
	 "0.9", true},
};

static void
test_eval_vectors(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	char doc[1024];
	size_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < VG_ARRAY_LEN(eval_cases); i++) {
		memset(c, 0, sizeof(*c));
		snprintf(doc, sizeof(doc),
			 "{\"id\":\"CVE-2024-0001\",\"affected\":[{\"package\":"
			 "{\"ecosystem\":\"Debian:12\",\"name\":\"p\"},"
			 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":%s}]}"
			 "]}",
			 eval_cases[i].events);
		assert_int_equal(run(doc, strlen(doc), c, &s, &err), VG_OK);
		assert_true(c->n > 0);
		if (affected(c, eval_cases[i].version) != eval_cases[i].want)
			fail_msg("row %zu: %s in %s: want %d", i,
				 eval_cases[i].version, eval_cases[i].events,
				 eval_cases[i].want);
	}
	free(c);
}

/* ---- releases ---- */

static void
test_codenames(void **state)
{
	static const char *const rows[][2] = {
		{"Debian:8", "jessie"},
		{"Debian:9", "stretch"},
		{"Debian:10", "buster"},
		{"Debian:11", "bullseye"},
		{"Debian:12", "bookworm"},
		{"Debian:13", "trixie"},
		{"Debian:14", "forky"},
		{"Debian:sid", "sid"},
		{"Debian:7", NULL},
		{"Debian:15", NULL},
		{"Debian", NULL},
		{"Debian:", NULL},
		{"Debian:12:LTS", NULL},
		{"debian:12", NULL},
		{"Ubuntu:14.04:LTS", "trusty"},
		{"Ubuntu:16.04:LTS", "xenial"},
		{"Ubuntu:Pro:16.04:LTS", "xenial"},
		{"Ubuntu:Pro:14.04:LTS", "trusty"},
		{"Ubuntu:18.04:LTS", "bionic"},
		{"Ubuntu:20.04:LTS", "focal"},
		{"Ubuntu:22.04:LTS", "jammy"},
		{"Ubuntu:22.10", "kinetic"},
		{"Ubuntu:23.04", "lunar"},
		{"Ubuntu:23.10", "mantic"},
		{"Ubuntu:24.04:LTS", "noble"},
		{"Ubuntu:24.10", "oracular"},
		{"Ubuntu:25.04", "plucky"},
		{"Ubuntu:25.10", "questing"},
		{"Ubuntu:26.04:LTS", "resolute"},
		{"Ubuntu:Pro:18.04", NULL},
		{"Ubuntu:Pro:FIPS:20.04:LTS", NULL},
		{"Ubuntu:Pro:FIPS-updates:22.04:LTS", NULL},
		{"Ubuntu:20.04:LTSX", NULL},
		{"Ubuntu:20.04:", NULL},
		{"Ubuntu:12.04:LTS", NULL},
		{"Ubuntu:20.0", NULL},
		{"Ubuntu:", NULL},
		{"Ubuntu", NULL},
		{"PyPI", NULL},
		{"", NULL},
	};
	const char *got;
	size_t i;

	(void)state;
	assert_null(vg_release_codename(NULL));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		got = vg_release_codename(rows[i][0]);
		if (rows[i][1] == NULL
			    ? got != NULL
			    : got == NULL || strcmp(got, rows[i][1]) != 0)
			fail_msg("%s: got %s", rows[i][0],
				 got != NULL ? got : "NULL");
	}
}

/* ---- hostile records ---- */

struct bad_case {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen(in) */
	enum vg_rc rc;
	size_t recs;
	const char *msg; /* in err.msg (rc != OK) or a warning, or NULL */
};

#define AFF(eco, name, events)                                                 \
	"{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":{\"ecosystem\":"    \
	"\"" eco "\",\"name\":" name "},\"ranges\":[{\"type\":\"ECOSYSTEM\","  \
	"\"events\":" events "}]}]}"

static const struct bad_case bad_cases[] = {
	{"empty", "", 0, VG_ERR_PARSE, 0, "not JSON"},
	{"not JSON", "DSA-1 openssl", 0, VG_ERR_PARSE, 0, "not JSON"},
	{"truncated", "{\"id\":\"CVE-2024-7\",\"affected\":[{", 0, VG_ERR_PARSE,
	 0, "not JSON"},
	{"array at top", "[{\"id\":\"CVE-2024-7\"}]", 0, VG_ERR_PARSE, 0,
	 "no valid 'id'"},
	{"no id", "{\"affected\":[]}", 0, VG_ERR_PARSE, 0, "no valid 'id'"},
	{"id a number", "{\"id\":7}", 0, VG_ERR_PARSE, 0, "no valid 'id'"},
	{"id empty", "{\"id\":\"\"}", 0, VG_ERR_PARSE, 0, "no valid 'id'"},
	{"id too long",
	 "{\"id\":\"DSA-0000000000000000000000000000000000000000000000000000000"
	 "000000000\"}",
	 0, VG_ERR_PARSE, 0, "no valid 'id'"},
	{"duplicate key", "{\"id\":\"CVE-2024-7\",\"id\":\"CVE-2024-8\"}", 0,
	 VG_ERR_PARSE, 0, "not JSON"},
	{"escaped NUL", "{\"id\":\"CVE-2024-7\\u0000x\"}", 0, VG_ERR_PARSE, 0,
	 "not JSON"},
	{"raw NUL byte", "{\"id\":\"CVE-\0-7\"}", 17, VG_ERR_PARSE, 0,
	 "not JSON"},
	{"not UTF-8", "{\"id\":\"CVE-2024-7\",\"summary\":\"\xff\xfe\"}", 0,
	 VG_ERR_PARSE, 0, "not JSON"},
	{"no affected", "{\"id\":\"CVE-2024-7\"}", 0, VG_OK, 0, NULL},
	{"affected an object", "{\"id\":\"CVE-2024-7\",\"affected\":{}}", 0,
	 VG_OK, 0, "'affected' is not an array"},
	{"affected entry a string",
	 "{\"id\":\"CVE-2024-7\",\"affected\":[\"openssl\"]}", 0, VG_OK, 0,
	 "affected[0] is not an object"},
	{"no package", "{\"id\":\"CVE-2024-7\",\"affected\":[{}]}", 0, VG_OK, 0,
	 "no package ecosystem"},
	{"package name missing", AFF("Debian:12", "null", "[]"), 0, VG_OK, 0,
	 "bad package name"},
	{"package name empty", AFF("Debian:12", "\"\"", "[]"), 0, VG_OK, 0,
	 "bad package name"},
	{"unknown ecosystem silent", AFF("Alpine:v3.18", "\"p\"", "[]"), 0,
	 VG_OK, 0, NULL},
	{"events empty", AFF("Debian:12", "\"p\"", "[]"), 0, VG_OK, 0,
	 "no events"},
	{"events not an array", AFF("Debian:12", "\"p\"", "{}"), 0, VG_OK, 0,
	 "no events"},
	{"event with two keys",
	 AFF("Debian:12", "\"p\"", "[{\"introduced\":\"0\",\"fixed\":\"1\"}]"),
	 0, VG_OK, 0, "not an object with one key"},
	{"event unknown key", AFF("Debian:12", "\"p\"", "[{\"broken\":\"1\"}]"),
	 0, VG_OK, 0, "bad 'broken'"},
	{"event number", AFF("Debian:12", "\"p\"", "[{\"introduced\":0}]"), 0,
	 VG_OK, 0, "bad 'introduced'"},
	{"event empty version",
	 AFF("Debian:12", "\"p\"", "[{\"introduced\":\"0\"},{\"fixed\":\"\"}]"),
	 0, VG_OK, 0, "bad 'fixed'"},
	{"event a string", AFF("Debian:12", "\"p\"", "[\"introduced\"]"), 0,
	 VG_OK, 0, "not an object with one key"},
	{"fixed alone", AFF("Debian:12", "\"p\"", "[{\"fixed\":\"1.0\"}]"), 0,
	 VG_OK, 0, "no 'introduced' event"},
	{"ranges an object",
	 "{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":{\"ecosystem\":"
	 "\"Debian:12\",\"name\":\"p\"},\"ranges\":{}}]}",
	 0, VG_OK, 0, "'ranges' is not an array"},
	{"range a number",
	 "{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":{\"ecosystem\":"
	 "\"Debian:12\",\"name\":\"p\"},\"ranges\":[5]}]}",
	 0, VG_OK, 0, "a range is not an object"},
	{"range without type",
	 "{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":{\"ecosystem\":"
	 "\"Debian:12\",\"name\":\"p\"},\"ranges\":[{\"events\":[{"
	 "\"introduced\":\"0\"}]}]}]}",
	 0, VG_OK, 0, NULL},
	{"no CVE anywhere: own id",
	 "{\"id\":\"DSA-1-1\",\"aliases\":[\"GHSA-1\",7,\"CVE-12-1\","
	 "\"CVE-2024-123\"],\"affected\":[{\"package\":{\"ecosystem\":"
	 "\"Debian:12\",\"name\":\"p\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	 "\"events\":[{\"introduced\":\"0\"}]}]}]}",
	 0, VG_OK, 1, NULL},
	{"aliases not an array",
	 "{\"id\":\"DSA-1-1\",\"aliases\":\"CVE-2024-1234\"}", 0, VG_OK, 0,
	 NULL},
	{"severity garbage",
	 "{\"id\":\"CVE-2024-7\",\"severity\":[1,{\"type\":5},{\"type\":"
	 "\"CVSS_V3\",\"score\":\"11.0\"},{\"type\":\"CVSS_V3\",\"score\":"
	 "\"-1\"}],\"affected\":[]}",
	 0, VG_OK, 0, NULL},
};

static void
test_hostile(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	const struct bad_case *b;
	struct vg_feed_sink s;
	struct vg_err err;
	enum vg_rc rc;
	size_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < VG_ARRAY_LEN(bad_cases); i++) {
		b = &bad_cases[i];
		memset(c, 0, sizeof(*c));
		rc = run(b->in, b->len != 0 ? b->len : strlen(b->in), c, &s,
			 &err);
		if (rc != b->rc || c->n != b->recs)
			fail_msg("%s: rc %d recs %zu (%s)", b->what, rc, c->n,
				 err.msg);
		feed_check_msg(b->what, b->msg, rc, &s, &err, &c->w);
	}
	free(c);
}

/* A huge version, many events, many aliases: refused or capped. */
static void
test_limits(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	char *doc, *p;
	size_t cap = 1u << 20, i;

	(void)state;
	assert_non_null(c);
	doc = malloc(cap);
	assert_non_null(doc);

	/* A 300-byte version: the range is left out with a warning. */
	p = doc +
		snprintf(doc, cap,
			 "{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":"
			 "{\"ecosystem\":\"Debian:12\",\"name\":\"p\"},"
			 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{"
			 "\"introduced\":\"0\"},{\"fixed\":\"");
	memset(p, '1', 300);
	p += 300;
	p += snprintf(p, 64, "\"}]}]}]}");
	assert_int_equal(run(doc, (size_t)(p - doc), c, &s, &err), VG_OK);
	assert_int_equal(c->n, 0);
	assert_non_null(strstr(c->w.text, "bad 'fixed'"));

	/* 5000 events, past the cap of 4096. */
	memset(c, 0, sizeof(*c));
	p = doc +
		snprintf(doc, cap,
			 "{\"id\":\"CVE-2024-7\",\"affected\":[{\"package\":"
			 "{\"ecosystem\":\"Debian:12\",\"name\":\"p\"},"
			 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":["
			 "{\"introduced\":\"0\"}");
	for (i = 0; i < 5000; i++)
		p += snprintf(p, 64, ",{\"fixed\":\"%zu\"}", i);
	p += snprintf(p, 64, "]}]}]}");
	assert_int_equal(run(doc, (size_t)(p - doc), c, &s, &err), VG_OK);
	assert_int_equal(c->n, 0);
	assert_non_null(strstr(c->w.text, "more than 4096 events"));

	/* 300 distinct CVE aliases: 256 kept, one warning per extra. */
	memset(c, 0, sizeof(*c));
	p = doc + snprintf(doc, cap, "{\"id\":\"DSA-1-1\",\"aliases\":[");
	for (i = 0; i < 300; i++)
		p += snprintf(p, 64, "%s\"CVE-2024-%05zu\"", i ? "," : "", i);
	p += snprintf(p, 256,
		      "],\"affected\":[{\"package\":{\"ecosystem\":"
		      "\"Debian:12\",\"name\":\"p\"},\"ranges\":[{\"type\":"
		      "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]}]}");
	/* No record callback: on_rec's transcript would overflow. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(vg_feed_osv(doc, (size_t)(p - doc), "t", &s, &err),
			 VG_OK);
	assert_int_equal(s.n_warnings, 44);

	/* Deep nesting: jansson's own depth limit refuses it. */
	p = doc;
	for (i = 0; i < 100000; i++)
		*p++ = '[';
	assert_int_equal(run(doc, (size_t)(p - doc), c, &s, &err),
			 VG_ERR_PARSE);
	free(doc);
	free(c);
}

/* The importer stops the parse: its code comes back. */
static void
test_stop(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	size_t len;
	char *buf;

	(void)state;
	assert_non_null(c);
	buf = read_fixture("debian-cve.json", &len);
	memset(&s, 0, sizeof(s));
	c->stop_after = 2;
	s.rec = on_rec;
	s.ctx = c;
	assert_int_equal(vg_feed_osv(buf, len, "t", &s, &err), VG_ERR_STORE);
	assert_int_equal(c->n, 2);
	/* NULL name and no warn callback: still fine. */
	memset(c, 0, sizeof(*c));
	assert_int_equal(vg_feed_osv(buf, len, NULL, &s, &err), VG_OK);
	assert_int_equal(c->n, 3);
	free(buf);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_description),
		cmocka_unit_test(test_eval_vectors),
		cmocka_unit_test(test_codenames),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

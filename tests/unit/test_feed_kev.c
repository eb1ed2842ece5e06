/*
 * vuln/feed_kev: the real CISA KEV catalogue (../shared/data/vuln, 1,404
 * entries, 293 known ransomware uses) read with exact counts, then
 * hostile catalogues: a bad top level is an error, a bad entry a warning.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "feed_support.h"
#include "vuln/feed.h"
#include "util/banned.h"

#define KEV_REAL VG_TEST_FIXTURES "/../../../shared/data/vuln/cisa-kev.json"

struct collect {
	struct feed_warns w; /* first: feed_on_warn's context */
	size_t n, ransom, no_date;
	char first[64], last[64];
	struct vg_kev_rec first_rec; /* strings not kept */
	char vendor[VG_FEED_MAX_NAME + 8], name[VG_FEED_MAX_TEXT + 8];
	size_t stop_after;
};
_Static_assert(offsetof(struct collect, w) == 0, "feed_warns first");

static enum vg_rc
on_kev(void *ctx, const struct vg_kev_rec *r)
{
	struct collect *c = ctx;

	assert_non_null(r->cve);
	assert_non_null(r->vendor);
	assert_non_null(r->product);
	assert_non_null(r->name);
	if (c->n == 0) {
		c->first_rec = *r;
		snprintf(c->first, sizeof(c->first), "%s", r->cve);
	}
	snprintf(c->last, sizeof(c->last), "%s", r->cve);
	snprintf(c->vendor, sizeof(c->vendor), "%s", r->vendor);
	snprintf(c->name, sizeof(c->name), "%s", r->name);
	c->ransom += r->ransomware;
	c->no_date += r->date_added < 0 || r->due_date < 0;
	return feed_count(&c->n, c->stop_after);
}

static enum vg_rc
run(const char *buf, size_t len, struct collect *c, struct vg_feed_sink *s,
    struct vg_err *err)
{
	feed_sink_init(s, c, err);
	s->kev = on_kev;
	return vg_feed_kev(buf, len, "kev.json", s, err);
}

static void
test_real_catalogue(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	char *buf;
	size_t n;

	(void)state;
	assert_non_null(c);
	/* The catalogue lives beside the repository, not in it (1.3 MB):
	 * a checkout without it skips, loudly. */
	if ((buf = feed_read_file(KEV_REAL, &n)) == NULL) {
		free(c);
		print_message("cannot open %s: skipped\n", KEV_REAL);
		skip();
	}
	assert_int_equal(n, 1257565);

	assert_int_equal(run(buf, n, c, &s, &err), VG_OK);
	assert_int_equal(c->n, 1404);
	assert_int_equal(c->ransom, 293);
	assert_int_equal(c->no_date, 0);
	assert_int_equal(s.n_warnings, 0);
	/* The newest entry comes first in the file. */
	assert_string_equal(c->first, "CVE-2025-48384");
	assert_int_equal(c->first_rec.date_added, 1756080000); /* 2025-08-25 */
	assert_int_equal(c->first_rec.due_date, 1757894400);   /* 2025-09-15 */
	assert_false(c->first_rec.ransomware);
	assert_string_equal(c->last, "CVE-2020-29583");
	assert_string_equal(c->vendor, "Zyxel");

	/* The importer stops it: its code comes back, as asked. */
	memset(c, 0, sizeof(*c));
	c->stop_after = 10;
	s.ctx = c;
	assert_int_equal(vg_feed_kev(buf, (size_t)n, NULL, &s, &err),
			 VG_ERR_STORE);
	assert_int_equal(c->n, 10);
	free(buf);
	free(c);
}

struct kev_case {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen */
	enum vg_rc rc;
	size_t recs, no_date, ransom;
	const char *msg; /* in err.msg or the warnings, or NULL: none */
};

#define ENTRY(cve, added, due, ransom)                                         \
	"{\"cveID\":" cve ",\"vendorProject\":\"V\",\"product\":\"P\","        \
	"\"vulnerabilityName\":\"N\",\"dateAdded\":" added ",\"dueDate\":" due \
	",\"knownRansomwareCampaignUse\":" ransom "}"
#define GOOD                                                                   \
	ENTRY("\"CVE-2024-3400\"", "\"2024-04-12\"", "\"2024-04-19\"",         \
	      "\"Known\"")

static const struct kev_case cases[] = {
	{"empty", "", 0, VG_ERR_PARSE, 0, 0, 0, "not JSON"},
	{"not JSON", "title: KEV", 0, VG_ERR_PARSE, 0, 0, 0, "not JSON"},
	{"truncated", "{\"vulnerabilities\":[" GOOD, 0, VG_ERR_PARSE, 0, 0, 0,
	 "not JSON"},
	{"array at top", "[" GOOD "]", 0, VG_ERR_PARSE, 0, 0, 0,
	 "not a KEV catalogue"},
	{"no vulnerabilities", "{\"count\":0}", 0, VG_ERR_PARSE, 0, 0, 0,
	 "not a KEV catalogue"},
	{"vulnerabilities an object", "{\"vulnerabilities\":{}}", 0,
	 VG_ERR_PARSE, 0, 0, 0, "not a KEV catalogue"},
	{"raw NUL", "{\"vulnerabilities\":[]}\0x", 24, VG_ERR_PARSE, 0, 0, 0,
	 "not JSON"},
	{"empty list", "{\"vulnerabilities\":[]}", 0, VG_OK, 0, 0, 0, NULL},
	{"one good", "{\"count\":1,\"vulnerabilities\":[" GOOD "]}", 0, VG_OK,
	 1, 0, 1, NULL},
	{"count mismatch", "{\"count\":2,\"vulnerabilities\":[" GOOD "]}", 0,
	 VG_OK, 1, 0, 1, "'count' says 2"},
	{"entry a string", "{\"vulnerabilities\":[\"CVE-2024-1\"," GOOD "]}", 0,
	 VG_OK, 1, 0, 1, "vulnerabilities[0]: no valid 'cveID'"},
	{"no cveID", "{\"vulnerabilities\":[{\"product\":\"P\"}," GOOD "]}", 0,
	 VG_OK, 1, 0, 1, "vulnerabilities[0]: no valid 'cveID'"},
	{"cveID a number",
	 "{\"vulnerabilities\":[" ENTRY("2024", "\"2024-04-12\"",
					"\"2024-04-19\"", "\"Known\"") "]}",
	 0, VG_OK, 0, 0, 0, "no valid 'cveID'"},
	{"cveID short",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-123\"", "\"2024-04-12\"",
					"\"2024-04-19\"", "\"Known\"") "]}",
	 0, VG_OK, 0, 0, 0, "no valid 'cveID'"},
	{"cveID trailing",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-1234 \"", "\"2024-04-12\"",
					"\"2024-04-19\"", "\"Known\"") "]}",
	 0, VG_OK, 0, 0, 0, "no valid 'cveID'"},
	{"cveID 20 digits",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-12345678901234567890\"",
					"\"2024-04-12\"", "\"2024-04-19\"",
					"\"Known\"") "]}",
	 0, VG_OK, 0, 0, 0, "no valid 'cveID'"},
	{"bad date kept with -1",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"", "\"2024-02-30\"",
					"\"2024-04-19\"", "\"Known\"") "]}",
	 0, VG_OK, 1, 1, 1, "(CVE-2024-3400): bad 'dateAdded'"},
	{"date a number",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"", "\"2024-04-12\"",
					"20240419", "\"Known\"") "]}",
	 0, VG_OK, 1, 1, 1, "bad 'dueDate'"},
	{"date with time",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"",
					"\"2024-04-12T00:00:00Z\"",
					"\"2024-04-19\"", "\"Known\"") "]}",
	 0, VG_OK, 1, 1, 1, "bad 'dateAdded'"},
	{"ransomware Unknown",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"", "\"2024-04-12\"",
					"\"2024-04-19\"", "\"Unknown\"") "]}",
	 0, VG_OK, 1, 0, 0, NULL},
	{"ransomware lower case",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"", "\"2024-04-12\"",
					"\"2024-04-19\"", "\"known\"") "]}",
	 0, VG_OK, 1, 0, 0, NULL},
	{"ransomware true",
	 "{\"vulnerabilities\":[" ENTRY("\"CVE-2024-3400\"", "\"2024-04-12\"",
					"\"2024-04-19\"", "true") "]}",
	 0, VG_OK, 1, 0, 0, NULL},
	{"missing texts",
	 "{\"vulnerabilities\":[{\"cveID\":\"CVE-2024-3400\",\"dateAdded\":"
	 "\"2024-04-12\",\"dueDate\":\"2024-04-19\"}]}",
	 0, VG_OK, 1, 0, 0, NULL},
	{"not UTF-8",
	 "{\"vulnerabilities\":[{\"cveID\":\"CVE-2024-3400\",\"product\":"
	 "\"\xe9t\xe9\"}]}",
	 0, VG_ERR_PARSE, 0, 0, 0, "not JSON"},
};

static void
test_hostile(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	const struct kev_case *k;
	struct vg_feed_sink s;
	struct vg_err err;
	enum vg_rc rc;
	size_t i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		k = &cases[i];
		memset(c, 0, sizeof(*c));
		rc = run(k->in, k->len != 0 ? k->len : strlen(k->in), c, &s,
			 &err);
		if (rc != k->rc || c->n != k->recs ||
		    c->no_date != k->no_date || c->ransom != k->ransom)
			fail_msg("%s: rc %d recs %zu no_date %zu ransom %zu "
				 "(%s)",
				 k->what, rc, c->n, c->no_date, c->ransom,
				 err.msg);
		feed_check_msg(k->what, k->msg, rc, &s, &err, &c->w);
	}
	free(c);
}

/* Long texts are cut on a character boundary, never refused. */
static void
test_long_texts(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	char *doc, *p;
	size_t cap = 64 * 1024, i;

	(void)state;
	assert_non_null(c);
	doc = malloc(cap);
	assert_non_null(doc);
	p = doc +
		snprintf(doc, cap,
			 "{\"vulnerabilities\":[{\"cveID\":\"CVE-2024-3400\","
			 "\"vendorProject\":\"");
	/* 300 two-byte characters: 600 bytes, past VG_FEED_MAX_NAME. */
	for (i = 0; i < 300; i++) {
		memcpy(p, "\xc3\xa9", 2);
		p += 2;
	}
	p += snprintf(p, 64, "\",\"vulnerabilityName\":\"");
	memset(p, 'x', 10000);
	p += 10000;
	p += snprintf(p, 64, "\"}]}");
	assert_int_equal(run(doc, (size_t)(p - doc), c, &s, &err), VG_OK);
	assert_int_equal(c->n, 1);
	/* 255 bytes would split a character: 254 kept. */
	assert_int_equal(strlen(c->vendor), 254);
	assert_int_equal(strlen(c->name), VG_FEED_MAX_TEXT - 1);
	free(doc);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_catalogue),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_long_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * vuln/feed_epss: the FIRST EPSS CSV. The sample fixture read in full,
 * then one row per edge case: the comment line, the header, numbers out
 * of range or not numbers, bad CVE ids, CSV damage (NUL, open quote),
 * each warned about with its line, never crashing.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "feed_support.h"
#include "vuln/feed.h"
#include "util/banned.h"

struct collect {
	struct feed_warns w; /* first: feed_on_warn's context */
	char out[4096];
	size_t len, n;
	size_t stop_after;
};
_Static_assert(offsetof(struct collect, w) == 0, "feed_warns first");

static enum vg_rc
on_epss(void *ctx, const struct vg_epss_rec *r)
{
	struct collect *c = ctx;
	int n;

	assert_true(r->epss >= 0 && r->epss <= 1);
	assert_true(r->percentile >= 0 && r->percentile <= 1);
	n = snprintf(c->out + c->len, sizeof(c->out) - c->len,
		     "%s %.5f %.5f %s\n", r->cve, r->epss, r->percentile,
		     r->model != NULL ? r->model : "-");
	assert_true(n > 0 && (size_t)n < sizeof(c->out) - c->len);
	c->len += (size_t)n;
	return feed_count(&c->n, c->stop_after);
}

static enum vg_rc
run(const char *buf, size_t len, struct collect *c, struct vg_feed_sink *s,
    struct vg_err *err)
{
	feed_sink_init(s, c, err);
	s->epss = on_epss;
	return vg_feed_epss(buf, len, "e.csv", s, err);
}

static void
test_sample(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	char *buf;
	size_t n;

	(void)state;
	assert_non_null(c);
	buf = feed_slurp(VG_TEST_FIXTURES "/vuln/epss-sample.csv", &n);
	assert_true(n > 0 && n < 4096);
	assert_int_equal(run(buf, n, c, &s, &err), VG_OK);
	assert_string_equal(c->out,
			    "CVE-1999-0001 0.01167 0.77771 v2025.03.14\n"
			    "CVE-2014-0160 0.94422 0.99979 v2025.03.14\n"
			    "CVE-2021-44228 0.94358 0.99958 v2025.03.14\n"
			    "CVE-2024-0727 0.00043 0.11625 v2025.03.14\n"
			    "CVE-2024-3094 0.85146 0.99356 v2025.03.14\n");
	assert_int_equal(s.n_warnings, 0);

	/* The importer stops: its code comes back. */
	memset(c, 0, sizeof(*c));
	c->stop_after = 2;
	assert_int_equal(run(buf, n, c, &s, &err), VG_ERR_STORE);
	assert_int_equal(c->n, 2);
	free(buf);
	free(c);
}

struct epss_case {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen */
	enum vg_rc rc;
	const char *want; /* transcript */
	const char *msg;  /* in err.msg or the warnings; NULL: none */
};

#define HDR                                                                    \
	"#model_version:v1,score_date:2025-01-01T00:00:00Z\n"                  \
	"cve,epss,percentile\n"

#define NUL_ROW HDR "CVE-2024-1000,0.1,0\0.2\nCVE-2024-1001,0.1,0.2\n"
#define Z50 "00000000000000000000000000000000000000000000000000"

static const struct epss_case cases[] = {
	{"empty", "", 0, VG_ERR_PARSE, "", "empty EPSS file"},
	{"comment only", "#model_version:v1\n", 0, VG_ERR_PARSE, "",
	 "no header"},
	{"blank lines only", "\n\n", 0, VG_ERR_PARSE, "", "no header"},
	{"wrong header", "#model_version:v1\ncve,score\nCVE-2024-1000,0.5\n", 0,
	 VG_ERR_PARSE, "", "e.csv:2: not an EPSS file"},
	{"header in capitals", "CVE,EPSS,PERCENTILE\n", 0, VG_ERR_PARSE, "",
	 "e.csv:1: not an EPSS file"},
	{"semicolons", "cve;epss;percentile\nCVE-2024-1000;0.5;0.5\n", 0,
	 VG_ERR_PARSE, "", "not an EPSS file"},
	{"no comment line", "cve,epss,percentile\nCVE-2024-1000,0.5,0.25\n", 0,
	 VG_OK, "CVE-2024-1000 0.50000 0.25000 -\n", NULL},
	{"comment without model",
	 "#score_date:2025-01-01\ncve,epss,percentile\n"
	 "CVE-2024-1000,0.5,0.25\n",
	 0, VG_OK, "CVE-2024-1000 0.50000 0.25000 -\n", NULL},
	{"model last",
	 "#score_date:x,model_version:v9\ncve,epss,percentile\n"
	 "CVE-2024-1000,1,0\n",
	 0, VG_OK, "CVE-2024-1000 1.00000 0.00000 v9\n", NULL},
	{"comment without line end", "#model_version:v1", 0, VG_ERR_PARSE, "",
	 "no header"},
	{"BOM and CRLF",
	 "\xef\xbb\xbf#model_version:v2\r\ncve,epss,percentile\r\n"
	 "CVE-2024-1000,0.1,0.2\r\n",
	 0, VG_OK, "CVE-2024-1000 0.10000 0.20000 v2\n", NULL},
	{"CR alone",
	 "#model_version:v3\rcve,epss,percentile\rCVE-2024-1000,0.1,"
	 "0.2\rCVE-2024-1001,2,0\r",
	 0, VG_OK, "CVE-2024-1000 0.10000 0.20000 v3\n", "e.csv:4:"},
	{"extra columns", "cve,epss,percentile,x\nCVE-2024-1000,0.1,0.2,y\n", 0,
	 VG_OK, "CVE-2024-1000 0.10000 0.20000 -\n", NULL},
	{"quoted fields", HDR "\"CVE-2024-1000\",\"0.1\",\"0.2\"\n", 0, VG_OK,
	 "CVE-2024-1000 0.10000 0.20000 v1\n", NULL},
	{"exponent", HDR "CVE-2024-1000,4e-05,1E-1\n", 0, VG_OK,
	 "CVE-2024-1000 0.00004 0.10000 v1\n", NULL},
	{"epss above 1", HDR "CVE-2024-1000,1.5,0.2\nCVE-2024-1001,0.1,0.2\n",
	 0, VG_OK, "CVE-2024-1001 0.10000 0.20000 v1\n",
	 "e.csv:3: CVE-2024-1000: epss or percentile not a number"},
	{"negative", HDR "CVE-2024-1000,-0.1,0.2\n", 0, VG_OK, "", "e.csv:3:"},
	{"comma decimal", HDR "CVE-2024-1000,\"0,1\",0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"not a number", HDR "CVE-2024-1000,abc,0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"empty number", HDR "CVE-2024-1000,,0.2\n", 0, VG_OK, "", "e.csv:3:"},
	{"trailing junk", HDR "CVE-2024-1000,0.1x,0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"spaces", HDR "CVE-2024-1000, 0.1,0.2\n", 0, VG_OK, "", "e.csv:3:"},
	{"lone dot", HDR "CVE-2024-1000,.,0.2\n", 0, VG_OK, "", "e.csv:3:"},
	{"exponent without digits", HDR "CVE-2024-1000,1e,0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"huge exponent", HDR "CVE-2024-1000,1e999,0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"nan", HDR "CVE-2024-1000,nan,0.2\n", 0, VG_OK, "", "e.csv:3:"},
	{"too few fields", HDR "CVE-2024-1000,0.1\n", 0, VG_OK, "",
	 "e.csv:3: expected 3 fields"},
	{"bad CVE", HDR "CVE-24-1000,0.1,0.2\n", 0, VG_OK, "",
	 "e.csv:3: bad CVE id 'CVE-24-1000'"},
	{"lower-case CVE", HDR "cve-2024-1000,0.1,0.2\n", 0, VG_OK, "",
	 "bad CVE id"},
	{"NUL in a row", NUL_ROW, sizeof(NUL_ROW) - 1, VG_OK,
	 "CVE-2024-1001 0.10000 0.20000 v1\n", "e.csv:3:"},
	{"open quote at the end", HDR "CVE-2024-1000,\"0.1,0.2\n", 0, VG_OK, "",
	 "e.csv:3:"},
	{"long field", HDR "CVE-2024-1000,0.1" Z50 Z50 Z50 Z50 Z50 Z50 "1,0\n",
	 0, VG_OK, "", "e.csv:3:"},
	{"not UTF-8 id", HDR "CVE-2024-\xff\xfe,0.1,0.2\n", 0, VG_OK, "",
	 "bad CVE id"},
};

static void
test_cases(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	const struct epss_case *k;
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
		if (rc != k->rc || strcmp(c->out, k->want) != 0)
			fail_msg("%s: rc %d (%s), got '%s'", k->what, rc,
				 err.msg, c->out);
		feed_check_msg(k->what, k->msg, rc, &s, &err, &c->w);
	}
	free(c);
}

/* Many bad rows: all counted, at most VG_FEED_MAX_WARNINGS passed on. */
static void
test_warning_cap(void **state)
{
	struct collect *c = calloc(1, sizeof(*c));
	struct vg_feed_sink s;
	struct vg_err err;
	size_t cap = 1u << 20, i, n;
	char *buf;

	(void)state;
	assert_non_null(c);
	buf = malloc(cap);
	assert_non_null(buf);
	n = (size_t)snprintf(buf, cap, "cve,epss,percentile\n");
	for (i = 0; i < 3000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "x,1,1\n");
	n += (size_t)snprintf(buf + n, cap - n, "CVE-2024-1000,1,1\n");
	memset(&s, 0, sizeof(s));
	s.epss = on_epss;
	s.ctx = c;
	assert_int_equal(vg_feed_epss(buf, n, NULL, &s, &err), VG_OK);
	assert_int_equal(s.n_warnings, 3000);
	assert_int_equal(c->n, 1);
	free(buf);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_warning_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

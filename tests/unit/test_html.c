/*
 * The console's HTML layer (web/html.h, web/svg.h): the escapers, one
 * row per hostile byte class, text against attribute context; the page
 * cap; redirects kept local; SVG charts with hostile labels.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "web/html.h"
#include "web/svg.h"
#include "util/banned.h"

#define FFFD "\xef\xbf\xbd"

struct escape_row {
	const char *in;
	size_t len;
	const char *text; /* expected from vg_html_textn */
	const char *attr; /* expected from vg_html_attr (no NUL inside) */
};

#define ROW(s, t, a)                                                           \
	{                                                                      \
		s, sizeof(s) - 1, t, a                                         \
	}

static const struct escape_row escape_rows[] = {
	ROW("", "", ""),
	ROW("plain text 42", "plain text 42", "plain text 42"),
	ROW("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;",
	    "&lt;script&gt;alert(1)&lt;/script&gt;"),
	ROW("a&b", "a&amp;b", "a&amp;b"),
	ROW("&amp;", "&amp;amp;", "&amp;amp;"),
	ROW("\"'", "&quot;&#39;", "&quot;&#39;"),
	ROW("\" onmouseover=\"x", "&quot; onmouseover=&quot;x",
	    "&quot; onmouseover=&quot;x"),
	ROW("a\tb\nc", "a\tb\nc", "a&#9;b&#10;c"),
	ROW("a\rb", "a\rb", "a&#13;b"),
	ROW("`x`", "`x`", "&#96;x&#96;"),
	ROW("\x01\x1b[31m", FFFD FFFD "[31m", FFFD FFFD "[31m"),
	ROW("del\x7f", "del" FFFD, "del" FFFD),
	ROW("caf\xc3\xa9", "caf\xc3\xa9", "caf\xc3\xa9"),
	ROW("\xe2\x80\x94 \xf0\x9f\x94\x92", "\xe2\x80\x94 \xf0\x9f\x94\x92",
	    "\xe2\x80\x94 \xf0\x9f\x94\x92"),
	ROW("latin1 \xe9t\xe9", "latin1 " FFFD "t" FFFD,
	    "latin1 " FFFD "t" FFFD),
	ROW("cut \xc3", "cut " FFFD, "cut " FFFD),
	ROW("\xc0\xaf", FFFD FFFD, FFFD FFFD),               /* overlong '/' */
	ROW("\xed\xa0\x80", FFFD FFFD FFFD, FFFD FFFD FFFD), /* surrogate */
	ROW("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD,
	    FFFD FFFD FFFD FFFD), /* past U+10FFFF */
	ROW("c1 \xc2\x85.", "c1 " FFFD ".", "c1 " FFFD "."),
	ROW("nbsp\xc2\xa0", "nbsp\xc2\xa0", "nbsp\xc2\xa0"),
	ROW("\xff\xfe<", FFFD FFFD "&lt;", FFFD FFFD "&lt;"),
};

static char *
render_text(const char *s, size_t n, bool attr)
{
	struct vg_html h;
	char *out;

	vg_html_init(&h, 4096);
	if (attr)
		vg_html_attr(&h, s);
	else
		vg_html_textn(&h, s, n);
	assert_int_equal(h.rc, VG_OK);
	out = strdup(vg_buf_str(&h.buf));
	assert_non_null(out);
	vg_html_release(&h);
	return out;
}

static void
test_escape_table(void **state)
{
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(escape_rows); i++) {
		const struct escape_row *r = &escape_rows[i];

		out = render_text(r->in, r->len, false);
		if (strcmp(out, r->text) != 0)
			fail_msg("text row %zu: got '%s', want '%s'", i, out,
				 r->text);
		free(out);
		out = render_text(r->in, r->len, true);
		if (strcmp(out, r->attr) != 0)
			fail_msg("attr row %zu: got '%s', want '%s'", i, out,
				 r->attr);
		free(out);
	}
}

/* A NUL byte in counted text is replaced, not a cut. */
static void
test_escape_nul(void **state)
{
	char *out;

	(void)state;
	out = render_text("a\0<b", 4, false);
	assert_string_equal(out, "a" FFFD "&lt;b");
	free(out);
}

static void
test_null_and_int(void **state)
{
	struct vg_html h;

	(void)state;
	vg_html_init(&h, 256);
	vg_html_text(&h, NULL);
	vg_html_attr(&h, NULL);
	vg_html_urlarg(&h, NULL);
	vg_html_int(&h, -9223372036854775807LL - 1);
	vg_html_raw(&h, " ");
	vg_html_int(&h, 42);
	assert_string_equal(vg_buf_str(&h.buf), "-9223372036854775808 42");
	vg_html_release(&h);
}

static void
test_urlarg(void **state)
{
	struct vg_html h;

	(void)state;
	vg_html_init(&h, 256);
	vg_html_urlarg(&h, "a b&c/\xc3\xa9\"<>~._-Z9");
	assert_string_equal(vg_buf_str(&h.buf),
			    "a%20b%26c%2F%C3%A9%22%3C%3E~._-Z9");
	vg_html_release(&h);
}

/* Past its cap a page fails as a whole: a 500, never half a page. */
static void
test_cap(void **state)
{
	struct vg_http_response resp;
	struct vg_html h;
	char *big;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	vg_html_init(&h, 16);
	vg_html_raw(&h, "<p>0123456789");
	assert_int_equal(h.rc, VG_OK);
	vg_html_text(&h, "<<<<"); /* 16 bytes of entities: over */
	assert_int_equal(h.rc, VG_ERR_LIMIT);
	vg_html_raw(&h, "x"); /* sticky: nothing more goes in */
	assert_int_equal(h.rc, VG_ERR_LIMIT);
	assert_string_equal(vg_buf_str(&h.buf), "<p>0123456789");
	vg_html_respond(&h, &resp, 200);
	assert_int_equal(resp.status, 500);
	assert_true(resp.html);
	assert_null(strstr(resp.body, "0123456789"));
	vg_http_response_release(&resp);

	/* The real cap: 3 MiB of text does not fit a 2 MiB page. */
	big = malloc(3u << 20);
	assert_non_null(big);
	memset(big, 'a', (3u << 20) - 1);
	big[(3u << 20) - 1] = '\0';
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_text(&h, big);
	assert_int_equal(h.rc, VG_ERR_LIMIT);
	vg_html_respond(&h, &resp, 200);
	assert_int_equal(resp.status, 500);
	assert_true(resp.len < 1024);
	vg_http_response_release(&resp);
	free(big);
}

static void
test_respond(void **state)
{
	struct vg_http_response resp;
	struct vg_html h;

	(void)state;
	memset(&resp, 0, sizeof(resp));
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_raw(&h, "<p>");
	vg_html_text(&h, "ok");
	vg_html_raw(&h, "</p>");
	vg_html_respond(&h, &resp, 201);
	assert_int_equal(resp.status, 201);
	assert_true(resp.html);
	assert_non_null(strstr(resp.content_type, "text/html"));
	assert_int_equal(resp.len, 9);
	assert_string_equal(resp.body, "<p>ok</p>");
	assert_null(h.buf.data);
	vg_http_response_release(&resp);
}

static void
test_local_path(void **state)
{
	static const struct {
		const char *path;
		bool ok;
	} rows[] = {
		{"/", true},
		{"/assets?site=a%20b&offset=50", true},
		{"/assets/12", true},
		{"//evil.example/", false},
		{"/\\evil.example", false},
		{"/a\\b", false},
		{"http://evil.example/", false},
		{"javascript:alert(1)", false},
		{"", false},
		{NULL, false},
		{"/a b", false},
		{"/a\r\nSet-Cookie: x=1", false},
		{"/\xc3\xa9", false},
	};
	struct vg_http_response resp;
	char longpath[600];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		if (vg_html_local_path(rows[i].path) != rows[i].ok)
			fail_msg("row %zu: '%s'", i,
				 rows[i].path ? rows[i].path : "(null)");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_false(vg_html_local_path(longpath));

	memset(&resp, 0, sizeof(resp));
	vg_html_redirect(&resp, "//evil.example/");
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/");
	vg_html_redirect(&resp, "/findings?status=open");
	assert_string_equal(resp.location, "/findings?status=open");
	vg_html_redirect(&resp, longpath);
	assert_string_equal(resp.location, "/");
	vg_http_response_release(&resp);
}

static void
test_score(void **state)
{
	static const struct {
		int score;
		const char *want;
	} rows[] = {
		{72, "<span class=\"score fair\">72/100</span>"},
		{100, "<span class=\"score good\">100/100</span>"},
		{0, "<span class=\"score poor\">0/100</span>"},
		{-1, "<span class=\"score none\">—</span>"},
		{101, "<span class=\"score none\">—</span>"},
	};
	json_t *scores = json_pack("{s:i, s:n, s:i, s:s}", "R1", 80, "R2", "R3",
				   250, "R4", "90");
	struct vg_html h;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_html_init(&h, 256);
		vg_html_score(&h, rows[i].score);
		assert_string_equal(vg_buf_str(&h.buf), rows[i].want);
		vg_html_release(&h);
	}
	assert_int_equal(vg_html_score_of(scores, "R1"), 80);
	assert_int_equal(vg_html_score_of(scores, "R2"), -1); /* null */
	assert_int_equal(vg_html_score_of(scores, "R3"), -1); /* range */
	assert_int_equal(vg_html_score_of(scores, "R4"), -1); /* string */
	assert_int_equal(vg_html_score_of(scores, "R5"), -1); /* absent */
	assert_int_equal(vg_html_score_of(NULL, "R1"), -1);
	json_decref(scores);
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

static void
test_svg_bars_hostile(void **state)
{
	struct vg_svg_bar bars[3] = {
		{"R1", "<script>alert(1)</script>", 85, "/rules/R1"},
		{"\"><script>x</script>", "a&b", -1, NULL},
		{"R3", "\xff\xfe", 250, "/rules/\"onclick=\"x"},
	};
	struct vg_html h;
	const char *out;

	(void)state;
	vg_html_init(&h, VG_HTML_MAX);
	vg_svg_bars(&h, "rule-bars", "Score \"per\" <rule>", bars, 3);
	assert_int_equal(h.rc, VG_OK);
	out = vg_buf_str(&h.buf);
	assert_non_null(strstr(out, "<svg "));
	assert_non_null(strstr(out, "id=\"rule-bars\""));
	assert_int_equal(count(out, "<g class=\"rule-bar"), 3);
	assert_non_null(strstr(out, "data-rule=\"R1\""));
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "\"onclick"));
	assert_null(strstr(out, "\xff"));
	assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(out, "data-rule=\"&quot;&gt;&lt;script&gt;"));
	assert_non_null(strstr(out, "a&amp;b"));
	assert_non_null(strstr(out, "Score &quot;per&quot; &lt;rule&gt;"));
	/* Scores: 85 drawn, no score and an out-of-range one as "—". */
	assert_non_null(strstr(out,
			       "R1 &lt;script&gt;alert(1)&lt;/script&gt;: "
			       "85/100"));
	assert_int_equal(count(out, "rule-bar none"), 2);
	assert_int_equal(count(out, "<a href="), 2);
	vg_html_release(&h);
}

static void
test_svg_line(void **state)
{
	struct vg_svg_point pts[5] = {
		{"2026-01-01", 50},
		{"<b>", -1},
		{"2026-01-03", 60},
		{"x", 70},
		{"2026-01-05\"/><script>", 80},
	};
	struct vg_svg_point *many;
	struct vg_html h;
	const char *out;
	size_t i;

	(void)state;
	vg_html_init(&h, VG_HTML_MAX);
	vg_svg_line(&h, "trend", "Trend", pts, 5);
	assert_int_equal(h.rc, VG_OK);
	out = vg_buf_str(&h.buf);
	assert_non_null(strstr(out, "id=\"trend\""));
	/* The gap splits the line in two; a dot per valid point. */
	assert_int_equal(count(out, "<polyline"), 2);
	assert_int_equal(count(out, "<circle"), 4);
	assert_null(strstr(out, "<script"));
	assert_null(strstr(out, "<b>"));
	assert_non_null(strstr(out, "2026-01-05&quot;/&gt;&lt;script&gt;"));
	vg_html_release(&h);

	/* Nothing to draw: a frame and a note, no line. */
	vg_html_init(&h, VG_HTML_MAX);
	vg_svg_line(&h, "history", "History", NULL, 0);
	assert_int_equal(count(vg_buf_str(&h.buf), "<polyline"), 0);
	assert_non_null(strstr(vg_buf_str(&h.buf), "class=\"empty\""));
	vg_html_release(&h);

	/* A long series keeps its last VG_SVG_MAX_POINTS points. */
	many = calloc(VG_SVG_MAX_POINTS + 100, sizeof(*many));
	assert_non_null(many);
	for (i = 0; i < VG_SVG_MAX_POINTS + 100; i++) {
		many[i].label = i == 0 ? "first" : "day";
		many[i].value = (int)(i % 101);
	}
	vg_html_init(&h, VG_HTML_MAX);
	vg_svg_line(&h, "trend", "Trend", many, VG_SVG_MAX_POINTS + 100);
	assert_int_equal(h.rc, VG_OK);
	assert_int_equal(count(vg_buf_str(&h.buf), "<circle"),
			 VG_SVG_MAX_POINTS);
	assert_null(strstr(vg_buf_str(&h.buf), "first"));
	vg_html_release(&h);
	free(many);
}

/* The skeleton: nav by role, whoami escaped, the logout form's csrf. */
static void
test_page_skeleton(void **state)
{
	struct vg_principal p;
	struct vg_html h;
	const char *out;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.kind = VG_PRINCIPAL_SESSION;
	p.role = VG_ROLE_DIRECTION;
	(void)snprintf(p.name, sizeof(p.name), "<i>boss</i>");
	(void)snprintf(p.csrf, sizeof(p.csrf), "tok\"en");
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, &p, "<Title>", VG_NAV_DASHBOARD);
	vg_html_page_end(&h);
	out = vg_buf_str(&h.buf);
	assert_non_null(strstr(out, "<nav id=\"menu\">"));
	assert_non_null(strstr(out, "<span id=\"whoami\">&lt;i&gt;boss"));
	assert_non_null(strstr(out, "<form id=\"logout\""));
	assert_non_null(strstr(out, "name=\"csrf\" value=\"tok&quot;en\""));
	assert_non_null(strstr(out, "<title>&lt;Title&gt;"));
	assert_null(strstr(out, "href=\"/assets\""));
	assert_null(strstr(out, "href=\"/findings\""));
	assert_null(strstr(out, "style="));
	assert_null(strstr(out, "<script"));
	vg_html_release(&h);

	p.role = VG_ROLE_TECHNICIEN;
	vg_html_init(&h, VG_HTML_MAX);
	vg_html_page_begin(&h, &p, "t", VG_NAV_ASSETS);
	out = vg_buf_str(&h.buf);
	assert_non_null(strstr(out, "href=\"/assets\" class=\"active\""));
	assert_non_null(strstr(out, "href=\"/findings\""));
	vg_html_release(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_nul),
		cmocka_unit_test(test_null_and_int),
		cmocka_unit_test(test_urlarg),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_respond),
		cmocka_unit_test(test_local_path),
		cmocka_unit_test(test_score),
		cmocka_unit_test(test_svg_bars_hostile),
		cmocka_unit_test(test_svg_line),
		cmocka_unit_test(test_page_skeleton),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

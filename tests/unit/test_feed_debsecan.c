/*
 * vuln/feed_debsecan.c: the debsecan "VERSION 1" feed. A tiny fixture
 * (compressed and not), hostile lines and zlib streams, and the real
 * bullseye and GENERIC feeds of 2021 (shared/data/vuln, read-only):
 * every package row is delivered with the name its index points at, and
 * debsecan's own decision (its exact-membership quirk, reproduced here
 * only as a test oracle) gives the reference's vectors (1.4).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "support.h"
#include "feed_support.h"
#include "core/dpkg_version.h"
#include "vuln/feed.h"
#include "util/banned.h"

#define DATA_DIR "/work/shared/data/vuln"
#define MAX_ROWS 32

struct row {
	char id[VG_FEED_MAX_ID + 1];
	char pkg[VG_FEED_MAX_NAME + 1];
	char rel[VG_FEED_MAX_NAME + 1];
	char fixed[VG_FEED_MAX_VERSION + 1];
	char unstable[VG_FEED_MAX_VERSION + 1];
	char other[1024]; /* joined with single spaces */
	char desc[128];
	enum vg_vuln_status status;
	enum vg_urgency urgency;
	bool remote, fix_in_release, has_desc;
	char kind;
	size_t n_other;
};

struct got {
	struct feed_warns w; /* first: feed_on_warn's context */
	struct row rows[MAX_ROWS];
	size_t n, n_fix_in_release;
	enum vg_rc fail_with;
	/* real feeds: the rows of section 2 as the test itself reads them,
	 * and the names of section 1, to check each record's id */
	const char *const *names;
	size_t n_names;
	const char *expect; /* next expected row line */
	size_t mismatches;
	/* keep a copy of this id/package's row */
	const char *keep_id, *keep_pkg;
};
_Static_assert(offsetof(struct got, w) == 0, "feed_warns first");

static void
fill(struct row *o, const struct vg_vuln_rec *r,
     const struct vg_debsecan_extra *x)
{
	size_t i, off = 0;

	memset(o, 0, sizeof(*o));
	feed_copy(o->id, sizeof(o->id), r->id);
	feed_copy(o->pkg, sizeof(o->pkg), r->package);
	feed_copy(o->rel, sizeof(o->rel), r->release ? r->release : "(null)");
	feed_copy(o->fixed, sizeof(o->fixed), r->fixed_version);
	feed_copy(o->unstable, sizeof(o->unstable), x->unstable_fixed);
	feed_copy(o->desc, sizeof(o->desc), r->description);
	o->has_desc = r->description != NULL;
	for (i = 0; i < x->n_other_versions; i++)
		off += (size_t)snprintf(o->other + off, sizeof(o->other) - off,
					"%s%s", i ? " " : "",
					x->other_versions[i]);
	o->status = r->status;
	o->urgency = r->urgency;
	o->remote = r->remote;
	o->fix_in_release = x->fix_in_release;
	o->kind = x->kind;
	o->n_other = x->n_other_versions;
}

/* Compare the record with the next row line the test read itself:
 * "pkg,index,flags,unstable,other" */
static void
compare_row_line(struct got *g, const struct vg_vuln_rec *r,
		 const struct vg_debsecan_extra *x)
{
	const char *l = g->expect, *nl = strchr(l, '\n');
	char buf[4096];
	char *f[5], *p;
	size_t i, n = nl ? (size_t)(nl - l) : strlen(l), idx;

	g->expect = nl ? nl + 1 : l + n;
	assert_true(n < sizeof(buf));
	memcpy(buf, l, n);
	buf[n] = '\0';
	for (i = 0, p = buf; i < 5; i++) {
		f[i] = p;
		if (i < 4) {
			p = strchr(p, ',');
			assert_non_null(p);
			*p++ = '\0';
		}
	}
	idx = strtoul(f[1], NULL, 10);
	assert_true(idx < g->n_names);
	if (strcmp(r->id, g->names[idx]) != 0 ||
	    strcmp(r->package, f[0]) != 0 ||
	    strcmp(x->unstable_fixed, f[3]) != 0 ||
	    (x->n_other_versions > 0 &&
	     strncmp(f[4], x->other_versions[0],
		     strlen(x->other_versions[0])) != 0) ||
	    x->fix_in_release != (f[2][3] == 'F'))
		g->mismatches++;
}

static enum vg_rc
on_row(void *ctx, const struct vg_vuln_rec *r,
       const struct vg_debsecan_extra *x)
{
	struct got *g = ctx;

	assert_true(strlen(r->id) <= VG_FEED_MAX_ID);
	assert_true(strlen(r->package) <= VG_FEED_MAX_NAME);
	assert_string_equal(r->source, "debsecan");
	assert_true((r->status == VG_VULN_FIXED) ==
		    (x->unstable_fixed[0] != '\0'));
	if (g->expect != NULL)
		compare_row_line(g, r, x);
	if (g->keep_id != NULL) {
		if (strcmp(r->id, g->keep_id) == 0 &&
		    strcmp(r->package, g->keep_pkg) == 0 && g->n < MAX_ROWS)
			fill(&g->rows[g->n++], r, x);
		g->n_fix_in_release += x->fix_in_release;
		return VG_OK;
	}
	if (g->n < MAX_ROWS)
		fill(&g->rows[g->n], r, x);
	g->n++;
	g->n_fix_in_release += x->fix_in_release;
	return g->fail_with;
}

static enum vg_rc
run(const char *buf, size_t len, bool inflated, const char *release,
    struct got *g, struct vg_feed_sink *sink, struct vg_err *err)
{
	feed_sink_init(sink, g, err);
	sink->debsecan = on_row;
	return vg_feed_debsecan(buf, len, inflated, release, "t", sink, err);
}

/*
 * debsecan's is_vulnerable (src/debsecan, 0.4.x), for a source-kind
 * entry matched by source name: vulnerable iff the sid fix is unknown or
 * newer than the installed version, AND the installed version is not
 * exactly one of other_versions. This exact-membership test is
 * debsecan's quirk (a host between a branch fix and the sid fix is
 * called vulnerable), kept here only as an oracle for the reference's
 * vectors; vigie's matcher compares with the fix of the host's release.
 */
static bool
debsecan_vulnerable(const struct row *r, const char *installed)
{
	char other[sizeof(r->other)], *p, *q;

	if (r->unstable[0] != '\0' &&
	    vg_dpkg_version_cmp(installed, r->unstable) >= 0)
		return false;
	feed_copy(other, sizeof(other), r->other);
	for (p = other; *p != '\0'; p = q) {
		q = strchr(p, ' ');
		if (q != NULL)
			*q++ = '\0';
		else
			q = p + strlen(p);
		if (strcmp(p, installed) == 0)
			return false;
	}
	return true;
}

static void
test_tiny(void **state)
{
	static const char *const files[] = {"debsecan-tiny.z",
					    "debsecan-tiny.txt"};
	char path[512];
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	const struct row *r;
	size_t len, i;
	char *buf;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof(path), "%s/vuln/%s", VG_TEST_FIXTURES,
			 files[i]);
		buf = feed_read_file(path, &len);
		assert_non_null(buf);
		memset(&g, 0, sizeof(g));
		assert_int_equal(
			run(buf, len, i == 1, "bullseye", &g, &sink, &err),
			VG_OK);
		assert_int_equal(g.n, 6);
		assert_int_equal(g.w.n, 0);
		r = &g.rows[1];
		assert_string_equal(r->id, "CVE-2021-34798");
		assert_string_equal(r->pkg, "apache2");
		assert_string_equal(r->rel, "bullseye");
		assert_int_equal(r->status, VG_VULN_FIXED);
		assert_string_equal(r->fixed, "2.4.49-1");
		assert_string_equal(r->other,
				    "2.4.25-3+deb9u11 "
				    "2.4.38-3+deb10u6 "
				    "2.4.51-1~deb11u1");
		assert_int_equal(r->n_other, 3);
		assert_true(r->fix_in_release);
		assert_int_equal(r->kind, 'S');
		assert_int_equal(r->urgency, VG_URG_UNKNOWN);
		assert_false(r->remote);
		assert_true(r->has_desc);
		assert_non_null(strstr(r->desc, "NULL pointer"));
		r = &g.rows[2]; /* SHR  */
		assert_string_equal(r->id, "CVE-2021-3712");
		assert_int_equal(r->urgency, VG_URG_HIGH);
		assert_true(r->remote);
		assert_false(r->fix_in_release);
		assert_non_null(strstr(r->desc, "ASN1_STRING structure, "));
		r = &g.rows[3]; /* BM?  unfixed, binary */
		assert_string_equal(r->pkg, "libssl1.1");
		assert_int_equal(r->kind, 'B');
		assert_int_equal(r->urgency, VG_URG_MEDIUM);
		assert_false(r->remote);
		assert_int_equal(r->status, VG_VULN_OPEN);
		assert_string_equal(r->fixed, "");
		assert_int_equal(r->n_other, 0);
		r = &g.rows[4]; /* empty description */
		assert_string_equal(r->id, "TEMP-0000000-1A2B3C");
		assert_int_equal(r->urgency, VG_URG_LOW);
		assert_false(r->has_desc);
		free(buf);
	}
}

struct hostile {
	const char *what;
	const char *in;
	enum vg_rc rc;
	size_t rows, warns;
	const char *warn; /* in the first warning */
};

#define HEAD "VERSION 1\nCVE-1,,d\nCVE-2,,d\n\n"

static const struct hostile hostile[] = {
	{"empty", "", VG_ERR_PARSE, 0, 0, NULL},
	{"other version", "VERSION 0\n", VG_ERR_PARSE, 0, 0, NULL},
	{"version 10", "VERSION 10\n", VG_ERR_PARSE, 0, 0, NULL},
	{"html", "<html>", VG_ERR_PARSE, 0, 0, NULL},
	{"header only", "VERSION 1\n", VG_OK, 0, 0, NULL},
	{"crlf", "VERSION 1\r\nCVE-1,,d\r\n\r\np,0,S   ,1,\r\n", VG_OK, 1, 0,
	 NULL},
	{"good", HEAD "p,1,S   ,1.0-1,0.9-1\n", VG_OK, 1, 0, NULL},
	{"index out of range", HEAD "p,2,S   ,1,\np,1,S   ,1,\n", VG_OK, 1, 1,
	 "t:5: bad vulnerability index '2'"},
	{"negative index", HEAD "p,-1,S   ,1,\n", VG_OK, 0, 1, "index"},
	{"index not a number", HEAD "p,1x,S   ,1,\n", VG_OK, 0, 1, "index"},
	{"huge index", HEAD "p,99999999999999999999999,S   ,1,\n", VG_OK, 0, 1,
	 "index"},
	{"empty index", HEAD "p,,S   ,1,\n", VG_OK, 0, 1, "index"},
	{"4 fields", HEAD "p,1,S   ,1\n", VG_OK, 0, 1, "t:5: not 5 fields"},
	{"6 fields", HEAD "p,1,S   ,1,,\n", VG_OK, 0, 1, "not 5 fields"},
	{"short flags", HEAD "p,1,S  ,1,\n", VG_OK, 0, 1, "flags"},
	{"empty package", HEAD ",1,S   ,1,\n", VG_OK, 0, 1, "package"},
	{"package with a space", HEAD "p q,1,S   ,1,\n", VG_OK, 0, 1,
	 "package"},
	{"tab in a version", HEAD "p,1,S   ,1\t2,\n", VG_OK, 0, 1, "version"},
	{"control byte in other", HEAD "p,1,S   ,1,2 \x01\n", VG_OK, 0, 1,
	 "version"},
	{"bad name keeps its index",
	 "VERSION 1\nbad name,,d\nCVE-2,,d\n\np,0,S   ,1,\np,1,S   ,1,\n",
	 VG_OK, 1, 2, "t:2: bad vulnerability name"},
	{"empty name", "VERSION 1\n,,d\n\np,0,S   ,1,\n", VG_OK, 0, 2, "name"},
	{"name without comma", "VERSION 1\nCVE-1\n\np,0,S   ,1,\n", VG_OK, 1, 0,
	 NULL},
	{"bad map line", HEAD "p,1,S   ,1,\n\n,x\nsrc,a b\n", VG_OK, 1, 1,
	 "t:7: bad source-to-binary"},
	{"trailing empty lines", HEAD "p,1,S   ,1,\n\n\n\n\n", VG_OK, 1, 0,
	 NULL},
	{"no section 1 end", "VERSION 1\nCVE-1,,d\n", VG_OK, 0, 0, NULL},
	{"extra spaces in other", HEAD "p,1,S   ,1,  a  b  \n", VG_OK, 1, 0,
	 NULL},
};

static void
test_hostile(void **state)
{
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	enum vg_rc rc;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(hostile); i++) {
		memset(&g, 0, sizeof(g));
		rc = run(hostile[i].in, strlen(hostile[i].in), true, NULL, &g,
			 &sink, &err);
		if (rc != hostile[i].rc || g.n != hostile[i].rows ||
		    g.w.n != hostile[i].warns ||
		    (hostile[i].warn != NULL &&
		     strstr(g.w.first, hostile[i].warn) == NULL)) {
			print_error("%s: rc %d rows %zu warns %zu '%s' '%s'\n",
				    hostile[i].what, rc, g.n, g.w.n, g.w.first,
				    err.msg);
			fail();
		}
	}
	/* the "bad name keeps its index" row points at CVE-2 */
	memset(&g, 0, sizeof(g));
	run(hostile[19].in, strlen(hostile[19].in), true, NULL, &g, &sink,
	    &err);
	assert_string_equal(g.rows[0].id, "CVE-2");
	/* "extra spaces": two versions */
	memset(&g, 0, sizeof(g));
	run(hostile[25].in, strlen(hostile[25].in), true, NULL, &g, &sink,
	    &err);
	assert_string_equal(g.rows[0].other, "a b");
	assert_string_equal(g.rows[0].rel, "(null)");
}

/* n copies of c, as a string (static storage, one at a time). */
static const char *
rep(char c, size_t n)
{
	static char buf[8192];

	assert_true(n < sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* Fields past the limits: warned about, never delivered. */
static void
test_oversized(void **state)
{
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	size_t cap = 1u << 20, n, i, k;
	char *doc = malloc(cap), *many = malloc(cap);

	(void)state;
	assert_non_null(doc);
	assert_non_null(many);
	for (i = 0, n = 0; i < 1025; i++) /* 1025 versions */
		n += (size_t)snprintf(many + n, cap - n, "1.%zu ", i);
	assert_true(n < 8000);
	for (i = 0, n = 8000; i < 300; i++)
		n += (size_t)snprintf(many + n, cap - n, "%s ", rep('4', 250));
	for (k = 0; k < 6; k++) {
		static char name[8192], pkg[8192], unstable[8192];
		const char *other = "";

		snprintf(name, sizeof(name), "%s",
			 k == 0 ? rep('C', VG_FEED_MAX_ID + 1) : "CVE-1");
		snprintf(pkg, sizeof(pkg), "%s",
			 k == 1 ? rep('p', VG_FEED_MAX_NAME + 1) : "p");
		snprintf(unstable, sizeof(unstable), "%s",
			 k == 2 ? rep('1', VG_FEED_MAX_VERSION + 1) : "1");
		if (k == 3)
			other = many;
		if (k == 4)
			other = rep('2', VG_FEED_MAX_VERSION + 1);
		if (k == 5) /* 300 versions of 250 bytes: a 75 KB field */
			other = many + 8000;
		n = (size_t)snprintf(doc, cap,
				     "VERSION 1\n%s,,\n\n%s,0,S   ,%s,%s\n",
				     name, pkg, unstable, other);
		memset(&g, 0, sizeof(g));
		assert_int_equal(run(doc, n, true, NULL, &g, &sink, &err),
				 VG_OK);
		if (g.n != 0 || g.w.n == 0) {
			print_error("case %zu: rows %zu warns %zu\n", k, g.n,
				    g.w.n);
			fail();
		}
	}
	/* at the limits: delivered */
	n = (size_t)snprintf(doc, cap, "VERSION 1\n%s,,\n\n",
			     rep('C', VG_FEED_MAX_ID));
	n += (size_t)snprintf(doc + n, cap - n, "%s,0,S   ,",
			      rep('p', VG_FEED_MAX_NAME));
	n += (size_t)snprintf(doc + n, cap - n, "%s,\n",
			      rep('1', VG_FEED_MAX_VERSION));
	memset(&g, 0, sizeof(g));
	assert_int_equal(run(doc, n, true, NULL, &g, &sink, &err), VG_OK);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.w.n, 0);
	free(doc);
	free(many);
}

/* Compress text with zlib, for the stream tests. */
static unsigned char *
deflate_text(const char *text, size_t len, size_t *out_len)
{
	uLongf n = compressBound(len);
	unsigned char *out = malloc(n);

	assert_non_null(out);
	assert_int_equal(compress2(out, &n, (const Bytef *)text, len, 9), Z_OK);
	*out_len = n;
	return out;
}

static void
test_zlib(void **state)
{
	static const char text[] = HEAD "p,1,S   ,1,\n";
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	unsigned char *z, *bomb;
	size_t zn, bn = 0, chunk = 1u << 20, total;
	z_stream s;
	unsigned char *zero;

	(void)state;
	z = deflate_text(text, sizeof(text) - 1, &zn);
	memset(&g, 0, sizeof(g));
	assert_int_equal(run((char *)z, zn, false, NULL, &g, &sink, &err),
			 VG_OK);
	assert_int_equal(g.n, 1);
	/* truncated stream */
	assert_int_equal(run((char *)z, zn / 2, false, NULL, &g, &sink, &err),
			 VG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "t: truncated zlib stream"));
	/* corrupt header, plain text, empty */
	z[0] ^= 0xff;
	assert_int_equal(run((char *)z, zn, false, NULL, &g, &sink, &err),
			 VG_ERR_PARSE);
	assert_string_equal(err.msg, "t: not a zlib stream");
	z[0] ^= 0xff;
	z[zn / 2] ^= 0x55; /* corrupt body: bad data or bad checksum */
	assert_int_equal(run((char *)z, zn, false, NULL, &g, &sink, &err),
			 VG_ERR_PARSE);
	assert_int_equal(
		run(text, sizeof(text) - 1, false, NULL, &g, &sink, &err),
		VG_ERR_PARSE);
	assert_string_equal(err.msg, "t: not a zlib stream");
	assert_int_equal(run("", 0, false, NULL, &g, &sink, &err),
			 VG_ERR_PARSE);
	free(z);

	/* A bomb: 600 MB of zeros in well under a megabyte. */
	zero = calloc(1, chunk);
	assert_non_null(zero);
	bomb = malloc(2u << 20);
	assert_non_null(bomb);
	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit(&s, 9), Z_OK);
	s.next_out = bomb;
	s.avail_out = 2u << 20;
	for (total = 0; total < (600u << 20); total += chunk) {
		s.next_in = zero;
		s.avail_in = (uInt)chunk;
		assert_int_equal(deflate(&s, Z_NO_FLUSH), Z_OK);
	}
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	bn = (size_t)s.total_out;
	deflateEnd(&s);
	memset(&g, 0, sizeof(g));
	assert_int_equal(run((char *)bomb, bn, false, NULL, &g, &sink, &err),
			 VG_ERR_LIMIT);
	assert_int_equal(g.n, 0);
	free(zero);
	free(bomb);
}

static void
test_callback_stops(void **state)
{
	static const char text[] = HEAD "p,1,S   ,1,\np,0,S   ,1,\n";
	struct got g = {0};
	struct vg_feed_sink sink;
	struct vg_err err;

	(void)state;
	g.fail_with = VG_ERR_STORE;
	assert_int_equal(
		run(text, sizeof(text) - 1, true, NULL, &g, &sink, &err),
		VG_ERR_STORE);
	assert_int_equal(g.n, 1);
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(vg_feed_debsecan(text, sizeof(text) - 1, true, NULL,
					  "t", &sink, &err),
			 VG_ERR_USAGE);
}

/* The test's own reading of a real feed: names and row lines. */
struct real {
	char *text;
	const char **names;
	size_t n_names;
	const char *rows;
	size_t n_rows;
};

static bool
read_real(const char *path, struct real *rf, char **z, size_t *zn)
{
	uLongf n = 16u << 20;
	char *p;

	memset(rf, 0, sizeof(*rf));
	if ((*z = feed_read_file(path, zn)) == NULL)
		return false;
	rf->text = malloc(n + 1);
	assert_non_null(rf->text);
	assert_int_equal(uncompress((Bytef *)rf->text, &n, (Bytef *)*z, *zn),
			 Z_OK);
	rf->text[n] = '\0';
	rf->names = malloc(sizeof(*rf->names) * 40000);
	assert_non_null(rf->names);
	p = strchr(rf->text, '\n') + 1;
	/* section 1, in place: cut each name at its first comma */
	while (*p != '\n') {
		char *nl = strchr(p, '\n'), *c = strchr(p, ',');

		assert_true(rf->n_names < 40000);
		*c = '\0';
		rf->names[rf->n_names++] = p;
		p = nl + 1;
	}
	rf->rows = ++p;
	while (*p != '\n' && *p != '\0') {
		rf->n_rows++;
		p = strchr(p, '\n') + 1;
	}
	return true;
}

static double
since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
		(double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_real_feeds(void **state)
{
	static const struct {
		const char *file, *release;
		size_t fix_in_release;
	} feeds[] = {
		{DATA_DIR "/debsecan-bullseye-2021.z", "bullseye", 176},
		{DATA_DIR "/debsecan-GENERIC-2021.z", NULL, 0},
	};
	struct real rf;
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	struct timespec t0;
	size_t i, zn;
	char *z;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(feeds); i++) {
		if (!read_real(feeds[i].file, &rf, &z, &zn)) {
			print_message("%s missing: skipped\n", feeds[i].file);
			skip();
		}
		/* the reference's counts (1.3) */
		assert_int_equal(rf.n_names, 31823);
		assert_int_equal(rf.n_rows, 34796);
		memset(&g, 0, sizeof(g));
		g.names = rf.names;
		g.n_names = rf.n_names;
		g.expect = rf.rows;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(
			run(z, zn, false, feeds[i].release, &g, &sink, &err),
			VG_OK);
		print_message("%s: %zu bytes compressed, %zu rows in %.3f s\n",
			      feeds[i].file, zn, g.n, since(&t0));
		assert_int_equal(g.n, 34796);
		assert_int_equal(g.w.n, 0);
		assert_int_equal(g.mismatches, 0);
		assert_int_equal(g.n_fix_in_release, feeds[i].fix_in_release);
		free(z);
		free(rf.text);
		free(rf.names);
	}
}

/* Reference 1.4: debsecan's decisions on the real CVE-2021-34798 row,
 * and its quirk on CVE-2021-33193. */
static void
test_debsecan_decisions(void **state)
{
	static const struct {
		const char *installed;
		bool vulnerable;
	} v34798[] = {
		{"2.4.51-1~deb11u1", false}, /* listed in other_versions */
		{"2.4.48-3.1+deb11u1", true},
		{"2.4.52-1~deb11u2", false}, /* >= the sid fix 2.4.49-1 */
		{"2.4.49-1", false},
	};
	struct real rf;
	struct got g;
	struct vg_feed_sink sink;
	struct vg_err err;
	size_t i, zn;
	char *z;

	(void)state;
	if (!read_real(DATA_DIR "/debsecan-bullseye-2021.z", &rf, &z, &zn))
		skip();
	memset(&g, 0, sizeof(g));
	g.keep_id = "CVE-2021-34798";
	g.keep_pkg = "apache2";
	assert_int_equal(run(z, zn, false, "bullseye", &g, &sink, &err), VG_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.rows[0].unstable, "2.4.49-1");
	assert_string_equal(g.rows[0].other,
			    "2.4.25-3+deb9u11 "
			    "2.4.38-3+deb10u6 "
			    "2.4.51-1~deb11u1");
	assert_true(g.rows[0].fix_in_release);
	for (i = 0; i < VG_ARRAY_LEN(v34798); i++)
		assert_int_equal(
			debsecan_vulnerable(&g.rows[0], v34798[i].installed),
			v34798[i].vulnerable);

	memset(&g, 0, sizeof(g));
	g.keep_id = "CVE-2021-33193";
	g.keep_pkg = "apache2";
	assert_int_equal(run(z, zn, false, "bullseye", &g, &sink, &err), VG_OK);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.rows[0].unstable, "2.4.48-4");
	/* newer than the bullseye fix, yet "vulnerable" for debsecan */
	assert_true(debsecan_vulnerable(&g.rows[0], "2.4.48-3.1+deb11u2"));
	assert_true(vg_dpkg_version_cmp("2.4.48-3.1+deb11u2",
					"2.4.48-3.1+deb11u1") > 0);
	free(z);
	free(rf.text);
	free(rf.names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_zlib),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_real_feeds),
		cmocka_unit_test(test_debsecan_decisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

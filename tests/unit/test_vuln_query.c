/*
 * Unit tests of the vulnerability pages' store operations (store.h
 * vuln_summary, vuln_list, vuln_cve; store/sqlite_vuln_query.c): a real
 * SQLite store with a small feed (debian-json rows for bullseye, KEV,
 * EPSS) and four hosts matched against it and judged by R7, as `vigie
 * serve` stores them; then every group, filter, paging, the KEV and
 * EPSS signals and a CVE's detail, checked value by value. A second
 * store holds hostile evidence written straight into the findings.
 */
#include "util/common.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#include "core/facts.h"
#include "core/policy.h"
#include "core/report.h"
#include "core/rules.h"
#include "store/store.h"
#include "vuln/match.h"
#include "util/banned.h"

#define DAY 86400

struct fx {
	char *dir;
	char path[512];
	struct vg_store *s;
};

/* One feed row: id affects package in bullseye. */
struct feed_row {
	const char *id, *package;
	enum vg_vuln_status status;
	const char *fixed;
	enum vg_urgency urgency;
	double cvss;
	const char *description;
};

static const struct feed_row feed[] = {
	{"CVE-2021-3712", "openssl", VG_VULN_FIXED, "1.1.1l-1", VG_URG_HIGH,
	 7.4, "ASN.1 strings read past the buffer"},
	{"CVE-2022-0778", "openssl", VG_VULN_FIXED, "1.1.1n-0+deb11u1",
	 VG_URG_HIGH, 7.5, "BN_mod_sqrt loops for ever"},
	{"CVE-2021-44790", "apache2", VG_VULN_FIXED, "2.4.52-1~deb11u2",
	 VG_URG_HIGH, 9.8, "mod_lua multipart parser overflow"},
	{"CVE-2021-34798", "apache2", VG_VULN_FIXED, "2.4.51-1", VG_URG_MEDIUM,
	 7.5, "NULL dereference on malformed requests"},
	{"CVE-2021-3156", "sudo", VG_VULN_FIXED, "1.9.5p2-3", VG_URG_HIGH, 7.8,
	 "Baron Samedit <heap overflow>"},
	{"CVE-2022-9999", "tiff", VG_VULN_OPEN, NULL, VG_URG_LOW, -1, NULL},
	/* Unimportant alone: R7 raises no finding for glibc. */
	{"CVE-2023-0001", "glibc", VG_VULN_OPEN, NULL, VG_URG_UNIMPORTANT, -1,
	 "not a security issue here"},
};

struct host_pkg {
	const char *source, *version;
};

static const struct {
	const char *host;
	struct host_pkg pkgs[4];
} hosts[] = {
	{"alpha",
	 {{"openssl", "1.1.1k-1+deb11u1"},
	  {"sudo", "1.9.5p2-2"},
	  {"apache2", "2.4.51-1"},
	  {"glibc", "2.31-13"}}},
	{"beta", {{"openssl", "1.1.1k-1+deb11u1"}, {"tiff", "4.2.0-1"}}},
	/* Up to date: no finding, not an affected host. */
	{"gamma", {{"openssl", "1.1.1n-0+deb11u1"}, {"sudo", "1.9.5p2-3"}}},
	{"delta", {{"apache2", "2.4.50-1"}, {"sudo", "1.9.5p2-2"}}},
};

static void
import_feed(struct vg_store *s)
{
	struct vg_vuln_feed_meta meta;
	struct vg_vuln_rec r;
	struct vg_kev_rec k;
	struct vg_epss_rec e;
	struct vg_err err;
	size_t i;

	assert_int_equal(vg_store_vuln_import_begin(s, "debian-json", &err),
			 VG_OK);
	for (i = 0; i < VG_ARRAY_LEN(feed); i++) {
		memset(&r, 0, sizeof(r));
		r.id = feed[i].id;
		r.package = feed[i].package;
		r.release = "bullseye";
		r.status = feed[i].status;
		r.fixed_version = feed[i].fixed;
		r.urgency = feed[i].urgency;
		r.cvss = feed[i].cvss;
		r.description = feed[i].description;
		r.source = "debian-json";
		if (vg_store_vuln_import_rec(s, &r, &err) != VG_OK)
			fail_msg("rec %zu: %s", i, err.msg);
	}
	memset(&meta, 0, sizeof(meta));
	meta.source = "debian-json";
	meta.location = "test";
	meta.records = VG_ARRAY_LEN(feed);
	assert_int_equal(vg_store_vuln_import_end(s, true, &meta, &err), VG_OK);

	assert_int_equal(vg_store_vuln_import_begin(s, "kev", &err), VG_OK);
	memset(&k, 0, sizeof(k));
	k.cve = "CVE-2021-3156";
	k.vendor = "Sudo";
	k.product = "Sudo";
	k.name = "Sudo Heap-Based Buffer Overflow";
	k.date_added = 1649203200; /* 2022-04-06 */
	k.due_date = 1651017600;   /* 2022-04-27 */
	k.ransomware = true;
	assert_int_equal(vg_store_vuln_import_kev(s, &k, &err), VG_OK);
	k.cve = "CVE-2021-44790";
	k.vendor = "Apache";
	k.product = "HTTP Server";
	k.name = "Apache HTTP Server Buffer Overflow";
	k.date_added = -1;
	k.due_date = -1;
	k.ransomware = false;
	assert_int_equal(vg_store_vuln_import_kev(s, &k, &err), VG_OK);
	meta.source = "kev";
	meta.records = 2;
	assert_int_equal(vg_store_vuln_import_end(s, true, &meta, &err), VG_OK);

	assert_int_equal(vg_store_vuln_import_begin(s, "epss", &err), VG_OK);
	memset(&e, 0, sizeof(e));
	e.model = "v2025.03.14";
	e.cve = "CVE-2021-3156";
	e.epss = 0.97;
	e.percentile = 0.999;
	assert_int_equal(vg_store_vuln_import_epss(s, &e, &err), VG_OK);
	e.cve = "CVE-2021-3712";
	e.epss = 0.01;
	e.percentile = 0.6;
	assert_int_equal(vg_store_vuln_import_epss(s, &e, &err), VG_OK);
	/* Known to EPSS only: found, on no host. */
	e.cve = "CVE-2099-0001";
	e.epss = 0.5;
	e.percentile = 0.9;
	assert_int_equal(vg_store_vuln_import_epss(s, &e, &err), VG_OK);
	meta.source = "epss";
	meta.records = 3;
	assert_int_equal(vg_store_vuln_import_end(s, true, &meta, &err), VG_OK);
}

/* A host's scan as the server stores a report: matched, judged, put. */
static void
scan_host(struct vg_store *s, const struct vg_policy *p, size_t h, int64_t at)
{
	struct vg_facts f;
	struct vg_report r;
	struct vg_err err;
	struct vg_package *pk;
	int64_t id;
	size_t i;

	vg_facts_init(&f);
	f.collected_at = at;
	f.root = vg_facts_str(&f, "/");
	f.os.hostname = vg_facts_str(&f, hosts[h].host);
	f.os.codename = vg_facts_str(&f, "bullseye");
	vg_facts_collected(&f, VG_SRC_OS);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	for (i = 0;
	     i < VG_ARRAY_LEN(hosts[h].pkgs) && hosts[h].pkgs[i].source != NULL;
	     i++) {
		assert_non_null(pk = vg_facts_add_package(&f));
		pk->name = vg_facts_str(&f, hosts[h].pkgs[i].source);
		pk->version = vg_facts_str(&f, hosts[h].pkgs[i].version);
	}
	if (vg_vuln_match(&f, vg_store_vuln_lookup_cb, s, &err) != VG_OK)
		fail_msg("match %s: %s", hosts[h].host, err.msg);
	vg_report_init(&r);
	assert_int_equal(vg_rules_evaluate(&f, p, &r, &err), VG_OK);
	if (vg_store_put_scan(s, &f, &r, &id, &err) != VG_OK)
		fail_msg("put %s: %s", hosts[h].host, err.msg);
	vg_report_release(&r);
	vg_facts_release(&f);
}

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct vg_policy p;
	struct vg_err err;
	int64_t at = (int64_t)time(NULL) - DAY;
	size_t h;

	assert_non_null(x);
	x->dir = vg_test_tmpdir();
	(void)snprintf(x->path, sizeof(x->path), "%s/v.db", x->dir);
	if (vg_store_open_sqlite(&x->s, x->path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	import_feed(x->s);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	for (h = 0; h < VG_ARRAY_LEN(hosts); h++)
		scan_host(x->s, &p, h, at + (int64_t)h);
	vg_policy_release(&p);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;

	vg_store_free(x->s);
	vg_test_rmtree(x->dir);
	free(x->dir);
	free(x);
	return 0;
}

static json_int_t
num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("%s: not an integer", key);
	return json_integer_value(v);
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "(null)";
}

/* The list of flt (group given), asserted to succeed. */
static json_t *
list(struct vg_store *s, const char *group, struct vg_vuln_filter *flt)
{
	struct vg_err err;
	json_t *doc;

	flt->group = group;
	if (flt->limit == 0)
		flt->limit = 50;
	if (vg_store_vuln_list(s, flt, &doc, &err) != VG_OK)
		fail_msg("list %s: %s", group, err.msg);
	assert_string_equal(str(doc, "group"), group);
	assert_non_null(json_object_get(doc, "as_of"));
	return doc;
}

/* The key member of each item, comma-joined, into buf. */
static const char *
keys_of(const json_t *doc, const char *key, char *buf, size_t size)
{
	const json_t *o;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(doc, "items"), i, o)
	{
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "",
				      str(o, key));
		assert_true(n < size);
	}
	return buf;
}

static const json_t *
item(const json_t *doc, const char *key, const char *value)
{
	const json_t *o;
	size_t i;

	json_array_foreach(json_object_get(doc, "items"), i, o)
	{
		if (strcmp(str(o, key), value) == 0)
			return o;
	}
	fail_msg("no item %s=%s", key, value);
	return NULL;
}

static void
test_summary(void **state)
{
	struct fx *x = *state;
	struct vg_err err;
	json_t *sum;

	assert_int_equal(vg_store_vuln_summary(x->s, &sum, &err), VG_OK);
	/* alpha, beta, delta; gamma is up to date. */
	assert_int_equal(num(sum, "hosts"), 3);
	/* openssl, sudo, apache2, tiff (glibc: unimportant only). */
	assert_int_equal(num(sum, "packages"), 4);
	assert_int_equal(num(sum, "cves"), 6);
	assert_int_equal(num(sum, "kev"), 2);
	assert_int_equal(num(sum, "ransomware"), 1);
	/* alpha 3 packages, beta 2, delta 2; tiff has no fix. */
	assert_int_equal(num(sum, "installs"), 7);
	assert_int_equal(num(sum, "fix_available"), 6);
	assert_int_equal(num(sum, "no_fix"), 1);
	assert_true(json_is_string(json_object_get(sum, "as_of")));
	json_decref(sum);
}

static void
test_by_cve(void **state)
{
	struct fx *x = *state;
	struct vg_vuln_filter flt;
	const json_t *o;
	char buf[512];
	json_t *doc;

	memset(&flt, 0, sizeof(flt));
	doc = list(x->s, "cve", &flt);
	assert_int_equal(num(doc, "total"), 6);
	assert_int_equal(num(doc, "offset"), 0);
	assert_int_equal(num(doc, "limit"), 50);
	/* KEV first (by EPSS), then EPSS, CVSS, hosts, id. */
	assert_string_equal(keys_of(doc, "cve", buf, sizeof(buf)),
			    "CVE-2021-3156,CVE-2021-44790,CVE-2021-3712,"
			    "CVE-2022-0778,CVE-2021-34798,CVE-2022-9999");
	o = item(doc, "cve", "CVE-2021-3156");
	assert_true(json_is_true(json_object_get(o, "kev")));
	assert_true(json_is_true(json_object_get(o, "ransomware")));
	assert_float_equal(json_real_value(json_object_get(o, "epss")), 0.97,
			   1e-9);
	assert_float_equal(json_real_value(json_object_get(o, "percentile")),
			   0.999, 1e-9);
	assert_float_equal(json_real_value(json_object_get(o, "cvss")), 7.8,
			   1e-9);
	assert_string_equal(str(o, "urgency"), "high");
	assert_int_equal(num(o, "hosts"), 2);
	assert_int_equal(num(o, "fixed_hosts"), 2);
	assert_true(json_is_true(json_object_get(o, "fix_available")));
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(o, "packages"), 0)),
			    "sudo");
	o = item(doc, "cve", "CVE-2021-44790");
	assert_true(json_is_true(json_object_get(o, "kev")));
	assert_false(json_is_true(json_object_get(o, "ransomware")));
	assert_true(json_is_null(json_object_get(o, "epss")));
	o = item(doc, "cve", "CVE-2022-9999");
	assert_true(json_is_null(json_object_get(o, "cvss")));
	assert_string_equal(str(o, "urgency"), "low");
	assert_int_equal(num(o, "hosts"), 1);
	assert_int_equal(num(o, "fixed_hosts"), 0);
	assert_false(json_is_true(json_object_get(o, "fix_available")));
	o = item(doc, "cve", "CVE-2022-0778");
	assert_int_equal(num(o, "hosts"), 2);
	assert_string_equal(str(o, "urgency"), "high");
	json_decref(doc);
}

static void
test_by_package(void **state)
{
	struct fx *x = *state;
	struct vg_vuln_filter flt;
	const json_t *o;
	char buf[512];
	json_t *doc;

	memset(&flt, 0, sizeof(flt));
	doc = list(x->s, "package", &flt);
	assert_int_equal(num(doc, "total"), 4);
	/* KEV count, hosts, CVEs, name. */
	assert_string_equal(keys_of(doc, "package", buf, sizeof(buf)),
			    "apache2,sudo,openssl,tiff");
	o = item(doc, "package", "apache2");
	assert_int_equal(num(o, "hosts"), 2);
	assert_int_equal(num(o, "cves"), 2);
	assert_int_equal(num(o, "kev"), 1);
	assert_int_equal(num(o, "fixed_hosts"), 2);
	assert_false(json_is_true(json_object_get(o, "truncated")));
	assert_int_equal(json_array_size(json_object_get(o, "versions")), 2);
	assert_int_equal(json_array_size(json_object_get(o, "fixed_versions")),
			 1);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(o, "fixed_versions"), 0)),
			    "2.4.52-1~deb11u2");
	o = item(doc, "package", "openssl");
	assert_int_equal(num(o, "hosts"), 2);
	assert_int_equal(num(o, "cves"), 2);
	assert_int_equal(num(o, "kev"), 0);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(o, "versions"), 0)),
			    "1.1.1k-1+deb11u1");
	o = item(doc, "package", "tiff");
	assert_int_equal(num(o, "fixed_hosts"), 0);
	assert_int_equal(json_array_size(json_object_get(o, "fixed_versions")),
			 0);
	json_decref(doc);
}

/* The asset id of hostname, from the host list. */
static json_int_t
asset_of(struct vg_store *s, const char *hostname)
{
	struct vg_vuln_filter flt;
	json_int_t id;
	json_t *doc;

	memset(&flt, 0, sizeof(flt));
	doc = list(s, "host", &flt);
	id = num(item(doc, "hostname", hostname), "asset_id");
	json_decref(doc);
	return id;
}

static void
test_by_host(void **state)
{
	struct fx *x = *state;
	struct vg_vuln_filter flt;
	const json_t *o;
	char buf[512];
	json_t *doc;

	memset(&flt, 0, sizeof(flt));
	doc = list(x->s, "host", &flt);
	assert_int_equal(num(doc, "total"), 3);
	/* KEV ids, CVEs, packages, hostname. */
	assert_string_equal(keys_of(doc, "hostname", buf, sizeof(buf)),
			    "alpha,delta,beta");
	o = item(doc, "hostname", "alpha");
	assert_true(num(o, "asset_id") > 0);
	assert_int_equal(num(o, "packages"), 3);
	assert_int_equal(num(o, "cves"), 4);
	assert_int_equal(num(o, "kev"), 2);
	assert_int_equal(num(o, "fixed_packages"), 3);
	assert_true(json_is_null(json_object_get(o, "site")));
	o = item(doc, "hostname", "beta");
	assert_int_equal(num(o, "packages"), 2);
	assert_int_equal(num(o, "cves"), 3);
	assert_int_equal(num(o, "kev"), 0);
	assert_int_equal(num(o, "fixed_packages"), 1);
	json_decref(doc);
}

/* One row per filter: group, filter, expected keys in order. */
static void
test_filters(void **state)
{
	struct fx *x = *state;
	json_int_t beta = asset_of(x->s, "beta");
	struct {
		const char *group;
		bool kev;
		const char *search, *package, *cve;
		bool asset_beta;
		const char *key, *want;
	} rows[] = {
		{"cve", true, NULL, NULL, NULL, false, "cve",
		 "CVE-2021-3156,CVE-2021-44790"},
		{"host", true, NULL, NULL, NULL, false, "hostname",
		 "alpha,delta"},
		{"package", true, NULL, NULL, NULL, false, "package",
		 "apache2,sudo"},
		/* search: the package name or the CVE id, any case */
		{"cve", false, "SSL", NULL, NULL, false, "cve",
		 "CVE-2021-3712,CVE-2022-0778"},
		{"cve", false, "44790", NULL, NULL, false, "cve",
		 "CVE-2021-44790"},
		{"host", false, "tiff", NULL, NULL, false, "hostname", "beta"},
		{"cve", false, "no such thing", NULL, NULL, false, "cve", ""},
		/* search with the % and _ of SQL: literal */
		{"cve", false, "%", NULL, NULL, false, "cve", ""},
		/* delta's apache2 has two CVEs, alpha's one */
		{"host", false, NULL, "apache2", NULL, false, "hostname",
		 "delta,alpha"},
		{"cve", false, NULL, "apache2", NULL, false, "cve",
		 "CVE-2021-44790,CVE-2021-34798"},
		{"host", false, NULL, "nope", NULL, false, "hostname", ""},
		{"host", false, NULL, NULL, "CVE-2021-3156", false, "hostname",
		 "alpha,delta"},
		{"package", false, NULL, NULL, "CVE-2021-3712", false,
		 "package", "openssl"},
		{"cve", false, NULL, NULL, "CVE-1999-0001", false, "cve", ""},
		{"cve", false, NULL, NULL, NULL, true, "cve",
		 "CVE-2021-3712,CVE-2022-0778,CVE-2022-9999"},
		{"package", false, NULL, NULL, NULL, true, "package",
		 "openssl,tiff"},
		/* combined: beta has no KEV id */
		{"cve", true, NULL, NULL, NULL, true, "cve", ""},
		{"host", false, "ssl", "openssl", NULL, false, "hostname",
		 "alpha,beta"},
	};
	struct vg_vuln_filter flt;
	char buf[512];
	json_t *doc;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.kev_only = rows[i].kev;
		flt.search = rows[i].search;
		flt.package = rows[i].package;
		flt.cve = rows[i].cve;
		flt.asset_id = rows[i].asset_beta ? beta : 0;
		doc = list(x->s, rows[i].group, &flt);
		if (strcmp(keys_of(doc, rows[i].key, buf, sizeof(buf)),
			   rows[i].want) != 0)
			fail_msg("row %zu: got '%s', expected '%s'", i, buf,
				 rows[i].want);
		assert_int_equal(
			num(doc, "total"),
			json_array_size(json_object_get(doc, "items")));
		json_decref(doc);
	}
	/* Counts follow the filter: beta's CVEs affect one host each. */
	memset(&flt, 0, sizeof(flt));
	flt.asset_id = beta;
	doc = list(x->s, "cve", &flt);
	assert_int_equal(num(item(doc, "cve", "CVE-2021-3712"), "hosts"), 1);
	json_decref(doc);
	/* KEV only: apache2 counts its KEV id alone. */
	memset(&flt, 0, sizeof(flt));
	flt.kev_only = true;
	doc = list(x->s, "package", &flt);
	assert_int_equal(num(item(doc, "package", "apache2"), "cves"), 1);
	json_decref(doc);
}

static void
test_paging(void **state)
{
	struct fx *x = *state;
	static const struct {
		size_t offset, limit;
		const char *want;
	} rows[] = {
		{0, 2, "CVE-2021-3156,CVE-2021-44790"},
		{2, 2, "CVE-2021-3712,CVE-2022-0778"},
		{5, 2, "CVE-2022-9999"},
		{6, 2, ""},
		{1000000, 500, ""},
		{0, 1, "CVE-2021-3156"},
	};
	struct vg_vuln_filter flt;
	char buf[512];
	json_t *doc;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&flt, 0, sizeof(flt));
		flt.offset = rows[i].offset;
		flt.limit = rows[i].limit;
		doc = list(x->s, "cve", &flt);
		assert_int_equal(num(doc, "total"), 6);
		assert_int_equal(num(doc, "offset"),
				 (json_int_t)rows[i].offset);
		assert_int_equal(num(doc, "limit"), (json_int_t)rows[i].limit);
		if (strcmp(keys_of(doc, "cve", buf, sizeof(buf)),
			   rows[i].want) != 0)
			fail_msg("row %zu: got '%s'", i, buf);
		json_decref(doc);
	}
	/* A filtered list pages the same way. */
	memset(&flt, 0, sizeof(flt));
	flt.offset = 1;
	flt.limit = 1;
	flt.package = "apache2";
	doc = list(x->s, "host", &flt);
	assert_int_equal(num(doc, "total"), 2);
	assert_string_equal(keys_of(doc, "hostname", buf, sizeof(buf)),
			    "alpha");
	json_decref(doc);
}

static void
test_bad_filters(void **state)
{
	struct fx *x = *state;
	struct vg_vuln_filter flt;
	char longs[300];
	struct vg_err err;
	json_t *doc;

	memset(&flt, 0, sizeof(flt));
	flt.limit = 10;
	flt.group = "cves";
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	assert_null(doc);
	flt.group = NULL;
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	flt.group = "cve";
	flt.limit = 0;
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	flt.limit = 501;
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	flt.limit = 10;
	memset(longs, 'a', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	flt.search = longs;
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err),
			 VG_ERR_USAGE);
	/* An empty search is no filter. */
	flt.search = "";
	assert_int_equal(vg_store_vuln_list(x->s, &flt, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 6);
	json_decref(doc);
}

static void
test_cve_detail(void **state)
{
	struct fx *x = *state;
	const json_t *kev, *epss, *h;
	struct vg_err err;
	json_t *doc;

	assert_int_equal(vg_store_vuln_cve(x->s, "CVE-2021-3156", &doc, &err),
			 VG_OK);
	assert_string_equal(str(doc, "cve"), "CVE-2021-3156");
	assert_string_equal(str(doc, "description"),
			    "Baron Samedit <heap overflow>");
	assert_float_equal(json_real_value(json_object_get(doc, "cvss")), 7.8,
			   1e-9);
	assert_string_equal(str(doc, "urgency"), "high");
	kev = json_object_get(doc, "kev");
	assert_true(json_is_object(kev));
	assert_string_equal(str(kev, "vendor"), "Sudo");
	assert_string_equal(str(kev, "name"),
			    "Sudo Heap-Based Buffer Overflow");
	assert_string_equal(str(kev, "date_added"), "2022-04-06");
	assert_string_equal(str(kev, "due_date"), "2022-04-27");
	assert_true(json_is_true(json_object_get(kev, "ransomware")));
	epss = json_object_get(doc, "epss");
	assert_float_equal(json_real_value(json_object_get(epss, "epss")), 0.97,
			   1e-9);
	assert_string_equal(str(epss, "model"), "v2025.03.14");
	assert_int_equal(num(doc, "total"), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "hosts")), 2);
	/* By hostname. */
	h = json_array_get(json_object_get(doc, "hosts"), 0);
	assert_string_equal(str(h, "hostname"), "alpha");
	assert_int_equal(num(h, "asset_id"), asset_of(x->s, "alpha"));
	assert_string_equal(str(h, "package"), "sudo");
	assert_string_equal(str(h, "version"), "1.9.5p2-2");
	assert_string_equal(str(h, "fixed_version"), "1.9.5p2-3");
	assert_true(json_is_true(json_object_get(h, "fix_available")));
	h = json_array_get(json_object_get(doc, "hosts"), 1);
	assert_string_equal(str(h, "hostname"), "delta");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(doc, "packages"), 0)),
			    "sudo");
	json_decref(doc);

	/* KEV without dates: null days. */
	assert_int_equal(vg_store_vuln_cve(x->s, "CVE-2021-44790", &doc, &err),
			 VG_OK);
	kev = json_object_get(doc, "kev");
	assert_true(json_is_null(json_object_get(kev, "date_added")));
	assert_false(json_is_true(json_object_get(kev, "ransomware")));
	assert_true(json_is_null(json_object_get(doc, "epss")));
	json_decref(doc);

	/* No fix: the host's fixed version is null. */
	assert_int_equal(vg_store_vuln_cve(x->s, "CVE-2022-9999", &doc, &err),
			 VG_OK);
	h = json_array_get(json_object_get(doc, "hosts"), 0);
	assert_string_equal(str(h, "hostname"), "beta");
	assert_true(json_is_null(json_object_get(h, "fixed_version")));
	assert_false(json_is_true(json_object_get(h, "fix_available")));
	assert_true(json_is_null(json_object_get(doc, "description")));
	assert_true(json_is_null(json_object_get(doc, "kev")));
	json_decref(doc);

	/* In EPSS only: known, on no host. */
	assert_int_equal(vg_store_vuln_cve(x->s, "CVE-2099-0001", &doc, &err),
			 VG_OK);
	assert_int_equal(num(doc, "total"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "hosts")), 0);
	assert_true(json_is_null(json_object_get(doc, "cvss")));
	assert_float_equal(json_real_value(json_object_get(
				   json_object_get(doc, "epss"), "epss")),
			   0.5, 1e-9);
	json_decref(doc);
}

static void
test_cve_unknown(void **state)
{
	static const char *const ids[] = {
		"CVE-1999-9999",
		"",
		"cve-2021-3156", /* ids are exact */
		"CVE-2021-3156' OR 1=1 --",
		"CVE-2023-0001", /* unimportant: no finding, no KEV/EPSS */
		("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "A"),
	};
	struct fx *x = *state;
	struct vg_err err;
	json_t *doc;
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(ids); i++) {
		if (vg_store_vuln_cve(x->s, ids[i], &doc, &err) !=
		    VG_ERR_NOTFOUND)
			fail_msg("id %zu: not NOTFOUND", i);
		assert_null(doc);
	}
	assert_int_equal(vg_store_vuln_cve(x->s, NULL, &doc, &err),
			 VG_ERR_NOTFOUND);
}

/* Findings written by hand: evidence of every wrong shape. */
static void
test_hostile_evidence(void **state)
{
	static const char *const evidence[] = {
		"not json",
		"{\"ids\": 5}",
		"[]",
		"{\"ids\": [\"CVE-2024-0001\", 5, null, \"\", [\"x\"]],"
		" \"status\": 3, \"fixed_version\": 7, \"n_ids\": -4}",
		"{\"ids\": [\"CVE-2024-0001\", \"CVE-2024-0001\"],"
		" \"kev_ids\": [\"CVE-2024-0002\"], \"status\":"
		" \"fixed-available\", \"fixed_version\": \"1.0\"}",
		"{\"ids\": "
		"[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]}",
	};
	static const char *const subjects[] = {
		"junk 1", "junk 1", "", "p1 1.0", "p2 2.0", "nospace",
	};
	char *dir = vg_test_tmpdir(), path[512];
	struct vg_vuln_filter flt;
	struct vg_store *s;
	struct vg_err err;
	sqlite3 *db;
	sqlite3_stmt *st;
	json_t *doc;
	size_t i;

	(void)state;
	/* An empty store first: all zero. */
	(void)snprintf(path, sizeof(path), "%s/e.db", dir);
	if (vg_store_open_sqlite(&s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(vg_store_vuln_summary(s, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "hosts"), 0);
	assert_int_equal(num(doc, "cves"), 0);
	assert_int_equal(num(doc, "installs"), 0);
	json_decref(doc);
	memset(&flt, 0, sizeof(flt));
	flt.limit = 50;
	flt.group = "host";
	assert_int_equal(vg_store_vuln_list(s, &flt, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 0);
	json_decref(doc);
	vg_store_free(s);

	/* Another store (its own snapshot), its findings written before
	 * it is first read. */
	(void)snprintf(path, sizeof(path), "%s/h.db", dir);
	if (vg_store_open_sqlite(&s, path, &err) != VG_OK)
		fail_msg("open: %s", err.msg);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "INSERT INTO hosts(id, hostname) VALUES (1, 'h');"
			     "INSERT INTO scans(id, host_id, collected_at,"
			     " facts) VALUES (1, 1, 1, '{}');"
			     "UPDATE hosts SET latest_scan_id = 1;",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(
			db,
			"INSERT INTO findings(scan_id, rule, check_id,"
			" severity, subject, evidence, host_id, state,"
			" hostname) VALUES (1, 7,"
			" 'updates.vulnerable_package', 'high', ?1, ?2, 1, 1,"
			" 'h')",
			-1, &st, NULL),
		SQLITE_OK);
	for (i = 0; i < VG_ARRAY_LEN(evidence); i++) {
		sqlite3_bind_text(st, 1, subjects[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, evidence[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	flt.group = "cve";
	assert_int_equal(vg_store_vuln_list(s, &flt, &doc, &err), VG_OK);
	/* CVE-2024-0001 (p1, p2), CVE-2024-0002 (p2's KEV list); the
	 * over-long id is dropped. */
	assert_int_equal(num(doc, "total"), 2);
	assert_int_equal(num(item(doc, "cve", "CVE-2024-0001"), "hosts"), 1);
	json_decref(doc);
	flt.group = "package";
	assert_int_equal(vg_store_vuln_list(s, &flt, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "total"), 2);
	assert_int_equal(num(item(doc, "package", "p1"), "fixed_hosts"), 0);
	assert_int_equal(num(item(doc, "package", "p2"), "fixed_hosts"), 1);
	assert_int_equal(num(item(doc, "package", "p2"), "cves"), 2);
	json_decref(doc);
	assert_int_equal(vg_store_vuln_summary(s, &doc, &err), VG_OK);
	assert_int_equal(num(doc, "hosts"), 1);
	assert_int_equal(num(doc, "installs"), 2);
	json_decref(doc);
	vg_store_free(s);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_by_cve),
		cmocka_unit_test(test_by_package),
		cmocka_unit_test(test_by_host),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_cve_detail),
		cmocka_unit_test(test_cve_unknown),
		cmocka_unit_test(test_hostile_evidence),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

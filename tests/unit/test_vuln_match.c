/*
 * Unit tests of vulnerability matching (vuln/match.h): the decision
 * vectors of the Debian tracker (vulnerability-data.md §1.2) and of OSV
 * evaluation (§3.4) through vg_vuln_affects and vg_vuln_match, and the
 * folding of entries into one vulnerable package, with a fake lookup.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "vuln/match.h"
#include "util/banned.h"

#define FIXED VG_VULN_FIXED
#define OPEN VG_VULN_OPEN
#define UNDET VG_VULN_UNDETERMINED
#define NOTAFF VG_VULN_NOT_AFFECTED
#define EOL VG_VULN_END_OF_LIFE

/* One row of the fake store: an entry of (release, package). */
struct row {
	const char *release; /* NULL: release-independent */
	const char *package;
	const char *id;
	enum vg_vuln_status status;
	const char *fixed, *introduced, *last_affected;
	enum vg_urgency urgency;
	double cvss;
	bool kev, ransomware;
	double epss;
};

struct store {
	const struct row *rows;
	size_t n;
	size_t calls;    /* lookups made */
	char asked[256]; /* the release last asked */
	enum vg_rc fail; /* returned by the lookup when not VG_OK */
};

static enum vg_rc
fake_lookup(void *ctx, const char *release, const char *package,
	    vg_vuln_entry_fn fn, void *fn_ctx, struct vg_err *err)
{
	struct store *s = ctx;
	struct vg_vuln_entry e;
	enum vg_rc rc;
	size_t i;

	s->calls++;
	(void)snprintf(s->asked, sizeof(s->asked), "%s", release);
	if (s->fail != VG_OK)
		return vg_err_set(err, s->fail, "store broken");
	for (i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];

		if (strcmp(r->package, package) != 0 ||
		    (r->release != NULL && strcmp(r->release, release) != 0))
			continue;
		memset(&e, 0, sizeof(e));
		e.id = r->id;
		e.status = r->status;
		e.fixed_version = r->fixed;
		e.introduced = r->introduced;
		e.last_affected = r->last_affected;
		e.urgency = r->urgency;
		e.cvss = r->cvss;
		e.kev = r->kev;
		e.kev_ransomware = r->ransomware;
		e.epss = r->epss;
		e.epss_percentile = -1;
		if ((rc = fn(fn_ctx, &e)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* Facts of a host of release codename with packages collected. */
static void
host(struct vg_facts *f, const char *codename)
{
	vg_facts_init(f);
	f->os.codename = vg_facts_str(f, codename);
	vg_facts_collected(f, VG_SRC_OS);
	vg_facts_collected(f, VG_SRC_PACKAGES);
}

static void
pkg(struct vg_facts *f, const char *name, const char *version,
    const char *source, const char *source_version)
{
	struct vg_package *p = vg_facts_add_package(f);

	assert_non_null(p);
	p->name = vg_facts_str(f, name);
	p->version = vg_facts_str(f, version);
	p->source = vg_facts_str(f, source);
	p->source_version = vg_facts_str(f, source_version);
}

static const struct vg_vuln_pkg *
find(const struct vg_facts *f, const char *package)
{
	size_t i;

	for (i = 0; i < f->n_vuln_pkgs; i++)
		if (strcmp(f->vuln_pkgs[i].package, package) == 0)
			return &f->vuln_pkgs[i];
	return NULL;
}

/* The OSV vectors (§3.4) and tracker vectors (§1.2), entry by entry. */
static void
test_affects(void **state)
{
	static const struct {
		enum vg_vuln_status status;
		const char *fixed, *introduced, *last_affected;
		const char *v;
		bool want;
	} rows[] = {
		/* OSV: introduced 0, fixed 2.36-9+deb12u3 */
		{FIXED, "2.36-9+deb12u3", "0", NULL, "2.36-9+deb12u2", true},
		{FIXED, "2.36-9+deb12u3", "0", NULL, "2.36-9+deb12u3", false},
		{FIXED, "2.36-9+deb12u3", "0", NULL, "2.36-9+deb12u10", false},
		{FIXED, "2.36-9+deb12u3", "0", NULL, "1:2.0-1", false},
		/* introduced 0 only: open for ever */
		{OPEN, NULL, "0", NULL, "9.9-9", true},
		/* introduced 0, last_affected 1.2-3 */
		{OPEN, NULL, "0", "1.2-3", "1.2-3", true},
		{OPEN, NULL, "0", "1.2-3", "1.2-3+deb12u1", false},
		{OPEN, NULL, "0", "1.2-3", "1.2-2", true},
		/* introduced 1.0-1, fixed 1.0-5 (one range alone) */
		{FIXED, "1.0-5", "1.0-1", NULL, "1.0-4", true},
		{FIXED, "1.0-5", "1.0-1", NULL, "0.9-1", false},
		{FIXED, "1.0-5", "1.0-1", NULL, "1.0-1", true},
		{FIXED, "1.0-5", "1.0-1", NULL, "1.0-5", false},
		/* Ubuntu esm */
		{FIXED, "1.0.2g-1ubuntu4.20+esm11", "0", NULL,
		 "1.0.2g-1ubuntu4.20+esm10", true},
		{FIXED, "1.0.2g-1ubuntu4.20+esm11", "0", NULL,
		 "1.0.2g-1ubuntu4.20", true},
		/* tilde */
		{FIXED, "1.0~rc2-1", "0", NULL, "1.0~rc1-1", true},
		{FIXED, "1.0~rc2-1", "0", NULL, "1.0-1", false},
		/* tracker: chromium bullseye */
		{FIXED, "98.0.4758.80-1~deb11u1", NULL, NULL, "90.0.4430.212-1",
		 true},
		{FIXED, "98.0.4758.80-1~deb11u1", NULL, NULL,
		 "98.0.4758.102-1~deb11u1", false},
		/* chromium buster: open, end-of-life */
		{EOL, NULL, NULL, NULL, "90.0.4430.212-1~deb10u1", true},
		/* prototypejs stretch: fixed "0", never affected */
		{FIXED, "0", NULL, NULL, "1.7.1-3", false},
		{NOTAFF, "0", NULL, NULL, "1.7.1-3", false},
		/* txt2man jessie */
		{FIXED, "1.5.5-4.1", NULL, NULL, "1.5.5-4", true},
		{FIXED, "1.5.5-4.1", NULL, NULL, "1.5.5-4.1", false},
		/* exact-membership quirk: a version newer than the fix but
		 * from another branch is not affected */
		{FIXED, "2.4.52-1~deb11u2", NULL, NULL, "2.4.56-1~deb11u1",
		 false},
		/* epochs: the fix has one, the installed version not */
		{FIXED, "1:1.0-1", NULL, NULL, "9.9-9", true},
		/* undetermined: reported */
		{UNDET, NULL, NULL, NULL, "1.0-1", true},
		/* a fixed entry without its version affects nothing */
		{FIXED, NULL, NULL, NULL, "1.0-1", false},
		{FIXED, "", NULL, NULL, "1.0-1", false},
		/* open with an introduced version after the installed one */
		{OPEN, NULL, "2.0-1", NULL, "1.9-1", false},
		{EOL, NULL, "2.0-1", NULL, "2.0-1", true},
		/* hostile: junk versions are still ordered */
		{FIXED, "1.0-2", NULL, NULL, "\xff\xfe", false},
		{FIXED, "\xff", NULL, NULL, "1.0", true},
	};
	struct vg_vuln_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&e, 0, sizeof(e));
		e.id = "CVE-2024-0001";
		e.status = rows[i].status;
		e.fixed_version = rows[i].fixed;
		e.introduced = rows[i].introduced;
		e.last_affected = rows[i].last_affected;
		if (vg_vuln_affects(&e, rows[i].v) != rows[i].want)
			fail_msg("row %zu: %s expected %d", i, rows[i].v,
				 rows[i].want);
	}
	memset(&e, 0, sizeof(e));
	assert_false(vg_vuln_affects(&e, NULL));
	assert_false(vg_vuln_affects(NULL, "1.0"));
}

/*
 * debsecan rows: fixed in sid by fixed_version, and on stable branches
 * by the versions it lists (the real bullseye row of CVE-2021-3712).
 * A version of a listed branch at or past that branch's fix carries it,
 * even when it is not listed (debsecan's exact membership would say
 * affected); one before it, or of an unlisted upstream, does not.
 */
static void
test_affects_branches(void **state)
{
	static const char branches[] =
		"1.1.0l-1~deb9u4 1.1.1d-0+deb10u7 1.1.1k-1+deb11u1";
	static const struct {
		const char *v;
		bool want;
	} rows[] = {
		{"1.1.1k-1+deb11u1", false}, /* listed: the bullseye fix */
		{"1.1.1k-1+deb11u2", false}, /* newer on that branch */
		{"1.1.1k-1", true},          /* before the branch's fix */
		{"1.1.1d-0+deb10u6", true},  /* buster before its fix */
		{"1.1.1d-0+deb10u7", false},
		{"0:1.1.1d-0+deb10u8", false}, /* explicit epoch 0 */
		{"1.1.1j-1", true},  /* no branch: sid's fix decides */
		{"1.1.1l-1", false}, /* sid's fix */
		{"1:1.1.1k-1+deb11u1", false}, /* an epoch: past sid's fix */
	};
	struct vg_vuln_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&e, 0, sizeof(e));
		e.id = "CVE-2021-3712";
		e.status = FIXED;
		e.fixed_version = "1.1.1l-1";
		e.fixed_on_branches = branches;
		if (vg_vuln_affects(&e, rows[i].v) != rows[i].want)
			fail_msg("row %zu: %s expected %d", i, rows[i].v,
				 rows[i].want);
	}
}

/*
 * The same vectors through vg_vuln_match: one source package per row,
 * vulnerable or not as the entry says.
 */
static const struct row vectors[] = {
	{"bullseye", "chromium", "CVE-2022-0456", FIXED,
	 "98.0.4758.80-1~deb11u1", NULL, NULL, VG_URG_UNKNOWN, -1, false, false,
	 -1},
	{"buster", "chromium", "CVE-2022-0456", OPEN, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	{"stretch", "prototypejs", "CVE-2007-2383", NOTAFF, "0", NULL, NULL,
	 VG_URG_UNIMPORTANT, -1, false, false, -1},
	{"jessie", "txt2man", "CVE-2013-1444", FIXED, "1.5.5-4.1", NULL, NULL,
	 VG_URG_LOW, -1, false, false, -1},
	/* OSV: two ranges of one id */
	{"bookworm", "twin", "CVE-2024-2", FIXED, "1.0-5", "1.0-1", NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	{"bookworm", "twin", "CVE-2024-2", FIXED, "2.0-3", "2.0-1", NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
};

static void
test_match_vectors(void **state)
{
	static const struct {
		const char *release, *source, *version;
		bool vulnerable;
		enum vg_vuln_pkg_status status;
	} rows[] = {
		{"bullseye", "chromium", "90.0.4430.212-1", true,
		 VG_VPKG_FIX_AVAILABLE},
		{"bullseye", "chromium", "98.0.4758.102-1~deb11u1", false, 0},
		{"buster", "chromium", "90.0.4430.212-1~deb10u1", true,
		 VG_VPKG_NO_FIX_YET},
		{"stretch", "prototypejs", "1.7.1-3", false, 0},
		{"jessie", "txt2man", "1.5.5-4", true, VG_VPKG_FIX_AVAILABLE},
		{"jessie", "txt2man", "1.5.5-4.1", false, 0},
		/* another release's entries never apply */
		{"bookworm", "chromium", "90.0.4430.212-1", false, 0},
		{"bookworm", "twin", "1.0-4", true, VG_VPKG_FIX_AVAILABLE},
		{"bookworm", "twin", "1.5-1", false, 0},
		{"bookworm", "twin", "2.0-2", true, VG_VPKG_FIX_AVAILABLE},
		{"bookworm", "twin", "0.9-1", false, 0},
	};
	struct store s = {vectors, VG_ARRAY_LEN(vectors), 0, "", VG_OK};
	const struct vg_vuln_pkg *v;
	struct vg_facts f;
	struct vg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		host(&f, rows[i].release);
		pkg(&f, "bin", rows[i].version, rows[i].source,
		    rows[i].version);
		assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err),
				 VG_OK);
		assert_true(f.sources[VG_SRC_VULNS].collected);
		assert_string_equal(s.asked, rows[i].release);
		v = find(&f, rows[i].source);
		if ((v != NULL) != rows[i].vulnerable)
			fail_msg("row %zu: %s %s: expected %d", i,
				 rows[i].source, rows[i].version,
				 rows[i].vulnerable);
		if (v != NULL) {
			assert_int_equal(v->status, rows[i].status);
			assert_int_equal(v->n_ids, 1);
			assert_string_equal(v->version, rows[i].version);
			assert_string_equal(v->binaries, "bin");
		}
		vg_facts_release(&f);
	}
}

/* Folding: statuses, fixed version, urgency, scores, KEV, dedupe. */
static const struct row fold_rows[] = {
	/* openssl: two fixes, an open one, an undetermined one, a KEV id
	 * listed twice (tracker and OSV), one not-affected */
	{"bookworm", "openssl", "CVE-2024-0003", FIXED, "3.0.11-1~deb12u2",
	 NULL, NULL, VG_URG_MEDIUM, 5.3, false, false, 0.002},
	{"bookworm", "openssl", "CVE-2024-0001", FIXED, "3.0.13-1~deb12u1",
	 NULL, NULL, VG_URG_LOW, 7.5, true, true, 0.31},
	{NULL, "openssl", "CVE-2024-0001", OPEN, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, true, true, 0.31},
	{"bookworm", "openssl", "CVE-2024-0002", OPEN, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	{"bookworm", "openssl", "TEMP-0000000-1A2B3C", UNDET, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	{"bookworm", "openssl", "CVE-2020-9999", NOTAFF, "0", NULL, NULL,
	 VG_URG_HIGH, 9.8, true, true, 0.9},
	/* already fixed: not affecting, its signals ignored */
	{"bookworm", "openssl", "CVE-2019-1", FIXED, "1.0-1", NULL, NULL,
	 VG_URG_HIGH, 9.8, true, false, 0.99},
	/* undetermined only: counted, never fixed-available */
	{"bookworm", "zlib", "CVE-2024-0100", UNDET, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	/* unimportant only */
	{"bookworm", "binutils", "CVE-2024-0200", OPEN, NULL, NULL, NULL,
	 VG_URG_UNIMPORTANT, 5.5, false, false, -1},
	{"bookworm", "binutils", "CVE-2024-0201", OPEN, NULL, NULL, NULL,
	 VG_URG_UNIMPORTANT, -1, false, false, -1},
	/* unimportant and unknown: the unknown one wins */
	{"bookworm", "gcc-12", "CVE-2024-0300", OPEN, NULL, NULL, NULL,
	 VG_URG_UNIMPORTANT, -1, false, false, -1},
	{"bookworm", "gcc-12", "CVE-2024-0301", OPEN, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	/* end-of-life and undetermined: end-of-life */
	{"bookworm", "php8.2", "CVE-2024-0400", EOL, NULL, NULL, NULL,
	 VG_URG_HIGH, -1, false, false, -1},
	{"bookworm", "php8.2", "CVE-2024-0401", UNDET, NULL, NULL, NULL,
	 VG_URG_UNKNOWN, -1, false, false, -1},
	/* hostile scores are ignored */
	{"bookworm", "curl", "CVE-2024-0500", OPEN, NULL, NULL, NULL,
	 VG_URG_LOW, 42.0, false, false, 7.0},
};

static void
test_fold(void **state)
{
	struct store s = {fold_rows, VG_ARRAY_LEN(fold_rows), 0, "", VG_OK};
	const struct vg_vuln_pkg *v;
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	host(&f, "bookworm");
	/* three binaries of openssl (one is a binNMU: same source
	 * version), listed once, sorted */
	pkg(&f, "openssl", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1");
	pkg(&f, "libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1");
	pkg(&f, "libssl-dev", "3.0.11-1~deb12u1+b1", "openssl",
	    "3.0.11-1~deb12u1");
	/* no source field: matched by its own name and version */
	pkg(&f, "zlib", "1:1.2.13.dfsg-1", NULL, NULL);
	pkg(&f, "binutils", "2.40-2", "binutils", "2.40-2");
	pkg(&f, "gcc-12", "12.2.0-14", "gcc-12", "12.2.0-14");
	pkg(&f, "php8.2-cli", "8.2.7-1", "php8.2", "8.2.7-1");
	pkg(&f, "curl", "7.88.1-10", "curl", "7.88.1-10");
	pkg(&f, "vim", "9.0-1", "vim", "9.0-1");
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	/* one lookup per distinct (source, version) */
	assert_int_equal(s.calls, 7);
	assert_int_equal(f.n_vuln_pkgs, 6);
	assert_null(find(&f, "vim"));

	v = find(&f, "openssl");
	assert_non_null(v);
	assert_string_equal(v->version, "3.0.11-1~deb12u1");
	assert_string_equal(v->binaries, "libssl-dev,libssl3,openssl");
	assert_int_equal(v->n_ids, 4);
	assert_string_equal(v->ids,
			    "CVE-2024-0001,CVE-2024-0002,"
			    "CVE-2024-0003,TEMP-0000000-1A2B3C");
	assert_int_equal(v->status, VG_VPKG_FIX_AVAILABLE);
	assert_string_equal(v->fixed_version, "3.0.13-1~deb12u1");
	assert_int_equal(v->urgency, VG_URG_MEDIUM);
	assert_true(v->cvss == 7.5);
	assert_true(v->epss == 0.31);
	assert_int_equal(v->n_kev, 1);
	assert_string_equal(v->kev_ids, "CVE-2024-0001");
	assert_true(v->ransomware);

	v = find(&f, "zlib");
	assert_non_null(v);
	assert_string_equal(v->version, "1:1.2.13.dfsg-1");
	assert_int_equal(v->status, VG_VPKG_UNDETERMINED);
	assert_null(v->fixed_version);
	assert_int_equal(v->n_ids, 1);
	assert_int_equal(v->n_kev, 0);
	assert_null(v->kev_ids);
	assert_true(v->cvss < 0);
	assert_true(v->epss < 0);

	v = find(&f, "binutils");
	assert_non_null(v);
	assert_int_equal(v->urgency, VG_URG_UNIMPORTANT);
	assert_int_equal(v->n_ids, 2);
	assert_int_equal(v->status, VG_VPKG_NO_FIX_YET);
	assert_true(v->cvss == 5.5);

	v = find(&f, "gcc-12");
	assert_non_null(v);
	assert_int_equal(v->urgency, VG_URG_UNKNOWN);

	v = find(&f, "php8.2");
	assert_non_null(v);
	assert_int_equal(v->status, VG_VPKG_END_OF_LIFE);
	assert_int_equal(v->urgency, VG_URG_HIGH);
	assert_string_equal(v->binaries, "php8.2-cli");

	v = find(&f, "curl");
	assert_non_null(v);
	assert_true(v->cvss < 0);
	assert_true(v->epss < 0);

	/* matching again replaces the previous result */
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	assert_int_equal(f.n_vuln_pkgs, 6);
	vg_facts_release(&f);
}

/* Lists are capped, counts exact. */
static void
test_caps(void **state)
{
	static struct row many[120];
	static char ids[120][32];
	static char names[40][16];
	struct store s = {many, VG_ARRAY_LEN(many), 0, "", VG_OK};
	const struct vg_vuln_pkg *v;
	struct vg_facts f;
	struct vg_err err;
	size_t i, commas = 0;
	const char *c;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(many); i++) {
		(void)snprintf(ids[i], sizeof(ids[i]), "CVE-2024-%04zu",
			       1000 + i);
		many[i] = (struct row){"bookworm", "linux", ids[i], OPEN,
				       NULL,       NULL,    NULL,   VG_URG_HIGH,
				       -1,         true,    false,  -1};
	}
	host(&f, "bookworm");
	for (i = 0; i < VG_ARRAY_LEN(names); i++) {
		(void)snprintf(names[i], sizeof(names[i]), "linux-b%02zu", i);
		pkg(&f, names[i], "6.1.76-1", "linux", "6.1.76-1");
	}
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	assert_int_equal(s.calls, 1);
	v = find(&f, "linux");
	assert_non_null(v);
	assert_int_equal(v->n_ids, 120);
	assert_int_equal(v->n_kev, 120);
	for (c = v->ids; *c != '\0'; c++)
		commas += *c == ',';
	assert_int_equal(commas, 49);
	assert_non_null(strstr(v->binaries, "linux-b31,+8"));
	assert_null(strstr(v->binaries, "linux-b32"));
	vg_facts_release(&f);
}

/* Not collected: no packages, no codename; a failing lookup. */
static void
test_not_collected(void **state)
{
	struct store s = {vectors, VG_ARRAY_LEN(vectors), 0, "", VG_OK};
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	host(&f, "bookworm");
	vg_facts_not_collected(&f, VG_SRC_PACKAGES, "no dpkg");
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	assert_false(f.sources[VG_SRC_VULNS].collected);
	assert_non_null(strstr(f.sources[VG_SRC_VULNS].reason, "packages"));
	vg_facts_release(&f);

	host(&f, "");
	pkg(&f, "txt2man", "1.5.5-4", "txt2man", "1.5.5-4");
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	assert_false(f.sources[VG_SRC_VULNS].collected);
	assert_non_null(strstr(f.sources[VG_SRC_VULNS].reason, "codename"));
	assert_int_equal(s.calls, 0);
	vg_facts_release(&f);

	/* the lookup's error is returned and explains the source */
	host(&f, "jessie");
	pkg(&f, "txt2man", "1.5.5-4", "txt2man", "1.5.5-4");
	s.fail = VG_ERR_STORE;
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err),
			 VG_ERR_STORE);
	assert_false(f.sources[VG_SRC_VULNS].collected);
	assert_string_equal(f.sources[VG_SRC_VULNS].reason, "store broken");
	assert_int_equal(f.n_vuln_pkgs, 0);
	vg_facts_release(&f);

	/* no package at all: collected, nothing vulnerable */
	s.fail = VG_OK;
	host(&f, "jessie");
	assert_int_equal(vg_vuln_match(&f, fake_lookup, &s, &err), VG_OK);
	assert_true(f.sources[VG_SRC_VULNS].collected);
	assert_int_equal(f.n_vuln_pkgs, 0);
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_affects),
		cmocka_unit_test(test_affects_branches),
		cmocka_unit_test(test_match_vectors),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_not_collected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

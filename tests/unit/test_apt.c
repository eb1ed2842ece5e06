/* apt lists: Packages scanning, Release/InRelease, the collector on a
 * temporary root with lists in each compression and several suites. */
#include "util/common.h"

#include <lz4frame.h>
#include <lzma.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <zlib.h>
#include <zstd.h>

#include "support.h"
#include "collect/apt.h"
#include "collect/collectors.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

#define LISTS "var/lib/apt/lists/"

/* ------------------------------------------------------------------ */
/* Compression helpers (write a compressed file in dir).                */

static void
write_gz(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), cap = compressBound(len) + 64;
	unsigned char *out = malloc(cap);
	z_stream z;

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(
		deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
		Z_OK);
	z.next_in = (unsigned char *)text;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	vg_test_write_bytes(dir, rel, out, z.total_out);
	deflateEnd(&z);
	free(out);
}

static void
write_xz(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), cap = lzma_stream_buffer_bound(len), pos = 0;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)text, len,
						 out, &pos, cap),
			 LZMA_OK);
	vg_test_write_bytes(dir, rel, out, pos);
	free(out);
}

static void
write_lz4(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), cap = LZ4F_compressFrameBound(len, NULL), r;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	r = LZ4F_compressFrame(out, cap, text, len, NULL);
	assert_false(LZ4F_isError(r));
	vg_test_write_bytes(dir, rel, out, r);
	free(out);
}

static void
write_zst(const char *dir, const char *rel, const char *text)
{
	size_t len = strlen(text), cap = ZSTD_compressBound(len), r;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	r = ZSTD_compress(out, cap, text, len, 3);
	assert_false(ZSTD_isError(r));
	vg_test_write_bytes(dir, rel, out, r);
	free(out);
}

/* ------------------------------------------------------------------ */
/* vg_apt_packages_scan                                                 */

struct seen {
	char names[16][64];
	char versions[16][64];
	char archs[16][16];
	int n;
};

static bool
want_not_skipme(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	return !vg_streqn("skipme", name, n);
}

static enum vg_rc
record(void *ctx, const struct vg_apt_stanza *st)
{
	struct seen *s = ctx;

	assert_true(s->n < 16);
	(void)snprintf(s->names[s->n], 64, "%.*s", (int)st->name_len, st->name);
	(void)snprintf(s->versions[s->n], 64, "%.*s", (int)st->version_len,
		       st->version);
	(void)snprintf(s->archs[s->n], 16, "%.*s", (int)st->arch_len, st->arch);
	s->n++;
	return VG_OK;
}

static void
test_scan(void **state)
{
	static const char text[] =
		"Package: a\n" /* 1 */
		"Version: 1.0-1\n"
		"Architecture: amd64\n"
		"Description: first\n"
		" Version: 9.9\n" /* continuation, ignored */
		"\n"
		"Package: skipme\n" /* 7 */
		"this is garbage that is never read\n"
		"\n"
		"\n"
		"Version: 2\n" /* 11: no Package */
		"\n"
		"Package: b\n" /* 13 */
		"bad line\n"
		"Version: 1\n"
		"\n"
		"Package: c\n" /* 17 */
		"\n"
		"Package: d\n" /* 19 */
		"Version:    3:1.2~rc1   \n"
		"\n"
		"Package: skipme\n" /* 22: last, no newline */
		"Version: 1";
	struct vg_facts f;
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	vg_facts_init(&f);
	assert_int_equal(vg_apt_packages_scan(&f, "P", text, sizeof(text) - 1,
					      want_not_skipme, record, &s),
			 VG_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "a");
	assert_string_equal(s.versions[0], "1.0-1");
	assert_string_equal(s.archs[0], "amd64");
	assert_string_equal(s.names[1], "d");
	assert_string_equal(s.versions[1], "3:1.2~rc1");
	assert_string_equal(s.archs[1], "");
	assert_true(vg_test_has_warning(&f, "P:11: stanza"));
	assert_true(vg_test_has_warning(&f, "P:13: stanza"));
	assert_true(vg_test_has_warning(&f, "P:17: stanza"));
	assert_int_equal(f.n_warnings, 3);
	vg_facts_release(&f);
}

/* Hostile buffers: no crash, no stanza invented. */
static void
test_scan_hostile(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int stanzas;
	} rows[] = {
		{"", 0, 0},
		{"\n\n\n\n", 4, 0},
		{"Package: x", 10, 0},
		{"Package: x\nVersion:", 19, 0},
		{"Package: x\nVersion: 1", 21, 1},
		{":\n:\n", 4, 0},
		{"Package: x\0\nVersion: 1\n", 23, 1},
		{"Package: skipme", 15, 0},
		{"Package: skipme\n", 16, 0},
		{"\n\nPackage: y\nVersion: 2\n\n\n", 26, 1},
	};
	struct vg_facts f;
	struct seen s;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&s, 0, sizeof(s));
		vg_facts_init(&f);
		assert_int_equal(
			vg_apt_packages_scan(&f, "P", rows[i].text, rows[i].len,
					     want_not_skipme, record, &s),
			VG_OK);
		if (s.n != rows[i].stanzas) {
			print_error("row %zu: %d stanzas\n", i, s.n);
			fail();
		}
		vg_facts_release(&f);
	}
}

/* A skipped stanza ends at its blank line wherever it falls in a word. */
static void
test_scan_skip_alignment(void **state)
{
	struct vg_facts f;
	struct seen s;
	char text[256];
	int pad, lead, n;

	(void)state;
	for (lead = 0; lead < 8; lead++) {
		for (pad = 0; pad < 24; pad++) {
			n = snprintf(text, sizeof(text),
				     "%.*sPackage: skipme\nX: %.*s\n\n"
				     "Package: a\nVersion: 1\n",
				     lead, "\n\n\n\n\n\n\n\n", pad,
				     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
			memset(&s, 0, sizeof(s));
			vg_facts_init(&f);
			assert_int_equal(vg_apt_packages_scan(
						 &f, "P", text, (size_t)n,
						 want_not_skipme, record, &s),
					 VG_OK);
			assert_int_equal(s.n, 1);
			assert_string_equal(s.names[0], "a");
			assert_int_equal(f.n_warnings, 0);
			vg_facts_release(&f);
		}
	}
}

/* ------------------------------------------------------------------ */
/* vg_apt_stream: the same scan, fed in pieces                          */

/* Every stanza seen, as "name/version/arch;" (any number of them). */
static enum vg_rc
record_all(void *ctx, const struct vg_apt_stanza *st)
{
	return vg_buf_printf(ctx, "%.*s/%.*s/%.*s;", (int)st->name_len,
			     st->name, (int)st->version_len, st->version,
			     (int)st->arch_len, st->arch);
}

/* The warnings of f, joined by '|'. */
static void
warnings_of(const struct vg_facts *f, struct vg_buf *out)
{
	size_t i;

	for (i = 0; i < f->n_warnings; i++)
		assert_int_equal(vg_buf_printf(out, "%s|", f->warnings[i]),
				 VG_OK);
}

/* Scan text whole: its stanzas and warnings. */
static void
scan_whole(const char *text, size_t len, struct vg_buf *seen,
	   struct vg_buf *warns)
{
	struct vg_facts f;

	vg_facts_init(&f);
	assert_int_equal(vg_apt_packages_scan(&f, "P", text, len,
					      want_not_skipme, record_all,
					      seen),
			 VG_OK);
	warnings_of(&f, warns);
	vg_facts_release(&f);
}

/* Scan text through a stream, cut at the offsets in cuts (ascending). */
static void
scan_cut(const char *text, size_t len, const size_t *cuts, size_t n_cuts,
	 size_t max_stanza, struct vg_buf *seen, struct vg_buf *warns)
{
	struct vg_apt_stream *st;
	struct vg_facts f;
	size_t i, at = 0, to;

	vg_facts_init(&f);
	assert_int_equal(vg_apt_stream_new(&st, &f, "P", max_stanza,
					   want_not_skipme, record_all, seen),
			 VG_OK);
	for (i = 0; i <= n_cuts; i++) {
		to = i < n_cuts ? cuts[i] : len;
		assert_int_equal(vg_apt_stream_feed(st, text + at, to - at),
				 VG_OK);
		at = to;
	}
	assert_int_equal(vg_apt_stream_finish(st), VG_OK);
	vg_apt_stream_free(st);
	warnings_of(&f, warns);
	vg_facts_release(&f);
}

/* Hostile and ordinary texts, cut everywhere (one cut, then bytes). */
static const char *const stream_texts[] = {
	/* Parentheses: one element made of several literals. */
	("Package: a\nVersion: 1.0-1\nArchitecture: amd64\nDescription: x\n"
	 " Version: 9.9\n\nPackage: skipme\ngarbage never read\n\n\n"
	 "Version: 2\n\nPackage: b\nbad line\nVersion: 1\n\nPackage: c\n\n"
	 "Package: d\nVersion:    3:1.2~rc1   \n\nPackage: skipme\nVersion: 1"),
	("\n\n\nPackage: e\nVersion: 1\n\n\n\nPackage: skipme\n\n\n"
	 "Package: f\nPackage: g\nVersion: 2\n\nPackage: h\nVersion: 3\n"),
	"Package: skipme\nVersion: 1\n\nPackage: i\nVersion: 1\n\n",
	"Package: j\nVersion: 1\nX: \n\n\n\n\n",
	"Package: x\0y\nVersion: 1\n\n:\n:\n\nPackage: k\nVersion: 1",
	"",
	"\n",
	"Package: skipme",
};

static void
check_stream_equal(const char *text, size_t len, const size_t *cuts,
		   size_t n_cuts, const char *what)
{
	struct vg_buf seen1, warns1, seen2, warns2;

	vg_buf_init(&seen1, 1u << 20);
	vg_buf_init(&warns1, 1u << 20);
	vg_buf_init(&seen2, 1u << 20);
	vg_buf_init(&warns2, 1u << 20);
	scan_whole(text, len, &seen1, &warns1);
	scan_cut(text, len, cuts, n_cuts, 1u << 20, &seen2, &warns2);
	if (strcmp(vg_buf_str(&seen1), vg_buf_str(&seen2)) != 0 ||
	    strcmp(vg_buf_str(&warns1), vg_buf_str(&warns2)) != 0) {
		print_error("%s: whole: %s %s\ncut: %s %s\n", what,
			    vg_buf_str(&seen1), vg_buf_str(&warns1),
			    vg_buf_str(&seen2), vg_buf_str(&warns2));
		fail();
	}
	vg_buf_release(&seen1);
	vg_buf_release(&warns1);
	vg_buf_release(&seen2);
	vg_buf_release(&warns2);
}

static void
test_stream_cuts(void **state)
{
	static const size_t lens[] = {
		sizeof("Package: a\nVersion: 1.0-1\nArchitecture: amd64\n"
		       "Description: x\n Version: 9.9\n\nPackage: skipme\n"
		       "garbage never read\n\n\nVersion: 2\n\nPackage: b\nbad "
		       "line\nVersion: 1\n\nPackage: c\n\nPackage: d\n"
		       "Version:    3:1.2~rc1   \n\nPackage: skipme\n"
		       "Version: 1") -
			1,
		0,
		0,
		0,
		sizeof("Package: x\0y\nVersion: 1\n\n:\n:\n\nPackage: k\n"
		       "Version: 1") -
			1,
		0,
		0,
		0};
	size_t cuts[4096], i, k, len, a, b;
	const char *text;
	char what[64];

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(stream_texts); i++) {
		text = stream_texts[i];
		len = lens[i] != 0 ? lens[i] : strlen(text);
		/* Whole, then one cut at each offset. */
		check_stream_equal(text, len, NULL, 0, "whole");
		for (k = 0; k <= len; k++) {
			(void)snprintf(what, sizeof(what), "text %zu cut %zu",
				       i, k);
			check_stream_equal(text, len, &k, 1, what);
		}
		/* Two cuts anywhere (a piece inside a pair of '\n'). */
		for (a = 0; a <= len && len <= 64; a++)
			for (b = a; b <= len; b++) {
				cuts[0] = a;
				cuts[1] = b;
				check_stream_equal(text, len, cuts, 2, "two");
			}
		/* A byte at a time. */
		for (k = 0; k < len && k < VG_ARRAY_LEN(cuts); k++)
			cuts[k] = k + 1;
		check_stream_equal(text, len, cuts, k, "bytes");
	}
}

/* A stanza longer than the carry limit is skipped, the rest goes on. */
static void
test_stream_overlong(void **state)
{
	struct vg_buf text, seen, warns;
	size_t cuts[64], i, n = 0;

	(void)state;
	vg_buf_init(&text, 1u << 20);
	vg_buf_init(&seen, 1u << 20);
	vg_buf_init(&warns, 1u << 20);
	assert_int_equal(vg_buf_adds(&text,
				     "Package: a\nVersion: 1\n\n"
				     "Package: big\nVersion: 1\n"),
			 VG_OK);
	for (i = 0; i < 10; i++) /* lines 6..15 */
		assert_int_equal(vg_buf_adds(&text, " xxxxxxxxxxxxxxxxxxx\n"),
				 VG_OK);
	assert_int_equal(vg_buf_adds(&text,
				     "\nPackage: c\nVersion: 2\n\n"
				     "Package: d\n\nPackage: e\n"
				     "Version: 3"),
			 VG_OK);
	/* Pieces of 10 bytes: the big stanza must be carried. */
	for (i = 10; i < text.len; i += 10)
		cuts[n++] = i;
	scan_cut(text.data, text.len, cuts, n, 64, &seen, &warns);
	assert_string_equal(vg_buf_str(&seen), "a/1/;c/2/;e/3/;");
	assert_string_equal(vg_buf_str(&warns),
			    "P:4: stanza longer than 64 bytes skipped|"
			    "P:20: stanza without Package or Version "
			    "skipped|");
	/* Cut right after the big stanza's first '\n' of its pair. */
	vg_buf_reset(&seen);
	vg_buf_reset(&warns);
	cuts[0] = 40;
	cuts[1] = (size_t)(strstr(text.data, "\n\nPackage: c") - text.data) + 1;
	scan_cut(text.data, text.len, cuts, 2, 64, &seen, &warns);
	assert_string_equal(vg_buf_str(&seen), "a/1/;c/2/;e/3/;");
	assert_non_null(strstr(vg_buf_str(&warns), "P:20: stanza"));
	/* In one piece nothing is carried: the limit is on the carry. */
	vg_buf_reset(&seen);
	vg_buf_reset(&warns);
	scan_cut(text.data, text.len, NULL, 0, 64, &seen, &warns);
	assert_string_equal(vg_buf_str(&seen), "a/1/;big/1/;c/2/;e/3/;");
	vg_buf_release(&text);
	vg_buf_release(&seen);
	vg_buf_release(&warns);
}

/* ------------------------------------------------------------------ */
/* Release files                                                        */

static const char inrelease_bookworm[] =
	"-----BEGIN PGP SIGNED MESSAGE-----\n"
	"Hash: SHA256\n"
	"\n"
	"Origin: Debian\n"
	"- Label: Debian\n" /* dash-escaped, as gpg may write it */
	"Suite: stable\n"
	"Version: 12.5\n"
	"Codename: bookworm\n"
	"Date: Sat, 10 Feb 2024 09:46:11 UTC\n"
	"Description: Debian 12.5 Released 10 February 2024\n"
	"MD5Sum:\n"
	" 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all\n"
	"- -----not a field\n"
	"-----BEGIN PGP SIGNATURE-----\n"
	"\n"
	"iQIzBAEBCAAdFiEE...\n"
	"Suite: not-this-either\n"
	"-----END PGP SIGNATURE-----\n";

static void
test_release(void **state)
{
	static const char release_plain[] =
		"Origin: Debian\nLabel: Debian-Security\nSuite: oldoldstable\n"
		"Codename: buster\n";
	static const char release_bp[] =
		"Origin: Debian Backports\nLabel: Debian Backports\n"
		"Suite: stable-backports\nCodename: bookworm-backports\n"
		"NotAutomatic: yes\nButAutomaticUpgrades: yes\n";
	struct vg_apt_release r;
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	vg_apt_release_parse(&f, "InRelease", inrelease_bookworm,
			     sizeof(inrelease_bookworm) - 1, &r);
	assert_string_equal(r.origin, "Debian");
	assert_string_equal(r.label, "Debian");
	assert_string_equal(r.suite, "stable");
	assert_string_equal(r.codename, "bookworm");
	assert_false(r.not_automatic);
	assert_false(vg_apt_release_security(&r));

	vg_apt_release_parse(&f, "Release", release_plain,
			     sizeof(release_plain) - 1, &r);
	assert_string_equal(r.suite, "oldoldstable");
	assert_true(vg_apt_release_security(&r));

	vg_apt_release_parse(&f, "Release", release_bp, sizeof(release_bp) - 1,
			     &r);
	assert_true(r.not_automatic);
	assert_true(r.but_automatic_upgrades);
	assert_false(vg_apt_release_security(&r));

	/* Armor only, nothing signed; then garbage. */
	vg_apt_release_parse(&f, "R", "-----BEGIN PGP SIGNED MESSAGE-----\n",
			     35, &r);
	assert_null(r.suite);
	vg_apt_release_parse(&f, "R", "no colon here\n\0\n", 16, &r);
	assert_null(r.suite);
	assert_true(vg_test_has_warning(&f, "R:1: not a field"));
	vg_facts_release(&f);
}

static void
test_security_suites(void **state)
{
	static const struct {
		const char *origin, *label, *suite, *codename;
		bool security;
	} rows[] = {
		{"Debian", "Debian", "stable", "bookworm", false},
		{"Debian", "Debian-Security", "stable-security",
		 "bookworm-security", true},
		{"Debian", "Debian", "stable-security", NULL, true},
		{"Debian", "Debian", NULL, "bookworm-security", true},
		{"Debian", "Debian", "buster/updates", NULL, true},
		{NULL, "Debian-Security", NULL, NULL, true},
		{"Ubuntu", "Ubuntu", "jammy-security", "jammy", true},
		{"Ubuntu", "Ubuntu", "jammy-updates", "jammy", false},
		{"Docker", "Docker CE", "bookworm", "bookworm", false},
		{"Security Tools Inc", NULL, "main", NULL, true},
		{NULL, NULL, NULL, NULL, false},
		{NULL, NULL, "-security", NULL, true},
		{NULL, NULL, "security", NULL, false},
	};
	struct vg_apt_release r;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(&r, 0, sizeof(r));
		r.origin = rows[i].origin;
		r.label = rows[i].label;
		r.suite = rows[i].suite;
		r.codename = rows[i].codename;
		if (vg_apt_release_security(&r) != rows[i].security) {
			print_error("row %zu\n", i);
			fail();
		}
	}
}

/* ------------------------------------------------------------------ */
/* The collector                                                        */

static const char dpkg_status[] =
	"Package: openssl\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 3.0.11-1~deb12u1\n\n"
	"Package: bash\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 5.2.15-2+b2\n\n"
	"Package: tzdata\nStatus: install ok installed\n"
	"Architecture: all\nVersion: 2024a-0+deb12u1\n\n"
	"Package: libc6\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 2.36-9+deb12u3\n\n"
	"Package: libc6\nStatus: install ok installed\n"
	"Architecture: i386\nVersion: 2.36-9+deb12u3\n\n"
	"Package: curl\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 7.88.1-10+deb12u5\n\n"
	"Package: linux-image-6.6.13-bpo-amd64\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 6.6.13-1~bpo12+1\n\n"
	"Package: vim\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 2:9.0.1378-2\n\n"
	"Package: oldpkg\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 1.0-1\n\n"
	"Package: gone\nStatus: deinstall ok config-files\n"
	"Architecture: amd64\nVersion: 0.1\n\n"
	"Package: dpkg\nStatus: install ok installed\n"
	"Architecture: amd64\nVersion: 1.21.22\n";

static const char main_packages[] =
	"Package: 0ad\nVersion: 0.0.26-3\nArchitecture: amd64\n\n"
	"Package: bash\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n"
	"Description: GNU Bourne Again SHell\n .\n more\n\n"
	"Package: openssl\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n\n"
	"Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\n\n"
	"Package: curl\nVersion: 7.88.1-10+deb12u5\nArchitecture: amd64\n\n"
	"Package: gone\nVersion: 0.2\nArchitecture: amd64\n\n"
	"Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n\n"
	"Package: oldpkg\nArchitecture: amd64\n\n"; /* no Version */

static const char security_packages[] =
	"Package: openssl\nVersion: 3.0.13-1~deb12u1\nArchitecture: amd64\n\n"
	"Package: openssl\nVersion: 3.0.13-1~deb12u1\nArchitecture: arm64\n\n"
	"Package: libc6\nVersion: 2.36-9+deb12u3\nArchitecture: amd64\n";

static const char updates_packages[] =
	"Package: tzdata\nVersion: 2025a-0+deb12u1\nArchitecture: all\n\n";

static const char backports_packages[] =
	"Package: curl\nVersion: 8.5.0-2~bpo12+1\nArchitecture: amd64\n\n"
	"Package: linux-image-6.6.13-bpo-amd64\nVersion: 6.6.15-2~bpo12+1\n"
	"Architecture: amd64\n\n";

static const char experimental_packages[] =
	"Package: vim\nVersion: 2:9.1.0-1\nArchitecture: amd64\n\n";

static const char buster_security_packages[] =
	"Package: oldpkg\nVersion: 1.0-1+deb10u1\nArchitecture: amd64\n\n";

static const struct vg_upgrade *
upgrade(const struct vg_facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_upgrades; i++)
		if (strcmp(f->upgrades[i].name, name) == 0)
			return &f->upgrades[i];
	return NULL;
}

static void
set_mtime(const char *dir, const char *rel, time_t t)
{
	struct timeval tv[2] = {{t, 0}, {t, 0}};
	char path[4096];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(utimes(path, tv), 0);
}

static void
run(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(f);
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = f;
	assert_int_equal(vg_collect_dpkg(&c), VG_OK);
	assert_int_equal(vg_collect_apt(&c), VG_OK);
	vg_root_close(&root);
}

#define DEB LISTS "deb.debian.org_debian_dists_"
#define SEC LISTS "security.debian.org_debian-security_dists_"

static void
make_root(const char *dir)
{
	vg_test_write(dir, "var/lib/dpkg/status", dpkg_status);
	vg_test_write(dir, LISTS "lock", "");
	vg_test_write(dir, LISTS "partial/.keep", "");
	/* bookworm: clear-signed InRelease, main in .xz, contrib in .gz */
	vg_test_write(dir, DEB "bookworm_InRelease", inrelease_bookworm);
	write_xz(dir, DEB "bookworm_main_binary-amd64_Packages.xz",
		 main_packages);
	write_gz(dir, DEB "bookworm_contrib_binary-amd64_Packages.gz",
		 "Package: steam\nVersion: 1\nArchitecture: i386\n");
	vg_test_write(dir, DEB "bookworm_main_i18n_Translation-en", "x");
	/* bookworm-updates: plain Release, list in .zst */
	vg_test_write(dir, DEB "bookworm-updates_Release",
		      "Origin: Debian\nLabel: Debian\nSuite: stable-updates\n"
		      "Codename: bookworm-updates\n");
	write_zst(dir, DEB "bookworm-updates_main_binary-amd64_Packages.zst",
		  updates_packages);
	/* bookworm-security: list in .lz4 */
	vg_test_write(dir, SEC "bookworm-security_InRelease",
		      "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
		      "Origin: Debian\nLabel: Debian-Security\n"
		      "Suite: stable-security\nCodename: bookworm-security\n"
		      "-----BEGIN PGP SIGNATURE-----\n\nxx\n"
		      "-----END PGP SIGNATURE-----\n");
	write_lz4(dir, SEC "bookworm-security_main_binary-amd64_Packages.lz4",
		  security_packages);
	/* Debian 10 security: the suite path holds a '_' (buster/updates) */
	vg_test_write(dir, SEC "buster_updates_Release",
		      "Origin: Debian\nLabel: Debian-Security\n"
		      "Suite: oldoldstable\nCodename: buster\n");
	vg_test_write(dir, SEC "buster_updates_main_binary-amd64_Packages",
		      buster_security_packages);
	/* backports and experimental: pinned low by apt */
	vg_test_write(dir, DEB "bookworm-backports_InRelease",
		      "Suite: stable-backports\nCodename: bookworm-backports\n"
		      "NotAutomatic: yes\nButAutomaticUpgrades: yes\n");
	vg_test_write(dir, DEB "bookworm-backports_main_binary-amd64_Packages",
		      backports_packages);
	vg_test_write(dir, DEB "experimental_Release",
		      "Suite: experimental\nNotAutomatic: yes\n");
	vg_test_write(dir, DEB "experimental_main_binary-amd64_Packages",
		      experimental_packages);
	/* a corrupt list: a warning, the rest goes on */
	vg_test_write(dir, LISTS "broken.example_dists_x_InRelease",
		      "Suite: x\n");
	vg_test_write(dir,
		      LISTS "broken.example_dists_x_main_binary-amd64_"
			    "Packages.gz",
		      "not gzip at all");
	vg_test_write(dir,
		      LISTS "old.example_dists_y_main_binary-amd64_"
			    "Packages.bz2",
		      "BZh9");

	set_mtime(dir, DEB "bookworm_InRelease", 1700000000);
	set_mtime(dir, SEC "bookworm-security_InRelease", 1710000000);
	set_mtime(dir, DEB "bookworm-updates_Release", 1705000000);
	set_mtime(dir, SEC "buster_updates_Release", 1600000000);
	set_mtime(dir, DEB "bookworm-backports_InRelease", 1690000000);
	set_mtime(dir, LISTS "broken.example_dists_x_InRelease", 1600000000);
	set_mtime(dir, DEB "experimental_Release", 1600000000);
}

/* What make_root's lists give, whichever way they were read. */
static void
check_collect(struct vg_facts *fp)
{
	struct vg_facts f = *fp;
	const struct vg_upgrade *u;

	assert_true(f.sources[VG_SRC_PACKAGES].collected);
	assert_true(f.sources[VG_SRC_APT].collected);
	/* xz, gz, zst, lz4, buster plain, backports plain */
	assert_int_equal(f.apt.n_lists, 6);
	assert_int_equal(f.apt.lists_updated, 1710000000);

	assert_non_null(u = upgrade(&f, "openssl"));
	assert_string_equal(u->installed, "3.0.11-1~deb12u1");
	assert_string_equal(u->candidate, "3.0.13-1~deb12u1");
	assert_string_equal(u->suite, "stable-security");
	assert_true(u->security);

	assert_non_null(u = upgrade(&f, "tzdata"));
	assert_string_equal(u->candidate, "2025a-0+deb12u1");
	assert_string_equal(u->suite, "stable-updates");
	assert_false(u->security);

	/* libc6: amd64 only (no i386 list); security has the old one. */
	assert_non_null(u = upgrade(&f, "libc6"));
	assert_string_equal(u->candidate, "2.36-9+deb12u4");
	assert_string_equal(u->suite, "stable");
	assert_false(u->security);

	/* The kernel came from backports: its upgrade is there too. */
	assert_non_null(u = upgrade(&f, "linux-image-6.6.13-bpo-amd64"));
	assert_string_equal(u->candidate, "6.6.15-2~bpo12+1");
	assert_string_equal(u->suite, "stable-backports");

	assert_non_null(u = upgrade(&f, "oldpkg"));
	assert_string_equal(u->candidate, "1.0-1+deb10u1");
	assert_string_equal(u->suite, "oldoldstable");
	assert_true(u->security);

	assert_null(upgrade(&f, "bash")); /* same version */
	assert_null(upgrade(&f, "curl")); /* backports only */
	assert_null(upgrade(&f, "vim"));  /* experimental */
	assert_null(upgrade(&f, "gone")); /* not installed */
	assert_null(upgrade(&f, "0ad"));  /* not installed */
	assert_int_equal(f.n_upgrades, 5);

	assert_true(vg_test_has_warning(&f,
					"broken.example_dists_x_main_"
					"binary-amd64_Packages.gz"));
	assert_true(vg_test_has_warning(&f, "Packages.bz2: unsupported"));
	assert_true(vg_test_has_warning(&f,
					"bookworm_main_binary-amd64_"
					"Packages.xz:32: stanza"));
}

/* The number of index files in the test's cache directory. */
static int
cache_files(void)
{
	char dir[4096];
	struct dirent *de;
	DIR *d;
	int n = 0;

	(void)snprintf(dir, sizeof(dir), "%s/vigie/apt",
		       getenv("XDG_CACHE_HOME"));
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".idx") != NULL;
	closedir(d);
	return n;
}

static void
clear_cache(void)
{
	char dir[4096];

	(void)snprintf(dir, sizeof(dir), "%s/vigie", getenv("XDG_CACHE_HOME"));
	vg_test_rmtree(dir);
}

/* Without the cache, building it, then from it: the same facts. */
static void
test_collect(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	clear_cache();
	make_root(dir);
	setenv("VIGIE_NO_CACHE", "1", 1);
	run(dir, &f);
	check_collect(&f);
	vg_facts_release(&f);
	assert_int_equal(cache_files(), 0);
	unsetenv("VIGIE_NO_CACHE");
	run(dir, &f);
	check_collect(&f);
	vg_facts_release(&f);
	/* One index per list read: xz, gz, zst, lz4, buster, backports. */
	assert_int_equal(cache_files(), 6);
	run(dir, &f);
	check_collect(&f);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

#define MAIN_LIST DEB "bookworm_main_binary-amd64_Packages"

/* Rewrite a list in place (same inode, same size) and put its times back. */
static void
rewrite_same(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	struct timespec ts[2];
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, strlen(text));
	vg_test_write(dir, rel, text);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static const char *
candidate(const char *dir, const char *name)
{
	static char v[64];
	const struct vg_upgrade *u;
	struct vg_facts f;

	run(dir, &f);
	u = upgrade(&f, name);
	(void)snprintf(v, sizeof(v), "%s", u != NULL ? u->candidate : "-");
	vg_facts_release(&f);
	return v;
}

/* The index is used while the list is the same file, and only then. */
static void
test_cache_invalidation(void **state)
{
	char *dir = vg_test_tmpdir(), path[4096];
	struct timespec ts[2] = {{1600000000, 0}, {1600000000, 0}};

	(void)state;
	clear_cache();
	vg_test_write(dir, "var/lib/dpkg/status", dpkg_status);
	vg_test_write(dir, MAIN_LIST,
		      "Package: bash\nVersion: 6.0-1\nArchitecture: amd64\n");
	assert_string_equal(candidate(dir, "bash"), "6.0-1");
	assert_int_equal(cache_files(), 1);
	/* Changed behind the cache's back, identity kept: the index. */
	rewrite_same(dir, MAIN_LIST,
		     "Package: bash\nVersion: 7.0-1\nArchitecture: amd64\n");
	assert_string_equal(candidate(dir, "bash"), "6.0-1");
	setenv("VIGIE_NO_CACHE", "yes", 1);
	assert_string_equal(candidate(dir, "bash"), "7.0-1");
	unsetenv("VIGIE_NO_CACHE");
	/* Another mtime: read again. */
	(void)snprintf(path, sizeof(path), "%s/%s", dir, MAIN_LIST);
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	assert_string_equal(candidate(dir, "bash"), "7.0-1");
	/* Another size (apt replaces lists by rename: another inode). */
	vg_test_write(dir, MAIN_LIST,
		      "Package: bash\nVersion: 10.0-1\nArchitecture: amd64\n");
	assert_string_equal(candidate(dir, "bash"), "10.0-1");
	assert_int_equal(cache_files(), 1);
	vg_test_rmtree(dir);
	free(dir);
}

/* Index files cut short, filled with junk or emptied are rebuilt. */
static void
test_cache_damaged(void **state)
{
	static const struct {
		size_t len;
		int fill; /* 0: truncate to len */
	} rows[] = {{0, 0},   {50, 0},     {96, 0},
		    {200, 0}, {1000, 'x'}, {96, 0xff}};
	char *dir = vg_test_tmpdir(), cdir[2048], path[4096], *junk;
	struct dirent *de;
	struct vg_facts f;
	DIR *d;
	size_t i;

	(void)state;
	make_root(dir);
	(void)snprintf(cdir, sizeof(cdir), "%s/vigie/apt",
		       getenv("XDG_CACHE_HOME"));
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		clear_cache();
		run(dir, &f); /* builds */
		vg_facts_release(&f);
		assert_non_null(d = opendir(cdir));
		while ((de = readdir(d)) != NULL) {
			if (strstr(de->d_name, ".idx") == NULL)
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s", cdir,
				       de->d_name);
			if (rows[i].fill == 0) {
				assert_int_equal(
					truncate(path, (off_t)rows[i].len), 0);
				continue;
			}
			assert_non_null(junk = malloc(rows[i].len));
			memset(junk, rows[i].fill, rows[i].len);
			vg_test_write_bytes(cdir, de->d_name, junk,
					    rows[i].len);
			free(junk);
		}
		closedir(d);
		run(dir, &f);
		check_collect(&f);
		vg_facts_release(&f);
		/* Rebuilt: read back whole. */
		run(dir, &f);
		check_collect(&f);
		vg_facts_release(&f);
	}
	vg_test_rmtree(dir);
	free(dir);
}

/* The warnings of a list come back with its index; roots are apart. */
static void
test_cache_warnings_and_roots(void **state)
{
	char *a = vg_test_tmpdir(), *b = vg_test_tmpdir();
	struct vg_facts f;
	int pass;

	(void)state;
	clear_cache();
	vg_test_write(a, "var/lib/dpkg/status", dpkg_status);
	vg_test_write(b, "var/lib/dpkg/status", dpkg_status);
	vg_test_write(a, MAIN_LIST,
		      "Package: bash\nVersion: 6.0-1\nArchitecture: amd64\n\n"
		      "Package: nover\n\nPackage: vim\nVersion: 3:1\n"
		      "Architecture: amd64\n");
	vg_test_write(b, MAIN_LIST,
		      "Package: bash\nVersion: 8.0-1\nArchitecture: amd64\n");
	for (pass = 0; pass < 2; pass++) {
		run(a, &f);
		assert_true(vg_test_has_warning(&f,
						"Packages:5: stanza "
						"without"));
		assert_int_equal(f.n_upgrades, 2);
		assert_string_equal(upgrade(&f, "bash")->candidate, "6.0-1");
		vg_facts_release(&f);
		run(b, &f);
		assert_int_equal(f.n_warnings, 0);
		assert_string_equal(upgrade(&f, "bash")->candidate, "8.0-1");
		vg_facts_release(&f);
	}
	assert_int_equal(cache_files(), 2);
	vg_test_rmtree(a);
	vg_test_rmtree(b);
	free(a);
	free(b);
}

static void
test_not_collected(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	/* No dpkg database. */
	run(dir, &f);
	assert_false(f.sources[VG_SRC_APT].collected);
	assert_string_equal(f.sources[VG_SRC_APT].reason, "no dpkg database");
	vg_facts_release(&f);

	/* dpkg but no lists directory, then an empty one. */
	vg_test_write(dir, "var/lib/dpkg/status", dpkg_status);
	run(dir, &f);
	assert_false(f.sources[VG_SRC_APT].collected);
	assert_string_equal(f.sources[VG_SRC_APT].reason,
			    "no apt lists in /var/lib/apt/lists");
	vg_facts_release(&f);
	vg_test_write(dir, LISTS "lock", "");
	run(dir, &f);
	assert_false(f.sources[VG_SRC_APT].collected);
	vg_facts_release(&f);

	/* A list without any Release file: suite from its name. */
	vg_test_write(dir,
		      LISTS "ftp.fr.debian.org_debian_dists_trixie_main_"
			    "binary-amd64_Packages",
		      "Package: bash\nVersion: 5.2.21-2\n"
		      "Architecture: amd64\n");
	run(dir, &f);
	assert_true(f.sources[VG_SRC_APT].collected);
	assert_int_equal(f.n_upgrades, 1);
	assert_string_equal(f.upgrades[0].suite, "trixie");
	assert_false(f.upgrades[0].security);
	assert_true(f.apt.lists_updated > 0);
	vg_facts_release(&f);

	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_scan_hostile),
		cmocka_unit_test(test_scan_skip_alignment),
		cmocka_unit_test(test_stream_cuts),
		cmocka_unit_test(test_stream_overlong),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_security_suites),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_cache_invalidation),
		cmocka_unit_test(test_cache_damaged),
		cmocka_unit_test(test_cache_warnings_and_roots),
		cmocka_unit_test(test_not_collected),
	};
	char *cache = vg_test_tmpdir();
	int rc;

	/* The index cache of these tests, apart from the user's. */
	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("VIGIE_NO_CACHE");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	vg_test_rmtree(cache);
	free(cache);
	return rc;
}

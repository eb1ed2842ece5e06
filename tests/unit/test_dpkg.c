/* dpkg status parsing: installed-only, Source forms, malformed stanzas. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

static const char status[] = "Package: libc6\n"
			     "Status: install ok installed\n"
			     "Priority: optional\n"
			     "Architecture: amd64\n"
			     "Multi-Arch: same\n"
			     "Source: glibc\n"
			     "Version: 2.36-9+deb12u4\n"
			     "Description: GNU C Library: Shared libraries\n"
			     " Contains the standard libraries.\n"
			     " .\n"
			     " Package: not-a-field\n"
			     "\n"
			     "Package: removed-pkg\n"
			     "Status: deinstall ok config-files\n"
			     "Architecture: amd64\n"
			     "Version: 1.0-1\n"
			     "\n"
			     "Package: libssl3\n"
			     "Status: hold ok installed\n"
			     "Architecture: amd64\n"
			     "Source: openssl (3.0.11-1~deb12u2)\n"
			     "Version: 3.0.11-1~deb12u2+b1\n"
			     "\n"
			     "\n"
			     "Package: to-remove\n"
			     "Status: deinstall ok installed\n"
			     "Version: 1\n"
			     "\n"
			     "Package: half\n"
			     "Status: install ok half-configured\n"
			     "Version: 1\n"
			     "\n"
			     "Package: tzdata\n"
			     "status:   install   ok   installed  \n"
			     "Architecture: all\n"
			     "Version: 2024a-0+deb12u1\n"
			     "Conffiles:\n"
			     " /etc/foo 0123456789abcdef\n"
			     "\n"
			     "this line is not a field\n"
			     "Package: broken\n"
			     "Status: install ok installed\n"
			     "Version: 1\n"
			     "\n"
			     "Status: install ok installed\n"
			     "Version: 1\n"
			     "\n"
			     "Package: noversion\n"
			     "Status: install ok installed\n"
			     "\n"
			     "Package: badsource\n"
			     "Status: install ok installed\n"
			     "Version: 2\n"
			     "Source: src (2\n"
			     "\n"
			     "Package: libc6\n"
			     "Status: install ok installed\n"
			     "Architecture: i386\n"
			     "Source: glibc\n"
			     "Version: 2.36-9+deb12u4";

static const struct vg_package *
find(const struct vg_facts *f, const char *name, const char *arch)
{
	size_t i;

	for (i = 0; i < f->n_packages; i++)
		if (strcmp(f->packages[i].name, name) == 0 &&
		    strcmp(f->packages[i].arch, arch) == 0)
			return &f->packages[i];
	return NULL;
}

static void
test_parse(void **state)
{
	const struct vg_package *p;
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(
		vg_dpkg_status_parse(&f, "status", status, sizeof(status) - 1),
		VG_OK);
	assert_int_equal(f.n_packages, 7);

	assert_non_null(p = find(&f, "libc6", "amd64"));
	assert_string_equal(p->version, "2.36-9+deb12u4");
	assert_string_equal(p->source, "glibc");
	assert_string_equal(p->source_version, "2.36-9+deb12u4");

	assert_non_null(p = find(&f, "libssl3", "amd64"));
	assert_string_equal(p->version, "3.0.11-1~deb12u2+b1");
	assert_string_equal(p->source, "openssl");
	assert_string_equal(p->source_version, "3.0.11-1~deb12u2");

	assert_non_null(p = find(&f, "tzdata", "all"));
	assert_string_equal(p->source, "tzdata");
	assert_string_equal(p->source_version, "2024a-0+deb12u1");

	assert_non_null(p = find(&f, "badsource", ""));
	assert_string_equal(p->source, "src");
	assert_string_equal(p->source_version, "2");
	assert_non_null(find(&f, "libc6", "i386"));

	assert_null(find(&f, "removed-pkg", "amd64"));
	/* Files still on disk: kept. */
	assert_non_null(find(&f, "to-remove", ""));
	assert_non_null(find(&f, "half", ""));
	assert_null(find(&f, "broken", ""));
	assert_null(find(&f, "not-a-field", ""));

	/* The warnings name the stanza's first line. */
	assert_true(vg_test_has_warning(&f, "status:40: malformed stanza"));
	assert_true(vg_test_has_warning(&f, "status:45: malformed stanza"));
	assert_true(vg_test_has_warning(&f, "status:48: installed package"));
	assert_true(vg_test_has_warning(&f, "status:51: malformed Source"));
	assert_int_equal(f.n_warnings, 4);
	vg_facts_release(&f);
}

/* Which Status values keep a package: its files are on disk. */
static void
test_status(void **state)
{
	static const struct {
		const char *status;
		bool kept;
	} cases[] = {
		{"install ok installed", true},
		{"hold ok installed", true},
		{"deinstall ok installed", true},
		{"purge ok installed", true},
		{"unknown ok installed", true},
		{"install ok triggers-pending", true},
		{"install ok triggers-awaited", true},
		{"install ok half-configured", true},
		{"install ok unpacked", true},
		{"install ok half-installed", true},
		{"install reinstreq half-installed", true},
		{"install reinstreq installed", true},
		{"\tpurge \t reinstreq  unpacked ", true},
		{"deinstall ok config-files", false},
		{"purge ok not-installed", false},
		{"install ok not-installed", false},
		{"unknown ok not-installed", false},
		{"deinstall reinstreq config-files", false},
		{"install hold installed", false},
		{"install ok", false},
		{"install ok installed extra", false},
		{"install ok Installed", false},
		{"install ok installedx", false},
		{"install ok half", false},
		{"", false},
	};
	char text[256];
	struct vg_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		(void)snprintf(text, sizeof(text),
			       "Package: p\nStatus: %s\nVersion: 1\n",
			       cases[i].status);
		vg_facts_init(&f);
		assert_int_equal(
			vg_dpkg_status_parse(&f, "s", text, strlen(text)),
			VG_OK);
		if (f.n_packages != (cases[i].kept ? 1u : 0u)) {
			print_error("'%s': %zu packages\n", cases[i].status,
				    f.n_packages);
			fail();
		}
		vg_facts_release(&f);
	}
}

/* Field names match in any case, in ASCII only: a byte that is not the
 * letter in either case is another field. */
static void
test_field_names(void **state)
{
	static const struct {
		const char *text;
		const char *arch, *source; /* NULL: nothing kept */
	} rows[] = {
		{"PACKAGE: a\nSTATUS: install ok installed\nVERSION: 1\n"
		 "ARCHITECTURE: amd64\nSOURCE: s (2)\n",
		 "amd64", "s"},
		{"pAcKaGe: a\nsTaTuS: install ok installed\nvErSiOn: 1\n"
		 "architecturE: all\n",
		 "all", "a"},
		{"Packages: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL, NULL},
		{"Packag: a\nStatus: install ok installed\nVersion: 1\n", NULL,
		 NULL},
		{"Pack@ge: a\nStatus: install ok installed\nVersion: 1\n", NULL,
		 NULL},
		{"Packag\xe5: a\nStatus: install ok installed\nVersion: 1\n",
		 NULL, NULL},
		{"Package: a\nStatu\x13: install ok installed\nVersion: 1\n",
		 NULL, NULL},
		{"Package: a\nStatus: install ok installed\nVersio\x0e: 1\n",
		 NULL, NULL},
		{"Package: a\nStatus: install ok installed\nVersion: 1\n"
		 "Architectur\xc5: amd64\nS\x0fURCE: s\n",
		 "", "a"},
		/* Longer or shorter than a kept name, or sharing its start:
		 * other fields (each line well formed). */
		{"Package: a\nStatus: install ok installed\nVersion: 1\n"
		 "Sources: t\nSourc: t\nStat: x\nStatuses: x\nPackage-X: b\n"
		 "Architectures: x\nArch: x\nV: 2\nVersions: 2\n",
		 "", "a"},
		/* Values after no blank, several, tabs; CR or blanks after. */
		{"Package:a\nStatus:\tinstall ok installed \r\n"
		 "Version: \t 1\t\nArchitecture:  amd64 \t\r\r\n"
		 "Source:s \n",
		 "amd64", "s"},
		/* Empty values: no arch is "", an empty source the name. */
		{"Package: a\nStatus: install ok installed\nVersion: 1\n"
		 "Architecture:\nSource:  \t\n",
		 "", "a"},
	};
	struct vg_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		assert_int_equal(vg_dpkg_status_parse(&f, "s", rows[i].text,
						      strlen(rows[i].text)),
				 VG_OK);
		if (f.n_packages != (rows[i].arch != NULL ? 1u : 0u))
			fail_msg("row %zu: %zu packages", i, f.n_packages);
		if (rows[i].arch != NULL) {
			assert_string_equal(f.packages[0].name, "a");
			assert_string_equal(f.packages[0].version, "1");
			assert_string_equal(f.packages[0].arch, rows[i].arch);
			assert_string_equal(f.packages[0].source,
					    rows[i].source);
		}
		vg_facts_release(&f);
	}
}

/* Hostile bytes: each row must not crash, keep nothing or one package. */
struct row {
	const char *text;
	size_t len;
	size_t packages;
	size_t warnings;
};

static const struct row rows[] = {
	{"", 0, 0, 0},
	{"\n\n\n", 3, 0, 0},
	{":", 1, 0, 1},
	{"Package:\nStatus: install ok installed\nVersion: 1\n", 0, 0, 1},
	{"Package: a\0b\nStatus: install ok installed\nVersion: 1\n", 53, 0, 1},
	{"Package: a\nStatus: install ok installed\nVersion: 1\x01\n", 0, 0, 1},
	{"Package: a\nStatus: install ok installed extra\nVersion: 1\n", 0, 0,
	 0},
	{"Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n", 0, 1,
	 0},
	{" continuation first\nPackage: a\nStatus: install ok installed\n"
	 "Version: 1\n",
	 0, 1, 0},
	{"Package: a\nStatus: install ok installed\nVersion: 1\nSource: (\n", 0,
	 1, 1},
	/* 0x1a | 0x20 is ':', yet no colon: a malformed line. */
	{"Package\x1a a\nStatus: install ok installed\nVersion: 1\n", 0, 0, 1},
	/* A kept name and its colon, the file's last bytes. */
	{"Status:", 0, 0, 1},
	{"Package: a\nStatus: install ok installed\nVersion:", 0, 0, 1},
	{"Package: a\nStatus: install ok installed\nVersion: \n", 0, 0, 1},
	/* NUL: starting a line, malformed; in a continuation, skipped. */
	{"Package: a\nStatus: install ok installed\nVersion: 1\n\0\n", 53, 0,
	 1},
	{"Package: a\nStatus: install ok installed\nVersion: 1\n \0\n", 54, 1,
	 0},
	{"Package: a\nStatus: install ok installed\nVersion: 1\n\tx\n", 0, 1,
	 0},
	/* A CR alone is a blank line; two are not. */
	{"Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n\r\n"
	 "Package: b\r\nStatus: install ok installed\r\nVersion: 1\r\n",
	 0, 2, 0},
	{"Package: a\nStatus: install ok installed\nVersion: 1\n\r\r\n", 0, 0,
	 1},
};

/*
 * A control byte anywhere in a kept value of any length (the check
 * reads them eight or four at a time) skips the package; a printable
 * or non-ASCII byte does not.
 */
static void
test_control_bytes(void **state)
{
	static const unsigned char bad[] = {0x00, 0x01, 0x1b, 0x1f, 0x7f};
	static const unsigned char good[] = {'!', '~', 0x80, 0xa0, 0xff};
	char text[128], value[24];
	struct vg_facts f;
	size_t n, at, i, len;
	bool is_bad;

	(void)state;
	for (n = 1; n < sizeof(value); n++)
		for (at = 0; at < n; at++)
			for (i = 0; i < 2 * sizeof(bad); i++) {
				is_bad = i < sizeof(bad);
				memset(value, '1', n);
				value[at] =
					(char)(is_bad ? bad[i]
						      : good[i - sizeof(bad)]);
				len = (size_t)snprintf(
					text, sizeof(text),
					"Package: a\nStatus: install ok "
					"installed\nVersion: ");
				memcpy(text + len, value, n);
				len += n;
				text[len++] = '\n';
				vg_facts_init(&f);
				assert_int_equal(vg_dpkg_status_parse(
							 &f, "s", text, len),
						 VG_OK);
				if (f.n_packages != (is_bad ? 0u : 1u))
					fail_msg("length %zu, byte %zu: "
						 "%#x: %zu packages",
						 n, at,
						 (unsigned char)value[at],
						 f.n_packages);
				vg_facts_release(&f);
			}
}

static void
test_hostile(void **state)
{
	struct vg_facts f;
	size_t i, len;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_facts_init(&f);
		len = rows[i].len ? rows[i].len : strlen(rows[i].text);
		assert_int_equal(
			vg_dpkg_status_parse(&f, "s", rows[i].text, len),
			VG_OK);
		if (f.n_packages != rows[i].packages ||
		    f.n_warnings != rows[i].warnings) {
			print_error("row %zu: %zu packages, %zu warnings\n", i,
				    f.n_packages, f.n_warnings);
			fail();
		}
		vg_facts_release(&f);
	}
}

/* The facts of buf parsed by pieces of k bytes, as vg_root_read_by
 * hands them: what a piece leaves comes again before the next. */
static void
parse_pieces(struct vg_facts *f, const char *buf, size_t len, size_t k)
{
	struct vg_dpkg_parser p;
	char *w = malloc(len + 1);
	size_t have = 0, at = 0, n, used;

	assert_non_null(w);
	vg_dpkg_parser_init(&p, f, "s");
	while (at < len) {
		n = len - at < k ? len - at : k;
		memcpy(w + have, buf + at, n);
		have += n;
		at += n;
		assert_int_equal(vg_dpkg_parse_some(&p, w, have, false, &used),
				 VG_OK);
		assert_true(used <= have);
		memmove(w, w + used, have - used);
		have -= used;
	}
	assert_int_equal(vg_dpkg_parse_some(&p, w, have, true, &used), VG_OK);
	free(w);
}

static void
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* The same packages and warnings (line numbers included), in order. */
static void
assert_facts_same(const struct vg_facts *a, const struct vg_facts *b)
{
	size_t i;

	assert_int_equal(a->n_packages, b->n_packages);
	for (i = 0; i < b->n_packages; i++) {
		str_same(a->packages[i].name, b->packages[i].name);
		str_same(a->packages[i].version, b->packages[i].version);
		str_same(a->packages[i].arch, b->packages[i].arch);
		str_same(a->packages[i].source, b->packages[i].source);
		str_same(a->packages[i].source_version,
			 b->packages[i].source_version);
	}
	assert_int_equal(a->n_warnings, b->n_warnings);
	for (i = 0; i < b->n_warnings; i++)
		assert_string_equal(a->warnings[i], b->warnings[i]);
}

/* Parsed by pieces of k bytes, buf gives what it gives whole. */
static void
assert_pieces_same(const char *buf, size_t len, size_t k)
{
	struct vg_facts whole, parts;

	vg_facts_init(&whole);
	vg_facts_init(&parts);
	assert_int_equal(vg_dpkg_status_parse(&whole, "s", buf, len), VG_OK);
	parse_pieces(&parts, buf, len, k);
	assert_facts_same(&parts, &whole);
	vg_facts_release(&whole);
	vg_facts_release(&parts);
}

/* Every piece size cuts a line, a CRLF, a stanza or a blank line
 * somewhere: none changes what the file gives. */
static void
test_pieces(void **state)
{
	struct vg_buf crlf;
	size_t k, i;

	(void)state;
	for (k = 1; k <= sizeof(status); k++)
		assert_pieces_same(status, sizeof(status) - 1, k);
	vg_buf_init(&crlf, VG_MAX_TEXT_FILE);
	for (i = 0; i < sizeof(status) - 1; i++)
		assert_int_equal(status[i] == '\n'
					 ? vg_buf_adds(&crlf, "\r\n")
					 : vg_buf_addc(&crlf, status[i]),
				 VG_OK);
	for (k = 1; k <= crlf.len + 1; k += 3)
		assert_pieces_same(crlf.data, crlf.len, k);
	/* No line end at all, and only blank lines. */
	assert_pieces_same("Package: a\rStatus: install ok installed",
			   strlen("Package: a\rStatus: install ok installed"),
			   7);
	assert_pieces_same("\n\n\r\n\n", 5, 1);
	assert_pieces_same("", 0, 1);
	vg_buf_release(&crlf);
}

/* 5,000 packages parse in one pass; each field copied once. */
static void
test_many(void **state)
{
	struct vg_buf b;
	struct vg_facts f;
	int i;

	(void)state;
	vg_buf_init(&b, VG_MAX_TEXT_FILE);
	for (i = 0; i < 5000; i++)
		assert_int_equal(vg_buf_printf(&b,
					       "Package: pkg%d\n"
					       "Status: install ok installed\n"
					       "Architecture: amd64\n"
					       "Version: 1.%d-1\n"
					       "Description: x\n y\n\n",
					       i, i),
				 VG_OK);
	vg_facts_init(&f);
	assert_int_equal(vg_dpkg_status_parse(&f, "s", b.data, b.len), VG_OK);
	assert_int_equal(f.n_packages, 5000);
	assert_string_equal(f.packages[4999].name, "pkg4999");
	assert_string_equal(f.packages[4999].version, "1.4999-1");
	/* source defaults share the name and version strings */
	assert_ptr_equal(f.packages[0].source, f.packages[0].name);
	vg_facts_release(&f);
	vg_buf_release(&b);
}

static void
test_collect(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_root root;
	struct vg_collect c;
	struct vg_facts f;
	struct vg_err err;

	(void)state;
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = &f;

	vg_facts_init(&f);
	assert_int_equal(vg_collect_dpkg(&c), VG_OK);
	assert_false(f.sources[VG_SRC_PACKAGES].collected);
	assert_string_equal(f.sources[VG_SRC_PACKAGES].reason,
			    "no dpkg database (/var/lib/dpkg/status)");
	vg_facts_release(&f);

	vg_test_write(dir, "var/lib/dpkg/status", status);
	vg_facts_init(&f);
	assert_int_equal(vg_collect_dpkg(&c), VG_OK);
	assert_true(f.sources[VG_SRC_PACKAGES].collected);
	assert_int_equal(f.n_packages, 7);
	assert_true(vg_test_has_warning(&f, "/var/lib/dpkg/status:40:"));
	vg_facts_release(&f);

	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

/*
 * The status file b collected (read by pieces), as b parsed whole: the
 * same packages and warnings, packages of them.
 */
static void
assert_collected_as_whole(const struct vg_buf *b, size_t packages)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f, whole;
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	vg_test_write(dir, "var/lib/dpkg/status", b->data);
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = &f;
	vg_facts_init(&f);
	vg_facts_init(&whole);
	assert_int_equal(vg_collect_dpkg(&c), VG_OK);
	assert_true(f.sources[VG_SRC_PACKAGES].collected);
	assert_int_equal(vg_dpkg_status_parse(&whole, "/var/lib/dpkg/status",
					      b->data, b->len),
			 VG_OK);
	assert_int_equal(f.n_packages, packages);
	assert_facts_same(&f, &whole);
	vg_facts_release(&f);
	vg_facts_release(&whole);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

/*
 * A status file of many read pieces, with a stanza longer than a piece
 * (the reader's buffer grows for it): collected as parsed whole.
 */
static void
test_collect_pieces(void **state)
{
	struct vg_buf b;
	size_t i;

	(void)state;
	vg_buf_init(&b, VG_MAX_TEXT_FILE);
	for (i = 0; i < 3000; i++) {
		assert_int_equal(vg_buf_printf(&b,
					       "Package: pkg%zu\n"
					       "Status: install ok installed\n"
					       "Version: 1.%zu-1\n"
					       "Description: x\n",
					       i, i),
				 VG_OK);
		/* 300 KB of description in one stanza. */
		while (i == 1500 && b.len < 400000)
			assert_int_equal(vg_buf_adds(&b, " long line\n"),
					 VG_OK);
		assert_int_equal(vg_buf_adds(&b, i % 7 ? "\n" : "bad\n\n"),
				 VG_OK);
	}
	/* Every seventh stanza is malformed, and warned of. */
	assert_collected_as_whole(&b, 3000 - 429);
	vg_buf_release(&b);
}

/* A continuation line " x...x\n" that makes b end at len. */
static void
add_continuation(struct vg_buf *b, size_t len)
{
	assert_true(len >= b->len + 2);
	assert_int_equal(vg_buf_addc(b, ' '), VG_OK);
	while (b->len < len - 1)
		assert_int_equal(vg_buf_addc(b, 'x'), VG_OK);
	assert_int_equal(vg_buf_addc(b, '\n'), VG_OK);
}

/*
 * Lines and stanzas that end about where a read piece (64 KB) does, or
 * are one piece long, a CRLF cut or not: collected as parsed whole.
 */
static void
test_collect_piece_edges(void **state)
{
	const size_t piece = 64u << 10;
	static const char stanza[] = "Package: p\n"
				     "Status: install ok installed\n"
				     "Version: 1\n"
				     "Description: d\n";
	struct vg_buf b;
	size_t at, n;
	char *value;

	(void)state;
	/* The value of a "Version: ...\r\n" line of one piece. */
	n = piece - strlen("Version: \r\n");
	assert_non_null(value = malloc(n + 1));
	memset(value, '7', n);
	value[n] = '\0';
	for (at = piece - 3; at <= piece + 1; at++) {
		vg_buf_init(&b, VG_MAX_TEXT_FILE);
		/* A stanza whose blank line is the byte at - 1. */
		assert_int_equal(vg_buf_adds(&b, stanza), VG_OK);
		add_continuation(&b, at - 1);
		assert_int_equal(vg_buf_adds(&b, "\n"), VG_OK);
		/* A continuation line of one piece. */
		assert_int_equal(vg_buf_adds(&b, stanza), VG_OK);
		add_continuation(&b, b.len + piece);
		assert_int_equal(vg_buf_adds(&b, "\n"), VG_OK);
		/* A field line of one piece, its value kept. */
		assert_int_equal(
			vg_buf_printf(&b,
				      "Package: q\r\n"
				      "Status: install ok installed\r\n"
				      "Version: %s\r\n\r\n",
				      value),
			VG_OK);
		assert_collected_as_whole(&b, 3);
		vg_buf_release(&b);
	}
	free(value);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_collect_pieces),
		cmocka_unit_test(test_collect_piece_edges),
		cmocka_unit_test(test_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

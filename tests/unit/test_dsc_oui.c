/* Unit tests of the MAC vendor table (discover/oui.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#include "discover/oui.h"
#include "util/buf.h"
#include "util/banned.h"

#define FIXDIR VG_TEST_FIXTURES "/discover/oui"
#define MAX_SEEN 16

/* The warnings a load produced: the first MAX_SEEN kept, all counted. */
struct seen {
	char msg[MAX_SEEN][512];
	size_t n;
};

static void
record_warn(void *ctx, const char *msg)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN)
		snprintf(s->msg[s->n], sizeof(s->msg[0]), "%s", msg);
	s->n++;
}

static bool
seen_has(const struct seen *s, const char *needle)
{
	size_t i;

	for (i = 0; i < s->n && i < MAX_SEEN; i++)
		if (strstr(s->msg[i], needle) != NULL)
			return true;
	return false;
}

/* Parse "aa:bb:cc:dd:ee:ff". */
static void
mac_of(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	assert_int_equal(sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2],
				&v[3], &v[4], &v[5]),
			 6);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
}

/* Look mac up and compare with want (NULL: no vendor). */
static void
check_lookup(struct vg_oui *o, const char *mac_text, const char *want)
{
	uint8_t mac[6];
	const char *got;

	mac_of(mac_text, mac);
	got = vg_oui_lookup(o, mac);
	if (want == NULL) {
		if (got != NULL)
			fail_msg("%s: expected no vendor, got '%s'", mac_text,
				 got);
		return;
	}
	if (got == NULL)
		fail_msg("%s: expected '%s', got none", mac_text, want);
	assert_string_equal(got, want);
}

/*
 * One text parsed alone: count of entries, a warning containing warning
 * (or none at all when NULL), and one lookup.
 */
struct row {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t count;
	const char *warning;
	const char *mac;
	const char *vendor; /* NULL: mac has no vendor */
};

static const struct row rows[] = {
	{"plain", "MA-L,00000C,Cisco,Addr\n", 0, 1, NULL, "00:00:0c:01:02:03",
	 "Cisco"},
	{"quoted comma", "MA-L,00000C,\"Cisco Systems, Inc\",\"A, B\"\n", 0, 1,
	 NULL, "00:00:0c:ff:ff:ff", "Cisco Systems, Inc"},
	{"doubled quotes", "MA-L,ABCDEF,\"JSC \"\"MASSA-K\"\"\",RU\n", 0, 1,
	 NULL, "ab:cd:ef:00:00:00", "JSC \"MASSA-K\""},
	{"crlf", "MA-L,000001,One,A\r\nMA-L,000002,Two,B\r\n", 0, 2, NULL,
	 "00:00:02:00:00:00", "Two"},
	{"lone cr", "MA-L,000001,One,A\rMA-L,000002,Two,B\r", 0, 2, NULL,
	 "00:00:01:00:00:00", "One"},
	{"no final newline", "MA-L,000001,One,A\nMA-L,000002,Two", 0, 2, NULL,
	 "00:00:02:aa:bb:cc", "Two"},
	{"bom and header",
	 "\xef\xbb\xbfRegistry,Assignment,Organization Name,Organization "
	 "Address\r\nMA-L,000001,One,A\r\n",
	 0, 1, NULL, "00:00:01:00:00:00", "One"},
	{"header only",
	 "Registry,Assignment,Organization Name,Organization Address\r\n", 0, 0,
	 NULL, "00:00:01:00:00:00", NULL},
	{"empty input", "", 0, 0, NULL, "00:00:00:00:00:00", NULL},
	{"blank lines", "\n\n  \nMA-L,000001,One,A\n\r\n\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "One"},
	{"lower-case hex", "MA-L,a0f217,GE,A\n", 0, 1, NULL,
	 "a0:f2:17:00:00:01", "GE"},
	{"name trimmed", "MA-L,000001,\"  Spaced Out \t \",A\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "Spaced Out"},
	{"unquoted name trimmed", "MA-L, 000001 ,   Acme   ,A\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "Acme"},
	{"control bytes",
	 "MA-L,000001,A\x01\x7f"
	 "B,A\n",
	 0, 1, NULL, "00:00:01:00:00:00", "A B"},
	{"line break in quoted name", "MA-L,000001,\"Foo\r\nBar\",A\n", 0, 1,
	 NULL, "00:00:01:00:00:00", "Foo Bar"},
	{"utf-8 kept",
	 "MA-L,000001,Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale,A\n", 0, 1,
	 NULL, "00:00:01:00:00:00",
	 "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale"},
	{"invalid utf-8",
	 "MA-L,000001,Bad\xff\xc3"
	 "Byte,A\n",
	 0, 1, NULL, "00:00:01:00:00:00", "Bad??Byte"},
	{"text after closing quote", "MA-L,000001,\"Acme\" Corp,A\n", 0, 1,
	 NULL, "00:00:01:00:00:00", "Acme Corp"},
	{"quote inside unquoted field", "MA-L,000001,Ac\"me,A\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "Ac\"me"},
	{"no address field", "MA-L,000001,Private\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "Private"},
	{"extra fields", "MA-L,000001,One,A,B,C,\"D\nE\"\n", 0, 1, NULL,
	 "00:00:01:00:00:00", "One"},
	{"duplicate keeps first", "MA-L,080030,First,A\nMA-L,080030,Second,B\n",
	 0, 1, NULL, "08:00:30:00:00:00", "First"},
	{"ma-m 28 bits", "MA-M,0009FB1,Sub Block,A\n", 0, 1, NULL,
	 "00:09:fb:1f:ff:ff", "Sub Block"},
	{"ma-m outside its block", "MA-M,0009FB1,Sub Block,A\n", 0, 1, NULL,
	 "00:09:fb:20:00:00", NULL},
	{"ma-s 36 bits", "MA-S,70B3D5123,Nine,A\n", 0, 1, NULL,
	 "70:b3:d5:12:3a:bc", "Nine"},
	{"ma-s outside its block", "MA-S,70B3D5123,Nine,A\n", 0, 1, NULL,
	 "70:b3:d5:12:4a:bc", NULL},
	{"bad assignment letters", "MA-L,XYZ123,Bad,A\n", 0, 0,
	 "x:1: bad assignment 'XYZ123'", "00:00:00:00:00:00", NULL},
	{"bad assignment 5 digits", "MA-L,00000,Bad,A\n", 0, 0,
	 "bad assignment '00000'", "00:00:00:00:00:00", NULL},
	{"bad assignment 8 digits", "MA-L,00000C12,Bad,A\n", 0, 0,
	 "bad assignment '00000C12'", "00:00:0c:12:00:00", NULL},
	{"bad assignment 10 digits", "MA-S,70B3D51234,Bad,A\n", 0, 0,
	 "bad assignment '70B3D51234'", "70:b3:d5:12:34:00", NULL},
	{"bad assignment empty", "MA-L,,Bad,A\n", 0, 0, "bad assignment ''",
	 "00:00:00:00:00:00", NULL},
	{"bad assignment sign", "MA-L,-00001,Bad,A\n", 0, 0,
	 "bad assignment '-00001'", "00:00:00:00:00:00", NULL},
	{"nul in assignment",
	 "MA-L,00\0"
	 "001,Bad,A\n",
	 18, 0, "bad assignment '00?001'", "00:00:01:00:00:00", NULL},
	{"nul in name", "MA-L,000001,Ac\0me,A\n", 20, 1, NULL,
	 "00:00:01:00:00:00", "Ac me"},
	{"missing field", "MA-L,123456\n", 0, 0, "x:1: 2 fields",
	 "12:34:56:00:00:00", NULL},
	{"one field", "garbage\n", 0, 0, "x:1: 1 fields", "00:00:00:00:00:00",
	 NULL},
	{"empty name", "MA-L,000001,\"  \",A\n", 0, 0,
	 "x:1: empty organization name", "00:00:01:00:00:00", NULL},
	{"unterminated quote at eof",
	 "MA-L,000001,One,A\nMA-L,000002,\"Two,A\nmore\n", 0, 1,
	 "x:2: unterminated quoted field", "00:00:01:00:00:00", "One"},
	{"lone quote at eof", "MA-L,000001,One,A\n\"", 0, 1,
	 "x:2: unterminated quoted field", "00:00:02:00:00:00", NULL},
	{"only commas", ",,,,,,,,,,\n,,,\n,,", 0, 0, "x:1: bad assignment ''",
	 "00:00:00:00:00:00", NULL},
	{"line after multi-line field",
	 "MA-L,000001,One,\"a\nb\r\nc\"\r\nMA-L,BAD,Two,A\n", 0, 1,
	 "x:4: bad assignment 'BAD'", "00:00:01:00:00:00", "One"},
	{"line after lone cr", "MA-L,000001,One,A\r\rMA-L,BAD,Two,A\n", 0, 1,
	 "x:3: bad assignment 'BAD'", "00:00:01:00:00:00", "One"},
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		const struct row *r = &rows[i];
		struct vg_oui *o = vg_oui_new();
		struct seen s = {.n = 0};
		struct vg_err err;
		size_t len = r->len != 0 ? r->len : strlen(r->in);

		print_message("row: %s\n", r->name);
		assert_non_null(o);
		vg_err_clear(&err);
		assert_int_equal(vg_oui_add_csv(o, r->in, len, "x", record_warn,
						&s, &err),
				 VG_OK);
		assert_int_equal(vg_oui_count(o), r->count);
		if (r->warning == NULL) {
			if (s.n != 0)
				fail_msg("%s: unexpected warning '%s'", r->name,
					 s.msg[0]);
		} else if (!seen_has(&s, r->warning)) {
			fail_msg("%s: no warning '%s' (first: '%s')", r->name,
				 r->warning, s.n > 0 ? s.msg[0] : "");
		}
		check_lookup(o, r->mac, r->vendor);
		vg_oui_free(o);
	}
}

/* Read a fixture file into a NUL-terminated malloc'd buffer. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

/*
 * The sample registry: BOM, CRLF, header, quoted multi-line fields, ""
 * escapes, an empty line, bad records, and MA-M / MA-S blocks inside an
 * MA-L one.
 */
static void
test_sample_file(void **state)
{
	struct vg_oui *o = vg_oui_new();
	struct seen s = {.n = 0};
	struct vg_err err;
	size_t len;
	char *text = slurp(FIXDIR "/oui.csv", &len);

	(void)state;
	assert_non_null(o);
	assert_int_equal(
		vg_oui_add_csv(o, text, len, "oui.csv", record_warn, &s, &err),
		VG_OK);
	assert_int_equal(vg_oui_count(o), 8);
	/* Lines are those where each bad record starts. */
	assert_int_equal(s.n, 3);
	assert_string_equal(s.msg[0], "oui.csv:7: bad assignment 'XYZ123'");
	assert_string_equal(s.msg[1],
			    "oui.csv:8: 2 fields, expected at least 3");
	assert_string_equal(s.msg[2], "oui.csv:14: bad assignment '00000C12'");
	check_lookup(o, "00:00:0c:12:34:56", "Cisco Systems, Inc");
	check_lookup(o, "00:09:fb:01:02:03", "Philips Patient Monitoring");
	check_lookup(o, "ab:cd:ef:00:00:01", "JSC \"MASSA-K\"");
	check_lookup(o, "a0:f2:17:00:00:01",
		     "GE Medical System(China) Co., Ltd.");
	check_lookup(o, "0a:1b:2c:00:00:01", "lower hex corp");
	/* Longest prefix wins: 36 bits, then 28, then the MA-L parent. */
	check_lookup(o, "70:b3:d5:12:3f:ff", "Nested Nine GmbH");
	check_lookup(o, "70:b3:d5:12:40:00", "Nested Seven Inc");
	check_lookup(o, "70:b3:d5:1f:ff:ff", "Nested Seven Inc");
	check_lookup(o, "70:b3:d5:20:00:00", "IEEE Registration Authority");
	check_lookup(o, "70:b3:d4:12:3f:ff", NULL);
	check_lookup(o, "12:34:56:00:00:00", NULL);
	vg_oui_free(o);
	free(text);
}

/* Several adds go into one table; a later add does not replace. */
static void
test_two_adds(void **state)
{
	static const char a[] = "MA-L,0009FB,Philips,A\nMA-L,000001,One,A\n";
	static const char b[] = "MA-M,0009FB1,Sub,A\nMA-L,000001,Again,A\n";
	struct vg_oui *o = vg_oui_new();

	(void)state;
	assert_int_equal(vg_oui_add_csv(o, a, strlen(a), "a", NULL, NULL, NULL),
			 VG_OK);
	check_lookup(o, "00:09:fb:10:00:00", "Philips");
	assert_int_equal(vg_oui_add_csv(o, b, strlen(b), "b", NULL, NULL, NULL),
			 VG_OK);
	assert_int_equal(vg_oui_count(o), 3);
	check_lookup(o, "00:09:fb:10:00:00", "Sub");
	check_lookup(o, "00:09:fb:20:00:00", "Philips");
	check_lookup(o, "00:00:01:00:00:00", "One");
	vg_oui_free(o);
}

/* NULL-safety of the small functions. */
static void
test_null(void **state)
{
	uint8_t mac[6] = {0};
	struct vg_oui *o = vg_oui_new();

	(void)state;
	vg_oui_free(NULL);
	assert_int_equal(vg_oui_count(NULL), 0);
	assert_null(vg_oui_lookup(NULL, mac));
	assert_null(vg_oui_lookup(o, mac));
	assert_int_equal(vg_oui_add_csv(NULL, "", 0, "x", NULL, NULL, NULL),
			 VG_ERR_USAGE);
	assert_int_equal(vg_oui_add_csv(o, NULL, 0, NULL, NULL, NULL, NULL),
			 VG_OK);
	vg_oui_free(o);
}

/* A 1 MiB field as name, as assignment and as an unused address. */
static void
test_huge_field(void **state)
{
	size_t big = 1u << 20, i;
	struct vg_buf b;
	struct vg_oui *o = vg_oui_new();
	struct seen s = {.n = 0};
	const char *name;
	uint8_t mac1[6] = {0, 0, 1, 0, 0, 0}, mac3[6] = {0, 0, 3, 0, 0, 0};

	(void)state;
	vg_buf_init(&b, 8u << 20);
	assert_int_equal(vg_buf_adds(&b, "MA-L,000001,\""), VG_OK);
	for (i = 0; i < big; i++)
		assert_int_equal(vg_buf_addc(&b, (char)('a' + i % 26)), VG_OK);
	assert_int_equal(vg_buf_adds(&b, "\",A\nMA-L,"), VG_OK);
	for (i = 0; i < big; i++)
		assert_int_equal(vg_buf_addc(&b, '0'), VG_OK);
	assert_int_equal(vg_buf_adds(&b, ",Two,A\nMA-L,000003,Three,\""),
			 VG_OK);
	for (i = 0; i < big; i++)
		assert_int_equal(vg_buf_addc(&b, i % 100 == 0 ? '\n' : 'x'),
				 VG_OK);
	assert_int_equal(vg_buf_adds(&b, "\"\nMA-L,BAD,Four,A\n"), VG_OK);
	assert_int_equal(
		vg_oui_add_csv(o, b.data, b.len, "big", record_warn, &s, NULL),
		VG_OK);
	assert_int_equal(vg_oui_count(o), 2);
	name = vg_oui_lookup(o, mac1);
	assert_non_null(name);
	assert_int_equal(strlen(name), 256);
	assert_memory_equal(name, "abcdefghij", 10);
	assert_string_equal(vg_oui_lookup(o, mac3), "Three");
	assert_int_equal(s.n, 3);
	assert_string_equal(s.msg[0],
			    "big:1: organization name cut to 256 bytes");
	/* The bad assignment is quoted back, but only its start. */
	assert_string_equal(s.msg[1],
			    "big:2: bad assignment "
			    "'0000000000000000000000000000000000000000...'");
	/* 1 MiB / 100 line breaks inside the address field. */
	assert_string_equal(s.msg[2], "big:10490: bad assignment 'BAD'");
	vg_oui_free(o);
	vg_buf_release(&b);
}

/* A cut name stops on a UTF-8 character boundary. */
static void
test_cut_utf8(void **state)
{
	char text[600];
	size_t n = 0, i;
	struct vg_oui *o = vg_oui_new();
	uint8_t mac[6] = {0, 0, 1, 0, 0, 0};
	const char *name;

	(void)state;
	memcpy(text, "MA-L,000001,a", 13), n = 13;
	for (i = 0; i < 200; i++) /* 1 + 400 bytes: é is 2 bytes */
		text[n++] = '\xc3', text[n++] = '\xa9';
	memcpy(text + n, ",A\n", 3), n += 3;
	assert_int_equal(vg_oui_add_csv(o, text, n, "u", NULL, NULL, NULL),
			 VG_OK);
	name = vg_oui_lookup(o, mac);
	assert_non_null(name);
	assert_int_equal(strlen(name), 255);
	assert_int_equal((unsigned char)name[254], 0xa9);
	vg_oui_free(o);
}

/* Warnings stop at VG_MAX_WARNINGS per table. */
static void
test_warning_cap(void **state)
{
	struct vg_buf b;
	struct vg_oui *o = vg_oui_new();
	struct seen s = {.n = 0};
	int i;

	(void)state;
	vg_buf_init(&b, 1u << 20);
	for (i = 0; i < VG_MAX_WARNINGS + 50; i++)
		assert_int_equal(vg_buf_adds(&b, ",,,\n"), VG_OK);
	assert_int_equal(vg_buf_adds(&b, "MA-L,000001,Last,A\n"), VG_OK);
	assert_int_equal(
		vg_oui_add_csv(o, b.data, b.len, "w", record_warn, &s, NULL),
		VG_OK);
	assert_int_equal(s.n, VG_MAX_WARNINGS);
	assert_int_equal(vg_oui_count(o), 1);
	vg_oui_free(o);
	vg_buf_release(&b);
}

/* More than VG_OUI_MAX_ENTRIES records: VG_ERR_LIMIT, table still usable. */
static void
test_entry_limit(void **state)
{
	struct vg_buf b;
	struct vg_oui *o = vg_oui_new();
	struct vg_err err;
	uint8_t first[6] = {0, 0, 0, 0, 0, 0}, last[6] = {0};
	unsigned i, v = VG_OUI_MAX_ENTRIES - 1;

	(void)state;
	vg_buf_init(&b, 16u << 20);
	for (i = 0; i <= VG_OUI_MAX_ENTRIES; i++)
		assert_int_equal(vg_buf_printf(&b, "MA-L,%06X,V%u,A\n", i, i),
				 VG_OK);
	vg_err_clear(&err);
	assert_int_equal(
		vg_oui_add_csv(o, b.data, b.len, "lim", NULL, NULL, &err),
		VG_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "lim:200001: more than 200000"));
	assert_int_equal(vg_oui_count(o), VG_OUI_MAX_ENTRIES);
	last[0] = (uint8_t)(v >> 16), last[1] = (uint8_t)(v >> 8);
	last[2] = (uint8_t)v;
	assert_string_equal(vg_oui_lookup(o, first), "V0");
	assert_string_equal(vg_oui_lookup(o, last), "V199999");
	/* The table is full: a further add is refused too. */
	assert_int_equal(vg_oui_add_csv(o, "MA-L,FFFFFF,X,A\n", 16, "more",
					NULL, NULL, &err),
			 VG_ERR_LIMIT);
	vg_oui_free(o);
	vg_buf_release(&b);
}

/* load_dir: a missing file is a warning, no file at all an error. */
static void
test_load_dir(void **state)
{
	struct vg_oui *o = vg_oui_new();
	struct seen s = {.n = 0};
	struct vg_err err;
	char *empty;

	(void)state;
	vg_err_clear(&err);
	assert_int_equal(vg_oui_load_dir(o, FIXDIR, record_warn, &s, &err),
			 VG_OK);
	assert_int_equal(vg_oui_count(o), 9);
	assert_true(seen_has(&s, "oui36.csv"));
	assert_true(seen_has(&s, "/oui.csv:7: bad assignment 'XYZ123'"));
	check_lookup(o, "00:09:fb:10:00:00", "Philips Sub Block");
	check_lookup(o, "00:09:fb:20:00:00", "Philips Patient Monitoring");
	vg_oui_free(o);

	empty = vg_test_tmpdir();
	o = vg_oui_new();
	s.n = 0;
	assert_int_equal(vg_oui_load_dir(o, empty, record_warn, &s, &err),
			 VG_ERR_IO);
	assert_non_null(strstr(err.msg, empty));
	assert_int_equal(s.n, 3);
	assert_int_equal(vg_oui_count(o), 0);
	vg_oui_free(o);
	vg_test_rmtree(empty);
	free(empty);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Debian's ieee-data, when installed: known vendors, no warnings. */
static void
test_real_files(void **state)
{
	struct vg_oui *o;
	struct seen s = {.n = 0};
	struct vg_err err;
	double t0;

	(void)state;
	if (access(VG_OUI_DIR "/oui.csv", R_OK) != 0)
		skip();
	o = vg_oui_new();
	t0 = now_ms();
	assert_int_equal(vg_oui_load_dir(o, NULL, record_warn, &s, &err),
			 VG_OK);
	print_message("ieee-data: %zu prefixes in %.1f ms\n", vg_oui_count(o),
		      now_ms() - t0);
	if (s.n != 0)
		fail_msg("unexpected warning: %s", s.msg[0]);
	assert_true(vg_oui_count(o) > 40000);
	check_lookup(o, "00:00:0c:07:ac:01", "Cisco Systems, Inc");
	check_lookup(o, "00:09:fb:12:34:56", "Philips Patient Monitoring");
	check_lookup(o, "00:09:5c:00:00:01",
		     "Philips Medical Systems - Cardiac and Monitoring "
		     "Systems (CM");
	check_lookup(o, "44:4b:5d:01:02:03", "GE Healthcare");
	check_lookup(o, "20:85:93:b0:00:01", "IOG Products LLC"); /* MA-M */
	check_lookup(o, "70:b3:d5:71:90:01", "2M Technology");    /* MA-S */
	check_lookup(o, "70:b3:d5:f2:f0:00", "TELEPLATFORMS");
	vg_oui_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_sample_file),
		cmocka_unit_test(test_two_adds),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_cut_utf8),
		cmocka_unit_test(test_warning_cap),
		cmocka_unit_test(test_entry_limit),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_real_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

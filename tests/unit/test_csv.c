/*
 * util/csv: the CSV record reader, table-driven. Each row reads a whole
 * buffer and compares a transcript of what came out: "L[f1|f2]" for a
 * record starting on line L, "L!PARSE" or "L!LIMIT" for a refused one.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "util/buf.h"
#include "util/csv.h"

#define LIM(f, n, r) (&(const struct vg_csv_limits){(f), (n), (r)})

struct csv_case {
	const char *what;
	const char *in;
	size_t len; /* 0: strlen(in) */
	char delim; /* given, 0 to detect */
	const struct vg_csv_limits *lim;
	char want_delim;
	const char *want;
	const char *want_msg; /* in the first refusal's message, or NULL */
	unsigned flags;       /* vg_csv_set_flags; NUL shown as '@' */
};

static const struct csv_case cases[] = {
	{"plain", "a,b,c\n1,2,3\n", 0, 0, NULL, ',', "1[a|b|c]2[1|2|3]", NULL,
	 0},
	{"no final line end", "a,b\n1,2", 0, 0, NULL, ',', "1[a|b]2[1|2]", NULL,
	 0},
	{"quoted delimiter", "a,\"b,c\"\n", 0, 0, NULL, ',', "1[a|b,c]", NULL,
	 0},
	{"doubled quote", "\"he said \"\"hi\"\"\",x\n", 0, 0, NULL, ',',
	 "1[he said \"hi\"|x]", NULL, 0},
	{"only a doubled quote", "\"\"\"\"\n", 0, 0, NULL, ',', "1[\"]", NULL,
	 0},
	{"multi-line field", "n,d\n\"l1\nl2\",x\nz,y\n", 0, 0, NULL, ',',
	 "1[n|d]2[l1\nl2|x]4[z|y]", NULL, 0},
	{"CRLF", "a,b\r\n1,2\r\n", 0, 0, NULL, ',', "1[a|b]2[1|2]", NULL, 0},
	{"CR alone", "a,b\r1,2\r", 0, 0, NULL, ',', "1[a|b]2[1|2]", NULL, 0},
	{"CRLF kept inside quotes", "\"x\r\ny\",z\r\nq,r\r\n", 0, 0, NULL, ',',
	 "1[x\r\ny|z]3[q|r]", NULL, 0},
	{"BOM skipped", "\xef\xbb\xbfname;mac\nx;y\n", 0, 0, NULL, ';',
	 "1[name|mac]2[x|y]", NULL, 0},
	{"BOM alone", "\xef\xbb\xbf", 0, 0, NULL, ',', "", NULL, 0},
	{"empty input", "", 0, 0, NULL, ',', "", NULL, 0},
	{"semicolons win", "nom;adresse_mac;site\na,b;c;d\n", 0, 0, NULL, ';',
	 "1[nom|adresse_mac|site]2[a,b|c|d]", NULL, 0},
	{"commas in quotes not counted", "\"a,b,c\";d;e\n", 0, 0, NULL, ';',
	 "1[a,b,c|d|e]", NULL, 0},
	{"tie is a comma", "a;b,c\n", 0, 0, NULL, ',', "1[a;b|c]", NULL, 0},
	{"detection reads the first line only", "a;b\nc,d,e,f\n", 0, 0, NULL,
	 ';', "1[a|b]2[c,d,e,f]", NULL, 0},
	{"delimiter given", "a,b;c\n", 0, ';', NULL, ';', "1[a,b|c]", NULL, 0},
	{"blank lines skipped", "a\n\n\r\n\nb\n", 0, 0, NULL, ',', "1[a]5[b]",
	 NULL, 0},
	{"empty fields", ",,\n", 0, 0, NULL, ',', "1[||]", NULL, 0},
	{"quoted empty field is a record", "\"\"\nx\n", 0, 0, NULL, ',',
	 "1[]2[x]", NULL, 0},
	{"spaces kept", " a , b \n", 0, 0, NULL, ',', "1[ a | b ]", NULL, 0},
	{"quote inside unquoted field kept", "ab\"c,d\n", 0, 0, NULL, ',',
	 "1[ab\"c|d]", NULL, 0},
	{"space before a quote: not quoted", " \"a\",b\n", 0, 0, NULL, ',',
	 "1[ \"a\"|b]", NULL, 0},
	{"unterminated quote at the end", "a,b\n\"open,x\ny\n", 0, 0, NULL, ',',
	 "1[a|b]2!PARSE", "not closed", 0},
	{"text after a closing quote", "\"a\"b,c\nd,e\n", 0, 0, NULL, ',',
	 "1!PARSE2[d|e]", "after a closing quote", 0},
	{"NUL byte", "a,b\nx\0y,z\nq,r\n", 14, 0, NULL, ',',
	 "1[a|b]2!PARSE3[q|r]", "NUL", 0},
	{"NUL in quotes", "\"x\0\ny\"\nq\n", 9, 0, NULL, ',', "1!PARSE3[q]",
	 "NUL", 0},
	{"field at its limit", "abcd,e\n", 0, 0, LIM(4, 8, 100), ',',
	 "1[abcd|e]", NULL, 0},
	{"field past its limit", "abcd,e\nabcde,f\ng,h\n", 0, 0, LIM(4, 8, 100),
	 ',', "1[abcd|e]2!LIMIT3[g|h]", "field too long", 0},
	{"quoted field past its limit resyncs after its lines",
	 "\"abcdef\nghij\nk,l\",m\nn,o\n", 0, 0, LIM(4, 8, 100), ',',
	 "1!LIMIT4[n|o]", "field too long", 0},
	{"fields at their limit", "a,b,c\n", 0, 0, LIM(64, 3, 100), ',',
	 "1[a|b|c]", NULL, 0},
	{"fields past their limit", "a,b,c\na,b,c,d\nx\n", 0, 0,
	 LIM(64, 3, 100), ',', "1[a|b|c]2!LIMIT3[x]", "too many fields", 0},
	{"records past their limit", "a\nb\n\nc\nd\n", 0, 0, LIM(64, 8, 2), ',',
	 "1[a]2[b]4!LIMIT", "more than 2 records", 0},
	{"refused records count", "\"a\"x\nb\nc\n", 0, 0, LIM(64, 8, 2), ',',
	 "1!PARSE2[b]3!LIMIT", "after a closing quote", 0},
	{"non-UTF-8 bytes pass through", "\xe9t\xe9,x\n", 0, 0, NULL, ',',
	 "1[\xe9t\xe9|x]", NULL, 0},
	/* Flags: each relaxes one refusal, nothing else. */
	{"lax: text after a closing quote kept", "\"a\" b,c\n", 0, ',', NULL,
	 ',', "1[a b|c]", NULL, VG_CSV_LAX_QUOTES},
	{"lax: a quote after a closing quote kept", "\"a\"x\"y,z\n", 0, ',',
	 NULL, ',', "1[ax\"y|z]", NULL, VG_CSV_LAX_QUOTES},
	{"lax: NUL still refused", "\"a\"\0,z\nq\n", 9, ',', NULL, ',',
	 "1!PARSE2[q]", "NUL", VG_CSV_LAX_QUOTES},
	{"keep NUL", "x\0y,z\n", 6, ',', NULL, ',', "1[x@y|z]", NULL,
	 VG_CSV_KEEP_NUL},
	{"keep NUL in quotes", "\"x\0\ny\"\nq\n", 9, ',', NULL, ',',
	 "1[x@\ny]3[q]", NULL, VG_CSV_KEEP_NUL},
	{"keep NUL: text after a quote still refused", "\"a\"b\nq\n", 0, ',',
	 NULL, ',', "1!PARSE2[q]", "after a closing quote", VG_CSV_KEEP_NUL},
	{"cut: a long field keeps its start", "abcdef,gh\nx\n", 0, ',',
	 LIM(4, 8, 100), ',', "1[abcd|gh]2[x]", NULL, VG_CSV_CUT},
	{"cut: a long quoted field, lines still counted",
	 "\"ab\"\"cdef\nghij\",m\nn\n", 0, ',', LIM(4, 8, 100), ',',
	 "1[ab\"c|m]3[n]", NULL, VG_CSV_CUT},
	{"cut: a line break at the cut", "\"abc\r\nd\",m\n", 0, ',',
	 LIM(4, 8, 100), ',', "1[abc\r|m]", NULL, VG_CSV_CUT},
	{"cut: extra fields scanned, quotes included",
	 "a,b,c,d,\"e\nf,g\"\nx,y\n", 0, ',', LIM(64, 3, 100), ',',
	 "1[a|b|c]3[x|y]", NULL, VG_CSV_CUT},
	{"cut: a delimiter alone is no blank line", ",\n,x\n\nb\n", 0, ',',
	 LIM(64, 1, 100), ',', "1[]2[]4[b]", NULL, VG_CSV_CUT},
	{"cut: records still limited", "a,b\nc\nd\n", 0, ',', LIM(64, 1, 2),
	 ',', "1[a]2[c]3!LIMIT", "more than 2 records", VG_CSV_CUT},
	{"all flags: an open quote still refused", "a\n\"op\0en\n", 10, ',',
	 LIM(4, 1, 100), ',', "1[a]2!PARSE", "not closed",
	 VG_CSV_LAX_QUOTES | VG_CSV_KEEP_NUL | VG_CSV_CUT},
	{"all flags: a sloppy registry record",
	 "MA-L,00\0"
	 "001,\"Acme\" Corp,\"x\ny\"\r\nMA-L,1,2\r\n",
	 41, ',', LIM(64, 3, 100), ',', "1[MA-L|00@001|Acme Corp]3[MA-L|1|2]",
	 NULL, VG_CSV_LAX_QUOTES | VG_CSV_KEEP_NUL | VG_CSV_CUT},
};

/* Read the whole buffer into a transcript; the first refusal's message
 * into msg. */
static void
transcribe(const struct csv_case *tc, struct vg_buf *out, char *msg,
	   size_t msg_size, char *delim)
{
	struct vg_csv c;
	struct vg_err err;
	size_t len = tc->len != 0 ? tc->len : strlen(tc->in);
	size_t i, n;
	const char *f;
	enum vg_rc rc;
	bool got;
	int guard = 0;

	msg[0] = '\0';
	vg_csv_init(&c, tc->in, len, tc->delim, tc->lim);
	vg_csv_set_flags(&c, tc->flags);
	*delim = vg_csv_delim(&c);
	for (;;) {
		assert_true(++guard < 1000);
		vg_err_clear(&err);
		rc = vg_csv_next(&c, &got, &err);
		if (rc == VG_OK && !got)
			break;
		assert_int_equal(vg_buf_printf(out, "%d", vg_csv_line(&c)),
				 VG_OK);
		if (rc != VG_OK) {
			assert_true(rc == VG_ERR_PARSE || rc == VG_ERR_LIMIT);
			assert_int_equal(vg_buf_adds(out,
						     rc == VG_ERR_PARSE
							     ? "!PARSE"
							     : "!LIMIT"),
					 VG_OK);
			if (msg[0] == '\0')
				(void)snprintf(msg, msg_size, "%s", err.msg);
			continue;
		}
		assert_int_equal(vg_buf_addc(out, '['), VG_OK);
		for (i = 0; i < vg_csv_nfields(&c); i++) {
			f = vg_csv_field(&c, i, &n);
			if (!(tc->flags & VG_CSV_KEEP_NUL))
				assert_int_equal(strlen(f), n);
			assert_int_equal(f[n], '\0');
			if (i > 0)
				assert_int_equal(vg_buf_addc(out, '|'), VG_OK);
			for (; n > 0; f++, n--)
				assert_int_equal(
					vg_buf_addc(out, *f == '\0' ? '@' : *f),
					VG_OK);
		}
		assert_int_equal(vg_buf_addc(out, ']'), VG_OK);
	}
	/* The end stays the end. */
	assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
	assert_false(got);
	vg_csv_release(&c);
}

static void
test_cases(void **state)
{
	struct vg_buf out;
	char msg[VG_ERR_MSG_MAX], delim;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		vg_buf_init(&out, 1 << 20);
		transcribe(&cases[i], &out, msg, sizeof(msg), &delim);
		if (strcmp(vg_buf_str(&out), cases[i].want) != 0 ||
		    delim != cases[i].want_delim)
			fail_msg("%s: got '%s' (delim '%c'), want '%s' ('%c')",
				 cases[i].what, vg_buf_str(&out), delim,
				 cases[i].want, cases[i].want_delim);
		if (cases[i].want_msg != NULL &&
		    strstr(msg, cases[i].want_msg) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", cases[i].what,
				 msg, cases[i].want_msg);
		vg_buf_release(&out);
	}
}

/* A 1 MiB field under the default limit (64 KiB), quoted or not: that
 * record is refused, the next one read. */
static void
test_huge_field(void **state)
{
	size_t big = 1u << 20, i;
	char *in = malloc(big + 64);
	struct vg_csv c;
	struct vg_err err;
	bool got;
	int quoted;

	(void)state;
	assert_non_null(in);
	for (quoted = 0; quoted < 2; quoted++) {
		i = 0;
		if (quoted)
			in[i++] = '"';
		memset(in + i, 'x', big);
		i += big;
		if (quoted)
			in[i++] = '"';
		memcpy(in + i, ",y\nok,1\n", 8);
		i += 8;
		vg_csv_init(&c, in, i, ',', NULL);
		vg_err_clear(&err);
		assert_int_equal(vg_csv_next(&c, &got, &err), VG_ERR_LIMIT);
		assert_int_equal(vg_csv_line(&c), 1);
		assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
		assert_true(got);
		assert_int_equal(vg_csv_line(&c), 2);
		assert_string_equal(vg_csv_field(&c, 0, NULL), "ok");
		assert_string_equal(vg_csv_field(&c, 1, NULL), "1");
		assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
		assert_false(got);
		vg_csv_release(&c);
	}
	free(in);
}

/* A field just under the default limit is read whole. */
static void
test_field_at_default_limit(void **state)
{
	size_t n = VG_CSV_FIELD_MAX, len;
	char *in = malloc(n + 2);
	struct vg_csv c;
	struct vg_err err;
	bool got;

	(void)state;
	assert_non_null(in);
	memset(in, 'z', n);
	in[n] = '\n';
	vg_csv_init(&c, in, n + 1, 0, NULL);
	assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
	assert_true(got);
	(void)vg_csv_field(&c, 0, &len);
	assert_int_equal(len, n);
	vg_csv_release(&c);
	free(in);
}

/* Many records, many fields: the storage grows, counts hold. */
static void
test_many(void **state)
{
	struct vg_buf in;
	struct vg_csv c;
	struct vg_err err;
	size_t n = 0, i;
	bool got;

	(void)state;
	vg_buf_init(&in, 16u << 20);
	for (i = 0; i < 20000; i++)
		assert_int_equal(
			vg_buf_printf(&in, "r%zu,\"a\"\"b\",,c\r\n", i), VG_OK);
	vg_csv_init(&c, in.data, in.len, 0, NULL);
	while (vg_csv_next(&c, &got, &err) == VG_OK && got) {
		assert_int_equal(vg_csv_nfields(&c), 4);
		assert_int_equal(vg_csv_line(&c), (int)n + 1);
		assert_string_equal(vg_csv_field(&c, 1, NULL), "a\"b");
		assert_string_equal(vg_csv_field(&c, 2, NULL), "");
		n++;
	}
	assert_int_equal(n, 20000);
	/* Past the last field: empty, never out of bounds. */
	assert_string_equal(vg_csv_field(&c, 99, NULL), "");
	vg_csv_release(&c);
	vg_buf_release(&in);
}

/* An empty buffer may be NULL: the end at once, nothing allocated. */
static void
test_null_buffer(void **state)
{
	struct vg_csv c;
	struct vg_err err;
	bool got = true;

	(void)state;
	vg_csv_init(&c, NULL, 0, ',', NULL);
	vg_csv_set_flags(&c, VG_CSV_CUT);
	assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
	assert_false(got);
	assert_int_equal(vg_csv_nfields(&c), 0);
	vg_csv_release(&c);
}

/* VG_CSV_CUT on a 1 MiB field under the default limit: the record is
 * kept with the field's first VG_CSV_FIELD_MAX bytes. */
static void
test_cut_huge_field(void **state)
{
	size_t big = 1u << 20, len;
	char *in = malloc(big + 16);
	struct vg_csv c;
	struct vg_err err;
	const char *f;
	bool got;

	(void)state;
	assert_non_null(in);
	in[0] = '"';
	memset(in + 1, 'x', big);
	memcpy(in + 1 + big, "\",y\nok\n", 7);
	vg_csv_init(&c, in, big + 8, ',', NULL);
	vg_csv_set_flags(&c, VG_CSV_CUT);
	assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
	assert_true(got);
	assert_int_equal(vg_csv_nfields(&c), 2);
	f = vg_csv_field(&c, 0, &len);
	assert_int_equal(len, VG_CSV_FIELD_MAX);
	assert_int_equal(strlen(f), VG_CSV_FIELD_MAX);
	assert_string_equal(vg_csv_field(&c, 1, NULL), "y");
	assert_int_equal(vg_csv_next(&c, &got, &err), VG_OK);
	assert_true(got);
	assert_int_equal(vg_csv_line(&c), 2);
	assert_string_equal(vg_csv_field(&c, 0, NULL), "ok");
	vg_csv_release(&c);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_field_at_default_limit),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_null_buffer),
		cmocka_unit_test(test_cut_huge_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

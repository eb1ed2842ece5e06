/*
 * store/vuln_packed: the packed entries of a (package, release). Entries
 * round trip field for field (absent texts and scores included); every
 * hostile blob (cut anywhere, a text without its NUL, a count past the
 * bytes, unknown flags, a NaN score, bytes after the last entry) is
 * refused whole, naming the package, before the callback sees an entry;
 * any single byte changed either decodes or is refused, never read past.
 */
#include "util/common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dpkg_version.h"
#include "store/vuln_packed.h"
#include "support.h"
#include "util/buf.h"
#include "util/banned.h"

/* The entries a decode handed out, as one line of text each. */
struct seen {
	struct vg_buf log;
	size_t n, stop_after; /* stop_after 0: never stop */
};

static const char *
nz(const char *s)
{
	return s != NULL ? s : "(null)";
}

static enum vg_rc
record(void *ctx, const struct vg_vuln_entry *e)
{
	struct seen *s = ctx;

	assert_int_equal(
		vg_buf_printf(&s->log,
			      "%s|%d|%d|%s|%s|%s|%s|%.17g|%d%d|%.17g|%.17g\n",
			      nz(e->id), (int)e->status, (int)e->urgency,
			      nz(e->fixed_version), nz(e->introduced),
			      nz(e->last_affected), nz(e->fixed_on_branches),
			      e->cvss, e->kev, e->kev_ransomware, e->epss,
			      e->epss_percentile),
		VG_OK);
	s->n++;
	if (s->stop_after > 0 && s->n == s->stop_after)
		return VG_ERR_LIMIT;
	return VG_OK;
}

static const struct vg_vuln_entry entries[] = {
	{.id = "CVE-2021-3711",
	 .status = VG_VULN_FIXED,
	 .fixed_version = "1.1.1k-1+deb11u1",
	 .fixed_on_branches = "1.1.1d-0+deb10u7 1.1.1k-1+deb11u1",
	 .urgency = VG_URG_HIGH,
	 .cvss = 9.8,
	 .kev = true,
	 .kev_ransomware = true,
	 .epss = 0.97,
	 .epss_percentile = 0.999},
	{.id = "TEMP-0000000-ABCDEF",
	 .status = VG_VULN_UNDETERMINED,
	 .introduced = "1.0.0",
	 .last_affected = "1.1.1z",
	 .cvss = -1,
	 .epss = 0,
	 .epss_percentile = 0},
	/* Empty texts are not absent ones. */
	{.id = "",
	 .status = VG_VULN_OPEN,
	 .fixed_version = "",
	 .introduced = "",
	 .last_affected = "",
	 .fixed_on_branches = "",
	 .urgency = VG_URG_LOW,
	 .cvss = 0,
	 .kev = true,
	 .epss = -1,
	 .epss_percentile = -1},
	/* Bytes as stored: not UTF-8, not the decoder's business. */
	{.id = "CVE-\xff\xfe",
	 .status = VG_VULN_END_OF_LIFE,
	 .fixed_version = "\xc3\x28",
	 .urgency = VG_URG_UNIMPORTANT,
	 .cvss = 1e-300,
	 .epss = -1,
	 .epss_percentile = 0.5},
};

static const char entries_log[] =
	"CVE-2021-3711|0|4|1.1.1k-1+deb11u1|(null)|(null)|"
	"1.1.1d-0+deb10u7 1.1.1k-1+deb11u1|9.8000000000000007|11|"
	"0.96999999999999997|0.999\n"
	"TEMP-0000000-ABCDEF|2|0|(null)|1.0.0|1.1.1z|(null)|-1|00|0|0\n"
	"|1|2|||||0|10|-1|-1\n"
	"CVE-\xff\xfe|4|1|\xc3\x28|(null)|(null)|(null)|1e-300|"
	"00|-1|0.5\n";

/* A copy of the packed entries[] (caller frees), its size in *len. */
static unsigned char *
pack_all(size_t *len)
{
	struct vg_vuln_packer pk;
	const void *b;
	unsigned char *copy;
	struct vg_err err;
	size_t i;

	vg_err_clear(&err);
	vg_vuln_packer_init(&pk);
	for (i = 0; i < VG_ARRAY_LEN(entries); i++)
		if (vg_vuln_packer_add(&pk, &entries[i], &err) != VG_OK)
			fail_msg("add %zu: %s", i, err.msg);
	b = vg_vuln_packer_blob(&pk, len);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, b, *len);
	vg_vuln_packer_release(&pk);
	return copy;
}

/* The decoding room kept from one decode to the next, as a store
 * connection keeps it. */
static struct vg_vuln_unpacked room;

/* Decode blob with u (or NULL), the callback failing at its
 * stop_after-th entry (0: never); the rc, what was seen in s. */
static enum vg_rc
decode_in(const void *blob, size_t len, struct vg_vuln_unpacked *u,
	  size_t stop_after, struct seen *s, struct vg_err *err)
{
	memset(s, 0, sizeof(*s));
	s->stop_after = stop_after;
	vg_buf_init(&s->log, 4u << 20);
	vg_err_clear(err);
	return vg_vuln_packed_decode(blob, len, "openssl", u, record, s, err);
}

/*
 * Decode blob in the kept room and without one (the two walks): both
 * must agree, rc, entries and message. The rc, what was seen in s
 * (released by the caller).
 */
static enum vg_rc
decode_stop(const void *blob, size_t len, size_t stop_after, struct seen *s,
	    struct vg_err *err)
{
	struct vg_err err2;
	struct seen s2;
	enum vg_rc rc, rc2;

	rc2 = decode_in(blob, len, NULL, stop_after, &s2, &err2);
	rc = decode_in(blob, len, &room, stop_after, s, err);
	assert_int_equal(rc, rc2);
	assert_int_equal(s->n, s2.n);
	assert_string_equal(vg_buf_str(&s->log), vg_buf_str(&s2.log));
	assert_string_equal(err->msg, err2.msg);
	vg_buf_release(&s2.log);
	return rc;
}

static enum vg_rc
decode(const void *blob, size_t len, struct seen *s, struct vg_err *err)
{
	return decode_stop(blob, len, 0, s, err);
}

/* A refused blob: VG_ERR_PARSE, the package named, no entry seen. */
static void
refused(const void *blob, size_t len, const char *what)
{
	struct vg_err err;
	struct seen s;

	if (decode(blob, len, &s, &err) != VG_ERR_PARSE)
		fail_msg("%s: not refused", what);
	if (s.n != 0)
		fail_msg("%s: %zu entries handed out", what, s.n);
	assert_non_null(strstr(err.msg, "'openssl'"));
	vg_buf_release(&s.log);
}

/* pk's blob decodes to the transcript want. */
static void
expect_decoded(struct vg_vuln_packer *pk, const char *want)
{
	struct vg_err err;
	struct seen s;
	const void *b;
	size_t len;

	b = vg_vuln_packer_blob(pk, &len);
	assert_int_equal(decode(b, len, &s, &err), VG_OK);
	assert_string_equal(vg_buf_str(&s.log), want);
	vg_buf_release(&s.log);
}

static void
test_round_trip(void **state)
{
	struct vg_err err;
	struct seen s;
	unsigned char *b;
	size_t len;

	(void)state;
	b = pack_all(&len);
	assert_int_equal(decode(b, len, &s, &err), VG_OK);
	assert_int_equal(s.n, VG_ARRAY_LEN(entries));
	assert_string_equal(vg_buf_str(&s.log), entries_log);
	vg_buf_release(&s.log);
	free(b);
}

/*
 * Entries repeating the previous one's branch list carry none of their
 * own (SAME_BRANCHES) and decode with it; a different list, or none in
 * between, is written again.
 */
static void
test_same_branches(void **state)
{
	static const char *const lists[] = {
		"1.0-1 1.1-1", "1.0-1 1.1-1", "1.0-1 1.1-1", NULL,
		"1.0-1 1.1-1", "2.0-1",       "2.0-1"};
	struct vg_vuln_packer pk;
	struct vg_vuln_entry e[VG_ARRAY_LEN(lists)];
	struct vg_err err;
	struct vg_buf want;
	size_t len, i;

	(void)state;
	vg_err_clear(&err);
	vg_vuln_packer_init(&pk);
	vg_buf_init(&want, 1u << 20);
	for (i = 0; i < VG_ARRAY_LEN(lists); i++) {
		e[i] = entries[1];
		e[i].fixed_on_branches = lists[i];
		assert_int_equal(vg_vuln_packer_add(&pk, &e[i], &err), VG_OK);
		assert_int_equal(
			vg_buf_printf(&want,
				      "TEMP-0000000-ABCDEF|2|0|(null)|1.0.0|"
				      "1.1.1z|%s|-1|00|0|0\n",
				      lists[i] != NULL ? lists[i] : "(null)"),
			VG_OK);
	}
	(void)vg_vuln_packer_blob(&pk, &len);
	/* Three lists written (12 and 6 bytes with their NUL), not six:
	 * each entry is 4 fixed bytes, two scores (16) and 33 bytes of id
	 * and versions. */
	assert_int_equal(len, 5 + 7 * 53 + 2 * 12 + 6);
	expect_decoded(&pk, vg_buf_str(&want));
	vg_vuln_packer_release(&pk);
	vg_buf_release(&want);
}

/* A fixed version's key, packed from its text (whatever the entry
 * says), handed back with it; none for a version dpkg refuses. */
static enum vg_rc
check_key(void *ctx, const struct vg_vuln_entry *e)
{
	unsigned char k[VG_DPKG_KEY_MAX];
	size_t n = e->fixed_version != NULL
		? vg_dpkg_version_key(e->fixed_version, k)
		: 0;

	(*(size_t *)ctx)++;
	assert_int_equal(e->fixed_key_len, n);
	if (n == 0)
		assert_null(e->fixed_key);
	else
		assert_memory_equal(e->fixed_key, k, n);
	return VG_OK;
}

static void
test_fixed_keys(void **state)
{
	static const unsigned char bogus[] = {9, 9, 9};
	struct vg_vuln_packer pk;
	struct vg_vuln_entry e[3];
	struct vg_err err;
	const void *b;
	size_t len, i, seen = 0;

	(void)state;
	memset(e, 0, sizeof(e));
	e[0] = entries[0];
	e[0].fixed_key = bogus; /* not the packer's to take */
	e[0].fixed_key_len = sizeof(bogus);
	e[1] = entries[3]; /* "\xc3\x28": no key */
	e[2] = entries[0];
	e[2].fixed_version = "1:2.0~rc1-3";
	vg_err_clear(&err);
	vg_vuln_packer_init(&pk);
	for (i = 0; i < VG_ARRAY_LEN(e); i++)
		assert_int_equal(vg_vuln_packer_add(&pk, &e[i], &err), VG_OK);
	b = vg_vuln_packer_blob(&pk, &len);
	assert_int_equal(vg_vuln_packed_decode(b, len, "openssl", &room,
					       check_key, &seen, &err),
			 VG_OK);
	assert_int_equal(vg_vuln_packed_decode(b, len, "openssl", NULL,
					       check_key, &seen, &err),
			 VG_OK);
	assert_int_equal(seen, 2 * VG_ARRAY_LEN(e));
	vg_vuln_packer_release(&pk);
}

/* What the lookup promised before packing: an out-of-range enum reads
 * undetermined / unknown, "fixed" without a version undetermined. */
static void
test_sanitised(void **state)
{
	struct vg_vuln_entry e = {.id = "CVE-1",
				  .status = (enum vg_vuln_status)77,
				  .urgency = (enum vg_urgency)99,
				  .cvss = -1,
				  .epss = -1,
				  .epss_percentile = -1};
	static const unsigned char raw[] = {
		0x01, 1,   0, 0, 0,     /* one entry */
		9,    200, 0, 0, 'x', 0 /* status 9, urgency 200 */
	};
	struct vg_vuln_packer pk;
	struct vg_err err;
	struct seen s;

	(void)state;
	vg_vuln_packer_init(&pk);
	assert_int_equal(vg_vuln_packer_add(&pk, &e, &err), VG_OK);
	e.status = VG_VULN_FIXED; /* without fixed_version */
	assert_int_equal(vg_vuln_packer_add(&pk, &e, &err), VG_OK);
	expect_decoded(&pk,
		       "CVE-1|2|0|(null)|(null)|(null)|(null)|-1|00|-1|-1\n"
		       "CVE-1|2|0|(null)|(null)|(null)|(null)|-1|00|-1|-1\n");
	vg_vuln_packer_release(&pk);
	assert_int_equal(decode(raw, sizeof(raw), &s, &err), VG_OK);
	assert_string_equal(vg_buf_str(&s.log),
			    "x|2|0|(null)|(null)|(null)|"
			    "(null)|-1|00|-1|-1\n");
	vg_buf_release(&s.log);
}

static void
test_empty(void **state)
{
	struct vg_vuln_packer pk;
	struct vg_err err;
	size_t len;

	(void)state;
	vg_vuln_packer_init(&pk);
	(void)vg_vuln_packer_blob(&pk, &len);
	assert_int_equal(len, 5);
	expect_decoded(&pk, "");
	vg_vuln_packer_release(&pk);
	/* No id: refused, the packer unchanged. */
	memset(&pk, 0, sizeof(pk));
	vg_vuln_packer_init(&pk);
	assert_int_equal(vg_vuln_packer_add(
				 &pk,
				 &(struct vg_vuln_entry){.cvss = -1,
							 .epss = -1,
							 .epss_percentile = -1},
				 &err),
			 VG_ERR_USAGE);
	(void)vg_vuln_packer_blob(&pk, &len);
	assert_int_equal(len, 5);
	vg_vuln_packer_release(&pk);
}

/* The stop asked by the callback is returned as it was. */
static void
test_callback_stops(void **state)
{
	struct vg_err err;
	struct seen s;
	unsigned char *b;
	size_t len;

	(void)state;
	b = pack_all(&len);
	assert_int_equal(decode_stop(b, len, 2, &s, &err), VG_ERR_LIMIT);
	assert_int_equal(s.n, 2);
	vg_buf_release(&s.log);
	free(b);
}

/* Every cut of a good blob, at every byte. */
static void
test_truncated(void **state)
{
	unsigned char *b;
	char what[64];
	size_t len, i;

	(void)state;
	b = pack_all(&len);
	refused(NULL, 0, "NULL");
	for (i = 0; i < len; i++) {
		(void)snprintf(what, sizeof(what), "cut at %zu", i);
		refused(b, i, what);
	}
	free(b);
}

struct hostile {
	const char *what;
	const unsigned char *b;
	size_t len;
};

#define H(w, ...)                                                              \
	{                                                                      \
		(w), (const unsigned char[]){__VA_ARGS__},                     \
			sizeof((const unsigned char[]){__VA_ARGS__})           \
	}

static const struct hostile hostile[] = {
	H("format 2", 0x02, 0, 0, 0, 0),
	H("format 0", 0x00, 0, 0, 0, 0),
	H("header cut", 0x01, 0, 0, 0),
	H("huge count", 0x01, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 'x', 0),
	H("count one too many", 0x01, 2, 0, 0, 0, 0, 0, 0, 0, 'x', 0),
	H("count one too few", 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 'x', 0),
	H("id without NUL", 0x01, 1, 0, 0, 0, 0, 0, 0, 0, 'x', 'y'),
	H("flagged text missing", 0x01, 1, 0, 0, 0, 0, 0, 0x20, 0, 'x', 0),
	H("second text without NUL", 0x01, 1, 0, 0, 0, 0, 0, 0x20, 0, 'x', 0,
	  '1'),
	H("unknown flag", 0x01, 1, 0, 0, 0, 0, 0, 0, 0x04, 'x', 0),
	H("key without fix", 0x01, 1, 0, 0, 0, 0, 0, 0, 0x02, 'x', 0, 1, 2),
	H("empty key", 0x01, 1, 0, 0, 0, 0, 0, 0x20, 0x02, 'x', 0, '1', 0, 0),
	H("key cut", 0x01, 1, 0, 0, 0, 0, 0, 0x20, 0x02, 'x', 0, '1', 0, 3, 2,
	  1),
	H("first entry's list the previous one's", 0x01, 1, 0, 0, 0, 0, 0, 0,
	  0x04, 'x', 0),
	H("a list and the previous one's", 0x01, 2, 0, 0, 0, 0, 0, 0, 0x01, 'x',
	  0, 'l', 0, 0, 0, 0, 0x05, 'y', 0, 'm', 0),
	H("the previous list when it had none", 0x01, 2, 0, 0, 0, 0, 0, 0, 0,
	  'x', 0, 0, 0, 0, 0x04, 'y', 0),
	H("ransomware without KEV", 0x01, 1, 0, 0, 0, 0, 0, 0x02, 0, 'x', 0),
	H("score cut", 0x01, 1, 0, 0, 0, 0, 0, 0x04, 0, 1, 2, 3, 'x', 0),
	H("NaN score", 0x01, 1, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0xf8,
	  0x7f, 'x', 0),
	H("infinite score", 0x01, 1, 0, 0, 0, 0, 0, 0x08, 0, 0, 0, 0, 0, 0, 0,
	  0xf0, 0x7f, 'x', 0),
	H("trailing byte", 0x01, 1, 0, 0, 0, 0, 0, 0, 0, 'x', 0, 0),
	H("empty count, bytes after", 0x01, 0, 0, 0, 0, 'x'),
};

static void
test_hostile(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(hostile); i++)
		refused(hostile[i].b, hostile[i].len, hostile[i].what);
}

/* Every byte of a good blob set to each of a few values: decoded or
 * refused whole, never read past (the sanitizers watch). */
static void
test_byte_flips(void **state)
{
	static const unsigned char vals[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
	struct vg_err err;
	struct seen s;
	unsigned char *b, *m;
	size_t len, i, k;
	enum vg_rc rc;

	(void)state;
	b = pack_all(&len);
	for (i = 0; i < len; i++)
		for (k = 0; k < VG_ARRAY_LEN(vals); k++) {
			/* An exact-size copy: a read past it is seen. */
			m = malloc(len);
			assert_non_null(m);
			memcpy(m, b, len);
			m[i] = vals[k];
			rc = decode(m, len, &s, &err);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			if (rc != VG_OK)
				assert_int_equal(s.n, 0);
			vg_buf_release(&s.log);
			free(m);
		}
	free(b);
}

/* More entries than the room holds (the kernel's): checked, then
 * decoded as handed out, the same entries; and the room still serves
 * the next, smaller blob. */
static void
test_beyond_room(void **state)
{
	struct vg_vuln_packer pk;
	struct vg_err err;
	struct vg_buf want;
	size_t i;

	(void)state;
	vg_err_clear(&err);
	vg_vuln_packer_init(&pk);
	vg_buf_init(&want, 4u << 20);
	for (i = 0; i < VG_VULN_UNPACKED_MAX + VG_ARRAY_LEN(entries); i++) {
		const struct vg_vuln_entry *e =
			&entries[i % VG_ARRAY_LEN(entries)];

		assert_int_equal(vg_vuln_packer_add(&pk, e, &err), VG_OK);
		if (i % VG_ARRAY_LEN(entries) == 0)
			assert_int_equal(vg_buf_adds(&want, entries_log),
					 VG_OK);
	}
	expect_decoded(&pk, vg_buf_str(&want));
	vg_vuln_packer_reset(&pk);
	for (i = 0; i < VG_ARRAY_LEN(entries); i++)
		assert_int_equal(vg_vuln_packer_add(&pk, &entries[i], &err),
				 VG_OK);
	expect_decoded(&pk, entries_log);
	vg_vuln_packer_release(&pk);
	vg_buf_release(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sanitised),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_byte_flips),
		cmocka_unit_test(test_beyond_room),
		cmocka_unit_test(test_fixed_keys),
		cmocka_unit_test(test_same_branches),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	vg_vuln_unpacked_release(&room);
	return failed;
}

/* discover/cdp.c: device ID, software, platform; hostile TLV lengths. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "obs_record.h"
#include "support.h"
#include "discover/discover.h"

struct pdu {
	uint8_t b[4096];
	size_t n;
};

static void
put(struct pdu *d, const void *p, size_t n)
{
	assert_true(d->n + n <= sizeof(d->b));
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* version 2, TTL 180, checksum (not checked) */
static void
hdr(struct pdu *d, uint8_t version)
{
	uint8_t h[4] = {version, 180, 0xbe, 0xef};

	d->n = 0;
	put(d, h, 4);
}

/* type(2) length(2, counting these 4 bytes) value */
static void
tlv(struct pdu *d, unsigned type, const void *v, size_t n)
{
	uint8_t h[4] = {(uint8_t)(type >> 8), (uint8_t)type,
			(uint8_t)((n + 4) >> 8), (uint8_t)(n + 4)};

	put(d, h, 4);
	put(d, v, n);
}

static enum vg_rc
decode(const uint8_t *p, size_t n, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_CDP;
	pkt.has_mac = true;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_cdp_decode(&pkt, &sink);
}

/* Appendix B frame 3 (after LLC/SNAP), plus the TLVs we skip. */
static void
build_switch(struct pdu *d)
{
	hdr(d, 2);
	tlv(d, 1, "SW-ICU-001", 10);
	tlv(d, 2, "\0\0\0\x01\x01\x01\xcc\0\x04\x0a\x01\0\x01", 13);
	tlv(d, 3, "GigabitEthernet0/1", 18);
	tlv(d, 4, "\0\0\0\x28", 4);
	tlv(d, 5, "Cisco IOS Software, C2960 15.0(2)SE", 35);
	tlv(d, 6, "cisco WS-C2960-24TT-L", 21);
	tlv(d, 0x0b, "\x01", 1); /* duplex */
}

static void
test_appendix_b(void **state)
{
	struct vg_obs_rec rec;
	struct pdu d;

	(void)state;
	build_switch(&d);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(d.b, d.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src cdp hostname SW-ICU-001"));
	assert_true(vg_obs_rec_has(
		&rec, "src cdp software Cisco IOS Software, C2960 15.0(2)SE"));
	assert_true(
		vg_obs_rec_has(&rec, "src cdp model cisco WS-C2960-24TT-L"));
	assert_int_equal(rec.n, 3);
	vg_obs_rec_release(&rec);
}

/* Hostile packets, one row each. */
struct row {
	const char *what;
	const char *bytes;
	size_t n;
	enum vg_rc rc;
	const char *obs; /* the one observation expected, or NULL */
};

static void
test_hostile(void **state)
{
	static const struct row rows[] = {
		{"empty", "", 0, VG_ERR_PARSE, NULL},
		{"header cut short", "\x02\xb4\0", 3, VG_ERR_PARSE, NULL},
		{"header only", "\x02\xb4\0\0", 4, VG_OK, NULL},
		{"version 1", "\x01\xb4\0\0\0\x01\0\x06PC", 10, VG_OK,
		 "src cdp hostname PC"},
		{"version 0", "\x00\xb4\0\0\0\x01\0\x06PC", 10, VG_ERR_PARSE,
		 NULL},
		{"version 3", "\x03\xb4\0\0\0\x01\0\x06PC", 10, VG_ERR_PARSE,
		 NULL},
		{"length 0 (would loop)", "\x02\xb4\0\0\0\x01\0\0PC", 10,
		 VG_ERR_PARSE, NULL},
		{"length 3", "\x02\xb4\0\0\0\x01\0\x03PC", 10, VG_ERR_PARSE,
		 NULL},
		{"length 4: empty device ID", "\x02\xb4\0\0\0\x01\0\x04", 8,
		 VG_OK, NULL},
		{"length past the end",
		 "\x02\xb4\0\0\0\x01\0\x06PC\0\x06\0\x09x", 15, VG_ERR_PARSE,
		 "src cdp hostname PC"},
		{"length 0xffff", "\x02\xb4\0\0\0\x06\xff\xffPC", 10,
		 VG_ERR_PARSE, NULL},
		{"TLV header cut short", "\x02\xb4\0\0\0\x01\0\x06PC\0\x05\0",
		 13, VG_ERR_PARSE, "src cdp hostname PC"},
		{"NUL bytes in the platform",
		 "\x02\xb4\0\0\0\x06\0\x0cIP\0Phone", 16, VG_OK,
		 "src cdp model IP\\x00Phone"},
		{"unknown TLV types are skipped",
		 "\x02\xb4\0\0\x12\x34\0\x05x\0\x06\0\x06IP", 15, VG_OK,
		 "src cdp model IP"},
	};
	struct vg_obs_rec rec;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_obs_rec_init(&rec);
		if (decode((const uint8_t *)rows[i].bytes, rows[i].n, &rec) !=
		    rows[i].rc)
			fail_msg("row '%s': wrong return", rows[i].what);
		if (rows[i].obs != NULL) {
			assert_int_equal(rec.n, 1);
			assert_true(vg_obs_rec_has(&rec, rows[i].obs));
		} else
			assert_int_equal(rec.n, 0);
		vg_obs_rec_release(&rec);
	}
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(NULL, 4, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

/* Too many TLVs, and text longer than the cap. */
static void
test_limits(void **state)
{
	char big[700];
	struct vg_obs_rec rec;
	struct pdu d;
	size_t i;

	(void)state;
	memset(big, 's', sizeof(big));
	hdr(&d, 2);
	for (i = 0; i < 300; i++)
		tlv(&d, 4, "", 0);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(d.b, d.n, &rec), VG_ERR_PARSE);
	hdr(&d, 2);
	tlv(&d, 5, big, sizeof(big));
	assert_int_equal(decode(d.b, d.n, &rec), VG_OK);
	assert_int_equal(rec.n, 1);
	assert_int_equal(strlen(rec.lines[0]),
			 strlen("src cdp software ") + 255);
	vg_obs_rec_release(&rec);
}

/* Every prefix: no crash; OK exactly at the TLV boundaries. */
static void
test_every_prefix(void **state)
{
	static const size_t ends[] = {4, 18, 35, 57, 65, 104, 129, 134};
	struct vg_obs_rec rec;
	struct pdu d;
	uint8_t *cut;
	size_t len, i;
	bool boundary;
	enum vg_rc rc;

	(void)state;
	build_switch(&d);
	assert_int_equal(d.n, ends[VG_ARRAY_LEN(ends) - 1]);
	for (len = 0; len <= d.n; len++) {
		cut = malloc(len + (len == 0));
		assert_non_null(cut);
		memcpy(cut, d.b, len);
		vg_obs_rec_init(&rec);
		rc = decode(cut, len, &rec);
		boundary = false;
		for (i = 0; i < VG_ARRAY_LEN(ends); i++)
			boundary |= ends[i] == len;
		assert_int_equal(rc, boundary ? VG_OK : VG_ERR_PARSE);
		vg_obs_rec_release(&rec);
		free(cut);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* discover/lldp.c: system name/description, LLDP-MED inventory, hostile
 * TLV lengths. */
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

/* A TLV: type(7) << 9 | length(9), then the value. */
static void
tlv(struct pdu *d, unsigned type, const void *v, size_t n)
{
	uint8_t h[2] = {(uint8_t)(type << 1 | (n >> 8 & 1)),
			(uint8_t)(n & 0xff)};

	put(d, h, 2);
	put(d, v, n);
}

/* An LLDP-MED inventory TLV (OUI 00-12-BB). */
static void
med(struct pdu *d, uint8_t sub, const char *s)
{
	uint8_t v[300];
	size_t n = strlen(s);

	memcpy(v, "\x00\x12\xbb", 3);
	v[3] = sub;
	memcpy(v + 4, s, n);
	tlv(d, 127, v, 4 + n);
}

static enum vg_rc
decode(const uint8_t *p, size_t n, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_LLDP;
	pkt.has_mac = true;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_lldp_decode(&pkt, &sink);
}

/* Appendix B frame 2. */
static void
build_appendix_b(struct pdu *d)
{
	d->n = 0;
	tlv(d, 1, "\x04\x00\x1b\x21\xaa\xbb\xcc", 7);
	tlv(d, 2,
	    "\x05"
	    "eth0",
	    5);
	tlv(d, 3, "\x00\x78", 2);
	tlv(d, 5, "infusion-gw-3", 13);
	tlv(d, 6, "Linux 4.19 Alaris Gateway Workstation", 37);
	tlv(d, 0, "", 0);
}

/* An IP phone with LLDP-MED inventory. */
static void
build_med(struct pdu *d)
{
	d->n = 0;
	tlv(d, 1, "\x07SEP0011", 8);
	tlv(d, 2,
	    "\x07"
	    "1",
	    2);
	tlv(d, 3, "\x00\x78", 2);
	tlv(d, 5, "ICU-PHONE-12", 12);
	tlv(d, 7, "\x00\x24\x00\x24", 4);           /* capabilities: ignored */
	tlv(d, 127, "\x00\x80\xc2\x01\x00\x0a", 6); /* 802.1 PVID */
	tlv(d, 127, "\x00\x12\xbb\x01\x00\x33\x03", 7); /* MED caps */
	med(d, 5, "HW 2.1");
	med(d, 6, "FW 1.0.4");
	med(d, 7, "SIP 9.4.1");
	med(d, 8, "SN-4471-SECRET");
	med(d, 9, "Avaya");
	med(d, 10, "J179");
	tlv(d, 0, "", 0);
}

static void
test_appendix_b(void **state)
{
	struct vg_obs_rec rec;
	struct pdu d;

	(void)state;
	build_appendix_b(&d);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(d.b, d.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src lldp hostname infusion-gw-3"));
	assert_true(vg_obs_rec_has(
		&rec,
		"src lldp software Linux 4.19 Alaris Gateway Workstation"));
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
}

static void
test_med_inventory(void **state)
{
	struct vg_obs_rec rec;
	struct pdu d;
	size_t i;

	(void)state;
	build_med(&d);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(d.b, d.n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src lldp hostname ICU-PHONE-12"));
	assert_true(
		vg_obs_rec_has(&rec, "src lldp software firmware|FW 1.0.4"));
	assert_true(
		vg_obs_rec_has(&rec, "src lldp software software|SIP 9.4.1"));
	assert_true(vg_obs_rec_has(&rec, "src lldp vendor Avaya"));
	assert_true(vg_obs_rec_has(&rec, "src lldp model J179"));
	assert_int_equal(rec.n, 5);
	/* the serial number is never emitted */
	for (i = 0; i < rec.n; i++)
		assert_null(strstr(rec.lines[i], "SN-4471"));
	vg_obs_rec_release(&rec);
}

/* Hostile PDUs, one row each. */
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
		{"empty", "", 0, VG_OK, NULL},
		{"no End TLV, ends on a boundary", "\x0a\x02PC", 4, VG_OK,
		 "src lldp hostname PC"},
		{"bytes after End are not read", "\x0a\x02PC\0\0\x0a\xff", 8,
		 VG_OK, "src lldp hostname PC"},
		{"one byte of a header left", "\x0a\x02PC\x0c", 5, VG_ERR_PARSE,
		 "src lldp hostname PC"},
		{"length 511 past the end", "\x0a\x02PC\x0d\xffLinux", 11,
		 VG_ERR_PARSE, "src lldp hostname PC"},
		{"length 3 with 2 bytes", "\x0a\x03PC", 4, VG_ERR_PARSE, NULL},
		{"org TLV too short, later TLVs read",
		 "\xfe\x02\x00\x12\x0a\x02PC", 8, VG_ERR_PARSE,
		 "src lldp hostname PC"},
		{"org TLV with OUI only", "\xfe\x03\x00\x12\xbb", 5,
		 VG_ERR_PARSE, NULL},
		{"empty MED model", "\xfe\x04\x00\x12\xbb\x0a", 6, VG_OK, NULL},
		{"empty system name", "\x0a\x00", 2, VG_OK, NULL},
		{"NUL bytes in the name", "\x0a\x04P\0C\0", 6, VG_OK,
		 "src lldp hostname P\\x00C\\x00"},
		{"type 0 with a length still ends", "\x00\x05", 2, VG_OK, NULL},
	};
	struct vg_obs_rec rec;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_obs_rec_init(&rec);
		if (decode((const uint8_t *)rows[i].bytes, rows[i].n, &rec) !=
		    rows[i].rc)
			fail_msg("row '%s': wrong return", rows[i].what);
		if (rows[i].obs == NULL)
			assert_int_equal(rec.n, 0);
		else {
			assert_int_equal(rec.n, 1);
			assert_true(vg_obs_rec_has(&rec, rows[i].obs));
		}
		vg_obs_rec_release(&rec);
	}
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(NULL, 10, &rec), VG_OK);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

/* Too many TLVs, and text longer than the cap. */
static void
test_limits(void **state)
{
	char big[511];
	struct vg_obs_rec rec;
	struct pdu d;
	size_t i;

	(void)state;
	memset(big, 'd', sizeof(big));
	d.n = 0;
	for (i = 0; i < 300; i++)
		tlv(&d, 4, "", 0); /* empty port descriptions */
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(d.b, d.n, &rec), VG_ERR_PARSE);
	d.n = 0;
	tlv(&d, 6, big, sizeof(big));
	tlv(&d, 0, "", 0);
	assert_int_equal(decode(d.b, d.n, &rec), VG_OK);
	assert_int_equal(rec.n, 1);
	assert_int_equal(strlen(rec.lines[0]),
			 strlen("src lldp software ") + 255);
	vg_obs_rec_release(&rec);
}

/* Every prefix of valid PDUs: no crash; OK only at TLV boundaries. */
static void
test_every_prefix(void **state)
{
	struct vg_obs_rec rec;
	struct pdu d;
	uint8_t *cut;
	size_t len;
	int pass;
	enum vg_rc rc;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0)
			build_med(&d);
		else
			build_appendix_b(&d);
		for (len = 0; len <= d.n; len++) {
			cut = malloc(len + (len == 0));
			assert_non_null(cut);
			memcpy(cut, d.b, len);
			vg_obs_rec_init(&rec);
			rc = decode(cut, len, &rec);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			if (len == d.n)
				assert_int_equal(rc, VG_OK);
			vg_obs_rec_release(&rec);
			free(cut);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_med_inventory),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

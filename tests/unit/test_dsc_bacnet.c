/* Unit tests: the BACnet/IP decoder (vg_bacnet_decode). */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

/* Appendix B frame 7: I-Am device 260001, vendor 5 (the UDP payload). */
static const uint8_t appendix_b[] = {
	0x81, 0x0b, 0x00, 0x14,       /* BVLC broadcast, length 20 */
	0x01, 0x00,                   /* NPDU version 1, no addresses */
	0x10, 0x00,                   /* unconfirmed, I-Am */
	0xc4, 0x02, 0x03, 0xf7, 0xa1, /* device 260001 */
	0x22, 0x05, 0xc4,             /* max APDU 1476 */
	0x91, 0x03,                   /* no segmentation */
	0x21, 0x05,                   /* vendor 5 */
};

#define IAM_APDU "\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x91\x03\x21\x05"

static enum vg_rc
decode(const uint8_t *p, size_t n, uint16_t sport, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_UDP;
	pkt.src.family = 4;
	pkt.sport = sport;
	pkt.dport = 47808;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_bacnet_decode(&pkt, &sink);
}

static void
test_appendix_b(void **state)
{
	struct vg_obs_rec rec;

	(void)state;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(appendix_b, sizeof(appendix_b), 47808, &rec),
			 VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src bacnet bacnet_device 260001|5"));
	assert_true(vg_obs_rec_has(&rec, "src bacnet service bacnet|47808"));
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
	/* another BACnet/IP port is the one named */
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(appendix_b, sizeof(appendix_b), 47809, &rec),
			 VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src bacnet service bacnet|47809"));
	vg_obs_rec_release(&rec);
}

/*
 * Rows: BVLC function, the bytes after the BVLC header, a BVLC length
 * override (0: the true one), expected rc and device line (NULL: none).
 */
struct row {
	const char *name;
	uint8_t func;
	const char *body;
	size_t len;
	unsigned blen;
	enum vg_rc rc;
	const char *want;
};

#define R(s) s, sizeof(s) - 1
#define DEV "src bacnet bacnet_device 260001|5"

static const struct row rows[] = {
	{"unicast", 0x0a, R("\x01\x00" IAM_APDU), 0, VG_OK, DEV},
	{"forwarded", 0x04, R("\x0a\x02\x00\x0a\xba\xc0\x01\x00" IAM_APDU), 0,
	 VG_OK, DEV},
	{"dnet", 0x0b, R("\x01\x20\xff\xff\x00\xff" IAM_APDU), 0, VG_OK, DEV},
	{"snet", 0x0b, R("\x01\x08\x00\x05\x01\x2a" IAM_APDU), 0, VG_OK, DEV},
	{"dnet and snet", 0x0b,
	 R("\x01\x28\x00\x07\x02\x01\x02\x00\x05\x01\x2a\x0f" IAM_APDU), 0,
	 VG_OK, DEV},
	{"two-byte vendor, max values", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x3f\xff\xff\x21\x32\x91\x00\x22\xff\xff"),
	 0, VG_OK, "src bacnet bacnet_device 4194303|65535"},
	{"who-is", 0x0b, R("\x01\x00\x10\x08"), 0, VG_OK, NULL},
	{"who-is with range", 0x0b, R("\x01\x00\x10\x08\x09\x00\x19\x0a"), 0,
	 VG_OK, NULL},
	{"network message", 0x0b, R("\x01\x80\x00\x00\x01"), 0, VG_OK, NULL},
	{"confirmed request", 0x0a, R("\x01\x04\x00\x05\x01\x0c\x0c"), 0, VG_OK,
	 NULL},
	{"bvlc result", 0x00, R("\x00\x00"), 0, VG_OK, NULL},
	{"padding after bvlc length", 0x0b, R("\x01\x00" IAM_APDU "\xde\xad"),
	 20, VG_OK, DEV},
	{"bvlc length past data (clamped)", 0x0b, R("\x01\x00" IAM_APDU),
	 0xffff, VG_OK, DEV},
	{"bvlc length cuts the i-am", 0x0b, R("\x01\x00" IAM_APDU), 12,
	 VG_ERR_PARSE, NULL},
	{"bvlc length below header", 0x0b, R("\x01\x00" IAM_APDU), 3,
	 VG_ERR_PARSE, NULL},
	{"bvlc length zero", 0x0b, R("\x01\x00" IAM_APDU), 0x10000,
	 VG_ERR_PARSE, NULL},
	{"npdu version 2", 0x0b, R("\x02\x00" IAM_APDU), 0, VG_ERR_PARSE, NULL},
	{"dlen lies", 0x0b, R("\x01\x20\xff\xff\xff" IAM_APDU), 0, VG_ERR_PARSE,
	 NULL},
	{"not a device object", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x00\x83\xf7\xa1\x22\x05\xc4\x91\x03\x21\x05"),
	 0, VG_ERR_PARSE, NULL},
	{"segmentation tag wrong", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x21\x03\x21\x05"),
	 0, VG_ERR_PARSE, NULL},
	{"vendor length 0", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x91\x03\x20"), 0,
	 VG_ERR_PARSE, NULL},
	{"vendor extended length", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x91\x03\x25\x05"
	   "\x00\x00\x00\x00\x05"),
	 0, VG_ERR_PARSE, NULL},
	{"vendor context tag", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x91\x03\x29\x05"),
	 0, VG_ERR_PARSE, NULL},
	{"vendor missing", 0x0b,
	 R("\x01\x00\x10\x00\xc4\x02\x03\xf7\xa1\x22\x05\xc4\x91\x03"), 0,
	 VG_ERR_PARSE, NULL},
	{"object id tag wrong", 0x0b,
	 R("\x01\x00\x10\x00\xc3\x02\x03\xf7\x21\x05\x91\x03\x21\x05"), 0,
	 VG_ERR_PARSE, NULL},
	{"forwarded, address cut", 0x04, R("\x0a\x02\x00"), 0, VG_ERR_PARSE,
	 NULL},
	{"no npdu", 0x0b, R(""), 0, VG_ERR_PARSE, NULL},
};

static void
test_rows(void **state)
{
	uint8_t buf[128];
	size_t i, n;
	unsigned blen;
	struct vg_obs_rec rec;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fprintf(stderr, "row: %s\n", rows[i].name);
		n = 4 + rows[i].len;
		assert_true(n <= sizeof(buf));
		blen = rows[i].blen != 0 ? rows[i].blen : (unsigned)n;
		buf[0] = 0x81;
		buf[1] = rows[i].func;
		buf[2] = (uint8_t)(blen >> 8);
		buf[3] = (uint8_t)blen;
		memcpy(buf + 4, rows[i].body, rows[i].len);
		vg_obs_rec_init(&rec);
		assert_int_equal(decode(buf, n, 47808, &rec), rows[i].rc);
		if (rows[i].want != NULL) {
			assert_true(vg_obs_rec_has(&rec, rows[i].want));
			assert_int_equal(rec.n, 2);
		} else
			assert_int_equal(rec.n, 0);
		vg_obs_rec_release(&rec);
	}
}

static void
test_bad_bvlc(void **state)
{
	uint8_t buf[sizeof(appendix_b)];
	struct vg_obs_rec rec;

	(void)state;
	memcpy(buf, appendix_b, sizeof(buf));
	buf[0] = 0x82; /* BVLC type for another link */
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, sizeof(buf), 47808, &rec), VG_ERR_PARSE);
	assert_int_equal(decode(NULL, 0, 47808, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
	assert_int_equal(vg_bacnet_decode(NULL, NULL), VG_ERR_PARSE);
}

/* Every prefix: PARSE (the I-Am is incomplete) and nothing emitted. */
static void
test_prefixes(void **state)
{
	size_t i;
	struct vg_obs_rec rec;

	(void)state;
	for (i = 0; i < sizeof(appendix_b); i++) {
		vg_obs_rec_init(&rec);
		assert_int_equal(decode(appendix_b, i, 47808, &rec),
				 VG_ERR_PARSE);
		assert_int_equal(rec.n, 0);
		vg_obs_rec_release(&rec);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_bad_bvlc),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

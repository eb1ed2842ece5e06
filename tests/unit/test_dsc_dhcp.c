/* Unit tests: the DHCPv4 decoder (vg_dhcp_decode). */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

#define MAC "\x00\x09\xfb\x12\x34\x56"
#define MACS "00:09:fb:12:34:56"

static const uint8_t zero4[4];

/* A BOOTP header (op, addresses, chaddr MAC) + cookie + opts. */
static size_t
bootp(uint8_t *buf, uint8_t op, uint8_t htype, const uint8_t ciaddr[4],
      const uint8_t yiaddr[4], const uint8_t giaddr[4], const void *opts,
      size_t optlen)
{
	memset(buf, 0, 240);
	buf[0] = op;
	buf[1] = htype;
	buf[2] = 6;
	buf[4] = 0x12; /* xid */
	buf[10] = 0x80;
	memcpy(buf + 12, ciaddr, 4);
	memcpy(buf + 16, yiaddr, 4);
	memcpy(buf + 24, giaddr, 4);
	memcpy(buf + 28, MAC, 6);
	memcpy(buf + 236, "\x63\x82\x53\x63", 4);
	memcpy(buf + 240, opts, optlen);
	return 240 + optlen;
}

static void
packet(struct vg_packet *pkt, const uint8_t *p, size_t n, uint16_t sport)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->kind = VG_PKT_UDP;
	pkt->has_mac = true;
	pkt->src.family = pkt->dst.family = 4;
	pkt->sport = sport;
	pkt->dport = sport == 68 ? 67 : 68;
	pkt->payload = p;
	pkt->payload_len = n;
}

static enum vg_rc
decode(const uint8_t *p, size_t n, uint16_t sport, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	packet(&pkt, p, n, sport);
	return vg_dhcp_decode(&pkt, &sink);
}

/* Appendix B frame 1: DHCPDISCOVER with options 53,61,12,60,55. */
static const char discover_opts[] = "\x35\x01\x01"
				    "\x3d\x07\x01" MAC "\x0c\x0cMX800-ICU-07"
				    "\x3c\x11PhilipsIntelliVue"
				    "\x37\x07\x01\x03\x06\x0f\x0c\x1c\x2a\xff";

static void
test_appendix_b_discover(void **state)
{
	uint8_t buf[600];
	size_t n = bootp(buf, 1, 1, zero4, zero4, zero4, discover_opts,
			 sizeof(discover_opts) - 1);
	struct vg_obs_rec rec;

	(void)state;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 68, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, MACS " dhcp hostname MX800-ICU-07"));
	assert_true(vg_obs_rec_has(
		&rec, MACS " dhcp vendor_class PhilipsIntelliVue"));
	assert_true(
		vg_obs_rec_has(&rec, MACS " dhcp client_id 010009fb123456"));
	assert_true(vg_obs_rec_has(&rec,
				   MACS " dhcp dhcp_fingerprint "
					"53,61,12,60,55|1,3,6,15,12,28,42|"
					"discover"));
	assert_int_equal(rec.n, 4);
	vg_obs_rec_release(&rec);
}

/* A server ACK binds yiaddr to chaddr and names the server. */
static void
test_ack(void **state)
{
	static const char opts[] = "\x35\x01\x05\x36\x04\x0a\xfa\x00\x01"
				   "\x0c\x04"
				   "echo\xff";
	static const uint8_t yi[4] = {10, 250, 0, 57};
	uint8_t buf[400];
	size_t n = bootp(buf, 2, 1, zero4, yi, zero4, opts, sizeof(opts) - 1);
	struct vg_obs_rec rec;

	(void)state;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 67, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, MACS " dhcp ip 10.250.0.57"));
	assert_true(vg_obs_rec_has(&rec, "src dhcp service dhcp-server|67"));
	/* the server's echo of the host name is not the client's word */
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);

	/* an OFFER binds nothing */
	buf[242] = 2;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 67, &rec), VG_OK);
	assert_int_equal(rec.n, 1);
	assert_int_equal(vg_obs_rec_count(&rec, "src dhcp service"), 1);
	vg_obs_rec_release(&rec);
}

/* Relayed requests (giaddr set) are about chaddr, not the relay. */
static void
test_relay_and_ciaddr(void **state)
{
	static const char opts[] = "\x35\x01\x03\x0c\x03pm1\xff";
	static const uint8_t gi[4] = {10, 9, 0, 1}, ci[4] = {10, 9, 0, 44};
	uint8_t buf[400];
	size_t n;
	struct vg_obs_rec rec;

	(void)state;
	n = bootp(buf, 1, 1, ci, zero4, gi, opts, sizeof(opts) - 1);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 67, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, MACS " dhcp hostname pm1"));
	assert_true(vg_obs_rec_has(&rec, MACS " dhcp ip 10.9.0.44"));
	assert_true(vg_obs_rec_has(
		&rec, MACS " dhcp dhcp_fingerprint 53,12||request"));
	assert_int_equal(vg_obs_rec_count(&rec, "src "), 0);
	vg_obs_rec_release(&rec);

	/* not Ethernet and relayed: nobody to attribute it to */
	n = bootp(buf, 1, 6, zero4, zero4, gi, opts, sizeof(opts) - 1);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 67, &rec), VG_OK);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);

	/* not Ethernet, not relayed: the sender itself */
	n = bootp(buf, 1, 6, zero4, zero4, zero4, opts, sizeof(opts) - 1);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 68, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src dhcp hostname pm1"));
	vg_obs_rec_release(&rec);
}

/* Option rows: options, expected rc, a line that must be there (or
 * NULL), and how many lines in all. */
struct row {
	const char *name;
	const char *opts;
	size_t len;
	enum vg_rc rc;
	const char *want;
	size_t count;
};

#define R(s) s, sizeof(s) - 1

static const struct row rows[] = {
	{"fqdn ascii", R("\x51\x0d\x00\x00\x00pump.icu.x\xff"), VG_OK,
	 MACS " dhcp hostname pump.icu.x", 2},
	{"fqdn wire", R("\x51\x0d\x04\xff\xff\x04pump\x03icu\x00\xff"), VG_OK,
	 MACS " dhcp hostname pump.icu", 2},
	{"fqdn label lies", R("\x51\x0b\x04\x00\x00\x04pump\x3fic\xff"), VG_OK,
	 MACS " dhcp hostname pump", 2},
	{"fqdn pointer ends",
	 R("\x51\x09\x04\x00\x00\x02"
	   "ab\xc0\x0c\x00\xff"),
	 VG_OK, MACS " dhcp hostname ab", 2},
	{"fqdn empty", R("\x51\x03\x04\x00\x00\xff"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 81", 1},
	{"fqdn short", R("\x51\x01\x04\xff"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 81", 1},
	{"repeats joined (rfc 3396)", R("\x0c\x03MX8\x0c\x03-07\xff"), VG_OK,
	 MACS " dhcp hostname MX8-07", 2},
	{"nul in name",
	 R("\x0c\x03"
	   "a\x00z\xff"),
	 VG_OK, MACS " dhcp hostname a\\x00z", 2},
	{"pads, no end", R("\x00\x00\x35\x01\x01\x00\x37\x02\x01\x03"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 53,55|1,3|discover", 1},
	{"unknown type", R("\x35\x01\x0d\xff"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 53", 1},
	{"type zero length", R("\x35\x00\xff"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 53", 1},
	{"no options", R("\xff"), VG_OK, NULL, 0},
	{"nothing after cookie", R(""), VG_OK, NULL, 0},
	{"length lies", R("\x0c\x03pm1\x3c\x40udhcp"), VG_ERR_PARSE,
	 MACS " dhcp hostname pm1", 1},
	{"length 0xff", R("\x0c\xffpm1"), VG_ERR_PARSE, NULL, 0},
	{"code without length", R("\x0c\x03pm1\x3c"), VG_ERR_PARSE,
	 MACS " dhcp hostname pm1", 1},
	{"empty host name", R("\x0c\x00\xff"), VG_OK,
	 MACS " dhcp dhcp_fingerprint 12", 1},
};

static void
test_rows(void **state)
{
	uint8_t buf[600];
	size_t i, n;
	struct vg_obs_rec rec;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		n = bootp(buf, 1, 1, zero4, zero4, zero4, rows[i].opts,
			  rows[i].len);
		vg_obs_rec_init(&rec);
		fprintf(stderr, "row: %s\n", rows[i].name);
		assert_int_equal(decode(buf, n, 68, &rec), rows[i].rc);
		if (rows[i].want != NULL)
			assert_true(vg_obs_rec_has(&rec, rows[i].want));
		assert_int_equal(rec.n, rows[i].count);
		vg_obs_rec_release(&rec);
	}
}

/* Texts are capped at 255 bytes; lists stop on a whole number. */
static void
test_caps(void **state)
{
	uint8_t opts[1200], buf[1500];
	size_t n = 0, i, k;
	struct vg_obs_rec rec;
	const char *fp;

	(void)state;
	for (k = 0; k < 2; k++) { /* two 255-byte host names, joined */
		opts[n++] = 12;
		opts[n++] = 255;
		memset(opts + n, 'h', 255);
		n += 255;
	}
	opts[n++] = 61; /* a 200-byte client id: 127 bytes fit as hex */
	opts[n++] = 200;
	memset(opts + n, 0xab, 200);
	n += 200;
	for (i = 100; i < 200; i++) { /* 100 empty options: long order */
		opts[n++] = (uint8_t)i;
		opts[n++] = 0;
	}
	opts[n++] = 255;
	n = bootp(buf, 1, 1, zero4, zero4, zero4, opts, n);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, 68, &rec), VG_OK);
	assert_int_equal(rec.n, 3);
	/* "<mac> dhcp hostname " + 255 */
	assert_int_equal(strlen(rec.lines[0]), strlen(MACS) + 15 + 255);
	assert_int_equal(strlen(rec.lines[1]), strlen(MACS) + 16 + 254);
	fp = strstr(rec.lines[2], "fingerprint ") + strlen("fingerprint ");
	assert_true(strlen(fp) <= 255);
	assert_true(strlen(fp) > 240);
	assert_true(fp[strlen(fp) - 1] != ',');
	assert_true(strncmp(fp, "12,12,61,100,101,", 17) == 0);
	vg_obs_rec_release(&rec);
}

/* Wrong cookie, wrong op, short header: PARSE and nothing said. */
static void
test_bad_header(void **state)
{
	uint8_t buf[400];
	size_t n = bootp(buf, 1, 1, zero4, zero4, zero4, discover_opts,
			 sizeof(discover_opts) - 1);
	struct vg_obs_rec rec;
	struct vg_packet pkt;

	(void)state;
	vg_obs_rec_init(&rec);
	buf[236] = 0x64;
	assert_int_equal(decode(buf, n, 68, &rec), VG_ERR_PARSE);
	buf[236] = 0x63;
	buf[0] = 3;
	assert_int_equal(decode(buf, n, 68, &rec), VG_ERR_PARSE);
	assert_int_equal(decode(buf, 239, 68, &rec), VG_ERR_PARSE);
	assert_int_equal(decode(NULL, 0, 68, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 0);
	assert_int_equal(vg_dhcp_decode(NULL, NULL), VG_ERR_PARSE);
	buf[0] = 1;
	packet(&pkt, buf, n, 68);
	assert_int_equal(vg_dhcp_decode(&pkt, NULL), VG_OK); /* no sink */
	vg_obs_rec_release(&rec);
}

/* Every prefix of valid packets: no crash, OK or PARSE only. */
static void
test_prefixes(void **state)
{
	static const char ack[] = "\x35\x01\x05\x36\x04\x0a\xfa\x00\x01"
				  "\x51\x08\x04\x00\x00\x03pm1\x00\xff";
	static const uint8_t yi[4] = {10, 250, 0, 57};
	uint8_t buf[2][400];
	size_t len[2], k, i;
	enum vg_rc rc;
	struct vg_obs_rec rec;

	(void)state;
	len[0] = bootp(buf[0], 1, 1, zero4, zero4, zero4, discover_opts,
		       sizeof(discover_opts) - 1);
	len[1] = bootp(buf[1], 2, 1, zero4, yi, zero4, ack, sizeof(ack) - 1);
	for (k = 0; k < 2; k++)
		for (i = 0; i <= len[k]; i++) {
			vg_obs_rec_init(&rec);
			rc = decode(buf[k], i, 68, &rec);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			if (i < 240)
				assert_int_equal(rc, VG_ERR_PARSE);
			vg_obs_rec_release(&rec);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b_discover),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_relay_and_ciaddr),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

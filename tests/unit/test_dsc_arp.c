/*
 * vg_arp_decode: which ARP packets bind which MAC to which IPv4 address,
 * one row per case, plus every prefix of a valid body and a full
 * Ethernet frame through vg_packet_decode.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

#define ARP_LEN 28

#define MAC_DEV 0x00, 0x09, 0xfb, 0x12, 0x34, 0x56
#define MAC_GW 0x00, 0x00, 0x0c, 0x01, 0x02, 0x03
#define MAC_ZERO 0, 0, 0, 0, 0, 0
#define MAC_BCAST 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define IP_DEV 10, 1, 4, 20
#define IP_GW 10, 1, 4, 1
#define IP_ZERO 0, 0, 0, 0
#define ETH_IPV4 0x00, 0x01, 0x08, 0x00, 6, 4
#define OP_REQ 0x00, 0x01
#define OP_REP 0x00, 0x02

#define DEV_LINE "00:09:fb:12:34:56 arp ip 10.1.4.20"
#define GW_LINE "00:00:0c:01:02:03 arp ip 10.1.4.1"

struct acase {
	const char *name;
	uint8_t body[64];
	size_t len;
	enum vg_rc rc;
	const char *lines[2]; /* the observations expected, in order */
	size_t n;             /* how many */
};

static const struct acase cases[] = {
	{"request",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_DEV, MAC_ZERO, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"reply",
	 {ETH_IPV4, OP_REP, MAC_GW, IP_GW, MAC_DEV, IP_DEV},
	 ARP_LEN,
	 VG_OK,
	 {GW_LINE, DEV_LINE},
	 2},
	{"request with ethernet padding",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_DEV, MAC_ZERO, IP_GW, 0xee, 0xee},
	 ARP_LEN + 18,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"probe: sender 0.0.0.0",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_ZERO, MAC_ZERO, IP_DEV},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	/* A unicast refresh names its target, but only a reply binds it. */
	{"request with target mac",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_DEV, MAC_GW, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"gratuitous request",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_DEV, MAC_ZERO, IP_DEV},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"gratuitous reply once",
	 {ETH_IPV4, OP_REP, MAC_DEV, IP_DEV, MAC_DEV, IP_DEV},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"reply to broadcast target",
	 {ETH_IPV4, OP_REP, MAC_DEV, IP_DEV, MAC_BCAST, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"reply with zero target ip",
	 {ETH_IPV4, OP_REP, MAC_DEV, IP_DEV, MAC_GW, IP_ZERO},
	 ARP_LEN,
	 VG_OK,
	 {DEV_LINE},
	 1},
	{"reply with zero sender mac",
	 {ETH_IPV4, OP_REP, MAC_ZERO, IP_DEV, MAC_GW, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {GW_LINE},
	 1},
	{"request from zero mac",
	 {ETH_IPV4, OP_REQ, MAC_ZERO, IP_DEV, MAC_ZERO, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"request from broadcast mac",
	 {ETH_IPV4, OP_REQ, MAC_BCAST, IP_DEV, MAC_ZERO, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"request from multicast mac",
	 {ETH_IPV4, OP_REQ, 0x01, 0x00, 0x5e, 0, 0, 1, IP_DEV, MAC_ZERO, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"sender broadcast ip",
	 {ETH_IPV4, OP_REQ, MAC_DEV, 255, 255, 255, 255, MAC_ZERO, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"rarp request",
	 {ETH_IPV4, 0x00, 0x03, MAC_DEV, IP_DEV, MAC_DEV, IP_ZERO},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"opcode 0xffff",
	 {ETH_IPV4, 0xff, 0xff, MAC_DEV, IP_DEV, MAC_GW, IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"ieee 802 hardware (not ethernet)",
	 {0x00, 0x06, 0x08, 0x00, 6, 4, OP_REQ, MAC_DEV, IP_DEV, MAC_ZERO,
	  IP_GW},
	 ARP_LEN,
	 VG_OK,
	 {NULL},
	 0},
	{"ipv6 protocol type, 16-byte addresses",
	 {0x00, 0x01, 0x86, 0xdd, 6, 16, OP_REQ, MAC_DEV, [30] = 0},
	 8 + 2 * (6 + 16),
	 VG_OK,
	 {NULL},
	 0},
	{"ethernet with hlen 8",
	 {0x00, 0x01, 0x08, 0x00, 8, 4, OP_REQ},
	 8 + 2 * (8 + 4),
	 VG_ERR_PARSE,
	 {NULL},
	 0},
	{"ipv4 with plen 16",
	 {0x00, 0x01, 0x08, 0x00, 6, 16, OP_REQ},
	 8 + 2 * (6 + 16),
	 VG_ERR_PARSE,
	 {NULL},
	 0},
	{"lengths 255 beyond the body",
	 {0x00, 0x06, 0x08, 0x00, 255, 255, OP_REQ},
	 40,
	 VG_ERR_PARSE,
	 {NULL},
	 0},
	{"body one byte short",
	 {ETH_IPV4, OP_REQ, MAC_DEV, IP_DEV, MAC_ZERO, IP_GW},
	 ARP_LEN - 1,
	 VG_ERR_PARSE,
	 {NULL},
	 0},
	{"header only", {ETH_IPV4, OP_REQ}, 8, VG_ERR_PARSE, {NULL}, 0},
	{"header cut", {ETH_IPV4}, 6, VG_ERR_PARSE, {NULL}, 0},
	{"empty", {0}, 0, VG_ERR_PARSE, {NULL}, 0},
};

/* Decode body[0..len) from an exact-size heap copy into rec. */
static enum vg_rc
decode(const uint8_t *body, size_t len, struct vg_obs_rec *rec)
{
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);
	struct vg_packet pkt;
	uint8_t *copy;
	enum vg_rc rc;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, body, len);
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_ARP;
	pkt.has_mac = true;
	pkt.payload = copy;
	pkt.payload_len = len;
	rc = vg_arp_decode(&pkt, &sink);
	free(copy);
	return rc;
}

static void
test_table(void **state)
{
	struct vg_obs_rec rec;
	size_t i, j;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		print_message("case: %s\n", cases[i].name);
		vg_obs_rec_init(&rec);
		assert_int_equal(decode(cases[i].body, cases[i].len, &rec),
				 cases[i].rc);
		assert_int_equal(rec.n, cases[i].n);
		for (j = 0; j < cases[i].n; j++)
			assert_string_equal(rec.lines[j], cases[i].lines[j]);
		vg_obs_rec_release(&rec);
	}
}

/* Every prefix of a reply: OK only when whole, nothing emitted before. */
static void
test_prefixes(void **state)
{
	const uint8_t *reply = cases[1].body;
	struct vg_obs_rec rec;
	enum vg_rc rc;
	size_t n;

	(void)state;
	for (n = 0; n <= ARP_LEN; n++) {
		vg_obs_rec_init(&rec);
		rc = decode(reply, n, &rec);
		assert_int_equal(rc, n == ARP_LEN ? VG_OK : VG_ERR_PARSE);
		assert_int_equal(rec.n, n == ARP_LEN ? 2 : 0);
		vg_obs_rec_release(&rec);
	}
}

struct last_obs {
	struct vg_obs o;
	size_t n;
};

static void
keep_last(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	struct last_obs *l = ctx;

	(void)pkt;
	l->o = *o;
	l->n++;
}

/* The observation's fields beyond what the recorder prints. */
static void
test_obs_fields(void **state)
{
	static const uint8_t dev[6] = {MAC_DEV};
	struct last_obs last;
	struct vg_obs_sink sink = {keep_last, &last};
	struct vg_packet pkt;
	size_t i;

	(void)state;
	memset(&last, 0, sizeof(last));
	memset(&pkt, 0, sizeof(pkt));
	pkt.payload = cases[0].body;
	pkt.payload_len = ARP_LEN;
	assert_int_equal(vg_arp_decode(&pkt, &sink), VG_OK);
	assert_int_equal(last.n, 1);
	assert_int_equal(last.o.about, VG_ABOUT_MAC);
	assert_memory_equal(last.o.mac, dev, 6);
	assert_int_equal(last.o.proto, VG_PROTO_ARP);
	assert_int_equal(last.o.attr, VG_ATTR_IP);
	assert_int_equal(last.o.weight, 90);
	assert_int_equal(last.o.ip.family, 4);
	assert_memory_equal(last.o.ip.b, ((const uint8_t[4]){IP_DEV}), 4);
	for (i = 0; i < VG_OBS_FIELDS; i++)
		assert_int_equal(last.o.v[i].n, 0);

	/* A NULL sink and a NULL payload are both harmless. */
	assert_int_equal(vg_arp_decode(&pkt, NULL), VG_OK);
	pkt.payload = NULL;
	pkt.payload_len = ARP_LEN;
	assert_int_equal(vg_arp_decode(&pkt, &sink), VG_ERR_PARSE);
	assert_int_equal(last.n, 1);
}

/* A whole captured frame: Ethernet (padded to 60 bytes) then ARP. */
static void
test_frame(void **state)
{
	uint8_t frame[60] = {MAC_BCAST, MAC_DEV, 0x08, 0x06};
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct vg_packet pkt;

	(void)state;
	memcpy(frame + 14, cases[0].body, ARP_LEN);
	assert_int_equal(
		vg_packet_decode(VG_LINK_EN10MB, frame, sizeof(frame), 1, &pkt),
		VG_OK);
	assert_int_equal(pkt.kind, VG_PKT_ARP);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	assert_int_equal(vg_arp_decode(&pkt, &sink), VG_OK);
	assert_true(vg_obs_rec_has(&rec, DEV_LINE));
	assert_int_equal(vg_obs_rec_count(&rec, ""), 1);
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_obs_fields),
		cmocka_unit_test(test_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

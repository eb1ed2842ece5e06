/*
 * vg_packet_decode: one row per link type, encapsulation and lying
 * length; every frame is decoded from an exact-size heap copy so the
 * sanitizers catch a read past caplen, and every prefix of every valid
 * frame is decoded too.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "discover/discover.h"
#include "util/banned.h"

#define FRAME_MAX 2048

/* A frame under construction. */
struct fb {
	uint8_t b[FRAME_MAX];
	size_t n;
};

static void
put(struct fb *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put8(struct fb *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void
put16(struct fb *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void
put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void
puts_(struct fb *f, const char *s)
{
	put(f, s, strlen(s));
}

static void
set16(struct fb *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static const uint8_t DEV_MAC[6] = {0x00, 0x09, 0xfb, 0x12, 0x34, 0x56};
static const uint8_t GW_MAC[6] = {0x00, 0x00, 0x0c, 0x01, 0x02, 0x03};
static const uint8_t SRC4[4] = {10, 1, 4, 20};
static const uint8_t DST4[4] = {10, 1, 9, 9};
static const uint8_t SRC6[16] = {0xfe, 0x80, [15] = 0x01};
static const uint8_t DST6[16] = {0xff, 0x02, [15] = 0xfb};

/* Ethernet II header: dst GW_MAC, src DEV_MAC. */
static void
eth(struct fb *f, unsigned type)
{
	put(f, GW_MAC, 6);
	put(f, DEV_MAC, 6);
	put16(f, type);
}

/*
 * IPv4 header: ihl words (options are NOPs), total = header + body unless
 * total_override is non-zero (then it is written as is, minus 1).
 */
static size_t
ipv4(struct fb *f, unsigned ihl, unsigned proto, size_t body, unsigned frag,
     long total_override)
{
	size_t at = f->n, i;

	put8(f, 0x40 | ihl);
	put8(f, 0);
	put16(f,
	      total_override >= 0 ? (unsigned)total_override
				  : (unsigned)(ihl * 4 + body));
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, SRC4, 4);
	put(f, DST4, 4);
	for (i = 5; i < ihl && i < 15; i++)
		put32(f, 0x01010101);
	return at;
}

static void
ipv6(struct fb *f, unsigned nh, size_t plen)
{
	put32(f, 0x60000000);
	put16(f, (unsigned)plen);
	put8(f, nh);
	put8(f, 64);
	put(f, SRC6, 16);
	put(f, DST6, 16);
}

static void
udp(struct fb *f, unsigned sport, unsigned dport, const char *data,
    long ulen_override)
{
	put16(f, sport);
	put16(f, dport);
	put16(f,
	      ulen_override >= 0 ? (unsigned)ulen_override
				 : (unsigned)(8 + strlen(data)));
	put16(f, 0);
	puts_(f, data);
}

/* TCP header with doff words (options NOP-padded) and data. */
static void
tcp(struct fb *f, unsigned doff, unsigned flags, const char *data)
{
	unsigned i;

	put16(f, 40000);
	put16(f, 104);
	put32(f, 0x01020304);
	put32(f, 1);
	put8(f, doff << 4);
	put8(f, flags);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	/* MSS option then NOPs, as a SYN carries. */
	for (i = 5; i < doff; i++)
		put32(f, i == 5 ? 0x020405b4 : 0x01010101);
	puts_(f, data);
}

#define UDP_HELLO_LEN (8 + 5)

/* ---- the frames ---------------------------------------------------- */

static void
b_eth_udp(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", -1);
}

/* 2 bytes of UDP data, padded to the 60-byte Ethernet minimum. */
static void
b_eth_udp_padded(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, 10, 0, -1);
	udp(f, 68, 67, "hi", -1);
	while (f->n < 60)
		put8(f, 0xee);
}

static void
b_eth_tcp_opts(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 6, 6, 32 + 5, 0, -1);
	tcp(f, 8, VG_TCP_SYN | VG_TCP_ACK, "GET /");
}

static void
b_eth_tcp_empty(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 6, 20, 0, -1);
	tcp(f, 5, VG_TCP_ACK | VG_TCP_FIN, "");
}

static void
b_dot1q(struct fb *f)
{
	eth(f, 0x8100);
	put16(f, 0x2000 | 42); /* PCP 1, VID 42 */
	put16(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 1900, 1900, "hello", -1);
}

static void
b_qinq(struct fb *f)
{
	eth(f, 0x88a8);
	put16(f, 100);
	put16(f, 0x8100);
	put16(f, 42);
	put16(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 137, 137, "hello", -1);
}

static void
b_qinq_9100(struct fb *f)
{
	eth(f, 0x9100);
	put16(f, 0xf000 | 7);
	put16(f, 0x8100);
	put16(f, 8);
	put16(f, 0x86dd);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

/* Five stacked tags: one more than VG_MAX_VLAN_TAGS. */
static void
b_vlan_too_deep(struct fb *f)
{
	int i;

	eth(f, 0x8100);
	for (i = 0; i < VG_MAX_VLAN_TAGS + 1; i++) {
		put16(f, 10 + i);
		put16(f, 0x8100);
	}
	put16(f, 11);
	put16(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 1, 2, "hello", -1);
}

static void
b_vlan_cut(struct fb *f)
{
	eth(f, 0x8100);
	put16(f, 42);
}

static void
b_eth_ipv6_udp(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

/* Hop-by-hop (8) -> routing (24) -> destination options (8) -> UDP. */
static void
b_ipv6_ext(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 0, 8 + 24 + 8 + UDP_HELLO_LEN);
	put8(f, 43);
	put8(f, 0);
	put16(f, 0x0100); /* PadN */
	put32(f, 0);
	put8(f, 60);
	put8(f, 2);
	put8(f, 0);
	put8(f, 0);
	put32(f, 0);
	put(f, DST6, 16);
	put8(f, 17);
	put8(f, 0);
	put16(f, 0x0104);
	put32(f, 0);
	udp(f, 547, 546, "hello", -1);
}

static void
b_ipv6_frag_first(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 44, 8 + UDP_HELLO_LEN);
	put8(f, 17);
	put8(f, 0);
	put16(f, 0x0001); /* offset 0, M */
	put32(f, 0xabcd);
	udp(f, 5353, 5353, "hello", 4000);
}

static void
b_ipv6_frag_later(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 44, 8 + 5);
	put8(f, 17);
	put8(f, 0);
	put16(f, 1448); /* offset 181 units, last fragment */
	put32(f, 0xabcd);
	puts_(f, "hello");
}

/* Nine destination-options headers: beyond VG_MAX_IPV6_EXT. */
static void
b_ipv6_ext_too_many(struct fb *f)
{
	int i;

	eth(f, 0x86dd);
	ipv6(f, 60, (VG_MAX_IPV6_EXT + 1) * 8 + UDP_HELLO_LEN);
	for (i = 0; i < VG_MAX_IPV6_EXT + 1; i++) {
		put8(f, i == VG_MAX_IPV6_EXT ? 17 : 60);
		put8(f, 0);
		put16(f, 0x0104);
		put32(f, 0);
	}
	udp(f, 5353, 5353, "hello", -1);
}

/* A routing header claiming 2048 bytes in a 16-byte payload. */
static void
b_ipv6_ext_lies(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 43, 16);
	put8(f, 17);
	put8(f, 255);
	put16(f, 0);
	put32(f, 0);
	put32(f, 0);
	put32(f, 0);
}

static void
b_ipv6_plen_lies(struct fb *f)
{
	eth(f, 0x86dd);
	ipv6(f, 17, 0xffff);
	udp(f, 5353, 5353, "hello", 0xffff);
}

static void
b_ipv4_frag_first(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0x2000, -1);
	udp(f, 5353, 5353, "hello", 3000);
}

static void
b_ipv4_frag_later(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, 5, 185, -1);
	puts_(f, "hello");
}

static void
b_ipv4_total_lies(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, 0, 0, 0xffff);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_ipv4_ihl_small(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 4, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", -1);
}

/* IHL 15 (60 bytes) over a 20-byte header and 13 bytes of data. */
static void
b_ipv4_ihl_past_end(struct fb *f)
{
	size_t at;

	eth(f, 0x0800);
	at = ipv4(f, 5, 17, UDP_HELLO_LEN, 0, 60 + UDP_HELLO_LEN);
	f->b[at] = 0x4f;
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_ipv4_total_small(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, 0, 0, 10);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_ipv4_bad_version(struct fb *f)
{
	size_t at;

	eth(f, 0x0800);
	at = ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	f->b[at] = 0x65;
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_tcp_doff_small(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 6, 20 + 5, 0, -1);
	tcp(f, 5, VG_TCP_ACK, "hello");
	f->b[14 + 20 + 12] = 0x40; /* data offset 4 words */
}

static void
b_tcp_doff_past_end(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 6, 20 + 5, 0, -1);
	tcp(f, 5, VG_TCP_ACK, "hello");
	f->b[14 + 20 + 12] = 0xf0; /* 60 bytes of header in 25 */
}

static void
b_tcp_cut(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 6, 12, 0, -1);
	put32(f, 0x9c400068);
	put32(f, 1);
	put32(f, 2);
}

static void
b_udp_len_small(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", 7);
}

static void
b_udp_len_lies(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", 0xffff);
}

/* UDP says 10 bytes (2 of data) inside a 13-byte IP body. */
static void
b_udp_len_shorter(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", 10);
}

static void
b_udp_cut(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 17, 6, 0, -1);
	put16(f, 53);
	put16(f, 53);
	put16(f, 14);
}

static void
b_icmp(struct fb *f)
{
	eth(f, 0x0800);
	ipv4(f, 5, 1, 8, 0, -1);
	put32(f, 0x08000000);
	put32(f, 0x00010001);
}

static const uint8_t arp_body[28] = {
	0x00, 0x01, 0x08, 0x00, 6,  4, 0x00, 0x01, 0x00, 0x09,
	0xfb, 0x12, 0x34, 0x56, 10, 1, 4,    20,   0,    0,
	0,    0,    0,    0,    10, 1, 4,    1,
};

static void
b_arp(struct fb *f)
{
	eth(f, 0x0806);
	put(f, arp_body, sizeof(arp_body));
}

static void
b_lldp(struct fb *f)
{
	eth(f, 0x88cc);
	put16(f, 5 << 9 | 4);
	puts_(f, "gw-3");
	put16(f, 0);
}

static void
b_unknown_type(struct fb *f)
{
	eth(f, 0x88b5);
	puts_(f, "hello");
}

/* Between 1500 and 0x0600: neither a length nor an EtherType. */
static void
b_undefined_type(struct fb *f)
{
	eth(f, 1536 - 1);
	puts_(f, "hello");
}

static void
cdp_body(struct fb *f)
{
	put8(f, 2);
	put8(f, 180);
	put16(f, 0);
	put16(f, 1);
	put16(f, 4 + 4);
	puts_(f, "SW-1");
}

static void
b_cdp(struct fb *f)
{
	put(f, (const uint8_t[]){0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, 6);
	put(f, DEV_MAC, 6);
	put16(f, 8 + 12);
	put(f, (const uint8_t[]){0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0}, 8);
	cdp_body(f);
	while (f->n < 60)
		put8(f, 0); /* padding beyond the 802.3 length */
}

static void
b_cdp_len_lies(struct fb *f)
{
	b_cdp(f);
	f->n = 14 + 8 + 12;
	set16(f, 12, 1500);
}

static void
b_cdp_vlan(struct fb *f)
{
	put(f, (const uint8_t[]){0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}, 6);
	put(f, DEV_MAC, 6);
	put16(f, 0x8100);
	put16(f, 99);
	put16(f, 8 + 12);
	put(f, (const uint8_t[]){0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0}, 8);
	cdp_body(f);
}

static void
b_stp(struct fb *f)
{
	put(f, (const uint8_t[]){0x01, 0x80, 0xc2, 0, 0, 0}, 6);
	put(f, DEV_MAC, 6);
	put16(f, 38);
	put(f, (const uint8_t[]){0x42, 0x42, 0x03}, 3);
	while (f->n < 14 + 38)
		put8(f, 0);
}

static void
b_snap_other(struct fb *f)
{
	put(f, GW_MAC, 6);
	put(f, DEV_MAC, 6);
	put16(f, 8 + 4);
	put(f, (const uint8_t[]){0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00}, 8);
	put32(f, 0x45000000);
}

static void
b_llc_short(struct fb *f)
{
	put(f, GW_MAC, 6);
	put(f, DEV_MAC, 6);
	put16(f, 2);
	put(f, (const uint8_t[]){0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0}, 8);
}

static void
b_eth_runt(struct fb *f)
{
	put(f, GW_MAC, 6);
	put(f, DEV_MAC, 6);
	put8(f, 0x08);
}

/* Linux cooked v1: type, ARPHRD, address length, address(8), protocol. */
static void
sll(struct fb *f, unsigned alen, unsigned proto)
{
	put16(f, 0); /* to us */
	put16(f, 1); /* ARPHRD_ETHER */
	put16(f, alen);
	put(f, DEV_MAC, 6);
	put16(f, 0);
	put16(f, proto);
}

static void
b_sll_udp(struct fb *f)
{
	sll(f, 6, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 67, 68, "hello", -1);
}

static void
b_sll_noaddr(struct fb *f)
{
	sll(f, 0, 0x86dd);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_sll_cdp(struct fb *f)
{
	sll(f, 6, 0x0004);
	put(f, (const uint8_t[]){0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0}, 8);
	cdp_body(f);
}

static void
b_sll_vlan_arp(struct fb *f)
{
	sll(f, 6, 0x8100);
	put16(f, 7);
	put16(f, 0x0806);
	put(f, arp_body, sizeof(arp_body));
}

static void
b_sll_cut(struct fb *f)
{
	sll(f, 6, 0x0800);
	f->n = 15;
}

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD, type, alen,
 * address(8). */
static void
sll2(struct fb *f, unsigned alen, unsigned proto)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, 3);
	put16(f, 1);
	put8(f, 4); /* outgoing: the address is still the sender's */
	put8(f, alen);
	put(f, DEV_MAC, 6);
	put16(f, 0);
}

static void
b_sll2_tcp6(struct fb *f)
{
	sll2(f, 6, 0x86dd);
	ipv6(f, 6, 20 + 5);
	tcp(f, 5, VG_TCP_PSH | VG_TCP_ACK, "hello");
}

static void
b_sll2_noaddr(struct fb *f)
{
	sll2(f, 0, 0x0800);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_sll2_lldp(struct fb *f)
{
	sll2(f, 6, 0x88cc);
	put16(f, 0);
}

static void
b_raw4(struct fb *f)
{
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 47808, 47808, "hello", -1);
}

static void
b_raw6(struct fb *f)
{
	ipv6(f, 6, 20 + 5);
	tcp(f, 5, VG_TCP_ACK, "hello");
}

static void
b_raw_bad(struct fb *f)
{
	put8(f, 0x50);
	put8(f, 0);
}

static void
b_raw_empty(struct fb *f)
{
	(void)f;
}

static void
null_hdr(struct fb *f, uint32_t family)
{
	put(f, &family, 4); /* host order */
}

static void
b_null4(struct fb *f)
{
	null_hdr(f, 2);
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 53, 5353, "hello", -1);
}

static void
b_null6_bsd(struct fb *f)
{
	null_hdr(f, 24);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_null6_freebsd(struct fb *f)
{
	null_hdr(f, 28);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_null6_darwin(struct fb *f)
{
	null_hdr(f, 30);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_null6_linux(struct fb *f)
{
	null_hdr(f, 10);
	ipv6(f, 17, UDP_HELLO_LEN);
	udp(f, 5353, 5353, "hello", -1);
}

static void
b_null_swapped(struct fb *f)
{
	null_hdr(f, __builtin_bswap32(2));
	ipv4(f, 5, 17, UDP_HELLO_LEN, 0, -1);
	udp(f, 53, 5353, "hello", -1);
}

static void
b_null_other(struct fb *f)
{
	null_hdr(f, 7);
	puts_(f, "hello");
}

static void
b_null_cut(struct fb *f)
{
	put8(f, 2);
	put8(f, 0);
	put8(f, 0);
}

/* ---- the table ------------------------------------------------------ */

struct pcase {
	const char *name;
	int link;
	void (*build)(struct fb *f);
	enum vg_rc rc;
	enum vg_pkt_kind kind;
	uint16_t vlan;
	bool has_mac, truncated, fragment;
	uint8_t ip_proto;
	uint16_t sport, dport;
	const char *payload; /* expected payload prefix; NULL: not checked */
	size_t payload_cmp;  /* its length */
	size_t payload_len;
	bool prefixes; /* a valid frame whose every prefix is tried */
};

#define P(s) s, sizeof(s) - 1 /* a byte string and its length */
#define EN VG_LINK_EN10MB
#define OK VG_OK
#define BAD VG_ERR_PARSE

static const struct pcase cases[] = {
	{"eth ipv4 udp", EN, b_eth_udp, OK, VG_PKT_UDP, 0, true, false, false,
	 17, 5353, 5353, P("hello"), 5, true},
	{"eth padding dropped", EN, b_eth_udp_padded, OK, VG_PKT_UDP, 0, true,
	 false, false, 17, 68, 67, P("hi"), 2, true},
	{"ip and tcp options", EN, b_eth_tcp_opts, OK, VG_PKT_TCP, 0, true,
	 false, false, 6, 40000, 104, P("GET /"), 5, true},
	{"tcp no data", EN, b_eth_tcp_empty, OK, VG_PKT_TCP, 0, true, false,
	 false, 6, 40000, 104, P(""), 0, true},
	{"802.1q", EN, b_dot1q, OK, VG_PKT_UDP, 42, true, false, false, 17,
	 1900, 1900, P("hello"), 5, true},
	{"qinq 88a8", EN, b_qinq, OK, VG_PKT_UDP, 100, true, false, false, 17,
	 137, 137, P("hello"), 5, true},
	{"qinq 9100 ipv6", EN, b_qinq_9100, OK, VG_PKT_UDP, 7, true, false,
	 false, 17, 5353, 5353, P("hello"), 5, true},
	{"vlan too deep", EN, b_vlan_too_deep, OK, VG_PKT_OTHER, 10, true,
	 false, false, 0, 0, 0, NULL, 0, 0, false},
	{"vlan tag cut", EN, b_vlan_cut, BAD, VG_PKT_OTHER, 0, true, false,
	 false, 0, 0, 0, NULL, 0, 0, false},
	{"eth ipv6 udp", EN, b_eth_ipv6_udp, OK, VG_PKT_UDP, 0, true, false,
	 false, 17, 5353, 5353, P("hello"), 5, true},
	{"ipv6 ext headers", EN, b_ipv6_ext, OK, VG_PKT_UDP, 0, true, false,
	 false, 17, 547, 546, P("hello"), 5, true},
	{"ipv6 first fragment", EN, b_ipv6_frag_first, OK, VG_PKT_UDP, 0, true,
	 true, true, 17, 5353, 5353, P("hello"), 5, true},
	{"ipv6 later fragment", EN, b_ipv6_frag_later, OK, VG_PKT_IP, 0, true,
	 false, true, 17, 0, 0, P("hello"), 5, true},
	{"ipv6 ext chain too long", EN, b_ipv6_ext_too_many, OK, VG_PKT_IP, 0,
	 true, false, false, 60, 0, 0, NULL, 0, 8 + UDP_HELLO_LEN, false},
	{"ipv6 ext length lies", EN, b_ipv6_ext_lies, BAD, VG_PKT_IP, 0, true,
	 false, false, 43, 0, 0, NULL, 0, 16, false},
	{"ipv6 payload length lies", EN, b_ipv6_plen_lies, OK, VG_PKT_UDP, 0,
	 true, true, false, 17, 5353, 5353, P("hello"), 5, false},
	{"ipv4 first fragment", EN, b_ipv4_frag_first, OK, VG_PKT_UDP, 0, true,
	 true, true, 17, 5353, 5353, P("hello"), 5, true},
	{"ipv4 later fragment", EN, b_ipv4_frag_later, OK, VG_PKT_IP, 0, true,
	 false, true, 17, 0, 0, P("hello"), 5, true},
	{"ipv4 total length > caplen", EN, b_ipv4_total_lies, OK, VG_PKT_UDP, 0,
	 true, true, false, 17, 5353, 5353, P("hello"), 5, false},
	{"ipv4 ihl < 5", EN, b_ipv4_ihl_small, BAD, VG_PKT_OTHER, 0, true,
	 false, false, 17, 0, 0, NULL, 0, 0, false},
	{"ipv4 ihl past end", EN, b_ipv4_ihl_past_end, BAD, VG_PKT_OTHER, 0,
	 true, false, false, 17, 0, 0, NULL, 0, 0, false},
	{"ipv4 total < header", EN, b_ipv4_total_small, BAD, VG_PKT_OTHER, 0,
	 true, false, false, 17, 0, 0, NULL, 0, 0, false},
	{"ipv4 version 6 in 0800", EN, b_ipv4_bad_version, BAD, VG_PKT_OTHER, 0,
	 true, false, false, 0, 0, 0, NULL, 0, 0, false},
	{"tcp data offset < 5", EN, b_tcp_doff_small, BAD, VG_PKT_IP, 0, true,
	 false, false, 6, 40000, 104, NULL, 0, 25, false},
	{"tcp data offset past end", EN, b_tcp_doff_past_end, BAD, VG_PKT_IP, 0,
	 true, false, false, 6, 40000, 104, NULL, 0, 25, false},
	{"tcp header cut", EN, b_tcp_cut, BAD, VG_PKT_IP, 0, true, false, false,
	 6, 0, 0, NULL, 0, 12, false},
	{"udp length < 8", EN, b_udp_len_small, BAD, VG_PKT_IP, 0, true, false,
	 false, 17, 5353, 5353, NULL, 0, UDP_HELLO_LEN, false},
	{"udp length lies", EN, b_udp_len_lies, OK, VG_PKT_UDP, 0, true, true,
	 false, 17, 5353, 5353, P("hello"), 5, false},
	{"udp length shorter", EN, b_udp_len_shorter, OK, VG_PKT_UDP, 0, true,
	 false, false, 17, 5353, 5353, P("he"), 2, false},
	{"udp header cut", EN, b_udp_cut, BAD, VG_PKT_IP, 0, true, false, false,
	 17, 0, 0, NULL, 0, 6, false},
	{"icmp", EN, b_icmp, OK, VG_PKT_IP, 0, true, false, false, 1, 0, 0,
	 P("\x08"), 8, true},
	{"arp", EN, b_arp, OK, VG_PKT_ARP, 0, true, false, false, 0, 0, 0,
	 P("\x00\x01\x08\x00"), 28, true},
	{"lldp", EN, b_lldp, OK, VG_PKT_LLDP, 0, true, false, false, 0, 0, 0,
	 P("\x0a\x04gw-3"), 8, true},
	{"unknown ethertype", EN, b_unknown_type, OK, VG_PKT_OTHER, 0, true,
	 false, false, 0, 0, 0, NULL, 0, 0, true},
	{"undefined type field", EN, b_undefined_type, OK, VG_PKT_OTHER, 0,
	 true, false, false, 0, 0, 0, NULL, 0, 0, false},
	{"802.3 llc snap cdp", EN, b_cdp, OK, VG_PKT_CDP, 0, true, false, false,
	 0, 0, 0, P("\x02\xb4"), 12, true},
	{"802.3 length lies", EN, b_cdp_len_lies, OK, VG_PKT_CDP, 0, true, true,
	 false, 0, 0, 0, P("\x02\xb4"), 12, false},
	{"802.3 cdp in vlan", EN, b_cdp_vlan, OK, VG_PKT_CDP, 99, true, false,
	 false, 0, 0, 0, P("\x02\xb4"), 12, true},
	{"802.3 stp", EN, b_stp, OK, VG_PKT_OTHER, 0, true, false, false, 0, 0,
	 0, NULL, 0, 0, true},
	{"802.3 snap not cdp", EN, b_snap_other, OK, VG_PKT_OTHER, 0, true,
	 false, false, 0, 0, 0, NULL, 0, 0, true},
	{"802.3 length < llc", EN, b_llc_short, BAD, VG_PKT_OTHER, 0, true,
	 false, false, 0, 0, 0, NULL, 0, 0, false},
	{"ethernet runt", EN, b_eth_runt, BAD, VG_PKT_OTHER, 0, false, false,
	 false, 0, 0, 0, NULL, 0, 0, false},
	{"sll udp", VG_LINK_LINUX_SLL, b_sll_udp, OK, VG_PKT_UDP, 0, true,
	 false, false, 17, 67, 68, P("hello"), 5, true},
	{"sll no address", VG_LINK_LINUX_SLL, b_sll_noaddr, OK, VG_PKT_UDP, 0,
	 false, false, false, 17, 5353, 5353, P("hello"), 5, true},
	{"sll llc cdp", VG_LINK_LINUX_SLL, b_sll_cdp, OK, VG_PKT_CDP, 0, true,
	 false, false, 0, 0, 0, P("\x02\xb4"), 12, true},
	{"sll vlan arp", VG_LINK_LINUX_SLL, b_sll_vlan_arp, OK, VG_PKT_ARP, 7,
	 true, false, false, 0, 0, 0, P("\x00\x01\x08\x00"), 28, true},
	{"sll header cut", VG_LINK_LINUX_SLL, b_sll_cut, BAD, VG_PKT_OTHER, 0,
	 false, false, false, 0, 0, 0, NULL, 0, 0, false},
	{"sll2 ipv6 tcp", VG_LINK_LINUX_SLL2, b_sll2_tcp6, OK, VG_PKT_TCP, 0,
	 true, false, false, 6, 40000, 104, P("hello"), 5, true},
	{"sll2 no address", VG_LINK_LINUX_SLL2, b_sll2_noaddr, OK, VG_PKT_UDP,
	 0, false, false, false, 17, 5353, 5353, P("hello"), 5, true},
	{"sll2 lldp", VG_LINK_LINUX_SLL2, b_sll2_lldp, OK, VG_PKT_LLDP, 0, true,
	 false, false, 0, 0, 0, P("\x00\x00"), 2, true},
	{"raw ipv4", VG_LINK_RAW, b_raw4, OK, VG_PKT_UDP, 0, false, false,
	 false, 17, 47808, 47808, P("hello"), 5, true},
	{"raw ipv6", VG_LINK_RAW, b_raw6, OK, VG_PKT_TCP, 0, false, false,
	 false, 6, 40000, 104, P("hello"), 5, true},
	{"raw version 5", VG_LINK_RAW, b_raw_bad, BAD, VG_PKT_OTHER, 0, false,
	 false, false, 0, 0, 0, NULL, 0, 0, false},
	{"raw empty", VG_LINK_RAW, b_raw_empty, BAD, VG_PKT_OTHER, 0, false,
	 false, false, 0, 0, 0, NULL, 0, 0, false},
	{"null inet", VG_LINK_NULL, b_null4, OK, VG_PKT_UDP, 0, false, false,
	 false, 17, 53, 5353, P("hello"), 5, true},
	{"null inet6 bsd", VG_LINK_NULL, b_null6_bsd, OK, VG_PKT_UDP, 0, false,
	 false, false, 17, 5353, 5353, P("hello"), 5, true},
	{"null inet6 freebsd", VG_LINK_NULL, b_null6_freebsd, OK, VG_PKT_UDP, 0,
	 false, false, false, 17, 5353, 5353, P("hello"), 5, false},
	{"null inet6 darwin", VG_LINK_NULL, b_null6_darwin, OK, VG_PKT_UDP, 0,
	 false, false, false, 17, 5353, 5353, P("hello"), 5, false},
	{"null inet6 linux", VG_LINK_NULL, b_null6_linux, OK, VG_PKT_UDP, 0,
	 false, false, false, 17, 5353, 5353, P("hello"), 5, false},
	{"null other byte order", VG_LINK_NULL, b_null_swapped, OK, VG_PKT_UDP,
	 0, false, false, false, 17, 53, 5353, P("hello"), 5, false},
	{"null other family", VG_LINK_NULL, b_null_other, OK, VG_PKT_OTHER, 0,
	 false, false, false, 0, 0, 0, NULL, 0, 0, false},
	{"null header cut", VG_LINK_NULL, b_null_cut, BAD, VG_PKT_OTHER, 0,
	 false, false, false, 0, 0, 0, NULL, 0, 0, false},
	{"unknown link type", 147, b_eth_udp, OK, VG_PKT_OTHER, 0, false, false,
	 false, 0, 0, 0, NULL, 0, 0, false},
};

/* Decode f from an exact-size heap copy (so ASan sees overreads). */
static enum vg_rc
decode_copy(int link, const uint8_t *b, size_t n, struct vg_packet *pkt,
	    uint8_t **copy)
{
	*copy = malloc(n > 0 ? n : 1);
	assert_non_null(*copy);
	if (n > 0)
		memcpy(*copy, b, n);
	/* Garbage in pkt must not survive: the decoder clears it. */
	memset(pkt, 0xa5, sizeof(*pkt));
	return vg_packet_decode(link, *copy, n, 12345, pkt);
}

/* The payload lies inside data[0..n). */
static void
assert_inside(const struct vg_packet *pkt, const uint8_t *data, size_t n)
{
	if (pkt->payload_len == 0)
		return;
	assert_non_null(pkt->payload);
	assert_true(pkt->payload >= data);
	assert_true(pkt->payload_len <= n);
	assert_true((size_t)(pkt->payload - data) <= n - pkt->payload_len);
}

static void
test_table(void **state)
{
	struct vg_packet pkt;
	struct fb f;
	uint8_t *copy;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		const struct pcase *t = &cases[i];

		print_message("case: %s\n", t->name);
		memset(&f, 0, sizeof(f));
		t->build(&f);
		assert_int_equal(decode_copy(t->link, f.b, f.n, &pkt, &copy),
				 t->rc);
		assert_int_equal(pkt.ts_us, 12345);
		assert_int_equal(pkt.kind, t->kind);
		assert_int_equal(pkt.vlan, t->vlan);
		assert_int_equal(pkt.has_mac, t->has_mac);
		assert_int_equal(pkt.truncated, t->truncated);
		assert_int_equal(pkt.fragment, t->fragment);
		assert_int_equal(pkt.ip_proto, t->ip_proto);
		assert_int_equal(pkt.sport, t->sport);
		assert_int_equal(pkt.dport, t->dport);
		assert_inside(&pkt, copy, f.n);
		if (t->kind != VG_PKT_OTHER)
			assert_int_equal(pkt.payload_len, t->payload_len);
		else
			assert_int_equal(pkt.payload_len, 0);
		if (t->payload != NULL)
			assert_memory_equal(pkt.payload, t->payload,
					    t->payload_cmp);
		free(copy);
	}
}

/* Every prefix of every valid frame: OK or PARSE, payload inside. */
static void
test_prefixes(void **state)
{
	struct vg_packet pkt;
	struct fb f;
	uint8_t *copy;
	enum vg_rc rc;
	size_t i, n;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		if (!cases[i].prefixes)
			continue;
		memset(&f, 0, sizeof(f));
		cases[i].build(&f);
		for (n = 0; n <= f.n; n++) {
			rc = decode_copy(cases[i].link, f.b, n, &pkt, &copy);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			assert_inside(&pkt, copy, n);
			/* A cut frame never claims more than it holds. */
			if (n == f.n)
				assert_int_equal(rc, cases[i].rc);
			free(copy);
		}
	}
}

/* Addresses, MACs, TCP fields of the common frames. */
static void
test_fields(void **state)
{
	struct vg_packet pkt;
	struct fb f;
	uint8_t *copy;

	(void)state;
	memset(&f, 0, sizeof(f));
	b_eth_tcp_opts(&f);
	assert_int_equal(decode_copy(EN, f.b, f.n, &pkt, &copy), VG_OK);
	assert_memory_equal(pkt.src_mac, DEV_MAC, 6);
	assert_memory_equal(pkt.dst_mac, GW_MAC, 6);
	assert_int_equal(pkt.src.family, 4);
	assert_memory_equal(pkt.src.b, SRC4, 4);
	assert_int_equal(pkt.dst.family, 4);
	assert_memory_equal(pkt.dst.b, DST4, 4);
	assert_int_equal(pkt.seq, 0x01020304);
	assert_int_equal(pkt.tcp_flags, VG_TCP_SYN | VG_TCP_ACK);
	/* Ethernet 14 + IP 24 + TCP 32. */
	assert_ptr_equal(pkt.payload, copy + 14 + 24 + 32);
	free(copy);

	memset(&f, 0, sizeof(f));
	b_ipv6_ext(&f);
	assert_int_equal(decode_copy(EN, f.b, f.n, &pkt, &copy), VG_OK);
	assert_int_equal(pkt.src.family, 6);
	assert_memory_equal(pkt.src.b, SRC6, 16);
	assert_memory_equal(pkt.dst.b, DST6, 16);
	free(copy);

	/* Cooked: the address is the source; the destination unknown. */
	memset(&f, 0, sizeof(f));
	b_sll_udp(&f);
	assert_int_equal(decode_copy(VG_LINK_LINUX_SLL, f.b, f.n, &pkt, &copy),
			 VG_OK);
	assert_memory_equal(pkt.src_mac, DEV_MAC, 6);
	assert_memory_equal(pkt.dst_mac, (const uint8_t[6]){0}, 6);
	free(copy);

	memset(&f, 0, sizeof(f));
	b_sll2_tcp6(&f);
	assert_int_equal(decode_copy(VG_LINK_LINUX_SLL2, f.b, f.n, &pkt, &copy),
			 VG_OK);
	assert_memory_equal(pkt.src_mac, DEV_MAC, 6);
	assert_memory_equal(pkt.dst_mac, (const uint8_t[6]){0}, 6);
	assert_int_equal(pkt.tcp_flags, VG_TCP_PSH | VG_TCP_ACK);
	assert_int_equal(pkt.src.family, 6);
	free(copy);

	/* Raw links have no MAC at all. */
	memset(&f, 0, sizeof(f));
	b_raw4(&f);
	assert_int_equal(decode_copy(VG_LINK_RAW, f.b, f.n, &pkt, &copy),
			 VG_OK);
	assert_memory_equal(pkt.src_mac, (const uint8_t[6]){0}, 6);
	assert_memory_equal(pkt.src.b, SRC4, 4);
	assert_ptr_equal(pkt.payload, copy + 28);
	free(copy);
}

/* A NULL frame and a zero caplen fail cleanly. */
static void
test_null_input(void **state)
{
	static const int links[] = {VG_LINK_EN10MB, VG_LINK_LINUX_SLL,
				    VG_LINK_LINUX_SLL2, VG_LINK_RAW,
				    VG_LINK_NULL};
	struct vg_packet pkt;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(links); i++) {
		memset(&pkt, 0xa5, sizeof(pkt));
		assert_int_equal(vg_packet_decode(links[i], NULL, 100, 7, &pkt),
				 VG_ERR_PARSE);
		assert_int_equal(pkt.kind, VG_PKT_OTHER);
		assert_int_equal(pkt.ts_us, 7);
		assert_int_equal(pkt.payload_len, 0);
	}
}

/* Every byte value in every position of a UDP frame: no crash. */
static void
test_byte_flips(void **state)
{
	struct vg_packet pkt;
	struct fb f;
	uint8_t *copy;
	enum vg_rc rc;
	size_t i;
	unsigned v;

	(void)state;
	memset(&f, 0, sizeof(f));
	b_ipv6_ext(&f);
	for (i = 0; i < f.n; i++) {
		uint8_t keep = f.b[i];

		for (v = 0; v < 256; v += 17) {
			f.b[i] = (uint8_t)v;
			rc = decode_copy(EN, f.b, f.n, &pkt, &copy);
			assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
			assert_inside(&pkt, copy, f.n);
			free(copy);
		}
		f.b[i] = keep;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_null_input),
		cmocka_unit_test(test_byte_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

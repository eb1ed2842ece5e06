/*
 * vg_packet_decode: one captured frame (Ethernet, 802.3 + LLC/SNAP,
 * Linux cooked v1/v2, raw IP or BSD loopback) down to the payload a
 * discover decoder wants: ARP, LLDP, CDP, UDP, TCP or another IP
 * protocol. Every byte is read through struct vg_cur, every length from
 * the wire is clamped to what the capture holds, nothing is allocated.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/discover.h"
#include "util/banned.h"

#define ETH_ADDR_LEN 6
#define ETH_MAX_LEN 1500    /* an 802.3 length field; above, an EtherType */
#define ETH_MIN_TYPE 0x0600 /* first value that is an EtherType */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100     /* 802.1Q */
#define ETHERTYPE_QINQ 0x88a8     /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard QinQ */
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_LLDP 0x88cc

#define VLAN_ID_MASK 0x0fff

/* 802.2 LLC + SNAP header carrying CDP: AA AA 03, OUI 00000C, 0x2000. */
#define LLC_HDR_LEN 3
#define SNAP_HDR_LEN 5
static const uint8_t llc_snap[LLC_HDR_LEN] = {0xaa, 0xaa, 0x03};
static const uint8_t snap_cdp[SNAP_HDR_LEN] = {0x00, 0x00, 0x0c, 0x20, 0x00};

/* Linux cooked captures (pcap-linktype(7)). */
#define SLL_HDR_LEN 16
#define SLL_ADDR_OFF 6
#define SLL2_HDR_LEN 20
#define SLL2_ADDR_OFF 12
#define SLL_P_802_2 0x0004 /* protocol: the payload is an 802.2 LLC frame */

/* BSD loopback address families: AF_INET, and AF_INET6 of the BSDs. */
#define NULL_HDR_LEN 4
#define NULL_AF_INET 2
#define NULL_AF_INET6_LINUX 10
#define NULL_AF_INET6_BSD 24
#define NULL_AF_INET6_FREEBSD 28
#define NULL_AF_INET6_DARWIN 30

#define IPV4_MIN_HDR 20
#define IPV4_MF 0x2000
#define IPV4_OFF_MASK 0x1fff
#define IPV6_HDR_LEN 40
#define IPV6_EXT_UNIT 8 /* extension header lengths count 8-byte units */
#define IPV6_FRAG_HDR_LEN 8
#define IPV6_FRAG_OFF_MASK 0xfff8
#define IPV6_FRAG_MF 0x0001

#define IPP_HOPOPTS 0
#define IPP_TCP 6
#define IPP_UDP 17
#define IPP_ROUTING 43
#define IPP_FRAGMENT 44
#define IPP_DSTOPTS 60

#define UDP_HDR_LEN 8
#define TCP_MIN_HDR 20

/*
 * Point pkt's payload at what remains of c. An empty remainder keeps a
 * pointer inside (or just past) the frame, never arithmetic on NULL.
 */
static void
set_payload(struct vg_packet *pkt, enum vg_pkt_kind kind,
	    const struct vg_cur *c)
{
	pkt->kind = kind;
	pkt->payload = c->len > 0 ? c->p + c->off : c->p;
	pkt->payload_len = vg_cur_left(c);
}

/*
 * A sub-cursor over the next `want` bytes of c, or fewer when the
 * capture holds fewer (then the packet is marked truncated).
 */
static void
clamp_sub(struct vg_cur *c, size_t want, struct vg_cur *sub,
	  struct vg_packet *pkt)
{
	if (want > vg_cur_left(c)) {
		pkt->truncated = true;
		want = vg_cur_left(c);
	}
	(void)vg_cur_sub(c, want, sub); /* fits: clamped above */
}

static enum vg_rc
decode_udp(struct vg_cur *c, struct vg_packet *pkt)
{
	uint16_t sport, dport, ulen, sum;
	struct vg_cur data;

	if (!vg_cur_need(c, UDP_HDR_LEN))
		return VG_ERR_PARSE;
	(void)vg_cur_u16be(c, &sport);
	(void)vg_cur_u16be(c, &dport);
	(void)vg_cur_u16be(c, &ulen);
	(void)vg_cur_u16be(c, &sum);
	pkt->sport = sport;
	pkt->dport = dport;
	/* The UDP length counts its own header: below 8 it lies. */
	if (ulen < UDP_HDR_LEN)
		return VG_ERR_PARSE;
	clamp_sub(c, (size_t)ulen - UDP_HDR_LEN, &data, pkt);
	set_payload(pkt, VG_PKT_UDP, &data);
	return VG_OK;
}

static enum vg_rc
decode_tcp(struct vg_cur *c, struct vg_packet *pkt)
{
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t off, flags;
	size_t hlen;

	if (!vg_cur_need(c, TCP_MIN_HDR))
		return VG_ERR_PARSE;
	(void)vg_cur_u16be(c, &sport);
	(void)vg_cur_u16be(c, &dport);
	(void)vg_cur_u32be(c, &seq);
	(void)vg_cur_u32be(c, &ack);
	(void)vg_cur_u8(c, &off);
	(void)vg_cur_u8(c, &flags);
	(void)vg_cur_skip(c, 6); /* window, checksum, urgent pointer */
	pkt->sport = sport;
	pkt->dport = dport;
	pkt->seq = seq;
	pkt->tcp_flags = flags;
	/* Data offset in 32-bit words, the fixed header included. */
	hlen = (size_t)(off >> 4) * 4;
	if (hlen < TCP_MIN_HDR || !vg_cur_skip(c, hlen - TCP_MIN_HDR))
		return VG_ERR_PARSE;
	set_payload(pkt, VG_PKT_TCP, c);
	return VG_OK;
}

/* The transport of a first (or only) fragment; body is the IP payload. */
static enum vg_rc
decode_l4(struct vg_cur *body, struct vg_packet *pkt)
{
	switch (pkt->ip_proto) {
	case IPP_UDP:
		return decode_udp(body, pkt);
	case IPP_TCP:
		return decode_tcp(body, pkt);
	default:
		return VG_OK; /* VG_PKT_IP, already set by the caller */
	}
}

static enum vg_rc
decode_ipv4(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *h;
	struct vg_cur body;
	size_t hlen, total;
	unsigned frag;

	if (!vg_cur_bytes(c, IPV4_MIN_HDR, &h) || h[0] >> 4 != 4)
		return VG_ERR_PARSE;
	pkt->ip_proto = h[9];
	pkt->src.family = pkt->dst.family = 4;
	memcpy(pkt->src.b, h + 12, 4);
	memcpy(pkt->dst.b, h + 16, 4);
	frag = (unsigned)h[6] << 8 | h[7];
	if ((frag & (IPV4_MF | IPV4_OFF_MASK)) != 0)
		pkt->fragment = true;

	/* IHL counts 32-bit words; options are skipped, not interpreted. */
	hlen = (size_t)(h[0] & 0x0f) * 4;
	total = (size_t)h[2] << 8 | h[3];
	if (hlen < IPV4_MIN_HDR || total < hlen ||
	    !vg_cur_skip(c, hlen - IPV4_MIN_HDR))
		return VG_ERR_PARSE;

	/* The total length drops Ethernet padding; a longer one is cut. */
	clamp_sub(c, total - hlen, &body, pkt);
	set_payload(pkt, VG_PKT_IP, &body);
	if ((frag & IPV4_OFF_MASK) != 0)
		return VG_OK; /* no transport header in a later fragment */
	return decode_l4(&body, pkt);
}

static bool
ipv6_ext(uint8_t nh)
{
	return nh == IPP_HOPOPTS || nh == IPP_ROUTING || nh == IPP_DSTOPTS ||
		nh == IPP_FRAGMENT;
}

static enum vg_rc
decode_ipv6(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *h, *e;
	struct vg_cur body;
	unsigned frag;
	size_t n, elen;
	uint8_t nh;

	if (!vg_cur_bytes(c, IPV6_HDR_LEN, &h) || h[0] >> 4 != 6)
		return VG_ERR_PARSE;
	nh = h[6];
	pkt->ip_proto = nh;
	pkt->src.family = pkt->dst.family = 6;
	memcpy(pkt->src.b, h + 8, 16);
	memcpy(pkt->dst.b, h + 24, 16);
	clamp_sub(c, (size_t)h[4] << 8 | h[5], &body, pkt);
	set_payload(pkt, VG_PKT_IP, &body);

	/* Follow the extension header chain, a bounded number of links. */
	for (n = 0; ipv6_ext(nh); n++) {
		if (n == VG_MAX_IPV6_EXT) {
			/* Longer than any real chain: give up, not malformed.
			 */
			set_payload(pkt, VG_PKT_IP, &body);
			return VG_OK;
		}
		if (nh == IPP_FRAGMENT) {
			if (!vg_cur_bytes(&body, IPV6_FRAG_HDR_LEN, &e))
				return VG_ERR_PARSE;
			nh = e[0];
			pkt->ip_proto = nh;
			frag = (unsigned)e[2] << 8 | e[3];
			if ((frag & (IPV6_FRAG_OFF_MASK | IPV6_FRAG_MF)) != 0)
				pkt->fragment = true;
			if ((frag & IPV6_FRAG_OFF_MASK) != 0) {
				set_payload(pkt, VG_PKT_IP, &body);
				return VG_OK;
			}
			continue;
		}
		/* Hop-by-hop, routing, destination: next, len, data. */
		if (!vg_cur_need(&body, 2))
			return VG_ERR_PARSE;
		e = vg_cur_here(&body);
		elen = ((size_t)e[1] + 1) * IPV6_EXT_UNIT;
		if (!vg_cur_skip(&body, elen))
			return VG_ERR_PARSE;
		nh = e[0];
		pkt->ip_proto = nh;
	}
	set_payload(pkt, VG_PKT_IP, &body);
	return decode_l4(&body, pkt);
}

/* An 802.2 LLC frame: only SNAP with Cisco's OUI and PID 0x2000 (CDP). */
static enum vg_rc
decode_llc(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *llc, *snap;

	if (!vg_cur_bytes(c, LLC_HDR_LEN, &llc))
		return VG_ERR_PARSE;
	if (memcmp(llc, llc_snap, LLC_HDR_LEN) != 0)
		return VG_OK; /* STP, NetBIOS, ...: of no interest */
	if (!vg_cur_bytes(c, SNAP_HDR_LEN, &snap))
		return VG_ERR_PARSE;
	if (memcmp(snap, snap_cdp, SNAP_HDR_LEN) == 0)
		set_payload(pkt, VG_PKT_CDP, c);
	return VG_OK;
}

static bool
is_vlan(uint16_t type)
{
	return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
		type == ETHERTYPE_QINQ_OLD;
}

/*
 * What follows an EtherType (or an 802.3 length) field: VLAN tags, then
 * the protocol. c holds the bytes after the field.
 */
static enum vg_rc
decode_ethertype(struct vg_cur *c, uint16_t type, struct vg_packet *pkt)
{
	struct vg_cur llc;
	uint16_t tci;
	size_t tags;

	for (tags = 0; is_vlan(type); tags++) {
		if (tags == VG_MAX_VLAN_TAGS)
			return VG_OK; /* deeper than we follow */
		if (!vg_cur_need(c, 4))
			return VG_ERR_PARSE;
		(void)vg_cur_u16be(c, &tci);
		(void)vg_cur_u16be(c, &type);
		if (tags == 0)
			pkt->vlan = tci & VLAN_ID_MASK;
	}
	if (type <= ETH_MAX_LEN) {
		/* 802.3: a length (padding beyond it dropped), then LLC. */
		clamp_sub(c, type, &llc, pkt);
		return decode_llc(&llc, pkt);
	}
	switch (type) {
	case ETHERTYPE_ARP:
		set_payload(pkt, VG_PKT_ARP, c);
		return VG_OK;
	case ETHERTYPE_LLDP:
		set_payload(pkt, VG_PKT_LLDP, c);
		return VG_OK;
	case ETHERTYPE_IPV4:
		return decode_ipv4(c, pkt);
	case ETHERTYPE_IPV6:
		return decode_ipv6(c, pkt);
	default:
		return VG_OK;
	}
}

static enum vg_rc
decode_eth(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *dst, *src;
	uint16_t type;

	if (!vg_cur_need(c, 2 * ETH_ADDR_LEN + 2))
		return VG_ERR_PARSE;
	(void)vg_cur_bytes(c, ETH_ADDR_LEN, &dst);
	(void)vg_cur_bytes(c, ETH_ADDR_LEN, &src);
	(void)vg_cur_u16be(c, &type);
	memcpy(pkt->dst_mac, dst, ETH_ADDR_LEN);
	memcpy(pkt->src_mac, src, ETH_ADDR_LEN);
	pkt->has_mac = true;
	return decode_ethertype(c, type, pkt);
}

/*
 * The protocol field of a cooked header: an EtherType, or below 0x0600
 * a Linux pseudo-protocol of which only raw 802.2 LLC interests us.
 */
static enum vg_rc
decode_cooked(struct vg_cur *c, uint16_t proto, const uint8_t *addr,
	      size_t alen, struct vg_packet *pkt)
{
	/* The cooked address is the sender's; the receiver's is unknown. */
	if (alen == ETH_ADDR_LEN) {
		memcpy(pkt->src_mac, addr, ETH_ADDR_LEN);
		pkt->has_mac = true;
	}
	if (proto == SLL_P_802_2)
		return decode_llc(c, pkt);
	if (proto < ETH_MIN_TYPE)
		return VG_OK;
	return decode_ethertype(c, proto, pkt);
}

static enum vg_rc
decode_sll(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *h;

	/* type(2) arphrd(2) addr len(2) addr(8) protocol(2) */
	if (!vg_cur_bytes(c, SLL_HDR_LEN, &h))
		return VG_ERR_PARSE;
	return decode_cooked(c, (uint16_t)(h[14] << 8 | h[15]),
			     h + SLL_ADDR_OFF, (size_t)h[4] << 8 | h[5], pkt);
}

static enum vg_rc
decode_sll2(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *h;

	/* protocol(2) reserved(2) ifindex(4) arphrd(2) type(1) alen(1)
	 * addr(8) */
	if (!vg_cur_bytes(c, SLL2_HDR_LEN, &h))
		return VG_ERR_PARSE;
	return decode_cooked(c, (uint16_t)(h[0] << 8 | h[1]), h + SLL2_ADDR_OFF,
			     h[11], pkt);
}

/* Raw IP: the version nibble of the first byte says which. */
static enum vg_rc
decode_raw(struct vg_cur *c, struct vg_packet *pkt)
{
	if (vg_cur_left(c) == 0)
		return VG_ERR_PARSE;
	switch (*vg_cur_here(c) >> 4) {
	case 4:
		return decode_ipv4(c, pkt);
	case 6:
		return decode_ipv6(c, pkt);
	default:
		return VG_ERR_PARSE;
	}
}

static enum vg_rc
decode_null(struct vg_cur *c, struct vg_packet *pkt)
{
	const uint8_t *h;
	uint32_t family;

	if (!vg_cur_bytes(c, NULL_HDR_LEN, &h))
		return VG_ERR_PARSE;
	memcpy(&family, h, sizeof(family));
	/* Families are small: a capture written on a host of the other
	 * byte order shows them in the high half. */
	if ((family & 0xffff) == 0)
		family = __builtin_bswap32(family);
	switch (family) {
	case NULL_AF_INET:
		return decode_ipv4(c, pkt);
	case NULL_AF_INET6_LINUX:
	case NULL_AF_INET6_BSD:
	case NULL_AF_INET6_FREEBSD:
	case NULL_AF_INET6_DARWIN:
		return decode_ipv6(c, pkt);
	default:
		return VG_OK;
	}
}

enum vg_rc
vg_packet_decode(int linktype, const uint8_t *data, size_t caplen,
		 int64_t ts_us, struct vg_packet *pkt)
{
	struct vg_cur c;

	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = ts_us;
	vg_cur_init(&c, data, caplen);
	switch (linktype) {
	case VG_LINK_EN10MB:
		return decode_eth(&c, pkt);
	case VG_LINK_LINUX_SLL:
		return decode_sll(&c, pkt);
	case VG_LINK_LINUX_SLL2:
		return decode_sll2(&c, pkt);
	case VG_LINK_RAW:
		return decode_raw(&c, pkt);
	case VG_LINK_NULL:
		return decode_null(&c, pkt);
	default:
		return VG_OK; /* a link type we do not read: of no interest */
	}
}

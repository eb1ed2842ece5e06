/*
 * vg_arp_decode: Ethernet/IPv4 ARP requests and replies bind a MAC to an
 * IPv4 address (passive-discovery.md §1: the device key is the MAC, and
 * ARP is one of the ways to learn its IP). The sender pair of every
 * request and reply is emitted, the target pair of replies too.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/discover.h"
#include "util/banned.h"

#define ARP_HDR_LEN 8 /* htype(2) ptype(2) hlen(1) plen(1) oper(2) */
#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_HLEN_ETHER 6
#define ARP_PLEN_IPV4 4
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
/* §6: ARP states the binding itself (weight given by the module lead). */
#define ARP_WEIGHT 90

/*
 * A MAC that can name one device: not all-zero, not a group address
 * (the broadcast address has the group bit too).
 */
static bool
mac_usable(const uint8_t *m)
{
	static const uint8_t zero[ARP_HLEN_ETHER];

	return memcmp(m, zero, ARP_HLEN_ETHER) != 0 && (m[0] & 0x01) == 0;
}

/*
 * An IPv4 address a device can own: not 0.0.0.0 (ARP probes, RFC 5227),
 * not the limited broadcast, not multicast.
 */
static bool
ip_usable(const uint8_t *a)
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		(uint32_t)a[2] << 8 | a[3];

	return v != 0 && v != 0xffffffffu && (a[0] & 0xf0) != 0xe0;
}

static void
emit_binding(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	     const uint8_t *mac, const uint8_t *ip)
{
	struct vg_obs o;

	if (!mac_usable(mac) || !ip_usable(ip))
		return;
	memset(&o, 0, sizeof(o));
	o.about = VG_ABOUT_MAC;
	memcpy(o.mac, mac, ARP_HLEN_ETHER);
	o.ip.family = 4;
	memcpy(o.ip.b, ip, ARP_PLEN_IPV4);
	o.proto = VG_PROTO_ARP;
	o.attr = VG_ATTR_IP;
	o.weight = ARP_WEIGHT;
	vg_obs_emit(sink, pkt, &o);
}

enum vg_rc
vg_arp_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	const uint8_t *sha, *spa, *tha, *tpa;
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	struct vg_cur c;

	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	if (!vg_cur_need(&c, ARP_HDR_LEN))
		return VG_ERR_PARSE;
	(void)vg_cur_u16be(&c, &htype);
	(void)vg_cur_u16be(&c, &ptype);
	(void)vg_cur_u8(&c, &hlen);
	(void)vg_cur_u8(&c, &plen);
	(void)vg_cur_u16be(&c, &op);

	/* Both address pairs must fit, whatever the address types. */
	if (!vg_cur_need(&c, 2 * ((size_t)hlen + plen)))
		return VG_ERR_PARSE;
	/* Ethernet or IPv4 with the wrong address size contradicts itself. */
	if ((htype == ARP_HTYPE_ETHER && hlen != ARP_HLEN_ETHER) ||
	    (ptype == ARP_PTYPE_IPV4 && plen != ARP_PLEN_IPV4))
		return VG_ERR_PARSE;
	if (htype != ARP_HTYPE_ETHER || ptype != ARP_PTYPE_IPV4)
		return VG_OK; /* another link or network: not ours */
	(void)vg_cur_bytes(&c, ARP_HLEN_ETHER, &sha);
	(void)vg_cur_bytes(&c, ARP_PLEN_IPV4, &spa);
	(void)vg_cur_bytes(&c, ARP_HLEN_ETHER, &tha);
	(void)vg_cur_bytes(&c, ARP_PLEN_IPV4, &tpa);

	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return VG_OK; /* RARP, InARP: no binding we trust */
	emit_binding(pkt, sink, sha, spa);
	/* A request's target hardware address is unknown (zero); a reply's
	 * target is the asker. A gratuitous reply repeats the sender. */
	if (op == ARP_OP_REPLY &&
	    (memcmp(tha, sha, ARP_HLEN_ETHER) != 0 ||
	     memcmp(tpa, spa, ARP_PLEN_IPV4) != 0))
		emit_binding(pkt, sink, tha, tpa);
	return VG_OK;
}

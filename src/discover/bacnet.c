/*
 * BACnet/IP (ASHRAE 135 Annex J, UDP 47808) decoder: the I-Am a building
 * controller broadcasts names its device instance and ASHRAE vendor id.
 * Layout: passive-discovery.md §5 and Appendix B frame 7:
 *   BVLC 0x81 func(1) len(2) [orig B/IP addr(6) when forwarded]
 *   NPDU 0x01 ctrl [DNET(2) DLEN(1) DADR] [SNET(2) SLEN(1) SADR] [hops]
 *   APDU 0x10 (unconfirmed) 0x00 (I-Am) C4 objid(4) 2x maxAPDU 91 seg
 *        2x vendor
 * A forwarded I-Am (func 0x04) is still attributed to the sender (the
 * BBMD); its original address is not followed.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define W_DEVICE 90 /* passive-discovery.md §6 (structured identity) */
#define W_SERVICE 90

#define BVLC_TYPE 0x81
#define BVLC_FORWARDED 0x04
#define BVLC_UNICAST 0x0a
#define BVLC_BROADCAST 0x0b
#define BVLC_HDR_LEN 4
#define BVLC_ORIG_LEN 6 /* forwarded: original B/IP address and port */

#define NPDU_VERSION 0x01
#define NPDU_NETMSG 0x80 /* a network-layer message, no APDU */
#define NPDU_DNET 0x20
#define NPDU_SNET 0x08

#define APDU_UNCONFIRMED 0x10
#define SVC_I_AM 0x00

#define TAG_OBJECT_ID 0xc4 /* application tag 12, length 4 */
#define TAG_UNSIGNED 2     /* application tag numbers */
#define TAG_ENUMERATED 9
#define OBJ_DEVICE 8
#define OBJ_INSTANCE_MASK 0x3fffffu

/*
 * An application-tagged primitive of tag number `tag` and length 1..4
 * (big-endian), as I-Am encodes max APDU, segmentation and vendor id.
 */
static bool
app_uint(struct vg_cur *c, unsigned tag, uint32_t *v)
{
	uint8_t t, b;
	unsigned len, i;

	if (!vg_cur_u8(c, &t))
		return false;
	len = t & 0x07;
	if ((unsigned)(t >> 4) != tag || (t & 0x08) || len < 1 || len > 4)
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (!vg_cur_u8(c, &b))
			return false;
		*v = *v << 8 | b;
	}
	return true;
}

/* Skip a network address: NET(2) LEN(1) ADR(LEN). */
static bool
skip_net(struct vg_cur *c)
{
	uint8_t len;

	return vg_cur_skip(c, 2) && vg_cur_u8(c, &len) && vg_cur_skip(c, len);
}

static void
emit(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
     uint32_t instance, uint32_t vendor)
{
	char inst[VG_DSC_NUM_BUF], ven[VG_DSC_NUM_BUF];

	vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_BACNET,
		     VG_ATTR_BACNET_DEVICE, W_DEVICE,
		     vg_dsc_decimal(inst, instance),
		     vg_dsc_decimal(ven, vendor));
	/* BACnet/IP devices may use another port than 0xBAC0 */
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_SRC, VG_PROTO_BACNET, "bacnet",
			    pkt->sport != 0 ? pkt->sport : 47808u, W_SERVICE);
}

/* The I-Am parameters after the service choice. */
static enum vg_rc
i_am(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
     struct vg_cur *c)
{
	uint8_t tag;
	uint32_t objid, max_apdu, seg, vendor;

	if (!vg_cur_u8(c, &tag) || tag != TAG_OBJECT_ID ||
	    !vg_cur_u32be(c, &objid) || objid >> 22 != OBJ_DEVICE)
		return VG_ERR_PARSE;
	if (!app_uint(c, TAG_UNSIGNED, &max_apdu) ||
	    !app_uint(c, TAG_ENUMERATED, &seg) ||
	    !app_uint(c, TAG_UNSIGNED, &vendor))
		return VG_ERR_PARSE;
	emit(pkt, sink, objid & OBJ_INSTANCE_MASK, vendor);
	return VG_OK;
}

enum vg_rc
vg_bacnet_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_cur c;
	uint8_t type = 0, func = 0, ver = 0, ctrl = 0, apdu = 0, svc = 0;
	uint16_t blen = 0;
	size_t n;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	(void)vg_cur_u8(&c, &type);
	(void)vg_cur_u8(&c, &func);
	(void)vg_cur_u16be(&c, &blen);
	if (c.bad || type != BVLC_TYPE || blen < BVLC_HDR_LEN)
		return VG_ERR_PARSE;
	/*
	 * The BVLC length covers the whole message: bytes past it are
	 * padding; a length past the data (a cut capture) is clamped.
	 */
	n = blen < c.len ? blen : c.len;
	c.len = n;

	if (func == BVLC_FORWARDED) {
		if (!vg_cur_skip(&c, BVLC_ORIG_LEN))
			return VG_ERR_PARSE;
	} else if (func != BVLC_UNICAST && func != BVLC_BROADCAST)
		return VG_OK; /* BVLC management: no identity */

	if (!vg_cur_u8(&c, &ver) || ver != NPDU_VERSION ||
	    !vg_cur_u8(&c, &ctrl))
		return VG_ERR_PARSE;
	if ((ctrl & NPDU_DNET) && !skip_net(&c))
		return VG_ERR_PARSE;
	if ((ctrl & NPDU_SNET) && !skip_net(&c))
		return VG_ERR_PARSE;
	if ((ctrl & NPDU_DNET) && !vg_cur_skip(&c, 1)) /* hop count */
		return VG_ERR_PARSE;
	if (ctrl & NPDU_NETMSG)
		return VG_OK; /* Who-Is-Router-To-Network and friends */

	if (!vg_cur_u8(&c, &apdu) || !vg_cur_u8(&c, &svc))
		return VG_ERR_PARSE;
	if ((apdu & 0xf0) != APDU_UNCONFIRMED || svc != SVC_I_AM)
		return VG_OK; /* Who-Is, confirmed services, ... */
	return i_am(pkt, sink, &c);
}

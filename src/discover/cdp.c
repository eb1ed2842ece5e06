/*
 * CDP (Cisco Discovery Protocol, 802.3 + LLC/SNAP 00000c/0x2000): the
 * sender's device ID, software version and platform. Cisco switches and
 * routers send it, and so do many IP phones. The checksum is not
 * checked: a wrong one costs nothing to a passive reader.
 */
#include "util/common.h"

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define CDP_HDR_LEN 4    /* version(1) ttl(1) checksum(2) */
#define CDP_TLV_HDR 4    /* type(2) length(2), length counts it */
#define CDP_MAX_TLVS 256 /* TLVs walked per packet; more is malformed */
#define CDP_MAX_TEXT 255 /* longest text emitted */
#define CDP_WEIGHT 80    /* passive-discovery.md §6: CDP description */

#define CDP_TLV_DEVICE_ID 0x0001
#define CDP_TLV_SOFTWARE 0x0005
#define CDP_TLV_PLATFORM 0x0006

/* The TLVs we read and the attribute each gives. */
static const struct {
	uint16_t type;
	enum vg_attr attr;
} cdp_tlvs[] = {
	{CDP_TLV_DEVICE_ID, VG_ATTR_HOSTNAME},
	{CDP_TLV_SOFTWARE, VG_ATTR_SOFTWARE},
	{CDP_TLV_PLATFORM, VG_ATTR_MODEL},
};

static void
emit(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
     enum vg_attr attr, struct vg_cur *v)
{
	struct vg_text t;

	if (vg_cur_left(v) == 0)
		return;
	t = vg_dsc_cut(vg_cur_here(v), vg_cur_left(v), CDP_MAX_TEXT);
	vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_CDP, attr, CDP_WEIGHT, &t,
		    1);
}

enum vg_rc
vg_cdp_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_cur c, v;
	uint16_t type = 0, len = 0;
	uint8_t version = 0;
	unsigned ntlv = 0;
	size_t i;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	/* Versions 1 and 2 share the layout; anything else is not CDP. */
	if (!vg_cur_u8(&c, &version) || (version != 1 && version != 2) ||
	    !vg_cur_skip(&c, CDP_HDR_LEN - 1))
		return VG_ERR_PARSE;
	while (vg_cur_left(&c) > 0) {
		if (++ntlv > CDP_MAX_TLVS)
			return VG_ERR_PARSE;
		(void)vg_cur_u16be(&c, &type);
		(void)vg_cur_u16be(&c, &len);
		/* The length includes the header: below it, or past the
		 * data, is malformed (and would loop or overrun). */
		if (c.bad || len < CDP_TLV_HDR ||
		    !vg_cur_sub(&c, (size_t)len - CDP_TLV_HDR, &v))
			return VG_ERR_PARSE;
		for (i = 0; i < VG_ARRAY_LEN(cdp_tlvs); i++)
			if (cdp_tlvs[i].type == type)
				emit(pkt, sink, cdp_tlvs[i].attr, &v);
	}
	return VG_OK;
}

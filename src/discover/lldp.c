/*
 * LLDP (IEEE 802.1AB, EtherType 0x88cc): the sender's system name and
 * description, and the LLDP-MED inventory (ANSI/TIA-1057) that IP phones
 * and some medical gateways send: maker, model, firmware and software
 * revisions. The serial number TLV is read past, never emitted.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define LLDP_MAX_TLVS 256 /* TLVs walked per LLDPDU; more is malformed */
#define LLDP_MAX_TEXT 255 /* longest text emitted */
#define LLDP_WEIGHT 80    /* passive-discovery.md §6: LLDP description */

#define LLDP_TLV_END 0
#define LLDP_TLV_SYSNAME 5
#define LLDP_TLV_SYSDESC 6
#define LLDP_TLV_ORG 127

/* LLDP-MED: OUI 00-12-BB, inventory subtypes (TIA-1057 10.2.6). */
static const uint8_t med_oui[3] = {0x00, 0x12, 0xbb};
#define MED_HW_REV 5
#define MED_FW_REV 6
#define MED_SW_REV 7
#define MED_SERIAL 8
#define MED_MFG 9
#define MED_MODEL 10

static void
emit(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
     enum vg_attr attr, const char *v0, const uint8_t *p, size_t n)
{
	struct vg_text t = vg_dsc_cut(p, n, LLDP_MAX_TEXT);

	if (n == 0)
		return;
	/* v0 labels a revision ("firmware"), which is then v1. */
	if (v0 != NULL)
		vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_LLDP, attr,
			     LLDP_WEIGHT, vg_dsc_str(v0), t);
	else
		vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_LLDP, attr,
			    LLDP_WEIGHT, &t, 1);
}

/* An organisationally specific TLV; false when too short for its
 * OUI and subtype. */
static bool
decode_org(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	   struct vg_cur *v)
{
	const uint8_t *oui, *s;
	uint8_t sub;
	size_t n;

	if (!vg_cur_bytes(v, 3, &oui) || !vg_cur_u8(v, &sub))
		return false;
	if (memcmp(oui, med_oui, sizeof(med_oui)) != 0)
		return true; /* 802.1, 802.3, vendor TLVs: nothing we use */
	n = vg_cur_left(v);
	s = n > 0 ? vg_cur_here(v) : NULL;
	switch (sub) {
	case MED_FW_REV:
		emit(pkt, sink, VG_ATTR_SOFTWARE, "firmware", s, n);
		break;
	case MED_SW_REV:
		emit(pkt, sink, VG_ATTR_SOFTWARE, "software", s, n);
		break;
	case MED_MFG:
		emit(pkt, sink, VG_ATTR_VENDOR, NULL, s, n);
		break;
	case MED_MODEL:
		emit(pkt, sink, VG_ATTR_MODEL, NULL, s, n);
		break;
	case MED_HW_REV: /* not software, and no attribute holds it */
	case MED_SERIAL: /* a per-unit identifier: not needed, not kept */
	default:
		break;
	}
	return true;
}

enum vg_rc
vg_lldp_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_cur c, v;
	uint16_t hdr;
	unsigned type, ntlv = 0;
	bool bad = false;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	/* Until the End TLV; a capture that stops at a TLV boundary ends
	 * the LLDPDU too. */
	while (vg_cur_left(&c) > 0) {
		if (++ntlv > LLDP_MAX_TLVS || !vg_cur_u16be(&c, &hdr))
			return VG_ERR_PARSE;
		type = hdr >> 9;
		if (type == LLDP_TLV_END)
			break;
		/* A TLV longer than what is left is malformed. */
		if (!vg_cur_sub(&c, hdr & 0x1ff, &v))
			return VG_ERR_PARSE;
		switch (type) {
		case LLDP_TLV_SYSNAME:
			emit(pkt, sink, VG_ATTR_HOSTNAME, NULL,
			     vg_cur_left(&v) ? vg_cur_here(&v) : NULL,
			     vg_cur_left(&v));
			break;
		case LLDP_TLV_SYSDESC:
			emit(pkt, sink, VG_ATTR_SOFTWARE, NULL,
			     vg_cur_left(&v) ? vg_cur_here(&v) : NULL,
			     vg_cur_left(&v));
			break;
		case LLDP_TLV_ORG:
			/* a short one is malformed; later TLVs still count */
			if (!decode_org(pkt, sink, &v))
				bad = true;
			break;
		default:
			break; /* chassis, port, TTL, capabilities, ... */
		}
	}
	return bad ? VG_ERR_PARSE : VG_OK;
}

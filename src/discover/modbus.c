/*
 * Modbus/TCP (passive-discovery.md §5): a PLC or building controller
 * answering Read Device Identification (function 0x2B, MEI type 0x0E)
 * names its vendor, product code and revision.
 *
 * Each ADU is MBAP (transaction id 2, protocol id 2 = 0, length 2 =
 * unit id + PDU, unit id 1) then the PDU, all big-endian, and is
 * consumed whole (at most 260 bytes, so buffering it is bounded).
 * Detection by content: protocol id 0 and a length in
 * [MODBUS_MIN_LEN, MODBUS_MAX_LEN]; a direction's first ADU is accepted
 * only on port 502 or when it is a Read Device Identification, since
 * four zero-ish bytes are too weak a signature on their own.
 *
 * A Read Device Identification response is told from the request by
 * its shape (a request PDU is 4 bytes, a response at least 7), so the
 * direction guess of the flow table does not matter; its sender is the
 * server.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define MODBUS_PORT 502
#define MODBUS_MBAP_LEN 7 /* tid, pid, length, unit */
/* The MBAP length counts the unit id and the PDU: at least the unit and
 * a function code, at most the unit and a 253-byte PDU. */
#define MODBUS_MIN_LEN 2
#define MODBUS_MAX_LEN 254
#define MODBUS_FC_MEI 0x2B
#define MODBUS_MEI_DEVID 0x0E
/* Function, MEI type and code, conformity, more, next id, count. */
#define MODBUS_DEVID_HDR 7
#define MODBUS_OBJ_VENDOR 0
#define MODBUS_OBJ_PRODUCT 1
#define MODBUS_OBJ_REVISION 2
/* Longest text emitted (an object value is at most 251 bytes anyway). */
#define MODBUS_MAX_TEXT 255

#define MODBUS_WEIGHT_ID 90      /* Modbus device ID (§6) */
#define MODBUS_WEIGHT_SERVICE 90 /* it answered Modbus */

/* state[0] bits: directions identified, service emitted. */
#define MODBUS_S_CLIENT 0x01
#define MODBUS_S_SERVER 0x02
#define MODBUS_S_SERVICE 0x04

/*
 * The Read Device Identification response pdu[0..n) (function code
 * first): objects 0..2 as one observation, then the service. A value
 * whose length lies past the PDU ends the walk; what came before it is
 * kept.
 */
static void
modbus_devid(uint8_t *flags, const uint8_t *pdu, size_t n,
	     const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_text v[VG_OBS_FIELDS];
	struct vg_cur c;
	uint8_t count, id, len, i;
	const uint8_t *val;
	bool any = false;

	memset(v, 0, sizeof(v));
	vg_cur_init(&c, pdu, n);
	if (!vg_cur_skip(&c, MODBUS_DEVID_HDR - 1) || !vg_cur_u8(&c, &count))
		return;
	for (i = 0; i < count; i++) {
		if (!vg_cur_u8(&c, &id) || !vg_cur_u8(&c, &len) ||
		    !vg_cur_bytes(&c, len, &val))
			break;
		if (id > MODBUS_OBJ_REVISION || v[id].p != NULL)
			continue; /* other objects, or a repeated one */
		v[id] = vg_text_of((const char *)val,
				   len < MODBUS_MAX_TEXT ? len
							 : MODBUS_MAX_TEXT);
		any = any || len > 0;
	}
	if (!any)
		return;
	/* Always about the server, which answers. */
	vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_MODBUS, VG_ATTR_MODBUS_ID,
		    MODBUS_WEIGHT_ID, v, VG_OBS_FIELDS);
	if ((*flags & MODBUS_S_SERVICE) != 0)
		return;
	*flags |= MODBUS_S_SERVICE;
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_SRC, VG_PROTO_MODBUS, "modbus",
			    pkt->sport, MODBUS_WEIGHT_SERVICE);
}

enum vg_stream_rc
vg_modbus_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
		 bool from_client, const uint8_t *p, size_t n,
		 struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	uint8_t dir = from_client ? MODBUS_S_CLIENT : MODBUS_S_SERVER;
	uint16_t tid, pid, len;
	uint8_t unit, fc, mei;
	const uint8_t *pdu;
	struct vg_cur c;
	size_t off = 0;

	out->consumed = 0;
	out->skip = 0;
	/* Every whole ADU in the buffer, one at a time. */
	for (;;) {
		vg_cur_init(&c, p + off, n - off);
		if (!vg_cur_u16be(&c, &tid) || !vg_cur_u16be(&c, &pid))
			break;
		if (pid != 0)
			return VG_STREAM_NO;
		if (!vg_cur_u16be(&c, &len))
			break;
		if (len < MODBUS_MIN_LEN || len > MODBUS_MAX_LEN)
			return VG_STREAM_NO;
		if (!vg_cur_u8(&c, &unit) ||
		    !vg_cur_bytes(&c, (size_t)len - 1, &pdu))
			break; /* wait for the whole ADU */
		fc = pdu[0];
		mei = len - 1 >= 2 ? pdu[1] : 0;
		if ((state[0] & dir) == 0) {
			/* First ADU of this direction: the port, or the one
			 * request that is worth recognising anywhere. */
			if (pkt->sport != MODBUS_PORT &&
			    pkt->dport != MODBUS_PORT &&
			    (fc != MODBUS_FC_MEI || mei != MODBUS_MEI_DEVID))
				return VG_STREAM_NO;
			state[0] |= dir;
		}
		if (fc == MODBUS_FC_MEI && mei == MODBUS_MEI_DEVID &&
		    (size_t)len - 1 >= MODBUS_DEVID_HDR)
			modbus_devid(&state[0], pdu, (size_t)len - 1, pkt,
				     sink);
		/* Exceptions (fc | 0x80) and everything else: consumed. */
		off += MODBUS_MBAP_LEN + (size_t)len - 1;
		if (off == n)
			break;
	}
	(void)tid;
	(void)unit;
	if (off == 0)
		return VG_STREAM_MORE;
	out->consumed = off;
	return VG_STREAM_OK;
}

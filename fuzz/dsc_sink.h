/*
 * An observation sink for the discover fuzz targets: it reads every
 * byte of every emitted text, so the sanitizers catch a decoder that
 * hands out a pointer or length outside the input.
 */
#ifndef VG_FUZZ_DSC_SINK_H
#define VG_FUZZ_DSC_SINK_H

#include <string.h>

#include "discover/discover.h"

static inline void
vg_fuzz_touch(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	volatile unsigned *sum = ctx;
	size_t i, j;

	(void)pkt;
	if (vg_proto_name(o->proto) == NULL || vg_attr_name(o->attr) == NULL)
		__builtin_trap();
	for (i = 0; i < VG_OBS_FIELDS; i++) {
		if (o->v[i].n > 0 && o->v[i].p == NULL)
			__builtin_trap();
		for (j = 0; j < o->v[i].n; j++)
			*sum += (unsigned char)o->v[i].p[j];
	}
}

/* A vg_packet with payload data[0..size) and kind kind, ports set. */
static inline void
vg_fuzz_packet(struct vg_packet *pkt, enum vg_pkt_kind kind,
	       const uint8_t *data, size_t size, uint16_t sport, uint16_t dport)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->kind = kind;
	pkt->has_mac = true;
	pkt->src_mac[5] = 1;
	pkt->dst_mac[5] = 2;
	pkt->src.family = pkt->dst.family = 4;
	pkt->src.b[0] = pkt->dst.b[0] = 10;
	pkt->dst.b[3] = 2;
	pkt->ip_proto = kind == VG_PKT_TCP ? 6 : 17;
	pkt->sport = sport;
	pkt->dport = dport;
	pkt->payload = data;
	pkt->payload_len = size;
}

/* A datagram decoder (vg_dhcp_decode, vg_lldp_decode, ...). */
typedef enum vg_rc (*vg_fuzz_datagram_fn)(const struct vg_packet *pkt,
					  const struct vg_obs_sink *sink);

/*
 * Run datagram decoder fn once over data[0..size) as the payload of a
 * packet of kind kind and ports sport/dport, every emitted byte read.
 */
static inline void
vg_fuzz_datagram(vg_fuzz_datagram_fn fn, enum vg_pkt_kind kind,
		 const uint8_t *data, size_t size, uint16_t sport,
		 uint16_t dport)
{
	volatile unsigned sum = 0;
	struct vg_obs_sink sink = {vg_fuzz_touch, (void *)&sum};
	struct vg_packet pkt;

	vg_fuzz_packet(&pkt, kind, data, size, sport, dport);
	(void)fn(&pkt, &sink);
}

/*
 * Run stream decoder fn over data as one direction, fed in chunks of
 * the sizes the first input bytes choose, as the flow table would:
 * consumed bytes dropped, skip honoured, MORE waits for more.
 */
static inline void
vg_fuzz_stream(vg_stream_fn fn, const uint8_t *data, size_t size,
	       uint16_t sport, uint16_t dport)
{
	static uint8_t buf[65536];
	uint8_t state[VG_STREAM_STATE];
	volatile unsigned sum = 0;
	struct vg_obs_sink sink = {vg_fuzz_touch, (void *)&sum};
	struct vg_stream_out out;
	struct vg_packet pkt;
	size_t have = 0, off = 0, chunk;
	uint64_t skip = 0;
	enum vg_stream_rc rc = VG_STREAM_MORE;

	memset(state, 0, sizeof(state));
	vg_fuzz_packet(&pkt, VG_PKT_TCP, data, size, sport, dport);
	while (off < size && rc != VG_STREAM_NO) {
		chunk = 1 + data[off] % 97;
		if (chunk > size - off)
			chunk = size - off;
		if (skip >= chunk) {
			skip -= chunk;
			off += chunk;
			continue;
		}
		off += (size_t)skip;
		chunk -= (size_t)skip;
		skip = 0;
		if (chunk > sizeof(buf) - have)
			return; /* the flow table gives up at its cap */
		memcpy(buf + have, data + off, chunk);
		have += chunk;
		off += chunk;
		for (;;) {
			memset(&out, 0, sizeof(out));
			rc = fn(state, &pkt, (off & 1) != 0, buf, have, &out,
				&sink);
			if (rc != VG_STREAM_OK)
				break;
			if (out.consumed == 0 || out.consumed > have)
				__builtin_trap(); /* contract: 0 < consumed <= n
						   */
			memmove(buf, buf + out.consumed, have - out.consumed);
			have -= out.consumed;
			skip = out.skip;
			if (have == 0 || skip > 0)
				break;
		}
		if (skip > 0 && have > 0) {
			size_t drop = skip < have ? (size_t)skip : have;

			memmove(buf, buf + drop, have - drop);
			have -= drop;
			skip -= drop;
		}
	}
}

#endif

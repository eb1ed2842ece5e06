/*
 * Fuzz target for the TCP flow table: the input is a sequence of segment
 * descriptors fed to a table with tiny limits (3 connections, 48 bytes
 * per direction, 3 queued segments, 2 ms idle) running fake decoders
 * that consume, skip, wait and break the contract in odd ways.
 *
 * One descriptor: byte 0 = connection (bits 0-1, one of four tuples),
 * direction (bit 2), TCP flags (bits 3-7, the VG_TCP_* values); byte 1 =
 * a signed offset from the next in-order sequence number of that
 * direction; byte 2 = payload length (bits 0-5) and clock step (bits
 * 6-7); then the payload (cut short at the end of the input).
 */
#include "util/common.h"

#include <string.h>

#include "discover/flow.h"
#include "dsc_sink.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every fake decoder reads all it is given and writes its state, so the
 * sanitizers see a pointer or length handed out wrong. */
static unsigned
touch(uint8_t state[VG_STREAM_STATE], const uint8_t *p, size_t n)
{
	unsigned sum = state[0];
	size_t i;

	for (i = 0; i < n; i++)
		sum += p[i];
	state[0] = (uint8_t)sum;
	state[VG_STREAM_STATE - 1]++;
	return sum;
}

/* <flags> <len> <len % 32 bytes>: emitted, then skip flags & 0x7f. */
static enum vg_stream_rc
dec_len(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	bool from_client, const uint8_t *p, size_t n, struct vg_stream_out *out,
	const struct vg_obs_sink *sink)
{
	struct vg_obs o;
	size_t len;

	(void)touch(state, p, n);
	if (n < 2)
		return VG_STREAM_MORE;
	if (p[0] & 0x80)
		return VG_STREAM_NO;
	len = p[1] % 32u;
	if (n < 2 + len)
		return VG_STREAM_MORE;
	memset(&o, 0, sizeof(o));
	o.about = from_client ? VG_ABOUT_DST : VG_ABOUT_SRC;
	o.proto = VG_PROTO_DICOM;
	o.attr = VG_ATTR_DICOM_AE;
	o.v[0] = vg_text_of((const char *)p + 2, len);
	o.v[1] = vg_text_of((const char *)state, 8);
	vg_obs_emit(sink, pkt, &o);
	out->consumed = 2 + len;
	out->skip = p[0] & 0x7f;
	return VG_STREAM_OK;
}

/* Takes everything at lengths divisible by 3, sometimes with a skip of
 * 2^40; refuses when the running sum says so; else waits. */
static enum vg_stream_rc
dec_odd(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	bool from_client, const uint8_t *p, size_t n, struct vg_stream_out *out,
	const struct vg_obs_sink *sink)
{
	unsigned sum = touch(state, p, n);

	(void)pkt, (void)from_client, (void)sink;
	if (n > 5 && sum % 7 == 0)
		return VG_STREAM_NO;
	if (n % 3 != 0)
		return VG_STREAM_MORE;
	out->consumed = n;
	out->skip = p[0] == 'S' ? (uint64_t)1 << 40 : 0;
	return VG_STREAM_OK;
}

/* Breaks the contract on some first bytes. */
static enum vg_stream_rc
dec_break(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	  bool from_client, const uint8_t *p, size_t n,
	  struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	(void)touch(state, p, n);
	(void)pkt, (void)from_client, (void)sink;
	switch (p[0]) {
	case 'X':
		out->consumed = 0;
		return VG_STREAM_OK;
	case 'Y':
		out->consumed = n + 1;
		return VG_STREAM_OK;
	case 'Z':
		out->consumed = 1;
		out->skip = p[n - 1];
		return VG_STREAM_OK;
	case 'W':
		return (enum vg_stream_rc)7;
	default:
		return VG_STREAM_NO;
	}
}

static enum vg_stream_rc
dec_more(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	 bool from_client, const uint8_t *p, size_t n,
	 struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	(void)touch(state, p, n);
	(void)pkt, (void)from_client, (void)out, (void)sink;
	return VG_STREAM_MORE;
}

static const struct vg_stream_decoder decoders[] = {
	{VG_PROTO_TELNET, dec_break},
	{VG_PROTO_DICOM, dec_len},
	{VG_PROTO_TLS, dec_more},
	{VG_PROTO_HL7, dec_odd},
};

#define FUZZ_TUPLES 4

/* Four connections: two on the same ports in different VLANs, one over
 * IPv6, one with equal ports on both sides. */
static void
tuple(struct vg_packet *pkt, unsigned t, bool rev)
{
	static const uint16_t ports[FUZZ_TUPLES][2] = {
		{40000, 104}, {40000, 104}, {2575, 51000}, {7000, 7000}};
	struct vg_addr a = {4, {192, 168, 1, 10}}, b = {4, {192, 168, 1, 20}};

	if (t == 2) {
		a.family = b.family = 6;
		a.b[15] = 1;
		b.b[15] = 2;
	}
	pkt->vlan = t == 1 ? 42 : 0;
	pkt->src = rev ? b : a;
	pkt->dst = rev ? a : b;
	pkt->sport = ports[t][rev ? 1 : 0];
	pkt->dport = ports[t][rev ? 0 : 1];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t steps[4] = {0, 1, 700, 2500};
	const struct vg_flow_limits lim = {3, 48, 3, 2000};
	uint32_t next[FUZZ_TUPLES][2];
	volatile unsigned sum = 0;
	struct vg_obs_sink sink = {vg_fuzz_touch, (void *)&sum};
	struct vg_flows *fl = NULL;
	struct vg_packet pkt;
	int64_t ts = 1000000;
	size_t off = 0, len;
	unsigned t, i;
	bool rev;

	if (vg_flows_new(&fl, &lim, decoders, VG_ARRAY_LEN(decoders)) != VG_OK)
		return 0;
	/* Start near the wrap so it is crossed often. */
	for (t = 0; t < FUZZ_TUPLES; t++)
		for (i = 0; i < 2; i++)
			next[t][i] = 0xffffff00u + t * 16 + i * 8;
	while (size - off >= 3) {
		t = data[off] & 3u;
		rev = (data[off] & 4u) != 0;
		memset(&pkt, 0, sizeof(pkt));
		pkt.kind = VG_PKT_TCP;
		pkt.ip_proto = 6;
		tuple(&pkt, t, rev);
		pkt.tcp_flags = (uint8_t)(data[off] >> 3);
		pkt.seq = next[t][rev] + (uint32_t)(int8_t)data[off + 1];
		len = data[off + 2] & 63u;
		ts += steps[data[off + 2] >> 6];
		pkt.ts_us = ts;
		off += 3;
		if (len > size - off)
			len = size - off;
		pkt.payload = len > 0 ? data + off : NULL;
		pkt.payload_len = len;
		off += len;
		next[t][rev] = pkt.seq + (uint32_t)len +
			((pkt.tcp_flags & VG_TCP_SYN) ? 1u : 0u);
		vg_flows_segment(fl, &pkt, &sink);
		if (vg_flows_count(fl) > lim.max_flows)
			__builtin_trap();
	}
	vg_flows_free(fl);
	return 0;
}

/*
 * Fuzz target: vg_packet_decode on arbitrary frames. The first byte
 * picks the link type, the rest is the frame; the payload found is read
 * byte by byte (and checked to lie inside the frame), and an ARP packet
 * goes on to vg_arp_decode with the touching sink.
 */
#include "util/common.h"

#include "dsc_sink.h"
#include "discover/discover.h"
#include "util/banned.h"

static const int links[] = {
	VG_LINK_EN10MB, VG_LINK_LINUX_SLL, VG_LINK_LINUX_SLL2,
	VG_LINK_RAW,    VG_LINK_NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile unsigned sum = 0;
	struct vg_obs_sink sink = {vg_fuzz_touch, (void *)&sum};
	const uint8_t *frame;
	struct vg_packet pkt;
	enum vg_rc rc;
	size_t i, n;

	if (size < 1)
		return 0;
	frame = data + 1;
	n = size - 1;
	rc = vg_packet_decode(links[data[0] % VG_ARRAY_LEN(links)], frame, n, 0,
			      &pkt);
	if (rc != VG_OK && rc != VG_ERR_PARSE)
		__builtin_trap();
	if (pkt.payload_len > 0) {
		/* The payload lies inside the frame, wholly. */
		if (pkt.payload == NULL || pkt.payload < frame ||
		    pkt.payload_len > n ||
		    (size_t)(pkt.payload - frame) > n - pkt.payload_len)
			__builtin_trap();
		for (i = 0; i < pkt.payload_len; i++)
			sum += pkt.payload[i];
	}
	if (pkt.kind == VG_PKT_ARP)
		(void)vg_arp_decode(&pkt, &sink);
	return 0;
}

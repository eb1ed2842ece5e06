/*
 * DNS header and name decoding for mDNS and NBNS (dns_name.h). A
 * hostile name can point in a loop or past the message: the walk counts
 * pointers, checks every target and bounds the name's wire length.
 */
#include "util/common.h"

#include <string.h>

#include "discover/dns_name.h"
#include "util/banned.h"

bool
vg_dns_header(struct vg_cur *c, struct vg_dns_hdr *h)
{
	(void)vg_cur_u16be(c, &h->id);
	(void)vg_cur_u16be(c, &h->flags);
	(void)vg_cur_u16be(c, &h->qd);
	(void)vg_cur_u16be(c, &h->an);
	(void)vg_cur_u16be(c, &h->ns);
	(void)vg_cur_u16be(c, &h->ar);
	if (!c->bad)
		return true;
	memset(h, 0, sizeof(*h));
	return false;
}

bool
vg_dns_name(struct vg_cur *c, const uint8_t *msg, size_t len, unsigned max_ptrs,
	    vg_dns_label_fn fn, void *ctx)
{
	struct vg_cur jump, *at = c;
	size_t wire = 1; /* the root label's byte */
	unsigned hops = 0, index = 0;
	uint8_t b, lo;
	const uint8_t *lab;

	for (;;) {
		if (!vg_cur_u8(at, &b))
			return false;
		if (b == 0)
			return true;
		if ((b & 0xc0) == 0xc0) {
			/* A pointer: 14-bit offset from the message start;
			 * c stays after the first one. */
			if (!vg_cur_u8(at, &lo) || ++hops > max_ptrs)
				return false;
			vg_cur_init(&jump, msg, len);
			if (!vg_cur_skip(&jump, (size_t)(b & 0x3f) << 8 | lo))
				return false;
			at = &jump;
			continue;
		}
		if (b > VG_DNS_MAX_LABEL)
			return false; /* 0x40 extended, 0x80 reserved */
		wire += 1 + (size_t)b;
		if (wire > VG_DNS_MAX_NAME || !vg_cur_bytes(at, b, &lab))
			return false;
		if (fn != NULL)
			fn(ctx, index, lab, b);
		index++;
	}
}

/*
 * DNS wire format shared by the mDNS and NBNS decoders (RFC 1035 4.1):
 * the message header and names with compression pointers. Decoder-
 * internal, not part of the discover.h contract.
 */
#ifndef VG_DISCOVER_DNS_NAME_H
#define VG_DISCOVER_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discover/cursor.h"

#define VG_DNS_HDR_LEN 12
#define VG_DNS_MAX_LABEL 63 /* RFC 1035 2.3.4 */
#define VG_DNS_MAX_NAME 255 /* RFC 1035 2.3.4, wire form with the root */

/* The fixed header: id, flags and the four section counts. */
struct vg_dns_hdr {
	uint16_t id, flags, qd, an, ns, ar;
};

/* Read the header at c into *h; false (h zeroed) when it is cut short. */
bool vg_dns_header(struct vg_cur *c, struct vg_dns_hdr *h);

/* Called for each label of a name, index 0 first; len <= 63. */
typedef void (*vg_dns_label_fn)(void *ctx, unsigned index, const uint8_t *label,
				size_t len);

/*
 * Walk the name at c's position, calling fn (if not NULL) for each of
 * its labels, and leave c after the name's in-place bytes (the labels
 * up to the root or the first compression pointer). c may be a
 * sub-cursor (record data): pointers are resolved against the whole
 * message msg[0..len). False for a malformed name: a label type 0x40
 * or 0x80, a pointer outside the message, more than max_ptrs pointers
 * (a loop), a name over VG_DNS_MAX_NAME bytes on the wire; labels
 * before the fault have been passed to fn.
 */
bool vg_dns_name(struct vg_cur *c, const uint8_t *msg, size_t len,
		 unsigned max_ptrs, vg_dns_label_fn fn, void *ctx);

#endif

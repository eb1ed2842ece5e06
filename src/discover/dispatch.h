/*
 * The decoding pipeline after vg_packet_decode: each packet goes to the
 * datagram decoder its kind and ports name, TCP segments to the flow
 * table (whose stream decoders find their protocol by content, on any
 * port). Counters of what was decoded and refused go to the stats.
 */
#ifndef VG_DISCOVER_DISPATCH_H
#define VG_DISCOVER_DISPATCH_H

#include <stdint.h>

#include "discover/discover.h"
#include "discover/flow.h"

struct vg_dispatch_stats {
	uint64_t packets;                   /* packets dispatched */
	uint64_t datagrams[VG_PROTO_COUNT]; /* handed to a datagram decoder */
	uint64_t malformed[VG_PROTO_COUNT]; /* refused by it (VG_ERR_PARSE) */
};

/*
 * Route pkt (decoded by vg_packet_decode): ARP, LLDP and CDP by kind;
 * UDP by either port: 67/68 DHCP, 137 NBNS, 1900 SSDP, 5353 mDNS, 47808
 * BACnet/IP; TCP to vg_flows_segment(fl). A NULL fl ignores TCP.
 */
void vg_dispatch(const struct vg_packet *pkt, struct vg_flows *fl,
		 const struct vg_obs_sink *sink, struct vg_dispatch_stats *st);

#endif

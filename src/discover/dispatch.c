/*
 * The decoding pipeline (dispatch.h): a packet goes to the datagram
 * decoder its kind or a well-known UDP port names, a TCP segment to the
 * flow table, whose stream decoders (the table below, tried in order)
 * recognise their protocol by content whatever the port.
 */
#include "util/common.h"

#include "discover/dispatch.h"
#include "util/banned.h"

/* Tried in this order on every new TCP direction (flow.h): those that
 * know their protocol from a binary header first, the text ones after,
 * so a loose text match rarely claims another protocol's bytes. */
const struct vg_stream_decoder vg_stream_decoders[] = {
	{VG_PROTO_DICOM, vg_dicom_stream},   {VG_PROTO_HL7, vg_hl7_stream},
	{VG_PROTO_TLS, vg_tls_stream},       {VG_PROTO_HTTP, vg_http_stream},
	{VG_PROTO_MODBUS, vg_modbus_stream}, {VG_PROTO_TELNET, vg_login_stream},
};
const size_t vg_stream_decoder_count = VG_ARRAY_LEN(vg_stream_decoders);

typedef enum vg_rc (*dgram_fn)(const struct vg_packet *pkt,
			       const struct vg_obs_sink *sink);

/* Link-layer kinds with a decoder of their own. */
static const struct {
	enum vg_pkt_kind kind;
	enum vg_proto proto;
	dgram_fn fn;
} kinds[] = {
	{VG_PKT_ARP, VG_PROTO_ARP, vg_arp_decode},
	{VG_PKT_LLDP, VG_PROTO_LLDP, vg_lldp_decode},
	{VG_PKT_CDP, VG_PROTO_CDP, vg_cdp_decode},
};

/* UDP services by well-known port. */
static const struct {
	uint16_t port;
	enum vg_proto proto;
	dgram_fn fn;
} udp_ports[] = {
	{67, VG_PROTO_DHCP, vg_dhcp_decode},
	{68, VG_PROTO_DHCP, vg_dhcp_decode},
	{137, VG_PROTO_NBNS, vg_nbns_decode},
	{1900, VG_PROTO_SSDP, vg_ssdp_decode},
	{5353, VG_PROTO_MDNS, vg_mdns_decode},
	{47808, VG_PROTO_BACNET, vg_bacnet_decode},
};

static void
run(enum vg_proto proto, dgram_fn fn, const struct vg_packet *pkt,
    const struct vg_obs_sink *sink, struct vg_dispatch_stats *st)
{
	enum vg_rc rc = fn(pkt, sink);

	if (st == NULL)
		return;
	st->datagrams[proto]++;
	if (rc != VG_OK)
		st->malformed[proto]++;
}

/*
 * The UDP decoder for pkt: the destination port first (a request to a
 * service), then the source port (its answer), so a client whose
 * ephemeral port happens to be a service port still goes to the right
 * decoder.
 */
static void
dispatch_udp(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	     struct vg_dispatch_stats *st)
{
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(udp_ports); i++) {
		if (pkt->dport == udp_ports[i].port) {
			run(udp_ports[i].proto, udp_ports[i].fn, pkt, sink, st);
			return;
		}
	}
	for (i = 0; i < VG_ARRAY_LEN(udp_ports); i++) {
		if (pkt->sport == udp_ports[i].port) {
			run(udp_ports[i].proto, udp_ports[i].fn, pkt, sink, st);
			return;
		}
	}
}

void
vg_dispatch(const struct vg_packet *pkt, struct vg_flows *fl,
	    const struct vg_obs_sink *sink, struct vg_dispatch_stats *st)
{
	size_t i;

	if (pkt == NULL)
		return;
	if (st != NULL)
		st->packets++;
	if (pkt->kind == VG_PKT_UDP) {
		dispatch_udp(pkt, sink, st);
		return;
	}
	if (pkt->kind == VG_PKT_TCP) {
		if (fl != NULL)
			vg_flows_segment(fl, pkt, sink);
		return;
	}
	for (i = 0; i < VG_ARRAY_LEN(kinds); i++) {
		if (pkt->kind == kinds[i].kind) {
			run(kinds[i].proto, kinds[i].fn, pkt, sink, st);
			return;
		}
	}
}

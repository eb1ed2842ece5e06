/*
 * Passive discovery (issue "vigie discover"): the contract between the
 * packet decoder, the protocol decoders and the device table.
 *
 *   pcap record -> vg_packet_decode -> struct vg_packet
 *     -> datagram decoders (UDP and L2: DHCP, mDNS, LLDP, ...) or
 *     -> the TCP flow table (flow.h) -> stream decoders (DICOM, HL7, ...)
 *   each decoder emits observations (struct vg_obs) into a sink; the
 *   device table (devices.h) merges them into devices.
 *
 * Every decoder reads untrusted bytes through struct vg_cur (cursor.h),
 * never trusts a length, never allocates per packet unless it says so,
 * never prints and never aborts: malformed input returns VG_ERR_PARSE
 * (the caller counts it) after emitting whatever was decoded safely.
 * Nothing here sends a packet (see docs/internals/discover.md).
 *
 * Privacy: a decoder emits identity only (names, versions, roles). DICOM
 * data sets, HL7 segments other than MSH and SFT, and passwords are
 * never copied, emitted or kept.
 */
#ifndef VG_DISCOVER_DISCOVER_H
#define VG_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Link types (pcap LINKTYPE_* values) vg_packet_decode understands. */
#define VG_LINK_NULL 0         /* BSD loopback, host-order family */
#define VG_LINK_EN10MB 1       /* Ethernet (also Linux "lo") */
#define VG_LINK_RAW 101        /* raw IPv4/IPv6 */
#define VG_LINK_LINUX_SLL 113  /* Linux cooked v1 */
#define VG_LINK_LINUX_SLL2 276 /* Linux cooked v2 ("-i any") */

/* An IP address; family 0 means none. */
struct vg_addr {
	uint8_t family; /* 0, 4 or 6 */
	uint8_t b[16];  /* network order; IPv4 in b[0..3] */
};

enum vg_pkt_kind {
	VG_PKT_OTHER = 0, /* nothing a decoder wants */
	VG_PKT_ARP,       /* payload: the ARP body (after the EtherType) */
	VG_PKT_LLDP,      /* payload: the LLDPDU (EtherType 0x88cc) */
	VG_PKT_CDP,       /* payload: CDP after the LLC/SNAP header */
	VG_PKT_UDP,       /* payload: the UDP payload */
	VG_PKT_TCP,       /* payload: the TCP payload (may be empty) */
	VG_PKT_IP,        /* another IP protocol, or a non-first fragment */
};

#define VG_TCP_FIN 0x01
#define VG_TCP_SYN 0x02
#define VG_TCP_RST 0x04
#define VG_TCP_PSH 0x08
#define VG_TCP_ACK 0x10

/*
 * One decoded frame. Pointers point into the caller's frame buffer and
 * live as long as it does. payload_len is what the capture holds, never
 * more than the headers claim (a length that lies is clamped and
 * `truncated` set).
 */
struct vg_packet {
	int64_t ts_us; /* capture time, microseconds since 1970 */
	bool has_mac;  /* false on cooked/raw links without a source MAC */
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan; /* outermost 802.1Q/802.1ad VLAN id, 0 if none */
	enum vg_pkt_kind kind;
	struct vg_addr src, dst; /* IP addresses (UDP, TCP, IP) */
	uint8_t ip_proto;        /* 6 TCP, 17 UDP, ... */
	bool fragment;           /* part of a fragmented IP datagram */
	bool truncated;          /* the capture or a header cut it short */
	uint16_t sport, dport;   /* UDP/TCP ports */
	uint32_t seq;            /* TCP sequence number */
	uint8_t tcp_flags;       /* VG_TCP_* */
	const uint8_t *payload;
	size_t payload_len;
};

/*
 * Decode frame data[0..caplen) of link type linktype (VG_LINK_*) into
 * *pkt. Handles Ethernet II, 802.3 + LLC/SNAP (CDP), 802.1Q and 802.1ad
 * tags (stacked, up to VG_MAX_VLAN_TAGS), ARP, LLDP, IPv4 (options,
 * fragments), IPv6 (extension headers up to a named limit), UDP, TCP.
 * Returns VG_OK (pkt->kind says what was found, VG_PKT_OTHER for frames
 * of no interest) or VG_ERR_PARSE for a malformed frame (pkt still
 * describes what was decoded before the fault).
 */
enum vg_rc vg_packet_decode(int linktype, const uint8_t *data, size_t caplen,
			    int64_t ts_us, struct vg_packet *pkt);

#define VG_MAX_VLAN_TAGS 4
#define VG_MAX_IPV6_EXT 8 /* extension headers followed before giving up */

/* The protocols observations come from; names in vg_proto_name. */
enum vg_proto {
	VG_PROTO_ARP = 0,
	VG_PROTO_DHCP,
	VG_PROTO_DICOM,
	VG_PROTO_HL7,
	VG_PROTO_MDNS,
	VG_PROTO_SSDP,
	VG_PROTO_LLDP,
	VG_PROTO_CDP,
	VG_PROTO_NBNS,
	VG_PROTO_BACNET,
	VG_PROTO_MODBUS,
	VG_PROTO_HTTP,
	VG_PROTO_TLS,
	VG_PROTO_TELNET,
	VG_PROTO_FTP,
	VG_PROTO_COUNT
};

/* "dhcp", "dicom", ...; NULL out of range. */
const char *vg_proto_name(enum vg_proto p);

/*
 * What an observation says. The fields v[0..3] each attribute uses are
 * listed here; unused fields are empty (p NULL, n 0).
 */
enum vg_attr {
	VG_ATTR_IP = 0,   /* about a MAC: ip is its address (ARP, DHCP ACK) */
	VG_ATTR_HOSTNAME, /* v0 name (DHCP 12/81, NBNS, LLDP, CDP, mDNS) */
	VG_ATTR_VENDOR_CLASS, /* v0 DHCP option 60 */
	VG_ATTR_CLIENT_ID,    /* v0 DHCP option 61, lower-case hex */
	VG_ATTR_DHCP_FP,      /* v0 option order "53,61,12,60,55",
			       * v1 parameter request list "1,3,6,15",
			       * v2 message type ("discover", "request", ...) */
	VG_ATTR_VENDOR,       /* v0 vendor named by the device itself */
	VG_ATTR_MODEL,        /* v0 model / product / platform */
	VG_ATTR_SOFTWARE, /* v0 software or firmware description, v1 version */
	VG_ATTR_SERVICE,  /* v0 service ("dicom", "hl7", "_ipp._tcp", ...),
			   * v1 port (decimal) when known */
	VG_ATTR_USER_AGENT,   /* v0 HTTP User-Agent / SSDP USER-AGENT */
	VG_ATTR_SERVER,       /* v0 HTTP Server / SSDP SERVER header */
	VG_ATTR_TLS_SNI,      /* v0 server name the client asked for */
	VG_ATTR_DICOM_AE,     /* v0 AE title (spaces trimmed) */
	VG_ATTR_DICOM_ROLE,   /* v0 role, one of vg_dicom_role_names */
	VG_ATTR_DICOM_SOP,    /* v0 SOP class UID, v1 its name if known,
			       * v2 modality ("CT", "MR", ...) if it implies one */
	VG_ATTR_DICOM_IMPL,   /* v0 implementation class UID, v1 version name */
	VG_ATTR_HL7_APP,      /* v0 application (MSH-3 or -5), v1 facility
			       * (MSH-4 or -6), v2 message type (MSH-9, e.g.
			       * "ADT^A01"), v3 version (MSH-12) */
	VG_ATTR_HL7_SOFTWARE, /* v0 vendor (SFT-1), v1 version (SFT-2),
			       * v2 product (SFT-3) */
	VG_ATTR_CLEARTEXT_LOGIN, /* about the server: v0 "telnet", "ftp" or
				  * "http-basic", v1 the user name (never
				  * the password) */
	VG_ATTR_BACNET_DEVICE, /* v0 device instance, v1 vendor id (decimal) */
	VG_ATTR_MODBUS_ID,     /* v0 vendor, v1 product code, v2 revision */
	VG_ATTR_COUNT
};

/* "ip", "hostname", ...; NULL out of range. */
const char *vg_attr_name(enum vg_attr a);

/* Who an observation is about. */
enum vg_about {
	VG_ABOUT_SRC = 0, /* the packet's sender (MAC if any, else IP) */
	VG_ABOUT_DST,     /* the packet's receiver */
	VG_ABOUT_MAC,     /* the device with MAC obs.mac (e.g. DHCP chaddr) */
};

/* Untrusted bytes, not NUL-terminated; the device table sanitises. */
struct vg_text {
	const char *p;
	size_t n;
};

#define VG_OBS_FIELDS 4

struct vg_obs {
	enum vg_about about;
	uint8_t mac[6];    /* VG_ABOUT_MAC */
	struct vg_addr ip; /* VG_ATTR_IP: the address bound to the device */
	enum vg_proto proto;
	enum vg_attr attr;
	struct vg_text v[VG_OBS_FIELDS];
	uint8_t weight; /* confidence in percent (passive-discovery.md §6) */
};

/*
 * Where decoders put observations. emit copies what it keeps: the
 * observation and its text live only for the call.
 */
struct vg_obs_sink {
	void (*emit)(void *ctx, const struct vg_packet *pkt,
		     const struct vg_obs *o);
	void *ctx;
};

static inline void
vg_obs_emit(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	    const struct vg_obs *o)
{
	if (sink != NULL && sink->emit != NULL)
		sink->emit(sink->ctx, pkt, o);
}

/* A vg_text over a NUL-terminated string or n bytes. */
static inline struct vg_text
vg_text_of(const char *p, size_t n)
{
	struct vg_text t = {p, p != NULL ? n : 0};
	return t;
}

/*
 * Datagram decoders: one frame already decoded into pkt (their bytes are
 * pkt->payload). VG_OK, or VG_ERR_PARSE for a malformed datagram (what
 * came before the fault may have been emitted).
 */
enum vg_rc vg_arp_decode(const struct vg_packet *pkt,
			 const struct vg_obs_sink *sink);
enum vg_rc vg_dhcp_decode(const struct vg_packet *pkt,
			  const struct vg_obs_sink *sink);
enum vg_rc vg_nbns_decode(const struct vg_packet *pkt,
			  const struct vg_obs_sink *sink);
enum vg_rc vg_bacnet_decode(const struct vg_packet *pkt,
			    const struct vg_obs_sink *sink);
enum vg_rc vg_ssdp_decode(const struct vg_packet *pkt,
			  const struct vg_obs_sink *sink);
enum vg_rc vg_mdns_decode(const struct vg_packet *pkt,
			  const struct vg_obs_sink *sink);
enum vg_rc vg_lldp_decode(const struct vg_packet *pkt,
			  const struct vg_obs_sink *sink);
enum vg_rc vg_cdp_decode(const struct vg_packet *pkt,
			 const struct vg_obs_sink *sink);

/*
 * Stream decoders: the bytes of one direction of a TCP connection, in
 * order, as the flow table (flow.h) reassembles them. The flow table
 * keeps the bytes a decoder has not consumed (up to its cap) and calls
 * again when more arrive:
 *
 *   VG_STREAM_NO    not this protocol: never called again for this
 *                   direction;
 *   VG_STREAM_MORE  cannot tell or decode yet: call again with more
 *                   bytes (nothing consumed);
 *   VG_STREAM_OK    this protocol: out->consumed bytes (> 0) are done
 *                   with and dropped, then out->skip more bytes are
 *                   dropped as they arrive without being buffered (a
 *                   DICOM P-DATA body, an HL7 segment that is not MSH or
 *                   SFT); the decoder is called again with the rest.
 *
 * pkt is the segment that brought the newest bytes (its src is the
 * sender of this direction); from_client says whether the sender opened
 * the connection (or, if its SYN was not seen, has the higher port).
 * state is VG_STREAM_STATE bytes per connection and decoder, zero at
 * first, shared by both directions (DICOM matches an A-ASSOCIATE-AC to
 * its request through it).
 */
enum vg_stream_rc {
	VG_STREAM_NO = 0,
	VG_STREAM_MORE,
	VG_STREAM_OK,
};

struct vg_stream_out {
	size_t consumed;
	uint64_t skip;
};

#define VG_STREAM_STATE 256

typedef enum vg_stream_rc (*vg_stream_fn)(uint8_t state[VG_STREAM_STATE],
					  const struct vg_packet *pkt,
					  bool from_client, const uint8_t *p,
					  size_t n, struct vg_stream_out *out,
					  const struct vg_obs_sink *sink);

enum vg_stream_rc vg_dicom_stream(uint8_t state[VG_STREAM_STATE],
				  const struct vg_packet *pkt, bool from_client,
				  const uint8_t *p, size_t n,
				  struct vg_stream_out *out,
				  const struct vg_obs_sink *sink);
enum vg_stream_rc vg_hl7_stream(uint8_t state[VG_STREAM_STATE],
				const struct vg_packet *pkt, bool from_client,
				const uint8_t *p, size_t n,
				struct vg_stream_out *out,
				const struct vg_obs_sink *sink);
enum vg_stream_rc vg_modbus_stream(uint8_t state[VG_STREAM_STATE],
				   const struct vg_packet *pkt,
				   bool from_client, const uint8_t *p, size_t n,
				   struct vg_stream_out *out,
				   const struct vg_obs_sink *sink);
enum vg_stream_rc vg_http_stream(uint8_t state[VG_STREAM_STATE],
				 const struct vg_packet *pkt, bool from_client,
				 const uint8_t *p, size_t n,
				 struct vg_stream_out *out,
				 const struct vg_obs_sink *sink);
enum vg_stream_rc vg_tls_stream(uint8_t state[VG_STREAM_STATE],
				const struct vg_packet *pkt, bool from_client,
				const uint8_t *p, size_t n,
				struct vg_stream_out *out,
				const struct vg_obs_sink *sink);
/* Telnet and FTP logins (user name only; ports 21 and 23). */
enum vg_stream_rc vg_login_stream(uint8_t state[VG_STREAM_STATE],
				  const struct vg_packet *pkt, bool from_client,
				  const uint8_t *p, size_t n,
				  struct vg_stream_out *out,
				  const struct vg_obs_sink *sink);

struct vg_stream_decoder {
	enum vg_proto proto;
	vg_stream_fn fn;
};

/* The stream decoders tried on a new connection, in this order. */
extern const struct vg_stream_decoder vg_stream_decoders[];
extern const size_t vg_stream_decoder_count;

/* DICOM roles (VG_ATTR_DICOM_ROLE values). */
#define VG_DICOM_ROLE_MODALITY "modality" /* stores images it made */
#define VG_DICOM_ROLE_ARCHIVE "archive"   /* accepts storage: PACS */
#define VG_DICOM_ROLE_WORKLIST "worklist" /* provides the worklist */
#define VG_DICOM_ROLE_WORKLIST_USER "worklist-user"
#define VG_DICOM_ROLE_QUERY "query"     /* answers query/retrieve */
#define VG_DICOM_ROLE_VIEWER "viewer"   /* queries, retrieves */
#define VG_DICOM_ROLE_PRINTER "printer" /* accepts print jobs */
#define VG_DICOM_ROLE_PRINT_USER "print-user"
#define VG_DICOM_ROLE_VERIFY "verification" /* C-ECHO only */

#endif

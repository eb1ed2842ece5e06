/*
 * NetBIOS Name Service (RFC 1001/1002, UDP 137) decoder: the Windows
 * (and embedded-Windows modality console) host names a machine claims.
 * Layout: passive-discovery.md §5 and Appendix B frame 6.
 *
 * Only messages where the sender speaks about itself count: name
 * registrations and refreshes (their question name), positive answers
 * whose NB address is the sender's, and node status answers (the
 * sender's own name table). A query names someone else: nothing.
 * Group names (workgroups, domains) are not host names and are skipped.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "discover/dns_name.h"
#include "util/banned.h"

/* Compression pointers followed in one name (stops loops). */
#define NBNS_MAX_PTRS 8
/* Questions and resource records read from one message. */
#define NBNS_MAX_QUESTIONS 4
#define NBNS_MAX_RRS 16
/* Names read from one node status answer (the count is one byte). */
#define NBNS_MAX_STATUS_NAMES 255

#define W_HOSTNAME 60 /* passive-discovery.md §6 */

#define FLAG_QR 0x8000
#define OP_REGISTER 5
#define OP_REFRESH 8
#define OP_REFRESH_ALT 9 /* the refresh opcode Windows actually sends */
#define TYPE_NB 0x0020
#define TYPE_NBSTAT 0x0021
#define NB_GROUP 0x8000 /* NB_FLAGS / NAME_FLAGS: a group name */

/* A NetBIOS name: 15 characters (space padded) and the suffix byte. */
struct nbname {
	uint8_t b[16];
};

enum name_rc {
	NAME_BAD = 0, /* malformed: the message cannot be read further */
	NAME_OTHER,   /* a DNS name, but not a first-level encoded one */
	NAME_OK,
};

/* The 32 characters 'A'..'P' of a first-level encoded name. */
static bool
decode_half_ascii(const uint8_t *s, struct nbname *out)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		unsigned hi = (unsigned)s[2 * i] - 'A';
		unsigned lo = (unsigned)s[2 * i + 1] - 'A';

		if (hi > 15 || lo > 15)
			return false;
		out->b[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* A name being read: the first label decoded when it is 32 bytes. */
struct name_walk {
	struct nbname *out;
	bool encoded;
};

static void
first_label(void *ctx, unsigned index, const uint8_t *lab, size_t len)
{
	struct name_walk *w = ctx;

	if (index == 0 && len == 32)
		w->encoded = decode_half_ascii(lab, w->out);
}

/*
 * Read the name at c's position in the message c covers, leaving c just
 * after it (after the first compression pointer when there is one).
 * Pointers are followed within the message, at most NBNS_MAX_PTRS of
 * them; scope labels after the encoded label are skipped.
 */
static enum name_rc
read_name(struct vg_cur *c, struct nbname *out)
{
	struct name_walk w = {out, false};

	if (!vg_dns_name(c, c->p, c->len, NBNS_MAX_PTRS, first_label, &w))
		return NAME_BAD;
	return w.encoded ? NAME_OK : NAME_OTHER;
}

static void
emit_name(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	  const uint8_t *name, uint8_t suffix)
{
	static const char digits[] = "0123456789abcdef";
	char hex[2] = {digits[suffix >> 4], digits[suffix & 15]};
	size_t n = 15;

	while (n > 0 && name[n - 1] == ' ')
		n--;
	if (n > 0)
		vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_NBNS,
			     VG_ATTR_HOSTNAME, W_HOSTNAME,
			     vg_text_of((const char *)name, n),
			     vg_text_of(hex, 2));
}

/* True when the NB RDATA lists the sender's IPv4 address, unique. */
static bool
nb_is_sender(const struct vg_packet *pkt, struct vg_cur *rd)
{
	uint16_t flags;
	const uint8_t *ip;

	if (pkt->src.family != 4)
		return false;
	while (vg_cur_u16be(rd, &flags) && vg_cur_bytes(rd, 4, &ip))
		if (!(flags & NB_GROUP) && memcmp(ip, pkt->src.b, 4) == 0)
			return true;
	return false;
}

/* A node status answer: the sender's own name table. */
static bool
node_status(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	    struct vg_cur *rd)
{
	uint8_t count;
	uint16_t flags;
	const uint8_t *ent;
	size_t i;

	if (!vg_cur_u8(rd, &count))
		return false;
	for (i = 0; i < count && i < NBNS_MAX_STATUS_NAMES; i++) {
		if (!vg_cur_bytes(rd, 16, &ent) || !vg_cur_u16be(rd, &flags))
			return false;
		if (!(flags & NB_GROUP))
			emit_name(pkt, sink, ent, ent[15]);
	}
	return true;
}

enum vg_rc
vg_nbns_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_cur c, rd;
	struct vg_dns_hdr h;
	uint16_t type = 0, cls = 0, rdlen = 0;
	uint32_t ttl = 0;
	unsigned opcode, i, rrs;
	struct nbname qname, rrname;
	enum name_rc qrc = NAME_OTHER, rc;
	bool response, group = false;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	memset(&qname, 0, sizeof(qname));
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	if (!vg_dns_header(&c, &h))
		return VG_ERR_PARSE;
	response = (h.flags & FLAG_QR) != 0;
	opcode = (unsigned)(h.flags >> 11) & 0xf;
	if (!response && opcode != OP_REGISTER && opcode != OP_REFRESH &&
	    opcode != OP_REFRESH_ALT)
		return VG_OK; /* a query (or release) names someone else */
	if (response && (h.flags & 0xf) != 0)
		return VG_OK; /* a negative answer */

	for (i = 0; i < h.qd && i < NBNS_MAX_QUESTIONS; i++) {
		rc = read_name(&c, i == 0 ? &qname : &rrname);
		if (rc == NAME_BAD || !vg_cur_skip(&c, 4))
			return VG_ERR_PARSE;
		if (i == 0)
			qrc = rc;
	}
	if (h.qd > NBNS_MAX_QUESTIONS)
		return VG_ERR_PARSE; /* the records cannot be found */

	rrs = (unsigned)h.an + h.ns + h.ar;
	for (i = 0; i < rrs && i < NBNS_MAX_RRS; i++) {
		rc = read_name(&c, &rrname);
		(void)vg_cur_u16be(&c, &type);
		(void)vg_cur_u16be(&c, &cls);
		(void)vg_cur_u32be(&c, &ttl);
		(void)vg_cur_u16be(&c, &rdlen);
		if (rc == NAME_BAD || c.bad || !vg_cur_sub(&c, rdlen, &rd))
			return VG_ERR_PARSE;
		if (!response) {
			/* a registration's NB_FLAGS say unique or group */
			uint16_t nbf;

			if (type == TYPE_NB && vg_cur_u16be(&rd, &nbf) &&
			    (nbf & NB_GROUP))
				group = true;
			continue;
		}
		if (type == TYPE_NB && rc == NAME_OK && nb_is_sender(pkt, &rd))
			emit_name(pkt, sink, rrname.b, rrname.b[15]);
		else if (type == TYPE_NBSTAT && !node_status(pkt, sink, &rd))
			return VG_ERR_PARSE;
	}
	/* emitted only once the whole registration has been read */
	if (!response && qrc == NAME_OK && !group)
		emit_name(pkt, sink, qname.b, qname.b[15]);
	return VG_OK;
}

/*
 * DHCPv4 (BOOTP, RFC 2131) decoder: who the client is (chaddr), what it
 * calls itself (options 12, 81), what software it runs (60, 61 and the
 * option fingerprint), and which address a server gave it (ACK yiaddr).
 * Layout: passive-discovery.md §4.1; fingerprint: §4.3.
 *
 * The device is chaddr, never the L2 source: a relayed request
 * (giaddr != 0) arrives from the relay's MAC.
 */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "discover/cursor.h"
#include "discover/discover.h"
#include "util/banned.h"

/* Longest text emitted (hostname, vendor class, lists): longer is cut. */
#define DHCP_MAX_TEXT 255
/* Bytes kept of one option after joining repeats (RFC 3396). */
#define DHCP_MAX_OPT 255
/* Options walked in one packet before giving up on the rest. */
#define DHCP_MAX_OPTIONS 255
/* Fixed BOOTP header up to and including the magic cookie. */
#define DHCP_HDR_LEN 240

/* Weights, passive-discovery.md §6. */
#define W_HOSTNAME 70
#define W_VENDOR_CLASS 70
#define W_CLIENT_ID 50
#define W_FP 60
#define W_BIND 90
#define W_SERVER 80

#define OPT_PAD 0
#define OPT_HOSTNAME 12
#define OPT_MSGTYPE 53
#define OPT_PRL 55
#define OPT_VCI 60
#define OPT_CLIENT_ID 61
#define OPT_FQDN 81
#define OPT_END 255

#define MSG_ACK 5
#define FQDN_E 0x04 /* option 81 flag: name in DNS wire format */

static const char *const msg_names[] = {
	NULL,  "discover", "offer",   "request", "decline",
	"ack", "nak",      "release", "inform",
};

/* One option of interest, repeats joined, truncated at DHCP_MAX_OPT. */
struct opt {
	bool seen;
	size_t n;
	uint8_t b[DHCP_MAX_OPT];
};

struct dhcp {
	uint8_t op, htype, hlen;
	uint8_t ciaddr[4], yiaddr[4], giaddr[4];
	uint8_t chaddr[16];
	struct opt host, vci, cid, prl, fqdn, type;
	/* option order: text built while walking, cut at a comma */
	char order[DHCP_MAX_TEXT + 1];
	size_t order_n;
	bool order_full;
};

static bool
is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
opt_add(struct opt *o, const uint8_t *p, size_t n)
{
	size_t room = sizeof(o->b) - o->n;

	o->seen = true;
	if (n > room)
		n = room; /* a longer option is kept truncated */
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/*
 * Append "code" (with a comma when not first) to a decimal list of at
 * most DHCP_MAX_TEXT characters; once an item does not fit the list
 * stops there, so it never ends in half a number.
 */
static void
list_add(char *buf, size_t *n, bool *full, unsigned code)
{
	char item[8];
	int k;

	if (*full)
		return;
	k = snprintf(item, sizeof(item), "%s%u", *n > 0 ? "," : "", code);
	if (k < 0 || (size_t)k > DHCP_MAX_TEXT - *n) {
		*full = true;
		return;
	}
	memcpy(buf + *n, item, (size_t)k);
	*n += (size_t)k;
}

static struct opt *
opt_slot(struct dhcp *d, uint8_t code)
{
	switch (code) {
	case OPT_HOSTNAME:
		return &d->host;
	case OPT_VCI:
		return &d->vci;
	case OPT_CLIENT_ID:
		return &d->cid;
	case OPT_PRL:
		return &d->prl;
	case OPT_FQDN:
		return &d->fqdn;
	case OPT_MSGTYPE:
		return &d->type;
	default:
		return NULL;
	}
}

/*
 * Walk the options after the cookie. False when one is cut short (the
 * packet is malformed); reaching the data's end without option 255 is
 * tolerated.
 */
static bool
walk_options(struct vg_cur *c, struct dhcp *d)
{
	size_t count = 0;
	uint8_t code, len;
	const uint8_t *val;
	struct opt *slot;

	while (vg_cur_left(c) > 0 && count < DHCP_MAX_OPTIONS) {
		(void)vg_cur_u8(c, &code);
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return true;
		if (!vg_cur_u8(c, &len) || !vg_cur_bytes(c, len, &val))
			return false;
		count++;
		list_add(d->order, &d->order_n, &d->order_full, code);
		if ((slot = opt_slot(d, code)) != NULL)
			opt_add(slot, val, len);
	}
	return true;
}

/* The observation skeleton about the client (chaddr or the sender). */
static void
obs_client(const struct dhcp *d, bool by_mac, struct vg_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->proto = VG_PROTO_DHCP;
	if (by_mac) {
		o->about = VG_ABOUT_MAC;
		memcpy(o->mac, d->chaddr, 6);
	} else
		o->about = VG_ABOUT_SRC;
}

static void
emit_text(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	  struct vg_obs *o, enum vg_attr attr, const void *p, size_t n,
	  uint8_t weight)
{
	if (n == 0)
		return;
	if (n > DHCP_MAX_TEXT)
		n = DHCP_MAX_TEXT;
	o->attr = attr;
	o->v[0] = vg_text_of(p, n);
	o->weight = weight;
	vg_obs_emit(sink, pkt, o);
}

/*
 * The name of option 81 into out (DHCP_MAX_TEXT + 1 bytes): ASCII, or
 * DNS labels joined by dots when flag E is set (RFC 4702 forbids
 * compression, so a pointer or a label running past the option ends
 * the name). Returns its length.
 */
static size_t
fqdn_name(const struct opt *o, char *out)
{
	struct vg_cur c;
	const uint8_t *lab;
	uint8_t flags, len;
	size_t n = 0;

	vg_cur_init(&c, o->b, o->n);
	if (!vg_cur_u8(&c, &flags) || !vg_cur_skip(&c, 2))
		return 0;
	if (!(flags & FQDN_E)) {
		n = vg_cur_left(&c) < DHCP_MAX_TEXT ? vg_cur_left(&c)
						    : DHCP_MAX_TEXT;
		memcpy(out, vg_cur_here(&c), n);
		return n;
	}
	while (vg_cur_u8(&c, &len) && len > 0 && len <= 63) {
		if (!vg_cur_bytes(&c, len, &lab))
			break;
		if (n > 0 && n < DHCP_MAX_TEXT)
			out[n++] = '.';
		if (len > DHCP_MAX_TEXT - n)
			len = (uint8_t)(DHCP_MAX_TEXT - n);
		memcpy(out + n, lab, len);
		n += len;
	}
	return n;
}

/* Lower-case hex of the client identifier, whole bytes only. */
static size_t
hex_of(const struct opt *o, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i, n = 0;

	for (i = 0; i < o->n && n + 2 <= DHCP_MAX_TEXT; i++) {
		out[n++] = digits[o->b[i] >> 4];
		out[n++] = digits[o->b[i] & 15];
	}
	return n;
}

static void
emit_client(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	    const struct dhcp *d, bool by_mac, bool options_ok)
{
	char text[DHCP_MAX_TEXT + 1], prl[DHCP_MAX_TEXT + 1];
	size_t n = 0, i;
	bool full = false;
	struct vg_obs o;

	obs_client(d, by_mac, &o);
	emit_text(pkt, sink, &o, VG_ATTR_HOSTNAME, d->host.b, d->host.n,
		  W_HOSTNAME);
	if (d->fqdn.seen)
		emit_text(pkt, sink, &o, VG_ATTR_HOSTNAME, text,
			  fqdn_name(&d->fqdn, text), W_HOSTNAME);
	emit_text(pkt, sink, &o, VG_ATTR_VENDOR_CLASS, d->vci.b, d->vci.n,
		  W_VENDOR_CLASS);
	emit_text(pkt, sink, &o, VG_ATTR_CLIENT_ID, text, hex_of(&d->cid, text),
		  W_CLIENT_ID);
	/* a fingerprint of a cut-short option list would be a wrong one */
	if (!options_ok || d->order_n == 0)
		return;
	for (i = 0; i < d->prl.n; i++)
		list_add(prl, &n, &full, d->prl.b[i]);
	o.attr = VG_ATTR_DHCP_FP;
	o.v[0] = vg_text_of(d->order, d->order_n);
	o.v[1] = vg_text_of(prl, n);
	if (d->type.n > 0 && d->type.b[0] < VG_ARRAY_LEN(msg_names) &&
	    msg_names[d->type.b[0]] != NULL)
		o.v[2] = vg_text_of(msg_names[d->type.b[0]],
				    strlen(msg_names[d->type.b[0]]));
	o.weight = W_FP;
	vg_obs_emit(sink, pkt, &o);
}

/* VG_ATTR_IP: addr (IPv4) belongs to chaddr. */
static void
emit_bind(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	  const struct dhcp *d, const uint8_t addr[4])
{
	struct vg_obs o;

	obs_client(d, true, &o);
	o.attr = VG_ATTR_IP;
	o.ip.family = 4;
	memcpy(o.ip.b, addr, 4);
	o.weight = W_BIND;
	vg_obs_emit(sink, pkt, &o);
}

static void
emit_server(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_obs o;

	memset(&o, 0, sizeof(o));
	o.about = VG_ABOUT_SRC;
	o.proto = VG_PROTO_DHCP;
	o.attr = VG_ATTR_SERVICE;
	o.v[0] = vg_text_of("dhcp-server", strlen("dhcp-server"));
	o.v[1] = vg_text_of("67", 2);
	o.weight = W_SERVER;
	vg_obs_emit(sink, pkt, &o);
}

enum vg_rc
vg_dhcp_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	static const uint8_t cookie[4] = {0x63, 0x82, 0x53, 0x63};
	struct dhcp d;
	struct vg_cur c;
	const uint8_t *magic = NULL;
	bool by_mac, ok;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	memset(&d, 0, sizeof(d));
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	(void)vg_cur_u8(&c, &d.op);
	(void)vg_cur_u8(&c, &d.htype);
	(void)vg_cur_u8(&c, &d.hlen);
	(void)vg_cur_skip(&c, 1 + 4 + 2 + 2); /* hops, xid, secs, flags */
	if (!vg_cur_need(&c, DHCP_HDR_LEN - 12))
		return VG_ERR_PARSE;
	memcpy(d.ciaddr, vg_cur_here(&c), 4);
	memcpy(d.yiaddr, vg_cur_here(&c) + 4, 4);
	memcpy(d.giaddr, vg_cur_here(&c) + 12, 4);
	memcpy(d.chaddr, vg_cur_here(&c) + 16, 16);
	(void)vg_cur_skip(&c, 16 + 16 + 64 + 128); /* to the cookie */
	(void)vg_cur_bytes(&c, 4, &magic);
	if (c.bad || (d.op != 1 && d.op != 2) ||
	    memcmp(magic, cookie, sizeof(cookie)) != 0)
		return VG_ERR_PARSE;
	ok = walk_options(&c, &d);

	/*
	 * An Ethernet chaddr names the client wherever the packet came
	 * from; without one only an unrelayed client's own request can be
	 * attributed (to its sender).
	 */
	by_mac = d.htype == 1 && d.hlen == 6 && !is_zero(d.chaddr, 6);
	if (d.op == 1) {
		if (by_mac || is_zero(d.giaddr, 4))
			emit_client(pkt, sink, &d, by_mac, ok);
		if (by_mac && !is_zero(d.ciaddr, 4))
			emit_bind(pkt, sink, &d, d.ciaddr);
	} else {
		if (by_mac && d.type.n > 0 && d.type.b[0] == MSG_ACK &&
		    !is_zero(d.yiaddr, 4))
			emit_bind(pkt, sink, &d, d.yiaddr);
		emit_server(pkt, sink);
	}
	return ok ? VG_OK : VG_ERR_PARSE;
}

/*
 * mDNS / DNS-SD (RFC 6762, RFC 6763) on UDP 5353: what a responder says
 * about itself. Only responses (QR=1) describe their sender; their
 * answer and additional records give the services it offers (PTR), its
 * host name (SRV target, A/AAAA owner) and its model and maker (TXT keys
 * of printers and IoT devices). Queries are walked but emit nothing.
 *
 * Names use compression pointers, so a hostile packet can point in a
 * loop: every name walk has a hop limit and a length limit, and every
 * pointer must land inside the message.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "discover/dns_name.h"
#include "util/banned.h"

#define MDNS_MAX_QUESTIONS 64 /* questions walked; more is malformed */
#define MDNS_MAX_RECORDS 256  /* records walked per section */
#define MDNS_MAX_PTR_HOPS 16  /* compression pointers followed per name */
#define MDNS_MAX_TEXT 255     /* longest text emitted */
#define MDNS_NAME_BUF (VG_DNS_MAX_NAME + 1)

#define MDNS_WEIGHT_SERVICE 70
#define MDNS_WEIGHT_HOST 70
#define MDNS_WEIGHT_MODEL 80 /* passive-discovery.md §6: mDNS TXT model */
#define MDNS_WEIGHT_VENDOR 70

#define DNS_FLAG_QR 0x8000
#define DNS_OPCODE(f) (((f) >> 11) & 0x0f)

#define DNS_TYPE_A 1
#define DNS_TYPE_PTR 12
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_SRV 33

/* The service type of the DNS-SD meta-query name (RFC 6763 9). */
#define DNS_SD_META "_dns-sd._udp"

/* A decoded name in dotted text (labels joined by '.', no escaping). */
struct mdns_name {
	char s[MDNS_NAME_BUF];
	size_t n;
};

/* The message and what the walk needs to emit. */
struct mdns_ctx {
	const struct vg_packet *pkt;
	const struct vg_obs_sink *sink;
	const uint8_t *msg;
	size_t len;
};

/* One observation about the sender, v0 = p[0..n) cut; none if empty. */
static void
emit1(const struct mdns_ctx *m, enum vg_attr attr, const char *p, size_t n,
      uint8_t weight)
{
	struct vg_text t = vg_dsc_cut(p, n, MDNS_MAX_TEXT);

	if (n > 0)
		vg_dsc_emit(m->sink, m->pkt, VG_ABOUT_SRC, VG_PROTO_MDNS, attr,
			    weight, &t, 1);
}

/* Append one label to the dotted text of a name (vg_dns_label_fn). */
static void
add_label(void *ctx, unsigned index, const uint8_t *lab, size_t len)
{
	struct mdns_name *out = ctx;

	/* The wire limit (255 with the root byte) keeps the text, at most
	 * 254 bytes, in the buffer. */
	if (index > 0)
		out->s[out->n++] = '.';
	memcpy(out->s + out->n, lab, len);
	out->n += len;
	out->s[out->n] = '\0';
}

/*
 * Read the name at c's position into *out, leaving c after the name's
 * in-place bytes; pointers are resolved against the whole message.
 * False for a malformed name (dns_name.h).
 */
static bool
read_name(const struct mdns_ctx *m, struct vg_cur *c, struct mdns_name *out)
{
	out->n = 0;
	out->s[0] = '\0';
	return vg_dns_name(c, m->msg, m->len, MDNS_MAX_PTR_HOPS, add_label,
			   out);
}

/* True when name ends with the label sequence suffix (ASCII case-folded),
 * at a label boundary; *keep is then the length before ".suffix". */
static bool
ends_with(const struct mdns_name *name, const char *suffix, size_t *keep)
{
	size_t sn = strlen(suffix), i;

	if (name->n <= sn || name->s[name->n - sn - 1] != '.')
		return false;
	for (i = 0; i < sn; i++) {
		char a = name->s[name->n - sn + i], b = suffix[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return false;
	}
	*keep = name->n - sn - 1;
	return true;
}

/*
 * The service type a DNS-SD name names: its last two labels before
 * ".local" when they are "_x._tcp" or "_x._udp" ("_ipp._tcp.local",
 * "_universal._sub._ipp._tcp.local", "HP._ipp._tcp.local" all give
 * "_ipp._tcp"). False for other names (reverse lookups, host names).
 */
static bool
service_type(const struct mdns_name *name, const char **p, size_t *n)
{
	size_t end, i, dots = 0;

	if (!ends_with(name, "local", &end))
		return false;
	if (end < 6 ||
	    (strncmp(name->s + end - 5, "._tcp", 5) != 0 &&
	     strncmp(name->s + end - 5, "._udp", 5) != 0))
		return false;
	/* Back to the start of the label before "_tcp". */
	for (i = end; i > 0; i--) {
		if (name->s[i - 1] == '.' && ++dots == 2)
			break;
	}
	if (name->s[i] != '_' || end - i < 7)
		return false;
	*p = name->s + i;
	*n = end - i;
	return true;
}

/* A host name without its ".local" suffix. */
static size_t
host_len(const struct mdns_name *name)
{
	size_t keep;

	return ends_with(name, "local", &keep) ? keep : name->n;
}

/* Case-insensitive "key=" prefix test on a TXT string. */
static bool
txt_key(const uint8_t *s, size_t n, const char *key, size_t *voff)
{
	size_t kn = strlen(key), i;

	if (n < kn)
		return false;
	for (i = 0; i < kn; i++) {
		uint8_t a = s[i];

		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a - 'A' + 'a');
		if (a != (uint8_t)key[i])
			return false;
	}
	*voff = kn;
	return true;
}

/* TXT keys (lower case, with '=') and what they say. */
static const struct {
	const char *key;
	enum vg_attr attr;
	uint8_t weight;
	bool parens; /* the value is wrapped in "(...)" */
} txt_keys[] = {
	{"ty=", VG_ATTR_MODEL, MDNS_WEIGHT_MODEL, false},
	{"product=", VG_ATTR_MODEL, MDNS_WEIGHT_MODEL, true},
	{"model=", VG_ATTR_MODEL, MDNS_WEIGHT_MODEL, false},
	{"md=", VG_ATTR_MODEL, MDNS_WEIGHT_MODEL, false},
	{"usb_mdl=", VG_ATTR_MODEL, MDNS_WEIGHT_MODEL, false},
	{"usb_mfg=", VG_ATTR_VENDOR, MDNS_WEIGHT_VENDOR, false},
	{"manufacturer=", VG_ATTR_VENDOR, MDNS_WEIGHT_VENDOR, false},
};

/* The strings of a TXT record: len(1) + bytes each, inside rdata. */
static bool
decode_txt(const struct mdns_ctx *m, struct vg_cur *rd)
{
	const uint8_t *s;
	uint8_t n;
	size_t i, v, vn;

	while (vg_cur_left(rd) > 0) {
		if (!vg_cur_u8(rd, &n) || !vg_cur_bytes(rd, n, &s))
			return false;
		for (i = 0; i < VG_ARRAY_LEN(txt_keys); i++) {
			if (!txt_key(s, n, txt_keys[i].key, &v))
				continue;
			vn = n - v;
			if (txt_keys[i].parens && vn >= 2 && s[v] == '(' &&
			    s[v + vn - 1] == ')') {
				v++;
				vn -= 2;
			}
			emit1(m, txt_keys[i].attr, (const char *)s + v, vn,
			      txt_keys[i].weight);
			break;
		}
	}
	return true;
}

/* One record's data; emit says whether its section describes the sender. */
static bool
decode_rdata(const struct mdns_ctx *m, const struct mdns_name *owner,
	     uint16_t type, struct vg_cur *rd, bool emit)
{
	struct mdns_name target;
	const char *p;
	size_t n;

	switch (type) {
	case DNS_TYPE_PTR:
		if (!read_name(m, rd, &target))
			return false;
		if (!emit || !service_type(owner, &p, &n))
			return true;
		/* "_services._dns-sd._udp.local" lists types in its data. */
		if (n == strlen(DNS_SD_META) &&
		    memcmp(p, DNS_SD_META, n) == 0 &&
		    !service_type(&target, &p, &n))
			return true;
		emit1(m, VG_ATTR_SERVICE, p, n, MDNS_WEIGHT_SERVICE);
		return true;
	case DNS_TYPE_SRV:
		/* priority(2) weight(2) port(2) target */
		if (!vg_cur_skip(rd, 6) || !read_name(m, rd, &target))
			return false;
		if (emit)
			emit1(m, VG_ATTR_HOSTNAME, target.s, host_len(&target),
			      MDNS_WEIGHT_HOST);
		return true;
	case DNS_TYPE_TXT:
		return emit ? decode_txt(m, rd) : true;
	case DNS_TYPE_A:
	case DNS_TYPE_AAAA:
		if (vg_cur_left(rd) != (type == DNS_TYPE_A ? 4u : 16u))
			return false;
		if (emit && ends_with(owner, "local", &n))
			emit1(m, VG_ATTR_HOSTNAME, owner->s, n,
			      MDNS_WEIGHT_HOST);
		return true;
	default:
		return true; /* skipped by RDLENGTH */
	}
}

/* count resource records at c; false when one is malformed. */
static bool
walk_records(const struct mdns_ctx *m, struct vg_cur *c, uint16_t count,
	     bool emit)
{
	struct mdns_name owner;
	struct vg_cur rd;
	uint16_t type = 0, class = 0, rdlen = 0, i;
	uint32_t ttl = 0;

	if (count > MDNS_MAX_RECORDS)
		return false;
	for (i = 0; i < count; i++) {
		if (!read_name(m, c, &owner))
			return false;
		(void)vg_cur_u16be(c, &type);
		(void)vg_cur_u16be(c, &class);
		(void)vg_cur_u32be(c, &ttl);
		(void)vg_cur_u16be(c, &rdlen);
		/* a short read sets c->bad; RDLENGTH must fit what is left */
		if (c->bad || !vg_cur_sub(c, rdlen, &rd))
			return false;
		if (!decode_rdata(m, &owner, type, &rd, emit))
			return false;
	}
	return true;
}

enum vg_rc
vg_mdns_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct mdns_ctx m = {pkt, sink, NULL, 0};
	struct mdns_name q;
	struct vg_dns_hdr h;
	struct vg_cur c;
	uint16_t i;
	bool resp;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	m.msg = pkt->payload;
	m.len = pkt->payload != NULL ? pkt->payload_len : 0;
	vg_cur_init(&c, m.msg, m.len);
	if (!vg_dns_header(&c, &h))
		return VG_ERR_PARSE;
	/* RFC 6762 18.3: messages with another opcode are ignored. */
	if (DNS_OPCODE(h.flags) != 0)
		return VG_OK;
	resp = (h.flags & DNS_FLAG_QR) != 0;
	if (h.qd > MDNS_MAX_QUESTIONS)
		return VG_ERR_PARSE;
	for (i = 0; i < h.qd; i++) {
		/* name, type(2), class(2) */
		if (!read_name(&m, &c, &q) || !vg_cur_skip(&c, 4))
			return VG_ERR_PARSE;
	}
	/* Answers and additional records describe a responder; authority
	 * records (probes) are walked only to reach the additional ones. */
	if (!walk_records(&m, &c, h.an, resp) ||
	    !walk_records(&m, &c, h.ns, false) ||
	    !walk_records(&m, &c, h.ar, resp))
		return VG_ERR_PARSE;
	return VG_OK;
}

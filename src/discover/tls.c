/*
 * TLS stream decoder (passive-discovery.md §5, TLS row; Appendix B
 * frame 9): found by content on any port. It reads the first handshake
 * message of a direction, reassembled across records and segments:
 * a ClientHello gives the server name the client asked for (SNI,
 * extension 0) and says the receiver offers TLS; a ServerHello says the
 * sender does. Everything after the hello is encrypted (or of no
 * interest), so the direction is then given up (VG_STREAM_NO).
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define TLS_CT_HANDSHAKE 22
#define TLS_HS_CLIENT_HELLO 1
#define TLS_HS_SERVER_HELLO 2
#define TLS_EXT_SERVER_NAME 0
#define TLS_SNI_HOST_NAME 0
/* A record body is at most 2^14 bytes plus expansion (RFC 5246 6.2.3). */
#define TLS_MAX_RECORD (16384u + 2048u)
/* A hello longer than this is not decoded (real ones are < 2 KiB, with
 * post-quantum key shares < 4 KiB). */
#define TLS_MAX_HELLO 16384u
/* Bytes of records read to complete one hello (1-byte fragments would
 * otherwise cost 6 bytes each). */
#define TLS_MAX_SCAN (32u * 1024u)
/* Server names emitted from one ClientHello, and their length cap. */
#define TLS_MAX_SNI 8
#define TLS_MAX_TEXT 255
#define TLS_MAX_SESSION_ID 32

/* Weights: SNI as strong as an HTTP UA (§6); a ServerHello is a fact,
 * a ClientHello only says the client tried. */
#define TLS_W_SNI 50
#define TLS_W_SERVICE_SERVER 80
#define TLS_W_SERVICE_CLIENT 60

/* Per connection: directions already decoded (or given up). */
struct tls_state {
	uint8_t done[2]; /* [0] client's direction, [1] server's */
};

_Static_assert(sizeof(struct tls_state) <= VG_STREAM_STATE,
	       "tls state fits the per-connection bytes");

/*
 * The hello's fixed part up to the cipher suite(s): legacy version,
 * random, session id. False when it does not fit.
 */
static bool
hello_head(struct vg_cur *c)
{
	uint16_t version;
	uint8_t sid;

	if (!vg_cur_u16be(c, &version) || !vg_cur_skip(c, 32) ||
	    !vg_cur_u8(c, &sid) || sid > TLS_MAX_SESSION_ID)
		return false;
	return vg_cur_skip(c, sid);
}

/* Extension 0: a server_name_list of (type, name) entries. */
static void
server_names(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	     struct vg_cur *e)
{
	struct vg_cur list;
	const uint8_t *name;
	uint16_t len, nlen;
	uint8_t type;
	unsigned emitted = 0;

	if (!vg_cur_u16be(e, &len) || !vg_cur_sub(e, len, &list))
		return;
	while (vg_cur_left(&list) > 0 && emitted < TLS_MAX_SNI) {
		if (!vg_cur_u8(&list, &type) || !vg_cur_u16be(&list, &nlen) ||
		    !vg_cur_bytes(&list, nlen, &name))
			return;
		if (type != TLS_SNI_HOST_NAME || nlen == 0)
			continue;
		vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_TLS,
			     VG_ATTR_TLS_SNI, TLS_W_SNI,
			     vg_dsc_cut(name, nlen, TLS_MAX_TEXT),
			     vg_text_of(NULL, 0));
		emitted++;
	}
}

/*
 * A ClientHello body: the receiver offers TLS; the SNI names the server
 * the sender asked for. Extensions cut short are read as far as they go.
 */
static void
client_hello(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	     const uint8_t *p, size_t n)
{
	struct vg_cur c, exts, e;
	uint16_t suites, len, type;
	uint8_t comp;

	vg_cur_init(&c, p, n);
	if (!hello_head(&c) || !vg_cur_u16be(&c, &suites) || suites == 0 ||
	    suites % 2 != 0 || !vg_cur_skip(&c, suites) ||
	    !vg_cur_u8(&c, &comp) || comp == 0 || !vg_cur_skip(&c, comp))
		return;
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_DST, VG_PROTO_TLS, "tls",
			    pkt->dport, TLS_W_SERVICE_CLIENT);
	if (vg_cur_left(&c) == 0 || !vg_cur_u16be(&c, &len))
		return; /* no extensions (SSL 3.0 style) */
	/* A list longer than the message: read what is there. */
	if (!vg_cur_sub(&c, len, &exts))
		vg_cur_init(&exts, vg_cur_here(&c), vg_cur_left(&c));
	while (vg_cur_left(&exts) > 0) {
		if (!vg_cur_u16be(&exts, &type) || !vg_cur_u16be(&exts, &len) ||
		    !vg_cur_sub(&exts, len, &e))
			return;
		if (type == TLS_EXT_SERVER_NAME)
			server_names(pkt, sink, &e);
	}
}

/* A ServerHello body: the sender offers TLS. */
static void
server_hello(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	     const uint8_t *p, size_t n)
{
	struct vg_cur c;
	uint16_t suite;
	uint8_t comp;

	vg_cur_init(&c, p, n);
	if (!hello_head(&c) || !vg_cur_u16be(&c, &suite) ||
	    !vg_cur_u8(&c, &comp))
		return;
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_SRC, VG_PROTO_TLS, "tls",
			    pkt->sport, TLS_W_SERVICE_SERVER);
}

/*
 * Check the record header bytes present at c (up to 5): 1 a whole
 * valid header (*len set), 0 valid so far but cut, -1 not a handshake
 * record.
 */
static int
record_header(struct vg_cur *c, uint16_t *len)
{
	const uint8_t *h = vg_cur_here(c);
	size_t left = vg_cur_left(c);

	if (left >= 1 && h[0] != TLS_CT_HANDSHAKE)
		return -1;
	if (left >= 2 && h[1] != 3)
		return -1;
	if (left >= 3 && (h[2] < 1 || h[2] > 4))
		return -1;
	if (left < 5)
		return 0;
	*len = (uint16_t)((unsigned)h[3] << 8 | h[4]);
	if (*len == 0 || *len > TLS_MAX_RECORD)
		return -1;
	(void)vg_cur_skip(c, 5);
	return 1;
}

enum vg_stream_rc
vg_tls_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	      bool from_client, const uint8_t *p, size_t n,
	      struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	uint8_t hs[4 + TLS_MAX_HELLO]; /* the handshake message, joined */
	struct tls_state st;
	struct vg_cur c;
	const uint8_t *body;
	size_t have = 0, need = 0, take;
	uint16_t len;
	unsigned dir = from_client ? 0 : 1;
	int r;

	memcpy(&st, state, sizeof(st));
	if (st.done[dir])
		return VG_STREAM_NO;
	if (p == NULL || n == 0)
		return VG_STREAM_MORE;
	vg_cur_init(&c, p, n);
	/* Join the record bodies until the first message is whole. */
	for (;;) {
		if (c.off >= TLS_MAX_SCAN)
			return VG_STREAM_NO;
		r = record_header(&c, &len);
		if (r < 0)
			return VG_STREAM_NO;
		if (r == 0 || !vg_cur_bytes(&c, len, &body))
			return VG_STREAM_MORE;
		take = len;
		if (take > sizeof(hs) - have)
			take = sizeof(hs) - have;
		memcpy(hs + have, body, take);
		have += take;
		if (hs[0] != TLS_HS_CLIENT_HELLO &&
		    hs[0] != TLS_HS_SERVER_HELLO)
			return VG_STREAM_NO;
		if (need == 0 && have >= 4) {
			need = 4 +
				((size_t)hs[1] << 16 | (size_t)hs[2] << 8 |
				 hs[3]);
			if (need - 4 > TLS_MAX_HELLO)
				return VG_STREAM_NO;
		}
		if (need > 0 && have >= need)
			break;
	}
	if (hs[0] == TLS_HS_CLIENT_HELLO)
		client_hello(pkt, sink, hs + 4, need - 4);
	else
		server_hello(pkt, sink, hs + 4, need - 4);
	st.done[dir] = 1;
	memcpy(state, &st, sizeof(st));
	out->consumed = c.off;
	out->skip = 0;
	return VG_STREAM_OK;
}

/*
 * SSDP (UPnP discovery, HTTP over UDP 1900) decoder: a NOTIFY or a
 * search answer ("HTTP/1.1 200 OK") carries the device's SERVER header
 * (OS, UPnP stack, product) and its NT/ST type; an M-SEARCH carries the
 * searcher's USER-AGENT. passive-discovery.md §5, Appendix B frame 5.
 * LOCATION is never fetched: discover never sends.
 */
#include "util/common.h"

#include <string.h>
#include <strings.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

/* Longest text emitted: longer values are cut. */
#define SSDP_MAX_TEXT 255
/* Longest line read; a longer one makes the message malformed. */
#define SSDP_MAX_LINE 2048
/* Header lines read; the rest of a longer message is ignored. */
#define SSDP_MAX_HEADERS 64

#define W_SERVER 60 /* passive-discovery.md §6 */
#define W_SERVICE 60
#define W_USER_AGENT 50

enum ssdp_kind {
	SSDP_NOTIFY,
	SSDP_SEARCH,
	SSDP_RESPONSE
};

/* One line, without its CR LF or LF. */
struct line {
	const char *p;
	size_t n;
};

enum line_rc {
	LINE_END,
	LINE_OK,
	LINE_LONG
};

static enum line_rc
next_line(struct vg_cur *c, struct line *l)
{
	const uint8_t *start, *nl;
	size_t left = vg_cur_left(c), n;

	if (left == 0)
		return LINE_END;
	start = vg_cur_here(c);
	nl = memchr(start, '\n',
		    left < SSDP_MAX_LINE + 1 ? left : SSDP_MAX_LINE + 1);
	if (nl == NULL && left > SSDP_MAX_LINE)
		return LINE_LONG;
	n = nl != NULL ? (size_t)(nl - start) : left;
	(void)vg_cur_skip(c, nl != NULL ? n + 1 : n);
	if (n > 0 && start[n - 1] == '\r')
		n--;
	l->p = (const char *)start;
	l->n = n;
	return LINE_OK;
}

static bool
line_is(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	return l->n >= n && strncasecmp(l->p, s, n) == 0;
}

static bool
start_line(const struct line *l, enum ssdp_kind *kind)
{
	/* "HTTP/1.x 200 ..." whatever the reason phrase says */
	if (line_is(l, "NOTIFY * HTTP/1."))
		*kind = SSDP_NOTIFY;
	else if (line_is(l, "M-SEARCH * HTTP/1."))
		*kind = SSDP_SEARCH;
	else if (line_is(l, "HTTP/1.") && l->n >= 12 &&
		 memcmp(l->p + 8, " 200", 4) == 0)
		*kind = SSDP_RESPONSE;
	else
		return false;
	return true;
}

static void
trim(struct vg_text *t)
{
	while (t->n > 0 && (t->p[0] == ' ' || t->p[0] == '\t')) {
		t->p++;
		t->n--;
	}
	while (t->n > 0 && (t->p[t->n - 1] == ' ' || t->p[t->n - 1] == '\t'))
		t->n--;
	if (t->n > SSDP_MAX_TEXT)
		t->n = SSDP_MAX_TEXT;
}

/*
 * If l is header `name`, set *v (first occurrence wins) and return true.
 */
static bool
header(const struct line *l, const char *name, struct vg_text *v)
{
	size_t n = strlen(name);

	if (l->n <= n || l->p[n] != ':' || strncasecmp(l->p, name, n) != 0)
		return false;
	if (v->p == NULL) {
		*v = vg_text_of(l->p + n + 1, l->n - n - 1);
		trim(v); /* p stays set: an empty value is still seen */
	}
	return true;
}

static void
emit(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
     enum ssdp_kind kind, struct vg_text server, struct vg_text type,
     struct vg_text agent)
{
	struct vg_text upnp = vg_dsc_str("upnp");

	if (kind == SSDP_SEARCH) {
		if (agent.n > 0)
			vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_SSDP,
				    VG_ATTR_USER_AGENT, W_USER_AGENT, &agent,
				    1);
		return;
	}
	if (server.n > 0)
		vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_SSDP,
			     VG_ATTR_SERVER, W_SERVER, server, type);
	vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_SSDP, VG_ATTR_SERVICE,
		    W_SERVICE, &upnp, 1);
}

enum vg_rc
vg_ssdp_decode(const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_cur c;
	struct line l;
	struct vg_text server = {NULL, 0}, nt = {NULL, 0}, st = {NULL, 0};
	struct vg_text agent = {NULL, 0};
	enum ssdp_kind kind;
	enum line_rc lrc;
	enum vg_rc rc = VG_OK;
	size_t count;

	if (pkt == NULL)
		return VG_ERR_PARSE;
	vg_cur_init(&c, pkt->payload, pkt->payload_len);
	if (next_line(&c, &l) != LINE_OK || !start_line(&l, &kind))
		return VG_ERR_PARSE;
	for (count = 0; count < SSDP_MAX_HEADERS; count++) {
		lrc = next_line(&c, &l);
		if (lrc == LINE_END || (lrc == LINE_OK && l.n == 0))
			break; /* the end of the headers (or of a cut one) */
		if (lrc == LINE_LONG) {
			rc = VG_ERR_PARSE;
			break;
		}
		if (l.p[0] == ' ' || l.p[0] == '\t')
			continue; /* an obsolete folded line: not ours */
		if (header(&l, "SERVER", &server) || header(&l, "NT", &nt) ||
		    header(&l, "ST", &st) || header(&l, "USER-AGENT", &agent))
			continue;
		if (memchr(l.p, ':', l.n) == NULL) {
			rc = VG_ERR_PARSE; /* not a header: emit what came */
			break;
		}
	}
	emit(pkt, sink, kind, server, kind == SSDP_RESPONSE ? st : nt, agent);
	return rc;
}

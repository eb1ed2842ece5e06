/*
 * HTTP/1.x stream decoder (passive-discovery.md §5, HTTP row): found by
 * content on any port (a request line with a known method, or a status
 * line). It reads each header block and emits the client's User-Agent,
 * the server's Server header and service, and the user name of a Basic
 * Authorization (never its password). Bodies are skipped by
 * Content-Length without being buffered.
 *
 * Limits of a passive reader: a chunked body (any Transfer-Encoding), a
 * response body delimited by the connection's end, a 101 upgrade or a
 * CONNECT tunnel cannot be skipped without parsing what follows, so the
 * decoder gives that direction up (VG_STREAM_NO) after its headers.
 * Keep-alive connections are followed request after request otherwise.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/text.h"
#include "util/banned.h"

/* A header block longer than this is not decoded: the direction is
 * given up (real requests are a few hundred bytes). */
#define HTTP_MAX_HEADERS (16u * 1024u)
/* Text emitted is cut to this many bytes. */
#define HTTP_MAX_TEXT 255
/* Base64 characters of a Basic credential decoded (the user name comes
 * first; a longer credential is cut, its user name still read). */
#define HTTP_MAX_BASIC_B64 384
#define HTTP_MAX_BASIC (HTTP_MAX_BASIC_B64 / 4 * 3)
/* Requests remembered to pair responses with (HEAD, CONNECT). */
#define HTTP_MAX_PENDING 32

/* Weights (passive-discovery.md §6: HTTP UA 0.5, SERVER 0.6). */
#define HTTP_W_UA 50
#define HTTP_W_SERVER 60
#define HTTP_W_SERVICE 80 /* it answered in HTTP: a fact */
#define HTTP_W_LOGIN 90   /* a Basic credential was sent: a fact */

/* What a pending request implies for its response (2 bits each). */
#define REQ_OTHER 0u
#define REQ_HEAD 1u
#define REQ_CONNECT 2u

/*
 * Per connection (in the VG_STREAM_STATE bytes, copied in and out):
 * directions given up, whether the service was reported, and the
 * queue of requests not yet answered, oldest in the low bits.
 */
struct http_state {
	uint8_t dead[2]; /* [0] client's direction, [1] server's */
	uint8_t service_sent;
	uint8_t npending;
	uint64_t pending;
};

_Static_assert(sizeof(struct http_state) <= VG_STREAM_STATE,
	       "http state fits the per-connection bytes");

static const char *const methods[] = {
	"GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT",
};

/* One header block, as far as the decoder cares. */
struct http_msg {
	bool response;
	unsigned status; /* responses */
	unsigned req;    /* REQ_* for requests */
	bool has_length; /* Content-Length seen */
	bool bad_length; /* garbage or conflicting Content-Length */
	uint64_t length;
	bool encoded; /* Transfer-Encoding present */
};

static struct vg_text
cut(const uint8_t *p, size_t n)
{
	return vg_dsc_cut(p, n, HTTP_MAX_TEXT);
}

static void
emit(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
     enum vg_about about, enum vg_attr attr, struct vg_text v0,
     struct vg_text v1, uint8_t weight)
{
	vg_dsc_emit2(sink, pkt, about, VG_PROTO_HTTP, attr, weight, v0, v1);
}

/*
 * Does lit match at p[0..n)? 1 yes, 0 the bytes so far agree but are
 * too few, -1 no. Case-sensitive (methods and "HTTP/" are).
 */
static int
match(const uint8_t *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);
	size_t m = n < k ? n : k;

	if (memcmp(p, lit, m) != 0)
		return -1;
	return m == k ? 1 : 0;
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * Match "HTTP/1.d" at c; 1 yes, 0 too few bytes, -1 no. Advances c on
 * success.
 */
static int
match_version(struct vg_cur *c)
{
	int m = match(vg_cur_here(c), vg_cur_left(c), "HTTP/1.");

	if (m <= 0)
		return m;
	if (vg_cur_left(c) < 8)
		return 0;
	if (!is_digit(vg_cur_here(c)[7]))
		return -1;
	(void)vg_cur_skip(c, 8);
	return 1;
}

/* The end of the line (CRLF or LF) at c: 1 found, 0 too few bytes. */
static int
match_eol(struct vg_cur *c)
{
	uint8_t b;

	if (vg_cur_left(c) == 0)
		return 0;
	b = *vg_cur_here(c);
	if (b == '\n')
		return 1;
	if (b != '\r')
		return -1;
	if (vg_cur_left(c) < 2)
		return 0;
	return vg_cur_here(c)[1] == '\n' ? 1 : -1;
}

/*
 * Classify the start of a message in p[0..n): the request line
 * "<METHOD> <target> HTTP/1.d" or the status line "HTTP/1.d NNN ...".
 * VG_STREAM_OK: a start line (m->response, m->status or m->req set);
 * MORE: the bytes so far agree with one; NO: not HTTP.
 */
static enum vg_stream_rc
start_line(const uint8_t *p, size_t n, struct http_msg *m)
{
	struct vg_cur c;
	size_t i, k;
	int r, best = -1;

	vg_cur_init(&c, p, n);
	r = match_version(&c);
	if (r == 0)
		return VG_STREAM_MORE;
	if (r == 1) {
		/* Status line: SP, three digits, then SP or the end. */
		if (vg_cur_left(&c) < 5)
			return VG_STREAM_MORE;
		p = vg_cur_here(&c);
		if (p[0] != ' ' || !is_digit(p[1]) || !is_digit(p[2]) ||
		    !is_digit(p[3]) ||
		    (p[4] != ' ' && p[4] != '\r' && p[4] != '\n'))
			return VG_STREAM_NO;
		m->response = true;
		m->status = (unsigned)(p[1] - '0') * 100 +
			(unsigned)(p[2] - '0') * 10 + (unsigned)(p[3] - '0');
		return VG_STREAM_OK;
	}
	/* A known method and a space; "PUT" vs "PATCH" both stay open. */
	for (i = 0; i < VG_ARRAY_LEN(methods); i++) {
		k = strlen(methods[i]);
		r = match(p, n, methods[i]);
		if (r == 1 && n > k && p[k] != ' ')
			r = -1;
		if (r == 1 && n == k)
			r = 0;
		if (r == 1) {
			best = (int)i;
			break;
		}
		if (r == 0)
			best = -2;
	}
	if (best == -2)
		return VG_STREAM_MORE;
	if (best < 0)
		return VG_STREAM_NO;
	(void)vg_cur_skip(&c, strlen(methods[best]) + 1);
	/* The target: visible bytes up to one space. */
	k = 0;
	while (vg_cur_left(&c) > 0 && *vg_cur_here(&c) > 0x20 &&
	       *vg_cur_here(&c) < 0x7f) {
		(void)vg_cur_skip(&c, 1);
		k++;
	}
	if (vg_cur_left(&c) == 0)
		return VG_STREAM_MORE;
	if (k == 0 || *vg_cur_here(&c) != ' ')
		return VG_STREAM_NO;
	(void)vg_cur_skip(&c, 1);
	r = match_version(&c);
	if (r == 1)
		r = match_eol(&c);
	if (r < 0)
		return VG_STREAM_NO;
	if (r == 0)
		return VG_STREAM_MORE;
	m->response = false;
	if (strcmp(methods[best], "HEAD") == 0)
		m->req = REQ_HEAD;
	else if (strcmp(methods[best], "CONNECT") == 0)
		m->req = REQ_CONNECT;
	else
		m->req = REQ_OTHER;
	return VG_STREAM_OK;
}

/*
 * The next line at c (without its CR LF) into *line and *len; false when no
 * LF is left.
 */
static bool
next_line(struct vg_cur *c, const uint8_t **line, size_t *len)
{
	const uint8_t *s = vg_cur_here(c), *lf;
	size_t left = vg_cur_left(c);

	if (left == 0 || (lf = memchr(s, '\n', left)) == NULL)
		return false;
	*line = s;
	*len = (size_t)(lf - s);
	(void)vg_cur_skip(c, *len + 1);
	if (*len > 0 && s[*len - 1] == '\r')
		(*len)--;
	return true;
}

static void
trim(const uint8_t **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * "Basic <base64 of user:password>": emit the user name about the
 * server. The decoded credential lives only in a stack buffer wiped
 * before returning; the password is never looked at past the ':'.
 */
static void
basic_auth(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
	   const uint8_t *v, size_t n)
{
	uint8_t out[HTTP_MAX_BASIC];
	size_t i, o = 0, colon;
	uint32_t acc = 0;
	unsigned bits = 0;
	int d;

	if (n < 6 || !vg_strcaseeqn("basic ", (const char *)v, 6))
		return;
	v += 6;
	n -= 6;
	trim(&v, &n);
	if (n > HTTP_MAX_BASIC_B64)
		n = HTTP_MAX_BASIC_B64;
	for (i = 0; i < n && (d = b64_value(v[i])) >= 0; i++) {
		acc = (acc << 6 | (uint32_t)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	for (colon = 0; colon < o && out[colon] != ':'; colon++)
		;
	/* No ':' (cut or not a credential) or no user: nothing to say. */
	if (colon < o && colon > 0)
		emit(sink, pkt, VG_ABOUT_DST, VG_ATTR_CLEARTEXT_LOGIN,
		     vg_text_of("http-basic", 10), cut(out, colon),
		     HTTP_W_LOGIN);
	explicit_bzero(out, sizeof(out));
	explicit_bzero(&acc, sizeof(acc));
}

/* One "Name: value" header line of message m. */
static void
header(const struct vg_packet *pkt, const struct vg_obs_sink *sink,
       struct http_msg *m, const uint8_t *line, size_t len)
{
	const uint8_t *colon = memchr(line, ':', len), *v;
	size_t name, n;
	int64_t cl;

	if (colon == NULL)
		return;
	name = (size_t)(colon - line);
	v = colon + 1;
	n = len - name - 1;
	trim(&v, &n);
#define IS(h) vg_strcaseeqn(h, (const char *)line, name)
	if (IS("content-length")) {
		if (vg_parse_int((const char *)v, n, 0, INT64_MAX, &cl) !=
			    VG_OK ||
		    (m->has_length && m->length != (uint64_t)cl))
			m->bad_length = true;
		m->has_length = true;
		m->length = (uint64_t)(cl >= 0 ? cl : 0);
	} else if (IS("transfer-encoding")) {
		m->encoded = true;
	} else if (m->response && IS("server")) {
		if (n > 0)
			emit(sink, pkt, VG_ABOUT_SRC, VG_ATTR_SERVER, cut(v, n),
			     vg_text_of(NULL, 0), HTTP_W_SERVER);
	} else if (!m->response && IS("user-agent")) {
		if (n > 0)
			emit(sink, pkt, VG_ABOUT_SRC, VG_ATTR_USER_AGENT,
			     cut(v, n), vg_text_of(NULL, 0), HTTP_W_UA);
	} else if (!m->response && IS("authorization")) {
		basic_auth(pkt, sink, v, n);
	}
#undef IS
}

/* Remember a request (its kind) until its response comes. */
static void
push_request(struct http_state *st, unsigned req)
{
	if (st->npending >= HTTP_MAX_PENDING)
		return; /* a flood of requests: later ones are taken as GET */
	st->pending |= (uint64_t)req << (2 * st->npending);
	st->npending++;
}

static unsigned
pop_request(struct http_state *st)
{
	unsigned req;

	if (st->npending == 0)
		return REQ_OTHER;
	req = (unsigned)(st->pending & 3u);
	st->pending >>= 2;
	st->npending--;
	return req;
}

enum vg_stream_rc
vg_http_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	       bool from_client, const uint8_t *p, size_t n,
	       struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	struct http_state st;
	struct http_msg m;
	struct vg_cur c;
	const uint8_t *line;
	size_t len, end;
	enum vg_stream_rc rc;
	unsigned dir = from_client ? 0 : 1, req;
	bool body, dead = false;

	memcpy(&st, state, sizeof(st));
	if (st.dead[dir] || p == NULL)
		return st.dead[dir] ? VG_STREAM_NO : VG_STREAM_MORE;
	memset(&m, 0, sizeof(m));
	rc = start_line(p, n, &m);
	if (rc != VG_STREAM_OK)
		return rc == VG_STREAM_MORE && n >= HTTP_MAX_HEADERS
			? VG_STREAM_NO
			: rc;
	/* Find the empty line that ends the header block, within the cap. */
	vg_cur_init(&c, p, n < HTTP_MAX_HEADERS ? n : HTTP_MAX_HEADERS);
	(void)next_line(&c, &line, &len); /* the start line */
	end = 0;
	while (next_line(&c, &line, &len)) {
		if (len == 0) {
			end = c.off;
			break;
		}
	}
	if (end == 0)
		return n >= HTTP_MAX_HEADERS ? VG_STREAM_NO : VG_STREAM_MORE;
	/* The whole block is here: read its headers. */
	vg_cur_init(&c, p, end);
	(void)next_line(&c, &line, &len);
	while (next_line(&c, &line, &len) && len > 0)
		header(pkt, sink, &m, line, len);
	if (m.bad_length && !m.encoded)
		return VG_STREAM_NO; /* the body cannot be found: give up */

	/* Does a body follow, and can it be skipped? */
	if (!m.response) {
		push_request(&st, m.req);
		body = m.encoded || (m.has_length && m.length > 0);
		if (m.req == REQ_CONNECT)
			dead = true; /* what follows is the tunnel */
	} else {
		if (!st.service_sent) {
			vg_dsc_emit_service(sink, pkt, VG_ABOUT_SRC,
					    VG_PROTO_HTTP, "http", pkt->sport,
					    HTTP_W_SERVICE);
			st.service_sent = 1;
		}
		if (m.status / 100 == 1) {
			/* Interim: no body, the request stays pending; 101
			 * switches to another protocol. */
			body = false;
			dead = m.status == 101;
		} else {
			req = pop_request(&st);
			if (req == REQ_CONNECT && m.status / 100 == 2)
				dead = true;
			body = req != REQ_HEAD && m.status != 204 &&
				m.status != 304;
			/* Without a length the body runs to the close. */
			if (body && !m.has_length)
				m.encoded = true;
			if (body && m.has_length && m.length == 0)
				body = false;
		}
	}
	if (body && m.encoded)
		dead = true; /* chunked or to the close: cannot follow */
	out->consumed = end;
	out->skip = body && !dead ? m.length : 0;
	if (dead)
		st.dead[dir] = 1;
	memcpy(state, &st, sizeof(st));
	return VG_STREAM_OK;
}

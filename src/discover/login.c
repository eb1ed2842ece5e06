/*
 * Cleartext logins (discover.h: VG_ATTR_CLEARTEXT_LOGIN): the user name
 * of an FTP or Telnet login, reported about the server that accepts
 * logins in the clear, and the FTP server's banner. The password is
 * never read into anything that is emitted or kept: FTP "PASS" lines are
 * dropped unread and the Telnet line typed after the password prompt is
 * never stored.
 *
 * FTP is found by content: a client direction starting "USER " (any
 * port), or a "220" banner from port 21. Telnet is found by port 23 only
 * (its content has no signature): IAC sequences are stripped, the server
 * direction is watched for a "login:" prompt, and the next line the
 * client types is the user name, even typed one key per segment.
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/text.h"
#include "util/banned.h"

#define FTP_PORT 21
#define TELNET_PORT 23
/* An FTP command or reply line longer than this is not FTP (RFC 959
 * lines are short; 512 is the usual server limit). */
#define FTP_MAX_LINE 1024
/* Text emitted is cut to this many bytes. */
#define LOGIN_MAX_TEXT 255
/* A Telnet user name is kept (in the connection state) up to this many
 * bytes while it is typed; longer names are cut. */
#define TELNET_MAX_USER 64
/* Server output remembered to find a prompt split across segments. */
#define TELNET_WINDOW 16
/* A subnegotiation (IAC SB ... IAC SE) longer than this is hostile: the
 * direction is given up. */
#define TELNET_MAX_SB 1024

/* Weights: a login seen is a fact; a banner is as good as SSDP SERVER. */
#define LOGIN_W_LOGIN 90
#define LOGIN_W_SERVER 60
#define LOGIN_W_SERVICE 80

/* Telnet commands (RFC 854). */
#define IAC 255
#define SB 250
#define SE 240
#define WILL 251
#define DONT 254

/* The IAC parser's state, per direction. */
enum {
	TN_DATA = 0,
	TN_IAC,    /* after IAC */
	TN_OPT,    /* after IAC WILL/WONT/DO/DONT: the option byte */
	TN_SB,     /* inside a subnegotiation */
	TN_SB_IAC, /* IAC inside a subnegotiation */
};

/* What the server's first line said (FTP detection on other ports). */
enum {
	BANNER_UNSEEN = 0,
	BANNER_FTP,   /* "220" */
	BANNER_POP3,  /* "+OK": a POP3 "USER" is not FTP */
	BANNER_OTHER, /* port 21 but not "220" */
};

/* How an FTP direction was identified. */
enum {
	IDENT_NONE = 0,
	IDENT_CLIENT, /* it began "USER " */
	IDENT_SERVER, /* it began with a "220" banner from port 21 */
};

/* Per connection (copied in and out of the VG_STREAM_STATE bytes). */
struct login_state {
	uint8_t dead[2];  /* [0] client's direction, [1] server's */
	uint8_t ident[2]; /* IDENT_*, per direction */
	uint8_t banner;   /* BANNER_* */
	uint8_t tn[2];    /* TN_* */
	uint16_t sb_len[2];
	uint8_t prompt;       /* the server asked for the login name */
	uint8_t service_sent; /* telnet service reported */
	uint8_t win_len;
	uint8_t user_len;
	char win[TELNET_WINDOW]; /* last server bytes, lower case */
	char user[TELNET_MAX_USER];
};

_Static_assert(sizeof(struct login_state) <= VG_STREAM_STATE,
	       "login state fits the per-connection bytes");

static struct vg_text
cut(const void *p, size_t n)
{
	return vg_dsc_cut(p, n, LOGIN_MAX_TEXT);
}

static void
emit_service(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	     enum vg_proto proto, const char *name)
{
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_SRC, proto, name, pkt->sport,
			    LOGIN_W_SERVICE);
}

static char
lower(uint8_t b)
{
	return (char)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
}

static bool
ends_with(const struct login_state *st, const char *s)
{
	size_t k = strlen(s);

	return st->win_len >= k && memcmp(st->win + st->win_len - k, s, k) == 0;
}

/* One byte of the server's text: watch for the login prompt. */
static void
telnet_server_byte(struct login_state *st, const struct vg_packet *pkt,
		   const struct vg_obs_sink *sink, uint8_t b)
{
	if (st->win_len == TELNET_WINDOW) {
		memmove(st->win, st->win + 1, TELNET_WINDOW - 1);
		st->win_len--;
	}
	st->win[st->win_len++] = lower(b);
	if (b != ':')
		return;
	/* "host login:" or "Username:", but not the "Last login:" of a
	 * session already open (its next line would be a command). */
	if ((ends_with(st, "login:") && !ends_with(st, "last login:")) ||
	    ends_with(st, "username:")) {
		st->prompt = 1;
		st->user_len = 0;
		if (!st->service_sent) {
			emit_service(sink, pkt, VG_PROTO_TELNET, "telnet");
			st->service_sent = 1;
		}
	}
}

/* One byte the client typed: the user name after a prompt. */
static void
telnet_client_byte(struct login_state *st, const struct vg_packet *pkt,
		   const struct vg_obs_sink *sink, uint8_t b)
{
	if (!st->prompt)
		return; /* not answering a login prompt: never kept */
	if (b == '\r' || b == '\n') {
		if (st->user_len == 0)
			return; /* an empty line: the prompt comes again */
		vg_dsc_emit2(sink, pkt, VG_ABOUT_DST, VG_PROTO_TELNET,
			     VG_ATTR_CLEARTEXT_LOGIN, LOGIN_W_LOGIN,
			     vg_text_of("telnet", 6),
			     cut(st->user, st->user_len));
		/* The next line answers "Password:": stop listening. */
		st->prompt = 0;
		st->user_len = 0;
		explicit_bzero(st->user, sizeof(st->user));
	} else if (b == 0x08 || b == 0x7f) {
		if (st->user_len > 0)
			st->user_len--; /* backspace, delete */
	} else if (b == 0x15) {
		st->user_len = 0; /* ^U kills the line */
	} else if (b >= 0x20 && st->user_len < TELNET_MAX_USER) {
		st->user[st->user_len++] = (char)b;
	}
}

/*
 * Telnet: strip IAC sequences (even split across segments) and feed the
 * data bytes to the side's watcher. Consumes everything.
 */
static enum vg_stream_rc
telnet(struct login_state *st, const struct vg_packet *pkt, bool from_client,
       const uint8_t *p, size_t n, struct vg_stream_out *out,
       const struct vg_obs_sink *sink)
{
	unsigned dir = from_client ? 0 : 1;
	bool server;
	struct vg_cur c;
	uint8_t b;

	/* The server is the side of port 23 (both 23: who did not open). */
	if (pkt->sport == TELNET_PORT && pkt->dport == TELNET_PORT)
		server = !from_client;
	else
		server = pkt->sport == TELNET_PORT;
	vg_cur_init(&c, p, n);
	while (vg_cur_u8(&c, &b)) {
		switch (st->tn[dir]) {
		case TN_DATA:
			if (b == IAC) {
				st->tn[dir] = TN_IAC;
				continue;
			}
			break;
		case TN_IAC:
			st->tn[dir] = TN_DATA;
			if (b >= WILL && b <= DONT)
				st->tn[dir] = TN_OPT;
			else if (b == SB) {
				st->tn[dir] = TN_SB;
				st->sb_len[dir] = 0;
			}
			if (b != IAC)
				continue;
			break; /* IAC IAC: a data byte 255 */
		case TN_OPT:
			st->tn[dir] = TN_DATA;
			continue;
		default: /* TN_SB, TN_SB_IAC */
			if (++st->sb_len[dir] > TELNET_MAX_SB) {
				st->dead[dir] = 1;
				return VG_STREAM_NO;
			}
			if (st->tn[dir] == TN_SB_IAC && b == SE)
				st->tn[dir] = TN_DATA;
			else if (st->tn[dir] == TN_SB && b == IAC)
				st->tn[dir] = TN_SB_IAC;
			else
				st->tn[dir] = TN_SB;
			continue;
		}
		if (server)
			telnet_server_byte(st, pkt, sink, b);
		else
			telnet_client_byte(st, pkt, sink, b);
	}
	out->consumed = n;
	return VG_STREAM_OK;
}

/* Do the first bytes agree with lit (ASCII case ignored)? 1 all of lit
 * is there, 0 the bytes so far agree, -1 no. */
static int
starts(const uint8_t *p, size_t n, const char *lit)
{
	size_t k = strlen(lit), i;

	for (i = 0; i < k && i < n; i++)
		if (lower(p[i]) != lower((uint8_t)lit[i]))
			return -1;
	return i == k ? 1 : 0;
}

/* Trimmed text after a command or reply code. */
static void
rest_of(const uint8_t *line, size_t len, size_t skip, const uint8_t **s,
	size_t *n)
{
	const char *t = (const char *)line + skip;

	*n = len - skip;
	vg_trim(&t, n); /* spaces, tabs and a trailing CR */
	*s = (const uint8_t *)t;
}

/*
 * FTP, one line per call. The client's "USER name" is reported; "PASS"
 * lines are consumed unread; after "AUTH" (TLS) the direction is given
 * up. The server's first line, a "220" banner, is reported, then the
 * server's direction is given up.
 */
static enum vg_stream_rc
ftp(struct login_state *st, const struct vg_packet *pkt, bool from_client,
    const uint8_t *p, size_t n, struct vg_stream_out *out,
    const struct vg_obs_sink *sink)
{
	unsigned dir = from_client ? 0 : 1;
	const uint8_t *lf, *v;
	size_t len, vn;
	uint8_t kind;
	int r;

	if (st->ident[dir] == IDENT_NONE) {
		/* Identify the direction from its first bytes. */
		if ((r = starts(p, n, "+OK")) >= 0) {
			if (r == 0)
				return VG_STREAM_MORE;
			st->banner = BANNER_POP3;
			return VG_STREAM_NO;
		}
		if ((r = starts(p, n, "220")) >= 0) {
			if (r == 0)
				return VG_STREAM_MORE;
			st->banner = BANNER_FTP;
			if (pkt->sport != FTP_PORT)
				return VG_STREAM_NO;
			kind = IDENT_SERVER;
		} else if ((r = starts(p, n, "USER ")) >= 0) {
			if (st->banner != BANNER_UNSEEN &&
			    st->banner != BANNER_FTP)
				return VG_STREAM_NO;
			if (r == 0)
				return VG_STREAM_MORE;
			kind = IDENT_CLIENT;
		} else {
			if (pkt->sport == FTP_PORT && n >= 3)
				st->banner = BANNER_OTHER;
			return VG_STREAM_NO;
		}
	} else {
		kind = st->ident[dir];
	}
	/* A whole line, within the cap. */
	lf = memchr(p, '\n', n < FTP_MAX_LINE ? n : FTP_MAX_LINE);
	if (lf == NULL)
		return n >= FTP_MAX_LINE ? VG_STREAM_NO : VG_STREAM_MORE;
	len = (size_t)(lf - p);
	st->ident[dir] = kind;
	out->consumed = len + 1;
	if (kind == IDENT_SERVER) {
		/* The banner: "220 text" or "220-text" (multi-line). */
		rest_of(p, len, 4 <= len ? 4 : len, &v, &vn);
		if (vn > 0)
			vg_dsc_emit2(sink, pkt, VG_ABOUT_SRC, VG_PROTO_FTP,
				     VG_ATTR_SERVER, LOGIN_W_SERVER, cut(v, vn),
				     vg_text_of(NULL, 0));
		emit_service(sink, pkt, VG_PROTO_FTP, "ftp");
		st->dead[dir] = 1; /* the rest are replies: nothing more */
	} else if (starts(p, len, "USER ") == 1) {
		rest_of(p, len, 5, &v, &vn);
		if (vn > 0)
			vg_dsc_emit2(sink, pkt, VG_ABOUT_DST, VG_PROTO_FTP,
				     VG_ATTR_CLEARTEXT_LOGIN, LOGIN_W_LOGIN,
				     vg_text_of("ftp", 3), cut(v, vn));
	} else if (starts(p, len, "AUTH") == 1) {
		st->dead[dir] = 1; /* TLS follows */
	}
	/* "PASS ..." and every other command: consumed, never read. */
	return VG_STREAM_OK;
}

enum vg_stream_rc
vg_login_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
		bool from_client, const uint8_t *p, size_t n,
		struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	struct login_state st;
	unsigned dir = from_client ? 0 : 1;
	enum vg_stream_rc rc;

	memcpy(&st, state, sizeof(st));
	if (st.dead[dir])
		rc = VG_STREAM_NO;
	else if (p == NULL || n == 0)
		rc = VG_STREAM_MORE;
	else if (pkt->sport == TELNET_PORT || pkt->dport == TELNET_PORT)
		rc = telnet(&st, pkt, from_client, p, n, out, sink);
	else
		rc = ftp(&st, pkt, from_client, p, n, out, sink);
	memcpy(state, &st, sizeof(st));
	/* The copy may hold a user name being typed. */
	explicit_bzero(&st, sizeof(st));
	return rc;
}

/* Unit tests of the FTP and Telnet login decoder (discover/login.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

/* One direction of a connection as the flow table keeps it. */
struct dir {
	uint8_t buf[8192];
	size_t have;
	enum vg_stream_rc rc;
};

/* A connection: the decoder's state and the two directions. */
struct conn {
	uint8_t state[VG_STREAM_STATE];
	struct dir d[2]; /* [0] client to server, [1] back */
	uint16_t cport, sport;
	struct vg_obs_rec rec;
};

static void
conn_init(struct conn *c, uint16_t cport, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->cport = cport;
	c->sport = sport;
	c->d[0].rc = c->d[1].rc = VG_STREAM_MORE;
	vg_obs_rec_init(&c->rec);
}

/*
 * The client (or server) sends s[0..n) (n 0: strlen), chunk bytes per
 * segment; the decoder runs as the flow table runs it. Returns its last
 * answer for that direction.
 */
static enum vg_stream_rc
send_n(struct conn *c, bool client, const char *s, size_t n, size_t chunk)
{
	struct dir *d = &c->d[client ? 0 : 1];
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(&c->rec);
	struct vg_stream_out out;
	size_t off = 0, k;

	if (n == 0)
		n = strlen(s);
	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_TCP;
	pkt.sport = client ? c->cport : c->sport;
	pkt.dport = client ? c->sport : c->cport;
	while (off < n && d->rc != VG_STREAM_NO) {
		k = chunk < n - off ? chunk : n - off;
		assert_true(d->have + k <= sizeof(d->buf));
		memcpy(d->buf + d->have, s + off, k);
		d->have += k;
		off += k;
		while (d->have > 0) {
			memset(&out, 0, sizeof(out));
			d->rc = vg_login_stream(c->state, &pkt, client, d->buf,
						d->have, &out, &sink);
			if (d->rc != VG_STREAM_OK)
				break;
			assert_true(out.consumed > 0 &&
				    out.consumed <= d->have);
			assert_int_equal(out.skip, 0);
			memmove(d->buf, d->buf + out.consumed,
				d->have - out.consumed);
			d->have -= out.consumed;
		}
	}
	return d->rc;
}

static enum vg_stream_rc
send(struct conn *c, bool client, const char *s)
{
	return send_n(c, client, s, 0, 4096);
}

/* No observation holds needle. */
static bool
nowhere(const struct vg_obs_rec *rec, const char *needle)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (strstr(rec->lines[i], needle) != NULL)
			return false;
	return true;
}

static void
test_ftp_session(void **unused)
{
	static const size_t chunks[] = {1, 2, 5, 4096};
	struct conn c;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(chunks); i++) {
		conn_init(&c, 50000, 21);
		assert_int_equal(send_n(&c, false,
					"220-Welcome\r\n220 (vsFTPd 3.0.3)\r\n",
					0, chunks[i]),
				 VG_STREAM_NO); /* after the first line */
		assert_int_equal(send_n(&c, true,
					"USER alice\r\nPASS s3cret\r\n"
					"SYST\r\nQUIT\r\n",
					0, chunks[i]),
				 VG_STREAM_OK);
		assert_true(vg_obs_rec_has(
			&c.rec, "dst ftp cleartext_login ftp|alice"));
		assert_true(vg_obs_rec_has(&c.rec, "src ftp server Welcome"));
		assert_true(vg_obs_rec_has(&c.rec, "src ftp service ftp|21"));
		assert_int_equal(c.rec.n, 3);
		assert_true(nowhere(&c.rec, "s3cret"));
		vg_obs_rec_release(&c.rec);
	}
}

static void
test_ftp_client(void **unused)
{
	static const struct {
		const char *name;
		uint16_t port;
		const char *banner; /* the server's first line, or NULL */
		const char *in;
		enum vg_stream_rc rc;
		const char *user; /* NULL: no login */
	} rows[] = {
		{"any port", 2121, NULL, "USER bob\r\n", VG_STREAM_OK, "bob"},
		{"lower case", 21, NULL, "user bob\n", VG_STREAM_OK, "bob"},
		{"anonymous", 21, NULL, "USER anonymous\r\nPASS a@b\r\n",
		 VG_STREAM_OK, "anonymous"},
		{"spaces", 21, NULL, "USER   carol  \r\n", VG_STREAM_OK,
		 "carol"},
		{"empty name", 21, NULL, "USER \r\n", VG_STREAM_OK, NULL},
		{"ftp banner elsewhere", 2121, "220 FTP\r\n", "USER dan\r\n",
		 VG_STREAM_OK, "dan"},
		{"pop3", 110, "+OK POP3 ready\r\n", "USER eve\r\n",
		 VG_STREAM_NO, NULL},
		{"refused", 21, "421 Too many\r\n", "USER eve\r\n",
		 VG_STREAM_NO, NULL},
		{"not ftp", 21, NULL, "NICK x\r\nUSER eve\r\n", VG_STREAM_NO,
		 NULL},
		{"prefix", 21, NULL, "US", VG_STREAM_MORE, NULL},
		{"bad prefix", 21, NULL, "USX", VG_STREAM_NO, NULL},
		{"no line yet", 21, NULL, "USER frank", VG_STREAM_MORE, NULL},
		{"auth tls", 21, NULL, "USER gil\r\nAUTH TLS\r\nUSER hal\r\n",
		 VG_STREAM_NO, "gil"},
	};
	char want[128];
	struct conn c;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		print_message("row %s\n", rows[i].name);
		conn_init(&c, 50000, rows[i].port);
		if (rows[i].banner != NULL)
			(void)send(&c, false, rows[i].banner);
		assert_int_equal(send(&c, true, rows[i].in), rows[i].rc);
		assert_int_equal(
			vg_obs_rec_count(&c.rec, "dst ftp cleartext_login"),
			rows[i].user != NULL ? 1 : 0);
		if (rows[i].user != NULL) {
			(void)snprintf(want, sizeof(want),
				       "dst ftp cleartext_login ftp|%s",
				       rows[i].user);
			assert_true(vg_obs_rec_has(&c.rec, want));
		}
		vg_obs_rec_release(&c.rec);
	}
	/* A NUL inside the name is passed on (the device table cleans). */
	conn_init(&c, 50000, 21);
	assert_int_equal(send_n(&c, true, "USER a\0b\r\n", 10, 100),
			 VG_STREAM_OK);
	assert_true(
		vg_obs_rec_has(&c.rec, "dst ftp cleartext_login ftp|a\\x00b"));
	vg_obs_rec_release(&c.rec);
}

static void
test_ftp_server(void **unused)
{
	struct conn c;

	(void)unused;
	/* A 220 banner from another port: not taken (could be SMTP). */
	conn_init(&c, 50000, 25);
	assert_int_equal(send(&c, false, "220 mail ESMTP\r\n"), VG_STREAM_NO);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
	/* Port 21 but another reply. */
	conn_init(&c, 50000, 21);
	assert_int_equal(send(&c, false, "500 no\r\n"), VG_STREAM_NO);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
	/* A bare "220". */
	conn_init(&c, 50000, 21);
	assert_int_equal(send(&c, false, "220\r\n"), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&c.rec, "src ftp service ftp|21"));
	assert_int_equal(c.rec.n, 1);
	vg_obs_rec_release(&c.rec);
	/* Prefixes wait. */
	conn_init(&c, 50000, 21);
	assert_int_equal(send(&c, false, "22"), VG_STREAM_MORE);
	assert_int_equal(send(&c, false, "0 ready"), VG_STREAM_MORE);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
}

static void
test_ftp_long_line(void **unused)
{
	static char s[3000];
	struct conn c;

	(void)unused;
	memcpy(s, "USER ", 5);
	memset(s + 5, 'x', 2994);
	s[2999] = '\0';
	conn_init(&c, 50000, 21);
	assert_int_equal(send(&c, true, s), VG_STREAM_NO);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
	/* A long name on a whole line is cut to 255 bytes. */
	memcpy(s + 900, "\r\n", 3);
	conn_init(&c, 50000, 21);
	assert_int_equal(send(&c, true, s), VG_STREAM_OK);
	assert_int_equal(c.rec.n, 1);
	assert_int_equal(strlen(c.rec.lines[0]),
			 strlen("dst ftp cleartext_login ftp|") + 255);
	vg_obs_rec_release(&c.rec);
}

/* A telnet server's greeting with option negotiation. */
#define TN_NEGOTIATE "\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01\xff\xfb\x03"

static void
test_telnet_line_mode(void **unused)
{
	struct conn c;

	(void)unused;
	conn_init(&c, 41000, 23);
	assert_int_equal(send(&c, false, TN_NEGOTIATE), VG_STREAM_OK);
	assert_int_equal(send(&c, true, "\xff\xfc\x18\xff\xfb\x20"),
			 VG_STREAM_OK);
	/* Typed before the prompt: ignored. */
	assert_int_equal(send(&c, true, "early\r\n"), VG_STREAM_OK);
	assert_int_equal(
		send(&c, false, "\r\nDebian GNU/Linux 12\r\npacs01 login: "),
		VG_STREAM_OK);
	assert_int_equal(send(&c, true, "alice\r\n"), VG_STREAM_OK);
	assert_int_equal(send(&c, false, "Password: "), VG_STREAM_OK);
	assert_int_equal(send(&c, true, "s3cret\r\n"), VG_STREAM_OK);
	assert_int_equal(
		send(&c, false, "Last login: Mon Nov 30 from 10.0.0.1\r\n$ "),
		VG_STREAM_OK);
	assert_int_equal(send(&c, true, "ls\r\n"), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&c.rec,
				   "dst telnet cleartext_login telnet|alice"));
	assert_true(vg_obs_rec_has(&c.rec, "src telnet service telnet|23"));
	assert_int_equal(c.rec.n, 2);
	assert_true(nowhere(&c.rec, "s3cret"));
	assert_true(nowhere(&c.rec, "early"));
	vg_obs_rec_release(&c.rec);
}

static void
test_telnet_char_at_a_time(void **unused)
{
	/* Each key its own segment; IAC sequences split across segments;
	 * a subnegotiation (with an escaped 255) between keys; a typo
	 * corrected with DEL; CR NUL ends the line. */
	static const char keys[] = "\xff\xfa\x18\x00XTERM\xff\xff\xff\xf0"
				   "bo\xff\xfd\x01ox\x7f\x08"
				   "b\r";
	struct conn c;
	size_t i;

	(void)unused;
	conn_init(&c, 41000, 23);
	assert_int_equal(send_n(&c, false, "Username:", 0, 1), VG_STREAM_OK);
	for (i = 0; i < sizeof(keys) - 1; i++) {
		assert_int_equal(send_n(&c, true, keys + i, 1, 1),
				 VG_STREAM_OK);
		/* The server echoes each key (harmless). */
		if (keys[i] >= 'a' && keys[i] <= 'z')
			assert_int_equal(send_n(&c, false, keys + i, 1, 1),
					 VG_STREAM_OK);
	}
	assert_int_equal(send_n(&c, true, "\0", 1, 1), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&c.rec,
				   "dst telnet cleartext_login telnet|bob"));
	/* The password, one key at a time: never kept or said. */
	assert_int_equal(send_n(&c, false, "\r\nPassword:", 0, 1),
			 VG_STREAM_OK);
	assert_int_equal(send_n(&c, true, "s3cret\r\n", 0, 1), VG_STREAM_OK);
	assert_true(nowhere(&c.rec, "s3cret"));
	/* A failed login prompts again: the next name is reported. */
	assert_int_equal(
		send_n(&c, false, "\r\nLogin incorrect\r\nlogin: ", 0, 3),
		VG_STREAM_OK);
	assert_int_equal(send_n(&c, true, "\r\ncarol\n", 0, 1), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&c.rec,
				   "dst telnet cleartext_login telnet|carol"));
	assert_int_equal(vg_obs_rec_count(&c.rec, "dst telnet cleartext_login"),
			 2);
	assert_int_equal(vg_obs_rec_count(&c.rec, "src telnet service"), 1);
	vg_obs_rec_release(&c.rec);
}

static void
test_telnet_hostile(void **unused)
{
	static char sb[2000];
	char want[400];
	struct conn c;

	(void)unused;
	/* A subnegotiation that never ends: the direction is given up. */
	memcpy(sb, "\xff\xfa\x18", 3);
	memset(sb + 3, 'A', 1996);
	sb[1999] = '\0';
	conn_init(&c, 41000, 23);
	assert_int_equal(send(&c, false, "login:"), VG_STREAM_OK);
	assert_int_equal(send(&c, true, sb), VG_STREAM_NO);
	assert_int_equal(send(&c, true, "mallory\r\n"), VG_STREAM_NO);
	assert_int_equal(vg_obs_rec_count(&c.rec, "dst"), 0);
	vg_obs_rec_release(&c.rec);
	/* A long name is kept up to 64 bytes; IAC IAC is a 255 byte. */
	conn_init(&c, 41000, 23);
	assert_int_equal(send(&c, false, "LOGIN:"), VG_STREAM_OK);
	memset(sb, 'n', 100);
	memcpy(sb, "\xff\xff", 2);
	memcpy(sb + 100, "\r\n", 3);
	assert_int_equal(send(&c, true, sb), VG_STREAM_OK);
	(void)snprintf(want, sizeof(want),
		       "dst telnet cleartext_login telnet|\\xff%.63s", sb + 2);
	assert_true(vg_obs_rec_has(&c.rec, want));
	vg_obs_rec_release(&c.rec);
	/* "Last login:" alone does not ask for a name. */
	conn_init(&c, 41000, 23);
	assert_int_equal(send(&c, false, "Last login: today\r\n$ "),
			 VG_STREAM_OK);
	assert_int_equal(send(&c, true, "cat notes\r\n"), VG_STREAM_OK);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
	/* Not port 23: no telnet (and not FTP either). */
	conn_init(&c, 41000, 2323);
	assert_int_equal(send(&c, false, "login: "), VG_STREAM_NO);
	assert_int_equal(send(&c, true, "root\r\n"), VG_STREAM_NO);
	assert_int_equal(c.rec.n, 0);
	vg_obs_rec_release(&c.rec);
	/* The client on port 23 (a telnet server calling out is rare, but
	 * the side of port 23 is the server). */
	conn_init(&c, 23, 41000);
	assert_int_equal(send(&c, true, "login:"), VG_STREAM_OK);
	assert_int_equal(send(&c, false, "x\r\n"), VG_STREAM_OK);
	assert_true(
		vg_obs_rec_has(&c.rec, "dst telnet cleartext_login telnet|x"));
	vg_obs_rec_release(&c.rec);
}

static void
test_empty(void **unused)
{
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_packet pkt;
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;

	(void)unused;
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	memset(&pkt, 0, sizeof(pkt));
	pkt.dport = 23;
	memset(&out, 0, sizeof(out));
	assert_int_equal(vg_login_stream(st, &pkt, true, (const uint8_t *)"", 0,
					 &out, &sink),
			 VG_STREAM_MORE);
	pkt.dport = 21;
	assert_int_equal(vg_login_stream(st, &pkt, true, NULL, 0, &out, &sink),
			 VG_STREAM_MORE);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftp_session),
		cmocka_unit_test(test_ftp_client),
		cmocka_unit_test(test_ftp_server),
		cmocka_unit_test(test_ftp_long_line),
		cmocka_unit_test(test_telnet_line_mode),
		cmocka_unit_test(test_telnet_char_at_a_time),
		cmocka_unit_test(test_telnet_hostile),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

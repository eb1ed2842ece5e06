/* Unit tests of the HTTP stream decoder (discover/http.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

static struct vg_packet
mkpkt(uint16_t sport, uint16_t dport)
{
	struct vg_packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_TCP;
	pkt.src.family = pkt.dst.family = 4;
	pkt.sport = sport;
	pkt.dport = dport;
	return pkt;
}

/* One call on the bytes s[0..n) (n 0: strlen). */
static enum vg_stream_rc
call(uint8_t *state, uint16_t sport, uint16_t dport, bool from_client,
     const char *s, size_t n, struct vg_stream_out *out, struct vg_obs_rec *rec)
{
	struct vg_packet pkt = mkpkt(sport, dport);
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	if (n == 0)
		n = strlen(s);
	memset(out, 0, sizeof(*out));
	return vg_http_stream(state, &pkt, from_client, (const uint8_t *)s, n,
			      out, &sink);
}

/*
 * Drive one direction as the flow table does, chunk bytes at a time:
 * consumed bytes dropped, skip honoured. Returns the last answer.
 */
static enum vg_stream_rc
drive(uint8_t *state, uint16_t sport, uint16_t dport, bool from_client,
      const char *s, size_t n, size_t chunk, struct vg_obs_rec *rec)
{
	static uint8_t buf[1u << 17];
	struct vg_packet pkt = mkpkt(sport, dport);
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);
	struct vg_stream_out out;
	enum vg_stream_rc rc = VG_STREAM_MORE;
	size_t have = 0, off = 0, k;
	uint64_t skip = 0;

	while (off < n && rc != VG_STREAM_NO) {
		k = chunk < n - off ? chunk : n - off;
		if (skip >= k) {
			skip -= k;
			off += k;
			continue;
		}
		off += (size_t)skip;
		k -= (size_t)skip;
		skip = 0;
		assert_true(have + k <= sizeof(buf));
		memcpy(buf + have, s + off, k);
		have += k;
		off += k;
		while (have > 0 && skip == 0) {
			memset(&out, 0, sizeof(out));
			rc = vg_http_stream(state, &pkt, from_client, buf, have,
					    &out, &sink);
			if (rc != VG_STREAM_OK)
				break;
			assert_true(out.consumed > 0 && out.consumed <= have);
			memmove(buf, buf + out.consumed, have - out.consumed);
			have -= out.consumed;
			skip = out.skip;
			k = skip < have ? (size_t)skip : have;
			memmove(buf, buf + k, have - k);
			have -= k;
			skip -= k;
		}
	}
	return rc;
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

/* Appendix B frame 8. */
static const char frame8[] = "GET /status HTTP/1.1\r\nHost: 10.1.9.9\r\n"
			     "User-Agent: BD Alaris PC Unit/9.33\r\n\r\n";

static void
test_user_agent(void **unused)
{
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 40000, 80, true, frame8, 0, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, strlen(frame8));
	assert_int_equal(out.skip, 0);
	assert_true(vg_obs_rec_has(
		&rec, "src http user_agent BD Alaris PC Unit/9.33"));
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
}

static void
test_every_prefix(void **unused)
{
	size_t i, n = strlen(frame8);
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	vg_obs_rec_init(&rec);
	for (i = 1; i < n; i++) {
		memset(st, 0, sizeof(st));
		assert_int_equal(
			call(st, 40000, 80, true, frame8, i, &out, &rec),
			VG_STREAM_MORE);
	}
	/* Length 0 too (strlen 0 would be the whole frame). */
	memset(st, 0, sizeof(st));
	assert_int_equal(call(st, 40000, 80, true, "", 0, &out, &rec),
			 VG_STREAM_MORE);
	assert_int_equal(rec.n, 0);
	/* One byte at a time through the driver: same result as whole. */
	memset(st, 0, sizeof(st));
	assert_int_equal(drive(st, 40000, 80, true, frame8, n, 1, &rec),
			 VG_STREAM_OK);
	assert_true(vg_obs_rec_has(
		&rec, "src http user_agent BD Alaris PC Unit/9.33"));
	vg_obs_rec_release(&rec);
}

static void
test_response(void **unused)
{
	static const char resp[] = "HTTP/1.1 200 OK\r\n"
				   "server:   Boa/0.94.14rc21  \r\n"
				   "Content-Length: 5\r\n\r\nhello";
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 8080, 40000, false, resp, 0, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, strlen(resp) - 5);
	assert_int_equal(out.skip, 5);
	assert_true(vg_obs_rec_has(&rec, "src http server Boa/0.94.14rc21"));
	assert_true(vg_obs_rec_has(&rec, "src http service http|8080"));
	/* A second response: the service is said once per connection. */
	assert_int_equal(call(st, 8080, 40000, false, resp, 0, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(vg_obs_rec_count(&rec, "src http service"), 1);
	assert_int_equal(vg_obs_rec_count(&rec, "src http server"), 2);
	/* A request's Server header and a response's User-Agent: ignored. */
	memset(st, 0, sizeof(st));
	assert_int_equal(call(st, 1, 2, true, "GET / HTTP/1.0\nServer: x\n\n",
			      0, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(call(st, 2, 1, false,
			      "HTTP/1.0 204 No\nUser-Agent: y\n\n", 0, &out,
			      &rec),
			 VG_STREAM_OK);
	assert_true(nowhere(&rec, "server x"));
	assert_true(nowhere(&rec, "user_agent y"));
	vg_obs_rec_release(&rec);
}

static void
test_basic_auth(void **unused)
{
	static const struct {
		const char *auth;
		const char *user; /* NULL: no login emitted */
	} rows[] = {
		{"Basic YWxpY2U6czNjcmV0", "alice"},
		{"basic   YWxpY2U6czNjcmV0  ", "alice"},
		{"BASIC YWxpY2U6czNjcmV0", "alice"},
		{"Basic YWxpY2U6", "alice"},  /* "alice:" */
		{"Basic OnMzY3JldA==", NULL}, /* ":s3cret": no user */
		{"Basic YWxpY2U=", NULL},     /* "alice": no ':' */
		{"Basic !!!!", NULL},         /* not base64 */
		{"Basic ", NULL},
		{"Bearer YWxpY2U6czNjcmV0", NULL},
		{"Digest username=\"bob\"", NULL},
		/* "a\0b:s3cret": a NUL in the name is passed on */
		{"Basic YQBiOnMzY3JldA==", "a\\x00b"},
	};
	char req[512], want[128];
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_obs_rec_init(&rec);
		memset(st, 0, sizeof(st));
		(void)snprintf(req, sizeof(req),
			       "GET /cgi HTTP/1.1\r\nAuthorization: %s\r\n\r\n",
			       rows[i].auth);
		assert_int_equal(call(st, 40000, 80, true, req, 0, &out, &rec),
				 VG_STREAM_OK);
		if (rows[i].user != NULL) {
			(void)snprintf(want, sizeof(want),
				       "dst http cleartext_login http-basic|%s",
				       rows[i].user);
			assert_true(vg_obs_rec_has(&rec, want));
			assert_int_equal(rec.n, 1);
		} else {
			assert_int_equal(rec.n, 0);
		}
		assert_true(nowhere(&rec, "s3cret"));
		vg_obs_rec_release(&rec);
	}
}

static void
test_basic_auth_long(void **unused)
{
	/* A credential longer than the decoder's cap: the user name is
	 * still read, nothing of the password comes out. */
	char req[2048], b64[1400];
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	/* "bob:" then 'A's decoded as 0x00 bytes. */
	(void)snprintf(b64, sizeof(b64), "Ym9iOg");
	for (i = strlen(b64); i < 1300; i++)
		b64[i] = 'A';
	b64[i] = '\0';
	(void)snprintf(req, sizeof(req),
		       "GET / HTTP/1.1\r\nAuthorization: Basic %s\r\n\r\n",
		       b64);
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 40000, 80, true, req, 0, &out, &rec),
			 VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec,
				   "dst http cleartext_login http-basic|bob"));
	vg_obs_rec_release(&rec);
}

static void
test_keep_alive(void **unused)
{
	static const char pipe[] =
		"POST /a HTTP/1.1\r\nUser-Agent: one\r\nContent-Length: 11\r\n"
		"\r\nhello world"
		"GET /b HTTP/1.1\r\nUser-Agent: two\r\n\r\n"
		"GET /c HTTP/1.1\nUser-Agent: three\n\n";
	static const size_t chunks[] = {1, 2, 3, 7, 13, 64, 4096};
	uint8_t st[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(chunks); i++) {
		vg_obs_rec_init(&rec);
		memset(st, 0, sizeof(st));
		assert_int_equal(drive(st, 40000, 80, true, pipe, strlen(pipe),
				       chunks[i], &rec),
				 VG_STREAM_OK);
		assert_true(vg_obs_rec_has(&rec, "src http user_agent one"));
		assert_true(vg_obs_rec_has(&rec, "src http user_agent two"));
		assert_true(vg_obs_rec_has(&rec, "src http user_agent three"));
		assert_int_equal(rec.n, 3);
		vg_obs_rec_release(&rec);
	}
}

static void
test_responses_skip(void **unused)
{
	/* HEAD's answer has a length but no body; 304 and 1xx none. */
	static const char reqs[] = "HEAD / HTTP/1.1\r\n\r\n"
				   "GET / HTTP/1.1\r\n\r\n"
				   "GET /x HTTP/1.1\r\n\r\n";
	static const char resps[] =
		"HTTP/1.1 200 OK\r\nServer: s1\r\nContent-Length: 1000\r\n\r\n"
		"HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 200 OK\r\nServer: s2\r\nContent-Length: 4\r\n\r\nbody"
		"HTTP/1.1 304 Not Modified\r\nServer: s3\r\n"
		"Content-Length: 50\r\n\r\n"
		"HTTP/1.1 200 OK\r\nServer: s4\r\n\r\nto the close";
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	vg_obs_rec_init(&rec);
	assert_int_equal(
		drive(st, 40000, 80, true, reqs, strlen(reqs), 5, &rec),
		VG_STREAM_OK);
	assert_int_equal(
		drive(st, 80, 40000, false, resps, strlen(resps), 9, &rec),
		VG_STREAM_NO);
	assert_true(vg_obs_rec_has(&rec, "src http server s1"));
	assert_true(vg_obs_rec_has(&rec, "src http server s2"));
	assert_true(vg_obs_rec_has(&rec, "src http server s3"));
	assert_true(vg_obs_rec_has(&rec, "src http server s4"));
	/* The last response runs to the close: the direction is given up. */
	assert_int_equal(call(st, 80, 40000, false, frame8, 0, &out, &rec),
			 VG_STREAM_NO);
	/* The client's direction is still followed. */
	assert_int_equal(call(st, 40000, 80, true, frame8, 0, &out, &rec),
			 VG_STREAM_OK);
	vg_obs_rec_release(&rec);
}

static void
test_content_length(void **unused)
{
	static const struct {
		const char *value;
		enum vg_stream_rc rc;
		uint64_t skip;
	} rows[] = {
		{"0", VG_STREAM_OK, 0},
		{"42", VG_STREAM_OK, 42},
		{"  42  ", VG_STREAM_OK, 42},
		{"99999999999", VG_STREAM_OK, 99999999999ull},
		{"9223372036854775807", VG_STREAM_OK, 9223372036854775807ull},
		{"9223372036854775808", VG_STREAM_NO, 0},
		{"99999999999999999999999", VG_STREAM_NO, 0},
		{"-5", VG_STREAM_NO, 0},
		{"abc", VG_STREAM_NO, 0},
		{"", VG_STREAM_NO, 0},
		{"+5", VG_STREAM_NO, 0},
		{"5, 5", VG_STREAM_NO, 0},
		{"0x10", VG_STREAM_NO, 0},
	};
	char req[256];
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	vg_obs_rec_init(&rec);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(st, 0, sizeof(st));
		(void)snprintf(req, sizeof(req),
			       "PUT /f HTTP/1.1\r\nContent-Length:%s\r\n\r\n",
			       rows[i].value);
		assert_int_equal(call(st, 1234, 80, true, req, 0, &out, &rec),
				 rows[i].rc);
		if (rows[i].rc == VG_STREAM_OK) {
			assert_int_equal(out.consumed, strlen(req));
			assert_true(out.skip == rows[i].skip);
		}
	}
	/* Two lengths that disagree: no way to find the body. */
	memset(st, 0, sizeof(st));
	assert_int_equal(call(st, 1234, 80, true,
			      "PUT / HTTP/1.1\r\nContent-Length: 4\r\n"
			      "Content-Length: 5\r\n\r\n",
			      0, &out, &rec),
			 VG_STREAM_NO);
	vg_obs_rec_release(&rec);
}

static void
test_chunked(void **unused)
{
	static const char req[] = "POST /up HTTP/1.1\r\nUser-Agent: ua\r\n"
				  "Transfer-Encoding: chunked\r\n"
				  "Content-Length: 3\r\n\r\n"
				  "5\r\nhello\r\n0\r\n\r\n";
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	const char *body = strstr(req, "\r\n\r\n") + 4;

	(void)unused;
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 1234, 80, true, req, 0, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, (size_t)(body - req));
	assert_int_equal(out.skip, 0);
	assert_true(vg_obs_rec_has(&rec, "src http user_agent ua"));
	/* The rest of the direction is given up, even a new request. */
	assert_int_equal(call(st, 1234, 80, true, body, 0, &out, &rec),
			 VG_STREAM_NO);
	assert_int_equal(call(st, 1234, 80, true, frame8, 0, &out, &rec),
			 VG_STREAM_NO);
	/* The other direction is not. */
	assert_int_equal(call(st, 80, 1234, false,
			      "HTTP/1.1 204 No Content\r\n\r\n", 0, &out, &rec),
			 VG_STREAM_OK);
	vg_obs_rec_release(&rec);
}

static void
test_not_http(void **unused)
{
	static const struct {
		const char *in;
		size_t n;
		enum vg_stream_rc rc;
	} rows[] = {
		{"SSH-2.0-OpenSSH_9.2\r\n", 0, VG_STREAM_NO},
		{"\x16\x03\x01\x00\x05", 0, VG_STREAM_NO},
		{"GETX / HTTP/1.1\r\n\r\n", 0, VG_STREAM_NO},
		{"get / HTTP/1.1\r\n\r\n", 0, VG_STREAM_NO},
		{"GET  / HTTP/1.1\r\n\r\n", 0, VG_STREAM_NO},
		{"GET / HTTP/2.0\r\n\r\n", 0, VG_STREAM_NO},
		{"GET / HTTP/1.1 x\r\n\r\n", 0, VG_STREAM_NO},
		{"GET / HTTP/1.1\rx\r\n\r\n", 0, VG_STREAM_NO},
		{"GET /\x01 HTTP/1.1\r\n\r\n", 0, VG_STREAM_NO},
		{"GET\0/ HTTP/1.1\r\n\r\n", 18, VG_STREAM_NO},
		{"HTTP/1.1 2000 OK\r\n\r\n", 0, VG_STREAM_NO},
		{"HTTP/1.1 20x OK\r\n\r\n", 0, VG_STREAM_NO},
		{"HTTP/1.x 200 OK\r\n\r\n", 0, VG_STREAM_NO},
		{"HTTP/2 200\r\n\r\n", 0, VG_STREAM_NO},
		{"USER alice\r\n", 0, VG_STREAM_NO},
		{"220 ftp ready\r\n", 0, VG_STREAM_NO},
		/* Prefixes that still agree: wait. */
		{"P", 0, VG_STREAM_MORE},
		{"PAT", 0, VG_STREAM_MORE},
		{"OPTIONS", 0, VG_STREAM_MORE},
		{"OPTIONS * HTTP/1.", 0, VG_STREAM_MORE},
		{"HTTP/1.0 200", 0, VG_STREAM_MORE},
		{"HTTP/1.0 200\r\n", 0, VG_STREAM_MORE},
		{"DELETE /x HTTP/1.1\r", 0, VG_STREAM_MORE},
		/* Complete with an empty header block. */
		{"OPTIONS * HTTP/1.1\n\n", 0, VG_STREAM_OK},
		{"CONNECT h:443 HTTP/1.1\r\n\r\n", 0, VG_STREAM_OK},
		{"PATCH /p HTTP/1.0\r\n\r\n", 0, VG_STREAM_OK},
		{"DELETE /p HTTP/1.0\r\n\r\n", 0, VG_STREAM_OK},
		{"HTTP/1.0 404\r\n\r\n", 0, VG_STREAM_OK},
	};
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	vg_obs_rec_init(&rec);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(st, 0, sizeof(st));
		assert_int_equal(call(st, 5555, 80, true, rows[i].in, rows[i].n,
				      &out, &rec),
				 rows[i].rc);
	}
	vg_obs_rec_release(&rec);
}

static void
test_caps(void **unused)
{
	static const char nul_ua[] =
		"GET / HTTP/1.1\r\nUser-Agent: a\0b\r\n\r\n";
	static char s[20001];
	size_t big = 20000, i;
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	char want[300];

	(void)unused;
	vg_obs_rec_init(&rec);
	/* A header block that never ends within the cap. */
	memcpy(s, "GET / HTTP/1.1\r\nX: ", 19);
	memset(s + 19, 'a', big - 19);
	s[big] = '\0';
	assert_int_equal(call(st, 1, 80, true, s, big, &out, &rec),
			 VG_STREAM_NO);
	/* A request line that never ends. */
	memset(st, 0, sizeof(st));
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', big - 5);
	assert_int_equal(call(st, 1, 80, true, s, big, &out, &rec),
			 VG_STREAM_NO);
	/* A long User-Agent is cut to 255 bytes. */
	memset(st, 0, sizeof(st));
	i = (size_t)snprintf(s, big, "GET / HTTP/1.1\r\nUser-Agent: ");
	memset(s + i, 'u', 1000);
	memcpy(s + i + 1000, "\r\n\r\n", 5);
	assert_int_equal(call(st, 1, 80, true, s, 0, &out, &rec), VG_STREAM_OK);
	(void)snprintf(want, sizeof(want), "src http user_agent %.*s", 255,
		       s + i);
	assert_true(vg_obs_rec_has(&rec, want));
	/* NUL bytes in a value are passed on (the device table cleans). */
	memset(st, 0, sizeof(st));
	assert_int_equal(
		call(st, 1, 80, true, nul_ua, sizeof(nul_ua) - 1, &out, &rec),
		VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, "src http user_agent a\\x00b"));
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_agent),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_basic_auth_long),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_responses_skip),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Alerts: the e-mail's exact headers and RFC 2047 encoding, header
 * injection attempts, the body, the webhook JSON, and the delivery loop
 * recording failures in the timeline (a fake store, dead ports). */
#include "util/common.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/policy.h"
#include "respond/notify.h"
#include "respond/notify_private.h"
#include "store/store.h"
#include "util/buf.h"
#include "support.h"

/* Decode base64 (no checks beyond the alphabet) into out. */
static size_t
b64_decode(const char *s, size_t n, unsigned char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
				"tuvwxyz0123456789+/";
	unsigned v = 0;
	int bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n && s[i] != '='; i++) {
		const char *p = strchr(a, s[i]);

		assert_non_null(p);
		v = v << 6 | (unsigned)(p - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	return o;
}

/*
 * Undo one header's RFC 2047 encoding into out: checks on the way that
 * lines are at most 76 characters, that only "\r\n " folds, and that
 * every word is well formed.
 */
static void
decode_header(const char *h, char *out, size_t outlen)
{
	const char *p = strchr(h, ':') + 2, *e, *line = h;
	size_t o = 0;

	while (*p != '\0') {
		if (p[0] == '\r') {
			assert_true(p[1] == '\n');
			assert_true((size_t)(p - line) <= 76);
			if (p[2] != ' ')
				break;
			line = p + 2;
			p += 3;
			continue;
		}
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			e = strstr(p + 10, "?=");
			assert_non_null(e);
			o += b64_decode(p + 10, (size_t)(e - p - 10),
					(unsigned char *)out + o);
			p = e + 2;
		} else {
			out[o++] = *p++;
		}
		assert_true(o < outlen - 64);
	}
	out[o] = '\0';
}

struct header_row {
	const char *value;
	const char *want; /* the exact header, or NULL: check decoding */
	const char *decoded;
};

static const struct header_row header_rows[] = {
	{"Alerte", "Subject: Alerte\r\n", "Alerte"},
	{"", "Subject: \r\n", ""},
	/* A line break cannot start a header of its own. */
	{"a\r\nBcc: evil@example.org", "Subject: a  Bcc: evil@example.org\r\n",
	 NULL},
	{"a\nb\rc\td\x01\x7f", "Subject: a b c d  \r\n", NULL},
	{"Rançongiciel", "Subject: =?UTF-8?B?UmFuw6dvbmdpY2llbA==?=\r\n",
	 "Rançongiciel"},
	/* Invalid UTF-8 becomes U+FFFD. */
	{"\xff", "Subject: =?UTF-8?B?77+9?=\r\n", "\xef\xbf\xbd"},
	/* Text that looks like an encoded word is encoded itself. */
	{"=?UTF-8?B?QmNjOg==?=", NULL, "=?UTF-8?B?QmNjOg==?="},
	{"Incident 12 : chiffrement des serveurs du bloc opératoire, "
	 "urgences en mode dégradé depuis 3 h — DPI indisponible",
	 NULL,
	 "Incident 12 : chiffrement des serveurs du bloc opératoire, "
	 "urgences en mode dégradé depuis 3 h — DPI indisponible"},
	/* Long ASCII is folded as words too, never cut. */
	{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxx",
	 NULL,
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxx"},
	/* 4-byte sequences are never split across words. */
	{"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", NULL, "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"},
	{"é\r\né", NULL, "é  é"},
};

static void
test_header_encoding(void **state)
{
	struct vg_buf b;
	char dec[4096];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(header_rows); i++) {
		const struct header_row *r = &header_rows[i];
		const char *s;

		vg_buf_init(&b, 65536);
		assert_int_equal(vg_notify_header(&b, "Subject", r->value),
				 VG_OK);
		s = vg_buf_str(&b);
		if (r->want != NULL && strcmp(s, r->want) != 0)
			fail_msg("row %zu: got '%s'", i, s);
		/* one header: every CRLF but the last is a fold */
		for (const char *p = s; (p = strstr(p, "\r\n")) != NULL; p++)
			assert_true(p[2] == ' ' || p[2] == '\0');
		assert_null(strchr(s, '\n') != NULL &&
					    strchr(s, '\n')[-1] != '\r'
				    ? s
				    : NULL);
		if (r->decoded != NULL) {
			decode_header(s, dec, sizeof(dec));
			if (strcmp(dec, r->decoded) != 0)
				fail_msg("row %zu: decoded '%s'", i, dec);
		}
		vg_buf_release(&b);
	}
}

static void
test_header_addr(void **state)
{
	static const struct {
		const char *display, *addr, *want;
	} rows[] = {
		{"vigie", "vigie@chu.fr", "From: vigie <vigie@chu.fr>\r\n"},
		{NULL, "a@b.fr", "From: <a@b.fr>\r\n"},
		{"Direction des soins", "ds@chu.fr",
		 "From: Direction des soins <ds@chu.fr>\r\n"},
		{"Hélène", "h@chu.fr",
		 "From: =?UTF-8?B?SMOpbMOobmU=?=\r\n <h@chu.fr>\r\n"},
		/* specials in a display name are encoded, not quoted */
		{"Eve <x@y>, z@w", "e@chu.fr",
		 "From: =?UTF-8?B?RXZlIDx4QHk+LCB6QHc=?=\r\n <e@chu.fr>\r\n"},
		{"Eve\r\nBcc: x@y", "e@chu.fr",
		 "From: =?UTF-8?B?RXZlICBCY2M6IHhAeQ==?=\r\n <e@chu.fr>\r\n"},
		/* a hand-made policy's address cannot break the line */
		{NULL, "a@b.fr>\r\nBcc: <x@y",
		 "From: <a@b.fr>  Bcc: <x@y>\r\n"},
	};
	struct vg_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_buf_init(&b, 4096);
		assert_int_equal(vg_notify_header_addr(&b, "From",
						       rows[i].display,
						       rows[i].addr),
				 VG_OK);
		if (strcmp(vg_buf_str(&b), rows[i].want) != 0)
			fail_msg("row %zu: got '%s'", i, vg_buf_str(&b));
		vg_buf_release(&b);
	}
}

/* A policy with one contact of each channel. */
static void
policy_make(struct vg_policy *p, const char *extra)
{
	struct vg_err err;
	char conf[2048];

	(void)snprintf(conf, sizeof(conf),
		       "[contact \"Hélène Durand\"]\nrole = rssi\n"
		       "email = rssi@chu-exemple.fr\n"
		       "[smtp]\nurl = smtp://127.0.0.1:1\n"
		       "from = vigie@chu-exemple.fr\n"
		       "[establishment]\nname = CHU d'Exemple\n"
		       "finess_ej = 010003820\n%s",
		       extra);
	assert_int_equal(vg_policy_init(p, &err), VG_OK);
	assert_int_equal(vg_policy_parse(p, "t.conf", conf, strlen(conf), NULL,
					 NULL, &err),
			 VG_OK);
}

/* An incident as incident_get answers it. */
static json_t *
incident_make(const char *title)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:I, s:s, s:I, s:b, s:b, s:I, s:b, s:b, s:b,"
		" s:n, s:n, s:s, s:I, s:I, s:I, s:I, s:n, s:n,"
		" s:[{s:I, s:s, s:n}, {s:I, s:s, s:n}], s:[{s:I}]}",
		"id", (json_int_t)7, "title", title, "type", "ransomware",
		"detected_at", (json_int_t)1699996400, "care", "proven",
		"degraded_since", (json_int_t)1699998200, "health_data", 1,
		"personal_data", 1, "persons", (json_int_t)1200,
		"confidentiality", 1, "integrity", 1, "availability", 1,
		"perimeter", "causes", "status", "open", "opened_at",
		(json_int_t)1700000000, "closed_at", (json_int_t)0,
		"reported_ans_at", (json_int_t)0, "reported_cnil_at",
		(json_int_t)0, "ans_ref", "cnil_ref", "assets", "host_id",
		(json_int_t)1, "name", "srv-dpi-01", "agent_id", "host_id",
		(json_int_t)2, "name", "pc-urg-03", "agent_id", "timeline",
		"seq", (json_int_t)1);

	assert_non_null(o);
	return o;
}

static void
test_mail(void **state)
{
	struct vg_policy p;
	struct vg_notify_view v;
	struct vg_buf b;
	struct vg_err err;
	json_t *inc;
	const char *s, *body, *nl;
	char dec[1024];

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	policy_make(&p, "");
	inc = incident_make("Chiffrement du DPI\r\nBcc: evil@example.org");
	assert_int_equal(vg_notify_view_read(&v, &p, inc, &err), VG_OK);
	assert_true(v.serious);
	assert_int_equal(v.deadline_ans, 1699996400 + 24 * 3600);
	assert_int_equal(v.deadline_cnil, 1699996400 + 72 * 3600);
	vg_buf_init(&b, VG_NOTIFY_MAIL_MAX);
	assert_int_equal(vg_notify_mail_build(&p, &p.contacts[0], &v,
					      VG_NOTIFY_OPENED,
					      "https://vigie.chu/incidents/7",
					      1700000000, &b, &err),
			 VG_OK);
	s = vg_buf_str(&b);
	/* The headers, in order, exactly. */
	assert_true(strncmp(s,
			    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
			    "From: vigie <vigie@chu-exemple.fr>\r\n"
			    "To: =?UTF-8?B?SMOpbMOobmUgRHVyYW5k?=\r\n"
			    " <rssi@chu-exemple.fr>\r\n"
			    "Subject: ",
			    strlen("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
				   "From: vigie <vigie@chu-exemple.fr>\r\n"
				   "To: =?UTF-8?B?SMOpbMOobmUgRHVyYW5k?=\r\n"
				   " <rssi@chu-exemple.fr>\r\n"
				   "Subject: ")) == 0);
	decode_header(strstr(s, "Subject: "), dec, sizeof(dec));
	assert_string_equal(dec,
			    "[vigie] Incident 7 opened: Chiffrement du "
			    "DPI  Bcc: evil@example.org");
	assert_non_null(strstr(s,
			       "\r\nMessage-ID: <vigie.incident-7."
			       "1700000000."));
	assert_non_null(strstr(s,
			       "@chu-exemple.fr>\r\nMIME-Version: 1.0\r\n"
			       "Content-Type: text/plain; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: 8bit\r\n"));
	/* The injection attempt made no header: no line starts "Bcc". */
	assert_null(strstr(s, "\nBcc"));
	body = strstr(s, "\r\n\r\n");
	assert_non_null(body);
	/* CRLF everywhere, lines within 998 bytes. */
	for (nl = s; (nl = strchr(nl, '\n')) != NULL; nl++)
		assert_true(nl > s && nl[-1] == '\r');
	assert_non_null(strstr(body, "Incident 7 has been opened."));
	assert_non_null(strstr(body,
			       "\r\nTitle: Chiffrement du DPI  Bcc: "
			       "evil@example.org\r\n"));
	assert_non_null(strstr(body, "\r\nType: ransomware\r\n"));
	assert_non_null(strstr(body, "\r\nStatus: open\r\n"));
	assert_non_null(
		strstr(body, "\r\nDetected: 2023-11-14 21:13 (UTC+00:00)\r\n"));
	assert_non_null(strstr(body, "\r\nImpact on care: proven\r\n"));
	assert_non_null(strstr(body,
			       "\r\nDegraded mode since: 2023-11-14 "
			       "21:43 (UTC+00:00)\r\n"));
	assert_non_null(strstr(body, "\r\nHealth data concerned: yes\r\n"));
	assert_non_null(strstr(
		body, "\r\nPersons concerned (approximately): 1200\r\n"));
	assert_non_null(strstr(body, "\r\nAssets: srv-dpi-01, pc-urg-03\r\n"));
	assert_non_null(strstr(body,
			       "without delay, by 2023-11-15 21:13 "
			       "(UTC+00:00)\r\n"));
	assert_non_null(strstr(body,
			       "notify the CNIL by 2023-11-17 21:13 "
			       "(UTC+00:00) (72 hours)\r\n"));
	assert_non_null(strstr(body, "\r\nhttps://vigie.chu/incidents/7\r\n"));
	assert_non_null(strstr(body,
			       "Sent by vigie to Hélène Durand "
			       "(security officer)"));
	vg_buf_release(&b);
	json_decref(inc);
	vg_policy_release(&p);
}

/* A changed, reported, non-serious incident: other lines. */
static void
test_mail_changed(void **state)
{
	struct vg_policy p;
	struct vg_notify_view v;
	struct vg_buf b;
	struct vg_err err;
	json_t *inc;
	const char *s;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	policy_make(&p, "[policy]\nincident_report_hours = 2\n");
	inc = incident_make("Hameçonnage");
	json_object_set_new(inc, "type", json_string("phishing"));
	json_object_set_new(inc, "care", json_string("none"));
	json_object_set_new(inc, "degraded_since", json_integer(0));
	json_object_set_new(inc, "health_data", json_false());
	json_object_set_new(inc, "personal_data", json_false());
	json_object_set_new(inc, "status", json_string("contained"));
	json_object_set_new(inc, "reported_ans_at", json_integer(1700003600));
	json_object_set_new(inc, "assets", json_array());
	assert_int_equal(vg_notify_view_read(&v, &p, inc, &err), VG_OK);
	assert_false(v.serious);
	assert_int_equal(v.deadline_ans, 1699996400 + 2 * 3600);
	assert_int_equal(v.deadline_cnil, 0);
	vg_buf_init(&b, VG_NOTIFY_MAIL_MAX);
	assert_int_equal(vg_notify_mail_build(&p, &p.contacts[0], &v,
					      VG_NOTIFY_CHANGED, NULL,
					      1700000000, &b, &err),
			 VG_OK);
	s = vg_buf_str(&b);
	assert_non_null(strstr(s, "its status is now \"contained\"."));
	assert_non_null(strstr(s, "\r\nAssets: none named\r\n"));
	assert_non_null(strstr(s,
			       "reported to the national portal (CERT "
			       "Santé) on 2023-11-14 23:13"));
	assert_null(strstr(s, "CNIL"));
	assert_null(strstr(s, "Degraded"));
	assert_null(strstr(s, "Persons"));
	assert_null(strstr(s, "In the console"));
	vg_buf_release(&b);
	json_decref(inc);
	vg_policy_release(&p);
}

static void
test_view_bad(void **state)
{
	static const char *const docs[] = {
		"[]",
		"{}",
		"{\"id\": \"7\", \"title\": \"t\", \"type\": \"other\", "
		"\"care\": \"none\", \"status\": \"open\"}",
		"{\"id\": 7, \"title\": 3, \"type\": \"other\", "
		"\"care\": \"none\", \"status\": \"open\"}",
		"{\"id\": 7, \"title\": \"t\", \"type\": \"worm\", "
		"\"care\": \"none\", \"status\": \"open\"}",
	};
	struct vg_policy p;
	struct vg_notify_view v;
	struct vg_err err;
	json_t *o;
	size_t i;

	(void)state;
	policy_make(&p, "");
	for (i = 0; i < VG_ARRAY_LEN(docs); i++) {
		o = json_loads(docs[i], 0, NULL);
		assert_non_null(o);
		if (vg_notify_view_read(&v, &p, o, &err) != VG_ERR_USAGE)
			fail_msg("row %zu accepted", i);
		json_decref(o);
	}
	vg_policy_release(&p);
}

static void
test_webhook_body(void **state)
{
	struct vg_policy p;
	struct vg_notify_view v;
	struct vg_err err;
	json_t *inc, *doc, *x;
	char *text;

	(void)state;
	policy_make(&p, "");
	inc = incident_make("Chiffrement \"DPI\" </script>");
	assert_int_equal(vg_notify_view_read(&v, &p, inc, &err), VG_OK);
	assert_int_equal(vg_notify_webhook_body(&p, &v, VG_NOTIFY_OPENED,
						"https://c/incidents/7", &text,
						&err),
			 VG_OK);
	doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "event")),
			    "opened");
	x = json_object_get(doc, "incident");
	assert_int_equal(json_integer_value(json_object_get(x, "id")), 7);
	assert_string_equal(json_string_value(json_object_get(x, "title")),
			    "Chiffrement \"DPI\" </script>");
	assert_null(json_object_get(x, "timeline"));
	assert_int_equal(json_array_size(json_object_get(x, "assets")), 2);
	x = json_object_get(doc, "establishment");
	assert_string_equal(json_string_value(json_object_get(x, "finess_ej")),
			    "010003820");
	assert_true(json_is_null(json_object_get(x, "finess_et")));
	x = json_object_get(doc, "deadlines");
	assert_int_equal(json_integer_value(json_object_get(x, "ans")),
			 1699996400 + 24 * 3600);
	assert_int_equal(json_integer_value(json_object_get(x, "cnil")),
			 1699996400 + 72 * 3600);
	assert_string_equal(
		json_string_value(json_object_get(doc, "console_url")),
		"https://c/incidents/7");
	/* The caller's document is not changed. */
	assert_non_null(json_object_get(inc, "timeline"));
	json_decref(doc);
	free(text);

	/* No establishment declared, event changed, no CNIL, no link. */
	vg_policy_release(&p);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	json_object_set_new(inc, "personal_data", json_false());
	json_object_set_new(inc, "health_data", json_false());
	assert_int_equal(vg_notify_view_read(&v, &p, inc, &err), VG_OK);
	assert_int_equal(vg_notify_webhook_body(&p, &v, VG_NOTIFY_CHANGED, NULL,
						&text, &err),
			 VG_OK);
	doc = json_loads(text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(doc, "event")),
			    "changed");
	assert_true(json_is_null(json_object_get(doc, "establishment")));
	assert_true(json_is_null(
		json_object_get(json_object_get(doc, "deadlines"), "cnil")));
	assert_true(json_is_null(json_object_get(doc, "console_url")));
	json_decref(doc);
	free(text);
	json_decref(inc);
	vg_policy_release(&p);
}

/* A fake store keeping the timeline entries appended. */
static json_t *appended;

static enum vg_rc
fake_append(struct vg_store *s, int64_t incident_id, int64_t at,
	    const char *actor, const char *kind, const char *detail,
	    int64_t *seq, struct vg_err *err)
{
	(void)s;
	(void)at;
	(void)err;
	assert_int_equal(incident_id, 7);
	json_array_append_new(appended,
			      json_pack("{s:s, s:s, s:o}", "actor", actor,
					"kind", kind, "detail",
					json_loads(detail, 0, NULL)));
	*seq = (int64_t)json_array_size(appended);
	return VG_OK;
}

/* A loopback port nobody listens on. */
static int
dead_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void
test_deliveries_fail(void **state)
{
	static const struct vg_store_ops ops = {.name = "fake",
						.timeline_append = fake_append};
	struct vg_store st = {&ops, NULL};
	struct vg_policy p;
	struct vg_err err;
	json_t *inc, *d;
	size_t sent, failed;
	char extra[256];
	time_t t0;
	int port = dead_port();

	(void)state;
	(void)snprintf(extra, sizeof(extra),
		       "[contact \"Astreinte\"]\nrole = oncall\n"
		       "webhook = http://127.0.0.1:%d/hook/SECRET\n"
		       "[contact \"Sans canal\"]\nrole = management\n"
		       "[smtp]\nurl = smtp://127.0.0.1:%d\n",
		       port, port);
	policy_make(&p, extra);
	appended = json_array();
	inc = incident_make("Test");
	t0 = time(NULL);
	assert_int_equal(vg_notify_incident(&st, &p, inc, VG_NOTIFY_OPENED,
					    NULL, &sent, &failed, &err),
			 VG_OK);
	/* 2 channels x (3 attempts, 1.5 s of backoff): bounded. */
	assert_true(time(NULL) - t0 < 10);
	assert_int_equal(sent, 0);
	assert_int_equal(failed, 2);
	assert_int_equal(json_array_size(appended), 2);
	d = json_array_get(appended, 0);
	assert_string_equal(json_string_value(json_object_get(d, "actor")),
			    "vigie");
	assert_string_equal(json_string_value(json_object_get(d, "kind")),
			    "alert");
	d = json_object_get(d, "detail");
	assert_string_equal(json_string_value(json_object_get(d, "contact")),
			    "Hélène Durand");
	assert_string_equal(json_string_value(json_object_get(d, "role")),
			    "rssi");
	assert_string_equal(json_string_value(json_object_get(d, "channel")),
			    "email");
	assert_string_equal(json_string_value(json_object_get(d, "to")),
			    "rssi@chu-exemple.fr");
	assert_string_equal(json_string_value(json_object_get(d, "state")),
			    "failed");
	assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 3);
	assert_true(strlen(json_string_value(json_object_get(d, "error"))) > 0);
	d = json_object_get(json_array_get(appended, 1), "detail");
	assert_string_equal(json_string_value(json_object_get(d, "channel")),
			    "webhook");
	/* the hook's secret path is not kept in the record */
	(void)snprintf(extra, sizeof(extra), "http://127.0.0.1:%d", port);
	assert_string_equal(json_string_value(json_object_get(d, "to")), extra);
	assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 3);
	json_decref(appended);
	json_decref(inc);
	vg_policy_release(&p);
}

/* No [smtp]: the e-mail fails at once (no attempt), recorded. */
static void
test_no_smtp(void **state)
{
	static const struct vg_store_ops ops = {.name = "fake",
						.timeline_append = fake_append};
	struct vg_store st = {&ops, NULL};
	struct vg_policy p;
	struct vg_err err;
	json_t *inc, *d;
	size_t sent, failed;
	const char *conf = "[contact \"A\"]\nemail = a@b.fr\n";

	(void)state;
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	assert_int_equal(
		vg_policy_parse(&p, "t", conf, strlen(conf), NULL, NULL, &err),
		VG_OK);
	appended = json_array();
	inc = incident_make("Test");
	assert_int_equal(vg_notify_incident(&st, &p, inc, VG_NOTIFY_CHANGED,
					    NULL, &sent, &failed, &err),
			 VG_OK);
	assert_int_equal(failed, 1);
	d = json_object_get(json_array_get(appended, 0), "detail");
	assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 0);
	assert_non_null(strstr(json_string_value(json_object_get(d, "error")),
			       "[smtp]"));
	json_decref(appended);
	json_decref(inc);
	vg_policy_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_encoding),
		cmocka_unit_test(test_header_addr),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_mail_changed),
		cmocka_unit_test(test_view_bad),
		cmocka_unit_test(test_webhook_body),
		cmocka_unit_test(test_deliveries_fail),
		cmocka_unit_test(test_no_smtp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

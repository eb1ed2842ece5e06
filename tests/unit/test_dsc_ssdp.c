/* Unit tests: the SSDP decoder (vg_ssdp_decode). */
#include "util/common.h"

#include <stdio.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

/* Appendix B frame 5 (the UDP payload). */
static const char notify[] =
	"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
	"CACHE-CONTROL: max-age=1800\r\n"
	"LOCATION: http://10.1.5.7:49152/desc.xml\r\nNT: upnp:rootdevice\r\n"
	"NTS: ssdp:alive\r\n"
	"SERVER: Linux/3.10 UPnP/1.0 AXIS-P3245/10.12\r\n"
	"USN: uuid:ffffff-axis::upnp:rootdevice\r\n\r\n";

#define AXIS "Linux/3.10 UPnP/1.0 AXIS-P3245/10.12"

static enum vg_rc
decode(const void *p, size_t n, struct vg_obs_rec *rec)
{
	struct vg_packet pkt;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_UDP;
	pkt.src.family = 4;
	pkt.sport = pkt.dport = 1900;
	pkt.payload = p;
	pkt.payload_len = n;
	return vg_ssdp_decode(&pkt, &sink);
}

struct row {
	const char *name;
	const char *msg;
	size_t len;
	enum vg_rc rc;
	const char *want; /* a line that must be there, or NULL */
	size_t count;
};

#define R(s) s, sizeof(s) - 1

static const struct row rows[] = {
	{"appendix b notify", R(notify), VG_OK,
	 "src ssdp server " AXIS "|upnp:rootdevice", 2},
	{"search answer, LF, lower case",
	 R("HTTP/1.1 200 OK\nst: urn:schemas-upnp-org:device:MediaServer:1\n"
	   "server: Linux UPnP/1.0 Sonos/70.3\nEXT:\n\n"),
	 VG_OK,
	 "src ssdp server Linux UPnP/1.0 Sonos/70.3|"
	 "urn:schemas-upnp-org:device:MediaServer:1",
	 2},
	{"search answer, other reason",
	 R("HTTP/1.0 200 Fine\r\nServer: x\r\n\r\n"), VG_OK,
	 "src ssdp server x", 2},
	{"m-search with user agent",
	 R("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
	   "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n"
	   "USER-AGENT: Windows/10.0 UPnP/1.0 Sonos/70.3 "
	   "(ICRU_iPhone)\r\n\r\n"),
	 VG_OK,
	 "src ssdp user_agent Windows/10.0 UPnP/1.0 Sonos/70.3 (ICRU_iPhone)",
	 1},
	{"m-search without user agent",
	 R("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n"), VG_OK, NULL, 0},
	{"notify without server", R("NOTIFY * HTTP/1.1\r\nNT: x\r\n\r\n"),
	 VG_OK, "src ssdp service upnp", 1},
	{"empty server", R("NOTIFY * HTTP/1.1\r\nSERVER:  \r\n\r\n"), VG_OK,
	 "src ssdp service upnp", 1},
	{"spaces trimmed, first wins",
	 R("NOTIFY * HTTP/1.1\r\nSERVER: \t a b \t\r\nSERVER: second\r\n\r\n"),
	 VG_OK, "src ssdp server a b", 2},
	{"nul in value", R("NOTIFY * HTTP/1.1\r\nSERVER: a\0b\r\n\r\n"), VG_OK,
	 "src ssdp server a\\x00b", 2},
	{"no final blank line", R("NOTIFY * HTTP/1.1\r\nSERVER: cut"), VG_OK,
	 "src ssdp server cut", 2},
	{"header name longer", R("NOTIFY * HTTP/1.1\r\nSERVERX: no\r\n\r\n"),
	 VG_OK, NULL, 1},
	{"not a header", R("NOTIFY * HTTP/1.1\r\nSERVER: s\r\ngarbage\r\n\r\n"),
	 VG_ERR_PARSE, "src ssdp server s", 2},
	{"folded line ignored",
	 R("NOTIFY * HTTP/1.1\r\nSERVER: s\r\n  more\r\n\r\n"), VG_OK,
	 "src ssdp server s", 2},
	{"not found", R("HTTP/1.1 404 Not Found\r\nSERVER: s\r\n\r\n"),
	 VG_ERR_PARSE, NULL, 0},
	{"http request", R("GET / HTTP/1.1\r\nSERVER: s\r\n\r\n"), VG_ERR_PARSE,
	 NULL, 0},
	{"short status", R("HTTP/1.1 20"), VG_ERR_PARSE, NULL, 0},
	{"empty", R(""), VG_ERR_PARSE, NULL, 0},
	{"binary", R("\x00\x01\x02\xff\r\n\r\n"), VG_ERR_PARSE, NULL, 0},
};

static void
test_rows(void **state)
{
	size_t i;
	struct vg_obs_rec rec;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		fprintf(stderr, "row: %s\n", rows[i].name);
		vg_obs_rec_init(&rec);
		assert_int_equal(decode(rows[i].msg, rows[i].len, &rec),
				 rows[i].rc);
		if (rows[i].want != NULL)
			assert_true(vg_obs_rec_has(&rec, rows[i].want));
		assert_int_equal(rec.n, rows[i].count);
		vg_obs_rec_release(&rec);
	}
}

/* Long values are cut at 255; a line over the cap stops the parse;
 * headers past the count limit are not read. */
static void
test_limits(void **state)
{
	char buf[8192];
	size_t n, i;
	struct vg_obs_rec rec;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "NOTIFY * HTTP/1.1\r\nSERVER: ");
	memset(buf + n, 'v', 300);
	n += 300;
	memcpy(buf + n, "\r\n\r\n", 4);
	n += 4;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, &rec), VG_OK);
	assert_int_equal(rec.n, 2);
	assert_int_equal(strlen(rec.lines[0]),
			 strlen("src ssdp server ") + 255);
	vg_obs_rec_release(&rec);

	/* a 3000-byte line */
	n = (size_t)snprintf(buf, sizeof(buf), "NOTIFY * HTTP/1.1\r\nX: ");
	memset(buf + n, 'x', 3000);
	n += 3000;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      "\r\nSERVER: s\r\n\r\n");
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 1); /* the service, no server */
	vg_obs_rec_release(&rec);

	/* a long start line */
	memset(buf, 'N', 3000);
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, 3000, &rec), VG_ERR_PARSE);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);

	/* 100 headers, then SERVER: not read */
	n = (size_t)snprintf(buf, sizeof(buf), "NOTIFY * HTTP/1.1\r\n");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%zu: y\r\n",
				      i);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "SERVER: s\r\n\r\n");
	assert_true(n < sizeof(buf));
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(buf, n, &rec), VG_OK);
	assert_true(vg_obs_rec_has(&rec, "src ssdp service upnp"));
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
	assert_int_equal(vg_ssdp_decode(NULL, NULL), VG_ERR_PARSE);
}

/* The body after the blank line is not read as headers. */
static void
test_body_ignored(void **state)
{
	static const char msg[] = "HTTP/1.1 200 OK\r\nST: a\r\n\r\n"
				  "SERVER: body\r\n";
	struct vg_obs_rec rec;

	(void)state;
	vg_obs_rec_init(&rec);
	assert_int_equal(decode(msg, sizeof(msg) - 1, &rec), VG_OK);
	assert_int_equal(vg_obs_rec_count(&rec, "src ssdp server"), 0);
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
}

static void
test_prefixes(void **state)
{
	size_t i;
	enum vg_rc rc;
	struct vg_obs_rec rec;

	(void)state;
	for (i = 0; i < sizeof(notify); i++) {
		vg_obs_rec_init(&rec);
		rc = decode(notify, i, &rec);
		assert_true(rc == VG_OK || rc == VG_ERR_PARSE);
		if (i < 16) /* the start line is incomplete */
			assert_int_equal(rc, VG_ERR_PARSE);
		vg_obs_rec_release(&rec);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_body_ignored),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the TLS stream decoder (discover/tls.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "obs_record.h"
#include "discover/discover.h"
#include "util/banned.h"

/* Appendix B frame 9: TLS 1.2 ClientHello, SNI updates.example-med.com. */
static const uint8_t frame9[] = {
	0x16, 0x03, 0x01, 0x00, 0x61, 0x01, 0x00, 0x00, 0x5d, 0x03, 0x03, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x00, 0x00, 0x04, 0xc0, 0x2f,
	0x00, 0x2f, 0x01, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x1a,
	0x00, 0x00, 0x17, 0x75, 0x70, 0x64, 0x61, 0x74, 0x65, 0x73, 0x2e, 0x65,
	0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2d, 0x6d, 0x65, 0x64, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x1d,
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
};
/* Offsets in frame9. */
#define F9_HS 5        /* the handshake message */
#define F9_EXTLEN 52   /* extensions length */
#define F9_SNI_LIST 58 /* server_name_list length */
#define F9_SNI_NLEN 61 /* host_name length */

#define SNI_LINE "src tls tls_sni updates.example-med.com"
#define SVC_LINE "dst tls service tls|443"

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

static enum vg_stream_rc
call(uint8_t *st, uint16_t sport, uint16_t dport, bool from_client,
     const uint8_t *p, size_t n, struct vg_stream_out *out,
     struct vg_obs_rec *rec)
{
	struct vg_packet pkt = mkpkt(sport, dport);
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);

	memset(out, 0, sizeof(*out));
	return vg_tls_stream(st, &pkt, from_client, p, n, out, &sink);
}

/*
 * Feed p[0..n) chunk bytes at a time as the flow table would (bytes kept
 * until consumed); returns the last answer and the bytes consumed.
 */
static enum vg_stream_rc
drive(uint8_t *st, const uint8_t *p, size_t n, size_t chunk, size_t *consumed,
      struct vg_obs_rec *rec)
{
	struct vg_stream_out out;
	enum vg_stream_rc rc = VG_STREAM_MORE;
	size_t have = 0, start = 0;

	*consumed = 0;
	while (start + have < n && rc == VG_STREAM_MORE) {
		have += chunk < n - start - have ? chunk : n - start - have;
		rc = call(st, 40001, 443, true, p + start, have, &out, rec);
		if (rc == VG_STREAM_OK) {
			assert_true(out.consumed > 0 && out.consumed <= have);
			*consumed += out.consumed;
		}
	}
	return rc;
}

/* Cut handshake message hs[0..n) into records of frag bytes each. */
static size_t
records(uint8_t *out, const uint8_t *hs, size_t n, size_t frag,
	uint16_t version)
{
	size_t o = 0, i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < frag ? n - i : frag;
		out[o++] = 22;
		out[o++] = (uint8_t)(version >> 8);
		out[o++] = (uint8_t)version;
		out[o++] = (uint8_t)(k >> 8);
		out[o++] = (uint8_t)k;
		memcpy(out + o, hs + i, k);
		o += k;
	}
	return o;
}

static void
test_frame9(void **unused)
{
	uint8_t st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	vg_obs_rec_init(&rec);
	assert_int_equal(
		call(st, 40001, 443, true, frame9, sizeof(frame9), &out, &rec),
		VG_STREAM_OK);
	assert_int_equal(out.consumed, sizeof(frame9));
	assert_int_equal(out.skip, 0);
	assert_true(vg_obs_rec_has(&rec, SNI_LINE));
	assert_true(vg_obs_rec_has(&rec, SVC_LINE));
	assert_int_equal(rec.n, 2);
	/* What follows is encrypted: the direction is given up. */
	assert_int_equal(
		call(st, 40001, 443, true, frame9, sizeof(frame9), &out, &rec),
		VG_STREAM_NO);
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
}

static void
test_every_prefix(void **unused)
{
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	vg_obs_rec_init(&rec);
	for (i = 0; i < sizeof(frame9); i++) {
		memset(st, 0, sizeof(st));
		assert_int_equal(
			call(st, 40001, 443, true, frame9, i, &out, &rec),
			VG_STREAM_MORE);
	}
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

static void
test_split(void **unused)
{
	static const size_t frags[] = {1, 3, 4, 10, 50, 96, 97};
	static const size_t chunks[] = {1, 5, 33, 1000};
	uint8_t buf[1024], st[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	size_t i, j, n, consumed;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(frags); i++) {
		/* The message over several records (later ones TLS 1.2),
		 * then application data that must not be consumed. */
		n = records(buf, frame9 + F9_HS, sizeof(frame9) - F9_HS,
			    frags[i], 0x0303);
		memcpy(buf + n, "\x17\x03\x03\x00\x02zz", 7);
		for (j = 0; j < VG_ARRAY_LEN(chunks); j++) {
			vg_obs_rec_init(&rec);
			memset(st, 0, sizeof(st));
			assert_int_equal(drive(st, buf, n + 7, chunks[j],
					       &consumed, &rec),
					 VG_STREAM_OK);
			assert_int_equal(consumed, n);
			assert_true(vg_obs_rec_has(&rec, SNI_LINE));
			assert_true(vg_obs_rec_has(&rec, SVC_LINE));
			vg_obs_rec_release(&rec);
		}
	}
}

static void
test_lying_lengths(void **unused)
{
	static const struct {
		const char *name;
		size_t off;    /* byte of frame9 changed */
		uint8_t value; /* its new value */
		bool sni;      /* SNI still emitted */
		bool service;  /* service still emitted */
	} rows[] = {
		/* Extensions longer than the message: read what is there. */
		{"ext list long", F9_EXTLEN + 1, 0x60, true, true},
		{"ext list short", F9_EXTLEN + 1, 0x10, false, true},
		{"ext list 0", F9_EXTLEN + 1, 0x00, false, true},
		{"sni list long", F9_SNI_LIST + 1, 0xff, false, true},
		{"sni name long", F9_SNI_NLEN + 1, 0x40, false, true},
		{"sni name 0", F9_SNI_NLEN + 1, 0x00, false, true},
		{"sni type 1", F9_SNI_NLEN - 1, 0x01, false, true},
		{"session id 33", 43, 33, false, false},
		{"session id 255", 43, 255, false, false},
		{"no suites", 45, 0, false, false},
		{"odd suites", 45, 3, false, false},
		{"suites long", 44, 0xff, false, false},
		{"no compression", 50, 0, false, false},
		{"compression long", 50, 0xff, false, false},
	};
	uint8_t buf[sizeof(frame9)], st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memcpy(buf, frame9, sizeof(buf));
		buf[rows[i].off] = rows[i].value;
		memset(st, 0, sizeof(st));
		vg_obs_rec_init(&rec);
		print_message("row %s\n", rows[i].name);
		/* The framing is sound: consumed whole, whatever is inside. */
		assert_int_equal(call(st, 40001, 443, true, buf, sizeof(buf),
				      &out, &rec),
				 VG_STREAM_OK);
		assert_int_equal(out.consumed, sizeof(buf));
		assert_int_equal(vg_obs_rec_count(&rec, "src tls tls_sni"),
				 rows[i].sni ? 1 : 0);
		assert_int_equal(vg_obs_rec_count(&rec, "dst tls service"),
				 rows[i].service ? 1 : 0);
		vg_obs_rec_release(&rec);
	}
}

static void
test_truncated_message(void **unused)
{
	/* The message ends inside the extensions: handshake and record
	 * lengths agree with the bytes, the extensions length does not. */
	uint8_t buf[sizeof(frame9)], st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t cut = 90; /* after the SNI, inside supported_groups */

	(void)unused;
	memcpy(buf, frame9, cut);
	buf[3] = 0;
	buf[4] = (uint8_t)(cut - 5);
	buf[7] = 0;
	buf[8] = (uint8_t)(cut - 9);
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 40001, 443, true, buf, cut, &out, &rec),
			 VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, SNI_LINE));
	/* Cut inside the host name: no SNI, the service still. */
	memset(st, 0, sizeof(st));
	cut = 70;
	buf[4] = (uint8_t)(cut - 5);
	buf[8] = (uint8_t)(cut - 9);
	assert_int_equal(call(st, 40001, 443, true, buf, cut, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(vg_obs_rec_count(&rec, "src tls tls_sni"), 1);
	assert_int_equal(vg_obs_rec_count(&rec, "dst tls service"), 2);
	vg_obs_rec_release(&rec);
}

/* A ClientHello whose server_name extension holds list[0..n). */
static size_t
hello_with_sni(uint8_t *out, const uint8_t *list, size_t n)
{
	uint8_t hs[2048];
	size_t o = 0;

	hs[o++] = 1;
	o += 3; /* length, below */
	memcpy(hs + o, "\x03\x03", 2);
	o += 2;
	memset(hs + o, 0x22, 32);
	o += 32;
	memcpy(hs + o, "\x00\x00\x02\x13\x01\x01\x00", 7);
	o += 7;
	hs[o++] = (uint8_t)((n + 6) >> 8);
	hs[o++] = (uint8_t)(n + 6);
	hs[o++] = 0;
	hs[o++] = 0;
	hs[o++] = (uint8_t)((n + 2) >> 8);
	hs[o++] = (uint8_t)(n + 2);
	hs[o++] = (uint8_t)(n >> 8);
	hs[o++] = (uint8_t)n;
	memcpy(hs + o, list, n);
	o += n;
	hs[1] = 0;
	hs[2] = (uint8_t)((o - 4) >> 8);
	hs[3] = (uint8_t)(o - 4);
	return records(out, hs, o, 16384, 0x0301);
}

static void
test_sni_entries(void **unused)
{
	uint8_t list[1024], buf[2048], st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	char want[400];
	size_t n = 0, i;

	(void)unused;
	/* An unknown type skipped, two host names, one with a NUL. */
	memcpy(list + n, "\x07\x00\x02zz", 5);
	n += 5;
	memcpy(list + n, "\x00\x00\x03pacs", 7);
	n += 6;
	memcpy(list + n, "\x00\x00\x03\x61\x00\x62", 6);
	n += 6;
	vg_obs_rec_init(&rec);
	memset(st, 0, sizeof(st));
	i = hello_with_sni(buf, list, n);
	assert_int_equal(call(st, 5000, 8443, true, buf, i, &out, &rec),
			 VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, "src tls tls_sni pac"));
	assert_true(vg_obs_rec_has(&rec, "src tls tls_sni a\\x00b"));
	assert_true(vg_obs_rec_has(&rec, "dst tls service tls|8443"));
	assert_int_equal(rec.n, 3);
	vg_obs_rec_release(&rec);
	/* A 600-byte name is cut to 255. */
	n = 0;
	list[n++] = 0;
	list[n++] = 600 >> 8;
	list[n++] = 600 & 0xff;
	memset(list + n, 'h', 600);
	n += 600;
	vg_obs_rec_init(&rec);
	memset(st, 0, sizeof(st));
	i = hello_with_sni(buf, list, n);
	assert_int_equal(call(st, 5000, 443, true, buf, i, &out, &rec),
			 VG_STREAM_OK);
	(void)snprintf(want, sizeof(want), "src tls tls_sni %.*s", 255,
		       (const char *)list + 3);
	assert_true(vg_obs_rec_has(&rec, want));
	vg_obs_rec_release(&rec);
}

static void
test_server_hello(void **unused)
{
	/* ServerHello (TLS 1.2), then a Certificate in the same record. */
	uint8_t sh[200], st[VG_STREAM_STATE] = {0};
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t o = 0;

	(void)unused;
	memcpy(sh, "\x16\x03\x03\x00\x00", 5);
	o = 5;
	memcpy(sh + o, "\x02\x00\x00\x26\x03\x03", 6);
	o += 6;
	memset(sh + o, 0x33, 32);
	o += 32;
	memcpy(sh + o, "\x00\xc0\x2f\x00", 4);
	o += 4;
	memcpy(sh + o, "\x0b\x00\x00\x00", 4);
	o += 4;
	sh[4] = (uint8_t)(o - 5);
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 443, 40001, false, sh, o, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, o);
	assert_true(vg_obs_rec_has(&rec, "src tls service tls|443"));
	assert_int_equal(rec.n, 1);
	/* The client's direction is separate. */
	assert_int_equal(
		call(st, 40001, 443, true, frame9, sizeof(frame9), &out, &rec),
		VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, SNI_LINE));
	/* A ServerHello cut short inside its session id: nothing said. */
	memset(st, 0, sizeof(st));
	sh[43] = 0x20; /* a 32-byte session id the message does not hold */
	assert_int_equal(call(st, 443, 40001, false, sh, o, &out, &rec),
			 VG_STREAM_OK);
	assert_int_equal(vg_obs_rec_count(&rec, "src tls service"), 1);
	vg_obs_rec_release(&rec);
}

static void
test_not_tls(void **unused)
{
	static const struct {
		const char *name;
		const char *in;
		size_t n;
	} rows[] = {
		{"http", "GET / HTTP/1.1\r\n\r\n", 18},
		{"application data", "\x17\x03\x03\x00\x02zz", 7},
		{"alert", "\x15\x03\x03\x00\x02\x02\x28", 7},
		{"ssl 3.0", "\x16\x03\x00\x00\x04\x01\x00\x00\x00", 9},
		{"version 3.5", "\x16\x03\x05\x00\x04\x01\x00\x00\x00", 9},
		{"version 2", "\x16\x02\x01\x00\x04\x01\x00\x00\x00", 9},
		{"empty record", "\x16\x03\x01\x00\x00", 5},
		{"record too long", "\x16\x03\x01\x48\x01", 5},
		{"record 0xffff", "\x16\x03\x01\xff\xff", 5},
		{"certificate", "\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9},
		{"hello too long", "\x16\x03\x01\x00\x04\x01\x01\x00\x00", 9},
		{"hello 0xffffff", "\x16\x03\x01\x00\x04\x01\xff\xff\xff", 9},
		{"first byte", "\x16\x03\x01\x00\x01\x0b", 6},
		{"sslv2 hello", "\x80\x2e\x01\x00\x02", 5},
		{"then alert", "\x16\x03\x01\x00\x01\x01\x15\x03\x03\x00\x02",
		 11},
	};
	uint8_t st[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	size_t i;

	(void)unused;
	vg_obs_rec_init(&rec);
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		memset(st, 0, sizeof(st));
		print_message("row %s\n", rows[i].name);
		assert_int_equal(call(st, 40001, 443, true,
				      (const uint8_t *)rows[i].in, rows[i].n,
				      &out, &rec),
				 VG_STREAM_NO);
	}
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

static void
test_scan_cap(void **unused)
{
	/* A hello fed one byte per record: given up past the scan cap
	 * (the message claims 16000 bytes). */
	static uint8_t buf[6 * 16004], hs[16004];
	uint8_t st[VG_STREAM_STATE] = {0};
	size_t i, o = 0;
	struct vg_stream_out out;
	struct vg_obs_rec rec;

	(void)unused;
	memset(hs, 0, sizeof(hs));
	hs[0] = 1;
	hs[2] = 16000 >> 8;
	hs[3] = 16000 & 0xff;
	for (i = 0; i < sizeof(hs); i++) {
		memcpy(buf + o, "\x16\x03\x03\x00\x01", 5);
		buf[o + 5] = hs[i];
		o += 6;
	}
	vg_obs_rec_init(&rec);
	assert_int_equal(call(st, 1, 2, true, buf, 1000, &out, &rec),
			 VG_STREAM_MORE);
	assert_int_equal(call(st, 1, 2, true, buf, o, &out, &rec),
			 VG_STREAM_NO);
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame9),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_truncated_message),
		cmocka_unit_test(test_sni_entries),
		cmocka_unit_test(test_server_hello),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_scan_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

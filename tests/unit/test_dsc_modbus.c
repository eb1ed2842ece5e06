/*
 * Unit tests of the Modbus/TCP stream decoder: Read Device
 * Identification request/response pairs, detection by port or function,
 * lying lengths, every prefix and every chunking of valid ADUs.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "discover/discover.h"
#include "obs_record.h"
#include "util/banned.h"

/* MBAP: tid, protocol 0, length (unit + PDU), unit 1. */
#define MBAP(tid, len) (tid) >> 8, (tid)&0xff, 0, 0, 0, (len), 1

/* Read Device Identification, basic category, from object 0. */
static const uint8_t devid_req[] = {MBAP(1, 5), 0x2b, 0x0e, 0x01, 0x00};

/* The answer: vendor, product code, revision (§8.5 test values). */
static const uint8_t devid_resp[] = {
	MBAP(1, 8 + 2 + 18 + 2 + 12 + 2 + 4),
	0x2b,
	0x0e,
	0x01,
	0x01,
	0x00,
	0x00,
	0x03,
	0x00,
	18,
	'S',
	'c',
	'h',
	'n',
	'e',
	'i',
	'd',
	'e',
	'r',
	' ',
	'E',
	'l',
	'e',
	'c',
	't',
	'r',
	'i',
	'c',
	0x01,
	12,
	'B',
	'M',
	'X',
	' ',
	'P',
	'3',
	'4',
	' ',
	'2',
	'0',
	'2',
	'0',
	0x02,
	4,
	'v',
	'3',
	'.',
	'1',
};

#define L_ID "src modbus modbus_id Schneider Electric|BMX P34 2020|v3.1"
#define L_SVC "src modbus service modbus|502"

struct drive {
	enum vg_stream_rc last;
	size_t left;
};

/* Feed data in chunks of `chunk` bytes (0: at once), as the flow table. */
static struct drive
drive_st(uint8_t state[VG_STREAM_STATE], const uint8_t *data, size_t size,
	 size_t chunk, bool from_client, uint16_t sport, uint16_t dport,
	 struct vg_obs_rec *rec)
{
	static uint8_t buf[65536];
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);
	struct vg_stream_out out;
	struct vg_packet pkt;
	struct drive r = {VG_STREAM_MORE, 0};
	size_t have = 0, off = 0, c;

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_TCP;
	pkt.sport = sport;
	pkt.dport = dport;
	while (off < size) {
		c = chunk > 0 && chunk < size - off ? chunk : size - off;
		memcpy(buf + have, data + off, c);
		have += c;
		off += c;
		for (;;) {
			memset(&out, 0xa5, sizeof(out));
			r.last = vg_modbus_stream(state, &pkt, from_client, buf,
						  have, &out, &sink);
			if (r.last == VG_STREAM_NO) {
				r.left = have;
				return r;
			}
			if (r.last != VG_STREAM_OK)
				break;
			assert_true(out.consumed > 0 && out.consumed <= have);
			assert_int_equal(out.skip, 0);
			memmove(buf, buf + out.consumed, have - out.consumed);
			have -= out.consumed;
			if (have == 0)
				break;
		}
	}
	r.left = have;
	return r;
}

static struct drive
drive(const uint8_t *data, size_t size, size_t chunk, bool from_client,
      uint16_t sport, uint16_t dport, struct vg_obs_rec *rec)
{
	uint8_t state[VG_STREAM_STATE];

	memset(state, 0, sizeof(state));
	return drive_st(state, data, size, chunk, from_client, sport, dport,
			rec);
}

/* A request, then its answer on the same connection. */
static void
test_pair(void **st)
{
	uint8_t state[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	memset(state, 0, sizeof(state));
	vg_obs_rec_init(&rec);
	r = drive_st(state, devid_req, sizeof(devid_req), 0, true, 40000, 502,
		     &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_int_equal(rec.n, 0);
	r = drive_st(state, devid_resp, sizeof(devid_resp), 0, false, 502,
		     40000, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(&rec, L_ID));
	assert_true(vg_obs_rec_has(&rec, L_SVC));
	assert_int_equal(rec.n, 2);
	/* A second answer: the identity again, the service only once. */
	r = drive_st(state, devid_resp, sizeof(devid_resp), 0, false, 502,
		     40000, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(vg_obs_rec_count(&rec, L_ID), 2);
	assert_int_equal(vg_obs_rec_count(&rec, L_SVC), 1);
	vg_obs_rec_release(&rec);
}

/* On another port, Read Device Identification still identifies it. */
static void
test_other_port(void **st)
{
	static const uint8_t read_regs[] = {MBAP(9, 6), 0x03, 0, 0, 0, 10};
	uint8_t state[VG_STREAM_STATE];
	uint8_t both[sizeof(devid_resp) + sizeof(read_regs)];
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	vg_obs_rec_init(&rec);
	r = drive(read_regs, sizeof(read_regs), 0, true, 40000, 5020, &rec);
	assert_int_equal(r.last, VG_STREAM_NO);
	r = drive(devid_req, sizeof(devid_req), 0, true, 40000, 5020, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	/* Once identified, any valid ADU is taken. */
	memcpy(both, devid_resp, sizeof(devid_resp));
	memcpy(both + sizeof(devid_resp), read_regs, sizeof(read_regs));
	memset(state, 0, sizeof(state));
	r = drive_st(state, both, sizeof(both), 0, false, 5020, 40000, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(&rec, L_ID));
	assert_true(vg_obs_rec_has(&rec, "src modbus service modbus|5020"));
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
}

/* Every prefix: MORE until whole, then the observations. */
static void
test_every_prefix(void **st)
{
	struct vg_obs_rec rec;
	struct drive r;
	size_t i;

	(void)st;
	for (i = 0; i <= sizeof(devid_resp); i++) {
		vg_obs_rec_init(&rec);
		r = drive(devid_resp, i, 0, false, 502, 40000, &rec);
		if (i < sizeof(devid_resp)) {
			assert_int_equal(r.last, VG_STREAM_MORE);
			assert_int_equal(r.left, i);
			assert_int_equal(rec.n, 0);
		} else {
			assert_int_equal(r.last, VG_STREAM_OK);
			assert_int_equal(r.left, 0);
			assert_int_equal(rec.n, 2);
		}
		vg_obs_rec_release(&rec);
	}
}

/* Every chunk size over several ADUs gives the same observations. */
static void
test_every_chunk(void **st)
{
	static const uint8_t exc[] = {MBAP(2, 3), 0x83, 0x02};
	uint8_t s[2 * sizeof(devid_resp) + sizeof(exc)];
	struct vg_obs_rec rec;
	struct drive r;
	size_t c;

	(void)st;
	memcpy(s, devid_resp, sizeof(devid_resp));
	memcpy(s + sizeof(devid_resp), exc, sizeof(exc));
	memcpy(s + sizeof(devid_resp) + sizeof(exc), devid_resp,
	       sizeof(devid_resp));
	for (c = 1; c <= sizeof(s); c++) {
		vg_obs_rec_init(&rec);
		r = drive(s, sizeof(s), c, false, 502, 40000, &rec);
		assert_int_equal(r.last, VG_STREAM_OK);
		assert_int_equal(r.left, 0);
		assert_int_equal(vg_obs_rec_count(&rec, L_ID), 2);
		assert_int_equal(vg_obs_rec_count(&rec, L_SVC), 1);
		assert_int_equal(rec.n, 3);
		vg_obs_rec_release(&rec);
	}
}

struct row {
	const char *name;
	uint8_t in[64];
	size_t n;
	uint16_t sport, dport;
	enum vg_stream_rc rc;
	size_t left;        /* bytes left buffered */
	size_t count;       /* observations */
	const char *expect; /* one of them, or NULL */
};

static const struct row rows[] = {
	{"protocol id 1",
	 {0, 1, 0, 1, 0, 2, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	{"length 0",
	 {0, 1, 0, 0, 0, 0, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	{"length 1",
	 {0, 1, 0, 0, 0, 1, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	{"length 255",
	 {0, 1, 0, 0, 0, 255, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	{"length 0xffff",
	 {0, 1, 0, 0, 0xff, 0xff, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	/* A length larger than the data: wait for the rest. */
	{"length 254 short",
	 {0, 1, 0, 0, 0, 254, 1, 3},
	 8,
	 502,
	 40000,
	 VG_STREAM_MORE,
	 8,
	 0,
	 NULL},
	{"minimal adu",
	 {0, 1, 0, 0, 0, 2, 1, 0x11},
	 8,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	{"exception",
	 {MBAP(3, 3), 0xab, 0x01},
	 9,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	{"not modbus port",
	 {MBAP(3, 6), 0x03, 0, 0, 0, 1},
	 12,
	 40000,
	 8080,
	 VG_STREAM_NO,
	 12,
	 0,
	 NULL},
	{"http on 502",
	 {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'},
	 8,
	 40000,
	 502,
	 VG_STREAM_NO,
	 8,
	 0,
	 NULL},
	/* Object lengths that lie: what came before is kept. */
	{"object length lies",
	 {MBAP(4, 8 + 2 + 4 + 2 + 3), 0x2b, 0x0e, 0x01, 0x01, 0x00, 0x00, 0x03,
	  0x00, 4, 'A', 'c', 'm', 'e', 0x01, 200, 'A', 'B', 'C'},
	 7 + 7 + 6 + 5,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 2,
	 "src modbus modbus_id Acme"},
	{"count lies",
	 {MBAP(4, 8 + 2 + 1), 0x2b, 0x0e, 1, 1, 0, 0, 0xff, 2, 1, '7'},
	 7 + 7 + 3,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 2,
	 "src modbus modbus_id ||7"},
	{"no objects",
	 {MBAP(4, 8), 0x2b, 0x0e, 1, 1, 0, 0, 0},
	 14,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	{"empty values",
	 {MBAP(4, 8 + 2 + 2), 0x2b, 0x0e, 1, 1, 0, 0, 2, 0, 0, 1, 0},
	 7 + 7 + 4,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	{"header cut",
	 {MBAP(4, 5), 0x2b, 0x0e, 1, 1},
	 11,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	/* Other objects ignored, a repeated one keeps the first, NULs kept. */
	{"other and repeated",
	 {MBAP(4, 8 + 5 + 4 + 4),
	  0x2b,
	  0x0e,
	  2,
	  0x81,
	  0,
	  0,
	  3,
	  0x04,
	  3,
	  'P',
	  'L',
	  'C',
	  0x00,
	  2,
	  'A',
	  0,
	  0x00,
	  2,
	  'B',
	  'B'},
	 7 + 7 + 13,
	 502,
	 40000,
	 VG_STREAM_OK,
	 0,
	 2,
	 "src modbus modbus_id A\\x00"},
	/* The request on another port: identified, nothing emitted. */
	{"request other port",
	 {MBAP(1, 5), 0x2b, 0x0e, 0x01, 0x00},
	 11,
	 40000,
	 5020,
	 VG_STREAM_OK,
	 0,
	 0,
	 NULL},
	{"mei other type",
	 {MBAP(1, 5), 0x2b, 0x0d, 0x01, 0x00},
	 11,
	 40000,
	 5020,
	 VG_STREAM_NO,
	 11,
	 0,
	 NULL},
	{"empty", {0}, 0, 502, 40000, VG_STREAM_MORE, 0, 0, NULL},
};

static void
test_table(void **st)
{
	struct vg_obs_rec rec;
	struct drive r;
	size_t i, c;

	(void)st;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		for (c = 0; c <= 1; c++) {
			vg_obs_rec_init(&rec);
			if (rows[i].n == 0) {
				uint8_t state[VG_STREAM_STATE] = {0};
				struct vg_stream_out out;
				struct vg_packet pkt;

				memset(&pkt, 0, sizeof(pkt));
				r.last = vg_modbus_stream(state, &pkt, false,
							  rows[i].in, 0, &out,
							  NULL);
				r.left = 0;
			} else {
				r = drive(rows[i].in, rows[i].n, c, false,
					  rows[i].sport, rows[i].dport, &rec);
			}
			if (r.last != rows[i].rc || rec.n != rows[i].count ||
			    (c == 0 && r.left != rows[i].left))
				fprintf(stderr,
					"row '%s' chunk %zu: rc %d left %zu "
					"n %zu\n",
					rows[i].name, c, (int)r.last, r.left,
					rec.n);
			assert_int_equal(r.last, rows[i].rc);
			if (c == 0)
				assert_int_equal(r.left, rows[i].left);
			assert_int_equal(rec.n, rows[i].count);
			if (rows[i].expect != NULL)
				assert_true(
					vg_obs_rec_has(&rec, rows[i].expect));
			vg_obs_rec_release(&rec);
		}
	}
}

/* --- the generated capture (tests/fixtures/discover/modbus.pcap) --- */

/*
 * Replay of the fixture (one connection, in order): each direction's
 * payloads go through the decoder.
 */
static void
test_fixture_pcap(void **st)
{
	static uint8_t bufs[2][65536];
	uint8_t state[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct vg_test_pcap pc;
	struct vg_packet pkt;
	size_t have[2] = {0, 0}, segs = 0, plen;
	uint16_t cport = 0;

	(void)st;
	memset(state, 0, sizeof(state));
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	vg_test_pcap_open(&pc, VG_TEST_FIXTURES "/discover/modbus.pcap");
	while (vg_test_pcap_next_tcp(&pc, &pkt)) {
		struct vg_stream_out out;
		enum vg_stream_rc rc;
		int d;

		plen = pkt.payload_len;
		if (pkt.dport == 502 && cport == 0)
			cport = pkt.sport;
		if (plen == 0)
			continue;
		segs++;
		d = pkt.sport == cport ? 0 : 1;
		assert_true(plen <= sizeof(bufs[d]) - have[d]);
		memcpy(bufs[d] + have[d], pkt.payload, plen);
		have[d] += plen;
		rc = vg_modbus_stream(state, &pkt, d == 0, bufs[d], have[d],
				      &out, &sink);
		assert_int_not_equal(rc, VG_STREAM_NO);
		if (rc == VG_STREAM_OK) {
			memmove(bufs[d], bufs[d] + out.consumed,
				have[d] - out.consumed);
			have[d] -= out.consumed;
		}
	}
	vg_test_pcap_close(&pc);
	assert_true(segs >= 2);
	assert_int_equal(have[0] + have[1], 0);
	assert_true(vg_obs_rec_has(&rec, L_ID));
	assert_true(vg_obs_rec_has(&rec, L_SVC));
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_other_port),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_every_chunk),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fixture_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

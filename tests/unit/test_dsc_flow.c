/*
 * Unit tests of the TCP flow table with fake stream decoders defined
 * here (no real protocol): reassembly in order, split at every byte, out
 * of order, lost segments, retransmissions and overlaps, sequence
 * wrap-around, which side is the client, the reassembly cap, skips over
 * several segments and holes, LRU eviction, idle expiry, RST and FIN,
 * decoder state shared by both directions, decoders breaking the
 * contract, and the memory of many idle connections.
 */
#include "util/common.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "discover/flow.h"
#include "obs_record.h"
#include "util/banned.h"

/* How often each fake decoder ran (reset by ctx_open). */
static unsigned line_calls, no_calls, more_calls, bad_calls;

/*
 * "line" (reported as ftp): a stream of lines, each "HELO <text>" or
 * "SKIP <n>" ending in '\n'. HELO emits software <line>|client or
 * server|<the previous HELO line of either direction, kept in the
 * shared state>; SKIP asks the table to drop n more bytes unseen.
 * Anything else is not this protocol.
 */
static enum vg_stream_rc
line_dec(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	 bool from_client, const uint8_t *p, size_t n,
	 struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	struct vg_obs o;
	const uint8_t *nl;
	size_t len, i, m = n < 4 ? n : 4;
	uint64_t skip = 0;

	line_calls++;
	if (memcmp(p, "HELO", m) != 0 && memcmp(p, "SKIP", m) != 0)
		return VG_STREAM_NO;
	if ((nl = memchr(p, '\n', n)) == NULL)
		return VG_STREAM_MORE;
	len = (size_t)(nl - p);
	if (len < 4)
		return VG_STREAM_NO;
	out->consumed = len + 1;
	if (memcmp(p, "SKIP", 4) == 0) {
		for (i = 5; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			skip = skip * 10 + (uint64_t)(p[i] - '0');
		out->skip = skip;
		return VG_STREAM_OK;
	}
	memset(&o, 0, sizeof(o));
	o.about = VG_ABOUT_SRC;
	o.proto = VG_PROTO_FTP;
	o.attr = VG_ATTR_SOFTWARE;
	o.v[0] = vg_text_of((const char *)p, len);
	o.v[1] = vg_text_of(from_client ? "client" : "server", 6);
	o.v[2] = vg_text_of((const char *)state,
			    strnlen((const char *)state, 64));
	vg_obs_emit(sink, pkt, &o);
	if (len > 63)
		len = 63;
	memcpy(state, p, len);
	state[len] = '\0';
	return VG_STREAM_OK;
}

static enum vg_stream_rc
no_dec(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
       bool from_client, const uint8_t *p, size_t n, struct vg_stream_out *out,
       const struct vg_obs_sink *sink)
{
	(void)state, (void)pkt, (void)from_client, (void)p, (void)n;
	(void)out, (void)sink;
	no_calls++;
	return VG_STREAM_NO;
}

static enum vg_stream_rc
more_dec(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	 bool from_client, const uint8_t *p, size_t n,
	 struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	(void)state, (void)pkt, (void)from_client, (void)p, (void)n;
	(void)out, (void)sink;
	more_calls++;
	return VG_STREAM_MORE;
}

/* Says OK but consumes nothing (odd calls) or more than it got (even):
 * both break the contract. */
static enum vg_stream_rc
bad_dec(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	bool from_client, const uint8_t *p, size_t n, struct vg_stream_out *out,
	const struct vg_obs_sink *sink)
{
	(void)state, (void)pkt, (void)from_client, (void)p, (void)sink;
	bad_calls++;
	out->consumed = bad_calls % 2 ? 0 : n + 1;
	return VG_STREAM_OK;
}

static const struct vg_stream_decoder dec_line[] = {
	{VG_PROTO_HTTP, no_dec},
	{VG_PROTO_TLS, more_dec},
	{VG_PROTO_FTP, line_dec},
};
static const struct vg_stream_decoder dec_only_line[] = {
	{VG_PROTO_FTP, line_dec},
};
static const struct vg_stream_decoder dec_no[] = {{VG_PROTO_HTTP, no_dec}};
static const struct vg_stream_decoder dec_more[] = {{VG_PROTO_TLS, more_dec}};
static const struct vg_stream_decoder dec_bad_line[] = {
	{VG_PROTO_DICOM, bad_dec},
	{VG_PROTO_FTP, line_dec},
};
static const struct vg_stream_decoder dec_bad[] = {{VG_PROTO_DICOM, bad_dec}};

struct ctx {
	struct vg_flows *fl;
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
};

static void
ctx_open(struct ctx *x, size_t max_flows, size_t cap, size_t ooo, int64_t idle,
	 const struct vg_stream_decoder *d, size_t n)
{
	struct vg_flow_limits lim = {max_flows, cap, ooo, idle};

	line_calls = no_calls = more_calls = bad_calls = 0;
	assert_int_equal(vg_flows_new(&x->fl, &lim, d, n), VG_OK);
	vg_obs_rec_init(&x->rec);
	x->sink = vg_obs_rec_sink(&x->rec);
}

static void
ctx_close(struct ctx *x)
{
	vg_flows_free(x->fl);
	vg_obs_rec_release(&x->rec);
}

/*
 * Connection `flow` is 10.1.<flow/256>.<flow%256>:<cport> (the client
 * side) <-> 10.0.0.2:<sport>; rev sends from the server side.
 */
static void
send_ports(struct ctx *x, unsigned flow, uint16_t cport, uint16_t sport,
	   bool rev, uint32_t seq, uint8_t flags, const void *data, size_t n,
	   int64_t ts)
{
	struct vg_packet pkt;
	struct vg_addr c = {4, {10, 1, (uint8_t)(flow >> 8), (uint8_t)flow}};
	struct vg_addr s = {4, {10, 0, 0, 2}};

	memset(&pkt, 0, sizeof(pkt));
	pkt.ts_us = ts;
	pkt.kind = VG_PKT_TCP;
	pkt.ip_proto = 6;
	pkt.src = rev ? s : c;
	pkt.dst = rev ? c : s;
	pkt.sport = rev ? sport : cport;
	pkt.dport = rev ? cport : sport;
	pkt.seq = seq;
	pkt.tcp_flags = flags;
	pkt.payload = data;
	pkt.payload_len = n;
	vg_flows_segment(x->fl, &pkt, &x->sink);
}

/* Client port 50000, server port 80. */
static void
send_str(struct ctx *x, unsigned flow, bool rev, uint32_t seq, uint8_t flags,
	 const char *s, int64_t ts)
{
	send_ports(x, flow, 50000, 80, rev, seq, flags, s,
		   s != NULL ? strlen(s) : 0, ts);
}

#define ACK VG_TCP_ACK
#define PSH (VG_TCP_ACK | VG_TCP_PSH)

static void
test_new_usage(void **unused)
{
	static const struct vg_flow_limits rows[] = {
		{0, 1, 1, 1}, {1, 0, 1, 1},  {1, 1, 0, 1},
		{1, 1, 1, 0}, {1, 1, 1, -5},
	};
	struct vg_stream_decoder many[33];
	struct vg_flows *fl = (struct vg_flows *)&fl;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		assert_int_equal(vg_flows_new(&fl, &rows[i], dec_line, 3),
				 VG_ERR_USAGE);
		assert_null(fl);
	}
	for (i = 0; i < VG_ARRAY_LEN(many); i++)
		many[i] = dec_no[0];
	assert_int_equal(vg_flows_new(&fl, NULL, many, 33), VG_ERR_USAGE);
	assert_int_equal(vg_flows_new(&fl, NULL, NULL, 2), VG_ERR_USAGE);
	assert_int_equal(vg_flows_new(&fl, NULL, many, 32), VG_OK);
	assert_int_equal(vg_flows_count(fl), 0);
	assert_int_equal(vg_flows_stats(fl)->flows, 0);
	vg_flows_free(fl);
	vg_flows_free(NULL);
	/* Non-TCP packets and NULLs are ignored. */
	assert_int_equal(vg_flows_new(&fl, NULL, dec_line, 3), VG_OK);
	vg_flows_segment(fl, NULL, NULL);
	vg_flows_free(fl);
}

static void
test_in_order(void **unused)
{
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 1024, 8, 1000000, dec_line, 3);
	send_str(&x, 1, false, 1000, VG_TCP_SYN, NULL, 1);
	send_str(&x, 1, true, 7000, VG_TCP_SYN | ACK, NULL, 2);
	send_str(&x, 1, false, 1001, PSH, "HELO a\n", 3);
	send_str(&x, 1, false, 1008, PSH, "HELO b\nHELO c\n", 4);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO a|client"));
	assert_true(vg_obs_rec_has(&x.rec,
				   "src ftp software HELO b|client|HELO a"));
	assert_true(vg_obs_rec_has(&x.rec,
				   "src ftp software HELO c|client|HELO b"));
	assert_int_equal(x.rec.n, 3);
	/* no_dec excluded at once, more_dec passed over once bound. */
	assert_int_equal(no_calls, 1);
	assert_int_equal(more_calls, 1);
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_FTP], 1);
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_TLS], 0);
	assert_int_equal(vg_flows_stats(x.fl)->flows, 1);
	assert_int_equal(vg_flows_count(x.fl), 1);
	ctx_close(&x);
}

/* Two segments cut at every byte, then one segment per byte. */
static void
test_split_every_byte(void **unused)
{
	static const char msg[] = "HELO alpha\nHELO beta\n";
	size_t n = sizeof(msg) - 1, cut, i;
	struct ctx x;

	(void)unused;
	for (cut = 1; cut < n; cut++) {
		ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
		send_ports(&x, 1, 50000, 80, false, 77, PSH, msg, cut, 1);
		send_ports(&x, 1, 50000, 80, false, 77 + (uint32_t)cut, PSH,
			   msg + cut, n - cut, 2);
		assert_true(vg_obs_rec_has(
			&x.rec, "src ftp software HELO alpha|client"));
		assert_true(vg_obs_rec_has(
			&x.rec,
			"src ftp software HELO beta|client|HELO alpha"));
		assert_int_equal(x.rec.n, 2);
		ctx_close(&x);
	}
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	for (i = 0; i < n; i++)
		send_ports(&x, 1, 50000, 80, false, 5 + (uint32_t)i, PSH,
			   msg + i, 1, (int64_t)i);
	assert_true(vg_obs_rec_has(
		&x.rec, "src ftp software HELO beta|client|HELO alpha"));
	assert_int_equal(x.rec.n, 2);
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_FTP], 1);
	ctx_close(&x);
}

/* Segments in reverse and shuffled order, within ooo_max. */
static void
test_out_of_order(void **unused)
{
	static const char *const parts[] = {"HELO o", "ne\nHE", "LO two\n",
					    "HELO three\n"};
	static const int orders[][4] = {
		{3, 2, 1, 0}, {1, 3, 2, 0}, {0, 2, 3, 1}, {2, 0, 3, 1}};
	uint32_t seq[4], s = 100;
	struct ctx x;
	size_t o, i;

	(void)unused;
	for (i = 0; i < 4; i++) {
		seq[i] = s;
		s += (uint32_t)strlen(parts[i]);
	}
	for (o = 0; o < VG_ARRAY_LEN(orders); o++) {
		ctx_open(&x, 16, 1024, 8, 1000000, dec_line, 3);
		send_str(&x, 1, false, 99, VG_TCP_SYN, NULL, 0);
		for (i = 0; i < 4; i++)
			send_str(&x, 1, false, seq[orders[o][i]], PSH,
				 parts[orders[o][i]], 1 + (int64_t)i);
		assert_true(vg_obs_rec_has(&x.rec,
					   "src ftp software HELO one|client"));
		assert_true(vg_obs_rec_has(
			&x.rec, "src ftp software HELO two|client|HELO one"));
		assert_true(vg_obs_rec_has(
			&x.rec, "src ftp software HELO three|client|HELO two"));
		assert_int_equal(x.rec.n, 3);
		assert_int_equal(vg_flows_stats(x.fl)->gaps, 0);
		assert_int_equal(vg_flows_stats(x.fl)->ooo_dropped, 0);
		ctx_close(&x);
	}
}

/* More segments after a hole than ooo_max: the direction is given up. */
static void
test_ooo_gap(void **unused)
{
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 1024, 2, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 0);
	/* 1..7 "HELO a\n" is lost; three segments follow it. */
	send_str(&x, 1, false, 8, PSH, "HELO b\n", 1);
	send_str(&x, 1, false, 15, PSH, "HELO c\n", 2);
	assert_int_equal(vg_flows_stats(x.fl)->gaps, 0);
	send_str(&x, 1, false, 22, PSH, "HELO d\n", 3);
	assert_int_equal(vg_flows_stats(x.fl)->gaps, 1);
	assert_int_equal(vg_flows_stats(x.fl)->ooo_dropped, 3);
	/* The missing segment comes too late: nothing is decoded. */
	send_str(&x, 1, false, 1, PSH, "HELO a\n", 4);
	send_str(&x, 1, false, 8, PSH, "HELO b\n", 5);
	assert_int_equal(x.rec.n, 0);
	assert_int_equal(line_calls, 0);
	/* The other direction still works. */
	send_str(&x, 1, true, 500, PSH, "HELO s\n", 6);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO s|server"));
	assert_int_equal(vg_flows_count(x.fl), 1);
	ctx_close(&x);
}

static void
test_retransmit_overlap(void **unused)
{
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 1024, 8, 1000000, dec_line, 3);
	send_str(&x, 1, false, 10, PSH, "HELO a\n", 1);
	send_str(&x, 1, false, 10, PSH, "HELO a\n", 2); /* retransmission */
	send_str(&x, 1, false, 12, PSH, "LO a\n", 3);   /* inside it */
	assert_int_equal(x.rec.n, 1);
	/* "HELO ab" then a segment repeating "ab" and adding "c\n". */
	send_str(&x, 1, false, 17, PSH, "HELO ab", 4);
	send_str(&x, 1, false, 22, PSH, "abc\n", 5);
	assert_true(vg_obs_rec_has(&x.rec,
				   "src ftp software HELO abc|client|HELO a"));
	assert_int_equal(x.rec.n, 2);
	/* Out of order, queued twice (the longer copy kept), then the gap
	 * fills with a segment overlapping the queued one by a byte. */
	send_str(&x, 1, false, 34, PSH, "\n", 6);         /* 34 */
	send_str(&x, 1, false, 34, PSH, "\nHELO Y\n", 7); /* 34..41 */
	send_str(&x, 1, false, 34, PSH, "\n", 8);         /* shorter */
	send_str(&x, 1, false, 26, PSH, "HELO XXX\n", 9); /* 26..34 */
	assert_true(vg_obs_rec_has(
		&x.rec, "src ftp software HELO XXX|client|HELO abc"));
	assert_true(vg_obs_rec_has(&x.rec,
				   "src ftp software HELO Y|client|HELO XXX"));
	assert_int_equal(x.rec.n, 4);
	assert_int_equal(vg_flows_stats(x.fl)->ooo_dropped, 0);
	ctx_close(&x);
}

/* Sequence numbers crossing 2^32, in order and out of order. */
static void
test_wrap(void **unused)
{
	struct ctx x;
	int ooo;

	(void)unused;
	for (ooo = 0; ooo < 2; ooo++) {
		ctx_open(&x, 16, 1024, 8, 1000000, dec_line, 3);
		send_str(&x, 1, false, 0xfffffff8u, VG_TCP_SYN, NULL, 0);
		/* "HELO " at 0xfffffff9..0xfffffffd, "wrap\n" from -2. */
		if (ooo)
			send_str(&x, 1, false, 0xfffffffeu, PSH, "wrap\nHE", 1);
		send_str(&x, 1, false, 0xfffffff9u, PSH, "HELO ", 2);
		if (!ooo)
			send_str(&x, 1, false, 0xfffffffeu, PSH, "wrap\nHE", 3);
		/* 0xfffffffe + 7 = 5 after the wrap. */
		send_str(&x, 1, false, 5, PSH, "LO z\n", 4);
		send_str(&x, 1, false, 0xfffffff9u, PSH, "HELO ", 5); /* old */
		assert_true(vg_obs_rec_has(
			&x.rec, "src ftp software HELO wrap|client"));
		assert_true(vg_obs_rec_has(
			&x.rec, "src ftp software HELO z|client|HELO wrap"));
		assert_int_equal(x.rec.n, 2);
		ctx_close(&x);
	}
}

/* Which side is the client: from the SYN, the SYN+ACK, else the ports. */
static void
test_from_client(void **unused)
{
	static const struct {
		uint16_t cport, sport; /* ports of the "client" and "server" */
		uint8_t flags;         /* handshake packet, 0 none */
		bool hs_rev;           /* it is sent by the server side */
		bool rev;              /* the data comes from the server side */
		const char *want;
	} rows[] = {
		{50000, 80, VG_TCP_SYN, false, true, "server"},
		{50000, 80, VG_TCP_SYN, false, false, "client"},
		{50000, 80, 0, false, true, "server"}, /* higher port */
		{50000, 80, 0, false, false, "client"},
		{1000, 2000, VG_TCP_SYN, false, false, "client"}, /* low port */
		{1000, 2000, VG_TCP_SYN, false, true, "server"},
		{1000, 2000, 0, false, false, "server"}, /* no SYN: port */
		{50000, 80, VG_TCP_SYN | ACK, true, false, "client"},
		{1000, 2000, VG_TCP_SYN | ACK, true, false, "client"},
		{1000, 2000, VG_TCP_SYN | ACK, true, true, "server"},
		{5000, 5000, 0, false, false, "client"}, /* tie: first seen */
		{5000, 5000, 0, false, true, "client"},
	};
	char want[64];
	struct ctx x;
	size_t i;

	(void)unused;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		ctx_open(&x, 16, 1024, 8, 1000000, dec_line, 3);
		if (rows[i].flags != 0)
			send_ports(&x, 1, rows[i].cport, rows[i].sport,
				   rows[i].hs_rev, 41, rows[i].flags, NULL, 0,
				   1);
		send_ports(&x, 1, rows[i].cport, rows[i].sport, rows[i].rev,
			   rows[i].flags != 0 && rows[i].hs_rev == rows[i].rev
				   ? 42
				   : 900,
			   PSH, "HELO x\n", 7, 2);
		snprintf(want, sizeof(want), "src ftp software HELO x|%s",
			 rows[i].want);
		if (!vg_obs_rec_has(&x.rec, want))
			fail_msg("row %zu: want %s", i, want);
		ctx_close(&x);
	}
}

static void
test_capped(void **unused)
{
	static const char ten[] = "0123456789";
	struct ctx x;

	(void)unused;
	/* A decoder that always wants more: given up at the cap. */
	ctx_open(&x, 16, 16, 8, 1000000, dec_more, 1);
	send_str(&x, 1, false, 0, PSH, ten, 1);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 0);
	send_str(&x, 1, false, 10, PSH, ten, 2);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 1);
	assert_int_equal(more_calls, 2);
	send_str(&x, 1, false, 20, PSH, ten, 3);
	assert_int_equal(more_calls, 2);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 1);
	ctx_close(&x);
	/* A line longer than the cap (exactly the cap, then more). */
	ctx_open(&x, 16, 16, 8, 1000000, dec_only_line, 1);
	send_str(&x, 1, false, 0, PSH, "HELO 0123456789A", 1);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 1);
	assert_int_equal(x.rec.n, 0);
	ctx_close(&x);
	/* A segment far larger than the cap, consumed line by line. */
	ctx_open(&x, 16, 16, 8, 1000000, dec_only_line, 1);
	send_str(&x, 1, false, 0, PSH,
		 "HELO a\nHELO bb\nHELO ccc\nHELO dddd\nHELO e\n", 1);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 0);
	assert_true(vg_obs_rec_has(
		&x.rec, "src ftp software HELO dddd|client|HELO ccc"));
	assert_int_equal(x.rec.n, 5);
	ctx_close(&x);
}

static void
test_skip(void **unused)
{
	struct ctx x;

	(void)unused;
	/* 10 bytes to skip over three segments, the rest decoded. */
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, PSH, "SKIP 10\n01", 1);
	send_str(&x, 1, false, 10, PSH, "2345", 2);
	send_str(&x, 1, false, 14, PSH, "6789HE", 3);
	send_str(&x, 1, false, 20, PSH, "LO x\n", 4);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO x|client"));
	assert_int_equal(x.rec.n, 1);
	ctx_close(&x);
	/* A skip of 2^40 bytes: later segments cost nothing. */
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, PSH, "SKIP 1099511627776\nHELO no\n", 1);
	send_str(&x, 1, false, 27, PSH, "HELO no\n", 2);
	assert_int_equal(x.rec.n, 0);
	assert_int_equal(line_calls, 1);
	ctx_close(&x);
	/* A segment lost inside the skipped region is not a gap. */
	ctx_open(&x, 16, 64, 1, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, PSH, "SKIP 8\n", 1);
	/* 7..10 never arrive; 11..14 then the next line. */
	send_str(&x, 1, false, 11, PSH, "4567HELO y\n", 2);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO y|client"));
	assert_int_equal(vg_flows_stats(x.fl)->gaps, 0);
	/* The lost bytes arriving late are old now. */
	send_str(&x, 1, false, 7, PSH, "0123", 3);
	assert_int_equal(x.rec.n, 1);
	ctx_close(&x);
	/* A hole partly inside the skip: the queued segment waits. */
	ctx_open(&x, 16, 64, 4, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, PSH, "SKIP 3\n", 1);
	send_str(&x, 1, false, 12, PSH, "LO q\n", 2); /* 7..9 skip, 10..11 */
	assert_int_equal(x.rec.n, 0);
	send_str(&x, 1, false, 10, PSH, "HE", 3);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO q|client"));
	ctx_close(&x);
}

static void
test_evict_lru(void **unused)
{
	const struct vg_flow_stats *st;
	struct ctx x;

	(void)unused;
	ctx_open(&x, 3, 64, 8, 1000000, dec_line, 3);
	st = vg_flows_stats(x.fl);
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 1);
	send_str(&x, 2, false, 0, VG_TCP_SYN, NULL, 2);
	send_str(&x, 3, false, 0, VG_TCP_SYN, NULL, 3);
	send_str(&x, 1, true, 0, VG_TCP_SYN | ACK, NULL, 4); /* 1 newest */
	assert_int_equal(st->flows, 3);
	send_str(&x, 4, false, 0, VG_TCP_SYN, NULL, 5); /* evicts 2 */
	assert_int_equal(st->evicted, 1);
	assert_int_equal(vg_flows_count(x.fl), 3);
	send_str(&x, 1, false, 1, ACK, NULL, 6); /* still there */
	assert_int_equal(st->flows, 4);
	send_str(&x, 2, false, 1, ACK, NULL, 7); /* new again, evicts 3 */
	assert_int_equal(st->flows, 5);
	assert_int_equal(st->evicted, 2);
	send_str(&x, 4, false, 1, ACK, NULL, 8); /* still there */
	assert_int_equal(st->flows, 5);
	send_str(&x, 3, false, 1, ACK, NULL, 9); /* new, evicts 1 */
	assert_int_equal(st->flows, 6);
	send_str(&x, 1, false, 1, ACK, NULL, 10); /* new, evicts 2 */
	assert_int_equal(st->flows, 7);
	assert_int_equal(st->evicted, 4);
	assert_int_equal(vg_flows_count(x.fl), 3);
	assert_int_equal(st->expired, 0);
	ctx_close(&x);
}

static void
test_expire(void **unused)
{
	const struct vg_flow_stats *st;
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 64, 8, 1000, dec_line, 3);
	st = vg_flows_stats(x.fl);
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 0);
	send_str(&x, 2, false, 0, VG_TCP_SYN, NULL, 500);
	send_str(&x, 3, false, 0, VG_TCP_SYN, NULL, 1000); /* 1 idle 1000 */
	assert_int_equal(st->expired, 0);
	send_str(&x, 3, false, 1, ACK, NULL, 1001); /* 1 idle 1001 */
	assert_int_equal(st->expired, 1);
	assert_int_equal(vg_flows_count(x.fl), 2);
	/* A packet from the past does not move time back. */
	send_str(&x, 2, false, 1, ACK, NULL, 10);
	assert_int_equal(st->flows, 3);
	send_str(&x, 4, false, 0, VG_TCP_SYN, NULL, 3000);
	assert_int_equal(st->expired, 3);
	assert_int_equal(vg_flows_count(x.fl), 1);
	send_str(&x, 1, false, 1, ACK, NULL, 3001); /* new again */
	assert_int_equal(st->flows, 5);
	assert_int_equal(st->evicted, 0);
	ctx_close(&x);
}

static void
test_rst_fin(void **unused)
{
	const struct vg_flow_stats *st;
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	st = vg_flows_stats(x.fl);
	send_str(&x, 1, false, 0, VG_TCP_RST, NULL, 1); /* unknown: ignored */
	assert_int_equal(st->flows, 0);
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 1);
	send_str(&x, 1, false, 1, PSH, "HELO partial", 2); /* buffered */
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 1);
	send_str(&x, 2, false, 0, PSH, "HELO", 1);
	assert_int_equal(vg_flows_count(x.fl), 2);
	send_str(&x, 1, true, 5, VG_TCP_RST | ACK, NULL, 3);
	assert_int_equal(vg_flows_count(x.fl), 1);
	/* FIN on one side keeps the connection, on both ends it; the FIN
	 * segment's own payload is decoded first. */
	send_str(&x, 2, false, 4, VG_TCP_FIN | ACK, " f\n", 4);
	assert_int_equal(vg_flows_count(x.fl), 1);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO f|client"));
	send_str(&x, 2, true, 9, VG_TCP_FIN | ACK, NULL, 5);
	assert_int_equal(vg_flows_count(x.fl), 0);
	assert_int_equal(st->flows, 2);
	/* A segment after the end is a new connection. */
	send_str(&x, 2, true, 10, ACK, NULL, 6);
	assert_int_equal(st->flows, 3);
	ctx_close(&x);
}

/* The line decoder's state is one per connection: the server's line
 * sees the client's previous one. */
static void
test_state_shared(void **unused)
{
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	send_str(&x, 1, false, 0, VG_TCP_SYN, NULL, 1);
	send_str(&x, 1, true, 0, VG_TCP_SYN | ACK, NULL, 2);
	send_str(&x, 1, false, 1, PSH, "HELO ask\n", 3);
	send_str(&x, 1, true, 1, PSH, "HELO answer\n", 4);
	send_str(&x, 1, false, 10, PSH, "HELO again\n", 5);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO ask|client"));
	assert_true(vg_obs_rec_has(
		&x.rec, "src ftp software HELO answer|server|HELO ask"));
	assert_true(vg_obs_rec_has(
		&x.rec, "src ftp software HELO again|client|HELO answer"));
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_FTP], 2);
	/* Another connection starts from a zero state. */
	send_str(&x, 2, false, 1, PSH, "HELO other\n", 6);
	assert_true(
		vg_obs_rec_has(&x.rec, "src ftp software HELO other|client"));
	assert_int_equal(vg_flows_stats(x.fl)->flows, 2);
	ctx_close(&x);
}

/* The same addresses and ports on two VLANs are two connections; the
 * two directions of one connection are one. */
static void
test_key(void **unused)
{
	struct vg_packet pkt;
	struct ctx x;
	int i;

	(void)unused;
	ctx_open(&x, 16, 64, 8, 1000000, dec_line, 3);
	for (i = 0; i < 2; i++) {
		memset(&pkt, 0, sizeof(pkt));
		pkt.kind = VG_PKT_TCP;
		pkt.src.family = pkt.dst.family = 6;
		pkt.src.b[15] = 1;
		pkt.dst.b[15] = 2;
		pkt.sport = 40000;
		pkt.dport = 104;
		pkt.vlan = (uint16_t)(10 + i);
		pkt.tcp_flags = VG_TCP_SYN;
		vg_flows_segment(x.fl, &pkt, &x.sink);
		/* The reply, same VLAN. */
		pkt.src.b[15] = 2;
		pkt.dst.b[15] = 1;
		pkt.sport = 104;
		pkt.dport = 40000;
		pkt.tcp_flags = VG_TCP_SYN | ACK;
		vg_flows_segment(x.fl, &pkt, &x.sink);
	}
	assert_int_equal(vg_flows_count(x.fl), 2);
	assert_int_equal(vg_flows_stats(x.fl)->flows, 2);
	/* Not TCP: ignored. */
	pkt.kind = VG_PKT_UDP;
	pkt.vlan = 99;
	vg_flows_segment(x.fl, &pkt, &x.sink);
	assert_int_equal(vg_flows_count(x.fl), 2);
	ctx_close(&x);
}

/* Decoders that say NO, or break the contract, stop being called. */
static void
test_no_and_contract(void **unused)
{
	struct ctx x;

	(void)unused;
	ctx_open(&x, 16, 64, 8, 1000000, dec_no, 1);
	send_str(&x, 1, false, 0, PSH, "anything", 1);
	send_str(&x, 1, false, 8, PSH, "more", 2);
	assert_int_equal(no_calls, 1);
	send_str(&x, 1, true, 0, PSH, "reply", 3);
	assert_int_equal(no_calls, 2);
	assert_int_equal(vg_flows_stats(x.fl)->capped, 0);
	ctx_close(&x);

	ctx_open(&x, 16, 64, 8, 1000000, dec_bad_line, 2);
	send_str(&x, 1, false, 0, PSH, "HELO k\n", 1);
	assert_true(vg_obs_rec_has(&x.rec, "src ftp software HELO k|client"));
	assert_int_equal(bad_calls, 1);
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_DICOM], 0);
	ctx_close(&x);

	ctx_open(&x, 16, 64, 8, 1000000, dec_bad, 1);
	bad_calls = 1; /* the next answer consumes n + 1 */
	send_str(&x, 1, false, 0, PSH, "abc", 1);
	send_str(&x, 1, false, 3, PSH, "def", 2);
	assert_int_equal(bad_calls, 2);
	assert_int_equal(vg_flows_stats(x.fl)->identified[VG_PROTO_DICOM], 0);
	ctx_close(&x);

	/* No decoder at all: every direction ignored. */
	ctx_open(&x, 16, 64, 8, 1000000, NULL, 0);
	send_str(&x, 1, false, 0, PSH, "abc", 1);
	assert_int_equal(vg_flows_count(x.fl), 1);
	ctx_close(&x);
}

/* 10000 idle connections are all kept, and cheaply. */
static void
test_many_idle(void **unused)
{
	struct mallinfo2 before, after;
	struct ctx x;
	unsigned i;
	size_t per;

	(void)unused;
	ctx_open(&x, 65536, 65536, 8, 600000000, dec_line, 3);
	before = mallinfo2();
	for (i = 0; i < 10000; i++) {
		send_ports(&x, i, (uint16_t)(20000 + i % 30000), 104, false, i,
			   VG_TCP_SYN, NULL, 0, (int64_t)i);
		send_ports(&x, i, (uint16_t)(20000 + i % 30000), 104, true, i,
			   VG_TCP_SYN | ACK, NULL, 0, (int64_t)i);
	}
	after = mallinfo2();
	assert_int_equal(vg_flows_count(x.fl), 10000);
	assert_int_equal(vg_flows_stats(x.fl)->flows, 10000);
	/* Under a sanitizer the allocator's figures mean nothing. */
	if (after.uordblks > before.uordblks) {
		/* Small blocks plus the mmap'ed bucket array. */
		per = (after.uordblks - before.uordblks + after.hblkhd -
		       before.hblkhd) /
			10000;
		if (per >= 200)
			fail_msg("%zu bytes per idle connection", per);
	}
	ctx_close(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_usage),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_ooo_gap),
		cmocka_unit_test(test_retransmit_overlap),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_from_client),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_evict_lru),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_rst_fin),
		cmocka_unit_test(test_state_shared),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_no_and_contract),
		cmocka_unit_test(test_many_idle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

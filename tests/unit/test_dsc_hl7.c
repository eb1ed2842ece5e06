/*
 * Unit tests of the HL7/MLLP stream decoder: MSH and SFT identity, the
 * MSH-1 off-by-one, custom separators, chunked delivery at every byte
 * boundary, hostile input, and privacy (no PID data ever emitted).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "discover/discover.h"
#include "obs_record.h"
#include "util/banned.h"

#define MLLP_SB "\x0b"
#define MLLP_END "\x1c\r"

/* Sender's MSH, SFT and patient segments (PHI markers must never leak). */
#define MSG_ADT                                                                \
	MLLP_SB "MSH|^~\\&|CARDIO_MONITOR^1.2.3^ISO|ICU_2|HIS|HOSP|"           \
		"20261130120000||ADT^A01^ADT_A01|MSG0001|P|2.5\r"              \
		"SFT|Acme Medical^L|4.2.1|CardioView|B1234\r"                  \
		"EVN|A01|20261130120000\r"                                     \
		"PID|1||PID-SECRET-4711^^^HOSP^MR||ZZTEST^PATIENT||19700101|"  \
		"F\r"                                                          \
		"PV1|1|I|ICU^01^02\r" MLLP_END
#define MSG_ORU                                                                \
	MLLP_SB "MSH|^~\\&|CARDIO_MONITOR|ICU_2|HIS|HOSP|20261130120001||"     \
		"ORU^R01^ORU_R01|MSG0002|P|2.5.1\r"                            \
		"PID|1||PID-SECRET-4711||ZZTEST^PATIENT\r"                     \
		"OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F\r" MLLP_END
#define ACK_HIS                                                                \
	MLLP_SB "MSH|^~\\&|HIS|HOSP|CARDIO_MONITOR|ICU_2|20261130120002||"     \
		"ACK^A01|ACK0001|P|2.5\rMSA|AA|MSG0001\r" MLLP_END

#define L_SRC_ADT "src hl7 hl7_application CARDIO_MONITOR|ICU_2|ADT^A01|2.5"
#define L_DST_ADT "dst hl7 hl7_application HIS|HOSP|ADT^A01|2.5"
#define L_SRC_ORU "src hl7 hl7_application CARDIO_MONITOR|ICU_2|ORU^R01|2.5.1"
#define L_DST_ORU "dst hl7 hl7_application HIS|HOSP|ORU^R01|2.5.1"
#define L_SFT "src hl7 hl7_software Acme Medical|4.2.1|CardioView"
#define L_SVC "dst hl7 service hl7|2575"

#define DRV_BUF 65536

/* What driving a decoder over a stream gave. */
struct drive {
	enum vg_stream_rc last; /* NO if the decoder ever said NO */
	size_t left;            /* bytes still buffered at the end */
	size_t max_have;        /* most bytes ever buffered */
};

/*
 * Feed data to vg_hl7_stream in chunks of `chunk` bytes (0: one chunk;
 * cut > 0: two chunks split there) the way the flow table does, checking
 * the contract on every call.
 */
static struct drive
drive_cut(uint8_t state[VG_STREAM_STATE], const void *data, size_t size,
	  size_t chunk, size_t cut, bool from_client, struct vg_obs_rec *rec)
{
	static uint8_t buf[DRV_BUF];
	const uint8_t *d = data;
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);
	struct vg_stream_out out;
	struct vg_packet pkt;
	struct drive r = {VG_STREAM_MORE, 0, 0};
	size_t have = 0, off = 0, c;
	uint64_t skip = 0;

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_TCP;
	pkt.sport = from_client ? 40000 : 2575;
	pkt.dport = from_client ? 2575 : 40000;
	while (off < size) {
		c = cut > 0 ? (off < cut ? cut : size - off)
			    : (chunk > 0 ? chunk : size);
		if (c > size - off)
			c = size - off;
		if (skip >= c) {
			skip -= c;
			off += c;
			continue;
		}
		off += (size_t)skip;
		c -= (size_t)skip;
		skip = 0;
		assert_true(have + c <= sizeof(buf));
		memcpy(buf + have, d + off, c);
		have += c;
		off += c;
		if (have > r.max_have)
			r.max_have = have;
		for (;;) {
			memset(&out, 0xa5, sizeof(out));
			r.last = vg_hl7_stream(state, &pkt, from_client, buf,
					       have, &out, &sink);
			if (r.last == VG_STREAM_NO) {
				r.left = have;
				return r;
			}
			if (r.last != VG_STREAM_OK)
				break;
			assert_true(out.consumed > 0 && out.consumed <= have);
			memmove(buf, buf + out.consumed, have - out.consumed);
			have -= out.consumed;
			skip = out.skip;
			if (have == 0 || skip > 0)
				break;
		}
	}
	r.left = have;
	return r;
}

static struct drive
drive(const void *data, size_t size, size_t chunk, bool from_client,
      struct vg_obs_rec *rec)
{
	uint8_t state[VG_STREAM_STATE];

	memset(state, 0, sizeof(state));
	return drive_cut(state, data, size, chunk, 0, from_client, rec);
}

/* No observation may carry the patient markers. */
static void
assert_private(const struct vg_obs_rec *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++) {
		if (strstr(rec->lines[i], "PID-SECRET-4711") != NULL ||
		    strstr(rec->lines[i], "ZZTEST") != NULL ||
		    strstr(rec->lines[i], "Heart rate") != NULL) {
			fprintf(stderr, "PHI leaked: %s\n", rec->lines[i]);
			fail();
		}
	}
}

static void
test_one_message(void **st)
{
	static const char m[] = MSG_ADT;
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	vg_obs_rec_init(&rec);
	r = drive(m, sizeof(m) - 1, 0, true, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(&rec, L_SRC_ADT));
	assert_true(vg_obs_rec_has(&rec, L_DST_ADT));
	assert_true(vg_obs_rec_has(&rec, L_SFT));
	assert_true(vg_obs_rec_has(&rec, L_SVC));
	assert_int_equal(rec.n, 4);
	assert_private(&rec);
	vg_obs_rec_release(&rec);
}

static void
test_two_messages(void **st)
{
	static const char m[] = MSG_ADT MSG_ORU;
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	vg_obs_rec_init(&rec);
	r = drive(m, sizeof(m) - 1, 0, true, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(&rec, L_SRC_ADT));
	assert_true(vg_obs_rec_has(&rec, L_SRC_ORU));
	assert_true(vg_obs_rec_has(&rec, L_DST_ORU));
	/* The service once per direction, the applications per message. */
	assert_int_equal(vg_obs_rec_count(&rec, L_SVC), 1);
	assert_int_equal(vg_obs_rec_count(&rec, "src hl7 hl7_application"), 2);
	assert_int_equal(rec.n, 6);
	assert_private(&rec);
	vg_obs_rec_release(&rec);
}

/* Every chunk size and every two-piece split give the same result. */
static void
test_every_split(void **st)
{
	static const char m[] = MSG_ADT "\r\n" MSG_ORU;
	const size_t n = sizeof(m) - 1;
	uint8_t state[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	struct drive r;
	size_t i;

	(void)st;
	for (i = 1; i <= n; i++) {
		vg_obs_rec_init(&rec);
		r = drive(m, n, i, true, &rec);
		assert_int_equal(r.last, VG_STREAM_OK);
		assert_int_equal(r.left, 0);
		assert_int_equal(rec.n, 6);
		assert_true(vg_obs_rec_has(&rec, L_SRC_ADT));
		assert_true(vg_obs_rec_has(&rec, L_SFT));
		assert_true(vg_obs_rec_has(&rec, L_DST_ORU));
		assert_private(&rec);
		vg_obs_rec_release(&rec);

		vg_obs_rec_init(&rec);
		memset(state, 0, sizeof(state));
		r = drive_cut(state, m, n, 0, i, true, &rec);
		assert_int_equal(r.last, VG_STREAM_OK);
		assert_int_equal(r.left, 0);
		assert_int_equal(rec.n, 6);
		assert_private(&rec);
		vg_obs_rec_release(&rec);
	}
}

/* Each prefix alone: no crash, never NO, never a PHI byte out. */
static void
test_every_prefix(void **st)
{
	static const char m[] = MSG_ADT;
	struct vg_obs_rec rec;
	struct drive r;
	size_t i;

	(void)st;
	for (i = 0; i <= sizeof(m) - 1; i++) {
		vg_obs_rec_init(&rec);
		r = drive(m, i, 0, true, &rec);
		assert_int_not_equal(r.last, VG_STREAM_NO);
		/* Only the MSH or SFT still being gathered stays buffered. */
		assert_true(r.left < 128);
		assert_private(&rec);
		vg_obs_rec_release(&rec);
	}
}

/* The receiver's ACK: its MSH names the receiver; no service claim. */
static void
test_ack_from_server(void **st)
{
	static const char m[] = ACK_HIS MLLP_SB "\x06" MLLP_END;
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	vg_obs_rec_init(&rec);
	r = drive(m, sizeof(m) - 1, 0, false, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(
		&rec, "src hl7 hl7_application HIS|HOSP|ACK^A01|2.5"));
	assert_true(vg_obs_rec_has(
		&rec,
		"dst hl7 hl7_application CARDIO_MONITOR|ICU_2|ACK^A01|2.5"));
	assert_int_equal(vg_obs_rec_count(&rec, "dst hl7 service"), 0);
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
}

/* Both directions share the state bytes without mixing. */
static void
test_both_directions(void **st)
{
	static const char a[] = MSG_ADT, b[] = ACK_HIS;
	uint8_t state[VG_STREAM_STATE];
	struct vg_obs_rec rec;
	struct drive r;
	size_t cut;

	(void)st;
	memset(state, 0, sizeof(state));
	vg_obs_rec_init(&rec);
	/* The client's message up to inside PID (all consumed: PID is
	 * skipped as it streams), the whole ACK, then the rest. */
	cut = (size_t)(strstr(a, "PID|") - a) + 8;
	r = drive_cut(state, a, cut, 0, 0, true, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	r = drive_cut(state, b, sizeof(b) - 1, 0, 0, false, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	r = drive_cut(state, a + cut, sizeof(a) - 1 - cut, 0, 0, true, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(vg_obs_rec_has(&rec, L_SFT));
	assert_true(vg_obs_rec_has(
		&rec, "src hl7 hl7_application HIS|HOSP|ACK^A01|2.5"));
	assert_int_equal(rec.n, 6);
	assert_private(&rec);
	vg_obs_rec_release(&rec);
}

struct row {
	const char *name;
	const char *in;
	size_t n; /* 0: strlen(in) */
	bool from_client;
	enum vg_stream_rc rc;
	size_t count;       /* observations expected */
	const char *expect; /* one of them, or NULL */
	const char *expect2;
};

#define MSH_TAIL "|20261130||ORU^R01|1|P|2.5\r"

static const struct row rows[] = {
	/* The off-by-one trap: MSH-3 is f[2], not f[3]. */
	{"plain", MLLP_SB "MSH|^~\\&|APP|FAC|RAPP|RFAC" MSH_TAIL MLLP_END, 0,
	 false, VG_STREAM_OK, 2, "src hl7 hl7_application APP|FAC|ORU^R01|2.5",
	 "dst hl7 hl7_application RAPP|RFAC|ORU^R01|2.5"},
	/* v2.7 truncation character inside MSH-2: still one field. */
	{"v27 truncation char",
	 MLLP_SB "MSH|^~\\&#|APP|FAC|RAPP|RFAC" MSH_TAIL MLLP_END, 0, false,
	 VG_STREAM_OK, 2, "src hl7 hl7_application APP|FAC|ORU^R01|2.5", NULL},
	/* Custom separators: field '#', component '~'. */
	{"custom separators",
	 MLLP_SB "MSH#~$\\&#APP~1.2~ISO#FAC#RAPP#RFAC#2026##ADT~A04~X#7#P#"
		 "2.4~FRA\rSFT#Vend~L#1.0#Prod\r" MLLP_END,
	 0, false, VG_STREAM_OK, 3,
	 "src hl7 hl7_application APP|FAC|ADT~A04|2.4",
	 "src hl7 hl7_software Vend|1.0|Prod"},
	/* HD with an empty namespace id: the whole field. */
	{"hd universal id",
	 MLLP_SB "MSH|^~\\&|^1.2.3^ISO|FAC||" MSH_TAIL MLLP_END, 0, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_application ^1.2.3^ISO|FAC|ORU^R01|2.5",
	 NULL},
	{"msh only", MLLP_SB "MSH|^~\\&\r" MLLP_END, 0, false, VG_STREAM_OK, 0,
	 NULL, NULL},
	{"msh-3 only", MLLP_SB "MSH|^~\\&|APP\r" MLLP_END, 0, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_application APP", NULL},
	{"empty msh-2", MLLP_SB "MSH||APP|F\r" MLLP_END, 0, false, VG_STREAM_OK,
	 1, "src hl7 hl7_application APP|F", NULL},
	{"msh bare", MLLP_SB "MSH|" MLLP_END, 0, false, VG_STREAM_OK, 0, NULL,
	 NULL},
	/* SFT before any MSH of the message is not trusted. */
	{"sft before msh",
	 MLLP_SB "MSH|^~\\&\r" MLLP_END MLLP_SB "SFT|V|1|P\r" MLLP_END, 0,
	 false, VG_STREAM_OK, 0, NULL, NULL},
	{"sft after msh", MLLP_SB "MSH|^~\\&\rSFT|V|1|P\r" MLLP_END, 0, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_software V|1|P", NULL},
	{"sft wrong separator", MLLP_SB "MSH|^~\\&\rSFT#V#1#P\r" MLLP_END, 0,
	 false, VG_STREAM_OK, 0, NULL, NULL},
	{"sft empty", MLLP_SB "MSH|^~\\&\rSFT|||\r" MLLP_END, 0, false,
	 VG_STREAM_OK, 0, NULL, NULL},
	/* CRLF and LF segment ends. */
	{"crlf", MLLP_SB "MSH|^~\\&|A|B\r\nSFT|V|1|P\r\n" MLLP_END, 0, false,
	 VG_STREAM_OK, 2, "src hl7 hl7_software V|1|P",
	 "src hl7 hl7_application A|B"},
	{"lf", MLLP_SB "MSH|^~\\&|A|B\nPID|1||ZZTEST\nSFT|V|1|P\n" MLLP_END, 0,
	 false, VG_STREAM_OK, 2, "src hl7 hl7_software V|1|P", NULL},
	/* NUL bytes are data, emitted as they are (the table sanitises). */
	{"nul in field", MLLP_SB "MSH|^~\\&|CAR\0DIO|F\r" MLLP_END,
	 sizeof(MLLP_SB "MSH|^~\\&|CAR\0DIO|F\r" MLLP_END) - 1, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_application CAR\\x00DIO|F", NULL},
	{"nul in pid", MLLP_SB "MSH|^~\\&|A\rPID|\0ZZTEST\0\r" MLLP_END,
	 sizeof(MLLP_SB "MSH|^~\\&|A\rPID|\0ZZTEST\0\r" MLLP_END) - 1, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_application A", NULL},
	/* MSH-9 keeps two components, MSH-12 one. */
	{"three components",
	 MLLP_SB "MSH|^~\\&|A||||||OML^O21^OML_O21^X||P|2.5.1^FRA^x\r" MLLP_END,
	 0, false, VG_STREAM_OK, 1, "src hl7 hl7_application A||OML^O21|2.5.1",
	 NULL},
	/* MLLP commit acknowledgements alone: not HL7 at detection. */
	{"commit ack", MLLP_SB "\x06" MLLP_END, 0, false, VG_STREAM_NO, 0, NULL,
	 NULL},
	/* Not MLLP. */
	{"unframed msh", "MSH|^~\\&|APP|FAC\r", 0, true, VG_STREAM_NO, 0, NULL,
	 NULL},
	{"http", "GET / HTTP/1.1\r\n\r\n", 0, true, VG_STREAM_NO, 0, NULL,
	 NULL},
	{"alnum separator", MLLP_SB "MSH1^~\\&1APP\r" MLLP_END, 0, true,
	 VG_STREAM_NO, 0, NULL, NULL},
	{"space separator", MLLP_SB "MSH ^~\\& APP\r" MLLP_END, 0, true,
	 VG_STREAM_NO, 0, NULL, NULL},
	{"fhs first", MLLP_SB "FHS|^~\\&\r" MLLP_END, 0, true, VG_STREAM_NO, 0,
	 NULL, NULL},
	{"empty start block", MLLP_SB, 0, true, VG_STREAM_MORE, 0, NULL, NULL},
	{"partial id", MLLP_SB "MS", 0, true, VG_STREAM_MORE, 0, NULL, NULL},
	{"wrong id", MLLP_SB "MSX|", 0, true, VG_STREAM_NO, 0, NULL, NULL},
	/* A tiny gap between messages is tolerated. */
	{"gap",
	 MLLP_SB "MSH|^~\\&|A\r" MLLP_END "\n\n " MLLP_SB
		 "MSH|^~\\&|B\r" MLLP_END,
	 0, false, VG_STREAM_OK, 2, "src hl7 hl7_application B", NULL},
	/* A message without its end: the next start block starts over. */
	{"missing end",
	 MLLP_SB "MSH|^~\\&|A\rPID|1\r" MLLP_SB "MSH|^~\\&|B\r" MLLP_END, 0,
	 false, VG_STREAM_OK, 2, "src hl7 hl7_application B", NULL},
	/* An MSH ended by the end block itself. */
	{"msh ends at fs", MLLP_SB "MSH|^~\\&|A|B" MLLP_END, 0, false,
	 VG_STREAM_OK, 1, "src hl7 hl7_application A|B", NULL},
};

static void
test_table(void **st)
{
	struct vg_obs_rec rec;
	struct drive r;
	size_t i, n, c;

	(void)st;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		n = rows[i].n ? rows[i].n : strlen(rows[i].in);
		/* Whole, then byte by byte: same outcome. */
		for (c = 0; c <= 1; c++) {
			vg_obs_rec_init(&rec);
			r = drive(rows[i].in, n, c, rows[i].from_client, &rec);
			if (r.last != rows[i].rc || rec.n != rows[i].count)
				fprintf(stderr,
					"row '%s' chunk %zu: rc %d n %zu\n",
					rows[i].name, c, (int)r.last, rec.n);
			assert_int_equal(r.last, rows[i].rc);
			assert_int_equal(rec.n, rows[i].count);
			if (rows[i].expect != NULL)
				assert_true(
					vg_obs_rec_has(&rec, rows[i].expect));
			if (rows[i].expect2 != NULL)
				assert_true(
					vg_obs_rec_has(&rec, rows[i].expect2));
			assert_private(&rec);
			vg_obs_rec_release(&rec);
		}
	}
}

/* An MSH past the segment cap: that message is given up, not the next. */
static void
test_huge_msh(void **st)
{
	static const char head[] = MLLP_SB "MSH|^~\\&|";
	static const char tail[] =
		"|F\rSFT|V|1|P\r" MLLP_END MLLP_SB "MSH|^~\\&|NEXT\r" MLLP_END;
	size_t big = 6000, n = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *m = malloc(n);
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	assert_non_null(m);
	memcpy(m, head, sizeof(head) - 1);
	memset(m + sizeof(head) - 1, 'X', big);
	memcpy(m + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);
	vg_obs_rec_init(&rec);
	r = drive(m, n, 1000, false, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(r.max_have <= 4096 + 1000);
	assert_int_equal(rec.n, 1);
	assert_true(vg_obs_rec_has(&rec, "src hl7 hl7_application NEXT"));
	vg_obs_rec_release(&rec);
	free(m);
}

/* A huge PID segment streams through without being buffered. */
static void
test_huge_pid(void **st)
{
	static const char head[] = MLLP_SB "MSH|^~\\&|A\rPID|1||";
	static const char tail[] = "\rSFT|V|1|P\r" MLLP_END;
	size_t big = 200000, n = sizeof(head) - 1 + big + sizeof(tail) - 1;
	char *m = malloc(n);
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	assert_non_null(m);
	memcpy(m, head, sizeof(head) - 1);
	memset(m + sizeof(head) - 1, 'Z', big);
	memcpy(m + sizeof(head) - 1 + big, tail, sizeof(tail) - 1);
	vg_obs_rec_init(&rec);
	r = drive(m, n, 1400, false, &rec);
	assert_int_equal(r.last, VG_STREAM_OK);
	assert_int_equal(r.left, 0);
	assert_true(r.max_have <= 2 * 1400);
	assert_int_equal(rec.n, 2);
	assert_true(vg_obs_rec_has(&rec, "src hl7 hl7_software V|1|P"));
	vg_obs_rec_release(&rec);
	free(m);
}

/* Garbage between messages past the gap limit gives the direction up. */
static void
test_garbage_gap(void **st)
{
	static const char head[] = MLLP_SB "MSH|^~\\&|A\r" MLLP_END;
	size_t n = sizeof(head) - 1 + 5000;
	char *m = malloc(n);
	struct vg_obs_rec rec;
	struct drive r;

	(void)st;
	assert_non_null(m);
	memcpy(m, head, sizeof(head) - 1);
	memset(m + sizeof(head) - 1, 'G', 5000);
	vg_obs_rec_init(&rec);
	r = drive(m, n, 512, false, &rec);
	assert_int_equal(r.last, VG_STREAM_NO);
	assert_int_equal(rec.n, 1);
	vg_obs_rec_release(&rec);
	free(m);
}

/* Corrupt state bytes and odd calls are refused, not trusted. */
static void
test_contract(void **st)
{
	static const uint8_t m[] = MLLP_SB "MSH|^~\\&|A\r";
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_packet pkt;

	(void)st;
	memset(&pkt, 0, sizeof(pkt));
	memset(state, 0, sizeof(state));
	assert_int_equal(vg_hl7_stream(state, &pkt, true, m, 0, &out, NULL),
			 VG_STREAM_MORE);
	assert_int_equal(
		vg_hl7_stream(state, &pkt, true, m, sizeof(m) - 1, &out, NULL),
		VG_STREAM_OK);
	assert_int_equal(out.consumed, sizeof(m) - 1);
	assert_int_equal(out.skip, 0);
	memset(state, 0xee, sizeof(state));
	assert_int_equal(
		vg_hl7_stream(state, &pkt, true, m, sizeof(m) - 1, &out, NULL),
		VG_STREAM_NO);
}

/* --- the generated capture (tests/fixtures/discover/hl7.pcap) --- */

#define PCAP_MAX_FLOWS 8

struct pflow {
	uint16_t sport, dport; /* client side first */
	uint8_t state[VG_STREAM_STATE];
	uint8_t buf[2][DRV_BUF];
	size_t have[2];
	bool no[2];
};

/*
 * Replay the fixture's TCP segments (in order, as a veth capture gives):
 * each payload goes to fn per direction.
 */
static size_t
replay_pcap(const char *path, vg_stream_fn fn, struct vg_obs_rec *rec)
{
	static struct pflow flows[PCAP_MAX_FLOWS];
	struct vg_obs_sink sink = vg_obs_rec_sink(rec);
	struct vg_test_pcap pc;
	struct vg_packet pkt;
	size_t nflows = 0, segs = 0, i, plen;

	memset(flows, 0, sizeof(flows));
	vg_test_pcap_open(&pc, path);
	while (vg_test_pcap_next_tcp(&pc, &pkt)) {
		struct pflow *fl = NULL;
		bool cli;
		int d;

		plen = pkt.payload_len;
		for (i = 0; i < nflows; i++)
			if ((flows[i].sport == pkt.sport &&
			     flows[i].dport == pkt.dport) ||
			    (flows[i].sport == pkt.dport &&
			     flows[i].dport == pkt.sport))
				fl = &flows[i];
		if (fl == NULL) {
			if ((pkt.tcp_flags & (VG_TCP_SYN | VG_TCP_ACK)) !=
			    VG_TCP_SYN)
				continue;
			assert_true(nflows < PCAP_MAX_FLOWS);
			fl = &flows[nflows++];
			fl->sport = pkt.sport;
			fl->dport = pkt.dport;
		}
		cli = fl->sport == pkt.sport;
		d = cli ? 0 : 1;
		if (plen == 0 || fl->no[d])
			continue;
		segs++;
		assert_true(fl->have[d] + plen <= DRV_BUF);
		memcpy(fl->buf[d] + fl->have[d], pkt.payload, plen);
		fl->have[d] += plen;
		for (;;) {
			struct vg_stream_out out;
			enum vg_stream_rc rc;

			rc = fn(fl->state, &pkt, cli, fl->buf[d], fl->have[d],
				&out, &sink);
			if (rc == VG_STREAM_NO)
				fl->no[d] = true;
			if (rc != VG_STREAM_OK)
				break;
			assert_int_equal(out.skip, 0);
			assert_true(out.consumed > 0 &&
				    out.consumed <= fl->have[d]);
			memmove(fl->buf[d], fl->buf[d] + out.consumed,
				fl->have[d] - out.consumed);
			fl->have[d] -= out.consumed;
			if (fl->have[d] == 0)
				break;
		}
	}
	vg_test_pcap_close(&pc);
	return segs;
}

static void
test_fixture_pcap(void **st)
{
	struct vg_obs_rec rec;

	(void)st;
	vg_obs_rec_init(&rec);
	assert_true(replay_pcap(VG_TEST_FIXTURES "/discover/hl7.pcap",
				vg_hl7_stream, &rec) >= 6);
	assert_true(vg_obs_rec_has(
		&rec,
		"src hl7 hl7_application CARDIO_MONITOR|ICU_2|ADT^A01|2.5"));
	assert_true(vg_obs_rec_has(
		&rec,
		"src hl7 hl7_application CARDIO_MONITOR|ICU_2|ORU^R01|2.5"));
	assert_true(vg_obs_rec_has(
		&rec, "dst hl7 hl7_application HIS|HOSP|ADT^A01|2.5"));
	assert_true(vg_obs_rec_has(
		&rec, "src hl7 hl7_application HIS|HOSP|ACK^A01|2.5"));
	assert_true(vg_obs_rec_has(
		&rec, "src hl7 hl7_software Acme Medical|4.2.1|CardioView"));
	assert_true(vg_obs_rec_has(&rec, "dst hl7 service hl7|2575"));
	/* Three messages, three ACKs, each with a src and a dst line. */
	assert_int_equal(vg_obs_rec_count(&rec, "src hl7 hl7_application"), 6);
	assert_private(&rec);
	vg_obs_rec_release(&rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_message),
		cmocka_unit_test(test_two_messages),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_ack_from_server),
		cmocka_unit_test(test_both_directions),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_huge_msh),
		cmocka_unit_test(test_huge_pid),
		cmocka_unit_test(test_garbage_gap),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_fixture_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

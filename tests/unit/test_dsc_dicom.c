/*
 * Tests of the DICOM Upper Layer stream decoder (src/discover/dicom.c)
 * and the SOP class table (dicom_sop.c): hand-built PDUs from the
 * layouts of passive-discovery.md §2, the verified echoscu RQ of §2.3,
 * real dcmtk traffic (tests/fixtures/discover/dicom.pcap, made by
 * gen_dicom.sh), hostile input and the privacy rules (no data-set byte,
 * no user identity value in any observation).
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "obs_record.h"
#include "discover/dicom_sop.h"
#include "discover/discover.h"
#include "util/banned.h"

#define SERVER_PORT 11112
#define CLIENT_PORT 40001
#define BUF_CAP 65536 /* the flow table's per-direction cap */

#define UID_VERIFY "1.2.840.10008.1.1"
#define UID_CT "1.2.840.10008.5.1.4.1.1.2"
#define UID_SC "1.2.840.10008.5.1.4.1.1.7"
#define UID_DOSE_SR "1.2.840.10008.5.1.4.1.1.88.67"
#define UID_MWL "1.2.840.10008.5.1.4.31"
#define UID_STUDY_FIND "1.2.840.10008.5.1.4.1.2.2.1"
#define UID_PRINT "1.2.840.10008.5.1.1.9"
#define UID_MPPS "1.2.840.10008.3.1.2.3.3"
#define UID_IMPL "1.2.276.0.7230010.3.0.3.6.7"
#define UID_TS_IMPLICIT "1.2.840.10008.1.2"
#define UID_APP_CTX "1.2.840.10008.3.1.1.1"

/* ---- A byte builder for PDUs, with back-patched lengths. ---- */

struct bb {
	uint8_t b[BUF_CAP + 1024];
	size_t n;
};

static void
put8(struct bb *b, unsigned v)
{
	assert_true(b->n < sizeof(b->b));
	b->b[b->n++] = (uint8_t)v;
}

static void
put16(struct bb *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put32(struct bb *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void
putmem(struct bb *b, const void *p, size_t n)
{
	assert_true(n <= sizeof(b->b) - b->n);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* Start an item (type, reserved, 2-byte length): returns where it is. */
static size_t
item_open(struct bb *b, unsigned type)
{
	size_t at = b->n;

	put8(b, type);
	put8(b, 0);
	put16(b, 0);
	return at;
}

static void
item_close(struct bb *b, size_t at)
{
	size_t len = b->n - at - 4;

	b->b[at + 2] = (uint8_t)(len >> 8);
	b->b[at + 3] = (uint8_t)len;
}

static void
item_str(struct bb *b, unsigned type, const char *s)
{
	size_t at = item_open(b, type);

	putmem(b, s, strlen(s));
	item_close(b, at);
}

/* PDU header; pdu_close patches the 4-byte length. */
static void
pdu_open(struct bb *b, unsigned type)
{
	b->n = 0;
	put8(b, type);
	put8(b, 0);
	put32(b, 0);
}

static void
pdu_close(struct bb *b)
{
	uint32_t len = (uint32_t)(b->n - 6);

	b->b[2] = (uint8_t)(len >> 24);
	b->b[3] = (uint8_t)(len >> 16);
	b->b[4] = (uint8_t)(len >> 8);
	b->b[5] = (uint8_t)len;
}

/* The fixed part of an RQ/AC: version, reserved, AE titles, reserved. */
static void
assoc_head(struct bb *b, unsigned type, const char *called, const char *calling)
{
	uint8_t ae[16];
	size_t i;

	pdu_open(b, type);
	put16(b, 1);
	put16(b, 0);
	memset(ae, ' ', sizeof(ae));
	memcpy(ae, called, strlen(called));
	putmem(b, ae, 16);
	memset(ae, ' ', sizeof(ae));
	memcpy(ae, calling, strlen(calling));
	putmem(b, ae, 16);
	for (i = 0; i < 32; i++)
		put8(b, 0);
}

static void
user_info(struct bb *b, const char *uid, const char *ver, bool identity)
{
	size_t ui = item_open(b, 0x50), at;

	at = item_open(b, 0x51);
	put32(b, 16384);
	item_close(b, at);
	if (uid != NULL)
		item_str(b, 0x52, uid);
	if (ver != NULL)
		item_str(b, 0x55, ver);
	if (identity) {
		/* type 2 (user + passcode), both of which must stay unseen */
		at = item_open(b, 0x58);
		put8(b, 2);
		put8(b, 0);
		put16(b, 10);
		putmem(b, "SECRETUSER", 10);
		put16(b, 10);
		putmem(b, "PASSW0RD42", 10);
		item_close(b, at);
	}
	item_close(b, ui);
}

struct pctx {
	unsigned id;
	const char *uid; /* RQ: abstract syntax */
	unsigned result; /* AC */
	size_t uid_n;    /* bytes of uid to write; 0: strlen */
};

static void
build_rq(struct bb *b, const char *called, const char *calling,
	 const struct pctx *pc, size_t npc, bool identity)
{
	size_t i, at, sub;

	assoc_head(b, 0x01, called, calling);
	item_str(b, 0x10, UID_APP_CTX);
	for (i = 0; i < npc; i++) {
		at = item_open(b, 0x20);
		put8(b, pc[i].id);
		put8(b, 0);
		put8(b, 0xff); /* as DCMTK does: never tested */
		put8(b, 0);
		sub = item_open(b, 0x30);
		putmem(b, pc[i].uid,
		       pc[i].uid_n > 0 ? pc[i].uid_n : strlen(pc[i].uid));
		item_close(b, sub);
		item_str(b, 0x40, UID_TS_IMPLICIT);
		item_close(b, at);
	}
	user_info(b, UID_IMPL, "OFFIS_DCMTK_367", identity);
	pdu_close(b);
}

static void
build_ac(struct bb *b, const struct pctx *pc, size_t npc)
{
	size_t i, at;

	assoc_head(b, 0x02, "PACS", "MODALITY1");
	item_str(b, 0x10, UID_APP_CTX);
	for (i = 0; i < npc; i++) {
		at = item_open(b, 0x21);
		put8(b, pc[i].id);
		put8(b, 0);
		put8(b, pc[i].result);
		put8(b, 0);
		item_str(b, 0x40, UID_TS_IMPLICIT);
		item_close(b, at);
	}
	user_info(b, "1.2.3.4.5.6", "PACS_V1", false);
	pdu_close(b);
}

/* A 10-byte PDU (RJ, RELEASE, ABORT) with bytes 6..9. */
static void
build_small(struct bb *b, unsigned type, unsigned b6, unsigned b7, unsigned b8,
	    unsigned b9)
{
	pdu_open(b, type);
	put8(b, b6);
	put8(b, b7);
	put8(b, b8);
	put8(b, b9);
	pdu_close(b);
}

/* ---- A driver that does what the flow table does. ---- */

struct dir {
	uint8_t buf[BUF_CAP];
	size_t have;
	uint64_t skip;
	bool dead;              /* VG_STREAM_NO seen */
	enum vg_stream_rc last; /* the last answer */
	size_t calls_ok;
};

struct conn {
	uint8_t state[VG_STREAM_STATE];
	struct dir d[2]; /* [1] from the client */
	struct vg_packet cpkt, spkt;
};

static void
conn_init(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->cpkt.kind = c->spkt.kind = VG_PKT_TCP;
	c->cpkt.src.family = c->cpkt.dst.family = 4;
	c->spkt.src.family = c->spkt.dst.family = 4;
	c->cpkt.ip_proto = c->spkt.ip_proto = 6;
	c->cpkt.sport = c->spkt.dport = CLIENT_PORT;
	c->cpkt.dport = c->spkt.sport = SERVER_PORT;
}

static struct conn *
conn_new(void)
{
	struct conn *c = malloc(sizeof(*c));

	assert_non_null(c);
	conn_init(c);
	return c;
}

/* Feed p[0..n) to one direction in chunks of at most chunk bytes. */
static enum vg_stream_rc
feed_chunks(struct conn *c, bool from_client, const uint8_t *p, size_t n,
	    size_t chunk, const struct vg_obs_sink *sink)
{
	struct dir *d = &c->d[from_client ? 1 : 0];
	const struct vg_packet *pkt = from_client ? &c->cpkt : &c->spkt;

	while (n > 0 && !d->dead) {
		size_t k = n < chunk ? n : chunk;

		if (d->skip > 0) {
			size_t s = d->skip < k ? (size_t)d->skip : k;

			d->skip -= s;
			p += s;
			n -= s;
			continue;
		}
		if (k > sizeof(d->buf) - d->have) {
			d->dead = true; /* the flow table gives up at its cap */
			break;
		}
		memcpy(d->buf + d->have, p, k);
		d->have += k;
		p += k;
		n -= k;
		while (d->have > 0 && d->skip == 0) {
			struct vg_stream_out out;

			memset(&out, 0xa5, sizeof(out));
			d->last = vg_dicom_stream(c->state, pkt, from_client,
						  d->buf, d->have, &out, sink);
			if (d->last == VG_STREAM_NO) {
				d->dead = true;
				break;
			}
			if (d->last == VG_STREAM_MORE)
				break;
			/* contract: 0 < consumed <= n */
			assert_true(out.consumed > 0);
			assert_true(out.consumed <= d->have);
			d->calls_ok++;
			memmove(d->buf, d->buf + out.consumed,
				d->have - out.consumed);
			d->have -= out.consumed;
			d->skip = out.skip;
			if (d->skip > 0 && d->have > 0) {
				size_t s = d->skip < d->have ? (size_t)d->skip
							     : d->have;

				memmove(d->buf, d->buf + s, d->have - s);
				d->have -= s;
				d->skip -= s;
			}
		}
	}
	return d->last;
}

static enum vg_stream_rc
feed(struct conn *c, bool from_client, const uint8_t *p, size_t n,
     const struct vg_obs_sink *sink)
{
	return feed_chunks(c, from_client, p, n, BUF_CAP, sink);
}

/* One direct call on a fresh state: the answer and out. */
static enum vg_stream_rc
call_once(uint8_t *state, bool from_client, const uint8_t *p, size_t n,
	  struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	struct vg_packet pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.kind = VG_PKT_TCP;
	pkt.sport = from_client ? CLIENT_PORT : SERVER_PORT;
	pkt.dport = from_client ? SERVER_PORT : CLIENT_PORT;
	memset(out, 0, sizeof(*out));
	return vg_dicom_stream(state, &pkt, from_client, p, n, out, sink);
}

static bool
rec_contains(const struct vg_obs_rec *r, const char *needle)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strstr(r->lines[i], needle) != NULL)
			return true;
	return false;
}

/* ---- The verified echoscu A-ASSOCIATE-RQ of §2.3 (211 bytes). ---- */

static const uint8_t echo_rq[] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0xcd, 0x00, 0x01, 0x00, 0x00, 0x50, 0x41,
	0x43, 0x53, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
	0x20, 0x20, 0x4d, 0x4f, 0x44, 0x41, 0x4c, 0x49, 0x54, 0x59, 0x31, 0x20,
	0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x15, 0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34,
	0x30, 0x2e, 0x31, 0x30, 0x30, 0x30, 0x38, 0x2e, 0x33, 0x2e, 0x31, 0x2e,
	0x31, 0x2e, 0x31, 0x20, 0x00, 0x00, 0x2e, 0x01, 0x00, 0xff, 0x00, 0x30,
	0x00, 0x00, 0x11, 0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31,
	0x30, 0x30, 0x30, 0x38, 0x2e, 0x31, 0x2e, 0x31, 0x40, 0x00, 0x00, 0x11,
	0x31, 0x2e, 0x32, 0x2e, 0x38, 0x34, 0x30, 0x2e, 0x31, 0x30, 0x30, 0x30,
	0x38, 0x2e, 0x31, 0x2e, 0x32, 0x50, 0x00, 0x00, 0x3a, 0x51, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x40, 0x00, 0x52, 0x00, 0x00, 0x1b, 0x31, 0x2e, 0x32,
	0x2e, 0x32, 0x37, 0x36, 0x2e, 0x30, 0x2e, 0x37, 0x32, 0x33, 0x30, 0x30,
	0x31, 0x30, 0x2e, 0x33, 0x2e, 0x30, 0x2e, 0x33, 0x2e, 0x36, 0x2e, 0x37,
	0x55, 0x00, 0x00, 0x0f, 0x4f, 0x46, 0x46, 0x49, 0x53, 0x5f, 0x44, 0x43,
	0x4d, 0x54, 0x4b, 0x5f, 0x33, 0x36, 0x37,
};

/* Weights by attribute, from a sink that checks them (§6). */
static void
weight_check(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	int *bad = ctx;
	int want = -1;

	(void)pkt;
	switch (o->attr) {
	case VG_ATTR_DICOM_AE:
		want = 20;
		break;
	case VG_ATTR_DICOM_IMPL:
		want = 60;
		break;
	case VG_ATTR_SERVICE:
	case VG_ATTR_DICOM_ROLE:
		want = 90;
		break;
	case VG_ATTR_DICOM_SOP:
		want = 40;
		break;
	default:
		break;
	}
	if (o->proto != VG_PROTO_DICOM || o->weight != want)
		(*bad)++;
}

static void
test_echo_reference(void **st)
{
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct conn *c = conn_new();
	struct bb *ac = malloc(sizeof(*ac));
	const struct pctx acc[] = {{1, NULL, 0, 0}};

	(void)st;
	assert_non_null(ac);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	assert_int_equal(feed(c, true, echo_rq, sizeof(echo_rq), &sink),
			 VG_STREAM_OK);
	assert_int_equal(c->d[1].calls_ok, 1);
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_ae MODALITY1"));
	assert_true(vg_obs_rec_has(&rec, "dst dicom dicom_ae PACS"));
	assert_true(vg_obs_rec_has(&rec, "dst dicom service dicom|11112"));
	assert_true(vg_obs_rec_has(&rec,
				   "src dicom dicom_implementation " UID_IMPL
				   "|OFFIS_DCMTK_367"));
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_sop " UID_VERIFY "|Verification"));
	assert_int_equal(rec.n, 5);

	build_ac(ac, acc, 1);
	assert_int_equal(feed(c, false, ac->b, ac->n, &sink), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_implementation 1.2.3.4.5.6|PACS_V1"));
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_role verification"));
	assert_true(vg_obs_rec_has(&rec, "dst dicom dicom_role verification"));
	assert_int_equal(rec.n, 8);
	vg_obs_rec_release(&rec);
	free(ac);
	free(c);
}

static void
test_weights(void **st)
{
	int bad = 0;
	struct vg_obs_sink sink = {weight_check, &bad};
	struct conn *c = conn_new();
	struct bb *b = malloc(sizeof(*b));
	const struct pctx pc[] = {{1, UID_CT, 0, 0}};

	(void)st;
	assert_non_null(b);
	build_rq(b, "PACS", "CT1", pc, 1, false);
	assert_int_equal(feed(c, true, b->b, b->n, &sink), VG_STREAM_OK);
	build_ac(b, pc, 1);
	assert_int_equal(feed(c, false, b->b, b->n, &sink), VG_STREAM_OK);
	assert_int_equal(bad, 0);
	free(b);
	free(c);
}

/* ---- Roles from accepted contexts: one row per service family. ---- */

struct role_row {
	const char *uid;
	unsigned result;
	const char *src_role; /* about the acceptor; NULL: none */
	const char *dst_role; /* about the requester; NULL: none */
	size_t nroles;
};

static const struct role_row role_rows[] = {
	{UID_CT, 0, "archive", "modality", 2},
	{UID_SC, 0, "archive", "viewer", 2},
	{UID_DOSE_SR, 0, "archive", "viewer", 2},
	{UID_MWL, 0, "worklist", "worklist-user", 2},
	{UID_STUDY_FIND, 0, "query", "viewer", 2},
	{UID_PRINT, 0, "printer", "print-user", 2},
	{UID_VERIFY, 0, "verification", "verification", 2},
	{UID_MPPS, 0, NULL, NULL, 0},
	{UID_CT, 3, NULL, NULL, 0},  /* abstract syntax not supported */
	{UID_MWL, 1, NULL, NULL, 0}, /* user rejection */
	{"1.2.840.10008.5.1.4.1.1.999.1", 0, "archive", "viewer", 2},
	{"1.9.9.9", 0, NULL, NULL, 0},
};

static void
test_roles(void **st)
{
	size_t i;
	char line[128];

	(void)st;
	for (i = 0; i < VG_ARRAY_LEN(role_rows); i++) {
		const struct role_row *r = &role_rows[i];
		struct pctx pc[] = {{5, r->uid, r->result, 0}};
		struct vg_obs_rec rec;
		struct vg_obs_sink sink;
		struct conn *c = conn_new();
		struct bb *b = malloc(sizeof(*b));

		assert_non_null(b);
		vg_obs_rec_init(&rec);
		sink = vg_obs_rec_sink(&rec);
		build_rq(b, "SCP", "SCU", pc, 1, false);
		assert_int_equal(feed(c, true, b->b, b->n, &sink),
				 VG_STREAM_OK);
		assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_role"),
				 0);
		build_ac(b, pc, 1);
		assert_int_equal(feed(c, false, b->b, b->n, &sink),
				 VG_STREAM_OK);
		if (r->src_role != NULL) {
			(void)snprintf(line, sizeof(line),
				       "src dicom dicom_role %s", r->src_role);
			assert_true(vg_obs_rec_has(&rec, line));
			(void)snprintf(line, sizeof(line),
				       "dst dicom dicom_role %s", r->dst_role);
			assert_true(vg_obs_rec_has(&rec, line));
		}
		if (vg_obs_rec_count(&rec, "src dicom dicom_role") +
			    vg_obs_rec_count(&rec, "dst dicom dicom_role") !=
		    r->nroles)
			fail_msg("row %zu: wrong number of roles", i);
		vg_obs_rec_release(&rec);
		free(b);
		free(c);
	}
}

/* Storage of CT and of its dose SR: modality only, not also viewer. */
static void
test_store_mixed(void **st)
{
	const struct pctx pc[] = {{1, UID_CT, 0, 0},
				  {3, UID_CT, 0, 0},
				  {5, UID_DOSE_SR, 0, 0},
				  {7, UID_VERIFY, 0, 0},
				  {9, UID_MWL, 4, 0}};
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct conn *c = conn_new();
	struct bb *b = malloc(sizeof(*b));

	(void)st;
	assert_non_null(b);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	build_rq(b, "PACS", "CT_SCANNER_1", pc, VG_ARRAY_LEN(pc), false);
	assert_int_equal(feed(c, true, b->b, b->n, &sink), VG_STREAM_OK);
	/* each abstract syntax once, though CT is proposed twice */
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_sop"), 4);
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_sop " UID_CT "|CT Image Storage|CT"));
	assert_true(vg_obs_rec_has(&rec,
				   "src dicom dicom_sop " UID_DOSE_SR
				   "|X-Ray Radiation Dose SR Storage"));
	assert_true(
		vg_obs_rec_has(&rec,
			       "src dicom dicom_sop " UID_MWL
			       "|Modality Worklist Information Model - FIND"));
	build_ac(b, pc, VG_ARRAY_LEN(pc));
	assert_int_equal(feed(c, false, b->b, b->n, &sink), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_role archive"));
	assert_true(vg_obs_rec_has(&rec, "dst dicom dicom_role modality"));
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_role"), 1);
	assert_int_equal(vg_obs_rec_count(&rec, "dst dicom dicom_role"), 1);
	vg_obs_rec_release(&rec);
	free(b);
	free(c);
}

/* An AC whose RQ was not seen: a listener, its stack, no roles. */
static void
test_ac_without_rq(void **st)
{
	const struct pctx pc[] = {{1, NULL, 0, 0}};
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct conn *c = conn_new();
	struct bb *b = malloc(sizeof(*b));

	(void)st;
	assert_non_null(b);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	build_ac(b, pc, 1);
	assert_int_equal(feed(c, false, b->b, b->n, &sink), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(&rec, "src dicom service dicom|11112"));
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_implementation 1.2.3.4.5.6|PACS_V1"));
	assert_int_equal(rec.n, 2);
	vg_obs_rec_release(&rec);
	free(b);
	free(c);
}

/* ---- Small PDUs, P-DATA skipping, privacy. ---- */

static void
test_rj_release_abort(void **st)
{
	struct bb *b = malloc(sizeof(*b));
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;

	(void)st;
	assert_non_null(b);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	/* RJ: permanent, user, called AE not recognised */
	build_small(b, 0x03, 0, 1, 1, 7);
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, false, b->b, b->n, &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, 10);
	assert_int_equal(out.skip, 0);
	/* after it, the same direction may send RELEASE-RP and ABORT */
	build_small(b, 0x06, 0, 0, 0, 0);
	assert_int_equal(call_once(state, false, b->b, b->n, &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, 10);
	build_small(b, 0x07, 0, 0, 2, 1);
	assert_int_equal(call_once(state, false, b->b, b->n, &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, 10);
	/* a RELEASE or ABORT whose length lies is the end of the framing */
	b->b[5] = 0xff;
	assert_int_equal(call_once(state, false, b->b, b->n, &out, &sink),
			 VG_STREAM_NO);
	/* an RJ whose length is not 4 is not DICOM */
	memset(state, 0, sizeof(state));
	build_small(b, 0x03, 0, 1, 1, 7);
	b->b[5] = 5;
	assert_int_equal(call_once(state, false, b->b, b->n, &out, &sink),
			 VG_STREAM_NO);
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
	free(b);
}

static void
test_pdata_skip_and_privacy(void **st)
{
	static const char body[] =
		"\x00\x00\x00\x30\x01\x00" /* PDV len 48, pcid 1, data set */
		"\x10\x00\x10\x00\x0e\x00\x00\x00ZZTEST^PATIENT"
		"\x10\x00\x20\x00\x10\x00\x00\x00PID-SECRET-4711\x00";
	const struct pctx pc[] = {{1, UID_CT, 0, 0}};
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct conn *c = conn_new();
	struct bb *b = malloc(sizeof(*b));
	struct bb *rq = malloc(sizeof(*rq));
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	size_t chunk;

	(void)st;
	assert_non_null(b);
	assert_non_null(rq);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	build_rq(rq, "PACS", "CT1", pc, 1, true);
	/* RQ with a user identity, then a P-DATA with a patient, then a
	 * RELEASE-RQ: fed in every chunk size from 1 to 97 */
	for (chunk = 1; chunk <= 97; chunk += 8) {
		conn_init(c);
		b->n = 0;
		putmem(b, rq->b, rq->n);
		put8(b, 0x04);
		put8(b, 0);
		put32(b, sizeof(body) - 1);
		putmem(b, body, sizeof(body) - 1);
		build_small(rq, 0x05, 0, 0, 0, 0); /* clobbers rq: rebuilt */
		putmem(b, rq->b, rq->n);
		build_rq(rq, "PACS", "CT1", pc, 1, true);
		assert_int_equal(feed_chunks(c, true, b->b, b->n, chunk, &sink),
				 VG_STREAM_OK);
		assert_int_equal(c->d[1].have, 0);
		assert_int_equal(c->d[1].skip, 0);
		assert_int_equal(c->d[1].calls_ok, 3);
	}
	assert_true(rec.n > 0);
	assert_false(rec_contains(&rec, "ZZTEST"));
	assert_false(rec_contains(&rec, "PID-SECRET"));
	assert_false(rec_contains(&rec, "SECRETUSER"));
	assert_false(rec_contains(&rec, "PASSW0RD"));
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_ae CT1"));

	/* a huge P-DATA: the header is consumed, the body skipped */
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, true, rq->b, rq->n, &out, &sink),
			 VG_STREAM_OK);
	pdu_open(b, 0x04);
	b->b[2] = b->b[3] = b->b[4] = b->b[5] = 0xff;
	putmem(b, "ZZTEST^PATIENT", 14);
	assert_int_equal(call_once(state, true, b->b, b->n, &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, 6);
	assert_true(out.skip == 0xffffffffu);
	/* with only part of its header: more */
	assert_int_equal(call_once(state, true, b->b, 5, &out, &sink),
			 VG_STREAM_MORE);
	assert_false(rec_contains(&rec, "ZZTEST"));
	vg_obs_rec_release(&rec);
	free(rq);
	free(b);
	free(c);
}

/* ---- Detection: what is not DICOM is left alone. ---- */

struct no_row {
	const char *name;
	size_t off; /* byte of a valid RQ to change (SIZE_MAX: none) */
	uint8_t val;
	bool from_client;
	const char *raw; /* other bytes instead of the RQ */
	size_t raw_n;
};

static const struct no_row no_rows[] = {
	{"type 0", 0, 0x00, true, NULL, 0},
	{"type 8", 0, 0x08, true, NULL, 0},
	{"p-data first", 0, 0x04, true, NULL, 0},
	{"release first", 0, 0x05, true, NULL, 0},
	{"abort first", 0, 0x07, true, NULL, 0},
	{"reserved set", 1, 0x01, true, NULL, 0},
	{"version 0", 7, 0x00, true, NULL, 0},
	{"version 2", 7, 0x02, true, NULL, 0},
	{"len > 64k", 3, 0x01, true, NULL, 0},
	{"len 4 GiB", 2, 0xff, true, NULL, 0},
	{"first item not 0x10", 74, 0x20, true, NULL, 0},
	{"http", SIZE_MAX, 0, true, "GET / HTTP/1.1\r\n", 16},
	{"tls", SIZE_MAX, 0, true, "\x16\x03\x01\x00\xa5\x01\x00\x00", 8},
	{"mllp", SIZE_MAX, 0, true, "\x0bMSH|^~\\&|", 10},
	{"modbus", SIZE_MAX, 0, true, "\x01\x00\x00\x00\x00\x06\x01\x03", 8},
	{"short len", SIZE_MAX, 0, true, "\x01\x00\x00\x00\x00\x43\x00\x01", 8},
};

static void
test_not_dicom(void **st)
{
	size_t i;
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	uint8_t buf[sizeof(echo_rq)];
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;

	(void)st;
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	for (i = 0; i < VG_ARRAY_LEN(no_rows); i++) {
		const struct no_row *r = &no_rows[i];
		const uint8_t *p = buf;
		size_t n = sizeof(buf);

		memcpy(buf, echo_rq, sizeof(buf));
		if (r->raw != NULL) {
			p = (const uint8_t *)r->raw;
			n = r->raw_n;
		} else {
			buf[r->off] = r->val;
		}
		memset(state, 0, sizeof(state));
		if (call_once(state, r->from_client, p, n, &out, &sink) !=
		    VG_STREAM_NO)
			fail_msg("row %s: not rejected", r->name);
	}
	assert_int_equal(rec.n, 0);
	vg_obs_rec_release(&rec);
}

/* ---- Every prefix of each valid PDU asks for more, never crashes. ---- */

static void
test_prefixes(void **st)
{
	const struct pctx pc[] = {{1, UID_CT, 0, 0}, {3, UID_MWL, 0, 0}};
	struct bb *b = malloc(sizeof(*b));
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	int k;

	(void)st;
	assert_non_null(b);
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	for (k = 0; k < 5; k++) {
		bool from_client = true, after_rq = false;
		size_t n;

		switch (k) {
		case 0:
			build_rq(b, "PACS", "CT_SCANNER_1", pc, 2, true);
			break;
		case 1:
			build_ac(b, pc, 2);
			from_client = false;
			break;
		case 2:
			build_small(b, 0x03, 0, 2, 2, 1);
			from_client = false;
			break;
		case 3:
			build_small(b, 0x05, 0, 0, 0, 0);
			after_rq = true;
			break;
		default:
			pdu_open(b, 0x04);
			putmem(b, "\x00\x00\x00\x04\x01\x03\x00\x00", 8);
			pdu_close(b);
			after_rq = true;
			break;
		}
		for (n = 0; n < b->n; n++) {
			memset(state, 0, sizeof(state));
			if (after_rq) {
				assert_int_equal(call_once(state, true, echo_rq,
							   sizeof(echo_rq),
							   &out, &sink),
						 VG_STREAM_OK);
			}
			/* a P-DATA header alone is enough to go on */
			if (k == 4 && n >= 6) {
				assert_int_equal(call_once(state, from_client,
							   b->b, n, &out,
							   &sink),
						 VG_STREAM_OK);
				assert_int_equal(out.consumed, 6);
				assert_int_equal(out.skip, 8);
				continue;
			}
			if (call_once(state, from_client, b->b, n, &out,
				      &sink) != VG_STREAM_MORE)
				fail_msg("pdu %d: prefix %zu not MORE", k, n);
		}
		memset(state, 0, sizeof(state));
		if (after_rq)
			(void)call_once(state, true, echo_rq, sizeof(echo_rq),
					&out, &sink);
		assert_int_equal(
			call_once(state, from_client, b->b, b->n, &out, &sink),
			VG_STREAM_OK);
		assert_int_equal(out.consumed, k == 4 ? 6 : b->n);
	}
	vg_obs_rec_release(&rec);
	free(b);
}

/* ---- Hostile associations: lies inside a complete PDU. ---- */

static void
test_item_past_pdu(void **st)
{
	uint8_t buf[sizeof(echo_rq)];
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;

	(void)st;
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	/* the presentation context (at 0x63) claims 0xffff bytes */
	memcpy(buf, echo_rq, sizeof(buf));
	assert_int_equal(buf[0x63], 0x20);
	buf[0x65] = 0xff;
	buf[0x66] = 0xff;
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, true, buf, sizeof(buf), &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, sizeof(buf));
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_ae MODALITY1"));
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_sop"), 0);
	assert_int_equal(
		vg_obs_rec_count(&rec, "src dicom dicom_implementation"), 0);
	vg_obs_rec_release(&rec);

	/* the user information (at 0x95) sub-item 0x52 overruns it */
	vg_obs_rec_init(&rec);
	memcpy(buf, echo_rq, sizeof(buf));
	assert_int_equal(buf[0x95], 0x50);
	assert_int_equal(buf[0xa1], 0x52);
	buf[0xa4] = 0x7f;
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, true, buf, sizeof(buf), &out, &sink),
			 VG_STREAM_OK);
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_sop " UID_VERIFY "|Verification"));
	assert_int_equal(
		vg_obs_rec_count(&rec, "src dicom dicom_implementation"), 0);
	vg_obs_rec_release(&rec);

	/* the PDU length says less than its items: they are cut there */
	vg_obs_rec_init(&rec);
	memcpy(buf, echo_rq, sizeof(buf));
	buf[5] = 0x44; /* 68: no items at all */
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, true, buf, sizeof(buf), &out, &sink),
			 VG_STREAM_OK);
	assert_int_equal(out.consumed, 74);
	assert_int_equal(rec.n, 3); /* two AE titles and the service */
	assert_true(vg_obs_rec_has(&rec, "dst dicom service dicom|11112"));
	vg_obs_rec_release(&rec);
}

struct ae_row {
	char called[17];  /* 16 bytes (and the literal's NUL) */
	const char *want; /* NULL: no observation */
};

static const struct ae_row ae_rows[] = {
	{"PACS            ", "dst dicom dicom_ae PACS"},
	{"  PACS 2        ", "dst dicom dicom_ae PACS 2"},
	{"PACS\0\0\0\0\0\0\0\0\0\0\0\0", "dst dicom dicom_ae PACS"},
	{"PA\0CS           ", "dst dicom dicom_ae PA\\x00CS"},
	{"                ", NULL},
	{"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", NULL},
	{"ABCDEFGHIJKLMNOP", "dst dicom dicom_ae ABCDEFGHIJKLMNOP"},
	{"\xff\xfeX             ", "dst dicom dicom_ae \\xff\\xfeX"},
};

static void
test_ae_titles(void **st)
{
	size_t i;
	uint8_t buf[sizeof(echo_rq)];
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;

	(void)st;
	for (i = 0; i < VG_ARRAY_LEN(ae_rows); i++) {
		struct vg_obs_rec rec;
		struct vg_obs_sink sink;

		vg_obs_rec_init(&rec);
		sink = vg_obs_rec_sink(&rec);
		memcpy(buf, echo_rq, sizeof(buf));
		memcpy(buf + 10, ae_rows[i].called, 16);
		memset(state, 0, sizeof(state));
		assert_int_equal(
			call_once(state, true, buf, sizeof(buf), &out, &sink),
			VG_STREAM_OK);
		if (ae_rows[i].want != NULL)
			assert_true(vg_obs_rec_has(&rec, ae_rows[i].want));
		assert_int_equal(vg_obs_rec_count(&rec, "dst dicom dicom_ae"),
				 ae_rows[i].want != NULL ? 1 : 0);
		vg_obs_rec_release(&rec);
	}
}

/* UIDs: padding stripped, liars cut at 64, odd ids, many contexts. */
static void
test_uids_and_contexts(void **st)
{
	char longuid[200];
	struct pctx pc[200];
	struct vg_obs_rec rec;
	struct vg_obs_sink sink;
	struct conn *c = conn_new();
	struct bb *b = malloc(sizeof(*b));
	char want[256];
	size_t i;

	(void)st;
	assert_non_null(b);
	memset(longuid, '7', sizeof(longuid));
	longuid[sizeof(longuid) - 1] = '\0';
	vg_obs_rec_init(&rec);
	sink = vg_obs_rec_sink(&rec);
	/* padded with a NUL and with spaces, as some stacks do */
	pc[0] = (struct pctx){1, UID_CT "\0", 0, sizeof(UID_CT)};
	pc[1] = (struct pctx){3, UID_MWL "  ", 0, 0};
	pc[2] = (struct pctx){4, UID_STUDY_FIND, 0, 0}; /* even: no state */
	pc[3] = (struct pctx){5, longuid, 0, 0};
	pc[4] = (struct pctx){7, "", 0, 0};
	build_rq(b, "PACS", "CT1", pc, 5, false);
	assert_int_equal(feed(c, true, b->b, b->n, &sink), VG_STREAM_OK);
	assert_true(vg_obs_rec_has(
		&rec, "src dicom dicom_sop " UID_CT "|CT Image Storage|CT"));
	assert_true(
		vg_obs_rec_has(&rec,
			       "src dicom dicom_sop " UID_MWL
			       "|Modality Worklist Information Model - FIND"));
	assert_true(vg_obs_rec_has(
		&rec,
		"src dicom dicom_sop " UID_STUDY_FIND
		"|Study Root Query/Retrieve Information Model - FIND"));
	(void)snprintf(want, sizeof(want), "src dicom dicom_sop %.64s",
		       longuid);
	assert_true(vg_obs_rec_has(&rec, want));
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_sop"), 4);
	build_ac(b, pc, 5);
	assert_int_equal(feed(c, false, b->b, b->n, &sink), VG_STREAM_OK);
	/* id 4 is even: its query context names no role */
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_role query"),
			 0);
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_role worklist"));
	vg_obs_rec_release(&rec);

	/* 200 contexts: only the first 128 are looked at */
	vg_obs_rec_init(&rec);
	conn_init(c);
	for (i = 0; i < 200; i++) {
		char *u = malloc(48);

		assert_non_null(u);
		(void)snprintf(u, 48, "1.2.3.%zu", i);
		pc[i] = (struct pctx){(unsigned)(2 * i + 1) & 0xff, u, 0, 0};
	}
	build_rq(b, "PACS", "CT1", pc, 200, false);
	assert_int_equal(feed(c, true, b->b, b->n, &sink), VG_STREAM_OK);
	assert_int_equal(vg_obs_rec_count(&rec, "src dicom dicom_sop"), 128);
	assert_true(vg_obs_rec_has(&rec, "src dicom dicom_sop 1.2.3.127"));
	assert_true(vg_obs_rec_has(&rec,
				   "src dicom dicom_implementation " UID_IMPL
				   "|OFFIS_DCMTK_367"));
	for (i = 0; i < 200; i++)
		free((char *)pc[i].uid);
	vg_obs_rec_release(&rec);
	free(b);
	free(c);
}

/* An RQ that does not fit the flow buffer is not buffered. */
static void
test_rq_too_big(void **st)
{
	uint8_t buf[sizeof(echo_rq)];
	uint8_t state[VG_STREAM_STATE];
	struct vg_stream_out out;

	(void)st;
	memcpy(buf, echo_rq, sizeof(buf));
	buf[2] = 0;
	buf[3] = 0;
	buf[4] = 0xff;
	buf[5] = 0xfa; /* 65530 + 6 = 65536: the largest allowed */
	memset(state, 0, sizeof(state));
	assert_int_equal(call_once(state, true, buf, sizeof(buf), &out, NULL),
			 VG_STREAM_MORE);
	buf[5] = 0xfb;
	assert_int_equal(call_once(state, true, buf, sizeof(buf), &out, NULL),
			 VG_STREAM_NO);
	/* a NULL or empty buffer asks for more */
	assert_int_equal(call_once(state, true, NULL, 0, &out, NULL),
			 VG_STREAM_MORE);
}

/* ---- The SOP class table. ---- */

static void
test_sop_table(void **st)
{
	const struct vg_dicom_sop *s;

	(void)st;
	s = vg_dicom_sop_find(UID_CT, strlen(UID_CT));
	assert_non_null(s);
	assert_string_equal(s->name, "CT Image Storage");
	assert_int_equal(s->kind, VG_DICOM_SOP_STORAGE);
	assert_string_equal(s->modality, "CT");
	s = vg_dicom_sop_find(UID_SC, strlen(UID_SC));
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_STORAGE);
	assert_null(s->modality);
	s = vg_dicom_sop_find(UID_MWL, strlen(UID_MWL));
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_WORKLIST);
	s = vg_dicom_sop_find("1.2.840.10008.5.1.4.1.2.1.2", 27);
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_QUERY);
	s = vg_dicom_sop_find(UID_PRINT, strlen(UID_PRINT));
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_PRINT);
	s = vg_dicom_sop_find(UID_VERIFY, strlen(UID_VERIFY));
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_VERIFICATION);
	s = vg_dicom_sop_find(UID_MPPS, strlen(UID_MPPS));
	assert_non_null(s);
	assert_int_equal(s->kind, VG_DICOM_SOP_OTHER);
	s = vg_dicom_sop_find("1.2.840.10008.5.1.4.1.1.1.2", 27);
	assert_non_null(s);
	assert_string_equal(s->modality, "MG");
	s = vg_dicom_sop_find("1.2.840.10008.5.1.4.1.1.128", 27);
	assert_non_null(s);
	assert_string_equal(s->modality, "PT");
	/* a prefix or an extension of a UID is another UID */
	assert_null(vg_dicom_sop_find(UID_CT, strlen(UID_CT) - 2));
	assert_null(vg_dicom_sop_find(UID_CT ".9", strlen(UID_CT) + 2));
	assert_null(vg_dicom_sop_find(NULL, 5));
	assert_null(vg_dicom_sop_find(UID_CT, 0));
}

/* ---- Real traffic: dcmtk between two namespaces (gen_dicom.sh). ---- */

#define PCAP_MAX_CONN 8

struct pconn {
	uint16_t cport; /* the client's port: the key */
	uint32_t next[2];
	bool synced[2];
	struct conn c;
};

/*
 * A sink that puts the observed device's IP in place of src/dst: a MAC
 * made of the IPv4 address, so the recorded line names the device.
 */
struct ip_sink {
	struct vg_obs_sink inner;
};

static void
ip_emit(void *ctx, const struct vg_packet *pkt, const struct vg_obs *o)
{
	struct ip_sink *s = ctx;
	struct vg_obs copy = *o;
	const struct vg_addr *a =
		o->about == VG_ABOUT_SRC ? &pkt->src : &pkt->dst;

	memset(copy.mac, 0, sizeof(copy.mac));
	memcpy(copy.mac + 2, a->b, 4);
	copy.about = VG_ABOUT_MAC;
	s->inner.emit(s->inner.ctx, pkt, &copy);
}

#define PACS "00:00:0a:4d:00:01 dicom "
#define MOD "00:00:0a:4d:00:02 dicom "

static void
test_real_pcap(void **st)
{
	struct pconn *conns = calloc(PCAP_MAX_CONN, sizeof(*conns));
	size_t nconn = 0, i, segs = 0;
	struct vg_obs_rec rec;
	struct ip_sink is;
	struct vg_obs_sink sink = {ip_emit, &is};
	struct vg_test_pcap pcap;
	struct vg_packet seg;

	(void)st;
	assert_non_null(conns);
	vg_obs_rec_init(&rec);
	is.inner = vg_obs_rec_sink(&rec);
	vg_test_pcap_open(&pcap, VG_TEST_FIXTURES "/discover/dicom.pcap");
	while (vg_test_pcap_next_tcp(&pcap, &seg)) {
		size_t plen = seg.payload_len;
		uint16_t cport;
		bool from_client;
		struct pconn *pc = NULL;
		struct vg_packet *pkt;
		int d;

		from_client = seg.dport == 11112 || seg.dport == 4242;
		cport = from_client ? seg.sport : seg.dport;
		for (i = 0; i < nconn; i++)
			if (conns[i].cport == cport)
				pc = &conns[i];
		if (pc == NULL) {
			assert_true(nconn < PCAP_MAX_CONN);
			pc = &conns[nconn++];
			pc->cport = cport;
			conn_init(&pc->c);
		}
		d = from_client ? 1 : 0;
		if (seg.tcp_flags & VG_TCP_SYN) {
			pc->next[d] = seg.seq + 1;
			pc->synced[d] = true;
			continue;
		}
		/* in-order only: a retransmission is dropped */
		if (plen == 0 || !pc->synced[d] || seg.seq != pc->next[d])
			continue;
		pc->next[d] += (uint32_t)plen;
		pkt = from_client ? &pc->c.cpkt : &pc->c.spkt;
		pkt->sport = seg.sport;
		pkt->dport = seg.dport;
		pkt->src = seg.src;
		pkt->dst = seg.dst;
		pkt->payload = seg.payload;
		pkt->payload_len = plen;
		(void)feed(&pc->c, from_client, seg.payload, plen, &sink);
		segs++;
	}
	vg_test_pcap_close(&pcap);
	/* echo, store, worklist: three associations, each fully decoded */
	assert_int_equal(nconn, 3);
	assert_true(segs >= 18);
	for (i = 0; i < nconn; i++) {
		assert_false(conns[i].c.d[0].dead);
		assert_false(conns[i].c.d[1].dead);
		assert_int_equal(conns[i].c.d[0].have, 0);
		assert_int_equal(conns[i].c.d[1].have, 0);
	}
	assert_true(vg_obs_rec_has(&rec, MOD "dicom_ae MODALITY1"));
	assert_true(vg_obs_rec_has(&rec, MOD "dicom_ae CT_SCANNER_1"));
	assert_true(vg_obs_rec_has(&rec, PACS "dicom_ae PACS"));
	assert_true(vg_obs_rec_has(&rec, PACS "dicom_ae OFFIS"));
	assert_true(vg_obs_rec_has(&rec, PACS "service dicom|11112"));
	assert_true(vg_obs_rec_has(&rec, PACS "service dicom|4242"));
	assert_true(vg_obs_rec_has(
		&rec, MOD "dicom_implementation " UID_IMPL "|OFFIS_DCMTK_367"));
	assert_true(vg_obs_rec_has(&rec,
				   PACS "dicom_implementation " UID_IMPL
					"|OFFIS_DCMTK_367"));
	assert_true(vg_obs_rec_has(
		&rec, MOD "dicom_sop " UID_VERIFY "|Verification"));
	assert_true(vg_obs_rec_has(
		&rec, MOD "dicom_sop " UID_CT "|CT Image Storage|CT"));
	assert_true(vg_obs_rec_has(
		&rec,
		MOD "dicom_sop " UID_MWL
		    "|Modality Worklist Information Model - FIND"));
	assert_true(vg_obs_rec_has(&rec, PACS "dicom_role verification"));
	assert_true(vg_obs_rec_has(&rec, MOD "dicom_role verification"));
	assert_true(vg_obs_rec_has(&rec, PACS "dicom_role archive"));
	assert_true(vg_obs_rec_has(&rec, MOD "dicom_role modality"));
	assert_true(vg_obs_rec_has(&rec, PACS "dicom_role worklist"));
	assert_true(vg_obs_rec_has(&rec, MOD "dicom_role worklist-user"));
	assert_int_equal(vg_obs_rec_count(&rec, PACS "dicom_role"), 3);
	assert_int_equal(vg_obs_rec_count(&rec, MOD "dicom_role"), 3);
	/* the data sets (C-STORE, worklist answers) never show */
	assert_false(rec_contains(&rec, "ZZTEST"));
	assert_false(rec_contains(&rec, "PID-SECRET"));
	assert_false(rec_contains(&rec, "ACME"));
	vg_obs_rec_release(&rec);
	free(conns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_reference),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_store_mixed),
		cmocka_unit_test(test_ac_without_rq),
		cmocka_unit_test(test_rj_release_abort),
		cmocka_unit_test(test_pdata_skip_and_privacy),
		cmocka_unit_test(test_not_dicom),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_item_past_pdu),
		cmocka_unit_test(test_ae_titles),
		cmocka_unit_test(test_uids_and_contexts),
		cmocka_unit_test(test_rq_too_big),
		cmocka_unit_test(test_sop_table),
		cmocka_unit_test(test_real_pcap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

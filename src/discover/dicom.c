/*
 * DICOM Upper Layer stream decoder (PS3.8; passive-discovery.md §2).
 *
 * Only association PDUs are parsed: the A-ASSOCIATE-RQ names the AE
 * titles, the requester's implementation and the SOP classes it
 * proposes; the A-ASSOCIATE-AC names the acceptor's implementation and
 * which presentation contexts it accepted, from which device roles
 * follow (archive/modality, worklist, query/viewer, printer). P-DATA
 * PDUs carry data sets (patient data): they are consumed by header and
 * their body skipped unread, so no data-set byte is ever buffered,
 * copied or emitted. The user identity sub-item (0x58) is not read.
 *
 * Per-connection state (shared by both directions):
 *   state[0..127]  the class of SOP (enum pc_class) proposed on each
 *                  presentation context id (odd ids 1..255 -> id >> 1),
 *                  written on the RQ, read on the AC;
 *   state[128]     flags (ST_*).
 */
#include "util/common.h"

#include <string.h>

#include "discover/cursor.h"
#include "discover/decode_util.h"
#include "discover/dicom_sop.h"
#include "discover/discover.h"
#include "util/banned.h"

#define DICOM_PDU_HDR 6 /* type(1) reserved(1) length(4) */
/*
 * An A-ASSOCIATE PDU is buffered whole before it is parsed, so it must
 * fit the flow's 64 KiB buffer (storescu's largest RQ is 9.7 KB).
 */
#define DICOM_MAX_ASSOC_PDU 65536
/* version(2) reserved(2) called(16) calling(16) reserved(32). */
#define DICOM_ASSOC_FIXED 68
/* A-ASSOCIATE-RJ, A-RELEASE-RQ/RP, A-ABORT: 4 by the standard. */
#define DICOM_SMALL_PDU_LEN 4
#define DICOM_MAX_SMALL_PDU 64 /* tolerance for odd stacks, still small */
#define DICOM_AE_LEN 16
/* UIDs are at most 64 chars (PS3.5 §9.1); longer values are cut there. */
#define DICOM_MAX_UID 64
/* Implementation version names are 1-16 chars; a liar is cut here. */
#define DICOM_MAX_VERSION 64
/* Presentation contexts looked at per PDU: odd ids 1..255. */
#define DICOM_MAX_PCTX 128
#define DICOM_ITEM_HDR 4 /* type(1) reserved(1) length(2) */

/* Item and sub-item types (PS3.8 §9.3). */
#define ITEM_APP_CONTEXT 0x10
#define ITEM_PCTX_RQ 0x20
#define ITEM_PCTX_AC 0x21
#define ITEM_ABSTRACT 0x30
#define ITEM_TRANSFER 0x40
#define ITEM_USER_INFO 0x50
#define SUB_MAX_LENGTH 0x51
#define SUB_IMPL_UID 0x52
#define SUB_IMPL_VERSION 0x55
#define SUB_USER_IDENTITY 0x58

#define PDU_ASSOC_RQ 1
#define PDU_ASSOC_AC 2
#define PDU_ASSOC_RJ 3
#define PDU_P_DATA 4
#define PDU_ABORT 7

/* Weights (passive-discovery.md §6). */
#define W_AE 20      /* AE titles are site-defined names: weak */
#define W_IMPL 60    /* implementation UID/version: the toolkit */
#define W_SERVICE 90 /* it answered DICOM on that port */
#define W_ROLE 90    /* roles from accepted presentation contexts */
/* A proposed abstract syntax is a capability claim, not proof of use. */
#define W_SOP 40

/* Storage classes not in the table still share this prefix. */
#define STORAGE_PREFIX "1.2.840.10008.5.1.4.1.1."

/* state[] layout. */
#define ST_FLAGS 128
#define ST_CLIENT 0x01  /* the client direction passed detection */
#define ST_SERVER 0x02  /* the server direction passed detection */
#define ST_RQ_SEEN 0x04 /* state[0..127] holds this association's RQ */

/* What a presentation context was proposed for (state[id >> 1]). */
enum pc_class {
	PC_NONE = 0,
	PC_STORE_MODALITY, /* image storage an acquisition device makes */
	PC_STORE_OTHER,    /* secondary capture, SR, PDF, RT plan, ... */
	PC_WORKLIST,
	PC_QUERY,
	PC_PRINT,
	PC_VERIFY,
	PC_OTHER,
};

/* What an RQ or AC says, gathered while walking its items. */
struct assoc {
	struct vg_text impl_uid, impl_version;
	unsigned accepted; /* AC: bit (1 << enum pc_class) per accepted pc */
	/* RQ: abstract syntaxes already emitted, to report each once. */
	struct vg_text seen[DICOM_MAX_PCTX];
	size_t nseen;
	size_t npctx;
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* Bytes p[0..n) without trailing NUL and space padding, cut at max. */
static struct vg_text
trim_tail(const uint8_t *p, size_t n, size_t max)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
		n--;
	if (n > max)
		n = max;
	return vg_text_of((const char *)p, n);
}

/* An AE title: leading and trailing spaces (and NUL padding) stripped. */
static struct vg_text
trim_ae(const uint8_t *p)
{
	size_t n = DICOM_AE_LEN;

	while (n > 0 && *p == ' ') {
		p++;
		n--;
	}
	return trim_tail(p, n, DICOM_AE_LEN);
}

static void
emit(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
     enum vg_about about, enum vg_attr attr, uint8_t weight, struct vg_text v0,
     struct vg_text v1, struct vg_text v2)
{
	struct vg_text v[3] = {v0, v1, v2};

	vg_dsc_emit(sink, pkt, about, VG_PROTO_DICOM, attr, weight, v, 3);
}

static const struct vg_text no_text = {NULL, 0};

static void
emit_role(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	  enum vg_about about, const char *role)
{
	emit(sink, pkt, about, VG_ATTR_DICOM_ROLE, W_ROLE, vg_dsc_str(role),
	     no_text, no_text);
}

static void
emit_service(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	     enum vg_about about, uint16_t port)
{
	vg_dsc_emit_service(sink, pkt, about, VG_PROTO_DICOM, "dicom", port,
			    W_SERVICE);
}

/*
 * The next item (or sub-item) at c: type(1), reserved(1), length(2),
 * then its body as *v. False at the end (less than a header left) or
 * for an item that overruns c.
 */
static bool
next_item(struct vg_cur *c, uint8_t *type, struct vg_cur *v)
{
	uint8_t rsv;
	uint16_t len;

	if (vg_cur_left(c) < DICOM_ITEM_HDR)
		return false;
	return vg_cur_u8(c, type) && vg_cur_u8(c, &rsv) &&
		vg_cur_u16be(c, &len) && vg_cur_sub(c, len, v);
}

static enum pc_class
classify(const struct vg_dicom_sop *sop, struct vg_text uid)
{
	size_t plen = sizeof(STORAGE_PREFIX) - 1;

	if (sop == NULL) {
		/* An unknown class under the storage root is still storage. */
		if (uid.n > plen && memcmp(uid.p, STORAGE_PREFIX, plen) == 0)
			return PC_STORE_OTHER;
		return PC_OTHER;
	}
	switch (sop->kind) {
	case VG_DICOM_SOP_STORAGE:
		return sop->modality != NULL ? PC_STORE_MODALITY
					     : PC_STORE_OTHER;
	case VG_DICOM_SOP_WORKLIST:
		return PC_WORKLIST;
	case VG_DICOM_SOP_QUERY:
		return PC_QUERY;
	case VG_DICOM_SOP_PRINT:
		return PC_PRINT;
	case VG_DICOM_SOP_VERIFICATION:
		return PC_VERIFY;
	case VG_DICOM_SOP_OTHER:
		break;
	}
	return PC_OTHER;
}

/*
 * User information (0x50): implementation class UID and version name.
 * The maximum length is read past; the user identity (0x58) is skipped
 * without a look at its value (it may hold a passcode).
 */
static void
parse_user_info(struct vg_cur *c, struct assoc *a)
{
	uint8_t type;
	struct vg_cur v;

	/* The walk ends at a sub-item that overruns the item. */
	while (next_item(c, &type, &v)) {
		switch (type) {
		case SUB_IMPL_UID:
			a->impl_uid = trim_tail(v.p, v.len, DICOM_MAX_UID);
			break;
		case SUB_IMPL_VERSION:
			a->impl_version =
				trim_tail(v.p, v.len, DICOM_MAX_VERSION);
			break;
		case SUB_MAX_LENGTH:    /* nothing identifying */
		case SUB_USER_IDENTITY: /* never read: privacy */
		default:
			break;
		}
	}
}

/* True when the RQ already reported uid (storescu proposes each twice). */
static bool
seen_before(struct assoc *a, struct vg_text uid)
{
	size_t i;

	for (i = 0; i < a->nseen; i++)
		if (a->seen[i].n == uid.n &&
		    memcmp(a->seen[i].p, uid.p, uid.n) == 0)
			return true;
	if (a->nseen < DICOM_MAX_PCTX)
		a->seen[a->nseen++] = uid;
	return false;
}

/* RQ presentation context (0x20): id, then abstract syntax (0x30). */
static void
parse_pctx_rq(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	      const struct vg_obs_sink *sink, struct vg_cur *c, struct assoc *a)
{
	uint8_t id, type;
	struct vg_text as = no_text;
	const struct vg_dicom_sop *sop;
	enum pc_class cls;
	struct vg_cur v;

	/* id(1) and three reserved bytes, never tested (DCMTK puts 0xff). */
	if (!vg_cur_u8(c, &id) || !vg_cur_skip(c, 3))
		return;
	while (next_item(c, &type, &v)) {
		if (type == ITEM_ABSTRACT && as.p == NULL) {
			as = trim_tail(v.p, v.len, DICOM_MAX_UID);
			break; /* transfer syntaxes (0x40) say nothing of it */
		}
	}
	if (as.n == 0)
		return;
	sop = vg_dicom_sop_find(as.p, as.n);
	cls = classify(sop, as);
	if ((id & 1) != 0)
		state[id >> 1] = (uint8_t)cls;
	if (seen_before(a, as))
		return;
	emit(sink, pkt, VG_ABOUT_SRC, VG_ATTR_DICOM_SOP, W_SOP, as,
	     sop != NULL ? vg_dsc_str(sop->name) : no_text,
	     sop != NULL ? vg_dsc_str(sop->modality) : no_text);
}

/* AC presentation context (0x21): id, reserved, result, reserved. */
static void
parse_pctx_ac(const uint8_t state[VG_STREAM_STATE], struct vg_cur *c,
	      struct assoc *a)
{
	uint8_t id, rsv, result;

	if (!vg_cur_u8(c, &id) || !vg_cur_u8(c, &rsv) || !vg_cur_u8(c, &result))
		return;
	/* Result 0 is acceptance; the id names what the RQ proposed. */
	if (result == 0 && (id & 1) != 0 && state[id >> 1] <= PC_OTHER)
		a->accepted |= 1u << state[id >> 1];
}

/*
 * Roles from the contexts the acceptor (the AC's sender, SRC) accepted:
 * it provides the service, the requester (DST) uses it.
 */
static void
emit_roles(const struct vg_obs_sink *sink, const struct vg_packet *pkt,
	   unsigned acc)
{
	bool store_mod = (acc & 1u << PC_STORE_MODALITY) != 0;
	bool store_other = (acc & 1u << PC_STORE_OTHER) != 0;
	bool query = (acc & 1u << PC_QUERY) != 0;
	bool worklist = (acc & 1u << PC_WORKLIST) != 0;
	bool print = (acc & 1u << PC_PRINT) != 0;

	if (store_mod || store_other)
		emit_role(sink, pkt, VG_ABOUT_SRC, VG_DICOM_ROLE_ARCHIVE);
	if (store_mod)
		emit_role(sink, pkt, VG_ABOUT_DST, VG_DICOM_ROLE_MODALITY);
	if (worklist) {
		emit_role(sink, pkt, VG_ABOUT_SRC, VG_DICOM_ROLE_WORKLIST);
		emit_role(sink, pkt, VG_ABOUT_DST, VG_DICOM_ROLE_WORKLIST_USER);
	}
	if (query)
		emit_role(sink, pkt, VG_ABOUT_SRC, VG_DICOM_ROLE_QUERY);
	/* Secondary capture and the like come from workstations. */
	if (query || (store_other && !store_mod))
		emit_role(sink, pkt, VG_ABOUT_DST, VG_DICOM_ROLE_VIEWER);
	if (print) {
		emit_role(sink, pkt, VG_ABOUT_SRC, VG_DICOM_ROLE_PRINTER);
		emit_role(sink, pkt, VG_ABOUT_DST, VG_DICOM_ROLE_PRINT_USER);
	}
	if ((acc & 1u << PC_VERIFY) != 0 &&
	    !(store_mod || store_other || query || worklist || print)) {
		emit_role(sink, pkt, VG_ABOUT_SRC, VG_DICOM_ROLE_VERIFY);
		emit_role(sink, pkt, VG_ABOUT_DST, VG_DICOM_ROLE_VERIFY);
	}
}

/*
 * A whole A-ASSOCIATE-RQ or -AC: b[0..len) is the PDU after its header
 * (len >= DICOM_ASSOC_FIXED). A malformed item ends the walk; what came
 * before it has been emitted.
 */
static void
parse_assoc(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	    const struct vg_obs_sink *sink, uint8_t pdu, const uint8_t *b,
	    size_t len)
{
	struct assoc a;
	struct vg_cur c, v;
	const uint8_t *called = NULL, *calling = NULL;
	struct vg_text ae;
	uint8_t type;

	memset(&a, 0, sizeof(a));
	vg_cur_init(&c, b, len);
	if (!vg_cur_skip(&c, 4) || !vg_cur_bytes(&c, DICOM_AE_LEN, &called) ||
	    !vg_cur_bytes(&c, DICOM_AE_LEN, &calling) || !vg_cur_skip(&c, 32))
		return;
	if (pdu == PDU_ASSOC_RQ) {
		/* A new association: forget what an earlier one proposed. */
		memset(state, 0, ST_FLAGS);
		state[ST_FLAGS] |= ST_RQ_SEEN;
		ae = trim_ae(calling);
		if (ae.n > 0)
			emit(sink, pkt, VG_ABOUT_SRC, VG_ATTR_DICOM_AE, W_AE,
			     ae, no_text, no_text);
		ae = trim_ae(called);
		if (ae.n > 0)
			emit(sink, pkt, VG_ABOUT_DST, VG_ATTR_DICOM_AE, W_AE,
			     ae, no_text, no_text);
		emit_service(sink, pkt, VG_ABOUT_DST, pkt->dport);
	} else if ((state[ST_FLAGS] & ST_RQ_SEEN) == 0) {
		/* The RQ was missed: the AC still shows a DICOM listener. */
		emit_service(sink, pkt, VG_ABOUT_SRC, pkt->sport);
	}
	/* AE titles in the AC are echoes of the RQ's: not used. */
	/* The walk ends at an item that overruns the PDU. */
	while (next_item(&c, &type, &v)) {
		if (type == ITEM_USER_INFO) {
			parse_user_info(&v, &a);
		} else if (type == ITEM_PCTX_RQ && pdu == PDU_ASSOC_RQ) {
			if (a.npctx++ < DICOM_MAX_PCTX)
				parse_pctx_rq(state, pkt, sink, &v, &a);
		} else if (type == ITEM_PCTX_AC && pdu == PDU_ASSOC_AC) {
			if (a.npctx++ < DICOM_MAX_PCTX)
				parse_pctx_ac(state, &v, &a);
		}
		/* 0x10 (application context) and unknown items: skipped. */
	}
	if (a.impl_uid.n > 0 || a.impl_version.n > 0)
		emit(sink, pkt, VG_ABOUT_SRC, VG_ATTR_DICOM_IMPL, W_IMPL,
		     a.impl_uid, a.impl_version, no_text);
	if (pdu == PDU_ASSOC_AC)
		emit_roles(sink, pkt, a.accepted);
}

/*
 * Detection of a direction's first PDU: an A-ASSOCIATE-RQ (the
 * requester) or -AC / -RJ (the acceptor), header reserved byte 0,
 * protocol version bit 0 set, a length in range, and the application
 * context as the first item. VG_STREAM_OK means "go on", MORE "cannot
 * tell yet", NO "not DICOM".
 */
static enum vg_stream_rc
detect_first(const uint8_t *p, size_t n)
{
	uint32_t len;

	if (p[0] != PDU_ASSOC_RQ && p[0] != PDU_ASSOC_AC &&
	    p[0] != PDU_ASSOC_RJ)
		return VG_STREAM_NO;
	if (n >= 2 && p[1] != 0)
		return VG_STREAM_NO;
	if (n < DICOM_PDU_HDR)
		return VG_STREAM_MORE;
	len = be32(p + 2);
	if (p[0] == PDU_ASSOC_RJ)
		return len == DICOM_SMALL_PDU_LEN ? VG_STREAM_OK : VG_STREAM_NO;
	if (n >= DICOM_PDU_HDR + 2 && (p[DICOM_PDU_HDR + 1] & 1) == 0)
		return VG_STREAM_NO;
	if (n > DICOM_PDU_HDR + DICOM_ASSOC_FIXED && len > DICOM_ASSOC_FIXED &&
	    p[DICOM_PDU_HDR + DICOM_ASSOC_FIXED] != ITEM_APP_CONTEXT)
		return VG_STREAM_NO;
	return VG_STREAM_OK;
}

enum vg_stream_rc
vg_dicom_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
		bool from_client, const uint8_t *p, size_t n,
		struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	uint8_t dir = from_client ? ST_CLIENT : ST_SERVER;
	uint8_t type;
	uint32_t len;
	enum vg_stream_rc rc;

	if (p == NULL || n == 0 || out == NULL || state == NULL || pkt == NULL)
		return VG_STREAM_MORE;
	out->consumed = 0;
	out->skip = 0;
	type = p[0];
	if (type < PDU_ASSOC_RQ || type > PDU_ABORT)
		return VG_STREAM_NO; /* not DICOM, or we lost the framing */
	if ((state[ST_FLAGS] & dir) == 0 &&
	    (rc = detect_first(p, n)) != VG_STREAM_OK)
		return rc;
	if (n < DICOM_PDU_HDR)
		return VG_STREAM_MORE;
	len = be32(p + 2);

	switch (type) {
	case PDU_P_DATA:
		/* Data sets are patient data: skip the body unread. */
		out->consumed = DICOM_PDU_HDR;
		out->skip = len;
		break;
	case PDU_ASSOC_RQ:
	case PDU_ASSOC_AC:
		if (len < DICOM_ASSOC_FIXED ||
		    len > DICOM_MAX_ASSOC_PDU - DICOM_PDU_HDR)
			return VG_STREAM_NO;
		if (n >= DICOM_PDU_HDR + 2 && (p[DICOM_PDU_HDR + 1] & 1) == 0)
			return VG_STREAM_NO;
		if (n - DICOM_PDU_HDR < len)
			return VG_STREAM_MORE; /* parse it whole */
		parse_assoc(state, pkt, sink, type, p + DICOM_PDU_HDR, len);
		out->consumed = DICOM_PDU_HDR + (size_t)len;
		break;
	default: /* RJ, RELEASE-RQ/RP, ABORT: small, nothing to learn */
		if (len > DICOM_MAX_SMALL_PDU)
			return VG_STREAM_NO;
		if (n - DICOM_PDU_HDR < len)
			return VG_STREAM_MORE;
		out->consumed = DICOM_PDU_HDR + (size_t)len;
		break;
	}
	state[ST_FLAGS] |= dir;
	return VG_STREAM_OK;
}

/*
 * HL7 v2 over MLLP (passive-discovery.md §3): who sends and who receives
 * which messages, read from the MSH segment, and the sender's software
 * from the optional SFT segment.
 *
 * Framing: 0x0B <segments, each ended by CR (LF and CRLF tolerated)>
 * 0x1C 0x0D. A direction is HL7 when its first bytes are 0x0B "MSH"
 * and a field separator (any port); un-framed "MSH|" is not accepted
 * (it would match any text protocol that happens to start so).
 *
 * Privacy (§0.2): every segment other than MSH and SFT carries patient
 * data. Such a segment is recognised from its first bytes and consumed
 * as it streams by, up to its CR, without ever being copied or emitted.
 * MSH and SFT are parsed only once the whole segment is buffered (at
 * most HL7_MAX_SEGMENT bytes; a longer one makes the decoder give up the
 * rest of the message).
 *
 * Field conventions: MSH-1 is the field separator itself, so splitting
 * the segment on it gives f[0] = "MSH", f[1] = MSH-2, ..., f[n-1] =
 * MSH-n; for SFT, f[n] = SFT-n. For the HD fields MSH-3..6 the first
 * component (namespace id) is emitted, or the whole field when that
 * component is empty ("^1.2.3^ISO"). MSH-9 keeps its first two
 * components as written ("ORU^R01^ORU_R01" -> "ORU^R01"), MSH-12 its
 * first. Escape sequences (\F\ ...) are left as they are.
 */
#include "util/common.h"

#include <string.h>

#include "discover/decode_util.h"
#include "discover/discover.h"
#include "util/banned.h"

#define HL7_SB 0x0B /* MLLP start block */
#define HL7_EB 0x1C /* MLLP end block (followed by CR) */
#define HL7_CR 0x0D
#define HL7_LF 0x0A

/* An MSH or SFT segment longer than this is not parsed (message given
 * up); real ones are a few hundred bytes. */
#define HL7_MAX_SEGMENT 4096
/* Bytes tolerated between two messages (the CR after 0x1C, stray LFs,
 * keep-alives) before the direction is declared not HL7 after all. */
#define HL7_MAX_GAP 1024
/* Longest text emitted for one field. */
#define HL7_MAX_TEXT 255

#define HL7_WEIGHT_APP 70     /* MSH-3 identity (§6) */
#define HL7_WEIGHT_SFT 90     /* SFT software (§6) */
#define HL7_WEIGHT_SERVICE 90 /* a client sent it an MSH: it speaks HL7 */

/* Where a direction stands, at the first byte not yet consumed. */
enum hl7_phase {
	HL7_START = 0, /* nothing seen: detect */
	HL7_BETWEEN,   /* between messages: expect 0x0B */
	HL7_SEG_START, /* at the first byte of a segment */
	HL7_SEG_SKIP,  /* inside a segment that is not read (PHI) */
	HL7_MSG_SKIP,  /* giving up the rest of this message */
};

#define HL7_F_SERVICE 0x01 /* the service observation was emitted */

/* Per direction; copied in and out of the flow's state bytes. */
struct hl7_dir {
	uint8_t phase; /* enum hl7_phase */
	uint8_t fs;    /* this message's field separator, 0 before MSH */
	uint8_t cs;    /* its component separator */
	uint8_t flags; /* HL7_F_* */
	uint32_t gap;  /* bytes seen in HL7_BETWEEN since the last 0x0B */
};

struct hl7_state {
	struct hl7_dir dir[2]; /* [0] client to server, [1] the reverse */
};

_Static_assert(sizeof(struct hl7_state) <= VG_STREAM_STATE,
	       "hl7 state must fit the flow's state bytes");

/* A field separator is printable, not alphanumeric, not a space. */
static bool
hl7_is_sep(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !(c >= '0' && c <= '9') &&
		!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z');
}

static bool
hl7_is_eol(uint8_t c)
{
	return c == HL7_CR || c == HL7_LF;
}

/*
 * How the segment at p[0..n) compares with id (3 letters) followed by
 * the separator sep (0: any valid separator): 1 it is, 0 it is not,
 * -1 too few bytes to tell.
 */
static int
hl7_seg_is(const uint8_t *p, size_t n, const char *id, uint8_t sep)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		if (i >= n)
			return -1;
		if (i < 3 && p[i] != (uint8_t)id[i])
			return 0;
		if (i == 3 && (sep != 0 ? p[i] != sep : !hl7_is_sep(p[i])))
			return 0;
	}
	return 1;
}

/* Field idx of segment s[0..n) split on fs (f[0] is the segment id). */
static struct vg_text
hl7_field(const uint8_t *s, size_t n, uint8_t fs, size_t idx)
{
	size_t i = 0, start = 0, k = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != fs)
			continue;
		if (k == idx)
			return vg_text_of((const char *)s + start, i - start);
		k++;
		start = i + 1;
	}
	return vg_text_of(NULL, 0);
}

/* The first ncomp components of t (split on cs), capped. */
static struct vg_text
hl7_comps(struct vg_text t, uint8_t cs, size_t ncomp)
{
	size_t i, seen = 0;

	for (i = 0; i < t.n; i++) {
		if ((uint8_t)t.p[i] == cs && ++seen == ncomp) {
			t.n = i;
			break;
		}
	}
	if (t.n > HL7_MAX_TEXT)
		t.n = HL7_MAX_TEXT;
	return t;
}

/* An HD field: its namespace id, or the whole field when that is empty. */
static struct vg_text
hl7_hd(struct vg_text t, uint8_t cs)
{
	struct vg_text first = hl7_comps(t, cs, 1);

	if (first.n > 0)
		return first;
	if (t.n > HL7_MAX_TEXT)
		t.n = HL7_MAX_TEXT;
	return t;
}

/*
 * The MSH segment s[0..n) (no terminator): sets the direction's
 * separators, emits the sender's and the receiver's applications, and
 * the receiver's service when a client sent it.
 */
static void
hl7_msh(struct hl7_dir *d, const uint8_t *s, size_t n,
	const struct vg_packet *pkt, bool from_client,
	const struct vg_obs_sink *sink)
{
	struct vg_text v[VG_OBS_FIELDS], mtype, ver;

	d->fs = s[3];
	/* MSH-2 starts right after MSH-1: its first byte is the component
	 * separator unless the field is empty. */
	d->cs = n > 4 && s[4] != d->fs && !hl7_is_eol(s[4]) ? s[4] : '^';
	mtype = hl7_comps(hl7_field(s, n, d->fs, 8), d->cs, 2);
	ver = hl7_comps(hl7_field(s, n, d->fs, 11), d->cs, 1);

	v[0] = hl7_hd(hl7_field(s, n, d->fs, 2), d->cs);
	v[1] = hl7_hd(hl7_field(s, n, d->fs, 3), d->cs);
	v[2] = mtype;
	v[3] = ver;
	if (v[0].n > 0 || v[1].n > 0)
		vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_HL7,
			    VG_ATTR_HL7_APP, HL7_WEIGHT_APP, v, VG_OBS_FIELDS);
	v[0] = hl7_hd(hl7_field(s, n, d->fs, 4), d->cs);
	v[1] = hl7_hd(hl7_field(s, n, d->fs, 5), d->cs);
	if (v[0].n > 0 || v[1].n > 0)
		vg_dsc_emit(sink, pkt, VG_ABOUT_DST, VG_PROTO_HL7,
			    VG_ATTR_HL7_APP, HL7_WEIGHT_APP, v, VG_OBS_FIELDS);

	/* Once per direction: the receiver of a client's message serves
	 * HL7 on its port. */
	if (!from_client || (d->flags & HL7_F_SERVICE) != 0)
		return;
	d->flags |= HL7_F_SERVICE;
	vg_dsc_emit_service(sink, pkt, VG_ABOUT_DST, VG_PROTO_HL7, "hl7",
			    pkt->dport, HL7_WEIGHT_SERVICE);
}

/* The SFT segment s[0..n): the sender's software. */
static void
hl7_sft(const struct hl7_dir *d, const uint8_t *s, size_t n,
	const struct vg_packet *pkt, const struct vg_obs_sink *sink)
{
	struct vg_text v[VG_OBS_FIELDS];

	memset(v, 0, sizeof(v));
	v[0] = hl7_comps(hl7_field(s, n, d->fs, 1), d->cs, 1); /* XON name */
	v[1] = hl7_comps(hl7_field(s, n, d->fs, 2), d->cs, 1);
	v[2] = hl7_comps(hl7_field(s, n, d->fs, 3), d->cs, 1);
	if (v[0].n > 0 || v[1].n > 0 || v[2].n > 0)
		vg_dsc_emit(sink, pkt, VG_ABOUT_SRC, VG_PROTO_HL7,
			    VG_ATTR_HL7_SOFTWARE, HL7_WEIGHT_SFT, v,
			    VG_OBS_FIELDS);
}

/* Index of the first segment end (CR, LF or 0x1C) in p[0..n), or n. */
static size_t
hl7_seg_end(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hl7_is_eol(p[i]) || p[i] == HL7_EB)
			break;
	return i;
}

/*
 * At a segment start: MSH and SFT are parsed once whole (or give up
 * the message when too long), anything else is skipped. Returns the
 * bytes consumed; 0 either with d->phase changed (go on in the new
 * phase) or unchanged (more bytes are needed first).
 */
static size_t
hl7_segment(struct hl7_dir *d, const uint8_t *p, size_t n,
	    const struct vg_packet *pkt, bool from_client,
	    const struct vg_obs_sink *sink)
{
	int is_msh, is_sft;
	size_t end;

	if (p[0] == HL7_EB) { /* end of message; its CR goes as a gap */
		d->phase = HL7_BETWEEN;
		d->gap = 0;
		return 1;
	}
	if (hl7_is_eol(p[0])) /* empty segment, or the LF of a CRLF */
		return 1;
	if (p[0] == HL7_SB) { /* a new message without the end of the last */
		d->fs = 0;
		return 1;
	}
	is_msh = hl7_seg_is(p, n, "MSH", 0);
	is_sft = d->fs != 0 ? hl7_seg_is(p, n, "SFT", d->fs) : 0;
	if (is_msh < 0 || is_sft < 0)
		return 0;
	if (is_msh == 0 && is_sft == 0) {
		/* Patient data: never looked at beyond these bytes. */
		d->phase = HL7_SEG_SKIP;
		return 0;
	}
	end = hl7_seg_end(p, n < HL7_MAX_SEGMENT ? n : HL7_MAX_SEGMENT);
	if (end == n && n < HL7_MAX_SEGMENT)
		return 0; /* not whole yet */
	if (end >= HL7_MAX_SEGMENT) {
		d->phase = HL7_MSG_SKIP;
		return 1;
	}
	if (is_msh > 0)
		hl7_msh(d, p, end, pkt, from_client, sink);
	else
		hl7_sft(d, p, end, pkt, sink);
	/* Consume the terminator too unless it ends the message. */
	return p[end] == HL7_EB ? end : end + 1;
}

enum vg_stream_rc
vg_hl7_stream(uint8_t state[VG_STREAM_STATE], const struct vg_packet *pkt,
	      bool from_client, const uint8_t *p, size_t n,
	      struct vg_stream_out *out, const struct vg_obs_sink *sink)
{
	struct hl7_state st;
	struct hl7_dir *d;
	size_t off = 0, k;
	int is_msh;
	enum vg_stream_rc rc = VG_STREAM_OK;

	out->consumed = 0;
	out->skip = 0;
	if (p == NULL || n == 0)
		return VG_STREAM_MORE;
	memcpy(&st, state, sizeof(st));
	d = &st.dir[from_client ? 0 : 1];

	if (d->phase == HL7_START) {
		/* Detection: 0x0B "MSH" and a field separator, nothing else. */
		if (p[0] != HL7_SB)
			return VG_STREAM_NO;
		is_msh = hl7_seg_is(p + 1, n - 1, "MSH", 0);
		if (is_msh == 0)
			return VG_STREAM_NO;
		if (is_msh < 0)
			return VG_STREAM_MORE;
		d->phase = HL7_SEG_START;
		d->fs = 0;
		off = 1;
	}

	while (off < n && rc == VG_STREAM_OK) {
		const uint8_t *q = p + off;
		size_t left = n - off;

		switch ((enum hl7_phase)d->phase) {
		case HL7_BETWEEN:
			/* Resynchronise on the next start block, bounded. */
			for (k = 0; k < left && q[k] != HL7_SB; k++)
				;
			if (d->gap + k > HL7_MAX_GAP) {
				rc = VG_STREAM_NO;
				break;
			}
			d->gap += (uint32_t)k;
			if (k < left) {
				k++;
				d->phase = HL7_SEG_START;
				d->fs = 0;
			}
			off += k;
			break;
		case HL7_SEG_START:
			k = hl7_segment(d, q, left, pkt, from_client, sink);
			if (k == 0 && d->phase == HL7_SEG_START)
				goto done; /* wait for the rest */
			off += k;
			break;
		case HL7_SEG_SKIP:
			/* Consume up to the segment's end, copying nothing. */
			k = hl7_seg_end(q, left);
			if (k < left) {
				d->phase = HL7_SEG_START;
				if (q[k] !=
				    HL7_EB) /* 0x1C: seen at SEG_START */
					k++;
			}
			off += k;
			break;
		case HL7_MSG_SKIP:
			for (k = 0; k < left && q[k] != HL7_EB; k++)
				;
			if (k < left)
				d->phase = HL7_SEG_START; /* sees the 0x1C */
			off += k;
			break;
		case HL7_START:
		default:
			rc = VG_STREAM_NO; /* corrupt state */
			break;
		}
	}
done:
	memcpy(state, &st, sizeof(st));
	if (rc == VG_STREAM_NO)
		return VG_STREAM_NO;
	if (off == 0)
		return VG_STREAM_MORE;
	out->consumed = off;
	return VG_STREAM_OK;
}

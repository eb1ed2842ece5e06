/*
 * The facts document ("vigie.facts/1") in JSON: an encoder that writes
 * every field of struct vg_facts, and a decoder that reads it back from
 * input it does not trust (documents arrive from agents over the
 * network). The decoder checks size, depth, every type, every range and
 * every count, and names the field at fault in its error.
 *
 * Conventions of the document: a NULL string is omitted (device.managed_by
 * is written null, so an unmanaged device reads explicitly); an unknown time
 * is null; a time known never to have happened is "never" where that is
 * meaningful (last login, last backup, restore test); other times are
 * "YYYY-MM-DDTHH:MM:SSZ" (UTC). Members the decoder does not know are
 * ignored, so an older vigie reads a newer agent's document.
 */
#include "util/common.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/facts_json.h"
#include "core/json_util.h"
#include "core/sections.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/banned.h"

/* One string of a facts document (a sudo rule, a comma-joined package
 * list): generous, but a bound on what one field may cost. */
#define FACTS_MAX_STRING (1u << 20)
/* The last second "YYYY-MM-DDTHH:MM:SSZ" can write (9999-12-31). */
#define FACTS_MAX_TIME INT64_C(253402300799)
/* Longest field path in an error message ("facts.sudo_rules[12].users"). */
#define FACTS_MAX_PATH 128

#define TRY(expr)                                                              \
	do {                                                                   \
		if ((rc = (expr)) != VG_OK)                                    \
			return rc;                                             \
	} while (0)

static const char *const pw_names[] = {
	[VG_PW_UNKNOWN] = "unknown",
	[VG_PW_EMPTY] = "empty",
	[VG_PW_LOCKED] = "locked",
	[VG_PW_HASH] = "hash",
};

/* ---------------------------------------------------------------- */
/* Encoder                                                          */
/* ---------------------------------------------------------------- */

/*
 * The encoder walks the facts once through an emitter with two outputs:
 * a jansson tree (vg_facts_to_json) or compact text written straight
 * into a buffer (vg_facts_write, which the store uses: building and
 * dumping a tree of 10,000 accounts costs more than the whole insert).
 * One walk keeps the two forms the same document. The text is compact,
 * or (pretty) what jansson's json_dumpf writes of the tree with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER, byte for byte: `vigie vuln
 * check --format json` printed that, and 640 KB of it cost more as a
 * tree than all the lookups.
 */
#define OUT_MAX_DEPTH 8 /* the facts document nests 5 deep */
/* vg_vuln_pkgs_print hands the text to its stream when this much is
 * waiting, at the end of a package: a buffer that stays in the cache
 * rather than 640 KB of fresh pages for 3,000 packages. */
#define OUT_FLUSH_AT (32u << 10)

struct out {
	struct vg_buf *buf; /* text output, or NULL for a tree */
	bool pretty;        /* text as jansson's JSON_INDENT(2) */
	json_t *root;       /* the tree */
	json_t *stack[OUT_MAX_DEPTH];
	bool first[OUT_MAX_DEPTH]; /* no member written yet at this level */
	bool array[OUT_MAX_DEPTH];
	int depth;
	enum vg_rc rc; /* first failure; every later call does nothing */
	/* vg_facts_write_split: the section being written (-1: none),
	 * into its own buffer (or nowhere, skip, when it is known), and
	 * the document's buffer meanwhile. */
	struct vg_facts_split *split;
	struct vg_buf *doc;
	int section;
	bool skip;
	FILE *sink; /* vg_vuln_pkgs_print: where the text goes as it grows */
};

/*
 * Room for n more bytes at the end of the text, or NULL when nothing is
 * to be written (skipping a known section, or an earlier failure, or
 * this one: o->rc says which). The writer fills it and out_commit()s
 * where it stopped: one bounds check for a whole key or value rather
 * than one per piece.
 */
static char *
out_room(struct out *o, size_t n)
{
	enum vg_rc rc;

	if (o->skip || o->rc != VG_OK)
		return NULL;
	if ((rc = vg_buf_reserve(o->buf, n)) != VG_OK) {
		o->rc = rc;
		return NULL;
	}
	return o->buf->data + o->buf->len;
}

/* The text now ends at end, inside the room out_room gave. */
static void
out_commit(struct out *o, const char *end)
{
	vg_buf_setlen(o->buf, (size_t)(end - o->buf->data));
}

static void
out_text(struct out *o, const char *s, size_t n)
{
	char *w;

	if ((w = out_room(o, n)) == NULL)
		return;
	memcpy(w, s, n);
	out_commit(o, w + n);
}

/*
 * The bytes a JSON string holds as they are: printable ASCII (DEL
 * included, as jansson) but '"' and '\\'. Every other byte stops
 * out_quoted's scan: a control byte to escape, a non-ASCII byte to
 * check as UTF-8. The scan's byte-by-byte part: one load and one test a
 * byte (swar_stop is the same rule 8 bytes at a time).
 */
#define Q8(a, b, c, d, e, f, g, h) a, b, c, d, e, f, g, h
static const bool q_plain[256] = {
	/* 0x00-0x1f: NUL and control bytes */
	Q8(0, 0, 0, 0, 0, 0, 0, 0), Q8(0, 0, 0, 0, 0, 0, 0, 0),
	Q8(0, 0, 0, 0, 0, 0, 0, 0), Q8(0, 0, 0, 0, 0, 0, 0, 0),
	/* 0x20-0x7f: '"' (0x22) and '\\' (0x5c) are escaped */
	Q8(1, 1, 0, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 1, 1, 1, 1),
	Q8(1, 1, 1, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 1, 1, 1, 1),
	Q8(1, 1, 1, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 1, 1, 1, 1),
	Q8(1, 1, 1, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 0, 1, 1, 1),
	Q8(1, 1, 1, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 1, 1, 1, 1),
	Q8(1, 1, 1, 1, 1, 1, 1, 1), Q8(1, 1, 1, 1, 1, 1, 1, 1),
	/* 0x80-0xff: the rest is 0, non-ASCII */
};
#undef Q8

/* Pretty: jansson's short escape of control byte c, or 0. */
static char
short_escape(unsigned char c)
{
	switch (c) {
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\n':
		return 'n';
	case '\r':
		return 'r';
	case '\t':
		return 't';
	default:
		return 0;
	}
}

/*
 * The escape of byte c at which out_quoted's scan stopped (not a NUL,
 * not a valid UTF-8 sequence) into esc; its length. Pretty writes
 * control bytes as jansson does ("\n", "\u001F"), compact as the store
 * always has ("\u000a"): its documents are hashed.
 */
static size_t
quoted_escape(const struct out *o, unsigned char c, char esc[6])
{
	const char *hex = o->pretty ? "0123456789ABCDEF" : "0123456789abcdef";

	if (c >= 0x80) {
		memcpy(esc, "\xef\xbf\xbd", 3); /* U+FFFD */
		return 3;
	}
	esc[0] = '\\';
	if (c == '"' || c == '\\') {
		esc[1] = (char)c;
		return 2;
	}
	if (o->pretty && (esc[1] = short_escape(c)) != 0)
		return 2;
	memcpy(esc + 1, "u00", 3);
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 0xf];
	return 6;
}

/*
 * out_quoted's scan 8 bytes at a time, in a uint64_t: the classic bit
 * tricks, exact as to whether any byte matches (not as to which).
 */
#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH UINT64_C(0x8080808080808080)

/*
 * Non-zero when a byte of x stops a run of q_plain bytes: a control
 * byte, a non-ASCII byte, '"' or '\\'. Exact because of the bytes in
 * order, the first that stops is flagged: a byte below 0x20, '"' or
 * '\\' wraps (or gives 0xff) in its subtraction, and every byte before
 * it neither borrows nor has its high bit set; what a borrow or a byte
 * at or above 0x80 flags past it does not matter.
 */
static uint64_t
swar_stop(uint64_t x)
{
	return (x | (x - SWAR_ONES * 0x20) |
		((x ^ (SWAR_ONES * '"')) - SWAR_ONES) |
		((x ^ (SWAR_ONES * '\\')) - SWAR_ONES)) &
		SWAR_HIGH;
}

/*
 * The end of the run of q_plain bytes from i, at most n. Eight bytes at
 * a time while none stops it (a string of ids is thousands of bytes of
 * nothing to escape), the last few as the last eight when there are
 * that many, then byte by byte to the one that stops it.
 */
static size_t
plain_end(const unsigned char *p, size_t i, size_t n)
{
	size_t start = i;
	uint64_t x;

	for (; n - i >= 8; i += 8) {
		memcpy(&x, p + i, 8);
		if (swar_stop(x) != 0)
			break;
	}
	/* Fewer than 8 left, and [n - 8, i) seen already in this run. */
	if (n - i < 8 && i < n && n - start >= 8) {
		memcpy(&x, p + n - 8, 8);
		if (swar_stop(x) == 0)
			return n;
	}
	while (i < n && q_plain[p[i]])
		i++;
	return i;
}

/*
 * The n bytes of pre, then s as a JSON string literal (escaped, each
 * invalid UTF-8 byte as U+FFFD), then the m bytes of post. A string
 * with nothing to escape, nearly every one, goes in one append with
 * its surroundings.
 */
static void
out_quoted_in(struct out *o, const char *pre, size_t n, const char *s,
	      const char *post, size_t m)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, run = 0, k;
	char esc[6], *w;

	if (o->skip)
		return; /* a known section: not even scanned */
	len = strlen(s);
	while ((i = plain_end(p, i, len)) < len) {
		if (p[i] >= 0x80 && (k = vg_utf8_seq(s + i, len - i)) != 0) {
			i += k;
			continue;
		}
		if (run == 0) {
			out_text(o, pre, n);
			out_text(o, "\"", 1);
		}
		out_text(o, s + run, i - run);
		out_text(o, esc, quoted_escape(o, p[i], esc));
		run = ++i;
	}
	if (run > 0) {
		out_text(o, s + run, len - run);
		out_text(o, "\"", 1);
		out_text(o, post, m);
		return;
	}
	if ((w = out_room(o, n + len + m + 2)) == NULL)
		return;
	memcpy(w, pre, n);
	w += n;
	*w++ = '"';
	memcpy(w, s, len);
	w += len;
	*w++ = '"';
	memcpy(w, post, m);
	out_commit(o, w + m);
}

static void
out_quoted(struct out *o, const char *s)
{
	out_quoted_in(o, "", 0, s, "", 0);
}

/* Text: the comma, new line and indentation (pretty) of any level. */
static const char out_nl[] = ",\n                "; /* OUT_MAX_DEPTH x 2 */
_Static_assert(sizeof(out_nl) - 3 >= 2 * OUT_MAX_DEPTH, "deep enough");

/*
 * Text: what comes before a value: the comma after a sibling, pretty a
 * new line indented as jansson's dump_indent, and "key": (key NULL in an
 * array).
 */
static void
out_sep(struct out *o, const char *key)
{
	size_t skip, n;

	if (o->depth == 0)
		return;
	/* The first member has no comma: start one byte in. */
	skip = o->first[o->depth - 1] ? 1 : 0;
	o->first[o->depth - 1] = false;
	n = o->pretty ? 2 + 2 * (size_t)o->depth : 1;
	if (key != NULL)
		out_quoted_in(o, out_nl + skip, n - skip, key, ": ",
			      o->pretty ? 2 : 1);
	else
		out_text(o, out_nl + skip, n - skip);
}

/*
 * out_sep then the vn bytes of v, quoted when q, in one append: nearly
 * every member of a document has a plain key and a value with nothing to
 * escape, and its two appends (each a reserve, a scan and copies) were
 * the writer's main cost. False, nothing written, when the key or a
 * quoted value needs escaping, or out_sep would write no key: the
 * caller then writes it in parts.
 */
static bool
out_member(struct out *o, const char *key, const char *v, size_t vn, bool q)
{
	size_t kn, skip, n, m;
	char *w;

	if (key == NULL || o->depth == 0 || o->skip)
		return false;
	kn = strlen(key);
	if (plain_end((const unsigned char *)key, 0, kn) != kn ||
	    (q && plain_end((const unsigned char *)v, 0, vn) != vn))
		return false;
	skip = o->first[o->depth - 1] ? 1 : 0;
	n = (o->pretty ? 2 + 2 * (size_t)o->depth : 1) - skip;
	m = o->pretty ? 2 : 1;
	/* The separator, "key": and the value, quoted or not. */
	if ((w = out_room(o, n + kn + 2 + m + vn + (q ? 2 : 0))) == NULL)
		return true; /* the failure is in o->rc */
	o->first[o->depth - 1] = false;
	memcpy(w, out_nl + skip, n);
	w += n;
	*w++ = '"';
	memcpy(w, key, kn);
	w += kn;
	*w++ = '"';
	memcpy(w, ": ", m);
	w += m;
	if (q)
		*w++ = '"';
	memcpy(w, v, vn);
	w += vn;
	if (q)
		*w++ = '"';
	out_commit(o, w);
	return true;
}

/* Tree: attach v (consumed) under key, or append it to the array. */
static void
out_add(struct out *o, const char *key, json_t *v)
{
	json_t *parent = o->stack[o->depth - 1];
	int bad;

	if (o->rc != VG_OK) {
		json_decref(v);
		return;
	}
	bad = key != NULL ? json_object_set_new(parent, key, v)
			  : json_array_append_new(parent, v);
	if (bad)
		o->rc = VG_ERR_NOMEM;
}

/*
 * vg_facts_write_split: a top-level member that is a section goes to
 * its own buffer (nowhere when its digest is known), and the document
 * gets a reference to it when it ends (split_end).
 */
static void
split_begin(struct out *o, const char *key)
{
	int s;

	if (o->split == NULL || o->depth != 1 || key == NULL ||
	    (s = vg_section_find(key)) < 0)
		return;
	o->section = s;
	o->doc = o->buf;
	if (o->split->known[s] != NULL)
		o->skip = true;
	else
		o->buf = &o->split->part[s];
}

static void
split_end(struct out *o)
{
	struct vg_facts_split *sp = o->split;
	char ref[VG_SECTION_REF_TEXT_MAX];
	int s = o->section;

	if (sp->known[s] != NULL)
		(void)snprintf(sp->digest[s], sizeof(sp->digest[s]), "%s",
			       sp->known[s]);
	else
		vg_section_digest(vg_buf_str(&sp->part[s]), sp->part[s].len,
				  sp->digest[s]);
	o->skip = false;
	o->buf = o->doc;
	o->section = -1;
	vg_section_ref_text(sp->digest[s], ref);
	out_text(o, ref, strlen(ref));
}

/* Open an object or array (key NULL inside an array or at the top). */
static void
out_begin(struct out *o, const char *key, bool array)
{
	json_t *v = NULL;

	if (o->depth >= OUT_MAX_DEPTH) {
		o->rc = VG_ERR_LIMIT;
		return;
	}
	if (o->buf != NULL) {
		out_sep(o, key);
		split_begin(o, key);
		out_text(o, array ? "[" : "{", 1);
	} else if (o->rc == VG_OK) {
		v = array ? json_array() : json_object();
		if (v == NULL)
			o->rc = VG_ERR_NOMEM;
		else if (o->depth == 0)
			o->root = v;
		else
			out_add(o, key, v); /* parent keeps v alive */
	}
	o->stack[o->depth] = o->rc == VG_OK ? v : NULL;
	o->first[o->depth] = true;
	o->array[o->depth] = array;
	o->depth++;
}

/* vg_vuln_pkgs_print: hand the text so far to the stream. */
static void
out_flush(struct out *o)
{
	if (o->rc == VG_OK && o->buf->len > 0 &&
	    fwrite(o->buf->data, 1, o->buf->len, o->sink) != o->buf->len)
		o->rc = VG_ERR_IO;
	vg_buf_reset(o->buf);
}

/* vg_vuln_pkgs_print, at the end of a package: hand the text to the
 * stream when enough is waiting. */
static void
out_flush_full(struct out *o)
{
	if (o->sink != NULL && o->buf->len >= OUT_FLUSH_AT)
		out_flush(o);
}

static void
out_end(struct out *o)
{
	size_t n;
	char *w;

	if (o->depth == 0)
		return;
	o->depth--;
	/* Pretty: a new line indented for the closing bracket, unless the
	 * object or array is empty ("[]", "{}"), as jansson's. */
	n = o->pretty && !o->first[o->depth] ? 1 + 2 * (size_t)o->depth : 0;
	if (o->buf != NULL && (w = out_room(o, n + 1)) != NULL) {
		memcpy(w, out_nl + 1, n);
		w[n] = o->array[o->depth] ? ']' : '}';
		out_commit(o, w + n + 1);
	}
	if (o->split != NULL && o->section >= 0 && o->depth == 1)
		split_end(o);
	if (o->sink != NULL && o->depth == 0)
		out_flush(o);
	else
		out_flush_full(o);
}

/* A string; a NULL string is omitted (written as nothing). */
static void
out_str(struct out *o, const char *key, const char *s)
{
	if (s == NULL)
		return;
	if (o->buf != NULL) {
		if (out_member(o, key, s, strlen(s), true))
			return;
		out_sep(o, key);
		out_quoted(o, s);
	} else {
		out_add(o, key, vg_json_str(s));
	}
}

static void
out_int(struct out *o, const char *key, int64_t v)
{
	char num[VG_INT_TEXT_MAX];
	size_t n;

	if (o->buf != NULL) {
		n = vg_format_int(v, num);
		if (!out_member(o, key, num, n, false)) {
			out_sep(o, key);
			out_text(o, num, n);
		}
	} else {
		out_add(o, key, json_integer((json_int_t)v));
	}
}

static void
out_bool(struct out *o, const char *key, bool v)
{
	if (o->buf != NULL) {
		if (!out_member(o, key, v ? "true" : "false", v ? 4 : 5,
				false)) {
			out_sep(o, key);
			out_text(o, v ? "true" : "false", v ? 4 : 5);
		}
	} else {
		out_add(o, key, json_boolean(v));
	}
}

static void
out_null(struct out *o, const char *key)
{
	if (o->buf != NULL) {
		if (!out_member(o, key, "null", 4, false)) {
			out_sep(o, key);
			out_text(o, "null", 4);
		}
	} else {
		out_add(o, key, json_null());
	}
}

/* Room for a real's text: 17 digits, sign, point, exponent, ".0", NUL. */
#define OUT_REAL_TEXT_MAX 40

/*
 * A real as jansson writes it (jsonp_dtostr): 17 significant digits, the
 * locale's decimal point made '.', ".0" when it would read back as an
 * integer, the exponent without '+' or leading zeros ("1e-05" is
 * "1e-5"). Its length, -1 when v is not finite (jansson refuses it).
 */
static int
pretty_real(double v, char *num, size_t size)
{
	char point = localeconv()->decimal_point[0], *p, *e;
	size_t len;
	int n;

	if (!isfinite(v) || (n = snprintf(num, size, "%.17g", v)) < 0 ||
	    (size_t)n + 3 >= size)
		return -1;
	len = (size_t)n;
	if (point != '.' && (p = strchr(num, point)) != NULL)
		*p = '.';
	if (strpbrk(num, ".e") == NULL) {
		memcpy(num + len, ".0", 3);
		len += 2;
	}
	if ((p = strchr(num, 'e')) != NULL) {
		e = ++p + 1;
		if (*p == '-')
			p++;
		while (*e == '0')
			e++;
		if (e != p) {
			/* The rest and its NUL. */
			memmove(p, e, len + 1 - (size_t)(e - num));
			len -= (size_t)(e - p);
		}
	}
	return (int)len;
}

/* A score (CVSS, EPSS): null when negative (unknown). */
static void
out_score(struct out *o, const char *key, double v)
{
	char num[OUT_REAL_TEXT_MAX];
	int n;

	if (!(v >= 0)) {
		out_null(o, key);
	} else if (o->buf != NULL && o->pretty) {
		out_sep(o, key);
		n = pretty_real(v, num, sizeof(num));
		if (n < 0)
			o->rc = VG_ERR_USAGE; /* not a JSON number */
		else
			out_text(o, num, (size_t)n);
	} else if (o->buf != NULL) {
		out_sep(o, key);
		/* 17 digits read back to the same double. */
		n = snprintf(num, sizeof(num), "%.17g", v);
		/* "7" would read back as an integer: keep it a real. */
		if (strpbrk(num, ".e") == NULL)
			n = snprintf(num, sizeof(num), "%.1f", v);
		out_text(o, num, (size_t)n);
	} else {
		out_add(o, key, json_real(v));
	}
}

/* A time: null when unknown, "never" for NEVER when never is true. */
static void
out_time(struct out *o, const char *key, int64_t t, bool never)
{
	char iso[21];

	if (never && t == VG_TIME_NEVER) {
		out_str(o, key, "never");
	} else if (t < 0 || t > FACTS_MAX_TIME) {
		out_null(o, key);
	} else {
		vg_format_time(t, iso);
		out_str(o, key, iso);
	}
}

static void
enc_sources(struct out *o, const struct vg_facts *f)
{
	int i;

	out_begin(o, "sources", false);
	for (i = 0; i < VG_SRC_COUNT; i++) {
		out_begin(o, vg_source_name((enum vg_source)i), false);
		out_bool(o, "collected", f->sources[i].collected);
		/* A reason only explains a source that was not collected. */
		if (!f->sources[i].collected)
			out_str(o, "reason", f->sources[i].reason);
		out_end(o);
	}
	out_end(o);
}

/* The single-object members: os, asset, apt, sshd, pam, kernel... */
static void
enc_singles(struct out *o, const struct vg_facts *f)
{
	out_begin(o, "os", false);
	out_str(o, "hostname", f->os.hostname);
	out_str(o, "id", f->os.id);
	out_str(o, "id_like", f->os.id_like);
	out_str(o, "version_id", f->os.version_id);
	out_str(o, "codename", f->os.codename);
	out_str(o, "pretty_name", f->os.pretty_name);
	out_end(o);

	out_begin(o, "asset", false);
	out_str(o, "name", f->asset.name);
	out_str(o, "site", f->asset.site);
	out_str(o, "owner", f->asset.owner);
	out_str(o, "category", f->asset.category);
	out_int(o, "criticality", f->asset.criticality);
	out_end(o);

	out_begin(o, "apt", false);
	out_time(o, "lists_updated", f->apt.lists_updated, false);
	out_int(o, "n_lists", (int64_t)f->apt.n_lists);
	out_end(o);

	out_begin(o, "sshd", false);
	out_str(o, "permit_root_login", f->sshd.permit_root_login);
	out_str(o, "file", f->sshd.file);
	out_int(o, "line", f->sshd.line);
	out_end(o);

	out_begin(o, "pam", false);
	out_str(o, "quality_module", f->pam.quality_module);
	if (f->pam.min_length < 0)
		out_null(o, "min_length");
	else
		out_int(o, "min_length", f->pam.min_length);
	out_str(o, "lockout_module", f->pam.lockout_module);
	out_str(o, "file", f->pam.file);
	out_end(o);

	out_begin(o, "kernel", false);
	out_bool(o, "reboot_flag", f->kernel.reboot_flag);
	out_str(o, "reboot_packages", f->kernel.reboot_packages);
	out_str(o, "running", f->kernel.running);
	out_str(o, "newest_installed", f->kernel.newest_installed);
	out_end(o);

	out_begin(o, "auto_updates", false);
	out_bool(o, "enabled", f->auto_updates.enabled);
	out_str(o, "mechanism", f->auto_updates.mechanism);
	out_str(o, "detail", f->auto_updates.detail);
	out_end(o);
}

/*
 * The device section, only for facts describing a device: host facts
 * (and older documents) have none. managed_by is written as null when
 * no host or asset is the device, so "unmanaged" reads explicitly.
 */
static void
enc_device(struct out *o, const struct vg_facts *f)
{
	const struct vg_device_info *dv = &f->device;
	size_t i;

	if (!vg_facts_is_device(f))
		return;
	out_begin(o, "device", false);
	out_str(o, "key", dv->key);
	out_str(o, "mac", dv->mac);
	out_str(o, "ips", dv->ips);
	out_str(o, "name", dv->name);
	out_str(o, "vendor", dv->vendor);
	out_str(o, "category", dv->category);
	out_int(o, "confidence", dv->confidence);
	if (dv->managed_by != NULL)
		out_str(o, "managed_by", dv->managed_by);
	else
		out_null(o, "managed_by");
	out_str(o, "sensor", dv->sensor);
	out_time(o, "first_seen", dv->first_seen, false);
	out_time(o, "last_seen", dv->last_seen, false);
	out_begin(o, "cleartext_logins", true);
	for (i = 0; i < f->n_device_logins && o->rc == VG_OK; i++) {
		out_begin(o, NULL, false);
		out_str(o, "protocol", f->device_logins[i].protocol);
		out_str(o, "user", f->device_logins[i].user);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "evidence", true);
	for (i = 0; i < f->n_device_evidence && o->rc == VG_OK; i++) {
		const struct vg_device_evidence *e = &f->device_evidence[i];

		out_begin(o, NULL, false);
		out_str(o, "source", e->source);
		out_str(o, "attribute", e->attribute);
		out_str(o, "value", e->value);
		out_str(o, "detail", e->detail);
		out_int(o, "weight", e->weight);
		out_int(o, "count", e->count);
		out_time(o, "first_seen", e->first_seen, false);
		out_time(o, "last_seen", e->last_seen, false);
		out_end(o);
	}
	out_end(o);
	out_end(o);
}

/* A package's urgency as written: "unknown" when out of range. */
static const char *
vpkg_urgency(int urgency)
{
	const char *name = vg_urgency_name(urgency);

	return name != NULL ? name : "unknown";
}

/*
 * The members of a vulnerable package in document order, as X(key,
 * kind, value) with v the package, kind naming out_<kind> and
 * vpkg_text_<kind>: one list for the generic walk (enc_vuln_pkg) and
 * the printer's own writer (print_vuln_pkg), which cannot disagree on a
 * member.
 */
#define VPKG_MEMBERS(X)                                                        \
	X(package, str, v->package)                                            \
	X(version, str, v->version)                                            \
	X(binaries, str, v->binaries)                                          \
	X(ids, str, v->ids)                                                    \
	X(n_ids, int, (int64_t)v->n_ids)                                       \
	X(fixed_version, str, v->fixed_version)                                \
	X(status, str, vg_vuln_pkg_status_name(v->status))                     \
	X(urgency, str, vpkg_urgency(v->urgency))                              \
	X(cvss, score, v->cvss)                                                \
	X(kev_ids, str, v->kev_ids)                                            \
	X(n_kev, int, (int64_t)v->n_kev)                                       \
	X(ransomware, bool, v->ransomware)                                     \
	X(epss, score, v->epss)

static void
enc_vuln_pkg(struct out *o, const struct vg_vuln_pkg *v)
{
#define ENC_MEMBER(key, kind, value) out_##kind(o, #key, value);
	out_begin(o, NULL, false);
	VPKG_MEMBERS(ENC_MEMBER)
	out_end(o);
#undef ENC_MEMBER
}

/*
 * print_vuln_pkg works in two passes: the text of every member's value
 * first (where a string may turn out to need escaping), then the whole
 * object in one room. A member's value as text: the n bytes of s,
 * quoted when q, or nothing (the member omitted) when s is NULL. Numbers
 * are written into num.
 */
struct vpkg_text {
	const char *s;
	size_t n;
	bool q;
	char num[OUT_REAL_TEXT_MAX];
};

/* False when s needs escaping: out_quoted_in's business. */
static bool
vpkg_text_str(struct vpkg_text *t, const char *s)
{
	t->s = s;
	t->n = s != NULL ? strlen(s) : 0;
	t->q = true;
	return s == NULL ||
		plain_end((const unsigned char *)s, 0, t->n) == t->n;
}

static bool
vpkg_text_int(struct vpkg_text *t, int64_t v)
{
	_Static_assert(sizeof(t->num) >= VG_INT_TEXT_MAX, "room for an int");
	t->n = vg_format_int(v, t->num);
	t->s = t->num;
	t->q = false;
	return true;
}

static bool
vpkg_text_bool(struct vpkg_text *t, bool v)
{
	t->s = v ? "true" : "false";
	t->n = v ? 4 : 5;
	t->q = false;
	return true;
}

/* As out_score writes pretty; false when v is not a JSON number. */
static bool
vpkg_text_score(struct vpkg_text *t, double v)
{
	int n;

	t->q = false;
	if (!(v >= 0)) {
		t->s = "null";
		t->n = 4;
		return true;
	}
	if ((n = pretty_real(v, t->num, sizeof(t->num))) < 0)
		return false;
	t->s = t->num;
	t->n = (size_t)n;
	return true;
}

/*
 * A member at w: the comma (none while *first: no member written yet),
 * key (new line, indentation, "key": ) and value; the end of it. The
 * room is there.
 */
static inline char *
vpkg_put(char *w, bool *first, const char *key, size_t kn,
	 const struct vpkg_text *t)
{
	if (t->s == NULL)
		return w;
	*w = ',';
	w += !*first;
	*first = false;
	memcpy(w, key, kn);
	w += kn;
	if (t->q)
		*w++ = '"';
	memcpy(w, t->s, t->n);
	w += t->n;
	if (t->q)
		*w++ = '"';
	return w;
}

/* A member's key as vpkg_put writes it: indented at depth 2. */
#define VPKG_KEY(key) "\n    \"" #key "\": "
#define VPKG_COUNT(key, kind, value) +1
#define VPKG_N_MEMBERS (0 VPKG_MEMBERS(VPKG_COUNT))
/* At least the text of a package but its values: the keys, commas
 * (sizeof counts a NUL) and quotes, the braces with their new lines and
 * indentation. */
#define VPKG_KEY_LEN(key, kind, value) +sizeof(VPKG_KEY(key)) + 2
#define VPKG_FRAME (sizeof(",\n  {\n  }") VPKG_MEMBERS(VPKG_KEY_LEN))

/*
 * vg_vuln_pkgs_print's writer of a package (an object of its top-level
 * array, depth 1), the bulk of `vigie vuln check --format json`: the
 * text enc_vuln_pkg writes, in one room, with each member's key and
 * indentation a literal: the walk measures, checks, indents and
 * reserves for each member at run time, which was two thirds of the
 * printer's cost. A package with a string to escape, or a score that is
 * not a number, or no room, is the walk's: it writes what it always has,
 * or fails as it always has.
 */
static void
print_vuln_pkg(struct out *o, const struct vg_vuln_pkg *v)
{
#define TEXT_MEMBER(key, kind, value)                                          \
	plain &= vpkg_text_##kind(&t[i], value);                               \
	len += t[i++].n;
#define PUT_MEMBER(key, kind, value)                                           \
	w = vpkg_put(w, &first, VPKG_KEY(key), sizeof(VPKG_KEY(key)) - 1,      \
		     &t[i++]);
	struct vpkg_text t[VPKG_N_MEMBERS];
	bool *first_pkg = &o->first[o->depth - 1], first = true, plain = true;
	size_t i = 0, len = VPKG_FRAME;
	char *w;

	VPKG_MEMBERS(TEXT_MEMBER)
	if (!plain || o->skip || o->rc != VG_OK ||
	    vg_buf_reserve(o->buf, len) != VG_OK) {
		enc_vuln_pkg(o, v);
		return;
	}
	w = o->buf->data + o->buf->len;
	/* What out_begin writes, the first package without the comma. */
	*w = ',';
	w += !*first_pkg;
	*first_pkg = false;
	memcpy(w, "\n  {", 4);
	w += 4;
	i = 0;
	VPKG_MEMBERS(PUT_MEMBER)
	/* What out_end writes. */
	if (!first) {
		memcpy(w, "\n  ", 3);
		w += 3;
	}
	*w++ = '}';
	out_commit(o, w);
	out_flush_full(o);
#undef TEXT_MEMBER
#undef PUT_MEMBER
}

/*
 * The vulnerable packages, derived by matching: written only when
 * matching ran (the source collected), so `vigie facts` on a host and
 * older documents have none.
 */
static void
enc_vuln_pkgs(struct out *o, const struct vg_facts *f)
{
	size_t i;

	if (!f->sources[VG_SRC_VULNS].collected)
		return;
	out_begin(o, "vulnerable_packages", true);
	for (i = 0; i < f->n_vuln_pkgs && o->rc == VG_OK; i++) {
		/* Pretty is vg_vuln_pkgs_print's: depth 1 is its array. */
		if (o->pretty && o->depth == 1)
			print_vuln_pkg(o, &f->vuln_pkgs[i]);
		else
			enc_vuln_pkg(o, &f->vuln_pkgs[i]);
	}
	out_end(o);
}

/* Rule R10's facts: isolation when collected, the incidents (derived)
 * when the store filled them. */
static void
enc_incident_facts(struct out *o, const struct vg_facts *f)
{
	size_t i;

	if (f->sources[VG_SRC_ISOLATION].collected) {
		out_begin(o, "isolation", false);
		out_bool(o, "nft", f->isolation.nft);
		out_str(o, "nft_path", f->isolation.nft_path);
		out_end(o);
	}
	if (!f->sources[VG_SRC_INCIDENTS].collected)
		return;
	out_begin(o, "incidents", true);
	for (i = 0; i < f->n_incidents && o->rc == VG_OK; i++) {
		const struct vg_incident_ref *r = &f->incidents[i];

		out_begin(o, NULL, false);
		out_int(o, "id", r->id);
		out_str(o, "title", r->title);
		out_str(o, "status", r->status);
		out_bool(o, "serious", r->serious);
		out_time(o, "detected_at", r->detected_at, false);
		out_time(o, "reported_ans_at", r->reported_ans_at, true);
		out_end(o);
	}
	out_end(o);
}

/* The loops of the members that may be sections stop at once when the
 * member is known (o->skip: nothing of it is written). */
static void
enc_packages(struct out *o, const struct vg_facts *f)
{
	size_t i;

	out_begin(o, "packages", true);
	for (i = 0; i < f->n_packages && o->rc == VG_OK && !o->skip; i++) {
		const struct vg_package *p = &f->packages[i];

		out_begin(o, NULL, false);
		out_str(o, "name", p->name);
		out_str(o, "version", p->version);
		out_str(o, "arch", p->arch);
		out_str(o, "source", p->source);
		out_str(o, "source_version", p->source_version);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "upgrades", true);
	for (i = 0; i < f->n_upgrades && o->rc == VG_OK && !o->skip; i++) {
		const struct vg_upgrade *u = &f->upgrades[i];

		out_begin(o, NULL, false);
		out_str(o, "name", u->name);
		out_str(o, "installed", u->installed);
		out_str(o, "candidate", u->candidate);
		out_str(o, "suite", u->suite);
		out_bool(o, "security", u->security);
		out_end(o);
	}
	out_end(o);
}

static void
enc_accounts(struct out *o, const struct vg_facts *f)
{
	size_t i;

	out_begin(o, "accounts", true);
	for (i = 0; i < f->n_accounts && o->rc == VG_OK && !o->skip; i++) {
		const struct vg_account *u = &f->accounts[i];

		out_begin(o, NULL, false);
		out_str(o, "name", u->name);
		out_int(o, "uid", u->uid);
		out_int(o, "gid", u->gid);
		out_str(o, "gecos", u->gecos);
		out_str(o, "home", u->home);
		out_str(o, "shell", u->shell);
		out_str(o, "password",
			(unsigned)u->pw < VG_ARRAY_LEN(pw_names)
				? pw_names[u->pw]
				: "unknown");
		out_str(o, "scheme", u->scheme);
		out_int(o, "shared_group", u->shared_group);
		out_time(o, "last_change", u->last_change, false);
		/* The epoch is a real expiry date: never "never" here. */
		out_time(o, "expires", u->expires, false);
		out_time(o, "last_login", u->last_login, true);
		out_bool(o, "authorized_keys", u->authorized_keys);
		out_end(o);
	}
	out_end(o);
}

static void
enc_groups(struct out *o, const struct vg_facts *f)
{
	size_t i, j;

	out_begin(o, "groups", true);
	for (i = 0; i < f->n_groups && o->rc == VG_OK && !o->skip; i++) {
		const struct vg_group *g = &f->groups[i];

		out_begin(o, NULL, false);
		out_str(o, "name", g->name);
		out_int(o, "gid", g->gid);
		out_begin(o, "members", true);
		for (j = 0; j < g->n_members; j++)
			out_str(o, NULL, g->members[j]);
		out_end(o);
		out_end(o);
	}
	out_end(o);
}

static void
enc_sudo(struct out *o, const struct vg_facts *f)
{
	size_t i, j;

	out_begin(o, "sudo_rules", true);
	for (i = 0; i < f->n_sudo_rules && o->rc == VG_OK; i++) {
		const struct vg_sudo_rule *r = &f->sudo_rules[i];

		out_begin(o, NULL, false);
		out_str(o, "file", r->file);
		out_int(o, "line", r->line);
		out_begin(o, "users", true);
		for (j = 0; j < r->n_users; j++) {
			out_begin(o, NULL, false);
			out_str(o, "name", r->users[j].name);
			out_bool(o, "negated", r->users[j].negated);
			out_str(o, "alias", r->users[j].alias);
			out_end(o);
		}
		out_end(o);
		out_bool(o, "runas_root", r->runas_root);
		out_bool(o, "all_commands", r->all_commands);
		out_bool(o, "nopasswd", r->nopasswd);
		out_str(o, "text", r->text);
		out_end(o);
	}
	out_end(o);
}

/* forwards, cloud clients, services, backups, warnings. */
static void
enc_others(struct out *o, const struct vg_facts *f)
{
	size_t i;

	out_begin(o, "forwards", true);
	for (i = 0; i < f->n_forwards && o->rc == VG_OK; i++) {
		out_begin(o, NULL, false);
		out_str(o, "user", f->forwards[i].user);
		out_str(o, "file", f->forwards[i].file);
		out_int(o, "line", f->forwards[i].line);
		out_str(o, "target", f->forwards[i].target);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "cloud_clients", true);
	for (i = 0; i < f->n_cloud_clients && o->rc == VG_OK; i++) {
		out_begin(o, NULL, false);
		out_str(o, "client", f->cloud_clients[i].client);
		out_str(o, "kind", f->cloud_clients[i].kind);
		out_str(o, "path", f->cloud_clients[i].path);
		out_str(o, "user", f->cloud_clients[i].user);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "services", true);
	for (i = 0; i < f->n_services && o->rc == VG_OK; i++) {
		out_begin(o, NULL, false);
		out_str(o, "protocol", f->services[i].protocol);
		out_str(o, "via", f->services[i].via);
		out_str(o, "detail", f->services[i].detail);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "backups", true);
	for (i = 0; i < f->n_backups && o->rc == VG_OK; i++) {
		const struct vg_backup *b = &f->backups[i];

		out_begin(o, NULL, false);
		out_str(o, "name", b->name);
		out_str(o, "path", b->path);
		out_time(o, "last_success", b->last_success, true);
		out_bool(o, "offline", b->offline);
		out_time(o, "restore_tested", b->restore_tested, true);
		out_end(o);
	}
	out_end(o);
	out_begin(o, "warnings", true);
	for (i = 0; i < f->n_warnings; i++)
		out_str(o, NULL, f->warnings[i]);
	out_end(o);
	out_int(o, "warnings_dropped", (int64_t)f->n_warnings_dropped);
}

static void
enc_facts(struct out *o, const struct vg_facts *f)
{
	out_begin(o, NULL, false);
	out_str(o, "schema", VG_FACTS_SCHEMA);
	out_time(o, "collected_at", f->collected_at, false);
	out_str(o, "root", f->root);
	enc_sources(o, f);
	enc_singles(o, f);
	enc_device(o, f);
	enc_packages(o, f);
	enc_vuln_pkgs(o, f);
	enc_incident_facts(o, f);
	enc_accounts(o, f);
	enc_groups(o, f);
	enc_sudo(o, f);
	enc_others(o, f);
	out_end(o);
}

json_t *
vg_facts_to_json(const struct vg_facts *f)
{
	struct out o;

	memset(&o, 0, sizeof(o));
	enc_facts(&o, f);
	if (o.rc != VG_OK) {
		json_decref(o.root);
		return NULL;
	}
	return o.root;
}

/* f's vulnerable packages alone, for enc_vuln_pkgs to write the member
 * as the whole document would carry it. */
static void
vuln_pkgs_only(const struct vg_facts *f, struct vg_facts *only)
{
	memset(only, 0, sizeof(*only));
	only->sources[VG_SRC_VULNS].collected = true;
	only->vuln_pkgs = f->vuln_pkgs;
	only->n_vuln_pkgs = f->n_vuln_pkgs;
}

json_t *
vg_vuln_pkgs_to_json(const struct vg_facts *f)
{
	struct vg_facts only;
	struct out o;
	json_t *arr;

	vuln_pkgs_only(f, &only);
	memset(&o, 0, sizeof(o));
	out_begin(&o, NULL, false);
	enc_vuln_pkgs(&o, &only);
	out_end(&o);
	if (o.rc != VG_OK) {
		json_decref(o.root);
		return NULL;
	}
	arr = json_incref(json_object_get(o.root, "vulnerable_packages"));
	json_decref(o.root);
	return arr;
}

enum vg_rc
vg_vuln_pkgs_print(const struct vg_facts *f, FILE *fp)
{
	struct vg_facts only;
	struct vg_buf b;
	struct out o;

	vuln_pkgs_only(f, &only);
	/* One package's text is far below this. */
	vg_buf_init(&b, VG_MAX_JSON_DOC);
	memset(&o, 0, sizeof(o));
	o.buf = &b;
	o.pretty = true;
	o.sink = fp;
	/* At the top, enc_vuln_pkgs writes no key. */
	enc_vuln_pkgs(&o, &only);
	vg_buf_release(&b);
	return o.rc;
}

enum vg_rc
vg_facts_write(const struct vg_facts *f, struct vg_buf *out)
{
	size_t len = out->len;
	struct out o;

	memset(&o, 0, sizeof(o));
	o.buf = out;
	enc_facts(&o, f);
	/* A failed write leaves the buffer as it was. */
	if (o.rc != VG_OK && out->data != NULL) {
		out->len = len;
		out->data[len] = '\0';
	}
	return o.rc;
}

enum vg_rc
vg_facts_write_split(const struct vg_facts *f, struct vg_buf *out,
		     struct vg_facts_split *sp)
{
	size_t len = out->len;
	struct out o;
	int i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < VG_SECTION_COUNT; i++) {
		sp->digest[i][0] = '\0';
		vg_buf_reset(&sp->part[i]);
	}
	o.buf = out;
	o.split = sp;
	o.section = -1;
	enc_facts(&o, f);
	if (o.rc != VG_OK && out->data != NULL) {
		out->len = len;
		out->data[len] = '\0';
	}
	return o.rc;
}

/* ---------------------------------------------------------------- */
/* Decoder                                                          */
/* ---------------------------------------------------------------- */

/* The decoder's state: where strings go and where errors go. */
struct dec {
	struct vg_facts *f;
	struct vg_err *err;
};

/* "path.key: what" as a parse error. */
static enum vg_rc
dec_fail(struct dec *d, enum vg_rc rc, const char *path, const char *key,
	 const char *what)
{
	if (key != NULL)
		return vg_err_set(d->err, rc, "%s.%s: %s", path, key, what);
	return vg_err_set(d->err, rc, "%s: %s", path, what);
}

static enum vg_rc
dec_nomem(struct dec *d)
{
	return vg_err_set(d->err, VG_ERR_NOMEM, _("facts: out of memory"));
}

/*
 * Parse "YYYY-MM-DDTHH:MM:SSZ" exactly: the time must write back to the
 * same text, which rejects out-of-range fields and impossible dates.
 */
static bool
parse_iso_time(const char *s, size_t n, int64_t *out)
{
	int64_t day, hh, mm, ss;
	char date[11], back[21];

	if (n != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (vg_parse_date(date, &day) != VG_OK ||
	    vg_parse_int(s + 11, 2, 0, 23, &hh) != VG_OK ||
	    vg_parse_int(s + 14, 2, 0, 59, &mm) != VG_OK ||
	    vg_parse_int(s + 17, 2, 0, 59, &ss) != VG_OK)
		return false;
	*out = day + hh * 3600 + mm * 60 + ss;
	vg_format_time(*out, back);
	return memcmp(back, s, 20) == 0;
}

/*
 * Fetch member key of obj. Absent (or null, unless null_ok) and not
 * required: *out is NULL and the caller keeps its default.
 */
static enum vg_rc
dec_member(struct dec *d, const json_t *obj, const char *path, const char *key,
	   bool required, bool null_ok, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || (json_is_null(v) && !null_ok)) {
		if (required)
			return dec_fail(d, VG_ERR_PARSE, path, key,
					_("missing"));
		return VG_OK;
	}
	*out = v;
	return VG_OK;
}

/* A string member, copied into the facts' arena. */
static enum vg_rc
dec_str(struct dec *d, const json_t *obj, const char *path, const char *key,
	bool required, const char **out)
{
	enum vg_rc rc;
	json_t *v;
	size_t n;

	TRY(dec_member(d, obj, path, key, required, false, &v));
	if (v == NULL)
		return VG_OK;
	if (!json_is_string(v))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected a string"));
	n = json_string_length(v);
	if (n > FACTS_MAX_STRING)
		return dec_fail(d, VG_ERR_LIMIT, path, key,
				_("string too long"));
	/* A NUL inside would silently cut the string short. */
	if (memchr(json_string_value(v), '\0', n) != NULL)
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("string holds a NUL byte"));
	if ((*out = vg_facts_strn(d->f, json_string_value(v), n)) == NULL)
		return dec_nomem(d);
	return VG_OK;
}

/* An integer member within [min, max]. */
static enum vg_rc
dec_int(struct dec *d, const json_t *obj, const char *path, const char *key,
	bool required, int64_t min, int64_t max, int64_t *out)
{
	enum vg_rc rc;
	json_int_t i;
	json_t *v;

	TRY(dec_member(d, obj, path, key, required, false, &v));
	if (v == NULL)
		return VG_OK;
	if (!json_is_integer(v))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected an integer"));
	i = json_integer_value(v);
	if (i < min || i > max)
		return vg_err_set(d->err, VG_ERR_PARSE,
				  _("%s.%s: out of range (%lld to %lld)"), path,
				  key, (long long)min, (long long)max);
	*out = (int64_t)i;
	return VG_OK;
}

/* dec_int into an int (max must fit). */
static enum vg_rc
dec_int32(struct dec *d, const json_t *obj, const char *path, const char *key,
	  int64_t min, int64_t max, int *out)
{
	int64_t v = *out;
	enum vg_rc rc;

	TRY(dec_int(d, obj, path, key, false, min, max, &v));
	*out = (int)v;
	return VG_OK;
}

static enum vg_rc
dec_bool(struct dec *d, const json_t *obj, const char *path, const char *key,
	 bool *out)
{
	enum vg_rc rc;
	json_t *v;

	TRY(dec_member(d, obj, path, key, false, false, &v));
	if (v == NULL)
		return VG_OK;
	if (!json_is_boolean(v))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected true or false"));
	*out = json_is_true(v);
	return VG_OK;
}

/* A time member: null is UNKNOWN; "never" is NEVER when never is true. */
static enum vg_rc
dec_time(struct dec *d, const json_t *obj, const char *path, const char *key,
	 bool never, int64_t *out)
{
	enum vg_rc rc;
	const char *s;
	json_t *v;

	TRY(dec_member(d, obj, path, key, false, true, &v));
	if (v == NULL)
		return VG_OK;
	if (json_is_null(v)) {
		*out = VG_TIME_UNKNOWN;
		return VG_OK;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (never && strcmp(s, "never") == 0) {
			*out = VG_TIME_NEVER;
			return VG_OK;
		}
		if (parse_iso_time(s, json_string_length(v), out))
			return VG_OK;
	}
	return dec_fail(d, VG_ERR_PARSE, path, key,
			never ? _("expected a time (YYYY-MM-DDTHH:MM:SSZ), "
				  "\"never\" or null")
			      : _("expected a time (YYYY-MM-DDTHH:MM:SSZ) or "
				  "null"));
}

/* An object member; *out NULL when absent. */
static enum vg_rc
dec_object(struct dec *d, const json_t *obj, const char *path, const char *key,
	   json_t **out)
{
	enum vg_rc rc;

	TRY(dec_member(d, obj, path, key, false, false, out));
	if (*out != NULL && !json_is_object(*out))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected an object"));
	return VG_OK;
}

/* An array member of at most max items; *out NULL when absent. */
static enum vg_rc
dec_array(struct dec *d, const json_t *obj, const char *path, const char *key,
	  size_t max, json_t **out)
{
	enum vg_rc rc;

	TRY(dec_member(d, obj, path, key, false, false, out));
	if (*out == NULL)
		return VG_OK;
	if (!json_is_array(*out))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected an array"));
	if (json_array_size(*out) > max)
		return vg_err_set(d->err, VG_ERR_LIMIT,
				  _("%s.%s: more than %zu items"), path, key,
				  max);
	return VG_OK;
}

/* Item i of array key, which must be an object; its path in p. */
static enum vg_rc
dec_item(struct dec *d, const json_t *a, const char *key, size_t i,
	 char p[FACTS_MAX_PATH], json_t **out)
{
	(void)snprintf(p, FACTS_MAX_PATH, "facts.%s[%zu]", key, i);
	*out = json_array_get(a, i);
	if (!json_is_object(*out))
		return dec_fail(d, VG_ERR_PARSE, p, NULL,
				_("expected an object"));
	return VG_OK;
}

static enum vg_rc
dec_sources(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *all, *o;
	enum vg_rc rc;
	int i;

	TRY(dec_object(d, doc, "facts", "sources", &all));
	if (all == NULL)
		return VG_OK;
	/* Sources this vigie does not know are ignored. */
	for (i = 0; i < VG_SRC_COUNT; i++) {
		struct vg_source_state *st = &d->f->sources[i];

		TRY(dec_object(d, all, "facts.sources",
			       vg_source_name((enum vg_source)i), &o));
		if (o == NULL)
			continue;
		(void)snprintf(p, sizeof(p), "facts.sources.%s",
			       vg_source_name((enum vg_source)i));
		TRY(dec_bool(d, o, p, "collected", &st->collected));
		if (!st->collected)
			TRY(dec_str(d, o, p, "reason", false, &st->reason));
	}
	return VG_OK;
}

static enum vg_rc
dec_singles(struct dec *d, const json_t *doc)
{
	struct vg_facts *f = d->f;
	enum vg_rc rc;
	int64_t v;
	json_t *o;

	TRY(dec_object(d, doc, "facts", "os", &o));
	if (o != NULL) {
		TRY(dec_str(d, o, "facts.os", "hostname", 0, &f->os.hostname));
		TRY(dec_str(d, o, "facts.os", "id", 0, &f->os.id));
		TRY(dec_str(d, o, "facts.os", "id_like", 0, &f->os.id_like));
		TRY(dec_str(d, o, "facts.os", "version_id", 0,
			    &f->os.version_id));
		TRY(dec_str(d, o, "facts.os", "codename", 0, &f->os.codename));
		TRY(dec_str(d, o, "facts.os", "pretty_name", 0,
			    &f->os.pretty_name));
	}
	TRY(dec_object(d, doc, "facts", "asset", &o));
	if (o != NULL) {
		TRY(dec_str(d, o, "facts.asset", "name", 0, &f->asset.name));
		TRY(dec_str(d, o, "facts.asset", "site", 0, &f->asset.site));
		TRY(dec_str(d, o, "facts.asset", "owner", 0, &f->asset.owner));
		TRY(dec_str(d, o, "facts.asset", "category", 0,
			    &f->asset.category));
		TRY(dec_int32(d, o, "facts.asset", "criticality", 0, 4,
			      &f->asset.criticality));
	}
	TRY(dec_object(d, doc, "facts", "apt", &o));
	if (o != NULL) {
		TRY(dec_time(d, o, "facts.apt", "lists_updated", false,
			     &f->apt.lists_updated));
		v = (int64_t)f->apt.n_lists;
		TRY(dec_int(d, o, "facts.apt", "n_lists", false, 0, INT_MAX,
			    &v));
		f->apt.n_lists = (size_t)v;
	}
	TRY(dec_object(d, doc, "facts", "sshd", &o));
	if (o != NULL) {
		TRY(dec_str(d, o, "facts.sshd", "permit_root_login", 0,
			    &f->sshd.permit_root_login));
		TRY(dec_str(d, o, "facts.sshd", "file", 0, &f->sshd.file));
		TRY(dec_int32(d, o, "facts.sshd", "line", 0, INT_MAX,
			      &f->sshd.line));
	}
	TRY(dec_object(d, doc, "facts", "pam", &o));
	if (o != NULL) {
		TRY(dec_str(d, o, "facts.pam", "quality_module", 0,
			    &f->pam.quality_module));
		/* null (unknown) keeps the default, -1. */
		TRY(dec_int(d, o, "facts.pam", "min_length", false, 0, INT_MAX,
			    &f->pam.min_length));
		TRY(dec_str(d, o, "facts.pam", "lockout_module", 0,
			    &f->pam.lockout_module));
		TRY(dec_str(d, o, "facts.pam", "file", 0, &f->pam.file));
	}
	TRY(dec_object(d, doc, "facts", "kernel", &o));
	if (o != NULL) {
		TRY(dec_bool(d, o, "facts.kernel", "reboot_flag",
			     &f->kernel.reboot_flag));
		TRY(dec_str(d, o, "facts.kernel", "reboot_packages", 0,
			    &f->kernel.reboot_packages));
		TRY(dec_str(d, o, "facts.kernel", "running", 0,
			    &f->kernel.running));
		TRY(dec_str(d, o, "facts.kernel", "newest_installed", 0,
			    &f->kernel.newest_installed));
	}
	TRY(dec_object(d, doc, "facts", "auto_updates", &o));
	if (o != NULL) {
		TRY(dec_bool(d, o, "facts.auto_updates", "enabled",
			     &f->auto_updates.enabled));
		TRY(dec_str(d, o, "facts.auto_updates", "mechanism", 0,
			    &f->auto_updates.mechanism));
		TRY(dec_str(d, o, "facts.auto_updates", "detail", 0,
			    &f->auto_updates.detail));
	}
	return VG_OK;
}

/* The device's evidence (absent from older documents). */
static enum vg_rc
dec_device_evidence(struct dec *d, const json_t *o)
{
	static const char path[] = "facts.device";
	char p[FACTS_MAX_PATH];
	json_t *a, *it;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, o, path, "evidence", VG_MAX_DEVICE_EVIDENCE, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_device_evidence *e;

		TRY(dec_item(d, a, "device.evidence", i, p, &it));
		if ((e = vg_facts_add_device_evidence(d->f)) == NULL)
			return dec_nomem(d);
		/* What was seen, by which protocol: both name the item. */
		TRY(dec_str(d, it, p, "source", true, &e->source));
		TRY(dec_str(d, it, p, "attribute", true, &e->attribute));
		TRY(dec_str(d, it, p, "value", false, &e->value));
		TRY(dec_str(d, it, p, "detail", false, &e->detail));
		TRY(dec_int32(d, it, p, "weight", 0, 100, &e->weight));
		TRY(dec_int(d, it, p, "count", false, 0, INT64_MAX, &e->count));
		TRY(dec_time(d, it, p, "first_seen", false, &e->first_seen));
		TRY(dec_time(d, it, p, "last_seen", false, &e->last_seen));
	}
	return VG_OK;
}

/* The device section (absent from host facts and older documents). */
static enum vg_rc
dec_device(struct dec *d, const json_t *doc)
{
	static const char path[] = "facts.device";
	struct vg_device_info *dv = &d->f->device;
	char p[FACTS_MAX_PATH];
	json_t *o, *a, *it;
	enum vg_rc rc;
	size_t i;

	TRY(dec_object(d, doc, "facts", "device", &o));
	if (o == NULL)
		return VG_OK;
	/* The key identifies the device: a device without one is nothing. */
	TRY(dec_str(d, o, path, "key", true, &dv->key));
	if (*dv->key == '\0')
		return dec_fail(d, VG_ERR_PARSE, path, "key", _("empty"));
	TRY(dec_str(d, o, path, "mac", false, &dv->mac));
	TRY(dec_str(d, o, path, "ips", false, &dv->ips));
	TRY(dec_str(d, o, path, "name", false, &dv->name));
	TRY(dec_str(d, o, path, "vendor", false, &dv->vendor));
	TRY(dec_str(d, o, path, "category", false, &dv->category));
	TRY(dec_int32(d, o, path, "confidence", 0, 100, &dv->confidence));
	/* null (no host or asset is this device) keeps NULL. */
	TRY(dec_str(d, o, path, "managed_by", false, &dv->managed_by));
	TRY(dec_str(d, o, path, "sensor", false, &dv->sensor));
	TRY(dec_time(d, o, path, "first_seen", false, &dv->first_seen));
	TRY(dec_time(d, o, path, "last_seen", false, &dv->last_seen));
	TRY(dec_array(d, o, path, "cleartext_logins", VG_MAX_DEVICE_LOGINS,
		      &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_device_login *l;

		TRY(dec_item(d, a, "device.cleartext_logins", i, p, &it));
		if ((l = vg_facts_add_device_login(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, it, p, "protocol", true, &l->protocol));
		TRY(dec_str(d, it, p, "user", false, &l->user));
	}
	return dec_device_evidence(d, o);
}

static enum vg_rc
dec_packages(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, doc, "facts", "packages", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_package *pk;

		TRY(dec_item(d, a, "packages", i, p, &o));
		if ((pk = vg_facts_add_package(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "name", true, &pk->name));
		TRY(dec_str(d, o, p, "version", true, &pk->version));
		TRY(dec_str(d, o, p, "arch", false, &pk->arch));
		TRY(dec_str(d, o, p, "source", false, &pk->source));
		TRY(dec_str(d, o, p, "source_version", false,
			    &pk->source_version));
	}
	TRY(dec_array(d, doc, "facts", "upgrades", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_upgrade *u;

		TRY(dec_item(d, a, "upgrades", i, p, &o));
		if ((u = vg_facts_add_upgrade(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "name", true, &u->name));
		TRY(dec_str(d, o, p, "installed", false, &u->installed));
		TRY(dec_str(d, o, p, "candidate", false, &u->candidate));
		TRY(dec_str(d, o, p, "suite", false, &u->suite));
		TRY(dec_bool(d, o, p, "security", &u->security));
	}
	return VG_OK;
}

/* A score in [0, max], or null (unknown: *out stays -1). */
static enum vg_rc
dec_score(struct dec *d, const json_t *obj, const char *path, const char *key,
	  double max, double *out)
{
	enum vg_rc rc;
	double v;
	json_t *j;

	TRY(dec_member(d, obj, path, key, false, false, &j));
	if (j == NULL)
		return VG_OK;
	if (!json_is_number(j))
		return dec_fail(d, VG_ERR_PARSE, path, key,
				_("expected a number or null"));
	v = json_number_value(j);
	if (!(v >= 0 && v <= max))
		return vg_err_set(d->err, VG_ERR_PARSE,
				  _("%s.%s: out of range (0 to %g)"), path, key,
				  max);
	*out = v;
	return VG_OK;
}

/* A vulnerable package's status and urgency, by name. */
static enum vg_rc
dec_vuln_names(struct dec *d, const json_t *o, const char *path,
	       struct vg_vuln_pkg *v)
{
	const char *s = NULL;
	enum vg_rc rc;
	int u;

	TRY(dec_str(d, o, path, "status", true, &s));
	v->status = vg_vuln_pkg_status_from_name(s);
	if (v->status == VG_VPKG_STATUS_COUNT)
		return dec_fail(d, VG_ERR_PARSE, path, "status",
				_("expected \"fixed-available\", "
				  "\"no-fix-yet\", \"end-of-life\" or "
				  "\"undetermined\""));
	s = NULL;
	TRY(dec_str(d, o, path, "urgency", false, &s));
	if (s == NULL)
		return VG_OK;
	if ((u = vg_urgency_from_name(s)) < 0)
		return dec_fail(d, VG_ERR_PARSE, path, "urgency",
				_("expected \"unknown\", \"unimportant\", "
				  "\"low\", \"medium\" or \"high\""));
	v->urgency = u;
	return VG_OK;
}

/* The vulnerable packages (absent when matching did not run). */
static enum vg_rc
dec_vuln_pkgs(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	int64_t n;
	size_t i;

	TRY(dec_array(d, doc, "facts", "vulnerable_packages", VG_MAX_ITEMS,
		      &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_vuln_pkg *v;

		TRY(dec_item(d, a, "vulnerable_packages", i, p, &o));
		if ((v = vg_facts_add_vuln_pkg(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "package", true, &v->package));
		TRY(dec_str(d, o, p, "version", true, &v->version));
		TRY(dec_str(d, o, p, "binaries", false, &v->binaries));
		TRY(dec_str(d, o, p, "ids", false, &v->ids));
		n = 0;
		TRY(dec_int(d, o, p, "n_ids", false, 0, INT32_MAX, &n));
		v->n_ids = (size_t)n;
		TRY(dec_str(d, o, p, "fixed_version", false,
			    &v->fixed_version));
		TRY(dec_vuln_names(d, o, p, v));
		TRY(dec_score(d, o, p, "cvss", 10.0, &v->cvss));
		TRY(dec_str(d, o, p, "kev_ids", false, &v->kev_ids));
		n = 0;
		TRY(dec_int(d, o, p, "n_kev", false, 0, INT32_MAX, &n));
		v->n_kev = (size_t)n;
		/* A count of known-exploited ids beyond the ids is a lie
		 * that would raise a finding to critical. */
		if (v->n_kev > v->n_ids)
			return dec_fail(d, VG_ERR_PARSE, p, "n_kev",
					_("more than n_ids"));
		TRY(dec_bool(d, o, p, "ransomware", &v->ransomware));
		TRY(dec_score(d, o, p, "epss", 1.0, &v->epss));
	}
	return VG_OK;
}

/* Rule R10's facts (absent when not collected or not derived). */
static enum vg_rc
dec_incident_facts(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_object(d, doc, "facts", "isolation", &o));
	if (o != NULL) {
		TRY(dec_bool(d, o, "facts.isolation", "nft",
			     &d->f->isolation.nft));
		TRY(dec_str(d, o, "facts.isolation", "nft_path", false,
			    &d->f->isolation.nft_path));
	}
	TRY(dec_array(d, doc, "facts", "incidents", VG_MAX_INCIDENT_REFS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_incident_ref *r;

		TRY(dec_item(d, a, "incidents", i, p, &o));
		if ((r = vg_facts_add_incident_ref(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_int(d, o, p, "id", true, 1, INT64_MAX, &r->id));
		TRY(dec_str(d, o, p, "title", false, &r->title));
		TRY(dec_str(d, o, p, "status", false, &r->status));
		TRY(dec_bool(d, o, p, "serious", &r->serious));
		TRY(dec_time(d, o, p, "detected_at", false, &r->detected_at));
		TRY(dec_time(d, o, p, "reported_ans_at", true,
			     &r->reported_ans_at));
	}
	return VG_OK;
}

/* "empty", "locked", "hash" or "unknown". */
static enum vg_rc
dec_password(struct dec *d, const json_t *o, const char *path,
	     enum vg_pw_state *out)
{
	enum vg_rc rc;
	json_t *v;
	size_t k;

	TRY(dec_member(d, o, path, "password", false, false, &v));
	if (v == NULL)
		return VG_OK;
	for (k = 0; json_is_string(v) && k < VG_ARRAY_LEN(pw_names); k++) {
		if (strcmp(json_string_value(v), pw_names[k]) == 0) {
			*out = (enum vg_pw_state)k;
			return VG_OK;
		}
	}
	return dec_fail(d, VG_ERR_PARSE, path, "password",
			_("expected \"empty\", \"locked\", \"hash\" or "
			  "\"unknown\""));
}

static enum vg_rc
dec_accounts(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, doc, "facts", "accounts", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_account *u;

		TRY(dec_item(d, a, "accounts", i, p, &o));
		if ((u = vg_facts_add_account(d->f)) == NULL)
			return dec_nomem(d);
		/* A missing uid must not silently mean root (0). */
		TRY(dec_str(d, o, p, "name", true, &u->name));
		TRY(dec_int(d, o, p, "uid", true, 0, UINT32_MAX, &u->uid));
		TRY(dec_int(d, o, p, "gid", true, 0, UINT32_MAX, &u->gid));
		TRY(dec_str(d, o, p, "gecos", false, &u->gecos));
		TRY(dec_str(d, o, p, "home", false, &u->home));
		TRY(dec_str(d, o, p, "shell", false, &u->shell));
		TRY(dec_password(d, o, p, &u->pw));
		TRY(dec_str(d, o, p, "scheme", false, &u->scheme));
		TRY(dec_int32(d, o, p, "shared_group", 0, INT_MAX,
			      &u->shared_group));
		TRY(dec_time(d, o, p, "last_change", false, &u->last_change));
		TRY(dec_time(d, o, p, "expires", false, &u->expires));
		TRY(dec_time(d, o, p, "last_login", true, &u->last_login));
		TRY(dec_bool(d, o, p, "authorized_keys", &u->authorized_keys));
	}
	return VG_OK;
}

/* An array of strings (group members) into arena-owned *out. */
static enum vg_rc
dec_strings(struct dec *d, const json_t *o, const char *path, const char *key,
	    size_t max, const char ***out, size_t *n)
{
	char p[FACTS_MAX_PATH + 32];
	const char **v;
	enum vg_rc rc;
	json_t *a;
	size_t i;

	TRY(dec_array(d, o, path, key, max, &a));
	if (a == NULL || json_array_size(a) == 0)
		return VG_OK;
	v = vg_arena_alloc(&d->f->arena, json_array_size(a) * sizeof(*v));
	if (v == NULL)
		return dec_nomem(d);
	for (i = 0; i < json_array_size(a); i++) {
		/* Each item checked through a one-member wrapper path. */
		json_t *it = json_array_get(a, i);

		(void)snprintf(p, sizeof(p), "%s.%s[%zu]", path, key, i);
		if (!json_is_string(it))
			return dec_fail(d, VG_ERR_PARSE, p, NULL,
					_("expected a string"));
		if (json_string_length(it) > FACTS_MAX_STRING)
			return dec_fail(d, VG_ERR_LIMIT, p, NULL,
					_("string too long"));
		if (memchr(json_string_value(it), '\0',
			   json_string_length(it)) != NULL)
			return dec_fail(d, VG_ERR_PARSE, p, NULL,
					_("string holds a NUL byte"));
		v[i] = vg_facts_strn(d->f, json_string_value(it),
				     json_string_length(it));
		if (v[i] == NULL)
			return dec_nomem(d);
	}
	*out = v;
	*n = json_array_size(a);
	return VG_OK;
}

static enum vg_rc
dec_groups(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, doc, "facts", "groups", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_group *g;

		TRY(dec_item(d, a, "groups", i, p, &o));
		if ((g = vg_facts_add_group(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "name", true, &g->name));
		TRY(dec_int(d, o, p, "gid", true, 0, UINT32_MAX, &g->gid));
		TRY(dec_strings(d, o, p, "members", VG_MAX_LIST_ITEMS,
				&g->members, &g->n_members));
	}
	return VG_OK;
}

/* The user list of one sudo rule (at path p). */
static enum vg_rc
dec_sudo_users(struct dec *d, const json_t *o, const char *p,
	       struct vg_sudo_rule *r)
{
	char q[FACTS_MAX_PATH + 32];
	json_t *a, *u;
	enum vg_rc rc;
	size_t j, n;

	TRY(dec_array(d, o, p, "users", VG_MAX_LIST_ITEMS, &a));
	if (a == NULL || (n = json_array_size(a)) == 0)
		return VG_OK;
	r->users = vg_arena_alloc(&d->f->arena, n * sizeof(*r->users));
	if (r->users == NULL)
		return dec_nomem(d);
	for (j = 0; j < n; j++) {
		struct vg_sudo_user *su = &r->users[j];

		(void)snprintf(q, sizeof(q), "%s.users[%zu]", p, j);
		u = json_array_get(a, j);
		if (!json_is_object(u))
			return dec_fail(d, VG_ERR_PARSE, q, NULL,
					_("expected an object"));
		TRY(dec_str(d, u, q, "name", true, &su->name));
		TRY(dec_bool(d, u, q, "negated", &su->negated));
		TRY(dec_str(d, u, q, "alias", false, &su->alias));
		r->n_users = j + 1;
	}
	return VG_OK;
}

static enum vg_rc
dec_sudo(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, doc, "facts", "sudo_rules", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_sudo_rule *r;

		TRY(dec_item(d, a, "sudo_rules", i, p, &o));
		if ((r = vg_facts_add_sudo_rule(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "file", false, &r->file));
		TRY(dec_int32(d, o, p, "line", 0, INT_MAX, &r->line));
		TRY(dec_sudo_users(d, o, p, r));
		TRY(dec_bool(d, o, p, "runas_root", &r->runas_root));
		TRY(dec_bool(d, o, p, "all_commands", &r->all_commands));
		TRY(dec_bool(d, o, p, "nopasswd", &r->nopasswd));
		TRY(dec_str(d, o, p, "text", false, &r->text));
	}
	return VG_OK;
}

static enum vg_rc
dec_others(struct dec *d, const json_t *doc)
{
	char p[FACTS_MAX_PATH];
	json_t *a, *o;
	enum vg_rc rc;
	size_t i;

	TRY(dec_array(d, doc, "facts", "forwards", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_mail_forward *m;

		TRY(dec_item(d, a, "forwards", i, p, &o));
		if ((m = vg_facts_add_forward(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "user", true, &m->user));
		TRY(dec_str(d, o, p, "file", false, &m->file));
		TRY(dec_int32(d, o, p, "line", 0, INT_MAX, &m->line));
		TRY(dec_str(d, o, p, "target", true, &m->target));
	}
	TRY(dec_array(d, doc, "facts", "cloud_clients", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_cloud_client *c;

		TRY(dec_item(d, a, "cloud_clients", i, p, &o));
		if ((c = vg_facts_add_cloud_client(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "client", true, &c->client));
		TRY(dec_str(d, o, p, "kind", false, &c->kind));
		TRY(dec_str(d, o, p, "path", false, &c->path));
		TRY(dec_str(d, o, p, "user", false, &c->user));
	}
	TRY(dec_array(d, doc, "facts", "services", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_service *s;

		TRY(dec_item(d, a, "services", i, p, &o));
		if ((s = vg_facts_add_service(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "protocol", true, &s->protocol));
		TRY(dec_str(d, o, p, "via", false, &s->via));
		TRY(dec_str(d, o, p, "detail", false, &s->detail));
	}
	TRY(dec_array(d, doc, "facts", "backups", VG_MAX_ITEMS, &a));
	for (i = 0; a != NULL && i < json_array_size(a); i++) {
		struct vg_backup *b;

		TRY(dec_item(d, a, "backups", i, p, &o));
		if ((b = vg_facts_add_backup(d->f)) == NULL)
			return dec_nomem(d);
		TRY(dec_str(d, o, p, "name", true, &b->name));
		TRY(dec_str(d, o, p, "path", false, &b->path));
		TRY(dec_time(d, o, p, "last_success", true, &b->last_success));
		TRY(dec_bool(d, o, p, "offline", &b->offline));
		TRY(dec_time(d, o, p, "restore_tested", true,
			     &b->restore_tested));
	}
	return VG_OK;
}

static enum vg_rc
dec_warnings(struct dec *d, const json_t *doc)
{
	struct vg_facts *f = d->f;
	const char **w = NULL;
	enum vg_rc rc;
	int64_t dropped = 0;
	size_t n = 0;

	TRY(dec_strings(d, doc, "facts", "warnings", VG_MAX_WARNINGS, &w, &n));
	/* The facts free their warning array with free() and grow it by
	 * doubling cap: hand them a malloc'd array of exactly n. */
	if (n > 0) {
		if ((f->warnings = reallocarray(NULL, n, sizeof(*w))) == NULL)
			return dec_nomem(d);
		memcpy(f->warnings, w, n * sizeof(*w));
		f->n_warnings = f->cap_warnings = n;
	}
	TRY(dec_int(d, doc, "facts", "warnings_dropped", false, 0, INT64_MAX,
		    &dropped));
	f->n_warnings_dropped = (size_t)dropped;
	return VG_OK;
}

static enum vg_rc
dec_doc(struct dec *d, const json_t *doc)
{
	enum vg_rc rc;
	json_t *v;

	if (!json_is_object(doc))
		return dec_fail(d, VG_ERR_PARSE, "facts", NULL,
				_("expected an object"));
	if (vg_json_depth(doc, VG_MAX_JSON_DEPTH + 1) > VG_MAX_JSON_DEPTH)
		return vg_err_set(d->err, VG_ERR_LIMIT,
				  _("facts: nested deeper than %d levels"),
				  VG_MAX_JSON_DEPTH);
	v = json_object_get(doc, "schema");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), VG_FACTS_SCHEMA) != 0) {
		char what[64];

		(void)snprintf(what, sizeof(what), _("expected \"%s\""),
			       VG_FACTS_SCHEMA);
		return dec_fail(d, VG_ERR_PARSE, "facts", "schema", what);
	}
	TRY(dec_time(d, doc, "facts", "collected_at", false,
		     &d->f->collected_at));
	TRY(dec_str(d, doc, "facts", "root", false, &d->f->root));
	TRY(dec_sources(d, doc));
	TRY(dec_singles(d, doc));
	TRY(dec_device(d, doc));
	TRY(dec_packages(d, doc));
	TRY(dec_vuln_pkgs(d, doc));
	TRY(dec_incident_facts(d, doc));
	TRY(dec_accounts(d, doc));
	TRY(dec_groups(d, doc));
	TRY(dec_sudo(d, doc));
	TRY(dec_others(d, doc));
	TRY(dec_warnings(d, doc));
	return VG_OK;
}

enum vg_rc
vg_facts_from_json(struct vg_facts *f, const json_t *doc, struct vg_err *err)
{
	struct dec d = {f, err};
	enum vg_rc rc;

	if ((rc = dec_doc(&d, doc)) != VG_OK)
		vg_facts_release(f);
	return rc;
}

enum vg_rc
vg_facts_parse(struct vg_facts *f, const char *buf, size_t len,
	       struct vg_err *err)
{
	json_error_t jerr;
	enum vg_rc rc;
	json_t *doc;

	if (len > VG_MAX_JSON_DOC) {
		vg_facts_release(f);
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("facts: document larger than %u bytes"),
				  VG_MAX_JSON_DOC);
	}
	/* No JSON_ALLOW_NUL: "\u0000" in a string is a parse error. */
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		vg_facts_release(f);
		return vg_err_set(err, VG_ERR_PARSE,
				  _("facts: line %d, column %d: %s"), jerr.line,
				  jerr.column, jerr.text);
	}
	rc = vg_facts_from_json(f, doc, err);
	json_decref(doc);
	return rc;
}

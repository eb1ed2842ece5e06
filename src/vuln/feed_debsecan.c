/*
 * The debsecan feed, "VERSION 1" (security_db.py calculateDebsecan1),
 * zlib-compressed as the tracker serves it:
 *
 *   VERSION 1
 *   name,,description          section 1: index = line number from 0
 *   (empty line)
 *   pkg,index,flags,unstable_version,other_versions    section 2
 *   (empty line)
 *   srcpkg,binpkg binpkg ...   section 3 (per-release files only)
 *
 * Inflated with a cap into one buffer; section 1 is kept as offsets
 * (names only, a few hundred KB for the real feed); each row of section 2
 * becomes one record handed to sink->debsecan, built in fixed scratch
 * buffers. Bad lines are warned about with their number and skipped.
 */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "vuln/feed.h"
#include "util/text.h"
#include "util/utf8.h"
#include "util/zlib_lazy.h"

#include "util/banned.h"

/* Vulnerability names in section 1: the real feed has ~32,000; the cap
 * bounds the offsets table (16 bytes each) for a hostile feed. */
#define DS_MAX_NAMES (2u << 20)
/* Known-good versions on one row: the real maximum is 141. */
#define DS_MAX_OTHER 1024
/* The other_versions field: 1024 versions of 64 bytes. */
#define DS_MAX_OTHER_FIELD (64u << 10)
/* First inflate buffer; it grows by doubling up to the cap. */
#define DS_INFLATE_START (1u << 20)
/* Longest untrusted excerpt quoted in a warning. */
#define WARN_EXCERPT 64

/* Where a name and its description lie in the text. */
struct name {
	uint32_t off, len;
	uint32_t doff, dlen;
};

struct ds {
	const char *name; /* of the file, for messages */
	const char *release;
	struct vg_feed_sink *sink;
	const char *text;
	struct name *names;
	size_t n_names, cap_names;
	/* scratch for one row */
	char id[VG_FEED_MAX_ID + 1];
	char pkg[VG_FEED_MAX_NAME + 1];
	char unstable[VG_FEED_MAX_VERSION + 1];
	char desc[VG_FEED_MAX_TEXT + 1];
	char other[DS_MAX_OTHER_FIELD + 1];
	const char *other_v[DS_MAX_OTHER];
};

/*
 * Inflate a zlib stream into *out (malloc'd, NUL-terminated), growing a
 * buffer by doubling, never past VG_FEED_MAX_INFLATED.
 */
static enum vg_rc
inflate_all(const char *buf, size_t len, const char *name, char **out,
	    size_t *out_len, struct vg_err *err)
{
	z_stream z;
	char *data = NULL, *p;
	size_t cap = DS_INFLATE_START, have = 0;
	bool capped = false;
	int zrc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return vg_zlib_nomem(err);
	z.next_in = (Bytef *)(uintptr_t)buf;
	for (;;) {
		if (data == NULL || have == cap) {
			if (data != NULL && cap >= VG_FEED_MAX_INFLATED) {
				capped = true;
				break;
			}
			if (data != NULL)
				cap = cap > VG_FEED_MAX_INFLATED / 2
					? VG_FEED_MAX_INFLATED
					: cap * 2;
			/* +1: room for the final NUL */
			if ((p = realloc(data, cap + 1)) == NULL) {
				zrc = Z_MEM_ERROR;
				break;
			}
			data = p;
		}
		/* avail_in is a uInt: feed a huge input in pieces. */
		if (z.avail_in == 0 && len > 0) {
			z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
			len -= z.avail_in;
		}
		z.next_out = (Bytef *)data + have;
		z.avail_out = (uInt)(cap - have);
		zrc = inflate(&z, Z_NO_FLUSH);
		have = cap - z.avail_out;
		if (zrc == Z_STREAM_END)
			break;
		/* No progress with output room left: the input ended
		 * before the stream did. */
		if (zrc == Z_BUF_ERROR && z.avail_out > 0)
			break;
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			break;
	}
	inflateEnd(&z);
	if (zrc == Z_STREAM_END) {
		data[have] = '\0';
		*out = data;
		*out_len = have;
		return VG_OK;
	}
	free(data);
	if (capped)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("%s: inflates past %u bytes"), name,
				  VG_FEED_MAX_INFLATED);
	if (zrc == Z_MEM_ERROR)
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	if (zrc == Z_BUF_ERROR)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: truncated zlib stream"), name);
	return vg_err_set(err, VG_ERR_PARSE, _("%s: not a zlib stream"), name);
}

/* Bytes fit for a name: printable ASCII, no separator. */
static bool
name_ok(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    s[i] == ',')
			return false;
	return true;
}

static void
copy_n(char *dst, const char *s, size_t n)
{
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Section 1: "name,,description" (the description may hold commas). */
static enum vg_rc
name_line(struct ds *d, const char *line, size_t n, int lineno)
{
	const char *comma = memchr(line, ',', n);
	struct name *nm, *p;
	size_t nlen = comma != NULL ? (size_t)(comma - line) : n;
	size_t rest = comma != NULL ? n - nlen - 1 : 0;

	if (d->n_names >= DS_MAX_NAMES) {
		vg_feed_warn(d->sink, _("%s:%d: too many vulnerability names"),
			     d->name, lineno);
		return VG_OK;
	}
	if (d->n_names == d->cap_names) {
		d->cap_names = d->cap_names ? d->cap_names * 2 : 4096;
		p = realloc(d->names, d->cap_names * sizeof(*p));
		if (p == NULL)
			return VG_ERR_NOMEM;
		d->names = p;
	}
	/* A bad name keeps its index (len 0) so that the rows after it
	 * still point at the right names. */
	nm = &d->names[d->n_names++];
	memset(nm, 0, sizeof(*nm));
	if (!name_ok(line, nlen, VG_FEED_MAX_ID)) {
		vg_feed_warn(d->sink, _("%s:%d: bad vulnerability name '%.*s'"),
			     d->name, lineno,
			     (int)(nlen < WARN_EXCERPT ? nlen : WARN_EXCERPT),
			     line);
		return VG_OK;
	}
	nm->off = (uint32_t)(line - d->text);
	nm->len = (uint32_t)nlen;
	/* The second field is empty in every known feed; skip it. */
	if (rest > 0) {
		comma = memchr(comma + 1, ',', rest);
		if (comma != NULL) {
			nm->doff = (uint32_t)(comma + 1 - d->text);
			nm->dlen = (uint32_t)(line + n - comma - 1);
		}
	}
	return VG_OK;
}

/* Copy the description, cut on a UTF-8 boundary; none unless valid. */
static const char *
description(struct ds *d, const struct name *nm)
{
	const char *s = d->text + nm->doff;
	size_t n = 0, k, len = nm->dlen;

	if (len == 0)
		return NULL;
	while (n < len) {
		k = vg_utf8_seq(s + n, len - n < 4 ? len - n : 4);
		if (k == 0 || s[n] == '\0')
			return NULL;
		if (n + k > VG_FEED_MAX_TEXT)
			break;
		n += k;
	}
	copy_n(d->desc, s, n);
	return d->desc;
}

/* Split line into exactly want comma-separated fields. */
static bool
split_fields(const char *line, size_t n, const char **f, size_t *fl,
	     size_t want)
{
	size_t k = 0, start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i < n && line[i] != ',')
			continue;
		if (k == want)
			return false;
		f[k] = line + start;
		fl[k++] = i - start;
		start = i + 1;
	}
	return k == want;
}

/* Split other_versions on spaces into d->other_v. */
static bool
split_versions(struct ds *d, const char *s, size_t n, size_t *count)
{
	size_t i = 0, start, k = 0;

	copy_n(d->other, s, n);
	while (i < n) {
		while (i < n && d->other[i] == ' ')
			d->other[i++] = '\0';
		if (i == n)
			break;
		start = i;
		while (i < n && d->other[i] != ' ') {
			/* versions are printable ASCII */
			if ((unsigned char)d->other[i] < ' ' ||
			    (unsigned char)d->other[i] >= 0x7f)
				return false;
			i++;
		}
		if (k == DS_MAX_OTHER || i - start > VG_FEED_MAX_VERSION)
			return false;
		d->other_v[k++] = d->other + start;
	}
	*count = k;
	return true;
}

/* Section 2: one package row, one record. */
static enum vg_rc
row_line(struct ds *d, const char *line, size_t n, int lineno)
{
	const char *f[5];
	size_t fl[5], n_other = 0;
	int64_t idx;
	const struct name *nm;
	struct vg_vuln_rec r;
	struct vg_debsecan_extra x;

	if (!split_fields(line, n, f, fl, 5)) {
		vg_feed_warn(d->sink, _("%s:%d: not 5 fields"), d->name,
			     lineno);
		return VG_OK;
	}
	if (!name_ok(f[0], fl[0], VG_FEED_MAX_NAME)) {
		vg_feed_warn(d->sink, _("%s:%d: bad package name"), d->name,
			     lineno);
		return VG_OK;
	}
	if (vg_parse_int(f[1], fl[1], 0, (int64_t)d->n_names - 1, &idx) !=
		    VG_OK ||
	    d->names[idx].len == 0) {
		vg_feed_warn(d->sink,
			     _("%s:%d: bad vulnerability index '%.*s'"),
			     d->name, lineno,
			     (int)(fl[1] < WARN_EXCERPT ? fl[1] : WARN_EXCERPT),
			     f[1]);
		return VG_OK;
	}
	if (fl[2] != 4) {
		vg_feed_warn(d->sink, _("%s:%d: flags are not 4 characters"),
			     d->name, lineno);
		return VG_OK;
	}
	if ((fl[3] > 0 && !name_ok(f[3], fl[3], VG_FEED_MAX_VERSION)) ||
	    fl[4] > DS_MAX_OTHER_FIELD ||
	    !split_versions(d, f[4], fl[4], &n_other)) {
		vg_feed_warn(d->sink, _("%s:%d: bad or oversized version"),
			     d->name, lineno);
		return VG_OK;
	}
	nm = &d->names[idx];
	copy_n(d->id, d->text + nm->off, nm->len);
	copy_n(d->pkg, f[0], fl[0]);
	copy_n(d->unstable, f[3], fl[3]);

	memset(&r, 0, sizeof(r));
	r.id = d->id;
	r.package = d->pkg;
	r.release = d->release;
	/* Fixed in sid at unstable_version; a release's own fix is only
	 * known through other_versions (the extra). */
	r.status = fl[3] > 0 ? VG_VULN_FIXED : VG_VULN_OPEN;
	r.fixed_version = fl[3] > 0 ? d->unstable : NULL;
	switch (f[2][1]) {
	case 'L':
		r.urgency = VG_URG_LOW;
		break;
	case 'M':
		r.urgency = VG_URG_MEDIUM;
		break;
	case 'H':
		r.urgency = VG_URG_HIGH;
		break;
	default: /* ' ': not yet assigned */
		r.urgency = VG_URG_UNKNOWN;
		break;
	}
	r.remote = f[2][2] == 'R';
	r.cvss = -1;
	r.description = description(d, nm);
	r.source = "debsecan";

	memset(&x, 0, sizeof(x));
	x.unstable_fixed = d->unstable;
	x.other_versions = d->other_v;
	x.n_other_versions = n_other;
	x.fix_in_release = f[2][3] == 'F';
	x.kind = f[2][0] == 'S' || f[2][0] == 'B' ? f[2][0] : ' ';
	return d->sink->debsecan(d->sink->ctx, &r, &x);
}

/* Section 3: "src,bin bin ..."; checked, not delivered (feed.h has no
 * callback for it: obsolete binaries are a later concern). */
static void
map_line(struct ds *d, const char *line, size_t n, int lineno)
{
	const char *f[2];
	size_t fl[2];

	if (!split_fields(line, n, f, fl, 2) ||
	    !name_ok(f[0], fl[0], VG_FEED_MAX_NAME))
		vg_feed_warn(d->sink, _("%s:%d: bad source-to-binary line"),
			     d->name, lineno);
}

static enum vg_rc
parse_text(struct ds *d, const char *text, size_t len, struct vg_err *err)
{
	struct vg_lines it;
	const char *line;
	size_t n;
	int section = 1;
	enum vg_rc rc;

	d->text = text;
	vg_lines_init(&it, text, len);
	if (!vg_lines_next(&it, &line, &n) || n != 9 ||
	    memcmp(line, "VERSION 1", 9) != 0)
		return vg_err_set(err, VG_ERR_PARSE,
				  _("%s: not a debsecan feed (no 'VERSION 1')"),
				  d->name);
	while (vg_lines_next(&it, &line, &n)) {
		if (n == 0) {
			/* Sections end with an empty line; the GENERIC
			 * file ends with more of them. */
			if (section < 3)
				section++;
			continue;
		}
		if (section == 1)
			rc = name_line(d, line, n, it.lineno);
		else if (section == 2)
			rc = row_line(d, line, n, it.lineno);
		else {
			map_line(d, line, n, it.lineno);
			rc = VG_OK;
		}
		if (rc == VG_ERR_NOMEM)
			return vg_err_set(err, rc, _("out of memory"));
		if (rc != VG_OK)
			return rc; /* the callback's own refusal */
	}
	return VG_OK;
}

enum vg_rc
vg_feed_debsecan(const char *buf, size_t len, bool inflated,
		 const char *release, const char *name,
		 struct vg_feed_sink *sink, struct vg_err *err)
{
	struct ds *d;
	char *text = NULL;
	size_t text_len = len;
	enum vg_rc rc;

	if (name == NULL)
		name = "debsecan";
	if (sink == NULL || sink->debsecan == NULL)
		return vg_err_set(err, VG_ERR_USAGE, "%s: no debsecan callback",
				  name);
	if (buf == NULL)
		len = 0;
	if (inflated && len > VG_FEED_MAX_INFLATED)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("%s: larger than %u bytes"), name,
				  VG_FEED_MAX_INFLATED);
	if (!inflated && len == 0)
		return vg_err_set(err, VG_ERR_PARSE, _("%s: not a zlib stream"),
				  name);
	if (!inflated) {
		rc = inflate_all(buf != NULL ? buf : "", len, name, &text,
				 &text_len, err);
		if (rc != VG_OK)
			return rc;
	}
	/* The scratch buffers (about 80 KB) live on the heap. */
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		free(text);
		return vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
	}
	d->name = name;
	d->release = release;
	d->sink = sink;
	rc = parse_text(d, text != NULL ? text : (buf != NULL ? buf : ""),
			text_len, err);
	free(d->names);
	free(d);
	free(text);
	return rc;
}

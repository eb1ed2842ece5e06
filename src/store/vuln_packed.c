/*
 * The packed vulnerability entries of a (package, release): encoder and
 * defensive decoder. The format is described in vuln_packed.h.
 */
#include "util/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/dpkg_version.h"
#include "store/vuln_packed.h"
#include "util/banned.h"

#define PK_FORMAT 0x01
#define PK_HEAD 5  /* format byte, count */
#define PK_FIXED 4 /* status, urgency, flags */
/* The shortest entry: the fixed part and an empty id's NUL. */
#define PK_MIN_ENTRY (PK_FIXED + 1)

enum {
	F_KEV = 0x01,
	F_RANSOM = 0x02,
	F_CVSS = 0x04,
	F_EPSS = 0x08,
	F_PCT = 0x10,
	F_FIXED = 0x20,
	F_INTRO = 0x40,
	F_LAST = 0x80,
	F_BRANCHES = 0x100,
	F_FIXED_KEY = 0x200,
	F_SAME_BRANCHES = 0x400,
	F_ALL = 0x7ff,
};

void
vg_vuln_packer_init(struct vg_vuln_packer *p)
{
	vg_buf_init(&p->buf, VG_VULN_PACKED_MAX);
	p->n = 0;
	p->list = false;
}

void
vg_vuln_packer_reset(struct vg_vuln_packer *p)
{
	vg_buf_reset(&p->buf);
	p->n = 0;
	p->list = false;
}

void
vg_vuln_packer_release(struct vg_vuln_packer *p)
{
	vg_buf_release(&p->buf);
	p->n = 0;
}

/* Back to len bytes: an entry is several appends, undone together. */
static void
cut(struct vg_buf *b, size_t len)
{
	if (b->data != NULL) {
		b->len = len;
		b->data[len] = '\0';
	}
}

static enum vg_rc
put_f64(struct vg_buf *b, double v)
{
	unsigned char o[8];
	uint64_t u;
	size_t i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 8; i++)
		o[i] = (unsigned char)(u >> (8 * i));
	return vg_buf_add(b, o, sizeof(o));
}

/* Text s with its NUL, when present. */
static enum vg_rc
put_str(struct vg_buf *b, const char *s)
{
	return s == NULL ? VG_OK : vg_buf_add(b, s, strlen(s) + 1);
}

/* The branch list s (or none), its place in the blob in *at. */
static enum vg_rc
put_list(struct vg_vuln_packer *p, const char *s, size_t *at)
{
	*at = p->buf.len;
	return put_str(&p->buf, s);
}

enum vg_rc
vg_vuln_packer_add(struct vg_vuln_packer *p, const struct vg_vuln_entry *e,
		   struct vg_err *err)
{
	static const unsigned char head[PK_HEAD] = {PK_FORMAT, 0, 0, 0, 0};
	unsigned char fix[PK_FIXED], key[1 + VG_DPKG_KEY_MAX];
	const char *list = e->fixed_on_branches;
	size_t mark = p->buf.len, key_len = 0, list_n, list_at = 0;
	unsigned flags = 0;
	bool same;
	enum vg_rc rc;

	if (e->id == NULL)
		return vg_err_set(err, VG_ERR_USAGE,
				  _("store: a vulnerability entry without id"));
	if (p->n == UINT32_MAX)
		return vg_err_set(err, VG_ERR_LIMIT,
				  _("store: too many vulnerability entries "
				    "for one package"));
	flags |= e->kev ? F_KEV : 0;
	flags |= e->kev && e->kev_ransomware ? F_RANSOM : 0;
	flags |= e->cvss >= 0 ? F_CVSS : 0;
	flags |= e->epss >= 0 ? F_EPSS : 0;
	flags |= e->epss_percentile >= 0 ? F_PCT : 0;
	flags |= e->fixed_version != NULL ? F_FIXED : 0;
	flags |= e->introduced != NULL ? F_INTRO : 0;
	flags |= e->last_affected != NULL ? F_LAST : 0;
	list_n = list != NULL ? strlen(list) : 0;
	same = list != NULL && p->list && list_n == p->list_n &&
		memcmp(p->buf.data + p->list_at, list, list_n) == 0;
	flags |= list != NULL ? (same ? F_SAME_BRANCHES : F_BRANCHES) : 0;
	/* The fix's key, made here from its text (never taken from e). */
	if (e->fixed_version != NULL &&
	    (key_len = vg_dpkg_version_key(e->fixed_version, key + 1)) > 0) {
		key[0] = (unsigned char)key_len;
		key_len++;
		flags |= F_FIXED_KEY;
	}
	/* The enums are small; a value out of them is stored as the
	 * decoder would read it anyway. */
	fix[0] = (unsigned)e->status <= VG_VULN_END_OF_LIFE
		? (unsigned char)e->status
		: VG_VULN_UNDETERMINED;
	fix[1] = (unsigned)e->urgency <= VG_URG_HIGH ? (unsigned char)e->urgency
						     : VG_URG_UNKNOWN;
	fix[2] = (unsigned char)(flags & 0xff);
	fix[3] = (unsigned char)(flags >> 8);
	if ((mark == 0 && (rc = vg_buf_add(&p->buf, head, PK_HEAD)) != VG_OK) ||
	    (rc = vg_buf_add(&p->buf, fix, sizeof(fix))) != VG_OK ||
	    ((flags & F_CVSS) && (rc = put_f64(&p->buf, e->cvss)) != VG_OK) ||
	    ((flags & F_EPSS) && (rc = put_f64(&p->buf, e->epss)) != VG_OK) ||
	    ((flags & F_PCT) &&
	     (rc = put_f64(&p->buf, e->epss_percentile)) != VG_OK) ||
	    (rc = put_str(&p->buf, e->id)) != VG_OK ||
	    (rc = put_str(&p->buf, e->fixed_version)) != VG_OK ||
	    ((flags & F_FIXED_KEY) &&
	     (rc = vg_buf_add(&p->buf, key, key_len)) != VG_OK) ||
	    (rc = put_str(&p->buf, e->introduced)) != VG_OK ||
	    (rc = put_str(&p->buf, e->last_affected)) != VG_OK ||
	    (rc = put_list(p, same ? NULL : list, &list_at)) != VG_OK) {
		cut(&p->buf, mark);
		if (rc == VG_ERR_LIMIT)
			return vg_err_set(err, rc,
					  _("store: the vulnerability entries "
					    "of one package exceed %u bytes"),
					  VG_VULN_PACKED_MAX);
		return vg_err_set(err, rc, _("store: out of memory"));
	}
	p->n++;
	/* A repeated list keeps the first's place. */
	if (list != NULL && !same) {
		p->list_at = list_at;
		p->list_n = list_n;
	}
	p->list = list != NULL;
	return VG_OK;
}

const void *
vg_vuln_packer_blob(struct vg_vuln_packer *p, size_t *len)
{
	static const unsigned char empty[PK_HEAD] = {PK_FORMAT, 0, 0, 0, 0};
	unsigned char *d;

	/* No entry: a constant, so taking the blob cannot fail. */
	if (p->buf.len == 0) {
		*len = sizeof(empty);
		return empty;
	}
	d = (unsigned char *)p->buf.data;
	d[1] = (unsigned char)p->n;
	d[2] = (unsigned char)(p->n >> 8);
	d[3] = (unsigned char)(p->n >> 16);
	d[4] = (unsigned char)(p->n >> 24);
	*len = p->buf.len;
	return d;
}

/* A read position that never passes end. */
struct cur {
	const unsigned char *p, *end;
};

static bool
get_f64(struct cur *c, double *v)
{
	uint64_t u = 0;
	size_t i;

	if ((size_t)(c->end - c->p) < 8)
		return false;
	for (i = 0; i < 8; i++)
		u |= (uint64_t)c->p[i] << (8 * i);
	c->p += 8;
	memcpy(v, &u, sizeof(*v));
	/* No feed gives an infinite or NaN score, and JSON has none. */
	return isfinite(*v);
}

/* A NUL-terminated text inside the blob; when !want, skipped as absent. */
static bool
get_str(struct cur *c, bool want, const char **s)
{
	const unsigned char *z;

	*s = NULL;
	if (!want)
		return true;
	if ((z = memchr(c->p, '\0', (size_t)(c->end - c->p))) == NULL)
		return false;
	*s = (const char *)c->p;
	c->p = z + 1;
	return true;
}

/* The fixed version's key: its length (1 to VG_DPKG_KEY_MAX), then it. */
static bool
get_key(struct cur *c, struct vg_vuln_entry *e)
{
	size_t n;

	if (c->p == c->end || (n = *c->p) == 0 ||
	    (size_t)(c->end - c->p) - 1 < n)
		return false;
	e->fixed_key = c->p + 1;
	e->fixed_key_len = n;
	c->p += 1 + n;
	return true;
}

/* One entry at c into e, prev_list the previous entry's branch list
 * (NULL: none, or the first); false when it does not fit or is
 * malformed. Every member of e is set (no memset of 100 bytes per
 * entry first). */
static bool
get_entry(struct cur *c, struct vg_vuln_entry *e, const char *prev_list)
{
	unsigned flags;

	e->fixed_key = NULL;
	e->fixed_key_len = 0;
	if ((size_t)(c->end - c->p) < PK_FIXED)
		return false;
	e->status = c->p[0] <= VG_VULN_END_OF_LIFE
		? (enum vg_vuln_status)c->p[0]
		: VG_VULN_UNDETERMINED;
	e->urgency = c->p[1] <= VG_URG_HIGH ? (enum vg_urgency)c->p[1]
					    : VG_URG_UNKNOWN;
	flags = (unsigned)c->p[2] | (unsigned)c->p[3] << 8;
	c->p += PK_FIXED;
	if ((flags & ~(unsigned)F_ALL) != 0 ||
	    ((flags & F_RANSOM) && !(flags & F_KEV)) ||
	    ((flags & F_SAME_BRANCHES) &&
	     ((flags & F_BRANCHES) || prev_list == NULL)))
		return false;
	e->kev = (flags & F_KEV) != 0;
	e->kev_ransomware = (flags & F_RANSOM) != 0;
	e->cvss = e->epss = e->epss_percentile = -1;
	if (((flags & F_CVSS) && !get_f64(c, &e->cvss)) ||
	    ((flags & F_EPSS) && !get_f64(c, &e->epss)) ||
	    ((flags & F_PCT) && !get_f64(c, &e->epss_percentile)))
		return false;
	if (!get_str(c, true, &e->id) ||
	    !get_str(c, flags & F_FIXED, &e->fixed_version) ||
	    ((flags & F_FIXED_KEY) && (!(flags & F_FIXED) || !get_key(c, e))) ||
	    !get_str(c, flags & F_INTRO, &e->introduced) ||
	    !get_str(c, flags & F_LAST, &e->last_affected) ||
	    !get_str(c, flags & F_BRANCHES, &e->fixed_on_branches))
		return false;
	if (flags & F_SAME_BRANCHES)
		e->fixed_on_branches = prev_list;
	/* "Fixed" with no version to compare with says nothing. */
	if (e->status == VG_VULN_FIXED && e->fixed_version == NULL)
		e->status = VG_VULN_UNDETERMINED;
	return true;
}

/* The count of the blob's entries, c set on the first; false when the
 * head is malformed or the bytes cannot hold the count. */
static bool
head(const unsigned char *b, size_t len, struct cur *c, uint32_t *n)
{
	if (b == NULL || len < PK_HEAD || b[0] != PK_FORMAT)
		return false;
	*n = (uint32_t)b[1] | (uint32_t)b[2] << 8 | (uint32_t)b[3] << 16 |
		(uint32_t)b[4] << 24;
	c->p = b + PK_HEAD;
	c->end = b + len;
	/* A count the bytes cannot hold is refused before any work. */
	return *n <= (len - PK_HEAD) / PK_MIN_ENTRY;
}

/*
 * Walk the blob: with fn NULL, only check it (true when well formed);
 * else hand out each entry, *fn_rc set to fn's first failure.
 */
static bool
walk(const unsigned char *b, size_t len, vg_vuln_entry_fn fn, void *ctx,
     enum vg_rc *fn_rc)
{
	struct vg_vuln_entry e;
	const char *list = NULL;
	struct cur c;
	uint32_t n, i;

	*fn_rc = VG_OK;
	if (!head(b, len, &c, &n))
		return false;
	for (i = 0; i < n; i++) {
		if (!get_entry(&c, &e, list))
			return false;
		list = e.fixed_on_branches;
		if (fn != NULL && (*fn_rc = fn(ctx, &e)) != VG_OK)
			return true;
	}
	/* Bytes after the last entry: a count or a blob that was cut. */
	return c.p == c.end;
}

/*
 * Parse every entry of the blob into u, growing it up to
 * VG_VULN_UNPACKED_MAX entries; false when the blob is malformed, or
 * with *use_walk when it holds more entries than that (or u cannot grow):
 * the two walks, which need no memory, read it then.
 */
static bool
unpack(const unsigned char *b, size_t len, struct vg_vuln_unpacked *u,
       uint32_t *n, bool *use_walk)
{
	struct vg_vuln_entry *e;
	struct cur c;
	size_t cap;
	uint32_t i;

	*use_walk = false;
	if (!head(b, len, &c, n))
		return false;
	if (*n > u->cap) {
		if (*n > VG_VULN_UNPACKED_MAX) {
			*use_walk = true;
			return false;
		}
		cap = u->cap > 0 ? u->cap : 64;
		while (cap < *n)
			cap *= 2;
		if (cap > VG_VULN_UNPACKED_MAX)
			cap = VG_VULN_UNPACKED_MAX;
		if ((e = reallocarray(u->e, cap, sizeof(*e))) == NULL) {
			*use_walk = true;
			return false;
		}
		u->e = e;
		u->cap = cap;
	}
	for (i = 0; i < *n; i++) {
		if (!get_entry(&c, &u->e[i],
			       i > 0 ? u->e[i - 1].fixed_on_branches : NULL))
			return false;
	}
	return c.p == c.end;
}

void
vg_vuln_unpacked_release(struct vg_vuln_unpacked *u)
{
	free(u->e);
	u->e = NULL;
	u->cap = 0;
}

static enum vg_rc
damaged(const char *package, size_t len, struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_PARSE,
			  _("store: the vulnerability entries of "
			    "package '%s' are damaged (%zu bytes)"),
			  package != NULL ? package : "?", len);
}

enum vg_rc
vg_vuln_packed_decode(const void *blob, size_t len, const char *package,
		      struct vg_vuln_unpacked *u, vg_vuln_entry_fn fn,
		      void *ctx, struct vg_err *err)
{
	enum vg_rc rc = VG_OK;
	bool use_walk = true;
	uint32_t n, i;

	/* Parsed once into u, then handed out; a blob of more entries
	 * than u may hold is checked whole, then parsed again as it is
	 * handed out. */
	if (u != NULL && unpack(blob, len, u, &n, &use_walk)) {
		for (i = 0; i < n && rc == VG_OK; i++)
			rc = fn(ctx, &u->e[i]);
		return rc;
	}
	if (!use_walk || !walk(blob, len, NULL, NULL, &rc))
		return damaged(package, len, err);
	(void)walk(blob, len, fn, ctx, &rc);
	return rc;
}

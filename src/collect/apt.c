/*
 * Pending upgrades from apt's lists (/var/lib/apt/lists): every
 * *_Packages file (plain, .gz, .xz, .lz4 or .zst) is scanned for the
 * packages installed (facts->packages, from dpkg.c), and its suite comes
 * from the Release or InRelease file beside it. A package is upgradable
 * when a list carries a higher version for its name and architecture.
 * The scan skips the stanzas of packages not installed without reading
 * them: a hash of installed names decides on the Package line.
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/apt.h"
#include "collect/apt_cache.h"
#include "collect/collectors.h"
#include "util/arena.h"
#include "util/text.h"
#include "util/banned.h"

#define APT_LISTS "/var/lib/apt/lists"
/* Files looked at in the lists directory (a host has tens). */
#define APT_MAX_DIR_ENTRIES 16384
/* An InRelease file: Debian's is ~150 KiB, Ubuntu's ~260 KiB. */
#define APT_MAX_RELEASE_FILE (16u << 20)
/* Longest version string compared (Debian's longest are ~100 bytes). */
#define APT_MAX_VERSION 512
/* A stanza carried across decompressed chunks (Debian's largest: ~20 KiB). */
#define APT_MAX_STANZA (1u << 20)
/* Compressed input read at a time. */
#define APT_READ_CHUNK (128u << 10)

/* ------------------------------------------------------------------ */
/* Packages stanzas                                                     */

/* The '\n' bytes in [p, end). */
static size_t
count_nl(const char *p, const char *end)
{
	size_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * The first "\n\n" at or after p (pointer to its first byte), or NULL;
 * *lines is the count of '\n' before it (before end when NULL), so line
 * numbers stay exact without a second pass. Skipping a stanza is most
 * of the work on a 50 MB list, so it goes a block at a time: a bit (or
 * a byte) is flagged for each '\n', and two flags side by side, within
 * a block or across two, end the stanza.
 */
#if defined(__SSE2__)
/* Bits set in a 16-bit mask. */
static unsigned
popcount16(unsigned m)
{
	m = m - ((m >> 1) & 0x5555u);
	m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
	m = (m + (m >> 4)) & 0x0f0fu;
	return (m + (m >> 8)) & 0x1fu;
}

/* x86-64: 16 bytes at a time, one mask bit per byte. */
static const char *
find_blank_line(const char *p, const char *end, size_t *lines)
{
	const __m128i nl = _mm_set1_epi8('\n');
	const char *start = p;
	unsigned m, carry = 0, pairs, k;
	size_t n = 0;

	for (; end - p >= 16; p += 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p), nl));
		if (m == 0) {
			carry = 0;
			continue;
		}
		/* Bit k: a '\n' at p[k] with another just before it. */
		if ((pairs = m & ((m << 1) | carry)) != 0) {
			k = (unsigned)__builtin_ctz(pairs);
			*lines = n + popcount16(m & ((1u << k) - 1)) - 1;
			return p + k - 1;
		}
		n += popcount16(m);
		carry = m >> 15;
	}
#else
/* Elsewhere: 8 bytes at a time, one flag byte per byte (exact SWAR). */
static const char *
find_blank_line(const char *p, const char *end, size_t *lines)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	const uint64_t low7 = UINT64_C(0x7f7f7f7f7f7f7f7f);
	const uint64_t nl = ones * '\n';
	uint64_t w, t, m, carry = 0;
	const char *start = p;
	size_t n = 0;
	int k;

	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		t = w ^ nl;
		m = ~(((t & low7) + low7) | t | low7); /* 0x80: '\n' */
		if (m == 0) {
			carry = 0;
			continue;
		}
		/* A pair inside the word, or across (little or big end). */
		if ((m & (m >> 8)) != 0 || (m & (m << 8)) != 0 || carry) {
			/* Rare: find it byte by byte from one back. */
			for (k = p > start ? -1 : 0; k < 7; k++)
				if (p[k] == '\n' && p[k + 1] == '\n') {
					*lines = k < 0 ? n - 1
						       : n + count_nl(p, p + k);
					return p + k;
				}
		}
		/* Sum the flags: each byte of m >> 7 is 0 or 1. */
		n += (size_t)(((m >> 7) * ones) >> 56);
		carry = p[7] == '\n';
	}
#endif
	/* The last bytes, one at a time; a pair may start one back. */
	for (; p < end; p++) {
		if (*p != '\n')
			continue;
		if (p > start && p[-1] == '\n') {
			*lines = n - 1;
			return p - 1;
		}
		n++;
	}
	*lines = n;
	return NULL;
}

static bool
field_is(const char *line, size_t n, const char *want)
{
	return vg_strcaseeqn(want, line, n);
}

/*
 * The same for the three fields of a stanza that matter, most lines
 * being other fields: the length rules them out before any compare.
 */
enum stanza_field {
	F_OTHER,
	F_PACKAGE,
	F_VERSION,
	F_ARCH
};

static enum stanza_field
stanza_field(const char *line, size_t n)
{
	if (n == 7 && strncasecmp(line, "Package", 7) == 0)
		return F_PACKAGE;
	if (n == 7 && strncasecmp(line, "Version", 7) == 0)
		return F_VERSION;
	if (n == 12 && strncasecmp(line, "Architecture", 12) == 0)
		return F_ARCH;
	return F_OTHER;
}

/* A scan in progress: the callbacks and the current line number. */
struct stanza_scan {
	struct vg_facts *f;
	const char *name;
	bool (*want)(void *ctx, const char *pkg, size_t n);
	enum vg_rc (*found)(void *ctx, const struct vg_apt_stanza *st);
	void *ctx;
	int lineno; /* of the next byte to scan */
};

/*
 * Scan the stanzas in buf: whole ones, except that the last may lack
 * its blank line. Every '\n' passed is counted in s->lineno.
 */
static enum vg_rc
scan_stanzas(struct stanza_scan *s, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *eol, *colon, *val, *skip;
	struct vg_apt_stanza st;
	enum stanza_field fld;
	size_t vn, nl;
	int start;
	bool bad, named;
	enum vg_rc rc;

	while (p < end) {
		if (*p == '\n') {
			p++;
			s->lineno++;
			continue;
		}
		memset(&st, 0, sizeof(st));
		st.arch = "";
		bad = named = false;
		start = s->lineno;
		/* The fields of one stanza, up to a blank line. */
		for (; p < end && *p != '\n'; p = eol < end ? eol + 1 : end) {
			if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
				eol = end;
			else
				s->lineno++;
			if (*p == ' ' || *p == '\t')
				continue; /* continuation of a long field */
			if ((colon = memchr(p, ':', (size_t)(eol - p))) ==
				    NULL ||
			    colon == p) {
				bad = true;
				continue;
			}
			if ((fld = stanza_field(p, (size_t)(colon - p))) ==
			    F_OTHER)
				continue;
			val = colon + 1;
			vn = (size_t)(eol - val);
			vg_trim(&val, &vn);
			if (fld == F_PACKAGE) {
				/* Two names: which one would be a guess. */
				if (named)
					bad = true;
				named = true;
				st.name = val;
				st.name_len = vn;
				if (vn == 0 || s->want(s->ctx, val, vn))
					continue;
				/* Not wanted: straight to the blank line. */
				if (eol == end) {
					p = end;
					goto next;
				}
				skip = find_blank_line(eol, end, &nl);
				/* eol is counted; so is skip's first '\n'. */
				s->lineno += (int)(skip != NULL ? nl : nl - 1);
				p = skip != NULL ? skip + 1 : end;
				goto next;
			}
			if (fld == F_VERSION) {
				st.version = val;
				st.version_len = vn;
			} else {
				st.arch = val;
				st.arch_len = vn;
			}
		}
		if (bad || st.name_len == 0 || st.version_len == 0) {
			vg_facts_warn(s->f,
				      _("%s:%d: stanza without Package or "
					"Version skipped"),
				      s->name, start);
			continue;
		}
		if ((rc = s->found(s->ctx, &st)) != VG_OK)
			return rc;
	next:;
	}
	return VG_OK;
}

enum vg_rc
vg_apt_packages_scan(struct vg_facts *f, const char *name, const char *buf,
		     size_t len,
		     bool (*want)(void *ctx, const char *pkg, size_t n),
		     enum vg_rc (*found)(void *ctx,
					 const struct vg_apt_stanza *st),
		     void *ctx)
{
	struct stanza_scan s = {f, name, want, found, ctx, 1};

	return scan_stanzas(&s, buf, len);
}

/* ------------------------------------------------------------------ */
/* Packages stanzas, streamed                                           */

struct vg_apt_stream {
	struct stanza_scan scan;
	char *name;
	struct vg_buf carry; /* the stanza cut by the last piece's end */
	size_t max_stanza;
	bool skipping; /* dropping an overlong stanza up to its end */
	bool prev_nl;  /* the last byte fed was '\n' */
};

enum vg_rc
vg_apt_stream_new(struct vg_apt_stream **out, struct vg_facts *f,
		  const char *name, size_t max_stanza,
		  bool (*want)(void *ctx, const char *pkg, size_t n),
		  enum vg_rc (*found)(void *ctx,
				      const struct vg_apt_stanza *st),
		  void *ctx)
{
	struct vg_apt_stream *s;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return VG_ERR_NOMEM;
	if ((s->name = strdup(name)) == NULL) {
		free(s);
		return VG_ERR_NOMEM;
	}
	s->scan.f = f;
	s->scan.name = s->name;
	s->scan.want = want;
	s->scan.found = found;
	s->scan.ctx = ctx;
	s->scan.lineno = 1;
	s->max_stanza = max_stanza;
	vg_buf_init(&s->carry, max_stanza);
	*out = s;
	return VG_OK;
}

void
vg_apt_stream_free(struct vg_apt_stream *s)
{
	if (s == NULL)
		return;
	vg_buf_release(&s->carry);
	free(s->name);
	free(s);
}

/*
 * The stanza in carry grows past the limit with [p, end): drop it and
 * skip to its end, counting its lines.
 */
static void
stream_overlong(struct vg_apt_stream *s, const char *p, const char *end)
{
	vg_facts_warn(s->scan.f,
		      _("%s:%d: stanza longer than %zu bytes skipped"), s->name,
		      s->scan.lineno, s->max_stanza);
	s->scan.lineno +=
		(int)(count_nl(s->carry.data, s->carry.data + s->carry.len) +
		      count_nl(p, end));
	vg_buf_reset(&s->carry);
	s->skipping = true;
}

/* The last "\n\n" in [p, end) (pointer to its second byte), or NULL. */
static const char *
last_blank_line(const char *p, const char *end)
{
	const char *q;
	size_t n = (size_t)(end - p);

	if (p == NULL)
		return NULL; /* never: for the compiler's null analysis */
	while (n >= 2 && (q = memrchr(p, '\n', n)) != NULL && q > p) {
		if (q[-1] == '\n')
			return q;
		n = (size_t)(q - 1 - p);
	}
	return NULL;
}

enum vg_rc
vg_apt_stream_feed(struct vg_apt_stream *s, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *stop, *q;
	size_t nl;
	enum vg_rc rc;

	if (len == 0)
		return VG_OK;
	/*
	 * A stanza carried over (or being skipped) ends at the second '\n'
	 * of the first pair, which may straddle the two pieces.
	 */
	if (s->carry.len > 0 || s->skipping) {
		if (s->prev_nl && *p == '\n')
			stop = p;
		else
			stop = (q = find_blank_line(p, end, &nl)) != NULL
				? q + 1
				: end;
		if (s->skipping) {
			s->scan.lineno += (int)count_nl(p, stop);
		} else if ((size_t)(stop - p) > s->max_stanza - s->carry.len) {
			stream_overlong(s, p, stop);
		} else {
			if ((rc = vg_buf_add(&s->carry, p,
					     (size_t)(stop - p))) != VG_OK)
				return rc;
			if (stop == end) {
				s->prev_nl = end[-1] == '\n';
				return VG_OK; /* still inside it */
			}
			rc = scan_stanzas(&s->scan, s->carry.data,
					  s->carry.len);
			vg_buf_reset(&s->carry);
			if (rc != VG_OK)
				return rc;
		}
		s->skipping = s->skipping && stop == end;
		p = stop;
	}
	/* At a stanza boundary: whole stanzas are scanned in place. */
	if (p < end && (stop = last_blank_line(p, end)) != NULL) {
		if ((rc = scan_stanzas(&s->scan, p, (size_t)(stop + 1 - p))) !=
		    VG_OK)
			return rc;
		p = stop + 1;
	}
	/* Blank lines, then the start of a stanza to carry. */
	for (; p < end && *p == '\n'; p++)
		s->scan.lineno++;
	if (p < end) {
		if ((size_t)(end - p) > s->max_stanza)
			stream_overlong(s, p, end);
		else if ((rc = vg_buf_add(&s->carry, p, (size_t)(end - p))) !=
			 VG_OK)
			return rc;
	}
	s->prev_nl = end[-1] == '\n';
	return VG_OK;
}

enum vg_rc
vg_apt_stream_finish(struct vg_apt_stream *s)
{
	enum vg_rc rc = VG_OK;

	/* The last stanza needs no blank line after it. */
	if (!s->skipping && s->carry.len > 0)
		rc = scan_stanzas(&s->scan, s->carry.data, s->carry.len);
	vg_buf_reset(&s->carry);
	s->skipping = false;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Release and InRelease                                                */

static bool
line_is(const char *line, size_t n, const char *want)
{
	return vg_streqn(want, line, n);
}

void
vg_apt_release_parse(struct vg_facts *f, const char *name, const char *buf,
		     size_t len, struct vg_apt_release *out)
{
	struct vg_lines it;
	const char *line, *colon, *val, **slot;
	size_t n, vn, fn;
	bool armored = false, in_header = false, first = true;

	memset(out, 0, sizeof(*out));
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		/* Clear-signed (RFC 4880 7.1): armor headers, a blank line,
		 * the dash-escaped text, then the signature. */
		if (first && n > 0) {
			first = false;
			if (line_is(line, n,
				    "-----BEGIN PGP SIGNED MESSAGE-----")) {
				armored = in_header = true;
				continue;
			}
		}
		if (in_header) {
			in_header = n != 0;
			continue;
		}
		if (armored && n >= 5 && memcmp(line, "-----", 5) == 0)
			break; /* -----BEGIN PGP SIGNATURE----- */
		if (armored && n >= 2 && line[0] == '-' && line[1] == ' ') {
			line += 2;
			n -= 2;
		}
		if (n == 0 || line[0] == ' ' || line[0] == '\t')
			continue; /* hash lists and long descriptions */
		if ((colon = memchr(line, ':', n)) == NULL) {
			vg_facts_warn(f, _("%s:%d: not a field"), name,
				      it.lineno);
			continue;
		}
		fn = (size_t)(colon - line);
		val = colon + 1;
		vn = n - fn - 1;
		vg_trim(&val, &vn);
		slot = NULL;
		if (field_is(line, fn, "Origin"))
			slot = &out->origin;
		else if (field_is(line, fn, "Label"))
			slot = &out->label;
		else if (field_is(line, fn, "Suite"))
			slot = &out->suite;
		else if (field_is(line, fn, "Codename"))
			slot = &out->codename;
		else if (field_is(line, fn, "NotAutomatic"))
			out->not_automatic = vg_strcaseeqn("yes", val, vn);
		else if (field_is(line, fn, "ButAutomaticUpgrades"))
			out->but_automatic_upgrades =
				vg_strcaseeqn("yes", val, vn);
		if (slot != NULL && vn > 0 && !vg_has_nul(val, vn))
			*slot = vg_facts_strn(f, val, vn);
	}
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n, k = strlen(suffix);

	if (s == NULL)
		return false;
	n = strlen(s);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool
contains_security(const char *s)
{
	return s != NULL && strcasestr(s, "security") != NULL;
}

bool
vg_apt_release_security(const struct vg_apt_release *r)
{
	return ends_with(r->suite, "-security") ||
		ends_with(r->suite, "/updates") ||
		ends_with(r->codename, "-security") ||
		ends_with(r->codename, "/updates") ||
		contains_security(r->origin) || contains_security(r->label);
}

/* ------------------------------------------------------------------ */
/* The installed packages, indexed by name                              */

/* An installed package and the best version seen for it in the lists. */
struct entry {
	const struct vg_package *pkg;
	size_t next;      /* next entry of the same name, or 0 */
	const char *best; /* highest version > installed, or NULL */
	const char *best_suite;
	const char *bp_best; /* same, from backports-like suites */
	const char *bp_suite;
	bool from_backports; /* installed version found in backports */
	bool security;       /* a security suite has a version > installed */
};

/* The origin of the list being scanned. */
struct origin {
	char *prefix; /* list file prefix the Release file was found for */
	struct vg_apt_release rel;
	const char *suite; /* Suite, else Codename, else from the name */
	bool found;        /* a Release or InRelease file was read */
	bool security;
	bool backports; /* NotAutomatic + ButAutomaticUpgrades */
	bool skip;      /* NotAutomatic only: never a candidate */
};

struct apt_scan {
	struct vg_facts *f;
	struct vg_arena arena; /* versions kept while scanning */
	struct entry *entries; /* [0] unused: index 0 means none */
	size_t n_entries;
	size_t *table; /* open addressing over names */
	size_t mask;
	const char *native; /* dpkg's architecture, or NULL */
	const struct origin *cur;
	const char *file;     /* list being scanned, for messages */
	char *readbuf;        /* APT_READ_CHUNK bytes of compressed input */
	char cache_dir[4096]; /* "" when the index cache is off */
	char *real_root;      /* the root's real path, "" for "/" */
};

static uint64_t
hash_name(const char *s, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	/* FNV-1a: short keys, no adversary that gains by collisions. */
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* The first entry called name (n bytes), or 0. */
static size_t
lookup(const struct apt_scan *s, const char *name, size_t n)
{
	size_t i, e;

	for (i = hash_name(name, n) & s->mask; (e = s->table[i]) != 0;
	     i = (i + 1) & s->mask)
		if (vg_streqn(s->entries[e].pkg->name, name, n))
			return e;
	return 0;
}

static enum vg_rc
index_build(struct apt_scan *s)
{
	const struct vg_facts *f = s->f;
	size_t i, size = 16, e, head, slot;
	const struct vg_package *p;

	while (size < 2 * f->n_packages + 2)
		size *= 2;
	s->mask = size - 1;
	if ((s->table = calloc(size, sizeof(*s->table))) == NULL ||
	    (s->entries = calloc(f->n_packages + 1, sizeof(*s->entries))) ==
		    NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < f->n_packages; i++) {
		p = &f->packages[i];
		if (p->name == NULL || p->version == NULL)
			continue;
		if (vg_streqn("dpkg", p->name, strlen(p->name)))
			s->native = p->arch;
		e = ++s->n_entries;
		s->entries[e].pkg = p;
		/* Same name, other architecture: chain behind the first. */
		if ((head = lookup(s, p->name, strlen(p->name))) != 0) {
			s->entries[e].next = s->entries[head].next;
			s->entries[head].next = e;
			continue;
		}
		for (slot = hash_name(p->name, strlen(p->name)) & s->mask;
		     s->table[slot] != 0; slot = (slot + 1) & s->mask)
			;
		s->table[slot] = e;
	}
	return VG_OK;
}

static bool
scan_want(void *ctx, const char *name, size_t n)
{
	return lookup(ctx, name, n) != 0;
}

/* A list's architecture that can upgrade an installed one. */
static bool
arch_ok(const struct apt_scan *s, const char *inst,
	const struct vg_apt_stanza *st)
{
	const char *a = inst != NULL ? inst : "";

	if (vg_streqn(a, st->arch, st->arch_len) ||
	    vg_streqn("all", st->arch, st->arch_len))
		return true;
	/* An "all" package may become one of the native architecture. */
	return strcmp(a, "all") == 0 && s->native != NULL &&
		vg_streqn(s->native, st->arch, st->arch_len);
}

/* Keep v as *best (with its suite) when it is higher. */
static enum vg_rc
consider(struct apt_scan *s, const char *v, const char **best,
	 const char **suite)
{
	if (*best != NULL && vg_dpkg_version_cmp(v, *best) <= 0)
		return VG_OK;
	if ((*best = vg_arena_strdup(&s->arena, v)) == NULL)
		return VG_ERR_NOMEM;
	*suite = s->cur->suite;
	return VG_OK;
}

static enum vg_rc
scan_found(void *ctx, const struct vg_apt_stanza *st)
{
	struct apt_scan *s = ctx;
	const struct origin *o = s->cur;
	char v[APT_MAX_VERSION];
	struct entry *e;
	size_t i;
	int c;
	enum vg_rc rc;

	if (st->version_len >= sizeof(v) ||
	    vg_has_nul(st->version, st->version_len)) {
		vg_facts_warn(s->f, _("%s: package %.*s: invalid version"),
			      s->file,
			      (int)(st->name_len > 128 ? 128 : st->name_len),
			      st->name);
		return VG_OK;
	}
	memcpy(v, st->version, st->version_len);
	v[st->version_len] = '\0';
	for (i = lookup(s, st->name, st->name_len); i != 0; i = e->next) {
		e = &s->entries[i];
		if (!arch_ok(s, e->pkg->arch, st))
			continue;
		c = vg_dpkg_version_cmp(v, e->pkg->version);
		if (o->backports) {
			/* Backports count only for what came from there. */
			if (c == 0)
				e->from_backports = true;
			if (c > 0 &&
			    (rc = consider(s, v, &e->bp_best, &e->bp_suite)) !=
				    VG_OK)
				return rc;
			continue;
		}
		if (c <= 0)
			continue;
		if (o->security)
			e->security = true;
		if (e->best != NULL && o->security &&
		    vg_dpkg_version_cmp(v, e->best) == 0) {
			/* The same version in a security suite: name it. */
			e->best_suite = o->suite;
			continue;
		}
		if ((rc = consider(s, v, &e->best, &e->best_suite)) != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* ------------------------------------------------------------------ */
/* The lists directory                                                  */

struct apt_dir {
	char **names; /* sorted */
	size_t n;
	struct origin *origins;
	size_t n_origins;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
dir_has(const struct apt_dir *d, const char *name)
{
	return bsearch(&name, d->names, d->n, sizeof(*d->names), cmp_names) !=
		NULL;
}

/* Regular entries of the lists directory, sorted; ENOENT is no error. */
static enum vg_rc
dir_read(struct vg_collect *c, struct apt_dir *d, bool *exists)
{
	struct dirent *de;
	char **p;
	DIR *dir;
	enum vg_rc rc = VG_OK;

	*exists = false;
	if ((dir = vg_root_opendir(c->root, APT_LISTS)) == NULL)
		return VG_OK;
	*exists = true;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue; /* ".", "..", "partial", "auxfiles" */
		if (d->n >= APT_MAX_DIR_ENTRIES) {
			vg_facts_warn(c->facts,
				      _("%s: more than %u files, the rest "
					"ignored"),
				      APT_LISTS, APT_MAX_DIR_ENTRIES);
			break;
		}
		if ((p = reallocarray(d->names, d->n + 1, sizeof(*p))) ==
		    NULL) {
			rc = VG_ERR_NOMEM;
			break;
		}
		d->names = p;
		if ((d->names[d->n] = strdup(de->d_name)) == NULL) {
			rc = VG_ERR_NOMEM;
			break;
		}
		d->n++;
	}
	closedir(dir);
	if (d->n > 0)
		qsort(d->names, d->n, sizeof(*d->names), cmp_names);
	return rc;
}

static void
dir_release(struct apt_dir *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->names);
	for (i = 0; i < d->n_origins; i++)
		free(d->origins[i].prefix);
	free(d->origins);
}

/*
 * The length of the list's base name ("..._binary-amd64") when name is
 * a Packages list, else 0. *compressed tells whether a suffix follows.
 */
static size_t
packages_base(const char *name, bool *supported)
{
	static const char *const suffixes[] = {"", ".gz", ".xz", ".lz4",
					       ".zst"};
	static const char *const unsupported[] = {".bz2", ".lzma", ".Z"};
	const char *p;
	size_t i;

	*supported = true;
	if ((p = strstr(name, "_Packages")) == NULL || p == name)
		return 0;
	for (i = 0; i < VG_ARRAY_LEN(suffixes); i++)
		if (strcmp(p + 9, suffixes[i]) == 0)
			return (size_t)(p - name);
	for (i = 0; i < VG_ARRAY_LEN(unsupported); i++)
		if (strcmp(p + 9, unsupported[i]) == 0) {
			*supported = false;
			return (size_t)(p - name);
		}
	return 0;
}

/* The suite a list name implies: "trixie" from "..._dists_trixie_main". */
static const char *
suite_from_name(struct vg_facts *f, const char *prefix)
{
	const char *p = strstr(prefix, "_dists_"), *end;

	if (p == NULL)
		return vg_facts_str(f, prefix);
	p += 7;
	end = strchr(p, '_');
	return vg_facts_strn(f, p, end != NULL ? (size_t)(end - p) : strlen(p));
}

static bool
dir_has_release(const struct apt_dir *d, const char *prefix)
{
	char rel[600];

	return (snprintf(rel, sizeof(rel), "%s_InRelease", prefix) <
			(int)sizeof(rel) &&
		dir_has(d, rel)) ||
		(snprintf(rel, sizeof(rel), "%s_Release", prefix) <
			 (int)sizeof(rel) &&
		 dir_has(d, rel));
}

/* Read the Release file for prefix, if any, into o. */
static enum vg_rc
origin_load(struct vg_collect *c, struct apt_dir *d, struct vg_buf *buf,
	    struct origin *o, int64_t *newest)
{
	static const char *const kinds[] = {"_InRelease", "_Release"};
	char rel[600], path[700];
	struct vg_err err;
	struct stat st;
	size_t i;
	enum vg_rc rc;

	for (i = 0; i < VG_ARRAY_LEN(kinds); i++) {
		if (snprintf(rel, sizeof(rel), "%s%s", o->prefix, kinds[i]) >=
			    (int)sizeof(rel) ||
		    !dir_has(d, rel))
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", APT_LISTS, rel);
		vg_err_clear(&err);
		rc = vg_root_read(c->root, path, APT_MAX_RELEASE_FILE, buf,
				  &err);
		if (rc == VG_ERR_NOMEM)
			return rc;
		if (rc != VG_OK) {
			vg_facts_warn(c->facts, "%s", err.msg);
			continue;
		}
		vg_apt_release_parse(c->facts, path, buf->data, buf->len,
				     &o->rel);
		o->found = true;
		if (vg_root_stat(c->root, path, &st) == 0 &&
		    (int64_t)st.st_mtime > *newest)
			*newest = (int64_t)st.st_mtime;
		break;
	}
	return VG_OK;
}

/*
 * The origin of a list: its Release file is found by trying shorter and
 * shorter prefixes of the list's name (cut at '_'), since a suite may
 * itself hold '_' ("dists_buster_updates"). Cached per prefix.
 */
static enum vg_rc
origin_for(struct vg_collect *c, struct apt_dir *d, struct vg_buf *buf,
	   const char *name, size_t base, int64_t *newest,
	   const struct origin **out)
{
	char prefix[512];
	struct origin *o;
	const char *cut;
	size_t i;
	enum vg_rc rc;

	*out = NULL;
	if (base >= sizeof(prefix))
		return VG_OK;
	memcpy(prefix, name, base);
	prefix[base] = '\0';
	while (!dir_has_release(d, prefix)) {
		if ((cut = strrchr(prefix, '_')) == NULL) {
			/* None found: the list stands alone. */
			memcpy(prefix, name, base);
			prefix[base] = '\0';
			break;
		}
		prefix[cut - prefix] = '\0';
	}
	for (i = 0; i < d->n_origins; i++)
		if (strcmp(d->origins[i].prefix, prefix) == 0) {
			*out = &d->origins[i];
			return VG_OK;
		}
	if ((o = reallocarray(d->origins, d->n_origins + 1, sizeof(*o))) ==
	    NULL)
		return VG_ERR_NOMEM;
	d->origins = o;
	o = &d->origins[d->n_origins];
	memset(o, 0, sizeof(*o));
	if ((o->prefix = strdup(prefix)) == NULL)
		return VG_ERR_NOMEM;
	d->n_origins++;
	if ((rc = origin_load(c, d, buf, o, newest)) != VG_OK)
		return rc;
	o->suite = o->rel.suite != NULL   ? o->rel.suite
		: o->rel.codename != NULL ? o->rel.codename
					  : suite_from_name(c->facts, prefix);
	o->security = o->found ? vg_apt_release_security(&o->rel)
			       : strstr(prefix, "security") != NULL;
	o->backports = o->rel.not_automatic && o->rel.but_automatic_upgrades;
	o->skip = o->rel.not_automatic && !o->rel.but_automatic_upgrades;
	*out = o;
	return VG_OK;
}

/* ------------------------------------------------------------------ */
/* The collector                                                        */

/* The index of one list: built by a scan, or loaded from the cache. */
struct list_index {
	struct vg_apt_index_builder b;
	struct vg_apt_index ix;
	bool building;
};

static bool
want_all(void *ctx, const char *name, size_t n)
{
	(void)ctx;
	(void)name;
	(void)n;
	return true;
}

/* What the stream's callbacks see. */
struct index_ctx {
	struct apt_scan *s;
	struct vg_apt_index_builder *b;
};

static bool
index_want(void *ctx, const char *name, size_t n)
{
	return scan_want(((struct index_ctx *)ctx)->s, name, n);
}

static enum vg_rc
index_found(void *ctx, const struct vg_apt_stanza *st)
{
	return vg_apt_index_add(((struct index_ctx *)ctx)->b, st);
}

static enum vg_rc
stream_sink(void *ctx, const char *p, size_t n)
{
	return vg_apt_stream_feed(ctx, p, n);
}

/*
 * Read the list from fd (closed by the caller), decompress and scan it
 * piece by piece into b: every stanza when the index will be cached,
 * else only the installed packages'. Memory stays bounded whatever the
 * list's size. err tells why a list cannot be used.
 */
static enum vg_rc
stream_list(struct vg_collect *c, struct apt_scan *s, int fd, const char *path,
	    struct vg_apt_index_builder *b, bool all, struct vg_err *err)
{
	struct index_ctx ic = {s, b};
	struct vg_apt_stream *st = NULL;
	struct vg_decomp *d = NULL;
	size_t total = 0;
	ssize_t n;
	enum vg_rc rc;

	if ((rc = vg_apt_stream_new(&st, c->facts, path, APT_MAX_STANZA,
				    all ? want_all : index_want, index_found,
				    &ic)) != VG_OK) {
		(void)vg_err_set(err, rc, _("out of memory"));
		goto done;
	}
	if ((rc = vg_decomp_new(&d, path, VG_MAX_LIST_FILE, stream_sink, st,
				err)) != VG_OK)
		goto done;
	for (;;) {
		n = read(fd, s->readbuf, APT_READ_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = vg_err_set(err, VG_ERR_IO,
					_("cannot read '%s': %s"), path,
					strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		/* The compressed file too has a ceiling. */
		if ((size_t)n > VG_MAX_LIST_FILE - total) {
			rc = vg_err_set(err, VG_ERR_LIMIT,
					_("'%s' is larger than %zu bytes"),
					path, (size_t)VG_MAX_LIST_FILE);
			goto done;
		}
		total += (size_t)n;
		if ((rc = vg_decomp_feed(d, s->readbuf, (size_t)n, err)) !=
		    VG_OK)
			goto done;
	}
	if ((rc = vg_decomp_finish(d, err)) != VG_OK)
		goto done;
	if ((rc = vg_apt_stream_finish(st)) != VG_OK)
		(void)vg_err_set(err, rc, _("out of memory"));
done:
	vg_decomp_free(d);
	vg_apt_stream_free(st);
	return rc;
}

/*
 * Apply a list's index: for each installed name, its records in list
 * order, as the scan would have found them. Both paths (cache or not)
 * go through here, so they cannot disagree.
 */
static enum vg_rc
index_apply(struct apt_scan *s, const struct vg_apt_index *ix)
{
	struct vg_apt_stanza st;
	const char *name;
	size_t i, k, first, count;
	enum vg_rc rc;

	for (i = 1; i <= s->n_entries; i++) {
		name = s->entries[i].pkg->name;
		/* Once per name: its first entry heads the others. */
		if (lookup(s, name, strlen(name)) != i)
			continue;
		count = vg_apt_index_find(ix, name, strlen(name), &first);
		for (k = first; k < first + count; k++)
			if (vg_apt_index_get(ix, k, &st) &&
			    (rc = scan_found(s, &st)) != VG_OK)
				return rc;
	}
	return VG_OK;
}

static void
list_id(const struct stat *st, struct vg_apt_list_id *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	id->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
}

/* Replay the warnings the scan of a cached list gave. */
static void
replay_warnings(struct vg_facts *f, const struct vg_apt_index *ix)
{
	const char *w;
	size_t pos = 0;

	while (vg_apt_index_warning(ix, &pos, &w))
		vg_facts_warn(f, "%s", w);
}

/*
 * Build the index of the list open on fd. A list that cannot be used
 * leaves no warning but "list skipped", as when it was read whole.
 */
static enum vg_rc
build_index(struct vg_collect *c, struct apt_scan *s, int fd, const char *path,
	    const char *key, const struct vg_apt_list_id *id,
	    struct list_index *li)
{
	struct vg_facts *f = c->facts;
	size_t n0 = f->n_warnings, dropped0 = f->n_warnings_dropped, i;
	const unsigned char *img;
	struct vg_err err;
	size_t len;
	bool cache = s->cache_dir[0] != '\0';
	enum vg_rc rc;

	vg_err_clear(&err);
	if ((rc = vg_apt_index_builder_init(&li->b, cache ? key : "")) != VG_OK)
		return rc;
	li->building = true;
	rc = stream_list(c, s, fd, path, &li->b, cache, &err);
	if (rc == VG_OK && li->b.too_big)
		rc = vg_err_set(&err, VG_ERR_LIMIT,
				_("'%s': too many packages"), path);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if (rc != VG_OK) {
		f->n_warnings = n0;
		f->n_warnings_dropped = dropped0;
		vg_facts_warn(f, _("%s: list skipped"), err.msg);
		return VG_ERR_PARSE;
	}
	for (i = n0; i < f->n_warnings; i++)
		if ((rc = vg_apt_index_add_warning(&li->b, f->warnings[i])) !=
		    VG_OK)
			return rc;
	if ((rc = vg_apt_index_build(&li->b, id, &img, &len)) != VG_OK)
		return rc;
	if (vg_apt_index_open(&li->ix, img, len, NULL, NULL) != VG_OK)
		return VG_ERR_NOMEM; /* cannot be: our own image */
	/* A warning lost past the limit would be lost for good. */
	if (cache && !li->b.no_store && f->n_warnings_dropped == dropped0)
		vg_apt_cache_store(s->cache_dir, key, img, len);
	return VG_OK;
}

/*
 * Where the index cache is, if anywhere: s->cache_dir stays "" when it
 * is off (VIGIE_NO_CACHE, no usable directory). Scans of another root
 * (--root DIR) are cached too: the key holds the root's real path.
 */
static void
cache_setup(struct vg_collect *c, struct apt_scan *s)
{
	if (c->root->path == NULL ||
	    !vg_apt_cache_dir(c->root, s->cache_dir, sizeof(s->cache_dir)) ||
	    (s->real_root = realpath(c->root->path, NULL)) == NULL) {
		s->cache_dir[0] = '\0';
		return;
	}
	if (strcmp(s->real_root, "/") == 0)
		s->real_root[0] = '\0'; /* "/var/lib/...", not "//var/..." */
}

/*
 * Scan one list file, from the cache when its index there matches the
 * file; a bad file is a warning, only NOMEM an error.
 */
static enum vg_rc
scan_list(struct vg_collect *c, struct apt_scan *s, const char *path,
	  int64_t *mtime)
{
	struct vg_apt_list_id id;
	struct list_index li;
	struct stat st;
	char key[4096];
	int fd;
	enum vg_rc rc;

	memset(&li, 0, sizeof(li));
	fd = vg_root_openat(c->root, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		vg_facts_warn(c->facts, _("cannot open '%s': %s: list skipped"),
			      path, strerror(errno));
		return VG_ERR_PARSE;
	}
	/* A FIFO or device would hang or never end. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		vg_facts_warn(c->facts,
			      _("'%s' is not a regular file: list skipped"),
			      path);
		close(fd);
		return VG_ERR_PARSE;
	}
	*mtime = (int64_t)st.st_mtime;
	list_id(&st, &id);
	s->file = path;
	/* The key: where the list really is, root included. */
	if (s->cache_dir[0] != '\0' &&
	    snprintf(key, sizeof(key), "%s%s", s->real_root, path) <
		    (int)sizeof(key) &&
	    vg_apt_cache_load(&li.ix, s->cache_dir, key, &id) == VG_OK) {
		replay_warnings(c->facts, &li.ix);
		rc = index_apply(s, &li.ix);
		goto done;
	}
	if (s->cache_dir[0] == '\0')
		key[0] = '\0';
	if ((rc = build_index(c, s, fd, path, key, &id, &li)) == VG_OK)
		rc = index_apply(s, &li.ix);
done:
	close(fd);
	if (li.building)
		vg_apt_index_builder_release(&li.b);
	vg_apt_index_release(&li.ix);
	return rc;
}

/* Record the upgrades found, in the order of the installed packages. */
static enum vg_rc
scan_results(struct apt_scan *s)
{
	const char *cand, *suite;
	struct vg_upgrade *u;
	struct entry *e;
	size_t i;

	for (i = 1; i <= s->n_entries; i++) {
		e = &s->entries[i];
		cand = e->best;
		suite = e->best_suite;
		/* apt pins backports low, except for what came from there. */
		if (e->bp_best != NULL &&
		    (e->from_backports ||
		     strstr(e->pkg->version, "~bpo") != NULL) &&
		    (cand == NULL ||
		     vg_dpkg_version_cmp(e->bp_best, cand) > 0)) {
			cand = e->bp_best;
			suite = e->bp_suite;
		}
		if (cand == NULL)
			continue;
		if ((u = vg_facts_add_upgrade(s->f)) == NULL ||
		    (u->candidate = vg_facts_str(s->f, cand)) == NULL)
			return VG_ERR_NOMEM;
		u->name = e->pkg->name;
		u->installed = e->pkg->version;
		u->suite = suite;
		u->security = e->security;
	}
	return VG_OK;
}

enum vg_rc
vg_collect_apt(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	const struct origin *o;
	struct apt_scan s;
	struct apt_dir d;
	struct vg_buf rel;
	char path[700];
	int64_t newest = VG_TIME_UNKNOWN, newest_list = VG_TIME_UNKNOWN, mtime;
	size_t i, base, n_lists = 0;
	bool exists, supported;
	enum vg_rc rc;

	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	s.f = f;
	vg_arena_init(&s.arena);
	vg_buf_init(&rel, APT_MAX_RELEASE_FILE);
	if (!f->sources[VG_SRC_PACKAGES].collected) {
		vg_facts_not_collected(f, VG_SRC_APT, _("no dpkg database"));
		rc = VG_OK;
		goto done;
	}
	if ((rc = dir_read(c, &d, &exists)) != VG_OK ||
	    (rc = index_build(&s)) != VG_OK)
		goto done;
	if ((s.readbuf = malloc(APT_READ_CHUNK)) == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	cache_setup(c, &s);
	for (i = 0; i < d.n; i++) {
		if ((base = packages_base(d.names[i], &supported)) == 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", APT_LISTS,
			       d.names[i]);
		if (!supported) {
			vg_facts_warn(f,
				      _("%s: unsupported compression, list "
					"skipped"),
				      path);
			continue;
		}
		if ((rc = origin_for(c, &d, &rel, d.names[i], base, &newest,
				     &o)) != VG_OK)
			goto done;
		if (o == NULL || o->skip)
			continue; /* experimental: never a candidate */
		s.cur = o;
		rc = scan_list(c, &s, path, &mtime);
		if (rc == VG_ERR_NOMEM)
			goto done;
		if (rc != VG_OK)
			continue;
		n_lists++;
		if (mtime > newest_list)
			newest_list = mtime;
	}
	if (n_lists == 0) {
		vg_facts_not_collected(f, VG_SRC_APT, _("no apt lists in %s"),
				       APT_LISTS);
		rc = VG_OK;
		goto done;
	}
	if ((rc = scan_results(&s)) != VG_OK)
		goto done;
	f->apt.n_lists = n_lists;
	f->apt.lists_updated = newest != VG_TIME_UNKNOWN ? newest : newest_list;
	vg_facts_collected(f, VG_SRC_APT);
done:
	vg_buf_release(&rel);
	vg_arena_release(&s.arena);
	free(s.table);
	free(s.entries);
	free(s.readbuf);
	free(s.real_root);
	dir_release(&d);
	return rc;
}

/*
 * The dpkg database, /var/lib/dpkg/status: deb822 stanzas separated by
 * blank lines, continuation lines starting with a space or a tab. Only
 * packages whose files are on disk are kept (see files_present()). One
 * pass over the buffer, a line found by one memchr and told by its
 * first bytes (vg_dpkg_parse_some); field values are byte ranges until a
 * stanza is complete, then checked and copied once into the facts arena. So the
 * file is read by pieces into one small buffer (DPKG_CHUNK), each parsed up to
 * the last stanza it ends: 400 KB read at once was 100 page faults of fresh
 * memory, a fifth of a `vuln check`'s.
 */
#include "util/common.h"

#include <stddef.h>
#include <string.h>

#include "collect/collectors.h"
#include "util/text.h"
#include "util/banned.h"

#define DPKG_STATUS "/var/lib/dpkg/status"
/* Bytes read at a time: the buffer grows only for a longer stanza. */
#define DPKG_CHUNK (64u << 10)

/* A field value inside the status buffer; s == NULL when absent. */
struct field {
	const char *s;
	size_t n;
};

struct stanza {
	int line; /* of its first line, for messages */
	bool bad; /* a line was neither "Field: value" nor a continuation */
	struct field package, version, arch, source, status;
};

/*
 * Up to 8 bytes of s in a word, in memory order: compared as bytes, never
 * read as a number, so the same on either end. n is a constant where it
 * is called: the copy is one or two loads.
 */
static inline uint64_t
word(const char *s, size_t n)
{
	uint64_t w = 0;

	memcpy(&w, s, n);
	return w;
}

#define ONES UINT64_C(0x0101010101010101)

/*
 * Whether a byte of w is a control character, below 0x20 or 0x7f: the
 * classic bit tricks (a byte below c, a zero byte after the xor), exact
 * as to whether any byte is, not as to which.
 */
static inline bool
has_control(uint64_t w)
{
	uint64_t del = w ^ (ONES * 0x7f);

	return (((w - ONES * 0x20) & ~w) | ((del - ONES) & ~del)) &
		(ONES * 0x80);
}

/*
 * True when every byte of the value is printable ASCII or UTF-8. Eight
 * bytes at a time, the last eight overlapping those before; a shorter
 * value as its first and last four (its bytes are all that matter).
 */
static inline bool
clean(struct field v)
{
	char b[8];
	size_t i;

	if (v.n >= 8) {
		for (i = 0; i < v.n - 8; i += 8)
			if (has_control(word(v.s + i, 8)))
				return false;
		return !has_control(word(v.s + v.n - 8, 8));
	}
	if (v.n >= 4) {
		memcpy(b, v.s, 4);
		memcpy(b + 4, v.s + v.n - 4, 4);
		return !has_control(word(b, 8));
	}
	for (i = 0; i < v.n; i++)
		if ((unsigned char)v.s[i] < 0x20 || v.s[i] == 0x7f)
			return false;
	return true;
}

/*
 * Status is "want flag state" (dpkg(1)). A package's files are on disk,
 * and so count for the audit, whatever the admin wants next (install,
 * hold, deinstall, purge, unknown) and even when it needs reinstalling
 * (flag reinstreq), in every state but not-installed and config-files:
 * a half-configured openssl or a "deinstall ok installed" telnetd still
 * runs. Blanks collapsed; anything but three words is not kept.
 */
static bool
files_present(struct field st)
{
	static const char *const states[] = {
		"installed",       "triggers-awaited", "triggers-pending",
		"half-configured", "unpacked",         "half-installed",
	};
	static const char usual[] = "install ok installed";
	const char *w[3], *p = st.s, *end = st.s + st.n;
	size_t len[3], i;
	int k = 0;

	/* Nearly every stanza says just that: no need to split it. */
	if (st.n == sizeof(usual) - 1 && memcmp(st.s, usual, st.n) == 0)
		return true;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		if (k == 3)
			return false;
		w[k] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		len[k] = (size_t)(p - w[k]);
		k++;
	}
	if (k != 3 ||
	    !(vg_streqn("ok", w[1], len[1]) ||
	      vg_streqn("reinstreq", w[1], len[1])))
		return false;
	for (i = 0; i < VG_ARRAY_LEN(states); i++)
		if (vg_streqn(states[i], w[2], len[2]))
			return true;
	return false;
}

/* v copied at *w as a string, *w moved past it. */
static const char *
put(char **w, struct field v)
{
	char *s = *w;

	if (v.n > 0)
		memcpy(s, v.s, v.n);
	s[v.n] = '\0';
	*w = s + v.n + 1;
	return s;
}

/*
 * Copy the package's strings into the facts, in one block of their
 * arena rather than five (3,000 packages: the allocations showed). No
 * arch is ""; no source (or version of it) is the package's own.
 */
static enum vg_rc
package_strings(struct vg_facts *f, struct vg_package *p,
		const struct stanza *st, struct field src, struct field srcver)
{
	char *w;

	/* Each at most the status file's size (VG_MAX_TEXT_FILE). */
	if ((w = vg_arena_alloc(&f->arena,
				st->package.n + st->version.n + st->arch.n +
					src.n + srcver.n + 5)) == NULL)
		return VG_ERR_NOMEM;
	p->name = put(&w, st->package);
	p->version = put(&w, st->version);
	p->arch = put(&w, st->arch);
	p->source = src.n > 0 ? put(&w, src) : p->name;
	p->source_version = srcver.n > 0 ? put(&w, srcver) : p->version;
	return VG_OK;
}

/* Keep the stanza as a package when it is installed and well formed. */
static enum vg_rc
stanza_end(struct vg_facts *f, const char *name, struct stanza *st)
{
	struct field src = st->source, srcver = {NULL, 0};
	struct vg_package *p;
	const char *open, *close;

	if (st->line == 0)
		return VG_OK; /* nothing but blank lines */
	if (st->bad || st->package.s == NULL || st->package.n == 0) {
		vg_facts_warn(f, _("%s:%d: malformed stanza skipped"), name,
			      st->line);
		return VG_OK;
	}
	if (st->status.s == NULL || !files_present(st->status))
		return VG_OK;
	if (st->version.s == NULL || st->version.n == 0 ||
	    !clean(st->package) || !clean(st->version) ||
	    (st->arch.s != NULL && !clean(st->arch)) ||
	    (src.s != NULL && !clean(src))) {
		vg_facts_warn(f,
			      _("%s:%d: installed package with a missing or "
				"invalid field skipped"),
			      name, st->line);
		return VG_OK;
	}
	/* Source: "name" or "name (version)" when it differs. */
	if (src.s != NULL && (open = memchr(src.s, '(', src.n)) != NULL) {
		close = memchr(open, ')', (size_t)(src.s + src.n - open));
		srcver.s = open + 1;
		srcver.n = close != NULL ? (size_t)(close - srcver.s)
					 : (size_t)(src.s + src.n - srcver.s);
		vg_trim(&srcver.s, &srcver.n);
		src.n = (size_t)(open - src.s);
		vg_trim(&src.s, &src.n);
		if (close == NULL || srcver.n == 0)
			vg_facts_warn(f, _("%s:%d: malformed Source field"),
				      name, st->line);
	}
	if ((p = vg_facts_add_package(f)) == NULL)
		return VG_ERR_NOMEM;
	return package_strings(f, p, st, src, srcver);
}

/*
 * Whether s[0..len) is name, given in lower case (letters only, at most
 * 16), in any case: deb822 field names are case-insensitive, in ASCII
 * whatever the locale. A byte | 0x20 (a space) is a lower-case letter
 * only for that letter in either case: eight bytes at a time.
 */
static inline bool
name_is(const char *s, const char *name, size_t len)
{
	static const char spaces[] = "        ";
	size_t head = len < 8 ? len : 8, tail = len - head;

	return (word(s, head) | word(spaces, head)) == word(name, head) &&
		(word(s + head, tail) | word(spaces, tail)) ==
		word(name + head, tail);
}

/* line[0..n) starts with the field name (a literal) and its colon. */
#define FIELD_IS(line, n, name)                                                \
	((n) > sizeof(name) - 1 && (line)[sizeof(name) - 1] == ':' &&          \
	 name_is(line, name, sizeof(name) - 1))

/*
 * The slot of a field we keep that line[0..n) is, with the length of
 * its name, or NULL. Its first letter leaves one or two names to try.
 */
static struct field *
field_slot(struct stanza *st, const char *line, size_t n, size_t *name_len)
{
#define KEEP(name, member)                                                     \
	if (FIELD_IS(line, n, name)) {                                         \
		*name_len = sizeof(name) - 1;                                  \
		return &st->member;                                            \
	}
	switch (line[0] | 0x20) {
	case 'a':
		KEEP("architecture", arch);
		break;
	case 'p':
		KEEP("package", package);
		break;
	case 's':
		KEEP("source", source);
		KEEP("status", status);
		break;
	case 'v':
		KEEP("version", version);
		break;
	}
#undef KEEP
	return NULL;
}

/*
 * A "Field: value" line (n > 0) into st; CR or blanks that end it are
 * trimmed from the value. A field we keep is known by its first bytes;
 * any other only needs its colon found. The value is nearly always
 * after one space, and ends in neither a blank nor a CR (both below
 * '!'): only others go through vg_trim.
 */
static void
field_line(struct stanza *st, const char *line, size_t n)
{
	const char *colon, *v, *end = line + n;
	struct field *slot;
	size_t name_len, vn;

	if ((slot = field_slot(st, line, n, &name_len)) == NULL) {
		colon = memchr(line, ':', n);
		if (colon == NULL || colon == line)
			st->bad = true;
		return;
	}
	v = line + name_len + 1;
	vn = (size_t)(end - v);
	if (vn >= 2 && v[0] == ' ' && (unsigned char)v[1] > ' ' &&
	    (unsigned char)end[-1] > ' ') {
		v++;
		vn--;
	} else {
		vg_trim(&v, &vn);
	}
	slot->s = v;
	slot->n = vn;
}

void
vg_dpkg_parser_init(struct vg_dpkg_parser *p, struct vg_facts *f,
		    const char *name)
{
	p->f = f;
	p->name = name;
	p->lineno = 0;
}

/*
 * One memchr finds each line's end; a continuation line (Description's
 * body: most of the bytes) needs nothing more, a field line one more for
 * its colon. A line's CR is left for the value's trim to take.
 */
enum vg_rc
vg_dpkg_parse_some(struct vg_dpkg_parser *p, const char *buf, size_t len,
		   bool last, size_t *used)
{
	const char *at = buf, *end, *nl, *next;
	struct stanza st = {0};
	int lineno = p->lineno;
	size_t n;
	enum vg_rc rc;

	*used = 0;
	/* Not the last piece: only its whole lines, the rest comes again. */
	if (!last) {
		if ((nl = memrchr(buf, '\n', len)) == NULL)
			return VG_OK;
		len = (size_t)(nl - buf) + 1;
	}
	for (end = buf + len; at < end; at = next) {
		nl = memchr(at, '\n', (size_t)(end - at));
		next = nl != NULL ? nl + 1 : end;
		n = (size_t)((nl != NULL ? nl : end) - at);
		lineno++;
		if (n == 0 || (n == 1 && at[0] == '\r')) {
			if ((rc = stanza_end(p->f, p->name, &st)) != VG_OK)
				return rc;
			st = (struct stanza){0};
			/* Parsed up to here: the field ranges are copied. */
			*used = (size_t)(next - buf);
			p->lineno = lineno;
			continue;
		}
		if (st.line == 0)
			st.line = lineno;
		/* Continuations belong to fields we skip (Description...). */
		if (at[0] != ' ' && at[0] != '\t')
			field_line(&st, at, n);
	}
	if (!last)
		return VG_OK; /* the unfinished stanza comes again */
	*used = len;
	return stanza_end(p->f, p->name, &st);
}

enum vg_rc
vg_dpkg_status_parse(struct vg_facts *f, const char *name, const char *buf,
		     size_t len)
{
	struct vg_dpkg_parser p;
	size_t used;

	vg_dpkg_parser_init(&p, f, name);
	return vg_dpkg_parse_some(&p, buf, len, true, &used);
}

/* vg_root_read_by's callback: the pieces of the status file. */
static enum vg_rc
parse_piece(void *ctx, const char *buf, size_t len, bool last, size_t *used)
{
	return vg_dpkg_parse_some(ctx, buf, len, last, used);
}

enum vg_rc
vg_collect_dpkg(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	size_t n_packages = f->n_packages, n_warnings = f->n_warnings,
	       n_dropped = f->n_warnings_dropped;
	struct vg_dpkg_parser p;
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	vg_dpkg_parser_init(&p, f, DPKG_STATUS);
	rc = vg_root_read_by(c->root, DPKG_STATUS, VG_MAX_TEXT_FILE, DPKG_CHUNK,
			     parse_piece, &p, &err);
	/* A file that failed part way leaves nothing it gave: as when it
	 * was read whole before a byte was parsed. */
	if (rc != VG_OK) {
		f->n_packages = n_packages;
		f->n_warnings = n_warnings;
		f->n_warnings_dropped = n_dropped;
	}
	if (rc == VG_ERR_NOTFOUND) {
		vg_facts_not_collected(c->facts, VG_SRC_PACKAGES,
				       _("no dpkg database (%s)"), DPKG_STATUS);
		return VG_OK;
	}
	/* The parser's own failure (no memory) leaves err empty. */
	if (rc != VG_OK && err.msg[0] != '\0') {
		vg_facts_not_collected(c->facts, VG_SRC_PACKAGES, "%s",
				       err.msg);
		return rc == VG_ERR_NOMEM ? rc : VG_OK;
	}
	if (rc != VG_OK)
		return rc;
	vg_facts_collected(c->facts, VG_SRC_PACKAGES);
	return VG_OK;
}

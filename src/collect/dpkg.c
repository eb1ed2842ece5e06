/*
 * The dpkg database, /var/lib/dpkg/status: deb822 stanzas separated by
 * blank lines, continuation lines starting with a space or a tab. Only
 * packages whose files are on disk are kept (see files_present()). One
 * pass over the buffer;
 * field values are byte ranges until a stanza is complete, then copied
 * once into the facts arena. So the file is read by pieces into one
 * small buffer (DPKG_CHUNK), each parsed up to the last stanza it ends:
 * 400 KB read at once was 100 page faults of fresh memory, a fifth of
 * a `vuln check`'s.
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

/* True when every byte of the value is printable ASCII or UTF-8. */
static bool
clean(struct field v)
{
	size_t i;

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

/*
 * Copy the package's strings into the facts, in one block of their
 * arena rather than five (3,000 packages: the allocations showed). No
 * arch is ""; no source (or version of it) is the package's own.
 */
static enum vg_rc
package_strings(struct vg_facts *f, struct vg_package *p,
		const struct stanza *st, struct field src, struct field srcver)
{
	const struct field from[] = {st->package, st->version, st->arch, src,
				     srcver};
	const char **to[] = {&p->name, &p->version, &p->arch, &p->source,
			     &p->source_version};
	size_t i, size = 0;
	char *w;

	_Static_assert(VG_ARRAY_LEN(from) == VG_ARRAY_LEN(to), "one each");
	/* Each at most the status file's size (VG_MAX_TEXT_FILE). */
	for (i = 0; i < VG_ARRAY_LEN(from); i++)
		size += from[i].n + 1;
	if ((w = vg_arena_alloc(&f->arena, size)) == NULL)
		return VG_ERR_NOMEM;
	for (i = 0; i < VG_ARRAY_LEN(from); i++) {
		if (from[i].s != NULL)
			memcpy(w, from[i].s, from[i].n);
		w[from[i].n] = '\0';
		*to[i] = w;
		w += from[i].n + 1;
	}
	if (src.s == NULL || src.n == 0)
		p->source = p->name;
	if (srcver.s == NULL || srcver.n == 0)
		p->source_version = p->version;
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

/* The fields kept, and where: names in lower case, letters only. */
#define FIELD(name, member)                                                    \
	{                                                                      \
		name, sizeof(name) - 1, offsetof(struct stanza, member)        \
	}
static const struct {
	const char *name;
	size_t len;
	size_t off;
} fields[] = {
	FIELD("package", package),   FIELD("version", version),
	FIELD("architecture", arch), FIELD("source", source),
	FIELD("status", status),
};
#undef FIELD

/*
 * The field slot for a field name, or NULL for fields we do not keep.
 * Case-insensitive, as deb822 field names are, in ASCII whatever the
 * locale: b | 0x20 is a lower-case letter only for that letter in
 * either case. Most lines are other fields (Depends, Description...):
 * their length turns most of them away before a byte is compared.
 */
static struct field *
field_slot(struct stanza *st, const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < VG_ARRAY_LEN(fields); i++) {
		if (n != fields[i].len)
			continue;
		for (k = 0; k < n; k++)
			if (((unsigned char)s[k] | 0x20) != fields[i].name[k])
				break;
		if (k == n)
			return (struct field *)((char *)st + fields[i].off);
	}
	return NULL;
}

/* One line of a stanza into st (n > 0, line number lineno). */
static void
stanza_line(struct stanza *st, const char *line, size_t n, int lineno)
{
	struct field *slot;
	const char *colon, *val;
	size_t vn;

	if (st->line == 0)
		st->line = lineno;
	/* Continuations belong to fields we skip (Description...). */
	if (line[0] == ' ' || line[0] == '\t')
		return;
	if ((colon = memchr(line, ':', n)) == NULL || colon == line) {
		st->bad = true;
		return;
	}
	if ((slot = field_slot(st, line, (size_t)(colon - line))) == NULL)
		return;
	val = colon + 1;
	vn = n - (size_t)(val - line);
	vg_trim(&val, &vn);
	slot->s = val;
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

enum vg_rc
vg_dpkg_parse_some(struct vg_dpkg_parser *p, const char *buf, size_t len,
		   bool last, size_t *used)
{
	const char *nl, *line;
	struct stanza st;
	struct vg_lines it;
	size_t n;
	int done_lines = 0;
	enum vg_rc rc;

	*used = 0;
	/* Not the last piece: only its whole lines, the rest comes again. */
	if (!last) {
		if ((nl = memrchr(buf, '\n', len)) == NULL)
			return VG_OK;
		len = (size_t)(nl - buf) + 1;
	}
	memset(&st, 0, sizeof(st));
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (n > 0) {
			stanza_line(&st, line, n, p->lineno + it.lineno);
			continue;
		}
		if ((rc = stanza_end(p->f, p->name, &st)) != VG_OK)
			return rc;
		memset(&st, 0, sizeof(st));
		/* Parsed up to here: the field ranges are copied. */
		*used = (size_t)(it.p - buf);
		done_lines = it.lineno;
	}
	if (last) {
		*used = len;
		return stanza_end(p->f, p->name, &st);
	}
	/* The unfinished stanza is parsed again with the next piece. */
	p->lineno += done_lines;
	return VG_OK;
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

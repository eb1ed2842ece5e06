/*
 * The dpkg database, /var/lib/dpkg/status: deb822 stanzas separated by
 * blank lines, continuation lines starting with a space or a tab. Only
 * packages whose files are on disk are kept (see files_present()). One
 * pass over the buffer;
 * field values are byte ranges until a stanza is complete, then copied
 * once into the facts arena.
 */
#include "util/common.h"

#include <string.h>

#include "collect/collectors.h"
#include "util/text.h"
#include "util/banned.h"

#define DPKG_STATUS "/var/lib/dpkg/status"

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
	const char *w[3], *p = st.s, *end = st.s + st.n;
	size_t len[3], i;
	int k = 0;

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
	p->name = vg_facts_strn(f, st->package.s, st->package.n);
	p->version = vg_facts_strn(f, st->version.s, st->version.n);
	p->arch = st->arch.s != NULL ? vg_facts_strn(f, st->arch.s, st->arch.n)
				     : vg_facts_str(f, "");
	p->source = src.s != NULL && src.n > 0 ? vg_facts_strn(f, src.s, src.n)
					       : p->name;
	p->source_version = srcver.s != NULL && srcver.n > 0
		? vg_facts_strn(f, srcver.s, srcver.n)
		: p->version;
	if (p->name == NULL || p->version == NULL || p->arch == NULL ||
	    p->source == NULL || p->source_version == NULL)
		return VG_ERR_NOMEM;
	return VG_OK;
}

/* The field slot for a field name, or NULL for fields we do not keep. */
static struct field *
field_slot(struct stanza *st, const char *s, size_t n)
{
	/* Case-insensitive, as deb822 field names are. */
	if (vg_strcaseeqn("Package", s, n))
		return &st->package;
	if (vg_strcaseeqn("Version", s, n))
		return &st->version;
	if (vg_strcaseeqn("Architecture", s, n))
		return &st->arch;
	if (vg_strcaseeqn("Source", s, n))
		return &st->source;
	if (vg_strcaseeqn("Status", s, n))
		return &st->status;
	return NULL;
}

enum vg_rc
vg_dpkg_status_parse(struct vg_facts *f, const char *name, const char *buf,
		     size_t len)
{
	struct stanza st;
	struct vg_lines it;
	struct field *slot;
	const char *line, *colon, *val;
	size_t n, vn;
	enum vg_rc rc;

	memset(&st, 0, sizeof(st));
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		if (n == 0) {
			if ((rc = stanza_end(f, name, &st)) != VG_OK)
				return rc;
			memset(&st, 0, sizeof(st));
			continue;
		}
		if (st.line == 0)
			st.line = it.lineno;
		/* Continuations belong to fields we skip (Description...). */
		if (line[0] == ' ' || line[0] == '\t')
			continue;
		if ((colon = memchr(line, ':', n)) == NULL || colon == line) {
			st.bad = true;
			continue;
		}
		if ((slot = field_slot(&st, line, (size_t)(colon - line))) ==
		    NULL)
			continue;
		val = colon + 1;
		vn = n - (size_t)(val - line);
		vg_trim(&val, &vn);
		slot->s = val;
		slot->n = vn;
	}
	return stanza_end(f, name, &st);
}

enum vg_rc
vg_collect_dpkg(struct vg_collect *c)
{
	struct vg_buf buf;
	struct vg_err err;
	enum vg_rc rc;

	vg_buf_init(&buf, VG_MAX_TEXT_FILE);
	vg_err_clear(&err);
	rc = vg_root_read(c->root, DPKG_STATUS, VG_MAX_TEXT_FILE, &buf, &err);
	if (rc == VG_ERR_NOTFOUND) {
		vg_facts_not_collected(c->facts, VG_SRC_PACKAGES,
				       _("no dpkg database (%s)"), DPKG_STATUS);
		rc = VG_OK;
		goto done;
	}
	if (rc != VG_OK) {
		vg_facts_not_collected(c->facts, VG_SRC_PACKAGES, "%s",
				       err.msg);
		rc = rc == VG_ERR_NOMEM ? rc : VG_OK;
		goto done;
	}
	if ((rc = vg_dpkg_status_parse(c->facts, DPKG_STATUS, buf.data,
				       buf.len)) != VG_OK)
		goto done;
	vg_facts_collected(c->facts, VG_SRC_PACKAGES);
done:
	vg_buf_release(&buf);
	return rc;
}

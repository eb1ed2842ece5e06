/*
 * Mail forwards (R6 data.mail_forward_external): /etc/aliases and each
 * account's ~/.forward. Only address-like targets (holding '@') are
 * recorded, all of them: the rule judges the domain against the policy.
 * Local names, "\user" (keep a local copy), pipes ("|cmd"), files
 * ("/path") and ":include:" lists deliver on this host and are skipped.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

#define ALIASES_FILE "/etc/aliases"
#define FORWARD_MAX_PATH 4096 /* ~/.forward path built from a home */

/* Record one target of user if it is an address. */
static enum vg_rc
add_target(struct vg_facts *f, const char *user, const char *name, int lineno,
	   const char *s, size_t n)
{
	struct vg_mail_forward *m;

	vg_trim(&s, &n);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
		vg_trim(&s, &n);
	}
	if (n == 0 || s[0] == '|' || s[0] == '/' || s[0] == '\\' ||
	    (n >= 9 && memcmp(s, ":include:", 9) == 0))
		return VG_OK;
	if (memchr(s, '@', n) == NULL)
		return VG_OK;
	if (vg_has_nul(s, n)) {
		vg_facts_warn(f, _("%s:%d: NUL byte in target"), name, lineno);
		return VG_OK;
	}
	if ((m = vg_facts_add_forward(f)) == NULL)
		return VG_ERR_NOMEM;
	m->user = vg_facts_str(f, user);
	m->file = vg_facts_str(f, name);
	m->line = lineno;
	m->target = vg_facts_strn(f, s, n);
	if (m->user == NULL || m->file == NULL || m->target == NULL)
		return VG_ERR_NOMEM;
	return VG_OK;
}

/* Split a comma-separated target list; commas inside quotes are kept. */
static enum vg_rc
add_targets(struct vg_facts *f, const char *user, const char *name, int lineno,
	    const char *s, size_t n)
{
	size_t i, start = 0, count = 0;
	bool quoted = false;
	enum vg_rc rc;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] == '"')
			quoted = !quoted;
		if (i < n && (s[i] != ',' || quoted))
			continue;
		if (++count > VG_MAX_LIST_ITEMS) {
			vg_facts_warn(f, _("%s:%d: too many targets"), name,
				      lineno);
			return VG_OK;
		}
		if ((rc = add_target(f, user, name, lineno, s + start,
				     i - start)) != VG_OK)
			return rc;
		start = i + 1;
	}
	return VG_OK;
}

/* One aliases entry "name: targets" (continuations already joined). */
static enum vg_rc
alias_entry(struct vg_facts *f, const char *name, int lineno, const char *s,
	    size_t n)
{
	char user[256];
	const char *colon, *alias;
	size_t alen;

	if ((colon = memchr(s, ':', n)) == NULL) {
		vg_facts_warn(f, _("%s:%d: alias without ':'"), name, lineno);
		return VG_OK;
	}
	alias = s;
	alen = (size_t)(colon - s);
	vg_trim(&alias, &alen);
	if (alen >= 2 && alias[0] == '"' && alias[alen - 1] == '"') {
		alias++;
		alen -= 2;
	}
	if (alen == 0 || alen >= sizeof(user) || vg_has_nul(alias, alen)) {
		vg_facts_warn(f, _("%s:%d: bad alias name"), name, lineno);
		return VG_OK;
	}
	memcpy(user, alias, alen);
	user[alen] = '\0';
	return add_targets(f, user, name, lineno, colon + 1,
			   n - (size_t)(colon + 1 - s));
}

/*
 * aliases(5): "name: target, target"; a line starting with a space or
 * tab continues the previous entry. Empty (or blank) lines and lines
 * whose first non-blank is '#' are comments: they are skipped and do not
 * end an entry being continued, so an indented comment never joins the
 * targets and a blank line never cuts a list in two.
 */
enum vg_rc
vg_aliases_parse(struct vg_facts *f, const char *name, const char *buf,
		 size_t len)
{
	struct vg_lines it;
	struct vg_buf entry;
	const char *line, *t;
	size_t n, tn;
	int first = 0;
	bool too_long = false;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&entry, VG_MAX_LINE);
	vg_lines_init(&it, buf, len);
	for (;;) {
		bool more = vg_lines_next(&it, &line, &n);
		bool cont;

		if (more) {
			/* Judge a trimmed copy: comments may be indented. */
			t = line;
			tn = n;
			vg_trim(&t, &tn);
			if (tn == 0 || t[0] == '#')
				continue;
		}
		cont = more && (line[0] == ' ' || line[0] == '\t');
		if (cont && (entry.len > 0 || too_long)) {
			if (!too_long) {
				rc = vg_buf_addc(&entry, ' ');
				if (rc == VG_OK)
					rc = vg_buf_add(&entry, line, n);
				if (rc == VG_ERR_NOMEM)
					goto done;
				too_long = rc != VG_OK;
				rc = VG_OK;
			}
			continue;
		}
		/* Anything else ends the entry being gathered. */
		if (too_long)
			vg_facts_warn(f, _("%s:%d: entry too long"), name,
				      first);
		else if (entry.len > 0 &&
			 (rc = alias_entry(f, name, first, entry.data,
					   entry.len)) != VG_OK)
			goto done;
		vg_buf_reset(&entry);
		too_long = false;
		if (!more)
			break;
		first = it.lineno;
		if ((rc = vg_buf_add(&entry, t, tn)) == VG_ERR_NOMEM)
			goto done;
		too_long = rc != VG_OK;
		rc = VG_OK;
	}
done:
	vg_buf_release(&entry);
	return rc;
}

/*
 * ~/.forward: one or more comma-separated targets per line, '#' lines
 * are comments.
 */
enum vg_rc
vg_forward_parse(struct vg_facts *f, const char *user, const char *name,
		 const char *buf, size_t len)
{
	struct vg_lines it;
	const char *line;
	size_t n;
	enum vg_rc rc;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if ((rc = add_targets(f, user, name, it.lineno, line, n)) !=
		    VG_OK)
			return rc;
	}
	return VG_OK;
}

/*
 * Read one file into buf: *found when read. A missing file, or a path
 * through something that is not a directory, is quietly skipped; a path
 * that cannot be searched (a 0700 home when not root) sets *denied; any
 * other failure is a warning.
 */
static enum vg_rc
read_optional(struct vg_collect *c, const char *path, struct vg_buf *buf,
	      bool *found, bool *denied)
{
	struct vg_err err;
	enum vg_rc rc;
	int fd, saved;

	*found = false;
	*denied = false;
	/* Resolve the path first, keeping errno from the very call that
	 * failed: vg_root_read's clean-up (close, vg_err_set) may change
	 * errno before it returns. O_PATH needs no read permission. */
	if ((fd = vg_root_openat(c->root, path, O_PATH)) == -1) {
		saved = errno;
		if (saved == EACCES)
			*denied = true;
		else if (saved != ENOENT && saved != ENOTDIR)
			vg_facts_warn(c->facts, _("cannot open '%s': %s"), path,
				      strerror(saved));
		return VG_OK;
	}
	close(fd);
	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, buf, &err);
	if (rc == VG_ERR_NOMEM)
		return rc;
	if (rc == VG_OK)
		*found = true;
	else if (rc != VG_ERR_NOTFOUND) /* removed meanwhile: fine */
		vg_facts_warn(c->facts, "%s", err.msg);
	return VG_OK;
}

enum vg_rc
vg_collect_forwards(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	char path[FORWARD_MAX_PATH];
	const struct vg_account *a;
	struct vg_buf buf;
	size_t i, homes = 0, denied_homes = 0;
	bool found, denied;
	int n;
	enum vg_rc rc;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	if ((rc = read_optional(c, ALIASES_FILE, &buf, &found, &denied)) !=
	    VG_OK)
		goto done;
	if (denied)
		vg_facts_warn(f, _("cannot open '%s': %s"), ALIASES_FILE,
			      strerror(EACCES));
	if (found &&
	    (rc = vg_aliases_parse(f, ALIASES_FILE, buf.data, buf.len)) !=
		    VG_OK)
		goto done;

	/* Without the accounts no ~/.forward can be found: say so rather
	 * than report "no forward" on half the evidence. */
	if (!f->sources[VG_SRC_PASSWD].collected) {
		vg_facts_not_collected(f, VG_SRC_MAIL_FORWARD,
				       _("accounts unknown: ~/.forward files "
					 "not inspected"));
		goto done;
	}
	for (i = 0; i < f->n_accounts; i++) {
		a = &f->accounts[i];
		if (a->home == NULL || a->home[0] != '/' || a->name == NULL)
			continue;
		if (homes++ >= VG_MAX_HOMES) {
			vg_facts_warn(f,
				      _("more than %u home directories: "
					"the rest were not inspected"),
				      (unsigned)VG_MAX_HOMES);
			break;
		}
		n = snprintf(path, sizeof(path), "%s%s.forward", a->home,
			     a->home[strlen(a->home) - 1] == '/' ? "" : "/");
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if ((rc = read_optional(c, path, &buf, &found, &denied)) !=
		    VG_OK)
			goto done;
		denied_homes += denied;
		if (found &&
		    (rc = vg_forward_parse(f, a->name, path, buf.data,
					   buf.len)) != VG_OK)
			goto done;
	}
	/* Not being root must not pass for "no forward": say how many
	 * homes went unseen, once. */
	if (denied_homes > 0)
		vg_facts_warn(f,
			      _("%zu home directories could not be read "
				"(run as root)"),
			      denied_homes);
	vg_facts_collected(f, VG_SRC_MAIL_FORWARD);
done:
	vg_buf_release(&buf);
	return rc;
}

/*
 * The operating system: os-release(5) (/etc/os-release, else
 * /usr/lib/os-release), shell-like KEY=value lines with "..." or '...'
 * quoting and backslash escapes; the host name from /etc/hostname, or
 * from uname(2) when auditing the live system.
 */
#include "util/common.h"

#include <string.h>
#include <sys/utsname.h>

#include "collect/collectors.h"
#include "util/text.h"
#include "util/banned.h"

#define OS_RELEASE_ETC "/etc/os-release"
#define OS_RELEASE_LIB "/usr/lib/os-release"
#define HOSTNAME_FILE "/etc/hostname"

/* The keys kept, and where they go. */
static const char **
os_slot(struct vg_os *os, const char *key, size_t n)
{
	if (vg_streqn("ID", key, n))
		return &os->id;
	if (vg_streqn("ID_LIKE", key, n))
		return &os->id_like;
	if (vg_streqn("VERSION_ID", key, n))
		return &os->version_id;
	if (vg_streqn("VERSION_CODENAME", key, n))
		return &os->codename;
	if (vg_streqn("PRETTY_NAME", key, n))
		return &os->pretty_name;
	return NULL;
}

static bool
key_char(char c, bool first)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
		(!first && c >= '0' && c <= '9');
}

/*
 * Unquote a shell-like value into out: unquoted text, "..." (where a
 * backslash escapes $ " \ `) and '...' (no escapes), concatenated as the
 * shell does. Blanks inside unquoted text are kept (systemd reads them so,
 * and some derivatives write them). Returns false on an unterminated
 * quote or a dangling backslash.
 */
static bool
unquote(const char *s, size_t n, struct vg_buf *out)
{
	const char *end = s + n;
	char q;

	vg_buf_reset(out);
	while (s < end) {
		if (*s == '"' || *s == '\'') {
			q = *s++;
			while (s < end && *s != q) {
				if (q == '"' && *s == '\\' && s + 1 < end &&
				    strchr("$\"\\`", s[1]) != NULL)
					s++;
				if (vg_buf_addc(out, *s++) != VG_OK)
					return false;
			}
			if (s == end)
				return false;
			s++;
			continue;
		}
		if (*s == '\\' && ++s == end)
			return false;
		if (vg_buf_addc(out, *s++) != VG_OK)
			return false;
	}
	return vg_buf_add(out, "", 0) == VG_OK;
}

void
vg_os_release_parse(struct vg_facts *f, const char *name, const char *buf,
		    size_t len)
{
	struct vg_lines it;
	struct vg_buf val;
	const char *line, *eq, **slot;
	size_t n, k;

	vg_buf_init(&val, VG_MAX_LINE);
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		eq = memchr(line, '=', n);
		for (k = 0; eq != NULL && line + k < eq; k++)
			if (!key_char(line[k], k == 0))
				break;
		if (eq == NULL || eq == line || line + k != eq) {
			vg_facts_warn(f, _("%s:%d: not a KEY=value line"), name,
				      it.lineno);
			continue;
		}
		if ((slot = os_slot(&f->os, line, (size_t)(eq - line))) == NULL)
			continue;
		if (!unquote(eq + 1, n - (size_t)(eq + 1 - line), &val) ||
		    vg_has_nul(val.data, val.len)) {
			vg_facts_warn(f, _("%s:%d: malformed value"), name,
				      it.lineno);
			continue;
		}
		/* A later assignment wins, as when the shell sources it. */
		*slot = vg_facts_strn(f, val.data, val.len);
	}
	vg_buf_release(&val);
}

/* The first non-comment line of /etc/hostname, trimmed; NULL if none. */
static const char *
hostname_parse(struct vg_facts *f, const char *buf, size_t len)
{
	struct vg_lines it;
	const char *line;
	size_t n;

	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if (vg_has_nul(line, n))
			return NULL;
		return vg_facts_strn(f, line, n);
	}
	return NULL;
}

enum vg_rc
vg_collect_os(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct utsname u;
	struct vg_buf buf;
	struct vg_err err;
	const char *path = OS_RELEASE_ETC;
	enum vg_rc rc;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	vg_err_clear(&err);
	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, &buf, &err);
	if (rc == VG_ERR_NOTFOUND) {
		path = OS_RELEASE_LIB;
		rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, &buf,
				  &err);
	}
	if (rc == VG_ERR_NOMEM)
		goto done;
	if (rc == VG_OK) {
		vg_os_release_parse(f, path, buf.data, buf.len);
		vg_facts_collected(f, VG_SRC_OS);
	} else {
		vg_facts_not_collected(f, VG_SRC_OS, "%s", err.msg);
	}

	rc = vg_root_read(c->root, HOSTNAME_FILE, VG_MAX_CONFIG_FILE, &buf,
			  &err);
	if (rc == VG_ERR_NOMEM)
		goto done;
	if (rc == VG_OK)
		f->os.hostname = hostname_parse(f, buf.data, buf.len);
	else if (rc != VG_ERR_NOTFOUND)
		vg_facts_warn(f, "%s", err.msg);
	/* Many systems (RHEL cloud images...) set it at boot only. */
	if (f->os.hostname == NULL && c->root->live && uname(&u) == 0)
		f->os.hostname = vg_facts_str(f, u.nodename);
	rc = VG_OK;
done:
	vg_buf_release(&buf);
	return rc;
}

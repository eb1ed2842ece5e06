/*
 * Automatic updates. Debian/Ubuntu: the unattended-upgrades package and
 * APT::Periodic::Unattended-Upgrade plus APT::Periodic::Update-Package-
 * Lists set to a non-zero interval in apt.conf (the apt.conf.d files in
 * lexical order, then apt.conf; a later setting wins), unless
 * APT::Periodic::Enable is "0", which stops apt.systemd.daily altogether.
 * RHEL family: dnf-automatic with a timer enabled that applies updates.
 */
#include "util/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/auto_updates.h"
#include "collect/collectors.h"
#include "util/text.h"
#include "util/banned.h"

#define APT_CONF_DIR "/etc/apt/apt.conf.d"
#define APT_CONF "/etc/apt/apt.conf"
#define DNF_AUTOMATIC_CONF "/etc/dnf/automatic.conf"
#define TIMERS_WANTS "/etc/systemd/system/timers.target.wants"
/* Files read from apt.conf.d (a host has tens). */
#define AUTO_MAX_CONF_FILES 1024
/* Nesting of "scope { ... };" blocks in apt.conf. */
#define AUTO_MAX_DEPTH 16
/* Longest option name kept ("APT::Periodic::Unattended-Upgrade"). */
#define AUTO_MAX_NAME 256

#define KEY_ENABLE "APT::Periodic::Enable"
#define KEY_UPGRADE "APT::Periodic::Unattended-Upgrade"
#define KEY_LISTS "APT::Periodic::Update-Package-Lists"

/* ------------------------------------------------------------------ */
/* apt.conf(5) syntax                                                   */

enum tok {
	TOK_END,
	TOK_WORD,   /* a name, or an unquoted value */
	TOK_STRING, /* "..." */
	TOK_OPEN,
	TOK_CLOSE,
	TOK_SEMI,
};

struct lexer {
	const char *p, *end;
	int line;
	const char *s; /* token text */
	size_t n;
};

/* Skip blanks and comments: //, # (and #clear/#include, not followed),
 * and C block comments. A NUL byte counts as a blank. */
static void
skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->p++;
		} else if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' ||
			   *lx->p == '\0') {
			lx->p++;
		} else if (*lx->p == '#' ||
			   (*lx->p == '/' && lx->p + 1 < lx->end &&
			    lx->p[1] == '/')) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (*lx->p == '/' && lx->p + 1 < lx->end &&
			   lx->p[1] == '*') {
			for (lx->p += 2; lx->p < lx->end; lx->p++) {
				if (*lx->p == '\n')
					lx->line++;
				if (*lx->p == '*' && lx->p + 1 < lx->end &&
				    lx->p[1] == '/') {
					lx->p += 2;
					break;
				}
			}
		} else {
			return;
		}
	}
}

/* The next token. A loop, never a recursion: hostile input of any
 * size must not grow the stack. */
static enum tok
next_token(struct lexer *lx)
{
	const char *q;

again:
	skip_space(lx);
	if (lx->p >= lx->end)
		return TOK_END;
	lx->s = lx->p;
	switch (*lx->p) {
	case '{':
		lx->p++;
		return TOK_OPEN;
	case '}':
		lx->p++;
		return TOK_CLOSE;
	case ';':
		lx->p++;
		return TOK_SEMI;
	case '"':
		/* No escapes in apt strings; an unterminated one ends at EOL.
		 */
		q = memchr(lx->p + 1, '"', (size_t)(lx->end - lx->p - 1));
		lx->s = lx->p + 1;
		if (q == NULL || memchr(lx->s, '\n', (size_t)(q - lx->s))) {
			q = memchr(lx->s, '\n', (size_t)(lx->end - lx->s));
			if (q == NULL)
				q = lx->end;
			lx->n = (size_t)(q - lx->s);
			lx->p = q;
			return TOK_STRING;
		}
		lx->n = (size_t)(q - lx->s);
		lx->p = q + 1;
		return TOK_STRING;
	}
	while (lx->p < lx->end && strchr(" \t\r\n{};\"", *lx->p) == NULL &&
	       *lx->p != '\0')
		lx->p++;
	if (lx->p == lx->s) {
		/* Unreachable (skip_space ate NULs); never loop in place. */
		lx->p++;
		goto again;
	}
	lx->n = (size_t)(lx->p - lx->s);
	return TOK_WORD;
}

static void
assign(struct vg_apt_periodic *ac, const char *name, const char *file, int line,
       const char *v, size_t n)
{
	struct vg_apt_setting *s;

	if (strcasecmp(name, KEY_ENABLE) == 0)
		s = &ac->enable;
	else if (strcasecmp(name, KEY_UPGRADE) == 0)
		s = &ac->upgrade;
	else if (strcasecmp(name, KEY_LISTS) == 0)
		s = &ac->lists;
	else
		return;
	if (n >= sizeof(s->value))
		n = sizeof(s->value) - 1;
	memcpy(s->value, v, n);
	s->value[n] = '\0';
	(void)snprintf(s->where, sizeof(s->where), "%s:%d", file, line);
	s->set = true;
}

/*
 * Parse one apt.conf file. Options are "Name value;" or "Name { ... };"
 * with Name a "::"-joined path, names case-insensitive; values inside a
 * block without a name (list items) are ignored.
 */
void
vg_apt_conf_parse(struct vg_facts *f, struct vg_apt_periodic *ac,
		  const char *file, const char *buf, size_t len)
{
	struct lexer lx = {buf, buf + len, 1, NULL, 0};
	char scope[AUTO_MAX_NAME], full[AUTO_MAX_NAME * 2 + 2];
	size_t depth_len[AUTO_MAX_DEPTH], depth = 0, sl = 0;
	const char *name = NULL, *val = NULL;
	size_t name_n = 0, val_n = 0;
	int name_line = 0;
	enum tok t;

	scope[0] = '\0';
	while ((t = next_token(&lx)) != TOK_END) {
		switch (t) {
		case TOK_WORD:
		case TOK_STRING:
			if (name == NULL && t == TOK_WORD) {
				name = lx.s;
				name_n = lx.n;
				name_line = lx.line;
			} else if (val == NULL) {
				val = lx.s;
				val_n = lx.n;
			}
			break;
		case TOK_OPEN:
			if (depth == AUTO_MAX_DEPTH) {
				vg_facts_warn(f,
					      _("%s:%d: blocks nested too "
						"deeply"),
					      file, lx.line);
				return;
			}
			depth_len[depth++] = sl;
			/* A block opens a scope: "APT { Periodic { ...". */
			if (name != NULL && sl + name_n + 3 < sizeof(scope)) {
				if (sl > 0) {
					memcpy(scope + sl, "::", 2);
					sl += 2;
				}
				memcpy(scope + sl, name, name_n);
				sl += name_n;
				scope[sl] = '\0';
			}
			name = val = NULL;
			break;
		case TOK_CLOSE:
			if (depth == 0) {
				vg_facts_warn(f, _("%s:%d: unbalanced '}'"),
					      file, lx.line);
				return;
			}
			sl = depth_len[--depth];
			scope[sl] = '\0';
			name = val = NULL;
			break;
		case TOK_SEMI:
			if (name != NULL && val != NULL &&
			    name_n < AUTO_MAX_NAME) {
				(void)snprintf(full, sizeof(full), "%s%s%.*s",
					       scope, sl > 0 ? "::" : "",
					       (int)name_n, name);
				assign(ac, full, file, name_line, val, val_n);
			}
			name = val = NULL;
			break;
		case TOK_END:
			break;
		}
	}
	if (depth != 0)
		vg_facts_warn(f, _("%s: unterminated block"), file);
}

/* apt reads apt.conf.d files named [A-Za-z0-9_.-]+ with no extension or
 * ".conf"; backups (.dpkg-old, .ucf-dist, .disabled...) are ignored. */
static bool
apt_conf_name_ok(const char *name)
{
	const char *p, *dot = strrchr(name, '.');

	if (name[0] == '.' || name[0] == '\0')
		return false;
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return false;
	return dot == NULL || strcmp(dot, ".conf") == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum vg_rc
read_apt_file(struct vg_collect *c, struct vg_apt_periodic *ac,
	      const char *path, struct vg_buf *buf)
{
	struct vg_err err;
	enum vg_rc rc;

	vg_err_clear(&err);
	rc = vg_root_read(c->root, path, VG_MAX_CONFIG_FILE, buf, &err);
	if (rc == VG_OK)
		vg_apt_conf_parse(c->facts, ac, path, buf->data, buf->len);
	else if (rc != VG_ERR_NOTFOUND && rc != VG_ERR_NOMEM)
		vg_facts_warn(c->facts, "%s", err.msg);
	return rc == VG_ERR_NOMEM ? rc : VG_OK;
}

/* Every apt.conf.d file in lexical order, then apt.conf. */
static enum vg_rc
read_apt_conf(struct vg_collect *c, struct vg_apt_periodic *ac)
{
	struct dirent *de;
	struct vg_buf buf;
	char **names = NULL, **p, path[600];
	size_t n = 0, i;
	DIR *d;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	if ((d = vg_root_opendir(c->root, APT_CONF_DIR)) != NULL) {
		while ((de = readdir(d)) != NULL && n < AUTO_MAX_CONF_FILES) {
			if (!apt_conf_name_ok(de->d_name))
				continue;
			if ((p = reallocarray(names, n + 1, sizeof(*p))) ==
			    NULL) {
				rc = VG_ERR_NOMEM;
				break;
			}
			names = p;
			if ((names[n] = strdup(de->d_name)) == NULL) {
				rc = VG_ERR_NOMEM;
				break;
			}
			n++;
		}
		closedir(d);
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == VG_OK; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", APT_CONF_DIR,
			       names[i]);
		rc = read_apt_file(c, ac, path, &buf);
	}
	if (rc == VG_OK)
		rc = read_apt_file(c, ac, APT_CONF, &buf);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	vg_buf_release(&buf);
	return rc;
}

/*
 * apt.systemd.daily takes an interval in days, or with a unit suffix
 * (s, m, h, d: "12h", "1d"), or "always". Zero, negative and anything
 * else (apt's shell arithmetic fails on it) count as off.
 */
bool
vg_apt_periodic_on(const char *value)
{
	size_t n = strlen(value);
	int64_t v;

	if (strcasecmp(value, "always") == 0)
		return true;
	if (n > 1 && strchr("smhd", value[n - 1]) != NULL)
		n--;
	return vg_parse_int(value, n, INT64_MIN, INT64_MAX, &v) == VG_OK &&
		v > 0;
}

static bool
periodic_on(const struct vg_apt_setting *s)
{
	return s->set && vg_apt_periodic_on(s->value);
}

/* APT::Periodic::Enable: apt.systemd.daily exits when it is 0; any
 * other value, or none, leaves it on. */
static bool
periodic_enabled(const struct vg_apt_setting *s)
{
	int64_t v;

	return !s->set ||
		vg_parse_intz(s->value, INT64_MIN, INT64_MAX, &v) != VG_OK ||
		v != 0;
}

static bool
package_installed(const struct vg_facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_packages; i++)
		if (f->packages[i].name != NULL &&
		    strcmp(f->packages[i].name, name) == 0)
			return true;
	return false;
}

static const char *
detail(struct vg_facts *f, const char *where, const char *key,
       const char *value)
{
	char msg[1024];

	(void)snprintf(msg, sizeof(msg), "%s: %s \"%s\"", where, key, value);
	return vg_facts_str(f, msg);
}

static enum vg_rc
debian(struct vg_collect *c)
{
	struct vg_auto_updates *au = &c->facts->auto_updates;
	struct vg_facts *f = c->facts;
	struct vg_apt_periodic ac;
	enum vg_rc rc;

	memset(&ac, 0, sizeof(ac));
	au->mechanism = vg_facts_str(f, "unattended-upgrades");
	if (!package_installed(f, "unattended-upgrades")) {
		au->detail = vg_facts_str(f,
					  _("the unattended-upgrades "
					    "package is not installed"));
		return VG_OK;
	}
	if ((rc = read_apt_conf(c, &ac)) != VG_OK)
		return rc;
	/* The deciding setting: the one that is off, else the upgrade. */
	if (!periodic_enabled(&ac.enable)) {
		au->detail =
			detail(f, ac.enable.where, KEY_ENABLE, ac.enable.value);
	} else if (!periodic_on(&ac.upgrade)) {
		au->detail = ac.upgrade.set
			? detail(f, ac.upgrade.where, KEY_UPGRADE,
				 ac.upgrade.value)
			: vg_facts_str(f, KEY_UPGRADE " is not set");
	} else if (!periodic_on(&ac.lists)) {
		au->detail = ac.lists.set
			? detail(f, ac.lists.where, KEY_LISTS, ac.lists.value)
			: vg_facts_str(f, KEY_LISTS " is not set");
	} else {
		au->enabled = true;
		au->detail = detail(f, ac.upgrade.where, KEY_UPGRADE,
				    ac.upgrade.value);
	}
	return VG_OK;
}

/* A unit enabled for timers.target: a link in its .wants directory. */
static bool
timer_enabled(struct vg_collect *c, const char *unit)
{
	char path[256];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", TIMERS_WANTS, unit);
	/* The link itself: its target may be missing in an image. */
	if ((fd = vg_root_openat(c->root, path, O_PATH | O_NOFOLLOW)) == -1)
		return false;
	close(fd);
	return true;
}

/* [commands] apply_updates of automatic.conf: its file:line, or 0. */
static int
dnf_apply_updates(const char *buf, size_t len, bool *apply)
{
	struct vg_lines it;
	const char *line, *eq, *k, *v;
	size_t n, kn, vn;
	bool in_commands = false;
	int found = 0;

	*apply = false;
	vg_lines_init(&it, buf, len);
	while (vg_lines_next(&it, &line, &n)) {
		vg_trim(&line, &n);
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[') {
			in_commands =
				n >= 10 && memcmp(line, "[commands]", 10) == 0;
			continue;
		}
		if (!in_commands || (eq = memchr(line, '=', n)) == NULL)
			continue;
		k = line;
		kn = (size_t)(eq - line);
		vg_trim(&k, &kn);
		v = eq + 1;
		vn = (size_t)(line + n - v);
		vg_trim(&v, &vn);
		if (!vg_streqn("apply_updates", k, kn))
			continue;
		*apply = vg_strcaseeqn("yes", v, vn) ||
			vg_strcaseeqn("true", v, vn) ||
			vg_strcaseeqn("1", v, vn) || vg_strcaseeqn("on", v, vn);
		found = it.lineno;
	}
	return found;
}

static enum vg_rc
rhel(struct vg_collect *c, const char *conf, size_t len)
{
	struct vg_auto_updates *au = &c->facts->auto_updates;
	struct vg_facts *f = c->facts;
	char msg[1024];
	bool apply, timer, install_timer;
	int line;

	au->mechanism = vg_facts_str(f, "dnf-automatic");
	line = dnf_apply_updates(conf, len, &apply);
	timer = timer_enabled(c, "dnf-automatic.timer");
	install_timer = timer_enabled(c, "dnf-automatic-install.timer");
	/* dnf-automatic-install.timer applies updates whatever the file. */
	if (install_timer) {
		au->enabled = true;
		(void)snprintf(msg, sizeof(msg), "%s/%s", TIMERS_WANTS,
			       "dnf-automatic-install.timer");
	} else if (!timer) {
		(void)snprintf(msg, sizeof(msg),
			       _("no dnf-automatic timer is enabled in %s"),
			       TIMERS_WANTS);
	} else if (line == 0) {
		(void)snprintf(msg, sizeof(msg),
			       _("%s: apply_updates is not set"),
			       DNF_AUTOMATIC_CONF);
	} else {
		au->enabled = apply;
		(void)snprintf(msg, sizeof(msg), "%s:%d: apply_updates = %s",
			       DNF_AUTOMATIC_CONF, line, apply ? "yes" : "no");
	}
	au->detail = vg_facts_str(f, msg);
	return VG_OK;
}

enum vg_rc
vg_collect_auto_updates(struct vg_collect *c)
{
	struct vg_facts *f = c->facts;
	struct vg_buf buf;
	struct vg_err err;
	enum vg_rc rc;

	vg_buf_init(&buf, VG_MAX_CONFIG_FILE);
	vg_err_clear(&err);
	rc = vg_root_read(c->root, DNF_AUTOMATIC_CONF, VG_MAX_CONFIG_FILE, &buf,
			  &err);
	if (rc == VG_ERR_NOMEM)
		goto done;
	if (f->sources[VG_SRC_PACKAGES].collected) {
		rc = debian(c);
	} else if (rc == VG_OK) {
		rc = rhel(c, buf.data, buf.len);
	} else if (rc != VG_ERR_NOTFOUND) {
		vg_facts_not_collected(f, VG_SRC_AUTO_UPDATES, "%s", err.msg);
		rc = VG_OK;
		goto done;
	} else if (vg_root_stat(c->root, "/etc/dnf", &(struct stat){0}) == 0) {
		/* dnf without dnf-automatic: nothing updates by itself. */
		f->auto_updates.mechanism = vg_facts_str(f, "dnf-automatic");
		f->auto_updates.detail =
			vg_facts_str(f, _("dnf-automatic is not installed"));
		rc = VG_OK;
	} else {
		vg_facts_not_collected(f, VG_SRC_AUTO_UPDATES,
				       _("no supported package manager (dpkg "
					 "or dnf) found"));
		rc = VG_OK;
		goto done;
	}
	if (rc == VG_OK)
		vg_facts_collected(f, VG_SRC_AUTO_UPDATES);
done:
	vg_buf_release(&buf);
	return rc;
}

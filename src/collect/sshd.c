/*
 * sshd_config(5) collector: the effective global PermitRootLogin of
 * /etc/ssh/sshd_config and the files it includes, read inside the root.
 *
 * sshd keeps the first value it obtains for a keyword. Lines after a
 * Match belong to that Match until the next Match or the end of the file
 * they are in, and an Include inside a Match brings its files into the
 * Match. Such lines do not set the global value, except under "Match
 * all", which applies to every connection and overrides it.
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/collectors.h"
#include "collect/include.h"
#include "collect/sshd.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/banned.h"

#define SS_MAX_VALUE 64         /* longest PermitRootLogin value kept */
#define SS_MAX_QUOTE 64         /* input bytes quoted in a warning */
#define SS_MAX_DIR_ENTRIES 4096 /* names matched in one directory */
#define SS_MAX_GLOB_DIRS 256    /* directories read for one Include */
#define SS_DEFAULT "prohibit-password"

/* Which connections the current line applies to. */
enum ss_scope {
	SS_GLOBAL, /* outside any Match */
	SS_ALL,    /* inside "Match all": every connection, overriding */
	SS_SOME,   /* inside another Match: not the global value */
};

struct ss_value {
	const char *value; /* owned by the facts */
	const char *file;
	int line;
};

struct ss_parser {
	struct vg_facts *f;
	const struct vg_root *root;
	struct vg_include_guard inc; /* loops and limits of Include */
	size_t glob_dirs; /* directories read for the current Include */
	struct ss_value global, all;
};

static enum vg_rc ss_parse_buf(struct ss_parser *p, const char *name,
			       const char *buf, size_t len,
			       enum ss_scope scope);

static int
ss_quote_len(size_t n)
{
	return n > SS_MAX_QUOTE ? SS_MAX_QUOTE : (int)n;
}

/*
 * The next argument of a line, as sshd splits them: blanks separate,
 * double or single quotes group. False at the end of the line or at a
 * '#' starting a comment.
 */
static bool
ss_arg(const char **s, const char *end, const char **arg, size_t *n)
{
	const char *q;
	char quote;

	while (*s < end && (**s == ' ' || **s == '\t'))
		(*s)++;
	if (*s >= end || **s == '#')
		return false;
	if (**s == '"' || **s == '\'') {
		quote = **s;
		*arg = ++(*s);
		q = memchr(*s, quote, (size_t)(end - *s));
		*n = q ? (size_t)(q - *arg) : (size_t)(end - *arg);
		*s = q ? q + 1 : end;
		return true;
	}
	for (q = *s; q < end && *q != ' ' && *q != '\t'; q++)
		;
	*arg = *s;
	*n = (size_t)(q - *s);
	*s = q;
	return true;
}

/* What an included file is parsed with: the scope of its Include. */
struct ss_include_ctx {
	struct ss_parser *p;
	enum ss_scope scope;
};

static enum vg_rc
ss_parse_cb(void *ctx, const char *name, const char *buf, size_t len)
{
	const struct ss_include_ctx *x = ctx;

	return ss_parse_buf(x->p, name, buf, len, x->scope);
}

/* Read and parse one included file (an existing regular file). */
static enum vg_rc
ss_include_file(struct ss_parser *p, const char *from, int line,
		const char *path, enum ss_scope scope)
{
	struct ss_include_ctx x = {p, scope};

	return vg_include_file(&p->inc, from, line, path, ss_parse_cb, &x);
}

static int
ss_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
ss_has_magic(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

/*
 * Expand the glob pattern rest (components after prefix, which holds
 * plen bytes of an absolute directory path) like glob(3): a component
 * with wildcards is matched against the directory's entries (a leading
 * '.' only explicitly), in lexical order; a complete path is included
 * when it is an existing regular file. Nothing matching is not an error
 * (sshd ignores it too).
 */
static enum vg_rc
ss_glob(struct ss_parser *p, const char *from, int line, char *prefix,
	size_t plen, const char *rest, enum ss_scope scope)
{
	char comp[NAME_MAX + 1];
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i, clen, nlen;
	const char *e;
	enum vg_rc rc = VG_OK;
	DIR *d;

	/* Components without wildcards are appended as they are. */
	for (;;) {
		while (*rest == '/')
			rest++;
		if (*rest == '\0') {
			prefix[plen] = '\0';
			if (vg_root_stat(p->root, plen ? prefix : "/", &st) ==
				    0 &&
			    S_ISREG(st.st_mode))
				return ss_include_file(p, from, line, prefix,
						       scope);
			return VG_OK;
		}
		for (e = rest; *e != '\0' && *e != '/'; e++)
			;
		clen = (size_t)(e - rest);
		if (ss_has_magic(rest, clen))
			break;
		if (plen + 1 + clen >= PATH_MAX)
			return VG_OK;
		prefix[plen++] = '/';
		memcpy(prefix + plen, rest, clen);
		plen += clen;
		rest = e;
	}
	if (clen > NAME_MAX)
		return VG_OK;
	memcpy(comp, rest, clen);
	comp[clen] = '\0';
	prefix[plen] = '\0';
	if (++p->glob_dirs > SS_MAX_GLOB_DIRS) {
		if (p->glob_dirs == SS_MAX_GLOB_DIRS + 1)
			vg_facts_warn(p->f,
				      _("%s:%d: include pattern reads more "
					"than %d directories, the rest "
					"ignored"),
				      from, line, SS_MAX_GLOB_DIRS);
		return VG_OK;
	}
	if ((d = vg_root_opendir(p->root, plen ? prefix : "/")) == NULL)
		return VG_OK;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fnmatch(comp, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (n >= SS_MAX_DIR_ENTRIES) {
			vg_facts_warn(p->f,
				      _("%s:%d: more than %d matches in '%s', "
					"the rest ignored"),
				      from, line, SS_MAX_DIR_ENTRIES,
				      plen ? prefix : "/");
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nn = reallocarray(names, cap, sizeof(*names))) ==
			    NULL) {
				rc = VG_ERR_NOMEM;
				goto done;
			}
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = VG_ERR_NOMEM;
			goto done;
		}
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), ss_name_cmp);
	for (i = 0; i < n && rc == VG_OK; i++) {
		nlen = strlen(names[i]);
		if (plen + 1 + nlen >= PATH_MAX)
			continue;
		prefix[plen] = '/';
		memcpy(prefix + plen + 1, names[i], nlen);
		rc = ss_glob(p, from, line, prefix, plen + 1 + nlen, e, scope);
	}
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/* "Include pattern...": each pattern expanded in order. */
static enum vg_rc
ss_include(struct ss_parser *p, const char *file, int line, const char *s,
	   const char *end, enum ss_scope scope)
{
	char raw[PATH_MAX], path[PATH_MAX];
	const char *arg;
	enum vg_rc rc = VG_OK;
	size_t n;
	bool any = false;

	while (rc == VG_OK && ss_arg(&s, end, &arg, &n)) {
		any = true;
		if (p->root == NULL) {
			vg_facts_warn(p->f,
				      _("%s:%d: include of '%.*s' ignored"),
				      file, line, ss_quote_len(n), arg);
			continue;
		}
		/* Relative patterns are relative to /etc/ssh. */
		if (!vg_include_path("/etc/ssh", 8, arg, n, path,
				     sizeof(path))) {
			vg_facts_warn(p->f, _("%s:%d: include path too long"),
				      file, line);
			continue;
		}
		p->glob_dirs = 0;
		/* path is absolute: the glob starts at the root. */
		memmove(raw, path, strlen(path) + 1);
		rc = ss_glob(p, file, line, path, 0, raw, scope);
	}
	if (!any)
		vg_facts_warn(p->f, _("%s:%d: Include without a file"), file,
			      line);
	return rc;
}

/* PermitRootLogin value: kept lower-cased where the scope says. */
static enum vg_rc
ss_permit_root_login(struct ss_parser *p, const char *file, int line,
		     const char *s, const char *end, enum ss_scope scope)
{
	static const char *const known[] = {
		"yes",
		"no",
		"prohibit-password",
		"without-password",
		"forced-commands-only",
	};
	struct ss_value *slot;
	const char *arg;
	char low[SS_MAX_VALUE + 1];
	size_t n, i;
	bool ok = false;

	if (!ss_arg(&s, end, &arg, &n) || n == 0) {
		vg_facts_warn(p->f, _("%s:%d: PermitRootLogin without a value"),
			      file, line);
		return VG_OK;
	}
	if (n > SS_MAX_VALUE) {
		vg_facts_warn(p->f,
			      _("%s:%d: PermitRootLogin value too long, "
				"ignored"),
			      file, line);
		return VG_OK;
	}
	for (i = 0; i < n; i++)
		low[i] = (arg[i] >= 'A' && arg[i] <= 'Z')
			? (char)(arg[i] - 'A' + 'a')
			: arg[i];
	low[n] = '\0';
	for (i = 0; i < VG_ARRAY_LEN(known); i++)
		ok = ok || strcmp(low, known[i]) == 0;
	if (!ok)
		/* sshd refuses to start; keep it for the evidence. */
		vg_facts_warn(p->f,
			      _("%s:%d: unknown PermitRootLogin value '%s'"),
			      file, line, low);
	if (scope == SS_SOME)
		return VG_OK;
	slot = scope == SS_GLOBAL ? &p->global : &p->all;
	if (slot->value != NULL)
		return VG_OK; /* the first value obtained wins */
	if ((slot->value = vg_facts_str(p->f, low)) == NULL)
		return VG_ERR_NOMEM;
	slot->file = file;
	slot->line = line;
	return VG_OK;
}

/* "Match criteria...": the scope of the lines that follow. */
static enum ss_scope
ss_match(struct ss_parser *p, const char *file, int line, const char *s,
	 const char *end, enum ss_scope inherited)
{
	const char *arg, *more;
	size_t n, m;

	if (!ss_arg(&s, end, &arg, &n)) {
		vg_facts_warn(p->f, _("%s:%d: Match without criteria"), file,
			      line);
		return SS_SOME;
	}
	/* Inside a Match that does not apply to all, nothing does. */
	if (inherited == SS_SOME)
		return SS_SOME;
	if (vg_strcaseeqn("all", arg, n) && !ss_arg(&s, end, &more, &m))
		return SS_ALL;
	return SS_SOME;
}

/*
 * Parse one file; scope is that of the Include that brought it in (a
 * Match in this file ends at its end).
 */
static enum vg_rc
ss_parse_buf(struct ss_parser *p, const char *name, const char *buf, size_t len,
	     enum ss_scope scope)
{
	const enum ss_scope file_scope = scope;
	struct vg_lines it;
	const char *l, *s, *end, *kw;
	size_t n, k;
	enum vg_rc rc = VG_OK;

	vg_lines_init(&it, buf, len);
	while (rc == VG_OK && vg_lines_next(&it, &l, &n)) {
		vg_trim(&l, &n);
		if (n == 0 || l[0] == '#')
			continue;
		if (vg_has_nul(l, n)) {
			vg_facts_warn(p->f,
				      _("%s:%d: NUL byte in line, ignored"),
				      name, it.lineno);
			continue;
		}
		if (n > VG_MAX_LINE) {
			vg_facts_warn(p->f,
				      _("%s:%d: line longer than %d bytes, "
					"ignored"),
				      name, it.lineno, VG_MAX_LINE);
			continue;
		}
		/* "Keyword value", "Keyword=value" or "Keyword = value". */
		end = l + n;
		kw = l;
		for (k = 0; k < n && l[k] != ' ' && l[k] != '\t' && l[k] != '=';
		     k++)
			;
		s = l + k;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s < end && *s == '=')
			s++;
		if (vg_strcaseeqn("match", kw, k))
			scope = ss_match(p, name, it.lineno, s, end,
					 file_scope);
		else if (vg_strcaseeqn("include", kw, k))
			rc = ss_include(p, name, it.lineno, s, end, scope);
		else if (vg_strcaseeqn("permitrootlogin", kw, k))
			rc = ss_permit_root_login(p, name, it.lineno, s, end,
						  scope);
		else if (k == 0)
			vg_facts_warn(p->f,
				      _("%s:%d: missing keyword near '%.*s'"),
				      name, it.lineno, ss_quote_len(n), l);
	}
	return rc;
}

enum vg_rc
vg_sshd_parse(struct vg_facts *f, const struct vg_root *root, const char *name,
	      const char *buf, size_t len)
{
	struct ss_parser p;
	struct ss_include_ctx top = {&p, SS_GLOBAL};
	const struct ss_value *v;
	const char *fname;
	enum vg_rc rc;

	memset(&p, 0, sizeof(p));
	p.f = f;
	p.root = root;
	vg_include_init(&p.inc, f, root);
	if ((fname = vg_facts_str(f, name)) == NULL)
		return VG_ERR_NOMEM;
	if ((rc = vg_include_top(&p.inc, fname, buf, len, ss_parse_cb, &top)) !=
	    VG_OK)
		return rc;
	v = p.all.value != NULL ? &p.all : &p.global;
	if (v->value != NULL) {
		f->sshd.permit_root_login = v->value;
		f->sshd.file = v->file;
		f->sshd.line = v->line;
	} else {
		if ((f->sshd.permit_root_login = vg_facts_str(f, SS_DEFAULT)) ==
		    NULL)
			return VG_ERR_NOMEM;
		f->sshd.file = NULL;
		f->sshd.line = 0;
	}
	return VG_OK;
}

/* Is an OpenSSH server installed in the root? */
static bool
ss_sshd_installed(const struct vg_root *root)
{
	static const char *const marks[] = {
		"/usr/sbin/sshd",
		"/var/lib/dpkg/info/openssh-server.list",
	};

	return vg_root_exists_any(root, marks, VG_ARRAY_LEN(marks));
}

enum vg_rc
vg_collect_sshd(struct vg_collect *c)
{
	struct vg_err err;
	struct vg_buf b;
	enum vg_rc rc = VG_OK;

	vg_buf_init(&b, VG_MAX_CONFIG_FILE);
	if (vg_root_read(c->root, "/etc/ssh/sshd_config", VG_MAX_CONFIG_FILE,
			 &b, &err) != VG_OK) {
		if (err.rc == VG_ERR_NOMEM)
			rc = VG_ERR_NOMEM;
		else if (err.rc == VG_ERR_NOTFOUND &&
			 !ss_sshd_installed(c->root)) {
			/* No sshd: nobody logs in as root over SSH. The fact
			 * is "no value" (NULL), which no check flags. */
			c->facts->sshd.permit_root_login = NULL;
			vg_facts_collected(c->facts, VG_SRC_SSHD);
		} else
			vg_facts_not_collected(c->facts, VG_SRC_SSHD, "%s",
					       err.msg);
		goto done;
	}
	if ((rc = vg_sshd_parse(c->facts, c->root, "/etc/ssh/sshd_config",
				b.data, b.len)) == VG_OK)
		vg_facts_collected(c->facts, VG_SRC_SSHD);
done:
	vg_buf_release(&b);
	return rc;
}

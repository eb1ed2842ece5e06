/*
 * Included configuration files: the bookkeeping of include.h, shared by
 * the sudoers, sshd_config and PAM collectors so that their limits and
 * warnings cannot drift apart.
 */
#include "util/common.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "collect/include.h"
#include "util/buf.h"
#include "util/banned.h"

void
vg_include_init(struct vg_include_guard *g, struct vg_facts *f,
		const struct vg_root *root)
{
	memset(g, 0, sizeof(*g));
	g->f = f;
	g->root = root;
}

/* Parse with name on the stack; the callers checked there is room. */
static enum vg_rc
include_run(struct vg_include_guard *g, const char *name, const char *buf,
	    size_t len, vg_include_parse_fn parse, void *ctx)
{
	enum vg_rc rc;

	g->stack[g->depth++] = name;
	rc = parse(ctx, name, buf, len);
	g->depth--;
	return rc;
}

enum vg_rc
vg_include_top(struct vg_include_guard *g, const char *name, const char *buf,
	       size_t len, vg_include_parse_fn parse, void *ctx)
{
	g->n_files++;
	return include_run(g, name, buf, len, parse, ctx);
}

/* True when path may be read: no loop, not too deep, not too many. */
static bool
include_allowed(struct vg_include_guard *g, const char *from, int line,
		const char *path)
{
	int i;

	for (i = 0; i < g->depth; i++) {
		if (strcmp(g->stack[i], path) == 0) {
			vg_facts_warn(g->f,
				      _("%s:%d: include loop on '%s', ignored"),
				      from, line, path);
			return false;
		}
	}
	/* The stack holds the top file and at most this many includes. */
	if (g->depth > VG_MAX_INCLUDE_DEPTH) {
		vg_facts_warn(g->f,
			      _("%s:%d: includes nested deeper than %d, '%s' "
				"ignored"),
			      from, line, VG_MAX_INCLUDE_DEPTH, path);
		return false;
	}
	if (g->n_files >= VG_MAX_INCLUDED_FILES) {
		if (!g->warned_files)
			vg_facts_warn(g->f,
				      _("%s:%d: more than %d included files, "
					"the rest ignored"),
				      from, line, VG_MAX_INCLUDED_FILES);
		g->warned_files = true;
		return false;
	}
	return true;
}

enum vg_rc
vg_include_file(struct vg_include_guard *g, const char *from, int line,
		const char *path, vg_include_parse_fn parse, void *ctx)
{
	struct vg_err err;
	struct vg_buf b;
	const char *name;
	enum vg_rc rc = VG_OK;

	if (!include_allowed(g, from, line, path))
		return VG_OK;
	/* A file that cannot be read still counts against the limit. */
	g->n_files++;
	vg_buf_init(&b, VG_MAX_CONFIG_FILE);
	if (vg_root_read(g->root, path, VG_MAX_CONFIG_FILE, &b, &err) !=
	    VG_OK) {
		if (err.rc == VG_ERR_NOMEM)
			rc = VG_ERR_NOMEM;
		else
			vg_facts_warn(g->f, _("%s:%d: included file: %s"), from,
				      line, err.msg);
		goto done;
	}
	/* Findings name the file: it must live as long as the facts. */
	if ((name = vg_facts_str(g->f, path)) == NULL) {
		rc = VG_ERR_NOMEM;
		goto done;
	}
	rc = include_run(g, name, b.data, b.len, parse, ctx);
done:
	vg_buf_release(&b);
	return rc;
}

bool
vg_include_path(const char *dir, size_t dir_len, const char *rel,
		size_t rel_len, char *out, size_t outsz)
{
	char tmp[PATH_MAX];
	const char *c, *e;
	size_t o = 0, clen;
	int w;

	if (rel_len > 0 && rel[0] == '/')
		w = snprintf(tmp, sizeof(tmp), "%.*s", (int)rel_len, rel);
	else
		w = snprintf(tmp, sizeof(tmp), "%.*s/%.*s", (int)dir_len, dir,
			     (int)rel_len, rel);
	if (w < 0 || (size_t)w >= sizeof(tmp) || outsz < 2)
		return false;
	/* Fold component by component; ".." never climbs above "/". */
	for (c = tmp; *c != '\0'; c = e) {
		while (*c == '/')
			c++;
		for (e = c; *e != '\0' && *e != '/'; e++)
			;
		clen = (size_t)(e - c);
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		if (o + 1 + clen + 1 > outsz)
			return false;
		out[o++] = '/';
		memcpy(out + o, c, clen);
		o += clen;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return true;
}

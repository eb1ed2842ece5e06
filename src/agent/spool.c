/*
 * The on-disk spool (spool.h). Only the agent writes here, under the
 * state directory's lock, but names are still checked before use: a
 * stray file is ignored, never sent or deleted.
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/spool.h"
#include "agent/state.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/text.h"
#include "util/banned.h"

/* Files looked at in one listing: far above VG_AGENT_SPOOL_MAX, so the
 * bound only matters if something else fills the directory. */
#define SPOOL_LIST_MAX 100000
#define SPOOL_TIME_DIGITS 20
#define UUID_LEN 36

struct entry {
	char name[VG_SPOOL_NAME_MAX];
	int64_t t;     /* from the name */
	int64_t mtime; /* nanoseconds, orders reports of one second */
};

static char *
join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p != NULL)
		(void)snprintf(p, n, "%s/%s", a, b);
	return p;
}

bool
vg_spool_name_ok(const char *name)
{
	size_t i = 0, j;

	while (name[i] >= '0' && name[i] <= '9' && i < SPOOL_TIME_DIGITS)
		i++;
	if (i == 0 || name[i] != '-')
		return false;
	i++;
	for (j = 0; j < UUID_LEN; j++, i++) {
		char c = name[i];
		bool dash = j == 8 || j == 13 || j == 18 || j == 23;

		if (dash ? c != '-'
			 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return strcmp(name + i, ".json") == 0;
}

/* A leftover of vg_file_write_atomic: "<report>.json.tmp.XXXXXX". */
static bool
is_temp(const char *name)
{
	return strstr(name, ".json.tmp.") != NULL;
}

static enum vg_rc
remove_temps(const char *dir, struct vg_err *err)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return vg_err_set(err, VG_ERR_IO, _("cannot open '%s': %s"),
				  dir, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (is_temp(de->d_name))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return VG_OK;
}

enum vg_rc
vg_spool_open(struct vg_spool *sp, const char *state_dir, struct vg_err *err)
{
	enum vg_rc rc;

	sp->state_dir = strdup(state_dir);
	sp->dir = join(state_dir, "spool");
	sp->rejected = join(state_dir, "rejected");
	if (sp->state_dir == NULL || sp->dir == NULL || sp->rejected == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto fail;
	}
	if ((rc = vg_agent_mkdir(sp->dir, err)) != VG_OK ||
	    (rc = vg_agent_mkdir(sp->rejected, err)) != VG_OK ||
	    (rc = remove_temps(sp->dir, err)) != VG_OK ||
	    (rc = remove_temps(sp->rejected, err)) != VG_OK)
		goto fail;
	return VG_OK;
fail:
	vg_spool_release(sp);
	return rc;
}

void
vg_spool_release(struct vg_spool *sp)
{
	free(sp->state_dir);
	free(sp->dir);
	free(sp->rejected);
	sp->state_dir = NULL;
	sp->dir = NULL;
	sp->rejected = NULL;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

enum vg_rc
vg_spool_list(const char *dir, struct vg_spool_list *out, struct vg_err *err)
{
	struct entry *ents = NULL, *grown;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	const char *dash;
	DIR *d;
	enum vg_rc rc = VG_OK;

	out->names = NULL;
	out->n = 0;
	if ((d = opendir(dir)) == NULL)
		return vg_err_set(err, VG_ERR_IO, _("cannot open '%s': %s"),
				  dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < SPOOL_LIST_MAX) {
		/* Temporary files fail this test: a crash mid-write leaves
		 * nothing that looks like a report. */
		if (!vg_spool_name_ok(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
			    -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			grown = reallocarray(ents, cap, sizeof(*ents));
			if (grown == NULL) {
				rc = vg_err_set(err, VG_ERR_NOMEM,
						_("out of memory"));
				goto done;
			}
			ents = grown;
		}
		/* vg_spool_name_ok bounds the length. */
		memcpy(ents[n].name, de->d_name, strlen(de->d_name) + 1);
		dash = strchr(de->d_name, '-');
		if (vg_parse_int(de->d_name, (size_t)(dash - de->d_name), 0,
				 INT64_MAX, &ents[n].t) != VG_OK)
			continue; /* 20 digits past INT64_MAX: not ours */
		ents[n].mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 +
			st.st_mtim.tv_nsec;
		n++;
	}
	if (n == 0)
		goto done;
	qsort(ents, n, sizeof(*ents), entry_cmp);
	out->names = reallocarray(NULL, n, sizeof(*out->names));
	if (out->names == NULL) {
		rc = vg_err_set(err, VG_ERR_NOMEM, _("out of memory"));
		goto done;
	}
	for (i = 0; i < n; i++)
		memcpy(out->names[i], ents[i].name, sizeof(out->names[i]));
	out->n = n;
done:
	closedir(d);
	free(ents);
	return rc;
}

void
vg_spool_list_release(struct vg_spool_list *l)
{
	free(l->names);
	l->names = NULL;
	l->n = 0;
}

enum vg_rc
vg_spool_count(const struct vg_spool *sp, size_t *n, struct vg_err *err)
{
	struct vg_spool_list l;
	enum vg_rc rc;

	*n = 0;
	if ((rc = vg_spool_list(sp->dir, &l, err)) != VG_OK)
		return rc;
	*n = l.n;
	vg_spool_list_release(&l);
	return VG_OK;
}

static enum vg_rc
remove_in(const char *dir, const char *name, struct vg_err *err)
{
	char path[4096];

	if (!vg_spool_name_ok(name))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("not a spooled report: '%s'"), name);
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  dir);
	if (unlink(path) == -1 && errno != ENOENT)
		return vg_err_set(err, VG_ERR_IO, _("cannot remove '%s': %s"),
				  path, strerror(errno));
	return VG_OK;
}

/* Delete the oldest reports of dir until at most keep remain. */
static enum vg_rc
trim(const char *dir, size_t keep, size_t *dropped, struct vg_err *err)
{
	struct vg_spool_list l;
	size_t i;
	enum vg_rc rc;

	*dropped = 0;
	if ((rc = vg_spool_list(dir, &l, err)) != VG_OK)
		return rc;
	for (i = 0; l.n > keep && i < l.n - keep; i++) {
		if ((rc = remove_in(dir, l.names[i], err)) != VG_OK)
			break;
		(*dropped)++;
	}
	vg_spool_list_release(&l);
	return rc;
}

enum vg_rc
vg_spool_put(struct vg_spool *sp, int64_t now, const char *uuid,
	     const void *data, size_t len, size_t max, size_t *dropped,
	     char name[VG_SPOOL_NAME_MAX], struct vg_err *err)
{
	char buf[VG_SPOOL_NAME_MAX], path[4096];
	enum vg_rc rc;

	*dropped = 0;
	if (now < 0)
		now = 0;
	(void)snprintf(buf, sizeof(buf), "%lld-%s.json", (long long)now, uuid);
	if (!vg_spool_name_ok(buf))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("not a lower-case uuid: '%s'"), uuid);
	if (snprintf(path, sizeof(path), "%s/%s", sp->dir, buf) >=
	    (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  sp->dir);
	/* Make room first: the bound holds even if the write fails. */
	if ((rc = trim(sp->dir, max > 0 ? max - 1 : 0, dropped, err)) != VG_OK)
		return rc;
	if ((rc = vg_file_write_atomic(path, data, len, 0600, err)) != VG_OK)
		return rc;
	if (name != NULL)
		memcpy(name, buf, sizeof(buf));
	return VG_OK;
}

enum vg_rc
vg_spool_read(const struct vg_spool *sp, const char *name, size_t max,
	      struct vg_buf *out, struct vg_err *err)
{
	char path[4096];

	vg_buf_reset(out);
	if (!vg_spool_name_ok(name))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("not a spooled report: '%s'"), name);
	if (snprintf(path, sizeof(path), "%s/%s", sp->dir, name) >=
	    (int)sizeof(path))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  sp->dir);
	return vg_file_read(path, max, out, err);
}

enum vg_rc
vg_spool_remove(const struct vg_spool *sp, const char *name, struct vg_err *err)
{
	return remove_in(sp->dir, name, err);
}

enum vg_rc
vg_spool_reject(const struct vg_spool *sp, const char *name, size_t max,
		size_t *dropped, struct vg_err *err)
{
	char from[4096], to[4096];

	*dropped = 0;
	if (!vg_spool_name_ok(name))
		return vg_err_set(err, VG_ERR_USAGE,
				  _("not a spooled report: '%s'"), name);
	if (snprintf(from, sizeof(from), "%s/%s", sp->dir, name) >=
		    (int)sizeof(from) ||
	    snprintf(to, sizeof(to), "%s/%s", sp->rejected, name) >=
		    (int)sizeof(to))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  sp->dir);
	if (rename(from, to) == -1)
		return vg_err_set(err, VG_ERR_IO, _("cannot move '%s': %s"),
				  from, strerror(errno));
	return trim(sp->rejected, max, dropped, err);
}

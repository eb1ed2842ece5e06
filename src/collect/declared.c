/*
 * What vigie.conf declares about this host: the [asset] section (R1) and
 * the [backup "name"] jobs (R5), with the evidence of each job's last
 * success: the newest modification time of a regular file under its
 * path inside the root.
 *
 * The walk never follows a symbolic link (to a file or a directory): a
 * link's target may lie outside the root, and a backup is the files
 * written there, not what they point to. It is bounded in depth and in
 * entries; past a bound the newest time seen so far is kept, with a
 * warning, since it may then be older than the truth.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "util/banned.h"

#define BACKUP_MAX_DEPTH 16       /* directory levels below a job's path */
#define BACKUP_MAX_ENTRIES 100000 /* entries examined per job */

struct walk {
	int64_t newest; /* newest regular file's mtime so far */
	bool found;     /* a regular file was seen */
	size_t entries;
	bool truncated; /* a bound was hit */
	int error;      /* first errno met in a subdirectory, or 0 */
};

static void
walk_file(struct walk *w, const struct stat *st)
{
	if (!w->found || (int64_t)st->st_mtim.tv_sec > w->newest)
		w->newest = (int64_t)st->st_mtim.tv_sec;
	w->found = true;
}

/* Walk the directory d (closed here) at depth. */
static void
walk_dir(struct walk *w, DIR *d, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *sub;
	int fd, dfd = dirfd(d);

	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > BACKUP_MAX_ENTRIES) {
			w->truncated = true;
			break;
		}
		/* One name, no link followed: the walk stays in the root. */
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (w->error == 0)
				w->error = errno;
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			walk_file(w, &st);
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (depth >= BACKUP_MAX_DEPTH) {
			w->truncated = true;
			continue;
		}
		fd = openat(dfd, de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || (sub = fdopendir(fd)) == NULL) {
			if (w->error == 0)
				w->error = errno;
			if (fd != -1)
				close(fd);
			continue;
		}
		walk_dir(w, sub, depth + 1);
		if (w->entries > BACKUP_MAX_ENTRIES)
			break;
	}
	closedir(d);
}

/*
 * The last success of a job: the newest regular file under path (or
 * path itself when it is a file); NEVER when the directory holds none;
 * UNKNOWN, with a warning, when path cannot be read.
 */
static int64_t
backup_last_success(struct vg_collect *c, const char *name, const char *path)
{
	struct walk w;
	struct stat st;
	DIR *d;

	if (path == NULL || path[0] == '\0') {
		vg_facts_warn(c->facts, _("backup '%s': no path declared"),
			      name);
		return VG_TIME_UNKNOWN;
	}
	if (vg_root_stat(c->root, path, &st) == -1) {
		vg_facts_warn(c->facts, _("backup '%s': cannot read '%s': %s"),
			      name, path, strerror(errno));
		return VG_TIME_UNKNOWN;
	}
	memset(&w, 0, sizeof(w));
	if (S_ISREG(st.st_mode)) {
		walk_file(&w, &st);
	} else if (!S_ISDIR(st.st_mode)) {
		vg_facts_warn(c->facts,
			      _("backup '%s': '%s' is neither a file nor a "
				"directory"),
			      name, path);
		return VG_TIME_UNKNOWN;
	} else if ((d = vg_root_opendir(c->root, path)) == NULL) {
		vg_facts_warn(c->facts, _("backup '%s': cannot read '%s': %s"),
			      name, path, strerror(errno));
		return VG_TIME_UNKNOWN;
	} else {
		walk_dir(&w, d, 0);
	}
	if (w.truncated)
		vg_facts_warn(c->facts,
			      _("backup '%s': '%s' holds more than %d levels "
				"or %d entries; the rest was not examined"),
			      name, path, BACKUP_MAX_DEPTH, BACKUP_MAX_ENTRIES);
	if (w.error != 0)
		vg_facts_warn(c->facts,
			      _("backup '%s': part of '%s' is unreadable: %s"),
			      name, path, strerror(w.error));
	if (!w.found)
		return VG_TIME_NEVER;
	/* A file dated at or before 1970 still proves a run: not NEVER. */
	return w.newest > VG_TIME_NEVER ? w.newest : VG_TIME_NEVER + 1;
}

static enum vg_rc
copy_asset(struct vg_facts *f, const struct vg_asset_decl *d)
{
	f->asset.name = vg_facts_str(f, d->name);
	f->asset.site = vg_facts_str(f, d->site);
	f->asset.owner = vg_facts_str(f, d->owner);
	f->asset.category = vg_facts_str(f, d->category);
	f->asset.criticality = d->criticality;
	if ((d->name != NULL && f->asset.name == NULL) ||
	    (d->site != NULL && f->asset.site == NULL) ||
	    (d->owner != NULL && f->asset.owner == NULL) ||
	    (d->category != NULL && f->asset.category == NULL))
		return VG_ERR_NOMEM;
	return VG_OK;
}

enum vg_rc
vg_collect_declared(struct vg_collect *c)
{
	const struct vg_policy *p = c->policy;
	const struct vg_backup_decl *d;
	struct vg_facts *f = c->facts;
	struct vg_backup *b;
	size_t i;
	enum vg_rc rc;

	/*
	 * An undeclared asset is the most incomplete one: the source is
	 * collected with empty fields (criticality 0), so
	 * inventory.incomplete fires instead of being "not evaluated".
	 */
	if (p != NULL && p->asset.declared &&
	    (rc = copy_asset(f, &p->asset)) != VG_OK)
		return rc;
	vg_facts_collected(f, VG_SRC_ASSET);

	/* Zero declared jobs is a fact too: backup.none judges it. */
	for (i = 0; p != NULL && i < p->n_backups; i++) {
		d = &p->backups[i];
		if ((b = vg_facts_add_backup(f)) == NULL)
			return VG_ERR_NOMEM;
		b->name = vg_facts_str(f, d->name);
		b->path = vg_facts_str(f, d->path);
		if ((d->name != NULL && b->name == NULL) ||
		    (d->path != NULL && b->path == NULL))
			return VG_ERR_NOMEM;
		b->offline = d->offline;
		b->restore_tested = d->restore_tested;
		b->last_success = backup_last_success(
			c, d->name != NULL ? d->name : "", d->path);
	}
	vg_facts_collected(f, VG_SRC_BACKUPS);
	return VG_OK;
}

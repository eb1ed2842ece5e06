/*
 * Path resolution inside a root, in user space, for when openat2(2) is
 * missing (util/root_walk.h): without it vigie could not read a single
 * file of the system it audits on Linux < 5.6.
 *
 * Each component is opened O_PATH | O_NOFOLLOW relative to the directory
 * reached so far, so the kernel itself never follows a link nor climbs
 * out of that directory; links are read with readlinkat and followed
 * here, an absolute one from the root again. ".." is the kernel's
 * (the real parent, as openat2 has it), except at the root, where it
 * stays. Like the kernel, the text still to resolve is a stack: the
 * caller's path, then each link target whose end has not been reached.
 *
 * Where the answer can differ from openat2's:
 * - fs.protected_symlinks (links in sticky world-writable directories
 *   followed only for their owner) is not applied;
 * - the final open of a directory reached by ".." or by a link to "/"
 *   looks "." up in it, which needs search permission there; openat2
 *   does not ask it (only a root without search permission notices);
 * - a magic link is told by its text (see magic_link), not by the
 *   kernel's own mark;
 * - EAGAIN only when a directory on the way was really moved, where
 *   openat2 says it after any rename or mount during a walk with "..";
 * - a component swapped for a symlink between its check and the final
 *   open gives ELOOP (or, with O_PATH, an fd on that link), never what
 *   it points to.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/root_walk.h"
#include "util/banned.h"

/* Who a directory is, to check that ".." leads where we came from. */
struct dir_id {
	dev_t dev;
	ino_t ino;
};

/* A string being resolved: the caller's path or a link's target. */
struct frame {
	char *target;     /* owned (PATH_MAX bytes); NULL: the caller's path */
	const char *next; /* what is left of it */
};

struct walk {
	int root;           /* O_PATH fd of the root (owned) */
	int cur;            /* the directory reached: root or an owned fd */
	struct dir_id *ids; /* ids[0], the root, to ids[depth], cur */
	size_t depth, cap;
	/* frames[n_frames - 1] is resolved first; those below it have
	 * something left after their link (an empty rest is dropped). */
	struct frame frames[VG_MAX_SYMLINKS + 1];
	size_t n_frames;
	unsigned links; /* followed so far */
	/* The last component had a '/' after it: as for the kernel, the
	 * end must then be a directory, and a link there is followed even
	 * with O_NOFOLLOW, until the end. */
	bool trailing;
};

static void
walk_set_cur(struct walk *w, int fd)
{
	if (w->cur != w->root)
		close(w->cur);
	w->cur = fd;
}

/* Record st as the identity of the directory at depth. */
static int
walk_set_id(struct walk *w, size_t depth, const struct stat *st)
{
	struct dir_id *ids;
	size_t cap;

	if (depth >= w->cap) {
		cap = w->cap == 0 ? 16 : 2 * w->cap;
		if ((ids = reallocarray(w->ids, cap, sizeof(*ids))) == NULL)
			return -1;
		w->ids = ids;
		w->cap = cap;
	}
	w->ids[depth] = (struct dir_id){st->st_dev, st->st_ino};
	return 0;
}

/* Step into the directory fd (st its fstat); takes fd on success. */
static int
walk_into(struct walk *w, int fd, const struct stat *st)
{
	if (walk_set_id(w, w->depth + 1, st) == -1)
		return -1;
	w->depth++;
	walk_set_cur(w, fd);
	return 0;
}

static int
walk_dotdot(struct walk *w)
{
	const struct dir_id *want;
	struct stat st;
	int fd;

	/* RESOLVE_IN_ROOT: the root is its own parent. */
	if (w->depth == 0)
		return 0;
	/* Opened even when the parent is the root, for the same EACCES as
	 * the kernel's when cur may not be searched. */
	if ((fd = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	/*
	 * cur was looked up in the directory recorded below it, so that is
	 * its parent unless cur was moved meanwhile, maybe out of the root:
	 * openat2 answers EAGAIN when such a move races with "..".
	 */
	want = &w->ids[w->depth - 1];
	if (st.st_dev != want->dev || st.st_ino != want->ino) {
		close(fd);
		errno = EAGAIN;
		return -1;
	}
	w->depth--;
	if (w->depth == 0) {
		close(fd);
		fd = w->root;
	}
	walk_set_cur(w, fd);
	return 0;
}

/*
 * Whether the link fd, whose text is target, is a /proc magic link (an
 * open file, a process's root, cwd or executable, a namespace), which
 * the kernel follows to the object itself, not to its text: openat2
 * refuses them (RESOLVE_NO_MAGICLINKS). Their text is an absolute path
 * or "type:[id]"; the ordinary links of /proc ("self" -> "1234",
 * "mounts" -> "self/mounts") are relative and have no ':'. When /proc
 * cannot be told, the link is refused.
 */
static bool
magic_link(int fd, const char *target)
{
	struct statfs sfs;

	if (target[0] != '/' && strchr(target, ':') == NULL)
		return false;
	return fstatfs(fd, &sfs) == -1 || sfs.f_type == PROC_SUPER_MAGIC;
}

/*
 * Follow the link fd found in the top frame, whose text after it is
 * rest: its target is resolved next, then rest.
 */
static int
walk_link(struct walk *w, int fd, const char *rest)
{
	struct frame *f;
	char *target;
	ssize_t n;

	if (w->links++ == VG_MAX_SYMLINKS) {
		errno = ELOOP;
		return -1;
	}
	if ((target = malloc(PATH_MAX)) == NULL)
		return -1;
	/*
	 * Kernel targets are shorter than PATH_MAX; a longer one is cut. An
	 * empty one (only a crafted image holds one) leads, as for the
	 * kernel, to the link's own directory.
	 */
	if ((n = readlinkat(fd, "", target, PATH_MAX)) == -1)
		goto fail;
	if (n == PATH_MAX) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	target[n] = '\0';
	if (magic_link(fd, target)) {
		errno = ELOOP;
		goto fail;
	}
	f = &w->frames[w->n_frames - 1];
	if (*rest != '\0')
		f = &w->frames[w->n_frames++];
	else
		free(f->target);
	f->target = target;
	f->next = target;
	if (target[0] == '/') {
		walk_set_cur(w, w->root);
		w->depth = 0;
	}
	return 0;
fail:
	free(target);
	return -1;
}

static void
walk_release(struct walk *w)
{
	size_t i;

	if (w->cur != w->root)
		close(w->cur);
	if (w->root != -1)
		close(w->root);
	for (i = 0; i < w->n_frames; i++)
		free(w->frames[i].target);
	free(w->ids);
}

int
vg_root_walk_open(int root_fd, const char *path, int flags)
{
	struct walk w = {.root = -1, .cur = -1};
	struct frame *f;
	struct stat st;
	char name[PATH_MAX];
	const char *rest;
	size_t len;
	bool last;
	int fd = -1, ret = -1, saved;

	/* In the order of openat2's checks: flags, path, then root_fd. */
	if ((flags & ~VG_ROOT_OPEN_FLAGS) != 0) {
		errno = EINVAL;
		goto done;
	}
	if (strnlen(path, PATH_MAX) == PATH_MAX) {
		errno = ENAMETOOLONG;
		goto done;
	}
	if (*path == '\0') {
		errno = ENOENT;
		goto done;
	}
	w.root = openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.root == -1 || fstat(w.root, &st) == -1 ||
	    walk_set_id(&w, 0, &st) == -1)
		goto done;
	w.cur = w.root;
	w.frames[0].next = path;
	w.n_frames = 1;
	/* name: the component to open last, in cur ("." for cur itself). */
	for (;;) {
		f = &w.frames[w.n_frames - 1];
		f->next += strspn(f->next, "/");
		if (*f->next == '\0') {
			if (w.n_frames == 1) {
				memcpy(name, ".", 2);
				break;
			}
			free(f->target);
			w.n_frames--;
			continue;
		}
		/* Shorter than PATH_MAX, as every string here. */
		len = strcspn(f->next, "/");
		memcpy(name, f->next, len);
		name[len] = '\0';
		f->next += len;
		rest = f->next + strspn(f->next, "/");
		last = *rest == '\0' && w.n_frames == 1;
		if (last && rest != f->next)
			w.trailing = true;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (walk_dotdot(&w) == -1)
				goto done;
			continue;
		}
		if (last && (flags & O_NOFOLLOW) && !w.trailing)
			break;
		fd = openat(w.cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || fstat(fd, &st) == -1)
			goto done;
		if (S_ISLNK(st.st_mode)) {
			if (walk_link(&w, fd, rest) == -1)
				goto done;
			close(fd);
			fd = -1;
			continue;
		}
		if (last)
			break;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto done;
		}
		if (walk_into(&w, fd, &st) == -1)
			goto done;
		fd = -1; /* cur now */
	}
	/* name is not a link (or not to be followed): O_NOFOLLOW keeps it
	 * so if it was just swapped for one. */
	ret = openat(w.cur, name,
		     flags | O_NOFOLLOW | O_CLOEXEC |
			     (w.trailing ? O_DIRECTORY : 0));
done:
	saved = errno;
	if (fd != -1)
		close(fd);
	walk_release(&w);
	errno = saved;
	return ret;
}

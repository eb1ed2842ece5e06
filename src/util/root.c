#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * openat2(2)'s ABI (Linux 5.6), stable: declared here when the system's
 * headers predate it (RHEL 8's 4.18, Debian 10's 4.19), so vigie builds
 * there and, at run time, falls back to util/root_walk.c.
 */
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT 0x10
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#include "util/root.h"
#include "util/root_walk.h"
#include "util/banned.h"

enum vg_rc
vg_root_open(struct vg_root *r, const char *dir, struct vg_err *err)
{
	struct stat st;

	r->fd = -1;
	r->path = NULL;
	r->live = strcmp(dir, "/") == 0;
	if ((r->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return vg_err_set(
			err, errno == ENOENT ? VG_ERR_NOTFOUND : VG_ERR_IO,
			_("cannot open root '%s': %s"), dir, strerror(errno));
	if (fstat(r->fd, &st) == -1 || !S_ISDIR(st.st_mode)) {
		close(r->fd);
		r->fd = -1;
		return vg_err_set(err, VG_ERR_IO, _("'%s' is not a directory"),
				  dir);
	}
	if ((r->path = strdup(dir)) == NULL) {
		close(r->fd);
		r->fd = -1;
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	return VG_OK;
}

void
vg_root_close(struct vg_root *r)
{
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	free(r->path);
	r->path = NULL;
}

/* openat2 calls for one path that a rename elsewhere may interrupt. */
#define ROOT_OPENAT2_TRIES 8

/*
 * Whether openat2(2) can be used, asked once per process. A kernel that
 * has it answers a zero-sized struct open_how with EINVAL before looking
 * at anything else; ENOSYS (Linux < 5.6, valgrind) or EPERM (a container
 * runtime's seccomp filter: also a genuine open's answer, hence this
 * question rather than watching real opens) says the call never got
 * there. Threads asking at once get the same answer.
 */
static bool
have_openat2(void)
{
	static atomic_int known; /* 0 not asked yet, 1 yes, -1 no */
	long rc;
	int k;

	if ((k = atomic_load_explicit(&known, memory_order_relaxed)) == 0) {
		rc = syscall(SYS_openat2, AT_FDCWD, ".", NULL, (size_t)0);
		k = rc == -1 && errno == EINVAL ? 1 : -1;
		atomic_store_explicit(&known, k, memory_order_relaxed);
	}
	return k == 1;
}

int
vg_root_openat(const struct vg_root *r, const char *path, int flags)
{
	struct open_how how;
	int fd = -1, tries;

	while (*path == '/')
		path++;
	if (*path == '\0')
		path = ".";
	if ((flags & ~VG_ROOT_OPEN_FLAGS) != 0) {
		errno = EINVAL;
		return -1;
	}
	if (have_openat2()) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		/* EAGAIN: a rename or mount anywhere on the system raced
		 * with a ".." of the path; the kernel asks to try again. A
		 * system that keeps renaming gets the walk, which says
		 * EAGAIN only when a directory on the way really moved. */
		for (tries = 0; tries < ROOT_OPENAT2_TRIES; tries++) {
			fd = (int)syscall(SYS_openat2, r->fd, path, &how,
					  sizeof(how));
			if (fd != -1 || errno != EAGAIN)
				break;
		}
		if (fd != -1 || (errno != ENOSYS && errno != EAGAIN))
			return fd;
	}
	return vg_root_walk_open(r->fd, path, flags);
}

/* Bytes read at a time from a file whose size is not known (/proc). */
#define READ_CHUNK 65536

/* A read that failed (rc) with errno e. */
static enum vg_rc
read_error(const char *path, enum vg_rc rc, int e, struct vg_err *err)
{
	return vg_err_set(err, rc, _("cannot read '%s': %s"), path,
			  strerror(e));
}

static enum vg_rc
too_large(const char *path, size_t max, struct vg_err *err)
{
	return vg_err_set(err, VG_ERR_LIMIT, _("'%s' is larger than %zu bytes"),
			  path, max);
}

/* A FIFO or device would hang or never end: read regular files. */
static enum vg_rc
regular(int fd, const char *path, struct stat *st, struct vg_err *err)
{
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode))
		return vg_err_set(err, VG_ERR_IO,
				  _("'%s' is not a regular file"), path);
	return VG_OK;
}

/*
 * Read all of the open fd (named path in messages) into out; closes fd.
 * A file is read straight into out, all of it at once when fstat gives
 * its size (a dpkg status file is 400 KB: no chunk copied, no buffer
 * doubled); one that grows meanwhile, or says size 0, goes on by chunks.
 */
static enum vg_rc
read_fd(int fd, const char *path, size_t max, struct vg_buf *out,
	struct vg_err *err)
{
	struct stat st;
	size_t want, room;
	ssize_t n;
	char probe;
	enum vg_rc rc = VG_OK;

	vg_buf_reset(out);
	out->max = max;
	if ((rc = regular(fd, path, &st, err)) != VG_OK)
		goto done;
	/* Its size and a byte, to see the end in the same read. */
	want = st.st_size > 0 && (uintmax_t)st.st_size < max
		? (size_t)st.st_size + 1
		: READ_CHUNK;
	for (;;) {
		/* At max, a byte more is too much: read one to see. */
		if ((room = max - out->len) > 0) {
			rc = vg_buf_reserve(out, want < room ? want : room);
			if (rc != VG_OK) {
				(void)read_error(path, rc, ENOMEM, err);
				goto done;
			}
			/* All the room there is, within max. */
			if (room > out->cap - 1 - out->len)
				room = out->cap - 1 - out->len;
		}
		n = room > 0 ? read(fd, out->data + out->len, room)
			     : read(fd, &probe, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = read_error(path, VG_ERR_IO, errno, err);
			goto done;
		}
		if (n == 0)
			break;
		if (room == 0) {
			rc = too_large(path, max, err);
			goto done;
		}
		vg_buf_setlen(out, out->len + (size_t)n);
		want = READ_CHUNK;
	}
	if (out->data == NULL)
		rc = vg_buf_add(out, "", 0);
done:
	close(fd);
	if (rc != VG_OK)
		vg_buf_reset(out);
	return rc;
}

static enum vg_rc
open_error(const char *path, struct vg_err *err)
{
	return vg_err_set(err, errno == ENOENT ? VG_ERR_NOTFOUND : VG_ERR_IO,
			  _("cannot open '%s': %s"), path, strerror(errno));
}

/* read(2) into b's room (at least a byte) past EINTR; the count or -1. */
static ssize_t
read_some(int fd, struct vg_buf *b)
{
	ssize_t n;

	do
		n = read(fd, b->data + b->len, b->cap - 1 - b->len);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * vg_root_read_by on the open fd; closes fd. b holds what fn has not
 * consumed, and a piece more: chunk bytes at first (a power of two,
 * the doubling from 64 stops there), and more (doubling) only when fn
 * leaves over half of it; a read fills what is free. The bytes read are
 * counted against max, not b's size.
 */
static enum vg_rc
read_by(int fd, const char *path, size_t max, size_t chunk, vg_read_fn fn,
	void *ctx, struct vg_err *err)
{
	struct vg_buf b;
	struct stat st;
	size_t total = 0, used;
	ssize_t n;
	enum vg_rc rc;

	vg_buf_init(&b, max + chunk);
	if ((rc = regular(fd, path, &st, err)) != VG_OK)
		goto done;
	for (;;) {
		if ((rc = vg_buf_reserve(&b,
					 b.cap == 0 ? chunk - 1 : chunk / 2)) !=
		    VG_OK) {
			rc = read_error(path, VG_ERR_NOMEM, ENOMEM, err);
			goto done;
		}
		if ((n = read_some(fd, &b)) == -1) {
			rc = read_error(path, VG_ERR_IO, errno, err);
			goto done;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - total) {
			rc = too_large(path, max, err);
			goto done;
		}
		total += (size_t)n;
		vg_buf_setlen(&b, b.len + (size_t)n);
		if ((rc = fn(ctx, b.data, b.len, false, &used)) != VG_OK)
			goto done;
		/* Never trust a count: fn cannot consume more than it got. */
		used = used < b.len ? used : b.len;
		memmove(b.data, b.data + used, b.len - used);
		vg_buf_setlen(&b, b.len - used);
	}
	rc = fn(ctx, b.data != NULL ? b.data : "", b.len, true, &used);
done:
	close(fd);
	vg_buf_release(&b);
	return rc;
}

enum vg_rc
vg_root_read_by(const struct vg_root *r, const char *path, size_t max,
		size_t chunk, vg_read_fn fn, void *ctx, struct vg_err *err)
{
	int fd;

	fd = vg_root_openat(r, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return open_error(path, err);
	return read_by(fd, path, max, chunk, fn, ctx, err);
}

enum vg_rc
vg_root_read(const struct vg_root *r, const char *path, size_t max,
	     struct vg_buf *out, struct vg_err *err)
{
	int fd;

	vg_buf_reset(out);
	fd = vg_root_openat(r, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return open_error(path, err);
	return read_fd(fd, path, max, out, err);
}

enum vg_rc
vg_file_read(const char *path, size_t max, struct vg_buf *out,
	     struct vg_err *err)
{
	int fd;

	vg_buf_reset(out);
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return open_error(path, err);
	return read_fd(fd, path, max, out, err);
}

enum vg_rc
vg_file_write_atomic(const char *path, const void *content, size_t len,
		     mode_t mode, struct vg_err *err)
{
	char tmp[4096], dir[4096];
	const char *slash;
	size_t off = 0;
	ssize_t n;
	int fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return vg_err_set(err, VG_ERR_USAGE, _("path too long: '%s'"),
				  path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return vg_err_set(err, VG_ERR_IO, _("cannot create '%s': %s"),
				  tmp, strerror(errno));
	while (off < len) {
		n = write(fd, (const char *)content + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		off += (size_t)n;
	}
	if (fchmod(fd, mode) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	/* Make the rename itself durable. */
	slash = strrchr(path, '/');
	if (slash == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else
		(void)snprintf(dir, sizeof(dir), "%.*s",
			       (int)(slash == path ? 1 : slash - path), path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	return VG_OK;
fail:
	vg_err_set(err, VG_ERR_IO, _("cannot write '%s': %s"), path,
		   strerror(errno));
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	return VG_ERR_IO;
}

bool
vg_exe_in_build_tree(void)
{
	static const char build[] = VG_BUILD_ROOT "/";
	char exe[4096];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strncmp(exe, build, sizeof(build) - 1) == 0;
}

int
vg_root_stat(const struct vg_root *r, const char *path, struct stat *st)
{
	int fd, rc, saved;

	if ((fd = vg_root_openat(r, path, O_PATH)) == -1)
		return -1;
	rc = fstat(fd, st);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

bool
vg_root_exists_any(const struct vg_root *r, const char *const *paths, size_t n)
{
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++)
		if (vg_root_stat(r, paths[i], &st) == 0)
			return true;
	return false;
}

DIR *
vg_root_opendir(const struct vg_root *r, const char *path)
{
	DIR *d;
	int fd;

	if ((fd = vg_root_openat(r, path, O_RDONLY | O_DIRECTORY)) == -1)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

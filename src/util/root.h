/*
 * struct vg_root: a directory standing for "/" of the system audited. Every
 * path is resolved inside it (openat2 RESOLVE_IN_ROOT, or the same walk
 * in user space where the kernel lacks openat2: util/root_walk.h), so an
 * absolute symlink in a mounted image cannot make vigie read the auditing
 * host.
 */
#ifndef VG_UTIL_ROOT_H
#define VG_UTIL_ROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/err.h"

struct vg_root {
	int fd;
	char *path; /* as given, for messages */
	bool live;  /* "/" of the running system: /proc may be read */
};

/* Open dir as the root; live is true only for "/". */
enum vg_rc vg_root_open(struct vg_root *r, const char *dir, struct vg_err *err);
void vg_root_close(struct vg_root *r);

/*
 * open(2) a path inside the root, for reading: flags among O_RDONLY and
 * VG_ROOT_OPEN_FLAGS, others EINVAL. Returns an fd or -1 with errno set.
 */
int vg_root_openat(const struct vg_root *r, const char *path, int flags);

/*
 * Read the whole file at path (inside the root) into out, which is reset
 * first. VG_ERR_NOTFOUND when it does not exist, VG_ERR_LIMIT past max
 * bytes, VG_ERR_IO otherwise; err names the file.
 */
enum vg_rc vg_root_read(const struct vg_root *r, const char *path, size_t max,
			struct vg_buf *out, struct vg_err *err);

/*
 * A reader of a file by pieces: parse buf[0..len), *used set to the
 * bytes consumed (the rest is handed again, with what follows); last on
 * the final call, at the end of the file. Its failure stops the read.
 */
typedef enum vg_rc (*vg_read_fn)(void *ctx, const char *buf, size_t len,
				 bool last, size_t *used);

/*
 * Read the regular file at path (inside the root) by pieces into one
 * buffer of chunk bytes (a power of two, at least 64; it grows for a
 * unit fn leaves over half of it), for a parser that copies what it keeps:
 * no buffer of the file's size. Errors as vg_root_read's (the file is
 * at most max bytes), or fn's returned as is; fn may have been called
 * before a failure.
 */
enum vg_rc vg_root_read_by(const struct vg_root *r, const char *path,
			   size_t max, size_t chunk, vg_read_fn fn, void *ctx,
			   struct vg_err *err);

/*
 * Read a whole regular file named by an ordinary path (not inside a
 * root: --config, a facts document), with the same contract.
 */
enum vg_rc vg_file_read(const char *path, size_t max, struct vg_buf *out,
			struct vg_err *err);

/*
 * Replace path with content, never leaving it half-written: write a
 * temporary file beside it, fsync, rename, fsync the directory.
 */
enum vg_rc vg_file_write_atomic(const char *path, const void *content,
				size_t len, mode_t mode, struct vg_err *err);

/*
 * True when the running program is the one in the build tree (not an
 * installed copy): it then reads the tree's data and catalogues, so an
 * older installed vigie never changes what the tree's tests see.
 */
bool vg_exe_in_build_tree(void);

/* stat(2) inside the root (following links inside it); -1 with errno. */
int vg_root_stat(const struct vg_root *r, const char *path, struct stat *st);

/* True when any of the n paths exists inside the root. */
bool vg_root_exists_any(const struct vg_root *r, const char *const *paths,
			size_t n);

/* opendir(3) inside the root; NULL with errno set. */
DIR *vg_root_opendir(const struct vg_root *r, const char *path);

#endif

/*
 * Resolving a path inside a root in user space, where openat2(2) is
 * missing: Linux before 5.6 (RHEL 8, Debian 10, Ubuntu 20.04), valgrind,
 * container runtimes whose seccomp filter refuses syscalls they do not
 * know. util/root.c uses it then; the tests compare it with openat2.
 */
#ifndef VG_UTIL_ROOT_WALK_H
#define VG_UTIL_ROOT_WALK_H

#include <fcntl.h>

/*
 * The open flags accepted: vigie only reads the audited system, so
 * O_RDONLY (0) plus these. Anything else (a write access mode, O_CREAT,
 * O_TRUNC...) fails with EINVAL, with openat2 as without, so a new
 * caller learns it on any kernel.
 */
#define VG_ROOT_OPEN_FLAGS                                                     \
	(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)

/*
 * open(2) path (absolute or relative, the same) inside the directory
 * root_fd as openat2(2) does with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS:
 * an absolute symlink starts again at root_fd, ".." never climbs above
 * it, at most VG_MAX_SYMLINKS links are followed (ELOOP), a /proc magic
 * link is refused (ELOOP), the last component is not followed with
 * O_NOFOLLOW unless the path ends with '/'. Returns an fd (O_CLOEXEC
 * added) or -1 with errno set as openat2 would set it; EAGAIN when a
 * directory was moved while ".." was being resolved. root_fd is not
 * closed. Where it may answer otherwise than the kernel: root_walk.c.
 */
int vg_root_walk_open(int root_fd, const char *path, int flags);

#endif

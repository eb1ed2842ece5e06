/*
 * Fuzz target: util/root_walk, the user-space RESOLVE_IN_ROOT, against
 * openat2(2) itself. The input is up to three link targets and a path,
 * separated by NUL bytes ("t0\0t1\0t2\0path", or just "path"): the
 * links are made at l, a/l and a/b/l of a small tree (f, a/b/g files),
 * then the path is opened both ways with each flag set; both must open
 * the same inode or fail with the same errno, and what the walk opens
 * is never the sentinel beside the root. Without openat2 (old kernel,
 * valgrind) only the latter is checked.
 */
#include "util/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/root_walk.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the input's link targets go, in the tree. */
static const char *const link_paths[] = {"l", "a/l", "a/b/l"};

static const int flag_sets[] = {
	O_RDONLY | O_NOCTTY | O_NONBLOCK,
	O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	O_PATH,
	O_PATH | O_NOFOLLOW,
};

static char tmp[] = "/tmp/vigie-fuzz-XXXXXX";
static int root_fd = -1;
static struct stat sentinel;

/* The tree: tmp/sentinel beside tmp/root, which holds f and a/b/g. */
static const char *const dirs[] = {"root", "root/a", "root/a/b"};
static const char *const files[] = {"sentinel", "root/f", "root/a/b/g"};

static void
remove_tree(void)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(link_paths); i++)
		(void)unlinkat(root_fd, link_paths[i], 0);
	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", tmp, files[i]);
		(void)unlink(path);
	}
	for (i = VG_ARRAY_LEN(dirs); i > 0; i--) {
		(void)snprintf(path, sizeof(path), "%s/%s", tmp, dirs[i - 1]);
		(void)rmdir(path);
	}
	(void)rmdir(tmp);
}

static void
make_tree(void)
{
	char path[PATH_MAX];
	size_t i;
	int fd;

	if (mkdtemp(tmp) == NULL)
		abort();
	(void)atexit(remove_tree);
	for (i = 0; i < VG_ARRAY_LEN(dirs); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", tmp, dirs[i]);
		if (mkdir(path, 0755) == -1)
			abort();
	}
	for (i = 0; i < VG_ARRAY_LEN(files); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", tmp, files[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd == -1)
			abort();
		close(fd);
	}
	(void)snprintf(path, sizeof(path), "%s/sentinel", tmp);
	if (stat(path, &sentinel) == -1)
		abort();
	(void)snprintf(path, sizeof(path), "%s/root", tmp);
	if ((root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		abort();
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static void
check(const char *path, int flags)
{
	struct open_how how;
	struct stat ks, us;
	int k, ke, u, ue, tries;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN: a rename elsewhere raced with a ".."; the kernel asks
	 * to try again. */
	tries = 0;
	do
		k = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	while (k == -1 && errno == EAGAIN && ++tries < 100);
	ke = errno;
	u = vg_root_walk_open(root_fd, path, flags);
	ue = errno;
	if (u >= 0 && (fstat(u, &us) == -1 || same_file(&us, &sentinel)))
		abort();
	/* Without openat2 (ENOSYS), there is nothing to compare with. */
	if (k >= 0 && u >= 0) {
		if (fstat(k, &ks) == -1 || !same_file(&ks, &us))
			abort();
	} else if ((k != u || ke != ue) && !(k == -1 && ke == ENOSYS)) {
		abort();
	}
	if (k >= 0)
		close(k);
	if (u >= 0)
		close(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *piece[VG_ARRAY_LEN(link_paths) + 1];
	size_t n = 0, i;
	char *buf;

	if (root_fd == -1)
		make_tree();
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Pieces between NULs: the last one is the path. */
	piece[n++] = buf;
	for (i = 0; i < size && n < VG_ARRAY_LEN(piece); i++)
		if (buf[i] == '\0')
			piece[n++] = buf + i + 1;
	for (i = 0; i < VG_ARRAY_LEN(link_paths); i++) {
		(void)unlinkat(root_fd, link_paths[i], 0);
		/* A target the kernel refuses (empty, too long): no link. */
		if (i + 1 < n)
			(void)symlinkat(piece[i], root_fd, link_paths[i]);
	}
	for (i = 0; i < VG_ARRAY_LEN(flag_sets); i++)
		check(piece[n - 1], flag_sets[i]);
	free(buf);
	return 0;
}

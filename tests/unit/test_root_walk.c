/*
 * util/root_walk: the user-space resolver vigie falls back to without
 * openat2(2), against openat2 itself (RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS) on a tree of tricky links: every path of a
 * generated set, with every flag set callers use, must open the same
 * inode or fail with the same errno. Then: nothing outside the root is
 * ever opened, no fd leaks, /proc magic links of the live root, and
 * vg_root_openat itself when a seccomp filter hides openat2.
 *
 * No test here may call vg_root_openat in the test process itself: it
 * remembers whether openat2 works, and the seccomp test's children
 * must ask afresh.
 */
#include "util/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "util/buf.h"
#include "util/root.h"
#include "util/root_walk.h"

/* What the tree holds, made in this order. */
enum node_kind {
	NODE_DIR,
	NODE_FILE, /* arg: content */
	NODE_LINK, /* arg: target; "@" stands for the temporary directory */
	NODE_FIFO,
};

struct node {
	enum node_kind kind;
	const char *path;
	const char *arg;
};

static const struct node tree[] = {
	{NODE_FILE, "file", "file\n"},
	{NODE_DIR, "dir", NULL},
	{NODE_DIR, "dir/sub", NULL},
	{NODE_FILE, "dir/sub/deep", "deep\n"},
	{NODE_FILE, "dir/file2", "file2\n"},
	{NODE_FILE, "etc/passwd", "inside passwd\n"},
	{NODE_FILE, "a:b", "colon\n"},
	{NODE_FIFO, "fifo", NULL},
	{NODE_DIR, "noexec", NULL}, /* mode 0600 once made */
	{NODE_FILE, "noexec/file", "hidden\n"},
	{NODE_FILE, "secret", "secret\n"}, /* mode 0 once made */
	/* The twin of the sentinel, where its absolute path leads inside. */
	{NODE_FILE, "@/sentinel", "twin\n"},
	{NODE_LINK, "rel_file", "file"},
	{NODE_LINK, "rel_dir", "dir"},
	{NODE_LINK, "rel_deep", "dir/sub/deep"},
	{NODE_LINK, "abs_file", "/file"},
	{NODE_LINK, "abs_dir", "/dir/sub"},
	{NODE_LINK, "abs_dir_slash", "/dir/sub/"},
	{NODE_LINK, "abs_passwd", "/etc/passwd"},
	{NODE_LINK, "etc_link", "/etc"},
	{NODE_LINK, "dotdot_file", "../../../../file"},
	{NODE_LINK, "dotdot_passwd", "../../../../../../../etc/passwd"},
	{NODE_LINK, "escape", "../sentinel"},
	{NODE_LINK, "escape_deep", "../../../../../../../../../sentinel"},
	{NODE_LINK, "abs_escape", "@/sentinel"},
	{NODE_LINK, "abs_escape_dir", "@"},
	{NODE_LINK, "abs_escape_up", "@/../.."},
	{NODE_LINK, "dir/up", ".."},
	{NODE_LINK, "dir/upup", "../.."},
	{NODE_LINK, "dir/sub/back", "../../dir"},
	{NODE_LINK, "dir/sub/abs_up", "/../../.."},
	{NODE_LINK, "dir/sub/abs_passwd", "/etc/passwd"},
	{NODE_LINK, "dir/abs_sub", "/dir/sub/"},
	{NODE_LINK, "loop_a", "loop_b"},
	{NODE_LINK, "loop_b", "loop_a"},
	{NODE_LINK, "self_loop", "self_loop"},
	{NODE_LINK, "dangling", "nowhere"},
	{NODE_LINK, "dangling_abs", "/nowhere/at/all"},
	{NODE_LINK, "dangling_dir", "nowhere/"},
	{NODE_LINK, "file_as_dir", "file/x"},
	{NODE_LINK, "trail_file", "file/"},
	{NODE_LINK, "trail_dir", "dir/"},
	{NODE_LINK, "root_link", "/"},
	{NODE_LINK, "dot_link", "."},
	{NODE_LINK, "dotdot_link", ".."},
	{NODE_LINK, "slashes_link", "//dir//sub//"},
	{NODE_LINK, "link_link", "rel_dir"},
	{NODE_LINK, "colon", "pipe:[1]"}, /* not /proc: only a name */
	{NODE_LINK, "colon_abs", "/a:b"},
	{NODE_LINK, "proc_self", "/proc/self/root"},
	{NODE_LINK, "to_noexec", "noexec/file"},
	{NODE_LINK, "to_fifo", "fifo"},
};

/* Paths tried: each base, with each prefix before and suffix after. */
static const char *const bases[] = {
	"",
	".",
	"..",
	"file",
	"dir",
	"dir/sub",
	"dir/sub/deep",
	"etc",
	"etc/passwd",
	"missing",
	"a:b",
	"fifo",
	"noexec",
	"noexec/file",
	"secret",
	"rel_file",
	"rel_dir",
	"rel_deep",
	"abs_file",
	"abs_dir",
	"abs_dir_slash",
	"abs_passwd",
	"etc_link",
	"dotdot_file",
	"dotdot_passwd",
	"escape",
	"escape_deep",
	"abs_escape",
	"abs_escape_dir",
	"abs_escape_up",
	"dir/up",
	"dir/upup",
	"dir/sub/back",
	"dir/sub/abs_up",
	"dir/sub/abs_passwd",
	"dir/abs_sub",
	"loop_a",
	"self_loop",
	"dangling",
	"dangling_abs",
	"dangling_dir",
	"file_as_dir",
	"trail_file",
	"trail_dir",
	"root_link",
	"dot_link",
	"dotdot_link",
	"slashes_link",
	"link_link",
	"colon",
	"colon_abs",
	"proc_self",
	"to_noexec",
	"to_fifo",
	"chain_0",
	"chain_1",
	"chain_2",
	"chain_39",
	"dchain_0",
	"dchain_1",
	"dchain_21/../dchain_21",
	"dchain_20/../dchain_21",
	"dchain_1/../dchain_40/../chain_40",
	"long_target",
	"sentinel",
	"../sentinel",
};
static const char *const prefixes[] = {
	"",
	"/",
	"//",
	"./",
	"../",
	"/../../",
	"dir/../",
	"dir/up/",
	"abs_dir/../../",
	"root_link/",
	"dot_link/",
	"dotdot_link/",
	"rel_dir/sub/back/../../",
};
static const char *const suffixes[] = {
	"",    "/",        "//",      "/.",         "/..",
	"/./", "/sub",     "/deep",   "/passwd",    "/sentinel",
	"/x",  "/../file", "/sub/..", "/sub/deep/", "/up/up/abs_up/etc"};

/* Flag sets of vigie's callers (util/root.c, collect/). O_NONBLOCK
 * wherever a FIFO could be opened for reading. */
static const int flag_sets[] = {
	O_RDONLY | O_NOCTTY | O_NONBLOCK,
	O_RDONLY | O_DIRECTORY,
	O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
	O_RDONLY | O_DIRECTORY | O_NOFOLLOW,
	O_PATH,
	O_PATH | O_NOFOLLOW,
	O_PATH | O_DIRECTORY,
};

/* Chains of links: chain_0 needs 41 to reach file, one too many. */
#define CHAIN 41

struct fixture {
	char *tmp;  /* holds the root and, beside it, the sentinel */
	char *root; /* tmp/root */
	int root_fd;
	struct stat sentinel, tmp_st, host_root;
};

static struct fixture fx;

/* "@" in s becomes tmp: the path of the temporary directory. */
static void
expand(const char *s, char *out, size_t n)
{
	if (s[0] == '@')
		assert_true(snprintf(out, n, "%s%s", fx.tmp, s + 1) < (int)n);
	else
		assert_true(snprintf(out, n, "%s", s) < (int)n);
}

static void
make_node(const struct node *nd)
{
	char path[PATH_MAX], arg[PATH_MAX];

	expand(nd->path, path, sizeof(path));
	if (path[0] == '/')
		memmove(path, path + 1, strlen(path));
	switch (nd->kind) {
	case NODE_DIR:
		assert_int_equal(mkdirat(fx.root_fd, path, 0755), 0);
		break;
	case NODE_FILE:
		vg_test_write(fx.root, path, nd->arg);
		break;
	case NODE_LINK:
		expand(nd->arg, arg, sizeof(arg));
		assert_int_equal(symlinkat(arg, fx.root_fd, path), 0);
		break;
	case NODE_FIFO:
		assert_int_equal(mkfifoat(fx.root_fd, path, 0600), 0);
		break;
	}
}

static int
setup(void **state)
{
	char path[PATH_MAX], target[PATH_MAX];
	size_t i, n;

	(void)state;
	fx.tmp = vg_test_tmpdir();
	vg_test_write(fx.tmp, "sentinel", "outside\n");
	assert_true(asprintf(&fx.root, "%s/root", fx.tmp) > 0);
	assert_int_equal(mkdir(fx.root, 0755), 0);
	fx.root_fd = open(fx.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fx.root_fd >= 0);
	for (i = 0; i < VG_ARRAY_LEN(tree); i++)
		make_node(&tree[i]);
	for (i = 0; i < CHAIN; i++) {
		(void)snprintf(path, sizeof(path), "chain_%zu", i);
		(void)snprintf(target, sizeof(target), "chain_%zu", i + 1);
		assert_int_equal(symlinkat(i + 1 < CHAIN ? target : "file",
					   fx.root_fd, path),
				 0);
		(void)snprintf(path, sizeof(path), "dchain_%zu", i);
		(void)snprintf(target, sizeof(target), "dchain_%zu", i + 1);
		assert_int_equal(symlinkat(i + 1 < CHAIN ? target : "dir",
					   fx.root_fd, path),
				 0);
	}
	/* A target of PATH_MAX - 2 bytes: "././.../file". */
	for (n = 0; n + 2 + 4 < PATH_MAX - 1; n += 2)
		memcpy(target + n, "./", 2);
	memcpy(target + n, "file", 5);
	assert_int_equal(symlinkat(target, fx.root_fd, "long_target"), 0);
	assert_int_equal(fchmodat(fx.root_fd, "noexec", 0600, 0), 0);
	assert_int_equal(fchmodat(fx.root_fd, "secret", 0, 0), 0);
	(void)snprintf(path, sizeof(path), "%s/sentinel", fx.tmp);
	assert_int_equal(stat(path, &fx.sentinel), 0);
	assert_int_equal(stat(fx.tmp, &fx.tmp_st), 0);
	assert_int_equal(stat("/", &fx.host_root), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	(void)vg_test_dac_caps(1);
	(void)fchmodat(fx.root_fd, "noexec", 0755, 0);
	close(fx.root_fd);
	vg_test_rmtree(fx.tmp);
	free(fx.root);
	free(fx.tmp);
	return 0;
}

/* openat2, tried again while a rename or mount elsewhere on the system
 * (another test running) interrupts a ".." (EAGAIN), as the kernel
 * asks. */
static int
kernel_open(int root_fd, const char *path, int flags)
{
	struct open_how how;
	int fd, tries = 0;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	do
		fd = (int)syscall(SYS_openat2, root_fd, path, &how,
				  sizeof(how));
	while (fd == -1 && errno == EAGAIN && ++tries < 100);
	return fd;
}

/* Whether openat2 works here, to compare with (not under valgrind). */
static bool
have_openat2(void)
{
	int fd = kernel_open(AT_FDCWD, ".", O_PATH);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Open fds of this process. */
static size_t
count_fds(void)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* What the comparisons met, to be sure each case was exercised. */
struct tally {
	size_t compared, opened, mismatches;
	size_t by_errno[256];
};

static const char *
describe(int fd, int err, char *buf, size_t n)
{
	struct stat st;

	if (fd == -1)
		(void)snprintf(buf, n, "-1 (%s)", strerror(err));
	else if (fstat(fd, &st) == 0)
		(void)snprintf(buf, n, "fd on inode %ju mode %o",
			       (uintmax_t)st.st_ino, (unsigned)st.st_mode);
	else
		(void)snprintf(buf, n, "fd (fstat: %s)", strerror(errno));
	return buf;
}

/* Whether the kernel's answer (fd k, errno ke) is the walker's (u, ue):
 * the same inode with the same access mode, or the same errno. */
static bool
agree(int k, int ke, int u, int ue)
{
	const int modes = O_ACCMODE | O_PATH | O_NONBLOCK;
	struct stat ks, us;

	if (k >= 0 && u >= 0) {
		assert_int_equal(fstat(k, &ks), 0);
		assert_int_equal(fstat(u, &us), 0);
		return same_file(&ks, &us) &&
			(fcntl(k, F_GETFL) & modes) ==
			(fcntl(u, F_GETFL) & modes) &&
			fcntl(u, F_GETFD) == FD_CLOEXEC;
	}
	return k == -1 && u == -1 && ke == ue;
}

/*
 * Open path both ways; count a mismatch (and say it) unless they agree.
 * The kernel is asked again on a mismatch: while a rename or mount
 * elsewhere (another test) interrupts its lookup, it may walk the path
 * again counting the links it already followed, and answer ELOOP for a
 * chain of 39 (seen under a full parallel test run); a real difference
 * persists. The walker's result must also never be the sentinel or the
 * root's parent: it stays inside.
 */
static void
compare(int root_fd, const char *path, int flags, struct tally *t)
{
	struct stat us;
	char kd[128], ud[128];
	int k, ke, u, ue, tries = 0;
	bool same;

	u = vg_root_walk_open(root_fd, path, flags);
	ue = errno;
	for (;;) {
		k = kernel_open(root_fd, path, flags);
		ke = errno;
		if ((same = agree(k, ke, u, ue)) || ++tries == 5)
			break;
		if (k >= 0)
			close(k);
	}
	t->compared++;
	if (u >= 0) {
		assert_int_equal(fstat(u, &us), 0);
		assert_false(same_file(&us, &fx.sentinel));
		assert_false(same_file(&us, &fx.tmp_st));
		if (root_fd == fx.root_fd)
			assert_false(same_file(&us, &fx.host_root));
	}
	if (k >= 0 && u >= 0)
		t->opened++;
	else if (same && ke >= 0 && ke < 256)
		t->by_errno[ke]++;
	/* The first few are enough to see what is wrong. */
	if (!same && t->mismatches++ < 20) {
		print_error("'%s' flags %#o: openat2 %s, walk %s\n", path,
			    (unsigned)flags, describe(k, ke, kd, sizeof(kd)),
			    describe(u, ue, ud, sizeof(ud)));
	}
	if (k >= 0)
		close(k);
	if (u >= 0)
		close(u);
}

static void
compare_all_flags(int root_fd, const char *path, struct tally *t)
{
	size_t i;

	for (i = 0; i < VG_ARRAY_LEN(flag_sets); i++)
		compare(root_fd, path, flag_sets[i], t);
}

/* Every prefix + base + suffix, then the lengths around the limits. */
static void
compare_tree(struct tally *t)
{
	char path[PATH_MAX + 8];
	size_t b, p, s, n;

	for (b = 0; b < VG_ARRAY_LEN(bases); b++)
		for (p = 0; p < VG_ARRAY_LEN(prefixes); p++)
			for (s = 0; s < VG_ARRAY_LEN(suffixes); s++) {
				(void)snprintf(path, sizeof(path), "%s%s%s",
					       prefixes[p], bases[b],
					       suffixes[s]);
				compare_all_flags(fx.root_fd, path, t);
			}
	/* A component of NAME_MAX bytes (absent) and one byte more. */
	memset(path, 'n', NAME_MAX + 1);
	path[NAME_MAX] = '\0';
	compare_all_flags(fx.root_fd, path, t);
	path[NAME_MAX] = 'n';
	path[NAME_MAX + 1] = '\0';
	compare_all_flags(fx.root_fd, path, t);
	/* "./././.../file": PATH_MAX - 1 bytes, then PATH_MAX. */
	for (n = 0; n + 2 + 4 < PATH_MAX - 1; n += 2)
		memcpy(path + n, "./", 2);
	memcpy(path + n, "/file", 6);
	assert_int_equal(strlen(path), PATH_MAX - 1);
	compare_all_flags(fx.root_fd, path, t);
	memcpy(path + n, "//file", 7);
	compare_all_flags(fx.root_fd, path, t);
}

static void
check_tally(const struct tally *t)
{
	assert_int_equal(t->mismatches, 0);
	/* Both outcomes, and the errnos that matter, were met. */
	assert_true(t->opened > 1000);
	assert_true(t->by_errno[ENOENT] > 0);
	assert_true(t->by_errno[ENOTDIR] > 0);
	assert_true(t->by_errno[ELOOP] > 0);
	assert_true(t->by_errno[ENAMETOOLONG] > 0);
}

static void
test_differential(void **state)
{
	struct tally t = {0};
	size_t fds;

	(void)state;
	if (!have_openat2())
		skip();
	fds = count_fds();
	compare_tree(&t);
	check_tally(&t);
	assert_int_equal(count_fds(), fds);
}

/* The same without the capabilities that let root ignore modes: the
 * EACCES of "noexec" (no search) and "secret" (no read) must match. */
static void
test_differential_eacces(void **state)
{
	struct tally t = {0};
	size_t fds;

	(void)state;
	if (!have_openat2() || !vg_test_dac_caps(0))
		skip();
	fds = count_fds();
	compare_tree(&t);
	assert_true(vg_test_dac_caps(1));
	check_tally(&t);
	assert_true(t.by_errno[EACCES] > 0);
	assert_int_equal(count_fds(), fds);
}

/*
 * Expectations that hold whatever the kernel (this runs where openat2
 * is missing too): "same" names, relative to the root and without
 * links, what path must open ("@" the sentinel's twin), or err the
 * errno.
 */
struct expect {
	const char *path;
	int flags;
	int err;
	const char *same;
};

static const struct expect expects[] = {
	{"abs_passwd", O_RDONLY, 0, "etc/passwd"},
	{"/etc/passwd", O_RDONLY, 0, "etc/passwd"},
	{"dotdot_passwd", O_RDONLY, 0, "etc/passwd"},
	{"../../../file", O_RDONLY, 0, "file"},
	{"escape", O_RDONLY, ENOENT, NULL},
	{"../sentinel", O_RDONLY, ENOENT, NULL},
	{"abs_escape", O_RDONLY, 0, "@/sentinel"},
	{"abs_escape_up/../../../sentinel", O_RDONLY, ENOENT, NULL},
	{"dir/up/../../file", O_RDONLY, 0, "file"},
	{"abs_dir/..", O_RDONLY | O_DIRECTORY, 0, "dir"},
	{"rel_dir/sub/back/sub/deep", O_RDONLY, 0, "dir/sub/deep"},
	{"dir/sub/abs_up/file", O_RDONLY, 0, "file"},
	{"dir/sub/abs_passwd", O_RDONLY, 0, "etc/passwd"},
	{"dir/abs_sub/deep", O_RDONLY, 0, "dir/sub/deep"},
	{"chain_0", O_RDONLY, ELOOP, NULL},
	{"chain_1", O_RDONLY, 0, "file"},
	{"chain_0", O_PATH | O_NOFOLLOW, 0, "chain_0"},
	{"dchain_21/../dchain_21/sub", O_PATH, 0, "dir/sub"},
	{"dchain_20/../dchain_21/sub", O_PATH, ELOOP, NULL},
	{"loop_a", O_RDONLY, ELOOP, NULL},
	{"self_loop", O_PATH, ELOOP, NULL},
	{"dangling", O_RDONLY, ENOENT, NULL},
	{"dangling", O_RDONLY | O_NOFOLLOW, ELOOP, NULL},
	{"dangling", O_PATH | O_NOFOLLOW, 0, "dangling"},
	{"file/", O_RDONLY, ENOTDIR, NULL},
	{"file/..", O_PATH, ENOTDIR, NULL},
	{"file_as_dir", O_RDONLY, ENOTDIR, NULL},
	{"trail_file", O_RDONLY, ENOTDIR, NULL},
	{"rel_dir", O_RDONLY | O_NOFOLLOW, ELOOP, NULL},
	{"rel_dir", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, ENOTDIR, NULL},
	{"rel_dir/", O_RDONLY | O_NOFOLLOW, 0, "dir"},
	{"rel_file/", O_PATH | O_NOFOLLOW, ENOTDIR, NULL},
	{"//dir//sub///deep", O_RDONLY, 0, "dir/sub/deep"},
	{"/./dir/./sub/./deep", O_RDONLY, 0, "dir/sub/deep"},
	{"slashes_link/deep", O_RDONLY, 0, "dir/sub/deep"},
	{"/../..", O_RDONLY | O_DIRECTORY, 0, "."},
	{"root_link/..", O_PATH, 0, "."},
	{"", O_RDONLY, ENOENT, NULL},
	{"colon", O_RDONLY, ENOENT, NULL},
	{"colon_abs", O_RDONLY, 0, "a:b"},
	{"proc_self", O_PATH, ENOENT, NULL},
	{"long_target", O_RDONLY, 0, "file"},
	{"to_fifo", O_RDONLY | O_NONBLOCK, 0, "fifo"},
	{"file", O_WRONLY, EINVAL, NULL},
	{"file", O_RDONLY | O_CREAT, EINVAL, NULL},
	{"file", O_RDONLY | O_TRUNC, EINVAL, NULL},
};

static void
test_expectations(void **state)
{
	char same[PATH_MAX], desc[128];
	struct stat st, want;
	size_t i, fds;
	int fd, err;

	(void)state;
	fds = count_fds();
	for (i = 0; i < VG_ARRAY_LEN(expects); i++) {
		fd = vg_root_walk_open(fx.root_fd, expects[i].path,
				       expects[i].flags);
		err = errno;
		if (expects[i].err != 0 ? fd != -1 || err != expects[i].err
					: fd == -1)
			fail_msg("'%s': %s", expects[i].path,
				 describe(fd, err, desc, sizeof(desc)));
		if (fd == -1)
			continue;
		expand(expects[i].same, same, sizeof(same));
		assert_int_equal(fstatat(fx.root_fd, same + (same[0] == '/'),
					 &want, AT_SYMLINK_NOFOLLOW),
				 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(same_file(&st, &want));
		close(fd);
	}
	/* A bad root: as openat2, EBADF and ENOTDIR. */
	assert_int_equal(vg_root_walk_open(-1, "file", O_RDONLY), -1);
	assert_int_equal(errno, EBADF);
	fd = openat(fx.root_fd, "file", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(vg_root_walk_open(fd, "file", O_RDONLY), -1);
	assert_int_equal(errno, ENOTDIR);
	close(fd);
	assert_int_equal(count_fds(), fds);
}

/*
 * Nothing outside the root is reached, whatever the path: every file
 * the walker opens, over all paths tried, is checked against the
 * sentinel beside the root and the root's parent (compare does it);
 * here the same without openat2, so it holds on old kernels too.
 */
static void
test_never_outside(void **state)
{
	char path[PATH_MAX];
	struct stat st;
	size_t b, p, s, f, opened = 0;
	int fd;

	(void)state;
	for (b = 0; b < VG_ARRAY_LEN(bases); b++)
		for (p = 0; p < VG_ARRAY_LEN(prefixes); p++)
			for (s = 0; s < VG_ARRAY_LEN(suffixes); s++)
				for (f = 0; f < VG_ARRAY_LEN(flag_sets); f++) {
					(void)snprintf(path, sizeof(path),
						       "%s%s%s", prefixes[p],
						       bases[b], suffixes[s]);
					fd = vg_root_walk_open(fx.root_fd, path,
							       flag_sets[f]);
					if (fd == -1)
						continue;
					assert_int_equal(fstat(fd, &st), 0);
					assert_false(
						same_file(&st, &fx.sentinel));
					assert_false(
						same_file(&st, &fx.tmp_st));
					assert_false(
						same_file(&st, &fx.host_root));
					close(fd);
					opened++;
				}
	assert_true(opened > 1000);
}

/*
 * The live root: /proc's magic links (open files, a process's root,
 * cwd, executable, namespaces) are refused, its ordinary links
 * ("self", "thread-self", "net") followed, as openat2 does.
 */
static void
test_proc_magic_links(void **state)
{
	static const char *const paths[] = {"/proc/self/status",
					    "/proc/thread-self/comm",
					    "/proc/mounts",
					    "/proc/net/tcp",
					    "/proc/self/exe",
					    "/proc/self/cwd",
					    "/proc/self/cwd/..",
					    "/proc/self/root",
					    "/proc/self/root/etc/passwd",
					    "/proc/self/ns/net"};
	static const char *const fd_suffixes[] = {"", "/", "/..", "/x"};
	struct tally t = {0};
	char path[64];
	int fds[3], root;
	size_t i, j, n_fds;

	(void)state;
	if (!have_openat2())
		skip();
	n_fds = count_fds();
	root = open("/", O_PATH | O_CLOEXEC);
	assert_true(root >= 0);
	for (i = 0; i < VG_ARRAY_LEN(paths); i++)
		compare_all_flags(root, paths[i], &t);
	/* /proc/self/fd/N of a directory, then of a pipe ("pipe:[N]"). */
	fds[0] = open(fx.root, O_PATH | O_CLOEXEC);
	assert_true(fds[0] >= 0);
	assert_int_equal(pipe2(fds + 1, O_CLOEXEC), 0);
	for (i = 0; i < 2; i++)
		for (j = 0; j < VG_ARRAY_LEN(fd_suffixes); j++) {
			(void)snprintf(path, sizeof(path), "/proc/self/fd/%d%s",
				       fds[i], fd_suffixes[j]);
			compare_all_flags(root, path, &t);
		}
	assert_int_equal(t.mismatches, 0);
	assert_true(t.opened > 0);
	assert_true(t.by_errno[ELOOP] > 0);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(root);
	assert_int_equal(count_fds(), n_fds);
}

/*
 * In a child, hide openat2 behind a seccomp filter answering err, as
 * old kernels (ENOSYS) and container runtimes (ENOSYS, EPERM) do, then
 * read through vg_root_read: it must fall back to the walk. Exits 0
 * when all went as expected, 77 when seccomp is not available.
 */
static int
child_without_openat2(int err)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO |
				 ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {VG_ARRAY_LEN(code), code};
	struct vg_root r;
	struct vg_err e;
	struct vg_buf b;
	struct stat st;
	int ok;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return 77;
	/* The filter works (valgrind, which lacks openat2, says ENOSYS). */
	if (kernel_open(AT_FDCWD, ".", O_PATH) != -1 ||
	    (errno != err && errno != ENOSYS))
		return 2;
	if (vg_root_open(&r, fx.root, &e) != VG_OK)
		return 3;
	vg_buf_init(&b, 1024);
	ok = vg_root_read(&r, "/abs_passwd", 1024, &b, &e) == VG_OK &&
		strcmp(vg_buf_str(&b), "inside passwd\n") == 0 &&
		vg_root_read(&r, "/abs_escape", 1024, &b, &e) == VG_OK &&
		strcmp(vg_buf_str(&b), "twin\n") == 0 &&
		vg_root_read(&r, "/escape", 1024, &b, &e) == VG_ERR_NOTFOUND &&
		vg_root_stat(&r, "/rel_dir/sub", &st) == 0 &&
		S_ISDIR(st.st_mode) &&
		vg_root_openat(&r, "/file", O_RDWR) == -1 && errno == EINVAL;
	vg_buf_release(&b);
	vg_root_close(&r);
	return ok ? 0 : 4;
}

static void
test_seccomp_fallback(void **state)
{
	static const int errs[] = {ENOSYS, EPERM};
	size_t i;
	pid_t pid;
	int status;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(errs); i++) {
		assert_true((pid = fork()) >= 0);
		if (pid == 0)
			_exit(child_without_openat2(errs[i]));
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 77)
			skip();
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_differential, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_differential_eacces, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_expectations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_never_outside, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_proc_magic_links, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_seccomp_fallback, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

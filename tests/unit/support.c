#include "util/common.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

int
vg_test_has_warning(const struct vg_facts *f, const char *needle)
{
	size_t i;

	for (i = 0; i < f->n_warnings; i++)
		if (strstr(f->warnings[i], needle) != NULL)
			return 1;
	return 0;
}

char *
vg_test_tmpdir(void)
{
	char tmpl[] = "/tmp/vigie-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
vg_test_rmtree(const char *dir)
{
	(void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
make_parents(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(path, 0755);
			*p = '/';
		}
	}
}

void
vg_test_write_bytes(const char *dir, const char *rel, const void *p, size_t n)
{
	char path[4096];
	FILE *fp;

	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, rel) <
		    (int)sizeof(path));
	make_parents(path);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

void
vg_test_write(const char *dir, const char *rel, const char *content)
{
	vg_test_write_bytes(dir, rel, content, strlen(content));
}

int
vg_test_dac_caps(int on)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	const uint32_t bits =
		(1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH);

	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	if (on)
		d[0].effective |= bits & d[0].permitted;
	else
		d[0].effective &= ~bits;
	return syscall(SYS_capset, &h, d) == 0;
}

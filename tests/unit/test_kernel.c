/* Kernels: reboot flag and packages, installed kernels from packages and
 * /boot, running kernel only on the live system. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

static void
add_package(struct vg_facts *f, const char *name, const char *version)
{
	struct vg_package *p = vg_facts_add_package(f);

	assert_non_null(p);
	p->name = vg_facts_str(f, name);
	p->version = vg_facts_str(f, version);
	p->arch = vg_facts_str(f, "amd64");
	p->source = p->name;
	p->source_version = p->version;
}

static void
run(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = f;
	assert_int_equal(vg_collect_kernel(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_nothing(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	run(dir, &f);
	assert_false(f.sources[VG_SRC_KERNEL].collected);
	assert_non_null(f.sources[VG_SRC_KERNEL].reason);
	assert_false(f.kernel.reboot_flag);
	assert_null(f.kernel.newest_installed);
	assert_null(f.kernel.running); /* not the live root */
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_debian(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	vg_test_write(dir, "var/run/reboot-required",
		      "*** System restart "
		      "required ***\n");
	vg_test_write(dir, "var/run/reboot-required.pkgs",
		      "linux-image-6.1.0-18-amd64\nlibc6\n\nlibc6\n"
		      "linux-image-6.1.0-18-amd64\nlibc6-dev\n  libc\n");
	vg_test_write(dir, "boot/vmlinuz-6.1.0-17-amd64", "");
	vg_test_write(dir, "boot/config-6.1.0-99-amd64", "");
	vg_test_write(dir, "boot/vmlinuz.old", "");
	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	add_package(&f, "linux-image-amd64", "6.1.76-1");         /* meta */
	add_package(&f, "linux-image-6.1.0-9-amd64", "6.1.27-1"); /* 9 < 18 */
	add_package(&f, "linux-image-6.1.0-18-amd64", "6.1.76-1");
	/* Debian's unsigned build boots as the same release. */
	add_package(&f, "linux-image-6.1.0-18-amd64-unsigned", "6.1.76-1");
	add_package(&f, "linux-image-6.1.0-99-amd64-dbg", "6.1.99-1");
	add_package(&f, "linux-image-6.1.0-99-amd64-dbgsym", "6.1.99-1");
	add_package(&f, "linux-image-cloud-amd64", "6.1.76-1");
	run(dir, &f);
	assert_true(f.sources[VG_SRC_KERNEL].collected);
	assert_true(f.kernel.reboot_flag);
	assert_string_equal(f.kernel.reboot_packages,
			    "linux-image-6.1.0-18-amd64, libc6, libc6-dev, "
			    "libc");
	assert_string_equal(f.kernel.newest_installed, "6.1.0-18-amd64");
	assert_null(f.kernel.running);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_ubuntu_and_rhel(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	/* Ubuntu: /run flag, unsigned images, numeric ABI 91 < 101. */
	vg_test_write(dir, "run/reboot-required", "");
	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	add_package(&f, "linux-image-5.15.0-91-generic", "5.15.0-91.101");
	add_package(&f, "linux-image-unsigned-5.15.0-101-generic",
		    "5.15.0-101.111");
	add_package(&f, "linux-image-generic", "5.15.0.101.98");
	run(dir, &f);
	assert_true(f.kernel.reboot_flag);
	assert_null(f.kernel.reboot_packages);
	assert_string_equal(f.kernel.newest_installed, "5.15.0-101-generic");
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);

	/* RHEL: no dpkg, /boot only; the rescue image is no kernel. */
	dir = vg_test_tmpdir();
	vg_test_write(dir, "boot/vmlinuz-5.14.0-362.8.1.el9_3.x86_64", "");
	vg_test_write(dir, "boot/vmlinuz-5.14.0-70.13.1.el9_0.x86_64", "");
	vg_test_write(dir, "boot/vmlinuz-0-rescue-0123456789abcdef", "");
	vg_facts_init(&f);
	run(dir, &f);
	assert_true(f.sources[VG_SRC_KERNEL].collected);
	assert_false(f.kernel.reboot_flag);
	assert_string_equal(f.kernel.newest_installed,
			    "5.14.0-362.8.1.el9_3.x86_64");
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* Not live, the running kernel is unknown: the newest of any flavour. */
static void
test_flavours_offline(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	add_package(&f, "linux-image-6.1.0-18-amd64", "6.1.76-1");
	add_package(&f, "linux-image-6.1.0-20-cloud-amd64", "6.1.85-1");
	add_package(&f, "linux-image-6.1.0-21-rt-amd64-unsigned", "6.1.90-1");
	run(dir, &f);
	assert_null(f.kernel.running);
	assert_string_equal(f.kernel.newest_installed, "6.1.0-21-rt-amd64");
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* The flavour of a release, as kernel.c defines it (see its header). */
static const char *
test_flavour(const char *rel)
{
	const char *p = strchr(rel, '-');

	if (p == NULL)
		return "";
	p += strcspn(p + 1, "-+") + 1;
	return *p == '\0' ? "" : p + 1;
}

/*
 * The live root reports the running kernel from uname(2), and compares
 * it with the newest kernel of its own flavour only: releases far in the
 * future, of its flavour and of another, make the choice visible.
 */
static void
test_live(void **state)
{
	char same[256], same_unsigned[300], newer[256];
	const char *fl;
	struct utsname u;
	struct vg_facts f;

	(void)state;
	assert_int_equal(uname(&u), 0);
	fl = test_flavour(u.release);
	print_message("running %s, flavour '%s'\n", u.release, fl);
	(void)snprintf(same, sizeof(same), "linux-image-99998.0.0-1%s%s",
		       *fl != '\0' ? "-" : "", fl);
	(void)snprintf(newer, sizeof(newer), "99998.0.0-2%s%s",
		       *fl != '\0' ? "-" : "", fl);
	(void)snprintf(same_unsigned, sizeof(same_unsigned),
		       "linux-image-%s-unsigned", newer);

	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	add_package(&f, same, "1");
	add_package(&f, same_unsigned, "1");
	add_package(&f, "linux-image-99999.0.0-1-zzother", "1");
	add_package(&f, "linux-image-99999.0.0-1-zzother-unsigned", "1");
	run("/", &f);
	assert_non_null(f.kernel.running);
	assert_string_equal(f.kernel.running, u.release);
	assert_string_equal(f.kernel.newest_installed, newer);
	vg_facts_release(&f);

	/* No kernel of the running flavour: the newest of all. */
	vg_facts_init(&f);
	vg_facts_collected(&f, VG_SRC_PACKAGES);
	add_package(&f, "linux-image-99999.0.0-1-zzother", "1");
	run("/", &f);
	assert_non_null(f.kernel.newest_installed);
	/* ... unless this host's /boot holds one of its flavour. */
	if (strcmp(f.kernel.newest_installed, "99999.0.0-1-zzother") != 0)
		assert_string_equal(test_flavour(f.kernel.newest_installed),
				    fl);
	vg_facts_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_debian),
		cmocka_unit_test(test_ubuntu_and_rhel),
		cmocka_unit_test(test_flavours_offline),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

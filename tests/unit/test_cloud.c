/* Personal cloud clients on a temporary root. */
#include "util/common.h"

#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "support.h"

#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

struct expect {
	const char *client, *kind, *path, *user;
};

static void
add_account(struct vg_facts *f, const char *name, int64_t uid, const char *home)
{
	struct vg_account *a = vg_facts_add_account(f);

	assert_non_null(a);
	a->name = vg_facts_str(f, name);
	a->uid = uid;
	a->home = vg_facts_str(f, home);
}

static void
add_package(struct vg_facts *f, const char *name)
{
	struct vg_package *p = vg_facts_add_package(f);

	assert_non_null(p);
	p->name = vg_facts_str(f, name);
	p->version = vg_facts_str(f, "1.0");
}

static void
mkdirs(const char *dir, const char *rel)
{
	char path[4096];

	/* vg_test_write makes the parents; the file itself is a marker. */
	(void)snprintf(path, sizeof(path), "%s/.keep", rel);
	vg_test_write(dir, path, "");
}

static bool
has(const struct vg_facts *f, const struct expect *e)
{
	size_t i;

	for (i = 0; i < f->n_cloud_clients; i++) {
		const struct vg_cloud_client *c = &f->cloud_clients[i];

		if (strcmp(c->client, e->client) == 0 &&
		    strcmp(c->kind, e->kind) == 0 &&
		    strcmp(c->path, e->path) == 0 &&
		    ((c->user == NULL && e->user == NULL) ||
		     (c->user != NULL && e->user != NULL &&
		      strcmp(c->user, e->user) == 0)))
			return true;
	}
	return false;
}

static void
test_collect(void **state)
{
	static const struct expect expected[] = {
		{"Dropbox", "package", "nautilus-dropbox", NULL},
		{"Yandex Disk", "package", "yandex-disk", NULL},
		{"MEGA", "binary", "/usr/bin/megasync", NULL},
		{"pCloud", "binary", "/usr/local/bin/pcloud", NULL},
		{"Dropbox", "binary", "/opt/dropbox", NULL},
		{"Dropbox", "folder", "/home/alice/Dropbox", "alice"},
		{"Dropbox", "folder", "/home/alice/.dropbox-dist", "alice"},
		{"MEGA", "folder", "/home/alice/.local/share/data/Mega Limited",
		 "alice"},
		{"Google Drive", "folder", "/home/bob/Google Drive", "bob"},
		{"OneDrive", "folder", "/root/OneDrive", "root"},
		{"iCloud", "folder", "/home/bob/iCloudDrive", "bob"},
	};
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();
	size_t i;

	(void)state;
	vg_test_write(dir, "usr/bin/megasync", "#!/bin/sh\n");
	vg_test_write(dir, "usr/local/bin/pcloud", "bin");
	mkdirs(dir, "opt/dropbox");
	mkdirs(dir, "home/alice/Dropbox");
	mkdirs(dir, "home/alice/.dropbox-dist");
	mkdirs(dir, "home/alice/.local/share/data/Mega Limited");
	mkdirs(dir, "home/bob/Google Drive");
	mkdirs(dir, "home/bob/iCloudDrive");
	/* A file named like a folder is not a sync folder. */
	vg_test_write(dir, "home/bob/Dropbox", "not a dir");
	mkdirs(dir, "root/OneDrive");
	/* System accounts are not inspected; Nextcloud is not flagged. */
	mkdirs(dir, "var/lib/daemon/Dropbox");
	mkdirs(dir, "home/alice/Nextcloud");
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	add_account(&f, "root", 0, "/root");
	add_account(&f, "daemon", 1, "/var/lib/daemon");
	add_account(&f, "alice", 1000, "/home/alice");
	add_account(&f, "bob", 1001, "/home/bob/");
	add_account(&f, "nohome", 1002, "");
	add_account(&f, "slash", 1003, "/");
	vg_facts_collected(&f, VG_SRC_PASSWD);
	add_package(&f, "nautilus-dropbox");
	add_package(&f, "yandex-disk");
	add_package(&f, "nextcloud-desktop");
	add_package(&f, "dropbox-not");
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_cloud(&c), VG_OK);
	assert_true(f.sources[VG_SRC_CLOUD].collected);
	for (i = 0; i < VG_ARRAY_LEN(expected); i++) {
		print_message("expect %s %s\n", expected[i].client,
			      expected[i].path);
		assert_true(has(&f, &expected[i]));
	}
	assert_int_equal(f.n_cloud_clients, VG_ARRAY_LEN(expected));
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_collect_empty(void **state)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();

	(void)state;
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	vg_test_write(dir, "usr/bin/dropbox", "bin");
	assert_int_equal(vg_collect_cloud(&c), VG_OK);
	/* Without accounts the homes were not inspected: the source is
	 * not collected, with the reason, but what was seen is kept. */
	assert_false(f.sources[VG_SRC_CLOUD].collected);
	assert_non_null(f.sources[VG_SRC_CLOUD].reason);
	assert_non_null(strstr(f.sources[VG_SRC_CLOUD].reason,
			       "home directories not inspected"));
	assert_int_equal(f.n_cloud_clients, 1);
	assert_string_equal(f.cloud_clients[0].path, "/usr/bin/dropbox");
	vg_facts_release(&f);

	/* Accounts read, none of them a person: collected, nothing. */
	vg_facts_init(&f);
	c.facts = &f;
	vg_facts_collected(&f, VG_SRC_PASSWD);
	assert_int_equal(vg_collect_cloud(&c), VG_OK);
	assert_true(f.sources[VG_SRC_CLOUD].collected);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

/* Homes that cannot be searched (0700, not root): one warning, counted. */
static void
test_collect_denied_homes(void **state)
{
	static const struct expect carol = {"Dropbox", "folder",
					    "/home/carol/Dropbox", "carol"};
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();
	char path[4096];
	bool dropped;

	(void)state;
	mkdirs(dir, "home/alice/Dropbox");
	mkdirs(dir, "home/bob/MEGA");
	mkdirs(dir, "home/carol/Dropbox");
	(void)snprintf(path, sizeof(path), "%s/home/alice", dir);
	assert_int_equal(chmod(path, 0), 0);
	(void)snprintf(path, sizeof(path), "%s/home/bob", dir);
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	add_account(&f, "alice", 1000, "/home/alice");
	add_account(&f, "bob", 1001, "/home/bob/");
	add_account(&f, "carol", 1002, "/home/carol");
	add_account(&f, "gone", 1003, "/home/gone");
	vg_facts_collected(&f, VG_SRC_PASSWD);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	dropped = vg_test_dac_caps(false);
	if (dropped)
		assert_int_equal(vg_collect_cloud(&c), VG_OK);
	assert_true(vg_test_dac_caps(true) || !dropped);
	if (dropped) {
		assert_true(f.sources[VG_SRC_CLOUD].collected);
		assert_int_equal(f.n_cloud_clients, 1);
		assert_true(has(&f, &carol));
		/* One warning for both; a missing home is not counted. */
		assert_int_equal(f.n_warnings, 1);
		assert_true(vg_test_has_warning(
			&f,
			"2 home directories could not be read (run as "
			"root)"));
	}
	vg_facts_release(&f);
	vg_root_close(&root);
	(void)snprintf(path, sizeof(path), "%s/home/alice", dir);
	assert_int_equal(chmod(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/home/bob", dir);
	assert_int_equal(chmod(path, 0755), 0);
	vg_test_rmtree(dir);
	free(dir);
	if (!dropped)
		skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_collect_empty),
		cmocka_unit_test(test_collect_denied_homes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

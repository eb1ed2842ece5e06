/* Declared asset and backup jobs, with backup evidence on a temp root. */
#include "util/common.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#include "collect/collectors.h"
#include "core/policy.h"
#include "util/root.h"
#include "util/banned.h"

#define T_OLD INT64_C(1600000000)
#define T_NEW INT64_C(1700000000)
#define T_OUTSIDE INT64_C(1800000000)

/* Set the mtime of dir/rel (the link itself with nofollow). */
static void
set_mtime(const char *dir, const char *rel, int64_t t, bool nofollow)
{
	struct timespec ts[2];
	char path[4096];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ts[0].tv_sec = (time_t)t;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	assert_int_equal(utimensat(AT_FDCWD, path, ts,
				   nofollow ? AT_SYMLINK_NOFOLLOW : 0),
			 0);
}

static void
add_backup(struct vg_policy *p, const char *name, const char *path,
	   bool offline, int64_t tested)
{
	struct vg_backup_decl *b;

	p->backups = realloc(p->backups, (p->n_backups + 1) * sizeof(*b));
	assert_non_null(p->backups);
	b = &p->backups[p->n_backups++];
	b->name = strdup(name);
	b->path = path != NULL ? strdup(path) : NULL;
	b->offline = offline;
	b->restore_tested = tested;
}

static void
run(const char *dir, const struct vg_policy *p, struct vg_facts *f)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(f);
	c.root = &root;
	c.policy = p;
	c.facts = f;
	assert_int_equal(vg_collect_declared(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_backups(void **state)
{
	struct vg_policy p;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir(), *outside = vg_test_tmpdir();
	char path[4096];

	(void)state;
	vg_test_write(dir, "srv/backup/db/2024-01-01.dump", "x");
	vg_test_write(dir, "srv/backup/db/old/2020.dump", "x");
	vg_test_write(dir, "srv/backup/files/a/b/c/latest.tar", "x");
	set_mtime(dir, "srv/backup/db/2024-01-01.dump", T_OLD, false);
	set_mtime(dir, "srv/backup/db/old/2020.dump", T_NEW, false);
	set_mtime(dir, "srv/backup/files/a/b/c/latest.tar", T_OLD + 5, false);
	/* The directory's own mtime is not a backup file. */
	set_mtime(dir, "srv/backup/db/old", T_OUTSIDE, false);
	/* A link to a newer file outside the root is not followed. */
	vg_test_write(outside, "newer.dump", "x");
	set_mtime(outside, "newer.dump", T_OUTSIDE, false);
	(void)snprintf(path, sizeof(path), "%s/newer.dump", outside);
	{
		char link[4096];

		(void)snprintf(link, sizeof(link), "%s/srv/backup/db/link.dump",
			       dir);
		assert_int_equal(symlink(path, link), 0);
		(void)snprintf(link, sizeof(link), "%s/srv/backup/db/dirlink",
			       dir);
		assert_int_equal(symlink(outside, link), 0);
	}
	/* An empty directory and a single-file job. */
	vg_test_write(dir, "srv/empty/.keep", "");
	(void)snprintf(path, sizeof(path), "%s/srv/empty/.keep", dir);
	assert_int_equal(unlink(path), 0);
	vg_test_write(dir, "srv/one.tar", "x");
	set_mtime(dir, "srv/one.tar", T_OLD, false);

	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	add_backup(&p, "db", "/srv/backup/db", true, T_OLD);
	add_backup(&p, "files", "/srv/backup/files", false, VG_TIME_NEVER);
	add_backup(&p, "empty", "/srv/empty", false, VG_TIME_NEVER);
	add_backup(&p, "gone", "/srv/nowhere", false, VG_TIME_NEVER);
	add_backup(&p, "single", "/srv/one.tar", false, VG_TIME_NEVER);
	add_backup(&p, "nopath", NULL, false, VG_TIME_NEVER);
	run(dir, &p, &f);

	assert_true(f.sources[VG_SRC_BACKUPS].collected);
	assert_int_equal(f.n_backups, 6);
	assert_string_equal(f.backups[0].name, "db");
	assert_string_equal(f.backups[0].path, "/srv/backup/db");
	assert_int_equal(f.backups[0].last_success, T_NEW);
	assert_true(f.backups[0].offline);
	assert_int_equal(f.backups[0].restore_tested, T_OLD);
	assert_int_equal(f.backups[1].last_success, T_OLD + 5);
	assert_false(f.backups[1].offline);
	assert_int_equal(f.backups[1].restore_tested, VG_TIME_NEVER);
	assert_int_equal(f.backups[2].last_success, VG_TIME_NEVER);
	assert_int_equal(f.backups[3].last_success, VG_TIME_UNKNOWN);
	assert_true(vg_test_has_warning(&f, "backup 'gone': cannot read"));
	assert_int_equal(f.backups[4].last_success, T_OLD);
	assert_int_equal(f.backups[5].last_success, VG_TIME_UNKNOWN);
	assert_null(f.backups[5].path);
	assert_true(vg_test_has_warning(&f, "backup 'nopath'"));
	/* No [asset] section: collected, every field empty, so that
	 * inventory.incomplete judges it (an undeclared asset is an
	 * incomplete one). */
	assert_true(f.sources[VG_SRC_ASSET].collected);
	assert_null(f.asset.name);
	assert_null(f.asset.owner);
	assert_null(f.asset.category);
	assert_int_equal(f.asset.criticality, 0);
	vg_facts_release(&f);
	vg_policy_release(&p);
	vg_test_rmtree(dir);
	vg_test_rmtree(outside);
	free(dir);
	free(outside);
}

/* Deeper than the walk goes: what is seen is kept, with a warning. */
static void
test_backup_too_deep(void **state)
{
	struct vg_policy p;
	struct vg_facts f;
	struct vg_err err;
	char rel[4096];
	char *dir = vg_test_tmpdir();
	size_t n, i;

	(void)state;
	n = (size_t)snprintf(rel, sizeof(rel), "b");
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(rel + n, sizeof(rel) - n, "/d");
	(void)snprintf(rel + n, sizeof(rel) - n, "/deep.tar");
	vg_test_write(dir, rel, "x");
	vg_test_write(dir, "b/top.tar", "x");
	set_mtime(dir, rel, T_NEW, false);
	set_mtime(dir, "b/top.tar", T_OLD, false);
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	add_backup(&p, "deep", "/b", false, VG_TIME_NEVER);
	run(dir, &p, &f);
	assert_int_equal(f.backups[0].last_success, T_OLD);
	assert_true(vg_test_has_warning(&f, "backup 'deep'"));
	vg_facts_release(&f);
	vg_policy_release(&p);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_asset(void **state)
{
	struct vg_policy p;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();

	(void)state;
	assert_int_equal(vg_policy_init(&p, &err), VG_OK);
	p.asset.declared = true;
	p.asset.name = strdup("pacs-01");
	p.asset.site = strdup("Hôpital Nord");
	p.asset.owner = strdup("radiologie");
	p.asset.category = NULL;
	p.asset.criticality = 4;
	run(dir, &p, &f);
	assert_true(f.sources[VG_SRC_ASSET].collected);
	assert_string_equal(f.asset.name, "pacs-01");
	assert_string_equal(f.asset.site, "Hôpital Nord");
	assert_string_equal(f.asset.owner, "radiologie");
	assert_null(f.asset.category);
	assert_int_equal(f.asset.criticality, 4);
	/* Zero backups is a fact, collected. */
	assert_true(f.sources[VG_SRC_BACKUPS].collected);
	assert_int_equal(f.n_backups, 0);
	vg_facts_release(&f);
	vg_policy_release(&p);

	/* No policy at all: an empty asset, no backups, still no error. */
	run(dir, NULL, &f);
	assert_true(f.sources[VG_SRC_ASSET].collected);
	assert_null(f.asset.name);
	assert_int_equal(f.asset.criticality, 0);
	assert_true(f.sources[VG_SRC_BACKUPS].collected);
	assert_int_equal(f.n_backups, 0);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backups),
		cmocka_unit_test(test_backup_too_deep),
		cmocka_unit_test(test_asset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

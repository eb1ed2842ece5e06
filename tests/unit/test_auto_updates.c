/* Automatic updates: apt.conf in both syntaxes, file order, comments;
 * dnf-automatic with its timers. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/root.h"
#include "util/banned.h"

static void
run(const char *dir, struct vg_facts *f, bool dpkg, bool uu)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_package *p;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(f);
	if (dpkg)
		vg_facts_collected(f, VG_SRC_PACKAGES);
	if (uu) {
		assert_non_null(p = vg_facts_add_package(f));
		p->name = vg_facts_str(f, "unattended-upgrades");
		p->version = vg_facts_str(f, "2.9.1+nmu3");
	}
	memset(&c, 0, sizeof(c));
	c.root = &root;
	c.facts = f;
	assert_int_equal(vg_collect_auto_updates(&c), VG_OK);
	vg_root_close(&root);
}

#define CONFD "etc/apt/apt.conf.d/"

/* One apt.conf.d layout and what it must give. */
struct row {
	const char *files[3][2]; /* name, content */
	bool enabled;
	const char *detail; /* a substring of the detail */
};

static const struct row rows[] = {
	/* Debian's stock 20auto-upgrades */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"}},
	 true,
	 "/etc/apt/apt.conf.d/20auto-upgrades:2: "
	 "APT::Periodic::Unattended-Upgrade \"1\""},
	/* nested braces, comments, case-insensitive names */
	{{{"50custom",
	   "// comment \"1\";\n# another\n/* block\n comment */\n"
	   "APT {\n  Periodic {\n    Update-Package-Lists \"7\";\n"
	   "    unattended-upgrade \"1\"; // daily\n  };\n};\n"}},
	 true,
	 "50custom:8:"},
	/* mixed: a scope with a "::" path inside */
	{{{"10a",
	   "APT { Periodic::Unattended-Upgrade \"1\"; "
	   "Periodic::Update-Package-Lists 1; };"}},
	 true,
	 NULL},
	/* a later file wins */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"},
	  {"99disable", "APT::Periodic::Unattended-Upgrade \"0\";\n"}},
	 false,
	 "99disable:1: APT::Periodic::Unattended-Upgrade \"0\""},
	/* lexical order: 05 is read before 20, so 20 wins */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"},
	  {"05off", "APT::Periodic::Unattended-Upgrade \"0\";\n"}},
	 true,
	 NULL},
	/* backups and bad names are not read by apt */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"},
	  {"99off.dpkg-old", "APT::Periodic::Unattended-Upgrade \"0\";\n"},
	  {"99off~", "APT::Periodic::Unattended-Upgrade \"0\";\n"}},
	 true,
	 NULL},
	/* lists never updated: nothing new to install */
	{{{"20auto-upgrades", "APT::Periodic::Unattended-Upgrade \"1\";\n"}},
	 false,
	 "Update-Package-Lists is not set"},
	{{{"x", ""}}, false, "Unattended-Upgrade is not set"},
	/* commented out, or the value in a comment */
	{{{"20auto-upgrades",
	   "//APT::Periodic::Update-Package-Lists \"1\";\n"
	   "#APT::Periodic::Unattended-Upgrade \"1\";\n"}},
	 false,
	 "is not set"},
	/* garbage values and broken syntax */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"yes\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"}},
	 false,
	 "Update-Package-Lists \"yes\""},
	{{{"20auto-upgrades",
	   "}}}} APT::Periodic::Unattended-Upgrade "
	   "\"1\";"}},
	 false,
	 NULL},
	{{{"20auto-upgrades", "APT { Periodic { { { \"unterminated"}},
	 false,
	 NULL},
};

static void
test_apt_conf(void **state)
{
	struct vg_facts f;
	char *dir, rel[256];
	size_t i, j;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		dir = vg_test_tmpdir();
		for (j = 0; j < 3 && rows[i].files[j][0] != NULL; j++) {
			(void)snprintf(rel, sizeof(rel), CONFD "%s",
				       rows[i].files[j][0]);
			vg_test_write(dir, rel, rows[i].files[j][1]);
		}
		run(dir, &f, true, true);
		assert_true(f.sources[VG_SRC_AUTO_UPDATES].collected);
		assert_string_equal(f.auto_updates.mechanism,
				    "unattended-upgrades");
		if (f.auto_updates.enabled != rows[i].enabled ||
		    (rows[i].detail != NULL &&
		     strstr(f.auto_updates.detail, rows[i].detail) == NULL)) {
			print_error("row %zu: enabled %d, detail '%s'\n", i,
				    f.auto_updates.enabled,
				    f.auto_updates.detail);
			fail();
		}
		vg_facts_release(&f);
		vg_test_rmtree(dir);
		free(dir);
	}
}

static void
test_debian_other(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	vg_test_write(dir, CONFD "20auto-upgrades",
		      "APT::Periodic::Update-Package-Lists \"1\";\n"
		      "APT::Periodic::Unattended-Upgrade \"1\";\n");
	/* Settings without the package do nothing. */
	run(dir, &f, true, false);
	assert_false(f.auto_updates.enabled);
	assert_non_null(strstr(f.auto_updates.detail, "not installed"));
	vg_facts_release(&f);
	/* apt.conf is read last and wins. */
	vg_test_write(dir, "etc/apt/apt.conf",
		      "APT::Periodic::Unattended-Upgrade \"0\";\n");
	run(dir, &f, true, true);
	assert_false(f.auto_updates.enabled);
	assert_non_null(strstr(f.auto_updates.detail, "/etc/apt/apt.conf:1"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

static void
link_timer(const char *dir, const char *unit)
{
	char path[4096];

	vg_test_write(dir, "etc/systemd/system/timers.target.wants/.keep", "");
	(void)snprintf(path, sizeof(path),
		       "%s/etc/systemd/system/timers.target.wants/%s", dir,
		       unit);
	/* The target does not exist in the image: the link still counts. */
	assert_int_equal(symlink("/usr/lib/systemd/system/x.timer", path), 0);
}

static void
test_dnf(void **state)
{
	char *dir = vg_test_tmpdir();
	struct vg_facts f;

	(void)state;
	/* Nothing at all: not collected. */
	run(dir, &f, false, false);
	assert_false(f.sources[VG_SRC_AUTO_UPDATES].collected);
	vg_facts_release(&f);

	/* dnf without dnf-automatic. */
	vg_test_write(dir, "etc/dnf/dnf.conf", "[main]\n");
	run(dir, &f, false, false);
	assert_true(f.sources[VG_SRC_AUTO_UPDATES].collected);
	assert_false(f.auto_updates.enabled);
	assert_string_equal(f.auto_updates.mechanism, "dnf-automatic");
	vg_facts_release(&f);

	/* apply_updates = yes but no timer. */
	vg_test_write(dir, "etc/dnf/automatic.conf",
		      "[commands]\n# apply_updates = no\n"
		      "upgrade_type = security\napply_updates = yes\n"
		      "[emitters]\napply_updates = no\n");
	run(dir, &f, false, false);
	assert_false(f.auto_updates.enabled);
	assert_non_null(strstr(f.auto_updates.detail, "timer"));
	vg_facts_release(&f);

	/* ... and the timer enabled. */
	link_timer(dir, "dnf-automatic.timer");
	run(dir, &f, false, false);
	assert_true(f.auto_updates.enabled);
	assert_string_equal(f.auto_updates.detail,
			    "/etc/dnf/automatic.conf:4: apply_updates = yes");
	vg_facts_release(&f);

	/* apply_updates = no: only downloads. */
	vg_test_write(dir, "etc/dnf/automatic.conf",
		      "[commands]\napply_updates = no\n");
	run(dir, &f, false, false);
	assert_false(f.auto_updates.enabled);
	assert_string_equal(f.auto_updates.detail,
			    "/etc/dnf/automatic.conf:2: apply_updates = no");
	vg_facts_release(&f);

	/* dnf-automatic-install.timer installs whatever the file says. */
	link_timer(dir, "dnf-automatic-install.timer");
	run(dir, &f, false, false);
	assert_true(f.auto_updates.enabled);
	assert_non_null(
		strstr(f.auto_updates.detail, "dnf-automatic-install.timer"));
	vg_facts_release(&f);

	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apt_conf),
		cmocka_unit_test(test_debian_other),
		cmocka_unit_test(test_dnf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

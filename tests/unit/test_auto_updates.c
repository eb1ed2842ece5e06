/* Automatic updates: apt.conf in both syntaxes, file order, comments;
 * dnf-automatic with its timers. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "collect/auto_updates.h"
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
	/* apt.systemd.daily takes unit suffixes: s, m, h, d */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"12h\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1d\";\n"}},
	 true,
	 "Unattended-Upgrade \"1d\""},
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"3600s\";\n"
	   "APT::Periodic::Unattended-Upgrade \"90m\";\n"}},
	 true,
	 NULL},
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"0d\";\n"}},
	 false,
	 "Unattended-Upgrade \"0d\""},
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1w\";\n"}},
	 false,
	 "Unattended-Upgrade \"1w\""},
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"d\";\n"}},
	 false,
	 NULL},
	/* APT::Periodic::Enable "0" stops apt.systemd.daily entirely */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"},
	  {"99off", "APT { Periodic { Enable \"0\"; }; };\n"}},
	 false,
	 "99off:1: APT::Periodic::Enable \"0\""},
	/* ... any other value, or a later "1", leaves it on */
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"
	   "APT::Periodic::Enable \"1\";\n"},
	  {"10off", "APT::Periodic::Enable \"0\";\n"}},
	 true,
	 NULL},
	{{{"20auto-upgrades",
	   "APT::Periodic::Update-Package-Lists \"1\";\n"
	   "APT::Periodic::Unattended-Upgrade \"1\";\n"
	   "APT::Periodic::Enable \"yes\";\n"}},
	 true,
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

/* The interval values, as apt.systemd.daily reads them. */
static void
test_periodic_on(void **state)
{
	static const struct {
		const char *value;
		bool on;
	} cases[] = {
		{"1", true},      {"7", true},
		{"1d", true},     {"12h", true},
		{"30m", true},    {"60s", true},
		{"always", true}, {"ALWAYS", true},
		{"0", false},     {"0d", false},
		{"-1", false},    {"-1d", false},
		{"", false},      {"d", false},
		{"1dd", false},   {"1D", false},
		{"1w", false},    {"yes", false},
		{" 1", false},    {"99999999999999999999", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		print_message("'%s'\n", cases[i].value);
		assert_int_equal(vg_apt_periodic_on(cases[i].value),
				 cases[i].on);
	}
}

/* NUL bytes are blanks; a megabyte of them must not grow the stack. */
static void
test_nul_bytes(void **state)
{
	static const char conf[] = "APT::Periodic::Unattended-Upgrade\0\"1d\""
				   "\0;\0\0APT\0{\0Periodic::Update-Package-"
				   "Lists\0\"1\";\0}\0;\0";
	const size_t big = 1000000;
	struct vg_apt_periodic ap;
	struct vg_facts f;
	char *buf, *dir;

	(void)state;
	vg_facts_init(&f);
	memset(&ap, 0, sizeof(ap));
	vg_apt_conf_parse(&f, &ap, "t", conf, sizeof(conf) - 1);
	assert_true(ap.upgrade.set);
	assert_string_equal(ap.upgrade.value, "1d");
	assert_string_equal(ap.upgrade.where, "t:1");
	assert_true(ap.lists.set);
	assert_string_equal(ap.lists.value, "1");
	assert_int_equal(f.n_warnings, 0);

	/* A megabyte of NUL bytes, then a setting: parsed, no overflow. */
	assert_non_null(buf = calloc(1, big + 64));
	memcpy(buf + big, "APT::Periodic::Enable \"0\";", 26);
	vg_apt_conf_parse(&f, &ap, "zero", buf, big + 26);
	assert_true(ap.enable.set);
	assert_string_equal(ap.enable.value, "0");
	vg_facts_release(&f);

	/* The same through the collector (reviewer's reproducer). */
	dir = vg_test_tmpdir();
	vg_test_write(dir, CONFD "20auto-upgrades",
		      "APT::Periodic::Update-Package-Lists \"1\";\n"
		      "APT::Periodic::Unattended-Upgrade \"1\";\n");
	vg_test_write_bytes(dir, CONFD "50zero", buf, big);
	run(dir, &f, true, true);
	assert_true(f.auto_updates.enabled);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
	free(buf);
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
		cmocka_unit_test(test_periodic_on),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_dnf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the sshd_config parser and collector (collect/sshd.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "collect/collectors.h"
#include "collect/sshd.h"
#include "util/root.h"
#include "util/banned.h"

struct row {
	const char *name;
	const char *in;
	size_t len;          /* 0: strlen(in) */
	const char *value;   /* expected PermitRootLogin */
	int line;            /* 0: the default (file NULL) */
	const char *warning; /* a warning containing this, or NULL: none */
};

static const struct row rows[] = {
	{.name = "empty file", .in = "", .value = "prohibit-password"},
	{.name = "set",
	 .in = "Port 22\nPermitRootLogin yes\n",
	 .value = "yes",
	 .line = 2},
	{.name = "first value wins",
	 .in = "PermitRootLogin no\nPermitRootLogin yes\n",
	 .value = "no",
	 .line = 1},
	{.name = "keyword and value case",
	 .in = "permitrootlogin YES\n",
	 .value = "yes",
	 .line = 1},
	{.name = "= syntax",
	 .in = "PermitRootLogin=yes\n",
	 .value = "yes",
	 .line = 1},
	{.name = "= with blanks",
	 .in = "  PermitRootLogin\t =  no  \n",
	 .value = "no",
	 .line = 1},
	{.name = "quoted value",
	 .in = "PermitRootLogin \"yes\"\n",
	 .value = "yes",
	 .line = 1},
	{.name = "trailing comment",
	 .in = "PermitRootLogin yes # for the backup robot\n",
	 .value = "yes",
	 .line = 1},
	{.name = "commented out",
	 .in = "#PermitRootLogin yes\n",
	 .value = "prohibit-password"},
	{.name = "Match block ignored",
	 .in = "Match User backup\n\tPermitRootLogin yes\n",
	 .value = "prohibit-password"},
	{.name = "Match block after global",
	 .in = "PermitRootLogin no\nMatch Address 10.0.0.0/8\n"
	       "PermitRootLogin yes\n",
	 .value = "no",
	 .line = 1},
	{.name = "global after Match stays in the Match",
	 .in = "Match User x\nPermitRootLogin no\nMATCH Group y\n"
	       "PermitRootLogin yes\n",
	 .value = "prohibit-password"},
	{.name = "Match all overrides the global value",
	 .in = "PermitRootLogin no\nMatch all\nPermitRootLogin yes\n",
	 .value = "yes",
	 .line = 3},
	{.name = "Match all with more criteria is a Match",
	 .in = "Match all User x\nPermitRootLogin yes\n",
	 .value = "prohibit-password"},
	{.name = "without-password kept as written",
	 .in = "PermitRootLogin without-password\n",
	 .value = "without-password",
	 .line = 1},
	{.name = "missing value",
	 .in = "PermitRootLogin\nPermitRootLogin no\n",
	 .value = "no",
	 .line = 2,
	 .warning = "t:1: PermitRootLogin without a value"},
	{.name = "unknown value",
	 .in = "PermitRootLogin maybe\n",
	 .value = "maybe",
	 .line = 1,
	 .warning = "t:1: unknown PermitRootLogin value 'maybe'"},
	{.name = "NUL byte",
	 .in = "PermitRootLogin\0 yes\nPermitRootLogin no\n",
	 .len = 40,
	 .value = "no",
	 .line = 2,
	 .warning = "t:1: NUL byte"},
	{.name = "include without root",
	 .in = "Include /etc/ssh/sshd_config.d/*.conf\n",
	 .value = "prohibit-password",
	 .warning = "t:1: include of '/etc/ssh/sshd_config.d/*.conf' "
		    "ignored"},
	{.name = "Include without a file",
	 .in = "Include\n",
	 .value = "prohibit-password",
	 .warning = "t:1: Include without"},
	{.name = "Match without criteria",
	 .in = "Match\nPermitRootLogin yes\n",
	 .value = "prohibit-password",
	 .warning = "t:1: Match without criteria"},
	{.name = "CRLF",
	 .in = "PermitRootLogin yes\r\n",
	 .value = "yes",
	 .line = 1},
	{.name = "value too long",
	 .in = "PermitRootLogin "
	       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	       "yyyyyyyyyyyyyyyyyyyyyyyyy\n",
	 .value = "prohibit-password",
	 .warning = "t:1: PermitRootLogin value"},
};

static void
test_rows(void **state)
{
	const struct row *t;
	struct vg_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		t = &rows[i];
		print_message("case: %s\n", t->name);
		vg_facts_init(&f);
		assert_int_equal(vg_sshd_parse(&f, NULL, "t", t->in,
					       t->len ? t->len : strlen(t->in)),
				 VG_OK);
		assert_string_equal(f.sshd.permit_root_login, t->value);
		assert_int_equal(f.sshd.line, t->line);
		if (t->line == 0)
			assert_null(f.sshd.file);
		else
			assert_string_equal(f.sshd.file, "t");
		if (t->warning != NULL)
			assert_true(vg_test_has_warning(&f, t->warning));
		else
			assert_int_equal(f.n_warnings, 0);
		vg_facts_release(&f);
	}
}

static void
test_long_line(void **state)
{
	size_t n = 100000;
	char *in = malloc(n + 32);
	struct vg_facts f;
	int w;

	(void)state;
	assert_non_null(in);
	memset(in, 'x', n);
	w = snprintf(in + n, 32, "\nPermitRootLogin yes\n");
	vg_facts_init(&f);
	assert_int_equal(vg_sshd_parse(&f, NULL, "t", in, n + (size_t)w),
			 VG_OK);
	assert_string_equal(f.sshd.permit_root_login, "yes");
	assert_int_equal(f.sshd.line, 2);
	assert_true(vg_test_has_warning(&f, "t:1: line longer than"));
	vg_facts_release(&f);
	free(in);
}

/* Run the collector on a temporary root. */
static void
collect_root(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_err err;
	struct vg_collect c;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	c.root = &root;
	c.policy = NULL;
	c.facts = f;
	assert_int_equal(vg_collect_sshd(&c), VG_OK);
	vg_root_close(&root);
}

/* Included files are read in lexical order where the Include is. */
static void
test_include_order(void **state)
{
	static const char *const mains[] = {
		"Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
		"Include sshd_config.d/*.conf\nPermitRootLogin no\n",
		"Include \"sshd_config.d/[0-9]*.conf\" /etc/ssh/none\n",
	};
	struct vg_facts f;
	char *dir;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(mains); i++) {
		dir = vg_test_tmpdir();
		vg_test_write(dir, "etc/ssh/sshd_config", mains[i]);
		vg_test_write(dir, "etc/ssh/sshd_config.d/20-b.conf",
			      "PermitRootLogin yes\n");
		vg_test_write(dir, "etc/ssh/sshd_config.d/10-a.conf",
			      "# first\n\nPermitRootLogin without-password\n");
		vg_test_write(dir, "etc/ssh/sshd_config.d/05-none.conf",
			      "Port 2222\n");
		vg_test_write(dir, "etc/ssh/sshd_config.d/README",
			      "PermitRootLogin forced-commands-only\n");
		vg_test_write(dir, "etc/ssh/sshd_config.d/.hidden.conf",
			      "PermitRootLogin forced-commands-only\n");
		vg_facts_init(&f);
		collect_root(dir, &f);
		assert_true(f.sources[VG_SRC_SSHD].collected);
		assert_int_equal(f.n_warnings, 0);
		assert_string_equal(f.sshd.permit_root_login,
				    "without-password");
		assert_string_equal(f.sshd.file,
				    "/etc/ssh/sshd_config.d/10-a.conf");
		assert_int_equal(f.sshd.line, 3);
		vg_facts_release(&f);
		vg_test_rmtree(dir);
		free(dir);
	}
}

/* An Include inside a Match belongs to the Match. */
static void
test_include_in_match(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/ssh/sshd_config",
		      "Match User backup\nInclude extra.conf\n");
	vg_test_write(dir, "etc/ssh/extra.conf",
		      "PermitRootLogin yes\nMatch all\nPermitRootLogin yes\n");
	vg_facts_init(&f);
	collect_root(dir, &f);
	assert_true(f.sources[VG_SRC_SSHD].collected);
	assert_string_equal(f.sshd.permit_root_login, "prohibit-password");
	assert_null(f.sshd.file);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* A Match in an included file ends with that file. */
static void
test_match_ends_with_file(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/ssh/sshd_config",
		      "Include a.conf\nPermitRootLogin yes\n");
	vg_test_write(dir, "etc/ssh/a.conf",
		      "Match User x\nPermitRootLogin no\n");
	vg_facts_init(&f);
	collect_root(dir, &f);
	assert_string_equal(f.sshd.permit_root_login, "yes");
	assert_string_equal(f.sshd.file, "/etc/ssh/sshd_config");
	assert_int_equal(f.sshd.line, 2);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_include_loop(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/ssh/sshd_config",
		      "Include /etc/ssh/./sshd_config\nInclude a.conf\n"
		      "PermitRootLogin no\n");
	vg_test_write(dir, "etc/ssh/a.conf", "Include ../ssh/a.conf\n");
	vg_facts_init(&f);
	collect_root(dir, &f);
	assert_true(
		vg_test_has_warning(&f,
				    "/etc/ssh/sshd_config:1: include loop on "
				    "'/etc/ssh/sshd_config'"));
	assert_true(vg_test_has_warning(
		&f, "/etc/ssh/a.conf:1: include loop on '/etc/ssh/a.conf'"));
	assert_string_equal(f.sshd.permit_root_login, "no");
	assert_int_equal(f.sshd.line, 3);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

static void
test_collect_missing(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/hostname", "h\n");
	vg_facts_init(&f);
	collect_root(dir, &f);
	/* No sshd installed: collected, with no PermitRootLogin value. */
	assert_true(f.sources[VG_SRC_SSHD].collected);
	assert_null(f.sshd.permit_root_login);
	vg_facts_release(&f);

	/* The server is installed: its missing configuration is an error. */
	vg_test_write(dir, "usr/sbin/sshd", "");
	vg_facts_init(&f);
	collect_root(dir, &f);
	assert_false(f.sources[VG_SRC_SSHD].collected);
	assert_non_null(strstr(f.sources[VG_SRC_SSHD].reason,
			       "'/etc/ssh/sshd_config'"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_include_order),
		cmocka_unit_test(test_include_in_match),
		cmocka_unit_test(test_match_ends_with_file),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_collect_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Mail forwards: /etc/aliases, ~/.forward and the collector. */
#include "util/common.h"

#include <linux/capability.h>
#include <stdbool.h>
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

#define MAX_EXPECT 4

struct fwd {
	const char *user;
	int line;
	const char *target;
};

struct aliases_case {
	const char *label;
	const char *text;
	struct fwd expect[MAX_EXPECT]; /* terminated by user == NULL */
	const char *warning;
};

static const struct aliases_case aliases_cases[] = {
	{"simple",
	 "# comment\npostmaster: root\nroot: admin@chu-exemple.fr\n",
	 {{"root", 3, "admin@chu-exemple.fr"}},
	 NULL},
	{"several targets, local ignored",
	 "root: localadmin, a@gmail.com ,\"b@yahoo.fr\", \\root\n",
	 {{"root", 1, "a@gmail.com"}, {"root", 1, "b@yahoo.fr"}},
	 NULL},
	{"continuation lines",
	 "staff: alice,\n"
	 "  bob@outlook.com,\n"
	 "# a comment inside\n"
	 "\tcarol@proton.me\n"
	 "other: x@y.org\n",
	 {{"staff", 1, "bob@outlook.com"},
	  {"staff", 1, "carol@proton.me"},
	  {"other", 5, "x@y.org"}},
	 NULL},
	{"pipe, file, include skipped",
	 "list: :include:/etc/mail/list, \"|/usr/bin/procmail -a x@y\", "
	 "/var/mail/archive, \"| cat@x\"\n",
	 {{NULL, 0, NULL}},
	 NULL},
	{"quoted target with comma",
	 "q: \"Some One, x@ext.com\", z@z.com\n",
	 {{"q", 1, "Some One, x@ext.com"}, {"q", 1, "z@z.com"}},
	 NULL},
	{"quoted alias name",
	 "\"odd name\": o@ext.com\n",
	 {{"odd name", 1, "o@ext.com"}},
	 NULL},
	{"no colon",
	 "root admin@ext.com\nok: k@ext.com\n",
	 {{"ok", 2, "k@ext.com"}},
	 "1: alias without ':'"},
	{"empty name", ": a@b.c\n", {{NULL, 0, NULL}}, "bad alias name"},
	{"blank line does not end entry",
	 "a: x@one.com,\n\n  y@two.com\n",
	 {{"a", 1, "x@one.com"}, {"a", 1, "y@two.com"}},
	 NULL},
	{"blank line and indented comment",
	 "support: a@org.fr,\n"
	 "\n"
	 "  b@gmail.com\n"
	 "postmaster: root\n"
	 "  # old: carol@gmail.com\n",
	 {{"support", 1, "a@org.fr"}, {"support", 1, "b@gmail.com"}},
	 NULL},
	{"whitespace-only line inside entry",
	 "a: x@one.com,\n \t \n\ty@two.com\nb: z@three.com\n",
	 {{"a", 1, "x@one.com"},
	  {"a", 1, "y@two.com"},
	  {"b", 4, "z@three.com"}},
	 NULL},
	{"indented comment before any entry",
	 "   # header\n\t#more\nroot: r@ext.com\n",
	 {{"root", 3, "r@ext.com"}},
	 NULL},
	{"continuation without entry",
	 "  x@ext.com\nroot: r@ext.com\n",
	 {{"root", 2, "r@ext.com"}},
	 "1: alias without ':'"},
	{"crlf", "a: x@one.com\r\n", {{"a", 1, "x@one.com"}}, NULL},
	{"no final newline", "a: x@one.com", {{"a", 1, "x@one.com"}}, NULL},
	{"empty", "", {{NULL, 0, NULL}}, NULL},
	{"non-utf8",
	 "\xff\xfe: \xc3\x28@\xff.com\n",
	 {{"\xff\xfe", 1, "\xc3\x28@\xff.com"}},
	 NULL},
};

static void
check_forwards(const struct vg_facts *f, const struct fwd *expect,
	       const char *file)
{
	size_t i, n = 0;

	while (n < MAX_EXPECT && expect[n].user != NULL)
		n++;
	assert_int_equal(f->n_forwards, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(f->forwards[i].user, expect[i].user);
		assert_int_equal(f->forwards[i].line, expect[i].line);
		assert_string_equal(f->forwards[i].target, expect[i].target);
		assert_string_equal(f->forwards[i].file, file);
	}
}

static void
test_aliases_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(aliases_cases); i++) {
		const struct aliases_case *ac = &aliases_cases[i];
		struct vg_facts f;

		print_message("case: %s\n", ac->label);
		vg_facts_init(&f);
		assert_int_equal(vg_aliases_parse(&f, "aliases", ac->text,
						  strlen(ac->text)),
				 VG_OK);
		check_forwards(&f, ac->expect, "aliases");
		if (ac->warning != NULL)
			assert_true(vg_test_has_warning(&f, ac->warning));
		else
			assert_int_equal(f.n_warnings, 0);
		vg_facts_release(&f);
	}
}

static void
test_aliases_nul_and_huge(void **state)
{
	static const char nul[] = "a: x@o\0ne.com, y@two.com\n";
	size_t n = VG_MAX_LINE + 10, i;
	char *big = malloc(n + 32);
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_aliases_parse(&f, "al", nul, sizeof(nul) - 1),
			 VG_OK);
	assert_true(vg_test_has_warning(&f, "NUL byte"));
	assert_int_equal(f.n_forwards, 1);
	assert_string_equal(f.forwards[0].target, "y@two.com");
	vg_facts_release(&f);

	/* An entry grown past the line limit by continuations. */
	assert_non_null(big);
	memcpy(big, "a: x@one.com\n", 13);
	for (i = 13; i + 1 < n; i += 2) {
		big[i] = ' ';
		big[i + 1] = ((i + 1) % 40 == 0) ? '\n' : 'z';
	}
	memcpy(big + i, "\nb: b@two.com\n", 14);
	vg_facts_init(&f);
	assert_int_equal(vg_aliases_parse(&f, "al", big, i + 14), VG_OK);
	assert_true(vg_test_has_warning(&f, "al:1: entry too long"));
	assert_int_equal(f.n_forwards, 1);
	assert_string_equal(f.forwards[0].user, "b");
	vg_facts_release(&f);
	free(big);
}

static void
test_aliases_too_many_targets(void **state)
{
	struct vg_facts f;
	char *text;
	size_t i, n = 0, count = VG_MAX_LIST_ITEMS + 5;

	(void)state;
	text = malloc(count * 8 + 16);
	assert_non_null(text);
	memcpy(text, "a: ", 3);
	n = 3;
	for (i = 0; i < count; i++) {
		memcpy(text + n, "x@y.fr,", 7);
		n += 7;
	}
	vg_facts_init(&f);
	assert_int_equal(vg_aliases_parse(&f, "al", text, n), VG_OK);
	assert_true(vg_test_has_warning(&f, "too many targets"));
	assert_int_equal(f.n_forwards, VG_MAX_LIST_ITEMS);
	vg_facts_release(&f);
	free(text);
}

static void
test_forward_parse(void **state)
{
	static const char text[] = "# keep a copy and forward\n"
				   "\\alice, alice.perso@gmail.com\n"
				   "\"|/usr/bin/vacation alice\"\n"
				   "/home/alice/mail.log\n"
				   "other@chu-exemple.fr , bob\n";
	static const struct fwd expect[MAX_EXPECT] = {
		{"alice", 2, "alice.perso@gmail.com"},
		{"alice", 5, "other@chu-exemple.fr"},
	};
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_forward_parse(&f, "alice", "/home/alice/.forward",
					  text, sizeof(text) - 1),
			 VG_OK);
	check_forwards(&f, expect, "/home/alice/.forward");
	vg_facts_release(&f);
}

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
test_collect(void **state)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/aliases",
		      "postmaster: root\nroot: it@gmail.com\n");
	vg_test_write(dir, "home/alice/.forward", "alice@yahoo.fr\n");
	vg_test_write(dir, "home/bob/notes", "x\n");
	vg_test_write(dir, "root/.forward", "\\root\n");
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	add_account(&f, "root", 0, "/root");
	add_account(&f, "daemon", 1, "/usr/sbin");
	add_account(&f, "alice", 1000, "/home/alice/");
	add_account(&f, "bob", 1001, "/home/bob");
	add_account(&f, "ghost", 1002, "/home/ghost");
	add_account(&f, "rel", 1003, "relative");
	vg_facts_collected(&f, VG_SRC_PASSWD);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	assert_int_equal(vg_collect_forwards(&c), VG_OK);
	assert_true(f.sources[VG_SRC_MAIL_FORWARD].collected);
	assert_int_equal(f.n_forwards, 2);
	assert_string_equal(f.forwards[0].file, "/etc/aliases");
	assert_string_equal(f.forwards[0].user, "root");
	assert_string_equal(f.forwards[0].target, "it@gmail.com");
	assert_int_equal(f.forwards[0].line, 2);
	assert_string_equal(f.forwards[1].file, "/home/alice/.forward");
	assert_string_equal(f.forwards[1].user, "alice");
	assert_string_equal(f.forwards[1].target, "alice@yahoo.fr");
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);

	/* No /etc/aliases, no accounts: aliases absent is fine, but the
	 * homes could not be inspected. */
	vg_test_rmtree(dir);
	free(dir);
	vg_root_close(&root);
	dir = vg_test_tmpdir();
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	c.root = &root;
	c.facts = &f;
	assert_int_equal(vg_collect_forwards(&c), VG_OK);
	assert_false(f.sources[VG_SRC_MAIL_FORWARD].collected);
	assert_non_null(f.sources[VG_SRC_MAIL_FORWARD].reason);
	vg_facts_collected(&f, VG_SRC_PASSWD);
	assert_int_equal(vg_collect_forwards(&c), VG_OK);
	assert_true(f.sources[VG_SRC_MAIL_FORWARD].collected);
	assert_int_equal(f.n_forwards, 0);
	vg_facts_release(&f);
	vg_root_close(&root);
	vg_test_rmtree(dir);
	free(dir);
}

/* Homes that cannot be searched (0700, not root): one warning, counted. */
static void
test_collect_denied_homes(void **state)
{
	struct vg_collect c;
	struct vg_root root;
	struct vg_facts f;
	struct vg_err err;
	char *dir = vg_test_tmpdir();
	char path[4096];
	bool dropped;

	(void)state;
	vg_test_write(dir, "home/alice/.forward", "alice@gmail.com\n");
	vg_test_write(dir, "home/bob/.forward", "bob@gmail.com\n");
	vg_test_write(dir, "home/carol/.forward", "carol@yahoo.fr\n");
	vg_test_write(dir, "home/file", "not a directory\n");
	(void)snprintf(path, sizeof(path), "%s/home/alice", dir);
	assert_int_equal(chmod(path, 0), 0);
	(void)snprintf(path, sizeof(path), "%s/home/bob", dir);
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	vg_facts_init(&f);
	add_account(&f, "alice", 1000, "/home/alice");
	add_account(&f, "bob", 1001, "/home/bob");
	add_account(&f, "carol", 1002, "/home/carol");
	add_account(&f, "odd", 1003, "/home/file");
	vg_facts_collected(&f, VG_SRC_PASSWD);
	c.root = &root;
	c.policy = NULL;
	c.facts = &f;
	dropped = vg_test_dac_caps(false);
	if (dropped)
		assert_int_equal(vg_collect_forwards(&c), VG_OK);
	assert_true(vg_test_dac_caps(true) || !dropped);
	if (dropped) {
		assert_true(f.sources[VG_SRC_MAIL_FORWARD].collected);
		assert_int_equal(f.n_forwards, 1);
		assert_string_equal(f.forwards[0].user, "carol");
		/* One warning for both homes; a home that is a file is
		 * no home at all and says nothing. */
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
		cmocka_unit_test(test_aliases_table),
		cmocka_unit_test(test_aliases_nul_and_huge),
		cmocka_unit_test(test_aliases_too_many_targets),
		cmocka_unit_test(test_forward_parse),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_collect_denied_homes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

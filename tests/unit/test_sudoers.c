/* Unit tests of the sudoers parser and collector (collect/sudoers.c). */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "collect/collectors.h"
#include "collect/sudoers.h"
#include "util/root.h"
#include "util/banned.h"

/*
 * One parse of a text and the rule to look at. users lists the rule's
 * users as "name" or "!name", followed by "<ALIAS>" when it came through
 * one, comma-joined.
 */
struct row {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t n_rules;
	int rule; /* index checked, -1: none */
	const char *users;
	int line;
	bool runas_root, all, nopasswd;
	const char *warning; /* a warning containing this, or NULL: none */
};

static const struct row rows[] = {
	{.name = "sudo group",
	 .in = "%sudo ALL=(ALL:ALL) ALL\n",
	 .n_rules = 1,
	 .users = "%sudo",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "nopasswd all",
	 .in = "alice ALL=(ALL) NOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "user alias",
	 .in = "User_Alias ADMINS = alice, bob\n"
	       "ADMINS ALL = (root) NOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice<ADMINS>,bob<ADMINS>",
	 .line = 2,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "runas other user",
	 .in = "bob ALL=(www-data) ALL\n",
	 .n_rules = 1,
	 .users = "bob",
	 .line = 1,
	 .all = true},
	{.name = "one command",
	 .in = "carol ALL=/usr/bin/systemctl restart nginx\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 1,
	 .runas_root = true},
	{.name = "all but su",
	 .in = "dave ALL = ALL, !/bin/su\n",
	 .n_rules = 1,
	 .users = "dave",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "negated member of alias",
	 .in = "User_Alias OPS = %ops, !eve\nOPS ALL=ALL\n",
	 .n_rules = 1,
	 .users = "%ops<OPS>,!eve<OPS>",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "cmnd alias of ALL",
	 .in = "Cmnd_Alias ALLCMD = ALL\nfrank ALL=(root) NOPASSWD: ALLCMD\n",
	 .n_rules = 1,
	 .users = "frank",
	 .line = 2,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "Cmd_Alias synonym",
	 .in = "Cmd_Alias EVERY = ALL\nfrank ALL = EVERY\n",
	 .n_rules = 1,
	 .users = "frank",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "root",
	 .in = "root ALL=(ALL:ALL) ALL\n",
	 .n_rules = 1,
	 .users = "root",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "uid is not a comment",
	 .in = "#1001 ALL=ALL\n",
	 .n_rules = 1,
	 .users = "#1001",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "gid is not a comment",
	 .in = "%#27 ALL=ALL\n",
	 .n_rules = 1,
	 .users = "%#27",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "comments and blank lines",
	 .in = "# header\n\n   \t\nalice ALL=ALL # trailing comment\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 4,
	 .runas_root = true,
	 .all = true},
	{.name = "comment does not continue",
	 .in = "# not continued \\\nalice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "continuation joins lines",
	 .in = "\nalice, \\\n   bob ALL = \\\n\tNOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice,bob",
	 .line = 2,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "continued bad line names its first line",
	 .in = "\n\nalice \\\n ALL \\\n ALL\n",
	 .warning = "t:3: syntax error"},
	{.name = "two aliases on one line",
	 .in = "User_Alias A = x, y : B = z\nB, A ALL=ALL\n",
	 .n_rules = 1,
	 .users = "z<B>,x<A>,y<A>",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "alias of aliases",
	 .in = "User_Alias A = x\nUser_Alias B = A, y\nB ALL=ALL\n",
	 .n_rules = 1,
	 .users = "x<B>,y<B>",
	 .line = 3,
	 .runas_root = true,
	 .all = true},
	{.name = "alias used before its definition",
	 .in = "B ALL=ALL\nUser_Alias B = y\n",
	 .n_rules = 1,
	 .users = "y<B>",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "negated alias negates its members",
	 .in = "User_Alias U = a, !b\n!U, c ALL=ALL\n",
	 .n_rules = 1,
	 .users = "!a<U>,b<U>,c",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "second host group is a second rule",
	 .in = "alice ALL = /bin/ls : SRV = (root) NOPASSWD: ALL\n",
	 .n_rules = 2,
	 .rule = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "first host group",
	 .in = "alice ALL = /bin/ls : SRV = (root) NOPASSWD: ALL\n",
	 .n_rules = 2,
	 .rule = 0,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true},
	{.name = "host alias",
	 .in = "Host_Alias SRV = web1, web2\nalice SRV = ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "runas carries over",
	 .in = "alice ALL = (www-data) /bin/ls, ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .all = true},
	{.name = "runas root wins over another runas",
	 .in = "alice ALL = (www-data) ALL, (root) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "tag carries over",
	 .in = "alice ALL = NOPASSWD: /bin/ls, ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "PASSWD tag turns it off again",
	 .in = "alice ALL = NOPASSWD: /bin/ls, PASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "last ALL decides: PASSWD after NOPASSWD",
	 .in = "carol ALL=(ALL) NOPASSWD: ALL, PASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "last ALL decides: NOPASSWD after PASSWD",
	 .in = "carol ALL=(ALL) PASSWD: ALL, NOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "last ALL as root decides, not a later ALL as another user",
	 .in = "carol ALL = (root) NOPASSWD: ALL, (www-data) PASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "last ALL through an alias decides",
	 .in = "Cmnd_Alias EVERY = ALL\n"
	       "carol ALL = NOPASSWD: EVERY, PASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "last of three ALL decides",
	 .in = "carol ALL = NOPASSWD: ALL, PASSWD: ALL, NOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "carol",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "runas alias naming root",
	 .in = "Runas_Alias R = operator, root\nalice ALL = (R) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "runas alias without root",
	 .in = "Runas_Alias R = operator\nalice ALL = (R) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .all = true},
	{.name = "empty runas is the invoking user",
	 .in = "alice ALL = () ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .all = true},
	{.name = "group-only runas",
	 .in = "alice ALL = (:wheel) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .all = true},
	{.name = "runas ALL but root",
	 .in = "alice ALL = (ALL, !root) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .all = true},
	{.name = "runas uid 0",
	 .in = "alice ALL = (#0) ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "negated cmnd alias of ALL",
	 .in = "Cmnd_Alias C = ALL\nalice ALL = !C\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = false},
	{.name = "ALL then !ALL",
	 .in = "alice ALL = ALL, !ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1},
	{.name = "Defaults !authenticate after the rule",
	 .in = "alice ALL=ALL\nDefaults !authenticate\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "Defaults !authenticate but PASSWD tag",
	 .in = "Defaults !authenticate\nalice ALL=PASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "Defaults:user applies to that user",
	 .in = "Defaults:alice !authenticate\nalice ALL=ALL\nbob ALL=ALL\n",
	 .n_rules = 2,
	 .rule = 0,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "Defaults:user spares other users",
	 .in = "Defaults:alice !authenticate\nalice ALL=ALL\nbob ALL=ALL\n",
	 .n_rules = 2,
	 .rule = 1,
	 .users = "bob",
	 .line = 3,
	 .runas_root = true,
	 .all = true},
	{.name = "Defaults:user through a User_Alias",
	 .in = "User_Alias U = alice\nDefaults:U !authenticate\n"
	       "alice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 3,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "Defaults:user re-enables authenticate",
	 .in = "Defaults !authenticate\nDefaults:alice authenticate\n"
	       "alice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 3,
	 .runas_root = true,
	 .all = true},
	{.name = "later global Defaults wins",
	 .in = "Defaults !authenticate\nDefaults authenticate\n"
	       "alice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 3,
	 .runas_root = true,
	 .all = true},
	{.name = "Defaults>root",
	 .in = "Defaults>root !authenticate\nalice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "Defaults!cmnd alias of ALL",
	 .in = "Cmnd_Alias AC = ALL\nDefaults!AC !authenticate\n"
	       "alice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 3,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "other Defaults ignored",
	 .in = "Defaults env_reset, secure_path=\"/usr/bin:/bin\"\n"
	       "Defaults:%admin env_keep += \"LANG, LC_ALL\"\n"
	       "alice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 3,
	 .runas_root = true,
	 .all = true},
	{.name = "digest before command",
	 .in = "alice ALL = sha256:q1w2e3+/r4== /bin/ls\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true},
	{.name = "command option",
	 .in = "alice ALL = CWD=/tmp NOPASSWD: ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .nopasswd = true},
	{.name = "escaped colon in arguments",
	 .in = "alice ALL = /bin/chown root\\:root /srv\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true},
	{.name = "quoted user",
	 .in = "\"%domain users\" ALL=ALL\n",
	 .n_rules = 1,
	 .users = "%domain users",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	{.name = "cmnd alias ends a host group",
	 .in = "Cmnd_Alias C = /bin/ls\nalice ALL = C : SRV = ALL\n",
	 .n_rules = 2,
	 .rule = 1,
	 .users = "alice",
	 .line = 2,
	 .runas_root = true,
	 .all = true},
	{.name = "CRLF line ends",
	 .in = "alice ALL=ALL\r\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
	/* Hostile input. */
	{.name = "continuation at end of file",
	 .in = "alice ALL = ALL \\",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:1: line continuation at end of file"},
	{.name = "alias cycle",
	 .in = "User_Alias A = B\nUser_Alias B = A\nA ALL=ALL\n",
	 .n_rules = 1,
	 .users = "",
	 .line = 3,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:3: alias cycle"},
	{.name = "cmnd alias cycle",
	 .in = "Cmnd_Alias A = B, /bin/ls\nCmnd_Alias B = A\nx ALL=A\n",
	 .n_rules = 1,
	 .users = "x",
	 .line = 3,
	 .runas_root = true,
	 .warning = "alias cycle"},
	{.name = "NUL byte",
	 .in = "alice ALL=ALL\nbo\0b ALL=ALL\ncarol ALL=ALL",
	 .len = 40,
	 .n_rules = 2,
	 .rule = 1,
	 .users = "carol",
	 .line = 3,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:2: NUL byte"},
	{.name = "missing =",
	 .in = "alice ALL ALL\n",
	 .warning = "t:1: syntax error: expected '='"},
	{.name = "missing command",
	 .in = "alice ALL = (root)\n",
	 .warning = "t:1: syntax error: expected a command"},
	{.name = "unclosed runas",
	 .in = "alice ALL = (root ALL\n",
	 .warning = "t:1: syntax error"},
	{.name = "bad alias name",
	 .in = "User_Alias lower = x\n",
	 .warning = "t:1: syntax error: expected an alias name"},
	{.name = "unknown tag",
	 .in = "alice ALL = FOOBAR: ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:1: unknown tag 'FOOBAR'"},
	{.name = "undefined alias",
	 .in = "alice ALL = NOSUCH\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 1,
	 .runas_root = true,
	 .warning = "t:1: alias 'NOSUCH' is not defined"},
	{.name = "duplicate alias keeps the first",
	 .in = "User_Alias A = x\nUser_Alias A = y\nA ALL=ALL\n",
	 .n_rules = 1,
	 .users = "x<A>",
	 .line = 3,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:2: alias 'A' already defined at t:1"},
	{.name = "include without root",
	 .in = "#include /etc/sudoers.local\n@includedir /etc/sudoers.d\n",
	 .warning = "t:1: include of '/etc/sudoers.local' ignored"},
	{.name = "not an include directive",
	 .in = "#includes are here\n#include\n",
	 .rule = -1},
	{.name = "Defaults without parameters",
	 .in = "Defaults\n",
	 .warning = "t:1: Defaults without parameters"},
	{.name = "bad line does not stop the parse",
	 .in = "= = =\n(\n!!!\nalice ALL=ALL\n",
	 .n_rules = 1,
	 .users = "alice",
	 .line = 4,
	 .runas_root = true,
	 .all = true,
	 .warning = "t:1: syntax error"},
	{.name = "non-UTF-8 bytes",
	 .in = "\xff\xfe ALL=ALL\n",
	 .n_rules = 1,
	 .users = "\xff\xfe",
	 .line = 1,
	 .runas_root = true,
	 .all = true},
};

/* The users of r in the form of struct row's users. */
static void
users_string(const struct vg_sudo_rule *r, char *out, size_t outsz)
{
	size_t i, o = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < r->n_users; i++) {
		w = snprintf(out + o, outsz - o, "%s%s%s%s%s%s", i ? "," : "",
			     r->users[i].negated ? "!" : "", r->users[i].name,
			     r->users[i].alias ? "<" : "",
			     r->users[i].alias ? r->users[i].alias : "",
			     r->users[i].alias ? ">" : "");
		assert_true(w >= 0 && (size_t)w < outsz - o);
		o += (size_t)w;
	}
}

static void
test_rows(void **state)
{
	const struct row *t;
	const struct vg_sudo_rule *r;
	struct vg_facts f;
	char users[1024];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		t = &rows[i];
		print_message("case: %s\n", t->name);
		vg_facts_init(&f);
		assert_int_equal(
			vg_sudoers_parse(&f, NULL, "t", t->in,
					 t->len ? t->len : strlen(t->in)),
			VG_OK);
		assert_int_equal(f.n_sudo_rules, t->n_rules);
		if (t->warning != NULL)
			assert_true(vg_test_has_warning(&f, t->warning));
		else
			assert_int_equal(f.n_warnings, 0);
		if (t->n_rules > 0 && t->rule >= 0) {
			r = &f.sudo_rules[t->rule];
			users_string(r, users, sizeof(users));
			assert_string_equal(users, t->users);
			assert_string_equal(r->file, "t");
			assert_int_equal(r->line, t->line);
			assert_int_equal(r->runas_root, t->runas_root);
			assert_int_equal(r->all_commands, t->all);
			assert_int_equal(r->nopasswd, t->nopasswd);
			assert_non_null(r->text);
		}
		vg_facts_release(&f);
	}
}

static void
test_text(void **state)
{
	static const char in[] = "  alice, \\\n    bob ALL = \\\n ALL  \n";
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_sudoers_parse(&f, NULL, "t", in, strlen(in)),
			 VG_OK);
	assert_int_equal(f.n_sudo_rules, 1);
	assert_string_equal(f.sudo_rules[0].text, "alice, bob ALL = ALL");
	vg_facts_release(&f);
}

/* A line longer than VG_MAX_LINE is skipped; the next still counts. */
static void
test_long_line(void **state)
{
	size_t n = 100000, i;
	char *in = malloc(n + 64);
	struct vg_facts f;
	int w;

	(void)state;
	assert_non_null(in);
	memcpy(in, "alice ALL = /bin/echo ", 22);
	for (i = 22; i < n; i++)
		in[i] = 'x';
	w = snprintf(in + n, 64, "\nbob ALL=ALL\n");
	vg_facts_init(&f);
	assert_int_equal(vg_sudoers_parse(&f, NULL, "t", in, n + (size_t)w),
			 VG_OK);
	assert_int_equal(f.n_sudo_rules, 1);
	assert_string_equal(f.sudo_rules[0].users[0].name, "bob");
	assert_true(vg_test_has_warning(&f, "t:1: line longer than"));
	vg_facts_release(&f);
	free(in);
}

/* A long rule keeps a capped evidence text. */
static void
test_text_capped(void **state)
{
	char in[4096];
	struct vg_facts f;
	size_t i, o;

	(void)state;
	o = (size_t)snprintf(in, sizeof(in), "alice ALL = /bin/echo");
	for (i = 0; i < 500; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o, " \xc3\xa9");
	vg_facts_init(&f);
	assert_int_equal(vg_sudoers_parse(&f, NULL, "t", in, o), VG_OK);
	assert_int_equal(f.n_sudo_rules, 1);
	assert_true(strlen(f.sudo_rules[0].text) <= 512);
	assert_true(strlen(f.sudo_rules[0].text) >= 508);
	/* Never cut inside a UTF-8 sequence. */
	assert_int_not_equal((unsigned char)f.sudo_rules[0]
				     .text[strlen(f.sudo_rules[0].text) - 1],
			     0xc3);
	vg_facts_release(&f);
}

/* Deep and exponential alias nesting ends, with warnings. */
static void
test_alias_nesting(void **state)
{
	char in[16384];
	struct vg_facts f;
	size_t o = 0;
	int i;

	(void)state;
	for (i = 0; i < 30; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o,
				      "User_Alias A%d = A%d\n", i, i + 1);
	o += (size_t)snprintf(in + o, sizeof(in) - o,
			      "User_Alias A30 = x\nA0 ALL=ALL\n");
	vg_facts_init(&f);
	assert_int_equal(vg_sudoers_parse(&f, NULL, "t", in, o), VG_OK);
	assert_int_equal(f.n_sudo_rules, 1);
	assert_int_equal(f.sudo_rules[0].n_users, 0);
	assert_true(vg_test_has_warning(&f, "nested deeper"));
	vg_facts_release(&f);

	/* Each alias names the next four times: 4^15 without limits. */
	o = 0;
	for (i = 0; i < 15; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o,
				      "User_Alias B%d = B%d, B%d, B%d, B%d\n",
				      i, i + 1, i + 1, i + 1, i + 1);
	o += (size_t)snprintf(in + o, sizeof(in) - o, "User_Alias B15 = x\n");
	/* Enough rules to exhaust the expansion budget of the parse. */
	for (i = 0; i < 300; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o, "B0 ALL=ALL\n");
	vg_facts_init(&f);
	assert_int_equal(vg_sudoers_parse(&f, NULL, "t", in, o), VG_OK);
	assert_int_equal(f.n_sudo_rules, 300);
	assert_int_equal(f.sudo_rules[0].n_users, VG_MAX_LIST_ITEMS);
	assert_string_equal(f.sudo_rules[0].users[0].alias, "B0");
	assert_true(f.sudo_rules[299].n_users < VG_MAX_LIST_ITEMS);
	assert_true(vg_test_has_warning(&f, "t:17: more than 4096 users"));
	assert_true(vg_test_has_warning(&f, "alias expansion limit"));
	vg_facts_release(&f);
}

/* Parse /etc/sudoers of a temporary root. */
static void
parse_root(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_err err;
	struct vg_collect c;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	c.root = &root;
	c.policy = NULL;
	c.facts = f;
	assert_int_equal(vg_collect_sudoers(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_includes(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/sudoers",
		      "Defaults env_reset\n"
		      "#includedir /etc/sudoers.d\n"
		      "@include extra\n"
		      "root ALL=(ALL) ALL\n"
		      "#include ../etc/./sub/../last\n");
	vg_test_write(dir, "etc/sudoers.d/10-ops", "alice ALL=ALL\n");
	vg_test_write(dir, "etc/sudoers.d/05-first",
		      "\n\ndave ALL=(root) ALL\n");
	vg_test_write(dir, "etc/sudoers.d/20.bak", "bob ALL=ALL\n");
	vg_test_write(dir, "etc/sudoers.d/30~", "carol ALL=ALL\n");
	vg_test_write(dir, "etc/sudoers.d/README.txt", "bad line\n");
	vg_test_write(dir, "etc/sudoers.d/sub/x", "sub ALL=ALL\n");
	vg_test_write(dir, "etc/extra",
		      "erin ALL=ALL\nDefaults:alice !authenticate\n");
	vg_test_write(dir, "etc/last", "frank ALL=ALL\n");
	vg_facts_init(&f);
	parse_root(dir, &f);
	assert_true(f.sources[VG_SRC_SUDOERS].collected);
	assert_int_equal(f.n_warnings, 0);
	assert_int_equal(f.n_sudo_rules, 5);
	assert_string_equal(f.sudo_rules[0].users[0].name, "dave");
	assert_string_equal(f.sudo_rules[0].file, "/etc/sudoers.d/05-first");
	assert_int_equal(f.sudo_rules[0].line, 3);
	assert_string_equal(f.sudo_rules[1].users[0].name, "alice");
	/* A Defaults read later applies to it. */
	assert_true(f.sudo_rules[1].nopasswd);
	assert_string_equal(f.sudo_rules[2].users[0].name, "erin");
	assert_string_equal(f.sudo_rules[2].file, "/etc/extra");
	assert_false(f.sudo_rules[2].nopasswd);
	assert_string_equal(f.sudo_rules[3].users[0].name, "root");
	assert_string_equal(f.sudo_rules[3].file, "/etc/sudoers");
	assert_int_equal(f.sudo_rules[3].line, 4);
	assert_string_equal(f.sudo_rules[4].users[0].name, "frank");
	assert_string_equal(f.sudo_rules[4].file, "/etc/last");
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
	vg_test_write(dir, "etc/sudoers",
		      "@include /etc/a\n#include /etc/sudoers\nz ALL=ALL\n");
	vg_test_write(dir, "etc/a", "@include b\nx ALL=ALL\n");
	vg_test_write(dir, "etc/b", "@include /etc/a\ny ALL=ALL\n");
	vg_facts_init(&f);
	parse_root(dir, &f);
	assert_true(f.sources[VG_SRC_SUDOERS].collected);
	assert_true(vg_test_has_warning(
		&f, "/etc/b:1: include loop on '/etc/a', ignored"));
	assert_true(vg_test_has_warning(
		&f, "/etc/sudoers:2: include loop on '/etc/sudoers'"));
	assert_int_equal(f.n_sudo_rules, 3);
	assert_string_equal(f.sudo_rules[0].users[0].name, "y");
	assert_string_equal(f.sudo_rules[1].users[0].name, "x");
	assert_string_equal(f.sudo_rules[2].users[0].name, "z");
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* A chain of includes deeper than the limit, and a missing file. */
static void
test_include_depth(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();
	char rel[64], body[128];
	int i;

	(void)state;
	vg_test_write(dir, "etc/sudoers",
		      "@include /etc/i0\n@include /etc/missing\n");
	for (i = 0; i < 20; i++) {
		(void)snprintf(rel, sizeof(rel), "etc/i%d", i);
		(void)snprintf(body, sizeof(body),
			       "@include i%d\nu%d ALL=ALL\n", i + 1, i);
		vg_test_write(dir, rel, body);
	}
	vg_facts_init(&f);
	parse_root(dir, &f);
	assert_true(vg_test_has_warning(&f, "includes nested deeper than"));
	assert_true(vg_test_has_warning(
		&f,
		"/etc/sudoers:2: included file: cannot open "
		"'/etc/missing'"));
	/* /etc/sudoers, then i0..i7: eight levels of includes. */
	assert_int_equal(f.n_sudo_rules, VG_MAX_INCLUDE_DEPTH);
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
	parse_root(dir, &f);
	/* No sudo installed: collected, and no rule grants anything. */
	assert_true(f.sources[VG_SRC_SUDOERS].collected);
	assert_int_equal(f.n_sudo_rules, 0);
	vg_facts_release(&f);

	/* sudo installed but no sudoers: a read failure, with the path. */
	vg_test_write(dir, "usr/bin/sudo", "");
	vg_facts_init(&f);
	parse_root(dir, &f);
	assert_false(f.sources[VG_SRC_SUDOERS].collected);
	assert_non_null(
		strstr(f.sources[VG_SRC_SUDOERS].reason, "'/etc/sudoers'"));
	vg_facts_release(&f);

	/* A directory where the file should be cannot be read. */
	vg_test_write(dir, "etc/sudoers/x", "");
	vg_facts_init(&f);
	parse_root(dir, &f);
	assert_false(f.sources[VG_SRC_SUDOERS].collected);
	assert_non_null(
		strstr(f.sources[VG_SRC_SUDOERS].reason, "not a regular file"));
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_text_capped),
		cmocka_unit_test(test_alias_nesting),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_collect_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* PAM stacks: the buffer parser and the collector on temporary roots. */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "collect/collectors.h"
#include "collect/pam.h"
#include "util/root.h"
#include "util/banned.h"

struct parse_case {
	const char *label;
	const char *text;
	const char *quality; /* expected quality_module, NULL for none */
	int64_t min_length;  /* expected */
	const char *lockout; /* expected lockout_module */
	const char *warning; /* expected warning substring, or NULL */
};

static const struct parse_case parse_cases[] = {
	{"pwquality minlen arg",
	 "password requisite pam_pwquality.so retry=3 minlen=14\n"
	 "password [success=1 default=ignore] pam_unix.so obscure "
	 "use_authtok try_first_pass yescrypt\n"
	 "password requisite pam_deny.so\n",
	 "pam_pwquality", 14, NULL, NULL},
	{"pwquality default", "password requisite pam_pwquality.so retry=3\n",
	 "pam_pwquality", 8, NULL, NULL},
	{"pwquality floor of 6",
	 "password requisite pam_pwquality.so minlen=3\n", "pam_pwquality", 6,
	 NULL, NULL},
	{"pwquality credits",
	 "password requisite pam_pwquality.so minlen=12 dcredit=1 "
	 "ucredit=2 lcredit=-1 ocredit=0\n",
	 "pam_pwquality", 9, NULL, NULL},
	{"passwdqc default min", "password requisite pam_passwdqc.so\n",
	 "pam_passwdqc", 7, NULL, NULL},
	{"passwdqc min weakest enabled",
	 "password requisite pam_passwdqc.so "
	 "min=disabled,disabled,16,12,13 enforce=everyone\n",
	 "pam_passwdqc", 12, NULL, NULL},
	{"passwdqc all disabled",
	 "password requisite pam_passwdqc.so "
	 "min=disabled,disabled,disabled,disabled,disabled\n",
	 "pam_passwdqc", -1, NULL, NULL},
	{"passwdqc too few values",
	 "password requisite pam_passwdqc.so min=12,12\n", "pam_passwdqc", 7,
	 NULL, "needs 5 values"},
	{"passwdqc too many values",
	 "password requisite pam_passwdqc.so min=1,2,3,4,5,6\n", "pam_passwdqc",
	 7, NULL, "needs 5 values"},
	{"passwdqc bad value",
	 "password requisite pam_passwdqc.so min=disabled,x,1,1,1\n",
	 "pam_passwdqc", 7, NULL, "bad passwdqc min"},
	{"cracklib defaults", "password required pam_cracklib.so retry=3\n",
	 "pam_cracklib", 6, NULL, NULL},
	{"cracklib credits off",
	 "password required pam_cracklib.so minlen=14 dcredit=0 ucredit=0 "
	 "lcredit=0 ocredit=0\n",
	 "pam_cracklib", 14, NULL, NULL},
	{"no module, pam_unix minlen",
	 "password [success=1 default=ignore] pam_unix.so obscure minlen=10 "
	 "sha512\n",
	 NULL, 10, NULL, NULL},
	{"no module at all",
	 "password [success=1 default=ignore] pam_unix.so obscure sha512\n",
	 NULL, -1, NULL, NULL},
	{"faillock on auth",
	 "auth required pam_faillock.so preauth\n"
	 "auth [success=1 default=ignore] pam_unix.so nullok\n"
	 "auth [default=die] pam_faillock.so authfail\n",
	 NULL, -1, "pam_faillock", NULL},
	{"tally2 on auth", "auth required pam_tally2.so deny=5 onerr=fail\n",
	 NULL, -1, "pam_tally2", NULL},
	{"tally on auth", "auth required pam_tally.so deny=5\n", NULL, -1,
	 "pam_tally", NULL},
	{"faillock on account only", "account required pam_faillock.so\n", NULL,
	 -1, NULL, NULL},
	{"quality module on auth line",
	 "auth required pam_pwquality.so minlen=20\n", NULL, -1, NULL, NULL},
	{"dash type", "-password requisite pam_pwquality.so minlen=15\n",
	 "pam_pwquality", 15, NULL, NULL},
	{"type in upper case",
	 "PASSWORD requisite pam_pwquality.so minlen=15\n", "pam_pwquality", 15,
	 NULL, NULL},
	{"bracket control with spaces",
	 "password [success=1 new_authtok_reqd=ok default=ignore] "
	 "pam_pwquality.so minlen=13\n",
	 "pam_pwquality", 13, NULL, NULL},
	{"continuation",
	 "password requisite \\\n   pam_pwquality.so \\\n minlen=16\n",
	 "pam_pwquality", 16, NULL, NULL},
	{"trailing comment",
	 "password requisite pam_pwquality.so minlen=17 # was 8\n",
	 "pam_pwquality", 17, NULL, NULL},
	{"commented-out line",
	 "#password requisite pam_pwquality.so minlen=17\n", NULL, -1, NULL,
	 NULL},
	{"absolute module path",
	 "password requisite /lib/x86_64-linux-gnu/security/pam_pwquality.so "
	 "minlen=11\n",
	 "pam_pwquality", 11, NULL, NULL},
	{"first quality module wins",
	 "password requisite pam_pwquality.so minlen=10\n"
	 "password requisite pam_passwdqc.so min=disabled,20,20,20,20\n",
	 "pam_pwquality", 10, NULL, NULL},
	{"bracketed argument",
	 "password requisite pam_pwquality.so [badwords=a b c] minlen=12\n",
	 "pam_pwquality", 12, NULL, NULL},
	{"crlf line ends",
	 "password requisite pam_pwquality.so minlen=12\r\n"
	 "auth required pam_faillock.so preauth\r\n",
	 "pam_pwquality", 12, "pam_faillock", NULL},
	{"include not followed by the buffer parser",
	 "@include common-password\npassword include system-auth\n", NULL, -1,
	 NULL, NULL},
	{"@include without file", "@include\n", NULL, -1, NULL,
	 "@include without a file"},
	{"unknown type", "passwd requisite pam_pwquality.so\n", NULL, -1, NULL,
	 "unknown pam type"},
	{"missing module", "password requisite\n", NULL, -1, NULL,
	 "without a module"},
	{"negative minlen", "password requisite pam_pwquality.so minlen=-5\n",
	 "pam_pwquality", 8, NULL, "bad minlen value"},
	{"overflowing minlen",
	 "password requisite pam_pwquality.so "
	 "minlen=99999999999999999999999\n",
	 "pam_pwquality", 8, NULL, "bad minlen value"},
	{"garbage minlen", "password requisite pam_pwquality.so minlen=12x\n",
	 "pam_pwquality", 8, NULL, "bad minlen value"},
	{"bad pam_unix minlen", "password required pam_unix.so minlen=abc\n",
	 NULL, -1, NULL, "bad minlen value"},
	{"unclosed bracket", "password [success=1 pam_pwquality.so minlen=12\n",
	 "pam_pwquality", 12, NULL, NULL},
	{"empty file", "", NULL, -1, NULL, NULL},
	{"non-utf8 bytes",
	 "password requisite pam_\xff\xfe.so minlen=12\n\xc3\x28\n", NULL, -1,
	 NULL, "unknown pam type"},
};

static void
test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *pc = &parse_cases[i];
		struct vg_facts f;

		vg_facts_init(&f);
		print_message("case: %s\n", pc->label);
		assert_int_equal(vg_pam_parse(&f, "common-password", pc->text,
					      strlen(pc->text)),
				 VG_OK);
		if (pc->quality == NULL)
			assert_null(f.pam.quality_module);
		else
			assert_string_equal(f.pam.quality_module, pc->quality);
		assert_int_equal(f.pam.min_length, pc->min_length);
		if (pc->lockout == NULL)
			assert_null(f.pam.lockout_module);
		else
			assert_string_equal(f.pam.lockout_module, pc->lockout);
		assert_string_equal(f.pam.file, "common-password");
		if (pc->warning != NULL)
			assert_true(vg_test_has_warning(&f, pc->warning));
		else
			assert_int_equal(f.n_warnings, 0);
		vg_facts_release(&f);
	}
}

static void
test_parse_nul_byte(void **state)
{
	static const char text[] = "password requisite pam_pwquality.so\0 "
				   "minlen=20\npassword requisite "
				   "pam_pwquality.so minlen=14\n";
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_pam_parse(&f, "x", text, sizeof(text) - 1), VG_OK);
	assert_true(vg_test_has_warning(&f, "x:1: NUL byte"));
	assert_string_equal(f.pam.quality_module, "pam_pwquality");
	assert_int_equal(f.pam.min_length, 14);
	vg_facts_release(&f);
}

static void
test_parse_huge_line(void **state)
{
	size_t n = VG_MAX_LINE + 100, i;
	char *text = malloc(n + 64);
	struct vg_facts f;

	(void)state;
	assert_non_null(text);
	memcpy(text, "password requisite pam_pwquality.so ", 36);
	for (i = 36; i < n; i++)
		text[i] = 'a';
	memcpy(text + n, "\nauth required pam_faillock.so\n", 31);
	vg_facts_init(&f);
	assert_int_equal(vg_pam_parse(&f, "big", text, n + 31), VG_OK);
	assert_true(vg_test_has_warning(&f, "big:1: line too long"));
	assert_null(f.pam.quality_module);
	assert_string_equal(f.pam.lockout_module, "pam_faillock");
	vg_facts_release(&f);
	free(text);
}

/* Many continued lines joined past the line limit. */
static void
test_parse_long_continuation(void **state)
{
	size_t i, n = 0, cap = (VG_MAX_LINE / 2 + 10) * 4 + 64;
	char *text = malloc(cap);
	struct vg_facts f;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < VG_MAX_LINE / 2 + 10; i++) {
		memcpy(text + n, "ab\\\n", 4);
		n += 4;
	}
	memcpy(text + n, "x\nauth required pam_tally2.so\n", 30);
	n += 30;
	vg_facts_init(&f);
	assert_int_equal(vg_pam_parse(&f, "cont", text, n), VG_OK);
	assert_true(vg_test_has_warning(&f, "cont:1: line too long"));
	assert_string_equal(f.pam.lockout_module, "pam_tally2");
	vg_facts_release(&f);
	free(text);
}

/* A temporary root and the collector run on it. */
struct fixture {
	char *dir;
	struct vg_root root;
	struct vg_facts f;
	struct vg_collect c;
};

static void
fixture_run(struct fixture *x)
{
	struct vg_err err;

	assert_int_equal(vg_root_open(&x->root, x->dir, &err), VG_OK);
	vg_facts_init(&x->f);
	x->c.root = &x->root;
	x->c.policy = NULL;
	x->c.facts = &x->f;
	assert_int_equal(vg_collect_pam(&x->c), VG_OK);
}

static void
fixture_done(struct fixture *x)
{
	vg_facts_release(&x->f);
	vg_root_close(&x->root);
	vg_test_rmtree(x->dir);
	free(x->dir);
}

static const char debian_auth_faillock[] =
	"auth required pam_faillock.so preauth\n"
	"auth [success=1 default=ignore] pam_unix.so nullok\n"
	"auth requisite pam_deny.so\n"
	"auth required pam_permit.so\n";

static void
test_collect_debian_conf(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password requisite pam_pwquality.so retry=3\n"
		      "password [success=1 default=ignore] pam_unix.so "
		      "obscure use_authtok\n");
	vg_test_write(x.dir, "etc/pam.d/common-auth", debian_auth_faillock);
	vg_test_write(x.dir, "etc/security/pwquality.conf",
		      "# minlen = 9\n  minlen  =  14 \nenforce_for_root\n");
	/* conf.d is read first: the main file overrides it. */
	vg_test_write(x.dir, "etc/security/pwquality.conf.d/10-a.conf",
		      "minlen = 9\ndcredit = 2\n");
	fixture_run(&x);
	assert_true(x.f.sources[VG_SRC_PAM].collected);
	assert_string_equal(x.f.pam.quality_module, "pam_pwquality");
	assert_int_equal(x.f.pam.min_length, 12);
	assert_string_equal(x.f.pam.lockout_module, "pam_faillock");
	assert_string_equal(x.f.pam.file, "/etc/pam.d/common-password");
	fixture_done(&x);
}

static void
test_collect_conf_d_order(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password requisite pam_pwquality.so\n");
	vg_test_write(x.dir, "etc/pam.d/common-auth",
		      "auth required pam_unix.so\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf.d/20-b.conf",
		      "minlen = 15\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf.d/10-a.conf",
		      "minlen = 11\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf.d/30-c.conf.bak",
		      "minlen = 30\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf.d/40-d.conf",
		      "minlen = bad\n");
	fixture_run(&x);
	assert_int_equal(x.f.pam.min_length, 15);
	assert_null(x.f.pam.lockout_module);
	assert_true(vg_test_has_warning(&x.f, "40-d.conf:1: bad minlen"));
	fixture_done(&x);
}

static void
test_collect_arg_overrides_conf(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password requisite pam_pwquality.so minlen=10\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf", "minlen = 14\n");
	fixture_run(&x);
	assert_int_equal(x.f.pam.min_length, 10);
	/* No common-auth: no lockout can be seen. */
	assert_null(x.f.pam.lockout_module);
	fixture_done(&x);
}

static void
test_collect_conf_arg(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password requisite pam_pwquality.so "
		      "conf=/etc/pwq-strict.conf\n");
	vg_test_write(x.dir, "etc/pwq-strict.conf", "minlen = 16\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf", "minlen = 9\n");
	fixture_run(&x);
	assert_int_equal(x.f.pam.min_length, 16);
	fixture_done(&x);
}

static void
test_collect_default_no_conf(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password requisite pam_pwquality.so\n");
	fixture_run(&x);
	assert_int_equal(x.f.pam.min_length, 8);
	fixture_done(&x);
}

static void
test_collect_passwdqc_no_module(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password [success=1 default=ignore] pam_unix.so "
		      "obscure sha512\n");
	vg_test_write(x.dir, "etc/pam.d/common-auth",
		      "auth [success=1 default=ignore] pam_unix.so nullok\n");
	/* pwquality.conf is irrelevant without the module. */
	vg_test_write(x.dir, "etc/security/pwquality.conf", "minlen = 14\n");
	fixture_run(&x);
	assert_true(x.f.sources[VG_SRC_PAM].collected);
	assert_null(x.f.pam.quality_module);
	assert_int_equal(x.f.pam.min_length, -1);
	assert_null(x.f.pam.lockout_module);
	fixture_done(&x);
}

static void
test_collect_includes(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "@include common-pwq\n"
		      "password [success=1 default=ignore] pam_unix.so\n");
	vg_test_write(x.dir, "etc/pam.d/common-pwq",
		      "auth required pam_faillock.so preauth\n"
		      "password requisite pam_pwquality.so minlen=13\n");
	vg_test_write(x.dir, "etc/pam.d/common-auth",
		      "auth substack faillock-stack\n"
		      "auth required pam_unix.so\n");
	vg_test_write(x.dir, "etc/pam.d/faillock-stack",
		      "password requisite pam_tally2.so\n"
		      "auth required pam_faillock.so preauth\n");
	fixture_run(&x);
	assert_string_equal(x.f.pam.quality_module, "pam_pwquality");
	assert_int_equal(x.f.pam.min_length, 13);
	assert_string_equal(x.f.pam.lockout_module, "pam_faillock");
	assert_int_equal(x.f.n_warnings, 0);
	fixture_done(&x);
}

/* "password include X" reads only X's password lines. */
static void
test_collect_typed_include(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "password include /etc/pam.d/pw-stack\n");
	vg_test_write(x.dir, "etc/pam.d/pw-stack",
		      "auth required pam_faillock.so\n"
		      "password requisite pam_passwdqc.so "
		      "min=disabled,24,12,12,12\n");
	vg_test_write(x.dir, "etc/pam.d/common-auth",
		      "password include pw-stack\n");
	fixture_run(&x);
	assert_string_equal(x.f.pam.quality_module, "pam_passwdqc");
	assert_int_equal(x.f.pam.min_length, 12);
	assert_null(x.f.pam.lockout_module);
	fixture_done(&x);
}

static void
test_collect_include_loop_and_missing(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "@include common-password\n@include nowhere\n"
		      "password requisite pam_pwquality.so minlen=12\n");
	fixture_run(&x);
	/* The loop is cut at once (collect/include.c), not 8 levels down,
	 * so each problem is told once. */
	assert_true(vg_test_has_warning(
		&x.f, "include loop on '/etc/pam.d/common-password'"));
	assert_true(vg_test_has_warning(&x.f, "included file:"));
	assert_int_equal(x.f.n_warnings, 2);
	assert_int_equal(x.f.pam.min_length, 12);
	fixture_done(&x);
}

/* A chain of includes deeper than VG_MAX_INCLUDE_DEPTH is cut. */
static void
test_collect_include_too_deep(void **state)
{
	char rel[64], body[64];
	struct fixture x;
	int i;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password", "@include d0\n");
	for (i = 0; i < VG_MAX_INCLUDE_DEPTH + 2; i++) {
		(void)snprintf(rel, sizeof(rel), "etc/pam.d/d%d", i);
		(void)snprintf(body, sizeof(body),
			       "@include d%d\npassword requisite "
			       "pam_pwquality.so minlen=%d\n",
			       i + 1, 30 - i);
		vg_test_write(x.dir, rel, body);
	}
	fixture_run(&x);
	assert_true(vg_test_has_warning(&x.f, "includes nested deeper than"));
	assert_int_equal(x.f.n_warnings, 1);
	/* Each include comes before its module, so the first quality
	 * module met is the deepest file's: d7 (top + 8 includes). */
	assert_int_equal(x.f.pam.min_length, 30 - (VG_MAX_INCLUDE_DEPTH - 1));
	fixture_done(&x);
}

/* An include pointing outside the root stays inside it. */
static void
test_collect_include_escape(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/common-password",
		      "@include ../../../../../../../../etc/pam.d/evil\n");
	vg_test_write(x.dir, "etc/pam.d/evil",
		      "password requisite pam_pwquality.so minlen=21\n");
	fixture_run(&x);
	assert_int_equal(x.f.pam.min_length, 21);
	fixture_done(&x);
}

static void
test_collect_rhel(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/system-auth",
		      "auth required pam_env.so\n"
		      "auth required pam_faillock.so preauth silent\n"
		      "auth sufficient pam_unix.so nullok\n"
		      "auth [default=die] pam_faillock.so authfail\n"
		      "password requisite pam_pwquality.so local_users_only\n"
		      "password sufficient pam_unix.so sha512 shadow "
		      "use_authtok\n");
	vg_test_write(x.dir, "etc/pam.d/password-auth",
		      "auth required pam_env.so\n"
		      "auth sufficient pam_unix.so nullok\n");
	vg_test_write(x.dir, "etc/security/pwquality.conf", "minlen = 12\n");
	fixture_run(&x);
	assert_true(x.f.sources[VG_SRC_PAM].collected);
	assert_string_equal(x.f.pam.file, "/etc/pam.d/system-auth");
	assert_int_equal(x.f.pam.min_length, 12);
	/* sshd's password-auth has no lockout: none overall. */
	assert_null(x.f.pam.lockout_module);
	fixture_done(&x);

	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/system-auth",
		      "auth required pam_faillock.so preauth\n");
	vg_test_write(x.dir, "etc/pam.d/password-auth",
		      "auth required pam_faillock.so preauth\n");
	fixture_run(&x);
	assert_string_equal(x.f.pam.lockout_module, "pam_faillock");
	assert_null(x.f.pam.quality_module);
	fixture_done(&x);
}

static void
test_collect_missing(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	fixture_run(&x);
	assert_false(x.f.sources[VG_SRC_PAM].collected);
	assert_non_null(strstr(x.f.sources[VG_SRC_PAM].reason, "/etc/pam.d"));
	fixture_done(&x);

	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/sshd", "auth include login\n");
	fixture_run(&x);
	assert_false(x.f.sources[VG_SRC_PAM].collected);
	assert_non_null(strstr(x.f.sources[VG_SRC_PAM].reason, "no password"));
	fixture_done(&x);
}

static void
test_collect_fallback_passwd(void **state)
{
	struct fixture x;

	(void)state;
	x.dir = vg_test_tmpdir();
	vg_test_write(x.dir, "etc/pam.d/passwd",
		      "password required pam_passwdqc.so\n");
	vg_test_write(x.dir, "etc/pam.d/login",
		      "auth required pam_tally2.so deny=3\n");
	fixture_run(&x);
	assert_string_equal(x.f.pam.file, "/etc/pam.d/passwd");
	assert_int_equal(x.f.pam.min_length, 7);
	assert_string_equal(x.f.pam.lockout_module, "pam_tally2");
	fixture_done(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_parse_huge_line),
		cmocka_unit_test(test_parse_long_continuation),
		cmocka_unit_test(test_collect_debian_conf),
		cmocka_unit_test(test_collect_conf_d_order),
		cmocka_unit_test(test_collect_arg_overrides_conf),
		cmocka_unit_test(test_collect_conf_arg),
		cmocka_unit_test(test_collect_default_no_conf),
		cmocka_unit_test(test_collect_passwdqc_no_module),
		cmocka_unit_test(test_collect_includes),
		cmocka_unit_test(test_collect_typed_include),
		cmocka_unit_test(test_collect_include_loop_and_missing),
		cmocka_unit_test(test_collect_include_too_deep),
		cmocka_unit_test(test_collect_include_escape),
		cmocka_unit_test(test_collect_rhel),
		cmocka_unit_test(test_collect_missing),
		cmocka_unit_test(test_collect_fallback_passwd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

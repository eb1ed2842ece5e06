/* Unit tests of collect/accounts.c: passwd, shadow, group, schemes, keys. */
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
#include "util/banned.h"

static void
parse_passwd(struct vg_facts *f, const char *text)
{
	assert_int_equal(vg_passwd_parse(f, "passwd", text, strlen(text)),
			 VG_OK);
}

static void
parse_shadow(struct vg_facts *f, const char *text)
{
	assert_int_equal(vg_shadow_parse(f, "shadow", text, strlen(text)),
			 VG_OK);
}

/* One passwd input, how many accounts it gives, the warning expected. */
struct passwd_row {
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t n_accounts;
	const char *warning; /* substring, or NULL for no warning at all */
};

/* A NUL byte inside the first line. */
#define NUL_ROW "u:x:1:1::/:/bin/sh\0\nv:x:2:2::/:/bin/sh\n"

static const struct passwd_row passwd_rows[] = {
	{"root:x:0:0:root:/root:/bin/bash\n", 0, 1, NULL},
	{"root:x:0:0:root:/root:/bin/bash", 0, 1, NULL}, /* no final \n */
	{"root:x:0:0:root:/root:/bin/bash\r\n", 0, 1, NULL},
	{"\n\n   \n# comment\n", 0, 0, NULL},
	{"+::::::\n-baduser::::::\n+@netgroup\n", 0, 0, NULL},
	{"root:x:0:0:root:/root\n", 0, 0, "passwd:1: 6 fields"},
	{"root:x:0:0:root:/root:/bin/sh:extra\n", 0, 0, "passwd:1: 8 fields"},
	{"just-a-word\n", 0, 0, "passwd:1: 1 fields"},
	{":x:0:0:root:/root:/bin/sh\n", 0, 0, "passwd:1: empty or invalid"},
	{"a\tb:x:0:0::/:/bin/sh\n", 0, 0, "invalid user name"},
	{"\xff\xfe:x:0:0::/:/bin/sh\n", 0, 0, "invalid user name"},
	{"u:x:-1:0::/:/bin/sh\n", 0, 0, "passwd:1: invalid uid"},
	{"u:x:4294967296:0::/:/bin/sh\n", 0, 0, "invalid uid"},
	{"u:x:99999999999999999999999:0::/:/bin/sh\n", 0, 0, "invalid uid"},
	{"u:x::0::/:/bin/sh\n", 0, 0, "invalid uid"},
	{"u:x: 1:0::/:/bin/sh\n", 0, 0, "invalid uid"},
	{"u:x:1:0x10::/:/bin/sh\n", 0, 0, "invalid gid"},
	{"u:x:4294967295:4294967295::/:/bin/sh\n", 0, 1, NULL},
	{"u:x:1:1::/:/bin/sh\nu:x:2:2::/:/bin/sh\n", 0, 1,
	 "passwd:2: duplicate user 'u'"},
	{NUL_ROW, sizeof(NUL_ROW) - 1, 1, "passwd:1: NUL byte"},
	{"bad\nroot:x:0:0::/root:/bin/sh\n", 0, 1, "passwd:1:"},
};

static void
test_passwd_rows(void **state)
{
	struct vg_facts f;
	size_t i, len;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(passwd_rows); i++) {
		const struct passwd_row *r = &passwd_rows[i];

		vg_facts_init(&f);
		len = r->len ? r->len : strlen(r->in);
		assert_int_equal(vg_passwd_parse(&f, "passwd", r->in, len),
				 VG_OK);
		if (f.n_accounts != r->n_accounts ||
		    (r->warning == NULL && f.n_warnings != 0) ||
		    (r->warning != NULL &&
		     !vg_test_has_warning(&f, r->warning)))
			fail_msg("row %zu: %zu accounts, %zu warnings (%s)", i,
				 f.n_accounts, f.n_warnings,
				 f.n_warnings ? f.warnings[0] : "");
		vg_facts_release(&f);
	}
}

static void
test_passwd_fields(void **state)
{
	struct vg_facts f;
	const struct vg_account *a;

	(void)state;
	vg_facts_init(&f);
	parse_passwd(&f,
		     "root:x:0:0:root:/root:/bin/bash\n"
		     "alice:x:1000:100:Alice Durand,,,:/home/alice:\n"
		     "latin:x:1001:100:H\xf4pital:/home/latin:/bin/sh\n");
	assert_int_equal(f.n_accounts, 3);
	a = vg_facts_account(&f, "alice");
	assert_non_null(a);
	assert_int_equal(a->uid, 1000);
	assert_int_equal(a->gid, 100);
	assert_string_equal(a->gecos, "Alice Durand,,,");
	assert_string_equal(a->home, "/home/alice");
	assert_string_equal(a->shell, "");
	assert_int_equal(a->pw, VG_PW_UNKNOWN);
	assert_null(a->scheme);
	assert_int_equal(a->shared_group, 0);
	assert_int_equal(a->last_change, VG_TIME_UNKNOWN);
	assert_int_equal(a->last_login, VG_TIME_UNKNOWN);
	/* A Latin-1 gecos is kept readable and valid UTF-8. */
	a = vg_facts_account(&f, "latin");
	assert_non_null(a);
	assert_string_equal(a->gecos, "H?pital");
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
}

static void
test_passwd_huge_line(void **state)
{
	struct vg_facts f;
	size_t n = VG_MAX_LINE + 100;
	char *big = malloc(n + 40);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big + n, "\nroot:x:0:0::/:/bin/sh\n", 24);
	vg_facts_init(&f);
	parse_passwd(&f, big);
	assert_int_equal(f.n_accounts, 1);
	assert_true(vg_test_has_warning(&f, "passwd:1: line longer"));
	vg_facts_release(&f);
	free(big);
}

/* One shadow line for the account "u" (passwd field "x"). */
struct shadow_row {
	const char *line;
	enum vg_pw_state pw;
	const char *scheme;
	int64_t last_change;
	const char *warning;
};

static const struct shadow_row shadow_rows[] = {
	{"u:$6$salt$abcdefghijk:19000:0:99999:7:::", VG_PW_HASH, "sha512",
	 INT64_C(19000) * 86400, NULL},
	{"u:$y$j9T$salt$hash:19500::::::", VG_PW_HASH, "yescrypt",
	 INT64_C(19500) * 86400, NULL},
	{"u::19000:0:99999:7:::", VG_PW_EMPTY, NULL, INT64_C(19000) * 86400,
	 NULL},
	{"u:*:19000:0:99999:7:::", VG_PW_LOCKED, NULL, INT64_C(19000) * 86400,
	 NULL},
	{"u:!:19000::::::", VG_PW_LOCKED, NULL, INT64_C(19000) * 86400, NULL},
	{"u:!!:::::::", VG_PW_LOCKED, NULL, VG_TIME_UNKNOWN, NULL},
	{"u:!$6$salt$hash:1:::::", VG_PW_LOCKED, NULL, 86400, NULL},
	{"u:*LK*:::::::", VG_PW_LOCKED, NULL, VG_TIME_UNKNOWN, NULL},
	{"u:abcdefghijklm:0::::::", VG_PW_HASH, "des", VG_TIME_UNKNOWN, NULL},
	{"u:$1$salt$hash", VG_PW_HASH, "md5", VG_TIME_UNKNOWN, NULL},
	{"u:plaintext:19000::::::", VG_PW_HASH, "unknown",
	 INT64_C(19000) * 86400, NULL},
	{"u:$6$x$y:-5::::::", VG_PW_HASH, "sha512", VG_TIME_UNKNOWN,
	 "shadow:1: invalid last password change"},
	{"u:$6$x$y:99999999999999999999::::::", VG_PW_HASH, "sha512",
	 VG_TIME_UNKNOWN, "invalid last password change"},
	{"u:$6$x$y:12abc::::::", VG_PW_HASH, "sha512", VG_TIME_UNKNOWN,
	 "invalid last password change"},
	{"u", VG_PW_UNKNOWN, NULL, VG_TIME_UNKNOWN, "shadow:1: 1 fields"},
	{"u:$6$x$y:1:2:3:4:5:6:7:8", VG_PW_UNKNOWN, NULL, VG_TIME_UNKNOWN,
	 "shadow:1: 10 fields"},
	{"nobody-here:$6$x$y:1::::::", VG_PW_UNKNOWN, NULL, VG_TIME_UNKNOWN,
	 "no passwd entry"},
	{"+u::::::::", VG_PW_UNKNOWN, NULL, VG_TIME_UNKNOWN, NULL},
};

static void
test_shadow_rows(void **state)
{
	struct vg_facts f;
	const struct vg_account *a;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(shadow_rows); i++) {
		const struct shadow_row *r = &shadow_rows[i];

		vg_facts_init(&f);
		parse_passwd(&f, "u:x:1000:1000::/home/u:/bin/bash\n");
		parse_shadow(&f, r->line);
		a = vg_facts_account(&f, "u");
		assert_non_null(a);
		if (a->pw != r->pw || a->last_change != r->last_change ||
		    (r->scheme == NULL) != (a->scheme == NULL) ||
		    (r->scheme && strcmp(r->scheme, a->scheme) != 0) ||
		    (r->warning == NULL && f.n_warnings != 0) ||
		    (r->warning && !vg_test_has_warning(&f, r->warning)))
			fail_msg("row %zu (%s): pw %d scheme %s change %lld "
				 "warnings %zu (%s)",
				 i, r->line, (int)a->pw,
				 a->scheme ? a->scheme : "(null)",
				 (long long)a->last_change, f.n_warnings,
				 f.n_warnings ? f.warnings[0] : "");
		assert_int_equal(a->shared_group, 0);
		vg_facts_release(&f);
	}
}

/* Field 8 of shadow: the account expiry date. */
struct expire_row {
	const char *line;
	int64_t expires;
	const char *warning;
};

static const struct expire_row expire_rows[] = {
	{"u:$6$s$h:19000:0:99999:7:::", VG_TIME_UNKNOWN, NULL},
	{"u:$6$s$h:19000:0:99999:7::20000:", INT64_C(20000) * 86400, NULL},
	/* 0 is 1970-01-01, a real (past) date, not "none". */
	{"u:$6$s$h:19000:0:99999:7::0:", 0, NULL},
	{"u:$6$s$h:19000:0:99999:7::1:", 86400, NULL},
	{"u:$6$s$h:19000:0:99999:7::-1:", VG_TIME_UNKNOWN, NULL},
	/* Fewer fields: no expiry written. */
	{"u:$6$s$h:19000", VG_TIME_UNKNOWN, NULL},
	{"u:$6$s$h:19000:0:99999:7::20000", INT64_C(20000) * 86400, NULL},
	{"u:$6$s$h:19000:0:99999:7::-2:", VG_TIME_UNKNOWN,
	 "shadow:1: invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::2147483648:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::99999999999999999999999:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7:: 20000:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::2e4:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::+5:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::\xff:", VG_TIME_UNKNOWN,
	 "invalid account expiry date"},
	{"u:$6$s$h:19000:0:99999:7::2147483647:", INT64_C(2147483647) * 86400,
	 NULL},
};

static void
test_shadow_expiry(void **state)
{
	struct vg_facts f;
	const struct vg_account *a;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(expire_rows); i++) {
		const struct expire_row *r = &expire_rows[i];

		print_message("row %zu: %s\n", i, r->line);
		vg_facts_init(&f);
		parse_passwd(&f, "u:x:1000:1000::/home/u:/bin/bash\n");
		a = vg_facts_account(&f, "u");
		assert_non_null(a);
		/* The default of a new account, before shadow is read. */
		assert_int_equal(a->expires, VG_TIME_UNKNOWN);
		parse_shadow(&f, r->line);
		assert_int_equal(a->expires, r->expires);
		assert_int_equal(a->last_change, INT64_C(19000) * 86400);
		if (r->warning != NULL)
			assert_true(vg_test_has_warning(&f, r->warning));
		else
			assert_int_equal(f.n_warnings, 0);
		vg_facts_release(&f);
	}
}

static void
test_shadow_duplicate(void **state)
{
	struct vg_facts f;
	const struct vg_account *a;

	(void)state;
	vg_facts_init(&f);
	parse_passwd(&f, "u:x:1000:1000::/home/u:/bin/bash\n");
	parse_shadow(&f, "u:!:19000::::::\nu::19001::::::\n");
	a = vg_facts_account(&f, "u");
	assert_int_equal(a->pw, VG_PW_LOCKED);
	assert_int_equal(a->last_change, INT64_C(19000) * 86400);
	assert_true(vg_test_has_warning(&f, "shadow:2: duplicate user 'u'"));
	vg_facts_release(&f);
}

/* A hash or empty field directly in passwd is used; shadow cannot
 * override it (only "x" defers to shadow). */
static void
test_passwd_direct_hash(void **state)
{
	struct vg_facts f;
	const struct vg_account *a;

	(void)state;
	vg_facts_init(&f);
	parse_passwd(&f,
		     "old:abcdefghijklm:1:1::/:/bin/sh\n"
		     "nopw::2:2::/:/bin/sh\n"
		     "star:*:3:3::/:/bin/sh\n"
		     "hashed:##hashed:4:4::/:/bin/sh\n");
	parse_shadow(&f,
		     "old:$6$a$b:19000::::::\n"
		     "nopw:$6$a$b:19000::::::\n"
		     "hashed::19000::::::\n");
	a = vg_facts_account(&f, "old");
	assert_int_equal(a->pw, VG_PW_HASH);
	assert_string_equal(a->scheme, "des");
	assert_int_equal(a->last_change, INT64_C(19000) * 86400);
	assert_int_equal(vg_facts_account(&f, "nopw")->pw, VG_PW_EMPTY);
	assert_int_equal(vg_facts_account(&f, "star")->pw, VG_PW_LOCKED);
	assert_int_equal(vg_facts_account(&f, "hashed")->pw, VG_PW_EMPTY);
	/* old and nopw got different hashes from shadow: not "shared". */
	assert_int_equal(vg_facts_account(&f, "old")->shared_group, 0);
	assert_int_equal(vg_facts_account(&f, "nopw")->shared_group, 0);
	vg_facts_release(&f);
}

struct scheme_row {
	const char *hash;
	const char *scheme;
};

static const struct scheme_row scheme_rows[] = {
	{"$1$salt$hash", "md5"},
	{"$5$rounds=5000$salt$hash", "sha256"},
	{"$6$salt$hash", "sha512"},
	{"$2a$10$abcdefghijklmnopqrstuv", "bcrypt"},
	{"$2b$12$x", "bcrypt"},
	{"$2y$12$x", "bcrypt"},
	{"$2x$12$x", "bcrypt"},
	{"$2$12$x", "unknown"},
	{"$7$CU..../....salt$hash", "scrypt"},
	{"$y$j9T$salt$hash", "yescrypt"},
	{"$gy$j9T$salt$hash", "gost-yescrypt"},
	{"$md5$salt$hash", "sunmd5"},
	{"$md5,rounds=904$salt$hash", "sunmd5"},
	{"_J9..CCCCXBrJUJV154M", "bsdi"},
	{"_J9..CCCCXBrJUJV154", "unknown"},  /* 19 chars */
	{"_J9..CCCC!BrJUJV154M", "unknown"}, /* bad alphabet */
	{"abJnggxhB/yWI", "des"},
	{"abJnggxhB/yW", "unknown"},   /* 12 chars */
	{"abJnggxhB/yWI0", "unknown"}, /* 14 chars */
	{"abJnggxhB-yWI", "unknown"},
	{"$argon2id$v=19$m=65536$x", "unknown"},
	{"$", "unknown"},
	{"", "unknown"},
	{"$6", "unknown"},
	{"$1", "unknown"},
};

static void
test_hash_schemes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(scheme_rows); i++)
		if (strcmp(vg_hash_scheme(scheme_rows[i].hash),
			   scheme_rows[i].scheme) != 0)
			fail_msg("'%s': got %s, want %s", scheme_rows[i].hash,
				 vg_hash_scheme(scheme_rows[i].hash),
				 scheme_rows[i].scheme);
	assert_string_equal(vg_hash_scheme(NULL), "unknown");
}

/* True when s holds needle anywhere in the facts' strings. */
static bool
facts_mention(const struct vg_facts *f, const char *needle)
{
	size_t i;

	for (i = 0; i < f->n_accounts; i++) {
		const struct vg_account *a = &f->accounts[i];
		const char *fields[] = {a->name, a->gecos, a->home, a->shell,
					a->scheme};
		size_t k;

		for (k = 0; k < VG_ARRAY_LEN(fields); k++)
			if (fields[k] && strstr(fields[k], needle))
				return true;
	}
	return vg_test_has_warning(f, needle);
}

static void
test_shared_groups(void **state)
{
	struct vg_facts f;

	(void)state;
	vg_facts_init(&f);
	parse_passwd(&f,
		     "a:x:1001:100::/home/a:/bin/bash\n"
		     "b:x:1002:100::/home/b:/bin/bash\n"
		     "c:x:1003:100::/home/c:/bin/bash\n"
		     "d:x:1004:100::/home/d:/bin/bash\n"
		     "e:x:1005:100::/home/e:/bin/bash\n"
		     "g:x:1006:100::/home/g:/bin/bash\n"
		     "l1:x:1007:100::/home/l:/bin/bash\n"
		     "l2:x:1008:100::/home/l:/bin/bash\n");
	parse_shadow(&f,
		     "a:$6$s1$SECRETHASHONE:19000::::::\n"
		     "b:$6$s2$SECRETHASHTWO:19000::::::\n"
		     "c:$6$s1$SECRETHASHONE:19000::::::\n"
		     "d:$6$s3$SECRETHASHTRE:19000::::::\n"
		     "e:$6$s3$SECRETHASHTRE:19000::::::\n"
		     "g:$6$s3$SECRETHASHTRE:19000::::::\n"
		     "l1:!:19000::::::\n"
		     "l2:!:19000::::::\n");
	assert_int_equal(vg_facts_account(&f, "a")->shared_group, 1);
	assert_int_equal(vg_facts_account(&f, "c")->shared_group, 1);
	assert_int_equal(vg_facts_account(&f, "b")->shared_group, 0);
	assert_int_equal(vg_facts_account(&f, "d")->shared_group, 2);
	assert_int_equal(vg_facts_account(&f, "e")->shared_group, 2);
	assert_int_equal(vg_facts_account(&f, "g")->shared_group, 2);
	/* Locked accounts with the same "!" are not sharing a password. */
	assert_int_equal(vg_facts_account(&f, "l1")->shared_group, 0);
	assert_int_equal(vg_facts_account(&f, "l2")->shared_group, 0);
	assert_false(facts_mention(&f, "SECRETHASH"));
	assert_false(facts_mention(&f, "$s1$"));
	vg_facts_release(&f);
}

/* 10,000 accounts, pairs sharing a hash: linear-time and correct. */
static void
test_shared_many(void **state)
{
	enum {
		N = 10000
	};
	struct vg_buf pw, sh;
	struct vg_facts f;
	char name[32];
	size_t i;

	(void)state;
	vg_buf_init(&pw, VG_MAX_TEXT_FILE);
	vg_buf_init(&sh, VG_MAX_TEXT_FILE);
	for (i = 0; i < N; i++) {
		assert_int_equal(vg_buf_printf(&pw,
					       "user%zu:x:%zu:100::"
					       "/home/u:/bin/bash\n",
					       i, 1000 + i),
				 VG_OK);
		assert_int_equal(vg_buf_printf(&sh,
					       "user%zu:$6$s$h%zu:19000::"
					       "::::\n",
					       i, i / 2),
				 VG_OK);
	}
	vg_facts_init(&f);
	assert_int_equal(vg_passwd_parse(&f, "passwd", pw.data, pw.len), VG_OK);
	assert_int_equal(vg_shadow_parse(&f, "shadow", sh.data, sh.len), VG_OK);
	assert_int_equal(f.n_accounts, N);
	assert_int_equal(f.n_warnings, 0);
	for (i = 0; i < N; i++)
		assert_int_equal(f.accounts[i].shared_group, (int)(i / 2) + 1);
	(void)snprintf(name, sizeof(name), "user%d", N - 1);
	assert_int_equal(vg_facts_account(&f, name)->uid, 1000 + N - 1);
	vg_facts_release(&f);
	vg_buf_release(&pw);
	vg_buf_release(&sh);
}

struct group_row {
	const char *in;
	size_t n_groups;
	size_t n_members; /* of the first group */
	const char *warning;
};

static const struct group_row group_rows[] = {
	{"sudo:x:27:alice,bob\n", 1, 2, NULL},
	{"sudo:x:27:\n", 1, 0, NULL},
	{"sudo:x:27:alice,\n", 1, 1, NULL},
	{"sudo:x:27:,,alice,,\n", 1, 1, NULL},
	{"sudo:x:27: alice , bob\n", 1, 2, NULL},
	{"sudo:x:27\n", 0, 0, "group:1: 3 fields"},
	{"sudo:x:27:a:b\n", 0, 0, "group:1: 5 fields"},
	{":x:27:a\n", 0, 0, "group:1: empty or invalid group"},
	{"sudo:x:-27:a\n", 0, 0, "group:1: invalid gid"},
	{"sudo:x:4294967296:a\n", 0, 0, "invalid gid"},
	{"+:::\n-adm:::\n", 0, 0, NULL},
	{"sudo:x:27:a\nsudo:x:28:b\n", 1, 1, "group:2: duplicate group"},
};

static void
test_group_rows(void **state)
{
	struct vg_facts f;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(group_rows); i++) {
		const struct group_row *r = &group_rows[i];

		vg_facts_init(&f);
		assert_int_equal(
			vg_group_parse(&f, "group", r->in, strlen(r->in)),
			VG_OK);
		if (f.n_groups != r->n_groups ||
		    (f.n_groups > 0 && f.groups[0].n_members != r->n_members) ||
		    (r->warning == NULL && f.n_warnings != 0) ||
		    (r->warning && !vg_test_has_warning(&f, r->warning)))
			fail_msg("row %zu: %zu groups, %zu warnings (%s)", i,
				 f.n_groups, f.n_warnings,
				 f.n_warnings ? f.warnings[0] : "");
		vg_facts_release(&f);
	}
}

static void
test_group_fields(void **state)
{
	struct vg_facts f;
	const struct vg_group *g;

	(void)state;
	vg_facts_init(&f);
	assert_int_equal(vg_group_parse(&f, "group",
					"root:x:0:\nsudo:x:27:alice,bob\n", 30),
			 VG_OK);
	g = vg_facts_group(&f, "sudo");
	assert_non_null(g);
	assert_int_equal(g->gid, 27);
	assert_int_equal(g->n_members, 2);
	assert_string_equal(g->members[0], "alice");
	assert_string_equal(g->members[1], "bob");
	assert_int_equal(vg_facts_group(&f, "root")->n_members, 0);
	vg_facts_release(&f);
}

static void
test_group_too_many_members(void **state)
{
	struct vg_buf b;
	struct vg_facts f;
	size_t i;

	(void)state;
	vg_buf_init(&b, VG_MAX_TEXT_FILE);
	assert_int_equal(vg_buf_adds(&b, "big:x:1000:"), VG_OK);
	for (i = 0; i < VG_MAX_LIST_ITEMS + 10; i++)
		assert_int_equal(vg_buf_printf(&b, "%su%zu", i ? "," : "", i),
				 VG_OK);
	vg_facts_init(&f);
	assert_int_equal(vg_group_parse(&f, "group", b.data, b.len), VG_OK);
	assert_int_equal(f.n_groups, 1);
	assert_int_equal(f.groups[0].n_members, VG_MAX_LIST_ITEMS);
	assert_string_equal(f.groups[0].members[VG_MAX_LIST_ITEMS - 1],
			    "u4095");
	assert_true(vg_test_has_warning(&f, "group:1: more than 4096"));
	vg_facts_release(&f);
	vg_buf_release(&b);
}

/* A root with passwd, shadow, group and some ~/.ssh files. */
static char *
make_root(void)
{
	char *dir = vg_test_tmpdir();

	vg_test_write(dir, "etc/passwd",
		      "root:x:0:0:root:/root:/bin/bash\n"
		      "alice:x:1000:1000::/home/alice:/bin/bash\n"
		      "bob:x:1001:1001::/home/bob:/bin/bash\n"
		      "carol:x:1002:1002::/home/carol:/bin/bash\n"
		      "dave:x:1003:1003::/home/dave:/bin/bash\n"
		      "nohome:x:1004:1004:::/bin/bash\n");
	vg_test_write(dir, "etc/group", "sudo:x:27:alice\n");
	vg_test_write(dir, "home/alice/.ssh/authorized_keys",
		      "ssh-ed25519 AAAA alice@pc\n");
	vg_test_write(dir, "home/bob/.ssh/authorized_keys", "");
	vg_test_write(dir, "home/dave/.ssh/authorized_keys2",
		      "ssh-ed25519 AAAA dave@pc\n");
	return dir;
}

static void
collect(const char *dir, struct vg_facts *f)
{
	struct vg_root root;
	struct vg_collect c;
	struct vg_err err;

	assert_int_equal(vg_root_open(&root, dir, &err), VG_OK);
	c.root = &root;
	c.policy = NULL;
	c.facts = f;
	assert_int_equal(vg_collect_accounts(&c), VG_OK);
	vg_root_close(&root);
}

static void
test_collect_accounts(void **state)
{
	struct vg_facts f;
	char *dir = make_root();

	(void)state;
	vg_test_write(dir, "etc/shadow",
		      "root:*:19000:0:99999:7:::\n"
		      "alice:$6$s$h:19001:0:99999:7::0:\n"
		      "bob:$6$s$h:19002:0:99999:7:::\n"
		      "carol::19003:0:99999:7::20000:\n");
	vg_facts_init(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_PASSWD].collected);
	assert_true(f.sources[VG_SRC_SHADOW].collected);
	assert_true(f.sources[VG_SRC_GROUP].collected);
	assert_int_equal(f.n_accounts, 6);
	assert_int_equal(f.n_groups, 1);
	assert_true(vg_facts_account(&f, "alice")->authorized_keys);
	assert_false(vg_facts_account(&f, "bob")->authorized_keys);
	assert_false(vg_facts_account(&f, "carol")->authorized_keys);
	assert_true(vg_facts_account(&f, "dave")->authorized_keys);
	assert_false(vg_facts_account(&f, "nohome")->authorized_keys);
	assert_int_equal(vg_facts_account(&f, "root")->pw, VG_PW_LOCKED);
	assert_int_equal(vg_facts_account(&f, "alice")->shared_group, 1);
	assert_int_equal(vg_facts_account(&f, "bob")->shared_group, 1);
	assert_int_equal(vg_facts_account(&f, "carol")->pw, VG_PW_EMPTY);
	assert_int_equal(vg_facts_account(&f, "dave")->pw, VG_PW_UNKNOWN);
	assert_int_equal(vg_facts_account(&f, "carol")->last_change,
			 INT64_C(19003) * 86400);
	assert_int_equal(vg_facts_account(&f, "alice")->expires, 0);
	assert_int_equal(vg_facts_account(&f, "bob")->expires, VG_TIME_UNKNOWN);
	assert_int_equal(vg_facts_account(&f, "carol")->expires,
			 INT64_C(20000) * 86400);
	assert_int_equal(vg_facts_account(&f, "dave")->expires,
			 VG_TIME_UNKNOWN);
	assert_int_equal(f.n_warnings, 0);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

/* An unreadable shadow: not collected with a reason, pw stays UNKNOWN. */
static void
test_shadow_unreadable(void **state)
{
	struct vg_facts f;
	char *dir = make_root();
	char path[4096];

	(void)state;
	/* A directory cannot be read as a file, even by root. */
	(void)snprintf(path, sizeof(path), "%s/etc/shadow", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	vg_facts_init(&f);
	collect(dir, &f);
	assert_true(f.sources[VG_SRC_PASSWD].collected);
	assert_false(f.sources[VG_SRC_SHADOW].collected);
	assert_non_null(f.sources[VG_SRC_SHADOW].reason);
	assert_non_null(strstr(f.sources[VG_SRC_SHADOW].reason, "shadow"));
	assert_int_equal(vg_facts_account(&f, "alice")->pw, VG_PW_UNKNOWN);
	assert_true(vg_facts_account(&f, "alice")->authorized_keys);
	vg_facts_release(&f);

	/* Permission denied, when not running as root. */
	assert_int_equal(rmdir(path), 0);
	vg_test_write(dir, "etc/shadow", "alice::19000::::::\n");
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() != 0) {
		vg_facts_init(&f);
		collect(dir, &f);
		assert_false(f.sources[VG_SRC_SHADOW].collected);
		assert_non_null(strstr(f.sources[VG_SRC_SHADOW].reason,
				       "Permission denied"));
		assert_int_equal(vg_facts_account(&f, "alice")->pw,
				 VG_PW_UNKNOWN);
		vg_facts_release(&f);
	}
	vg_test_rmtree(dir);
	free(dir);
}

/* Homes (or ~/.ssh) that cannot be searched: one warning, counted. */
static void
test_collect_denied_homes(void **state)
{
	static const char *const locked[] = {"home/alice", "home/dave/.ssh",
					     "home/erin"};
	struct vg_facts f;
	char *dir = make_root();
	char path[4096];
	bool dropped;
	size_t i;

	(void)state;
	vg_test_write(dir, "etc/shadow", "alice:!:19000::::::\n");
	vg_test_write(dir, "home/erin/.ssh/authorized_keys", "");
	vg_test_write(dir, "etc/passwd",
		      "alice:x:1000:1000::/home/alice:/bin/bash\n"
		      "bob:x:1001:1001::/home/bob:/bin/bash\n"
		      "dave:x:1003:1003::/home/dave:/bin/bash\n"
		      "erin:x:1005:1005::/home/erin:/bin/bash\n"
		      "gone:x:1006:1006::/home/gone:/bin/bash\n");
	for (i = 0; i < VG_ARRAY_LEN(locked); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, locked[i]);
		assert_int_equal(chmod(path, 0), 0);
	}
	vg_facts_init(&f);
	dropped = vg_test_dac_caps(false);
	if (dropped)
		collect(dir, &f);
	assert_true(vg_test_dac_caps(true) || !dropped);
	if (dropped) {
		assert_true(f.sources[VG_SRC_PASSWD].collected);
		assert_int_equal(f.n_accounts, 5);
		assert_false(vg_facts_account(&f, "alice")->authorized_keys);
		assert_false(vg_facts_account(&f, "dave")->authorized_keys);
		assert_false(vg_facts_account(&f, "bob")->authorized_keys);
		/* alice, dave and erin; bob (readable, empty file) and
		 * gone (no home) are not counted. */
		assert_int_equal(f.n_warnings, 1);
		assert_true(vg_test_has_warning(
			&f,
			"3 home directories could not be read (run as "
			"root)"));
	}
	vg_facts_release(&f);
	for (i = 0; i < VG_ARRAY_LEN(locked); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, locked[i]);
		assert_int_equal(chmod(path, 0755), 0);
	}
	vg_test_rmtree(dir);
	free(dir);
	if (!dropped)
		skip();
}

static void
test_passwd_missing(void **state)
{
	struct vg_facts f;
	char *dir = vg_test_tmpdir();

	(void)state;
	vg_test_write(dir, "etc/group", "sudo:x:27:alice\n");
	vg_facts_init(&f);
	collect(dir, &f);
	assert_false(f.sources[VG_SRC_PASSWD].collected);
	assert_non_null(strstr(f.sources[VG_SRC_PASSWD].reason, "passwd"));
	assert_false(f.sources[VG_SRC_SHADOW].collected);
	assert_non_null(f.sources[VG_SRC_SHADOW].reason);
	assert_true(f.sources[VG_SRC_GROUP].collected);
	assert_int_equal(f.n_accounts, 0);
	vg_facts_release(&f);
	vg_test_rmtree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passwd_rows),
		cmocka_unit_test(test_passwd_fields),
		cmocka_unit_test(test_passwd_huge_line),
		cmocka_unit_test(test_shadow_rows),
		cmocka_unit_test(test_shadow_expiry),
		cmocka_unit_test(test_shadow_duplicate),
		cmocka_unit_test(test_passwd_direct_hash),
		cmocka_unit_test(test_hash_schemes),
		cmocka_unit_test(test_shared_groups),
		cmocka_unit_test(test_shared_many),
		cmocka_unit_test(test_group_rows),
		cmocka_unit_test(test_group_fields),
		cmocka_unit_test(test_group_too_many_members),
		cmocka_unit_test(test_collect_accounts),
		cmocka_unit_test(test_shadow_unreadable),
		cmocka_unit_test(test_collect_denied_homes),
		cmocka_unit_test(test_passwd_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

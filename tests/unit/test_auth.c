/*
 * web/auth: role names, random secrets and their SHA-256, constant-time
 * hash comparison, argon2id password hashes (good, wrong, malformed).
 */
#include "util/common.h"

#include <string.h>

#include "support.h"

#include "web/auth.h"
#include "util/banned.h"

static int
setup(void **state)
{
	(void)state;
	return vg_auth_init(NULL) == VG_OK ? 0 : -1;
}

static void
test_roles(void **state)
{
	static const struct {
		const char *name;
		bool ok;
		enum vg_role role;
	} rows[] = {
		{"direction", true, VG_ROLE_DIRECTION},
		{"auditeur", true, VG_ROLE_AUDITEUR},
		{"technicien", true, VG_ROLE_TECHNICIEN},
		{"rssi", true, VG_ROLE_RSSI},
		{"admin", true, VG_ROLE_ADMIN},
		{"Admin", false, 0},
		{"root", false, 0},
		{"", false, 0},
		{"admin ", false, 0},
		{"admi", false, 0},
	};
	enum vg_role r;
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		r = VG_ROLE_COUNT;
		assert_int_equal(vg_role_parse(rows[i].name, &r), rows[i].ok);
		if (rows[i].ok) {
			assert_int_equal(r, rows[i].role);
			assert_string_equal(vg_role_name(r), rows[i].name);
		}
	}
	assert_false(vg_role_parse(NULL, &r));
	assert_string_equal(vg_role_name(VG_ROLE_COUNT), "?");
	/* Least to most privileged: routes compare roles. */
	assert_true(VG_ROLE_DIRECTION < VG_ROLE_AUDITEUR);
	assert_true(VG_ROLE_RSSI < VG_ROLE_ADMIN);
}

static void
test_secret(void **state)
{
	char a[VG_SECRET_HEX], b[VG_SECRET_HEX];
	size_t i;

	(void)state;
	vg_secret_new(a);
	vg_secret_new(b);
	assert_int_equal(strlen(a), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
}

static void
test_hash(void **state)
{
	static const struct {
		const char *in, *sha256;
	} rows[] = {
		{"",
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		 "7852b855"},
		{"abc",
		 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
		 "61f20015ad"},
	};
	char h[VG_HASH_HEX];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++) {
		vg_secret_hash(rows[i].in, h);
		assert_string_equal(h, rows[i].sha256);
	}
}

static void
test_hash_equal(void **state)
{
	static const struct {
		const char *a, *b;
		bool eq;
	} rows[] = {
		{"ab12", "ab12", true}, {"ab12", "ab13", false},
		{"ab12", "ab1", false}, {"ab1", "ab12", false},
		{"", "", false},        {"AB12", "ab12", false},
	};
	char x[VG_HASH_HEX], y[VG_HASH_HEX];
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(rows); i++)
		assert_int_equal(vg_hash_equal(rows[i].a, rows[i].b),
				 rows[i].eq);
	vg_secret_hash("one", x);
	vg_secret_hash("one", y);
	assert_true(vg_hash_equal(x, y));
	vg_secret_hash("two", y);
	assert_false(vg_hash_equal(x, y));
}

static void
test_password(void **state)
{
	char h[VG_PWHASH_MAX], h2[VG_PWHASH_MAX], cut[VG_PWHASH_MAX];

	(void)state;
	assert_true(vg_password_hash("correct horse battery", h));
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(vg_password_verify(h, "correct horse battery"));
	assert_false(vg_password_verify(h, "correct horse batterY"));
	assert_false(vg_password_verify(h, ""));
	/* Salted: the same password hashes differently. */
	assert_true(vg_password_hash("correct horse battery", h2));
	assert_string_not_equal(h, h2);
	/* Malformed hashes never verify. */
	assert_false(vg_password_verify("", "x"));
	assert_false(vg_password_verify("$argon2id$garbage", "x"));
	memcpy(cut, h, 20);
	cut[20] = '\0';
	assert_false(vg_password_verify(cut, "correct horse battery"));
	/* An empty password hashes and verifies like any other. */
	assert_true(vg_password_hash("", h));
	assert_true(vg_password_verify(h, ""));
	assert_false(vg_password_verify(h, " "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_hash_equal),
		cmocka_unit_test(test_password),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

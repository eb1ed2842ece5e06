/* dpkg version order: the 67 vectors checked against dpkg 1.21.22
 * (shared/reference/vulnerability-data.md 2.4) plus hostile strings. */
#include "util/common.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "collect/collectors.h"
#include "util/banned.h"

struct vector {
	const char *a, *b;
	int want; /* -1, 0, 1 */
};

static const struct vector vectors[] = {
	{"1.0", "1.0", 0},
	{"1.0", "1.1", -1},
	{"1.2", "1.10", -1},
	{"1.10", "1.9", 1},
	{"9.9", "10.0", -1},
	{"0.10.0", "0.8.7", 1},
	{"5.10.0", "5.005", 1},
	{"001", "1", 0},
	{"1.001", "1.1", 0},
	{"2a", "21", -1},
	{"1.3.2a", "1.3.2b", -1},
	{"1.0", "1.0-0", 0},
	{"1.0", "1.0-1", -1},
	{"1.2.3-4", "1.2.3-4", 0},
	{"1.0-1", "1.0-1+b1", -1},
	{"1.0-1+b1", "1.0-1.1", -1},
	{"1.0-1", "1.0-1ubuntu1", -1},
	{"1.0-1ubuntu1", "1.0-2", -1},
	{"1.0-1~bpo11+1", "1.0-1", -1},
	{"1.0-1+deb12u1", "1.0-1", 1},
	{"2.36-9+deb12u3", "2.36-9+deb12u10", -1},
	{"1.1.1f-1ubuntu2.21", "1.1.1f-1ubuntu2.3", 1},
	{"2.4.7-1", "2.4.7-z", -1},
	{"1.0-A", "1.0-a", -1},
	{"1.0-z", "1.0-+", -1},
	{"1.2-5", "1.2-3-5", -1},
	{"0:0-0-0", "0-0", 1},
	{"1.18.36-0.17.35-18", "1.18.36-19", 1},
	{"0:1.0", "1.0", 0},
	{"1:0.1", "2.0", 1},
	{"1:1.0", "0:9.9", 1},
	{"2:1.0", "10:0.5", -1},
	{"5:2", "304-2", 1},
	{"5:2", "304:2", -1},
	{"1:2:123", "1:12:3", -1},
	{"1:3.0.5-2", "1:3.0.5.1", -1},
	{"1.0~rc1", "1.0", -1},
	{"1.0~rc1", "1.0~rc2", -1},
	{"1.0~~", "1.0~~a", -1},
	{"1.0~~a", "1.0~", -1},
	{"1.0~", "1.0", -1},
	{"3.0~rc1-1", "3.0-1", -1},
	{"1.0", "1.0-0~", 1},
	{"0.5.0~git", "0.5.0~git2", -1},
	{"1.4+OOo3.0.0~", "1.4+OOo3.0.0-4", -1},
	{"1.2a+~bCd3", "1.2a++", -1},
	{"1.2a+~bCd3", "1.2a+~", 1},
	{"3a9.8", "3~10", 1},
	{"1.0", "1.0a", -1},
	{"1.0a", "1.0+", -1},
	{"1.0+", "1.0.", -1},
	{"1.0a", "1.0.1", -1},
	{"1.0+dfsg", "1.0", 1},
	{"3a9.8", "3.10.2", -1},
	{"1.0.1g", "1.0.1f", 1},
	{"1.0.1", "1.0.1g", -1},
	{"7.6p2-4", "7.6-0", 1},
	{"1.002-1+b2", "1.00", 1},
	{"2.0.7pre1-4", "2.0.7r-1", -1},
	{"1.1.6r2-2", "1.1.6r-1", 1},
	{"98.1p5-1", "98.1-pre2-b6-2", -1},
	{"0.4a6-2", "0.4-1", 1},
	{"a", ".", -1},
	{"z", ".", -1},
	{"A", "a", -1},
	{"Z", "a", -1},
	{"III-alpha9.8", "III-alpha9.8-1.5", -1},
};

/* Beyond dpkg's vectors: inputs dpkg would refuse, still ordered. */
static const struct vector hostile[] = {
	/* digit runs far past any integer type */
	{"1.99999999999999999999999999999999999999",
	 "1.100000000000000000000000000000000000000", -1},
	{"0000000000000000000000000000000000000001", "1", 0},
	{"99999999999999999999999999:1", "1:1", 1},
	{"99999999999999999999999999:1", "99999999999999999999999998:9", 1},
	/* epoch that is not a number: kept as upstream text */
	{"a:1", "1", 1},
	{":1", "1", 1},
	{"1:", "1:0", 0},
	{"", "", 0},
	{"", "0", 0},
	{"", "~", 1},
	{"1-", "1", 0},
	{"-", "", 0},
	/* non-ASCII bytes sort after letters, like other non-letters */
	{"1.0\xc3\xa9", "1.0z", 1},
	{"1.0\xff", "1.0.", 1},
	{"~~~~~~~~", "~~~~~~~", -1},
	{"1::::", "1:::", 1},
};

static int
sign(int v)
{
	return v > 0 ? 1 : v < 0 ? -1 : 0;
}

static void
check(const struct vector *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sign(vg_dpkg_version_cmp(v[i].a, v[i].b)) != v[i].want ||
		    sign(vg_dpkg_version_cmp(v[i].b, v[i].a)) != -v[i].want) {
			print_error("vector %zu: '%s' vs '%s': want %d\n", i,
				    v[i].a, v[i].b, v[i].want);
			fail();
		}
	}
}

static void
test_dpkg_vectors(void **state)
{
	(void)state;
	assert_int_equal(VG_ARRAY_LEN(vectors), 67);
	check(vectors, VG_ARRAY_LEN(vectors));
}

static void
test_hostile(void **state)
{
	(void)state;
	check(hostile, VG_ARRAY_LEN(hostile));
	assert_int_equal(vg_dpkg_version_cmp(NULL, ""), 0);
	assert_true(vg_dpkg_version_cmp(NULL, "1") < 0);
}

/* A megabyte of digits compares without overflow or recursion. */
static void
test_huge_digit_run(void **state)
{
	size_t n = 1u << 20;
	char *a = malloc(n + 1), *b = malloc(n + 1);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	memset(a, '9', n);
	a[n] = '\0';
	memcpy(b, a, n + 1);
	assert_int_equal(vg_dpkg_version_cmp(a, b), 0);
	b[n - 1] = '8';
	assert_int_equal(vg_dpkg_version_cmp(a, b), 1);
	b[0] = '0'; /* leading zero: b is one digit shorter */
	assert_int_equal(vg_dpkg_version_cmp(a, b), 1);
	assert_int_equal(vg_dpkg_version_cmp(b, a), -1);
	free(a);
	free(b);
}

/* The order is a total order on a sample: sorting is consistent. */
static void
test_transitive(void **state)
{
	static const char *sorted[] = {
		"~~",   "~~a",           "~",     "0",        "1.0~rc1",
		"1.0",  "1.0-1~bpo11+1", "1.0-1", "1.0-1+b1", "1.0-1.1",
		"1.0a", "1.0+",          "1.0.",  "1:0.1",    "2:0",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(sorted); i++)
		for (j = 0; j < VG_ARRAY_LEN(sorted); j++)
			assert_int_equal(
				sign(vg_dpkg_version_cmp(sorted[i], sorted[j])),
				i < j           ? -1
					: i > j ? 1
						: 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dpkg_vectors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_huge_digit_run),
		cmocka_unit_test(test_transitive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

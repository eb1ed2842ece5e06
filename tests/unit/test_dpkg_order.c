/*
 * dpkg version order: all 67 vectors of the reference (checked against
 * dpkg 1.21.22, shared/reference/vulnerability-data.md 2.4, copied as
 * they are), dpkg's parsing rules (2.1), hostile strings dpkg would
 * refuse, vg_dpkg_version_valid, and order properties over generated
 * versions with a fixed seed.
 */
#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "core/dpkg_version.h"
#include "util/banned.h"

struct vector {
	const char *a, *b;
	int want; /* -1: a < b, 0: equal, 1: a > b */
};

static const struct vector ref_vectors[] = {
	/* basics / numeric runs */
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
	/* revision */
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
	/* epochs */
	{"0:1.0", "1.0", 0},
	{"1:0.1", "2.0", 1},
	{"1:1.0", "0:9.9", 1},
	{"2:1.0", "10:0.5", -1},
	{"5:2", "304-2", 1},
	{"5:2", "304:2", -1},
	{"1:2:123", "1:12:3", -1},
	{"1:3.0.5-2", "1:3.0.5.1", -1},
	/* tilde */
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
	/* letters before non-letters */
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
	/* syntactically invalid (no leading digit) but dpkg still orders them
	   (warns) */
	{"a", ".", -1},
	{"z", ".", -1},
	{"A", "a", -1},
	{"Z", "a", -1},
	{"III-alpha9.8", "III-alpha9.8-1.5", -1},
};

/* dpkg's parsing (parsehelp.c): blanks, signed epochs, first ':' and
 * last '-', and versions it refuses but that must stay ordered. */
static const struct vector parse_vectors[] = {
	{"0:0:0-0", "0:0:0-0", 0},
	{"0:0:0-0", "0:0-0", 1},   /* upstream "0:0" > "0" */
	{"0:0-0-0", "0:0-0-0", 0}, /* upstream "0-0", revision "0" */
	{"0:0-0:0-0", "0-0:0-0", 0},
	{"0:0-", "0", 0},   /* empty revision equals none */
	{" 1.0", "1.0", 0}, /* leading blanks skipped */
	{"1.0 ", "1.0", 0}, /* trailing blanks too */
	{"\t1.0-1\n", "1.0-1", 0},
	{"1.0 9", "1.0", 0},    /* the version ends at a blank */
	{"+1:2.0", "1:2.0", 0}, /* strtol takes a sign */
	{"-0:2.0", "2.0", 0},
	{"00001:1", "1:1", 0},
	{"4294967296:1", "4294967295:1", 1}, /* past any int: still ordered */
	{"a:1.0", "1.0", 1},     /* not an epoch: upstream "a:1.0" */
	{"1.0-1:2", "1.0-1", 1}, /* ':' after '-': revision "1:2" */
	{"", "0", 0},
	{NULL, "", 0},
	{NULL, "0~", 1},
	{"\xff", "z", 1}, /* non-ASCII sorts with non-letters */
	{"1.0\x80", "1.0~", 1},
};

/* Beyond dpkg's vectors: inputs dpkg would refuse, still ordered. */
static const struct vector hostile_vectors[] = {
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
	{"", "~", 1},
	{"1-", "1", 0},
	{"-", "", 0},
	{NULL, "1", -1},
	/* non-ASCII bytes sort after letters, like other non-letters */
	{"1.0\xc3\xa9", "1.0z", 1},
	{"1.0\xff", "1.0.", 1},
	{"~~~~~~~~", "~~~~~~~", -1},
	{"1::::", "1:::", 1},
};

static void
check(const struct vector *v, size_t n)
{
	size_t i;
	int got, back;

	for (i = 0; i < n; i++) {
		got = vg_dpkg_version_cmp(v[i].a, v[i].b);
		back = vg_dpkg_version_cmp(v[i].b, v[i].a);
		if (got != v[i].want || back != -v[i].want) {
			print_error("vector %zu: '%s' vs '%s': want %d, got %d "
				    "(reversed %d)\n",
				    i, v[i].a ? v[i].a : "(null)", v[i].b,
				    v[i].want, got, back);
			fail();
		}
	}
}

static void
test_reference_vectors(void **state)
{
	(void)state;
	assert_int_equal(VG_ARRAY_LEN(ref_vectors), 67);
	check(ref_vectors, VG_ARRAY_LEN(ref_vectors));
}

static void
test_parse_vectors(void **state)
{
	(void)state;
	check(parse_vectors, VG_ARRAY_LEN(parse_vectors));
}

static void
test_hostile_vectors(void **state)
{
	(void)state;
	check(hostile_vectors, VG_ARRAY_LEN(hostile_vectors));
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

/* A hand-sorted sample: every pair agrees with its positions. */
static void
test_sorted_sample(void **state)
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
				vg_dpkg_version_cmp(sorted[i], sorted[j]),
				i < j           ? -1
					: i > j ? 1
						: 0);
}

struct valid_case {
	const char *v;
	bool want;
};

static void
test_valid(void **state)
{
	/* Errors and warnings of dpkg's parseversion, one row each. */
	static const struct valid_case cases[] = {
		{"1.0", true},
		{"1:2.30-4+deb12u1", true},
		{"0:0:0-0", true},
		{"0:0-0-0", true},
		{"2.4.51-1~deb11u1", true},
		{" 1.0 ", true},
		{"+1:1.0", true},
		{"-0:1.0", true},
		{"2147483647:1", true},
		{"", false}, /* empty */
		{"   ", false},
		{NULL, false},
		{"1 0", false},          /* embedded blank */
		{":1.0", false},         /* epoch empty */
		{"a:1.0", false},        /* epoch not a number */
		{"-1:1.0", false},       /* epoch negative */
		{"2147483648:1", false}, /* epoch too big */
		{"99999999999999999999:1", false},
		{"2:", false},   /* nothing after the colon */
		{"1.0-", false}, /* revision empty */
		{"-1", false},   /* version empty */
		{"2:-1", false},
		{"a", false}, /* does not start with a digit */
		{"III-alpha9.8", false},
		{"1_0", false}, /* invalid character */
		{"1.0-1_0", false},
		{"1.0-1:0", false}, /* ':' is not allowed in a revision */
		{"1.0\xc3\xa9", false},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VG_ARRAY_LEN(cases); i++) {
		if (vg_dpkg_version_valid(cases[i].v) != cases[i].want) {
			print_error("case %zu '%s': want %d\n", i,
				    cases[i].v ? cases[i].v : "(null)",
				    cases[i].want);
			fail();
		}
	}
}

/* Every byte in an upstream version and in a revision: valid exactly
 * for dpkg's (letters, digits, ".+~", and ":-" upstream only; blanks end
 * the version, so only white space may follow them). */
static void
test_valid_bytes(void **state)
{
	char up[8], rev[8];
	bool alnum, ok_up, ok_rev;
	int c;

	(void)state;
	for (c = 1; c < 256; c++) {
		alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z');
		/* A '-' in "1.0-1-1" moves the split: revision "1". */
		ok_rev = alnum || c == '.' || c == '+' || c == '~' || c == '-';
		/* "1.0:1" makes no epoch ("1.0" is not a number). */
		ok_up = ok_rev;
		if (c == ' ' || (c >= '\t' && c <= '\r'))
			continue;
		(void)snprintf(up, sizeof(up), "1.0%c1", c);
		(void)snprintf(rev, sizeof(rev), "1.0-1%c1", c);
		if (vg_dpkg_version_valid(up) != ok_up ||
		    vg_dpkg_version_valid(rev) != ok_rev) {
			print_error("byte %#x: upstream %d, revision %d\n", c,
				    vg_dpkg_version_valid(up),
				    vg_dpkg_version_valid(rev));
			fail();
		}
	}
	/* ':' in an upstream version with an epoch. */
	assert_true(vg_dpkg_version_valid("1:1.0:1-1"));
}

/* Property tests: a fixed seed, versions over an alphabet chosen to hit
 * every class (digits, zeros, '~', letters of both cases, separators,
 * ':' and '-' that move the split, non-ASCII and blanks). */
#define N_GEN 2000
#define GEN_MAX 14

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t
rng(void)
{
	/* xorshift64*: deterministic, no libc state */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717u) >> 32);
}

static char gen[N_GEN][GEN_MAX + 1];

static void
generate(void)
{
	static const char alpha[] = "0000111299..~~~++--::aazAZ\xc3 ";
	size_t i, k, n;

	for (i = 0; i < N_GEN; i++) {
		n = rng() % (GEN_MAX + 1);
		for (k = 0; k < n; k++)
			gen[i][k] = alpha[rng() % (sizeof(alpha) - 1)];
		gen[i][n] = '\0';
	}
}

static int
qcmp(const void *a, const void *b)
{
	return vg_dpkg_version_cmp(a, b);
}

static void
test_properties(void **state)
{
	static char sorted[N_GEN][GEN_MAX + 1];
	char copy[GEN_MAX + 1];
	size_t i, j, t;
	int ab, bc, ac;

	(void)state;
	generate();
	for (i = 0; i < N_GEN; i++) {
		/* reflexive, also on a distinct copy */
		memcpy(copy, gen[i], sizeof(copy));
		assert_int_equal(vg_dpkg_version_cmp(gen[i], gen[i]), 0);
		assert_int_equal(vg_dpkg_version_cmp(gen[i], copy), 0);
		/* antisymmetric over every pair */
		for (j = 0; j < N_GEN; j++) {
			ab = vg_dpkg_version_cmp(gen[i], gen[j]);
			if (ab < -1 || ab > 1 ||
			    ab != -vg_dpkg_version_cmp(gen[j], gen[i])) {
				print_error("antisymmetry: '%s' '%s'\n", gen[i],
					    gen[j]);
				fail();
			}
		}
	}
	/* transitive on random triples */
	for (t = 0; t < 200000; t++) {
		const char *a = gen[rng() % N_GEN], *b = gen[rng() % N_GEN],
			   *c = gen[rng() % N_GEN];

		ab = vg_dpkg_version_cmp(a, b);
		bc = vg_dpkg_version_cmp(b, c);
		ac = vg_dpkg_version_cmp(a, c);
		if ((ab <= 0 && bc <= 0 && ac > 0) ||
		    (ab >= 0 && bc >= 0 && ac < 0) ||
		    (ab == 0 && bc == 0 && ac != 0)) {
			print_error("transitivity: '%s' '%s' '%s'\n", a, b, c);
			fail();
		}
	}
	/* Sorted, every pair agrees with its positions: the order is a
	 * total preorder on the whole sample (transitivity over all
	 * triples, not only the ones drawn). */
	memcpy(sorted, gen, sizeof(sorted));
	qsort(sorted, N_GEN, sizeof(sorted[0]), qcmp);
	for (i = 0; i < N_GEN; i++)
		for (j = i + 1; j < N_GEN; j++)
			if (vg_dpkg_version_cmp(sorted[i], sorted[j]) > 0) {
				print_error("sorted order broken: '%s' '%s'\n",
					    sorted[i], sorted[j]);
				fail();
			}
}

/* dpkg's verrevcmp as lib/dpkg/version.c writes it, on NUL-ended
 * strings: the reference the ported one (which skips common prefixes)
 * must agree with. */
static int
ref_order(int c)
{
	if (c >= '0' && c <= '9')
		return 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c;
	if (c == '~')
		return -1;
	return c != 0 ? c + 256 : 0;
}

static int
ref_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int
ref_verrevcmp(const unsigned char *a, const unsigned char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !ref_isdigit(*a)) || (*b && !ref_isdigit(*b))) {
			int ac = ref_order(*a), bc = ref_order(*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (ref_isdigit(*a) && ref_isdigit(*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (ref_isdigit(*a))
			return 1;
		if (ref_isdigit(*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* One part of a split version, NUL-ended, in out (GEN_MAX + 1). */
static const unsigned char *
part(const char *s, size_t n, char *out)
{
	memcpy(out, s, n);
	out[n] = '\0';
	return (const unsigned char *)out;
}

static int
ref_cmp(const char *a, const char *b)
{
	struct vg_dpkg_split x, y;
	char p[GEN_MAX + 1], q[GEN_MAX + 1];
	int d;

	vg_dpkg_version_split(a, &x);
	vg_dpkg_version_split(b, &y);
	if ((d = ref_verrevcmp(part(x.epoch, x.epoch_n, p),
			       part(y.epoch, y.epoch_n, q))) == 0 &&
	    (d = ref_verrevcmp(part(x.up, x.up_n, p), part(y.up, y.up_n, q))) ==
		    0)
		d = ref_verrevcmp(part(x.rev, x.rev_n, p),
				  part(y.rev, y.rev_n, q));
	return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/*
 * Over every pair of the sample: the order agrees with dpkg's own
 * verrevcmp, and comparing with a version split once agrees too, also
 * when the other is a word bounded by its length (a list's: the bytes
 * after it are not read as part of it).
 */
static void
test_split_and_reference(void **state)
{
	struct vg_dpkg_split sa;
	char word[GEN_MAX + 4];
	size_t i, j, n;
	int want;

	(void)state;
	generate();
	for (i = 0; i < N_GEN; i++) {
		vg_dpkg_version_split(gen[i], &sa);
		for (j = 0; j < N_GEN; j++) {
			want = vg_dpkg_version_cmp(gen[i], gen[j]);
			n = strlen(gen[j]);
			memcpy(word, gen[j], n);
			memcpy(word + n, "9z", 3);
			if (ref_cmp(gen[i], gen[j]) != want ||
			    vg_dpkg_version_cmp_split(&sa, gen[j], SIZE_MAX) !=
				    want ||
			    vg_dpkg_version_cmp_split(&sa, word, n) != want) {
				print_error("'%s' vs '%s': %d\n", gen[i],
					    gen[j], want);
				fail();
			}
		}
	}
	assert_int_equal(vg_dpkg_version_cmp_split(&sa, NULL, 0),
			 vg_dpkg_version_cmp(gen[N_GEN - 1], ""));
}

#define N_VALID 1500

/* Versions dpkg accepts: an optional epoch, an upstream starting with a
 * digit, an optional revision, from the characters each may hold. */
static size_t
generate_valid(char out[][GEN_MAX * 3 + 8], size_t want)
{
	static const char up[] = "0001199..++~~--::abzAZ";
	static const char rev[] = "00199..++~~az";
	char v[GEN_MAX * 3 + 8];
	size_t n = 0, k, len, tries;

	for (tries = 0; n < want && tries < want * 100; tries++) {
		len = 0;
		if (rng() % 3 == 0) {
			for (k = 1 + rng() % 2; k > 0; k--)
				v[len++] = (char)('0' + rng() % 3);
			v[len++] = ':';
		}
		v[len++] = (char)('0' + rng() % 10);
		for (k = rng() % GEN_MAX; k > 0; k--)
			v[len++] = up[rng() % (sizeof(up) - 1)];
		if (rng() % 2 == 0) {
			v[len++] = '-';
			for (k = 1 + rng() % 6; k > 0; k--)
				v[len++] = rev[rng() % (sizeof(rev) - 1)];
		}
		v[len] = '\0';
		if (vg_dpkg_version_valid(v))
			memcpy(out[n++], v, len + 1);
	}
	return n;
}

/* The sign of the key comparison, against vg_dpkg_version_cmp. */
static void
same_as_keys(const char *a, const char *b)
{
	unsigned char ka[VG_DPKG_KEY_MAX], kb[VG_DPKG_KEY_MAX];
	size_t na = vg_dpkg_version_key(a, ka), nb = vg_dpkg_version_key(b, kb);

	if (na == 0 || nb == 0 ||
	    vg_dpkg_key_cmp(ka, na, kb, nb) != vg_dpkg_version_cmp(a, b)) {
		print_error("keys of '%s' '%s': %d, versions %d\n", a, b,
			    na && nb ? vg_dpkg_key_cmp(ka, na, kb, nb) : 9,
			    vg_dpkg_version_cmp(a, b));
		fail();
	}
}

/*
 * Keys order valid versions as dpkg does: every pair of a random sample
 * of valid versions and the reference vectors whose two sides are
 * valid; no key for an invalid version or one too long for a key.
 */
static void
test_keys(void **state)
{
	static char valid[N_VALID][GEN_MAX * 3 + 8];
	unsigned char k[VG_DPKG_KEY_MAX];
	char longest[400];
	size_t i, j, n;

	(void)state;
	n = generate_valid(valid, N_VALID);
	assert_true(n > N_VALID / 2);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			same_as_keys(valid[i], valid[j]);
	for (i = 0; i < VG_ARRAY_LEN(ref_vectors); i++)
		if (vg_dpkg_version_valid(ref_vectors[i].a) &&
		    vg_dpkg_version_valid(ref_vectors[i].b))
			same_as_keys(ref_vectors[i].a, ref_vectors[i].b);
	for (i = 0; i < VG_ARRAY_LEN(parse_vectors); i++)
		if (vg_dpkg_version_valid(parse_vectors[i].a) &&
		    vg_dpkg_version_valid(parse_vectors[i].b))
			same_as_keys(parse_vectors[i].a, parse_vectors[i].b);
	same_as_keys("1.0", "1.0.0");
	same_as_keys("1.0~rc1", "1.0");
	same_as_keys("1:0.9", "2.0");
	same_as_keys("00:1.0-0", "1.0");
	same_as_keys("1.0a0~", "1.0a");
	same_as_keys("1.01-1", "1.1-1");
	assert_int_equal(vg_dpkg_version_key("", k), 0);
	assert_int_equal(vg_dpkg_version_key("a1.0", k), 0);
	assert_int_equal(vg_dpkg_version_key(NULL, k), 0);
	memset(longest, '1', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(vg_dpkg_version_key(longest, k), 0);
	for (i = 0; i + 1 < sizeof(longest); i += 2)
		longest[i] = '.';
	longest[0] = '1';
	assert_int_equal(vg_dpkg_version_key(longest, k), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_parse_vectors),
		cmocka_unit_test(test_hostile_vectors),
		cmocka_unit_test(test_huge_digit_run),
		cmocka_unit_test(test_sorted_sample),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_bytes),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_split_and_reference),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * dpkg's version order, an exact port of lib/dpkg/version.c (order,
 * verrevcmp, dpkg_version_compare) on top of the splitting done by
 * lib/dpkg/parsehelp.c (parseversion). Works on byte ranges so that no
 * copy, allocation or integer conversion is needed: any byte string is
 * ordered, without overflow, whatever its length.
 */
#include "util/common.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "core/dpkg_version.h"

#include "util/banned.h"

/* A byte range of a version string. */
struct part {
	const char *s;
	size_t n;
};

/* A version split as parseversion does. */
struct version {
	struct part epoch; /* digits only, sign removed; "" means 0 */
	struct part up;
	struct part rev;
	bool epoch_neg; /* "-N:": dpkg refuses unless N is 0 */
	bool has_colon; /* a well-formed epoch separator was seen */
	bool has_hyphen;
	struct part whole; /* after trimming */
};

/* dpkg's c_isdigit / c_isalpha / c_isblank / c_isspace: ASCII only. */
static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The weight of a byte in a non-digit run: '~' first, then the end of the
 * part (and digits, which end the run), then letters, then everything
 * else (non-ASCII bytes included).
 */
static int
order(unsigned char c)
{
	if (c == '\0' || is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int
verrevcmp(struct part a, struct part b)
{
	size_t i = 0, j = 0, da, db, m = a.n < b.n ? a.n : b.n;
	int first, d;

	/* Versions of one package share most of their text: skip the
	 * common prefix, back to the start of the digit run it ends in
	 * (a run is compared whole); a non-digit run compares byte by
	 * byte, so it may be entered anywhere. */
	while (i < m && a.s[i] == b.s[i])
		i++;
	if (i == a.n && i == b.n)
		return 0;
	while (i > 0 && is_digit((unsigned char)a.s[i - 1]))
		i--;
	j = i;
	while (i < a.n || j < b.n) {
		/* Non-digit run: compare weights byte by byte; the end of a
		 * part weighs like a digit, 0. */
		while ((i < a.n && !is_digit((unsigned char)a.s[i])) ||
		       (j < b.n && !is_digit((unsigned char)b.s[j]))) {
			d = order(i < a.n ? (unsigned char)a.s[i] : 0) -
				order(j < b.n ? (unsigned char)b.s[j] : 0);
			if (d != 0)
				return d;
			if (i < a.n)
				i++;
			if (j < b.n)
				j++;
		}
		/* Digit run, numerically without converting: leading zeros
		 * dropped, the longer run wins, else the first difference. */
		while (i < a.n && a.s[i] == '0')
			i++;
		while (j < b.n && b.s[j] == '0')
			j++;
		for (da = 0;
		     i + da < a.n && is_digit((unsigned char)a.s[i + da]); da++)
			;
		for (db = 0;
		     j + db < b.n && is_digit((unsigned char)b.s[j + db]); db++)
			;
		if (da != db)
			return da > db ? 1 : -1;
		first = da > 0 ? memcmp(a.s + i, b.s + j, da) : 0;
		if (first != 0)
			return first;
		i += da;
		j += db;
	}
	return 0;
}

/*
 * Split v (its first max bytes, or up to its NUL) as parseversion does.
 * Leading blanks are skipped and the
 * version ends at the first white space (dpkg refuses text after it).
 * The epoch is the text before the first ':' when strtol would read all
 * of it ([+-]digits); otherwise dpkg refuses the version and we keep the
 * whole string as upstream, so hostile input still gets a stable order.
 * The revision is the text after the last '-' of the rest.
 */
static void
split_n(const char *v, size_t max, struct version *out)
{
	const char *colon, *dash, *e;
	size_t n, k = 0;

	memset(out, 0, sizeof(*out));
	while (max > 0 && is_blank((unsigned char)*v)) {
		v++;
		max--;
	}
	/* dpkg's white space (is_space), found with the C library's
	 * vectorised scan: matching splits tens of thousands. */
	if ((n = strcspn(v, " \t\n\v\f\r")) > max)
		n = max;
	out->whole.s = v;
	out->whole.n = n;
	out->epoch.s = "";
	if ((colon = memchr(v, ':', n)) != NULL) {
		if (v[0] == '+' || v[0] == '-')
			k = 1;
		e = v + k;
		while (e < colon && is_digit((unsigned char)*e))
			e++;
		if (e == colon && colon > v + k) {
			out->epoch.s = v + k;
			out->epoch.n = (size_t)(colon - v) - k;
			out->epoch_neg = v[0] == '-';
			out->has_colon = true;
			n -= (size_t)(colon - v) + 1;
			v = colon + 1;
		}
	}
	out->up.s = v;
	out->up.n = n;
	out->rev.s = "";
	if ((dash = memrchr(v, '-', n)) != NULL) {
		out->has_hyphen = true;
		out->up.n = (size_t)(dash - v);
		out->rev.s = dash + 1;
		out->rev.n = n - out->up.n - 1;
	}
}

/* split_n of a NUL-ended string. */
static void
split(const char *v, struct version *out)
{
	split_n(v, SIZE_MAX, out);
}

static int
sign(int d)
{
	return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/* The order of two split versions. */
static int
cmp_parts(struct part ae, struct part au, struct part ar, struct part be,
	  struct part bu, struct part br)
{
	int d;

	/* Epochs are digits only here (a "-0" epoch is 0, a negative one
	 * is refused by dpkg and just ordered by its digits): verrevcmp
	 * orders digit strings numerically, whatever their length. */
	if ((d = verrevcmp(ae, be)) != 0)
		return sign(d);
	if ((d = verrevcmp(au, bu)) != 0)
		return sign(d);
	return sign(verrevcmp(ar, br));
}

int
vg_dpkg_version_cmp(const char *a, const char *b)
{
	struct version va, vb;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	/* The same bytes (a package's entries share their fixes). */
	if (strcmp(a, b) == 0)
		return 0;
	split(a, &va);
	split(b, &vb);
	return cmp_parts(va.epoch, va.up, va.rev, vb.epoch, vb.up, vb.rev);
}

void
vg_dpkg_version_split(const char *v, struct vg_dpkg_split *out)
{
	struct version pv;

	split(v != NULL ? v : "", &pv);
	out->epoch = pv.epoch.s;
	out->epoch_n = pv.epoch.n;
	out->up = pv.up.s;
	out->up_n = pv.up.n;
	out->rev = pv.rev.s;
	out->rev_n = pv.rev.n;
}

int
vg_dpkg_version_cmp_split(const struct vg_dpkg_split *a, const char *b,
			  size_t n)
{
	const struct part ae = {a->epoch, a->epoch_n}, au = {a->up, a->up_n},
			  ar = {a->rev, a->rev_n};
	struct version vb;

	split_n(b != NULL ? b : "", b != NULL ? n : 0, &vb);
	return cmp_parts(ae, au, ar, vb.epoch, vb.up, vb.rev);
}

/* The bytes a version may hold, as a set of the 128 ASCII codes (bit
 * c & 63 of word c >> 6): digits, '.' and '+' (word 0), letters and '~'
 * (word 1); an upstream version also ':' and '-'. */
#define CHARS_BIT(c) (UINT64_C(1) << ((c)&63))
#define CHARS_DIGITS (UINT64_C(0x3ff) << '0')
#define CHARS_LETTERS                                                          \
	((UINT64_C(0x3ffffff) << ('A' - 64)) |                                 \
	 (UINT64_C(0x3ffffff) << ('a' - 64)))
static const uint64_t chars_rev[2] = {CHARS_DIGITS | CHARS_BIT('.') |
					      CHARS_BIT('+'),
				      CHARS_LETTERS | CHARS_BIT('~')};
static const uint64_t chars_up[2] = {CHARS_DIGITS | CHARS_BIT('.') |
					     CHARS_BIT('+') | CHARS_BIT(':') |
					     CHARS_BIT('-'),
				     CHARS_LETTERS | CHARS_BIT('~')};

/* Every byte of p is a letter, a digit or one of extra ("." "+" "~"
 * and, for an upstream version, ":" "-"): one test of a bit per byte,
 * for the thousands of versions a check validates. */
static bool
chars_ok(struct part p, bool upstream)
{
	const uint64_t *set = upstream ? chars_up : chars_rev;
	size_t i;
	unsigned char c;

	for (i = 0; i < p.n; i++) {
		c = (unsigned char)p.s[i];
		if (c >= 128 || !((set[c >> 6] >> (c & 63)) & 1))
			return false;
	}
	return true;
}

/* The digits of p (leading zeros allowed) fit in an int. */
static bool
epoch_fits(struct part p)
{
	size_t i = 0;
	long long v = 0;

	while (i < p.n && p.s[i] == '0')
		i++;
	for (; i < p.n; i++) {
		v = v * 10 + (p.s[i] - '0');
		if (v > INT_MAX)
			return false;
	}
	return true;
}

/* Whether the version split in pv is valid. */
static bool
split_valid(const struct version *pv)
{
	const char *rest;
	size_t i;

	if (pv->whole.n == 0)
		return false;
	/* Only white space may follow the version (no embedded blanks). */
	for (rest = pv->whole.s + pv->whole.n; *rest != '\0'; rest++)
		if (!is_space((unsigned char)*rest))
			return false;
	/* A ':' that did not make an epoch: empty or not a number. */
	if (!pv->has_colon && memchr(pv->whole.s, ':', pv->whole.n) != NULL)
		return false;
	if (pv->has_colon) {
		if (!epoch_fits(pv->epoch))
			return false;
		for (i = 0; pv->epoch_neg && i < pv->epoch.n; i++)
			if (pv->epoch.s[i] != '0')
				return false;
		if (pv->up.n == 0 && !pv->has_hyphen)
			return false; /* nothing after the colon */
	}
	if (pv->has_hyphen && pv->rev.n == 0)
		return false;
	if (pv->up.n == 0 || !is_digit((unsigned char)pv->up.s[0]))
		return false;
	/* ':' in upstream only with an epoch, '-' only with a revision:
	 * both follow from the split, which takes the first ':' and the
	 * last '-'. */
	return chars_ok(pv->up, true) && chars_ok(pv->rev, false);
}

bool
vg_dpkg_version_valid(const char *v)
{
	struct version pv;

	if (v == NULL)
		return false;
	split(v, &pv);
	return split_valid(&pv);
}

/* A key being made: false once it would pass VG_DPKG_KEY_MAX. */
struct key {
	unsigned char *b;
	size_t n;
	bool ok;
};

#define KEY_END 0x02

static void
key_put(struct key *k, unsigned char c)
{
	if (k->n >= VG_DPKG_KEY_MAX)
		k->ok = false;
	else
		k->b[k->n++] = c;
}

/* A digit run: its significant digits' count, then them. */
static void
key_digits(struct key *k, const char *s, size_t n)
{
	while (n > 0 && *s == '0') {
		s++;
		n--;
	}
	if (n > 0xff) {
		k->ok = false;
		return;
	}
	key_put(k, (unsigned char)n);
	while (n-- > 0)
		key_put(k, (unsigned char)*s++);
}

/* A part: (non-digit run, end, digit run) pairs, then an end. */
static void
key_part(struct key *k, struct part p)
{
	size_t i = 0, j;
	unsigned char c;

	do {
		for (; i < p.n && !is_digit((unsigned char)p.s[i]); i++) {
			c = (unsigned char)p.s[i];
			key_put(k,
				c == '~' ? 0x01
					: is_alpha(c)
					? c
					: (unsigned char)(0x80 | c));
		}
		key_put(k, KEY_END);
		for (j = i; j < p.n && is_digit((unsigned char)p.s[j]); j++)
			;
		key_digits(k, p.s + i, j - i);
		i = j;
	} while (i < p.n);
	key_put(k, KEY_END);
}

size_t
vg_dpkg_version_key(const char *v, unsigned char key[VG_DPKG_KEY_MAX])
{
	struct key k = {key, 0, true};
	struct version pv;

	/* Valid only: a valid version's characters are ASCII, and its
	 * epoch digits. */
	if (v == NULL)
		return 0;
	split(v, &pv);
	if (!split_valid(&pv))
		return 0;
	key_digits(&k, pv.epoch.s, pv.epoch.n);
	key_part(&k, pv.up);
	key_part(&k, pv.rev);
	return k.ok ? k.n : 0;
}

/*
 * dpkg's version order (lib/dpkg/version.c: verrevcmp), for untrusted
 * strings: no allocation, no integer conversion (digit runs are compared
 * by length once leading zeros are gone), so any byte string is ordered
 * without overflow. A version is [epoch:]upstream[-revision].
 */
#include "util/common.h"

#include <string.h>

#include "collect/collectors.h"
#include "util/banned.h"

/* A byte range of a version string. */
struct part {
	const char *s;
	size_t n;
};

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
	size_t i = 0, j = 0, da, db;
	int first, d;

	while (i < a.n || j < b.n) {
		/* Non-digit run: compare weights byte by byte. */
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
		/* Digit run: numerically, without converting. */
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
			return first > 0 ? 1 : -1;
		i += da;
		j += db;
	}
	return 0;
}

/*
 * Split v. The epoch is the text before the first ':' when it is all
 * digits (dpkg refuses anything else; we then keep the whole string as
 * upstream so that hostile input still gets a stable order). The
 * revision is the text after the last '-' of the rest.
 */
static void
split(const char *v, struct part *epoch, struct part *up, struct part *rev)
{
	const char *colon, *dash;
	size_t n = strlen(v), k;

	epoch->s = "";
	epoch->n = 0;
	if ((colon = memchr(v, ':', n)) != NULL && colon > v) {
		for (k = 0; v + k < colon && is_digit((unsigned char)v[k]); k++)
			;
		if (v + k == colon) {
			epoch->s = v;
			epoch->n = k;
			n -= k + 1;
			v = colon + 1;
		}
	}
	up->s = v;
	up->n = n;
	rev->s = "";
	rev->n = 0;
	if ((dash = memrchr(v, '-', n)) != NULL) {
		up->n = (size_t)(dash - v);
		rev->s = dash + 1;
		rev->n = n - up->n - 1;
	}
}

int
vg_dpkg_version_cmp(const char *a, const char *b)
{
	struct part ea, ua, ra, eb, ub, rb;
	int d;

	split(a != NULL ? a : "", &ea, &ua, &ra);
	split(b != NULL ? b : "", &eb, &ub, &rb);
	/* An epoch is all digits: verrevcmp orders it numerically. */
	if ((d = verrevcmp(ea, eb)) != 0)
		return d > 0 ? 1 : -1;
	if ((d = verrevcmp(ua, ub)) != 0)
		return d > 0 ? 1 : -1;
	d = verrevcmp(ra, rb);
	return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/*
 * Fuzz target: dpkg version order (core/dpkg_version.h). The input is
 * two versions separated by the first newline (a third, after the next
 * one, for transitivity); the order must be antisymmetric, reflexive,
 * transitive on the triple and never crash on any bytes; comparing with
 * a version split once, and comparing two valid versions' order keys,
 * must agree with it.
 */
#include "util/common.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/dpkg_version.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The split and key comparisons of a and b agree with ab. */
static void
same_order(const char *a, const char *b, int ab)
{
	unsigned char ka[VG_DPKG_KEY_MAX], kb[VG_DPKG_KEY_MAX];
	struct vg_dpkg_split sa;
	size_t na, nb;

	vg_dpkg_version_split(a, &sa);
	if (vg_dpkg_version_cmp_split(&sa, b, SIZE_MAX) != ab ||
	    vg_dpkg_version_cmp_split(&sa, b, strlen(b)) != ab)
		abort();
	na = vg_dpkg_version_key(a, ka);
	nb = vg_dpkg_version_key(b, kb);
	/* A key exactly for the valid versions (when short enough). */
	if ((na > 0 && !vg_dpkg_version_valid(a)) ||
	    (nb > 0 && !vg_dpkg_version_valid(b)))
		abort();
	if (na > 0 && nb > 0 && vg_dpkg_key_cmp(ka, na, kb, nb) != ab)
		abort();
}

/* The next newline-separated piece of [*p, end), as a C string (an
 * embedded NUL just cuts it, as it would for any C caller). */
static char *
piece(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = (size_t)((nl != NULL ? nl : end) - *p);
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, *p, n);
	s[n] = '\0';
	*p = nl != NULL ? nl + 1 : end;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *a = piece(&p, end), *b = piece(&p, end), *c = piece(&p, end);
	int ab = vg_dpkg_version_cmp(a, b), ba = vg_dpkg_version_cmp(b, a);
	int bc = vg_dpkg_version_cmp(b, c), ac = vg_dpkg_version_cmp(a, c);

	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (vg_dpkg_version_cmp(a, a) != 0 || vg_dpkg_version_cmp(b, b) != 0)
		abort();
	if ((ab <= 0 && bc <= 0 && ac > 0) || (ab >= 0 && bc >= 0 && ac < 0))
		abort();
	same_order(a, b, ab);
	same_order(b, c, bc);
	free(a);
	free(b);
	free(c);
	return 0;
}

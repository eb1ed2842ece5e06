/*
 * dpkg's version order (lib/dpkg/version.c, lib/dpkg/parsehelp.c), for
 * untrusted strings: shared by the collectors (newest candidate, kernel)
 * and by vulnerability matching (installed < fixed).
 */
#ifndef VG_CORE_DPKG_VERSION_H
#define VG_CORE_DPKG_VERSION_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Compare two versions [epoch:]upstream[-revision] as dpkg does: -1, 0
 * or 1 like strcmp. NULL compares as "". Any byte string is ordered
 * (a total preorder), including those dpkg would refuse: leading blanks
 * are skipped and the version ends at the first blank, as in dpkg; an
 * epoch that is not a number is kept as upstream text. Never allocates,
 * never overflows (digit runs are compared by length and digits).
 */
int vg_dpkg_version_cmp(const char *a, const char *b);

/* A version split once, as vg_dpkg_version_cmp splits it, to be compared
 * with many others (matching compares one installed version with every
 * fix of its package). Points into the string, which must outlive it. */
struct vg_dpkg_split {
	const char *epoch, *up, *rev;
	size_t epoch_n, up_n, rev_n;
};

/* Split v (NULL as ""). */
void vg_dpkg_version_split(const char *v, struct vg_dpkg_split *out);

/* vg_dpkg_version_cmp(a, b) with a split already; b is read up to n
 * bytes or its NUL, whichever comes first (SIZE_MAX for a C string; a
 * word of a list otherwise). */
int vg_dpkg_version_cmp_split(const struct vg_dpkg_split *a, const char *b,
			      size_t n);

/*
 * Whether dpkg accepts v without error nor warning: optional blanks
 * around, epoch a non-negative number up to INT_MAX with something after
 * the colon, a non-empty revision after the last '-' when there is one,
 * a non-empty upstream starting with a digit, only [A-Za-z0-9.+~:-] in
 * upstream and [A-Za-z0-9.+~] in the revision.
 */
bool vg_dpkg_version_valid(const char *v);

#endif

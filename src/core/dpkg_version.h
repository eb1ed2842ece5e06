/*
 * dpkg's version order (lib/dpkg/version.c, lib/dpkg/parsehelp.c), for
 * untrusted strings: shared by the collectors (newest candidate, kernel)
 * and by vulnerability matching (installed < fixed).
 */
#ifndef VG_CORE_DPKG_VERSION_H
#define VG_CORE_DPKG_VERSION_H

#include <stdbool.h>

/*
 * Compare two versions [epoch:]upstream[-revision] as dpkg does: -1, 0
 * or 1 like strcmp. NULL compares as "". Any byte string is ordered
 * (a total preorder), including those dpkg would refuse: leading blanks
 * are skipped and the version ends at the first blank, as in dpkg; an
 * epoch that is not a number is kept as upstream text. Never allocates,
 * never overflows (digit runs are compared by length and digits).
 */
int vg_dpkg_version_cmp(const char *a, const char *b);

/*
 * Whether dpkg accepts v without error nor warning: optional blanks
 * around, epoch a non-negative number up to INT_MAX with something after
 * the colon, a non-empty revision after the last '-' when there is one,
 * a non-empty upstream starting with a digit, only [A-Za-z0-9.+~:-] in
 * upstream and [A-Za-z0-9.+~] in the revision.
 */
bool vg_dpkg_version_valid(const char *v);

#endif

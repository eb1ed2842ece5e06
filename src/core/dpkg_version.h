/*
 * dpkg's version order (lib/dpkg/version.c, lib/dpkg/parsehelp.c), for
 * untrusted strings: shared by the collectors (newest candidate, kernel)
 * and by vulnerability matching (installed < fixed).
 */
#ifndef VG_CORE_DPKG_VERSION_H
#define VG_CORE_DPKG_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

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

/* Longest key vg_dpkg_version_key makes. */
#define VG_DPKG_KEY_MAX 255

/*
 * An order-preserving key of v: for any two versions that
 * vg_dpkg_version_valid accepts, vg_dpkg_key_cmp of their keys has the
 * sign of vg_dpkg_version_cmp. Made once (the store packs one for each
 * fixed version) so that matching compares bytes instead of splitting
 * and walking both versions. Its length (1 to VG_DPKG_KEY_MAX), or 0
 * when v is not valid or its key would be longer.
 *
 * Each part (epoch, upstream, revision) is its runs in order: a
 * non-digit run as one byte per character ('~' 0x01, letters as
 * themselves, '.', '+', '-', ':' as 0x80 + themselves), then an end
 * byte 0x02 (above '~', below letters: the end of a run weighs 0 in
 * dpkg's order), then the digit run as its count of significant digits
 * (one byte) and those digits; the part ends with one more 0x02. The
 * epoch is a digit run alone.
 */
size_t vg_dpkg_version_key(const char *v, unsigned char key[VG_DPKG_KEY_MAX]);

/* Compare two keys: -1, 0 or 1. Inline: matching compares tens of
 * thousands, each a few bytes. */
static inline int
vg_dpkg_key_cmp(const unsigned char *a, size_t an, const unsigned char *b,
		size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c == 0)
		return an < bn ? -1 : an > bn ? 1 : 0;
	return c < 0 ? -1 : 1;
}

/*
 * Whether dpkg accepts v without error nor warning: optional blanks
 * around, epoch a non-negative number up to INT_MAX with something after
 * the colon, a non-empty revision after the last '-' when there is one,
 * a non-empty upstream starting with a digit, only [A-Za-z0-9.+~:-] in
 * upstream and [A-Za-z0-9.+~] in the revision.
 */
bool vg_dpkg_version_valid(const char *v);

#endif

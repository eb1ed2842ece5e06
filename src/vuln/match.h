/*
 * Matching a host's packages against the known vulnerabilities (issue
 * "Known vulnerabilities"): by source package and source version against
 * the entries for the host's own release (its os-release codename),
 * with dpkg's ordering (core/dpkg_version.h) — never by exact-string
 * membership (the debsecan quirk, vulnerability-data.md §1.4).
 *
 * The entries come from a lookup callback (the store implements it:
 * vg_store_vuln_lookup), so matching is a pure function testable without
 * a store. Its result is a derived section of the facts ("vulnerable
 * packages", source VG_SRC_VULNS), which rule R7 judges into
 * updates.vulnerable_package findings: matching never decides severity.
 */
#ifndef VG_VULN_MATCH_H
#define VG_VULN_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/facts.h"
#include "util/err.h"
#include "core/vulns.h"

/*
 * Is installed version v affected by e? VG_VULN_FIXED: v < fixed (and
 * v >= introduced when given); OPEN / END_OF_LIFE: v >= introduced and
 * v <= last_affected when given; UNDETERMINED: reported as such;
 * NOT_AFFECTED: never.
 */
bool vg_vuln_affects(const struct vg_vuln_entry *e, const char *v);

/*
 * Match every installed package of f (deduplicated by source name and
 * source version; the binary name and version when the source is
 * unknown) against lookup for f->os.codename, and fill f's vulnerable
 * packages (facts.h: struct vg_vuln_pkg) and mark VG_SRC_VULNS collected.
 * A host without a codename, or packages not collected, is marked not
 * collected with the reason. VG_ERR_NOMEM or the lookup's error.
 */
enum vg_rc vg_vuln_match(struct vg_facts *f, vg_vuln_lookup_fn lookup,
			 void *ctx, struct vg_err *err);

struct vg_store;

/*
 * The state of the store's vulnerability data, from its feeds
 * (vg_store_vuln_feeds): *has_packages true when a package feed
 * ("debian-json", "debsecan-<release>", "osv") holds records (KEV and
 * EPSS alone only prioritise: nothing to match against); *state (may be
 * NULL) a digest of every feed's row, 0 when none: it changes at every
 * import, so a caller can tell the data changed and key results on it.
 * The one place that decides whether matching is worth running (`vigie
 * scan`, `vigie vuln`, `vigie serve`).
 */
enum vg_rc vg_vuln_store_state(struct vg_store *s, bool *has_packages,
			       int64_t *state, struct vg_err *err);

/*
 * A lookup that remembers, for matching many hosts in a row (the
 * server's re-judgement after a feed change): each (release, package)'s
 * entries are read once through inner and kept, copied, for every later
 * call, until vg_vuln_cache_free. Make a new cache when the data change.
 * At most VG_VULN_CACHE_MAX_ENTRIES entries are kept; past that the
 * lookups go to inner each time. One thread at a time. NULL on no
 * memory.
 */
#define VG_VULN_CACHE_MAX_ENTRIES 2000000
struct vg_vuln_cache;
struct vg_vuln_cache *vg_vuln_cache_new(vg_vuln_lookup_fn inner,
					void *inner_ctx);
void vg_vuln_cache_free(struct vg_vuln_cache *c);
/* A vg_vuln_lookup_fn whose ctx is the cache. */
enum vg_rc vg_vuln_cache_lookup(void *cache, const char *release,
				const char *package, vg_vuln_entry_fn fn,
				void *ctx, struct vg_err *err);

#endif

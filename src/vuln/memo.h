/*
 * Vulnerability matching's results by (package set digest, release,
 * whether packages were collected, the feeds' state: vuln/match.h's
 * vg_vuln_store_state): the same
 * packages of the same release against the same feeds match alike, so
 * hosts sharing a package set (core/sections.h) are matched once per
 * set: the server's reports sent by reference, and its re-judgement of
 * every host after a feed update (which walks the hosts set by set).
 * Bounded (VG_VULN_MEMO_MAX, the least recently used goes) and shared
 * by the threads (a lock).
 */
#ifndef VG_VULN_MEMO_H
#define VG_VULN_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/facts.h"
#include "core/vulns.h"
#include "util/err.h"

#define VG_VULN_MEMO_MAX 64

/* f's vulnerable packages and VG_SRC_VULNS state from the memo (copied
 * into f, whose own must be empty); false when not there (f unchanged). */
bool vg_vuln_memo_get(const char *digest, int64_t feeds_state,
		      struct vg_facts *f);
/* Keep f's matching results (copied) under its key. */
void vg_vuln_memo_put(const char *digest, int64_t feeds_state,
		      const struct vg_facts *f);

/*
 * vg_vuln_match (vuln/match.h) through the memo when packages_ref (the
 * digest of f's package set) is given, else matched outright; f's
 * vulnerable packages already there are replaced. Errors as
 * vg_vuln_match.
 */
enum vg_rc vg_vuln_match_memo(struct vg_facts *f, const char *packages_ref,
			      int64_t feeds_state, vg_vuln_lookup_fn lookup,
			      void *ctx, struct vg_err *err);

#endif

/*
 * An incident's timeline is append-only and tamper-evident: each entry
 * carries a BLAKE2b-256 hash (libsodium's crypto_generichash) of its own
 * fields and of the previous entry's hash, so changing, removing or
 * reordering a stored entry breaks every hash from it on, and
 * `vigie incident verify` names the first entry that does not match.
 * In core/ because the store computes the chain inside the transaction
 * that appends, and the verifier recomputes it from what was read.
 */
#ifndef VG_CORE_TIMELINE_H
#define VG_CORE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VG_TIMELINE_HASH_BYTES 32
#define VG_TIMELINE_HASH_HEX (2 * VG_TIMELINE_HASH_BYTES + 1)
#define VG_TIMELINE_KIND_MAX 32      /* bytes of a kind */
#define VG_TIMELINE_DETAIL_MAX 65536 /* bytes of an entry's detail JSON */

/*
 * Kinds of entries (stable names): "opened", "note", "status" (a field
 * or the status changed), "isolate" / "release" (a task queued),
 * "task" (an agent's answer: confirmed or failed), "evidence" (a
 * volatile snapshot received), "alert" (one delivery, ok or failed),
 * "reported" (the portal or the CNIL notified), "closed".
 */

/* One entry as stored: seq counts from 1 within its incident; detail is
 * a JSON object (text); prev is the previous entry's hash (all zero
 * bytes' hex for seq 1). */
struct vg_timeline_entry {
	int64_t incident_id;
	int64_t seq;
	int64_t at;         /* Unix seconds */
	const char *actor;  /* user, "agent:<id>", "vigie" */
	const char *kind;   /* see above */
	const char *detail; /* JSON object text */
	char prev[VG_TIMELINE_HASH_HEX];
	char hash[VG_TIMELINE_HASH_HEX];
};

/*
 * The hash of e from its fields and e->prev, as lower-case hex in out:
 * BLAKE2b-256 of "vigie.timeline/1", then prev's 32 bytes, then
 * incident_id, seq and at as 64-bit little-endian, then actor, kind
 * and detail each as a 64-bit little-endian length and its bytes (so
 * no two different entries serialise alike). VG_ERR_USAGE when prev is
 * not 64 hex digits.
 */
enum vg_rc vg_timeline_hash(const struct vg_timeline_entry *e,
			    char out[VG_TIMELINE_HASH_HEX], struct vg_err *err);

/* The prev of an incident's first entry: 64 '0'. */
void vg_timeline_genesis(char out[VG_TIMELINE_HASH_HEX]);

/*
 * Check n entries of one incident, in seq order: seq runs 1..n, each
 * prev is the previous hash (genesis for the first) and each hash is
 * recomputed equal. *bad is the index of the first entry that does not
 * match (n when all do). VG_OK in both cases; an error only for bad
 * arguments.
 */
enum vg_rc vg_timeline_verify(const struct vg_timeline_entry *e, size_t n,
			      size_t *bad, struct vg_err *err);

#endif

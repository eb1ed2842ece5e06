/*
 * The packed form of a (package, release)'s vulnerability entries
 * (table vuln_packed, store migration 15): every entry the lookup
 * returns, KEV and EPSS already joined, in one blob, so a lookup reads
 * one row instead of an index range, a row fetch and two probes per
 * entry. Written by the store's import, read by its lookup.
 *
 * Format (little-endian; no pointer, no alignment):
 *
 *   blob  := 0x01 (format) count:u32 entry{count}
 *   entry := status:u8 urgency:u8 flags:u16
 *            [cvss:f64 if CVSS] [epss:f64 if EPSS] [percentile:f64 if PCT]
 *            id NUL [fixed_version NUL if FIXED]
 *            [key_len:u8 key{key_len} if FIXED_KEY]
 *            [introduced NUL if INTRO]
 *            [last_affected NUL if LAST] [fixed_on_branches NUL if BRANCHES]
 *
 * An f64 is an IEEE-754 binary64, so a score reads back bit for bit;
 * an absent one is -1 (unknown), an absent text NULL. Flags: KEV 0x01,
 * RANSOMWARE 0x02 (only with KEV), CVSS 0x04, EPSS 0x08, PCT 0x10,
 * FIXED 0x20, INTRO 0x40, LAST 0x80, BRANCHES 0x100, FIXED_KEY 0x200,
 * SAME_BRANCHES 0x400 (no text: the previous entry's branch list, which
 * more than half of a package's entries repeat; never with BRANCHES,
 * never on an entry after one without a list)
 * (only with FIXED: the fixed version's vg_dpkg_version_key, which the
 * packer makes from the text when the version is valid, so matching
 * compares bytes; migration 16 repacked the rows of earlier stores).
 * A damaged key is not detected: it orders its entry wrongly, as a
 * damaged version text would.
 *
 * The store file may be damaged: the decoder checks the whole blob
 * before it calls back once (count against the bytes left, every text
 * ended inside the blob, no unknown flag, finite scores, nothing after
 * the last entry), so a damaged row fails its lookup with an error
 * naming the package and hands out no entry, rather than a part of
 * them. An entry cannot be skipped alone: a damaged one leaves no way
 * to find where the next starts. A status or urgency out of the enums
 * reads as undetermined / unknown, as the unpacked columns did; text
 * bytes are handed out as stored, as a text column's were.
 */
#ifndef VG_STORE_VULN_PACKED_H
#define VG_STORE_VULN_PACKED_H

#include <stddef.h>
#include <stdint.h>

#include "core/vulns.h"
#include "util/buf.h"
#include "util/err.h"

/* One blob's largest size: far above a real package's (the kernel's
 * ~6,000 entries pack in about 1 MB), far below SQLite's blob limit. */
#define VG_VULN_PACKED_MAX (64u << 20)

/* A blob being built: init, then add entries, then take the blob. */
struct vg_vuln_packer {
	struct vg_buf buf;
	uint32_t n;
	/* The last entry's branch list, when it had one: at list_at in
	 * buf, list_n bytes (an entry with the same is SAME_BRANCHES). */
	bool list;
	size_t list_at, list_n;
};

/* Start an empty blob; allocates nothing until the first add. */
void vg_vuln_packer_init(struct vg_vuln_packer *p);
/* Empty it for the next blob, keeping its allocation. */
void vg_vuln_packer_reset(struct vg_vuln_packer *p);
/* Free the contents. */
void vg_vuln_packer_release(struct vg_vuln_packer *p);

/* Append e (id required). VG_ERR_LIMIT past VG_VULN_PACKED_MAX,
 * VG_ERR_NOMEM; a failed add leaves the blob as it was. */
enum vg_rc vg_vuln_packer_add(struct vg_vuln_packer *p,
			      const struct vg_vuln_entry *e,
			      struct vg_err *err);
/* The blob of the entries added so far (owned by p, valid until its
 * next add, reset or release). */
const void *vg_vuln_packer_blob(struct vg_vuln_packer *p, size_t *len);

/* Largest count of entries decoded at once (about 350 KB): the
 * kernel's ~6,000 are checked, then decoded as they are handed out. */
#define VG_VULN_UNPACKED_MAX 4096

/* The entries of the last blob decoded, kept for the next decode (one
 * per connection): a blob is then parsed once, not checked then parsed
 * again as it is handed out. Zero-initialised is empty. */
struct vg_vuln_unpacked {
	struct vg_vuln_entry *e;
	size_t cap;
};

/* Free u's entries. */
void vg_vuln_unpacked_release(struct vg_vuln_unpacked *u);

/*
 * Call fn for each entry of blob, in the order they were added; the
 * strings live for the call. u (or NULL) is the room to decode in. A
 * malformed blob: VG_ERR_PARSE naming package (only used in the
 * message), fn never called. fn's own failure stops the walk and is
 * returned as is.
 */
enum vg_rc vg_vuln_packed_decode(const void *blob, size_t len,
				 const char *package,
				 struct vg_vuln_unpacked *u,
				 vg_vuln_entry_fn fn, void *ctx,
				 struct vg_err *err);

#endif

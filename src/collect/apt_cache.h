/*
 * apt_cache.c: a compact index of one Packages list, (name, architecture,
 * version) per stanza sorted by name, like apt's own pkgcache.bin. It
 * is kept on disk, keyed by the list file's identity, so a later scan
 * reads ~2 MB instead of decompressing ~50 MB. Private to collect/,
 * shared with the unit tests and the apt_cache fuzz target.
 *
 * The image (the file's bytes) is little-endian:
 *   header (APT_CACHE_HEADER bytes): magic, format, vigie version, the
 *     list's identity, lengths, CRC-32 of everything after the header;
 *   key (the list's real path), padded to 4 bytes;
 *   strings: "name\0arch\0version\0" per record, in list order, padded;
 *   offsets: one u32 per record into strings, sorted by name, list order
 *     among equal names;
 *   warnings: "text\0" each, the scan's warnings, replayed on load.
 * A loaded image is untrusted: every length and offset is checked, and
 * any mismatch makes it "not found" so the caller rebuilds it.
 */
#ifndef VG_COLLECT_APT_CACHE_H
#define VG_COLLECT_APT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/apt.h"
#include "util/buf.h"
#include "util/root.h"

/* What identifies one version of a list file (from fstat). */
struct vg_apt_list_id {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
};

/*
 * An index being built: records are added in list order, then
 * vg_apt_index_build sorts and lays out the image. Layout private.
 */
struct vg_apt_index_builder {
	struct vg_buf img; /* header, key, then strings as they come */
	size_t key_len;
	size_t strings_at; /* offset of the strings in img */
	uint32_t *offs;    /* one per record, into the strings */
	size_t n, cap;
	struct vg_buf warnings; /* "text\0" each */
	size_t n_warnings;
	bool too_big;  /* records were dropped: the index is incomplete */
	bool no_store; /* complete, but not worth a file (key, warnings) */
};

/* A read view over an image (built here or loaded). Layout private. */
struct vg_apt_index {
	unsigned char *owned; /* the image when loaded from a file */
	const unsigned char *img;
	size_t len;
	const char *strings;
	size_t strings_len;
	const unsigned char *offs; /* n little-endian u32 */
	size_t n;
	const char *warnings;
	size_t warnings_len, n_warnings;
};

/* Start an index for the list at key (its real path); allocates. */
enum vg_rc vg_apt_index_builder_init(struct vg_apt_index_builder *b,
				     const char *key);
void vg_apt_index_builder_release(struct vg_apt_index_builder *b);

/*
 * Add a stanza. A name holding NUL is dropped (no installed package
 * has it); an invalid version (NUL, too long) is stored as "" so the
 * reader warns as the scan would. VG_ERR_NOMEM only; past a limit the
 * builder is marked too_big and the record dropped.
 */
enum vg_rc vg_apt_index_add(struct vg_apt_index_builder *b,
			    const struct vg_apt_stanza *st);
/*
 * Keep a warning of the scan, to replay it when the index is loaded;
 * past CACHE_MAX_WARNINGS the builder is marked no_store.
 */
enum vg_rc vg_apt_index_add_warning(struct vg_apt_index_builder *b,
				    const char *text);

/*
 * Sort and lay out the image for id; *img / *len point into b (valid
 * until it is released). VG_ERR_NOMEM only.
 */
enum vg_rc vg_apt_index_build(struct vg_apt_index_builder *b,
			      const struct vg_apt_list_id *id,
			      const unsigned char **img, size_t *len);

/*
 * Check the image (magic, format, version, key, id, lengths, CRC) and
 * view it in ix, which borrows img. VG_ERR_PARSE on any mismatch. A NULL
 * id or key is not compared (fuzzing, tests).
 */
enum vg_rc vg_apt_index_open(struct vg_apt_index *ix, const void *img,
			     size_t len, const char *key,
			     const struct vg_apt_list_id *id);
void vg_apt_index_release(struct vg_apt_index *ix);

/* The records called name (n bytes): their count, the first in *first. */
size_t vg_apt_index_find(const struct vg_apt_index *ix, const char *name,
			 size_t n, size_t *first);
/* Record i as a stanza pointing into the image; false when malformed. */
bool vg_apt_index_get(const struct vg_apt_index *ix, size_t i,
		      struct vg_apt_stanza *st);
/* The next warning from *pos (start at 0); false at the end. */
bool vg_apt_index_warning(const struct vg_apt_index *ix, size_t *pos,
			  const char **text);

/*
 * The cache directory for scans of root, created 0700 when missing, in
 * out: /var/cache/vigie/apt for root on the live system, else
 * $XDG_CACHE_HOME/vigie/apt or ~/.cache/vigie/apt. False (no cache)
 * when VIGIE_NO_CACHE is set to anything but "0" or "", when no place
 * fits, or when the directory is not ours alone.
 */
bool vg_apt_cache_dir(const struct vg_root *root, char *out, size_t n);

/*
 * Load the index of the list at key for id from dir into ix (which owns
 * the bytes). VG_ERR_NOTFOUND when there is none or it does not match
 * (stale, corrupt, foreign): the caller rebuilds; VG_ERR_NOMEM.
 */
enum vg_rc vg_apt_cache_load(struct vg_apt_index *ix, const char *dir,
			     const char *key, const struct vg_apt_list_id *id);

/* Store an image atomically; failure (read-only, no room) is silent. */
void vg_apt_cache_store(const char *dir, const char *key, const void *img,
			size_t len);

#endif

/*
 * OSV dumps: the records of OSV.dev's per-ecosystem archive
 * (https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip,
 * Ubuntu/all.zip) or of a directory of record files (an unpacked dump,
 * canonical/ubuntu-security-notices' osv/), one callback per "*.json"
 * record with its bytes. Archives are read with libzip.
 *
 * Untrusted: a member or file larger than VG_OSV_MAX_MEMBER (whatever
 * its header claims), a corrupt member (bad CRC, bad deflate data) or an
 * unreadable file is warned about through sink and skipped; members are
 * read one at a time, so memory stays bounded by one record. Past
 * VG_OSV_MAX_MEMBERS records or VG_OSV_MAX_TOTAL inflated bytes the read
 * stops with VG_ERR_LIMIT (a zip bomb costs no more than that). A file
 * that is not a zip archive is VG_ERR_PARSE, one that cannot be opened
 * VG_ERR_IO.
 */
#ifndef VG_VULN_OSV_ZIP_H
#define VG_VULN_OSV_ZIP_H

#include <stddef.h>

#include "util/err.h"
#include "vuln/feed.h"

#define VG_OSV_MAX_MEMBER (64u << 20)  /* one record (vg_feed_osv's) */
#define VG_OSV_MAX_MEMBERS 2000000     /* records in one dump */
#define VG_OSV_MAX_TOTAL (32ull << 30) /* inflated bytes of one dump */
#define VG_OSV_MAX_DIR_DEPTH 8         /* subdirectories followed */

/*
 * One record: name is the member's name in the archive ("DSA-5764-1.json")
 * or the file's path below the directory ("2024/CVE-2024-0727.json");
 * buf holds len bytes (not NUL-terminated), valid for the call only.
 * Anything but VG_OK stops the read and is returned.
 */
typedef enum vg_rc (*vg_osv_member_fn)(void *ctx, const char *name,
				       const char *buf, size_t len);

/* Every *.json member of the zip archive at path, in archive order. */
enum vg_rc vg_osv_zip_file(const char *path, vg_osv_member_fn fn, void *ctx,
			   struct vg_feed_sink *sink, struct vg_err *err);

/* The same for an archive held in memory (len bytes at buf). */
enum vg_rc vg_osv_zip_buf(const void *buf, size_t len, vg_osv_member_fn fn,
			  void *ctx, struct vg_feed_sink *sink,
			  struct vg_err *err);

/*
 * Every regular *.json file under the directory path, subdirectories
 * included (up to VG_OSV_MAX_DIR_DEPTH), in name order; symbolic links
 * are not followed.
 */
enum vg_rc vg_osv_dir(const char *path, vg_osv_member_fn fn, void *ctx,
		      struct vg_feed_sink *sink, struct vg_err *err);

/*
 * The whole dump at path (a directory or a zip archive) through
 * vg_feed_osv into sink: a record that vg_feed_osv refuses (not JSON,
 * not OSV, too large) is a warning naming it, and the read goes on;
 * anything else sink's callbacks return stops it.
 */
enum vg_rc vg_osv_dump(const char *path, struct vg_feed_sink *sink,
		       struct vg_err *err);

#endif

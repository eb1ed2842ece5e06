/*
 * MAC address vendors from Debian's ieee-data: oui.csv (MA-L, 24-bit
 * prefixes), mam.csv (MA-M, 28-bit) and oui36.csv (MA-S, 36-bit). A
 * lookup returns the longest matching prefix's organisation.
 *
 * The files are IEEE registry CSV (RFC 4180): "Registry,Assignment,
 * Organization Name,Organization Address", quoted fields may hold
 * commas, doubled quotes and line breaks. A malformed record is skipped
 * with a warning naming the file and line; the rest loads.
 */
#ifndef VG_DISCOVER_OUI_H
#define VG_DISCOVER_OUI_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct vg_oui;

/* Where Debian installs ieee-data. */
#define VG_OUI_DIR "/usr/share/ieee-data"
#define VG_OUI_MAX_FILE (64u << 20) /* one registry file */
#define VG_OUI_MAX_ENTRIES 200000   /* entries over all files */

/* An empty table; caller frees with vg_oui_free. NULL on no memory. */
struct vg_oui *vg_oui_new(void);

/* NULL-safe. */
void vg_oui_free(struct vg_oui *o);

/*
 * Warnings ("file:line: message", English via _()) go to warn(ctx, msg)
 * when warn is not NULL; at most VG_MAX_WARNINGS per table.
 */
typedef void (*vg_oui_warn_fn)(void *ctx, const char *msg);

/*
 * Add the records of registry text[0..len) (named name in warnings).
 * The prefix length comes from each record's Assignment (6, 7 or 9 hex
 * digits). VG_OK (bad records skipped with a warning), VG_ERR_NOMEM, or
 * VG_ERR_LIMIT past VG_OUI_MAX_ENTRIES.
 */
enum vg_rc vg_oui_add_csv(struct vg_oui *o, const char *text, size_t len,
			  const char *name, vg_oui_warn_fn warn, void *ctx,
			  struct vg_err *err);

/*
 * Load oui.csv, mam.csv and oui36.csv from dir (VG_OUI_DIR when NULL);
 * a missing file is skipped with a warning, none at all is VG_ERR_IO.
 */
enum vg_rc vg_oui_load_dir(struct vg_oui *o, const char *dir,
			   vg_oui_warn_fn warn, void *ctx, struct vg_err *err);

/* The organisation of mac's longest registered prefix, or NULL. The
 * string lives as long as o. Call after the last add (lookups sort). */
const char *vg_oui_lookup(struct vg_oui *o, const uint8_t mac[6]);

/* Entries loaded. */
size_t vg_oui_count(const struct vg_oui *o);

#endif

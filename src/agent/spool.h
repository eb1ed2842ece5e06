/*
 * The agent's on-disk spool: one file per report, named
 * "<unix-time>-<uuid>.json", written atomically (temporary file, fsync,
 * rename), so a crash leaves either the whole report or only a temporary
 * file that listing ignores. Reports leave the spool when delivered, or
 * move to rejected/ when the server refuses them for good.
 */
#ifndef VG_AGENT_SPOOL_H
#define VG_AGENT_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VG_SPOOL_NAME_MAX 80 /* 20 digits, '-', 36, ".json", NUL */

struct vg_spool {
	char *state_dir; /* STATE_DIR */
	char *dir;       /* STATE_DIR/spool */
	char *rejected;  /* STATE_DIR/rejected */
};

/* File names, oldest first (by the time in the name, then the file's
 * modification time, then the name). */
struct vg_spool_list {
	char (*names)[VG_SPOOL_NAME_MAX];
	size_t n;
};

/*
 * Open the spool of state_dir, creating spool/ and rejected/ (0700)
 * when missing, and removing temporary files a crash left behind (the
 * caller holds the state directory's lock). Release with
 * vg_spool_release.
 */
enum vg_rc vg_spool_open(struct vg_spool *sp, const char *state_dir,
			 struct vg_err *err);
void vg_spool_release(struct vg_spool *sp);

/* True when name is a complete spooled report's name. */
bool vg_spool_name_ok(const char *name);

/*
 * Spool a report taken at time now under id uuid. When max files are
 * already there, the oldest are deleted first to make room; *dropped
 * gets their count. On success *name (if not NULL) gets the file name.
 */
enum vg_rc vg_spool_put(struct vg_spool *sp, int64_t now, const char *uuid,
			const void *data, size_t len, size_t max,
			size_t *dropped, char name[VG_SPOOL_NAME_MAX],
			struct vg_err *err);

/* List the reports of dir (sp->dir or sp->rejected), oldest first.
 * Release with vg_spool_list_release. */
enum vg_rc vg_spool_list(const char *dir, struct vg_spool_list *out,
			 struct vg_err *err);
void vg_spool_list_release(struct vg_spool_list *l);

/* Number of reports waiting (VG_OK), for messages. */
enum vg_rc vg_spool_count(const struct vg_spool *sp, size_t *n,
			  struct vg_err *err);

/* Read a spooled report into out (reset first), at most max bytes. */
struct vg_buf;
enum vg_rc vg_spool_read(const struct vg_spool *sp, const char *name,
			 size_t max, struct vg_buf *out, struct vg_err *err);

/* Delete a delivered report. A report already gone is not an error. */
enum vg_rc vg_spool_remove(const struct vg_spool *sp, const char *name,
			   struct vg_err *err);

/*
 * Move a refused report to rejected/, then keep only the max newest
 * there; *dropped gets the count deleted.
 */
enum vg_rc vg_spool_reject(const struct vg_spool *sp, const char *name,
			   size_t max, size_t *dropped, struct vg_err *err);

#endif

/*
 * Harness shared by the feed parser tests (test_feed_*.c, test_osv_zip.c):
 * a warning collector for struct vg_feed_sink, the stop rule of the
 * record callbacks, and a whole-file reader.
 */
#ifndef VG_TEST_FEED_SUPPORT_H
#define VG_TEST_FEED_SUPPORT_H

#include <stddef.h>

#include "vuln/feed.h"

/* Every warning, one a line (cut past text), their count and the first. */
struct feed_warns {
	char text[8192];
	size_t len;
	size_t n;
	char first[1024];
};

/*
 * The sink's warn callback. ctx is the test's context, whose FIRST member
 * is a struct feed_warns (each test checks it with a static assertion).
 */
void feed_on_warn(void *ctx, const char *msg);

/* Clear sink and err, then route warnings to feed_on_warn with ctx. */
void feed_sink_init(struct vg_feed_sink *sink, void *ctx, struct vg_err *err);

/*
 * A hostile case's message check: with msg NULL, no warning at all;
 * else msg within err's message (rc not VG_OK) or the warnings.
 */
void feed_check_msg(const char *what, const char *msg, enum vg_rc rc,
		    const struct vg_feed_sink *sink, const struct vg_err *err,
		    const struct feed_warns *w);

/* Count one more record into *n: VG_ERR_STORE once stop_after (when
 * not 0) records were seen, as an importer that gives up would. */
enum vg_rc feed_count(size_t *n, size_t stop_after);

/* snprintf(dst, size, "%s", s), "" for NULL. */
void feed_copy(char *dst, size_t size, const char *s);

/* The whole file at path, NUL-terminated (not counted in *len); NULL
 * when it cannot be opened, any later failure fails the test. */
char *feed_read_file(const char *path, size_t *len);
/* The same, failing the test when the file cannot be opened. */
char *feed_slurp(const char *path, size_t *len);

#endif

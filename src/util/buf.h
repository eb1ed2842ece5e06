/*
 * struct vg_buf: a growable byte buffer with a mandatory ceiling.
 * Invariants: data is NULL or NUL-terminated at data[len]; len <= max;
 * a failed append leaves the buffer unchanged.
 */
#ifndef VG_UTIL_BUF_H
#define VG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/err.h"

struct vg_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* longest content allowed, excluding the NUL */
};

/* Set up an empty buffer that may hold up to max bytes; allocates nothing. */
void vg_buf_init(struct vg_buf *b, size_t max);
/* Free the contents; the buffer is empty and reusable afterwards. */
void vg_buf_release(struct vg_buf *b);
/* Empty the buffer, keeping its allocation. */
void vg_buf_reset(struct vg_buf *b);

/* Append; VG_ERR_LIMIT past max, VG_ERR_NOMEM on allocation failure. */
enum vg_rc vg_buf_add(struct vg_buf *b, const void *p, size_t n);
enum vg_rc vg_buf_adds(struct vg_buf *b, const char *s);
enum vg_rc vg_buf_addc(struct vg_buf *b, char c);
enum vg_rc vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum vg_rc vg_buf_vprintf(struct vg_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Hand the string to the caller (who frees it); the buffer is emptied. */
char *vg_buf_detach(struct vg_buf *b);
/* The content as a string ("" when nothing was added). */
const char *vg_buf_str(const struct vg_buf *b);

#endif

/*
 * struct vg_buf: a growable byte buffer with a mandatory ceiling.
 * Invariants: data is NULL or NUL-terminated at data[len]; len <= max;
 * a failed append leaves the buffer unchanged.
 */
#ifndef VG_UTIL_BUF_H
#define VG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

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

/* The growth path of vg_buf_reserve: doubles the allocation (64 bytes
 * at first) until n more bytes and the NUL fit, capped at max + 1. */
enum vg_rc vg_buf_grow(struct vg_buf *b, size_t n);

/*
 * Make room for n more bytes after the content, which stays as it is:
 * the caller may then write up to n bytes at data + len and end with
 * vg_buf_setlen. VG_ERR_LIMIT past max, VG_ERR_NOMEM. Inline because
 * writers append a few bytes at a time (a JSON key, a comma): when the
 * room is there, that costs two comparisons rather than a call.
 */
static inline enum vg_rc
vg_buf_reserve(struct vg_buf *b, size_t n)
{
	/* len <= max, and cap is 0 or above len: neither subtraction wraps. */
	if (n < b->cap - b->len && n <= b->max - b->len)
		return VG_OK;
	return vg_buf_grow(b, n);
}

/* Set the length after writing into reserved room (len <= cap - 1). */
static inline void
vg_buf_setlen(struct vg_buf *b, size_t len)
{
	b->len = len;
	b->data[len] = '\0';
}

/* Append; VG_ERR_LIMIT past max, VG_ERR_NOMEM on allocation failure. */
static inline enum vg_rc
vg_buf_add(struct vg_buf *b, const void *p, size_t n)
{
	enum vg_rc rc;

	if ((rc = vg_buf_reserve(b, n)) != VG_OK)
		return rc;
	/* n == 0 may come with p == NULL, which memcpy must not see. */
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	vg_buf_setlen(b, b->len + n);
	return VG_OK;
}

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

#include "util/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/banned.h"

void
vg_buf_init(struct vg_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
vg_buf_release(struct vg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
vg_buf_reset(struct vg_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

enum vg_rc
vg_buf_grow(struct vg_buf *b, size_t n)
{
	size_t want, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return VG_ERR_LIMIT;
	want = b->len + n + 1;
	if (want <= b->cap)
		return VG_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if ((p = realloc(b->data, cap)) == NULL)
		return VG_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return VG_OK;
}

enum vg_rc
vg_buf_adds(struct vg_buf *b, const char *s)
{
	return vg_buf_add(b, s, strlen(s));
}

enum vg_rc
vg_buf_addc(struct vg_buf *b, char c)
{
	return vg_buf_add(b, &c, 1);
}

enum vg_rc
vg_buf_vprintf(struct vg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	enum vg_rc rc;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return VG_ERR_USAGE;
	if ((rc = vg_buf_reserve(b, (size_t)n)) != VG_OK)
		return rc;
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return VG_OK;
}

enum vg_rc
vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum vg_rc rc;

	va_start(ap, fmt);
	rc = vg_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *
vg_buf_detach(struct vg_buf *b)
{
	char *s = b->data;

	if (s == NULL)
		s = calloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}

const char *
vg_buf_str(const struct vg_buf *b)
{
	return b->data != NULL ? b->data : "";
}

#include <stdarg.h>
#include <stdio.h>

#include "util/err.h"

void
vg_err_clear(struct vg_err *err)
{
	if (err == NULL)
		return;
	err->rc = VG_OK;
	err->msg[0] = '\0';
}

enum vg_rc
vg_err_set(struct vg_err *err, enum vg_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	err->rc = rc;
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

#include "util/common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/banned.h"

enum vg_log_level vg_log_level = VG_LOG_WARN;
static const char *log_prog = "vigie";

void
vg_log_init(const char *progname, enum vg_log_level level)
{
	log_prog = progname;
	vg_log_level = level;
}

static void
log_v(const char *prefix, const char *fmt, va_list ap, const char *errstr)
{
	fprintf(stderr, "%s: %s", log_prog, prefix);
	vfprintf(stderr, fmt, ap);
	if (errstr != NULL)
		fprintf(stderr, ": %s", errstr);
	fputc('\n', stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_v(_("warning: "), fmt, ap, e);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(_("warning: "), fmt, ap, NULL);
	va_end(ap);
}

void
log_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(_("error: "), fmt, ap, NULL);
	va_end(ap);
}

void
vg_log_msg(enum vg_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(level == VG_LOG_DEBUG ? "debug: " : "", fmt, ap, NULL);
	va_end(ap);
}

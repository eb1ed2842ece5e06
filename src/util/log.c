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

void
vg_fput_untrusted(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

static void
log_v(const char *prefix, const char *fmt, va_list ap, const char *errstr)
{
	char msg[2048];

	/* Messages quote file contents: escape before printing. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s", log_prog, prefix);
	vg_fput_untrusted(stderr, msg);
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

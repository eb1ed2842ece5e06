/*
 * Logging for programs (the library never prints). Messages go to stderr,
 * prefixed with the program name; untrusted strings must be escaped by
 * the caller with vg_log_escape.
 */
#ifndef VG_UTIL_LOG_H
#define VG_UTIL_LOG_H

#include <stdio.h>

enum vg_log_level {
	VG_LOG_ERROR,
	VG_LOG_WARN,
	VG_LOG_INFO,
	VG_LOG_DEBUG,
};

extern enum vg_log_level vg_log_level;

void vg_log_init(const char *progname, enum vg_log_level level);

/*
 * Write s to fp with every control byte (below 0x20, and 0x7f) as \xNN,
 * so that text from audited files cannot drive the terminal. Log
 * messages go through it; so do subjects and reasons in reports.
 */
void vg_fput_untrusted(FILE *fp, const char *s);
/* Appends ": strerror(errno)". */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vg_log_msg(enum vg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_info(...)                                                          \
	do {                                                                   \
		if (vg_log_level >= VG_LOG_INFO)                               \
			vg_log_msg(VG_LOG_INFO, __VA_ARGS__);                  \
	} while (0)
#define log_debug(...)                                                         \
	do {                                                                   \
		if (vg_log_level >= VG_LOG_DEBUG)                              \
			vg_log_msg(VG_LOG_DEBUG, __VA_ARGS__);                 \
	} while (0)

#endif

/* Small string helpers for parsers: all bounded, none allocate. */
#ifndef VG_UTIL_TEXT_H
#define VG_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/*
 * A line cursor over a buffer that may hold NUL bytes and may lack a final
 * newline. vg_lines_next gives each line without its '\n' (and '\r'),
 * its length and its 1-based number; it returns false at the end.
 */
struct vg_lines {
	const char *p, *end;
	int lineno;
};

void vg_lines_init(struct vg_lines *it, const char *buf, size_t len);
bool vg_lines_next(struct vg_lines *it, const char **line, size_t *len);

/* Skip spaces and tabs at both ends of [*s, *s + *n). */
void vg_trim(const char **s, size_t *n);
/* True when a and the n bytes at b are equal (case-sensitive). */
bool vg_streqn(const char *a, const char *b, size_t n);
/* Case-insensitive variant. */
bool vg_strcaseeqn(const char *a, const char *b, size_t n);
/*
 * True when the n bytes at s hold a NUL byte: such a line would be cut
 * short by any C string function, so parsers refuse it.
 */
bool vg_has_nul(const char *s, size_t n);

/*
 * Parse the n bytes at s as a base-10 integer within [min, max]; no sign
 * other than a leading '-', no spaces, no trailing bytes. The only
 * number-from-text helper of vigie.
 */
enum vg_rc vg_parse_int(const char *s, size_t n, int64_t min, int64_t max,
			int64_t *out);

/* Like vg_parse_int on a NUL-terminated string. */
enum vg_rc vg_parse_intz(const char *s, int64_t min, int64_t max, int64_t *out);

/*
 * Parse a duration "90s", "15m", "1h", "2d" (or plain seconds) into
 * seconds within [0, max]: VG_ERR_PARSE for anything else (no sign, no
 * space, one unit), VG_ERR_LIMIT past max.
 */
enum vg_rc vg_parse_duration(const char *s, int64_t max, int64_t *out);

/* The value of hexadecimal digit c (0-15), or -1 when it is not one. */
int vg_hex_value(char c);

/* Parse "yes/true/on/1" and "no/false/off/0" (any case). */
enum vg_rc vg_parse_bool(const char *s, bool *out);

/* Parse an ISO date "YYYY-MM-DD" to a Unix time at 00:00 UTC. */
enum vg_rc vg_parse_date(const char *s, int64_t *out);

/* The longest vg_format_int writes: "-9223372036854775808". */
#define VG_INT_TEXT_MAX 20

/* Write v in decimal, as "%lld" would, into out (no NUL); its length.
 * For writers of many numbers, to which snprintf costs more than the
 * rest of the number's output. */
size_t vg_format_int(int64_t v, char out[VG_INT_TEXT_MAX]);

/* Write a Unix time as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out[21]. */
void vg_format_time(int64_t t, char out[21]);

#endif

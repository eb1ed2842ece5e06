/*
 * UTF-8 validation for text that comes from files and need not be UTF-8
 * (a Latin-1 GECOS field): one decoder, as strict as jansson, so that
 * what vigie calls valid a JSON encoder accepts.
 */
#ifndef VG_UTIL_UTF8_H
#define VG_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length (1 to 4) of the valid UTF-8 sequence starting at s, reading at
 * most n bytes (n >= 1), or 0 when it is not one: no overlong forms, no
 * surrogates, nothing past U+10FFFF. A NUL byte is a sequence of 1.
 */
size_t vg_utf8_seq(const char *s, size_t n);

/* True when the n bytes at s are all valid UTF-8 (true for n == 0). */
bool vg_utf8_valid(const char *s, size_t n);

/* True when the n bytes at s are valid UTF-8 with no control character
 * (C0 or DEL): text fit to show and to store as a name. */
bool vg_utf8_printable(const char *s, size_t n);

#endif

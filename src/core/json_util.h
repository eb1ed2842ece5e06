/*
 * JSON helpers shared by the codecs and the rules (core/ only: util/
 * knows no jansson).
 */
#ifndef VG_CORE_JSON_UTIL_H
#define VG_CORE_JSON_UTIL_H

#include <jansson.h>

/*
 * A JSON string for the NUL-terminated s. Collected text need not be
 * UTF-8 (a Latin-1 GECOS field): each byte that does not start a valid
 * sequence becomes U+FFFD, so a document stays valid JSON and decodes
 * to what it encodes. A new reference; NULL on no memory.
 */
json_t *vg_json_str(const char *s);

/*
 * Nesting of v (1 for a scalar), stopping as soon as it passes limit, so
 * a hostile document costs no more than the limit's worth of recursion.
 */
int vg_json_depth(const json_t *v, int limit);

#endif

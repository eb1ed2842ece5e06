/*
 * The server's cache of stored sections (core/sections.h) by digest:
 * a report that refers to its packages instead of sending them is
 * judged on the cached tree, shared by every host with that package
 * set, without reading or parsing the section again. Bounded (least
 * recently used out) and shared by the server's threads (a mutex). The
 * trees are never modified: a reader holds its own reference (jansson's
 * reference counts are atomic).
 */
#ifndef VG_WEB_SECTION_CACHE_H
#define VG_WEB_SECTION_CACHE_H

#include <jansson.h>

/* Sections kept: a package set's tree is about 1 MB for 1,000
 * packages, and the hosts of an establishment share a few sets. */
#define VG_SECTION_CACHE_MAX 32

/* The section of digest (a new reference, caller decrefs), or NULL. */
json_t *vg_section_cache_get(const char *digest);
/* Keep v (a reference is taken) as the section of digest. */
void vg_section_cache_put(const char *digest, json_t *v);
/* Drop everything (tests, shutdown). */
void vg_section_cache_clear(void);

#endif

/*
 * The section cache (web/section_cache.h): a small array searched in
 * full (VG_SECTION_CACHE_MAX entries), with a use counter for eviction.
 */
#include "util/common.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/sections.h"
#include "web/section_cache.h"
#include "util/banned.h"

struct entry {
	char digest[VG_SECTION_DIGEST_MAX];
	json_t *v; /* NULL: a free slot */
	uint64_t used;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[VG_SECTION_CACHE_MAX];
static uint64_t clock_now;

json_t *
vg_section_cache_get(const char *digest)
{
	json_t *v = NULL;
	size_t i;

	(void)pthread_mutex_lock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++)
		if (cache[i].v != NULL &&
		    strcmp(cache[i].digest, digest) == 0) {
			cache[i].used = ++clock_now;
			v = json_incref(cache[i].v);
			break;
		}
	(void)pthread_mutex_unlock(&cache_lock);
	return v;
}

void
vg_section_cache_put(const char *digest, json_t *v)
{
	json_t *old = NULL;
	size_t i, victim = 0;

	if (v == NULL || strlen(digest) >= VG_SECTION_DIGEST_MAX)
		return;
	(void)pthread_mutex_lock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++) {
		if (cache[i].v != NULL &&
		    strcmp(cache[i].digest, digest) == 0) {
			/* Another thread read it first: keep that one. */
			(void)pthread_mutex_unlock(&cache_lock);
			return;
		}
		if (cache[i].v == NULL ||
		    (cache[victim].v != NULL &&
		     cache[i].used < cache[victim].used))
			victim = i;
	}
	old = cache[victim].v;
	cache[victim].v = json_incref(v);
	cache[victim].used = ++clock_now;
	(void)snprintf(cache[victim].digest, sizeof(cache[victim].digest), "%s",
		       digest);
	(void)pthread_mutex_unlock(&cache_lock);
	/* Freed outside the lock: a tree of thousands of nodes. */
	json_decref(old);
}

void
vg_section_cache_clear(void)
{
	size_t i;

	(void)pthread_mutex_lock(&cache_lock);
	for (i = 0; i < VG_SECTION_CACHE_MAX; i++) {
		json_decref(cache[i].v);
		cache[i].v = NULL;
	}
	(void)pthread_mutex_unlock(&cache_lock);
}
